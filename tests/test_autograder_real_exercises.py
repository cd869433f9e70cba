"""The course's real exercises through our autograde: the solution earns every automatic
point (as under plain nbgrader), the untouched release earns none."""

import csv
import shutil

import autograder_demo as demo
import nbformat
import pytest

from autograder.course import exercises_source
from autograder.sandbox import SandboxUnavailable, check_sandbox

pytestmark = pytest.mark.slow
EXERCISES = ["00_start_here", "01_sponsors", "02_community", "03_thought_leaders", "04_chat",
             "05_metrics", "06_capstone"]


def automatic_points(name: str) -> float:
    source = nbformat.read(exercises_source() / name / f"{name}.ipynb", 4)
    return sum(c.metadata["nbgrader"].get("points", 0) for c in source.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade"))


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    try:
        check_sandbox()
        flags = []
    except SandboxUnavailable:
        flags = ["--unsafe-no-sandbox"]
    course = tmp_path_factory.mktemp("real") / "course"
    assert demo.autograder("init", str(course), "--course-id", "real").returncode == 0
    rows = {}
    for name in EXERCISES:
        demo.nbgrader(course, "generate_assignment", name)
        for student, notebook in (("solved", course / "source" / name),
                                  ("untouched", course / "release" / name)):
            folder = course / "submitted" / student / name
            folder.mkdir(parents=True)
            shutil.copy(notebook / f"{name}.ipynb", folder / f"{name}.ipynb")
        graded = demo.autograder("autograde", name, "--course", str(course), "--jobs", "2",
                                 *flags)
        assert graded.returncode == 0, graded.stderr[-2000:]
        rows[name] = {r["student_id"]: r for r in csv.DictReader(
            (course / "reports" / name / "autograde.csv").open())}
    return rows


@pytest.mark.parametrize("name", EXERCISES)
def test_solution_earns_every_automatic_point(reports, name):
    row = reports[name]["solved"]
    assert row["status"] == "graded"
    assert float(row["score"]) == automatic_points(name) > 0


@pytest.mark.parametrize("name", EXERCISES)
def test_untouched_release_earns_nothing(reports, name):
    row = reports[name]["untouched"]
    assert row["status"] == "graded" and float(row["score"]) == 0
