"""Internal control data the tests make (the seeds state the rules, not a committee's risks).

HSN's 2024 risk analysis: three risks, three control actions, and the follow-up with the
verksamhetsberättelse per August (made 2024-09-15): one action done, one with a
deviation, and risk R2 reassessed from 2 × 2 to 4 × 4.
"""

from __future__ import annotations

from typing import Any

from tests.harness import ServiceHarness

RISKS: list[dict[str, Any]] = [
    {
        "org_unit": "HSN",
        "year": 2024,
        "code": "R1",
        "description": "Vårdavtal följs inte upp enligt plan.",
        "process": "Avtalsuppföljning",
        "probability": 3,
        "consequence": 4,
        "owner": "Avdelningschef",
    },
    {
        "org_unit": "HSN",
        "year": 2024,
        "code": "R2",
        "description": "Fakturor attesteras utan underlag.",
        "process": "Attest",
        "probability": 2,
        "consequence": 2,
        "owner": "Ekonomichef",
    },
    {
        "org_unit": "HSN",
        "year": 2024,
        "code": "R3",
        "description": "Beslut delegeras utan återrapportering.",
        "probability": 3,
        "consequence": 3,
    },
]
ACTIONS: list[dict[str, Any]] = [
    {
        "org_unit": "HSN",
        "year": 2024,
        "risk": "R1",
        "code": "A1",
        "what": "Stickprov på tio avtal.",
        "who": "Controller",
        "deadline": "2024-06-30",
    },
    {
        "org_unit": "HSN",
        "year": 2024,
        "risk": "R1",
        "code": "A2",
        "what": "Uppföljningsplan för samtliga avtal.",
        "who": "Avdelningschef",
        "deadline": "2024-12-31",
    },
    {
        "org_unit": "HSN",
        "year": 2024,
        "risk": "R3",
        "code": "A1",
        "what": "Granska delegationsbeslut.",
        "who": "Nämndsekreterare",
        "deadline": "2024-03-31",
    },
]
AUGUST = "2024-01/2024-08"
FOLLOWUPS: list[dict[str, Any]] = [
    {
        "org_unit": "HSN",
        "period": AUGUST,
        "risk": "R1",
        "action": "A1",
        "state": "done",
        "followed_up_on": "2024-09-15",
    },
    {
        "org_unit": "HSN",
        "period": AUGUST,
        "risk": "R3",
        "action": "A1",
        "state": "deviation",
        "comment": "Granskningen är försenad.",
        "followed_up_on": "2024-09-15",
    },
    {
        "org_unit": "HSN",
        "period": AUGUST,
        "risk": "R2",
        "probability": 4,
        "consequence": 4,
        "comment": "Fler fakturor utan underlag än väntat.",
        "followed_up_on": "2024-09-15",
    },
]


def load(
    svc: ServiceHarness,
    path: str,
    body: Any,
    query: str = "",
    headers: dict[str, str] | None = None,
    csv: bool = False,
) -> Any:
    """POST a load (JSON, or CSV text) with a write key unless ``headers`` are given."""
    h = headers or svc.auth("write")
    if csv:
        return svc.client.post(
            f"{path}{query}", content=body.encode(), headers={**h, "Content-Type": "text/csv"}
        )
    return svc.client.post(f"{path}{query}", json=body, headers=h)


def items(svc: ServiceHarness, path: str, *units: str) -> list[dict[str, Any]]:
    """Every item of a listing (one page, up to 10 000), read with a read key."""
    sep = "&" if "?" in path else "?"
    r = svc.client.get(f"{path}{sep}limit=10000", headers=svc.auth("read", *units))
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["items"]
    return found


def load_all(svc: ServiceHarness) -> None:
    """HSN's risk analysis decision, risks, actions and August follow-up."""
    r = svc.client.put(
        "/v1/risk-analyses/HSN/2024",
        json={"decided_on": "2023-12-14", "decision": "HSN § 210 2023-12-14"},
        headers=svc.auth("write"),
    )
    assert r.status_code == 201, r.text
    for path, rows in (
        ("/v1/risks", RISKS),
        ("/v1/risk-actions", ACTIONS),
        ("/v1/risk-followups", FOLLOWUPS),
    ):
        r = load(svc, path, rows)
        assert r.status_code == 200, r.text
        assert r.json()["inserted"] == len(rows), r.text
