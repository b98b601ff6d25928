# dealerlab — the README's commands. Every target sets up what it needs first (idempotent, fast when done).
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
OUT     ?= out/demo
PERIOD  ?= 2026-10
NBVAL_SANITIZE := tests/nbval_sanitize.cfg

.PHONY: setup system-deps demo test test-fast lab workshop bench lint clean exercises

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,bench,dev,hub]"
	touch $(STAMP)

setup: $(STAMP)

# Debian packages the browser tests and PDF export need (Chromium and a CJK font for it). Charts need none:
# dealerlab ships Noto Sans SC. Skipped when present or when apt-get is not available.
system-deps:
	@bash .ci/system-deps.sh

demo: $(STAMP)
	$(BIN)/dealerlab doctor || true
	$(BIN)/dealerlab report datasets/demo-client.xlsx --period $(PERIOD) --all-stores -o $(OUT)
	@echo "报告已生成 / report written: $(OUT)/报告.html"

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile tests \
	  --nbval-lax --nbval-current-env --nbval-sanitize-with $(NBVAL_SANITIZE) \
	  notebooks exercises trainer/exercises dealerlab/report/notebooks

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not browser and not slow" tests

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

workshop: $(STAMP)
	$(BIN)/dealerlab workshop

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check dealerlab tests benchmarks

exercises: $(STAMP)
	$(BIN)/dealerlab exercises build

clean:
	rm -rf $(VENV) out
