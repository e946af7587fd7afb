"""requirements.txt is the one place where versions are pinned; environment.yml
must install exactly it, and nothing that disagrees."""

import re
import tomllib

import yaml

from paper_audit import paths

ROOT = paths.REPO_ROOT


def requirement_pins():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line)
        assert match, f"requirements.txt: {line!r} is not pinned with =="
        pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_every_requirement_is_pinned_and_jupyter_book_is_1():
    pins = requirement_pins()
    assert pins["jupyter-book"] == "1.0.4.post1"
    for name in ("pandas", "numpy", "matplotlib", "papermill", "myst-nb", "frictionless"):
        assert name in pins, f"{name} is not pinned in requirements.txt"


def test_environment_yml_installs_the_same_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    python = [d for d in conda if d.startswith("python")]
    assert python == ["python=3.11"], python
    assert ">=3.11" in pyproject["project"]["requires-python"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-r requirements.txt" in pip_section and "-e ." in pip_section
    pins = requirement_pins()
    # Any package that environment.yml names itself must carry the same pin.
    for entry in conda + [p for p in pip_section if not p.startswith("-")]:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*=?=\s*([^\s]+)", entry)
        if match and match.group(1) not in ("python", "pip"):
            name = match.group(1).lower().replace("_", "-")
            assert pins.get(name) == match.group(2), f"environment.yml pins {entry}, requirements.txt {pins.get(name)}"
