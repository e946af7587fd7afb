"""The prose check of the rendered book (issue 26): the text a reader reads on
a built page, linted by proselint (offline, with the checks that make sense
for this book) and by the project's own rules against the defects generated
sentences once had:

* no nested parentheses ("the debt (off at every candidate rate (USD ...))");
* no verdict tag repeated in a row ("(consistent) (consistent)");
* no "N of the N" ("6 of the 6 checks") and no "0 where";
* no parenthesis directly after "are" or "is" ("together are (supported ...)");
* no sentence repeated on a page.

``page_text`` takes the prose out of a page (not code, not the paper's own
text, which is quoted, not written here, not the figure notes, which repeat
what the figures say); ``problems`` lints it. One configuration for the page
check and for the test that plants a broken sentence of each pattern."""

from __future__ import annotations

import html.parser
import re

from proselint.checks import __register__ as PROSELINT_REGISTER
from proselint.registry import CheckRegistry
from proselint.tools import LintFile

from paper_audit.audit.verdicts import VERDICTS

# proselint's checks kept for a book of history with figures. Left out: those
# whose word lists quarrel with the subject or the house style ("hedging" and
# "weasel_words" flag the careful "about" and "nearly" a historian needs;
# "typography" wants (c) and x for ×, which the book never writes; "dates_times"
# knows US forms only; "social_awareness" and "psychology" flag terms of the
# period's sources; "industrial_language" flags "liaise" and the like in the
# Cold War documents' titles; "restricted" is a list for controlled English).
PROSELINT_CHECKS = {
    "annotations": True,
    "archaism": True,
    "cliches": True,
    "dates_times": False,
    "hedging": False,
    "industrial_language": False,
    "lexical_illusions": True,
    "malapropisms": True,
    "misc": True,
    "mixed_metaphors": True,
    "mondegreens": True,
    "needless_variants": True,
    "nonwords": True,
    "oxymorons": True,
    "psychology": False,
    "redundancy": True,
    "restricted": False,
    "skunked_terms": True,
    "social_awareness": False,
    "spelling": True,
    "terms": True,
    "typography": False,
    "uncomparables": True,
    "weasel_words": False,
    # A periodical's issue is named by its season: "Prologue, Summer 2003".
    "misc.capitalization.seasons": False,
    # Garner's list of cliches takes the book's literal "the footnote on the
    # same page" for the figure of speech; the other lists of cliches stay.
    "cliches.misc.garner": False,
}
# proselint reads its checks' switches most specific first ("misc.capitalization.seasons" before "misc").
PROSELINT_CONFIG = {
    "max_errors": 1000,
    "checks": dict(sorted(PROSELINT_CHECKS.items(), key=lambda item: -item[0].count("."))),
}

# Elements whose text is not the book's prose: code and its outputs' scripts,
# the figure notes, the paper's own text (quoted sentences, the source page,
# the OCR variants), the print marks, the theme's chrome.
SKIPPED_CLASSES = {
    "cell_input",
    "highlight",
    "audit-note",
    "audit-page",
    "audit-variants-pages",
    "audit-print-header",
    "audit-print-footer",
    "headerlink",
    "bd-header",
    "bd-sidebar-primary",
    "bd-sidebar-secondary",
    "bd-footer",
    "bd-footer-article",
    "prev-next-area",
    "header-article-items",
    "bd-header-article",
    "bd-search",
    "search-button-field",
}
# Tables hold data, not sentences: their cells repeat by design ("1", "2.617 ...").
# A <q> holds the paper's own words (a flag's quotes), not the book's prose.
SKIPPED_TAGS = {
    "script",
    "style",
    "pre",
    "code",
    "blockquote",
    "q",
    "svg",
    "math",
    "nav",
    "button",
    "template",
    "table",
}
# Where a block of text ends: its sentences do not run into the next block's.
BLOCK_TAGS = {"p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "summary", "div"}
VOID_TAGS = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "track"}


class _ProseParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.stack: list[bool] = []  # for each open element: does it skip its text?
        self.in_article = 0

    def _skipping(self) -> bool:
        return any(self.stack)

    def _flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        classes = set((dict(attrs).get("class") or "").split())
        skip = tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES)
        if tag in BLOCK_TAGS and not self._skipping():
            self._flush()
        self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or not self.stack:
            return
        if tag in BLOCK_TAGS and not self._skipping():
            self._flush()
        self.stack.pop()
        if tag in BLOCK_TAGS and not self._skipping():
            self._flush()

    def handle_data(self, data):
        if not self._skipping():
            self.current.append(data)


