"""The OpenAPI document names the 304 of every operation that answers through the kept
reads (``If-None-Match`` with the answer's ETag), found from the routes' dependencies,
however deep and through whichever router, and of no other."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI

from shared.openapi_doc import NO_EXAMPLES, install_document
from shared.readcache import kept_reads
from shared.registry import app as registered
from tests.harness import build_app


def _responses(document: dict[str, Any], path: str) -> dict[str, Any]:
    responses: dict[str, Any] = document["paths"][path]["get"]["responses"]
    return responses


def wrapping(reads: Annotated[Any, Depends(kept_reads)]) -> Any:
    """A dependency of a route's that takes the kept reads in its turn."""
    return reads


router = APIRouter(prefix="/v1")


@router.get("/kept")
def kept(reads: Annotated[Any, Depends(wrapping)]) -> dict[str, str]:
    return {}


@router.get("/plain")
def plain() -> dict[str, str]:
    return {}


def test_an_operation_answering_through_kept_reads_documents_its_304() -> None:
    app = FastAPI()
    app.include_router(router, prefix="/api")
    install_document(app, NO_EXAMPLES)
    document = app.openapi()
    assert "304" in _responses(document, "/api/v1/kept")
    assert "304" not in _responses(document, "/api/v1/plain")


def test_each_services_kept_reads_document_their_304() -> None:
    for name, path in (
        ("indicators", "/v1/evaluation-summary"),
        ("assignments", "/v1/assignments"),
        ("budget", "/v1/follow-up-section"),
        ("budget", "/v1/financial-goals"),  # the cache itself, not through the kept reads
    ):
        document = build_app(registered(name)).openapi()
        assert "304" in _responses(document, path), name
        assert "304" not in _responses(document, "/health"), name
