"""Alembic environment of the budget service (its own schema and version table)."""

from services.budget.spec import SPEC
from shared.migrations import run_env

run_env(SPEC)
