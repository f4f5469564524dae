"""Settings of the budget service (env prefix `BUDGET_`)."""

from __future__ import annotations

from functools import cache

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class BudgetSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BUDGET_", env_file=".env", extra="ignore")

    app_name: str = "budget"
    schema_name: str = "budget"


@cache
def get_settings() -> BudgetSettings:
    return BudgetSettings()
