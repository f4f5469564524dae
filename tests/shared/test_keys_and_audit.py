"""API keys: hashed, scoped, bound to org units; every write lands in the audit trail."""

from typing import Any

import pytest
import sqlalchemy as sa

from shared.keys import expand_scopes, generate_key, hash_secret
from tests.shared.conftest import Sample
from tests.shared.sample.app import SPEC


def test_a_read_without_a_key_is_401(sample: Sample) -> None:
    r = sample.client.get("/v1/things")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_an_unknown_key_is_401(sample: Sample) -> None:
    fake = generate_key().token
    assert (
        sample.client.get("/v1/things", headers={"Authorization": f"Bearer {fake}"}).status_code
        == 401
    )


def test_a_read_key_cannot_write(sample: Sample) -> None:
    r = sample.client.delete("/v1/things/A", headers=sample.auth("read"))
    assert r.status_code == 403


def test_a_key_bound_to_sus_cannot_load_for_another_committee(sample: Sample) -> None:
    r = sample.client.post(
        "/v1/things",
        json=[{"code": "A", "org_unit": "PVN", "amount": 1}],
        headers=sample.auth("write", "SUS"),
    )
    assert r.status_code == 403
    assert sample.client.get("/v1/things", headers=sample.auth("read")).json()["items"] == []


def test_a_key_bound_to_sus_can_load_for_sus(sample: Sample) -> None:
    r = sample.client.post(
        "/v1/things",
        json=[{"code": "A", "org_unit": "SUS", "amount": 1}],
        headers=sample.auth("write", "SUS"),
    )
    assert r.status_code == 200


def test_keys_are_stored_hashed(sample: Sample) -> None:
    headers = sample.auth("read")
    token = headers["Authorization"].removeprefix("Bearer ")
    secret = token.split("_", 2)[2]
    with sample.engine.connect() as conn:
        stored = conn.execute(sa.select(SPEC.infrastructure.api_key.c.secret_hash)).scalars().all()
    assert secret not in stored
    assert hash_secret(secret) in stored


def test_admin_includes_write_and_read() -> None:
    assert expand_scopes(["admin"]) == {"read", "write", "admin"}


def test_a_revoked_key_is_refused(sample: Sample) -> None:
    headers = sample.auth("read")
    key_id = headers["Authorization"].split("_")[1]
    table = SPEC.infrastructure.api_key
    with sample.engine.begin() as conn:
        conn.execute(sa.update(table).where(table.c.id == key_id).values(revoked_at=sa.func.now()))
    assert sample.client.get("/v1/things", headers=headers).status_code == 401


def test_every_write_is_in_the_audit_trail_with_who_and_what(sample: Sample) -> None:
    writer = sample.auth("write")
    sample.client.post(
        "/v1/things", json=[{"code": "A", "org_unit": "SUS", "amount": 1}], headers=writer
    )
    sample.client.delete("/v1/things/A", headers=writer)
    entries = sample.client.get("/v1/audit", headers=sample.auth("admin")).json()["items"]
    key_id = writer["Authorization"].split("_")[1]
    assert [(e["action"], e["key_id"]) for e in entries] == [("load", key_id), ("delete", key_id)]
    assert entries[1]["resource_id"] == "A"


def test_the_audit_trail_is_for_admins_only(sample: Sample) -> None:
    assert sample.client.get("/v1/audit", headers=sample.auth("write")).status_code == 403


def _refusals(sample: Sample) -> list[dict[str, Any]]:
    entries = sample.client.get("/v1/audit", headers=sample.auth("admin")).json()["items"]
    return [e for e in entries if e["action"] == "refused"]


def test_a_write_without_a_key_is_audited_as_anonymous_without_its_body(sample: Sample) -> None:
    secret_row = {"code": "HEMLIG-RAD", "org_unit": "SUS", "amount": 1}
    r = sample.client.post("/v1/things", json=[secret_row])
    assert r.status_code == 401
    sample.client.get("/v1/things")  # a refused read is not a refused write
    (entry,) = _refusals(sample)
    assert entry["key_id"] == "anonymous"
    assert entry["resource"] == "things"
    assert entry["resource_id"] == "/v1/things"
    assert entry["change"] == {
        "method": "POST",
        "path": "/v1/things",
        "status": 401,
        "reason": "A valid API key is required.",
    }
    assert entry["at"]
    assert "HEMLIG" not in str(entry)


def test_a_write_refused_for_its_scope_or_org_unit_is_audited_with_the_key(
    sample: Sample,
) -> None:
    reader, sus = sample.auth("read"), sample.auth("write", "SUS")
    assert sample.client.delete("/v1/things/A", headers=reader).status_code == 403
    r = sample.client.post(
        "/v1/things", json=[{"code": "A", "org_unit": "PVN", "amount": 1}], headers=sus
    )
    assert r.status_code == 403
    bad_key = {"Authorization": f"Bearer {generate_key().token}"}
    assert sample.client.delete("/v1/things/A", headers=bad_key).status_code == 401
    refused = _refusals(sample)
    key_of = {
        h["Authorization"].split("_")[1]: name for name, h in [("read", reader), ("sus", sus)]
    }
    assert [(key_of.get(e["key_id"], e["key_id"]), e["change"]["method"]) for e in refused] == [
        ("read", "DELETE"),
        ("sus", "POST"),
        ("anonymous", "DELETE"),
    ]
    assert "PVN" in refused[1]["change"]["reason"]


def test_the_audit_trail_needs_an_admin_key_not_bound_to_org_units(sample: Sample) -> None:
    assert sample.client.get("/v1/audit", headers=sample.auth("admin", "SUS")).status_code == 403
    assert sample.client.get("/v1/audit", headers=sample.auth("admin")).status_code == 200


@pytest.mark.parametrize("since", ["0.5", "1700000000", "2024-08-01", "yesterday", ""])
def test_since_is_rfc_3339_text_only(sample: Sample, since: str) -> None:
    r = sample.client.get(f"/v1/audit?since={since}", headers=sample.auth("admin"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["query", "since"]


def test_since_takes_any_offset(sample: Sample) -> None:
    r = sample.client.get(
        "/v1/audit", params={"since": "2024-08-01T02:00:00+02:00"}, headers=sample.auth("admin")
    )
    assert r.status_code == 200


def test_a_write_refused_inside_its_transaction_is_audited_too(sample: Sample) -> None:
    writer, sus = sample.auth("write"), sample.auth("write", "SUS")
    sample.client.post(
        "/v1/things", json=[{"code": "P", "org_unit": "PVN", "amount": 1}], headers=writer
    )
    # The delete takes the change-feed lock and reads the row before it finds PVN's.
    assert sample.client.delete("/v1/things/P", headers=sus).status_code == 403
    (entry,) = _refusals(sample)
    assert entry["key_id"] == sus["Authorization"].split("_")[1]
    assert entry["change"]["method"] == "DELETE"
    assert sample.client.get("/v1/things", headers=writer).json()["items"][0]["code"] == "P"
