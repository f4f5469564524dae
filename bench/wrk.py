"""What the benchmarks that drive HTTP share: ``wrk`` pinned to core 1 (the apps have the
other core, and core 1 when wrk waits), its output read into one ``WrkRun``, and the CPU
each process named spent meanwhile (``/proc/<pid>/stat``).

Not a benchmark itself. Needs ``wrk`` and ``taskset`` (``apt-get install -y wrk``).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class WrkRun:
    """One wrk run: latency percentiles, throughput, failures, and per process named the
    CPU milliseconds it spent per request (``cpu_ms``)."""

    p50_ms: float
    p99_ms: float
    rps: float
    requests: int
    errors: int
    #: Answers whose body said ``"partial":true`` (only with a script counting them).
    partial: int | None
    cpu_ms: Mapping[int, float]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has spent, all its threads."""
    # The command name (field 2) may hold blanks: count the fields after its closing ')'.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"unreadable wrk latency {text!r}")
    value, unit = float(m[1]), m[2]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(
    url: str,
    headers: Mapping[str, str],
    *,
    connections: int = 1,
    duration: int = 5,
    script: Path | None = None,
    pids: Sequence[int] = (),
) -> WrkRun:
    """``wrk -t1`` against ``url`` on core 1; ``script`` a Lua script that may print
    ``PARTIAL <n>`` from its ``done``."""
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{duration}s"]
    command += ["--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    before = {pid: cpu_seconds(pid) for pid in pids}
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    spent = {pid: cpu_seconds(pid) - before[pid] for pid in pids}
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"^\s*(\d+) requests in", out, re.M)
    if not (p50 and p99 and rps and total):
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    partial = re.search(r"^PARTIAL (\d+)", out, re.M)
    requests = max(int(total[1]), 1)
    errors = (int(non2xx[1]) if non2xx else 0) + (
        sum(int(g) for g in sockets.groups()) if sockets else 0
    )
    return WrkRun(
        p50_ms=_ms(p50[1]),
        p99_ms=_ms(p99[1]),
        rps=float(rps[1]),
        requests=requests,
        errors=errors,
        partial=int(partial[1]) if partial else None,
        cpu_ms={pid: 1000 * cpu / requests for pid, cpu in spent.items()},
    )
