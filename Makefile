# Two commands do everything on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
STORE ?= out/store

.PHONY: install demo test lint clean

install: $(STAMP)

# Re-run only when the dependency pins change; `make install` twice is a no-op.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	rm -rf out && mkdir -p out
	$(BIN)/kg --store $(STORE) build data/articles
	$(BIN)/kg --store $(STORE) export --format turtle -o out/graph.ttl
	$(BIN)/kg --store $(STORE) export --format jsonld -o out/graph.jsonld
	$(BIN)/kg --store $(STORE) viz -o out/network.html
	$(BIN)/kg --store $(STORE) stats

test: install
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/ruff format --check kg tests benchmarks

clean:
	rm -rf $(VENV) out kg-store .pytest_cache .ruff_cache
