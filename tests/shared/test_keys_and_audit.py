"""API keys: hashed, scoped, bound to org units; every write lands in the audit trail."""

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
