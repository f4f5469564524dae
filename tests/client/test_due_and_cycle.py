"""``followup due`` against the suite's ``GET /v1/due``, and the client's calls of the
follow-up cycle (the calendar, a decision and its archived report)."""

from __future__ import annotations

import hashlib
import json

from tests.client.conftest import Suite


def test_due_lists_what_hsn_lacks_as_of_mid_september(suite: Suite) -> None:
    done = suite.run("due", "--org-unit", "HSN", "--as-of", "2024-09-15", "--json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)["items"]
    # No forecasts ship with the suite: the rounds of March and May are late.
    late_rounds = {
        i["occasion_id"] for i in items if i["kind"] == "forecast" and i["state"] == "late"
    }
    assert late_rounds == {"2024-03", "2024-05"}
    table = suite.run("due", "--org-unit", "HSN", "--as-of", "2024-09-15")
    assert table.returncode == 0, table.stderr
    assert "due for HSN as of 2024-09-15" in table.stdout
    assert "late" in table.stdout
    refused = suite.run("due", "--org-unit", "HSN", "--as-of", "2024-09-15", key="read_sus")
    assert refused.returncode == 3


def test_the_client_reads_the_calendar_and_records_a_decision(suite: Suite) -> None:
    with suite.client("admin") as client:
        calendar = client.calendar(2024)
        occasion = next(o for o in calendar["occasions"] if o["id"] == "2024-delar")
        assert occasion["period"] == "2024-01/2024-08"
        decided = client.decide(
            "KN", "kn-2023-vb", "2023", "2024-02-15", "Kulturnämnden", "KN § 9/2024"
        )
        assert decided["state"] == "decided"
        again = client.decide(
            "KN", "kn-2023-vb", "2023", "2024-02-15", "Kulturnämnden", "KN § 9/2024"
        )
        assert again["report"] == decided["report"]
        assert [d["decision_id"] for d in client.decisions("KN", "2023")] == ["kn-2023-vb"]
        report = client.decision_report("KN", "kn-2023-vb", "xlsx")
        assert hashlib.sha256(report).hexdigest() == decided["report"]["xlsx_sha256"]
        reopened = client.reopen("KN", "kn-2023-vb", "Fel period")
        assert reopened["state"] == "reopened"
