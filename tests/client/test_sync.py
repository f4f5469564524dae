"""``followup sync``: each run writes only what changed since the last one, deletions as
tombstones, from the change feed, remembering where it got to in a state file."""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path
from typing import Any

from followup.client import Client
from followup.sync import has_parquet
from tests.client.conftest import Suite


def read_csv(path: str) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sync(suite: Suite, resource: str, state: Path, out: Path) -> dict[str, Any]:
    done = suite.run("sync", resource, "--state", state, "--out", out, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    run: dict[str, Any] = json.loads(done.stdout)
    return run


def test_a_second_sync_writes_only_the_rows_changed_since_the_first(
    suite: Suite, tmp_path: Path, admin: Client
) -> None:
    state, out = tmp_path / "state.json", tmp_path / "changes"
    admin.load_results(
        [
            {
                "indicator": "ID0069",
                "org_unit": "KRISTIANSTAD",
                "period": f"2014-0{m}",
                "value": 80 + m,
            }
            for m in range(1, 6)
        ]
    )
    first = sync(suite, "results", state, out)
    assert first["after_seq_before"] == 0
    assert first["changed"] > 0
    everything = read_csv(first["csv"])
    assert len(everything) == first["changed"] + first["deleted"]
    saved = json.loads(state.read_text())["feeds"]["results"]["after_seq"]
    assert saved == first["after_seq"] == max(int(r["change_seq"]) for r in everything)

    # Between the runs: two values change, one row is new, one is deleted, one is sent
    # again unchanged (no change, so not in the next file).
    admin.load_results(
        [
            {"indicator": "ID0069", "org_unit": "KRISTIANSTAD", "period": "2014-01", "value": 70},
            {"indicator": "ID0069", "org_unit": "KRISTIANSTAD", "period": "2014-02", "value": 71},
            {"indicator": "ID0069", "org_unit": "KRISTIANSTAD", "period": "2014-06", "value": 86},
            {"indicator": "ID0069", "org_unit": "KRISTIANSTAD", "period": "2014-03", "value": 83},
        ]
    )
    [gone] = admin.results("ID0069", "KRISTIANSTAD", "2014-05", "total")
    assert admin.delete_result(gone["id"]) == 1

    second = sync(suite, "results", state, out)
    assert second["after_seq_before"] == first["after_seq"]
    assert (second["changed"], second["deleted"]) == (3, 1)
    assert second["csv"] != first["csv"]
    rows = read_csv(second["csv"])
    changed = {r["period"]: r["value"] for r in rows if r["deleted"] == "false"}
    assert changed == {"2014-01": "70", "2014-02": "71", "2014-06": "86"}
    [tombstone] = [r for r in rows if r["deleted"] == "true"]
    assert tombstone["id"] == str(gone["id"])
    assert int(tombstone["change_seq"]) == second["after_seq"]  # the last change of all
    assert json.loads(state.read_text())["feeds"]["results"]["after_seq"] == second["after_seq"]

    if has_parquet():
        parquet: Any = importlib.import_module("pyarrow.parquet")
        table = parquet.read_table(second["parquet"]).to_pylist()
        assert len(table) == 4
        assert sorted(r["deleted"] for r in table) == [False, False, False, True]
        assert {r["period"]: r["value"] for r in table if not r["deleted"]}["2014-06"] == 86.0
    else:
        assert second["parquet"] is None

    # Nothing changed since: a third run writes no file and the state stays.
    third = sync(suite, "results", state, out)
    assert (third["changed"], third["deleted"], third["csv"]) == (0, 0, None)
    assert third["after_seq"] == second["after_seq"]
    assert len(list(out.glob("results-*.csv"))) == 2


def test_reports_sync_from_their_own_feed(suite: Suite, tmp_path: Path, admin: Client) -> None:
    state, out = tmp_path / "state.json", tmp_path / "changes"
    first = sync(suite, "reports", state, out)
    assignment = next(iter(admin.assignments(org_unit="HSN", year=2024)))
    report = {
        "org_unit": "HSN",
        "period": "2024-Q1",
        "status": "avvikelse",
        "explanation": "Försenad upphandling.",
        "as_of": "2024-03-31",
    }
    admin.report(assignment["id"], report)
    second = sync(suite, "reports", state, out)
    assert second["after_seq_before"] == first["after_seq"]
    [row] = read_csv(second["csv"])
    assert (row["assignment_id"], row["status"], row["deleted"]) == (
        assignment["id"],
        "avvikelse",
        "false",
    )
    # One state file holds every feed.
    feeds = json.loads(state.read_text())["feeds"]
    assert set(feeds) == {"reports"}
    sync(suite, "outcomes", state, out)
    assert set(json.loads(state.read_text())["feeds"]) == {"reports", "outcomes"}
