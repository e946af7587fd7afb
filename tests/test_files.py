"""A file is written whole or not at all."""

import pytest

from paper_audit.files import write_atomically


def test_a_write_replaces_the_file_and_leaves_no_scratch(tmp_path):
    target = tmp_path / "sub" / "scores.csv"
    write_atomically(target, "a,b\n1,2\n")
    write_atomically(target, b"a,b\n3,4\n")
    assert target.read_text(encoding="utf-8") == "a,b\n3,4\n"
    assert [p.name for p in target.parent.iterdir()] == ["scores.csv"]


def test_a_failed_write_keeps_the_last_good_file(tmp_path):
    target = tmp_path / "findings.csv"
    target.write_text("good\n", encoding="utf-8")
    with pytest.raises(TypeError):
        write_atomically(target, 12345)  # neither text nor bytes: fails while writing
    assert target.read_text(encoding="utf-8") == "good\n"
    assert [p.name for p in tmp_path.iterdir()] == ["findings.csv"]
