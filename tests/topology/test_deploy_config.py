"""The deployment files mirror the tested topology (no servers needed, real nginx -t)."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bot.settings import PROJECT_ROOT, Settings
from operations import nginx
from operations.ports import free_port
from operations.scaled_endpoints import RedisLockStore, scaled_endpoints
from operations.topology import TopologySettings

DEPLOY = PROJECT_ROOT / "deploy"


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def nginx_test(conf: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on ``conf`` (container host names mapped to 127.0.0.1)."""
    conf = re.sub(r"server (rasa-\d+|actions-\d+|retrowalk-actions):", "server 127.0.0.1:", conf)
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    return subprocess.run(
        [
            nginx.find_nginx(),
            "-t",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "e.log"),
            "-c",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_compose_nginx_conf_is_the_rendered_template() -> None:
    committed = nginx.COMPOSE_CONF_PATH.read_text()
    assert committed == nginx.render(nginx.compose_layout()), (
        "deploy/compose/nginx.conf is stale: run "
        "`.venv/bin/python scripts/topology.py render-nginx --compose --write`"
    )


def test_helm_sidecar_conf_is_the_rendered_template() -> None:
    values = load(DEPLOY / "helm" / "values.yml")
    assert values["nginx"]["customConfiguration"]["nginx.conf"] == nginx.render(nginx.helm_layout())


@pytest.mark.parametrize(
    "layout",
    [
        nginx.compose_layout(),
        replace(nginx.compose_layout(), drained=frozenset({0})),
        replace(nginx.compose_layout(), drained=frozenset({0, 1})),
        nginx.helm_layout(),
    ],
    ids=["compose", "one-drained", "all-drained", "helm"],
)
def test_nginx_accepts_every_rendering(layout: nginx.NginxLayout, tmp_path: Path) -> None:
    local = replace(
        layout,
        process=f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};",
        http_paths=f"    client_body_temp_path {tmp_path / 'body'};\n"
        f"    proxy_temp_path {tmp_path / 'proxy'};",
        access_log=str(tmp_path / "access.log"),
        listen=f"127.0.0.1:{free_port()}",
        action_listen=f"127.0.0.1:{free_port()}",
    )
    result = nginx_test(nginx.render(local), tmp_path)
    assert result.returncode == 0, result.stderr


def test_drained_instances_are_marked_down_in_both_rasa_upstreams() -> None:
    text = nginx.render(replace(nginx.compose_layout(3, 2), drained=frozenset({1})))
    assert text.count("server rasa-2:5005 max_fails=1 fail_timeout=5s down;") == 2
    assert "rasa-1:5005 max_fails=1 fail_timeout=5s;" in text
    assert "actions-2:5055 max_fails=1 fail_timeout=2s;" in text


def test_the_action_gateways_apology_is_an_action_server_response() -> None:
    text = nginx.render(nginx.compose_layout())
    body = re.search(r"return 200 '(.*)';", text)
    assert body is not None
    # nginx reads \' inside a single-quoted string as '.
    response = json.loads(body.group(1).replace("\\'", "'"))
    assert response == {"events": [], "responses": [{"text": nginx.ACTION_APOLOGY}]}
    # A rejected action (400) still reaches Rasa; crashes and unreachable servers do not.
    assert "error_page 500 502 503 504 = @action_unavailable;" in text


def test_unknown_placeholders_are_refused() -> None:
    with pytest.raises(nginx.NginxError, match="nope"):
        nginx.render(nginx.compose_layout(), template="x {{ nope }}")


def test_compose_endpoints_match_the_topologys() -> None:
    expected = scaled_endpoints(
        Settings(), "http://nginx:5056/webhook", RedisLockStore(host="redis", port=6379)
    )
    assert load(DEPLOY / "compose" / "endpoints.yml") == expected


def test_compose_services_match_the_nginx_upstreams() -> None:
    compose = load(DEPLOY / "docker-compose.yml")
    services = compose["services"]
    conf = nginx.COMPOSE_CONF_PATH.read_text()
    upstream_hosts = set(re.findall(r"server ((?:rasa|actions)-\d+):", conf))
    assert upstream_hosts == {
        name for name in services if re.fullmatch(r"(rasa|actions)-\d+", name)
    }
    for name in ("rasa-1", "rasa-2"):
        command = services[name]["command"]
        for option in ("--endpoints", "--credentials"):
            assert (PROJECT_ROOT / command[command.index(option) + 1]).exists()
        assert set(services[name]["depends_on"]) == {"schema", "redis"}
    assert services["schema"]["entrypoint"][-1] == "operations.schema"
    url = services["rasa-1"]["environment"]["RETROWALK_DATABASE_URL"]
    assert url.startswith("postgresql+psycopg2://") and "@postgres:5432/" in url


def test_compose_channels_are_the_projects() -> None:
    ours = load(PROJECT_ROOT / "credentials.yml")
    compose = load(DEPLOY / "compose" / "credentials.yml")
    assert set(compose) <= set(ours)
    assert all("required_env" not in (entry or {}) for entry in compose.values())


def test_helm_values_use_the_same_stores_and_the_gateway() -> None:
    values = load(DEPLOY / "helm" / "values.yml")
    endpoints = values["applicationSettings"]["endpoints"]
    ours = load(PROJECT_ROOT / "endpoints.yml")["tracker_store"]
    assert endpoints["trackerStore"]["type"] == ours["type"]
    assert endpoints["trackerStore"]["window_turns"] == ours["window_turns"]
    assert endpoints["lockStore"]["type"] == "redis"
    # The chart's own action endpoint is off; ours (the gateway, selective domain) is added.
    chart_actions = values["rasa-action-server"]
    assert not chart_actions["install"] and not chart_actions["external"]["enabled"]
    action_endpoint = endpoints["additionalEndpoints"]["action_endpoint"]
    assert action_endpoint["url"] == f"http://127.0.0.1:{nginx.helm_layout().action_listen}/webhook"
    project_action = load(PROJECT_ROOT / "endpoints.yml")["action_endpoint"]
    assert action_endpoint["enable_selective_domain"] == project_action["enable_selective_domain"]
    actions = load(DEPLOY / "helm" / "action-server-values.yml")
    service = f"{actions['fullnameOverride']}:{actions['service']['port']}"
    assert nginx.helm_layout().action_servers == (service,)
    assert values["replicaCount"] >= 2 and actions["replicaCount"] >= 2


def test_topology_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    assert TopologySettings.from_env() == TopologySettings()
    monkeypatch.setenv("RETROWALK_TOPOLOGY_RASA_INSTANCES", "3")
    monkeypatch.setenv("RETROWALK_TOPOLOGY_SANIC_WORKERS", "2")
    monkeypatch.setenv("RETROWALK_TOPOLOGY_PORT", "8088")
    monkeypatch.setenv("RETROWALK_TOPOLOGY_TF_THREADS", "0")
    settings = TopologySettings.from_env()
    assert (settings.rasa_instances, settings.sanic_workers, settings.port) == (3, 2, 8088)
    assert settings.tf_threads == 0
    for name, bad in [
        ("RETROWALK_TOPOLOGY_TF_THREADS", "-1"),
        ("RETROWALK_TOPOLOGY_RASA_INSTANCES", "0"),
        ("RETROWALK_TOPOLOGY_ACTION_SERVERS", "1.5"),
        ("RETROWALK_TOPOLOGY_PORT", "many"),
    ]:
        monkeypatch.setenv(name, bad)
        with pytest.raises(ValueError, match=name):
            TopologySettings.from_env()
        monkeypatch.delenv(name)
