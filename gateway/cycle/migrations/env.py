"""Alembic environment of the follow-up cycle's store (its own schema and version table)."""

from gateway.cycle.spec import SPEC
from shared.migrations import run_env

run_env(SPEC)
