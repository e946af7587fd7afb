"""Each chapter opens with the paper and shows, as code, only the
recomputation a historian can follow: read from the notebooks themselves (no
build needed). Every rule is shown to catch a planted bad notebook."""

from __future__ import annotations

import copy
import json
import re

import pytest

from paper_audit import paths
from paper_audit.author import add_chapter

CHAPTERS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
HIDDEN = {"remove-input", "remove-cell"}
# The book's skeleton, in this order: the chapter's own sections stand between the Overview and
# Summary; the set-up (prerequisites, imports) comes after the analysis, under one heading (issue 26).
SKELETON = ["## Overview", "## Summary", "## How this chapter computes", "## What's next"]
SETUP = "## How this chapter computes"
SETUP_PARTS = ["### Prerequisites", "### Imports"]
BOOKKEEPING = ("chapter.value(", "chapter.badge(", "computed_by=", "claims=[", "Chapter(", "chapter.chart(", "glue(")
MOST_LINES = 12
QUOTE_CALL = re.compile(r"\bchapter\.(?:quotes|recall)\(")


def load(notebook) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def source(cell) -> str:
    return "".join(cell["source"])


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def visible_code(cells) -> list[tuple[int, dict]]:
    """Code cells whose input the book shows, folded or not (hide-input counts as shown)."""
    return [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code" and not tags(c) & HIDDEN]


def headings(cells) -> list[tuple[int, str]]:
    return [
        (i, line)
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown"
        for line in source(c).splitlines()
        if line.startswith("## ")
    ]


def heading_at(cells, heading: str) -> int:
    return next((i for i, line in headings(cells) if line == heading), len(cells))


def first_section(cells) -> int:
    """Where the Overview ends: the cell of the first heading after it."""
    later = [i for i, line in headings(cells) if line != "## Overview"]
    return later[0] if later else len(cells)


def subheadings(cells, start: int) -> list[str]:
    """The ### headings of the section that opens at cell ``start``, up to the next ## heading."""
    found = []
    for c in cells[start:]:
        for line in source(c).splitlines() if c["cell_type"] == "markdown" else []:
            if line.startswith("## ") and c is not cells[start]:
                return found
            if line.startswith("### "):
                found.append(line)
    return found


def paper_first(cells) -> list[str]:
    """The Overview quotes the paper and states the findings before any code is shown."""
    problems = []
    quote = next((i for i, c in enumerate(cells) if c["cell_type"] == "code" and QUOTE_CALL.search(source(c))), None)
    shown = visible_code(cells)
    if quote is None:
        return ["no cell quotes the paper (chapter.quotes)"]
    if shown and shown[0][0] < quote:
        problems.append(f"cell {shown[0][0] + 1} shows code before the first quote of the paper (cell {quote + 1})")
    if quote > first_section(cells):
        problems.append("the Overview does not quote the paper: the first quote comes after the Overview")
    findings = next((i for i, c in enumerate(cells) if "{glue:}`summary_findings`" in source(c)), len(cells))
    if findings > first_section(cells):
        problems.append("the Overview does not state the findings ({glue:}`summary_findings`)")
    summary = next((i for i, c in enumerate(cells) if "chapter.summary()" in source(c)), len(cells))
    if summary > quote:
        problems.append("chapter.summary() is called after the Overview's quote (call it early, in a hidden cell)")
    return problems


def parameters_hidden(cells) -> list[str]:
    """The papermill parameters cell is kept, hidden, and derives nothing."""
    found = [c for c in cells if "parameters" in tags(c)]
    if len(found) != 1:
        return [f"{len(found)} cells tagged parameters (papermill needs one)"]
    problems = [] if "remove-cell" in tags(found[0]) else ["the parameters cell is not tagged remove-cell"]
    for line in source(found[0]).splitlines():
        if line and not line.startswith("#") and not re.fullmatch(r"[a-z_]+ = [-\w.\"']+", line):
            problems.append(f"the parameters cell derives a value ({line!r}); an injected parameter would not reach it")
    return problems


def code_is_the_recomputation(cells) -> list[str]:
    """Every shown code cell is folded, short, and does no bookkeeping."""
    problems = []
    for i, cell in visible_code(cells):
        text = source(cell)
        if "hide-input" not in tags(cell):
            problems.append(f"cell {i + 1} shows code unfolded (tag it hide-input, or hide it)")
        if len(text.splitlines()) > MOST_LINES:
            problems.append(f"cell {i + 1} shows {len(text.splitlines())} lines of code (at most {MOST_LINES})")
        for call in BOOKKEEPING:
            if call in text:
                problems.append(f"cell {i + 1} shows bookkeeping ({call}); move it to a remove-input cell")
    return problems


def skeleton(cells) -> list[str]:
    """Title, Overview, the sections, who reported the figures, Summary, how
    the chapter computes (Prerequisites, Imports: one folded cell), What's
    next: no set-up between the findings and the analysis."""
    problems = []
    if not source(cells[0]).startswith("# "):
        problems.append("the first cell does not open with the chapter's title")
    found = [line for _, line in headings(cells)]
    in_order = [line for line in found if line in SKELETON]
    if in_order != SKELETON:
        problems.append(f"the skeleton's headings are {in_order}, not {SKELETON}")
    elif found[:1] != SKELETON[:1] or found[-3:] != SKELETON[-3:] or len(found) < len(SKELETON) + 2:
        problems.append(f"sections stand outside the skeleton: {found}")
    setup = heading_at(cells, SETUP)
    if setup < len(cells) and subheadings(cells, setup) != SETUP_PARTS:
        problems.append(f"'{SETUP}' holds {subheadings(cells, setup)}, not {SETUP_PARTS}")
    after = [c for c in cells[setup + 1 :] if c["cell_type"] == "code"][:1]
    if not after or "hide-input" not in tags(after[0]) or "import" not in source(after[0]):
        problems.append("the Imports section has no folded (hide-input) cell of imports")
    strays = [line for _, line in headings(cells) if line in ("## Prerequisites", "## Imports")]
    if strays:
        problems.append(f"set-up headings stand on their own between the findings and the analysis: {strays}")
    reporters = next((i for i, c in enumerate(cells) if "chapter.reporters()" in source(c)), None)
    if reporters is None or reporters > heading_at(cells, "## Summary"):
        problems.append("no cell shows who reported the figures (chapter.reporters()) before the Summary")
    elif not tags(cells[reporters]) & {"remove-input"}:
        problems.append("the cell that shows who reported the figures shows its code")
    return problems


RULES = [paper_first, parameters_hidden, code_is_the_recomputation, skeleton]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_keeps_the_layout(notebook, rule):
    problems = rule(load(notebook))
    assert not problems, f"{notebook.name}: " + "; ".join(problems)


def test_there_are_chapters_to_check():
    assert len(CHAPTERS) >= 7 and all(p.parent == paths.NOTEBOOKS_DIR for p in CHAPTERS)


# Planted bad notebooks: each a real chapter with one thing broken.


@pytest.fixture
def chapter_cells():
    return load(paths.NOTEBOOKS_DIR / "war_damage.ipynb")


def first(cells, predicate) -> int:
    return next(i for i, c in enumerate(cells) if predicate(c))


def planted_code_before_the_quote(cells):
    cells.insert(1, {"cell_type": "code", "metadata": {"tags": ["hide-input"]}, "source": "x = 1", "outputs": []})


def planted_quote_after_the_overview(cells):
    quote = cells.pop(first(cells, lambda c: QUOTE_CALL.search(source(c)) is not None))
    cells.insert(first_section(cells) + 1, quote)


def planted_findings_late(cells):
    at = first(cells, lambda c: "{glue:}`summary_findings`" in source(c))
    cells[at] = {**cells[at], "source": source(cells[at]).replace("{glue:}`summary_findings`", "")}


def planted_shown_parameters(cells):
    cells[first(cells, lambda c: "parameters" in tags(c))]["metadata"]["tags"] = ["parameters"]


def planted_derived_parameter(cells):
    at = first(cells, lambda c: "parameters" in tags(c))
    cells[at]["source"] = source(cells[at]) + "\nrate = rubles_per_usd or 4\n"


def planted_unfolded_code(cells):
    cells[visible_code(cells)[-1][0]]["metadata"] = {}


def planted_long_code(cells):
    at = visible_code(cells)[-1][0]
    cells[at]["source"] = source(cells[at]) + "\n" + "\n".join(f"x{n} = {n}" for n in range(MOST_LINES))


def planted_bookkeeping(cells):
    at = visible_code(cells)[-1][0]
    cells[at]["source"] = source(cells[at]) + '\nchapter.value("x", 1, computed_by="x")'


def planted_badge_loop(cells):
    at = visible_code(cells)[-1][0]
    cells[at]["source"] = source(cells[at]) + '\nchapter.badge("damage_won_twice")'


def planted_missing_imports(cells):
    at = heading_at(cells, SETUP)
    cells[at] = {**cells[at], "source": source(cells[at]).replace("### Imports", "### Setup")}


def planted_setup_before_the_analysis(cells):
    """The old layout: Prerequisites and Imports between the findings and the analysis."""
    at = heading_at(cells, SETUP)
    setup, imports = cells[at], cells[at + 1]
    del cells[at : at + 2]
    prerequisites, _, rest = source(setup).partition("### Imports")
    moved = [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": "## Prerequisites" + prerequisites.split("### Prerequisites")[1],
        },
        {"cell_type": "markdown", "metadata": {}, "source": "## Imports" + rest},
        imports,
    ]
    cells[first_section(cells) : first_section(cells)] = moved


