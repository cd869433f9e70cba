"""Two grading runs at once, on two courses: a submission that hogs processes, memory and
disk in one never changes an honest grade in the other (each sandbox is capped as a whole
and has its own user namespace, so no count is shared)."""

import csv
import subprocess
import sys

import autograder_demo as demo
import nbformat
import pytest

from autograder import sandbox

pytestmark = pytest.mark.slow

ALL = demo.automatic_points()
HOG = """\
import subprocess, time
held = []
try:
    for _ in range(300):
        held.append(subprocess.Popen(["sleep", "60"]))
except OSError:
    pass
try:
    with open("fill.bin", "wb") as handle:
        for _ in range(400):
            handle.write(b"x" * 1024 * 1024)
except OSError:
    pass
try:
    hog = bytearray(700 * 1024 * 1024)
except MemoryError:
    pass
time.sleep(8)"""


def make_course(root, course_id, students: dict):
    exercises = demo.write_source(root / "exercises")
    course = root / course_id
    assert demo.autograder("init", str(course), "--course-id", course_id,
                           "--source", str(exercises)).returncode == 0
    demo.nbgrader(course, "generate_assignment", demo.NAME)
    release = nbformat.read(course / "release" / demo.NAME / f"{demo.NAME}.ipynb", 4)
    for student, make in students.items():
        demo.submit(course, student, {f"{demo.NAME}.ipynb": make(release)})
    return course


def start_grading(course, jobs: int):
    return subprocess.Popen(
        [sys.executable, "-m", "autograder", "autograde", demo.NAME, "--course", str(course),
         "--jobs", str(jobs), "--memory-mb", "512", "--max-processes", "48",
         "--scratch-mb", "64", "--cell-timeout", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def report(course) -> dict:
    path = course / "reports" / demo.NAME / "autograde.csv"
    return {row["student_id"]: row for row in csv.DictReader(path.open())}


def test_a_hog_in_one_course_leaves_the_other_courses_grades_alone(tmp_path):
    try:
        mode = sandbox.check_sandbox()
    except sandbox.SandboxUnavailable as why:
        pytest.skip(str(why))
    if mode.per_process_only():
        pytest.skip(f"caps hold per process only here: {mode.per_process_only()}")
    hogs = make_course(tmp_path / "a", "hogs", {
        f"hog{i}": (lambda release: demo.insert_before(demo.solve(release), "count_posts", HOG))
        for i in range(2)})
    honest = make_course(tmp_path / "b", "honest", {
        "honest": demo.solve, "untouched": lambda release: release})
    first = start_grading(hogs, jobs=2)
    second = start_grading(honest, jobs=1)
    for run in (first, second):
        out, err = run.communicate(timeout=400)
        assert run.returncode == 0, err[-2000:]
    graded = report(honest)
    assert graded["honest"]["status"] == "graded" and float(graded["honest"]["score"]) == ALL
    assert float(graded["untouched"]["score"]) == 0
    for row in report(hogs).values():  # the hogs were graded too, each with its own limits
        assert row["status"] == "graded", row
        assert "all its processes together" in row["reason"] or "processes" in row["reason"]
