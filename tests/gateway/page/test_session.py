"""The page's session cookie: signed, expiring, HttpOnly, SameSite=Strict, Secure on HTTPS."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from gateway.config import GatewaySettings
from gateway.page.access import safe_next, start_session
from gateway.page.session import COOKIE, seal, secret_of, unseal

SECRET = b"s" * 32


def test_a_sealed_session_opens_with_its_secret_until_it_expires() -> None:
    value = seal("fu_abc_def", SECRET, max_age=600, now=1_000)
    session = unseal(value, SECRET, now=1_599)
    assert session is not None and session.key == "fu_abc_def"
    assert session.authorization == "Bearer fu_abc_def"
    assert unseal(value, SECRET, now=1_600) is None  # expired
    assert unseal(value, b"t" * 32, now=1_001) is None  # another secret


def test_an_edited_cookie_is_no_session() -> None:
    value = seal("fu_abc_def", SECRET, max_age=600, now=1_000)
    payload, mac = value.split(".")
    # A longer expiry, signed with nothing: refused.
    forged = seal("fu_abc_def", b"x" * 32, max_age=10**9, now=1_000).split(".")[0]
    assert unseal(f"{forged}.{mac}", SECRET, now=1_001) is None
    for broken in ("", "abc", f"{payload}.", f".{mac}", f"{payload}.{mac}.x"):
        assert unseal(broken, SECRET, now=1_001) is None


def test_without_a_configured_secret_a_process_makes_one_of_its_own() -> None:
    settings = GatewaySettings(session_secret=None)
    assert len(secret_of(settings)) >= 32
    assert secret_of(settings) == secret_of(settings)
    assert secret_of(GatewaySettings(session_secret="k" * 40)) == b"k" * 40


def _request(scheme: str) -> Request:
    return Request(
        {
            "type": "http",
            "scheme": scheme,
            "path": "/sign-in",
            "headers": [],
            "server": ("example.org", 443),
            "query_string": b"",
        }
    )


def test_the_cookie_is_secure_over_https_and_httponly_strict_always() -> None:
    settings = GatewaySettings(session_secret="k" * 40, session_max_age=3600)
    for scheme, secure in (("https", True), ("http", False)):
        answer = Response()
        start_session(answer, _request(scheme), "fu_abc_def", settings)
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=3600" in cookie
        assert ("Secure" in cookie) is secure


def test_after_sign_in_the_person_goes_to_a_path_of_this_site_only() -> None:
    assert safe_next("/follow-up/HSN?period=2024") == "/follow-up/HSN?period=2024"
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example", "", None):
        assert safe_next(elsewhere) == "/"
