"""``followup export``: the follow-up view and the overview as files someone passes on."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl

from tests.client.conftest import Suite


def test_the_view_exports_to_a_workbook_csv_and_json(suite: Suite, tmp_path: Path) -> None:
    xlsx, as_csv, as_json = tmp_path / "hsn-2024.xlsx", tmp_path / "hsn.csv", tmp_path / "hsn.json"
    done = suite.run(
        "export",
        "view",
        "HSN",
        "--period",
        "2024",
        "--xlsx",
        xlsx,
        "--csv",
        as_csv,
        "--json",
        as_json,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"wrote {xlsx}" in done.stdout

    workbook = openpyxl.load_workbook(xlsx)
    assert workbook.sheetnames == [
        "Indikatorer",
        "Områden",
        "Uppdrag",
        "Ekonomi",
        "Produktion",
        "Internkontroll",
        "Finansiella mål",
    ]
    economy = list(workbook["Ekonomi"].iter_rows(values_only=True))
    header = economy[0]
    total = next(row for row in economy if row[0] == "total")
    # HSN's 2024 result as its verksamhetsberättelse states it: +85,3 mnkr.
    assert total[header.index("Utfall resultat (mnkr)")] == 85.3
    assignments = list(workbook["Uppdrag"].iter_rows(values_only=True))
    status = assignments[0].index("Status")
    assert ("HSN2024-005", "Pågår enligt plan") in {(row[0], row[status]) for row in assignments}

    view = json.loads(as_json.read_text())
    assert view["org_unit"] == "HSN" and view["partial"] is False
    assert view["economy"]["outcome_result"] == 85_300_000

    with as_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # HSN's view has no financial-goals rows: those goals are the region's (REGION and RS).
    assert {row["section"] for row in rows} == {
        "indikator",
        "omrade",
        "uppdrag",
        "ekonomi",
        "produktion",
        "internkontroll",
    }


def test_the_overview_exports_one_sheet_of_committees(suite: Suite, tmp_path: Path) -> None:
    xlsx = tmp_path / "oversikt.xlsx"
    done = suite.run("export", "overview", "--period", "2024", "--xlsx", xlsx)
    assert done.returncode == 0, done.stdout + done.stderr
    workbook = openpyxl.load_workbook(xlsx)
    assert workbook.sheetnames == ["Nämnder"]
    codes = [row[0] for row in workbook["Nämnder"].iter_rows(min_row=2, values_only=True)]
    assert "HSN" in codes


def test_export_exit_codes(suite: Suite, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    # Nothing to write to, or a period that is none: usage (2), nothing written.
    assert suite.run("export", "view", "HSN", "--period", "2024").returncode == 2
    malformed = suite.run("export", "view", "HSN", "--period", "2024x", "--xlsx", out)
    assert malformed.returncode == 2
    assert "period" in malformed.stderr
    # A key bound to SUS may not read HSN's view: the suite refuses (3).
    refused = suite.run("export", "view", "HSN", "--period", "2024", "--xlsx", out, key="read_sus")
    assert refused.returncode == 3
    assert "403" in refused.stderr
    assert not out.exists()
