"""The statements a results load writes with: part of the repository, apart so that
``repository`` keeps its size. No rule, no commit.

On Postgres, checked records are COPYed batch by batch as they come (the caller checks
batch k+1 while the database stores batch k):

- straight into the result table when the first row's key is new (a first load); on a key
  already stored, or repeated in the load, that is rolled back to a savepoint and
- into a temporary table, then merged with two set-based statements under the service's
  write lock (taken by ``feed.allocate``, so no other writer adds or removes a key
  meanwhile): ``UPDATE … FROM`` the rows whose values differ (``IS DISTINCT FROM``), and
  ``INSERT … SELECT`` the keys not stored yet. A row whose values are identical is neither
  written nor locked: re-loading a month's unchanged results only reads. Unchanged rows
  are counted as the rest. A key repeated in the load: the last one wins (only then are
  the earlier ones deleted from the temporary table first).

Elsewhere (SQLite) ``shared.bulk.upsert_stream`` does it.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.indicators.models import result_table
from services.indicators.result_rows import KEYS, VALUES, Record
from shared.bulk import UpsertCounts, upsert_stream
from shared.store import ChangeFeed, utcnow

#: Records COPYed in one write.
BLOCK = 25_000
_COLUMNS = (*KEYS, *VALUES, "change_seq", "updated_at")
_NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def upsert_results(
    session: Session,
    batches: Callable[[], Iterable[Sequence[Record]]],
    *,
    feed: ChangeFeed,
    limit: int,
) -> UpsertCounts:
    """Write the records ``batches()`` gives (it may be called a second time and must then
    give the same ones); ``limit`` bounds their number (change numbers are allocated for
    it up front, so a load may leave gaps in ``change_seq``). Duplicate keys: the last wins.
    """
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return upsert_stream(
            session, result_table, batches, keys=KEYS, values=VALUES, feed=feed, limit=limit
        )
    rows = iter(batches())
    head = next((b for b in rows if b), None)
    if head is None:
        return UpsertCounts(0, 0, 0)
    first = feed.allocate(session, limit)
    stamp = utcnow().isoformat()
    r = result_table
    probe = sa.select(sa.literal(1)).where(
        *[r.c[k] == v for k, v in zip(KEYS, head[0], strict=False)]
    )
    if session.execute(probe).first() is None:
        savepoint = conn.begin_nested()
        try:
            count = _copy(conn, _qualified(r), itertools.chain([head], rows), first, stamp, limit)
            savepoint.commit()
            return UpsertCounts(count, 0, 0)
        except sa.exc.IntegrityError:
            savepoint.rollback()
        except Exception as exc:  # psycopg's own UniqueViolation, raised outside SQLAlchemy
            if type(exc).__name__ != "UniqueViolation":
                raise
            savepoint.rollback()
        rows = iter(batches())
    else:
        rows = itertools.chain([head], rows)
    periods: set[str] = set()
    # Gone with the transaction whatever happens: a load refused midway (its batches raise
    # after the last row) rolls back, and no statement runs on an aborted transaction.
    conn.exec_driver_sql(_STAGING)
    _copy(conn, '"result_load"', _periods_of(rows, periods), first, stamp, limit)
    repeated = conn.exec_driver_sql(_REPEATED).scalar()
    if repeated:  # the last of a repeated key wins: it has the higher change number
        conn.exec_driver_sql(_LAST_WINS)
    total, updated, inserted = conn.exec_driver_sql(_MERGE, {"periods": sorted(periods)}).one()
    conn.exec_driver_sql("DROP TABLE result_load")
    return UpsertCounts(int(inserted), int(updated), int(total) - int(inserted) - int(updated))


def _periods_of(
    batches: Iterable[Sequence[Record]], periods: set[str]
) -> Iterator[Sequence[Record]]:
    """The batches as they come, the periods of their records gathered in ``periods``."""
    for batch in batches:
        periods.update(map(_PERIOD, batch))
        yield batch


_PERIOD = operator.itemgetter(KEYS.index("period"))
#: The load's rows as COPYed, before they are merged (one load at a time per connection).
_STAGING = (
    "CREATE TEMPORARY TABLE result_load (indicator text, org_unit text, period text, "
    "breakdown text, value numeric, numerator numeric, denominator numeric, status text, "
    "change_seq bigint, updated_at timestamptz) ON COMMIT DROP"
)
_REPEATED = (
    "SELECT EXISTS (SELECT 1 FROM result_load "
    "GROUP BY indicator, org_unit, period, breakdown HAVING count(*) > 1)"
)
_LAST_WINS = (
    "DELETE FROM result_load AS s USING result_load AS later "
    "WHERE later.indicator = s.indicator AND later.org_unit = s.org_unit "
    "AND later.period = s.period AND later.breakdown = s.breakdown "
    "AND s.change_seq < later.change_seq"
)
#: Each loaded row against the stored one of its key, read from the load's periods only
#: (``ix_result_period_org_unit``: the stored rows of those periods, hashed once, not a
#: probe of the key index per row): changed ones updated by id, new keys inserted,
#: identical ones neither written nor locked. Counts: loaded, updated, inserted.
_MERGE = """
WITH joined AS MATERIALIZED (
    SELECT s.*, r.id AS stored_id,
        (r.value, r.numerator, r.denominator, r.status)
        IS NOT DISTINCT FROM (s.value, s.numerator, s.denominator, s.status) AS same
    FROM result_load AS s LEFT JOIN (
        SELECT id, indicator, org_unit, period, breakdown, value, numerator, denominator,
            status
        FROM indicators.result WHERE period = ANY(%(periods)s)
    ) AS r ON r.indicator = s.indicator AND r.org_unit = s.org_unit
        AND r.period = s.period AND r.breakdown = s.breakdown
), updated AS (
    UPDATE indicators.result AS r SET value = j.value, numerator = j.numerator,
        denominator = j.denominator, status = j.status, change_seq = j.change_seq,
        updated_at = j.updated_at
    FROM joined AS j WHERE r.id = j.stored_id AND NOT j.same
    RETURNING 1
), inserted AS (
    INSERT INTO indicators.result (indicator, org_unit, period, breakdown, value,
        numerator, denominator, status, change_seq, updated_at)
    SELECT indicator, org_unit, period, breakdown, value, numerator, denominator, status,
        change_seq, updated_at
    FROM joined WHERE stored_id IS NULL
    RETURNING 1
)
SELECT (SELECT count(*) FROM joined), (SELECT count(*) FROM updated),
    (SELECT count(*) FROM inserted)
