"""Grade one student's submission of one assignment (runs in a worker process).

For each notebook the assignment expects: find it (by name, or a renamed copy by its
cell labels), read it (invalid JSON is a failure with a reason), rebuild it on the
course's skeleton (notebook_repair), run it in the sandbox with each test cell behind
the guard (kernel_guard), and return the graded notebook: the course's cells, the
student's answers, and outputs in which a test cell shows an error unless its pass
marker is valid. Nothing here touches the gradebook; the parent process writes it.
"""

import copy
import multiprocessing
import secrets
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder import kernel_guard
from autograder.execute import run_notebook
from autograder.notebook_repair import is_test, nbgrader_info, rebuild_submission
from autograder.sandbox import Limits

MAX_NOTEBOOK_MB = 20
MAX_OTHER_FILES_MB = 50


@dataclass
class NotebookTask:
    name: str
    release: dict  # the released notebook (JSON), the skeleton
    locked_sources: dict[str, str]  # grade_id -> full course source (hidden tests included)


@dataclass
class SubmissionTask:
    student: str
    assignment: str
    submitted_dir: str
    notebooks: list[NotebookTask]
    limits: Limits
    use_sandbox: bool


@dataclass
class NotebookResult:
    name: str
    graded: dict | None = None  # graded notebook (JSON); None when it could not be graded
    failure: str = ""  # why it could not be graded at all
    notes: list[str] = field(default_factory=list)  # repairs and penalties, in plain words
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class SubmissionResult:
    student: str
    notebooks: list[NotebookResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def worker_slot() -> int:
    """A small number unique among the live pool workers (0 in the parent)."""
    identity = multiprocessing.current_process()._identity
    return identity[0] % 1000 if identity else 0


def grade_submission(task: SubmissionTask) -> SubmissionResult:
    started = time.perf_counter()
    result = SubmissionResult(task.student)
    try:
        _grade_submission(task, result)
    except Exception:  # noqa: BLE001 - one bad submission must not stop the batch
        detail = traceback.format_exc(limit=3).strip().splitlines()[-1]
        done = {r.name for r in result.notebooks}
        result.notebooks += [
            NotebookResult(notebook.name, failure=unexpected_failure(detail))
            for notebook in task.notebooks if notebook.name not in done
        ]
    result.seconds = time.perf_counter() - started
    return result


def unexpected_failure(detail: str) -> str:
    return (f"the grader hit an unexpected problem ({detail}); grade this submission again "
            "with --student, and if it fails again, grade it by hand")


def _grade_submission(task: SubmissionTask, result: SubmissionResult) -> None:
    folder = Path(task.submitted_dir)
    # A notebook at the top wins over a copy in a subfolder (as in nbgrader); a link is
    # never followed: the grader reads it outside the sandbox.
    submitted: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.ipynb"), key=lambda p: (len(p.parts), p)):
        if ".ipynb_checkpoints" not in path.parts and not path.is_symlink():
            submitted.setdefault(path.stem, path)
    expected = {n.name for n in task.notebooks}
    unclaimed = {name: path for name, path in submitted.items() if name not in expected}
    for notebook in task.notebooks:
        path = submitted.get(notebook.name)
        if path is None:
            path = _find_renamed(notebook, unclaimed)
            if path is not None:
                result.notes.append(f"{path.name} was graded as {notebook.name}.ipynb (renamed)")
                unclaimed.pop(path.stem)
        if path is None:
            result.notebooks.append(NotebookResult(
                notebook.name, failure=f"{notebook.name}.ipynb was not submitted"))
            continue
        result.notebooks.append(grade_notebook(task, notebook, path))
    for name in unclaimed:
        result.notes.append(f"extra notebook {name}.ipynb was ignored")


def _find_renamed(notebook: NotebookTask, candidates: dict[str, Path]) -> Path | None:
    wanted = {nbgrader_info(c).get("grade_id") for c in notebook.release["cells"]} - {None}
    for path in candidates.values():
        try:
            cells = nbformat.read(path, as_version=4).cells
        except Exception:  # noqa: BLE001 - an unreadable candidate is simply not a match
            continue
        if wanted & {nbgrader_info(c).get("grade_id") for c in cells}:
            return path
    return None


def read_submitted(path: Path) -> NotebookNode:
    """The submitted notebook, or ValueError with a reason a student can act on."""
    if path.stat().st_size > MAX_NOTEBOOK_MB * 1024 * 1024:
        raise ValueError(f"{path.name} is larger than {MAX_NOTEBOOK_MB} MB; clear its outputs "
                         "and submit again")
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise ValueError(f"{path.name} is not a valid notebook ({reason}); open it in "
                         "Jupyter, save it, and submit again") from None


def grade_notebook(task: SubmissionTask, notebook: NotebookTask, path: Path) -> NotebookResult:
    result = NotebookResult(notebook.name)
    try:
        submitted = read_submitted(path)
    except (ValueError, OSError) as error:
        result.failure = str(error)
        return result
    release = nbformat.from_dict(copy.deepcopy(notebook.release))
    rebuilt = rebuild_submission(release, notebook.locked_sources, submitted)
    result.notes.extend(rebuilt.notes)

    slot = worker_slot()
    key = secrets.token_bytes(32)
    guard_name = f"_grading_guard_{secrets.token_hex(8)}"
    # Student code may leave files it made unremovable; that must not fail the grading.
    with tempfile.TemporaryDirectory(prefix=f"autograde-{slot}-",
                                     ignore_cleanup_errors=True) as folder:
        scratch = Path(folder) / "work"
        scratch.mkdir()
        _copy_other_files(Path(task.submitted_dir), scratch)
        key_file = scratch / f".grading-key-{secrets.token_hex(8)}"
        key_file.write_bytes(key)
        to_run, test_keys = _instrument(rebuilt.notebook, notebook.name, guard_name, key_file)
        execution = run_notebook(to_run, scratch, task.limits, slot, task.use_sandbox)
        result.timings = execution.timings

    prelude = to_run.cells[0]
    if prelude.get("execution_count") is None or any(
            o.output_type == "error" for o in prelude.outputs):
        why = execution.stop_reason or "; ".join(
            o.get("evalue", "") for o in prelude.outputs if o.output_type == "error")
        result.failure = f"the grader could not start this notebook's kernel: {why}"
        return result
    if execution.stop_reason:
        stopped = execution.stopped_at - 1 if execution.stopped_at else None
        where = f" in cell {stopped + 1}" if stopped is not None else ""
        result.notes.append(f"{execution.stop_reason}{where}; the cells after it did not run")
    if execution.outputs_dropped:
        result.notes.append(f"output beyond {task.limits.output_kb} KB was dropped")
    graded, failed_tests = _collect(rebuilt.notebook, to_run, test_keys, key,
                                    execution.stop_reason)
    result.notes.extend(failed_tests)
    result.graded = graded
    return result


# Files Python would import from the working directory.
IMPORTABLE_SUFFIXES = (".py", ".pyc", ".pyw", ".pth", ".so", ".pyd", ".zip", ".egg")


def _copy_other_files(submitted_dir: Path, scratch: Path) -> None:
    """Data files submitted beside the notebook, within a size budget.

    Hidden files and folders stay out: the scratch folder is the kernel's HOME, so a
    submitted `.ipython/profile_default/startup/` script would run before the guard and
    could read its key. Python modules stay out too: the scratch folder is also the
    kernel's working directory, first on its import path, so a submitted `pandas.py` or
    `hmac.py` would run in place of the real one while the guard is being built.
    """
    budget = MAX_OTHER_FILES_MB * 1024 * 1024
    for path in sorted(submitted_dir.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(submitted_dir).parts)
        if (hidden or path.is_symlink() or not path.is_file()
                or path.suffix in (".ipynb", *IMPORTABLE_SUFFIXES)):
            continue
        size = path.stat().st_size
        if size > budget or path.name == "timestamp.txt":
            continue
        budget -= size
        target = scratch / path.relative_to(submitted_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _instrument(notebook: NotebookNode, name: str, guard_name: str, key_file: Path):
    """The notebook as it is run: the guard's prelude first, test cells through the guard."""
    to_run = copy.deepcopy(notebook)
    test_keys = {}
    for index, cell in enumerate(to_run.cells):
        if cell.cell_type == "code" and is_test(nbgrader_info(cell)):
            test_key = f"{name}/{nbgrader_info(cell)['grade_id']}"
            test_keys[index] = test_key
            cell.source = kernel_guard.test_call_source(guard_name, test_key, cell.source)
    prelude = nbformat.v4.new_code_cell(kernel_guard.prelude_source(str(key_file), guard_name))
    to_run.cells.insert(0, prelude)
    return to_run, test_keys


def _stream_text(outputs) -> str:
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")


def _collect(notebook, ran, test_keys, key, stop_reason):
    """The graded notebook and, per failed test, a line for the report."""
    graded = copy.deepcopy(notebook)
    failed = []
    for index, cell in enumerate(graded.cells):
        if cell.cell_type != "code":
            continue
        ran_cell = ran.cells[index + 1]
        outputs = list(ran_cell.get("outputs", []))
        cell.execution_count = ran_cell.get("execution_count")
        if index not in test_keys:
            cell.outputs = outputs
            continue
        test_key = test_keys[index]
        passed = test_key in kernel_guard.passed_tests(key, _stream_text(outputs))
        cell.outputs = _test_outputs(outputs, passed)
        if not passed:
            grade_id = test_key.split("/", 1)[1]
            if ran_cell.get("execution_count") is None:
                why = stop_reason or "it did not run"
                message = f"this test did not run: {why}"
            elif not any(o.output_type == "error" for o in outputs):
                message = ("this test did not finish with a valid result (something in the "
                           "notebook changed how code runs or how errors are reported)")
            else:
                message = ""
            if message:
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename="GradingError", evalue=message,
                    traceback=[f"GradingError: {message}"]))
                failed.append(f"test {grade_id!r}: {message}")
    return graded, failed


def _test_outputs(outputs, passed: bool):
    """A test cell's outputs, in the form nbgrader scores: an error unless it passed."""
    kept = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            text = kernel_guard.strip_markers(output.get("text", ""))
            if not text.strip():
                continue
            # A warning on stderr does not cost a passing test its points.
            kept.append(nbformat.v4.new_output(
                "stream", name="stdout" if passed else output.get("name", "stdout"), text=text))
        elif kind == "error":
            if not passed:
                kept.append(output)
        elif kind == "display_data":
            kept.append(output)
    return kept
