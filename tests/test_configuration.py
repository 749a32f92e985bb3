"""One reader for every ``RETROWALK_*`` variable (``bot/env.py``), each one documented.

(a) Every variable read in ``bot/``, ``actions/``, ``voice/``, ``operations/`` and ``scripts/``
(Python and shell) and the Makefile is listed in
``docs/configuration.md``, and every one listed there is still read (or used by the
deployment files). (b) No module but ``bot/env.py`` reads the environment for a
``RETROWALK_*`` name. (c) The reader: defaults when unset, a clear error naming the variable
for a bad value.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.env import (
    SettingsError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_path,
    env_text,
    env_words,
)

ROOT = Path(__file__).resolve().parents[1]
CODE_DIRS = ("bot", "actions", "voice", "operations", "scripts")
READER = ROOT / "bot" / "env.py"
DOC = ROOT / "docs" / "configuration.md"
DEPLOY_FILES = sorted((ROOT / "deploy").rglob("*.y*ml"))
NAME = re.compile(r"RETROWALK_[A-Z0-9_]+")
FULL_NAME = re.compile(r"RETROWALK_[A-Z0-9_]+\Z")
SHELL_READ = re.compile(r"\$\(?\{?(RETROWALK_[A-Z0-9_]+)")
DOC_ROW = re.compile(r"^\| `(RETROWALK_[A-Z0-9_]+)` \|", re.MULTILINE)
ENV_RECEIVERS = ("os.environ", "environ", "env")
READ_METHODS = ("get", "pop")


def code_files() -> Iterator[Path]:
    for folder in CODE_DIRS:
        yield from sorted((ROOT / folder).rglob("*.py"))


def parsed() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(), str(path)) for path in code_files()}


def names_in_code() -> dict[str, set[str]]:
    """Each ``RETROWALK_*`` name written as a whole string in the code, and where.

    Python: a string constant that is the whole name. Shell scripts and the Makefile: a
    ``$NAME`` or ``${NAME...}`` expansion.
    """
    names: dict[str, set[str]] = {}
    for path in (*sorted((ROOT / "scripts").rglob("*.sh")), ROOT / "Makefile"):
        for name in SHELL_READ.findall(path.read_text()):
            names.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    for path, tree in parsed().items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and FULL_NAME.match(node.value)
            ):
                names.setdefault(node.value, set()).add(str(path.relative_to(ROOT)))
    return names


def documented() -> list[str]:
    return DOC_ROW.findall(DOC.read_text())


def test_the_code_reads_about_ninety_variables() -> None:
    # A guard on the scan itself: if it found nothing, the checks below would pass vacuously.
    assert len(names_in_code()) >= 80


def test_every_variable_read_in_code_is_documented() -> None:
    missing = {
        name: sorted(where) for name, where in names_in_code().items() if name not in documented()
    }
    assert not missing, f"add these to {DOC.relative_to(ROOT)}: {missing}"


def test_every_documented_variable_is_still_used() -> None:
    deploy_text = "\n".join(path.read_text() for path in DEPLOY_FILES)
    used = set(names_in_code()) | set(NAME.findall(deploy_text))
    stale = sorted(set(documented()) - used)
    assert not stale, f"documented but read nowhere, drop them from the doc: {stale}"


def test_each_variable_is_documented_once() -> None:
    names = documented()
    assert sorted({name for name in names if names.count(name) > 1}) == []


def _module_constants(trees: dict[Path, ast.Module]) -> dict[str, str]:
    """Module-level ``X = "RETROWALK_..."`` constants of all modules, by name."""
    constants: dict[str, str] = {}
    for tree in trees.values():
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                and FULL_NAME.match(node.value.value)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        constants[target.id] = node.value.value
    return constants


def _key(node: ast.expr, constants: dict[str, str]) -> str:
    """The variable name a key expression stands for: a name, ``"?"`` if not constant."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else "?"
    if isinstance(node, ast.Name):
        return constants.get(node.id, "?")
    if isinstance(node, ast.Attribute):
        return constants.get(node.attr, "?")
    if isinstance(node, ast.JoinedStr):
        head = node.values[0] if node.values else None
        text = head.value if isinstance(head, ast.Constant) else ""
        return "RETROWALK_?" if str(text).startswith("RETROWALK_") else "?"
    return "?"


