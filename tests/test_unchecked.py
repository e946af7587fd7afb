"""Every figure of the paper is either read by a check or listed with the
reason it is not checked, never both; the list refuses bad rows; its text is
escaped where it becomes HTML."""

import pandas as pd
import pytest

from paper_audit.audit import engine
from paper_audit.errors import DataError
from paper_audit.present import unchecked as shown
from paper_audit.tables import claims as claims_mod
from paper_audit.tables import unchecked


def test_every_claim_is_checked_or_says_why_not():
    claims = claims_mod.load_claims()
    read = {i for row in engine.load_checks(claims=claims) for i in row["inputs"].split()}
    listed = {row.claim for row in unchecked.load()}
    assert not listed & read, f"listed as unchecked but read by a check: {sorted(listed & read)}"
    missing = [c for c in claims.index if c not in read and c not in listed]
    assert not missing, f"say in data/unchecked.csv why these are not checked: {missing}"
    assert "ee_commitment_gdr_share" in listed  # East Germany's "nearly half": the register says why


def _write(tmp_path, body):
    path = tmp_path / "unchecked.csv"
    path.write_text("claim,reason\n" + body, encoding="utf-8")
    return path


def test_bad_rows_are_refused_with_file_line_and_field(tmp_path):
    claims = claims_mod.load_claims()
    with pytest.raises(DataError, match=r"unchecked\.csv, line 2 \(claim no_such\), field 'claim'"):
        unchecked.read(_write(tmp_path, "no_such,a reason\n"), claims)
    with pytest.raises(DataError, match=r"line 3 \(claim cpv_entry_year\), field 'claim': listed already on line 2"):
        unchecked.read(_write(tmp_path, "cpv_entry_year,one\ncpv_entry_year,two\n"), claims)
    with pytest.raises(DataError, match=r"field 'reason': empty"):
        unchecked.read(_write(tmp_path, 'cpv_entry_year,""\n'), claims)


def test_the_listing_escapes_what_comes_from_the_data():
    claims = pd.DataFrame([{"id": "x", "page": 3, "footnote": float("nan"), "quote": "<b>nearly</b> half"}]).set_index(
        "id", drop=False
    )
    html = shown.listing([unchecked.Unchecked("x", "a <script>reason</script> & more")], claims)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;nearly" in html
    assert "(p. 3)" in html
