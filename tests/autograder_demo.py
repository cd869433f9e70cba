"""A tiny exercise in nbgrader's source format, and submissions built from it, for the
autograder's tests. Expected scores are worked out from the cells' points here, by
which tests a submission should pass, never copied from a grading run."""

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "demo_counts"
HIDDEN_TEXT = "HIDDEN-CHECK-7f3a"  # appears only inside hidden tests


def _cell(make, source, **info):
    cell = make(source)
    cell.metadata["nbgrader"] = {"schema_version": 3, **info}
    return cell


SOLUTIONS = {
    "count_posts": '''\
def count_posts(names):
    ### BEGIN SOLUTION
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return counts
    ### END SOLUTION''',
    "top_name": '''\
def top_name(names):
    ### BEGIN SOLUTION
    counts = count_posts(names)
    return sorted(counts, key=lambda name: (-counts[name], name))[0]
    ### END SOLUTION''',
}
TESTS = {
    "test_count_posts": ('''\
"""count_posts() counts each name"""
checks.count_posts(count_posts)
### BEGIN HIDDEN TESTS
# HIDDEN-CHECK-7f3a
checks.count_posts_hidden(count_posts)
### END HIDDEN TESTS''', 2),
    "test_top_name": ('''\
"""top_name() names the most active person, ties by name"""
checks.top_name(top_name)
### BEGIN HIDDEN TESTS
# HIDDEN-CHECK-7f3a
checks.top_name_hidden(top_name)
### END HIDDEN TESTS''', 3),
}
# The exercise's checks.py: expected answers worked out by hand, hidden cases as inputs.
CHECKS = '''\
from sociallearning import feedback


def _same(got, expected, what):
    feedback.expect(type(got) is type(expected) and got == expected,
                    f"{what} should return {expected!r}, not {got!r}")


def count_posts(learner):
    _same(learner(["ann", "bob", "ann"]), {"ann": 2, "bob": 1}, "count_posts()")
    feedback.passed("count_posts() counts each name once per post")


def count_posts_hidden(learner):
    _same(learner([]), {}, "count_posts([])")
    _same(learner(["cy"]), {"cy": 1}, "count_posts(['cy'])")


def top_name(learner):
    _same(learner(["bob", "ann", "bob"]), "bob", "top_name()")
    feedback.passed("top_name() names who posted most")


def top_name_hidden(learner):
    _same(learner(["b", "a"]), "a", "top_name() on a tie")
'''
REFLECTION_POINTS = 1


def source_notebook() -> nbformat.NotebookNode:
    cells = [
        _cell(new_markdown_cell, "# Demo\nRestart and run all before you submit.",
              grade_id="intro", locked=True, grade=False, solution=False),
        _cell(new_code_cell, "import sys\nimport pandas as pd\n"
              "from sociallearning.exercises import Exercise\n"
              f"checks = Exercise({NAME!r}).checks", grade_id="setup", locked=True,
              grade=False, solution=False),
        new_markdown_cell("## 1. Count posts per name"),
    ]
    for answer, test in (("count_posts", "test_count_posts"), ("top_name", "test_top_name")):
        cells.append(_cell(new_code_cell, SOLUTIONS[answer], grade_id=answer, solution=True,
                           grade=False, locked=False))
        source, points = TESTS[test]
        cells.append(_cell(new_code_cell, source, grade_id=test, grade=True, solution=False,
                           locked=True, points=points))
    cells.append(_cell(new_markdown_cell, "YOUR ANSWER HERE", grade_id="reflection",
                       solution=True, grade=True, locked=False,
                       points=REFLECTION_POINTS))
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


def automatic_points() -> int:
    return sum(points for _, points in TESTS.values())


def write_source(exercises: Path) -> Path:
    folder = exercises / NAME
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(), folder / f"{NAME}.ipynb")
    (folder / "checks.py").write_text(CHECKS)
    return exercises


def nbgrader(course: Path, *args: str, check: bool = True,
             env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env or {}),
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"],
                            cwd=course, capture_output=True, text=True, env=env)
    if check:
        assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stderr[-3000:]}"
    return result


def autograder(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True,
                          text=True, env=env)


# --- submissions, as a student would edit the released notebook ---------------------


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solve(release: nbformat.NotebookNode, answers=("count_posts", "top_name"),
          code: dict | None = None) -> nbformat.NotebookNode:
    """The released notebook with the given answers filled in (solution code by default)."""
    notebook = copy.deepcopy(release)
    for cell in notebook.cells:
        if grade_id(cell) in answers:
            cell.source = (code or {}).get(grade_id(cell), SOLUTIONS[grade_id(cell)])
    return notebook


def insert_before(notebook, target_id: str, source: str) -> nbformat.NotebookNode:
    notebook = copy.deepcopy(notebook)
    index = next(i for i, c in enumerate(notebook.cells) if grade_id(c) == target_id)
    notebook.cells.insert(index, new_code_cell(source))
    return notebook


def submit(course: Path, student: str, files: dict[str, object]) -> None:
    """Place files (notebooks or raw text) as a collected submission."""
    folder = course / "submitted" / student / NAME
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2024-01-01 10:00:00.000000 UTC")
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            (folder / name).write_text(content)
        else:
            (folder / name).write_text(json.dumps(content))
