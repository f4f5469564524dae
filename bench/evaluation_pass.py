"""Benchmark: what one evaluation pass costs the indicators service, in CPU per call.

    taskset -c 1 .venv/bin/python bench/evaluation_pass.py \
        --database-url postgresql://postgres@127.0.0.1:5432/bench_d [--calls 200]

Recreates the indicators schema in the given database (a throwaway store), seeds it and
starts the service under uvicorn, as the suite does. Then, for ``GET
/v1/evaluation-summary`` of REGION 2024, REGION 2024-08, HSN 2024 and SUS 2024, and for a
single-row ``GET /v1/indicators/ID0288`` beside them as the baseline: ``--calls``
sequential calls after a warm-up, and the CPU the service process spent on them (user +
system, from ``/proc/<pid>/stat``) divided by the calls. Each line gives the ratio to the
single-row GET measured in the same run (the mean of its runs before and after the
evaluations), a digest of the answer (equal digests: equal
answers, so two source trees can be compared), and the load average (2 cores shared: the
ratios are what count).

Every call carries a query parameter the service ignores (``bench=<n>``), different on
each call: the service keeps answers per URL while its data stands still
(``shared.readcache``), and what is measured here is the pass itself, as on the first
call after a write.

To compare with another source tree (e.g. ``git archive`` of a commit), run the same
command with ``PYTHONPATH=<tree>`` from that tree: the service is started from there.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools

import httpx
from indicators_data import load_average, seeded_store, start_service
from wrk import cpu_seconds

CASES = [("REGION", "2024"), ("REGION", "2024-08"), ("HSN", "2024"), ("SUS", "2024")]
SINGLE_ROW = "/v1/indicators/ID0288"
#: A different ``bench`` parameter on every call: no call is answered from a kept answer.
_NONCE = map(str, itertools.count())


def cpu_ms_per_call(
    client: httpx.Client, pid: int, path: str, params: dict[str, str], calls: int
) -> tuple[float, str]:
    """CPU milliseconds of the service per call of ``path``, and a digest of the answer."""
    first = client.get(path, params={**params, "bench": next(_NONCE)})
    first.raise_for_status()
    digest = hashlib.sha256(first.content).hexdigest()[:12]
    before = cpu_seconds(pid)
    for _ in range(calls):
        client.get(path, params={**params, "bench": next(_NONCE)}).raise_for_status()
    return (cpu_seconds(pid) - before) * 1000 / calls, digest


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_d")
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    calls: int = args.calls

    store = seeded_store(args.database_url)
    service = start_service(args.database_url)
    pid = service.proc.pid
    headers = {"Authorization": f"Bearer {store.token}"}
    try:
        with httpx.Client(base_url=service.base_url, headers=headers, timeout=60) as client:
            # The single-row GET before and after the evaluations: the baseline is their
            # mean, so a change in the machine's load during the run shows as their gap.
            first, _ = cpu_ms_per_call(client, pid, SINGLE_ROW, {}, calls)
            found = []
            for unit, period in CASES:
                asked = {"org_unit": unit, "period": period}
                ms, digest = cpu_ms_per_call(client, pid, "/v1/evaluation-summary", asked, calls)
                found.append((f"evaluation-summary {unit} {period}", ms, digest, load_average()))
            last, _ = cpu_ms_per_call(client, pid, SINGLE_ROW, {}, calls)
    finally:
        service.stop()
    single = (first + last) / 2
    print(f"CPU of the indicators service per call, {calls} sequential calls each")
    print(f"  {'GET ' + SINGLE_ROW:<40} {first:6.2f} ms before, {last:.2f} ms after: the baseline")
    for what, ms, digest, load in found:
        print(f"  {what:<40} {ms:6.2f} ms {ms / single:6.2f}×  answer {digest}  [{load}]")


if __name__ == "__main__":
    main()
