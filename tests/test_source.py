import json

import pytest

from paper_audit import paths
from paper_audit.text import source
from paper_audit.errors import DataError


def test_shipped_text_is_what_the_shared_paper_derives():
    if not paths.SHARED_PAPER.exists():
        pytest.skip("the shared paper is not beside this checkout")
    derived = source.derive(paths.SHARED_PAPER)
    for name, text in derived.items():
        assert (paths.SOURCE_DIR / name).read_bytes() == text.encode("utf-8"), name
    manifest = json.loads((paths.SOURCE_DIR / "manifest.json").read_text())
    assert manifest["original"]["sha256"] == source.ORIGINAL_SHA256
    assert set(manifest["files"]) == set(derived)


def test_manifest_hashes_hold():
    source.verify()


def test_a_silent_edit_is_caught(source_copy):
    page = source_copy / "page-3.clean.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("thirty-four", "thirty-five"), encoding="utf-8")
    with pytest.raises(DataError, match=r"page-3\.clean\.txt: sha256 .* does not match"):
        source.verify(source_copy)


def test_a_missing_page_is_named(source_copy):
    (source_copy / "page-4.raw.txt").unlink()
    with pytest.raises(DataError, match=r"page-4\.raw\.txt: missing"):
        source.verify(source_copy)


def test_pages_split_into_body_and_footnotes(pages):
    assert sorted(pages) == [2, 3, 4, 5, 6]
    # Footnote 13 is on page 3; the marker of note 7 is glued to a year on page 2.
    p3 = pages[3]
    note13 = [s for s in p3.segments_of("clean", "footnote") if s.footnote == 13][0]
    assert p3.clean[note13.start:note13.end].startswith("13 After the war")
    assert p3.footnotes_text().startswith("11 Armstrong")
    assert p3.body().endswith("paying particular attention to China’s economic")
    marker7 = [s for s in pages[2].segments_of("clean", "marker") if s.footnote == 7][0]
    assert pages[2].clean[marker7.start - 5:marker7.end] == "1949.7"
    # Page 2's notes begin inside note 4, whose start is on page 1.
    assert [s.footnote for s in pages[2].segments_of("clean", "footnote")] == [4, 5, 6, 7, 8, 9, 10]
    assert pages[6].footnote_at(pages[6].clean.index("4 rubles")) == 21
    assert pages[6].footnote_at(pages[6].clean.index("22,735")) is None


def test_the_wrong_shared_file_is_refused(tmp_path):
    fake = tmp_path / "paper.txt"
    fake.write_text("not the paper\n")
    with pytest.raises(DataError, match="not the paper's file"):
        source.derive(fake)
