# The README's two commands: `make book` and `make test`. Each sets up .venv on
# its own (idempotent: a stamp is redone only when its pins change). `make book`
# installs what the book needs (requirements.txt and the package); `make test`
# adds the test and development tools (requirements-dev.txt), with its own stamp.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
ARGS   ?=

# Every target names an action, never a file: without .PHONY `make book`
# would see the book/ folder and do nothing.
.PHONY: book test setup setup-dev rerun sweep student lab grade bench bench-suite lock lock-lab clean bundle-wheels \
	instructor-book

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Redone when requirements-dev.txt or requirements.txt (through $(STAMP)) changes.
$(DEV_STAMP): requirements-dev.txt requirements.txt $(STAMP)
	$(PIP) -r requirements-dev.txt
	touch $(DEV_STAMP)

setup: $(STAMP)

setup-dev: $(DEV_STAMP)

book: $(STAMP)
	$(PY) -m paper_audit.run.build

# On every core (pytest-xdist), each test module on one worker (its fixtures set
# up once); the book is built once for all of them (tests/browser_support.py).
# ARGS="-n0" runs in this process alone (a debugger, a single test).
test: $(DEV_STAMP) bundle-wheels
	$(PY) -m pytest -n auto --dist loadfile $(ARGS)

rerun: $(STAMP)
	$(VENV)/bin/paper-audit rerun $(ARGS)

sweep: $(STAMP)
	$(VENV)/bin/paper-audit sweep $(ARGS)

student: $(STAMP)
	$(VENV)/bin/paper-audit student $(ARGS)

# The wheels of what the student bundle needs (its requirements.txt, derived from
# what the hand-outs import), fetched here so that tests/test_bundle_env.py can
# build a clean environment from the bundle alone, offline. Fetched again only
# when those requirements change (the list is derived anew each time, in a second).
BUNDLE_WHEELS := $(VENV)/bundle-wheels
bundle-wheels: $(STAMP)
	@mkdir -p $(BUNDLE_WHEELS)
	@$(VENV)/bin/paper-audit student --requirements > $(BUNDLE_WHEELS)/requirements.new
	@# with the build backend the bundle's pyproject.toml names, for `pip install -e` of the bundle
	@if cmp -s $(BUNDLE_WHEELS)/requirements.new $(BUNDLE_WHEELS)/requirements.txt; then \
		rm $(BUNDLE_WHEELS)/requirements.new; \
	else \
		$(PY) -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
			-d $(BUNDLE_WHEELS) -r $(BUNDLE_WHEELS)/requirements.new "setuptools>=64" \
		&& mv $(BUNDLE_WHEELS)/requirements.new $(BUNDLE_WHEELS)/requirements.txt; \
	fi

# The notebook interface on the student bundle, as a student has it: `student/`
# (written only if missing: `paper-audit student` never replaces a folder where
# a file changed, so a hand-out worked in is never lost) and .venv-lab, an
# environment built from the bundle's own requirements with the bundle's
# package installed from student/ (never the instructor's, so neither the
# grader nor the key can be imported from JupyterLab), plus JupyterLab and its
# MyST extension, pinned apart from the book's environment.
LAB      := .venv-lab
LAB_SITE := $(LAB)/lib/python3.11/site-packages
LAB_STAMP := $(LAB)/.installed
LAB_PIP  := $(LAB)/bin/python -m pip install --quiet --disable-pip-version-check
student/requirements.txt: | $(STAMP)
	$(VENV)/bin/paper-audit student

$(LAB_STAMP): requirements-lab.txt student/requirements.txt
	rm -rf $(LAB)
	$(PYTHON) -m venv $(LAB)
	$(LAB_PIP) -r student/requirements.txt
	$(LAB_PIP) -c student/constraints.txt -r requirements-lab.txt
	$(LAB_PIP) --no-deps -e student
	@# An extension built for another JupyterLab loads as "X": fail here, not in the browser.
	$(LAB)/bin/python -m jupyter labextension list 2>&1 | grep -q "jupyterlab-myst.*enabled.*OK" \
		|| { echo "jupyterlab-myst is not compatible with the pinned JupyterLab" >&2; exit 1; }
	@# The bundle's package, not the instructor's: no grader, no key.
	$(LAB)/bin/python -c "import paper_audit, importlib.util as u; \
		assert u.find_spec('paper_audit.instructor') is None, paper_audit.__file__"
	touch $(LAB_STAMP)

