"""What the gateway has parsed of the services' answers, kept with their ETags, and which
answers one view was made of.

``Upstream.read`` asks again with ``If-None-Match`` for an answer it holds; a 304 gives
back the model kept here, with no body sent (the services keep their answers while their
data stands still: ``shared.readcache``).

Each answer is kept twice over: as its body, compressed once the view it came for has gone
(``shared.compaction``; small: a committee's indicator section of 45 kB is about 6 kB),
for as many answers as ``answer_bytes`` holds, and as its parsed model for the ``parsed``
most recently used of them (default 32 per service). A model takes about seven times its
JSON in memory, and each of its objects is one more the garbage collector walks on every
full collection, which parsing (allocating) sets off: with 256 models kept per service,
the gateway spent 4.0–5.2 ms of CPU per view made afresh, with none kept 3.5–4.0 and with
32 3.2–4.3 (one client asking every committee × period once, three rounds alternating).
A 304 for an answer whose model was let go parses the kept body again (0.2–0.3 ms for the
largest with few models kept), which is still no body sent and nothing computed.

``ReadsSeen`` records the answers one view was made of (service, what was asked, ETag),
and the data version each service made them at (``Data-Version``): a view whose answers
all still stand is the same view (``gateway.followup.kept_views``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from gateway.upstream.transport import QueryParams
from shared.compaction import compact_later, pack, unpack


@dataclass
class KeptAnswer:
    etag: str
    #: The answer's JSON as it came until packed (``shared.compaction``), then compressed.
    body: bytes
    into: type[BaseModel]
    model: BaseModel | None
    packed: bool = False

    @property
    def json(self) -> bytes:
        return unpack(self.body) if self.packed else self.body


class ParsedAnswers:
    """Answers by what was asked, with the ETag they came with: their bodies compressed,
    bounded by ``answer_bytes``, and the ``parsed`` most recently used as models.

    Kept models are shared by every view that gets them back: the follow-up code reads
    them and builds its own, never changes them.
    """

    def __init__(self, parsed: int = 32, answer_bytes: int = 32 * 1024 * 1024) -> None:
        self._parsed = parsed
        self._answer_bytes = answer_bytes
        self._bytes = 0
        self._kept: OrderedDict[Hashable, KeptAnswer] = OrderedDict()
        # The keys whose model is kept, least recently used first.
        self._models: OrderedDict[Hashable, None] = OrderedDict()

    @staticmethod
    def key(path: str, params: QueryParams, into: type[BaseModel]) -> Hashable:
        if isinstance(params, Mapping):
            return (path, tuple(sorted((k, str(v)) for k, v in params.items())), into)
        return (path, params, into)

    def get(self, key: Hashable) -> KeptAnswer | None:
        return self._kept.get(key)

    def model(self, key: Hashable, kept: KeptAnswer) -> Any:
        """The model of ``kept`` (got before the call that confirmed it), parsed again from
        its body when it was let go; still its own if a newer answer replaced it meanwhile."""
        model = kept.model
        if model is None:
            model = kept.model = kept.into.model_validate_json(kept.json)
        if self._kept.get(key) is kept:
            self._kept.move_to_end(key)
            # With no models kept (``parsed`` 0) this lets go of the one just parsed: the
            # caller still gets it.
            self._hold_model(key)
        return model

    def put(self, key: Hashable, etag: str, content: bytes, model: BaseModel) -> None:
        """Keep ``content`` and its ``model`` as the answer to ``key`` named ``etag``; the
        content is packed later, once the view being made has gone (``shared.compaction``)."""
        self.discard(key)
        kept = self._kept[key] = KeptAnswer(etag, content, type(model), model)
        self._bytes += len(content)
        self._hold_model(key)
        compact_later(lambda: self._pack(key, kept))

    def _pack(self, key: Hashable, kept: KeptAnswer) -> None:
        """Pack ``kept``, then let go of the least recently used answers until the packed
        ones are within ``answer_bytes``: the bound counts answers packed."""
        if self._kept.get(key) is not kept or kept.packed:
            return  # let go or replaced already
        packed = pack(kept.body)
        self._bytes += len(packed) - len(kept.body)
        kept.body, kept.packed = packed, True
        while self._bytes > self._answer_bytes and self._kept:
            oldest = next(iter(self._kept))
            self.discard(oldest)

    def discard(self, key: Hashable) -> None:
        kept = self._kept.pop(key, None)
        if kept is not None:
            self._bytes -= len(kept.body)
            self._models.pop(key, None)

    def _hold_model(self, key: Hashable) -> None:
        self._models[key] = None
        self._models.move_to_end(key)
        while len(self._models) > self._parsed:
            dropped, _ = self._models.popitem(last=False)
            self._kept[dropped].model = None

    @property
    def parsed_count(self) -> int:
        return len(self._models)


class DataVersions:
    """The data version (``Data-Version``: where the service's change counter stood) each
    service's answers were made at. A service one of whose answers named no version, or
    named another than the rest, has none: whether its answers still stand is then asked
    answer by answer."""

    def __init__(self) -> None:
        self._of: dict[str, int | None] = {}

    def note(self, upstream: str, version: int | None) -> None:
        if upstream in self._of and self._of[upstream] != version:
            self._of[upstream] = None
        else:
            self._of[upstream] = version

    def all_known(self) -> dict[str, int] | None:
        """Each service's version, or ``None`` when one of them has none."""
        known = {name: v for name, v in self._of.items() if v is not None}
        return known if len(known) == len(self._of) else None


#: One answer read: the service, what was asked (``ParsedAnswers.key``) and its ETag.
ReadSeen = tuple[str, Hashable, str]


@dataclass
class ReadsSeen:
    """The answers read while one view was made: (service, what was asked, ETag) each, and
    whether every read answered with an ETag (``complete``). A read that failed or came
    without an ETag leaves the record incomplete: such a view is not the same as another."""

    reads: list[ReadSeen] = field(default_factory=list)
    complete: bool = True
    versions: DataVersions = field(default_factory=DataVersions)

    def key(self) -> tuple[ReadSeen, ...]:
        return tuple(sorted(set(self.reads), key=repr))


_SEEN: ContextVar[ReadsSeen | None] = ContextVar("reads_seen", default=None)


@contextmanager
def recording_reads() -> Iterator[ReadsSeen]:
    """Record every ``Upstream.read`` made in this context (tasks started in it too: they
    copy the context, and with it the same record)."""
    seen = ReadsSeen()
    token = _SEEN.set(seen)
    try:
        yield seen
    finally:
        _SEEN.reset(token)


def note_read(upstream: str, key: Hashable, etag: str | None, version: int | None) -> None:
    seen = _SEEN.get()
    if seen is None:
        return
    if etag is None:
        seen.complete = False
    else:
        seen.reads.append((upstream, key, etag))
        seen.versions.note(upstream, version)


def note_failed_read() -> None:
    seen = _SEEN.get()
    if seen is not None:
        seen.complete = False


@dataclass(frozen=True)
class Checked:
    """What ``Upstream.unchanged`` found of a kept answer, for the read of the same view
    that follows (``checking``): the answer (``kept``, still standing; or ``model``, the
    newer one) with its ETag, or the failure, so that the read does not ask again."""

    etag: str | None = None
    kept: KeptAnswer | None = None
    model: BaseModel | None = None
    failure: BaseException | None = None
    version: int | None = None


_CHECKED: ContextVar[dict[tuple[str, Hashable], Checked] | None] = ContextVar(
    "answers_checked", default=None
)


@contextmanager
def checking() -> Iterator[None]:
    """Keep what the checks in this context find for the reads after them in it."""
    token = _CHECKED.set({})
    try:
        yield
    finally:
        _CHECKED.reset(token)


def note_checked(upstream: str, key: Hashable, found: Checked) -> None:
    checked = _CHECKED.get()
    if checked is not None:
        checked[(upstream, key)] = found


def checked_before(upstream: str, key: Hashable) -> Checked | None:
    checked = _CHECKED.get()
    return None if checked is None else checked.get((upstream, key))


def checked_versions() -> DataVersions:
    """The data versions the checks in this context (``checking``) found."""
    versions = DataVersions()
    for (upstream, _key), found in (_CHECKED.get() or {}).items():
        versions.note(upstream, found.version)
    return versions
