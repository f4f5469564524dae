"""Flat tables as CSV and as a workbook, every number written exactly (pure rendering).

A ``Table`` is a section of an export: its columns and a function giving its rows from a
source (the view or the overview). ``render_csv`` writes one flat table (a ``section``
column when there are several tables); ``render_xlsx`` one sheet per table.

Numbers are written as the exact decimal they are, never through a binary float: money is
integer kronor in CSV and mnkr with one decimal (``0.0``) in the workbook, computed with
``Decimal`` and written as its own digits (``-83.9``, never ``-83.90000000000001``, which is
what openpyxl makes of any number it is handed). A column marked ``footnote`` holds a note:
the CSV carries its text, the workbook a marker (``1)``) whose text is listed under the table.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from openpyxl.cell.cell import Cell

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
GREEN = "C6EFCE"
MNKR_FORMAT = "0.0"

Source = TypeVar("Source")
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    money: bool = False
    label: bool = False  # a code shown by its Swedish label in the workbook
    footnote: bool = False  # a note: its text in CSV, a marker and a footnote in the workbook


@dataclass(frozen=True)
class Table(Generic[Source]):
    section: str
    sheet: str
    columns: tuple[Column, ...]
    rows: Callable[[Source], Iterator[Row]]
    green_when: Callable[[Row], bool] = lambda _row: False


def mnkr(kronor: int | None) -> Decimal | None:
    """Integer kronor as mnkr with one decimal, rounded half up (15428700000 → 15428.7)."""
    if kronor is None:
        return None
    return (Decimal(kronor) / Decimal(1_000_000)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def exact(value: int | float | Decimal) -> str:
    """A number as the digits it is: integers as they are, a float as the shortest text that
    reads back as it (what JSON gave), a Decimal in plain notation."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return format(value, "f")


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _number(value: Any) -> Any:
    """A numeric string as a number (so the workbook can compute with it)."""
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        return number if number.is_finite() else value
    return value


# --- CSV --------------------------------------------------------------------------------


def csv_columns(tables: Sequence[Table[Source]]) -> list[str]:
    """The CSV's columns: ``section`` when there are several tables, then each table's own."""
    keys: list[str] = ["section"] if len(tables) > 1 else []
    for table in tables:
        keys.extend(c.key for c in table.columns if c.key not in keys)
    return keys


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return exact(value)
    return value


def render_csv(source: Source, tables: Sequence[Table[Source]]) -> bytes:
    keys = csv_columns(tables)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(keys)
    for table in tables:
        for row in table.rows(source):
            row = {**row, "section": table.section}
            writer.writerow([_csv_cell(row.get(k)) for k in keys])
    return buffer.getvalue().encode("utf-8")


# --- workbook ---------------------------------------------------------------------------


def write_exact(cell: Cell, value: int | float | Decimal) -> None:
    """Put ``value`` in ``cell`` as a number written with exactly its own digits.

    openpyxl writes every number it is given with ``%.16g`` (77.1 becomes
    77.09999999999999): the cell is given the number's text instead, typed numeric, which
    openpyxl writes out as it is.
    """
    cell.value = None
    cell._value = exact(value)  # the one way to have a number written with its own digits
    cell.data_type = "n"


def _cell_value(column: Column, value: Any, labels: dict[str, str]) -> Any:
    if column.money:
        return mnkr(value)
    if column.label:
        return labels.get(str(value), value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return _number(value)


def render_xlsx(
    source: Source, tables: Sequence[Table[Source]], labels: dict[str, str] | None = None
) -> bytes:
    """One sheet per table, Swedish headers, money in mnkr (``0.0``), met rows green."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    labels = labels or {}
    workbook = Workbook()
    workbook.remove(workbook.active)
    green = PatternFill(start_color=GREEN, end_color=GREEN, fill_type="solid")
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.sheet)
        sheet.append([c.header for c in table.columns])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        notes: dict[str, int] = {}
        for row in table.rows(source):
            values: list[Any] = []
            for column in table.columns:
                value = row.get(column.key)
                if column.footnote and value:
                    value = f"{notes.setdefault(str(value), len(notes) + 1)})"
                else:
                    value = _cell_value(column, value, labels)
                values.append(value)
            sheet.append([None if is_number(v) else v for v in values])
            cells = sheet[sheet.max_row]
            for column, cell, value in zip(table.columns, cells, values, strict=True):
                if is_number(value):
                    write_exact(cell, value)
                if column.money:
                    cell.number_format = MNKR_FORMAT
            if table.green_when(row):
                for cell in cells:
                    cell.fill = green
        if notes:
            sheet.append([])
            sheet.append(["Noter"])
            sheet[sheet.max_row][0].font = bold
            for text, number in notes.items():
                sheet.append([f"{number}) {text}"])
        for index, column in enumerate(table.columns, start=1):
            width = 14 if column.money else min(60, max(12, len(column.header) + 2))
            if column.key in ("name", "explanation", "delmal", "area", "goal"):
                width = 45
            sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
