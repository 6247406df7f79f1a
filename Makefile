# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
ARCHIVE ?= demo-archive
PORT ?= 8000

.PHONY: install demo test lint bench clean

$(BIN)/cupola: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/cupola

install: $(BIN)/cupola

## demo: install, ingest the bundled real sample, run example searches, serve the UI
demo: install
	$(BIN)/cupola --archive $(ARCHIVE) ingest --demo
	$(BIN)/cupola --archive $(ARCHIVE) stats
	$(BIN)/cupola --archive $(ARCHIVE) search 'apollo 11 launch' --limit 5
	$(BIN)/cupola --archive $(ARCHIVE) search '"space shuttle" year:1981..1983 -model' --limit 5
	$(BIN)/cupola --archive $(ARCHIVE) search 'center:KSC date:1969-07-01..1969-07-31' --limit 5
	@if [ -z "$$CI" ]; then $(BIN)/cupola --archive $(ARCHIVE) serve --port $(PORT); fi

## test: install and run the whole test suite
test: install
	bash scripts/test-deps.sh
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) $(ARCHIVE) .pytest_cache
