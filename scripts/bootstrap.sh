#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the pinned dependency set (requirements.lock).
#
# Python 3.10 is required: Rasa Open Source 3.6 supports Python >=3.8,<3.11.
# Interpreter search order:
#   1. $RETROWALK_PYTHON (path to a python3.10 executable)
#   2. python3.10 on PATH
#   3. pyenv-installed 3.10.x ($(pyenv root)/versions/3.10*/bin/python3.10)
# Re-running is cheap: nothing is installed when requirements.lock and pyproject.toml
# are unchanged since the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${RETROWALK_VENV:-.venv}
UV_VERSION=0.13.8

is_py310() { [ -x "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; }

find_python() {
    if [ -n "${RETROWALK_PYTHON:-}" ]; then
        if is_py310 "$RETROWALK_PYTHON"; then echo "$RETROWALK_PYTHON"; return 0; fi
        echo "RETROWALK_PYTHON=$RETROWALK_PYTHON is not a Python 3.10 interpreter." >&2
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

if ! PY=$(find_python); then
    cat >&2 <<'MSG'
error: Python 3.10 was not found, and RetroWalk Coach needs it (Rasa 3.6 supports Python 3.8-3.10).
Install one of these, then run the command again:
  - Debian/Ubuntu:  sudo apt-get install python3.10 python3.10-venv   (Ubuntu 22.04 ships it)
  - pyenv:          pyenv install 3.10.13
  - or point RETROWALK_PYTHON at an existing python3.10 executable.
MSG
    exit 1
fi

stamp="$VENV/.retrowalk-installed"
want=$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
    exit 0
fi

echo "==> Creating $VENV with $PY"
[ -x "$VENV/bin/python" ] && is_py310 "$VENV/bin/python" || { rm -rf "$VENV"; "$PY" -m venv "$VENV"; }
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
echo "==> Installing the pinned dependency set (requirements.lock)"
# The lock is the complete resolved set: install exactly it (--no-deps keeps silero-vad's
# overridden torch requirement out).
"$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --no-deps -r requirements.lock
"$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" --no-deps -e .
echo "$want" > "$stamp"
echo "==> Environment ready: $VENV"
