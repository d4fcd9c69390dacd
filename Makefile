# zhnews: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DATA   ?= data

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
	$(BIN)/pytest -q

bench: setup  ## benchmark on a generated corpus (see bench/README)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache .ruff_cache
