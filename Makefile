# Set-up and checks. Each target creates .venv (Python 3.10+) and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test oracle lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e ".[test]"
	touch $@

demo: $(VENV)/.installed  ## walk through the seed example and its pitfalls
	$(PY) -m chainrule demo

oracle: $(VENV)/.installed  ## install torch==2.13.0 (CPU) and the optional extras the tests exercise
	$(PY) -m pip install -q torch==2.13.0 -e ".[oracle,examples,viz,notebook]"

lint: $(VENV)/.installed
	$(PY) -m ruff check src tests benchmarks scripts

test: lint  ## ruff, then the whole suite (tests/oracle skip plainly without torch)
	$(PY) -m pytest tests -q

bench: $(VENV)/.installed  ## side-by-side benchmarks (needs `make oracle` for torch)
	$(PY) benchmarks/run.py --lib torch --lib chainrule

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
