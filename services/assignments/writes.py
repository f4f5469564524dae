"""What every write of the service needs: the caller, the change feed and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from shared.keys import Principal
from shared.store import AuditTrail, ChangeFeed


@dataclass(frozen=True)
class Writes:
    """The caller (its key id goes into the audit trail and the reports), the change feed
    that numbers the write, and the audit trail that records it."""

    principal: Principal
    feed: ChangeFeed
    audit: AuditTrail
