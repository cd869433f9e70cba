"""Grade one student's submission of one assignment (runs in a worker process).

For each notebook the assignment expects, the steps are:
1. find it (by name, or a renamed copy by its cell labels) and read it (invalid JSON is
   a failure with a reason);
2. rebuild it on the course's skeleton (notebook_repair): course cells from the course,
   answers from the student;
3. plan each test cell (verdicts.plan_test_cell): which checks of the exercise's
   checks.py it asks for, read from the course's source, never from the submission;
4. run it in the sandbox (execute): student and setup cells run in the kernel; at each
   test cell the grader runs the checks here, calling the learner's functions in the
   kernel with inputs given as plain data, and writes the cell's outputs from its verdict;
5. return the graded notebook. Nothing here touches the gradebook; the parent does.
"""

import copy
import functools
import multiprocessing
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder import submission_files, verdicts
from autograder.execute import run_notebook
from autograder.neutralize import neutralize_notebook, trusted_grade_ids
from autograder.notebook_repair import is_test, nbgrader_info, rebuild_submission
from autograder.sandbox import Limits

MAX_NOTEBOOK_MB = 20
MAX_OTHER_FILES_MB = 50


@dataclass
class NotebookTask:
    name: str
    release: dict  # the released notebook (JSON), the skeleton
    locked_sources: dict[str, str]  # grade_id -> full course source (hidden tests included)
    exercise_folder: str = ""  # the course's source folder of the assignment (its checks.py)


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


# All reading of a submission before its notebooks run must end within this time.
PREPARE_SECONDS = 30


def _grade_submission(task: SubmissionTask, result: SubmissionResult) -> None:
    folder = Path(task.submitted_dir)
    deadline = time.monotonic() + PREPARE_SECONDS
    # Regular files only (no links, pipes or devices), sizes checked before any read; a
    # notebook at the top wins over a copy in a subfolder (as in nbgrader).
    listing = submission_files.list_submission(folder, deadline=deadline)
    result.notes.extend(listing.notes())
    submitted = {name: found.path for name, found in listing.notebooks().items()}
    expected = {n.name for n in task.notebooks}
    unclaimed = {name: path for name, path in submitted.items() if name not in expected}
    for notebook in task.notebooks:
        path = submitted.get(notebook.name)
        if path is None:
            wanted = {nbgrader_info(c).get("grade_id") for c in notebook.release["cells"]}
            path = submission_files.find_renamed(
                wanted - {None}, list(unclaimed.values()), max_mb=MAX_NOTEBOOK_MB,
                deadline=deadline, beneath=folder, notes=result.notes)
            if path is not None:
                result.notes.append(f"{path.name} was graded as {notebook.name}.ipynb (renamed)")
                unclaimed.pop(path.stem)
        if path is None:
            failure = (listing.refused_notebook(notebook.name)
                       or f"{notebook.name}.ipynb was not submitted")
            result.notebooks.append(NotebookResult(notebook.name, failure=failure))
            continue
        result.notebooks.append(grade_notebook(task, notebook, path, listing))
    for name in unclaimed:
        result.notes.append(f"extra notebook {name}.ipynb was ignored")


def grade_notebook(task: SubmissionTask, notebook: NotebookTask, path: Path,
                   listing) -> NotebookResult:
    result = NotebookResult(notebook.name)
    try:
        submitted = submission_files.read_notebook(path, MAX_NOTEBOOK_MB,
                                                   beneath=Path(task.submitted_dir))
    except (ValueError, OSError) as error:
        result.failure = str(error)
        return result
    release = nbformat.from_dict(copy.deepcopy(notebook.release))
    rebuilt = rebuild_submission(release, notebook.locked_sources, submitted)
    result.notes.extend(rebuilt.notes)

    try:
        judges, test_ids = _judges(rebuilt.notebook, notebook)
    except (verdicts.TestCellError, ImportError, SyntaxError) as error:
        result.failure = f"the course's tests for this notebook could not be read: {error}"
        return result

    slot = worker_slot()
    # Student code may leave files it made unremovable; that must not fail the grading.
    with tempfile.TemporaryDirectory(prefix=f"autograde-{slot}-",
                                     ignore_cleanup_errors=True) as folder:
        scratch = Path(folder) / "work"
        scratch.mkdir()
        result.notes.extend(submission_files.copy_data_files(
            listing, scratch, budget_mb=MAX_OTHER_FILES_MB, skip_names={"timestamp.txt"}))
        to_run = copy.deepcopy(rebuilt.notebook)
        execution = run_notebook(to_run, scratch, task.limits, slot, task.use_sandbox, judges)
        result.timings = execution.timings

    if execution.stop_reason and not any(
            c.get("execution_count") for c in to_run.cells if c.cell_type == "code"):
        result.failure = ("the grader could not start this notebook's kernel: "
                          f"{execution.stop_reason}")
        return result
    if execution.stop_reason:
        where = f" in cell {execution.stopped_at + 1}" if execution.stopped_at is not None else ""
        result.notes.append(f"{execution.stop_reason}{where}; the cells after it did not run")
    result.notes.extend(execution.notes)
    if execution.outputs_dropped:
        result.notes.append(f"output beyond {task.limits.output_kb} KB was dropped")
    result.graded, failed_tests = _collect(to_run, test_ids, execution.stop_reason)
    result.notes.extend(failed_tests)
    # Student HTML and scripts are shown as text in the graded notebook and formgrader.
    neutralize_notebook(result.graded, trusted_cell_ids=trusted_grade_ids(notebook.release))
    return result


def _judges(notebook: NotebookNode, task: NotebookTask):
    """Per test cell (by index): the judge that runs its checks in the grader's process."""
    checks = verdicts.load_checks(Path(task.exercise_folder))
    judges, test_ids = {}, {}
    for index, cell in enumerate(notebook.cells):
        info = nbgrader_info(cell)
        if cell.cell_type == "code" and is_test(info):
            grade_id = info["grade_id"]
            calls = verdicts.plan_test_cell(task.locked_sources.get(grade_id, cell.source),
                                            grade_id)
            judges[index] = functools.partial(verdicts.judge, checks, calls)
            test_ids[index] = grade_id
    return judges, test_ids


def _collect(ran: NotebookNode, test_ids: dict[int, str], stop_reason: str):
    """The graded notebook and, per test that could not run, a line for the report."""
    failed = []
    for index, grade_id in test_ids.items():
        cell = ran.cells[index]
        if cell.get("execution_count") is None and not cell.get("outputs"):
            message = f"this test did not run: {stop_reason or 'it was not reached'}"
            cell.outputs = [nbformat.v4.new_output(
                "error", ename="GradingError", evalue=message,
                traceback=[f"GradingError: {message}"])]
            failed.append(f"test {grade_id!r}: {message}")
    return ran, failed
