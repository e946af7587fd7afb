"""Versions are pinned once. requirements.txt is the full lock of what the book
needs to build and run (the closure of pyproject.toml's dependencies);
requirements-dev.txt adds, on top of it, what only the tests and development
need; environment.yml (conda, Binder) installs requirements.txt and the
package, and no test tool. pyproject.toml names every distribution that src/
imports, and a plain (not editable) install of the package finds the
repository it is run from."""

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from paper_audit import paths

ROOT = paths.REPO_ROOT
PIN = re.compile(r"([A-Za-z0-9_.\-]+)==([^\s;]+)")
# Tools that only the tests and development use: never in the book's environment.
TEST_TOOLS = {
    "pytest",
    "hypothesis",
    "playwright",
    "axe-playwright-python",
    "ruff",
    "nbqa",
    "autopep8",
    "import-linter",
    "grimp",
}


def key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins_of(name: str) -> dict[str, str]:
    """{distribution: version} of a requirements file's own pins (not those it includes)."""
    pins = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line == "-r requirements.txt":
            continue
        match = PIN.fullmatch(line)
        assert match, f"{name}: {line!r} is not pinned with =="
        assert key(match.group(1)) not in pins, f"{name}: {match.group(1)} is pinned twice"
        pins[key(match.group(1))] = match.group(2)
    return pins


def requirement_pins():
    return pins_of("requirements.txt")


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def declared() -> set[str]:
    return {key(Requirement(d).name) for d in pyproject()["project"]["dependencies"]}


def test_every_requirement_is_pinned_and_jupyter_book_is_1():
    pins = requirement_pins()
    assert pins["jupyter-book"] == "1.0.4.post1"
    for name in (
        "pandas",
        "numpy",
        "matplotlib",
        "papermill",
        "myst-nb",
        "frictionless",
        "sphinx-exercise",
        "ipykernel",
    ):
        assert name in pins, f"{name} is not pinned in requirements.txt"


def test_the_test_tools_are_pinned_in_requirements_dev_only():
    book, dev = requirement_pins(), pins_of("requirements-dev.txt")
    assert not TEST_TOOLS & set(book), f"requirements.txt pins test tools: {sorted(TEST_TOOLS & set(book))}"
    assert TEST_TOOLS <= set(dev), f"requirements-dev.txt lacks {sorted(TEST_TOOLS - set(dev))}"
    assert dev["import-linter"] == "2.17" and dev["grimp"] == "3.20"


