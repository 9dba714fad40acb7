# The contract between the parts: `make run` and `make test` work on a fresh clone.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
# optional extras to install, e.g. `make test EXTRAS=dev,spark` (the Spark engine)
EXTRAS ?= dev
# the machines have 2 cores; most tests wait on a pipeline run in another process (a third
# test process gave no steady gain: README, What the tests prove)
TEST_WORKERS ?= 2

.PHONY: run test test-bench lint format dev sample bench spark-cluster clean

# pip byte-compiles every installed module: where PYTHONDONTWRITEBYTECODE is set (this machine
# sets it), no process would cache a module's bytecode, and each would compile every module it
# imports (Dagster, dbt, Great Expectations: about 6 s of CPU per process)
$(BIN)/barometre: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

## Set up (when needed) and run the whole pipeline on the bundled sample into ./warehouse
run: $(BIN)/barometre
	$(BIN)/barometre run

## Set up (when needed), lint and run the tests: TEST_WORKERS processes (pytest-xdist), each
## test file whole in one of them (its module fixtures built once), taken in the collection's
## order (tests/conftest.py puts the longest first); TEST_WORKERS=0 runs them in this one
test: $(BIN)/barometre lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

## The benchmark script's own test (marked bench, left out of `make test`: it takes minutes)
test-bench: $(BIN)/barometre
	$(BIN)/pytest -m bench

lint: $(BIN)/barometre
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/barometre
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Open the Dagster UI on ./warehouse's Dagster instance (every run's history, created on first use)
dev: $(BIN)/barometre
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/barometre dev

## Regenerate the bundled synthetic sample landing folder (surveys and polls)
sample: $(BIN)/barometre
	$(BIN)/barometre sample sample_landing

## Benchmark full and no-op refreshes at scales 1, 10 and 100 against a bare-DuckDB baseline
bench: $(BIN)/barometre
	nice -n 10 $(BIN)/python -m benchmarks.run --json bench.json

## A Spark cluster on 127.0.0.1 (standalone master, worker, Spark Connect server on port 15002)
## until Ctrl-C: `barometre run --engine spark --spark-remote sc://127.0.0.1:15002` builds on it
spark-cluster: EXTRAS = dev,spark
spark-cluster: $(BIN)/barometre
	$(BIN)/python -m barometre.spark.cluster

## Remove ./warehouse (releases, build, dbt's files and logs) and what earlier versions left in
## the source tree (dbt's target folders and logs)
clean:
	rm -rf warehouse
	rm -rf dbt_project/target dbt_project/logs logs .user.yml
