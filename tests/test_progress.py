"""Progress across modules: what `make grade` records and what a notebook shows from it."""

import json

import matplotlib
import nbformat
import pytest

from autograder.selfgrade import course_total, progress_table, record_progress
from sociallearning import progress as progress_module
from sociallearning.paths import course_home
from sociallearning.progress import answered_tasks, last_grades, progress, time_to_complete

matplotlib.use("Agg")


def notebook(cells, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def task(grade_id, source, kind="code"):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    return make(source, metadata={"nbgrader": {"grade_id": grade_id, "solution": True}})


@pytest.fixture
def course(tmp_path):
    """A tiny course: two modules, one exercise started (one of three tasks answered)."""
    home = tmp_path / "course-home"
    for name, time in (("01_alpha", "about 2 hours"), ("02_beta", "about 30 minutes")):
        notebook([nbformat.v4.new_markdown_cell(
            f"# {name}\n\nA line.\n\n**Time to complete:** {time} (module and exercise).")],
            home / "course" / f"{name}.ipynb")
        notebook([task("a", "raise NotImplementedError()")],
                 home / "exercises" / "source" / name / f"{name}.ipynb")
    work = home / "my-work"
    notebook([task("a", "def a():\n    return 1"), task("b", "raise NotImplementedError()"),
              task("c", "YOUR ANSWER HERE", kind="markdown")],
             work / "01_alpha" / "01_alpha.ipynb")
    return home, work


def test_progress_counts_answered_tasks_and_reads_the_time(course):
    home, work = course
    table = progress(work, home)
    assert list(table["module"]) == ["01_alpha", "02_beta"]
    alpha, beta = table.iloc[0], table.iloc[1]
    assert (alpha["answered"], alpha["tasks"]) == (1, 3)
    assert alpha["time"] == "about 2 hours" and beta["time"] == "about 30 minutes"
    assert beta["tasks"] == 1 and beta["what is left"] == "not started"  # from the source
    assert alpha["what is left"] == "run `make grade` for a score"


def test_make_grade_rows_become_the_notebooks_progress(course, capsys):
    home, work = course
    rows = [("01_alpha", "4", "10", "b"), ("02_beta", "-", "-", "not started")]
    print(progress_table(rows))
    assert "Course: 4 of 10 automatic points so far; 0 of 2" in course_total(rows)
    assert "1 of 1" not in course_total(rows)
    (work / "feedback").mkdir()
    record_progress(work / "feedback", rows)
    assert last_grades(work)["01_alpha"] == {"score": 4.0, "max_score": 10.0, "left": "b"}
    table = progress(work, home).set_index("module")
    assert table.loc["01_alpha", "score"] == 4.0 and table.loc["01_alpha", "what is left"] == "b"
    assert table.loc["02_beta", "score"] is None or table.loc["02_beta", "score"] != 4.0
    done = [("01_alpha", "10", "10", "all automatic tests pass")]
    assert "1 of 1 exercises have every automatic point" in course_total(done)


def test_a_damaged_progress_file_is_ignored(course):
    home, work = course
    (work / "feedback").mkdir()
    (work / "feedback" / progress_module.PROGRESS_FILE).write_text("{not json")
    assert last_grades(work) == {}
    assert progress(work, home)["score"].isna().all()


def test_answered_written_tasks_count(tmp_path):
    path = notebook([task("r", "I will meet the CFO monthly.", kind="markdown"),
                     task("s", "   ", kind="code")], tmp_path / "x.ipynb")
    assert answered_tasks(path) == (1, 2)
    assert answered_tasks(tmp_path / "missing.ipynb") == (0, 0)


def test_show_progress_draws_and_returns_the_table(course, monkeypatch):
    import matplotlib.pyplot as plt

    home, work = course
    drawn = []
    monkeypatch.setattr(plt, "show", lambda: drawn.append(plt.gcf()))
    table = progress_module.show_progress(work, home)
    assert len(table) == 2 and drawn and drawn[0].axes[0].get_title()


def test_the_real_course_lists_every_module_with_its_time(tmp_path):
    table = progress(tmp_path / "no-work-yet").set_index("module")
    assert {"00_start_here", "01_sponsors", "06_capstone"} <= set(table.index)
    for name in table.index:
        module = course_home() / "course" / f"{name}.ipynb"
        if module.is_file():
            assert time_to_complete(module), f"{name} states no time to complete"
    assert (table["answered"] == 0).all()
    capstone_tasks = json.loads((course_home() / "exercises" / "source" / "06_capstone" /
                                 "06_capstone.ipynb").read_text())["cells"]
    solutions = [c for c in capstone_tasks if c["metadata"].get("nbgrader", {}).get("solution")]
    assert table.loc["06_capstone", "tasks"] == len(solutions) == 8
