"""The set-up files agree with each other, and `make lab` builds the right command."""

import re
import subprocess
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

from sociallearning.lab import lab_command

ROOT = Path(__file__).resolve().parents[1]


def pyproject_requirements(text: str) -> dict[str, str]:
    project = tomllib.loads(text)["project"]
    # The test tools too: conda and Binder users run `make test` as well.
    listed = project["dependencies"] + project["optional-dependencies"]["dev"]
    requirements = [Requirement(text) for text in listed]
    return {req.name.lower(): str(req.specifier) for req in requirements}


def conda_requirements(text: str) -> dict[str, str]:
    environment = yaml.safe_load(text)
    found = {}
    for entry in environment["dependencies"]:
        if not isinstance(entry, str) or entry.split(">")[0] in ("python", "pip"):
            continue
        req = Requirement(entry)
        found[req.name.lower()] = str(req.specifier)
    return found


PYPROJECT = (ROOT / "pyproject.toml").read_text()
ENVIRONMENT = (ROOT / "environment.yml").read_text()


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert conda_requirements(ENVIRONMENT) == pyproject_requirements(PYPROJECT)


def test_every_environment_line_says_which_module_needs_it():
    lines = ENVIRONMENT.splitlines()
    for name in conda_requirements(ENVIRONMENT):
        [line] = [line for line in lines
                  if re.match(rf"\s+- {re.escape(name)}(?=[<>=!~ ]|$)", line, re.I)]
        assert "#" in line, f"environment.yml: say which module needs {name!r}"


def test_sync_check_notices_a_changed_pin_and_a_missing_package():
    """The comparison above can fail."""
    changed_pin = ENVIRONMENT.replace("pandas>=3", "pandas>=2")
    assert conda_requirements(changed_pin) != pyproject_requirements(PYPROJECT)
    missing = ENVIRONMENT.replace("  - tweepy>=4,<5", "")
    assert conda_requirements(missing) != pyproject_requirements(PYPROJECT)
    no_test_runner = re.sub(r"\n  - pytest>=\S+[^\n]*", "", ENVIRONMENT)
    assert conda_requirements(no_test_runner) != pyproject_requirements(PYPROJECT)


def test_makefile_has_the_readme_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("setup", "lab", "test", "grade", "bench", "lint"):
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile lacks `{target}`"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme


def test_lab_adds_allow_root_only_for_root(tmp_path):
    as_user = lab_command(tmp_path, as_root=False, has_display=True)
    as_root = lab_command(tmp_path, as_root=True, has_display=True)
    assert "--allow-root" not in as_user
    assert "--allow-root" in as_root


def test_lab_prints_url_instead_of_opening_a_browser_when_headless(tmp_path):
    assert "--no-browser" in lab_command(tmp_path, as_root=False, has_display=False)
    assert "--no-browser" not in lab_command(tmp_path, as_root=False, has_display=True)


def test_lab_opens_the_first_module_once_it_exists(tmp_path):
    assert lab_command(tmp_path, as_root=False, has_display=False)[-1] == "course"
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "00_start_here.ipynb").write_text("{}")
    assert lab_command(tmp_path, as_root=False, has_display=False)[-1].endswith(
        "00_start_here.ipynb"
    )


def test_a_second_setup_reinstalls_nothing():
    """The venv is rebuilt only when pyproject.toml is newer than the last install."""
    stamp = ".venv/.installed-from-pyproject"
    question = subprocess.run(["make", "-q", stamp], cwd=ROOT, capture_output=True)
    assert question.returncode == 0, "make setup would reinstall although nothing changed"


def test_lab_listens_where_asked(tmp_path):
    command = lab_command(tmp_path, as_root=False, has_display=False, port=8899, ip="0.0.0.0")
    assert "--ServerApp.port=8899" in command and "--ServerApp.ip=0.0.0.0" in command
    plain = lab_command(tmp_path, as_root=False, has_display=False)
    assert not [part for part in plain if part.startswith(("--ServerApp.port", "--ServerApp.ip"))]
    made = subprocess.run(["make", "-n", "lab", "PORT=8899", "IP=0.0.0.0"], cwd=ROOT,
                          capture_output=True, text=True)
    assert "sociallearning.lab --port 8899 --ip 0.0.0.0" in made.stdout
