"""Build, package and install the ``en_retrowalk`` spaCy pipeline.

Usage::

    python -m bot.nlp.build            # no-op ("up to date") when the installed hash matches
    python -m bot.nlp.build --force    # rebuild and reinstall anyway
    python -m bot.nlp.build --check    # exit 1 when a build is needed, build nothing

Steps: ``spacy.blank("en")`` + ``entity_ruler`` (every ``patterns/*.jsonl``, files and lines
sorted) + ``retrowalk_quantities``; ``nlp.to_disk``; ``spacy package`` (as a library call)
into a package directory; ``pip wheel`` and ``pip install`` of that wheel into the running
interpreter with ``--no-deps --no-index`` (nothing is downloaded). Artifacts go to
``build/nlp/`` in the repository (or ``--output-dir``): ``pipeline/`` (loadable by path),
``package/`` and ``dist/en_retrowalk-<version>-py3-none-any.whl``.

The package version is ``0.1.0+<hash>``, where the hash covers the pattern files, the pipeline
code (``__init__``, ``build``, ``components``, ``units``, the ``quantities`` package) and the
spaCy version: a changed pattern set gives a new version (usable in Rasa's fingerprint). The
custom component is resolved at load time through the ``spacy_factories`` entry point of the
``retrowalk-coach`` project (``pyproject.toml``), so the project itself must be installed
(``uv pip install -e .``).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import importlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.nlp import PACKAGE_NAME

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = [
    "BASE_VERSION",
    "PACKAGE_NAME",
    "BuildResult",
    "build",
    "content_hash",
    "create_pipeline",
    "ensure_installed",
    "installed_version",
    "load_patterns",
    "main",
    "target_version",
]

BASE_VERSION = "0.1.0"
PIPELINE_NAME = "retrowalk"  # meta lang "en" + name -> package "en_retrowalk"
NLP_DIR = Path(__file__).resolve().parent
PATTERNS_DIR = NLP_DIR / "patterns"
_REPO_ROOT = NLP_DIR.parent.parent
_HASH_LEN = 10

RULER_CONFIG: dict[str, Any] = {
    "phrase_matcher_attr": "LOWER",
    "validate": True,
    "overwrite_ents": False,
    "ent_id_sep": "||",
}


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` did.

    Attributes:
        version: The package version now installed.
        built: False when the installed package was already up to date.
        wheel: The wheel that was installed (None when nothing was built).
        seconds: Wall time of the call.
    """

    version: str
    built: bool
    wheel: Path | None
    seconds: float


# The code that defines the pipeline (other modules in bot/nlp do not change it), relative to
# NLP_DIR: the component, the quantity parsers it runs and the unit table they read.
CODE_FILES = (
    "__init__.py",
    "build.py",
    "components.py",
    "idioms.py",
    "units.py",
    *(path.relative_to(NLP_DIR).as_posix() for path in sorted(NLP_DIR.glob("quantities/*.py"))),
)


def _hashed_files() -> list[Path]:
    return [NLP_DIR / name for name in CODE_FILES] + sorted(PATTERNS_DIR.glob("*.jsonl"))


def content_hash() -> str:
    """Short hash of the pattern files, the pipeline code (:data:`CODE_FILES`) and spaCy's version.

    Returns:
        The first 10 hex digits of a SHA-256 digest.
    """
    digest = hashlib.sha256()
    digest.update(f"{BASE_VERSION}\0{importlib.metadata.version('spacy')}\0".encode())
    for path in _hashed_files():
        digest.update(path.relative_to(NLP_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:_HASH_LEN]


def target_version() -> str:
    """The package version the current sources build.

    Returns:
        e.g. ``"0.1.0+3f2a9c1d0b"`` (a PEP 440 local version).
    """
    return f"{BASE_VERSION}+{content_hash()}"


def installed_version() -> str | None:
    """The version of ``en_retrowalk`` installed in this interpreter, if any.

    Returns:
        The version string, or ``None`` when the package is not installed.
    """
    importlib.invalidate_caches()
    try:
        return importlib.metadata.version(PACKAGE_NAME)
    except importlib.metadata.PackageNotFoundError:
        return None


def load_patterns(patterns_dir: Path = PATTERNS_DIR) -> list[dict[str, Any]]:
    """Read every ``*.jsonl`` file (sorted by name) into a list of EntityRuler patterns.

    Args:
        patterns_dir: Directory with one JSON object per line per file.

    Returns:
        The patterns, files in name order and lines in file order.

    Raises:
        ValueError: On a line that is not a JSON object with ``label``, ``pattern`` and ``id``.
    """
    patterns: list[dict[str, Any]] = []
    for path in sorted(patterns_dir.glob("*.jsonl")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path.name}:{lineno}: invalid JSON: {err}") from err
            if not isinstance(entry, dict) or not {"label", "pattern", "id"} <= entry.keys():
                raise ValueError(f"{path.name}:{lineno}: need label, pattern and id")
            patterns.append(entry)
    if not patterns:
        raise ValueError(f"no patterns in {patterns_dir}")
    return patterns


def create_pipeline(version: str | None = None) -> Language:
    """Create the pipeline in memory (not saved, not installed).

    Args:
        version: Meta version; defaults to :func:`target_version`.

    Returns:
        ``spacy.blank("en")`` + ``entity_ruler`` + ``retrowalk_quantities``.
    """
    import spacy

    from bot.nlp.components import FACTORY_NAME

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config=RULER_CONFIG)
    ruler.add_patterns(load_patterns())  # type: ignore[attr-defined]
    nlp.add_pipe(FACTORY_NAME)
    nlp.meta.update(
        {
            "name": PIPELINE_NAME,
            "version": version or target_version(),
            "description": (
                "RetroWalk Coach rule-based pipeline: entity_ruler (body_part, condition, "
                "symptom, place) + retrowalk_quantities (duration, weight, age, speed, incline)"
            ),
            "author": "RetroWalk Coach",
            "license": "Apache-2.0",
        }
    )
    return nlp


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")


