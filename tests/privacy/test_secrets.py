"""Secrets come only from the environment: none is written in the repository's
configuration, deployment files or documentation, and every channel ignores secrets given
in ``credentials.yml`` (``tests/operations/test_credentials.py`` checks the keys of that file)."""

from __future__ import annotations

import dataclasses
import importlib
import re
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import PROJECT_ROOT, Settings
from operations import servers
from tests.conftest import CHANNEL_SECRETS

# Literal secrets of the services the coach talks to, and generic "key: value" secrets.
SECRET_PATTERNS = {
    "Slack token": re.compile(r"xox[abposr]-[0-9A-Za-z-]{10,}"),
    "Telegram bot token": re.compile(r"\b\d{8,10}:[A-Za-z0-9_-]{35}\b"),
    "Twilio account SID": re.compile(r"\bAC[0-9a-f]{32}\b"),
    "Twilio API key": re.compile(r"\bSK[0-9a-f]{32}\b"),
    "Facebook token": re.compile(r"\bEAA[A-Za-z0-9]{30,}"),
    "AWS key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "password in a URL": re.compile(r"\b[a-z+]+://[^/\s:@]+:(?!\$|<|\{)[^@\s/]{6,}@"),
    "assigned secret": re.compile(
        r"(?i)\b[\w-]*(?:secret|token|password|passwd|api_key|apikey)[\w-]*\s*[:=]\s*"
        r"[\"']?(?!\$|<|\{|\[|none\b|null\b|true\b|false\b|changeme\b|example\b)"
        r"([A-Za-z0-9/+_.=-]{16,})"
    ),
}
SCANNED = ["credentials.yml", "endpoints.yml", "config.yml", "README.md", "deploy", "docs"]
SUFFIXES = {".yml", ".yaml", ".md", ".conf", ".template", ".env", ".toml", ".json", ".txt", ""}
# Test values: they live in tests/conftest.py and must not show up anywhere else.
TEST_SECRETS = [v for p in CHANNEL_SECRETS.values() for k, v in p.items() if "NUMBER" not in k]


def scanned_files() -> list[Path]:
    files: list[Path] = []
    for name in SCANNED:
        path = PROJECT_ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [
                p
                for p in path.rglob("*")
                if p.is_file() and (p.suffix in SUFFIXES or p.name.startswith("Dockerfile"))
            ]
    return sorted(files)


def test_the_scanned_files_exist() -> None:
    names = {p.name for p in scanned_files()}
    assert {"credentials.yml", "endpoints.yml", "README.md"} <= names
    assert len(names) > 5


@pytest.mark.parametrize("path", scanned_files(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_no_secret_literal_in_configuration_deployment_or_docs(path: Path) -> None:
    text = path.read_text(errors="replace")
    for kind, pattern in SECRET_PATTERNS.items():
        match = pattern.search(text)
        assert match is None, f"{kind} in {path.name}: {match.group(0)[:40]!r}"
    for value in TEST_SECRETS:
        assert value not in text, f"a test secret is written in {path.name}"


def test_the_patterns_find_what_they_are_meant_to_find() -> None:
    samples = [
        "bot_token: xoxb-1234567890-abcdefghij",
        "TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1",
        "sid: AC0123456789abcdef0123456789abcdef",
        "url: postgresql://coach:hunter2secret@db/coach",
        "signing_secret: 8f14e45fceea167a5a36dedd4bea2543",
    ]
    for sample in samples:
        assert any(p.search(sample) for p in SECRET_PATTERNS.values()), sample
    for harmless in ("token: ${RETROWALK_API_TOKEN}", "secret: <your app secret>"):
        assert not any(p.search(harmless) for p in SECRET_PATTERNS.values()), harmless


def channel_entries() -> list[tuple[str, list[str]]]:
    channels = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text())
    return [
        (name, list((entry or {})["required_env"]))
        for name, entry in channels.items()
        if entry and "required_env" in entry
    ]


def settings_values(channel: Any) -> list[str]:
    """Every string in the channel's settings dataclass (its secrets included)."""
    settings = channel.settings
    assert dataclasses.is_dataclass(settings)
    return [str(v) for v in dataclasses.asdict(settings).values()]


@pytest.mark.parametrize(
    ("name", "variables"), channel_entries(), ids=lambda v: str(v).rsplit(".", 1)[-1]
)
def test_every_channel_reads_its_secrets_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, name: str, variables: list[str]
) -> None:
    module, class_name = name.rsplit(".", 1)
    channel_class = getattr(importlib.import_module(module), class_name)
    environment = {
        var: secret
        for platform in CHANNEL_SECRETS.values()
        for var, secret in platform.items()
        if var in variables
    }
    assert set(environment) == set(variables), "a required variable has no test value"
    for var, value in environment.items():
        monkeypatch.setenv(var, value)
    from_yaml = {
        key: f"yaml-{key}-0123456789abcdef"
        for key in (
            "token",
            "secret",
            "secret_token",
            "access_token",
            "page-access-token",
            "secret_key",
            "verify",
            "slack_token",
            "slack_signing_secret",
            "account_sid",
            "auth_token",
            "twilio_number",
            "bot_token",
            "app_secret",
        )
    }
    channel = channel_class.from_credentials(from_yaml)
    values = " ".join(settings_values(channel))
    for var, value in environment.items():
        assert value in values, f"{class_name} does not use ${var}"
    assert "yaml-" not in values, f"{class_name} took a secret from credentials.yml"
    for var in variables:
        monkeypatch.delenv(var)
        with pytest.raises(Exception):  # noqa: B017  (any refusal is fine)
            channel_class.from_credentials(from_yaml)
        monkeypatch.setenv(var, environment[var])


def test_the_api_token_comes_from_the_environment_or_a_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = replace(Settings(), var_dir=tmp_path / "var")
    monkeypatch.setenv(servers.API_TOKEN_ENV, "token-from-the-environment")
    assert servers.api_token(settings) == "token-from-the-environment"
    assert not (settings.var_dir / "api_token").exists()
    monkeypatch.delenv(servers.API_TOKEN_ENV)
    generated = servers.api_token(settings)
    assert len(generated) >= 24 and servers.api_token(settings) == generated
    mode = stat.S_IMODE((settings.var_dir / "api_token").stat().st_mode)
    assert mode == 0o600


def test_var_is_not_in_the_repository() -> None:
    ignored = (PROJECT_ROOT / ".gitignore").read_text().split()
    assert "var/" in ignored and "*.db" in ignored
