"""What every service gets from shared.app: errors, ids, metrics, limits, headers, health."""

from tests.shared.conftest import Sample


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
