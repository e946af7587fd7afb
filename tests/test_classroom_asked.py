"""What a class is asked: a class's seed changes which quantity each question
of the first two assignments asks for (which figure, direction, rate or pair,
or the finding of a check in place of its verdict), not only the figures.
The repository's solution cells answer the book's questions: on a class's
variant they score no automatic point, while the instructor's edition for
that class (its hand-out answered with the solutions of what it is asked)
scores every one. Graded through the key and the judge, on the answers the
cells compute when executed (``capture.plain``, as the grader reads them);
tests/test_classroom_variants.py grades the same in the sandbox."""

import contextlib
import io
import re
import shutil

import nbformat
import pytest
import yaml

from paper_audit import paths
from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor import assignment, bundle, capture, class_edition, judging, key

A1, A2 = "01_recompute_a_conversion", "02_implied_rates"
SEEDS = ["first-class-seed-0123456789ab", "second-class-seed-0123456789", "third-class-seed-0123456789ab"]
FAMILIES = exercises.question_variants()
VARYING = [qid for qid, family in FAMILIES.items() if len(family) > 1]


def original(name: str):
    return nbformat.read(exercises.CLASSROOM_DIR / f"{name}.ipynb", as_version=4)


def handed_out(name: str, seed):
    return bundle.handout(original(name), name, base_url="https://example.org/", seed=seed)


def book_solutions(name: str) -> dict[str, str]:
    """question -> the source of its solution cell in the repository's notebook, as committed."""
    found = {}
    for cell in original(name).cells:
        if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
            found.update({q: cell.source for q in re.findall(r'check\("([a-z_]+)"', cell.source)})
    return found


def copied(name: str, seed):
    """The class's hand-out answered with the repository's solution cells."""
    notebook, solutions = handed_out(name, seed), book_solutions(name)
    for cell in notebook.cells:
        question = (cell.metadata.get("paper_audit") or {}).get("question")
        if cell.cell_type == "code" and question:
            cell.source = solutions[question]
    return notebook


def executed_answers(notebook, seed, monkeypatch, printed=None) -> dict[str, dict]:
    """Run the notebook's code in this process on the class's content (as the
    bundle the sandbox stages has it); question -> the answer captured after
    its cell, as the grader captures it. What the cells print goes to ``printed``."""
    content = yaml.safe_load(bundle.class_assignments(seed)) if seed else exercises.assignments()
    monkeypatch.setattr(exercises, "assignments", lambda project=None: content)
    exercises.clear_caches()
    namespace, captured, out = {}, {}, io.StringIO() if printed is None else printed
    try:
        for cell in notebook.cells:
            if cell.cell_type != "code" or "install" in cell.metadata.get("tags", []):
                continue
            with contextlib.redirect_stdout(out):
                exec(compile(cell.source, "<cell>", "exec"), namespace)
            question = (cell.metadata.get("paper_audit") or {}).get("question")
            if question:
                captured[question] = {"question": question, "answer": capture.plain(namespace.get("answer"))}
    finally:
        monkeypatch.undo()
        exercises.clear_caches()
    return captured


def automatic_points(name: str, captured: dict, seed) -> dict[str, float]:
    return {
        item.question.id: judging.judge(item, captured.get(item.question.id), captured, seed)[0]
        for item in assignment.assignment_items(name)
        if item.question.form != "written"
    }


def full(name: str) -> dict[str, float]:
    return {i.question.id: i.points for i in assignment.assignment_items(name) if i.question.form != "written"}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", [A1, A2])
def test_the_repository_s_solutions_score_nothing_on_a_class_variant(name, seed, monkeypatch):
    got = automatic_points(name, executed_answers(copied(name, seed), seed, monkeypatch), seed)
    assert got == dict.fromkeys(full(name), 0.0), got
    instructors = class_edition.solved_for_class(handed_out(name, seed), original(name), name, seed)
    printed = io.StringIO()
    assert automatic_points(name, executed_answers(instructors, seed, monkeypatch, printed), seed) == full(name)
    ticks = printed.getvalue()
    assert "✗" not in ticks and ticks.count("✓") == len(full(name)), "the public check knows the class's forms"


@pytest.mark.parametrize("name", [A1, A2])
def test_on_the_book_s_variant_the_repository_s_solutions_score_full(name, monkeypatch):
    """The harness can give points: without a seed the copied solutions are the right ones."""
    assert automatic_points(name, executed_answers(copied(name, None), None, monkeypatch), None) == full(name)


def test_seeds_differ_in_what_is_asked():
    """Not only the values: which variant each question is asked differs from class to class."""
    asked = [key.asked(f"what-is-asked-{n:02d}-0123456789") for n in range(12)]
    assert len({tuple(sorted(a.items())) for a in asked[:5]}) == 5, asked[:5]
    for qid in VARYING:
        assert len({a[qid] for a in asked}) >= 2, qid


def test_every_question_that_has_variants_is_asked_in_one_of_them_by_every_class():
    assert {FAMILIES[q][exercises.BOOK].assignment for q in VARYING} == {A1, A2}
    for seed in SEEDS:
        chosen = key.asked(seed)
        assert all(chosen[q] != exercises.BOOK for q in VARYING), chosen
    assert set(key.asked(None).values()) == {exercises.BOOK}


