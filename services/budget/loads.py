"""How every bulk load of the budget service ends (outcomes and forecasts, stated
figures, the region's financial figures): one place, so that each load is audited and
committed, or rolled back as a dry run, the same way."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared.bulk import LoadMode, LoadReport
from shared.keys import Principal
from shared.store import AuditTrail


def finished(
    session: Session,
    audit: AuditTrail,
    principal: Principal,
    resource: str,
    report: LoadReport,
    mode: LoadMode,
    dry_run: bool,
) -> LoadReport:
    """``report`` of a load whose rows are written in ``session``'s transaction: a dry run
    rolls them back and says so; otherwise the load is recorded in the audit log (who,
    how many rows, the counts and the mode) in the same transaction, which commits."""
    if dry_run:
        session.rollback()
        report.dry_run = True
        return report
    audit.record(
        session,
        principal.key_id,
        "load",
        resource,
        f"{report.inserted + report.updated} rows written",
        {**report.model_dump(exclude={"rejected"}), "rejected": len(report.rejected), "mode": mode},
    )
    session.commit()
    return report
