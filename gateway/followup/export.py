"""The follow-up view as flat tables: CSV for loaders, a workbook for people.

Both come from the same four tables, one per section of the view:

============  ==========  ===========================================================
section       sheet       one row per
============  ==========  ===========================================================
indikator     Indikatorer indicator evaluation (indicator × breakdown), in tree order
omrade        Områden     area verdict
uppdrag       Uppdrag     assignment, with its status as of the period's last day
ekonomi       Ekonomi     the grant, the committee's own result, each budget line, the
                          line sums (with their coverage), the figures the report states
============  ==========  ===========================================================

and after them the production, internal-control and financial-goals sections
(``gateway.followup.section_tables``: ``produktion``, ``internkontroll``,
``finansiella_mal``).

CSV (``text/csv``): ONE flat table. The first column, ``section``, says which table a row
belongs to; the other columns are the union of the four tables' columns (snake_case,
codes as the services give them), each row filling the ones of its own table. Money is
integer kronor, as everywhere in the API. An assignment no report counts for in the period
has status ``ingen_rapport`` (and ``reported`` false). An evaluation whose value covers
less than the period says which span (``coverage``) with the report's ``coverage_note``;
one rolled up from months says how many it found (``months_found`` of ``months_of``).

Workbook (xlsx): one sheet per section with Swedish headers; a met indicator (and a met
area) is filled green; money is in mnkr with one decimal (kronor / 1 000 000, rounded half
up, number format ``0.0``), every number written exactly (``gateway.followup.tables``);
coverage notes are footnotes under the Indikatorer table.

The all-committee overview has one table (one row per committee): its CSV has no
``section`` column, its workbook one sheet, Nämnder.
"""

from __future__ import annotations

from collections.abc import Iterator

from gateway.followup.assignments import ASSIGNMENT_STATUSES, MILESTONE_STATUSES, NOT_REPORTED
from gateway.followup.economy_table import ECONOMY
from gateway.followup.overview import Overview
from gateway.followup.section_tables import SECTION_TABLES
from gateway.followup.tables import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Column,
    Row,
    Table,
    csv_columns,
    mnkr,
    render_csv,
    render_xlsx,
)
from gateway.followup.tree import goal_of_area
from gateway.followup.view import FollowUpView

__all__ = [
    "CSV_MEDIA_TYPE",
    "OVERVIEW",
    "TABLES",
    "XLSX_MEDIA_TYPE",
    "csv_columns",
    "mnkr",
    "overview_csv",
    "overview_xlsx",
    "view_csv",
    "view_xlsx",
]

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
    NOT_REPORTED: "Ingen rapport",
    "green": "Grön",
    "yellow": "Gul",
    "orange": "Orange",
}


def _met(row: Row) -> bool:
    return row.get("status") == "met"


# --- the view's tables --------------------------------------------------------------------


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
                            "value_org_unit": ev.value_org_unit,
                            "coverage": ev.coverage,
                            "months_found": ev.months.found if ev.months else None,
                            "months_of": ev.months.of if ev.months else None,
                            "coverage_note": ev.coverage_note,
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
            "status": item.status_code,
            "explanation": latest.explanation,
            "period": latest.period,
            "as_of": latest.as_of,
            "status_as_of": item.status_as_of,
            "reported": item.reported,
            "carried_over": item.carried_over,
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
            Column("value_org_unit", "Värdet avser"),
            Column("coverage", "Värdet täcker"),
            Column("months_found", "Månader med värde"),
            Column("months_of", "Månader i perioden"),
            Column("coverage_note", "Not", footnote=True),
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
            Column("as_of", "Rapporten avser dag"),
            Column("status_as_of", "Status per"),
            Column("reported", "Rapporterat"),
            Column("carried_over", "Överfört från tidigare år"),
        ),
        _assignment_rows,
    ),
    ECONOMY,
    *SECTION_TABLES,
)


# --- the overview ---------------------------------------------------------------------------


def _overview_rows(overview: Overview) -> Iterator[Row]:
    statuses = (*ASSIGNMENT_STATUSES, NOT_REPORTED, *MILESTONE_STATUSES)
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
            **{status: counts.get(status) for status in statuses},
            "grant": economy.grant if economy else None,
            "outcome_result": economy.outcome_result if economy else None,
            "deviation": economy.deviation if economy else None,
            "forecast_result": economy.forecast_result if economy else None,
            "missing": (", ".join(economy.missing) or None) if economy else None,
            "internal_control_followed_up": row.internal_control_followed_up,
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
            Column(NOT_REPORTED, "Uppdrag utan rapport"),
            Column("green", "Milstolpar gröna"),
            Column("yellow", "Milstolpar gula"),
            Column("orange", "Milstolpar orange"),
            Column("grant", "Regionbidrag (mnkr)", money=True),
            Column("outcome_result", "Utfall resultat (mnkr)", money=True),
            Column("deviation", "Avvikelse mot budget (mnkr)", money=True),
            Column("forecast_result", "Prognos resultat (mnkr)", money=True),
            Column("missing", "Ej redovisat"),
            Column("internal_control_followed_up", "Internkontroll uppföljd i halvåret"),
            Column("partial", "Ofullständig"),
        ),
        _overview_rows,
    ),
)


def view_csv(view: FollowUpView) -> bytes:
    return render_csv(view, TABLES)


def view_xlsx(view: FollowUpView) -> bytes:
    return render_xlsx(view, TABLES, STATUS_SV)


def overview_csv(overview: Overview) -> bytes:
    return render_csv(overview, OVERVIEW)


def overview_xlsx(overview: Overview) -> bytes:
    return render_xlsx(overview, OVERVIEW, STATUS_SV)
