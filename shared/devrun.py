"""What `make run` does: migrate, seed the real data into empty stores, start all four apps.

SQLite files under ``var/`` unless ``DATABASE_URL`` points at Postgres. Ctrl-C stops all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from shared.cli import SERVICES, dev_key, migrate, seed
from shared.settings import REPO_ROOT

APPS = [
    ("gateway", "gateway.main:app", 8000),
    ("indicators", "services.indicators.main:app", 8001),
    ("assignments", "services.assignments.main:app", 8002),
    ("budget", "services.budget.main:app", 8003),
]


def _ready(port: int, path: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def main() -> None:
    migrate(list(SERVICES))
    seed(list(SERVICES))
    token = dev_key()
    host = os.environ.get("RUN_HOST", "127.0.0.1")
    procs: list[subprocess.Popen[bytes]] = []
    # Services first, so the gateway finds them.
    for name, module, port in [*APPS[1:], APPS[0]]:
        procs.append(
            subprocess.Popen(  # noqa: S603 - our own interpreter and module names
                [sys.executable, "-m", "uvicorn", module, "--host", host, "--port", str(port)],
                cwd=REPO_ROOT,
            )
        )
        print(f"started {name} on http://{host}:{port}", flush=True)

    def stop(*_: object) -> None:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    deadline = time.monotonic() + 120
    pending = {port for _, _, port in APPS}
    while pending and time.monotonic() < deadline:
        pending = {p for p in pending if not _ready(p, "/ready")}
        time.sleep(0.3)
    print("\nThe follow-up suite is running.")
    for name, _, port in APPS:
        state = "ready" if port not in pending else "NOT READY"
        print(f"  {name:<12} http://{host}:{port}/docs   ({state})")
    print(f"\nLocal admin key (kept in var/admin.key):\n  {token}")
    print(
        "\nTry:\n  curl -H 'Authorization: Bearer "
        + token
        + "' 'http://127.0.0.1:8000/v1/follow-up/HSN?period=2024'\n\nCtrl-C stops all four."
    )
    while True:
        for p in procs:
            if p.poll() is not None:
                print(f"a process exited with {p.returncode}; stopping the others")
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
