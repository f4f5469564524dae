"""The JSON nesting scanner: exact depth outside strings, whatever the chunks."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from shared.json_depth import NestingScanner, nesting_depth


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


def _random_value(rng: random.Random, level: int = 0) -> Any:
    roll = rng.random()
    if level < 6 and roll < 0.3:
        return [_random_value(rng, level + 1) for _ in range(rng.randint(0, 3))]
    if level < 6 and roll < 0.5:
        keys = ["a", "[", "]", '{"', "\\", '\\"[']
        return {rng.choice(keys): _random_value(rng, level + 1) for _ in range(rng.randint(0, 3))}
    return rng.choice(["x", "[[", "]]", '"', "\\", '\\"[', "", 1, None, "}{"])


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"[]", 1),
        (b'{"a": [1, {"b": "[[[["}]}', 3),
        (b'"[[[["', 0),
        (b'["\\"", [[1]]]', 3),
        (b'{"a": "x\\\\"}', 1),
        (b"[" * 100 + b"]" * 100, 100),
        (b'["[", "x", [[["]]]"]]]]', 4),
    ],
)
def test_brackets_inside_strings_do_not_count(body: bytes, depth: int) -> None:
    assert nesting_depth(body) == depth


def test_any_split_into_chunks_gives_the_same_depth_as_the_parser_sees() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        value = _random_value(rng)
        body = json.dumps(value).encode()
        assert nesting_depth(body) == _depth(value), body
        scanner = NestingScanner()
        start = 0
        while start < len(body):
            size = rng.randint(1, 6)
            scanner.feed(body[start : start + size])
            start += size
        assert scanner.deepest == _depth(value), body
