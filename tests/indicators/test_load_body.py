"""Reading a load body, without a database: which bodies are taken, and what is refused."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from services.indicators.load_body import Columns, CsvLoad, read_load_body
from shared.bulk_csv import CsvRowError
from shared.errors import BadRequest, InvalidInput, ProblemError, UnsupportedMediaType


def test_a_json_list_gives_rows_in_column_order_with_exact_numbers() -> None:
    body = read_load_body(
        "application/json",
        b'[{"period": "2024", "indicator": "ID9001", "org_unit": "SUS", "value": 79.70}]',
    )
    # A tuple, not a list: plain values in a tuple are left alone by the garbage collector.
    assert list(body.parts()) == [
        [("ID9001", "SUS", "2024", None, Decimal("79.70"), None, None, None)]
    ]
    assert body.limit() == 1


def test_rows_may_come_wrapped_in_an_object() -> None:
    body = read_load_body("application/json", b'{"rows": [{"indicator": "ID9001"}]}')
    assert body.limit() == 1


def test_a_json_object_with_unknown_fields_is_kept_for_the_row_checks_to_name() -> None:
    body = read_load_body("application/json", b'[{"indicator": "ID9001", "colour": "green"}]')
    assert list(body.parts()) == [[{"indicator": "ID9001", "colour": "green"}]]


@pytest.mark.parametrize(
    ("content_type", "body", "problem"),
    [
        ("application/json", b"  ", BadRequest),
        ("application/json", b'[{"org_unit": ', BadRequest),
        ("application/json", b'{"indicator": "ID9001"}', InvalidInput),
        ("text/plain", b"hello", UnsupportedMediaType),
    ],
)
def test_bodies_that_are_not_rows_are_refused(
    content_type: str, body: bytes, problem: type[ProblemError]
) -> None:
    with pytest.raises(problem):
        read_load_body(content_type, body)


def test_a_csv_header_names_every_unknown_and_missing_column() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_load_body("text/csv", b"indicator,period,kommentar\nID9001,2024,x\n")
    assert caught.value.errors == [
        {"loc": ["header", "kommentar"], "msg": "unknown column"},
        {"loc": ["header", "org_unit"], "msg": "required column missing"},
    ]


def test_csv_is_read_in_batches_with_broken_lines_in_their_place() -> None:
    lines = [f"ID9001,SUS,2024,b{i},1\n" for i in range(5)]
    lines[3] = "ID9001,SUS\n"
    body = read_load_body(
        "text/csv", ("indicator,org_unit,period,breakdown,value\n" + "".join(lines)).encode()
    )
    assert isinstance(body, CsvLoad)
    parts = list(replace(body, batch_size=2).parts())
    assert all(isinstance(p, Columns) for p in parts)
    rows = [row for part in parts if isinstance(part, Columns) for row in part.rows()]
    assert [len(p) for p in parts] == [2, 2, 1]
    assert rows[3] == CsvRowError(4, "expected 5 columns, found 2")
    assert rows[4] == ["ID9001", "SUS", "2024", "b4", "1", None, None, None]
