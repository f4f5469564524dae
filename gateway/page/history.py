"""An indicator's history for the indicator page: its results over the years and months, and
the targets in force, read from the indicators service with the signed-in person's key.

HSN and RS follow the region's indicators (``GatewaySettings.indicator_org_unit``): like the
indicators service's evaluations, a committee's own result is shown where one is stored,
else the region's for that period and breakdown. A key bound to the committee may not read
the region's results (the service's 403): the history then shows the committee's own, and
says the region's could not be read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pydantic import BaseModel

from gateway.config import GatewaySettings
from gateway.followup.reading import WHOLE_LIST, Number, ReadModel
from gateway.followup.sources import indicator_unit
from gateway.upstream.errors import UpstreamRefused
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstream


class IndicatorInfo(ReadModel):
    """``GET /v1/indicators/{code}``: what the indicator is."""

    code: str
    name: str
    description: str | None = None
    unit: str | None = None
    direction: str | None = None
    coverage_notes: dict[str, str] | None = None


class StoredResult(ReadModel):
    """One item of ``GET /v1/results``."""

    org_unit: str
    period: str
    breakdown: str
    value: Number | None
    status: str | None = None


class ResultPage(BaseModel):
    items: list[StoredResult]


class ParsedTarget(ReadModel):
    kind: str
    operator: str | None = None
    value: Number | str | None = None


class TargetItem(ReadModel):
    """One item of ``GET /v1/indicators/{code}/targets``: a target set for a year."""

    year: int
    org_unit: str | None
    source: str
    expression: str
    parsed: ParsedTarget


class TargetPage(BaseModel):
    items: list[TargetItem]


@dataclass(frozen=True)
class History:
    """What the indicator page shows."""

    indicator: IndicatorInfo
    #: Whose results these are: the committee's own, else (HSN, RS) the region's.
    value_org_unit: str
    results: list[StoredResult]
    targets: list[TargetItem]
    #: The region's results could not be read with this key (bound to the committee).
    region_refused: bool


async def fetch_history(
    upstream: Upstream, settings: GatewaySettings, org_unit: str, code: str, headers: Headers
) -> History | None:
    """The indicator's history for ``org_unit``; ``None`` when the indicator is unknown.

    The calls go out at once. A failure of the service (``UpstreamFailure``) or a refusal
    of the caller's key (``UpstreamRefused``) is the caller's to show.
    """
    value_unit = indicator_unit(org_unit, settings)

    async def results_of(unit: str) -> list[StoredResult]:
        page = await upstream.read(
            "/v1/results",
            ResultPage,
            params={"indicator": code, "org_unit": unit, "limit": WHOLE_LIST},
            headers=headers,
        )
        return page.items

    async def region_results() -> list[StoredResult] | None:
        if value_unit == org_unit:
            return []
        try:
            return await results_of(value_unit)
        except UpstreamRefused as refused:
            if refused.response.status != 403:
                raise
            return None

    answers = await asyncio.gather(
        upstream.read_unless_missing(f"/v1/indicators/{code}", IndicatorInfo, headers=headers),
        upstream.read(f"/v1/indicators/{code}/targets", TargetPage, headers=headers),
        results_of(org_unit),
        region_results(),
        return_exceptions=True,
    )
    # An unknown indicator is the answer, whatever its targets' call said about it.
    if answers[0] is None:
        return None
    # A refusal of the key outranks a failing service: it is the caller's answer.
    failures: list[BaseException] = [a for a in answers if isinstance(a, UpstreamRefused)]
    failures = failures or [a for a in answers if isinstance(a, BaseException)]
    if failures:
        raise failures[0]
    info, targets, own, region = answers
    assert isinstance(info, IndicatorInfo) and isinstance(targets, TargetPage)
    assert isinstance(own, list) and not isinstance(region, BaseException)
    merged = {(r.period, r.breakdown): r for r in (region or [])}
    merged.update({(r.period, r.breakdown): r for r in own})
    in_force = [t for t in targets.items if t.org_unit in (None, org_unit)]
    return History(
        indicator=info,
        value_org_unit=value_unit if region and not own else org_unit,
        results=sorted(merged.values(), key=lambda r: (r.breakdown, r.period)),
        targets=sorted(in_force, key=lambda t: (t.year, t.org_unit is not None)),
        region_refused=region is None,
    )
