"""The alert rules and the dashboard in ``deploy/``: valid for Prometheus, firing when they
should (``promtool test rules``), and naming only metrics the apps really export.

promtool is Debian's ``prometheus`` package (``.ci/run`` installs it). Without it the
promtool tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from shared.settings import REPO_ROOT
from shared.suite import front_app
from tests.harness import ServiceHarness, build_app, settings_class

ALERTS = REPO_ROOT / "deploy" / "prometheus" / "alerts.yml"
ALERT_TESTS = REPO_ROOT / "tests" / "prometheus" / "alerts_test.yml"
DASHBOARD = REPO_ROOT / "deploy" / "grafana" / "followup.json"

#: Series Prometheus makes itself for every target.
PROMETHEUS_OWN = {"up"}
PROMQL_WORDS = {
    "sum",
    "max",
    "min",
    "avg",
    "count",
    "rate",
    "increase",
    "histogram_quantile",
    "absent",
    "topk",
    "by",
    "without",
    "and",
    "or",
    "unless",
    "on",
    "ignoring",
    "bool",
}
SUFFIXES = ("", "_total", "_bucket", "_count", "_sum", "_created")


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing: .ci/run installs Debian's prometheus package")
        pytest.skip("promtool is not installed (apt-get install -y prometheus)")
    return found


def test_promtool_checks_the_rules() -> None:
    done = subprocess.run(
        [promtool(), "check", "rules", str(ALERTS)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_rules_fire_on_the_cases_they_are_for() -> None:
    done = subprocess.run(
        [promtool(), "test", "rules", ALERT_TESTS.name],
        cwd=ALERT_TESTS.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _rules() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(ALERTS.read_text())
    return [rule for group in loaded["groups"] for rule in group["rules"]]


def test_every_alert_has_its_paragraph_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    for rule in _rules():
        assert rule["annotations"]["runbook"] == f"README.md, Operations: {rule['alert']}"
        assert f"**{rule['alert']}**" in readme, f"README says nothing of {rule['alert']}"


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (not its functions, labels or numbers)."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)
    expr = re.sub(r"\b(?:by|without|on|ignoring)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)
    return set(re.findall(r"\b[A-Za-z_:][A-Za-z0-9_:]*", expr)) - PROMQL_WORDS


def test_metric_names_are_read_from_promql() -> None:
    expr = (
        'sum by (app, le) (rate(http_request_duration_seconds_bucket{route!~"/a|/b"}[5m]))'
        " / on (app) max(gateway_breaker_state) > 0.5"
    )
    assert metric_names(expr) == {"http_request_duration_seconds_bucket", "gateway_breaker_state"}


def _dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]


@pytest.fixture
def exported(indicators: ServiceHarness) -> Iterator[set[str]]:
    """Every metric name a service's and the gateway's ``/metrics`` show, with the sample
    names a family gives (``_total``, ``_bucket`` ...)."""
    front = front_app()
    with TestClient(build_app(front, settings_class(front)())) as gateway:
        texts = [indicators.client.get("/metrics").text, gateway.get("/metrics").text]
    names: set[str] = set()
    for text in texts:
        for family in text_string_to_metric_families(text):
            names |= {family.name + suffix for suffix in SUFFIXES}
            names |= {sample.name for sample in family.samples}
    yield names


def test_every_metric_the_rules_and_the_dashboard_name_is_exported(exported: set[str]) -> None:
    exprs = [rule["expr"] for rule in _rules()] + _dashboard_exprs()
    named = set().union(*(metric_names(e) for e in exprs))
    assert {"followup_load_rows_total", "gateway_breaker_state", "followup_late_items"} <= named
    missing = named - exported - PROMETHEUS_OWN
    assert not missing, f"named by the rules or the dashboard, exported by no app: {missing}"


def test_the_dashboard_reads_prometheus_by_a_variable() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "follow-up-suite"
    (variable,) = dashboard["templating"]["list"]
    assert (variable["name"], variable["type"]) == ("datasource", "datasource")
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == "${datasource}"
        assert panel["targets"], panel["title"]


def _scrape_configs() -> list[tuple[str, dict[str, Any]]]:
    compose = yaml.safe_load((REPO_ROOT / "deploy" / "prometheus.yml").read_text())
    (config_map,) = yaml.safe_load_all(
        (REPO_ROOT / "deploy" / "k8s" / "prometheus.yaml").read_text()
    )
    cluster = yaml.safe_load(config_map["data"]["prometheus.yml"])
    return [("compose", compose), ("kubernetes", cluster)]


@pytest.mark.parametrize(("name", "config"), _scrape_configs(), ids=["compose", "kubernetes"])
def test_both_scrape_configs_load_the_rules_and_label_the_service(
    name: str, config: dict[str, Any]
) -> None:
    (rules,) = config["rule_files"]
    assert rules.endswith("/alerts.yml"), name
    (job,) = config["scrape_configs"]
    assert job["job_name"] == "follow-up-suite"
    assert any(r.get("target_label") == "service" for r in job["relabel_configs"]), name


def test_promtool_checks_the_compose_scrape_config(tmp_path: Path) -> None:
    """(Debian's promtool is built without Kubernetes discovery: the cluster's config is
    checked for its parts above only.)"""
    config = dict(_scrape_configs())["compose"]
    config["rule_files"] = [str(ALERTS)]  # where the container mounts it, here
    written = tmp_path / "prometheus.yml"
    written.write_text(yaml.safe_dump(config))
    done = subprocess.run(
        [promtool(), "check", "config", str(written)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
