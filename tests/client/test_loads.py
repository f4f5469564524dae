"""``followup load``: big loads with a progress bar, bad rows named, both CSV forms and JSON,
dry runs, idempotent repeats; exit codes 0, 1 and 3."""

from __future__ import annotations

import json
import re
from pathlib import Path

from followup.client import Client
from tests.client.conftest import HEADER_ROW, Suite

#: Hospital boards and two committees that report waiting times (ID0069 first visits and
#: ID0070 operations within 90 days, percent), per clinic and month: 100 000 rows.
UNITS = (
    "SUS",
    "LANDSKRONA",
    "TRELLEBORG",
    "HELSINGBORG",
    "KRISTIANSTAD",
    "YSTAD",
    "ANGELHOLM",
    "HASSLEHOLM",
    "PVN",
    "PHHN",
)
INDICATORS = ("ID0069", "ID0070")
MONTHS = tuple(f"{2016 + (8 + m) // 12}-{(8 + m) % 12 + 1:02d}" for m in range(100))
CLINICS = tuple(f"klinik_{n:02d}" for n in range(1, 51))
HEADER = HEADER_ROW


def big_csv(path: Path) -> int:
    """The 100 000-row file in the API form; its row count."""
    rows = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        for indicator in INDICATORS:
            for unit in UNITS:
                for month in MONTHS:
                    for n, clinic in enumerate(CLINICS):
                        value = 60 + (rows * 7 + n) % 400 / 10
                        handle.write(f"{indicator},{unit},{month},{clinic},{value:.1f},,,final\n")
                        rows += 1
    return rows


def counts(stdout: str) -> list[int]:
    """The inserted, updated, unchanged and rejected counts of the load table."""
    line = next(line for line in stdout.splitlines() if re.search(r"\d.*│.*\d", line))
    return [int(cell.strip().replace(",", "")) for cell in line.strip("│ ").split("│")]


def test_a_100_000_row_load_shows_progress_and_ends_with_its_counts(
    suite: Suite, tmp_path: Path, admin: Client
) -> None:
    path = tmp_path / "waiting-times.csv"
    assert big_csv(path) == 100_000

    first = suite.run("load", "results", path, "--progress")
    assert first.returncode == 0, first.stderr
    assert counts(first.stdout) == [100_000, 0, 0, 0]
    # The bar reached every row and said how fast they went.
    assert "100,000/100,000 rows" in first.stderr
    assert re.search(r"[\d,]+ rows/s", first.stderr), first.stderr
    stored = list(admin.results(indicator="ID0070", org_unit="YSTAD", breakdown="klinik_50"))
    assert len(stored) == len(MONTHS)

    # The same file again (an interrupted load run again): nothing changes.
    again = suite.run("load", "results", path, "--json")
    assert again.returncode == 0, again.stderr
    answer = json.loads(again.stdout)
    assert (answer["inserted"], answer["updated"], answer["unchanged"]) == (0, 0, 100_000)
    assert answer["rejected"] == []


def test_bad_rows_end_with_exit_1_and_a_table_naming_each_row_and_field(
    suite: Suite, tmp_path: Path, admin: Client
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER + "\n"
        "ID0069,SUS,2015-05,total,91.5,,,final\n"
        "ID9999,SUS,2015-05,total,91.5,,,final\n"
        "ID0069,NOWHERE,2015-05,total,91.5,,,final\n"
        "ID0069,SUS,2015-05,total,,,,final\n"
        "ID0069,SUS,2015-13,total,90,,,final\n"
    )
    atomic = suite.run("load", "results", path)
    assert atomic.returncode == 1, atomic.stdout + atomic.stderr
    assert counts(atomic.stdout) == [0, 0, 0, 4]
    table = atomic.stdout[atomic.stdout.index("Rejected rows") :]
    for row, field in (("2", "indicator"), ("3", "org_unit"), ("4", "value"), ("5", "period")):
        assert re.search(rf"│\s+{row} │ {field}\s", table), (row, field, table)
    assert "ID9999" in table
    assert "nothing written" in atomic.stdout
    assert not list(admin.results("ID0069", "SUS", "2015-05", "total"))

    partial = suite.run("load", "results", path, "--partial", "--json")
    assert partial.returncode == 1
    answer = json.loads(partial.stdout)
    assert answer["inserted"] == 1
    assert [r["row"] for r in answer["rejected"]] == [2, 3, 4, 5]
    assert answer["rejected"][0]["errors"][0]["loc"] == ["indicator"]
    [stored] = admin.results("ID0069", "SUS", "2015-05", "total")
    assert stored["value"] == 91.5