"""


def _qualified(table: sa.Table) -> str:
    return f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'


def _copy(
    conn: sa.Connection,
    target: str,
    batches: Iterable[Sequence[Record]],
    first: int,
    stamp: str,
    limit: int,
) -> int:
    """COPY the batches' records into ``target`` as they come, each with the next change
    number from ``first`` (at most ``limit`` of them) and ``stamp``; returns how many."""
    driver = conn.connection.driver_connection
    assert driver is not None
    names = ", ".join(f'"{c}"' for c in _COLUMNS)
    count = 0
    with driver.cursor() as cur, cur.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for batch in batches:
            for start in range(0, len(batch), BLOCK):
                chunk = batch[start : start + BLOCK]
                if count + len(chunk) > limit:
                    raise ValueError(f"more than the {limit} rows announced")
                copy.write(copy_text(chunk, first + count, stamp).encode())
                count += len(chunk)
    return count


def copy_text(records: Sequence[Sequence[Any]], seq: int, stamp: str) -> str:
    """Records in COPY's text format, each followed by its change number (from ``seq``) and
    ``stamp``. Checked records are plain text (codes, slugs, canonical periods and
    numbers) or None: joined as they are, escaped cell by cell only when a cell holds a
    tab, a line break or a backslash."""
    rows = len(records)
    columns: list[Sequence[Any]] = list(zip(*records, strict=True))
    nulls = 0
    for i, column in enumerate(columns):
        if None in column:
            nulls += column.count(None)
            columns[i] = [_NULL if v is None else str(v) for v in column]
        elif set(map(type, column)) != {str}:
            columns[i] = [str(v) for v in column]
    columns.append([str(n) for n in range(seq, seq + rows)])
    columns.append([stamp] * rows)
    text = "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"
    width = len(columns)
    if (
        text.count("\t") == rows * (width - 1)
        and text.count("\n") == rows
        and text.count("\\") == nulls
        and "\r" not in text
    ):
        return text
    return "".join(
        "\t".join([*(_NULL if v is None else str(v).translate(_ESCAPES) for v in r), str(n), stamp])
        + "\n"
        for n, r in enumerate(records, start=seq)
    )
