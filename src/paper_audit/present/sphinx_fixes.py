"""Two fixes to the HTML that Sphinx 7.4 and docutils 0.21 write, which a
reader's browser and axe flag (Jupyter Book 1 pins Sphinx 7, so they are ours
to fix):

* inline scripts are written into each page twice (sphinx-doc/sphinx#13402,
  fixed in Sphinx 8.2), so the second copy throws "Identifier ... has already
  been declared" in the console;
* citations get ``role="doc-biblioentry"``, a deprecated role that axe reports
  as a critical ``aria-required-children`` violation inside ``role="list"``.
"""

from __future__ import annotations


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
    body = context.get("body", "")
    if 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.connect("html-page-context", _fix_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
