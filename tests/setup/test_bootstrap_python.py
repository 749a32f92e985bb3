"""``scripts/bootstrap.sh``: which Python 3.10 it builds the venv from, found or fetched.

The script runs for real (``--print-python``: the same search as an install, without the
venv) in an environment where the machine's pyenv is hidden: PATH holds only the system
directories (no ``python3.10``, no ``pyenv``), HOME is a temporary directory and
``RETROWALK_PYTHON`` is unset. uv is replaced by the stand-in in ``tests/setup/standin_uv``
(uv's own argument forms and exit statuses; "installing" links the real Python 3.10 this
test runs on), since uv's downloads come from the internet.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = PROJECT_ROOT / "scripts" / "bootstrap.sh"
STANDIN_UV_DIR = Path(__file__).parent / "standin_uv"
UV_REQUIREMENTS = PROJECT_ROOT / "scripts" / "uv-tool.requirements.txt"
SYSTEM_PATH = "/usr/bin:/bin"
MANAGED_KEY = "cpython-3.10.13-linux-x86_64-gnu"
NOT_FOUND = (
    "error: No interpreter found for Python 3.10 in virtual environments, "
    "managed installations, or search path"
)


def real_python310() -> Path:
    """A real Python 3.10 executable: the base interpreter of the venv running the tests."""
    base = Path(sys.base_prefix) / "bin" / "python3.10"
    assert base.is_file(), f"no python3.10 under {sys.base_prefix}"
    return base


def hidden_env(home: Path, path: str, **extra: str) -> dict[str, str]:
    """An environment with no Python 3.10 in reach: system PATH only, a private HOME."""
    env = {
        "PATH": path,
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "RETROWALK_TOOLS_DIR": str(home / "tools"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        **extra,
    }
    for directory in path.split(":"):
        assert not (Path(directory) / "python3.10").exists(), f"python3.10 in {directory}"
        assert not (Path(directory) / "pyenv").exists(), f"pyenv in {directory}"
    return env


def print_python(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(BOOTSTRAP), "--print-python"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def uv_calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_uv_fetches_python_310_when_none_is_installed(tmp_path: Path) -> None:
    log = tmp_path / "uv.log"
    env = hidden_env(
        tmp_path,
        f"{STANDIN_UV_DIR}:{SYSTEM_PATH}",
        STANDIN_UV_PYTHON=str(real_python310()),
        STANDIN_UV_LOG=str(log),
    )
    run = print_python(env)
    assert run.returncode == 0, run.stderr
    managed = tmp_path / ".local/share/uv/python" / MANAGED_KEY / "bin" / "python3.10"
    assert run.stdout.strip() == str(managed)
    assert uv_calls(log) == ["python install 3.10", "python find 3.10"]
    assert "uv python install 3.10" in run.stderr
    version = subprocess.run(
        [run.stdout.strip(), "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "(3, 10)"


def test_an_installed_python_310_is_used_before_uv(tmp_path: Path) -> None:
    own_bin = tmp_path / "bin"
    own_bin.mkdir()
    (own_bin / "python3.10").symlink_to(real_python310())
    log = tmp_path / "uv.log"
    env = hidden_env(tmp_path, f"{STANDIN_UV_DIR}:{SYSTEM_PATH}", STANDIN_UV_LOG=str(log))
    env["PATH"] = f"{own_bin}:{env['PATH']}"
    run = print_python(env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(own_bin / "python3.10")
    assert uv_calls(log) == []


def test_retrowalk_python_that_is_not_310_is_refused(tmp_path: Path) -> None:
    log = tmp_path / "uv.log"
    not_310 = shutil.which("python3", path=SYSTEM_PATH)
    assert not_310 is not None
    env = hidden_env(
        tmp_path,
        f"{STANDIN_UV_DIR}:{SYSTEM_PATH}",
        STANDIN_UV_PYTHON=str(real_python310()),
        STANDIN_UV_LOG=str(log),
        RETROWALK_PYTHON=not_310,
    )
    run = print_python(env)
    assert run.returncode == 1
    assert f"RETROWALK_PYTHON={not_310} is not a Python 3.10 interpreter" in run.stderr
    assert run.stdout == ""
    assert uv_calls(log) == []


def assert_install_help(run: subprocess.CompletedProcess[str]) -> None:
    """Exit status 3, nothing on stdout, and the commands for each system."""
    assert run.returncode == 3, run.stderr
    assert run.stdout == ""
    help_text = run.stderr
    assert "Python 3.10 was not found and could not be fetched" in help_text
    expected = {
        "Debian 12": "sudo apt-get install -y python3-venv",
        "Ubuntu 22.04": "sudo apt-get install -y python3.10 python3.10-venv",
        "Ubuntu 24.04": "sudo add-apt-repository -y ppa:deadsnakes/ppa",
        "Fedora": "sudo dnf install -y python3.10",
        "macOS": "brew install python@3.10",
    }
    for system, command in expected.items():
        section = help_text[help_text.index(system) :]
        assert command in section, f"{system}: {command!r} missing"
    assert "pyenv install 3.10.13" in help_text
    assert "RETROWALK_PYTHON" in help_text


def test_offline_uv_stops_with_the_commands_per_system(tmp_path: Path) -> None:
    log = tmp_path / "uv.log"
    env = hidden_env(
        tmp_path,
        f"{STANDIN_UV_DIR}:{SYSTEM_PATH}",
        STANDIN_UV_PYTHON=str(real_python310()),
        STANDIN_UV_LOG=str(log),
        STANDIN_UV_OFFLINE="1",
    )
    run = print_python(env)
    assert_install_help(run)
    assert "error resolving DNS" in run.stderr  # uv's own error is shown, not hidden
    assert uv_calls(log) == ["python install 3.10"]
    assert not (tmp_path / "tools").exists()  # a uv on PATH: no private uv installed


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_no_uv_and_an_unreachable_package_index_stops_with_the_commands(
    tmp_path: Path,
) -> None:
    assert shutil.which("uv", path=SYSTEM_PATH) is None
    env = hidden_env(
        tmp_path,
        SYSTEM_PATH,
        PIP_INDEX_URL=f"http://127.0.0.1:{closed_port()}/simple/",
        PIP_RETRIES="0",
        PIP_TIMEOUT="5",
    )
    run = print_python(env)
    assert_install_help(run)
    if shutil.which("python3", path=SYSTEM_PATH):
        # The private uv was attempted with the system python3 and left nothing behind.
        assert "==> Installing uv 0.13.8 into" in run.stderr
    assert not (tmp_path / "tools" / "uv-venv").exists()


def test_no_uv_and_no_python3_stops_with_the_commands(tmp_path: Path) -> None:
    bare_bin = tmp_path / "bin"
    bare_bin.mkdir()
    for tool in ("bash", "cat", "dirname", "env"):
        found = shutil.which(tool, path=SYSTEM_PATH)
        assert found is not None
        (bare_bin / tool).symlink_to(found)
    env = hidden_env(tmp_path, str(bare_bin))
    run = subprocess.run(
        [str(bare_bin / "bash"), str(BOOTSTRAP), "--print-python"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert_install_help(run)
    assert "no python3 on PATH to install uv with" in run.stderr


def bootstrap_uv() -> str:
    """The real uv scripts/bootstrap.sh installed with: a `uv` on PATH, else its private one.

    A stand-in on PATH (a whole `make test` measured with only the Python download replaced)
    hands its other commands to the real uv it names in STANDIN_UV_REAL: that one is used.
    """
    on_path = shutil.which("uv")
    if on_path is not None:
        version = subprocess.run(
            [on_path, "--version"], capture_output=True, text=True, check=False
        ).stdout
        if "(stand-in)" not in version:
            return on_path
        real = os.environ.get("STANDIN_UV_REAL")
        if real:
            return real
    tools = Path(os.environ.get("RETROWALK_TOOLS_DIR", PROJECT_ROOT / ".tools"))
    private = (tools if tools.is_absolute() else PROJECT_ROOT / tools) / "uv-venv" / "bin" / "uv"
    assert private.is_file(), f"no uv on PATH and no private uv at {private} (make venv makes it)"
    return str(private)


def test_real_uv_answers_find_as_the_stand_in_does(tmp_path: Path) -> None:
    """The stand-in's "not found" answer is the real uv's (same stream, text, status)."""
    real_uv = bootstrap_uv()
    env = hidden_env(tmp_path, SYSTEM_PATH)
    real = subprocess.run(
        [real_uv, "python", "find", "3.10"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    standin = subprocess.run(
        [str(STANDIN_UV_DIR / "uv"), "python", "find", "3.10"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (real.returncode, real.stdout) == (standin.returncode, standin.stdout) == (2, "")
    assert real.stderr.strip() == standin.stderr.strip() == NOT_FOUND
    help_text = subprocess.run(
        [real_uv, "python", "install", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "Usage: uv python install [OPTIONS] [TARGETS]..." in help_text


def test_the_private_uv_is_pinned_with_a_hash_for_every_file() -> None:
    script = BOOTSTRAP.read_text()
    match = re.search(r"^UV_VERSION=(\S+)$", script, re.MULTILINE)
    assert match is not None
    requirements = UV_REQUIREMENTS.read_text()
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", requirements, re.MULTILINE)
    assert pins == [("uv", match.group(1))]
    hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", requirements)
    assert len(hashes) >= 10  # one per platform wheel and the sdist
    commands = [line for line in script.splitlines() if not line.lstrip().startswith("#")]
    assert any("--require-hashes" in line for line in commands)
    assert not any("--user" in line for line in commands)


@pytest.mark.parametrize("argument", ["--print", "install"])
def test_unknown_arguments_are_refused(argument: str) -> None:
    run = subprocess.run(
        ["bash", str(BOOTSTRAP), argument],
        env={**os.environ, "RETROWALK_VENV": "/nonexistent"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "usage:" in run.stderr
