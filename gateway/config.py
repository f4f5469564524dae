"""Settings of the gateway (env prefix ``GATEWAY_``).

The upstreams are the services of the registry (``deploy/apps.toml``). Each has a base URL,
``GATEWAY_<NAME>_URL`` (by default ``http://127.0.0.1:<its port>``), and a deadline,
``GATEWAY_<NAME>_TIMEOUT``: the longest the follow-up view waits for it, counted from the
moment the view was asked for, before it answers without that section. Proxied calls have
deadlines of their own: ``proxy_timeout`` for the upstream's response headers and between
body chunks (an export streams as long as bytes keep coming), ``proxy_load_timeout`` for the
headers of a request carrying a body (a bulk load is checked whole before it is answered).
``public_url`` (``GATEWAY_PUBLIC_URL``, from ``AppSettings``) is where clients reach the
gateway: the links of proxied answers are rewritten to it.

The follow-up cycle's own store (``gateway.cycle``: calendar, decisions, archived reports,
keys) is configured as a service's is (``ServiceSettings``): ``GATEWAY_DATABASE_URL``, else
``DATABASE_URL`` (Postgres schema ``followup``), else ``var/followup.db``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import Field, create_model
from pydantic_settings import SettingsConfigDict

from shared.registry import services
from shared.settings import ServiceSettings

#: Deadline (seconds) of one upstream's part of the follow-up view, retry included.
DEFAULT_DEADLINE = 2.0


class _GatewaySettings(ServiceSettings):
    """Every setting but the per-upstream ones, which ``GatewaySettings`` adds."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", env_file=".env", extra="ignore")

    app_name: str = "gateway"
    port: int = 8000
    #: The follow-up cycle's store (``gateway.cycle``): its Postgres schema / SQLite file.
    schema_name: str = "followup"

    #: Seconds to open a TCP connection to an upstream.
    connect_timeout: float = Field(default=0.5, gt=0)
    #: Seconds to wait for a free pooled connection.
    pool_timeout: float = Field(default=2.0, gt=0)
    #: Seconds a proxied request waits for the upstream's response headers, and then between
    #: two chunks of its body (an export streams for as long as bytes keep coming): 504.
    proxy_timeout: float = Field(default=15.0, gt=0)
    #: The same wait for the headers of a proxied request that carries a body (a bulk load
    #: is read and checked whole before the service answers).
    proxy_load_timeout: float = Field(default=120.0, gt=0)
    #: Seconds of each view deadline kept for assembling and sending the answer: the
    #: upstream calls of a view are cut off this much before its deadline.
    view_reserve: float = Field(default=0.05, ge=0)
    #: Connections per upstream, and how many of them are kept open between requests: for
    #: the proxy's calls, and as many again for the view's reads (``upstream.reads``).
    max_connections: int = Field(default=100, ge=1)
    max_keepalive_connections: int = Field(default=50, ge=0)
    #: Seconds an idle connection to an upstream is kept for the next request. Keep it
    #: below the seconds the upstreams keep an idle connection open (75 as the suite serves
    #: them: ``shared.serve.KEEP_ALIVE_SECONDS``), so that the gateway lets a connection go
    #: before the service closes it; longer, a request may meet a connection just closed.
    keepalive_expiry: float = Field(default=30.0, ge=0)

    #: Consecutive failures that open an upstream's circuit breaker.
    breaker_failures: int = Field(default=5, ge=1)
    #: Seconds an open breaker waits before it lets one trial request through.
    breaker_cooldown: float = Field(default=10.0, gt=0)

    #: Identical view requests (same view, same key) arriving while one is being fetched
    #: share its fetch instead of repeating it (see ``gateway.upstream.coalesce``).
    coalesce: bool = True
    #: The services' answers kept, compressed, to ask again with ``If-None-Match``
    #: (bytes per service), and how many of them are kept parsed too: few, since every
    #: parsed model kept is walked by each full garbage collection (``gateway.upstream.answers``).
    kept_answer_bytes: int = Field(default=32 * 1024 * 1024, ge=0)
    kept_parsed_answers: int = Field(default=32, ge=0)
    #: Views kept as the JSON sent, compressed, while what they were made of stands still
    #: (``gateway.followup.kept_views``), and the lately sent ones as sent too, in a
    #: quarter of this again; 0 keeps none.
    kept_view_bytes: int = Field(default=16 * 1024 * 1024, ge=0)
    #: Views confirmed by their services (a kept view after a write) or read afresh at once
    #: (``gateway.followup.kept_views``); more wait their turn, for at most
    #: ``view_turn_share`` of the time the view has left, then go beside the others (a hung
    #: service must not make the views behind it late). A kept view sent as it was (no
    #: service's data moved) never waits.
    views_made_at_once: int = Field(default=8, ge=1)
    view_turn_share: float = Field(default=0.5, ge=0, le=1)
    #: Committees fetched at once by the all-committee overview.
    overview_concurrency: int = Field(default=6, ge=1)
    #: Seconds a ``/ready`` probe of an upstream may take.
    ready_probe_timeout: float = Field(default=0.5, gt=0)

    #: The follow-up page's session cookies are signed with this (``GATEWAY_SESSION_SECRET``).
    #: Unset, each process makes one of its own when it starts: fine for one `make run`
    #: gateway, but sessions then end with the process and are not shared between replicas.
    session_secret: str | None = Field(default=None, min_length=32)
    #: Seconds a page session lasts from sign-in (``GATEWAY_SESSION_MAX_AGE``).
    session_max_age: int = Field(default=8 * 3600, ge=60)

    #: Whose quality indicators a committee's view shows. HSN and RS answer for the region
    #: as a whole (the quality annex of their verksamhetsberättelse reports REGION), so
    #: their view shows REGION's evaluations; every other unit shows its own.
    indicator_org_unit: dict[str, str] = Field(
        default_factory=lambda: {"HSN": "REGION", "RS": "REGION"}
    )

    @property
    def upstreams(self) -> tuple[str, ...]:
        """The upstream services' names, in registry order."""
        return tuple(service.name for service in services())

    def upstream_url(self, name: str) -> str:
        url: str = getattr(self, self._field(name, "url"))
        return url.rstrip("/")

    def upstream_timeout(self, name: str) -> float:
        timeout: float = getattr(self, self._field(name, "timeout"))
        return timeout

    def _field(self, name: str, setting: str) -> str:
        if name not in self.upstreams:
            raise LookupError(f"no upstream {name!r}; the registry has {', '.join(self.upstreams)}")
        return f"{name}_{setting}"


def _upstream_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for service in services():
        fields[f"{service.name}_url"] = (
            str,
            Field(
                default=f"http://127.0.0.1:{service.port}",
                description=f"Base URL of the {service.name} service.",
            ),
        )
        fields[f"{service.name}_timeout"] = (
            float,
            Field(
                default=DEFAULT_DEADLINE,
                gt=0,
                description=f"Deadline (s) of the {service.name} part of a view, retry included.",
            ),
        )
    return fields


# The per-upstream fields are named after the registry's services, so the class is made at
# import time; the type checker is shown the static part, which holds every accessor.
if TYPE_CHECKING:
    GatewaySettings = _GatewaySettings
else:
    GatewaySettings = create_model(
        "GatewaySettings",
        __base__=_GatewaySettings,
        __module__=__name__,
        __doc__="The gateway's settings, one URL and one deadline per upstream included.",
        **_upstream_fields(),
    )


@cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
