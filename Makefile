# One target per job. The README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2

.PHONY: run install install-dev browser db demo serve test test-sqlite test-postgres lint bench bench-load fuzz clean

## run: install, migrate, load the demo store into an empty database, serve on http://127.0.0.1:8000
run: install db
	$(BIN)/smartstore demo --if-empty
	@echo "admin:  http://127.0.0.1:8000/admin/   user admin   password $${SMARTSTORE_DEMO_ADMIN_PASSWORD:-smartstore-demo}"
	@echo "kiosk:  http://127.0.0.1:8000/kiosk/   API docs: http://127.0.0.1:8000/api/v1/docs"
	$(BIN)/smartstore serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,pos]'
	$(MAKE) --no-print-directory install-vision

## install-vision: the camera box's detector (issue 13): torch and torchvision pinned first (the CPU-runnable
## build that has a matching torchvision), then the [vision] extra; skipped in a second when already there
TORCH_PINS := torch==2.14.1 torchvision==0.29.1
.PHONY: install-vision
install-vision: $(BIN)/python
	@$(BIN)/python -c "import torch, torchvision; assert torch.__version__.split('+')[0] == '2.14.1'" 2>/dev/null \
		|| $(BIN)/pip install --quiet $(TORCH_PINS)
	@$(BIN)/python -c "import ultralytics, cv2, lap, shapely" 2>/dev/null \
		|| $(BIN)/pip install --quiet -e '.[dev,vision]'

## browser: Debian's Chromium for the page tests (never `playwright install`)
browser:
	@bash scripts/install-browser.sh

db: install
	$(BIN)/smartstore db upgrade

demo: db
	$(BIN)/smartstore demo --if-empty

serve:
	$(BIN)/smartstore serve

## test: the whole suite (lint, import contracts, types, pytest) on SQLite, or on PostgreSQL when
## SMARTSTORE_TEST_DATABASE_URL is set
test: install-dev browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=25

test-postgres:
	SMARTSTORE_TEST_DATABASE_URL=$(PG_URL) $(MAKE) test

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## fuzz: the API fuzzer of the suite run longer: more examples per operation, more stateful scenarios, every
## schemathesis check, new examples each run (on PostgreSQL when SMARTSTORE_TEST_DATABASE_URL is set)
FUZZ_EXAMPLES ?= 300
FUZZ_STEPS ?= 200
fuzz: install-dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_STEPS=$(FUZZ_STEPS) FUZZ_CHECKS=all \
		$(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/fuzz

bench: install-dev
	$(BIN)/python bench/bench_sales_api.py
	$(BIN)/python bench/bench_assessment.py

## bench-vision: count accuracy against the hand-made ground truth and detector / pipeline / ObjectCounter fps
## on ../shared/data/vtest.avi (issue 13; minutes on 2 cores)
.PHONY: bench-vision
bench-vision: install-dev
	$(BIN)/python bench/bench_vision.py

## bench-load: mixed load (tills, cameras, kiosks, member look-ups, managers) on SQLite and PostgreSQL with
## 1/2/4 server processes, then the fault run (kill -9, database crash-restart, exactly-once check); ~15 min
bench-load: install-dev
	$(BIN)/python bench/bench_mixed_load.py --scaling
	$(BIN)/python bench/bench_mixed_load.py --faults

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache *.egg-info
