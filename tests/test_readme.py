"""README.md renders as written: every fenced code block is closed by a fence
of its own. A closing fence with text after it (```` ``` The browser tests
need...````) is no fence at all to CommonMark, so everything below it would be
shown as code."""

from __future__ import annotations

import re

from paper_audit import paths

README = paths.REPO_ROOT / "README.md"
# CommonMark: up to three spaces of indent, then three or more backticks or tildes.
OPENING = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


def fence_problems(text: str) -> list[str]:
    """Every fence that is not properly closed, by line number (1-based).

    An opening fence is ``` or ~~~ (or longer) with an optional info string (a
    backtick fence's info string holds no backtick). Inside a block, a line
    that starts with the same character is a closing fence only if it is at
    least as long and has nothing but whitespace after it; a line that would
    close the block but for trailing text is reported, as is a block the file
    never closes."""
    problems = []
    open_at = None  # (line number, fence)
    for number, line in enumerate(text.splitlines(), start=1):
        if open_at is None:
            match = OPENING.match(line)
            if match and not (match["fence"][0] == "`" and "`" in match["info"]):
                open_at = (number, match["fence"])
            continue
        start, fence = open_at
        match = re.match(r"^ {0,3}(?P<run>" + re.escape(fence[0]) + r"{3,})(?P<rest>.*)$", line)
        if not match or len(match["run"]) < len(fence):
            continue
        if match["rest"].strip():
            problems.append(
                f"line {number}: text after the fence that should close the block opened on line "
                f"{start} ({match['rest'].strip()[:40]!r}): a closing fence stands alone on its line"
            )
            continue
        open_at = None
    if open_at is not None:
        problems.append(f"line {open_at[0]}: the code block opened here is never closed: the rest renders as code")
    return problems


def test_every_code_block_of_the_readme_is_closed():
    problems = fence_problems(README.read_text(encoding="utf-8"))
    assert not problems, "README.md:\n  " + "\n  ".join(problems)


def test_the_check_catches_a_fence_with_text_after_it():
    text = "intro\n\n```bash\nmake test\n``` The browser tests need Chromium\n\n## Next\n"
    assert fence_problems(text) == [
        "line 5: text after the fence that should close the block opened on line 3 "
        "('The browser tests need Chromium'): a closing fence stands alone on its line",
        "line 3: the code block opened here is never closed: the rest renders as code",
    ]


def test_the_check_accepts_well_formed_fences():
    text = (
        "```bash\nmake\n```\n\n~~~~\n```\nnot a close\n~~~\nnor this\n~~~~~  \n\n"
        "````markdown\n```python\nx\n```\n````\n\n```\n\n```\n"
    )
    assert fence_problems(text) == []


def test_the_check_needs_the_same_character_and_length():
    assert fence_problems("````\ncode\n```\n") == [
        "line 1: the code block opened here is never closed: the rest renders as code"
    ]
    assert fence_problems("~~~\ncode\n```\n")[0].startswith("line 1: the code block opened here is never closed")
