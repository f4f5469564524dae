"""When a write has changed the result table enough that the planner's statistics must be
read again: a pure rule, no database.

Postgres plans each query from the table's statistics (row count, the values of each
column). Autovacuum refreshes them some time after 10 % of the rows changed; a large load
that is read right after (the follow-up view after a month's results) would be planned
on the old figures until then: a table believed empty, or holding none of the new
periods, gets a plan that reads all of it. So a write that changed many rows, or a good
share of the table, analyses it itself before it answers.
"""

from __future__ import annotations

#: A write of this many rows analyses the table whatever its size.
ANALYZE_ROWS = 100_000
#: … and so does a write of at least this share of the rows the planner believes are
#: there (a table never analysed counts as empty) …
ANALYZE_SHARE = 0.1
#: … when it wrote at least this many (smaller ones are left to autovacuum).
ANALYZE_MIN_ROWS = 1_000


def analyze_due(written: int, planned_rows: float | None) -> bool:
    """Whether a write of ``written`` rows should analyse the table; ``planned_rows`` is the
    planner's row count before it (None: the store keeps no such figure, e.g. SQLite)."""
    if planned_rows is None or written < ANALYZE_MIN_ROWS:
        return False
    if written >= ANALYZE_ROWS:
        return True
    return written >= ANALYZE_SHARE * max(planned_rows, 0.0)
