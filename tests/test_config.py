"""What _config.yml says is what the build does: the execution mode, the
favicon."""

from __future__ import annotations

import pytest
import yaml

from paper_audit import paths
from paper_audit.errors import DataError
from paper_audit.run import build


def config() -> dict:
    return yaml.safe_load((paths.REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))


def test_the_build_runs_in_the_mode_the_config_states(tmp_path):
    stated = config()["execute"]["execute_notebooks"]
    path, derived = build.cached_config(paths.REPO_ROOT, tmp_path, tmp_path / "cache")
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert written["execute"]["execute_notebooks"] == derived["execute"]["execute_notebooks"] == stated
    assert written["execute"]["cache"] == str(tmp_path / "cache")
    # Everything else the maintainer wrote reaches Sphinx unchanged.
    for key, value in config().items():
        if key != "execute":
            assert written[key] == value, key


@pytest.mark.parametrize("mode", ["force", "auto", "off"])
def test_a_mode_the_build_does_not_run_is_refused_by_name(tmp_path, mode):
    root = tmp_path / "book"
    root.mkdir()
    text = (paths.REPO_ROOT / "_config.yml").read_text(encoding="utf-8")
    (root / "_config.yml").write_text(
        text.replace("execute_notebooks: cache", f"execute_notebooks: '{mode}'"), encoding="utf-8"
    )
    with pytest.raises(DataError, match=rf"_config.yml, execute.execute_notebooks: '{mode}'"):
        build.cached_config(root, tmp_path, tmp_path / "cache")


def test_a_favicon_is_declared_and_served_at_the_root():
    favicon = paths.REPO_ROOT / config()["html"]["favicon"]
    assert favicon.read_bytes()[:4] == b"\x00\x00\x01\x00", "not an ICO file"
    # Served at the root too, for browsers that ask for /favicon.ico.
    extra = [paths.REPO_ROOT / p for p in config()["sphinx"]["config"]["html_extra_path"]]
    assert favicon.parent in extra and favicon.name == "favicon.ico"
