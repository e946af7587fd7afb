"""Every yardstick is cited: each reference fact names its sources, declared
once in data/reference/sources.csv; the references page lists every source
with an anchor; each flag that uses a reference fact links to its sources.

Each check is written as a function that returns what is wrong, and is also
run on a broken input to show that it can fail."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
import shutil

import pytest

from paper_audit import paths
from paper_audit.audit import engine
from paper_audit.errors import DataError
from paper_audit.present import flags, render, yardsticks
from paper_audit.tables import claims, reference

pytest_plugins = ["browser_support"]

NOTEBOOK = paths.BOOK_DIR / "references.ipynb"
# The names the references page must give, in their proper capitalisation.
NAMES = (
    "Foreign Relations of the United States, 1950, Volume IV, Document 611",
    "International Monetary Fund",
    "International Financial Statistics",
    "Chinese People's Volunteers",
)
# Flags of yardstick findings and the sources they must link to.
EXPECTED_LINKS = {
    "soviet_aid_official": ["frus-1950-v04-d611"],
    "cpv_strength_official": ["cpv-official-history", "xsjgww-cpv"],
    "chinese_gift_official": [
        "imf-ifs",
        "chinese-encyclopaedia-yuan",
        "chinese-web-pages-yuan-1953",
        "unnamed-sources-yuan-1953",
        "china-daily-2015",
    ],
    "armistice_month": ["frus-1952-54-v15p2-d723", "nara-prologue-2003"],
}


def rows(filename: str) -> list[dict]:
    with open(paths.REFERENCE_DIR / filename, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def unknown_sources(fact_rows: dict[str, list[dict]], declared: set[str]) -> list[str]:
    """Each fact row naming no source, or a source not declared."""
    wrong = []
    for filename, found in fact_rows.items():
        for row in found:
            ids = row["source"].split()
            if not ids:
                wrong.append(f"{filename}: {row['id']} names no source")
            wrong += [f"{filename}: {row['id']} names {i!r}" for i in ids if i not in declared]
    return wrong


def page_html() -> str:
    """What the references page shows of the sources: the notebook's calls, rendered."""
    return "".join(yardsticks.reference_sources(group) for group in notebook_groups())


def notebook_groups() -> list[str]:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return re.findall(r"yardsticks\.reference_sources\(\"([a-z-]+)\"\)", code)


def unlisted_sources(page: str, declared: list[str]) -> list[str]:
    """Each declared source the page does not anchor exactly once."""
    return [s for s in declared if page.count(f'id="{yardsticks.source_anchor(s)}"') != 1]


def miscapitalised(text: str) -> list[str]:
    """Each name of ``NAMES`` missing from ``text``, or written there in another case."""
    wrong = [name for name in NAMES if name not in text]
    for name in NAMES:
        wrong += [m.group() for m in re.finditer(re.escape(name), text, re.IGNORECASE) if m.group() != name]
    return wrong


def linked_sources(flag: str) -> list[str]:
    return re.findall(r'href="\.\./book/references\.html#source-([a-z0-9-]+)"', flag)


@pytest.fixture(scope="module")
def findings():
    return {f.check: f for f in engine.run_all()}


def test_every_reference_row_names_a_declared_source():
    declared = {row["id"] for row in rows(reference.SOURCES_FILE)}
    fact_rows = {filename: rows(filename) for filename in reference.FILES.values()}
    assert not unknown_sources(fact_rows, declared)
    assert sum(len(found) for found in fact_rows.values()) == sum(len(t) for t in reference.load().values())
    # Each declared source is the source of some fact, and loading accepts the files.
    used = {i for found in fact_rows.values() for row in found for i in row["source"].split()}
    assert used == declared == set(reference.sources().index)
    # The check can fail: a row naming an undeclared source, or none.
    broken = {
        "dates.csv": [{"id": "armistice", "source": "frus-1952-54-v15p2-d723 nowhere"}, {"id": "x", "source": ""}]
    }
    assert unknown_sources(broken, declared) == ["dates.csv: armistice names 'nowhere'", "dates.csv: x names no source"]


