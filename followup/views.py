"""The gateway's own routes: the follow-up view, the overview, org units; and ``/v1/due``.

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
