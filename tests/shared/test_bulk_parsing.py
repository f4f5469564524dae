import pytest

from shared.bulk import validate_rows
from shared.bulk_csv import MAX_CELL, csv_rows
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


def test_an_unterminated_quote_is_a_422_naming_its_line() -> None:
    body = b'code,org_unit,amount\nA,SUS,1\nB,"SUS,2\nC,SUS,3\n'
    with pytest.raises(InvalidInput, match="line 3") as caught:
        csv_rows(body, {"amount"})
    assert "never closed" in caught.value.detail
    assert [e["loc"] for e in caught.value.errors or []] == [["body", "line", 3]]


def test_a_file_cut_off_inside_a_quoted_field_is_a_422() -> None:
    with pytest.raises(InvalidInput, match="line 2"):
        csv_rows(b'code,org_unit,amount\nA,SUS,"1', {"amount"})


def test_text_after_a_closing_quote_is_a_422_naming_its_line() -> None:
    with pytest.raises(InvalidInput, match="line 3"):
        csv_rows(b'code,org_unit,amount\nA,SUS,1\n"B"x,SUS,2\n', {"amount"})


def test_doubled_quotes_inside_a_field_are_still_read() -> None:
    rows = csv_rows(b'code,org_unit,amount\n"A ""x""",SUS,1\n', {"amount"})
    assert rows == [{"code": 'A "x"', "org_unit": "SUS", "amount": "1"}]


def test_a_cell_over_128_kb_rejects_its_row_naming_the_column() -> None:
    big = b"x" * (MAX_CELL + 1)
    body = b"code,org_unit,amount\nA,SUS,1\nB," + big + b",2\nC,SUS,3\n"
    rows = csv_rows(body, {"amount"})
    good, rejected = validate_rows(rows, ThingRow)
    assert [n for n, _ in good] == [1, 3]
    assert rejected[0].row == 2
    assert rejected[0].errors[0]["loc"] == ["org_unit"]
    assert str(MAX_CELL) in rejected[0].errors[0]["msg"]


def test_a_nul_byte_in_a_csv_body_is_a_422_naming_its_line() -> None:
    with pytest.raises(InvalidInput, match="line 3"):
        csv_rows(b"code,org_unit,amount\nA,SUS,1\nB\x00,SUS,2\n", {"amount"})
