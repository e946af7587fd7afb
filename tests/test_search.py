"""Search that finds figures (paper_audit.present.sphinx_search and audit.js).

Sphinx's own search splits "362.5" at the dot and drops all-digit terms. The
extension writes a figure index; audit.js matches number-like queries against
it and puts the figures first among Sphinx's results. Tested here: the index
(every claim and reference value, each leading to its chapter and the source
text), and, in a tiny book built in this process by Sphinx's test application,
the search page's scripts run in
node (Sphinx's searchtools.js with the built searchindex.js, the figure index
and audit.js) for a sample of the paper's figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import tiny_book
from paper_audit import paths
from paper_audit.present import sphinx_search
from paper_audit.tables import claims as claims_table
from paper_audit.tables import reference, schema

CLAIMS = claims_table.load_claims()
CHAPTERS = sorted(set(CLAIMS["chapter"]))
TITLES = {f"notebooks/{c}": f"Chapter {c}" for c in CHAPTERS} | {
    sphinx_search.SOURCE_DOC: "The source text",
    sphinx_search.REFERENCES_DOC: "References",
}
# Queries a reader types, and the chapter each must lead to (besides the source text).
SAMPLE = {
    "362.5": "chinese_aid",
    "362.5 million": "chinese_aid",
    "thirty-four": "volunteers",
    "thirty four": "volunteers",
    "34": "volunteers",
    "1.147 billion": "soviet_east_european_aid",
    "22,735": "chinese_aid",
    "22735": "chinese_aid",
    "three-quarters": "war_damage",
    "33.3": "aid_overview",
    "420 billion": "war_damage",
    "286.75": "soviet_east_european_aid",
    "Nineteen": "volunteers",
    "1954-1956": "chronology",
    "31 July 1953": "chronology",
    "50.5 million": "soviet_east_european_aid",
}
# Reference values: they lead to the chapters whose checks use them.
REFERENCE_SAMPLE = {"2.4618": "chinese_aid", "2.617": "chinese_aid", "1953-07-27": "chronology"}


def checks() -> list[dict]:
    return claims_table.read_csv_strict(paths.CHECKS_CSV, schema.field_names("checks"))


def test_every_claim_and_reference_value_is_indexed_with_its_pages():
    index = sphinx_search.figure_index(CLAIMS, reference.load(), checks(), TITLES)
    by_id = {entry["id"]: entry for entry in index["entries"]}
    for claim_id, claim in CLAIMS.iterrows():
        entry = by_id[claim_id]
        assert claim["figure"] in entry["keys"] and entry["context"] == claim["quote"]
        docs = [link[0] for link in entry["links"]]
        assert docs == [f"notebooks/{claim['chapter']}", sphinx_search.SOURCE_DOC], claim_id
        assert f"p. {claim['page']}" in entry["links"][1][2]
    facts = [i for table in reference.load().values() for i in table.index]
    assert all(fact in by_id and by_id[fact]["links"] for fact in facts)
    assert [link[0] for link in by_id["cny_official_1955"]["links"]] == ["notebooks/chinese_aid"]
    assert "2.4618" in by_id["cny_official_1955"]["keys"]
    # Digits for number words, and the scale: what a reader may type instead.
    assert "34" in by_id["cpv_divisions_peak_body"]["keys"] and "1 billion" in by_id["soviet_aid_rubles"]["keys"]
    # Pages the book does not have are not linked to.
    lean = sphinx_search.figure_index(CLAIMS, reference.load(), checks(), {"notebooks/chinese_aid": "Chinese aid"})
    assert {link[0] for entry in lean["entries"] for link in entry["links"]} == {"notebooks/chinese_aid"}


def test_links_point_at_the_sentence_footnote_or_flag():
    page = (
        '<h3 id="page-6-title">Page 6</h3><p><span data-claim="a">1</span></p>'
        '<p class="audit-footnote" id="p6-fn-21"><span data-claim="b">4</span></p>'
        '<blockquote class="audit-quote" id="passage-6-10"><span data-claim="c">2</span></blockquote>'
        '<div id="flag-some_check"><span data-claim="d">3</span></div><span data-claim="a">again</span>'
    )
    anchors, flags = sphinx_search.link_anchors(page)
    assert anchors == {"a": "page-6-title", "b": "p6-fn-21", "c": "passage-6-10", "d": "flag-some_check"}
    assert flags == {"flag-some_check"}


def test_the_index_is_written_the_same_way_twice():
    index = sphinx_search.figure_index(CLAIMS, reference.load(), checks(), TITLES)
    again = sphinx_search.figure_index(CLAIMS, reference.load(), checks(), dict(reversed(TITLES.items())))
    assert sphinx_search.script(index) == sphinx_search.script(again)
    assert sphinx_search.script(index).startswith(f"var {sphinx_search.VARIABLE} = {{")


def make_book(root: Path) -> Path:
    """A tiny book of markdown pages named as the book's chapters, the source text and the references."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text("", encoding="utf-8")
    files = [f"notebooks/{c}" for c in CHAPTERS] + [sphinx_search.SOURCE_DOC, sphinx_search.REFERENCES_DOC]
    toctree = "\n".join(["```{toctree}", *files, "```"])
    (root / "intro.md").write_text(f"# Tiny\n\nA book with no figure in its text.\n\n{toctree}\n", encoding="utf-8")
    for name in files:
        (root / f"{name}.md").parent.mkdir(parents=True, exist_ok=True)
        (root / f"{name}.md").write_text(f"# Page {name.split('/')[-1]}\n\nWords only.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny book built in this process by Sphinx's own test application, with
    the book's theme, its audit.js and the extension under test; a warning
    fails it, as in the strict build."""
    root = make_book(tmp_path_factory.mktemp("search") / "book")
    html, warnings = tiny_book.build_in_process(
        root,
        "paper_audit.present.sphinx_search",
        root_doc="intro",
        project="tiny",
        html_theme="sphinx_book_theme",
        html_static_path=[str(paths.REPO_ROOT / "book" / "_static")],
        html_js_files=["audit.js"],
    )
    assert not warnings, warnings
    return html


def read_index(html: Path) -> dict:
    text = (html / "_static" / sphinx_search.FILENAME).read_text(encoding="utf-8")
    prefix = f"var {sphinx_search.VARIABLE} = "
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix) : -2])


def test_the_built_index_covers_the_claims_and_only_the_search_page_loads_it(built):
    index = read_index(built)
    ids = {entry["id"] for entry in index["entries"]}
    assert set(CLAIMS.index) <= ids
    titles = {link[2] for entry in index["entries"] for link in entry["links"]}
    assert "Page chinese_aid" in titles, "the chapters' titles are not the built pages' titles"
    assert sphinx_search.FILENAME in (built / "search.html").read_text(encoding="utf-8")
    assert sphinx_search.FILENAME not in (built / "notebooks" / "chinese_aid.html").read_text(encoding="utf-8")


# Runs the search page's own scripts, in the page's order, in a bare context:
# Sphinx's searchtools.js and searchindex.js, the figure index, audit.js.
NODE_HARNESS = r"""
const fs = require("fs"), path = require("path"), vm = require("vm");
const [html, scriptsJson, queriesJson] = process.argv.slice(2);
const ready = [], storage = {};
const href = "file:///book/search.html";
const document = {
  readyState: "loading",
  addEventListener: (type, listener) => { if (type === "DOMContentLoaded") ready.push(listener); },
  getElementById: () => null, querySelector: () => null, querySelectorAll: () => [],
  documentElement: { dataset: { content_root: "" }, lang: "en" },
};
const context = { document, console, URL, URLSearchParams, setTimeout, clearTimeout,
  localStorage: { getItem: (k) => (k in storage ? storage[k] : null), setItem: (k, v) => { storage[k] = String(v); },
                  removeItem: (k) => { delete storage[k]; } } };
context.window = context;
context.location = { search: "", href: href, toString: () => href };
context.addEventListener = () => {};
vm.createContext(context);
for (const file of JSON.parse(scriptsJson)) {
  vm.runInContext(fs.readFileSync(path.join(html, file), "utf8"), context, { filename: file });
}
ready.forEach((listener) => listener());
const queries = JSON.parse(queriesJson);
const found = vm.runInContext(
  `(${JSON.stringify(queries)}).map((q) => Search._performSearch(...Search._parseQuery(q)).reverse())`, context);
process.stdout.write(JSON.stringify(Object.fromEntries(queries.map((q, i) => [q, found[i]]))));
"""
SEARCH_SCRIPTS = (
    "_static/documentation_options.js",
    "_static/doctools.js",
    "_static/sphinx_highlight.js",
    "_static/language_data.js",
    "_static/searchtools.js",
    "searchindex.js",
    f"_static/{sphinx_search.FILENAME}",
    "_static/audit.js",
)


def node() -> str:
    found = shutil.which("node") or shutil.which("nodejs")
    if not found:
        if os.environ.get("CI"):  # CI installs it (.ci/run): a skip there would hide a broken search
            pytest.fail("node is not installed under CI: .ci/run installs Debian's nodejs")
        pytest.skip("node is not installed: the search page's scripts are not run")
    return found


def search(html: Path, queries: list[str], tmp_path: Path) -> dict[str, list]:
    """{query: the results the search page shows, in order: [docname, title, anchor, description, ...]}."""
    page = (html / "search.html").read_text(encoding="utf-8")
    order = sorted(SEARCH_SCRIPTS, key=lambda s: page.index(f'src="{s}') if f'src="{s}' in page else -1)
    missing = [s for s in SEARCH_SCRIPTS if f'src="{s}' not in page]
    assert not missing, f"search.html does not load {missing}"
    harness = tmp_path / "harness.js"
    harness.write_text(NODE_HARNESS, encoding="utf-8")
    result = subprocess.run(
        [node(), str(harness), str(html), json.dumps(order), json.dumps(queries)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_the_search_page_finds_a_sample_of_figures(built, tmp_path):
    queries = list(SAMPLE) + list(REFERENCE_SAMPLE) + ["362", "banana"]
    found = search(built, queries, tmp_path)
    for query, chapter in SAMPLE.items():
        docs = [r[0] for r in found[query]]
        assert docs[:2] and f"notebooks/{chapter}" in docs[:4], f"{query!r}: {docs}"
        assert sphinx_search.SOURCE_DOC in docs, f"{query!r} does not lead to the source text: {docs}"
        assert found[query][0][4] >= 10000 - 4, f"{query!r}: the figures do not lead the results"
    for query, chapter in REFERENCE_SAMPLE.items():
        assert f"notebooks/{chapter}" in [r[0] for r in found[query]], f"{query!r}: {found[query]}"
    # A figure is matched whole: 362 is not 362.5; words are left to Sphinx.
    assert not [r for r in found["362"] if "362.5" in r[1]]
    assert found["banana"] == []


def test_every_figure_of_the_paper_finds_its_chapter(built, tmp_path):
    figures = sorted(set(CLAIMS["figure"]))
    found = search(built, figures, tmp_path)
    for claim_id, claim in CLAIMS.iterrows():
        docs = [r[0] for r in found[claim["figure"]]]
        assert f"notebooks/{claim['chapter']}" in docs and sphinx_search.SOURCE_DOC in docs, (claim_id, docs)
        first = found[claim["figure"]][0][1].lower()
        assert first.startswith(claim["figure"].lower()), (claim_id, first)
