"""The deployment files cannot run here; they must at least agree with the code and with
the registry of apps (``deploy/apps.toml``)."""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import kubernetes_validate
import pytest
import yaml

from shared.registry import apps
from shared.settings import REPO_ROOT as REPO
from shared.tokens import TokenSettings
from tests.harness import settings_class

#: Read by every service's settings (``ServiceSettings``) without a prefix.
GLOBAL_ENV = {"DATABASE_URL"}
#: The identity provider's settings, read by every app (``shared.tokens.TokenSettings``).
OIDC_PREFIX = "OIDC_"
#: What the image's launcher (shared/serve.py) reads, and prometheus_client beside it.
LAUNCHER_ENV = {
    "WEB_CONCURRENCY",
    "SERVE_DRAIN_SECONDS",
    "SERVE_GRACEFUL_SECONDS",
    "PROMETHEUS_MULTIPROC_DIR",
    "FORWARDED_ALLOW_IPS",
}
LAUNCHER = "followup-serve"
#: The Kubernetes version the manifests are checked against (kubernetes-validate's schemas).
KUBERNETES_VERSION = "1.31.0"


def _k8s_documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted((REPO / "deploy" / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    template = (doc.get("spec") or {}).get("template")
    if not template:
        return []
    containers: list[dict[str, Any]] = template["spec"]["containers"]
    return containers


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return loaded


def _env_names() -> set[str]:
    names: set[str] = set()
    for doc in _k8s_documents():
        if doc["kind"] in ("ConfigMap", "Secret"):
            names |= set((doc.get("data") or {}) | (doc.get("stringData") or {}))
        for container in _containers(doc):
            names |= {e["name"] for e in container.get("env", [])}
    for service in _compose()["services"].values():
        env = service.get("environment") or {}
        names |= set(env)
    names.discard("prometheus.yml")
    return {n for n in names if not n.startswith("POSTGRES_")}


@pytest.mark.parametrize("name", sorted(_env_names()))
def test_every_env_name_in_the_deployment_is_a_setting(name: str) -> None:
    if name in GLOBAL_ENV:
        return
    if name in LAUNCHER_ENV:
        assert name in (REPO / "shared" / "serve.py").read_text()
        return
    if name.startswith(OIDC_PREFIX):
        assert name.removeprefix(OIDC_PREFIX).lower() in TokenSettings.model_fields, name
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
        assert container["command"][0] == LAUNCHER
        target = container["command"][1]
        assert target == targets[d["metadata"]["name"]]
        module = target.split(":")[0]
        assert (REPO / (module.replace(".", "/") + ".py")).exists()


def test_compose_runs_each_app_of_the_registry() -> None:
    compose = _compose()["services"]
    for entry in apps():
        command = compose[entry.name]["command"]
        assert command[:2] == [LAUNCHER, entry.asgi]
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


def test_the_launcher_is_the_installed_command() -> None:
    """``followup-serve`` is the project's script for ``shared.serve:main``."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert project["project"]["scripts"][LAUNCHER] == "shared.serve:main"


@pytest.mark.parametrize(
    "doc", _k8s_documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}"
)
def test_each_manifest_passes_the_kubernetes_schema(doc: dict[str, Any]) -> None:
    """Strict: an unknown or misspelt field fails as it would in ``kubectl apply``."""
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as bad:
        pytest.fail(f"{doc['kind']}/{doc['metadata']['name']}: {bad.message} at {list(bad.path)}")


def test_the_schema_check_catches_a_wrong_manifest() -> None:
    (deployment, *_) = [d for d in _k8s_documents() if d["kind"] == "Deployment"]
    broken = copy.deepcopy(deployment)
    broken["spec"]["template"]["spec"]["containers"][0]["resources"]["limit"] = {"cpu": "1"}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
    broken = copy.deepcopy(deployment)
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def _pods() -> list[tuple[str, dict[str, Any]]]:
    return [
        (d["metadata"]["name"], d["spec"]["template"]["spec"])
        for d in _k8s_documents()
        if d["kind"] in ("Deployment", "Job")
    ]


@pytest.mark.parametrize(("name", "pod"), _pods(), ids=[n for n, _ in _pods()])
def test_every_pod_runs_unprivileged_on_a_read_only_root(name: str, pod: dict[str, Any]) -> None:
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for container in pod["containers"]:
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        limits, requests = container["resources"]["limits"], container["resources"]["requests"]
        assert {"cpu", "memory"} <= set(limits) and {"cpu", "memory"} <= set(requests)
        # The one writable place is /tmp, an emptyDir of bounded size.
        (mount,) = container["volumeMounts"]
        assert mount["mountPath"] == "/tmp"
        assert volumes[mount["name"]]["emptyDir"]["sizeLimit"]


def test_every_app_drains_within_its_grace_period() -> None:
    for d in _k8s_documents():
        if d["kind"] != "Deployment":
            continue
        pod = d["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        env = {e["name"]: e["value"] for e in container["env"]}
        drain = float(env["SERVE_DRAIN_SECONDS"]) + float(env["SERVE_GRACEFUL_SECONDS"])
        assert pod["terminationGracePeriodSeconds"] > drain, d["metadata"]["name"]
        # Workers per CPU of the limit; their metrics added up on the writable /tmp.
        assert int(env["WEB_CONCURRENCY"]) == int(container["resources"]["limits"]["cpu"])
        assert env["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")
        # Out of rotation at the first 503 of /ready.
        assert container["readinessProbe"]["failureThreshold"] == 1


def test_the_image_runs_as_a_user_without_root() -> None:
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text()
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert "PYTHONDONTWRITEBYTECODE=1" in dockerfile


def test_the_identity_provider_settings_of_the_config_map_are_valid() -> None:
    """The example identity-provider settings in the ConfigMap are valid settings."""
    (config,) = [d for d in _k8s_documents() if d["metadata"]["name"] == "follow-up-config"]
    oidc = {k: v for k, v in config["data"].items() if k.startswith(OIDC_PREFIX)}
    with pytest.MonkeyPatch.context() as env:
        for name, value in oidc.items():
            env.setenv(name, value)
        settings = TokenSettings()
    assert settings.group_grants["Uppfoljning.Rapportor.SUS"].org_units == ["SUS"]
    assert settings.leeway_seconds == 30
