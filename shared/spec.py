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

    def load_seed(self, engine: sa.Engine) -> int:
        """The seed loaded into the store ``engine`` reaches (``seed``: nothing when the store
        holds data already), then its tables' statistics read (``read_statistics``): how
        many seed rows were loaded."""
        if self.seed is None:
            return 0
        with Session(engine) as session:
            loaded = self.seed(session, self)
        if loaded:
            read_statistics(engine, self.metadata)
        return loaded


def read_statistics(engine: sa.Engine, metadata: sa.MetaData) -> None:
    """Have Postgres read the statistics of ``metadata``'s tables again (``ANALYZE``), after
    a load that changed what they hold (the seed).

    Until a table's statistics are read, Postgres plans its queries on guesses: on the
    seeded assignments (135 assignments, 536 responsible units) a committee's follow-up
    section joined every assignment with every unit row of the committee in a nested loop,
    1.0 ms of the database's CPU a section, 0.46 ms once the statistics were read
    (``bench/gateway_followup.py``'s stores, measured per section asked afresh). Autovacuum
    reads them in its own time, a minute or more after the load, and not at all where it is
    off (as on this suite's CI server). SQLite's planner needs no statistics for tables
    this small: nothing is done there.
    """
    # Not ``shared.db.is_sqlite``: this module stays free of the web framework that
    # ``shared.db`` brings in (see the module's docstring).
    if engine.dialect.name == "sqlite":
        return
    with engine.begin() as conn:
        preparer = conn.dialect.identifier_preparer
        for table in metadata.sorted_tables:
            conn.exec_driver_sql(f"ANALYZE {preparer.format_table(table)}")
