"""The student bundle: ``paper-audit student [--out DIR]`` (``make student``).

It writes a folder that runs on its own, for students:

* ``notebooks/classroom/*.ipynb``: the hand-outs. Every solution is removed
  (the gated ``solution-start`` … ``solution-end`` cells, ``{solution}``
  blocks, cells tagged ``solution`` or ``hidden-tests``), and so is the build
  plumbing (cells tagged ``build``); glued texts (tolerances, reference rates)
  are written into the prose; links to the book's other pages point at the
  published book; a first code cell sets the package up on Colab.
* ``notebooks/classroom/{questions.csv,assignments.yml,rubrics.csv}``: the
  public content (forms, tolerances, hints, rubrics).
* ``src/paper_audit/``: the package without its instructor-only modules
  (``INSTRUCTOR_PACKAGE``); ``data/``: the data; ``requirements.txt``: what
  the hand-outs need, pinned, derived from their imports (``requirements``);
  ``pyproject.toml`` declaring the same; ``requirements-lab.txt``:
  JupyterLab with its MyST extension, pinned, installed with
  ``constraints.txt`` (the project's pins); a README.

The answer key (``notebooks/classroom/key/``) and the grader never go in.
The grader runs every submission against a copy of this same package
(``package_files``, ``stage``), so students are graded in the environment
they had. The folder is replaced whole, never over work done in it
(``bundle_folder``).
"""

from __future__ import annotations

import argparse
import copy
import importlib.metadata
import re
import shutil
from pathlib import Path

import nbformat
import yaml

from paper_audit import paths
from paper_audit.classroom import exercises
from paper_audit.classroom.solutions import strip_solutions
from paper_audit.errors import DataError
from paper_audit.instructor import bundle_folder, class_edition, key, requirements, variants

STUDENT_DIR = paths.REPO_ROOT / "student"
MARKER = bundle_folder.MARKER
INSTRUCTOR_PACKAGE = "instructor"  # paper_audit.instructor: the bundle and the grader, never shipped
PUBLIC_CONTENT = ("questions.csv", "assignments.yml", "rubrics.csv")
BUILD_TAG = "build"


