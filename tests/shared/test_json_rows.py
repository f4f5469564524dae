"""Incremental JSON rows: what a body gives, batch by batch, and what is refused."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from shared.errors import BadRequest, InvalidInput, ProblemError
from shared.json_rows import NESTED_MESSAGE, JsonRows, NestedRow, is_blank, read_json_rows


def rows_of(body: bytes) -> JsonRows:
    return read_json_rows(io.BytesIO(body))


def test_rows_come_as_sent_with_exact_numbers() -> None:
    rows = rows_of(b'[{"a": 1, "b": 79.70, "c": null, "d": "x"}, 5, "y", true]')
    assert list(rows.rows()) == [{"a": 1, "b": Decimal("79.70"), "c": None, "d": "x"}, 5, "y", True]
    assert isinstance(next(rows.rows())["b"], Decimal)
    assert rows.check() == 4


def test_rows_may_come_wrapped_in_an_object_beside_other_keys() -> None:
    rows = rows_of(b'{"source": {"x": [1, 2]}, "rows": [{"a": 1}, {"a": 2}], "n": 2}')
    assert list(rows.rows()) == [{"a": 1}, {"a": 2}]
    assert rows.check() == 2


def test_batches_read_the_body_again_each_time() -> None:
    body = b"[" + b",".join(b'{"n": %d}' % n for n in range(7)) + b"]"
    rows = rows_of(body)
    assert [len(b) for b in rows.batches(3)] == [3, 3, 1]
    assert [r["n"] for b in rows.batches(5) for r in b] == list(range(7))


def test_a_nested_row_is_never_built_and_names_its_row_and_field() -> None:
    body = b'[{"a": 1}, {"a": 2, "b": {"deep": [1, {"x": 2}]}, "c": [3]}, [1, 2], {"a": 4}]'
    assert list(rows_of(body).rows()) == [
        {"a": 1},
        NestedRow(2, "b"),
        NestedRow(3, None),
        {"a": 4},
    ]
    assert NestedRow(2, "b").problem() == {"loc": ["b"], "msg": NESTED_MESSAGE}
    assert NestedRow(3, None).problem()["loc"] == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'[{"org_unit": ', BadRequest),
        (b"[1, 2]]", BadRequest),
        (b"[1] [2]", BadRequest),
        (b"{'a': 1}", BadRequest),
        (b'["\xff"]', BadRequest),
        (b'{"indicator": "ID9001"}', InvalidInput),
        (b'{"rows": {"a": 1}}', InvalidInput),
        (b"42", InvalidInput),
    ],
)
def test_a_body_that_is_not_a_list_of_rows_is_refused_before_any_row(
    body: bytes, problem: type[ProblemError]
) -> None:
    with pytest.raises(problem) as caught:
        rows_of(body)
    assert "\n" not in caught.value.detail


def test_blank_bodies_are_told_apart() -> None:
    assert is_blank(io.BytesIO(b" \n\t "))
    assert not is_blank(io.BytesIO(b" []"))


def test_a_large_body_is_read_in_batches_not_at_once() -> None:
    body = b"[" + b",".join(b'{"n": %d, "v": 1.5}' % n for n in range(50_000)) + b"]"
    rows = rows_of(body)
    assert rows.check() == 50_000
    sizes = [len(b) for b in rows.batches(10_000)]
    assert sizes == [10_000] * 5


def test_with_columns_a_row_comes_as_a_tuple_in_their_order() -> None:
    body = b'[{"b": 2, "a": 1}, {"a": 1, "z": 9}, {"b": null}, {"a": {"x": 1}}]'
    rows = read_json_rows(io.BytesIO(body), ("a", "b", "c"))
    assert list(rows.rows()) == [
        (1, 2, None),
        {"a": 1, "z": 9},  # an unknown field: the row as sent, for the checks to name
        (None, None, None),
        NestedRow(4, "a"),
    ]
