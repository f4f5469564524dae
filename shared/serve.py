"""The production launcher: ``followup-serve <module:app> --port N`` (the image's command).

It runs the app under uvicorn with one worker process per CPU the container may use
(``WEB_CONCURRENCY`` sets another number), and stops it without dropping a request:

1. SIGTERM (Kubernetes stopping the pod) marks the app draining: ``/ready`` answers 503 in
   every worker (``shared.draining``), so the pod leaves its Service's endpoints, while
   requests that still arrive are served for ``SERVE_DRAIN_SECONDS``;
2. then the workers are told to stop: each stops accepting connections, finishes the
   requests in flight (for at most ``SERVE_GRACEFUL_SECONDS``) and exits.

The pod's ``terminationGracePeriodSeconds`` must exceed the two together.

Several workers each count their own metrics: they write them to files in
``PROMETHEUS_MULTIPROC_DIR`` (a folder made empty at start, under the writable temporary
folder unless set) and ``/metrics`` adds them up (``shared.observability.metrics_body``); a
worker that dies and is replaced has its live gauges removed.

uvicorn's own supervisor does the rest (restarting a worker that dies, passing the
listening socket). It is used, through a small subclass, even for one worker: then the
drain works the same way whatever the number.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import uvicorn
from prometheus_client import multiprocess
from uvicorn.supervisors.multiprocess import Multiprocess

from shared.draining import DRAIN_MARKER_ENV

log = logging.getLogger("followup.serve")

#: Seconds between SIGTERM and closing the listening socket (``/ready`` is 503 meanwhile).
DEFAULT_DRAIN_SECONDS = 5.0
#: Seconds the requests in flight then have to finish.
DEFAULT_GRACEFUL_SECONDS = 20
#: Seconds a worker may take to answer the supervisor's liveness ping.
WORKER_HEALTHCHECK_SECONDS = 30
#: Seconds an idle keep-alive connection is kept open (uvicorn's ``timeout_keep_alive``,
#: 5 by default), however the app is served: here and by ``shared.processes``.
#:
#: A client must let an idle connection go before the server closes it, not after: a
#: request sent on a connection the server is closing at that moment fails (the gateway's
#: view reads are sent again; a proxied load, its body streamed, cannot be). The gateway
#: keeps idle connections to the services ``keepalive_expiry`` seconds (30 by default), and
#: ingress proxies and load balancers in front of the gateway commonly keep theirs 60
#: (ingress-nginx's ``upstream-keepalive-timeout``): the apps keep them open longer.
KEEP_ALIVE_SECONDS = 75


def cpu_limit() -> int:
    """The CPUs this process may use: the cgroup's quota (a container's CPU limit) when
    there is one, else the CPUs it may be scheduled on; at least 1."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            return max(1, int(int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(1, len(os.sched_getaffinity(0)))


def worker_count() -> int:
    """``WEB_CONCURRENCY`` (uvicorn's and gunicorn's name for it), else one per CPU."""
    configured = os.environ.get("WEB_CONCURRENCY", "").strip()
    if configured:
        count = int(configured)
        if count < 1:
            raise SystemExit("WEB_CONCURRENCY must be at least 1")
        return count
    return cpu_limit()


def env_seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    seconds = float(value) if value else default
    if seconds < 0:
        raise SystemExit(f"{name} must not be negative")
    return seconds


class DrainingSupervisor(Multiprocess):
    """uvicorn's worker supervisor, draining first on SIGTERM and SIGINT (see the module)."""

    def __init__(
        self, config: uvicorn.Config, marker: Path, drain_seconds: float, metrics_dir: Path
    ) -> None:
        sock = config.bind_socket()
        super().__init__(config, sockets=[sock])
        self.marker = marker
        self.drain_seconds = drain_seconds
        self.metrics_dir = metrics_dir
        self._draining = False

    def _drain_then_stop(self) -> None:
        if self._draining:
            # A second signal: stop now.
            self.should_exit.set()
            return
        self._draining = True
        self.marker.touch()
        log.info("draining: /ready answers 503; stopping in %.1f s", self.drain_seconds)
        timer = threading.Timer(self.drain_seconds, self.should_exit.set)
        timer.daemon = True
        timer.start()

    def handle_term(self) -> None:
        self._drain_then_stop()

    def handle_int(self) -> None:
        self._drain_then_stop()

    def terminate_all(self) -> None:
        # The supervisor's copy of the listening socket goes first: new connections are
        # refused once the workers close theirs, never left waiting in the backlog.
        for sock in self.sockets:
            sock.close()
        super().terminate_all()

    def keep_subprocess_alive(self) -> None:
        before = {p.pid for p in self.processes}
        super().keep_subprocess_alive()
        for pid in before - {p.pid for p in self.processes}:
            if pid is not None:
                # Its in-use gauges would otherwise count forever.
                multiprocess.mark_process_dead(pid, str(self.metrics_dir))  # type: ignore[no-untyped-call]


def prepare_metrics_dir(port: int) -> Path:
    """``PROMETHEUS_MULTIPROC_DIR``, made empty (a restarted container must not add up the
    counts of the run before), and exported to the workers."""
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    folder = Path(configured or Path(tempfile.gettempdir()) / f"followup-metrics-{port}")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder


def serve(target: str, host: str, port: int) -> None:
    workers = worker_count()
    drain = env_seconds("SERVE_DRAIN_SECONDS", DEFAULT_DRAIN_SECONDS)
    graceful = env_seconds("SERVE_GRACEFUL_SECONDS", DEFAULT_GRACEFUL_SECONDS)
    metrics_dir = prepare_metrics_dir(port)
    marker = metrics_dir.parent / f"followup-draining-{port}"
    marker.unlink(missing_ok=True)
    os.environ[DRAIN_MARKER_ENV] = str(marker)
    config = uvicorn.Config(
        target,
        host=host,
        port=port,
        workers=workers,
        # The apps log every request themselves (shared.observability).
        access_log=False,
        timeout_graceful_shutdown=max(1, round(graceful)),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        # The supervisor pings each worker and kills one that does not answer in time; a
        # worker busy with a large load or export must not be taken for hung (5 s default).
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        # Behind the cluster's ingress: X-Forwarded-* from it are believed.
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    )
    log.info("serving %s on %s:%d with %d workers", target, host, port, workers)
    try:
        DrainingSupervisor(config, marker, drain, metrics_dir).run()
    finally:
        marker.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="followup-serve", description=__doc__.split("\n")[0])
    parser.add_argument("target", help="the ASGI app, module:attribute")
    parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 - a container's interface
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    # As uvicorn's ``--app-dir .``: the apps are imported from the working directory (the
    # image's /app, where ``deploy/apps.toml`` lies beside them); spawned workers inherit it.
    sys.path.insert(0, os.getcwd())
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    serve(args.target, args.host, args.port)


if __name__ == "__main__":
    main()
