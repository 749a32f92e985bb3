#!/usr/bin/env bash
# Create .venv with Python 3.10 and install a pinned, hashed dependency set (requirements/).
#
# Python 3.10 is required: Rasa Open Source 3.6 supports Python >=3.8,<3.11.
# Interpreter search order (only when the venv has no Python 3.10 yet):
#   1. $RETROWALK_PYTHON (path to a python3.10 executable; when set, nothing else is tried)
#   2. python3.10 on PATH
#   3. pyenv-installed 3.10.x ($(pyenv root)/versions/3.10*/bin/python3.10)
#   4. fetched with uv: `uv python install 3.10`, then `uv python find 3.10`. uv is a
#      standalone `uv` on PATH, else the pinned uv in <project>/.tools/uv-venv, installed
#      there from PyPI with whatever python3 the machine has (`python3 -m venv`, then
#      `pip install --require-hashes -r scripts/uv-tool.requirements.txt`; never
#      `pip install --user`, which PEP 668 systems refuse).
# When none of these works (no network), it stops with exit status 3 and names the commands
# that install Python 3.10 on Debian 12, Ubuntu 22.04/24.04, Fedora and macOS.
# Re-running is cheap: nothing is installed when the group's lock and pyproject.toml
# are unchanged since the last successful install.
#
# Usage: scripts/bootstrap.sh [--print-python]
#   --print-python  find (or fetch) the interpreter, print its path and stop: no venv.
# Environment: RETROWALK_INSTALL_GROUP (runtime, voice or dev; default voice),
# RETROWALK_PYTHON, RETROWALK_VENV (default .venv), RETROWALK_TOOLS_DIR
# (default <project>/.tools: the private uv).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=install
case "${1:-}" in
    "") ;;
    --print-python) MODE=print ;;
    *) echo "usage: $0 [--print-python]" >&2; exit 2 ;;
esac

VENV=${RETROWALK_VENV:-.venv}
UV_VERSION=0.13.8
TOOLS=${RETROWALK_TOOLS_DIR:-.tools}
case "$TOOLS" in /*) ;; *) TOOLS="$PWD/$TOOLS" ;; esac

say() { echo "$@" >&2; }

# Run a command. When stderr is not a terminal (uv and pip draw no progress bars then), also
# print a line every 10 s while it runs: what, for how long, and the venv's size so far.
with_heartbeat() {
    local what=$1 pid start next status=0
    shift
    if [ -t 2 ]; then "$@"; return; fi
    start=$SECONDS
    next=$((start + 10))
    "$@" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        if [ "$SECONDS" -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
            next=$((SECONDS + 10))
            say "    ... $what: $((SECONDS - start)) s, $VENV $(du -sm "$VENV" 2>/dev/null | cut -f1) MB"
        fi
    done
    wait "$pid" || status=$?
    return $status
}

is_py310() { [ -x "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }

find_python() {
    if [ -n "${RETROWALK_PYTHON:-}" ]; then
        if is_py310 "$RETROWALK_PYTHON"; then echo "$RETROWALK_PYTHON"; return 0; fi
        return 1
    fi
    local cand
    cand=$(command -v python3.10 2>/dev/null || true)
    if [ -n "$cand" ] && is_py310 "$cand"; then echo "$cand"; return 0; fi
    if command -v pyenv >/dev/null 2>&1; then
        for cand in "$(pyenv root)"/versions/3.10*/bin/python3.10; do
            if is_py310 "$cand"; then echo "$cand"; return 0; fi
        done
    fi
    return 1
}

# A uv that can fetch Python: a standalone `uv` on PATH, or the private one in $TOOLS.
find_uv() {
    local cand
    cand=$(command -v uv 2>/dev/null || true)
    if [ -n "$cand" ]; then echo "$cand"; return 0; fi
    if [ -x "$TOOLS/uv-venv/bin/uv" ]; then echo "$TOOLS/uv-venv/bin/uv"; return 0; fi
    return 1
}

# Install the pinned uv into $TOOLS/uv-venv with the machine's python3 (hash-checked).
install_uv() {
    local py
    py=$(command -v python3 2>/dev/null || true)
    if [ -z "$py" ]; then
        say "    no python3 on PATH to install uv with"
        return 1
    fi
    say "==> Installing uv $UV_VERSION into $TOOLS/uv-venv (with $py; hashes checked)"
    rm -rf "$TOOLS/uv-venv"
    mkdir -p "$TOOLS"
    if ! "$py" -m venv "$TOOLS/uv-venv" >&2; then
        say "    $py cannot create a venv (Debian/Ubuntu: sudo apt-get install python3-venv)"
        rm -rf "$TOOLS/uv-venv"
        return 1
    fi
    if ! "$TOOLS/uv-venv/bin/python" -m pip install --disable-pip-version-check \
        --require-hashes --only-binary=:all: -r scripts/uv-tool.requirements.txt >&2; then
        rm -rf "$TOOLS/uv-venv"
        return 1
    fi
    echo "$TOOLS/uv-venv/bin/uv"
}

