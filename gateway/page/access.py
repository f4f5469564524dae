"""Who is reading the page: sign-in with a key, the session cookie, and the upstream headers
a signed-in page calls the services with.

A key is checked at sign-in by asking a service with it (the services hold the keys; the
gateway has no store): the first service that answers says whether it is a key at all
(401: not one). What the key may read is decided later, per page, by the services, exactly
as for the JSON view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from gateway.config import GatewaySettings
from gateway.page.session import COOKIE, Session, seal, secret_of, unseal
from gateway.upstream.errors import UpstreamFailure, UpstreamRefused
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.observability import request_id_var

KeyVerdict = Literal["valid", "refused", "unavailable"]
#: The longest a sign-in form may be: a key and where to go next.
MAX_FORM_BYTES = 4096


class _AnyPage(BaseModel):
    """Whatever a service lists: only its status matters to the key check."""


@dataclass(frozen=True)
class SignInForm:
    key: str
    next: str


def current_session(request: Request, settings: GatewaySettings) -> Session | None:
    return unseal(request.cookies.get(COOKIE), secret_of(settings))


def page_headers(session: Session) -> Headers:
    """What a page's upstream calls carry: the signed-in key, as a bearer key, and the id."""
    return [
        ("authorization", session.authorization),
        ("accept", "application/json"),
        ("x-request-id", request_id_var.get()),
    ]


#: What a key can be: printable ASCII without blanks (anything else is no key, and could
#: not travel in a header).
KEY_SHAPE = re.compile(r"[\x21-\x7e]{1,512}")
#: A path of this site, as a redirect may carry it: printable ASCII, no blanks.
LOCAL_PATH = re.compile(r"/(?![/\\])[\x21-\x7e]{0,2000}")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never ``//host``, ``/\\host``,
    a URL or anything that could not go in a ``Location`` header)."""
    if not target or not LOCAL_PATH.fullmatch(target) or "\\" in target:
        return "/"
    return target


def parse_form(body: bytes) -> SignInForm:
    """The sign-in form (``application/x-www-form-urlencoded``)."""
    fields = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    key = (fields.get("key") or [""])[0].strip()
    return SignInForm(key, safe_next((fields.get("next") or ["/"])[0]))


def looks_like_a_key(key: str) -> bool:
    return KEY_SHAPE.fullmatch(key) is not None


async def check_key(upstreams: Upstreams, key: str) -> KeyVerdict:
    """Ask the services, one after another until one answers, whether ``key`` is a key."""
    headers = [("authorization", f"Bearer {key}"), ("accept", "application/json")]
    for name in upstreams:
        try:
            await upstreams[name].read("/v1/locks", _AnyPage, params={"limit": 1}, headers=headers)
        except UpstreamRefused as refused:
            # 403: a key, bound to org units that the listing does not cover.
            return "valid" if refused.response.status == 403 else "refused"
        except UpstreamFailure:
            continue
        return "valid"
    return "unavailable"


def start_session(
    response: Response, request: Request, key: str, settings: GatewaySettings
) -> None:
    response.set_cookie(
        COOKIE,
        seal(key, secret_of(settings), settings.session_max_age),
        max_age=settings.session_max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def end_session(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
