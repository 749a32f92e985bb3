"""``scripts/install-system-deps.sh --run`` (``make run``): the voice coach's system packages.

Installing for real would change this machine, so the package tools are stand-ins on PATH
that record their arguments (``dpkg-query``/``rpm`` answer "not installed" or "installed",
``apt-get``/``dnf`` succeed or fail, ``id -u`` says root or not, ``sudo`` needs a password).
The script itself runs for real under bash.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT_ROOT / "scripts" / "install-system-deps.sh"
TOOLS = ("bash", "cat", "env", "grep", "uname")


def stand_in(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text(f"#!/bin/bash\n{body}\n")
    path.chmod(0o755)


def machine(
    tmp_path: Path,
    *,
    manager: str = "apt-get",
    uid: int = 1000,
    installed: bool = False,
    manager_fails: bool = False,
) -> tuple[Path, Path]:
    """A PATH directory with the system's basic tools and stand-ins; and the call log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    for tool in TOOLS:
        found = shutil.which(tool, path="/usr/bin:/bin")
        assert found is not None
        (bin_dir / tool).symlink_to(found)
    log = tmp_path / "calls.log"
    record = f'echo "${{0##*/}} $*" >> {log}'
    stand_in(bin_dir, "id", f'[ "$1" = -u ] && echo {uid}')
    stand_in(bin_dir, "sudo", f'{record}; echo "sudo: a password is required" >&2; exit 1')
    query = "dpkg-query" if manager == "apt-get" else "rpm"
    if manager == "apt-get":
        stand_in(bin_dir, query, 'echo "install ok installed"' if installed else "exit 1")
    else:
        stand_in(bin_dir, query, f"exit {0 if installed else 1}")
    stand_in(bin_dir, manager, f"{record}; exit {100 if manager_fails else 0}")
    return bin_dir, log


def run(bin_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "bash"), str(SCRIPT), "--run"],
        env={"PATH": str(bin_dir), "HOME": str(bin_dir.parent)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_not_root_names_the_packages_and_goes_on(tmp_path: Path) -> None:
    bin_dir, log = machine(tmp_path)
    result = run(bin_dir)
    assert result.returncode == 0
    assert "needs libportaudio2 espeak-ng" in result.stderr
    assert "sudo apt-get install -y libportaudio2 espeak-ng" in result.stderr
    assert "text coach runs without them" in result.stderr
    assert calls(log) == ["sudo -n true"]  # sudo probed without a prompt; nothing installed


def test_root_installs_the_missing_packages_with_apt(tmp_path: Path) -> None:
    bin_dir, log = machine(tmp_path, uid=0)
    result = run(bin_dir)
    assert result.returncode == 0, result.stderr
    assert "Installing system packages for the voice coach: libportaudio2 espeak-ng" in (
        result.stdout
    )
    assert calls(log) == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends libportaudio2 espeak-ng",
    ]


def test_a_failed_install_warns_and_goes_on(tmp_path: Path) -> None:
    bin_dir, log = machine(tmp_path, uid=0, manager_fails=True)
    result = run(bin_dir)
    assert result.returncode == 0
    assert "warning: could not install libportaudio2 espeak-ng (apt-get failed)" in (result.stderr)
    assert calls(log) == ["apt-get update -qq"]


def test_nothing_happens_when_everything_is_installed(tmp_path: Path) -> None:
    bin_dir, log = machine(tmp_path, uid=0, installed=True)
    result = run(bin_dir)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert calls(log) == []


def test_fedora_uses_dnf_and_its_package_names(tmp_path: Path) -> None:
    bin_dir, log = machine(tmp_path, manager="dnf", uid=0)
    result = run(bin_dir)
    assert result.returncode == 0, result.stderr
    assert calls(log) == ["dnf install -y -q portaudio espeak-ng"]
    bin_dir2, log2 = machine(tmp_path / "user", manager="dnf")
    named = run(bin_dir2)
    assert "sudo dnf install -y portaudio espeak-ng" in named.stderr
    assert calls(log2) == ["sudo -n true"]


def test_unknown_arguments_are_refused(tmp_path: Path) -> None:
    bin_dir, _ = machine(tmp_path)
    result = subprocess.run(
        [str(bin_dir / "bash"), str(SCRIPT), "--runn"],
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "usage:" in result.stderr
