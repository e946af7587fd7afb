import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.text import source


def test_shipped_text_is_what_the_papers_excerpt_derives():
    derived = source.derive(paths.PAPER_EXCERPT)
    for name, text in derived.items():
        assert (paths.SOURCE_DIR / name).read_bytes() == text.encode("utf-8"), name
    manifest = json.loads((paths.SOURCE_DIR / "manifest.json").read_text())
    assert manifest["original"]["sha256"] == source.ORIGINAL_SHA256
    assert manifest["original"]["name"] == paths.PAPER_EXCERPT.name
    assert set(manifest["files"]) == set(derived)


def test_the_excerpt_is_in_the_repository_with_its_provenance():
    assert paths.PAPER_EXCERPT.is_relative_to(paths.REPO_ROOT)
    assert source.sha256_bytes(paths.PAPER_EXCERPT.read_bytes()) == source.ORIGINAL_SHA256
    readme = " ".join((paths.PAPER_EXCERPT.parent / "README.md").read_text(encoding="utf-8").split())
    assert "NKIDP Working Paper #4" in readme and source.ORIGINAL_SHA256 in readme
    assert "page-*" in readme and "scripts/extract_source.py" in readme


def test_nothing_reads_the_folder_beside_the_repository():
    """The excerpt once lay in a folder beside the checkout, which a reader's
    clone does not have; no code, test, script or benchmark may look there."""
    word = "sha" + "red"  # spelled apart, so that this test does not find itself
    sibling = re.compile(rf"\.\./{word}|[\"']{word}[\"']|{word}/paper|{word.upper()}_PAPER")
    found = [
        f"{path.relative_to(paths.REPO_ROOT)}:{number}: {line.strip()}"
        for folder in ("src", "tests", "scripts", "bench")
        for path in sorted((paths.REPO_ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if sibling.search(line)
    ]
    assert not found, "reads the folder beside the repository:\n" + "\n".join(found)


def clone_without_a_sibling(tmp_path):
    """What `git clone` gives: the files git knows (tracked, or new and not
    ignored), in a folder with nothing beside it."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=paths.REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if listing.returncode != 0:
        pytest.skip(f"not a git checkout: {listing.stderr.strip()}")
    listed = listing.stdout
    clone = tmp_path / "alone" / "paper-audit"
    for name in filter(None, listed.split("\0")):
        if (paths.REPO_ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(paths.REPO_ROOT / name, clone / name)
    assert sorted(p.name for p in clone.parent.iterdir()) == ["paper-audit"]
    return clone


def run_in(clone, *args):
    """Run the clone's own code (its src/ first on the path) from the clone, as a reader would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPER_AUDIT_")}
    env["PYTHONPATH"] = str(clone / "src")
    return subprocess.run([sys.executable, *args], cwd=clone, env=env, capture_output=True, text=True, timeout=300)


def test_a_clone_without_the_folder_beside_it_derives_its_source(tmp_path):
    clone = clone_without_a_sibling(tmp_path)
    where = run_in(clone, "-c", "from paper_audit import paths; print(paths.REPO_ROOT); print(paths.PAPER_EXCERPT)")
    assert where.returncode == 0, where.stderr
    assert where.stdout.split() == [
        str(clone.resolve()),
        str(clone.resolve() / paths.PAPER_EXCERPT.relative_to(paths.REPO_ROOT)),
    ]
    check = run_in(clone, "scripts/extract_source.py", "--check")
    assert check.returncode == 0, check.stderr
    assert "data/source/ is what the paper's excerpt derives" in check.stdout
    verified = run_in(clone, "-c", "from paper_audit.text import source; print(len(source.verify()['files']))")
    assert verified.returncode == 0 and int(verified.stdout) > 0, verified.stderr
    # It is the clone's own copy that is read: without it, the script stops and names it.
    (clone / paths.PAPER_EXCERPT.relative_to(paths.REPO_ROOT)).unlink()
    missing = run_in(clone, "scripts/extract_source.py", "--check")
    assert missing.returncode == 2 and "000_791191a67cd1a826.txt" in missing.stderr, missing.stderr


def test_another_copy_of_the_excerpt_can_be_named(tmp_path):
    copy = tmp_path / "paper.txt"
    shutil.copy2(paths.PAPER_EXCERPT, copy)

    def check_against(paper):
        return subprocess.run(
            [sys.executable, "scripts/extract_source.py", "--paper", str(paper), "--check"],
            cwd=paths.REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )

    result = check_against(copy)
    assert result.returncode == 0, result.stderr
    copy.write_bytes(copy.read_bytes() + b" ")
    result = check_against(copy)
    assert result.returncode == 2 and "not the paper's file" in result.stderr


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
    assert p3.clean[note13.start : note13.end].startswith("13 After the war")
    assert p3.footnotes_text().startswith("11 Armstrong")
    assert p3.body().endswith("paying particular attention to China’s economic")
    marker7 = [s for s in pages[2].segments_of("clean", "marker") if s.footnote == 7][0]
    assert pages[2].clean[marker7.start - 5 : marker7.end] == "1949.7"
    # Page 2's notes begin inside note 4, whose start is on page 1.
    assert [s.footnote for s in pages[2].segments_of("clean", "footnote")] == [4, 5, 6, 7, 8, 9, 10]
    assert pages[6].footnote_at(pages[6].clean.index("4 rubles")) == 21
    assert pages[6].footnote_at(pages[6].clean.index("22,735")) is None


def test_the_wrong_file_is_refused(tmp_path):
    fake = tmp_path / "paper.txt"
    fake.write_text("not the paper\n")
    with pytest.raises(DataError, match="not the paper's file"):
        source.derive(fake)
