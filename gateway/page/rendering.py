"""HTML answers: the templates (Jinja2, autoescaped), the stylesheet, and the headers every
page carries.

The shared security headers forbid everything (``default-src 'none'``); a page needs its
own stylesheet and its forms, so it sends a policy of its own that allows exactly those:
styles from the gateway itself, forms posting back to it, no script at all. Pages show a
person's data read with their key: never stored by a cache (``no-store``).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from typing import Any

from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from gateway.page import due, marks, shaping
from gateway.page.swedish import mnkr, number, period_label, share

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
MISSING_LABELS = {"budget": "budget", "outcome": "utfall", "forecast": "prognos"}


@cache
def stylesheet() -> bytes:
    return files("gateway.page").joinpath("static/page.css").read_bytes()


@cache
def stylesheet_url() -> str:
    """The stylesheet's address, its content's hash in it so a browser may keep it."""
    return f"/static/page.css?v={hashlib.sha256(stylesheet()).hexdigest()[:12]}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("gateway.page", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        mark=lambda m: m.html,
        mnkr=mnkr,
        number=number,
        share=share,
        met_share=shaping.met_share,
        value_text=shaping.value_text,
        breakdown_label=shaping.breakdown_label,
        evaluation_mark=marks.evaluation_mark,
        status_mark=marks.status_mark,
        economy_mark=marks.economy_mark,
        late_mark=marks.late_mark,
        due_mark=due.item_mark,
        due_kind=lambda kind: due.KIND_LABELS.get(kind, kind),
        titles=shaping.SECTION_TITLES,
        period_label_of=period_label,
    )
    env.filters["missing_label"] = lambda part: MISSING_LABELS.get(part, part)
    return env


def page(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """``template`` rendered with ``context`` (``period`` and ``signed_in`` default to none)."""
    context.setdefault("period", None)
    context.setdefault("signed_in", True)
    html = environment().get_template(template).render(css_url=stylesheet_url(), **context)
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={"Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-store"},
    )


def css_response() -> Response:
    return Response(
        stylesheet(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=86400"},
    )
