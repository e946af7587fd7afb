# The README's two commands: `make book` and `make test`. Each sets up .venv on
# its own (idempotent: the stamp is redone only when the pins change).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ARGS   ?=

# Every target names an action, never a file: without .PHONY `make book`
# would see the book/ folder and do nothing.
.PHONY: book test setup rerun sweep student lab grade bench lock lock-lab clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

book: $(STAMP)
	$(PY) -m paper_audit.run.build

test: $(STAMP)
	$(PY) -m pytest $(ARGS)

rerun: $(STAMP)
	$(VENV)/bin/paper-audit rerun $(ARGS)

sweep: $(STAMP)
	$(VENV)/bin/paper-audit sweep $(ARGS)

student: $(STAMP)
	$(VENV)/bin/paper-audit student $(ARGS)

# The notebook interface, in its own environment on top of .venv (a .pth file
# adds .venv's packages), so JupyterLab never slows the book's build.
LAB      := .venv-lab
LAB_SITE := $(LAB)/lib/python3.11/site-packages
LAB_STAMP := $(LAB)/.installed
$(LAB_STAMP): requirements-lab.txt requirements.txt $(STAMP)
	$(PYTHON) -m venv $(LAB)
	echo "import site; site.addsitedir('$(abspath $(VENV))/lib/python3.11/site-packages')" > $(LAB_SITE)/paper-audit-base.pth
	$(LAB)/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.txt -r requirements-lab.txt
	@# An extension built for another JupyterLab loads as "X": fail here, not in the browser.
	$(LAB)/bin/python -m jupyter labextension list 2>&1 | grep -q "jupyterlab-myst.*enabled.*OK" \
		|| { echo "jupyterlab-myst is not compatible with the pinned JupyterLab" >&2; exit 1; }
	touch $(LAB_STAMP)

lab: $(LAB_STAMP)
	$(VENV)/bin/paper-audit student
	$(LAB)/bin/jupyter-lab student/notebooks/classroom $(ARGS)

# make grade ASSIGNMENT=02_implied_rates SUBMISSIONS=folder [ARGS="--marks marks.csv"]
grade: $(STAMP)
	$(VENV)/bin/paper-audit grade $(ASSIGNMENT) $(SUBMISSIONS) --out $(or $(OUT),scores.csv) $(ARGS)

bench: $(STAMP)
	$(PY) bench/build_bench.py
	$(PY) bench/sweep_bench.py

# Rewrite requirements.txt from what .venv holds now (after a deliberate pip install).
lock: $(STAMP)
	{ sed -n '/^#/p' requirements.txt; $(PY) -m pip freeze --exclude-editable | sort -f; } > requirements.txt.tmp
	mv requirements.txt.tmp requirements.txt

# Rewrite requirements-lab.txt from what .venv-lab adds (after a deliberate pip install there).
lock-lab: $(LAB_STAMP)
	{ sed -n '/^#/p' requirements-lab.txt; $(LAB)/bin/python -m pip freeze --path $(LAB_SITE) | sort -f; } > requirements-lab.txt.tmp
	mv requirements-lab.txt.tmp requirements-lab.txt

clean:
	rm -rf _build .jupyter_cache jupyter_execute
