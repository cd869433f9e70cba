"""Read exercise source notebooks for tests: their solution code and their test cells."""

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source"


def exercise_names() -> list[str]:
    return sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").exists())


def source_notebook(name: str) -> nbformat.NotebookNode:
    return nbformat.read(SOURCE / name / f"{name}.ipynb", as_version=4)


def cell_info(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_namespace(name: str) -> dict:
    """Run the setup cell and every solution code cell, in order, in a fresh namespace."""
    namespace: dict = {"__name__": f"exercise_{name}"}
    for cell in source_notebook(name).cells:
        info = cell_info(cell)
        if cell.cell_type != "code" or info.get("grade"):
            continue
        exec(compile(cell.source, f"<{name}:{info.get('grade_id', '?')}>", "exec"), namespace)
    return namespace


def test_cells(name: str) -> list[tuple[str, str]]:
    """(grade_id, source) of each autograded test cell."""
    return [
        (cell_info(cell)["grade_id"], cell.source)
        for cell in source_notebook(name).cells
        if cell.cell_type == "code" and cell_info(cell).get("grade")
    ]


def solution_cells(name: str) -> dict:
    """grade_id -> solution code cell, in notebook order."""
    return {
        cell_info(cell)["grade_id"]: cell
        for cell in source_notebook(name).cells
        if cell.cell_type == "code" and cell_info(cell).get("solution")
    }


def run_test_cell(name: str, task: str, function, namespace: dict) -> None:
    """Run the task's whole test cell (visible and hidden checks) against `function`."""
    scope = dict(namespace)
    scope[task] = function
    source = dict(test_cells(name))[f"test_{task}"]
    exec(compile(source, f"<{name}:test_{task}>", "exec"), scope)


def solution_variant(name: str, task: str, edits, namespace: dict):
    """The solution with a few (old, new) text edits: the kind of slip a learner makes."""
    source = solution_cells(name)[task].source
    for old, new in edits:
        assert old in source, f"the {task} solution no longer contains {old!r}"
        source = source.replace(old, new)
    scope = dict(namespace)
    exec(source, scope)
    return scope[task]


class AlwaysEqual:
    """Claims to equal anything: must never pass a check."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


# Test modules import this helper by name; keep pytest from collecting it as a test.
test_cells.__test__ = False
