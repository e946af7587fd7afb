"""A class's own variant of the first two assignments: the figures the
hand-outs ask students to recompute (sums, rates) are drawn from a seed only
the instructor keeps, and so is what each question asks, so the values graded
are in no public file. The same seed gives the same hand-out and key, another
seed others; the key is computed on the instructor's side and never ships;
the real grader, in its sandbox, gives the instructor's solutions for the
class full marks, and the untouched hand-out, the book's own answers or the
book's solution cells nothing."""

import html
import re
import subprocess

import nbformat
import numpy as np
import pytest
import yaml

from paper_audit import paths
from paper_audit.audit import rounding, verdicts
from paper_audit.classroom import exercises
from paper_audit.instructor import assignment, bundle, class_edition, grading, key, variants
from sandbox_support import require_sandbox

A1, A2 = "01_recompute_a_conversion", "02_implied_rates"
SEED = "a-class-seed-for-these-tests-7f3a9c"
OTHER = "another-class-seed-for-tests-41d2e8"
QUESTIONS = exercises.load_questions()
AUTO = {name: [q.id for q in QUESTIONS.values() if q.assignment == name and q.form != "written"] for name in (A1, A2)}

pytest_plugins = ["browser_support"]  # the one shared build of the book


def numeric(value) -> bool:
    """Whether a key's value is a number, a list of numbers or an interval (not a name, a truth value or a finding)."""
    if isinstance(value, (bool, np.bool_, str, dict)):
        return False
    return not isinstance(value, list) or all(numeric(v) for v in value)


def numbers(value) -> list[float]:
    if isinstance(value, rounding.Interval):
        return [value.low, value.high]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in numbers(v)]
    return [float(value)]


def graded_questions(seed) -> list[str]:
    """The auto-graded questions of the first two assignments whose answer, for the class with ``seed``, is numeric."""
    expected = key.expected(seed)
    return [q for name in (A1, A2) for q in AUTO[name] if numeric(expected[q])]


def spellings(value) -> set[str]:
    """How a value could be written (full, rounded, with separators), keeping
    only the spellings long enough not to be taken for another number."""
    found = set()
    for x in numbers(value):
        forms = {repr(x), f"{x:.6g}", f"{x:.4f}", f"{x:.2f}", f"{x:,.0f}", f"{x:,.2f}", f"{x:.0f}"}
        found |= {f for f in forms if len(re.sub(r"\D", "", f).strip("0")) >= 4}
    return found


def asked(seed) -> dict[str, set[str]]:
    """question -> the spellings of the value a class with ``seed`` is asked for."""
    expected = key.expected(seed)
    return {q: spellings(expected[q]) for q in graded_questions(seed)}


def found_in(texts: dict[str, str], wanted: dict[str, set[str]]) -> list[str]:
    return [
        f"{question} ({form}) in {name}"
        for name, text in texts.items()
        for question, forms in wanted.items()
        for form in forms
        if form in text
    ]