# `uv python install 3.10`, then the interpreter `uv python find 3.10` names.
fetch_python() {
    local uv py
    uv=$(find_uv) || uv=$(install_uv) || return 1
    say "==> Fetching Python 3.10: $uv python install 3.10"
    # uv also looks for virtual environments around the working directory: ask from /.
    (cd / && env -u VIRTUAL_ENV "$uv" python install 3.10) >&2 || return 1
    py=$(cd / && env -u VIRTUAL_ENV "$uv" python find 3.10) || return 1
    if ! is_py310 "$py"; then
        say "    uv python find 3.10 answered '$py', which is not a Python 3.10 interpreter"
        return 1
    fi
    say "    Python 3.10 from uv: $py"
    echo "$py"
}

install_help() {
    cat >&2 <<'MSG'
error: Python 3.10 was not found and could not be fetched (`uv python install 3.10` failed:
no network?). RetroWalk Coach needs it (Rasa 3.6 supports Python 3.8-3.10).
Install it with the commands for your system, then run the same command again:
  Debian 12 (has no python3.10 package): with network, install the venv module and run again
    (this script then installs uv and fetches Python 3.10):
      sudo apt-get install -y python3-venv
    or build it with pyenv:
      sudo apt-get install -y build-essential curl git libbz2-dev libffi-dev liblzma-dev \
        libncursesw5-dev libreadline-dev libsqlite3-dev libssl-dev tk-dev uuid-dev xz-utils zlib1g-dev
      curl -fsSL https://pyenv.run | bash && ~/.pyenv/bin/pyenv install 3.10.13
  Ubuntu 22.04:
      sudo apt-get install -y python3.10 python3.10-venv
  Ubuntu 24.04 (has no python3.10 package; the deadsnakes PPA has one):
      sudo add-apt-repository -y ppa:deadsnakes/ppa && sudo apt-get update
      sudo apt-get install -y python3.10 python3.10-venv
  Fedora:
      sudo dnf install -y python3.10
  macOS (Homebrew):
      brew install python@3.10
  Any of them, with uv's own installer:
      curl -LsSf https://astral.sh/uv/install.sh | sh && ~/.local/bin/uv python install 3.10
Or point RETROWALK_PYTHON at an existing python3.10 executable.
MSG
}

# The interpreter to build the venv from (exit 1: a bad RETROWALK_PYTHON; 3: none found).
choose_python() {
    if [ -n "${RETROWALK_PYTHON:-}" ] && ! is_py310 "$RETROWALK_PYTHON"; then
        say "error: RETROWALK_PYTHON=$RETROWALK_PYTHON is not a Python 3.10 interpreter."
        exit 1
    fi
    if ! PY=$(find_python) && ! PY=$(fetch_python); then
        install_help
        exit 3
    fi
}

if [ "$MODE" = print ]; then
    choose_python
    echo "$PY"
    exit 0
fi

# Dependency group (requirements/<group>.lock; each lock is a superset of the one before):
# runtime (the servers), voice (+ the voice coach: `make run`), dev (+ tests: `make test`).
# A venv that already has a larger group keeps it (its lock is installed when it changes).
LOCK_GROUPS=(runtime voice dev)
group_rank() { case "$1" in runtime) echo 0 ;; voice) echo 1 ;; dev) echo 2 ;; *) return 1 ;; esac; }
GROUP=${RETROWALK_INSTALL_GROUP:-voice}
if ! group_rank "$GROUP" >/dev/null; then
    echo "error: RETROWALK_INSTALL_GROUP=$GROUP; choose one of: ${LOCK_GROUPS[*]}" >&2
    exit 2
fi
stamp="$VENV/.retrowalk-installed"
had=$(cut -d' ' -f1 "$stamp" 2>/dev/null || true)
if group_rank "$had" >/dev/null 2>&1 && [ "$(group_rank "$had")" -gt "$(group_rank "$GROUP")" ]; then
    GROUP=$had
fi
LOCK="requirements/$GROUP.lock"
want="$GROUP $(cat "$LOCK" pyproject.toml | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
    exit 0
fi

if [ -x "$VENV/bin/python" ] && is_py310 "$VENV/bin/python"; then
    echo "==> Updating $VENV ($("$VENV/bin/python" -c 'import sys; print(sys.version.split()[0])'))"
else
    choose_python
    echo "==> Creating $VENV with $PY"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
fi
uv=$(find_uv) || uv=$(install_uv) || { echo "error: uv could not be installed" >&2; exit 1; }
echo "==> Installing the $GROUP dependency set ($LOCK, every package hash-checked)"
# The lock is the complete resolved set with the hash of every file: make the venv exactly it
# (packages not in it are removed); a package without a matching hash is refused. The project
# itself is built with the locked setuptools (no unhashed build environment is fetched).
with_heartbeat "installing $LOCK" "$uv" pip sync --python "$VENV/bin/python" --require-hashes "$LOCK"
"$uv" pip install --quiet --python "$VENV/bin/python" --no-deps --no-build-isolation -e .
echo "$want" > "$stamp"
echo "==> Environment ready: $VENV"
