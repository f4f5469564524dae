"""The gateway's own routes: the follow-up view, the overview, org units; and the follow-up
cycle: the calendar, ``/v1/due`` and a committee's decisions.

The view and the overview come as JSON, or as the same content in CSV (one flat table) or
xlsx (a workbook, one sheet per section) bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from followup.http import Api, Item

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: An export's format → the media type asked for.
FORMATS = {"json": "application/json", "csv": "text/csv", "xlsx": XLSX}
Format = Literal["json", "csv", "xlsx"]


class ViewsApi(Api):
    def follow_up(self, org_unit: str, period: str) -> Item:
        """One committee's follow-up for a period (``2024``, ``2024-01/2024-08`` ...):
        goals, area verdicts, assignments, economy, and which sources answered."""
        return self.get_item(f"/v1/follow-up/{org_unit}", {"period": period})

    def follow_up_export(self, org_unit: str, period: str, fmt: Format = "xlsx") -> bytes:
        """The follow-up view as ``json``, ``csv`` or ``xlsx`` bytes."""
        return self.get_bytes(f"/v1/follow-up/{org_unit}", FORMATS[fmt], {"period": period})

    def overview(self, period: str) -> Item:
        """One row per committee: indicators met, assignments per status, the deviation."""
        return self.get_item("/v1/follow-up", {"period": period})

    def overview_export(self, period: str, fmt: Format = "xlsx") -> bytes:
        return self.get_bytes("/v1/follow-up", FORMATS[fmt], {"period": period})

    def org_units(self) -> list[dict[str, Any]]:
        """Every org unit with its name and kind (no key needed)."""
        body = self.get_json("/v1/org-units")
        items: list[dict[str, Any]] = body["items"] if isinstance(body, dict) else body
        return items

    def due(self, org_unit: str, as_of: date | str) -> list[dict[str, Any]]:
        """What is due for an org unit as of a date: ``GET /v1/due`` (``{"items": [...]}``,
        following ``next`` if paged). A suite without the route raises ``NotFound``."""
        query = {"org_unit": org_unit, "as_of": str(as_of)}
        return list(self.items("/v1/due", query))

    # ------------------------------------------------------------------ the cycle

    def calendar(self, year: int) -> Item:
        """The reporting occasions of a year (``{"year", "occasions": [...]}``), each with
        its period, every committee's due date and the meeting it feeds."""
        return self.get_item("/v1/calendar", {"year": year})

    def occasion(self, occasion_id: str) -> Item:
        """One occasion, with its ETag (``.etag``) for ``set_due_dates``."""
        return self.get_item(f"/v1/calendar/occasions/{occasion_id}")

    def set_due_dates(
        self,
        occasion_id: str,
        due_date: date | str,
        due_by_org_unit: dict[str, date | str] | None = None,
        if_match: str | None = None,
    ) -> Item:
        """Change an occasion's due dates (an admin key bound to no org unit)."""
        body = {
            "due_date": str(due_date),
            "due_by_org_unit": {u: str(d) for u, d in (due_by_org_unit or {}).items()},
        }
        return self.put_item(f"/v1/calendar/occasions/{occasion_id}", body, if_match)

    def decide(
        self,
        org_unit: str,
        decision_id: str,
        period: str,
        decided_on: date | str,
        body: str,
        reference: str,
    ) -> Item:
        """Record a committee's decision on its report for a period: the view is archived
        and the period locked in every service. Retried safely: idempotent by
        ``decision_id``."""
        decision = {
            "decision_id": decision_id,
            "period": period,
            "decided_on": str(decided_on),
            "body": body,
            "reference": reference,
        }
        path = f"/v1/follow-up/{org_unit}/decisions"
        return Item.of(self.send("POST", path, json=decision, idempotent=True))

    def decisions(self, org_unit: str, period: str | None = None) -> list[dict[str, Any]]:
        """The committee's decisions (of ``period``)."""
        return list(self.items(f"/v1/follow-up/{org_unit}/decisions", {"period": period}))

    def decision_report(
        self, org_unit: str, decision_id: str, fmt: Literal["json", "xlsx"] = "json"
    ) -> bytes:
        """The archived report, byte for byte as decided (its SHA-256 is the decision's
        ``report.json_sha256`` / ``report.xlsx_sha256``)."""
        path = f"/v1/follow-up/{org_unit}/decisions/{decision_id}/report"
        return self.get_bytes(path, FORMATS[fmt])

    def reopen(self, org_unit: str, decision_id: str, reason: str) -> Item:
        """Reopen a decision (an admin, with a reason): its period may be written again."""
        path = f"/v1/follow-up/{org_unit}/decisions/{decision_id}"
        return Item.of(self.send("DELETE", path, params={"reason": reason}, idempotent=True))
