"""``followup due`` against a suite without the route, and ``followup keys`` (the suite's
own admin command line, on the running suite's stores)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.client.conftest import HEADER_ROW, Suite


def test_due_on_a_suite_without_the_route_is_exit_3_saying_so(suite: Suite) -> None:
    # Asked of an app that has no calendar route (the indicators service's own URL: the
    # calendar, when it comes, is the gateway's), as an older suite would answer: 404.
    without = suite.stack.services["indicators"].base_url
    due = ("--url", without, "due", "--org-unit", "HSN", "--as-of", "2024-08-31")
    done = suite.run(*due)
    assert done.returncode == 3
    assert f"the suite at {without} does not serve GET /v1/due" in done.stderr
    as_json = suite.run(*due, "--json")
    assert as_json.returncode == 3
    assert json.loads(as_json.stdout)["error"]["status"] == 404
    assert suite.run("due", "--org-unit", "HSN", "--as-of", "31/8").returncode == 2


def test_keys_are_made_listed_and_revoked_in_the_suites_stores(
    suite: Suite, tmp_path: Path
) -> None:
    stores = suite.store_env()
    made = suite.run(
        "keys",
        "create",
        "--name",
        "SUS rapportering",
        "--scope",
        "write",
        "--org-unit",
        "SUS",
        "--json",
        env=stores,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    key = json.loads(made.stdout)
    assert key["org_units"] == ["SUS"]

    # The new token works at once for what it was made for, and only for that.
    rows = tmp_path / "sus.csv"
    rows.write_text(HEADER_ROW + "\nID0069,SUS,2013-01,total,90,,,final\n")
    as_new_key = {"FOLLOWUP_KEY": key["token"]}
    assert suite.run("load", "results", rows, env=as_new_key).returncode == 0
    rows.write_text(HEADER_ROW + "\nID0069,YSTAD,2013-01,total,90,,,final\n")
    assert suite.run("load", "results", rows, env=as_new_key).returncode == 3

    listed = suite.run("keys", "list", "--json", env=stores)
    assert listed.returncode == 0, listed.stderr
    mine = next(k for k in json.loads(listed.stdout)["items"] if k["id"] == key["id"])
    assert (mine["name"], mine["state"]) == ("SUS rapportering", "active")

    # A key revoked before it is used answers 401: the command exits 3.
    spare = json.loads(
        suite.run(
            "keys", "create", "--name", "spare", "--scope", "read", "--json", env=stores
        ).stdout
    )
    assert suite.run("keys", "revoke", spare["id"], env=stores).returncode == 0
    refused = suite.run(
        "export",
        "view",
        "HSN",
        "--period",
        "2024",
        "--json",
        tmp_path / "v.json",
        env={"FOLLOWUP_KEY": spare["token"]},
    )
    assert refused.returncode == 3
    assert "401" in refused.stderr
    listed = json.loads(suite.run("keys", "list", "--json", env=stores).stdout)["items"]
    assert next(k for k in listed if k["id"] == spare["id"])["state"] == "revoked"

    unknown = suite.run(
        "keys", "create", "--name", "x", "--scope", "read", "--org-unit", "NOWHERE", env=stores
    )
    assert unknown.returncode == 2
    assert "NOWHERE" in unknown.stderr
