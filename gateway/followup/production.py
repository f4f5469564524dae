"""The view's production section (produktion): the committee's production volumes for the
period beside the same period of the previous year, as the indicators service gives them
(``GET /v1/production``; HSN and RS read the region's). Seeds 001 and 002: volumes are
followed monthly and compared with the previous year; a month missing in either year is a
gap, shown, never filled."""

from __future__ import annotations

from pydantic import Field

from gateway.followup.indicators import IndicatorsClient, VolumeChange
from gateway.followup.section_state import SectionState, settled
from shared.periods import Period


class ProductionSection(SectionState):
    items: list[VolumeChange] = Field(
        description="Each volume: value, previous_value, change, change_pct, gaps."
    )


async def production_section(
    client: IndicatorsClient, org_unit: str, period: Period
) -> ProductionSection:
    found = await settled(
        client.production(org_unit, period), upstream="indicators", until=client.deadline_at
    )
    return ProductionSection(state=found.state, problem=found.problem, items=found.data or [])
