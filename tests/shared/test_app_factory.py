"""What every service gets from shared.app: errors, ids, metrics, limits, headers, health."""

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import AfterValidator, BaseModel, ValidationError

from shared.app import create_app
from shared.keys import generate_key, store_key
from shared.migrations import recreate
from shared.settings import AppSettings
from tests.harness import service_url
from tests.shared.conftest import Sample
from tests.shared.sample.app import SPEC, build_app


def test_unknown_route_is_a_problem_document(sample: Sample) -> None:
    r = sample.client.get("/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 404
    assert "/v1/nothing-here" in r.json()["detail"]


def test_validation_errors_name_the_field(sample: Sample) -> None:
    r = sample.client.get("/v1/things?limit=0", headers=sample.auth("read"))
    assert r.status_code == 422
    body = r.json()
    assert r.headers["content-type"] == "application/problem+json"
    assert body["errors"][0]["loc"] == ["query", "limit"]


def test_request_id_is_returned_as_given(sample: Sample) -> None:
    r = sample.client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"


def test_request_id_is_made_when_missing(sample: Sample) -> None:
    assert len(sample.client.get("/health").headers["x-request-id"]) == 32


def test_metrics_count_requests_by_route_template(sample: Sample) -> None:
    auth = sample.auth("write")
    sample.client.delete("/v1/things/A", headers=auth)
    sample.client.delete("/v1/things/B", headers=auth)
    text = sample.client.get("/metrics").text
    assert 'route="/v1/things/{code}"' in text
    assert 'route="/v1/things/A"' not in text


def test_ready_answers_when_the_database_does(sample: Sample) -> None:
    assert sample.client.get("/ready").json() == {"status": "ready"}


def test_oversized_body_is_413(sample: Sample) -> None:
    body = b"code,org_unit,amount\n" + b"A,SUS,1\n" * 5000
    r = sample.client.post(
        "/v1/things", content=body, headers={**sample.auth("write"), "Content-Type": "text/csv"}
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"


def test_security_headers_are_set(sample: Sample) -> None:
    r = sample.client.get("/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_openapi_and_docs_are_open(sample: Sample) -> None:
    assert sample.client.get("/openapi.json").status_code == 200
    assert sample.client.get("/docs").status_code == 200


def test_a_405_lists_every_method_the_path_answers(sample: Sample) -> None:
    r = sample.client.put("/v1/things", headers=sample.auth("admin"))
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"].endswith("/method-not-allowed")
    assert r.json()["title"] == "Method Not Allowed"


def test_a_500_is_a_problem_with_the_security_headers_and_the_request_id(sample: Sample) -> None:
    r = sample.client.get("/v1/boom", headers={**sample.auth("read"), "X-Request-ID": "boom-1"})
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["x-request-id"] == "boom-1"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    assert "breaks on purpose" not in r.text


def test_a_validation_error_keeps_list_indexes_as_integers() -> None:
    class Numbers(BaseModel):
        numbers: list[int]

    router = APIRouter()

    @router.post("/numbers")
    def numbers(body: Numbers) -> int:
        return len(body.numbers)

    app = create_app(AppSettings(), title="t", description="t", routers=[router])
    r = TestClient(app).post("/numbers", json={"numbers": [1, "x"]})
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", "numbers", 1]


def test_a_422_says_what_is_wrong_with_the_first_field_and_where_the_others_are() -> None:
    def known_code(code: str) -> str:
        if code != "ID0288":
            raise ValueError(f"unknown indicator {code!r}")
        return code

    class Row(BaseModel):
        code: Annotated[str, AfterValidator(known_code)]
        value: float

    router = APIRouter()

    @router.post("/rows")
    def rows(body: list[Row]) -> int:
        return len(body)

    client = TestClient(create_app(AppSettings(), title="t", description="t", routers=[router]))
    r = client.post("/rows", json=[{"code": "ID9999", "value": "x"}, {"code": "ID0288"}])
    assert r.status_code == 422
    body = r.json()
    # Our validator's words, without pydantic's "Value error, " in front.
    assert body["errors"][0] == {"loc": ["body", 0, "code"], "msg": "unknown indicator 'ID9999'"}
    assert body["detail"] == (
        "The request is not valid: body.0.code: unknown indicator 'ID9999' "
        "(and 2 more: body.0.value, body.1.value)."
    )
    # A message quoting a long value is cut in the detail, whole in ``errors``.
    long = "X" * 5000
    r = client.post("/rows", json=[{"code": long, "value": 1}])
    assert r.json()["errors"][0]["msg"] == f"unknown indicator '{long}'"
    assert len(r.json()["detail"]) < 300 and r.json()["detail"].endswith("….")


@pytest.mark.parametrize("value", ["%00", "a%00b", "%0A", "%1B", "%7F"])
def test_a_control_character_in_a_query_parameter_is_a_422_naming_it(
    sample: Sample, value: str
) -> None:
    r = sample.client.get(
        f"/v1/things?limit=5&code={value}", headers={**sample.auth("read"), "Accept": "text/csv"}
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"] == [
        {"loc": ["query", "code"], "msg": "control characters are not allowed"}
    ]


def test_a_deeply_nested_body_without_a_key_is_401_before_it_is_read(sample: Sample) -> None:
    deep = b"[" * 4_000 + b"]" * 4_000  # deeper than any parser recurses; under the limit
    for path in ("/v1/things", "/v1/moves"):
        r = sample.client.post(path, content=deep, headers={"Content-Type": "application/json"})
        assert r.status_code == 401, r.text
        assert r.headers["www-authenticate"] == "Bearer"


def test_a_body_sent_without_a_key_is_never_parsed(sample: Sample) -> None:
    r = sample.client.post(
        "/v1/moves", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 401


def test_a_json_body_nested_past_the_limit_is_a_400_naming_the_depth(sample: Sample) -> None:
    deep = b'{"set": ' + b"[" * 40 + b"]" * 40 + b', "delete": "A"}'
    for path in ("/v1/things", "/v1/moves"):
        r = sample.client.post(
            path, content=deep, headers={**sample.auth("write"), "Content-Type": "application/json"}
        )
        assert r.status_code == 400, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert "32" in r.json()["detail"]
        assert r.json()["max_depth"] == 32


def test_a_413_on_a_streamed_json_body_stays_a_413(sample: Sample) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"set": {"code": "A", "org_unit": "SUS", "amount": 1}, "delete": "'
        yield b"x" * 20_000
        yield b'"}'

    r = sample.client.post(
        "/v1/moves",
        content=chunks(),
        headers={**sample.auth("write"), "Content-Type": "application/json"},
    )
    assert r.status_code == 413


def test_next_links_never_name_the_host_a_client_sent(sample: Sample) -> None:
    sample.client.post(
        "/v1/things",
        json=[{"code": f"T{i}", "org_unit": "SUS", "amount": i} for i in range(3)],
        headers=sample.auth("write"),
    )
    for query in ("limit=1", "limit=1&after_seq=0"):
        r = sample.client.get(
            f"/v1/things?{query}", headers={**sample.auth("read"), "Host": "evil.example"}
        )
        assert r.status_code == 200
        assert "evil.example" not in r.json()["next"]
        assert r.json()["next"].startswith("http://testserver/v1/things?")


def test_next_links_are_built_on_the_configured_public_url(tmp_path: Path) -> None:
    url = service_url("sample", tmp_path)
    recreate(SPEC, url)
    app = build_app(url, public_url="https://uppfoljning.example")
    key = generate_key()
    with app.state.engine.begin() as conn:
        store_key(conn, SPEC.infrastructure, key, "t", ["admin"], [])
    auth = {"Authorization": f"Bearer {key.token}"}
    with TestClient(app) as client:
        rows = [{"code": f"T{i}", "org_unit": "SUS", "amount": i} for i in range(3)]
        client.post("/v1/things", json=rows, headers=auth)
        page = client.get("/v1/things?limit=1", headers={**auth, "Host": "evil.example"}).json()
    app.state.engine.dispose()
    assert page["next"].startswith("https://uppfoljning.example/v1/things?limit=1&cursor=")


@pytest.mark.parametrize(
    "value", ["https://api.example/path", "ftp://api.example", "api.example", "https://"]
)
def test_a_public_url_names_a_scheme_and_host_only(value: str) -> None:
    with pytest.raises(ValidationError):
        AppSettings(public_url=value)


def test_a_nul_character_in_a_json_string_is_a_422(sample: Sample) -> None:
    body = b'[{"code": "A\\u0000", "org_unit": "SUS", "amount": 1}]'
    r = sample.client.post(
        "/v1/things",
        content=body,
        headers={**sample.auth("write"), "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["errors"] == [{"loc": ["body"], "msg": "NUL character in a string"}]
    text = b'[{"code": "A\\\\u0000", "org_unit": "SUS", "amount": 1}]'  # a backslash, then text
    r = sample.client.post(
        "/v1/things",
        content=text,
        headers={**sample.auth("write"), "Content-Type": "application/json"},
    )
    assert r.status_code == 200
