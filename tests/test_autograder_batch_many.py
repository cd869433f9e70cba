"""Several assignments graded in one batch from the command line
(`python -m autograder autograde A B --course C`): one report per assignment, one line of
progress per submission, a summary with the assignment, the honest scores."""

import csv
import shutil

import autograder_demo as demo
import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.sandbox import SandboxUnavailable, check_sandbox

pytestmark = pytest.mark.slow
SECOND = f"{demo.NAME}_two"
COUNT, TOP = demo.TESTS["test_count_posts"][1], demo.TESTS["test_top_name"][1]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    try:
        check_sandbox()
        flags = []
    except SandboxUnavailable:
        flags = ["--unsafe-no-sandbox"]
    tmp = tmp_path_factory.mktemp("many")
    exercises = demo.write_source(tmp / "exercises")
    shutil.copytree(exercises / demo.NAME, exercises / SECOND)
    (exercises / SECOND / f"{demo.NAME}.ipynb").rename(exercises / SECOND / f"{SECOND}.ipynb")
    course = tmp / "course"
    assert demo.autograder("init", str(course), "--course-id", "many",
                           "--source", str(exercises)).returncode == 0
    plan = {demo.NAME: {"alice": ("count_posts", "top_name"), "bob": ("count_posts",),
                        "carol": ("count_posts", "top_name")},
            SECOND: {"alice": ("count_posts", "top_name"), "bob": ()}}
    for name, answers in plan.items():
        demo.nbgrader(course, "generate_assignment", name)
        release = nbformat.read(course / "release" / name / f"{name}.ipynb", 4)
        for student, solved in answers.items():
            folder = course / "submitted" / student / name
            folder.mkdir(parents=True)
            nbformat.write(demo.solve(release, solved), folder / f"{name}.ipynb")
    result = demo.autograder("autograde", demo.NAME, SECOND, "--course", str(course),
                             "--jobs", "2", *flags)
    return {"course": course, "plan": plan, "result": result}


def expected(solved) -> int:
    return (COUNT if "count_posts" in solved else 0) + (TOP if "top_name" in solved else 0)


def test_one_batch_grades_every_submission_of_both(graded):
    result = graded["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Grading 5 submission(s) of 2 assignments" in result.stderr
    progress = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 5 and progress[-1].startswith("[5/5] ")
    assert any(line.split("] ", 1)[1].startswith(f"{SECOND} bob: graded") for line in progress)
    assert "Time, summed over the notebooks" in result.stderr
    assert result.stdout.splitlines()[0].split()[:2] == ["assignment", "student"]


def test_each_assignment_has_its_report_and_honest_scores(graded):
    course = graded["course"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for name, answers in graded["plan"].items():
            rows = {r["student_id"]: r for r in csv.DictReader(
                (course / "reports" / name / "autograde.csv").open())}
            assert set(rows) == set(answers)
            for student, solved in answers.items():
                assert rows[student]["status"] == "graded"
                assert float(rows[student]["score"]) == expected(solved)
                assert gradebook.find_submission(name, student).score == expected(solved)
                assert (course / "autograded" / student / name / f"{name}.ipynb").is_file()