def environment_reads(tree: ast.Module, constants: dict[str, str]) -> Iterator[tuple[int, str]]:
    """``(line, code)`` of each read of a ``RETROWALK_*`` variable from an environment.

    Reads of ``os.environ`` / ``os.getenv`` with a key that is not a constant count too (a
    private ``_env(name)`` helper); copying the whole environment does not.
    """
    for node in ast.walk(tree):
        receiver: str | None = None
        key: ast.expr | None = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in READ_METHODS:
                receiver, key = ast.unparse(func.value), node.args[0]
            elif ast.unparse(func) in ("os.getenv", "getenv"):
                receiver, key = "os.environ", node.args[0]
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            receiver, key = ast.unparse(node.value), node.slice
        if receiver not in ENV_RECEIVERS or key is None:
            continue
        name = _key(key, constants)
        if name.startswith("RETROWALK_") or (receiver == "os.environ" and name == "?"):
            yield getattr(node, "lineno", 0), ast.unparse(node)


def test_only_the_reader_reads_retrowalk_variables() -> None:
    trees = parsed()
    constants = _module_constants(trees)
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {code}"
        for path, tree in trees.items()
        if path != READER
        for line, code in environment_reads(tree, constants)
    ]
    assert not offenders, "read these through bot.env:\n" + "\n".join(offenders)


def test_the_check_finds_a_raw_read() -> None:
    tree = ast.parse(
        "import os\n"
        'PORT_ENV = "RETROWALK_X_PORT"\n'
        "a = os.environ.get(PORT_ENV)\n"
        'b = os.environ["RETROWALK_Y"]\n'
        'c = os.getenv("RETROWALK_Z", "1")\n'
        "def _env(name): return os.environ.get(name, '')\n"
        'd = env.get("RETROWALK_W")\n'
        'e = os.environ.get("LANG", "")\n'
        "f = dict(os.environ)\n"
    )
    lines = sorted(
        line for line, _ in environment_reads(tree, _module_constants({Path("x"): tree}))
    )
    assert lines == [3, 4, 5, 6, 7]


# -- the reader ---------------------------------------------------------------------------


def test_defaults_apply_when_unset_or_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETROWALK_TEST_X", raising=False)
    assert env_text("RETROWALK_TEST_X", "d") == "d"
    assert env_int("RETROWALK_TEST_X", 5) == 5
    assert env_float("RETROWALK_TEST_X", 2.5) == 2.5
    assert env_bool("RETROWALK_TEST_X", True) is True
    assert env_path("RETROWALK_TEST_X", Path("/p")) == Path("/p")
    assert env_choice("RETROWALK_TEST_X", "a", ("a", "b")) == "a"
    assert env_words("RETROWALK_TEST_X") == ()
    monkeypatch.setenv("RETROWALK_TEST_X", "   ")
    assert env_int("RETROWALK_TEST_X", 5) == 5
    assert env_bool("RETROWALK_TEST_X", False) is False


