"""What an instructor meets: help that helps, a cell timeout that agrees with the course,
and updating an existing course without touching collected or graded work."""

import argparse
import hashlib
from pathlib import Path

import autograder_demo as demo
import nbformat
import pytest

from autograder import __main__ as cli
from autograder.course import Course


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    [group] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(group.choices)


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_command_and_option_says_what_it_does(name):
    command = subcommands()[name]
    assert command.description, f"{name} has no description"
    for action in command._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, f"{name} {action.option_strings[0]} has no help text"
    assert "(default:" in command.format_help()


def test_version(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert "python -m autograder" in capsys.readouterr().out


def test_course_defaults_to_the_current_folder_and_options_go_anywhere():
    parser = cli.build_parser()
    after = parser.parse_args(["autograde", "01_sponsors", "--jobs", "2"])
    before = parser.parse_args(["autograde", "--jobs", "2", "01_sponsors"])
    assert after.course == before.course == Path(".")
    assert after.assignment == before.assignment == ["01_sponsors"]


@pytest.fixture
def course(tmp_path):
    exercises = demo.write_source(tmp_path / "exercises")
    root = tmp_path / "course"
    assert demo.autograder("init", str(root), "--course-id", "tools",
                           "--source", str(exercises)).returncode == 0
    return {"root": root, "exercises": exercises}


def test_the_cell_timeout_agrees_with_the_courses_execute_timeout(course):
    parser = cli.build_parser()
    args = parser.parse_args(["autograde", demo.NAME, "--course", str(course["root"])])
    config = Course.open(course["root"]).coursedir.config
    assert cli._limits(args).cell_seconds == config.Execute.timeout
    path = course["root"] / "nbgrader_config.py"
    path.write_text(path.read_text() + "c.Execute.timeout = 97\n")
    assert cli._limits(args).cell_seconds == 97
    given = parser.parse_args(["autograde", demo.NAME, "--course", str(course["root"]),
                               "--cell-timeout", "12"])
    assert cli._limits(given).cell_seconds == 12


def fingerprint(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_update_shows_then_brings_changed_exercises_and_touches_no_work(course):
    root, exercises = course["root"], course["exercises"]
    demo.nbgrader(root, "generate_assignment", demo.NAME)
    release = nbformat.read(root / "release" / demo.NAME / f"{demo.NAME}.ipynb", 4)
    demo.submit(root, "ann", {f"{demo.NAME}.ipynb": demo.solve(release)})
    graded = demo.autograder("autograde", demo.NAME, "--course", str(root),
                             "--unsafe-no-sandbox")
    assert graded.returncode == 0, graded.stderr[-2000:]
    kept = {name: fingerprint(root / name) for name in ("submitted", "autograded", "release")}
    gradebook = hashlib.sha256((root / "gradebook.db").read_bytes()).hexdigest()

    checks = exercises / demo.NAME / "checks.py"
    checks.write_text(checks.read_text() + "\n# a clearer message\n")
    (exercises / demo.NAME / "data.csv").write_text("member\nann\n")

    shown = demo.autograder("update", "--course", str(root), "--source", str(exercises),
                            "--dry-run")
    assert shown.returncode == 0, shown.stderr
    assert "checks.py" in shown.stdout and "data.csv" in shown.stdout
    assert "a clearer message" not in (root / "source" / demo.NAME / "checks.py").read_text()

    done = demo.autograder("update", "--course", str(root), "--source", str(exercises))
    assert done.returncode == 0, done.stderr
    assert "a clearer message" in (root / "source" / demo.NAME / "checks.py").read_text()
    assert (root / "source" / demo.NAME / "data.csv").is_file()
    assert {name: fingerprint(root / name) for name in kept} == kept
    assert hashlib.sha256((root / "gradebook.db").read_bytes()).hexdigest() == gradebook
    again = demo.autograder("update", "--course", str(root), "--source", str(exercises))
    assert "up to date" in again.stdout
