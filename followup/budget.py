"""The budget service's routes: grants, budget lines, outcomes, forecasts, totals, summary.

Money is integer kronor everywhere (``15428700000``), never a float.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from followup.http import Api, Item, LoadMode, LoadSource
from followup.loads import LoadResult, OnBytes


class BudgetApi(Api):
    # ------------------------------------------------------------------ grants

    def grant(self, org_unit: str, year: int) -> Item:
        """A committee's regionbidrag for a year, its components and ``total``."""
        return self.get_item(f"/v1/grants/{org_unit}/{year}")

    def grants(
        self, year: int | None = None, org_unit: str | None = None, limit: int = 1000
    ) -> Iterator[dict[str, Any]]:
        return self.items("/v1/grants", {"year": year, "org_unit": org_unit}, limit)

    def put_grant(
        self, org_unit: str, year: int, grant: Mapping[str, Any], if_match: str | None = None
    ) -> Item:
        """Replace a grant (``components``; an admin key bound to no org unit)."""
        return self.put_item(f"/v1/grants/{org_unit}/{year}", dict(grant), if_match)

    # ------------------------------------------------------------------ budget lines

    def budget_line(self, org_unit: str, year: int, line: str) -> Item:
        return self.get_item(f"/v1/budget-lines/{org_unit}/{year}/{line}")

    def budget_lines(
        self, org_unit: str | None = None, year: int | None = None, limit: int = 1000
    ) -> Iterator[dict[str, Any]]:
        return self.items("/v1/budget-lines", {"org_unit": org_unit, "year": year}, limit)

    def put_budget_line(
        self,
        org_unit: str,
        year: int,
        line: str,
        budget_line: Mapping[str, Any],
        if_match: str | None = None,
    ) -> Item:
        """Create or replace a line (``revenue``, ``cost`` in kronor, ``counterparty``)."""
        path = f"/v1/budget-lines/{org_unit}/{year}/{line}"
        return self.put_item(path, dict(budget_line), if_match)

    def delete_budget_line(self, org_unit: str, year: int, line: str) -> None:
        self.send("DELETE", f"/v1/budget-lines/{org_unit}/{year}/{line}")

    # ------------------------------------------------------------------ outcomes, forecasts

    def outcomes(
        self,
        org_unit: str | None = None,
        line: str | None = None,
        year: int | None = None,
        limit: int = 1000,
    ) -> Iterator[dict[str, Any]]:
        """Monthly outcomes (utfall, one month each, not cumulative)."""
        return self.items("/v1/outcomes", {"org_unit": org_unit, "line": line, "year": year}, limit)

    def load_outcomes(
        self,
        source: LoadSource,
        *,
        mode: LoadMode = "atomic",
        dry_run: bool = False,
        on_bytes: OnBytes | None = None,
    ) -> LoadResult:
        """Rows ``org_unit, line, month, revenue, cost`` (whole kronor)."""
        return self.load("/v1/outcomes", source, mode=mode, dry_run=dry_run, on_bytes=on_bytes)

    def forecasts(
        self,
        org_unit: str | None = None,
        line: str | None = None,
        year: int | None = None,
        limit: int = 1000,
    ) -> Iterator[dict[str, Any]]:
        """Full-year forecasts (prognos), each made in a month."""
        query = {"org_unit": org_unit, "line": line, "year": year}
        return self.items("/v1/forecasts", query, limit)

    def load_forecasts(
        self,
        source: LoadSource,
        *,
        mode: LoadMode = "atomic",
        dry_run: bool = False,
        on_bytes: OnBytes | None = None,
    ) -> LoadResult:
        """Rows ``org_unit, line, made_in, revenue, cost`` (whole kronor)."""
        return self.load("/v1/forecasts", source, mode=mode, dry_run=dry_run, on_bytes=on_bytes)

    # ------------------------------------------------------------------ totals, summary

    def totals(
        self,
        org_unit: str | None = None,
        year: int | None = None,
        kind: str | None = None,
        limit: int = 1000,
    ) -> Iterator[dict[str, Any]]:
        """A committee's own totals as its report states them (``budget``, ``outcome``,
        ``forecast``)."""
        query = {"org_unit": org_unit, "year": year, "kind": kind}
        return self.items("/v1/totals", query, limit)

    def load_totals(
        self,
        source: LoadSource,
        *,
        mode: LoadMode = "atomic",
        dry_run: bool = False,
        on_bytes: OnBytes | None = None,
    ) -> LoadResult:
        """Rows ``org_unit, year, kind, month, revenue, cost, result``."""
        return self.load("/v1/totals", source, mode=mode, dry_run=dry_run, on_bytes=on_bytes)

    def summary(self, org_unit: str, year: int, through: str | None = None) -> dict[str, Any]:
        """A committee's economy for a year (``through``: the last month, ``2024-08``)."""
        query: dict[str, str | int | None] = {
            "org_unit": org_unit,
            "year": year,
            "through": through,
        }
        body: dict[str, Any] = self.get_json("/v1/summary", query)
        return body
