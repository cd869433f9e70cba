"""`python -m autograder autograde`: grade every submission of an assignment in parallel.

Workers (a process pool of `--jobs`) each grade one submission at a time in the
sandbox; the parent alone writes the results, one submission after another, into the
course's gradebook (nbgrader's SQLite file, so one writer and no locking trouble) and
the `autograded/` folder, with nbgrader's own SaveAutoGrades preprocessor doing the
scoring. So `nbgrader generate_feedback`, `formgrader` and `nbgrader export` see the
grades exactly as if `nbgrader autograde` had made them.
"""

import csv
import os
import shutil
import sys
import time
import warnings
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
from sqlalchemy.exc import SAWarning

from autograder.course import Course, CourseError
from autograder.grade_one import (
    NotebookTask,
    SubmissionResult,
    SubmissionTask,
    grade_submission,
    unexpected_failure,
)
from autograder.sandbox import DEFAULT_LIMITS, Limits

CSV_COLUMNS = ["student_id", "status", "score", "max_score", "reason"]


@dataclass
class ReportRow:
    student_id: str
    status: str  # "graded" or "failed"
    score: float
    max_score: float
    reason: str
    timings: dict = field(default_factory=dict)  # seconds: kernel start, run, bookkeeping

    def as_csv(self) -> list:
        return [self.student_id, self.status, _number(self.score), _number(self.max_score),
                self.reason]


def _number(value: float) -> str:
    return f"{value:g}"


def notebook_tasks(course: Course, assignment: str) -> list[NotebookTask]:
    """Each notebook of the assignment: its released skeleton and its full test sources."""
    tasks = []
    with Gradebook(course.db_url) as gradebook:
        try:
            record = gradebook.find_assignment(assignment)
        except MissingEntry:
            raise CourseError(
                f"assignment {assignment!r} is not in the gradebook; run "
                f"`nbgrader generate_assignment {assignment}` in {course.root} first."
            ) from None
        for notebook in record.notebooks:
            release = course.release_notebook(assignment, notebook.name)
            if not release.is_file():
                raise CourseError(f"{release} is missing; run `nbgrader generate_assignment "
                                  f"{assignment} --force` in {course.root}.")
            tasks.append(NotebookTask(
                notebook.name,
                dict(nbformat.read(release, as_version=4)),
                {cell.name: cell.source for cell in notebook.source_cells},
                str(course.path("source", ".", assignment)),
            ))
    if not tasks:
        raise CourseError(f"assignment {assignment!r} has no notebooks in the gradebook.")
    return tasks