lab: $(LAB_STAMP)
	$(LAB)/bin/jupyter-lab student/notebooks/classroom $(ARGS)

# The instructor's edition: the book with every solution folded under its exercise
# (the public book, `make book`, has none), into its own folder; never publish it.
instructor-book: $(STAMP)
	PAPER_AUDIT_EDITION=instructor $(PY) -m paper_audit.run.build --html _build/instructor/html

# make grade ASSIGNMENT=02_implied_rates SUBMISSIONS=folder [ARGS="--marks marks.csv"]
grade: $(STAMP)
	$(VENV)/bin/paper-audit grade $(ASSIGNMENT) $(SUBMISSIONS) --out $(or $(OUT),scores.csv) $(ARGS)

bench: $(STAMP)
	$(PY) bench/build_bench.py
	$(PY) bench/sweep_bench.py

# What the test suite costs on a fresh clone, set-up excluded: the fast subset
# and the whole `make test` (long: it runs the whole suite; ARGS="--only fast").
bench-suite: $(DEV_STAMP) bundle-wheels
	$(PY) bench/suite_bench.py $(ARGS)

# Rewrite requirements.txt and requirements-dev.txt together from what .venv
# holds now (after a deliberate `.venv/bin/pip install NAME==VERSION`): every
# installed distribution is pinned once, in requirements.txt if it is in the
# closure of pyproject.toml's [project] dependencies (what the book needs to
# build and run), else in requirements-dev.txt (what only tests and development
# add). Each file keeps its leading # comments.
define LOCK_SPLIT
import re, subprocess, sys, tomllib
from importlib import metadata
from packaging.requirements import Requirement

def key(name):
    return re.sub(r"[-_.]+", "-", name).lower()

freeze = [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable", "--exclude", "pip"]
lines = sorted(subprocess.run(freeze, capture_output=True, text=True, check=True).stdout.splitlines(), key=str.lower)
with open("pyproject.toml", "rb") as handle:
    todo = [Requirement(d) for d in tomllib.load(handle)["project"]["dependencies"]]
book, missing = set(), set()
while todo:
    requirement = todo.pop()
    for extra in ("", *sorted(requirement.extras)):
        if (key(requirement.name), extra) in book:
            continue
        book.add((key(requirement.name), extra))
        try:
            requires = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            missing.add(requirement.name)
            continue
        for text in requires:
            needed = Requirement(text)
            if needed.marker is None or needed.marker.evaluate({"extra": extra}):
                todo.append(needed)
if missing:
    sys.exit("make lock: not installed in .venv: " + ", ".join(sorted(missing)))
book = {name for name, extra in book}
pinned = {key(re.split("[=@ ]", line)[0]): line for line in lines}

def write(path, first, names):
    head = [line for line in open(path).read().splitlines() if line.startswith("#")]
    open(path, "w").write("\n".join(head + first + [pinned[n] for n in sorted(pinned, key=lambda n: pinned[n].lower()) if n in names]) + "\n")

write("requirements.txt", [], book)
write("requirements-dev.txt", ["-r requirements.txt"], set(pinned) - book)
print(f"make lock: requirements.txt {len(book)} pins, requirements-dev.txt {len(pinned) - len(book)} more")
endef
export LOCK_SPLIT

# .venv holds exactly what the files now say: its stamps stay valid (else the
# next make would reinstall the old pins over a deliberate change).
lock: $(DEV_STAMP)
	$(PY) -c "$$LOCK_SPLIT"
	touch $(STAMP) $(DEV_STAMP)

# Rewrite requirements-lab.txt from what .venv-lab holds beyond requirements.txt's
# pins (after a deliberate pip install there).
lock-lab: $(LAB_STAMP)
	grep -v '^#' requirements.txt > requirements-lab.txt.pins
	{ sed -n '/^#/p' requirements-lab.txt; $(LAB)/bin/python -m pip freeze --exclude-editable --path $(LAB_SITE) \
		| grep -v -i -x -F -f requirements-lab.txt.pins | grep -v -i '^\(pip\|setuptools\)==' | sort -f; } \
		> requirements-lab.txt.tmp
	mv requirements-lab.txt.tmp requirements-lab.txt
	rm -f requirements-lab.txt.pins

clean:
	rm -rf _build .jupyter_cache jupyter_execute
