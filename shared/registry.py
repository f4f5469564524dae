"""The registry of the suite's apps, read from ``deploy/apps.toml``.

``shared`` knows no service by name: which apps exist, where their ASGI app and
``ServiceSpec`` live and which port each listens on is data in that one file, read here
by the CLI, the dev runner, the gateway (its upstreams) and the test harness.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Literal

from shared.settings import REPO_ROOT
from shared.spec import ServiceSpec

REGISTRY_FILE = REPO_ROOT / "deploy" / "apps.toml"
AppKind = Literal["service", "gateway"]


@dataclass(frozen=True)
class AppEntry:
    """One app of the suite."""

    name: str
    kind: AppKind
    #: The ASGI target uvicorn takes, ``package.module:attribute``.
    asgi: str
    port: int
    env_prefix: str
    #: Where the ``ServiceSpec`` of the app's own store lives (``package.module:attribute``):
    #: every service has one; the gateway has one for the follow-up cycle's store.
    spec: str | None = None

    def load_spec(self) -> ServiceSpec:
        if self.spec is None:
            raise LookupError(f"{self.name} owns no database")
        module, _, attribute = self.spec.partition(":")
        found: ServiceSpec = getattr(importlib.import_module(module), attribute)
        return found


@cache
def apps() -> tuple[AppEntry, ...]:
    """Every app, in start order (services first, then the gateway)."""
    with REGISTRY_FILE.open("rb") as f:
        doc = tomllib.load(f)
    return tuple(AppEntry(**row) for row in doc["app"])


def services() -> tuple[AppEntry, ...]:
    """The database-owning services, in registry order."""
    return tuple(a for a in apps() if a.kind == "service")


def service_names() -> tuple[str, ...]:
    return tuple(a.name for a in services())


def store_owners() -> tuple[AppEntry, ...]:
    """The apps that own a store (a ``spec``): what migrations, seeds and keys go to, in
    registry order (the services, then the gateway's follow-up cycle store)."""
    return tuple(a for a in apps() if a.spec is not None)


def store_names() -> tuple[str, ...]:
    return tuple(a.name for a in store_owners())


def app(name: str) -> AppEntry:
    for entry in apps():
        if entry.name == name:
            return entry
    raise LookupError(f"no app named {name!r} in {REGISTRY_FILE.name}")
