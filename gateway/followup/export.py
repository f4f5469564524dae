"""The follow-up view as flat tables: CSV for loaders, a workbook for people.

Both come from the same four tables, one per section of the view:

============  ==========  ===========================================================
section       sheet       one row per
============  ==========  ===========================================================
indikator     Indikatorer indicator evaluation (indicator × breakdown), in tree order
omrade        Områden     area verdict
uppdrag       Uppdrag     assignment, with its latest status and explanation
ekonomi       Ekonomi     the grant, the committee's total, then each budget line
============  ==========  ===========================================================

CSV (``text/csv``): ONE flat table. The first column, ``section``, says which table a row
belongs to; the other columns are the union of the four tables' columns (snake_case,
codes as the services give them), each row filling the ones of its own table. Money is
integer kronor, as everywhere in the API.

Workbook (xlsx): one sheet per section with Swedish headers; a met indicator (and a met
area) is filled green; money is in mnkr with one decimal (kronor / 1 000 000, rounded half
up, number format ``0.0``).

The all-committee overview has one table (one row per committee): its CSV has no
``section`` column, its workbook one sheet, Nämnder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from gateway.followup.assignments import ASSIGNMENT_STATUSES
from gateway.followup.budget import Amounts
from gateway.followup.overview import Overview
from gateway.followup.tree import goal_of_area
from gateway.followup.view import FollowUpView

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
GREEN = "C6EFCE"
MNKR_FORMAT = "0.0"

STATUS_SV = {
    "met": "Uppfyllt",
    "not_met": "Ej uppfyllt",
    "no_target": "Mål saknas",
    "no_data": "Värde saknas",
    "not_evaluable": "Kan ej bedömas",
    "ej_startat": "Ej startat",
    "pagar_enligt_plan": "Pågår enligt plan",
    "avvikelse": "Avvikelse",
    "klart": "Klart",
}

#: What a table is made from: the view of one committee, or the overview.
Source = TypeVar("Source", FollowUpView, Overview)
Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    money: bool = False
    label: bool = False  # a code shown by its Swedish label in the workbook


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


def _number(value: Any) -> Any:
    """A numeric string as a number (so the workbook can compute with it)."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def _met(row: Row) -> bool:
    return row.get("status") == "met"


# --- the four tables ------------------------------------------------------------------


def _indicator_rows(view: FollowUpView) -> Iterator[Row]:
    for goal in view.goals:
        for area in goal.areas:
            for delmal in area.delmal:
                for indicator in delmal.indicators:
                    for ev in indicator.evaluations:
                        compared = ev.compared_with
                        yield {
                            "goal": goal.goal,
                            "area": area.area,
                            "delmal": delmal.delmal,
                            "code": indicator.indicator,
                            "name": indicator.name,
                            "breakdown": ev.breakdown,
                            "period": ev.period,
                            "value": ev.value,
                            "target": ev.target.expression if ev.target else None,
                            "status": ev.status,
                            "compared_period": compared.period if compared else None,
                            "compared_value": compared.value if compared else None,
                        }


def _area_rows(view: FollowUpView) -> Iterator[Row]:
    for area in view.areas:
        yield {
            "goal": goal_of_area(area.area),
            "area": area.area,
            "evaluated": area.evaluated,
            "met": area.met,
            "share": area.share,
            "status": area.verdict,
        }


def _assignment_rows(view: FollowUpView) -> Iterator[Row]:
    for item in view.assignments:
        latest = item.latest()
        yield {
            "code": item.id,
            "name": item.title,
            "goal": item.goal,
            "area": item.area,
            "year_given": item.year_given,
            "lead_org_unit": item.lead_org_unit or item.lead_text,
            "deadline": item.deadline or item.deadline_text,
            "status": latest.status,
            "explanation": latest.explanation,
            "period": latest.period,
        }


def _amounts(prefix: str, amounts: Amounts | None) -> Row:
    return {
        f"{prefix}_revenue": amounts.revenue if amounts else None,
        f"{prefix}_cost": amounts.cost if amounts else None,
    }


def _economy_rows(view: FollowUpView) -> Iterator[Row]:
    economy = view.economy
    if economy is None:
        return
    yield {"code": "grant", "name": "Regionbidrag", "amount": economy.grant}
    yield {
        "code": "total",
        "name": "Totalt",
        "budget_result": economy.budget_result,
        "outcome_result": economy.outcome_result,
        "deviation": economy.deviation,
        "forecast_result": economy.forecast_result,
    }
    for line in economy.lines:
        yield {
            "code": line.line,
            "name": line.label,
            "counterparty": line.counterparty,
            **_amounts("budget", line.budget),
            "budget_result": line.budget_result,
            **_amounts("outcome", line.outcome),
            "outcome_result": line.outcome_result,
            "deviation": line.deviation,
            "forecast_result": line.forecast_result,
        }


