"""Settings of the gateway (env prefix ``GATEWAY_``).

Every upstream has a base URL and a deadline: the longest the follow-up view waits for
it before it answers without that section. Proxied calls (exports, bulk loads) get the
longer ``proxy_read_timeout`` between bytes instead, since a CSV export may run for a while.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import AppSettings

UpstreamName = Literal["indicators", "assignments", "budget"]
UPSTREAMS: tuple[UpstreamName, ...] = ("indicators", "assignments", "budget")


class GatewaySettings(AppSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_file=".env", extra="ignore")

    app_name: str = "gateway"
    port: int = 8000

    indicators_url: str = "http://127.0.0.1:8001"
    assignments_url: str = "http://127.0.0.1:8002"
    budget_url: str = "http://127.0.0.1:8003"

    #: Deadline (seconds) for one upstream's part of the follow-up view, retry included.
    indicators_timeout: float = Field(default=2.0, gt=0)
    assignments_timeout: float = Field(default=2.0, gt=0)
    budget_timeout: float = Field(default=2.0, gt=0)
    #: Seconds to open a TCP connection to an upstream.
    connect_timeout: float = Field(default=0.5, gt=0)
    #: Seconds to wait for a free pooled connection.
    pool_timeout: float = Field(default=2.0, gt=0)
    #: Seconds between bytes on proxied routes (exports and bulk loads may run long).
    proxy_read_timeout: float = Field(default=120.0, gt=0)
    #: Connections per upstream, and how many of them are kept open between requests.
    max_connections: int = Field(default=100, ge=1)
    max_keepalive_connections: int = Field(default=50, ge=0)
    keepalive_expiry: float = Field(default=30.0, ge=0)

    #: Consecutive failures that open an upstream's circuit breaker.
    breaker_failures: int = Field(default=5, ge=1)
    #: Seconds an open breaker waits before it lets one trial request through.
    breaker_cooldown: float = Field(default=10.0, gt=0)

    #: Identical view requests (same view, same key) arriving while one is being fetched
    #: share its fetch instead of repeating it (see ``gateway.coalesce``).
    coalesce: bool = True
    #: Committees fetched at once by the all-committee overview.
    overview_concurrency: int = Field(default=6, ge=1)
    #: Seconds a ``/ready`` probe of an upstream may take.
    ready_probe_timeout: float = Field(default=0.5, gt=0)

    #: Whose quality indicators a committee's view shows. HSN and RS answer for the region
    #: as a whole (the quality annex of their verksamhetsberättelse reports REGION), so
    #: their view shows REGION's evaluations; every other unit shows its own.
    indicator_org_unit: dict[str, str] = Field(
        default_factory=lambda: {"HSN": "REGION", "RS": "REGION"}
    )

    #: The HTTP client behind the adapter: httpx (default), or aiohttp where it is installed
    #: (``gateway.clients.aiohttp_transport``; measured in ``bench/gateway_followup.py``).
    transport: Literal["httpx", "aiohttp"] = "httpx"

    def upstream_url(self, name: UpstreamName) -> str:
        url: str = getattr(self, f"{name}_url")
        return url.rstrip("/")

    def upstream_timeout(self, name: UpstreamName) -> float:
        timeout: float = getattr(self, f"{name}_timeout")
        return timeout


@cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
