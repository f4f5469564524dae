"""What the routes take from the running app: its upstreams, its settings and its flights."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gateway.config import GatewaySettings
from gateway.upstream.upstream import Upstreams


def get_upstreams(request: Request) -> Upstreams:
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams


def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]
