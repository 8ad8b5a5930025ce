# Two commands on a fresh machine (see README):
#   make demo   the main job: a simulated class built, released, graded, exported
#   make test   the test suite (installs what it needs; `make browser` first for the browser tier)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader shells out to `alembic`: the venv's scripts must be on PATH
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: demo test test-fast lint test-postgres install class-env browser hub-deps build check-generated bench clean

demo: $(STAMP)
	$(BIN)/python -m autograder demo --students 40 --out demo-output

# Test runs write bytecode (__pycache__/, gitignored) even where the environment says
# not to: pytest's rewritten asserts and every module, the tests' subprocesses included,
# compile once instead of on every run
test test-fast test-postgres: export PYTHONDONTWRITEBYTECODE :=

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# The edit-test loop: the unit tier (pure Python: no subprocess, kernel, gradebook
# or browser; tests/tiers.py) without its few slow tests, on two processes
# (pytest-xdist), property tests at a fifth of their examples (the `fast` Hypothesis
# profile, tests/conftest.py).  `make test` runs every test at full strength.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --hypothesis-profile=fast -m "unit and not slow"

# Syntax errors and pyflakes (unused imports, undefined names); rules in pyproject.toml
lint: $(STAMP)
	$(BIN)/ruff check .

# The gradebook tests again with every course's gradebook in a private PostgreSQL
# (root; Debian's postgresql, installed by `make hub-deps`).  See tests/pgtier.py.
PG_TESTS := tests/test_pgtier.py tests/test_grading.py tests/test_export.py tests/test_roster.py \
            tests/test_tables.py tests/test_releasefeedback.py
test-postgres: $(STAMP)
	@if [ "$$(id -u)" != 0 ] || [ -z "$$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null)" ]; then \
	  echo "test-postgres: needs root and Debian's postgresql (make hub-deps); skipped"; exit 0; fi; \
	KEFU_TEST_POSTGRES=1 $(BIN)/python -m pytest -q -p no:cacheprovider $(PG_TESTS)

install: $(STAMP)

$(STAMP): pyproject.toml autograder/__init__.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,postgres]'
	@touch $(STAMP)

# The environment students' kernels run in (JupyterHub, a shared server):
# NON-editable, from a wheel, so nothing in it leads back to this checkout's
# exercises/ (bank, keys, rubrics).  `make install` (.venv, editable) is for
# the instructor and developers only; keep this checkout chmod 700, and so put
# CLASS_ENV outside it (students must be able to read the environment).
CLASS_ENV ?= /opt/kefu-class
class-env:
	@test -x $(CLASS_ENV)/bin/python || $(PYTHON) -m venv $(CLASS_ENV)
	@set -e; wheels=$$(mktemp -d); rm -rf build; \
	  $(CLASS_ENV)/bin/python -m pip install --quiet --disable-pip-version-check "setuptools>=68" "wheel>=0.41"; \
	  $(CLASS_ENV)/bin/python -m pip wheel --quiet --no-deps --no-build-isolation -w "$$wheels" .; \
	  rm -rf build; \
	  $(CLASS_ENV)/bin/python -m pip install --quiet --disable-pip-version-check "$$wheels"/*.whl; \
	  $(CLASS_ENV)/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$$wheels"/*.whl; \
	  rm -rf "$$wheels"
	@echo "students' environment ready: $(CLASS_ENV) (non-editable; point the class's kernels at $(CLASS_ENV)/bin/python)"

# Debian's Chromium for the browser tier (Playwright drives it; no browser download).
# An explicit step (.ci/run calls it): without Chromium `make test` skips the browser
# tests and says to run this, unless KEFU_REQUIRE_BROWSER=1 (set by .ci/run).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=; if [ "$$(id -u)" != 0 ]; then \
	    if sudo -n true 2>/dev/null; then SUDO=sudo; else \
	      echo "browser: Chromium missing and sudo needs a password: run 'sudo make browser' (until then the browser tier is skipped)"; exit 0; fi; \
	  fi; \
	  echo "installing Debian's chromium for the browser tests"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# What the JupyterHub class test (tests/hub, marker `hub`) needs: from Debian
# the system Python's venv module and PostgreSQL; then the shared student
# environment /opt/kefu-hub/venv (JupyterHub, the PyPI proxy, the culler and
# the kit, from PyPI) built once, so the test's `hub up` finds it ready.
hub-deps: $(STAMP)
	@if [ "$$(id -u)" != 0 ]; then echo "hub-deps: not root; the hub test will be skipped"; exit 0; fi; \
	missing=; for p in postgresql python3-venv; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing for the hub test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi; \
	$(BIN)/python -c "from pathlib import Path; from autograder.hub.env import ensure_venv; \
	ensure_venv(Path('/opt/kefu-hub/venv'))"

# bank (exercises/bank/*.yaml) -> exercises/source notebooks; course/src/*.md -> course/*.ipynb
build: $(STAMP)
	$(BIN)/python -m autograder build

check-generated: $(STAMP)
	$(BIN)/python -m autograder build --check

bench: $(STAMP)
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_grade.py

clean:
	rm -rf demo-output bench-output test-artifacts .pytest_cache
