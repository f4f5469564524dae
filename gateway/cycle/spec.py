"""What the suite's tooling (migrations, seeding, keys) knows of the follow-up cycle's store."""

from __future__ import annotations

from gateway.config import get_settings
from gateway.cycle.models import INFRASTRUCTURE, metadata
from gateway.cycle.seeding import load_seed
from shared.migrations import migrations_dir
from shared.spec import ServiceSpec

SPEC = ServiceSpec(
    name="followup",
    metadata=metadata,
    infrastructure=INFRASTRUCTURE,
    settings_factory=get_settings,
    migrations_dir=migrations_dir(__file__),
    seed=load_seed,
)
