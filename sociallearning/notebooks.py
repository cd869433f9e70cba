"""Keep committed notebooks clean: no outputs, no execution counts, little metadata.

    python -m sociallearning.notebooks strip PATH...   clean notebooks in place
    python -m sociallearning.notebooks check PATH...   list dirty notebooks, exit 1 if any

PATH may be a notebook or a folder (searched for *.ipynb). Notebooks under an
`exercises/source` folder are also checked against the exercise rules: nbgrader
metadata (schema_version 3), grade_id and points on graded cells, unique grade_ids,
and a first markdown cell that asks to restart and run all before submitting.
"""

import argparse
import copy
import sys
from pathlib import Path

import nbformat

# Cell metadata worth committing: nbgrader's marks, our hints, and tags.
KEPT_CELL_METADATA = ("nbgrader", "sociallearning", "tags")
# Notebook metadata worth committing: which kernel runs it. Nothing else.
KEPT_NOTEBOOK_METADATA = ("kernelspec",)
NBGRADER_SCHEMA_VERSION = 3


def read(path: Path) -> nbformat.NotebookNode:
    """Read a notebook (as nbformat 4), with a clear error if it is not one."""
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as error:  # nbformat raises several kinds for broken files
        raise ValueError(
            f"{path} is not a readable Jupyter notebook ({error}). Open it in JupyterLab "
            f"to see what is wrong, or restore it from git."
        ) from error


def stripped(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `nb` without outputs, execution counts or volatile metadata."""
    clean = copy.deepcopy(nb)
    clean.metadata = nbformat.NotebookNode(
        {key: value for key, value in nb.metadata.items() if key in KEPT_NOTEBOOK_METADATA}
    )
    for cell in clean.cells:
        cell.metadata = nbformat.NotebookNode(
            {key: value for key, value in cell.metadata.items() if key in KEPT_CELL_METADATA}
        )
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return clean


def strip_outputs(path: Path) -> bool:
    """Clean the notebook at `path` in place; True if anything changed."""
    path = Path(path)
    nb = read(path)
    clean = stripped(nb)
    if clean == nb:
        return False
    nbformat.write(clean, str(path))
    return True


def dirt(nb: nbformat.NotebookNode) -> list[str]:
    """What `strip` would remove, in words; empty when the notebook is clean."""
    problems = []
    with_outputs = sum(1 for c in nb.cells if c.cell_type == "code" and c.get("outputs"))
    if with_outputs:
        problems.append(f"{with_outputs} cell(s) have outputs")
    counted = sum(1 for c in nb.cells
                  if c.cell_type == "code" and c.get("execution_count") is not None)
    if counted:
        problems.append(f"{counted} cell(s) have execution counts")
    extra = sorted(set(nb.metadata) - set(KEPT_NOTEBOOK_METADATA))
    if extra:
        problems.append(f"notebook metadata has {', '.join(extra)} (keep only kernelspec)")
    cell_extra = sorted({key for c in nb.cells for key in c.metadata} - set(KEPT_CELL_METADATA))
    if cell_extra:
        problems.append(f"cell metadata has {', '.join(cell_extra)}")
    if "kernelspec" not in nb.metadata:
        problems.append("no kernelspec: open it in JupyterLab and choose the Python 3 kernel")
    return problems


def exercise_problems(nb: nbformat.NotebookNode) -> list[str]:
    """What breaks the exercise-source rules (see the module docstring)."""
    problems = []
    first = nb.cells[0] if nb.cells else None
    if first is None or first.cell_type != "markdown":
        problems.append("the first cell should be markdown on how grading works")
    else:
        words = first.source.lower()
        if "restart" not in words or "run all" not in words:
            problems.append("the first cell should say to restart and run all before submitting")
    graded = [c for c in nb.cells if "nbgrader" in c.metadata]
    if not graded:
        problems.append("no nbgrader cell metadata (solution and test cells are needed)")
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        marks = cell.metadata.get("nbgrader")
        if marks is None:
            continue
        where = f"cell {index}"
        if marks.get("schema_version") != NBGRADER_SCHEMA_VERSION:
            problems.append(f"{where}: nbgrader schema_version should be "
                            f"{NBGRADER_SCHEMA_VERSION}, is {marks.get('schema_version')}")
        needs_id = marks.get("grade") or marks.get("solution") or marks.get("locked")
        grade_id = marks.get("grade_id")
        if needs_id and not grade_id:
            problems.append(f"{where}: no grade_id")
        if marks.get("grade") and not isinstance(marks.get("points"), int | float):
            problems.append(f"{where} ({grade_id}): graded but has no points")
        if grade_id and needs_id:
            if grade_id in seen:
                problems.append(f"{where}: grade_id {grade_id} is used twice")
            seen.add(grade_id)
        if cell.cell_type == "code" and marks.get("solution") and "### END SOLUTION" in \
                cell.source and cell.source.split("### END SOLUTION", 1)[1].strip():
            # nbgrader puts `raise NotImplementedError()` in place of the solution; code
            # after the marker would reach the learner as well.
            problems.append(f"{where} ({grade_id}): code after ### END SOLUTION")
        if cell.cell_type == "code" and marks.get("grade") and not marks.get("solution"):
            problems += [f"{where}: {why}" for why in _test_cell_problems(cell.source, grade_id)]
    return problems


def _test_cell_problems(source: str, grade_id: str) -> list[str]:
    """A test cell holds only its docstring and `checks.NAME(function)` lines: the grader
    reads it without running it (see autograder.verdicts)."""
    from autograder.verdicts import TestCellError, plan_test_cell

    try:
        plan_test_cell(source, grade_id)
    except TestCellError as error:
        return [str(error)]
    return []


def is_exercise_source(path: Path) -> bool:
    parts = Path(path).resolve().parts
    return any(parts[i: i + 2] == ("exercises", "source") for i in range(len(parts) - 1))


def notebook_paths(paths: list[Path]) -> list[Path]:
    """The notebooks named, or found in the folders named (skipping checkpoints)."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts)
        elif path.suffix == ".ipynb" and path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such notebook or folder")
    return found


def problems_of(path: Path) -> list[str]:
    """Everything wrong with one committed notebook."""
    try:
        nb = read(path)
    except ValueError as error:
        return [str(error)]
    problems = dirt(nb)
    if is_exercise_source(path):
        problems += exercise_problems(nb)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sociallearning.notebooks",
        description="Strip or check committed notebooks.",
    )
    parser.add_argument("action", choices=["strip", "check"])
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks or folders")
    args = parser.parse_args(argv)
    try:
        paths = notebook_paths(args.paths)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 2
    if args.action == "strip":
        for path in paths:
            if strip_outputs(path):
                print(f"stripped {path}")
        return 0
    dirty = 0
    for path in paths:
        problems = problems_of(path)
        if problems:
            dirty += 1
            print(f"{path}: " + "; ".join(problems))
    if dirty:
        print(f"{dirty} of {len(paths)} notebook(s) need attention. "
              f"`python -m sociallearning.notebooks strip PATH` removes outputs and metadata.")
        return 1
    print(f"{len(paths)} notebook(s) clean.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
