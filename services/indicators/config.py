"""Settings of the indicators service (env prefix `INDICATORS_`)."""

from __future__ import annotations

from functools import cache

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class IndicatorsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INDICATORS_", env_file=".env", extra="ignore")

    app_name: str = "indicators"
    schema_name: str = "indicators"


@cache
def get_settings() -> IndicatorsSettings:
    return IndicatorsSettings()
