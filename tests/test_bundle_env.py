"""The student bundle runs on its own: a clean environment built from its
requirements.txt alone (and its own package) executes every hand-out
without an error, and a bare one gets what it needs from the hand-out's
set-up cell, as on Colab. One environment serves both: the bare one, once
the set-up cell has installed requirements.txt into it, gets the bundle's
package (installing the requirements took most of the time, and twice).

Nothing is fetched here: ``make test`` first downloads the wheels of the
bundle's requirements (``make bundle-wheels``, into .venv/bundle-wheels), and
the environments are built from them with ``pip --no-index``. Without them
these tests are skipped, except under CI (``CI`` set), where that is a
failure. The requirements are derived from what the hand-outs import
(``instructor.requirements``), so one a hand-out needs and the bundle omits
fails here.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from paper_audit import paths
from paper_audit.classroom import exercises
from paper_audit.errors import DataError
from paper_audit.instructor import bundle, requirements

WHEELS = paths.REPO_ROOT / ".venv" / "bundle-wheels"
NAMES = ["01_recompute_a_conversion", "02_implied_rates", "03_audit_a_passage"]
INSTALL_TIMEOUT = 900
# Building an environment (venv, pip from the local wheels) is set-up of the
# first test that uses it: up to INSTALL_TIMEOUT, then a kernel runs a hand-out.
pytestmark = [pytest.mark.timeout(INSTALL_TIMEOUT + 300), pytest.mark.sandbox]


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "student"
    bundle.write_student_bundle(exercises.CLASSROOM_DIR, out)
    return out


def pins(path):
    return [line for line in Path(path).read_text(encoding="utf-8").splitlines() if "==" in line]


def wheels_for(student_dir):
    """The downloaded wheels, if they cover every pin of the bundle."""
    if not (WHEELS / "requirements.txt").exists():
        missing = "no wheels downloaded"
    else:
        lacking = sorted(set(pins(student_dir / "requirements.txt")) - set(pins(WHEELS / "requirements.txt")))
        missing = f"the wheels lack {', '.join(lacking)}" if lacking else ""
    if missing:
        message = f"{missing}: run `make bundle-wheels` (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return WHEELS


def clean_env(home):
    """An environment with nothing of the instructor's: no PYTHONPATH, no
    PAPER_AUDIT_ROOT, no virtualenv, pip offline."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(WHEELS),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PAPER_AUDIT_OFFLINE": "1",
    }


def venv(folder, env, *installs):
    subprocess.run([sys.base_prefix + "/bin/python3", "-m", "venv", str(folder)], check=True, env=env, timeout=300)
    python = folder / "bin" / "python"
    for arguments in installs:
        pip_install(python, env, arguments)
    return python


def pip_install(python, env, arguments):
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *arguments], check=True, env=env, timeout=INSTALL_TIMEOUT
    )


def execute(notebook, python, cwd, env, tmp_path):
    """Run ``notebook`` in a kernel of ``python`` (another environment's)."""
    specs = tmp_path / "kernels" / "clean"
    specs.mkdir(parents=True, exist_ok=True)
    argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (specs / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "clean", "language": "python"}))
    manager = KernelManager(
        kernel_name="clean", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    )
    client = NotebookClient(notebook, km=manager, timeout=300, resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env, cwd=str(cwd))
    return "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)


@pytest.fixture(scope="module")
def set_up_env(student_dir, tmp_path_factory):
    """A kernel and nothing else (as on Colab, but for the clone), then the
    first hand-out run in it: its set-up cell installs the bundle's
    requirements.txt. What the environment lacked before, and the notebook
    as run, are kept for the tests."""
    wheels_for(student_dir)
    kernel = next(line for line in pins(student_dir / "requirements.txt") if line.startswith("ipykernel=="))
    home = tmp_path_factory.mktemp("home")
    env = clean_env(home)
    python = venv(tmp_path_factory.mktemp("env") / "venv", env, [kernel])
    missing = subprocess.run([str(python), "-c", "import number_parser"], env=env, capture_output=True, timeout=60)
    folder = student_dir / "notebooks" / "classroom"
    notebook = nbformat.read(folder / f"{NAMES[0]}.ipynb", as_version=4)
    execute(notebook, python, folder, env, tmp_path_factory.mktemp("set-up"))
    return {"python": python, "env": env, "lacked_requirements": missing.returncode != 0, "notebook": notebook}


@pytest.fixture(scope="module")
def clean_python(set_up_env, student_dir):
    """An environment from the bundle's requirements.txt and its package, nothing
    else: the one the set-up cell made (a kernel, then requirements.txt, all
    from the bundle's pins), with the bundle's package installed. One pip
    install of the requirements serves both, instead of one each."""
    python = set_up_env["python"]
    pip_install(python, set_up_env["env"], ["--no-deps", "-e", str(student_dir)])
    return python


def test_the_set_up_cell_installs_what_a_bare_environment_lacks(set_up_env):
    """The hand-out's first cell installs the bundle's requirements, then every cell runs."""
    assert set_up_env["lacked_requirements"], "the bare environment already had the package's requirements"
    notebook = set_up_env["notebook"]
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors


def test_the_clean_environment_has_the_bundles_package_and_not_the_instructors(clean_python, student_dir):
    code = "import paper_audit, importlib.util as u; print(paper_audit.__file__, u.find_spec('paper_audit.instructor'))"
    env = clean_env(student_dir)
    result = subprocess.run([str(clean_python), "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == [str(student_dir / "src" / "paper_audit" / "__init__.py"), "None"], result


@pytest.mark.parametrize("name", NAMES)
def test_every_hand_out_runs_in_an_environment_built_from_the_bundle_alone(clean_python, student_dir, name, tmp_path):
    folder = student_dir / "notebooks" / "classroom"
    notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    env = clean_env(tmp_path)
    printed = execute(notebook, clean_python, folder, env, tmp_path)
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    asked = [q for q in exercises.load_questions().values() if q.assignment == name and q.form != "written"]
    assert printed.count("not answered yet") == len(asked), printed


# ---------------------------------------------------------------- the requirements, derived


def test_the_requirements_are_what_the_hand_outs_reach(student_dir):
    shipped = {line.split("==")[0].lower() for line in pins(student_dir / "requirements.txt")}
    assert {"number-parser", "pandas", "pyyaml", "ipykernel", "ipython"} <= shipped
    assert not {"jupyter-book", "playwright", "pytest", "hypothesis", "papermill", "myst-nb"} & shipped
    project = set(pins(paths.REPO_ROOT / "requirements.txt"))
    assert set(pins(student_dir / "requirements.txt")) <= project, "the bundle pins what the project does not"


def test_imports_inside_functions_are_followed(tmp_path):
    package = tmp_path / "paper_audit"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    import yaml\n    from paper_audit import b\n")
    (package / "b.py").write_text("import number_parser\n")
    modules, outside = requirements.reached({"paper_audit.a"}, tmp_path)
    assert modules == {"paper_audit", "paper_audit.a", "paper_audit.b"}
    assert outside == {"yaml": "paper_audit.a", "number_parser": "paper_audit.b"}
    assert requirements.distributions(outside) == {"pyyaml", "number-parser"}


def test_a_module_no_distribution_provides_is_refused():
    with pytest.raises(DataError, match="paper_audit.x imports 'no_such_module', which no installed distribution"):
        requirements.distributions({"no_such_module": "paper_audit.x", "json": "paper_audit.y"})
