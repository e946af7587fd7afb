"""The front page states the findings: an abstract of three sentences whose
numbers are all glued and which names the gravest problem with its size, then
every counted problem once, gravest first, each with its size and a link to
its flag; the book's authors, citation and data version come from CITATION.cff
and the data files. The findings register shows four columns, each cell
labelled for a phone."""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import re
import shutil
import tomllib
from html.parser import HTMLParser

import pytest
import yaml

from paper_audit import paths
from paper_audit.audit import engine, gaps, phrasing
from paper_audit.errors import DataError
from paper_audit.present import front, glue, register
from paper_audit.present.chapter import CHAPTER_TITLES
from paper_audit.tables import argument, citation, fingerprints
from test_prose import QUANTITY, unmarked

INTRO = paths.BOOK_DIR / "intro.ipynb"


@pytest.fixture(scope="module")
def findings():
    return engine.run_all()


@pytest.fixture(scope="module")
def glued():
    """What the front page's code glues, run with a publisher that records
    (plain text for values, the HTML for HTML)."""
    recorded = {}

    class Recorder:
        def __init__(self, chapter):
            pass

        def value(self, name, value, fmt="{}", **_):
            recorded[name] = fmt.format(value)

        def html(self, name, html, **_):
            recorded[name] = html

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(glue, "Publisher", Recorder)
        patch.setattr(fingerprints, "record_everything", lambda *a, **k: None)
        namespace = {}
        for cell in json.loads(INTRO.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                exec("".join(cell["source"]), namespace)
    return recorded


def markdown_cells() -> list[str]:
    cells = json.loads(INTRO.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def abstract_source() -> str:
    """The abstract as written: the body of the ``audit-abstract`` container."""
    found = re.search(r":::\{container\} audit-abstract\n(.*?)\n:::", "\n".join(markdown_cells()), re.S)
    assert found, "the front page has no abstract (a container of class audit-abstract)"
    return found.group(1)


def as_read(source: str, glued: dict) -> str:
    """The abstract as a reader sees it: glue pasted, citations as names and year."""
    text = re.sub(r"\{glue:?\}`([^`]+)`", lambda m: glued[m.group(1)], source)
    text = re.sub(r"\{cite:t\}`[^`]+`", "Shen and Xia (2012)", text)
    return re.sub(r"\*\*([^*]+)\*\*", r"\1", " ".join(text.split()))


def sentences(text: str) -> list[str]:
    """Sentences, with what a quotation says left whole ("… a single rate?" inside
    quotation marks ends no sentence) and a decimal point ending none."""
    text = re.sub(r"“[^”]*”", "“…”", text)
    parts = re.split(r"(?<=[.?!])\s+(?=[A-Z0-9“])", text.strip())
    return [p for p in parts if p]


def same_quotes(text: str) -> str:
    """Text with every quotation mark and apostrophe alike (the page prints typographic ones)."""
    return re.sub("[’‘“”'\"]", "'", text)


def gravest(findings):
    counted = [f for f in findings if f.counted]
    return max(counted, key=lambda f: f.severity)


# --- the abstract -------------------------------------------------------------


def test_the_abstract_has_three_sentences(glued):
    """What the book did and found, the gravest problems, and what the checks
    come to; which way the problems lean follows the ranked list, so that the
    list stays above the fold at 1280x800."""
    text = as_read(abstract_source(), glued)
    found = sentences(text.removeprefix("Abstract. "))
    assert len(found) == 3, f"the abstract has {len(found)} sentences: {found}"
    assert all(s.endswith((".", "?", "!")) for s in found), found


def test_the_sentence_count_would_see_a_fourth_sentence():
    three = "One rate, “Is it 2.4?” (a factor of 20). Two rates. Three in all."
    assert len(sentences(three)) == 3
    assert len(sentences(three + " A fourth.")) == 4


def test_every_number_in_the_abstract_is_glued():
    prose = unmarked(abstract_source())
    assert not re.search(r"\d", prose), f"digits typed in the abstract: {prose}"
    assert not QUANTITY.search(prose), f"a quantity typed in the abstract: {prose}"
    # The detector sees a number typed into it.
    assert re.search(r"\d", unmarked(abstract_source().replace("{glue:}`n_checks`", "37")))


def test_the_abstract_names_the_gravest_problem_with_its_size(glued, findings):
    worst = gravest(findings)
    text = as_read(abstract_source(), glued)
    assert gaps.size(worst), f"the gravest finding ({worst.title}) has no size"
    assert gaps.size(worst) in text, f"the abstract does not give the gravest gap, {gaps.size(worst)!r}: {text}"
    assert same_quotes(worst.headline) in same_quotes(text), f"the abstract does not name {worst.headline!r}: {text}"
    assert f"{len({f.problem for f in findings if f.counted})} distinct problem" in text, text


def test_the_abstract_counts_add_up_to_the_checks(glued, findings):
    """Problems, agreements, routine confirmations and definitions: each check
    in one group, and the numbers the abstract prints sum to the checks."""
    text = as_read(abstract_source(), glued)
    said = re.search(r"Of the (\d+) checks, (.*?)\.(?:\s|$)", text)
    assert said, f"the abstract does not say what the checks come to: {text}"
    parts = [int(n) for n in re.findall(r"\b(\d+) (?:belongs?|agrees?|confirms?|holds?)\b", said.group(2))]
    assert int(said.group(1)) == len(findings) == int(glued["n_checks"])
    assert sum(parts) == len(findings), f"{parts} do not add up to {len(findings)} checks: {said.group(0)}"
    # Each group counted by the test's own reading of the findings.
    problem = sum(f.counted for f in findings)
    definitional = sum(f.definitional and not f.counted for f in findings)
    routine = sum(bool(getattr(f, "routine", False)) and not f.counted and not f.definitional for f in findings)
    expected = [n for n in (problem, len(findings) - problem - definitional - routine, routine, definitional) if n]
    assert parts == expected, (parts, expected)


def test_the_counts_name_the_routine_confirmations_apart(findings):
    """A finding marked routine leaves the agreements for its own group."""
    before = front.counts(findings)
    marked = [copy.copy(f) for f in findings]
    target = next(f for f in marked if not f.counted and not f.definitional and not getattr(f, "routine", False))
    target.routine = True
    after = front.counts(marked)
    assert after["routine"] == before["routine"] + 1 and after["agree"] == before["agree"] - 1
    assert sum(after[k] for k in ("problem", "agree", "routine", "definitional")) == after["checks"] == len(findings)
    assert "confirm" in front.counts_sentence(after)


def test_the_counts_sentence_leaves_out_an_empty_group():
    sentence = front.counts_sentence({"checks": 3, "problem": 0, "agree": 2, "routine": 0, "definitional": 1})
    assert sentence == "Of the 3 checks, 2 agree and 1 holds by definition."


def test_the_front_page_names_the_paper_and_links_its_pdf(glued):
    cff = yaml.safe_load((paths.REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))["references"][0]
    line = html.unescape(glued["paper_line"])
    assert cff["title"] in line, line
    for author in cff["authors"]:
        assert f"{author['given-names']} {author['family-names']}" in line, line
    links = re.findall(r'href="([^"]+)"', glued["paper_line"])
    assert links == [cff["url"]], links
    assert links[0].startswith("https://www.wilsoncenter.org/") and links[0].endswith(".pdf"), links
    # Under the title, before the abstract.
    first = markdown_cells()[0]
    assert first.startswith("# ") and first.index("{glue:} paper_line") < first.index("audit-abstract"), first[:200]


def test_a_sentence_says_why_the_figures_matter():
    """The paper's claim (China's aid comparable to and surpassing Moscow's; the
    Volunteers' labour irreplaceable) and that the figures are its evidence."""
    text = " ".join(" ".join(markdown_cells()).split())
    why = re.search(r"\*\*Why the figures matter\.\*\*([^#]*)", text)
    assert why, "no paragraph says why the figures matter"
    for words in ("comparable to", "surpassed", "Volunteers", "irreplaceable", "evidence for that claim"):
        assert words in why.group(1), words
    # Right after the ranked problems it explains, on the first screen's heels (the list stays above the fold).
    assert text.index("ranked_problems") < text.index("Why the figures matter") < text.index("## What this book is")


# --- the ranked list ----------------------------------------------------------


def ranked_checks(html: str) -> list[str]:
    return re.findall(r'href="\.\./notebooks/[a-z0-9_]+\.html#flag-([A-Za-z0-9_]+)"', html)


def test_the_findings_are_ranked_by_severity(glued, findings):
    """One entry per counted problem, its gravest finding, in order of severity."""
    best: dict[str, object] = {}
    for f in findings:
        if f.counted and (f.problem not in best or f.severity > best[f.problem].severity):
            best[f.problem] = f
    expected = [f.check for f in sorted(best.values(), key=lambda f: -f.severity)]
    listed = ranked_checks(glued["ranked_problems"])
    assert len(expected) >= 2, "too few problems for the order to mean anything"
    assert listed == expected, f"listed {listed}, by severity {expected}"
    # The comparison sees a swapped pair.
    assert listed[::-1] != expected


def test_each_entry_gives_its_size_a_description_and_its_flag(glued, findings):
    by_check = {f.check: f for f in findings}
    items = re.findall(r"<li>(.*?)</li>", glued["ranked_problems"])
    assert items, "the ranked list is empty"
    for item, check in zip(items, ranked_checks(glued["ranked_problems"]), strict=True):
        f = by_check[check]
        text = html.unescape(re.sub(r"<[^>]+>", "", item))
        assert text.startswith(gaps.size(f) or f.verdict), f"{check}: the entry does not open with its size"
        assert same_quotes(f.headline[1:]) in same_quotes(text), f"{check}: the entry does not name its check"
        assert f'href="../notebooks/{f.chapter}.html#flag-{check}"' in item


def test_each_ranked_problem_shows_the_paper_s_figures(glued, findings):
    """Under each problem, the figures themselves, as the paper prints them
    (read here from data/claims.csv, not from the page's code): every figure
    of every counted finding of that problem."""
    from paper_audit.tables import claims

    table = claims.load_claims()
    items = re.findall(r"<li>(.*?)</li>", glued["ranked_problems"], re.S)
    checks = ranked_checks(glued["ranked_problems"])
    assert len(items) == len(checks) > 0
    by_check = {f.check: f for f in findings}
    for check, item in zip(checks, items, strict=True):
        shown = re.search(r'<span class="audit-ranked-figures">(.*?)</span>', item, re.S)
        assert shown, f"{check}: no figures under the problem"
        text = html.unescape(shown.group(1))
        problem = by_check[check].problem
        inputs = {c for f in findings if f.counted and f.problem == problem for c in f.inputs}
        for claim in sorted(inputs):
            if claim in table.index:
                figure = str(table.loc[claim, "figure"])
                assert figure.lower() in text.lower(), f"{check}: {figure!r} not in {text!r}"
    damage = next((i for c, i in zip(checks, items, strict=True) if c == "damage_usd_twice"), None)
    if damage is not None:  # the issue's own example
        assert "420 billion won = USD 170 million against 430 billion won = USD 3.5 billion" in html.unescape(damage)


def test_the_front_page_shows_the_list_right_after_the_abstract():
    head = markdown_cells()[0]
    assert head.startswith("# "), "the page opens with its title"
    order = [head.index(mark) for mark in ("audit-byline", "audit-abstract", "{glue:} ranked_problems")]
    assert order == sorted(order), "title, byline, abstract, then the ranked list"
    assert "audit-figure" not in "\n".join(markdown_cells()), "the front page shows a chart of counts again"


# --- authors, citation and data version ---------------------------------------


def config() -> dict:
    return yaml.safe_load((paths.REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))


def test_the_config_names_the_authors_and_title_of_citation_cff():
    facts = citation.read()
    assert config()["author"] == ", ".join(facts.authors)
    assert config()["title"] == facts.title
    pyproject = tomllib.loads((paths.REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == facts.version


def cff_copy(tmp_path, **changes) -> dict:
    data = yaml.safe_load((paths.REPO_ROOT / citation.FILENAME).read_text(encoding="utf-8"))
    data.update(changes)
    (tmp_path / citation.FILENAME).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return data


def test_the_citation_and_the_data_date_are_read_from_citation_cff(tmp_path):
    cff_copy(tmp_path, authors=[{"given-names": "Ada", "family-names": "Lovelace"}], **{"date-released": "2031-03-09"})
    facts = citation.read(tmp_path)
    assert facts.authors == ("Ada Lovelace",)
    assert facts.date_released == dt.date(2031, 3, 9)
    shown = front.suggested_citation(facts, "abcd1234") + front.byline(facts, "abcd1234")
    assert "Ada Lovelace (2031)" in shown
    assert "data abcd1234 of 9 March 2031" in shown
    # The build's own date never shows: only the declared one.
    assert phrasing.date_text(dt.date.today()) not in shown


def test_the_front_page_cites_the_book_as_citation_cff_says(glued):
    facts = citation.read()
    for shown in (glued["suggested_citation"], glued["byline"]):
        assert phrasing.date_text(facts.date_released) in shown
        assert citation.data_hash() in shown
        assert facts.authors[0] in shown


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("date-released", None, "'date-released': missing"),
        ("date-released", "last spring", "'date-released': 'last spring' is not a date"),
        ("authors", [], "'authors': missing"),
        ("title", "", "'title': missing or empty"),
    ],
)
def test_a_bad_citation_cff_is_one_data_error_naming_the_field(tmp_path, field, value, message):
    cff_copy(tmp_path, **{field: value})
    with pytest.raises(DataError, match=re.escape(message)) as error:
        citation.read(tmp_path)
    assert citation.FILENAME in str(error.value)


def test_the_data_hash_changes_with_a_data_file_and_only_then(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, copy)
    real = citation.data_hash()
    monkeypatch.setattr(paths, "DATA_DIR", copy)
    try:
        fingerprints.reread()
        assert citation.data_hash() == real, "the same contents in another folder give another hash"
        claims = copy / "claims.csv"
        claims.write_bytes(claims.read_bytes().replace(b"billion", b"million", 1))
        fingerprints.reread()
        edited = citation.data_hash()
        assert edited != real, "editing a data file left the data version unchanged"
        assert re.fullmatch(r"[0-9a-f]{8}", edited)
    finally:
        monkeypatch.undo()
        fingerprints.reread()
    assert citation.data_hash() == real


# --- the findings register ----------------------------------------------------


class Cells(HTMLParser):
    """The register's headings, and per row its cells (attributes and text),
    the text of folded details kept apart."""

    def __init__(self):
        super().__init__()
        self.headings, self.rows, self.row_ids = [], [], []
        self.cell = None
        self.depth_details = 0
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "thead":
            self.in_head = True
        elif tag == "th" and self.in_head:
            self.headings.append("")
        elif tag == "tr" and not self.in_head:
            self.rows.append([])
            self.row_ids.append(attrs.get("id", ""))
        elif tag == "td":
            self.cell = {"attrs": attrs, "text": "", "folded": ""}
            self.rows[-1].append(self.cell)
        elif tag == "details":
            self.depth_details += 1

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_head = False
        elif tag == "details":
            self.depth_details -= 1
        elif tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.in_head and self.headings:
            self.headings[-1] += data
        elif self.cell is not None:
            self.cell["folded" if self.depth_details else "text"] += data


def parsed(html: str) -> Cells:
    cells = Cells()
    cells.feed(html)
    return cells


def column_problems(html: str) -> list[str]:
    table = parsed(html)
    problems = [] if len(table.headings) <= 4 else [f"{len(table.headings)} columns: {table.headings}"]
    for i, row in enumerate(table.rows):
        if len(row) != len(table.headings):
            problems.append(f"row {i}: {len(row)} cells under {len(table.headings)} headings")
        for cell, heading in zip(row, table.headings, strict=False):
            if cell["attrs"].get("data-label") != heading.strip():
                problems.append(f"row {i}: a cell under {heading!r} is labelled {cell['attrs'].get('data-label')!r}")
    return problems


def test_the_register_shows_four_columns_each_cell_labelled(findings):
    html = register.register(findings, CHAPTER_TITLES)
    assert not column_problems(html), column_problems(html)
    assert len(parsed(html).rows) == len(findings)


def test_the_column_check_sees_seven_columns_and_an_unlabelled_cell():
    head = "".join(f"<th>{h}</th>" for h in "ABCDEFG")
    seven = f"<table><thead><tr>{head}</tr></thead><tbody><tr>{'<td>x</td>' * 7}</tr></tbody></table>"
    assert any("7 columns" in p for p in column_problems(seven))
    assert any("labelled None" in p for p in column_problems(seven))


def test_the_register_folds_the_details_and_gives_each_gap_its_size(findings):
    html = register.register(findings, CHAPTER_TITLES)
    table = parsed(html)
    rows = {row_id.removeprefix("finding-"): row for row_id, row in zip(table.row_ids, table.rows, strict=True)}
    for f in findings:
        row = rows[f.check]
        finding = next(c for c in row if c["attrs"]["data-label"] == "Finding")
        assert f.computation and f.computation[:20] in finding["folded"], f"{f.check}: the computation is not folded"
        assert f.computation[:20] not in finding["text"], f"{f.check}: the computation shows unfolded"
        if f.counted:
            assert gaps.size(f) in finding["text"], f"{f.check}: the size {gaps.size(f)!r} is not shown"


def test_the_register_names_no_problem_or_check_by_its_id(findings):
    import csv

    html = register.register(findings, CHAPTER_TITLES)
    shown = " ".join(c["text"] + " " + c["folded"] for row in parsed(html).rows for c in row)
    with open(paths.CHECKS_CSV, encoding="utf-8") as handle:
        ids = {w for row in csv.DictReader(handle) for w in (row["id"], row["problem"]) if "_" in w}
    named = sorted(i for i in ids if re.search(rf"\b{re.escape(i)}\b", shown))
    assert not named, f"the register names ids: {named}"
    assert "Problem:" not in shown
    visible = " ".join(c["text"] for row in parsed(html).rows for c in row)
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", visible), "an underscored word shows in the register"


def test_the_register_stylesheet_is_loaded_and_labels_cells_on_a_phone():
    css = (paths.BOOK_DIR / "_static" / "register.css").read_text(encoding="utf-8")
    assert "register.css" in config()["sphinx"]["config"]["html_css_files"]
    phone = re.search(r"@media \(max-width: (\d+)px\) \{(.*?)\n\}", css, re.S)
    assert phone and int(phone.group(1)) >= 600, "no rule for a phone's width"
    assert "attr(data-label)" in phone.group(2), "a phone's stacked cells are not labelled"


# --- which way the problems lean ---------------------------------------------------


def _problem(problem, statement="", direction="", severity=1.0):
    f = engine.Finding(
        check=problem,
        kind="conversion",
        title=problem,
        chapter="war_damage",
        inputs=[],
        verdict="inconsistent",
        stated="",
        computed="",
        problem=problem,
        argument=statement,
        direction=direction,
        counted=True,
        severity=severity,
    )
    return f


STATEMENTS = {
    "gift": argument.Statement("gift", "central", "China's gift was larger", 3, "q"),
    "ruin": argument.Statement("ruin", "supporting", "The war left ruin", 2, "q"),
}


@pytest.mark.parametrize(
    "problems,named,expected",
    [
        (
            [_problem("a", "gift", "favours", 3), _problem("b", "ruin", "weakens", 2), _problem("c", severity=1)],
            True,
            "Of the 3 problems, 1 leans in favour of the paper’s argument, on the statement that China’s gift was "
            "larger; 1 leans against it, understating the paper’s own case, on the statement that the war left "
            "ruin; and 1 bears on no statement of the argument.",
        ),
        (
            [_problem("a", "gift", "favours", 3), _problem("b", "ruin", "favours", 2)],
            True,
            "Of the 2 problems, 2 lean in favour of the paper’s argument, on the statements that China’s gift was "
            "larger and that the war left ruin.",
        ),
        (
            [_problem("a", "ruin", "weakens", 3), _problem("b", "ruin", "weakens", 2)],
            True,
            "Of the 2 problems, 2 lean against the paper’s argument, understating the paper’s own case, on the "
            "statement that the war left ruin.",
        ),
        ([_problem("a")], True, "The one problem bears on no statement of the argument."),
        (
            [_problem("a", "gift", "favours")],
            True,
            "The one problem leans in favour of the paper’s argument, on the statement that China’s gift was larger.",
        ),
        ([], True, ""),
        (
            [_problem("a", "gift", "favours", 3), _problem("b", "ruin", "weakens", 2), _problem("c", severity=1)],
            False,
            "Of the 3 problems, 1 leans in favour of the paper’s argument; 1 leans against it, understating the "
            "paper’s own case; and 1 bears on no statement of the argument.",
        ),
    ],
)
def test_the_leaning_sentence_for_every_mix_of_directions(problems, named, expected):
    import prose_rules

    said = front.leaning_sentence(problems, STATEMENTS, named=named)
    assert said == expected
    if said:
        assert prose_rules.problems([said], "leaning") == [], said


def test_which_way_the_problems_lean_follows_the_ranked_list(glued, findings):
    assert glued["leaning_detail"] == front.leaning_sentence(findings)
    assert "on the statements that" in glued["leaning_detail"]
    page = "\n".join(markdown_cells())
    assert page.index("{glue:} ranked_problems") < page.index("{glue:}`leaning_detail`")
    assert "{glue:}`leaning_detail`" not in abstract_source()


def test_the_book_s_problems_lean_as_its_findings_say(glued, findings):
    said = glued["leaning_detail"]
    counted = list(engine.evidence.worst_by_problem(findings).values())
    assert said.startswith(f"Of the {len(counted)} problems, ")
    favouring = sum(f.direction == "favours" for f in counted)
    assert f"{favouring} lean{'s' if favouring == 1 else ''} in favour of the paper’s argument" in said
