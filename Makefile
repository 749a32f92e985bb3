# RetroWalk Coach. The two commands a fresh machine needs:
#   make run    set up, train if needed, start the coach (Ctrl-C stops it)
#   make test   set up and run the whole test suite
VENV := .venv
PY := $(VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false
# Dependency group scripts/bootstrap.sh installs (requirements/<group>.lock): `voice` by default
# (the servers plus what `retrowalk run` prepares for the voice walk); `dev` for the checks.
test lint format typecheck: export RETROWALK_INSTALL_GROUP := dev

.PHONY: run test system-deps run-deps venv web web-bundle train chat walk validate lint format typecheck nlu-eval bench bench-voice lock clean help

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

venv: ## create .venv (Python 3.10) and install the pinned dependencies
	@bash scripts/bootstrap.sh

web: ## install the web chat widget's npm packages (web/package-lock.json; tests only)
	@bash scripts/bootstrap-web.sh

web-bundle: ## rebuild the vendored widget web/vendor/ with npm and rewrite its SHA256SUMS
	@bash scripts/web-bundle.sh

run: venv run-deps ## start the coach (action server + Rasa server, SQLite, REST + socketio)
	@$(VENV)/bin/retrowalk run

train: venv ## build the spaCy pipeline and train if data/config changed
	@$(VENV)/bin/retrowalk train

chat: venv ## chat with the running coach in the terminal
	@$(VENV)/bin/retrowalk chat

walk: venv ## a guided walk with spoken cues (the coach must be running: make run)
	@$(VENV)/bin/retrowalk walk

system-deps: ## Debian packages the tests need (PostgreSQL, PulseAudio, PortAudio, espeak-ng)
	@bash scripts/install-system-deps.sh

run-deps: ## system packages the voice coach needs (PortAudio, espeak-ng): installed as root, else named
	@bash scripts/install-system-deps.sh --run

test: venv system-deps web lint typecheck ## lint, types, and the whole test suite (trains at most once)
	@$(PY) -m pytest

validate: venv ## rasa data validate
	@$(PY) -m operations.quiet rasa data validate --domain domain.yml --data data

lint: venv ## ruff lint + format check
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: venv ## ruff format + autofix
	@$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

typecheck: venv ## mypy on our packages
	@$(VENV)/bin/mypy

bench: venv ## benchmark against a stock `rasa init` bot; writes docs/benchmarks.md
	@$(PY) scripts/benchmark.py

bench-voice: venv system-deps ## voice benchmark (latency, TTS, WER, wake); writes docs/voice-benchmarks.md
	@$(PY) scripts/voice_benchmark.py

# The locks (requirements/*.lock) pin every package with its hashes, one complete set per
# group, each a superset of the one before with the same versions: runtime (the servers),
# voice (runtime + voice coach; `make run`), dev (voice + tests; `make test`). They are resolved
# for Linux x86_64 (glibc 2.28+), CPython 3.10; `make lock LOCK_PLATFORM=aarch64-manylinux_2_28`
# resolves for ARM64 instead (docs/dependencies.md). Existing pins are kept unless
# `make lock LOCK_UPGRADE=--upgrade`.
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/uv-venv/bin/uv)
LOCK_PLATFORM ?= x86_64-manylinux_2_28
LOCK_UPGRADE ?=
LOCK_FLAGS = --generate-hashes --python-version 3.10 --python-platform $(LOCK_PLATFORM) \
	--custom-compile-command "make lock" -c requirements/constraints.txt $(LOCK_UPGRADE) --quiet
lock: ## re-resolve requirements/{runtime,voice,dev}.lock (hashed) from pyproject.toml
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) -o requirements/runtime.lock
	$(UV) pip compile pyproject.toml --extra voice $(LOCK_FLAGS) \
		-c requirements/runtime.lock -o requirements/voice.lock
	$(UV) pip compile pyproject.toml --extra voice --extra dev $(LOCK_FLAGS) \
		-c requirements/voice.lock -o requirements/dev.lock

clean: ## remove build outputs (keeps .venv and var/)
	rm -rf build models results artifacts .rasa .pytest_cache .mypy_cache .ruff_cache
