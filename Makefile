# `make run` and `make test` do all the set-up on a fresh Debian/Ubuntu machine.
.PHONY: run test test-fast setup lint bench clean

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
	$(PY) -m ruff check app tests

bench: setup
	$(VENV)/bin/tandem bench

clean:
	rm -rf $(VENV) .pytest_cache
