"""Keyset paging, the change feed with tombstones, CSV streaming and atomic loads."""

import base64

import pytest

from shared.paging import encode_cursor
from tests.shared.conftest import Sample


def _load(sample: Sample, rows: list[dict[str, object]], mode: str = "atomic") -> dict[str, object]:
    r = sample.client.post(f"/v1/things?mode={mode}", json=rows, headers=sample.auth("write"))
    return {"status": r.status_code, **r.json()}


def _things(n: int) -> list[dict[str, object]]:
    return [{"code": f"T{i:03d}", "org_unit": "SUS", "amount": i} for i in range(n)]


def test_pages_follow_next_until_the_end(sample: Sample) -> None:
    _load(sample, _things(25))
    reader = sample.auth("read")
    seen: list[str] = []
    url: str | None = "/v1/things?limit=10"
    while url:
        page = sample.client.get(url, headers=reader).json()
        seen += [t["code"] for t in page["items"]]
        url = page["next"]
    assert seen == [f"T{i:03d}" for i in range(25)]


def test_loading_the_same_rows_twice_changes_nothing(sample: Sample) -> None:
    assert _load(sample, _things(3))["inserted"] == 3
    again = _load(sample, _things(3))
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_an_atomic_load_with_one_bad_row_writes_nothing(sample: Sample) -> None:
    rows: list[dict[str, object]] = [
        *_things(2),
        {"code": "X", "org_unit": "SUS", "amount": "lots"},
    ]
    result = _load(sample, rows)
    assert result["status"] == 422
    assert result["rejected"][0]["row"] == 3  # type: ignore[index]
    assert sample.client.get("/v1/things", headers=sample.auth("read")).json()["items"] == []


def test_a_partial_load_writes_the_good_rows_and_reports_the_bad(sample: Sample) -> None:
    rows: list[dict[str, object]] = [
        *_things(2),
        {"code": "X", "org_unit": "SUS", "amount": "lots"},
    ]
    result = _load(sample, rows, mode="partial")
    assert result["inserted"] == 2
    assert [r["row"] for r in result["rejected"]] == [3]  # type: ignore[attr-defined]


def test_the_change_feed_reports_changes_and_deletions_in_order(sample: Sample) -> None:
    _load(sample, _things(3))
    reader = sample.auth("read")
    first = sample.client.get("/v1/things?after_seq=0", headers=reader).json()["items"]
    last_seq = first[-1]["change_seq"]
    _load(sample, [{"code": "T001", "org_unit": "SUS", "amount": 99}])
    sample.client.delete("/v1/things/T002", headers=sample.auth("write"))
    changes = sample.client.get(f"/v1/things?after_seq={last_seq}", headers=reader).json()["items"]
    assert [(c.get("code"), c.get("id"), c.get("deleted")) for c in changes] == [
        ("T001", changes[0]["id"], None),
        (None, "T002", True),
    ]
    assert changes[0]["change_seq"] < changes[1]["change_seq"]


def test_csv_export_has_a_header_and_every_row(sample: Sample) -> None:
    _load(sample, _things(3))
    r = sample.client.get("/v1/things", headers={**sample.auth("read"), "Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines() == ["code,org_unit,amount", "T000,SUS,0", "T001,SUS,1", "T002,SUS,2"]


def test_a_malformed_cursor_is_422(sample: Sample) -> None:
    r = sample.client.get("/v1/things?cursor=!!!", headers=sample.auth("read"))
    assert r.status_code == 422


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor("T001"),  # text where the key is an integer (Postgres: a 500 before)
        encode_cursor(True),
        encode_cursor(1.5),
        encode_cursor(None),
        encode_cursor([1]),
        encode_cursor(2**70),
        encode_cursor("[" * 20_000),
        base64.urlsafe_b64encode(b"[" * 20_000).decode().rstrip("="),  # nested past recursion
        "%00",
    ],
)
def test_a_cursor_of_the_wrong_kind_is_a_422_naming_it(sample: Sample, cursor: str) -> None:
    _load(sample, _things(3))
    reader = sample.auth("read")
    for query in (f"cursor={cursor}", f"after_seq=0&cursor={cursor}"):
        r = sample.client.get(f"/v1/things?{query}", headers=reader)
        assert r.status_code == 422, (query, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert [e["loc"] for e in r.json()["errors"]] == [["query", "cursor"]]


def test_a_cursor_handed_out_still_works(sample: Sample) -> None:
    _load(sample, _things(3))
    reader = sample.auth("read")
    page = sample.client.get("/v1/things?limit=1", headers=reader).json()
    rest = sample.client.get(f"/v1/things?cursor={page['next_cursor']}", headers=reader).json()
    assert [t["code"] for t in rest["items"]] == ["T001", "T002"]


@pytest.mark.parametrize("since", ["0.5", "2024-08-01", "9999-12-31T23:59:59-23:59"])
def test_updated_since_is_rfc_3339_in_range(sample: Sample, since: str) -> None:
    r = sample.client.get(
        "/v1/things", params={"updated_since": since}, headers=sample.auth("read")
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["query", "updated_since"]
