"""`python -m autograder selfgrade`: the learner's own work, graded with the full tests;
their notebooks are never modified and the feedback never shows hidden tests."""

import hashlib

import autograder_demo as demo
import nbformat
import pytest

from autograder import course as course_module
from autograder import sandbox, selfgrade

pytestmark = pytest.mark.slow


def test_selfgrade_grades_copies_and_writes_feedback(tmp_path, monkeypatch, capsys):
    exercises = demo.write_source(tmp_path / "exercises")
    monkeypatch.setattr(course_module, "exercises_source", lambda: exercises)
    monkeypatch.setattr(selfgrade, "exercises_source", lambda: exercises)
    try:
        sandbox.check_sandbox()
        use_sandbox = True
    except sandbox.SandboxUnavailable:
        use_sandbox = False
    # The learner's copy: released notebook (made here by nbgrader) with one task done.
    scratch = tmp_path / "release-course"
    course_module.init_course(scratch, "release", exercises)
    assert selfgrade.nbgrader_run(scratch, "generate_assignment", demo.NAME).returncode == 0
    release = nbformat.read(scratch / "release" / demo.NAME / f"{demo.NAME}.ipynb", 4)
    work = tmp_path / "my-work"
    mine = work / demo.NAME / f"{demo.NAME}.ipynb"
    mine.parent.mkdir(parents=True)
    nbformat.write(demo.solve(release, ("count_posts",)), mine)
    before = hashlib.sha256(mine.read_bytes()).hexdigest()

    assert selfgrade.selfgrade(work, jobs=1, use_sandbox=use_sandbox) == 0

    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith(demo.NAME))
    score, maximum = row.split()[1:3]
    assert float(score) == demo.TESTS["test_count_posts"][1]
    assert float(maximum) == demo.automatic_points()
    assert "top_name" in row and "count_posts" not in row.split(maximum, 1)[1]
    assert hashlib.sha256(mine.read_bytes()).hexdigest() == before
    html = (work / "feedback" / f"{demo.NAME}.html").read_text()
    assert "count_posts() counts each name once per post" in html
    assert demo.HIDDEN_TEXT not in html and "count_posts_hidden" not in html
    # The course's line, and the progress a notebook shows (sociallearning.progress).
    assert f"Course: {float(score):g} of {float(maximum):g} automatic points" in table
    from sociallearning.progress import last_grades
    graded = last_grades(work)[demo.NAME]
    assert graded["score"] == float(score) and graded["max_score"] == float(maximum)
    assert "top_name" in graded["left"]
