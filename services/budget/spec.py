"""What the suite's tooling (migrations, seeding, keys) knows of the budget service."""

from __future__ import annotations

from services.budget.config import get_settings
from services.budget.models import INFRASTRUCTURE, metadata
from services.budget.seeding import load_seed
from shared.migrations import migrations_dir
from shared.spec import ServiceSpec

SPEC = ServiceSpec(
    name="budget",
    metadata=metadata,
    infrastructure=INFRASTRUCTURE,
    settings_factory=get_settings,
    migrations_dir=migrations_dir(__file__),
    seed=load_seed,
)
