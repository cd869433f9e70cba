"""Every exercise, graded by nbgrader itself: the solution earns every automatic point,
the untouched release notebook earns none."""

import nbformat
import pytest
from exercise_helpers import cell_info, exercise_names, source_notebook
from nbgrader_course import Course

EXERCISES = exercise_names()


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """One course, every exercise generated, two students: one solved, one untouched."""
    course = Course(tmp_path_factory.mktemp("course"))
    for name in EXERCISES:
        release = course.add_assignment(name)
        course.submit("solved", name, course.root / "source" / name / f"{name}.ipynb")
        course.submit("untouched", name, release)
        course.autograde(name)
    return course


def automatic_points(name: str) -> float:
    return sum(
        cell_info(cell).get("points", 0)
        for cell in source_notebook(name).cells
        if cell.cell_type == "code" and cell_info(cell).get("grade")
    )


def test_there_are_exercises():
    assert {"00_start_here", "01_sponsors", "02_community", "03_thought_leaders"} <= set(
        EXERCISES
    )


@pytest.mark.parametrize("name", EXERCISES)
def test_solution_earns_every_automatic_point(graded_course, name):
    score, max_score = graded_course.auto_scores(name, "solved")
    assert max_score == automatic_points(name) > 0
    assert score == max_score


@pytest.mark.parametrize("name", EXERCISES)
def test_untouched_release_earns_nothing(graded_course, name):
    score, max_score = graded_course.auto_scores(name, "untouched")
    assert max_score > 0
    assert score == 0


@pytest.mark.parametrize("name", EXERCISES)
def test_release_hides_solutions_and_hidden_tests(graded_course, name):
    release = nbformat.read(graded_course.root / "release" / name / f"{name}.ipynb", 4)
    text = "\n".join(cell.source for cell in release.cells)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    hidden_in_source = sum(
        "BEGIN HIDDEN TESTS" in cell.source for cell in source_notebook(name).cells
    )
    if name != "00_start_here":
        assert hidden_in_source >= 2


@pytest.mark.parametrize("name", EXERCISES)
def test_exercise_has_the_required_shape(name):
    notebook = source_notebook(name)
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and "restart" in first.source.lower()
    graded_code = [c for c in notebook.cells if c.cell_type == "code" and cell_info(c).get("grade")]
    manual = [c for c in notebook.cells if c.cell_type == "markdown" and cell_info(c).get("grade")]
    assert len(graded_code) >= (2 if name == "00_start_here" else 4)
    if name != "00_start_here":
        assert manual, "each exercise has a manually graded reflection"
    for cell in graded_code:
        assert cell.source.lstrip().startswith('"""'), "a test cell starts with a docstring"
        assert cell_info(cell)["points"] > 0