def test_values_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "RETROWALK_I": " 7 ",
        "RETROWALK_F": "0.5",
        "RETROWALK_B": "OFF",
        "RETROWALK_W": "a  b",
        "RETROWALK_C": "B",
    }
    assert env_int("RETROWALK_I", 1, environ=env) == 7
    assert env_float("RETROWALK_F", 1.0, environ=env) == 0.5
    assert env_bool("RETROWALK_B", True, environ=env) is False
    assert env_words("RETROWALK_W", environ=env) == ("a", "b")
    assert env_choice("RETROWALK_C", "a", ("a", "b"), environ=env) == "b"
    monkeypatch.setenv("RETROWALK_TEST_X", "yes")
    assert env_bool("RETROWALK_TEST_X", False) is True


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (lambda: env_int("RETROWALK_T", 1), "2.5", "RETROWALK_T must be a whole number"),
        (lambda: env_int("RETROWALK_T", 1), "many", "RETROWALK_T must be a whole number"),
        (lambda: env_int("RETROWALK_T", 1, minimum=1), "0", "RETROWALK_T must be at least 1"),
        (
            lambda: env_int("RETROWALK_T", 1, minimum=1, maximum=16),
            "20",
            "RETROWALK_T must be at least 1 and at most 16, got '20'",
        ),
        (lambda: env_float("RETROWALK_T", 1.0), "fast", "RETROWALK_T must be a number"),
        (lambda: env_float("RETROWALK_T", 1.0), "nan", "RETROWALK_T must be a finite number"),
        (lambda: env_float("RETROWALK_T", 1.0), "-1", "RETROWALK_T must be at least 0"),
        (lambda: env_float("RETROWALK_T", 1.0, positive=True), "0", "RETROWALK_T must be positive"),
        (
            lambda: env_float("RETROWALK_T", 1.0, maximum=1.0),
            "1.5",
            "RETROWALK_T must be at least 0 and at most 1",
        ),
        (lambda: env_bool("RETROWALK_T", True), "maybe", "RETROWALK_T must be one of 1, true"),
        (
            lambda: env_choice("RETROWALK_T", "a", ("a", "b")),
            "c",
            "RETROWALK_T must be one of a, b",
        ),
    ],
)
def test_a_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, read: object, value: str, message: str
) -> None:
    monkeypatch.setenv("RETROWALK_T", value)
    with pytest.raises(SettingsError, match=re.escape(message)) as caught:
        read()  # type: ignore[operator]
    assert isinstance(caught.value, ValueError)
    assert (caught.value.name, caught.value.raw) == ("RETROWALK_T", value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RETROWALK_RASA_PORT", "abc"),
        ("RETROWALK_ACTION_PORT", "70000"),
    ],
)
def test_server_settings_raise_the_clear_error(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    from bot.settings import Settings

    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        Settings()


@pytest.mark.parametrize("value", ["20", "0", "eight", "4.5"])
def test_a_bad_plan_length_is_an_error_not_the_default(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    # It used to fall back to 8 weeks without a word.
    from actions.plan import plan_weeks

    monkeypatch.setenv("RETROWALK_PLAN_WEEKS", value)
    with pytest.raises(SettingsError, match="RETROWALK_PLAN_WEEKS"):
        plan_weeks()
    monkeypatch.setenv("RETROWALK_PLAN_WEEKS", "12")
    assert plan_weeks() == 12
    monkeypatch.delenv("RETROWALK_PLAN_WEEKS")
    assert plan_weeks() == 8


@pytest.mark.parametrize("value", ["0", "lots"])
def test_a_bad_message_limit_is_an_error_not_the_default(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from bot.inputs import max_message_chars

    monkeypatch.setenv("RETROWALK_MAX_MESSAGE_CHARS", value)
    with pytest.raises(SettingsError, match="RETROWALK_MAX_MESSAGE_CHARS"):
        max_message_chars()


def test_the_database_default_is_one_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.settings import PROJECT_ROOT, Settings
    from bot.storage import database_url

    for name in ("RETROWALK_DATABASE_URL", "RETROWALK_ROOT", "RETROWALK_VAR_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    expected = f"sqlite:///{(PROJECT_ROOT / 'var' / 'retrowalk.db').resolve()}"
    assert Settings().database_url == database_url() == expected
    monkeypatch.setenv("RETROWALK_VAR_DIR", str(tmp_path / "run"))
    assert (
        Settings().database_url
        == database_url()
        == f"sqlite:///{tmp_path / 'run' / 'retrowalk.db'}"
    )
