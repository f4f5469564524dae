"""What the suite's tooling (migrations, seeding, keys) knows of the assignments service."""

from __future__ import annotations

from services.assignments.config import get_settings
from services.assignments.models import INFRASTRUCTURE, metadata
from services.assignments.seeding import load_seed
from shared.migrations import migrations_dir
from shared.spec import ServiceSpec

SPEC = ServiceSpec(
    name="assignments",
    metadata=metadata,
    infrastructure=INFRASTRUCTURE,
    settings_factory=get_settings,
    migrations_dir=migrations_dir(__file__),
    seed=load_seed,
)
