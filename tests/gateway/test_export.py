"""The view as CSV and as a workbook (rendering only; the HTTP side is in test_followup_view)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from gateway.followup.export import TABLES, csv_columns, mnkr, view_csv, view_xlsx
from gateway.followup.sources import IndicatorFigures, Section, Sources
from gateway.followup.view import FollowUpView, assemble_view
from shared.periods import Period
from tests.gateway.test_view_assembly import (
    G1_A1,
    G1_A1_D1,
    G2_A1,
    G2_A1_D1,
    area_evaluation,
    assignment,
    evaluation,
    report,
    summary,
)


def sample_view() -> FollowUpView:
    return assemble_view(
        "HSN",
        Period.parse("2024"),
        "REGION",
        Sources(
            Section(
                "ok",
                IndicatorFigures(
                    [
                        evaluation("ID0288", None, G1_A1, G1_A1_D1, status="met", value=82.5),
                        evaluation("ID0700", None, G2_A1, G2_A1_D1, status="not_met"),
                    ],
                    [area_evaluation(G1_A1, 1, 1, "met", share=1.0)],
                ),
            ),
            Section(
                "ok",
                [
                    assignment(
                        "UP2023-010",
                        G2_A1,
                        title="Korta köerna",
                        latest_status="avvikelse",
                        latest_report=report("avvikelse", "Brist på personal"),
                    )
                ],
            ),
            Section(
                "ok",
                summary(
                    grant=15_428_700_000,
                    budget_result=0,
                    outcome_result=85_300_000,
                    deviation=85_300_000,
                    forecast_result=None,
                    lines=[
                        {
                            "line": "tandvard",
                            "label": "Tandvård",
                            "counterparty": "external",
                            "budget": {
                                "revenue": 0,
                                "cost": 1_000_000_000,
                                "result": -1_000_000_000,
                            },
                            "budget_result": -1_000_000_000,
                            "outcome": {
                                "revenue": 0,
                                "cost": 1_161_250_000,
                                "result": -1_161_250_000,
                            },
                            "outcome_result": -1_161_250_000,
                            "budget_result_to_date": -1_000_000_000,
                            "deviation": -161_250_000,
                            "forecast_result": None,
                            "forecast_deviation": None,
                            "meets_budget_rule": False,
                        }
                    ],
                ),
            ),
        ),
    )


def test_mnkr_rounds_half_up_to_one_decimal() -> None:
    assert mnkr(15_428_700_000) == Decimal("15428.7")
    assert mnkr(1_250_000) == Decimal("1.3")  # half up, not to even
    assert mnkr(-161_250_000) == Decimal("-161.3")
    assert mnkr(49_999) == Decimal("0.0")
    assert mnkr(None) is None


def test_csv_is_one_flat_table_with_a_section_column() -> None:
    rows = list(csv.DictReader(io.StringIO(view_csv(sample_view()).decode())))
    assert list(rows[0]) == csv_columns(TABLES)
    assert [r["section"] for r in rows] == [
        "indikator",
        "indikator",
        "omrade",
        "uppdrag",
        "ekonomi",
        "ekonomi",
        "ekonomi",
    ]
    met = rows[0]
    assert (met["code"], met["status"], met["value"], met["target"]) == (
        "ID0288",
        "met",
        "82.5",
        "≥80%",
    )
    assert rows[3]["explanation"] == "Brist på personal"
    grant = rows[4]
    assert (grant["code"], grant["amount"]) == ("grant", "15428700000")  # kronor, as in the API
    assert rows[6]["deviation"] == "-161250000"


def test_workbook_has_a_sheet_per_section_with_swedish_headers() -> None:
    book = load_workbook(io.BytesIO(view_xlsx(sample_view())))
    assert book.sheetnames == [
        "Indikatorer",
        "Områden",
        "Uppdrag",
        "Ekonomi",
        "Produktion",
        "Internkontroll",
        "Finansiella mål",
    ]
    indikatorer = book["Indikatorer"]
    headers = [c.value for c in indikatorer[1]]
    assert headers[:5] == ["Övergripande mål", "Område", "Delmål", "Indikator", "Namn"]
    assert "Bedömning" in headers and "Målnivå" in headers
    status = headers.index("Bedömning")
    assert [r[status].value for r in indikatorer.iter_rows(min_row=2)] == [
        "Uppfyllt",
        "Ej uppfyllt",
    ]
    assert book["Uppdrag"]["H2"].value == "Avvikelse"


def test_met_indicators_are_green_and_others_not() -> None:
    sheet = load_workbook(io.BytesIO(view_xlsx(sample_view())))["Indikatorer"]
    met, not_met = sheet[2], sheet[3]
    assert all(c.fill.fgColor.rgb.endswith("C6EFCE") for c in met)
    assert not any((c.fill.fgColor.rgb or "").endswith("C6EFCE") for c in not_met)


def test_money_is_mnkr_with_one_decimal_in_the_workbook() -> None:
    sheet = load_workbook(io.BytesIO(view_xlsx(sample_view())))["Ekonomi"]
    headers = [c.value for c in sheet[1]]
    amount, deviation = headers.index("Belopp (mnkr)"), headers.index("Avvikelse (mnkr)")
    grant = sheet[2][amount]
    assert grant.value == 15428.7
    assert grant.number_format == "0.0"
    assert sheet[2][0].value == "grant" and sheet[2][1].value == "Regionbidrag"
    assert sheet[4][deviation].value == -161.3
    assert sheet[4][deviation].number_format == "0.0"
