"""Two fixes to the HTML that Sphinx 7.4 and docutils 0.21 write, which a
reader's browser and axe flag (Jupyter Book 1 pins Sphinx 7, so they are ours
to fix):

* inline scripts are written into each page twice (sphinx-doc/sphinx#13402,
  fixed in Sphinx 8.2), so the second copy throws "Identifier ... has already
  been declared" in the console;
* citations get ``role="doc-biblioentry"``, a deprecated role that axe reports
  as a critical ``aria-required-children`` violation inside ``role="list"``.

And two to the references page:

* pybtex's ``unsrt`` style sentence-cases every title (``format_title`` applies
  ``str.capitalize``: "the post-war reconstruction of north korea"); the
  bibliography uses ``audit``, the same style with titles as the .bib gives
  them, proper names capitalised;
* the yardsticks' sources (``li.audit-source``, written by
  ``paper_audit.present.yardsticks``) end with their web address as text: it
  becomes a link.

And one to every page's weight: pydata-sphinx-theme loads Font Awesome's
script (1.45 MB, ``_static/scripts/fontawesome.js``), which only redraws the
theme's dozen icons as SVG; its stylesheet already draws them from Font
Awesome's web font. The built script is replaced by a stub; and sphinx-design's
files (62 KB) are left out of the pages that use none of its components.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.template import field, sentence

BIBLIOGRAPHY_STYLE = "audit"
# A source's entry on the references page, and a web address in its text: the
# address is escaped and may hold <wbr> (a break opportunity after each slash).
SOURCE_ITEM = re.compile(r'(<li id="[^"]*" class="audit-source">)(.*?)(</li>)', re.S)
DESIGN_CLASS = re.compile(r'class="[^"]*\bsd-')
ADDRESS = re.compile(r"https?:/(?:<wbr>)?/(?:[^\s<>\"]|<wbr>)+")


class AuditStyle(UnsrtStyle):
    """``unsrt`` without its sentence case: a title keeps its capitals."""

    def format_title(self, e, which_field, as_sentence=True):
        title = field(which_field)
        return sentence[title] if as_sentence else title


def _address_link(found: re.Match) -> str:
    shown = found.group(0).rstrip(".,;:)")
    rest = found.group(0)[len(shown) :]
    href = shown.replace("<wbr>", "")
    return f'<a class="reference external" href="{html.escape(html.unescape(href))}">{shown}</a>{rest}'


def link_addresses(body: str) -> str:
    """The page's HTML with every web address in a source's entry made a link."""
    return SOURCE_ITEM.sub(lambda m: m.group(1) + ADDRESS.sub(_address_link, m.group(2)) + m.group(3), body)


def _fix_page(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        seen, unique = set(), []
        for js in scripts:
            key = (js.filename or "", js.priority, tuple(sorted(js.attributes.items())))
            if key not in seen:
                seen.add(key)
                unique.append(js)
        scripts[:] = unique
    # sphinx-design's stylesheet and script (62 KB), which Jupyter Book adds to
    # every page, only on a page that uses one of its components.
    body = context.get("body", "")
    if not DESIGN_CLASS.search(body):
        for key, unused in (("css_files", "sphinx-design.min.css"), ("script_files", "design-tabs.js")):
            files = context.get(key)
            if files:
                files[:] = [f for f in files if not str(getattr(f, "filename", f)).split("?")[0].endswith(unused)]
    if 'role="doc-biblioentry"' in body:
        context["body"] = body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    if 'class="audit-source"' in body:
        context["body"] = link_addresses(body)


ICON_SCRIPT = Path("_static") / "scripts" / "fontawesome.js"
ICON_SCRIPT_STUB = (
    "/* Font Awesome's script left out (paper_audit.present.sphinx_fixes): the theme's\n"
    "   stylesheet draws its icons from the Font Awesome web font. */\n"
)


def _stub_icon_script(app, exception) -> None:
    script = Path(app.outdir) / ICON_SCRIPT
    if exception is None and app.builder.format == "html" and script.is_file():
        script.write_text(ICON_SCRIPT_STUB, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _stub_icon_script)
    register_plugin("pybtex.style.formatting", BIBLIOGRAPHY_STYLE, AuditStyle, force=True)
    app.connect("html-page-context", _fix_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
