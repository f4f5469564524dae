"""What `make run` does: migrate, seed the real data into empty stores, start all four apps.

SQLite files under ``var/`` unless ``DATABASE_URL`` points at Postgres (each service reads
its own settings). Every app listens on its registry port. Ctrl-C stops all.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from shared.cli import dev_key, migrate, seed
from shared.registry import apps, services
from shared.suite import Stack


def main() -> None:
    migrate([])
    seed([])
    token = dev_key()
    host = os.environ.get("RUN_HOST", "127.0.0.1")
    ports = {entry.name: entry.port for entry in apps()}
    stack = Stack(log_dir=None, urls={}, tokens={"admin": token}, host=host, ports=ports)

    def stop(*_: object) -> None:
        stack.stop()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        for entry in services():
            stack.start_service(entry.name)
        gateway = stack.start_gateway()
    except RuntimeError as exc:
        stack.stop()
        sys.exit(f"could not start the suite: {exc}")

    print("\nThe follow-up suite is running.")
    for process in [*stack.services.values(), gateway]:
        print(f"  {process.name:<12} {process.base_url}/docs")
    print(f"\nLocal admin key (kept in var/admin.key):\n  {token}")
    print(f"\nIn a browser: {gateway.base_url}/ (sign in with the key above)")
    print(
        "\nTry:\n  curl -H 'Authorization: Bearer "
        + token
        + f"' '{gateway.base_url}/v1/follow-up/HSN?period=2024'\n\nCtrl-C stops them all."
    )
    while True:
        for process in [*stack.services.values(), *stack.gateways]:
            if process.proc.poll() is not None:
                print(f"{process.name} exited with {process.proc.returncode}; stopping the others")
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
