"""Each step of the grading path (autograder.grade_one.STEPS) on small fixture notebooks,
without a kernel; the whole path with a kernel is tested in test_autograder_tampering."""

import json

import autograder_demo as demo
import nbformat
import pytest

from autograder import grade_one
from autograder.grade_one import Grading, NotebookResult, NotebookTask, StepFailed
from autograder.sandbox import Limits


@pytest.fixture
def course(tmp_path):
    exercises = demo.write_source(tmp_path / "exercises")
    folder = exercises / demo.NAME
    source = nbformat.read(folder / f"{demo.NAME}.ipynb", 4)
    locked = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
              if c.metadata.get("nbgrader", {}).get("grade_id")}
    task = NotebookTask(demo.NAME, dict(source), locked, str(folder))
    submission = grade_one.SubmissionTask("ann", demo.NAME, str(tmp_path / "sub"), [task],
                                          Limits(), use_sandbox=False)
    (tmp_path / "sub").mkdir()
    return {"task": task, "submission": submission, "source": source, "tmp": tmp_path}


def grading(course, notebook=None) -> Grading:
    path = course["tmp"] / "sub" / f"{demo.NAME}.ipynb"
    if notebook is not None:
        path.write_text(notebook if isinstance(notebook, str) else nbformat.writes(notebook))
    return Grading(course["submission"], course["task"], path, None,
                   NotebookResult(demo.NAME))


def test_an_invalid_notebook_stops_at_the_first_step_with_a_reason(course):
    g = grading(course, '{"cells": [ not json')
    with pytest.raises(StepFailed, match="not a valid notebook"):
        grade_one.read_submitted_notebook(g)


def test_an_edited_test_cell_is_put_back_from_the_course(course):
    edited = nbformat.from_dict(json.loads(json.dumps(course["source"])))
    for cell in edited.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_count_posts":
            cell.source = "pass"
    g = grading(course, edited)
    grade_one.read_submitted_notebook(g)
    grade_one.rebuild_on_course_skeleton(g)
    test = next(c for c in g.rebuilt.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "test_count_posts")
    assert "checks.count_posts(count_posts)" in test.source
    assert any("edited" in note for note in g.result.notes)


def test_test_cells_are_planned_from_the_course_and_a_bad_one_stops_grading(course):
    g = grading(course, course["source"])
    grade_one.read_submitted_notebook(g)
    grade_one.rebuild_on_course_skeleton(g)
    grade_one.plan_test_cells(g)
    assert sorted(g.test_ids.values()) == ["test_count_posts", "test_top_name"]
    course["task"].locked_sources["test_top_name"] = "assert top_name(['a']) == 'a'"
    with pytest.raises(StepFailed, match="could not be read"):
        grade_one.plan_test_cells(g)


def test_a_test_that_never_ran_shows_why_and_scores_nothing(course):
    g = grading(course, course["source"])
    g.ran = nbformat.from_dict(json.loads(json.dumps(course["source"])))
    g.test_ids = {i: c.metadata["nbgrader"]["grade_id"] for i, c in enumerate(g.ran.cells)
                  if c.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_")}
    g.execution = type("Stopped", (), {"stop_reason": "the kernel died"})()
    grade_one.mark_tests_that_did_not_run(g)
    for index in g.test_ids:
        [output] = g.ran.cells[index].outputs
        assert output.output_type == "error" and "the kernel died" in output.evalue
    assert len([n for n in g.result.notes if "did not run" in n]) == 2


def test_long_outputs_are_cut_as_nbgrader_cuts_them(course):
    g = grading(course)
    cell = nbformat.v4.new_code_cell("print('x')")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="line\n" * 5000)]
    g.ran = nbformat.v4.new_notebook(cells=[cell])
    grade_one.limit_outputs(g)
    assert g.ran.cells[0].outputs[0].text.count("line") <= 1000


def test_student_html_is_shown_as_text_and_the_path_ends_with_the_graded_notebook(course):
    g = grading(course)
    cell = nbformat.v4.new_code_cell("display(HTML(...))")
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"text/html": "<script>alert(1)</script>", "text/plain": "x"})]
    g.ran = nbformat.v4.new_notebook(cells=[cell])
    grade_one.neutralize_student_content(g)
    assert "text/html" not in g.ran.cells[0].outputs[0].data
    assert g.result.graded is g.ran


def test_a_failed_step_ends_the_path_with_its_reason_and_no_graded_notebook(course):
    result = grade_one.grade_notebook(course["submission"], course["task"],
                                      course["tmp"] / "sub" / "missing.ipynb", None)
    assert result.failure and result.graded is None


def test_the_path_is_one_readable_list_of_steps():
    assert [step.__name__ for step in grade_one.STEPS] == [
        "read_submitted_notebook", "rebuild_on_course_skeleton", "plan_test_cells",
        "run_in_sandbox", "mark_tests_that_did_not_run", "limit_outputs",
        "neutralize_student_content"]