def page_text(page_html: str) -> list[str]:
    """The prose of a built page, block by block (paragraphs, list items, cells,
    headings), from its article only."""
    start = page_html.find('<article class="bd-article"')
    end = page_html.find("</article>", start)
    article = page_html[start:end] if start >= 0 and end > start else page_html
    parser = _ProseParser()
    parser.feed(article)
    parser.close()
    parser._flush()
    return parser.blocks


# --- the project's own rules ------------------------------------------------

NUMBER_WORDS = "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
VERDICT_WORDS = sorted({w for key, v in VERDICTS.items() for w in (key, v.short)}, key=len, reverse=True)
VERDICT_TAG = r"\((?:" + "|".join(re.escape(w) for w in VERDICT_WORDS) + r")\b[^()]*\)"
OWN_RULES = {
    "verdict tag repeated in a row": re.compile(rf"{VERDICT_TAG}[\s,;]*{VERDICT_TAG}|(\([^()]+\))\s*\1"),
    "N of the N": re.compile(rf"\b(\d+|{NUMBER_WORDS}) of the \1\b", re.I),
    "0 where": re.compile(r"\b(?:0|zero) where\b", re.I),
    "parenthesis after are/is": re.compile(r"\b(?:are|is)\s+\(", re.I),
}
# A sentence long enough that saying it twice on one page is a repetition (the
# short labels a flag repeats by design, "✓ consistent, by an outside
# yardstick.", "The facts that rest on it:", are not); a line that does not end
# as a sentence does (a fact listed under each of its sources) is not one, nor
# is a labelled field that each exercise or chart of a page states for itself
# ("Tolerance: accepted within 0.1 percent of the expected value.").
REPEATED_SENTENCE_WORDS = 8
LABELLED_FIELD = re.compile(r"^[A-Z][a-z]+: ")


QUOTED = re.compile(r"“[^”]*”")


def nested_parentheses(text: str) -> list[str]:
    """Each parenthesis opened inside another, with what precedes it."""
    found, depth = [], 0
    for n, char in enumerate(text):
        if char == "(":
            depth += 1
            if depth == 2:
                found.append(text[max(0, n - 60) : n + 30])
        elif char == ")":
            depth = max(0, depth - 1)
    return found


def sentences(block: str) -> list[str]:
    """A block's sentences (a full stop, question or exclamation mark, then a
    space and a capital or a quote)."""
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+(?=[A-Z“\"‘(])", block) if s.strip()]


def own_problems(blocks: list[str]) -> list[str]:
    """What the project's rules find in a page's blocks of prose."""
    found = []
    for block in blocks:
        # The paper's own words, in quotation marks, are not the book's prose: a
        # quote cut inside the paper's parenthesis ("430 billion won (14 billion
        # rubles") leaves one open that is the paper's, not ours.
        ours = QUOTED.sub("“…”", block)
        found += [f"nested parentheses: …{hit}…" for hit in nested_parentheses(ours)]
        for name, pattern in OWN_RULES.items():
            found += [f"{name}: …{block[max(0, m.start() - 50) : m.end() + 30]}…" for m in pattern.finditer(block)]
    seen: dict[str, int] = {}
    for block in blocks:
        for sentence in sentences(block):
            long_enough = len(sentence.split()) >= REPEATED_SENTENCE_WORDS
            if long_enough and sentence[-1] in ".?!" and not LABELLED_FIELD.match(sentence):
                key = " ".join(sentence.lower().split())
                seen[key] = seen.get(key, 0) + 1
    found += [f"sentence repeated {n} times: {s[:120]}" for s, n in seen.items() if n > 1]
    return found


URL = re.compile(r"https?://\S+")


def proselint_problems(blocks: list[str], name: str = "page") -> list[str]:
    """What proselint, with ``PROSELINT_CONFIG``, finds in a page's prose."""
    registry = CheckRegistry()  # proselint's command line registers its checks first, as here
    if not registry.checks:
        registry.register_many(PROSELINT_REGISTER)
    found = []
    # Block by block: a word ending one block and starting the next is no "the the".
    for block in blocks:
        # A web address is no prose: its words ("september-30-webinar") are the site's spelling.
        block = URL.sub(lambda m: "x" * len(m.group()), block)
        for result in LintFile(name, block).lint(PROSELINT_CONFIG):
            check = result.check_result
            context = block[max(0, check.span[0] - 50) : check.span[1] + 20]
            found.append(f"proselint {check.check_path}: {check.message} in …{context}…")
    return found


def problems(blocks: list[str], name: str = "page") -> list[str]:
    """Every problem the prose check finds in a page's blocks of prose."""
    return own_problems(blocks) + proselint_problems(blocks, name)
