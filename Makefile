# `make run` and `make test` do all the set-up on a fresh Debian/Ubuntu machine.
.PHONY: run test test-fast setup lint bench clean interaction-model

VENV := .venv
PY := $(VENV)/bin/python

setup:
	@scripts/setup.sh

run: setup
	@scripts/run.sh

test: setup
	@scripts/test.sh

test-fast: setup
	@scripts/test.sh -m "not slow"

lint: setup
	$(PY) -m ruff check app tests models installers scripts

bench: setup
	$(VENV)/bin/tandem bench

# Regenerate data, train, evaluate, export and quantize the interaction model (about an hour on 2 cores).
interaction-model: setup
	@scripts/build-interaction-model.sh

clean:
	rm -rf $(VENV) .pytest_cache
