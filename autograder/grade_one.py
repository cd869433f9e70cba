"""Grade one student's submission of one assignment (runs in a worker process).

The submission's files are listed safely (submission_files: regular files only, sizes
checked first, a deadline), each expected notebook found by name or, renamed, by its cell
labels. Then each notebook goes through STEPS, in order: read it; rebuild it on the
course's skeleton (course cells from the course, answers from the student); plan its test
cells (which checks of the exercise's checks.py each asks for, read, never run); run it in
a fresh sandboxed kernel, the grader judging each test cell in its own process by calling
the learner's functions in the kernel with inputs given as plain data; mark tests that
never ran; cut long outputs (nbgrader's LimitOutput); neutralise student HTML. A step that
cannot go on ends the notebook with a reason. Nothing here touches the gradebook.
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
from nbgrader.preprocessors import LimitOutput

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


@dataclass
class Grading:
    """One notebook on its way through the steps below; each step reads and adds to it."""

    task: SubmissionTask
    notebook: NotebookTask
    path: Path
    listing: object  # submission_files.Listing: the submission's regular files
    result: NotebookResult
    submitted: NotebookNode | None = None  # as the student handed it in
    rebuilt: NotebookNode | None = None  # on the course's skeleton, the student's answers
    judges: dict = field(default_factory=dict)  # test cell index -> judge
    test_ids: dict = field(default_factory=dict)  # test cell index -> grade_id
    ran: NotebookNode | None = None
    execution: object = None  # execute.Execution


class StepFailed(Exception):
    """The notebook cannot be graded; str() is the reason, in plain words."""


def read_submitted_notebook(g: Grading) -> None:
    """A regular file within the size cap, valid as a notebook."""
    try:
        g.submitted = submission_files.read_notebook(g.path, MAX_NOTEBOOK_MB,
                                                     beneath=Path(g.task.submitted_dir))
    except (ValueError, OSError) as error:
        raise StepFailed(str(error)) from None


def rebuild_on_course_skeleton(g: Grading) -> None:
    """Course cells (tests, setup, texts) from the course; answers from the student."""
    release = nbformat.from_dict(copy.deepcopy(g.notebook.release))
    rebuilt = rebuild_submission(release, g.notebook.locked_sources, g.submitted)
    g.rebuilt = rebuilt.notebook
    g.result.notes.extend(rebuilt.notes)


def plan_test_cells(g: Grading) -> None:
    """Which checks each test cell asks for: read from the course's source, not run."""
    try:
        g.judges, g.test_ids = _judges(g.rebuilt, g.notebook)
    except (verdicts.TestCellError, ImportError, SyntaxError) as error:
        raise StepFailed(
            f"the course's tests for this notebook could not be read: {error}") from None


def run_in_sandbox(g: Grading) -> None:
    """Student cells in a fresh sandboxed kernel; test cells judged here (see verdicts)."""
    slot = worker_slot()
    # Student code may leave files it made unremovable; that must not fail the grading.
    with tempfile.TemporaryDirectory(prefix=f"autograde-{slot}-",
                                     ignore_cleanup_errors=True) as folder:
        scratch = Path(folder) / "work"
        scratch.mkdir()
        g.result.notes.extend(submission_files.copy_data_files(
            g.listing, scratch, budget_mb=MAX_OTHER_FILES_MB, skip_names={"timestamp.txt"}))
        g.ran = copy.deepcopy(g.rebuilt)
        g.execution = run_notebook(g.ran, scratch, g.task.limits, slot, g.task.use_sandbox,
                                   g.judges)
        g.result.timings = g.execution.timings
    execution = g.execution
    if execution.stop_reason and not any(
            c.get("execution_count") for c in g.ran.cells if c.cell_type == "code"):
        raise StepFailed(f"the grader could not start this notebook's kernel: "
                         f"{execution.stop_reason}")
    if execution.stop_reason:
        where = f" in cell {execution.stopped_at + 1}" if execution.stopped_at is not None else ""
        g.result.notes.append(f"{execution.stop_reason}{where}; the cells after it did not run")
    g.result.notes.extend(execution.notes)
    if execution.outputs_dropped:
        g.result.notes.append(f"output beyond {g.task.limits.output_kb} KB was dropped")


def mark_tests_that_did_not_run(g: Grading) -> None:
    """A test cell the run never reached shows why, as an error (0 points)."""
    stop_reason = g.execution.stop_reason if g.execution else ""
    g.ran, failed_tests = _collect(g.ran, g.test_ids, stop_reason)
    g.result.notes.extend(failed_tests)


def limit_outputs(g: Grading) -> None:
    """nbgrader's own LimitOutput: long outputs and tracebacks cut, as in its autograde."""
    LimitOutput().preprocess(g.ran, {})


def neutralize_student_content(g: Grading) -> None:
    """Student HTML and scripts shown as text in the graded notebook and formgrader."""
    neutralize_notebook(g.ran, trusted_cell_ids=trusted_grade_ids(g.notebook.release))
    g.result.graded = g.ran


# The grading path of one notebook, in order (in the spirit of nbgrader's preprocessors).
STEPS = (read_submitted_notebook, rebuild_on_course_skeleton, plan_test_cells, run_in_sandbox,
         mark_tests_that_did_not_run, limit_outputs, neutralize_student_content)


def grade_notebook(task: SubmissionTask, notebook: NotebookTask, path: Path,
                   listing) -> NotebookResult:
    grading = Grading(task, notebook, path, listing, NotebookResult(notebook.name))
    for step in STEPS:
        try:
            step(grading)
        except StepFailed as failure:
            grading.result.failure = str(failure)
            grading.result.graded = None
            break
    return grading.result


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
