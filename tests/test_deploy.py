"""The deployment files cannot run here; they must at least agree with the code."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

REPO = Path(__file__).resolve().parent.parent
SETTINGS = {
    "INDICATORS_": "services.indicators.config:IndicatorsSettings",
    "ASSIGNMENTS_": "services.assignments.config:AssignmentsSettings",
    "BUDGET_": "services.budget.config:BudgetSettings",
    "GATEWAY_": "gateway.config:GatewaySettings",
}
GLOBAL_ENV = {"DATABASE_URL"}


def _settings_class(path: str) -> type[BaseSettings]:
    module, name = path.split(":")
    cls: type[BaseSettings] = getattr(importlib.import_module(module), name)
    return cls


def _k8s_documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((REPO / "deploy" / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return loaded


def _env_names() -> set[str]:
    names: set[str] = set()
    for doc in _k8s_documents():
        if doc["kind"] in ("ConfigMap", "Secret"):
            names |= set((doc.get("data") or {}) | (doc.get("stringData") or {}))
    for service in _compose()["services"].values():
        env = service.get("environment") or {}
        names |= set(env)
    names.discard("prometheus.yml")
    return {n for n in names if not n.startswith("POSTGRES_")}


@pytest.mark.parametrize("name", sorted(_env_names()))
def test_every_env_name_in_the_deployment_is_a_setting(name: str) -> None:
    if name in GLOBAL_ENV:
        return
    prefix = next((p for p in SETTINGS if name.startswith(p)), None)
    assert prefix, f"{name} belongs to no app"
    fields = _settings_class(SETTINGS[prefix]).model_fields
    assert name.removeprefix(prefix).lower() in fields, f"{name} is not a setting of {prefix}"


def test_every_deployment_probes_health_and_ready_and_runs_an_existing_app() -> None:
    deployments = [d for d in _k8s_documents() if d["kind"] == "Deployment"]
    assert {d["metadata"]["name"] for d in deployments} == {
        "gateway",
        "indicators",
        "assignments",
        "budget",
    }
    for d in deployments:
        container = d["spec"]["template"]["spec"]["containers"][0]
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        module = container["command"][1].split(":")[0]
        assert (REPO / (module.replace(".", "/") + ".py")).exists()


def test_the_ports_agree_with_the_contract() -> None:
    expected = {"gateway": 8000, "indicators": 8001, "assignments": 8002, "budget": 8003}
    services = {d["metadata"]["name"]: d for d in _k8s_documents() if d["kind"] == "Service"}
    compose = _compose()["services"]
    for name, port in expected.items():
        assert services[name]["spec"]["ports"][0]["port"] == port
        assert compose[name]["ports"] == [f"{port}:{port}"]


def test_a_migration_job_and_prometheus_scraping_exist() -> None:
    kinds = {(d["kind"], d["metadata"]["name"]) for d in _k8s_documents()}
    assert ("Job", "follow-up-migrate") in kinds
    prom = yaml.safe_load((REPO / "deploy" / "prometheus.yml").read_text())
    targets = prom["scrape_configs"][0]["static_configs"][0]["targets"]
    assert sorted(t.split(":")[1] for t in targets) == ["8000", "8001", "8002", "8003"]