def autograde(
    course: Course,
    assignment: str,
    *,
    jobs: int | None = None,
    students: list[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    use_sandbox: bool = True,
    progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> list[ReportRow]:
    notebooks = notebook_tasks(course, assignment)
    submitted = course.submitted_students(assignment)
    if students:
        unknown = sorted(set(students) - set(submitted))
        if unknown:
            raise CourseError(f"no submission of {assignment!r} from: {', '.join(unknown)} "
                              f"(looked in {course.path('submitted', '*', assignment)}).")
        submitted = [s for s in submitted if s in students]
    if not submitted:
        raise CourseError(f"no submissions of {assignment!r} to grade; run `nbgrader collect "
                          f"{assignment}` first.")
    tasks = [
        SubmissionTask(student, assignment, str(course.path("submitted", student, assignment)),
                       notebooks, limits, use_sandbox)
        for student in submitted
    ]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    progress(f"Grading {len(tasks)} submission(s) of {assignment} with {jobs} job(s)"
             + ("" if use_sandbox else " WITHOUT the sandbox"))
    rows: list[ReportRow] = []
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        futures = {pool.submit(grade_submission, task): task.student for task in tasks}
        for done, future in enumerate(as_completed(futures), start=1):
            row = _graded_row(course, assignment, notebooks, futures[future], future)
            rows.append(row)
            progress(f"[{done}/{len(tasks)}] {row.student_id}: {row.status} "
                     f"{_number(row.score)}/{_number(row.max_score)} "
                     f"({row.timings.get('worker_total', 0):.1f} s)")
    rows.sort(key=lambda r: r.student_id)
    write_report(course.report_csv(assignment), rows)
    progress(f"Done in {time.perf_counter() - started:.1f} s; "
             f"report: {course.report_csv(assignment)}")
    return rows


def _graded_row(course: Course, assignment: str, notebooks: list[NotebookTask], student: str,
                future: Future) -> ReportRow:
    """The submission's row; a worker or bookkeeping failure fails only this submission."""
    try:
        result = future.result()
        with warnings.catch_warnings():
            # nbgrader's own submission bookkeeping warns about SQLAlchemy autoflush.
            warnings.simplefilter("ignore", SAWarning)
            return record_result(course, assignment, notebooks, result)
    except Exception as error:  # noqa: BLE001 - one bad submission must not stop the batch
        detail = f"{type(error).__name__}: {error}".strip()[:300]
        with Gradebook(course.db_url) as gradebook:
            max_score = gradebook.find_assignment(assignment).max_score
        return ReportRow(student, "failed", 0, max_score,
                         f"not saved to the gradebook: {unexpected_failure(detail)}")


def record_result(course: Course, assignment: str, notebooks: list[NotebookTask],
                  result: SubmissionResult) -> ReportRow:
    """Write one graded submission to autograded/ and the gradebook (parent process only)."""
    started = time.perf_counter()
    student = result.student
    submitted = course.path("submitted", student, assignment)
    destination = course.path("autograded", student, assignment)
    _copy_files(course, assignment, submitted, destination)

    with Gradebook(course.db_url, course.coursedir.course_id) as gradebook:
        gradebook.update_or_create_student(student)
        timestamp = course.coursedir.get_existing_timestamp(str(submitted))
        extra = {"timestamp": timestamp} if timestamp else {}
        gradebook.update_or_create_submission(assignment, student, **extra)

    by_name = {n.name: n for n in notebooks}
    for outcome in result.notebooks:
        resources = {"nbgrader": {"notebook": outcome.name, "assignment": assignment,
                                  "student": student, "db_url": course.db_url}}
        if outcome.graded is not None:
            notebook = nbformat.from_dict(outcome.graded)
            SaveAutoGrades().preprocess(notebook, resources)
        else:
            notebook = _placeholder(by_name[outcome.name], outcome.failure)
            _zero_grades(course, assignment, outcome.name, student)
        # As `nbgrader autograde` does: the course's late-submission policy, if it sets one.
        AssignLatePenalties(config=course.coursedir.config).preprocess(notebook, resources)
        nbformat.write(notebook, destination / f"{outcome.name}.ipynb")

    with Gradebook(course.db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        penalty = submission.late_submission_penalty or 0
        score, max_score = submission.score - penalty, submission.max_score

    failures = [n.failure for n in result.notebooks if n.failure]
    status = "failed" if failures and len(failures) == len(result.notebooks) else "graded"
    reasons = failures + result.notes + [note for n in result.notebooks for note in n.notes]
    if penalty:
        reasons.append(f"late: {_number(penalty)} point(s) taken off by the course's policy")
    timings = {
        "kernel_start": sum(n.timings.get("kernel_ready", 0) for n in result.notebooks),
        "execution": sum(n.timings.get("total", 0) - n.timings.get("kernel_ready", 0)
                         for n in result.notebooks),
        "worker_total": result.seconds,
        "bookkeeping": time.perf_counter() - started,
    }
    return ReportRow(student, status, score, max_score, "; ".join(reasons), timings)


def _copy_files(course: Course, assignment: str, submitted: Path, destination: Path) -> None:
    """Like nbgrader: the submission's other files, then the course's own files over them."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    source = course.path("source", ".", assignment)
    for folder in (submitted, source):
        for path in folder.rglob("*"):
            if path.is_symlink() or not path.is_file() or path.suffix == ".ipynb" \
                    or ".ipynb_checkpoints" in path.parts:
                continue
            if folder == source and path.name == "timestamp.txt":
                continue
            target = destination / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _placeholder(task: NotebookTask, failure: str):
    """The released notebook with the reason on top, so feedback can still be generated."""
    notebook = nbformat.from_dict(task.release)
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(
        f"**This notebook could not be graded:** {failure}"))
    return notebook


def _zero_grades(course: Course, assignment: str, notebook: str, student: str) -> None:
    with Gradebook(course.db_url) as gradebook:
        submitted = gradebook.find_submission_notebook(notebook, assignment, student)
        for grade in submitted.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        gradebook.db.commit()


def write_report(path: Path, rows: list[ReportRow]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(row.as_csv() for row in rows)


def summary_table(rows: list[ReportRow]) -> str:
    width = max([len("student"), *(len(r.student_id) for r in rows)])
    lines = [f"{'student':<{width}}  {'status':<7} {'score':>11}  reason"]
    for row in rows:
        score = f"{_number(row.score)}/{_number(row.max_score)}"
        reason = row.reason if len(row.reason) <= 70 else row.reason[:67] + "..."
        lines.append(f"{row.student_id:<{width}}  {row.status:<7} {score:>11}  {reason}")
    graded = sum(r.status == "graded" for r in rows)
    lines.append(f"{graded} graded, {len(rows) - graded} failed")
    return "\n".join(lines)
