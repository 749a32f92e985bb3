"""deploy/Dockerfile against the locks: the runtime group only, every package hash-checked.

There is no Docker daemon on the development machines, so the image is never built here; these
tests read the Dockerfile and the lock files it installs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DOCKERIGNORE = ROOT / "deploy" / "Dockerfile.dockerignore"
_PIN = re.compile(
    r"^([a-z0-9][a-z0-9._-]*)==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})*)", re.M
)


def instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [i.strip() for i in re.sub(r"\\\n", " ", "\n".join(lines)).splitlines() if i.strip()]


def run_commands() -> list[str]:
    """Every shell command of every RUN, split at ``&&``."""
    return [
        part.strip()
        for i in instructions()
        if i.startswith("RUN ")
        for part in i.removeprefix("RUN ").split("&&")
    ]


def installs() -> list[str]:
    return [c for c in run_commands() if re.search(r"\b(pip|uv pip) (install|sync)\b", c)]


def lock_pins(name: str) -> dict[str, str]:
    """``{package: hash block}`` of a lock file."""
    text = (ROOT / name).read_text(encoding="utf-8")
    return {m.group(1): m.group(3) for m in _PIN.finditer(text)}


def extra_names(extra: str) -> set[str]:
    """Direct dependencies of a pyproject extra, normalised."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(rf"^{extra} = \[(.*?)^\]", text, re.S | re.M)
    assert block, f"no [{extra}] extra in pyproject.toml"
    names = re.findall(r'^\s*"([A-Za-z0-9][A-Za-z0-9._-]*)', block.group(1), re.M)
    return {re.sub(r"[-_.]+", "-", n).lower() for n in names}


def test_the_image_installs_the_runtime_lock_with_hashes_and_nothing_else() -> None:
    requirement_files = [
        f for c in installs() for f in re.findall(r"(?:-r|--requirement)\s+(\S+)", c)
    ]
    assert "requirements/runtime.lock" in requirement_files
    assert not [f for f in requirement_files if re.search(r"(dev|voice)\.lock$", f)]
    copied = " ".join(i for i in instructions() if i.startswith("COPY "))
    assert "requirements/runtime.lock" in copied
    assert "dev.lock" not in copied and "voice.lock" not in copied


def test_every_install_checks_hashes_or_installs_only_the_project_itself() -> None:
    assert installs(), "no install command found"
    for command in installs():
        if "-r" in command.split():
            assert "--require-hashes" in command, command
        else:  # the project: no dependencies resolved, no unhashed build environment fetched
            assert re.search(r"-e \.$", command), command
            assert "--no-deps" in command and "--no-build-isolation" in command, command
    assert not [c for c in installs() if "[dev]" in c or "[voice]" in c or "--extra" in c]


@pytest.mark.parametrize("name", ["requirements/runtime.lock", "scripts/uv-tool.requirements.txt"])
def test_each_file_the_image_installs_exists_and_pins_every_package_by_hash(name: str) -> None:
    pins = lock_pins(name)
    assert pins, f"{name} pins nothing"
    unhashed = [package for package, hashes in pins.items() if "--hash=sha256:" not in hashes]
    assert not unhashed, f"{name}: no hash for {unhashed}"
    text = (ROOT / name).read_text(encoding="utf-8")
    other = [
        line
        for line in text.splitlines()
        if line.strip() and not line.startswith((" ", "#")) and not _PIN.match(line)
    ]
    assert not other, f"{name}: unpinned requirement lines {other}"


def test_the_runtime_lock_has_no_dev_or_voice_package() -> None:
    runtime = set(lock_pins("requirements/runtime.lock"))
    assert {"pytest", "playwright", "mypy"} <= extra_names("dev")
    assert {"piper-tts", "faster-whisper", "pocketsphinx"} <= extra_names("voice")
    assert not runtime & extra_names("dev")
    assert not runtime & extra_names("voice")
    # The dev and voice locks do have them: the groups are really split, not empty.
    assert extra_names("dev") <= set(lock_pins("requirements/dev.lock"))
    assert extra_names("voice") <= set(lock_pins("requirements/voice.lock"))


def test_the_build_context_leaves_out_local_environments() -> None:
    ignored = set(DOCKERIGNORE.read_text(encoding="utf-8").split())
    assert {".venv", ".tools", ".git", "var"} <= ignored
