"""The queries behind ``GET /v1/expected`` (what the indicators service expected and got):
part of the repository, apart so that ``repository`` keeps its size.

One statement whatever the number of indicators or periods: the stored spans of the units
read, grouped, with when each was last written, and the indicator's name joined in.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.indicators.models import indicator_table, result_table

#: Chunk size for ``IN (...)`` look-ups of period texts, well under drivers' limits.
IN_CHUNK = 2_000


def stored_spans(session: Session, units: Collection[str], periods: Sequence[str]) -> Sequence[Any]:
    """Per (indicator, org unit, period) among ``units`` and the ``periods`` (texts): the
    indicator's name and when its latest result was written (``received_at``). Only
    indicators of the catalogue."""
    r, i = result_table, indicator_table
    rows: list[Any] = []
    for start in range(0, len(periods), IN_CHUNK):
        chunk = periods[start : start + IN_CHUNK]
        rows.extend(
            session.execute(
                sa.select(
                    r.c.indicator,
                    r.c.org_unit,
                    r.c.period,
                    i.c.name,
                    sa.func.max(r.c.updated_at).label("received_at"),
                )
                .join(i, i.c.code == r.c.indicator)
                .where(r.c.org_unit.in_(sorted(units)), r.c.period.in_(chunk))
                .group_by(r.c.indicator, r.c.org_unit, r.c.period, i.c.name)
            ).all()
        )
    return rows
