# The README's two commands: `make book` and `make test`. Each sets up .venv on
# its own (idempotent: the stamp is redone only when the pins change).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=

# Every target names an action, never a file: without .PHONY `make book`
# would see the book/ folder and do nothing.
.PHONY: book test setup rerun sweep student bench lock clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

book: $(STAMP)
	$(PY) -m paper_audit.build

test: $(STAMP)
	$(PY) -m pytest $(ARGS)

rerun: $(STAMP)
	$(VENV)/bin/paper-audit rerun $(ARGS)

sweep: $(STAMP)
	$(VENV)/bin/paper-audit sweep $(ARGS)

student: $(STAMP)
	$(VENV)/bin/paper-audit student $(ARGS)

bench: $(STAMP)
	$(PY) bench/build_bench.py
	$(PY) bench/sweep_bench.py

# Rewrite requirements.txt from what .venv holds now (after a deliberate pip install).
lock: $(STAMP)
	{ sed -n '/^#/p' requirements.txt; $(PY) -m pip freeze --exclude-editable | sort -f; } > requirements.txt.tmp
	mv requirements.txt.tmp requirements.txt

clean:
	rm -rf _build .jupyter_cache jupyter_execute
