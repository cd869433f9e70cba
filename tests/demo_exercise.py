"""A tiny exercise in the course's source format, built inside the tests' own folders.

The expected answer in its test cell is worked out by hand from the six posts:
ann posted 3 times, bob 2, cy 1.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NAME = "01_demo"
TASK = "top_members"
HINTS = ["Count the rows per member with `groupby`.",
         "Sort by posts (most first), then by member name, and keep the first `top`."]

SETUP = """\
import pandas as pd
from sociallearning.exercises import Exercise
ex = Exercise("01_demo")
checks = ex.checks"""

SOLUTION = """\
def top_members(posts, top=2):
    ### BEGIN SOLUTION
    counts = posts.groupby("member").size().rename("posts").reset_index()
    ranked = counts.sort_values(["posts", "member"], ascending=[False, True])
    return ranked.head(top).reset_index(drop=True)
    ### END SOLUTION"""

TEST = '''\
"""top_members() ranks members by number of posts"""
checks.top_members(top_members)
### BEGIN HIDDEN TESTS
checks.top_members_top_one(top_members)
### END HIDDEN TESTS'''

# The exercise's checks.py: the expected answers worked out by hand from six posts.
CHECKS = '''\
import pandas as pd

from sociallearning import feedback

POSTS = pd.DataFrame({"member": ["ann", "bob", "ann", "cy", "bob", "ann"]})
EXPECTED = pd.DataFrame({"member": ["ann", "bob"], "posts": [3, 2]})


def top_members(learner):
    with feedback.task("top_members"):
        feedback.expect_same_frame(learner(POSTS.copy()), EXPECTED, "top_members(posts)")
    feedback.passed("top_members() ranks members by number of posts")


def top_members_top_one(learner):
    with feedback.task("top_members"):
        feedback.expect_same_frame(learner(POSTS.copy(), top=1), EXPECTED.head(1),
                                   "top_members(posts, top=1)")
'''

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def nbgrader_marks(**marks) -> dict:
    base = {"grade": False, "solution": False, "locked": False, "schema_version": 3}
    return {"nbgrader": {**base, **marks}}


def demo_notebook(statement: str = "Return the `top` members with the most posts.",
                  solution: str = SOLUTION) -> nbformat.NotebookNode:
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [
        new_markdown_cell("# Demo exercise\nHow grading works: before submitting, restart "
                          "the kernel and run all cells."),
        new_code_cell(SETUP),
        new_markdown_cell(f"### 1. Top members (2 points)\n{statement}"),
        new_code_cell(solution, metadata={**nbgrader_marks(solution=True, grade_id=TASK),
                                          "sociallearning": {"hints": HINTS}}),
        new_code_cell(TEST, metadata=nbgrader_marks(grade=True, locked=True, points=2,
                                                    grade_id=f"test_{TASK}")),
        new_markdown_cell("### 2. In your words (1 point)\nWhat would you measure first? Why?"),
        new_markdown_cell("For example: how many new members reply in their first month.",
                          metadata=nbgrader_marks(grade=True, solution=True, points=1,
                                                  grade_id="first_measure")),
    ]
    return nb


def write_demo_course(home: Path, **changes) -> Path:
    """Write exercises/source/01_demo/01_demo.ipynb under `home`; return its path."""
    path = Path(home) / "exercises" / "source" / NAME / f"{NAME}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(demo_notebook(**changes), str(path))
    path.with_name("checks.py").write_text(CHECKS)
    return path
