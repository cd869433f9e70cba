"""Committed notebooks are clean, and exercise sources follow the nbgrader rules.

The rules for committed notebooks are checked here directly, not through the code
that strips them; that code is tested separately on small notebooks built here.
"""

from pathlib import Path

import nbformat
import pytest
from demo_exercise import demo_notebook

from sociallearning import notebooks

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = sorted(
    p for folder in ("course", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)
EXERCISE_SOURCES = [p for p in COMMITTED if p.is_relative_to(ROOT / "exercises" / "source")]


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", COMMITTED, ids=relative)
def test_committed_notebook_is_clean(path):
    nb = nbformat.read(str(path), as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [i for i, cell in enumerate(code) if cell.outputs] == [], "outputs left in"
    assert [i for i, cell in enumerate(code) if cell.execution_count is not None] == []
    assert set(nb.metadata) == {"kernelspec"}, "notebook metadata beyond the kernelspec"


@pytest.mark.parametrize("path", EXERCISE_SOURCES, ids=relative)
def test_exercise_source_follows_nbgrader_rules(path):
    nb = nbformat.read(str(path), as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert "restart" in first.source.lower() and "run all" in first.source.lower()
    marked = [cell.metadata["nbgrader"] for cell in nb.cells if "nbgrader" in cell.metadata]
    assert marked, "no nbgrader cell metadata"
    assert {marks.get("schema_version") for marks in marked} == {3}
    graded = [marks for marks in marked if marks.get("grade")]
    assert graded, "no graded cells"
    for marks in graded:
        assert marks.get("grade_id"), marks
        assert isinstance(marks.get("points"), int | float) and marks["points"] > 0, marks
    ids = [marks["grade_id"] for marks in marked
           if marks.get("grade") or marks.get("solution") or marks.get("locked")]
    assert len(ids) == len(set(ids)), f"grade_ids used twice: {ids}"


# --- the strip and check tools, on notebooks built here ------------------------------


def dirty_notebook() -> nbformat.NotebookNode:
    nb = demo_notebook()
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nb.metadata["widgets"] = {"state": {}}
    code = nb.cells[1]
    code.execution_count = 4
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    code.metadata.update({"scrolled": True, "tags": ["setup"], "ExecuteTime": {}})
    return nb


def test_stripped_keeps_only_what_is_worth_committing():
    nb = dirty_notebook()
    clean = notebooks.stripped(nb)
    assert dict(clean.metadata) == {"kernelspec": nb.metadata["kernelspec"]}
    assert clean.cells[1].outputs == [] and clean.cells[1].execution_count is None
    assert dict(clean.cells[1].metadata) == {"tags": ["setup"]}
    solution = clean.cells[3].metadata
    assert solution["nbgrader"]["grade_id"] == "top_members"
    assert solution["sociallearning"]["hints"] == nb.cells[3].metadata["sociallearning"]["hints"]
    assert [c.source for c in clean.cells] == [c.source for c in nb.cells]
    assert nb.cells[1].outputs, "the original is left as it was"


def test_dirt_names_each_problem():
    problems = " | ".join(notebooks.dirt(dirty_notebook()))
    for word in ("outputs", "execution counts", "language_info", "widgets", "scrolled"):
        assert word in problems
    assert notebooks.dirt(demo_notebook()) == []


def test_exercise_rules_catch_each_mistake():
    assert notebooks.exercise_problems(demo_notebook()) == []

    def problems_after(change):
        nb = demo_notebook()
        change(nb)
        return " | ".join(notebooks.exercise_problems(nb))

    def no_points(nb):
        del nb.cells[4].metadata["nbgrader"]["points"]

    def duplicate(nb):
        nb.cells[4].metadata["nbgrader"]["grade_id"] = "top_members"

    def old_schema(nb):
        nb.cells[3].metadata["nbgrader"]["schema_version"] = 2

    def no_restart(nb):
        nb.cells[0].source = "# Demo\nGood luck!"

    def no_grade_id(nb):
        del nb.cells[3].metadata["nbgrader"]["grade_id"]

    assert "no points" in problems_after(no_points)
    assert "used twice" in problems_after(duplicate)
    assert "schema_version" in problems_after(old_schema)
    assert "restart and run all" in problems_after(no_restart)
    assert "no grade_id" in problems_after(no_grade_id)

    def code_after_solution(nb):
        nb.cells[3].source += "\n    raise NotImplementedError()"

    def assert_in_test_cell(nb):
        nb.cells[4].source = "assert top_members(posts) is not None"

    assert "code after ### END SOLUTION" in problems_after(code_after_solution)
    assert "checks.NAME(function)" in problems_after(assert_in_test_cell)


def test_strip_and_check_commands(tmp_path, capsys):
    source = tmp_path / "exercises" / "source" / "01_demo"
    source.mkdir(parents=True)
    dirty = source / "01_demo.ipynb"
    nbformat.write(dirty_notebook(), str(dirty))
    clean = tmp_path / "course" / "00_start.ipynb"
    clean.parent.mkdir()
    nbformat.write(demo_notebook(), str(clean))

    assert notebooks.main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert str(dirty) in out and str(clean) not in out and "1 of 2" in out

    assert notebooks.main(["strip", str(tmp_path)]) == 0
    assert str(dirty) in capsys.readouterr().out
    assert notebooks.main(["check", str(dirty), str(clean)]) == 0
    assert notebooks.strip_outputs(dirty) is False  # nothing left to strip
    stripped = nbformat.read(str(dirty), as_version=4)
    assert stripped.cells[3].metadata["nbgrader"]["solution"] is True


def test_check_applies_exercise_rules_only_to_exercise_sources(tmp_path, capsys):
    nb = demo_notebook()
    nb.cells[0].source = "# No instructions here"
    course = tmp_path / "course" / "x.ipynb"
    course.parent.mkdir()
    nbformat.write(nb, str(course))
    assert notebooks.main(["check", str(course)]) == 0
    exercise = tmp_path / "exercises" / "source" / "x" / "x.ipynb"
    exercise.parent.mkdir(parents=True)
    nbformat.write(nb, str(exercise))
    assert notebooks.main(["check", str(exercise)]) == 1
    assert "restart and run all" in capsys.readouterr().out


def test_check_reports_missing_paths_and_broken_files(tmp_path, capsys):
    assert notebooks.main(["check", str(tmp_path / "nope.ipynb")]) == 2
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    assert notebooks.main(["check", str(broken)]) == 1
    assert "not a readable Jupyter notebook" in capsys.readouterr().out