def _default_output_dir() -> Path:
    if (_REPO_ROOT / "pyproject.toml").is_file():
        return _REPO_ROOT / "build" / "nlp"
    return Path(tempfile.gettempdir()) / "retrowalk-nlp-build"


def build(output_dir: Path | None = None, force: bool = False, log: bool = True) -> BuildResult:
    """Build and install the pipeline unless the installed one is up to date.

    Args:
        output_dir: Where to put the artifacts (default ``<repo>/build/nlp``).
        force: Rebuild and reinstall even when the installed version matches.
        log: Print progress.

    Returns:
        A :class:`BuildResult`.

    Raises:
        RuntimeError: When packaging or installing fails.
    """
    started = time.perf_counter()
    out = (output_dir or _default_output_dir()).resolve()

    def say(message: str) -> None:
        if log:
            print(message, flush=True)

    with _locked(out):
        version = target_version()
        if not force and installed_version() == version:
            say(f"{PACKAGE_NAME} {version} is up to date")
            return BuildResult(version, False, None, time.perf_counter() - started)

        from spacy.cli.package import package

        pipeline_dir, package_root, dist_dir = out / "pipeline", out / "package", out / "dist"
        for directory in (pipeline_dir, package_root, dist_dir):
            shutil.rmtree(directory, ignore_errors=True)
        package_root.mkdir(parents=True)
        say(f"building {PACKAGE_NAME} {version} in {out}")
        nlp = create_pipeline(version)
        nlp.to_disk(pipeline_dir)
        package(pipeline_dir, package_root, version=version, force=True, create_sdist=False)
        package_dir = package_root / f"{PACKAGE_NAME}-{version}"
        wheel_args = ["--no-deps", "--no-index", "--no-build-isolation", "-q", "-w"]
        _pip("wheel", *wheel_args, str(dist_dir), str(package_dir))
        wheels = sorted(dist_dir.glob(f"{PACKAGE_NAME}-*.whl"))
        if len(wheels) != 1:
            raise RuntimeError(f"expected one wheel in {dist_dir}, found {wheels}")
        _pip("install", "--no-deps", "--no-index", "--force-reinstall", "-q", str(wheels[0]))
        now = installed_version()
        if now != version:
            raise RuntimeError(f"installed {PACKAGE_NAME} is {now}, expected {version}")
        seconds = time.perf_counter() - started
        say(f"installed {wheels[0].name} ({seconds:.1f} s)")
        return BuildResult(version, True, wheels[0], seconds)


def ensure_installed() -> str:
    """Build and install the pipeline if needed, quietly (for tests and start-up scripts).

    Returns:
        The installed version.
    """
    return build(log=False).version


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (``python -m bot.nlp.build``).

    Args:
        argv: Arguments (default ``sys.argv[1:]``).

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python -m bot.nlp.build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--check", action="store_true", help="exit 1 if a build is needed")
    parser.add_argument("--output-dir", type=Path, default=None, help="artifact directory")
    args = parser.parse_args(argv)
    # spaCy's backend (thinc) imports TensorFlow when it is installed (Rasa installs it), which
    # costs ~8-15 s and is never used here. Only this command-line process is affected.
    if "tensorflow" not in sys.modules:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
    if args.check:
        want, have = target_version(), installed_version()
        print(f"{PACKAGE_NAME}: installed {have}, sources {want}")
        return 0 if want == have else 1
    build(output_dir=args.output_dir, force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
