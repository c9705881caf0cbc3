# The two commands a researcher needs:  make run   (main job)   and   make test   (all checks).
# Both create the virtual environment .venv on first use and reinstall only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-lowest lab bench clean help

help:
	@echo "make run    execute every notebook, store its outputs, render results/ (HTML, PNG, SVG, CSV)"
	@echo "make test   lint, unit tests and nbval on the notebooks (what CI runs)"
	@echo "make test-lowest  unit tests with every dependency at its lowest allowed version"
	@echo "make lab    open JupyterLab in the project's environment"
	@echo "make bench  run the speed benchmarks (bench/)"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python tools/run_notebooks.py

test: $(STAMP)
	$(BIN)/python -m pytest

# The floors in pyproject.toml, tested: a second environment (.venv/lowest) with every direct
# dependency at its lowest allowed version, and the unit tests in it.
test-lowest: $(STAMP)
	bash tools/check_lowest.sh

# As root (a classroom container, Binder-like images) JupyterLab refuses to start without
# --allow-root; it is added only there.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(ROOT_FLAG)

bench: $(STAMP)
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_pipeline.py --quick

clean:
	rm -rf results build .pytest_cache .ruff_cache
