"""Grading past one machine: the gradebook on a real PostgreSQL (started by the project's
own script), and `autograde --shard K/N`. Two processes, each on its own share, running
at the same time, give the same gradebook as one process grading the whole class."""

import subprocess
import sys

import autograder_demo as demo
import hub_parts
import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.batch import Shard

pytestmark = [pytest.mark.hub, pytest.mark.slow]

STUDENTS = [f"learner{number:02d}" for number in range(1, 7)]


def test_shares_are_disjoint_complete_and_stable():
    ids = [f"student{n}" for n in range(500)] + ["Zoë", "a-b_c", ""]
    for count in (1, 2, 3, 7):
        shares = [Shard(k, count) for k in range(1, count + 1)]
        for student in ids:
            assert sum(share.holds(student) for share in shares) == 1, (student, count)
        assert all(any(share.holds(s) for s in ids) for share in shares), count
    # Where a student lands depends on the id alone, not on who else is in the class.
    assert [Shard(2, 3).holds(s) for s in ids] == [Shard.parse("2/3").holds(s) for s in ids]


@pytest.mark.parametrize("text, message", [
    ("3/2", "between 1 and N"), ("0/2", "between 1 and N"), ("half", "write K/N"),
    ("1/0", "between 1 and N")])
def test_a_bad_shard_is_refused_with_what_to_write(tmp_path, text, message):
    result = demo.autograder("autograde", demo.NAME, "--course", str(tmp_path),
                             "--shard", text)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def postgres():
    server = hub_parts.Postgres()
    yield server
    server.stop()


def submissions(release) -> dict:
    """Honest and wrong work, by student: full marks, one answer, none, a wrong answer."""
    wrong = {"count_posts": "def count_posts(names):\n    return {}"}
    makes = [demo.solve, lambda r: demo.solve(r, answers=("count_posts",)), lambda r: r,
             lambda r: demo.solve(r, code=wrong)]
    return {student: makes[index % len(makes)](release)
            for index, student in enumerate(STUDENTS)}


def make_course(root, course_id: str, db_url: str):
    exercises = demo.write_source(root / "exercises")
    course = root / course_id
    made = demo.autograder("init", str(course), "--course-id", course_id,
                           "--source", str(exercises))
    assert made.returncode == 0, made.stderr
    with (course / "nbgrader_config.py").open("a") as config:
        config.write(f"c.CourseDirectory.db_url = {db_url!r}\n")
    demo.nbgrader(course, "generate_assignment", demo.NAME)
    release = nbformat.read(course / "release" / demo.NAME / f"{demo.NAME}.ipynb", 4)
    for student, notebook in submissions(release).items():
        demo.submit(course, student, {f"{demo.NAME}.ipynb": notebook})
    return course


def grading(course, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "autograder", "autograde", demo.NAME, "--course", str(course),
         "--jobs", "1", "--cell-timeout", "60", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(run: subprocess.Popen) -> str:
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err[-3000:]
    return err


def gradebook_contents(db_url: str) -> dict:
    """Every grade of every submission, and the submissions' totals, by student."""
    with Gradebook(db_url) as gradebook:
        found = {}
        for student in STUDENTS:
            submission = gradebook.find_submission(demo.NAME, student)
            cells = {(notebook.name, grade.name): (grade.auto_score, grade.needs_manual_grade)
                     for notebook in submission.notebooks for grade in notebook.grades}
            found[student] = (submission.score, submission.max_score, cells)
        gradebook.engine.dispose()
    return found


def test_two_shards_at_once_give_the_gradebook_of_one_process(tmp_path, postgres):
    base = tmp_path
    try:
        whole = make_course(base / "whole", "whole-class", postgres.create_database("whole"))
        sharded_url = postgres.create_database("sharded")
        sharded = make_course(base / "sharded", "sharded-class", sharded_url)
        shares = [[s for s in STUDENTS if Shard(k, 2).holds(s)] for k in (1, 2)]
        assert all(shares), f"the class should fall in both shares: {shares}"

        finished(grading(whole))
        runs = [grading(sharded, "--shard", f"{k}/2") for k in (1, 2)]
        logs = [finished(run) for run in runs]
        for k, log in enumerate(logs, 1):
            assert f"Share {k}/2: {len(shares[k - 1])} of the {len(STUDENTS)}" in log

        one, two = gradebook_contents(postgres_url(whole)), gradebook_contents(sharded_url)
        assert one == two
        # The grades are real: the solved submissions have every automatic point, the
        # untouched release none.
        assert one[STUDENTS[0]][0] == demo.automatic_points()
        assert one[STUDENTS[2]][0] == 0
        # Both shares wrote into one report, every student once.
        report = (sharded / "reports" / demo.NAME / "autograde.csv").read_text().splitlines()
        assert sorted(line.split(",")[0] for line in report[1:]) == STUDENTS
    finally:
        subprocess.run(["rm", "-rf", str(base)], check=False)


def postgres_url(course) -> str:
    for line in (course / "nbgrader_config.py").read_text().splitlines():
        if line.startswith("c.CourseDirectory.db_url"):
            return line.split("=", 1)[1].strip().strip("'\"")
    raise AssertionError("no db_url in the course's configuration")


@hub_parts.needs_root_on_linux()
def test_an_empty_share_says_so_and_succeeds(tmp_path, postgres):
    base = tmp_path
    try:
        course = make_course(base, "tiny", postgres.create_database("tiny"))
        # Keep one student only, then ask for the share that does not hold them.
        for student in STUDENTS[1:]:
            subprocess.run(["rm", "-rf", str(course / "submitted" / student)], check=True)
        other = next(k for k in (1, 2) if not Shard(k, 2).holds(STUDENTS[0]))
        log = finished(grading(course, "--shard", f"{other}/2"))
        assert "Nothing to grade in this share" in log
    finally:
        subprocess.run(["rm", "-rf", str(base)], check=False)
