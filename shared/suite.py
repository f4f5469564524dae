"""The whole suite on one machine: every service and a gateway in front, as processes.

``prepare_stores`` makes throwaway stores (migrated afresh, seeded, with keys); a ``Stack``
runs the registry's services on them and gateways wired to those services. The gateway's
tests, the gateway benchmark and `make run` start the suite this way.

Which app fronts the services is data (the registry's one app that is not a service); the
front app is told where each service listens by ``<its env prefix><SERVICE>_URL``, and each
service the URL clients reach the front app on by ``<its env prefix>PUBLIC_URL``, so the
links it writes (``next``, ``Location``) lead through the gateway. The front app's port is
chosen before the services start, for that.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from shared.db import make_engine
from shared.keys import NewKey, generate_key, store_key
from shared.migrations import recreate
from shared.processes import LOOPBACK, Process, free_port, start
from shared.registry import AppEntry, app, apps, services, store_owners

#: (store URL by service name, token by key name), as ``prepare_stores`` made them.
Stores = tuple[dict[str, str], dict[str, str]]


@dataclass(frozen=True)
class KeyGrant:
    """A key ``prepare_stores`` writes: its scope, its org units, the stores that know it."""

    scope: str
    org_units: tuple[str, ...] = ()
    #: The services whose stores get the key; every service when none are named.
    services: tuple[str, ...] | None = None


ADMIN_AND_READ: Mapping[str, KeyGrant] = {"admin": KeyGrant("admin"), "read": KeyGrant("read")}


def prepare_stores(
    urls: Mapping[str, str], keys: Mapping[str, KeyGrant] = ADMIN_AND_READ
) -> Stores:
    """Recreate every store at ``urls[name]`` (each service's and the gateway's), load its
    seed data, write ``keys``.

    Destroys what those stores held: for tests and benchmarks only.
    """
    new_keys: dict[str, NewKey] = {name: generate_key() for name in keys}
    for entry in store_owners():
        spec = entry.load_spec()
        url = urls[entry.name]
        recreate(spec, url)
        engine = make_engine(url, spec.metadata.schema or spec.name)
        spec.load_seed(engine)
        with engine.begin() as conn:
            for name, grant in keys.items():
                if grant.services is None or entry.name in grant.services:
                    store_key(
                        conn,
                        spec.infrastructure,
                        new_keys[name],
                        f"suite {name}",
                        [grant.scope],
                        grant.org_units,
                    )
        engine.dispose()
    return dict(urls), {name: key.token for name, key in new_keys.items()}


def front_app() -> AppEntry:
    """The registry's app in front of the services."""
    (front,) = (entry for entry in apps() if entry.kind != "service")
    return front


@dataclass
class Stack:
    """Running services and the gateways in front of them."""

    #: Where the apps' logs go; none for this terminal.
    log_dir: Path | None
    #: Each service's store; a service without one reads its own settings.
    urls: dict[str, str]
    tokens: dict[str, str]
    services: dict[str, Process] = field(default_factory=dict)
    gateways: list[Process] = field(default_factory=list)
    host: str = LOOPBACK
    #: Fixed ports by app name (``make run`` uses the registry's); free ports for the rest.
    ports: Mapping[str, int] = field(default_factory=dict)
    #: The port of the first gateway, chosen when the first service starts.
    front_port: int | None = None

    def front_url(self) -> str:
        """Where clients reach the (first) gateway: what the services write into links."""
        if self.front_port is None:
            self.front_port = self.ports.get(front_app().name) or free_port(self.host)
        asked_on = LOOPBACK if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104
        return f"http://{asked_on}:{self.front_port}"

    def start_service(self, name: str, port: int | None = None) -> Process:
        entry = app(name)
        url = self.urls.get(name)
        env = {"DATABASE_URL": url, f"{entry.env_prefix}DATABASE_URL": url} if url else {}
        env[f"{entry.env_prefix}PUBLIC_URL"] = self.front_url()
        port = port or self.ports.get(name)
        process = start(entry, env=env, port=port, log_dir=self.log_dir, host=self.host)
        self.services[name] = process
        return process

    def start_gateway(self, **settings: str) -> Process:
        """A gateway in front of the running services; ``settings`` as ``timeout="1.5"``."""
        entry = front_app()
        env = {
            f"{entry.env_prefix}{name.upper()}_URL": process.base_url
            for name, process in self.services.items()
        }
        if url := self.urls.get(entry.name):
            env[f"{entry.env_prefix}DATABASE_URL"] = url  # the follow-up cycle's own store
        env.update({f"{entry.env_prefix}{key.upper()}": value for key, value in settings.items()})
        port = self.ports.get(entry.name)
        if port is None and not self.gateways:
            self.front_url()
            port = self.front_port
        process = start(entry, env=env, port=port, log_dir=self.log_dir, host=self.host)
        self.gateways.append(process)
        return process

    def auth(self, key: str = "read") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[key]}"}

    def restart(self, name: str) -> None:
        old = self.services[name]
        old.stop()
        self.start_service(name, old.port)

    @contextmanager
    def killed(self, *names: str) -> Iterator[None]:
        """The services stopped (connections refused) for the block; started again after."""
        try:
            for name in names:
                self.services[name].stop()
            yield
        finally:
            for name in names:
                self.restart(name)

    @contextmanager
    def hung(self, name: str) -> Iterator[None]:
        """The service frozen with SIGSTOP (it accepts connections, never answers)."""
        pid = self.services[name].proc.pid
        os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(pid, signal.SIGCONT)

    def stop(self) -> None:
        for process in [*self.gateways, *self.services.values()]:
            process.stop()


def new_stack(stores: Stores, log_dir: Path | None, **gateway_settings: str) -> Stack:
    """Every service of the registry on ``stores`` and one gateway, on free loopback ports."""
    urls, tokens = stores
    stack = Stack(log_dir, urls, tokens)
    try:
        for entry in services():
            stack.start_service(entry.name)
        stack.start_gateway(**gateway_settings)
    except BaseException:
        stack.stop()
        raise
    return stack
