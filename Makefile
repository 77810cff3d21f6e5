# Two commands do everything on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
STORE ?= out/store

.PHONY: install demo test lint eval bench clean browser virtuoso

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

# The browser tests drive Debian's chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "make test needs Debian's chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; }

# The remote-store tests also run against Debian's Virtuoso; install it when it is missing.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null; \
	  else echo "make test needs Debian's Virtuoso: sudo apt-get install -y virtuoso-opensource" >&2; exit 1; fi; }

test: install browser virtuoso
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/python -m pytest -q

# Extraction quality on every gold set, as the Markdown tables in the README.
EVAL_SETS := seeds:data/articles dev:data/dev test:data/test holdout:data/holdout final:data/final blind:data/blind realstyle:data/realstyle
eval: install
	@rm -rf out/eval && mkdir -p out/eval
	@for set in $(EVAL_SETS); do \
	  name=$${set%%:*}; dir=$${set#*:}; \
	  $(BIN)/kg --store out/eval/$$name build $$dir >/dev/null || exit 1; \
	  echo "#### $$name ($$dir, data/gold/$$name.json)"; \
	  $(BIN)/kg --store out/eval/$$name eval data/gold/$$name.json --format markdown || exit 1; \
	  echo; \
	done

clean:
	rm -rf $(VENV) out kg-store .pytest_cache .ruff_cache
