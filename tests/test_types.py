"""The audit layer is type-checked: ``mypy --strict`` over ``src/paper_audit/audit``
passes, with no ``ignore_errors`` anywhere in its configuration and no bare
``type: ignore`` (each names its error code and says why)."""

import re
import subprocess
import sys
import tomllib

import pytest

from paper_audit import paths

AUDIT = paths.REPO_ROOT / "src" / "paper_audit" / "audit"
# "# type: ignore" not followed by "[code]", or followed by a code but no reason after it.
BARE_IGNORE = re.compile(r"#\s*type:\s*ignore(?!\[[a-z-, ]+\]\s+#\s*\S)")


def bare_ignores(text: str) -> list[int]:
    """The lines (1-based) with a ``type: ignore`` that names no error code or gives no reason."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if BARE_IGNORE.search(line)]


# A cold run (no .mypy_cache, as on a fresh clone) reads pandas' stubs: about 20 s alone, more under load.
@pytest.mark.timeout(300)
def test_mypy_strict_passes_over_the_audit_layer():
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "src/paper_audit/audit"],
        cwd=paths.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout


def test_no_error_is_ignored_wholesale():
    config = tomllib.loads((paths.REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")).get("tool", {})
    assert "ignore_errors" not in repr(config.get("mypy", {}))
    for ini in ("mypy.ini", ".mypy.ini", "setup.cfg"):
        path = paths.REPO_ROOT / ini
        assert not path.exists() or "ignore_errors" not in path.read_text(encoding="utf-8"), ini
    found = {
        str(p.relative_to(AUDIT)): lines
        for p in sorted(AUDIT.rglob("*.py"))
        if (lines := bare_ignores(p.read_text(encoding="utf-8")))
    }
    assert not found, f"type: ignore without an error code and a reason: {found}"


def test_the_bare_ignore_check_can_fail():
    text = (
        "a = f()  # type: ignore\n"
        "b = f()  # type: ignore[attr-defined]\n"
        "c = f()  # type: ignore[attr-defined]  # pandas-stubs lacks it\n"
    )
    assert bare_ignores(text) == [1, 2]
