"""Peer review in class mode: each learner reviews one classmate's plan with the rubric.

    python -m autograder peer-review 06_capstone --course .

After `nbgrader collect`, every student with a submission is paired with another (a shuffled
ring: nobody reviews themself, everyone is reviewed once). For each reviewer a notebook is
written to `reviews/<assignment>/<reviewer>/<assignment>-review-<code>.ipynb`: the classmate's
plan (their answers, never their name or id), then, for each written task, the rubric as a
checklist and a cell for the reviewer's feedback. `reviews/<assignment>/pairs.csv` tells the
instructor who reviews whom. Hand the notebooks out however the class works (nbgrader's
feedback folder, a shared drive, the hub); reviewing is optional and graded by nobody: the
rubric and the conversation are the point, and reviewing is itself social learning.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course import CourseError

PLACEHOLDER = "YOUR ANSWER HERE"


@dataclass(frozen=True)
class Pair:
    reviewer: str
    author: str
    code: str  # what the reviewer sees instead of the author's id
    notebook: Path


def _marks(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _submissions(course: Path, assignment: str) -> dict[str, Path]:
    found = {}
    for folder in sorted((course / "submitted").glob(f"*/{assignment}")):
        notebook = folder / f"{assignment}.ipynb"
        if notebook.is_file():
            found[folder.parent.name] = notebook
    return found


def ring(students: list[str], seed: int) -> list[tuple[str, str]]:
    """(reviewer, author) pairs: a shuffled ring, so nobody reviews themself and everyone is
    reviewed exactly once."""
    order = sorted(students)
    random.Random(seed).shuffle(order)
    return [(order[i], order[(i + 1) % len(order)]) for i in range(len(order))]


def _rubrics(source: Path) -> dict[str, tuple[str, list[str]]]:
    """grade_id -> (task statement, rubric) for each written task of the source notebook."""
    cells = nbformat.read(source, as_version=4).cells
    found = {}
    for position, cell in enumerate(cells):
        rubric = cell.get("metadata", {}).get("sociallearning", {}).get("rubric")
        if cell.cell_type == "markdown" and _marks(cell).get("grade") and rubric:
            statement = cells[position - 1].source if position else ""
            found[_marks(cell)["grade_id"]] = (statement, list(rubric))
    return found


def review_notebook(assignment: str, code: str, submission: Path,
                    rubrics: dict[str, tuple[str, list[str]]]) -> nbformat.NotebookNode:
    """The classmate's answers as text (nothing runs), then the rubric per written task."""
    answers = nbformat.read(submission, as_version=4).cells
    md = nbformat.v4.new_markdown_cell
    cells = [md(f"# Peer review: plan {code} ({assignment})\n\n"
                "Read your classmate's plan, then for each written task tick the rubric points "
                "the answer meets and write two or three sentences: one thing that works, one "
                "question, one suggestion. Be specific and kind; you are helping a colleague "
                "do it again without missteps. Nothing here is graded.")]
    cells.append(md("## Their plan (code answers, shown as text)"))
    for cell in answers:
        marks = _marks(cell)
        if cell.cell_type == "code" and marks.get("solution"):
            cells.append(md(f"**{marks.get('grade_id')}**\n\n```python\n{cell.source}\n```"))
    written = {_marks(c).get("grade_id"): c.source for c in answers
               if c.cell_type == "markdown" and _marks(c).get("grade")}
    for grade_id, (statement, rubric) in rubrics.items():
        answer = written.get(grade_id, "").replace(PLACEHOLDER, "").strip()
        quoted = "\n".join(f"> {line}" for line in (answer or "(no answer)").splitlines())
        checklist = "\n".join(f"- [ ] {point}" for point in rubric)
        cells.append(md(f"## {grade_id}\n\n{statement.splitlines()[0] if statement else ''}"
                        f"\n\n**Their answer:**\n\n{quoted}"))
        cells.append(md(f"**Rubric** (replace `[ ]` by `[x]` for each point met):\n\n"
                        f"{checklist}"))
        cells.append(md("**Your feedback:** one thing that works, one question, one "
                        "suggestion."))
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}})


def make_reviews(course: Path, assignment: str, *, out: Path | None = None,
                 seed: int = 0) -> list[Pair]:
    """Pair the submissions of `assignment` and write one review notebook per reviewer."""
    course = Path(course).resolve()
    source = course / "source" / assignment / f"{assignment}.ipynb"
    if not source.is_file():
        raise CourseError(f"No source notebook for {assignment!r} at {source}: run this in "
                          "the course folder (or give --course).")
    rubrics = _rubrics(source)
    if not rubrics:
        raise CourseError(f"{assignment} has no written task with a rubric to review.")
    submissions = _submissions(course, assignment)
    if len(submissions) < 2:
        raise CourseError(f"Peer review needs at least two submissions of {assignment}; "
                          f"found {len(submissions)}. Run `nbgrader collect {assignment}` "
                          "first.")
    out = Path(out or course / "reviews" / assignment)
    pairs = []
    for number, (reviewer, author) in enumerate(ring(list(submissions), seed), start=1):
        code = chr(ord("A") + (number - 1) % 26) + (str((number - 1) // 26) if number > 26
                                                    else "")
        folder = out / reviewer
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{assignment}-review-{code}.ipynb"
        nbformat.write(review_notebook(assignment, code, submissions[author], rubrics), path)
        pairs.append(Pair(reviewer, author, code, path))
    with (out / "pairs.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["reviewer", "author", "code", "notebook"])
        for pair in pairs:
            writer.writerow([pair.reviewer, pair.author, pair.code,
                             pair.notebook.relative_to(out)])
    return pairs
