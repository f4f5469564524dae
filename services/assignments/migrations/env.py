"""Alembic environment of the assignments service (its own schema and version table)."""

from services.assignments.spec import SPEC
from shared.migrations import run_env

run_env(SPEC)
