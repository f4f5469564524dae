"""What the gateway has parsed of the services' answers, kept with their ETags.

``Upstream.read`` asks again with ``If-None-Match`` for an answer it holds; a 304 gives
back the model kept here, with no body sent or parsed (the services keep their answers
while their data stands still: ``shared.readcache``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from pydantic import BaseModel

from gateway.upstream.transport import QueryParams


class ParsedAnswers:
    """Answers parsed into read models, by what was asked, with the ETag they came with.

    Kept models are shared by every view that gets them back: the follow-up code reads
    them and builds its own, never changes them. Bounded by count (least recently used
    first); a few hundred committee views' sections fit.
    """

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, tuple[str, Any]] = OrderedDict()

    @staticmethod
    def key(path: str, params: QueryParams, into: type[BaseModel]) -> Hashable:
        if isinstance(params, Mapping):
            return (path, tuple(sorted((k, str(v)) for k, v in params.items())), into)
        return (path, params, into)

    def get(self, key: Hashable) -> tuple[str, Any] | None:
        kept = self._kept.get(key)
        if kept is not None:
            self._kept.move_to_end(key)
        return kept

    def put(self, key: Hashable, etag: str, model: BaseModel) -> None:
        self._kept[key] = (etag, model)
        self._kept.move_to_end(key)
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)