@pytest.mark.parametrize("name", [A1, A2])
def test_the_hand_out_states_what_the_class_is_asked(name):
    seed, questions = SEEDS[0], key.questions(SEEDS[0])
    text = " ".join(" ".join(c.source.split()) for c in handed_out(name, seed).cells if c.cell_type == "markdown")
    book_text = " ".join(" ".join(c.source.split()) for c in original(name).cells if c.cell_type == "markdown")
    for qid in VARYING:
        q = questions[qid]
        if q.assignment != name:
            continue
        book_title = re.search(
            rf"\{{exercise\}} ([^\n]+)\n:label: classroom-{qid.replace('_', '-')}\n",
            "\n".join(c.source for c in original(name).cells),
        )
        assert f"{{exercise}} {q.title} :label:" in text and q.ask in text and q.tolerance() in text, qid
        assert book_title and f"{{exercise}} {book_title.group(1)} :label:" not in text, qid
    unchanged = handed_out(name, None)
    book_exercises = [c.source for c in original(name).cells if "{exercise}" in c.source]
    assert [c.source.split(":label:")[0] for c in unchanged.cells if "{exercise}" in c.source] == [
        s.split(":label:")[0] for s in book_exercises
    ], "without a seed, the book's wording"
    assert book_text


def test_every_class_variant_has_a_solution_and_an_answer_rule():
    for qid in VARYING:
        for variant in FAMILIES[qid]:
            if variant != exercises.BOOK:
                assert f'check("{qid}", answer)' in key.solution(qid, variant)


def copied_project(folder, data: bool = False) -> paths.Project:
    """A project in ``folder`` with a copy of the classroom's content (and of data/), read as its own."""
    project = paths.Project(folder)
    shutil.copytree(exercises.CLASSROOM_DIR, project.classroom_dir, ignore=shutil.ignore_patterns("*.ipynb"))
    if data:
        shutil.copytree(paths.DATA_DIR, project.data_dir)
    return project


def test_a_variant_asking_a_name_in_the_book_s_form_is_refused(tmp_path):
    """A copied verdict could be right by chance: a class variant of a verdict asks another form."""
    project = copied_project(tmp_path)
    rows = exercises.QUESTIONS_CSV.read_text(encoding="utf-8").splitlines()
    line = next(i for i, row in enumerate(rows) if ",credit_finding,finding," in row)
    rows[line] = rows[line].replace(",credit_finding,finding,", ",credit_finding,verdict,")
    bad = project.classroom_dir / "questions.csv"
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"questions.csv, line {line + 1}, field 'form'.*right by chance"):
        exercises.question_variants(project)


def test_a_finding_is_judged_by_its_kind_its_inputs_and_its_verdict():
    seed = next(
        s
        for s in (f"finding-seed-{n:02d}-0123456789" for n in range(50))
        if key.asked(s)["soviet_verdict"] == "credit_finding"
    )
    item = next(i for i in assignment.assignment_items(A1) if i.question.id == "soviet_verdict")
    expected = key.expected(seed)["soviet_verdict"]

    def judged(**changes):
        answer = {"__finding__": {**expected, **changes}}
        return judging.judge(item, {"answer": answer}, {}, seed)

    assert judged()[0] == item.points
    assert judged(inputs=list(reversed(expected["inputs"])))[0] == 0 and "inputs" in judged(inputs=[])[1]
    assert judged(kind="reference_rate")[0] == 0
    other = next(v for v in ("consistent", "inconsistent") if v != expected["verdict"])
    assert judged(verdict=other)[0] == 0
    assert judging.judge(item, {"answer": expected["verdict"]}, {}, seed)[0] == 0, "a verdict's name is not a finding"


def test_the_instructor_s_edition_is_written_only_where_asked(tmp_path, capsys):
    seed_file = tmp_path / "seed"
    seed_file.write_text(SEEDS[0] + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="--solutions needs --out"):
        bundle.main(["--seed-file", str(seed_file), "--solutions"])
    out = tmp_path / "mine"
    assert bundle.main(["--seed-file", str(seed_file), "--solutions", "--out", str(out)]) == 0
    assert "answered with your class's solutions" in capsys.readouterr().out
    edition = nbformat.read(out / "notebooks" / "classroom" / f"{A2}.ipynb", as_version=4)
    answers = {
        c.metadata["paper_audit"]["question"]: c.source
        for c in edition.cells
        if c.cell_type == "code" and c.metadata.get("paper_audit")
    }
    chosen = key.asked(SEEDS[0])
    assert all(answers[q] == key.solution(q, chosen[q]) for q in answers if chosen[q] != exercises.BOOK)
    assert not (out / "notebooks" / "classroom" / "key").exists()


@pytest.mark.parametrize("seed", SEEDS)
def test_the_third_assignment_s_solution_scores_nothing_on_a_class_variant_either(seed, monkeypatch):
    """Its questions do not vary: finding the passage's figures is the exercise,
    and the repository's solution types the book's figures, which a class's
    passage does not hold."""
    name = "03_audit_a_passage"
    assert not [q for q in VARYING if FAMILIES[q][exercises.BOOK].assignment == name]
    got = automatic_points(name, executed_answers(copied(name, seed), seed, monkeypatch), seed)
    assert got == dict.fromkeys(full(name), 0.0), got
    assert automatic_points(name, executed_answers(copied(name, None), None, monkeypatch), None) == full(name)


def test_a_variant_without_a_key_row_is_refused_naming_it(tmp_path):
    seed = next(
        s
        for s in (f"missing-row-{n:02d}-0123456789" for n in range(50))
        if key.asked(s)["soviet_usd"] == "rubles_from_usd"
    )
    project = copied_project(tmp_path, data=True)
    rows = [r for r in key.ANSWERS_CSV.read_text(encoding="utf-8").splitlines() if ",rubles_from_usd," not in r]
    bad = project.classroom_dir / "key" / "answers.csv"
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(
        DataError, match="answers.csv: no row says how to compute 'soviet_usd', variant 'rubles_from_usd'"
    ):
        key.expected(seed, project)