def test_requirements_dev_builds_on_requirements_txt_and_contradicts_none_of_its_pins():
    lines = [
        line.strip()
        for line in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "-r requirements.txt", "requirements-dev.txt must start from the book's pins"
    book, dev = requirement_pins(), pins_of("requirements-dev.txt")
    contradicting = {
        name: (version, book[name]) for name, version in dev.items() if name in book and book[name] != version
    }
    assert not contradicting, f"requirements-dev.txt pins against requirements.txt: {contradicting}"
    twice = sorted(set(dev) & set(book))
    assert not twice, f"pinned in both files (a pin belongs in one): {twice}"


def closure(names) -> set[str]:
    """Every distribution that ``names`` require, as the installed packages' metadata says."""
    seen, todo = set(), [Requirement(n) for n in names]
    while todo:
        requirement = todo.pop()
        for extra in ("", *sorted(requirement.extras)):
            if (key(requirement.name), extra) in seen:
                continue
            seen.add((key(requirement.name), extra))
            try:
                requires = metadata.requires(requirement.name) or []
            except metadata.PackageNotFoundError:
                raise AssertionError(f"{requirement.name} is not installed: make setup-dev") from None
            for text in requires:
                needed = Requirement(text)
                if needed.marker is None or needed.marker.evaluate({"extra": extra}):
                    todo.append(needed)
    return {name for name, _ in seen}


def test_requirements_txt_is_the_closure_of_the_package_dependencies():
    """What `make lock` writes: the book's lock holds what pyproject.toml's
    dependencies require, all of it and nothing more."""
    needed, book = closure(pyproject()["project"]["dependencies"]), set(requirement_pins())
    assert not needed - book, f"required by the package but not pinned in requirements.txt: {sorted(needed - book)}"
    assert not book - needed, f"pinned in requirements.txt but not needed by the book: {sorted(book - needed)}"


def test_environment_yml_installs_the_same_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    python = [d for d in conda if d.startswith("python")]
    assert python == ["python=3.11"], python
    assert ">=3.11" in pyproject()["project"]["requires-python"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-r requirements.txt" in pip_section and "-e ." in pip_section
    pins = requirement_pins()
    # Any package that environment.yml names itself must carry the same pin.
    for entry in conda + [p for p in pip_section if not p.startswith("-")]:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*=?=\s*([^\s]+)", entry)
        if match and match.group(1) not in ("python", "pip"):
            name = key(match.group(1))
            assert pins.get(name) == match.group(2), f"environment.yml pins {entry}, requirements.txt {pins.get(name)}"


def test_environment_yml_installs_no_test_tool():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    entries = [d for d in env["dependencies"] if isinstance(d, str)] + list(pip_section)
    files = [e.split(None, 1)[1] for e in entries if e.startswith(("-r ", "-c "))]
    assert files == ["requirements.txt"], f"environment.yml installs {files}: only requirements.txt is the book's"
    dev_only = TEST_TOOLS | set(pins_of("requirements-dev.txt"))
    named = {key(re.split(r"[\s=<>!~\[;]", e)[0]) for e in entries if not e.startswith("-")}
    assert not named & dev_only, f"environment.yml installs test tools: {sorted(named & dev_only)}"


# --- pyproject.toml names every import -------------------------------------


def src_imports() -> dict[str, set[str]]:
    """{top-level module: files} of every absolute import in src/."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "src").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                found.setdefault(module.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def undeclared_imports(names: set[str]) -> dict[str, str]:
    """{module: why} for every third-party module src/ imports whose distribution is not in ``names``."""
    distributions = metadata.packages_distributions()
    problems = {}
    for module, files in sorted(src_imports().items()):
        if module in sys.stdlib_module_names or module == "paper_audit":
            continue
        owners = {key(d) for d in distributions.get(module, [])}
        if not owners:
            problems[module] = f"imported by {sorted(files)} but no installed distribution provides it"
        elif not owners & names:
            problems[module] = f"imported by {sorted(files)}: declare {' or '.join(sorted(owners))}"
    return problems


def test_pyproject_declares_every_import():
    problems = undeclared_imports(declared())
    assert not problems, "pyproject.toml [project] dependencies lacks:\n" + "\n".join(
        f"  {module}: {why}" for module, why in problems.items()
    )


def test_removing_a_declaration_is_caught():
    """The check above has teeth: without nbformat or pyyaml declared, it names them."""
    names = declared()
    assert "nbformat" in undeclared_imports(names - {"nbformat"})
    assert "yaml" in undeclared_imports(names - {"pyyaml"})


def test_the_package_data_named_in_pyproject_exists():
    tool = pyproject()["tool"]["setuptools"]
    assert tool["packages"]["find"]["where"] == ["src"]
    for package, patterns in tool.get("package-data", {}).items():
        folder = ROOT / "src" / Path(*package.split("."))
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"pyproject.toml: package-data {package}: {pattern} matches no file"


# --- a plain install (pip install ., not editable) --------------------------


@pytest.fixture(scope="module")
def installed_copy(tmp_path_factory) -> Path:
    """``pip install --no-deps --target`` of the package, built from a copy of
    what it is made of (so the build leaves nothing in the checkout)."""
    tmp_path = tmp_path_factory.mktemp("plain-install")
    project = tmp_path / "project"
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    target = tmp_path / "target"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-index",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return target


def run_installed(target: Path, code: str, cwd: Path):
    """Run ``code`` with the copy under ``target``, isolated from the editable
    install: no site (-S, so no .pth file maps paper_audit to src/), then the
    venv's packages after the target."""
    prelude = (
        f"import sys; sys.path.append({sysconfig.get_paths()['purelib']!r}); "
        f"import paper_audit; assert paper_audit.__file__.startswith({str(target)!r}), paper_audit.__file__; "
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPER_AUDIT_", "PYTHON"))}
    env.update(PYTHONPATH=str(target), PYTHONNOUSERSITE="1")
    return subprocess.run(
        [sys.executable, "-S", "-c", prelude + code], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


def test_the_repository_is_found_in_order(tmp_path, monkeypatch):
    from paper_audit.errors import DataError

    project = tmp_path / "project"
    (project / "data" / "source").mkdir(parents=True)
    (project / "data" / "claims.csv").write_text("id\n", encoding="utf-8")
    installed = tmp_path / "site-packages" / "paper_audit" / "paths.py"  # not inside a checkout
    monkeypatch.delenv("PAPER_AUDIT_ROOT", raising=False)
    assert paths.find_root(cwd=project, package_file=installed) == project.resolve()
    assert paths.find_root(cwd=project / "data" / "source", package_file=installed) == project.resolve()
    # The checkout the package sits in comes before the working directory, PAPER_AUDIT_ROOT before both.
    other = tmp_path / "other"
    (other / "data").mkdir(parents=True)
    (other / "data" / "claims.csv").write_text("id\n", encoding="utf-8")
    checkout = project / "src" / "paper_audit" / "paths.py"
    assert paths.find_root(cwd=other, package_file=checkout) == project.resolve()
    monkeypatch.setenv("PAPER_AUDIT_ROOT", str(other))
    assert paths.find_root(cwd=project, package_file=checkout) == other.resolve()
    monkeypatch.delenv("PAPER_AUDIT_ROOT")
    missing = paths.find_root(cwd=tmp_path, package_file=installed)
    assert "not found" in str(missing / "data")  # building paths works: modules do so at import time
    for use in (
        lambda: (missing / "data" / "claims.csv").read_text(),
        lambda: (missing / "data").exists(),
        lambda: open(missing / "data" / "claims.csv"),
        lambda: list((missing / "data").glob("*.csv")),
    ):
        with pytest.raises(DataError, match=r"run from the repository root .*or set PAPER_AUDIT_ROOT"):
            use()


def test_a_plain_install_finds_the_repository_it_is_run_from(installed_copy):
    target = installed_copy
    modules = {p.relative_to(ROOT / "src") for p in (ROOT / "src" / "paper_audit").rglob("*.py")}
    missing = sorted(str(p) for p in modules if not (target / p).is_file())
    assert not missing, f"pip install . leaves out {missing}"
    code = (
        "from paper_audit import paths; from paper_audit.text import source; "
        "print(paths.__file__); print(paths.REPO_ROOT); print(paths.CLAIMS_CSV.read_text().split(',')[0]); "
        "print(len(source.verify()['files']))"
    )
    for cwd in (ROOT, ROOT / "notebooks"):
        result = run_installed(target, code, cwd)
        assert result.returncode == 0, result.stderr
        module, root, header, files = result.stdout.splitlines()
        assert Path(module).is_relative_to(target), module
        assert Path(root) == ROOT.resolve(), (cwd, root)
        assert header == "id" and int(files) > 0


def test_a_plain_install_outside_the_repository_says_how_to_find_it(installed_copy, tmp_path):
    target = installed_copy
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    imported = run_installed(target, "from paper_audit import paths, cli; print(paths.REPO_ROOT)", elsewhere)
    assert imported.returncode == 0, "importing the package must work anywhere (a kernel imports it)"
    used = run_installed(target, "from paper_audit import paths; paths.CLAIMS_CSV.read_text()", elsewhere)
    assert used.returncode != 0
    message = used.stderr.strip().splitlines()[-1]
    assert "RepositoryNotFound" in message and "run from the repository root" in message, message
    assert "PAPER_AUDIT_ROOT" in message, message
    env_root = run_installed(
        target,
        "import os; os.environ['PAPER_AUDIT_ROOT'] = "
        + repr(str(ROOT))
        + "; from paper_audit import paths; print(paths.REPO_ROOT)",
        elsewhere,
    )
    assert env_root.returncode == 0 and Path(env_root.stdout.strip()) == ROOT.resolve(), env_root.stderr
