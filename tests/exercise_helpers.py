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


def written_tasks(name: str) -> list:
    """The manually graded markdown cells (reflections), in notebook order."""
    return [cell for cell in source_notebook(name).cells
            if cell.cell_type == "markdown" and cell_info(cell).get("grade")]


def check_task_anatomy(name: str, tasks: list[str], hidden: list[str] | None = None,
                       written: list[str] | None = None) -> list:
    """Every task is a solution cell with 2-3 hints and a test cell; the tasks in `hidden`
    (all, unless said) carry hidden cases; the written tasks are exactly `written`, each
    with points and, in the source, an exemplar rather than the placeholder. Returns
    the written cells for further checks."""
    solutions, tests = solution_cells(name), dict(test_cells(name))
    assert list(solutions) == tasks
    assert set(tests) == {f"test_{task}" for task in tasks}
    for task in tasks:
        hints = solutions[task].metadata["sociallearning"]["hints"]
        assert 2 <= len(hints) <= 3 and all(isinstance(h, str) and h for h in hints), task
    with_hidden = [task for task in tasks if "BEGIN HIDDEN TESTS" in tests[f"test_{task}"]]
    assert with_hidden == (tasks if hidden is None else hidden)
    cells = written_tasks(name)
    if written is not None:
        assert [cell_info(cell)["grade_id"] for cell in cells] == written
    for cell in cells:
        assert cell.source.strip() != "YOUR ANSWER HERE" and cell_info(cell)["points"] > 0
    return cells


def answer_lines(cell) -> list[str]:
    """The non-empty lines of a solution cell's answer region, stripped."""
    body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    return [line.strip() for line in body.splitlines() if line.strip()]