def repository_url() -> str:
    """The repository in _config.yml: the bundle is published as its branch ``student``."""
    config = yaml.safe_load((paths.REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config.get("repository", {}).get("url", "")


def book_url() -> str:
    """The published book: GitHub Pages of the repository in _config.yml."""
    url = repository_url()
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)/?", url)
    if not match:
        raise DataError(f"_config.yml, field 'repository: url': {url!r} is not a GitHub repository")
    return f"https://{match.group(1)}.github.io/{match.group(2)}/"


_GLUE = re.compile(r"\{glue(?::[a-z]*)?\}`([^`]+)`")
_LINK = re.compile(r"\]\(((?:\.\./)+)([^)#\s]+?)\.(ipynb|md)(#[^)]*)?\)")


def _resolve_text(source: str, values: dict[str, str], base_url: str, name: str) -> str:
    def glue(match: re.Match) -> str:
        if match.group(1) not in values:
            raise DataError(
                f"{name}: the glued value {match.group(1)!r} has no text for the hand-out "
                "(exercises.page_values does not give it)"
            )
        return values[match.group(1)]

    def link(match: re.Match) -> str:
        # Relative to notebooks/classroom/: one '../' is notebooks/, two the root.
        ups, target, _, anchor = match.groups()
        prefix = "notebooks/" if ups == "../" else ""
        return f"]({base_url}{prefix}{target}.html{anchor or ''})"

    return _LINK.sub(link, _GLUE.sub(glue, source))


INSTALL_CELL = """\
# Set-up: run once. On your computer, after `pip install -e .` in the
# bundle, it does nothing; on Colab it fetches the bundle first.
import importlib.util
import pathlib
import subprocess
import sys

BUNDLE = "{bundle_url}"
BRANCH = "{bundle_branch}"
HERE = pathlib.Path.cwd()
ROOT = next((p for p in [HERE, *HERE.parents]
             if (p / "src" / "paper_audit").is_dir()), None)
if importlib.util.find_spec("paper_audit") is None:
    if ROOT is None and BUNDLE:
        ROOT = HERE / "paper-audit-student"
        subprocess.run(["git", "clone", "--depth", "1", "--branch",
                        BRANCH, BUNDLE, str(ROOT)], check=True)
    if ROOT is None:
        raise SystemExit("Open this notebook inside the bundle, "
                         "or ask your instructor for its address.")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "-r", str(ROOT / "requirements.txt")], check=True)
    sys.path.insert(0, str(ROOT / "src"))"""


def handout(
    notebook,
    assignment: str,
    *,
    base_url: str,
    bundle_url: str = "",
    bundle_branch: str = "student",
    name: str = "notebook",
    seed: str | None = None,
):
    """The hand-out of an assignment notebook: no solution, no build cell,
    the exercises as the class with ``seed`` is asked them
    (``class_edition.ask_as_class``), glued texts written in, links to the
    published book, an install cell, and the variant it was made for
    (``metadata.paper_audit.variant``)."""
    questions = key.questions(seed)
    result = strip_solutions(class_edition.ask_as_class(notebook, assignment, questions, name), name=name)
    values = exercises.page_values(assignment, questions)
    cells = []
    for cell in result.cells:
        if BUILD_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "markdown":
            cell.source = _resolve_text(cell.source, values, base_url, name)
        cells.append(cell)
    first_code = next((i for i, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    install = nbformat.v4.new_code_cell(INSTALL_CELL.format(bundle_url=bundle_url, bundle_branch=bundle_branch))
    install.metadata["tags"] = ["install"]
    cells.insert(first_code, install)
    result.cells = cells
    result.metadata["paper_audit"] = {"assignment": assignment, "handout": True, "variant": variants.label(seed)}
    return result


def package_files() -> list[tuple[str, Path]]:
    """(path in the bundle, source) of every file of the package without its
    instructor subpackage, of the data, and of the public content."""
    files = []
    source = paths.REPO_ROOT / "src" / "paper_audit"
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and relative.parts[0] != INSTRUCTOR_PACKAGE and path.suffix in (".py", ".mplstyle"):
            files.append((f"src/paper_audit/{relative.as_posix()}", path))
    for path in sorted(paths.DATA_DIR.rglob("*")):
        relative = path.relative_to(paths.DATA_DIR)
        if path.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            files.append((f"data/{relative.as_posix()}", path))
    for filename in PUBLIC_CONTENT:
        files.append((f"notebooks/classroom/{filename}", exercises.CLASSROOM_DIR / filename))
    return files


ASSIGNMENTS = "notebooks/classroom/assignments.yml"


def class_assignments(seed: str | None) -> str | None:
    """The text of assignments.yml for the class with ``seed``: its variant of
    every invented passage, text and given claims, in place of the book's
    (None without a seed: the file as it is)."""
    if seed is None:
        return None
    content = copy.deepcopy(exercises.assignments())
    chosen = key.asked(seed)
    for name in exercises.passage_names():
        text, rows = key.class_passage(name, seed)
        mine = {
            qid: v for qid, v in chosen.items() if v != exercises.BOOK and key.questions(seed)[qid].assignment == name
        }
        if mine:
            content[name]["asked"] = mine
        declared = content[name]["passage"]
        declared["text"] = text
        if declared.get("claims"):
            # Only the fields the book gives students: the key's own stay out.
            declared["claims"] = [
                {k: row[k] for k in given} for row, given in zip(rows, declared["claims"], strict=True)
            ]
    header = (
        "# The content of the assignments, written for one class by paper-audit student:\n"
        f"# the invented passages, and the variant of each question asked (asked), are\n"
        f"# this class's ({variants.label(seed)}).\n"
    )
    return header + yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=80)


def stage(seed: str | None = None) -> dict:
    """The bundle's package, data and public content as the grader's worker
    copies them into each submission's sandbox (``worker.stage``), with the
    class's variants of the passages when there is a ``seed``."""
    text = class_assignments(seed)
    files = [[relative, str(path)] for relative, path in package_files() if not (text and relative == ASSIGNMENTS)]
    return {"files": files, "texts": [[ASSIGNMENTS, text]] if text else []}


PYPROJECT = """\
# The student bundle's package: paper_audit without its instructor subpackage.
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "paper-audit"
version = "{version}"
requires-python = ">=3.11,<3.12"
# Derived from what the hand-outs import (requirements.txt pins them all).
dependencies = [{dependencies}]

[tool.setuptools.packages.find]
where = ["src"]
include = ["paper_audit", "paper_audit.*"]
"""


def write_package(root: Path, handouts: dict[str, object], seed: str | None = None) -> None:
    """The package without its instructor subpackage, the data, the public
    content (with the class's variants of the passages, given a ``seed``) and
    the set-up files for ``handouts`` (name -> notebook), under ``root`` (the
    layout of the repository)."""
    for relative, path in package_files():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, root / relative)
    text = class_assignments(seed)
    if text:
        (root / ASSIGNMENTS).write_text(text, encoding="utf-8")
    pins = requirements.runtime_pins(handouts)
    names = ", ".join(f'"{line.split("==")[0]}"' for line in pins)
    version = importlib.metadata.version("paper-audit")
    (root / "pyproject.toml").write_text(PYPROJECT.format(version=version, dependencies=names), encoding="utf-8")
    shutil.copy2(paths.REPO_ROOT / "requirements-lab.txt", root / "requirements-lab.txt")
    (root / "constraints.txt").write_text(
        "# The versions of everything the book's project pins: what JupyterLab pulls in\n"
        "# beyond requirements.txt is installed at these (pip install -c constraints.txt).\n"
        + "\n".join(requirements.project_pins().values())
        + "\n",
        encoding="utf-8",
    )
    (root / "requirements.txt").write_text(
        "# What the hand-outs import, through the paper_audit package, and the kernel that\n"
        "# runs them, with everything those need, pinned as in the project's requirements.txt.\n"
        + "\n".join(pins)
        + "\n",
        encoding="utf-8",
    )


README = """# {title}: classroom assignments

The hand-outs are in `notebooks/classroom/`. The book they belong to,
with every chapter they link to, is at {base_url}.

## Set up (Python 3.11)

```bash
python -m venv .venv
.venv/bin/pip install -r requirements.txt
.venv/bin/pip install --no-deps -e .
.venv/bin/pip install -c constraints.txt -r requirements-lab.txt   # JupyterLab with MyST
.venv/bin/jupyter lab notebooks/classroom
```

`requirements.txt` holds what the hand-outs need, pinned, and nothing
else; JupyterLab is apart, in `requirements-lab.txt`.

On Colab or Binder (the launch buttons of the book's classroom pages), run
the hand-out's first code cell: it sets the package up.

Each assignment works on a short passage invented for it, and your class may
have its own version of each, with other figures than the published book
shows: work from the passage in your hand-out (the book's pages show the same
exercises on the book's own version).

In each assignment, replace `None` in every answer cell with your answer and run
it: `check` says whether the answer has the form asked (a number of dollars, a
list of rates, a verdict's name) and what tolerance the grader allows. Your
instructor grades the values; the written answers are marked with the rubric
each exercise states. Hand in the notebooks as they are.
"""


def write_student_bundle(
    source_dir: Path = exercises.CLASSROOM_DIR,
    out_dir: Path = STUDENT_DIR,
    *,
    base_url: str | None = None,
    bundle_url: str | None = None,
    bundle_branch: str = "student",
    force: bool = False,
    seed: str | None = None,
    solutions: bool = False,
) -> list[Path]:
    """Write the bundle; return the paths of the hand-outs.

    Every notebook is made into a hand-out before anything is written, and the
    folder is replaced in one rename, so a refused notebook leaves no
    half-written folder; a folder where a file changed since it was written is
    not replaced unless ``force`` (``bundle_folder``). With a class ``seed``,
    every invented passage is the class's variant, and so is every question
    (``variants``). With ``solutions``, the instructor's edition of the same
    bundle: every answer cell answered by the solution of what the class is
    asked (``class_edition.solved_for_class``); never hand it out.
    """
    handouts = make_handouts(
        source_dir,
        base_url=base_url,
        bundle_url=bundle_url,
        bundle_branch=bundle_branch,
        seed=seed,
        solutions=solutions,
    )
    base_url = base_url or book_url()

    def write(folder: Path) -> list[str]:
        write_package(folder, handouts, seed)
        for filename, notebook in handouts.items():
            nbformat.write(notebook, folder / "notebooks" / "classroom" / filename)
        title = yaml.safe_load((paths.REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
        (folder / "README.md").write_text(README.format(title=title, base_url=base_url), encoding="utf-8")
        return [f"notebooks/classroom/{filename}" for filename in handouts]

    return bundle_folder.replace_folder(Path(out_dir), write, force=force)


def make_handouts(
    source_dir: Path = exercises.CLASSROOM_DIR,
    *,
    base_url: str | None = None,
    bundle_url: str | None = None,
    bundle_branch: str = "student",
    seed: str | None = None,
    solutions: bool = False,
) -> dict[str, object]:
    """File name -> hand-out, for every assignment notebook in ``source_dir``,
    as the class with ``seed`` is asked it (with ``solutions``: answered)."""
    source_dir = Path(source_dir)
    base_url = base_url or book_url()
    bundle_url = repository_url() if bundle_url is None else bundle_url
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        raise DataError(f"{source_dir}: no notebooks to hand out")
    handouts = {}
    for path in notebooks:
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception as error:  # nbformat raises several types for a bad file
            raise DataError(f"{path}: not a readable notebook ({error})") from None
        handouts[path.name] = handout(
            notebook,
            path.stem,
            base_url=base_url,
            bundle_url=bundle_url,
            bundle_branch=bundle_branch,
            name=str(path),
            seed=seed,
        )
        if solutions:
            handouts[path.name] = class_edition.solved_for_class(
                handouts[path.name], notebook, path.stem, seed, name=str(path)
            )
        nbformat.validate(handouts[path.name])
    return handouts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="paper-audit student",
        description="Write the student bundle: hand-outs without solutions, "
        "the package without the answer key, the data.",
    )
    parser.add_argument("--out", type=Path, default=None, help=f"where it goes (default: {STUDENT_DIR})")
    parser.add_argument("--book-url", default=None, help="the published book (default: from _config.yml)")
    parser.add_argument(
        "--bundle-url",
        default=None,
        help="the git repository where you will publish the bundle (default: the book's, "
        "from _config.yml); the hand-outs' Colab set-up clones it",
    )
    parser.add_argument(
        "--bundle-branch",
        default="student",
        help="the branch you will publish it as (default: student, which the classroom pages' launch buttons open)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace the folder even where a file in it changed since it was written"
    )
    parser.add_argument(
        "--seed-file",
        type=Path,
        default=None,
        help="your class's seed (made there if missing; keep it, never publish it): the invented passages "
        "become this class's variant, whose answers are in no public file; grade with the same file",
    )
    parser.add_argument(
        "--solutions",
        action="store_true",
        help="write your edition instead, to the folder --out names (outside the repository): the same bundle "
        "with every answer cell answered by the solution of what your class is asked; never hand it out",
    )
    parser.add_argument(
        "--requirements",
        action="store_true",
        help="print the bundle's requirements.txt (what the hand-outs need, pinned) and write nothing",
    )
    parser.add_argument("--source", type=Path, default=exercises.CLASSROOM_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requirements:
        print("\n".join(requirements.runtime_pins(make_handouts(args.source, base_url=args.book_url))))
        return 0
    seed = variants.class_seed(args.seed_file, create=True) if args.seed_file else None
    if args.solutions and args.out is None:
        raise DataError("--solutions needs --out: a folder of your own, outside the repository, never handed out")
    args.out = args.out or STUDENT_DIR
    written = write_student_bundle(
        args.source,
        args.out,
        base_url=args.book_url,
        bundle_url=args.bundle_url,
        bundle_branch=args.bundle_branch,
        force=args.force,
        seed=seed,
        solutions=args.solutions,
    )
    what = "your edition of the bundle" if args.solutions else "the student bundle"
    print(
        f"Wrote {what} to {Path(args.out).resolve()}: the package without the answer key, the data, "
        f"and {len(written)} hand-out(s) "
        + ("answered with your class's solutions:" if args.solutions else "without solutions:")
    )
    for path in written:
        print(f"  {path}")
    return 0
