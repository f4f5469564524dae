"""The assignments service's routes: riktade uppdrag, their status reports, report loads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from followup.http import Api, Item, LoadMode, LoadSource
from followup.loads import LoadResult, OnBytes


class AssignmentsApi(Api):
    def assignments(
        self,
        org_unit: str | None = None,
        year: int | None = None,
        as_of: date | str | None = None,
        period: str | None = None,
        status: str | None = None,
        area: str | None = None,
        kind: str | None = None,
        limit: int = 1000,
    ) -> Iterator[dict[str, Any]]:
        """Assignments with their latest status (see ``GET /v1/assignments``)."""
        query = {
            "org_unit": org_unit,
            "year": year,
            "as_of": str(as_of) if as_of is not None else None,
            "period": period,
            "status": status,
            "area": area,
            "kind": kind,
        }
        return self.items("/v1/assignments", query, limit)

    def assignment(self, assignment_id: str) -> Item:
        """One assignment with its latest status; ``.etag`` for ``patch_assignment``."""
        return self.get_item(f"/v1/assignments/{assignment_id}")

    def create_assignment(self, assignment: Mapping[str, Any]) -> Item:
        """Create an assignment (an admin key bound to no org unit). Not retried: a repeat
        would create a second one."""
        return Item.of(self.send("POST", "/v1/assignments", json=dict(assignment)))

    def patch_assignment(
        self, assignment_id: str, changes: Mapping[str, Any], if_match: str
    ) -> Item:
        """Change an assignment; ``if_match`` is the ETag read (stale → ``PreconditionFailed``)."""
        response = self.send(
            "PATCH",
            f"/v1/assignments/{assignment_id}",
            json=dict(changes),
            headers={"If-Match": if_match},
        )
        return Item.of(response)

    def delete_assignment(self, assignment_id: str, if_match: str | None = None) -> None:
        headers = {"If-Match": if_match} if if_match else None
        self.send("DELETE", f"/v1/assignments/{assignment_id}", headers=headers)

    def report(self, assignment_id: str, report: Mapping[str, Any]) -> Item:
        """Report a status (``org_unit``, ``period``, ``status``, ``explanation``, ``as_of``,
        ``on_behalf_of``). The same report sent again is stored once."""
        body = {k: str(v) if isinstance(v, date) else v for k, v in report.items()}
        return Item.of(self.send("POST", f"/v1/assignments/{assignment_id}/reports", json=body))

    def report_history(self, assignment_id: str) -> list[dict[str, Any]]:
        """Every report of the assignment, newest first."""
        items: list[dict[str, Any]] = self.get_json(f"/v1/assignments/{assignment_id}/reports")[
            "items"
        ]
        return items

    def reports(
        self,
        org_unit: str | None = None,
        period: str | None = None,
        assignment_id: str | None = None,
        status: str | None = None,
        limit: int = 1000,
    ) -> Iterator[dict[str, Any]]:
        """Status reports, page after page."""
        query = {
            "org_unit": org_unit,
            "period": period,
            "assignment_id": assignment_id,
            "status": status,
        }
        return self.items("/v1/reports", query, limit)

    def load_reports(
        self,
        source: LoadSource,
        *,
        mode: LoadMode = "atomic",
        dry_run: bool = False,
        on_bytes: OnBytes | None = None,
    ) -> LoadResult:
        """Load many status reports (rows ``assignment_id, org_unit, period, status,
        explanation, as_of, on_behalf_of``); each report is stored once however often sent."""
        return self.load("/v1/reports", source, mode=mode, dry_run=dry_run, on_bytes=on_bytes)
