"""The indicators service's routes: indicators, targets, results, evaluations, area verdicts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from followup.http import Api, Item, LoadMode, LoadSource
from followup.loads import CSV, LoadResult, OnBytes


class IndicatorsApi(Api):
    # ------------------------------------------------------------------ indicators

    def indicators(self, area: str | None = None, limit: int = 1000) -> Iterator[dict[str, Any]]:
        """Indikatorbiblioteket, by code (``area``: a name or code such as ``G2.A1``)."""
        return self.items("/v1/indicators", {"area": area}, limit)

    def indicator(self, code: str) -> Item:
        return self.get_item(f"/v1/indicators/{code}")

    def put_indicator(
        self, code: str, indicator: Mapping[str, Any], if_match: str | None = None
    ) -> Item:
        """Create or replace an indicator (an admin key bound to no org unit)."""
        return self.put_item(f"/v1/indicators/{code}", dict(indicator), if_match)

    # ------------------------------------------------------------------ targets

    def targets(self, code: str) -> list[dict[str, Any]]:
        """Every target of the indicator, the region's and committees' own, each with its
        ``etag``."""
        items: list[dict[str, Any]] = self.get_json(f"/v1/indicators/{code}/targets")["items"]
        return items

    def put_target(
        self,
        code: str,
        year: int,
        expression: str,
        org_unit: str | None = None,
        if_match: str | None = None,
    ) -> Item:
        """Set a year's target as written (``org_unit`` None: the region's)."""
        body = {"expression": expression, "org_unit": org_unit}
        return self.put_item(f"/v1/indicators/{code}/targets/{year}", body, if_match)

    # ------------------------------------------------------------------ results

    def load_results(
        self,
        source: LoadSource,
        *,
        mode: LoadMode = "atomic",
        dry_run: bool = False,
        on_bytes: OnBytes | None = None,
    ) -> LoadResult:
        """Load results (JSON, or CSV in the API or the Swedish Excel form)."""
        return self.load("/v1/results", source, mode=mode, dry_run=dry_run, on_bytes=on_bytes)

    def results(
        self,
        indicator: str | None = None,
        org_unit: str | None = None,
        period: str | None = None,
        breakdown: str | None = None,
        limit: int = 1000,
    ) -> Iterator[dict[str, Any]]:
        """Results by id, page after page."""
        query = {
            "indicator": indicator,
            "org_unit": org_unit,
            "period": period,
            "breakdown": breakdown,
        }
        return self.items("/v1/results", query, limit)

    def results_csv(self, out: BinaryIO, **filters: str | None) -> int:
        """The whole filtered set as one CSV stream into ``out``; the bytes written."""
        return self.download("/v1/results", out, CSV, filters)

    def delete_result(self, result_id: int) -> int:
        """Delete one result; the number deleted (1)."""
        deleted: int = self.send("DELETE", f"/v1/results/{result_id}").json()["deleted"]
        return deleted

    def delete_results(
        self,
        indicator: str | None = None,
        org_unit: str | None = None,
        period: str | None = None,
        breakdown: str | None = None,
    ) -> int:
        """Delete the results matching every filter given (indicator or org unit needed)."""
        query = {
            "indicator": indicator,
            "org_unit": org_unit,
            "period": period,
            "breakdown": breakdown,
        }
        deleted: int = self.send("DELETE", "/v1/results", params=query).json()["deleted"]
        return deleted

    # ------------------------------------------------------------------ evaluations

    def evaluations(
        self,
        org_unit: str,
        period: str,
        indicator: str | None = None,
        breakdown: str | None = None,
    ) -> list[dict[str, Any]]:
        """Each indicator's result judged against the target in force."""
        query = {
            "org_unit": org_unit,
            "period": period,
            "indicator": indicator,
            "breakdown": breakdown,
        }
        items: list[dict[str, Any]] = self.get_json("/v1/evaluations", query)["items"]
        return items

    def area_evaluations(self, org_unit: str, period: str) -> list[dict[str, Any]]:
        """Per area: counted evaluations, met, share and verdict."""
        query = {"org_unit": org_unit, "period": period}
        items: list[dict[str, Any]] = self.get_json("/v1/area-evaluations", query)["items"]
        return items
