"""Settings of the assignments service (env prefix `ASSIGNMENTS_`)."""

from __future__ import annotations

from functools import cache

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class AssignmentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ASSIGNMENTS_", env_file=".env", extra="ignore")

    app_name: str = "assignments"
    schema_name: str = "assignments"


@cache
def get_settings() -> AssignmentsSettings:
    return AssignmentsSettings()