def planted_summary_before_sections(cells):
    at = first_section(cells)
    cells.insert(at, {"cell_type": "markdown", "metadata": {}, "source": "## Summary\n\nEarly."})


def planted_no_reporters(cells):
    del cells[first(cells, lambda c: "chapter.reporters()" in source(c))]


def planted_untitled(cells):
    cells[0] = {**cells[0], "source": source(cells[0]).replace("# The war damage", "The war damage", 1)}


@pytest.mark.parametrize(
    "plant, rule, words",
    [
        (planted_code_before_the_quote, paper_first, "shows code before the first quote"),
        (planted_quote_after_the_overview, paper_first, "the Overview does not quote the paper"),
        (planted_findings_late, paper_first, "does not state the findings"),
        (planted_shown_parameters, parameters_hidden, "not tagged remove-cell"),
        (planted_derived_parameter, parameters_hidden, "derives a value"),
        (planted_unfolded_code, code_is_the_recomputation, "unfolded"),
        (planted_long_code, code_is_the_recomputation, "lines of code"),
        (planted_bookkeeping, code_is_the_recomputation, "bookkeeping (chapter.value("),
        (planted_badge_loop, code_is_the_recomputation, "bookkeeping (chapter.badge("),
        (planted_missing_imports, skeleton, "holds ['### Prerequisites', '### Setup']"),
        (planted_setup_before_the_analysis, skeleton, "set-up headings stand on their own"),
        (planted_summary_before_sections, skeleton, "skeleton's headings"),
        (planted_no_reporters, skeleton, "who reported"),
        (planted_untitled, skeleton, "title"),
    ],
    ids=lambda x: getattr(x, "__name__", None),
)
def test_a_planted_bad_notebook_is_caught(chapter_cells, plant, rule, words):
    assert rule(chapter_cells) == [], "the real chapter must pass before a fault is planted"
    bad = copy.deepcopy(chapter_cells)
    plant(bad)
    assert any(words in p for p in rule(bad)), rule(bad)


def test_a_generated_chapter_keeps_the_layout():
    """``paper-audit add-chapter`` writes the same skeleton the book's chapters keep."""
    cells = add_chapter.notebook("new_chapter", "A new chapter", "What it is about.")["cells"]
    cells = json.loads(json.dumps(cells))  # plain dicts, as the notebooks are read
    problems = [p for rule in RULES for p in rule(cells)]
    assert not problems, problems
