import os
import shutil

import pytest
from hypothesis import settings

from paper_audit import offline, paths
from paper_audit.text import source

# Hypothesis's deadline (200 ms an example) is a timed assertion: on four
# workers beside a CPU burner an example of test_rounding took 255 ms and
# failed the run. Every test's time is bounded by pytest-timeout instead.
settings.register_profile("paper-audit", deadline=None)
settings.load_profile("paper-audit")

# A test that builds the book may take this long, its fixtures' builds included
# (the default for every other test is pyproject.toml's `timeout`).
BUILD_TIMEOUT = 1800


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (``make test``): two workers per core. Part of the suite
    waits rather than computes (on sandboxes and their time limits, browsers,
    builds): on the project's 2-core machine three workers and then four each
    shortened the whole suite, and six lengthened it (9:45 against 8:51 for
    four): with four, both cores are busy for the whole run (``/proc/stat``;
    the README gives the figures). PYTEST_XDIST_AUTO_NUM_WORKERS, if set,
    decides instead (pytest-xdist's own hook)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return 2 * (os.cpu_count() or 1)


def pytest_configure(config):
    # The tests fetch nothing: any connection beyond loopback fails loudly.
    offline.install()


# Fixtures that grade a whole class (or probe after probe) in the sandbox: a test
# that uses one pays for it, and belongs to the slow group ``sandbox``.
CLASS_FIXTURES = {"graded", "hostile_class", "seen"}


def pytest_collection_modifyitems(items):
    """Every test has a timeout: a test marked ``build`` without a timeout of
    its own gets BUILD_TIMEOUT, the others pyproject.toml's default. A test
    that uses a fixture of ``CLASS_FIXTURES`` is marked ``sandbox``."""
    for item in items:
        if item.get_closest_marker("build") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(BUILD_TIMEOUT))
        if CLASS_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.sandbox)


@pytest.fixture(scope="session")
def pages():
    return source.load_pages()


@pytest.fixture
def claims_rows():
    """The real claims file as text lines, to corrupt one thing at a time."""
    return paths.CLAIMS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.fixture
def write_claims(tmp_path):
    def write(lines, name="claims.csv", prefix=b""):
        target = tmp_path / name
        target.write_bytes(prefix + "".join(lines).encode("utf-8"))
        return target

    return write


@pytest.fixture
def source_copy(tmp_path):
    target = tmp_path / "source"
    shutil.copytree(paths.SOURCE_DIR, target)
    return target