TABLES: tuple[Table[FollowUpView], ...] = (
    Table(
        "indikator",
        "Indikatorer",
        (
            Column("goal", "Övergripande mål"),
            Column("area", "Område"),
            Column("delmal", "Delmål"),
            Column("code", "Indikator"),
            Column("name", "Namn"),
            Column("breakdown", "Uppdelning"),
            Column("period", "Period"),
            Column("value", "Värde"),
            Column("target", "Målnivå"),
            Column("status", "Bedömning", label=True),
            Column("compared_period", "Jämförs med period"),
            Column("compared_value", "Jämförelsevärde"),
        ),
        _indicator_rows,
        _met,
    ),
    Table(
        "omrade",
        "Områden",
        (
            Column("goal", "Övergripande mål"),
            Column("area", "Område"),
            Column("evaluated", "Indikatorer med mål"),
            Column("met", "Uppfyllda"),
            Column("share", "Andel uppfyllda"),
            Column("status", "Bedömning", label=True),
        ),
        _area_rows,
        _met,
    ),
    Table(
        "uppdrag",
        "Uppdrag",
        (
            Column("code", "Uppdrag"),
            Column("name", "Beskrivning"),
            Column("goal", "Övergripande mål"),
            Column("area", "Område"),
            Column("year_given", "Givet år"),
            Column("lead_org_unit", "Ansvarig"),
            Column("deadline", "Klart senast"),
            Column("status", "Status", label=True),
            Column("explanation", "Förklaring"),
            Column("period", "Rapportperiod"),
        ),
        _assignment_rows,
    ),
    Table(
        "ekonomi",
        "Ekonomi",
        (
            Column("code", "Post"),
            Column("name", "Benämning"),
            Column("counterparty", "Motpart"),
            Column("amount", "Belopp (mnkr)", money=True),
            Column("budget_revenue", "Budget intäkter (mnkr)", money=True),
            Column("budget_cost", "Budget kostnader (mnkr)", money=True),
            Column("budget_result", "Budgeterat resultat (mnkr)", money=True),
            Column("outcome_revenue", "Utfall intäkter (mnkr)", money=True),
            Column("outcome_cost", "Utfall kostnader (mnkr)", money=True),
            Column("outcome_result", "Utfall resultat (mnkr)", money=True),
            Column("deviation", "Avvikelse (mnkr)", money=True),
            Column("forecast_result", "Prognos resultat (mnkr)", money=True),
        ),
        _economy_rows,
    ),
)


def _overview_rows(overview: Overview) -> Iterator[Row]:
    for row in overview.committees:
        indicators, assignments, economy = row.indicators, row.assignments, row.economy
        counts = assignments.model_dump() if assignments else {}
        yield {
            "org_unit": row.org_unit,
            "name": row.name,
            "indicators_met": indicators.met if indicators else None,
            "indicators_evaluated": indicators.evaluated if indicators else None,
            "areas_met": indicators.areas_met if indicators else None,
            "areas": indicators.areas if indicators else None,
            **{status: counts.get(status) for status in (*ASSIGNMENT_STATUSES, "ingen_rapport")},
            "grant": economy.grant if economy else None,
            "outcome_result": economy.outcome_result if economy else None,
            "deviation": economy.deviation if economy else None,
            "forecast_result": economy.forecast_result if economy else None,
            "partial": row.partial,
        }


#: The all-committee overview: one table, one row per committee (no ``section`` column).
OVERVIEW: tuple[Table[Overview], ...] = (
    Table(
        "namnd",
        "Nämnder",
        (
            Column("org_unit", "Nämnd"),
            Column("name", "Namn"),
            Column("indicators_met", "Indikatorer uppfyllda"),
            Column("indicators_evaluated", "Indikatorer bedömda"),
            Column("areas_met", "Områden uppfyllda"),
            Column("areas", "Områden"),
            Column("ej_startat", "Uppdrag ej startade"),
            Column("pagar_enligt_plan", "Uppdrag pågår enligt plan"),
            Column("avvikelse", "Uppdrag med avvikelse"),
            Column("klart", "Uppdrag klara"),
            Column("ingen_rapport", "Uppdrag utan rapport"),
            Column("grant", "Regionbidrag (mnkr)", money=True),
            Column("outcome_result", "Utfall resultat (mnkr)", money=True),
            Column("deviation", "Avvikelse mot budget (mnkr)", money=True),
            Column("forecast_result", "Prognos resultat (mnkr)", money=True),
            Column("partial", "Ofullständig"),
        ),
        _overview_rows,
    ),
)


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
    return value


def view_csv(view: FollowUpView) -> bytes:
    return render_csv(view, TABLES)


def view_xlsx(view: FollowUpView) -> bytes:
    return render_xlsx(view, TABLES)


def overview_csv(overview: Overview) -> bytes:
    return render_csv(overview, OVERVIEW)


def overview_xlsx(overview: Overview) -> bytes:
    return render_xlsx(overview, OVERVIEW)


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


def render_xlsx(source: Source, tables: Sequence[Table[Source]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

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
        for row in table.rows(source):
            values = []
            for column in table.columns:
                value = row.get(column.key)
                if column.money:
                    value = mnkr(value)
                elif column.label:
                    value = STATUS_SV.get(str(value), value)
                elif isinstance(value, bool):
                    value = "ja" if value else "nej"
                else:
                    value = _number(value)
                values.append(value)
            sheet.append(values)
            cells = sheet[sheet.max_row]
            for column, cell in zip(table.columns, cells, strict=True):
                if column.money:
                    cell.number_format = MNKR_FORMAT
            if table.green_when(row):
                for cell in cells:
                    cell.fill = green
        for index, column in enumerate(table.columns, start=1):
            width = 14 if column.money else min(60, max(12, len(column.header) + 2))
            if column.key in ("name", "explanation", "delmal", "area", "goal"):
                width = 45
            sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
