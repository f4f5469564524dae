"""What the indicators benchmarks share: a seeded throwaway store, rows that no seeded
evaluation reads, the service as a process, memory and load readings.

Not a benchmark itself; ``indicators_speed.py`` and ``explain_evaluations.py`` import it.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from shared.db import make_engine
from shared.keys import generate_key, store_key
from shared.migrations import recreate
from shared.processes import Process, start
from shared.reference import org_units
from shared.registry import app

HEADER = "indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"
RESULT_COLUMNS = (
    "id, indicator, org_unit, period, breakdown, value, numerator, denominator, status, "
    "updated_at, change_seq"
)
#: The unrelated rows are monthly results of these years: after every seeded period, so
#: no evaluation of 2022–2024 reads them (they are neither its period, its months, a span
#: covering its start nor an earlier year of it) and the answers stay the seed's.
FIRST_YEAR, LAST_YEAR = 2030, 2100


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


@dataclass
class Store:
    url: str
    token: str


def seeded_store(url: str) -> Store:
    """Recreate the indicators schema at ``url`` (a throwaway store), seed it, make a key."""
    spec = app("indicators").load_spec()
    recreate(spec, url)
    engine = make_engine(url, spec.metadata.schema or spec.name)
    assert spec.seed is not None
    with Session(engine) as session:
        spec.seed(session, spec)
    key = generate_key()
    with engine.begin() as conn:
        store_key(conn, spec.infrastructure, key, "bench", ["admin"], [])
    engine.dispose()
    return Store(url, key.token)


def start_service(url: str) -> Process:
    entry = app("indicators")
    return start(
        entry,
        env={
            f"{entry.env_prefix}DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            f"{entry.env_prefix}LOG_LEVEL": "WARNING",
        },
        log_dir=Path(tempfile.mkdtemp(prefix="bench-indicators-")),
    )


def seeded_indicators(url: str) -> list[tuple[str, bool]]:
    """(code, reportable by hospital boards) of every indicator in the store."""
    engine = make_engine(url, "indicators")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT code, not_reportable_by FROM indicators.indicator ORDER BY code")
        ).all()
    engine.dispose()
    return [(code, "hospital_board" not in (nrb or "")) for code, nrb in rows]


def unrelated_lines(indicators: list[tuple[str, bool]], rows: int) -> Iterator[str]:
    """``rows`` distinct CSV lines (no header): the seeded indicators × every org unit that
    may report them × the months of 2030–2100, total breakdown, with numerator and
    denominator (so a region evaluation would sum them, were they in its periods)."""
    units = org_units()
    n = 0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in range(1, 13):
            period = f"{year}-{month:02d}"
            for code, boards in indicators:
                for unit, info in units.items():
                    if info.kind == "hospital_board" and not boards:
                        continue
                    den = 100 + n % 900
                    num = (n * 7) % den
                    yield f"{code},{unit},{period},total,{num * 100 / den:.2f},{num},{den},final\n"
                    n += 1
                    if n == rows:
                        return
    raise SystemExit(f"cannot make {rows} distinct rows")


def csv_body(lines: Iterator[str]) -> bytes:
    return (HEADER + "".join(lines)).encode()


def vm(pid: int, field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak so far) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak(pid: int) -> None:
    """Start ``VmHWM`` again from the current RSS (Linux ≥ 4.0: write 5 to clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def best_seconds(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The best and the median wall time of ``repeat`` runs (after one warm-up run). On a
    machine shared with others the best run is the steadiest figure of what the work
    costs; the median shows the noise."""
    run()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)
