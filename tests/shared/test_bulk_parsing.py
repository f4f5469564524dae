import pytest

from shared.bulk import csv_rows, validate_rows
from shared.errors import InvalidInput
from tests.shared.sample.app import ThingRow


def test_api_form_csv_is_comma_separated_with_decimal_point() -> None:
    rows = csv_rows(b"code,org_unit,amount\nA,SUS,12\n", {"amount"})
    assert rows == [{"code": "A", "org_unit": "SUS", "amount": "12"}]


def test_swedish_excel_csv_with_bom_semicolons_and_decimal_comma_is_read() -> None:
    body = "\ufeffcode;org_unit;amount\nA;SUS;79,7\nB;SUS;20 000\n".encode()
    rows = csv_rows(body, {"amount"})
    assert [r["amount"] for r in rows] == ["79.7", "20000"]


def test_a_point_in_the_swedish_form_is_ambiguous_and_rejected_naming_row_and_field() -> None:
    rows = csv_rows(b"code;org_unit;amount\nA;SUS;1.234\n", {"amount"})
    good, rejected = validate_rows(rows, ThingRow)
    assert good == []
    assert rejected[0].row == 1
    assert rejected[0].errors[0]["loc"] == ["amount"]


def test_non_utf8_csv_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="not UTF-8"):
        csv_rows("code,org_unit,amount\nÅ,SUS,1\n".encode("latin-1"), {"amount"})


def test_a_row_with_too_many_columns_is_rejected_by_number() -> None:
    rows = csv_rows(b"code,org_unit,amount\nA,SUS,1\nB,SUS,2,9\n", {"amount"})
    good, rejected = validate_rows(rows, ThingRow)
    assert len(good) == 1
    assert rejected[0].row == 2
    assert "columns" in rejected[0].errors[0]["msg"]


def test_text_where_a_number_is_expected_is_rejected() -> None:
    rows = csv_rows(b"code,org_unit,amount\nA,SUS,many\n", {"amount"})
    _, rejected = validate_rows(rows, ThingRow)
    assert rejected[0].errors[0]["loc"] == ["amount"]


def test_unknown_fields_in_json_rows_are_rejected() -> None:
    _, rejected = validate_rows([{"code": "A", "org_unit": "SUS", "amount": 1, "x": 1}], ThingRow)
    assert rejected[0].errors[0]["loc"] == ["x"]
