# RetroWalk Coach. The two commands a fresh machine needs:
#   make run    set up, train if needed, start the coach (Ctrl-C stops it)
#   make test   set up and run the whole test suite
VENV := .venv
PY := $(VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false

.PHONY: run test system-deps venv web train chat walk validate lint format typecheck nlu-eval bench bench-voice lock clean help

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

venv: ## create .venv (Python 3.10) and install the pinned dependencies
	@bash scripts/bootstrap.sh

web: ## install the web chat widget's npm packages (web/package-lock.json)
	@bash scripts/bootstrap-web.sh

run: venv web ## start the coach (action server + Rasa server, SQLite, REST + socketio)
	@$(VENV)/bin/retrowalk run

train: venv ## build the spaCy pipeline and train if data/config changed
	@$(VENV)/bin/retrowalk train

chat: venv ## chat with the running coach in the terminal
	@$(VENV)/bin/retrowalk chat

walk: venv ## a guided walk with spoken cues (the coach must be running: make run)
	@$(VENV)/bin/retrowalk walk

system-deps: ## Debian packages the tests need (PostgreSQL, PulseAudio, PortAudio, espeak-ng)
	@bash scripts/install-system-deps.sh

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

lock: ## re-resolve requirements.lock from pyproject.toml
	uv pip compile pyproject.toml --extra dev --python-version 3.10 \
		--python-platform x86_64-manylinux_2_28 -o requirements.lock

clean: ## remove build outputs (keeps .venv and var/)
	rm -rf build models results artifacts .rasa .pytest_cache .mypy_cache .ruff_cache
