"""A course's late-submission policy applies to our autograde as to nbgrader's own:
with `penalty_method = "zero"`, a late submission keeps no points, an on-time one all."""

import datetime

import autograder_demo as demo
import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.batch import autograde
from autograder.course import Course
from autograder.sandbox import SandboxUnavailable, check_sandbox

pytestmark = pytest.mark.slow


def test_late_submission_penalty_is_applied(tmp_path):
    try:
        check_sandbox()
        use_sandbox = True
    except SandboxUnavailable:
        use_sandbox = False
    exercises = demo.write_source(tmp_path / "exercises")
    root = tmp_path / "course"
    assert demo.autograder("init", str(root), "--course-id", "late",
                           "--source", str(exercises)).returncode == 0
    with (root / "nbgrader_config.py").open("a") as config:
        config.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    demo.nbgrader(root, "generate_assignment", demo.NAME)
    release = nbformat.read(root / "release" / demo.NAME / f"{demo.NAME}.ipynb", 4)
    for student in ("late", "on_time"):
        demo.submit(root, student, {f"{demo.NAME}.ipynb": demo.solve(release)})
    # demo.submit stamps 2024-01-01 10:00; the on-time student submitted a month earlier.
    (root / "submitted" / "on_time" / demo.NAME / "timestamp.txt").write_text(
        "2023-12-01 10:00:00.000000 UTC")
    course = Course.open(root)
    with Gradebook(course.db_url) as gradebook:
        gradebook.update_or_create_assignment(demo.NAME, duedate=datetime.datetime(2023, 12, 31))

    rows = {row.student_id: row for row in autograde(course, demo.NAME, jobs=2,
                                                      use_sandbox=use_sandbox,
                                                      progress=lambda line: None)}
    assert rows["on_time"].score == demo.automatic_points()
    assert rows["late"].score == 0 and "late" in rows["late"].reason
    with Gradebook(course.db_url) as gradebook:
        late = gradebook.find_submission(demo.NAME, "late")
        assert late.late_submission_penalty == demo.automatic_points()