def test_the_swedish_excel_form_and_json_load_and_a_dry_run_writes_nothing(
    suite: Suite, tmp_path: Path, admin: Client
) -> None:
    excel = tmp_path / "resultat.csv"
    excel.write_bytes(
        "\ufeffindicator;org_unit;period;breakdown;value;numerator;denominator;status\r\n"
        "ID0069;HELSINGBORG;2015-03;total;88,4;;;final\r\n"
        "ID0070;HELSINGBORG;2015-03;total;79,5;;;final\r\n".encode()
    )
    dry = suite.run("load", "results", excel, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["inserted"] == 2
    assert json.loads(dry.stdout)["dry_run"] is True
    assert not list(admin.results(org_unit="HELSINGBORG", period="2015-03"))

    loaded = suite.run("load", "results", excel)
    assert loaded.returncode == 0, loaded.stderr
    assert counts(loaded.stdout) == [2, 0, 0, 0]
    values = {
        r["indicator"]: r["value"] for r in admin.results(org_unit="HELSINGBORG", period="2015-03")
    }
    assert values == {"ID0069": 88.4, "ID0070": 79.5}

    rows = [
        {"indicator": "ID0069", "org_unit": "HELSINGBORG", "period": "2015-03", "value": 88.9},
        {"indicator": "ID0069", "org_unit": "HELSINGBORG", "period": "2015-04", "value": 87.0},
    ]
    as_json = tmp_path / "resultat.json"
    as_json.write_text(json.dumps(rows))
    loaded = suite.run("load", "results", as_json, "--json")
    assert loaded.returncode == 0, loaded.stderr
    answer = json.loads(loaded.stdout)
    assert (answer["inserted"], answer["updated"]) == (1, 1)


def test_a_cp1252_file_is_sent_as_utf8(suite: Suite, tmp_path: Path, admin: Client) -> None:
    path = tmp_path / "excel-ansi.csv"
    path.write_bytes(
        (
            "indicator;org_unit;period;breakdown;value;numerator;denominator;status\r\n"
            "ID0069;YSTAD;2015-02;total;77,7;;;final\r\n"
        ).encode("cp1252")
    )
    loaded = suite.run("load", "results", path, "--encoding", "cp1252")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    [stored] = admin.results(org_unit="YSTAD", period="2015-02", breakdown="total")
    assert stored["value"] == 77.7


def test_outcomes_forecasts_and_reports_load(suite: Suite, tmp_path: Path, admin: Client) -> None:
    line = next(iter(admin.budget_lines(org_unit="HSN", year=2024)))["line"]
    outcomes = tmp_path / "utfall.csv"
    outcomes.write_text(
        "org_unit,line,month,revenue,cost\n"
        f"HSN,{line},2024-11,1000000,2500000\n"
        f"HSN,{line},2024-12,1000000,2600000\n"
    )
    loaded = suite.run("load", "outcomes", outcomes, "--json")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert json.loads(loaded.stdout)["inserted"] + json.loads(loaded.stdout)["updated"] == 2

    forecasts = tmp_path / "prognos.json"
    forecasts.write_text(
        json.dumps(
            [{"org_unit": "HSN", "line": line, "made_in": "2024-10", "revenue": 1, "cost": 3}]
        )
    )
    assert suite.run("load", "forecasts", forecasts).returncode == 0

    # Money is whole kronor: 12,5 is rejected, naming the row and field.
    bad = tmp_path / "utfall-fel.csv"
    bad.write_text(f"org_unit;line;month;revenue;cost\nHSN;{line};2024-10;12,5;10\n")
    refused = suite.run("load", "outcomes", bad)
    assert refused.returncode == 1
    assert re.search(r"│\s+1 │ revenue\s", refused.stdout), refused.stdout

    assignment = next(iter(admin.assignments(org_unit="HSN", year=2024)))
    reports = tmp_path / "rapporter.csv"
    reports.write_text(
        "assignment_id,org_unit,period,status,explanation,as_of\n"
        f"{assignment['id']},HSN,2024,pagar_enligt_plan,,2024-06-30\n"
    )
    first = suite.run("load", "reports", reports, "--json")
    assert first.returncode == 0, first.stdout + first.stderr
    second = suite.run("load", "reports", reports, "--json")
    assert json.loads(second.stdout)["unchanged"] == 1


def test_a_key_bound_to_another_unit_or_no_key_is_exit_3(suite: Suite, tmp_path: Path) -> None:
    path = tmp_path / "pvn.csv"
    path.write_text(HEADER + "\nID0069,PVN,2015-01,total,90,,,final\n")
    forbidden = suite.run("load", "results", path, key="write_sus")
    assert forbidden.returncode == 3
    assert "403" in forbidden.stderr

    no_key = suite.run("load", "results", path, key=None)
    assert no_key.returncode == 3
    assert "401" in no_key.stderr and "FOLLOWUP_KEY" in no_key.stderr


def test_the_suite_unreachable_is_exit_3(suite: Suite, tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text(HEADER + "\nID0069,SUS,2015-01,total,90,,,final\n")
    closed = suite.run("--url", "http://127.0.0.1:9", "--retries", "0", "load", "results", path)
    assert closed.returncode == 3
    assert "did not answer" in closed.stderr


def test_usage_errors_are_exit_2(suite: Suite, tmp_path: Path) -> None:
    assert suite.run("load", "results", tmp_path / "missing.csv").returncode == 2
    assert suite.run("load", "nothing", tmp_path / "missing.csv").returncode == 2