def repository_texts() -> dict[str, str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=paths.REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    texts = {}
    for name in filter(None, listed.split("\0")):
        path = paths.REPO_ROOT / name
        if path.is_file():
            texts[name] = path.read_text(encoding="utf-8", errors="replace")
    return texts


# ---------------------------------------------------------------- the draws


def test_two_seeds_ask_for_different_values():
    mine, theirs, book = key.expected(SEED), key.expected(OTHER), key.expected(None)
    both = set(graded_questions(SEED)) & set(graded_questions(OTHER))
    assert len(both) >= 4, both
    for question in graded_questions(SEED):
        if question in both:
            assert numbers(mine[question]) != numbers(theirs[question]), question
        if numeric(book[question]):
            assert numbers(mine[question]) != numbers(book[question]), (
                f"{question}: the class is asked the book's value"
            )
    for name in (A1, A2):
        assert key.class_passage(name, SEED)[0] != key.class_passage(name, OTHER)[0]
        assert key.class_passage(name, SEED)[0] != exercises.passage(name)[1]


def test_every_verdict_and_odd_pair_asked_differs_from_class_to_class():
    """Not only the numbers: over a few classes, each verdict a class is asked
    (as a finding's) and each odd pair takes more than one value, so neither
    can be copied from another class's answers. (The gift's dollar figure is
    always drawn at another rate than the official one, so the check against
    that rate always finds it inconsistent: that finding is graded on its
    kind and inputs.)"""
    seen: dict[tuple[str, str], set[str]] = {}
    for n in range(24):
        seed = f"variety-seed-{n:02d}-0123456789"
        expected, asked_variants = key.expected(seed), key.asked(seed)
        for name in (A1, A2):
            for q in AUTO[name]:
                value = expected[q]
                if isinstance(value, dict):
                    seen.setdefault((q, asked_variants[q]), set()).add(value["verdict"])
                elif isinstance(value, str):
                    seen.setdefault((q, asked_variants[q]), set()).add(value)
    assert seen.pop(("gift_verdict", "gift_finding")) == {verdicts.INCONSISTENT}
    assert len(seen) >= 6, sorted(seen)
    assert all(len(values) >= 2 for values in seen.values()), seen
    assert {v for values in seen.values() for v in values} & set(verdicts.GRADES), seen


def test_the_same_seed_gives_the_same_hand_out_and_the_same_key():
    first_content, first_key = bundle.class_assignments(SEED), key.expected(SEED)
    key.clear_caches()
    assert bundle.class_assignments(SEED) == first_content
    again = key.expected(SEED)
    numeric_ones = graded_questions(SEED)
    assert all(numbers(again[q]) == numbers(first_key[q]) for q in numeric_ones)
    assert all(again[q] == first_key[q] for name in (A1, A2) for q in AUTO[name] if q not in numeric_ones)


def test_every_variant_keeps_its_claims_in_its_passage():
    for n in range(16):
        seed = f"well-formed-seed-{n:02d}-0123456789"
        content = yaml.safe_load(bundle.class_assignments(seed))
        for name in (A1, A2):
            text = " ".join(content[name]["passage"]["text"].split())
            given = content[name]["passage"]["claims"]
            assert [c["id"] for c in given] == [c["id"] for c in exercises.passage_claims(name)]
            assert all(text.count(c["quote"]) == 1 and c["figure"] in c["quote"] for c in given), (seed, name)


# ---------------------------------------------------------------- out of sight


def test_the_scan_finds_a_value_where_it_is_written():
    """The scans below can fail: a file that holds a class's value is found."""
    wanted = asked(SEED)
    value = key.expected(SEED)["soviet_usd"]
    planted = {"notes.md": f"The credit comes to {value:,.0f} dollars.", "clean.md": "Nothing here."}
    assert found_in(planted, wanted) == [f"soviet_usd ({value:,.0f}) in notes.md"]
    assert all(spellings for spellings in wanted.values()), "a value with no spelling to look for"


def test_a_class_s_values_are_in_no_file_of_the_repository():
    texts = repository_texts()
    assert "notebooks/classroom/assignments.yml" in texts and len(texts) > 100
    assert not found_in(texts, asked(SEED))
    assert not found_in(texts, asked(OTHER))


def test_the_bundle_holds_the_class_s_figures_and_not_its_key(tmp_path):
    out = tmp_path / "student"
    bundle.write_student_bundle(exercises.CLASSROOM_DIR, out, seed=SEED)
    files = {
        str(p.relative_to(out)): p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()
    }
    assert not [n for n in files if "key" in n.split("/") or "/instructor/" in n], sorted(files)
    shipped = yaml.safe_load(files["notebooks/classroom/assignments.yml"])
    for name in (A1, A2):
        assert " ".join(shipped[name]["passage"]["text"].split()) == key.class_passage(name, SEED)[0]
        book = exercises.passage_claims(name)
        drawn = [c["id"] for c, b in zip(shipped[name]["passage"]["claims"], book, strict=True) if c != b]
        assert len(drawn) >= len(book) - 1, f"{name}: the book's figures are shipped"
        handout = nbformat.read(out / "notebooks" / "classroom" / f"{name}.ipynb", as_version=4)
        assert handout.metadata["paper_audit"]["variant"] == variants.label(SEED)
    assert not found_in(files, asked(SEED)), "a value the class is asked for is in its bundle"
    key_lines = [
        line for path in key.KEY_DIR.glob("*.csv") for line in path.read_text(encoding="utf-8").splitlines()[1:]
    ]
    assert key_lines and not [line for line in key_lines for text in files.values() if line in text]
    solutions = [
        code for variants_ in yaml.safe_load(key.SOLUTIONS_YML.read_text()).values() for code in variants_.values()
    ]
    assert solutions and not [code for code in solutions for text in files.values() if code in text]
    assert shipped[A1]["asked"] == {q: v for q, v in key.asked(SEED).items() if q in AUTO[A1]}
    assert SEED not in "\n".join(files.values())


@pytest.mark.build
def test_the_public_book_shows_the_book_s_variant_and_no_class_s_values(built_html):
    pages = {
        str(p.relative_to(built_html)): p.read_text(encoding="utf-8", errors="replace")
        for folder in (built_html / "notebooks" / "classroom", built_html / "_sources" / "notebooks" / "classroom")
        for p in folder.glob("*")
        if p.is_file()
    }
    assert len([n for n in pages if n.endswith(".html")]) == 3, sorted(pages)
    for name in (A1, A2):
        page = re.sub(r"\s+", " ", html.unescape(pages[f"notebooks/classroom/{name}.html"]))
        assert exercises.passage(name)[1][:60] in page, f"{name}: the book's variant is not shown"
    assert not found_in(pages, asked(SEED))
    assert not found_in(pages, asked(OTHER))


# ---------------------------------------------------------------- graded by the real grader


def handed_out(name: str, seed=SEED):
    return bundle.handout(
        nbformat.read(exercises.CLASSROOM_DIR / f"{name}.ipynb", as_version=4),
        name,
        base_url="https://x.org/",
        seed=seed,
    )


def answered_with_the_book_s_solutions(name: str, seed=SEED):
    """The class's hand-out answered with the repository's solution cells, as
    committed: they answer the book's questions, whatever passage is staged."""
    source = nbformat.read(exercises.CLASSROOM_DIR / f"{name}.ipynb", as_version=4)
    solutions = {}
    for cell in source.cells:
        if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
            match = re.search(r'check\("([a-z_]+)"', cell.source)
            if match:
                solutions[match.group(1)] = cell.source
    notebook = handed_out(name, seed)
    for cell in notebook.cells:
        question = (cell.metadata.get("paper_audit") or {}).get("question")
        if cell.cell_type == "code" and question:
            cell.source = solutions[question]
    return notebook


def plain(value):
    """A key's value as a student would type it (no numpy, an interval as its ends)."""
    if isinstance(value, rounding.Interval):
        return (float(value.low), float(value.high))
    if isinstance(value, list):
        return [float(x) for x in value]
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return float(value)


def typed(name: str, answers: dict, seed=SEED):
    """The class's hand-out answered with values typed in (the book's own, say)."""
    notebook = handed_out(name, seed)
    for cell in notebook.cells:
        question = (cell.metadata.get("paper_audit") or {}).get("question")
        if cell.cell_type == "code" and question:
            value = plain(answers[question])
            cell.source = f"answer = {value!r}\ncheck({question!r}, answer)"
    return notebook


@pytest.mark.parametrize("name", [A1, A2])
def test_a_class_is_graded_on_its_own_variant(tmp_path, name):
    """The instructor's edition for the class (its hand-out answered with the
    solutions of what it is asked) gets every automatic point; the book's
    solution cells, the book's values and the untouched hand-out get none."""
    require_sandbox()
    folder = tmp_path / "handed-in"
    folder.mkdir()
    original = nbformat.read(exercises.CLASSROOM_DIR / f"{name}.ipynb", as_version=4)
    nbformat.write(class_edition.solved_for_class(handed_out(name), original, name, SEED), folder / "right.ipynb")
    nbformat.write(answered_with_the_book_s_solutions(name), folder / "copied.ipynb")
    nbformat.write(handed_out(name), folder / "untouched.ipynb")
    nbformat.write(typed(name, key.expected(None)), folder / "book.ipynb")
    rows = grading.grade(
        name, folder, tmp_path / "scores.csv", seed=SEED, notebook_timeout=240, progress=lambda _: None
    )
    items = {i.question.id: i for i in assignment.assignment_items(name)}
    points = {(r["submission"], r["question"]): r["points"] for r in rows}
    auto = AUTO[name]
    assert [points[("right", q)] for q in auto] == [items[q].points for q in auto], rows
    assert [points[("copied", q)] for q in auto] == [0] * len(auto), rows
    assert [points[("untouched", q)] for q in auto] == [0] * len(auto), rows
    assert [points[("book", q)] for q in auto] == [0] * len(auto), "the book's values fit the class"
