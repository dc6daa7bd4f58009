# Two commands set everything up: `make demo` and `make test`.
# Both create .venv when it is missing and install the project into it once;
# a second run skips the install unless pyproject.toml changed.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.nerkit-installed
# The CPU wheel of torch; a GPU machine can override it: make demo TORCH_SPEC='torch==2.13.0'
TORCH_SPEC ?= torch==2.13.0

export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: install demo test lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[dev,ray]"
	touch $(STAMP)

install: $(STAMP)

# The main job on the built-in corpus: train, score on whole documents, register, promote.
# A promotion the gate refuses (exit 2) is a normal outcome, not a failed demo.
demo: install
	$(BIN)/python -m nerkit.corpus
	$(BIN)/python -m train trainer=quick
	$(BIN)/python -m registry action=promote || [ $$? -eq 2 ]
	$(BIN)/python -m registry action=list
	@echo
	@echo "Next:"
	@echo "  $(BIN)/mlflow ui --backend-store-uri sqlite:///mlflow.db   # compare runs and versions"
	@echo "  $(BIN)/python -m evaluate model=models:/contract-ner@champion"
	@echo "  $(BIN)/python -m serve                                       # serve the champion"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy nerkit train evaluate registry serve bench

unit: install
	$(BIN)/python -m pytest -q

test: lint typecheck unit

bench: install
	$(BIN)/python -m bench.throughput

clean:
	rm -rf outputs multirun mlruns mlartifacts .pytest_cache .mypy_cache .ruff_cache
