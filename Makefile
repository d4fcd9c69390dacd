# zhnews: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DATA   ?= data
# test processes (pytest-xdist): two, one per core of the 2-core machines CI and development run on; 0 runs in one
# process. worksteal hands each process a contiguous half of the tests (a module mostly stays on one, so its
# module-scoped warehouse is built once) and moves tests over when one runs out
TEST_WORKERS ?= 2

.PHONY: setup demo test lint bench clean

$(BIN)/zhnews: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

setup: $(BIN)/zhnews  ## create .venv and install zhnews with its dependencies

demo: setup  ## ingest the bundled sample dumps into ./data and show what was loaded
	$(BIN)/zhnews ingest samples --data-dir $(DATA)
	$(BIN)/zhnews examples --data-dir $(DATA)
	$(BIN)/zhnews report --data-dir $(DATA) --out $(DATA)/report.html

test: setup  ## lint and run the test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal

bench: setup  ## benchmark on a generated corpus (see bench/README)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .ruff_cache