def test_every_source_is_listed_on_the_references_page():
    assert not (paths.BOOK_DIR / "references.md").exists(), "two sources for one page: references.md and .ipynb"
    assert "book/references" in (paths.REPO_ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert notebook_groups() == list(reference.FILES), "the page does not list each kind of fact once, in order"
    page = page_html()
    declared = list(reference.sources().index)
    assert not unlisted_sources(page, declared)
    # Each source says which facts rest on it.
    for source_id in declared:
        entry = page.split(f'id="{yardsticks.source_anchor(source_id)}"', 1)[1].split("</li></ul></li>", 1)[0]
        assert all(render.esc(reference.fact_line(fact)) in entry for fact in reference.facts_of(source_id)), source_id
    # The check can fail: a page without one source's entry.
    first = declared[0]
    assert unlisted_sources(page.replace(f'id="{yardsticks.source_anchor(first)}"', ""), declared) == [first]


def test_frus_imf_and_the_cpv_history_are_cited_capitalised():
    text = html.unescape(re.sub(r"<[^>]+>", "", page_html()))
    assert not miscapitalised(text)
    # The CPV history read on 3gbook.com is a machine translation of a popular
    # history, not the Academy of Military Sciences' official history.
    assert "machine translation of a Chinese popular history of the Chinese People's Volunteers" in text
    assert "translation of a Chinese official history" not in text
    assert "Academy of Military Sciences, Kangmei yuanchao zhanzhengshi" in text
    # The unnamed sources of the disputed pre-reform yuan rate say they are unnamed.
    assert "Not named in the facts gathered for the project, [Two secondary Chinese web pages" in text
    # The check can fail: a name in lower case, or missing.
    assert miscapitalised(text.replace("International Monetary Fund", "international monetary fund"))


def test_a_yardstick_flag_links_to_its_sources(findings):
    anchors = set(re.findall(r'id="(source-[a-z0-9-]+)"', page_html()))
    for check, expected in EXPECTED_LINKS.items():
        flag = flags.flag(findings[check])
        assert sorted(set(linked_sources(flag))) == sorted(expected), check
        assert "Yardstick: " in flag
    for finding in findings.values():
        for source_id in linked_sources(flags.flag(finding)):
            assert yardsticks.source_anchor(source_id) in anchors, f"{finding.check}: no anchor for {source_id}"
    # The check can fail: a flag of the paper's own arithmetic cites no yardstick.
    assert linked_sources(flags.flag(findings["soviet_aid_fn21"])) == []


def test_a_rate_yardstick_is_every_candidate_rate_of_the_figure_s_time(findings):
    """The rates a flag cites are those the conversion used: every official rate
    of the figure's currency valid in its period (``rates._yardsticks``)."""
    table = claims.load_claims()
    checked = 0
    for finding in findings.values():
        if finding.kind != "reference_rate":
            continue
        amount = table.loc[finding.inputs[0]]
        start, end = (dt.date.fromisoformat(amount[f"period_{e}"]) for e in ("start", "end"))
        candidates = [r["id"] for r in reference.rates_for(amount["unit"], start, end)]
        used = [i for i in reference.facts_used(finding) if reference.lookup(i)[0] == "exchange-rates"]
        assert sorted(used) == sorted(candidates), finding.check
        checked += 1
    assert checked >= 3


def test_the_flags_escape_what_the_sources_say(tmp_path, monkeypatch, findings):
    copy = tmp_path / "reference"
    shutil.copytree(paths.REFERENCE_DIR, copy)
    path = copy / reference.SOURCES_FILE
    text = path.read_text(encoding="utf-8").replace("International Financial Statistics", "<script>x</script>", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(reference, "_loaded", lambda _project: reference.read(copy))
    for shown in (flags.flag(findings["chinese_gift_official"]), yardsticks.reference_sources("exchange-rates")):
        assert "<script>" not in shown and "&lt;script&gt;x&lt;/script&gt;" in shown


def corrupt(tmp_path, filename: str, old: str, new: str):
    copy = tmp_path / "reference"
    shutil.copytree(paths.REFERENCE_DIR, copy)
    path = copy / filename
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def test_a_source_id_that_is_not_declared_is_refused(tmp_path):
    copy = corrupt(tmp_path, "dates.csv", "china-daily-2015", "china-daily-2016")
    with pytest.raises(DataError) as error:
        reference.read(copy)
    message = str(error.value)
    assert re.search(r"dates\.csv, line 10 \(id renminbi_redenomination\), field 'source': 'china-daily-2016'", message)
    assert "sources.csv" in message


def test_a_free_text_source_is_refused(tmp_path):
    copy = corrupt(tmp_path, "exchange_rates.csv", "frus-1950-v04-d611", '"FRUS 1950, vol. IV"')
    with pytest.raises(DataError, match=r"exchange_rates\.csv, line 2, field 'source': constraint-error"):
        reference.read(copy)


def test_a_source_no_fact_names_is_refused(tmp_path):
    copy = corrupt(tmp_path, "counts.csv", "tian-wuxiong,medium-high", "cpv-official-history,medium-low")
    with pytest.raises(DataError, match=r"sources\.csv, line \d+ \(id tian-wuxiong\), field 'id': no reference fact"):
        reference.read(copy)


# --- the references page as built ---------------------------------------

BIBLIOGRAPHY_NAMES = ("North Korea", "Post-War Reconstruction", "Fraternal Socialism")
PAPER_ADDRESS = "https://www.wilsoncenter.org/nkidp"


def bibliography_problems(page: str) -> list[str]:
    """What is wrong with the bibliography of the references page as built:
    a proper name lower-cased, or the audited paper without its link."""
    start = page.index('id="the-paper-and-related-work"')
    end = page.index('id="the-yardsticks-sources"', start)
    part = page[start:end]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", part)).split())
    problems = [f"{name!r} is not capitalised" for name in BIBLIOGRAPHY_NAMES if name not in text]
    problems += [f"{name.lower()!r} is lower-cased" for name in BIBLIOGRAPHY_NAMES if name.lower() in text]
    entry = re.search(r"Shen and Yafeng Xia.*?</div>", part, re.S)
    if not entry or f'href="{PAPER_ADDRESS}"' not in entry.group(0):
        problems.append(f"the audited paper does not link to {PAPER_ADDRESS}")
    return problems


def unlinked_addresses(page: str) -> list[str]:
    """The web addresses in the yardsticks' sources that are not inside a link
    to the same address."""
    found = []
    for item in re.findall(r'<li id="[^"]*" class="audit-source">.*?</li>', page, re.S):
        item = item.replace("<wbr>", "")
        linked = set(re.findall(r'<a [^>]*href="(https?://[^"]+)"[^>]*>\s*\1\s*</a>', item))
        outside = re.sub(r"<a [^>]*>.*?</a>", " ", item, flags=re.S)
        found += [a for a in re.findall(r"https?://[^\s<>\"]+", outside)]
        found += [a for a in re.findall(r">\s*(https?://[^\s<]+?)\s*</a>", item) if a not in linked]
    return found


def test_the_page_checks_can_fail():
    planted = (
        '<section id="the-paper-and-related-work"><div>Zhihua Shen and Yafeng Xia. China and the post-war '
        'reconstruction of north korea. “fraternal socialism”.</div></section><section id="the-yardsticks-sources">'
        '<li id="source-a" class="audit-source"><p>A. https:/<wbr>/example.org/<wbr>a</p></li></section>'
    )
    assert len(bibliography_problems(planted)) == 2 * len(BIBLIOGRAPHY_NAMES) + 1
    assert unlinked_addresses(planted) == ["https://example.org/a"]


@pytest.mark.build
def test_references_page_links_its_sources_and_keeps_proper_names(built_html):
    page = (built_html / "book" / "references.html").read_text(encoding="utf-8")
    assert not bibliography_problems(page)
    assert 'class="audit-source"' in page and "https:/" in page
    assert not unlinked_addresses(page), unlinked_addresses(page)


def test_every_source_address_becomes_a_link():
    """The built page's fix (``sphinx_fixes.link_addresses``) makes each
    source's address a link to itself, on what the notebook renders, without a
    build; the build test above holds the built page to the same."""
    from paper_audit.present import sphinx_fixes

    page = page_html()
    linked = sphinx_fixes.link_addresses(page)
    assert not unlinked_addresses(linked), unlinked_addresses(linked)
    hrefs = set(re.findall(r'href="([^"]+)"', linked))
    for source_id, row in reference.sources().iterrows():
        if row["url"]:
            assert html.escape(row["url"]) in hrefs, source_id
    # The check can fail: the page as the notebook writes it, before the fix.
    assert unlinked_addresses(page)
