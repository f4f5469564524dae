"""The overview across committees, kept while nothing it was made of has changed.

The overview asks every service about every committee (the area verdicts, the
assignments, the economy, what each expected and got) and reads the follow-up cycle's
calendar and decisions: about 120 calls a time, where a committee's view makes three. It
is kept as sent, with the data version each service made its answers at
(``gateway.upstream.answers.ReadsSeen``), the cycle's version read before it was made,
the date (its late counts are as of today) and the credential it was made for. Asked
again, it is the same overview when each service's change counter and the cycle's still
read the same, asked after this overview was asked for, with the same credential, on the
same date: one ask per service and one of the cycle's store (the services check the
credential on that ask, so a revoked key is refused as a read would be). Anything else
makes it afresh: this is way 1 of ``gateway.followup.kept_views``, without way 2 (an
overview's answers are too many to confirm one by one).

Not kept: an overview with a source unavailable (``partial``), one whose answers did not
all name their service's version, one made while the cycle's store was away, and one for a
key bound to org units (the services refuse it the other committees' reads, which leaves
the record of what it was made of incomplete: it is made on every ask, as before).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from fastapi import Request
from prometheus_client import Counter

from gateway.config import GatewaySettings
from gateway.cycle.hooks import cycle_version, late_counter
from gateway.followup.data_versions import versions_now
from gateway.followup.export import overview_csv, overview_xlsx
from gateway.followup.overview import Overview, fetch_overview
from gateway.followup.rendering import Rendered
from gateway.upstream.answers import recording_reads
from gateway.upstream.transport import Headers, credential_of
from gateway.upstream.upstream import Upstreams
from shared.observability import REGISTRY
from shared.periods import Period
from shared.readcache import region_today

#: Overviews kept (a period and a credential each): few are asked, each a few kB.
KEPT_OVERVIEWS = 64

_OVERVIEWS = Counter(
    "gateway_follow_up_overviews_total",
    "Overviews answered, by how: unchanged (sent as kept: no service's data and not the "
    "cycle changed) or made (assembled afresh).",
    ["made"],
    registry=REGISTRY,
)
_UNCHANGED, _MADE = _OVERVIEWS.labels("unchanged"), _OVERVIEWS.labels("made")


@dataclass(frozen=True)
class KeptOverview:
    """An overview as sent, and what it was made at (it is kept by the credential it was
    made for: ``KeptOverviews``)."""

    made: MadeOverview
    #: Each service's data version its answers were made at.
    versions: Mapping[str, int]
    cycle_version: int
    made_on: date


class KeptOverviews:
    """Overviews by (period, credential), the least recently asked let go first."""

    def __init__(self, most: int = KEPT_OVERVIEWS) -> None:
        self._most = most
        self._kept: OrderedDict[tuple[str, str], KeptOverview] = OrderedDict()

    def get(self, key: tuple[str, str]) -> KeptOverview | None:
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
        return kept

    def put(self, key: tuple[str, str], kept: KeptOverview) -> None:
        self._kept[key] = kept
        self._kept.move_to_end(key)
        while len(self._kept) > self._most:
            self._kept.popitem(last=False)


@dataclass(frozen=True)
class MadeOverview:
    """An overview as the API sends it (``rendered``) and as the page shows it."""

    overview: Overview
    rendered: Rendered


async def overview_for(
    request: Request,
    upstreams: Upstreams,
    settings: GatewaySettings,
    headers: Headers,
    period: Period,
) -> MadeOverview:
    """The overview of ``period`` for the caller: the kept one while nothing it was made
    of changed, else made afresh (``fetch_overview``, with the cycle's late counts) and
    kept."""
    overviews: KeptOverviews = request.app.state.kept_overviews
    key = (str(period), credential_of(headers))
    today = region_today()
    kept = overviews.get(key)
    if (
        kept is not None
        and kept.made_on == today
        and await _nothing_changed(request, upstreams, headers, kept)
    ):
        _UNCHANGED.inc()
        return kept.made
    # Read before the overview is made: a change of the calendar or a decision committed
    # while it is made leaves it older than this version says, and the next ask remakes it.
    cycle_at = await cycle_version(request)
    with recording_reads() as seen:
        late = late_counter(request, upstreams, period, headers)
        found = await fetch_overview(upstreams, settings, period, headers, late)
    _MADE.inc()
    made = MadeOverview(found, Rendered.of(found, overview_csv, overview_xlsx))
    versions = seen.versions.all_known()
    if seen.complete and versions and cycle_at is not None and not found.partial:
        overviews.put(key, KeptOverview(made, versions, cycle_at, today))
    return made


async def _nothing_changed(
    request: Request, upstreams: Upstreams, headers: Headers, kept: KeptOverview
) -> bool:
    """Whether each service's counter and the cycle's still read what they read when
    ``kept`` was made, asked now with the caller's credential (a refusal is raised)."""
    now, cycle = await versions_now(request, upstreams, headers, list(kept.versions))
    return now == kept.versions and cycle == kept.cycle_version
