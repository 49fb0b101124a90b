# Two commands do all the set-up on a fresh machine (Python >= 3.11 and make):
#   make run    installs llmtui into .venv and opens the app
#   make test   installs llmtui with its test tools into .venv, then lint, types and tests
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Parallel test workers (pytest-xdist). The UI tests spend much of their time waiting for the app to
# go idle, so one more worker than the 2 cores of the project's machines keeps both busy.
TEST_WORKERS ?= 3
STAMP := $(VENV)/.installed

.PHONY: run test lint bench calibrate screenshots clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/llmtui

lint: $(STAMP)
	$(BIN)/ruff check llmtui tests
	$(BIN)/ruff format --check llmtui tests
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

bench: $(STAMP)
	$(BIN)/python tests/bench/run.py

calibrate: $(STAMP)
	$(BIN)/python tests/bench/calibrate.py --write
	$(BIN)/ruff format llmtui/core/estimate/calibration.py

screenshots: $(STAMP)
	$(BIN)/python assets/make_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
