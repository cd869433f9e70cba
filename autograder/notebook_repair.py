"""Put a submitted notebook back into the shape of the assignment before it is run.

nbgrader's own sanitizing (OverwriteCells, OverwriteKernelspec, ClearOutput) restores
the source of test cells it finds by grade_id, but trusts the submission's cell list:
a deleted, duplicated, moved or re-labelled test cell, or a cell whose nbgrader
metadata was edited, changes what runs. Here the released notebook's cell list is the
skeleton instead:
- every locked cell (tests, setup, task descriptions) comes from the course, with its
  full source (hidden tests included) from the gradebook, in the course's order;
- every answer cell is the student's cell with the same grade_id (first one wins),
  with the course's metadata and cell type; a missing answer is the released stub;
- the student's other cells are kept as plain student code, after the course cell
  they followed in the submission (so code a student inserted before a test still runs
  before it, but only ever as student code: the guard restores what it bends);
- outputs, execution counts and notebook metadata are cleared; the kernelspec and
  format version are the course's.
Each repair is noted so the report can say what was put back.
"""

import copy
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode


def nbgrader_info(cell: NotebookNode) -> dict:
    info = cell.get("metadata", {}).get("nbgrader", {})
    return info if isinstance(info, dict) else {}


def is_answer(info: dict) -> bool:
    return bool(info.get("solution")) and not info.get("locked")


def is_test(info: dict) -> bool:
    return bool(info.get("grade")) and not info.get("solution")


@dataclass
class Rebuilt:
    notebook: NotebookNode
    notes: list[str] = field(default_factory=list)


def _clean_student_cell(cell: NotebookNode) -> NotebookNode:
    """A student's own cell: its text only, never graded or locked."""
    if cell.get("cell_type") == "code":
        return nbformat.v4.new_code_cell(source=_text(cell.get("source", "")))
    return nbformat.v4.new_markdown_cell(source=_text(cell.get("source", "")))


def _labels(cell: NotebookNode) -> tuple:
    info = nbgrader_info(cell)
    return tuple(info.get(key) for key in ("grade_id", "grade", "solution", "locked", "points"))


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def rebuild_submission(
    release: NotebookNode, locked_sources: dict[str, str], submitted: NotebookNode
) -> Rebuilt:
    """The notebook to run: the course's skeleton filled with the student's answers."""
    notes: list[str] = []
    course_cells = [c for c in release.cells if nbgrader_info(c).get("grade_id")]
    course_ids = {nbgrader_info(c)["grade_id"] for c in course_cells}

    # Walk the submission: which course cell each student cell belongs to or follows.
    matched: dict[str, NotebookNode] = {}
    following: dict[str | None, list[NotebookNode]] = {}
    anchor: str | None = None
    for cell in submitted.cells:
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        grade_id = nbgrader_info(cell).get("grade_id")
        if grade_id in course_ids and grade_id not in matched:
            matched[grade_id] = cell
            anchor = grade_id
            continue
        if grade_id in course_ids:
            notes.append(f"a second cell labelled {grade_id!r} was treated as student code")
        elif grade_id:
            notes.append(f"unknown cell label {grade_id!r} was treated as student code")
        if cell.get("cell_type") == "raw":
            continue
        following.setdefault(anchor, []).append(_clean_student_cell(cell))

    cells = list(following.get(None, []))
    order_seen = [g for g in matched]
    for course_cell in course_cells:
        info = nbgrader_info(course_cell)
        grade_id = info["grade_id"]
        student_cell = matched.get(grade_id)
        if is_answer(info):
            cell = copy.deepcopy(course_cell)
            if student_cell is None:
                notes.append(f"answer cell {grade_id!r} was missing; graded as unanswered")
            else:
                cell.source = _text(student_cell.get("source", ""))
        else:
            cell = copy.deepcopy(course_cell)
            cell.source = locked_sources.get(grade_id, course_cell.source)
            if student_cell is None:
                notes.append(f"course cell {grade_id!r} was missing; the original was put back")
            elif _text(student_cell.get("source", "")) not in (course_cell.source, cell.source) \
                    or _labels(student_cell) != _labels(course_cell):
                notes.append(f"course cell {grade_id!r} was edited; the original was put back")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
        cells.extend(following.get(grade_id, []))

    course_order = [nbgrader_info(c)["grade_id"] for c in course_cells]
    if [g for g in course_order if g in matched] != order_seen:
        notes.append("cells were moved; the course's order was put back")

    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {k: copy.deepcopy(v) for k, v in release.metadata.items()
                         if k in ("kernelspec", "language_info")}
    seen_ids: set[str] = set()
    for cell in notebook.cells:
        if not cell.get("id") or cell.id in seen_ids:
            cell.id = nbformat.v4.new_code_cell().id
        seen_ids.add(cell.id)
    return Rebuilt(notebook, notes)
