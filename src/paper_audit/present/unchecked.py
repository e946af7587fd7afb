"""The figures no check reads, listed after the findings register with the
quote, its page and the reason it is not checked (``tables.unchecked``);
text from the data is escaped here."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from paper_audit.present.render import esc
from paper_audit.tables.unchecked import Unchecked

HEADING = "Figures not checked, and why"


def listing(rows: Iterable[Unchecked], claims: pd.DataFrame) -> str:
    """An HTML list: each figure as the paper prints it, where, and why it is not checked."""
    items = []
    for row in rows:
        claim = claims.loc[row.claim]
        where = f"p. {int(claim['page'])}" + (
            f", n. {int(claim['footnote'])}" if not pd.isna(claim["footnote"]) else ""
        )
        items.append(
            f'<li id="unchecked-{esc(row.claim)}"><q>{esc(claim["quote"])}</q> ({esc(where)}): {esc(row.reason)}</li>'
        )
    return f'<ul class="audit-unchecked">{"".join(items)}</ul>'
