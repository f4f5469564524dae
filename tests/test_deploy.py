"""The deployment files cannot run here; they must at least agree with the code and with
the registry of apps (``deploy/apps.toml``)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from shared.registry import apps
from shared.settings import REPO_ROOT as REPO
from tests.harness import settings_class

#: Read by every service's settings (``ServiceSettings``) without a prefix.
GLOBAL_ENV = {"DATABASE_URL"}


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
    entry = next((e for e in apps() if name.startswith(e.env_prefix)), None)
    assert entry, f"{name} belongs to no app"
    fields = settings_class(entry).model_fields
    setting = name.removeprefix(entry.env_prefix).lower()
    assert setting in fields, f"{name} is not a setting of {entry.name}"


def test_every_deployment_probes_health_and_ready_and_runs_an_existing_app() -> None:
    deployments = [d for d in _k8s_documents() if d["kind"] == "Deployment"]
    assert {d["metadata"]["name"] for d in deployments} == {entry.name for entry in apps()}
    targets = {entry.name: entry.asgi for entry in apps()}
    for d in deployments:
        container = d["spec"]["template"]["spec"]["containers"][0]
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        target = container["command"][1]
        assert target == targets[d["metadata"]["name"]]
        module = target.split(":")[0]
        assert (REPO / (module.replace(".", "/") + ".py")).exists()


def test_compose_runs_each_app_of_the_registry() -> None:
    compose = _compose()["services"]
    for entry in apps():
        command = compose[entry.name]["command"]
        assert command[:2] == ["uvicorn", entry.asgi]
        assert command[command.index("--port") + 1] == str(entry.port)


def test_the_ports_agree_with_the_registry() -> None:
    """The registry's ports are the contract's (``tests/test_docs.py`` holds them to it)."""
    services = {d["metadata"]["name"]: d for d in _k8s_documents() if d["kind"] == "Service"}
    compose = _compose()["services"]
    for entry in apps():
        assert services[entry.name]["spec"]["ports"][0]["port"] == entry.port
        assert compose[entry.name]["ports"] == [f"{entry.port}:{entry.port}"]


def test_a_migration_job_and_prometheus_scraping_exist() -> None:
    kinds = {(d["kind"], d["metadata"]["name"]) for d in _k8s_documents()}
    assert ("Job", "follow-up-migrate") in kinds
    prom = yaml.safe_load((REPO / "deploy" / "prometheus.yml").read_text())
    targets = prom["scrape_configs"][0]["static_configs"][0]["targets"]
    assert sorted(t.split(":")[1] for t in targets) == sorted(str(e.port) for e in apps())
