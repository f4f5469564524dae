"""Entity tags and ``If-Match``: optimistic concurrency for replacing writes.

A resource's ETag is its version number in quotes, optionally with a prefix that tells
one kind of resource from another (``"12"``, ``"i12"``). ``If-Match`` may list several
tags or ``*``; a weak ``W/`` prefix (added by some proxies) and missing quotes are
tolerated. A stale or unknown tag is a 412 (``PreconditionFailed``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from shared.errors import PreconditionFailed

#: The ``If-Match`` request header of an ETag'd write (one definition for every router).
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="The ETag you read; `*` matches any. 412 when stale."),
]


def etag(version: int, prefix: str = "") -> str:
    """The ETag header value of ``version``: ``"12"``, or ``"i12"`` with prefix ``i``."""
    return f'"{prefix}{version}"'


def if_match_tags(header: str) -> frozenset[str] | None:
    """The opaque tags ``header`` names (no ``W/``, no quotes); None when it is ``*``."""
    tags = frozenset(t.strip().removeprefix("W/").strip('"') for t in header.split(","))
    return None if "*" in tags else tags


def if_match_versions(header: str, prefix: str = "") -> list[int] | None:
    """The versions ``header`` accepts (tags made by ``etag(v, prefix)``); None for ``*``.

    Tags that are not such a version match nothing.
    """
    tags = if_match_tags(header)
    if tags is None:
        return None
    versions = (t.removeprefix(prefix) for t in tags if t.startswith(prefix))
    return sorted(int(v) for v in versions if v.isdigit())


def check_if_match(
    if_match: str | None, version: int | None, *, prefix: str = "", subject: str = "the resource"
) -> None:
    """412 unless ``if_match`` is absent or names the current ``version``.

    ``version`` is None when the resource does not exist yet: any ``If-Match``, ``*``
    included, then fails. ``subject`` names the resource in the problem's detail.
    """
    if if_match is None:
        return
    if version is None:
        raise PreconditionFailed(f"If-Match was sent but {subject} does not exist yet.")
    accepted = if_match_versions(if_match, prefix)
    if accepted is not None and version not in accepted:
        current = etag(version, prefix)
        raise PreconditionFailed(
            f"{subject[:1].upper()}{subject[1:]} has changed (now {current}); "
            "read it again and retry."
        )
