# Two commands do everything on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp
# The tour in README.md reads the default store, so the demo builds that one.
STORE ?= kg-store

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

# Extraction quality on every gold set, as the Markdown tables in the README, then one
# summary row per set. Real-dev (third-party articles, never copied into the repository)
# is read from $(REALDEV) when it exists, whole and in two folds by a fixed rule: the
# sorted file names at odd positions (1st, 3rd, ...) and at even ones.
EVAL_SETS := seeds:data/articles dev:data/dev test:data/test holdout:data/holdout final:data/final blind:data/blind realstyle:data/realstyle fresh:data/fresh
REALDEV ?= ../shared/real-dev
SUMMARY = $(BIN)/python -c 'import json,sys; d=json.load(sys.stdin); e,t,r=d["entities"],d["entities_typed"],d["relations"]; print("| %s | %.3f | %.3f | %.3f | %.3f | %.3f |" % (sys.argv[1], e["f1"], t["f1"], r["precision"], r["recall"], r["f1"]))'
eval: install
	@rm -rf out/eval && mkdir -p out/eval
	@for set in $(EVAL_SETS); do \
	  name=$${set%%:*}; dir=$${set#*:}; \
	  $(BIN)/kg --store out/eval/$$name build $$dir >/dev/null || exit 1; \
	  echo "#### $$name ($$dir, data/gold/$$name.json)"; \
	  $(BIN)/kg --store out/eval/$$name eval data/gold/$$name.json --format markdown || exit 1; \
	  $(BIN)/kg --store out/eval/$$name eval data/gold/$$name.json -f json | $(SUMMARY) $$name >> out/eval/summary.md || exit 1; \
	  echo; \
	done
	@if [ -d "$(REALDEV)/articles" ] && [ -f "$(REALDEV)/gold.json" ]; then \
	  $(BIN)/kg --store out/eval/real-dev build "$(REALDEV)/articles" >/dev/null || exit 1; \
	  echo "#### real-dev ($(REALDEV)/articles, $(REALDEV)/gold.json)"; \
	  $(BIN)/kg --store out/eval/real-dev eval "$(REALDEV)/gold.json" --format markdown || exit 1; \
	  $(BIN)/kg --store out/eval/real-dev eval "$(REALDEV)/gold.json" -f json | $(SUMMARY) real-dev >> out/eval/summary.md || exit 1; \
	  echo; \
	  for fold in odd even; do \
	    files=$$(ls "$(REALDEV)"/articles/*.txt | LC_ALL=C sort | awk -v f=$$fold '(NR % 2 == 1) == (f == "odd")'); \
	    args=$$(for f in $$files; do printf -- '--articles %s ' "$$f"; done); \
	    $(BIN)/kg --store out/eval/real-dev-$$fold build $$files >/dev/null || exit 1; \
	    $(BIN)/kg --store out/eval/real-dev-$$fold eval "$(REALDEV)/gold.json" $$args -f json \
	      | $(SUMMARY) "real-dev $$fold files" >> out/eval/summary.md || exit 1; \
	  done; \
	else \
	  echo "#### real-dev: $(REALDEV) is absent (no articles/ or gold.json there), not scored"; echo; \
	fi
	@echo "#### summary (F1 unless marked)"
	@echo "| set | entities | typed entities | relations P | relations R | relations F1 |"
	@echo "|---|---|---|---|---|---|"
	@cat out/eval/summary.md

clean:
	rm -rf $(VENV) out kg-store .pytest_cache .ruff_cache
