"""Internal control's loads answer bad input with a problem+json 4xx and write nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.assignments.internal_control_data import ACTIONS, FOLLOWUPS, RISKS, items, load
from tests.harness import ServiceHarness

#: (path, a valid row once the risks and actions are loaded, a number field, a period field)
LOADS = [
    ("/v1/risks", {**RISKS[0], "code": "R9"}, "probability", None),
    ("/v1/risk-actions", {**ACTIONS[0], "code": "A9"}, None, None),
    ("/v1/risk-followups", FOLLOWUPS[2], "consequence", "period"),
]


@pytest.fixture
def ready(assignments: ServiceHarness) -> ServiceHarness:
    assert load(assignments, "/v1/risks", RISKS).status_code == 200
    assert load(assignments, "/v1/risk-actions", ACTIONS).status_code == 200
    return assignments


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _raw(svc: ServiceHarness, path: str, body: bytes, content_type: str) -> Any:
    return svc.client.post(
        path, content=body, headers={**svc.auth("write"), "Content-Type": content_type}
    )


@pytest.mark.parametrize(("path", "row", "number", "period"), LOADS, ids=[p for p, *_ in LOADS])
def test_bad_input_is_a_4xx_naming_the_row_and_nothing_is_written(
    ready: ServiceHarness, path: str, row: dict[str, Any], number: str | None, period: str | None
) -> None:
    before = items(ready, path)
    answers = [
        (_raw(ready, path, b'[{"org_unit": ', "application/json"), 400, None),
        (_raw(ready, path, b"hello", "text/plain"), 415, None),
        (_raw(ready, path, b"", "application/json"), 400, None),
        (load(ready, path, [row, {**row, "colour": "green"}]), 422, (2, "colour")),
        (load(ready, path, [{**row, "org_unit": "ATLANTIS"}]), 422, (1, "org_unit")),
        (load(ready, path, _csv([{**row, "kommentar": "x"}]), csv=True), 422, None),
        (
            _raw(ready, path, _csv([row]).encode("utf-8").replace(b"H", b"\xc4"), "text/csv"),
            422,
            None,
        ),
    ]
    if number:
        bad = {**row, number: "mycket"}
        answers.append((load(ready, path, _csv([row, bad]), csv=True), 422, (2, number)))
    if period:
        answers.append((load(ready, path, [row, {**row, period: "2024-13"}]), 422, (2, period)))
    for n, (r, status, named) in enumerate(answers):
        assert r.status_code == status, (n, r.text)
        assert r.headers["content-type"] == "application/problem+json", n
        if named:
            assert r.json()["rejected"][0]["row"] == named[0], n
            assert named[1] in str(r.json()["rejected"][0]["errors"]), n
    assert items(ready, path) == before
    assert load(ready, path, [row]).status_code == 200
