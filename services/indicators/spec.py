"""What the suite's tooling (migrations, seeding, keys) knows of the indicators service."""

from __future__ import annotations

from services.indicators.config import get_settings
from services.indicators.models import INFRASTRUCTURE, metadata
from services.indicators.seeding import load_seed
from shared.migrations import migrations_dir
from shared.spec import ServiceSpec

SPEC = ServiceSpec(
    name="indicators",
    metadata=metadata,
    infrastructure=INFRASTRUCTURE,
    settings_factory=get_settings,
    migrations_dir=migrations_dir(__file__),
    seed=load_seed,
)
