"""Settings base: one class per app, each with its own env prefix (``INDICATORS_`` ...).

A single ``DATABASE_URL`` switches all three services to one Postgres database, where
each lives in its own schema; an app-specific ``<PREFIX>DATABASE_URL`` overrides it.
Without either, each service uses its own SQLite file under ``var/`` (the embedded default).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.tokens import TokenSettings

REPO_ROOT = Path(__file__).resolve().parent.parent


class AppSettings(BaseSettings):
    """What every app (service or gateway) is configured with."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_name: str = "app"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    #: Origins allowed to call the API from a browser (front ends); empty = CORS off.
    cors_origins: list[str] = []
    #: Largest request body accepted, in bytes; larger gets 413.
    max_body_bytes: int = 200 * 1024 * 1024
    #: The URL clients reach this app on (``https://api.example.se``; scheme, host and
    #: port only), for the absolute URLs it writes (``next``, ``Location``). Behind the
    #: gateway, each service is given the gateway's. Empty: the address the server is
    #: bound to. A request's own ``Host`` header is never used.
    public_url: str = ""
    #: The region's identity provider, whose access tokens (JWT) are accepted beside API
    #: keys: the ``OIDC_`` settings, one set for every app (``shared.tokens``).
    oidc: TokenSettings = Field(default_factory=TokenSettings)

    @field_validator("public_url")
    @classmethod
    def _origin_only(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("public_url must be http(s)://host[:port]")
        if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
            raise ValueError("public_url names a scheme, host and port only (no path)")
        return value


class ServiceSettings(AppSettings):
    """A service that owns a database schema."""

    #: The Postgres schema (and the SQLite file's name) this service owns.
    schema_name: str = "service"
    database_url: str = ""
    #: Seconds a verified API key is trusted before it is looked up again.
    key_cache_seconds: float = 5.0
    #: Bytes of read answers one process keeps while the data stands still
    #: (``shared.readcache``); 0 keeps none (every answer computed, ETags still sent).
    read_cache_bytes: int = Field(default=16 * 1024 * 1024, ge=0)
    #: Whether the follow-up section's reads run on the event loop, on a connection of
    #: their own, on Postgres (``shared.loop_reads``); false runs them in worker threads
    #: as every other read (``bench/section_cold.py`` measures both side by side).
    loop_reads: bool = True

    @model_validator(mode="after")
    def _default_database(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = os.environ.get("DATABASE_URL") or (
                f"sqlite:///{REPO_ROOT / 'var' / (self.schema_name + '.db')}"
            )
        return self
