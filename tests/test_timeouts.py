"""Every test has a timeout (pytest-timeout): pyproject.toml's default, a
longer one for the tests that build the book (tests/conftest.py), and a
module's own where it must be slow for another reason. Read from a real
collection, as pytest-timeout itself reads each test's setting."""

import os
import subprocess
import sys
import tomllib

from conftest import BUILD_TIMEOUT
from paper_audit import paths

# A plugin for the collection below: one line per test with the timeout
# pytest-timeout will apply to it (0 or None: none).
LISTING = """
import pytest_timeout

def pytest_collection_finish(session):
    for item in session.items:
        print("TIMEOUT", item.nodeid, pytest_timeout._get_item_settings(item).timeout or 0)
"""

# One module of each kind: plain tests, a module of build tests, a module that sets its own.
MODULES = ["tests/test_add_chapter.py", "tests/test_build.py", "tests/test_bundle_env.py"]


def collected_timeouts(tmp_path) -> dict[str, float]:
    (tmp_path / "timeout_listing.py").write_text(LISTING, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "timeout_listing", "-p", "no:cacheprovider"]
        + MODULES,
        capture_output=True,
        text=True,
        cwd=paths.REPO_ROOT,
        env=env,
        timeout=100,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    listed = [line.removeprefix("TIMEOUT ") for line in result.stdout.splitlines() if line.startswith("TIMEOUT ")]
    return {nodeid: float(seconds) for nodeid, seconds in (line.rsplit(" ", 1) for line in listed)}


def test_every_test_has_a_timeout_and_builds_a_longer_one(tmp_path):
    default = tomllib.loads((paths.REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"][
        "ini_options"
    ]["timeout"]
    assert 0 < default <= 300, "the default timeout is meant for tests that take seconds"
    timeouts = collected_timeouts(tmp_path)
    assert {n.split("::")[0] for n in timeouts} == set(MODULES)
    for nodeid, seconds in timeouts.items():
        if nodeid.startswith("tests/test_build.py"):
            assert seconds == BUILD_TIMEOUT, nodeid
        elif nodeid.startswith("tests/test_bundle_env.py"):
            assert default < seconds < BUILD_TIMEOUT, nodeid
        else:
            assert seconds == default, nodeid
