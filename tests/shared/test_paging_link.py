"""The ``Link: <next>; rel="next"`` header of a list page (RFC 8288): the same URL as the
body's ``next``, absent on the last page, so a client can follow the pages without
parsing their bodies."""

from __future__ import annotations

from shared.paging import next_link
from tests.shared.conftest import Sample


def _load(sample: Sample, n: int) -> None:
    rows = [{"code": f"T{i:03d}", "org_unit": "SUS", "amount": i} for i in range(n)]
    r = sample.client.post("/v1/things", json=rows, headers=sample.auth("write"))
    assert r.status_code == 200, r.text


def test_each_page_but_the_last_names_the_next_in_a_link_header(sample: Sample) -> None:
    _load(sample, 25)
    reader = sample.auth("read")
    url: str | None = "/v1/things?limit=10"
    pages = 0
    while url:
        r = sample.client.get(url, headers=reader)
        assert r.status_code == 200, r.text
        pages += 1
        body = r.json()
        if body["next"] is None:
            assert "link" not in r.headers
        else:
            assert r.headers["link"] == f'<{body["next"]}>; rel="next"'
            assert r.links["next"]["url"] == body["next"]
        url = body["next"]
    assert pages == 3


def test_a_change_feed_page_names_its_next_too(sample: Sample) -> None:
    _load(sample, 3)
    r = sample.client.get(
        "/v1/things", params={"after_seq": 0, "limit": 2}, headers=sample.auth("read")
    )
    assert r.links["next"]["url"] == r.json()["next"]
    assert "after_seq=0" in r.links["next"]["url"]


def test_a_single_page_has_no_link_header(sample: Sample) -> None:
    _load(sample, 3)
    r = sample.client.get("/v1/things", headers=sample.auth("read"))
    assert r.json()["next"] is None
    assert "link" not in r.headers


def test_the_link_is_the_next_url_as_a_uri() -> None:
    url = "http://127.0.0.1:8001/v1/things?limit=10&cursor=MTA"
    assert next_link(url) == {"Link": f'<{url}>; rel="next"'}
    assert next_link(None) == {}
    # A header is ASCII: other characters of a path are written as UTF-8 escapes.
    assert next_link("http://h/v1/enheter/Malmö?a=%20b") == {
        "Link": '<http://h/v1/enheter/Malm%C3%B6?a=%20b>; rel="next"'
    }
