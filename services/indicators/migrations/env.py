"""Alembic environment of the indicators service (its own schema and version table)."""

from services.indicators.spec import SPEC
from shared.migrations import run_env

run_env(SPEC)
