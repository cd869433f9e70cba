"""The instructor's whole cycle with nbgrader's real commands and a local exchange:
init, generate, release, fetch and submit as students, collect, autograde (ours),
generate feedback, export; the exported grades are checked."""

import csv

import autograder_demo as demo
import nbformat
import pytest

from autograder.sandbox import SandboxUnavailable, check_sandbox

pytestmark = pytest.mark.slow


def sandbox_flags() -> list[str]:
    try:
        check_sandbox()
        return []
    except SandboxUnavailable:
        return ["--unsafe-no-sandbox"]


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cycle")
    exercises = demo.write_source(tmp / "exercises")
    course, exchange = tmp / "course", tmp / "exchange"
    made = demo.autograder("init", str(course), "--course-id", "demo-course",
                           "--exchange", str(exchange), "--source", str(exercises))
    assert made.returncode == 0, made.stderr
    again = demo.autograder("init", str(course), "--course-id", "demo-course",
                            "--source", str(exercises))

    demo.nbgrader(course, "generate_assignment", demo.NAME)
    demo.nbgrader(course, "release_assignment", demo.NAME)
    # Students have nothing but the system-wide config that init wrote for them (here on
    # their Jupyter config path instead of /etc/jupyter): no exchange or course flags.
    student_config = {"JUPYTER_CONFIG_PATH": str(course / "for-students")}
    answers = {"alice": ("count_posts", "top_name"), "bob": ("count_posts",), "carol": ()}
    for student, solved in answers.items():
        home = tmp / "students" / student
        home.mkdir(parents=True)
        demo.nbgrader(home, "fetch_assignment", demo.NAME, env=student_config)
        path = home / demo.NAME / f"{demo.NAME}.ipynb"
        notebook = demo.solve(nbformat.read(path, 4), solved)
        if student == "alice":  # a written answer, for a person to grade
            next(c for c in notebook.cells if demo.grade_id(c) == "reflection").source = \
                "How many new members reply in their first month."
        nbformat.write(notebook, path)
        demo.nbgrader(home, "submit", demo.NAME, f"--CourseDirectory.student_id={student}",
                      env=student_config)
    demo.nbgrader(course, "collect", demo.NAME)

    graded = demo.autograder("autograde", demo.NAME, "--course", str(course), "--jobs", "2",
                             *sandbox_flags())
    assert graded.returncode == 0, graded.stderr
    feedback = demo.nbgrader(course, "generate_feedback", demo.NAME)
    exported = demo.nbgrader(course, "export", f"--to={tmp / 'grades.csv'}")
    return {"course": course, "again": again, "graded": graded, "answers": answers,
            "made": made, "exchange": exchange, "feedback": feedback, "exported": exported,
            "grades": list(csv.DictReader((tmp / "grades.csv").open())),
            "report": list(csv.DictReader(
                (course / "reports" / demo.NAME / "autograde.csv").open()))}


def expected_score(solved: tuple[str, ...]) -> int:
    """Points of the test cells whose answer the student filled in (from the source)."""
    test_of = {"count_posts": "test_count_posts", "top_name": "test_top_name"}
    # top_name's solution calls count_posts, so it passes only with both answers.
    passing = [test_of[a] for a in solved if a != "top_name" or "count_posts" in solved]
    return sum(demo.TESTS[t][1] for t in passing)


def test_init_refuses_to_clobber_a_course(cycle):
    assert cycle["again"].returncode != 0
    assert "already holds a course" in cycle["again"].stderr
    assert (cycle["course"] / "source" / demo.NAME / f"{demo.NAME}.ipynb").exists()


def test_exported_grades_are_the_honest_scores(cycle):
    grades = {row["student_id"]: row for row in cycle["grades"]}
    assert set(grades) == set(cycle["answers"])
    for student, solved in cycle["answers"].items():
        assert float(grades[student]["score"]) == expected_score(solved)
        assert float(grades[student]["max_score"]) == demo.automatic_points() + \
            demo.REFLECTION_POINTS


def test_report_csv_has_a_row_per_student(cycle):
    report = {row["student_id"]: row for row in cycle["report"]}
    assert list(cycle["report"][0]) == ["student_id", "status", "score", "manual_pending",
                                        "max_score", "reason"]
    assert set(report) == set(cycle["answers"])
    for student, solved in cycle["answers"].items():
        assert report[student]["status"] == "graded"
        assert float(report[student]["score"]) == expected_score(solved)
    assert "graded, 0 failed" in cycle["graded"].stdout


def test_feedback_shows_visible_tests_but_never_hidden_ones(cycle):
    for student in cycle["answers"]:
        html = (cycle["course"] / "feedback" / student / demo.NAME / f"{demo.NAME}.html")
        text = html.read_text()
        assert "count_posts() counts each name" in text  # the visible test, and its verdict:
        assert ("count_posts() counts each name once per post" in text
                or "count_posts() is not written yet" in text)
        assert demo.HIDDEN_TEXT not in text and "count_posts_hidden" not in text
        assert "hidden tests are not shown" in text


def test_autograded_notebooks_keep_the_full_tests_for_the_instructor(cycle):
    path = cycle["course"] / "autograded" / "alice" / demo.NAME / f"{demo.NAME}.ipynb"
    assert demo.HIDDEN_TEXT in path.read_text()


def test_init_writes_and_explains_the_students_side_of_a_custom_exchange(cycle):
    config = (cycle["course"] / "for-students" / "nbgrader_config.py").read_text()
    assert f"c.Exchange.root = {str(cycle['exchange'])!r}" in config
    assert "/etc/jupyter/nbgrader_config.py" in cycle["made"].stdout
    assert cycle["exchange"].stat().st_mode & 0o1777 == 0o1777


def test_written_answers_show_as_pending_not_lost(cycle):
    """alice wrote her reflection (a person grades it); the others left it unanswered,
    which nbgrader scores 0 without a person."""
    pending = {row["student_id"]: float(row["manual_pending"]) for row in cycle["report"]}
    assert pending == {"alice": demo.REFLECTION_POINTS, "bob": 0, "carol": 0}
    assert "pending, not lost" in cycle["graded"].stdout


def test_regrading_one_student_keeps_the_others_and_the_history(cycle):
    course = cycle["course"]
    before = {row["student_id"]: row for row in cycle["report"]}
    again = demo.autograder("autograde", demo.NAME, "--course", str(course), "--student", "bob",
                            *sandbox_flags())
    assert again.returncode == 0, again.stderr[-2000:]
    report = course / "reports" / demo.NAME
    after = {row["student_id"]: row for row in csv.DictReader((report / "autograde.csv").open())}
    assert after == before  # bob's grade is the same, and alice and carol are still there
    history = list(csv.DictReader((report / "history.csv").open()))
    assert [row["student_id"] for row in history].count("bob") == 2
    assert len(history) == len(before) + 1


def test_feedback_and_export_warn_while_written_answers_wait_for_a_person(cycle):
    assert "alice" in cycle["feedback"].stderr and "still need a person" in cycle["feedback"].stderr
    assert "bob, " not in cycle["feedback"].stderr  # nothing of his waits
    assert "1 submission(s) have written answers not graded yet" in cycle["exported"].stderr
