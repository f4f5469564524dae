"""How deep a JSON body nests, found by a byte scanner before any parser recurses into it.

Python's ``json`` (and most parsers) recurse once per ``[`` / ``{``; a body of a hundred
thousand brackets makes them raise ``RecursionError`` and the service answer 500. The
scanner reads the body as it arrives, chunk by chunk, with C-speed steps only: string
literals are cut out with one regular expression, every byte but the brackets dropped
with ``bytes.translate``, and the running depth summed with ``itertools.accumulate``.
It never parses: a malformed body is the parser's to reject, a deep one is rejected here.
"""

from __future__ import annotations

import re
from itertools import accumulate

#: The deepest nesting any body of the API needs, with room to spare.
MAX_DEPTH = 32

_STRING = re.compile(rb'"[^"\\]*(?:\\[\s\S][^"\\]*)*"')
_PLAIN_STRING = re.compile(rb'"[^"]*"')
#: The rest of a string that began in an earlier chunk: up to its closing quote, if any.
_STRING_REST = re.compile(rb'[^"\\]*(?:\\[\s\S][^"\\]*)*')
_BRACKETS = b"[]{}"
_DROP = bytes(b for b in range(256) if b not in _BRACKETS)
_DROP_BUT_QUOTES = bytes(b for b in range(256) if b not in _BRACKETS + b'"')
# An opening bracket becomes 1, a closing one 255 (-1 read as a signed byte).
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_SLICE = 1 << 20


class NestingScanner:
    """Feed the body's chunks in order; ``feed`` returns the deepest nesting so far."""

    def __init__(self) -> None:
        self.depth = 0
        self.deepest = 0
        self._in_string = False
        self._escaped = False  # the chunk ended on a backslash inside a string

    def feed(self, chunk: bytes) -> int:
        for start in range(0, len(chunk), _SLICE):
            self._feed(chunk[start : start + _SLICE])
        return self.deepest

    def _feed(self, chunk: bytes) -> None:
        pos = 0
        if self._in_string:
            if self._escaped:
                pos, self._escaped = 1, False
            match = _STRING_REST.match(chunk, pos)
            assert match is not None  # the pattern matches the empty string
            pos = match.end()
            if pos == len(chunk):
                return
            if chunk[pos : pos + 1] == b"\\":  # a backslash as the chunk's last byte
                self._escaped = True
                return
            pos += 1  # the closing quote
            self._in_string = False
        outside = _outside_strings(chunk[pos:])
        opened = outside.find(b'"')
        if opened >= 0:  # a string runs on into the next chunk
            tail = outside[opened + 1 :]
            self._in_string = True
            self._escaped = (len(tail) - len(tail.rstrip(b"\\"))) % 2 == 1
            outside = outside[:opened]
        steps = outside.translate(_STEPS, _DROP)
        if not steps:
            return
        depths = list(accumulate(memoryview(steps).cast("b"), initial=self.depth))
        self.deepest = max(self.deepest, max(depths))
        self.depth = depths[-1]


def _outside_strings(text: bytes) -> bytes:
    """``text`` (which starts outside a string) without its complete string literals.

    Without backslashes (nearly every body) the bytes are first cut down to quotes and
    brackets and every adjacent pair of quotes dropped: such a pair is an empty string or
    the end of one and the start of the next with no bracket between, so dropping it
    changes no bracket's side. The few strings left hold brackets; one pass removes them.
    """
    if b"\\" in text:
        return _STRING.sub(b"", text)
    reduced = text.translate(None, _DROP_BUT_QUOTES).replace(b'""', b"")
    return _PLAIN_STRING.sub(b"", reduced) if b'"' in reduced else reduced


def nesting_depth(body: bytes) -> int:
    """The deepest nesting of brackets outside strings in ``body``."""
    return NestingScanner().feed(body)
