"""What the suite's tooling (migrations, seeding, keys, the test harness) knows of a service.

Kept apart from the app factory so that migrations and the CLI need no web framework.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from shared.settings import ServiceSettings
from shared.store import InfrastructureTables


@dataclass(frozen=True)
class ServiceSpec:
    """What the suite's tooling (migrations, seeding, keys) needs to know of a service."""

    name: str
    metadata: sa.MetaData
    infrastructure: InfrastructureTables
    settings_factory: Callable[[], ServiceSettings]
    migrations_dir: str
    #: Loads the real data shipped in the repo when the store is empty.
    seed: Callable[[Session, ServiceSpec], int] | None = None
