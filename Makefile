# journeyscope: two commands on a fresh clone.
#   make demo   sets everything up, then runs the demo on the embedded default (DuckDB)
#   make test   sets everything up, then runs the whole test suite
#   make check  the fast lane: lint, types and the tests not marked slow, on two processes
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Compiled bytecode is kept under build/pycache even where the environment turns writing it
# off: without it each test process (and each command a test starts) compiles every library
# module again (measured: 44 s of CPU per process to collect the suite, 17 s with the cache;
# docs/benchmarks.md).
BYTECODE := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/build/pycache

.PHONY: demo test check lint typecheck bench system clean fuzz

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "journeyscope needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip sync --python $(BIN)/python --quiet requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --quiet --no-deps -e .
	touch $(STAMP)

system:
	bash scripts/system-deps.sh

demo: $(STAMP)
	$(BIN)/journeyscope demo

# Both lanes run on JOBS processes (the two cores here; much of the slow lane waits on workers,
# servers, browsers and Spark, which a second process overlaps: 25 -> 18.5 minutes).
# The whole suite: --dist loadfile, each test file on one worker, so a module fixture (a
# report, a store) is built once, not once on each worker (371 -> 219 CPU s on four such
# files). The fast lane, whose files are small: --dist worksteal, an idle worker takes tests
# from the busy one, so neither waits at the end (179 -> 170 s). docs/benchmarks.md.
JOBS ?= 2

test: $(STAMP) system
	$(BYTECODE) $(BIN)/python -m pytest -q -n $(JOBS) --dist loadfile --durations=25

check: $(STAMP) lint
	$(BYTECODE) $(BIN)/python -m pytest -q -m "not slow" -n $(JOBS) --dist worksteal -p no:cacheprovider --durations=20

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# the fuzz tests of tests/fuzz with many more examples; the tally goes to fuzz-report.json
FUZZ_EXAMPLES ?= 500
fuzz: $(STAMP)
	JS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) JS_FUZZ_REPORT=fuzz-report.json $(BIN)/python -m pytest -q tests/fuzz

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/commands.py

clean:
	rm -rf $(VENV) .journeyscope .pytest_cache .hypothesis
