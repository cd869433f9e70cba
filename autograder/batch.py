"""`python -m autograder autograde`: grade every submission of one or more assignments in
parallel.

All submissions of all the assignments asked for go to one pool of `--jobs` worker
processes (autograder.workers), forked once after the parent loaded each exercise's
checks; each worker grades one submission at a time in the sandbox and starts the next
one's kernel while it does. The parent alone writes the results, one submission after
another as they come in, into the course's gradebook (nbgrader's SQLite file, so one
writer and no locking trouble) and the `autograded/` folder, with nbgrader's own
SaveAutoGrades preprocessor doing the scoring. So `nbgrader generate_feedback`,
`formgrader` and `nbgrader export` see the grades exactly as if `nbgrader autograde`
had made them.

Past one machine: `shard=Shard(k, n)` (`--shard K/N`) grades only the students whose id
falls in share K of N (by a hash of the id, so every grader machine or pod works out the
same disjoint shares on its own, whatever order it lists the class in). Several such
processes write into one gradebook through nbgrader's database URL (PostgreSQL): each
writes only its own students' rows, each submission in its own transactions, and a
transaction that the database drops (a restart, a dead connection) is tried again; the
report CSVs they share are merged under a file lock.
"""

import contextlib
import csv
import fcntl
import hashlib
import io
import os
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
from sqlalchemy.exc import OperationalError, SAWarning

from autograder import verdicts, workers
from autograder.course import Course, CourseError
from autograder.grade_one import (
    NotebookTask,
    SubmissionResult,
    SubmissionTask,
    unexpected_failure,
)
from autograder.sandbox import DEFAULT_LIMITS, Limits

# score: points given so far (automatic, and manual where a person has graded);
# manual_pending: points still waiting for a person (written answers), not lost points.
CSV_COLUMNS = ["student_id", "status", "score", "manual_pending", "max_score", "reason"]
HISTORY_COLUMNS = ["graded_at", "assignment", *CSV_COLUMNS]
DATABASE_ATTEMPTS = 3


@dataclass
class ReportRow:
    student_id: str
    status: str  # "graded" or "failed"
    score: float
    max_score: float
    reason: str
    timings: dict = field(default_factory=dict)  # seconds: kernel start, run, bookkeeping
    assignment: str = ""
    manual_pending: float = 0.0  # points of written answers a person has yet to grade

    def as_csv(self) -> list:
        return [self.student_id, self.status, _number(self.score),
                _number(self.manual_pending), _number(self.max_score), self.reason]


def _number(value: float) -> str:
    return f"{value:g}"


@contextlib.contextmanager
def open_gradebook(db_url: str, course_id: str | None = None):
    """nbgrader's Gradebook, its connections closed on leaving (nbgrader's close() keeps
    them pooled: harmless with SQLite, but a database server counts them)."""
    gradebook = Gradebook(db_url, course_id) if course_id else Gradebook(db_url)
    try:
        yield gradebook
    finally:
        gradebook.close()
        gradebook.engine.dispose()


@dataclass(frozen=True)
class Shard:
    """Share `index` of `count` (1-based): the students whose id hashes to it. The hash
    (not a position in a list) makes the shares disjoint and complete even when two
    graders list the class differently, and keeps a student in the same share on every
    run."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """'2/3' -> Shard(2, 3); a clear error for anything else."""
        try:
            index, count = (int(part) for part in text.split("/"))
        except ValueError:
            raise ValueError(f"--shard {text!r}: write K/N, e.g. 2/3 (share 2 of 3)") from None
        if count < 1 or not 1 <= index <= count:
            raise ValueError(f"--shard {text!r}: K must be between 1 and N, e.g. 1/{max(count, 2)}")
        return cls(index, count)

    def holds(self, student: str) -> bool:
        digest = hashlib.sha256(student.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def notebook_tasks(course: Course, assignment: str) -> list[NotebookTask]:
    """Each notebook of the assignment: its released skeleton and its full test sources."""
    tasks = []
    with open_gradebook(course.db_url) as gradebook:
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


def preload_checks(notebooks: Sequence[NotebookTask]) -> None:
    """Import each exercise's checks.py here, before the workers are forked, so each worker
    inherits them imported (their reference answers worked out once, not once per
    worker). What they print on import is not shown; one that cannot be imported is
    reported by the workers, per notebook, as before."""
    for notebook in notebooks:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                verdicts.load_checks(Path(notebook.exercise_folder))
        except Exception:  # noqa: BLE001 - said per notebook when it is graded
            pass


def autograde(
    course: Course,
    assignment: str | Sequence[str],
    *,
    jobs: int | None = None,
    students: list[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    use_sandbox: bool = True,
    progress: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
    on_row: Callable[[ReportRow], None] | None = None,
    shard: Shard | None = None,
) -> list[ReportRow]:
    """Grade the submissions of one assignment, or of several in one batch; returns a row
    per submission (sorted by assignment, then student) and writes each assignment's
    report. `on_row` is called in this process as each submission is recorded."""
    names = [assignment] if isinstance(assignment, str) else list(dict.fromkeys(assignment))
    if not names:
        raise CourseError("no assignment to grade.")
    several = len(names) > 1
    notebooks = {name: notebook_tasks(course, name) for name in names}
    submitted = {name: course.submitted_students(name) for name in names}
    if students:
        unknown = sorted(set(students) - {s for name in names for s in submitted[name]})
        if unknown:
            where = names[0] if not several else ", ".join(names)
            raise CourseError(f"no submission of {where!r} from: {', '.join(unknown)} "
                              f"(looked in {course.path('submitted', '*', names[0])}).")
        submitted = {name: [s for s in found if s in students]
                     for name, found in submitted.items()}
    if not any(submitted.values()):
        which = repr(names[0]) if not several else ", ".join(names)
        raise CourseError(f"no submissions of {which} to grade; run "
                          f"`nbgrader collect {names[0]}` first.")
    if shard is not None:
        everyone = len({s for found in submitted.values() for s in found})
        submitted = {name: [s for s in found if shard.holds(s)]
                     for name, found in submitted.items()}
        mine = len({s for found in submitted.values() for s in found})
        progress(f"Share {shard}: {mine} of the {everyone} student(s) who submitted.")
        if shard.count > 1 and course.db_url.startswith("sqlite"):
            progress("Note: the gradebook is a SQLite file; graders on other machines must "
                     "not share it. Set c.CourseDirectory.db_url to a PostgreSQL database.")
        if not mine:
            progress("Nothing to grade in this share; the other shares have the class.")
            return []
    for name in names:
        if not submitted[name]:
            progress(f"No submissions of {name} to grade (run `nbgrader collect {name}`).")
    tasks = [
        SubmissionTask(student, name, str(course.path("submitted", student, name)),
                       notebooks[name], limits, use_sandbox)
        for name in names for student in submitted[name]
    ]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    what = names[0] if not several else f"{len(names)} assignments"
    progress(f"Grading {len(tasks)} submission(s) of {what} with {jobs} job(s)"
             + ("" if use_sandbox else " WITHOUT the sandbox"))
    started = time.perf_counter()
    preload_checks([n for name in names for n in notebooks[name]])
    rows: list[ReportRow] = []

    def recorded(index: int, result: SubmissionResult | None, failure: str) -> None:
        task = tasks[index]
        row = _graded_row(course, task, result, failure)
        rows.append(row)
        label = f"{task.assignment} {row.student_id}" if several else row.student_id
        progress(f"[{len(rows)}/{len(tasks)}] {label}: {row.status} "
                 f"{_number(row.score)}/{_number(row.max_score)} "
                 f"({row.timings.get('worker_total', 0):.1f} s)")
        if on_row is not None:
            on_row(row)

    workers.grade_all(tasks, jobs, recorded)
    rows.sort(key=lambda r: (names.index(r.assignment), r.student_id))
    for name in names:
        write_report(course.report_csv(name), [r for r in rows if r.assignment == name])
    reports = course.report_csv(names[0]) if not several else \
        course.root / "reports" / "<assignment>" / "autograde.csv"
    progress(f"Done in {time.perf_counter() - started:.1f} s; report: {reports}")
    progress(time_summary(rows))
    return rows


def time_summary(rows: list[ReportRow]) -> str:
    """Where the time went, summed over the workers and the parent."""
    total = {part: sum(r.timings.get(part, 0) for r in rows)
             for part in ("worker_total", "kernel_boot", "kernel_start", "execution",
                          "bookkeeping")}
    return (f"Time, summed over the notebooks: {total['worker_total']:.1f} s in the workers "
            f"(kernels booting {total['kernel_boot']:.1f} s, ahead of need where they could; "
            f"notebooks waited for them {total['kernel_start']:.1f} s; running cells and tests "
            f"{total['execution']:.1f} s); gradebook and files in the parent "
            f"{total['bookkeeping']:.1f} s")


def _graded_row(course: Course, task: SubmissionTask, result: SubmissionResult | None,
                failure: str) -> ReportRow:
    """The submission's row; a worker or bookkeeping failure fails only this submission."""
    try:
        if result is None:
            raise RuntimeError(failure)
        with warnings.catch_warnings():
            # nbgrader's own submission bookkeeping warns about SQLAlchemy autoflush.
            warnings.simplefilter("ignore", SAWarning)
            for attempt in range(DATABASE_ATTEMPTS):
                try:
                    return record_result(course, task.assignment, task.notebooks, result)
                except OperationalError:
                    # A database server that restarted or dropped the connection: the
                    # submission's writes are rolled back; writing it again is safe.
                    if attempt == DATABASE_ATTEMPTS - 1:
                        raise
                    time.sleep(1 + attempt)
    except Exception as error:  # noqa: BLE001 - one bad submission must not stop the batch
        detail = f"{type(error).__name__}: {error}".strip()[:300]
        with open_gradebook(course.db_url) as gradebook:
            max_score = gradebook.find_assignment(task.assignment).max_score
        return ReportRow(task.student, "failed", 0, max_score,
                         f"not saved to the gradebook: {unexpected_failure(detail)}",
                         assignment=task.assignment)


class _OneCommit:
    """A gradebook session whose commit() waits: see SaveAutoGradesOnce."""

    def __init__(self, session):
        self._session = session

    def commit(self) -> None:
        self._session.flush()

    def __getattr__(self, name):
        return getattr(self._session, name)


class SaveAutoGradesOnce(SaveAutoGrades):
    """nbgrader's SaveAutoGrades (same scores, same comments, same rules), writing each
    notebook's grades in one transaction: the stock preprocessor commits after every
    cell, and each commit waits for the disk (most of the parent's time per submission)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        with open_gradebook(self.db_url) as self.gradebook:
            session = self.gradebook.db
            self.gradebook.db = _OneCommit(session)
            try:
                nb, resources = super(SaveAutoGrades, self).preprocess(nb, resources)
            finally:
                self.gradebook.db = session
            session.commit()
        return nb, resources


def record_result(course: Course, assignment: str, notebooks: list[NotebookTask],
                  result: SubmissionResult) -> ReportRow:
    """Write one graded submission to autograded/ and the gradebook (parent process only)."""
    started = time.perf_counter()
    student = result.student
    submitted = course.path("submitted", student, assignment)
    destination = course.path("autograded", student, assignment)
    _copy_files(course, assignment, submitted, destination)

    # One connection for our own steps; nbgrader's preprocessors open their own, as in
    # `nbgrader autograde`.
    with open_gradebook(course.db_url, course.coursedir.course_id) as gradebook:
        gradebook.update_or_create_student(student)
        timestamp = course.coursedir.get_existing_timestamp(str(submitted))
        extra = {"timestamp": timestamp} if timestamp else {}
        gradebook.update_or_create_submission(assignment, student, **extra)
        gradebook.db.commit()

        by_name = {n.name: n for n in notebooks}
        for outcome in result.notebooks:
            resources = {"nbgrader": {"notebook": outcome.name, "assignment": assignment,
                                      "student": student, "db_url": course.db_url}}
            if outcome.graded is not None:
                notebook = nbformat.from_dict(outcome.graded)
                SaveAutoGradesOnce().preprocess(notebook, resources)
            else:
                notebook = _placeholder(by_name[outcome.name], outcome.failure)
                _zero_grades(gradebook, assignment, outcome.name, student)
            # As `nbgrader autograde` does: the course's late-submission policy, if any.
            AssignLatePenalties(config=course.coursedir.config).preprocess(notebook, resources)
            nbformat.write(notebook, destination / f"{outcome.name}.ipynb")

        gradebook.db.expire_all()  # the preprocessors wrote through their own connections
        submission = gradebook.find_submission(assignment, student)
        penalty = submission.late_submission_penalty or 0
        score, max_score = submission.score - penalty, submission.max_score
        pending = sum(grade.max_score for notebook in submission.notebooks
                      for grade in notebook.grades if grade.needs_manual_grade)

    failures = [n.failure for n in result.notebooks if n.failure]
    status = "failed" if failures and len(failures) == len(result.notebooks) else "graded"
    reasons = failures + result.notes + [note for n in result.notebooks for note in n.notes]
    if penalty:
        reasons.append(f"late: {_number(penalty)} point(s) taken off by the course's policy")
    timings = {
        "kernel_boot": sum(n.timings.get("kernel_boot", 0) for n in result.notebooks),
        "kernel_start": sum(n.timings.get("kernel_ready", 0) for n in result.notebooks),
        "execution": sum(n.timings.get("total", 0) - n.timings.get("kernel_ready", 0)
                         for n in result.notebooks),
        "worker_total": result.seconds,
        "bookkeeping": time.perf_counter() - started,
    }
    return ReportRow(student, status, score, max_score, "; ".join(reasons), timings,
                     assignment, pending)


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


def _zero_grades(gradebook: Gradebook, assignment: str, notebook: str, student: str) -> None:
    submitted = gradebook.find_submission_notebook(notebook, assignment, student)
    for grade in submitted.grades:
        grade.auto_score = 0
        grade.needs_manual_grade = False
    gradebook.db.commit()


def write_report(path: Path, rows: list[ReportRow]) -> None:
    """The assignment's report, one row per student: this run's rows replace the same
    students' earlier rows, everyone else's stay (regrading one student keeps the class).
    Every run is also appended to history.csv beside it, with its time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Several graders (shards) may share the course folder: one merges at a time.
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _merge_report(path, rows)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _merge_report(path: Path, rows: list[ReportRow]) -> None:
    kept = {}
    if path.is_file():
        with path.open(newline="") as handle:
            for old in csv.DictReader(handle):
                if old.get("student_id"):
                    kept[old["student_id"]] = [old.get(column, "") for column in CSV_COLUMNS]
    kept.update({row.student_id: row.as_csv() for row in rows})
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(kept[student] for student in sorted(kept))
    partial.replace(path)
    history = path.with_name("history.csv")
    new = not history.is_file()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    with history.open("a", newline="") as handle:
        writer = csv.writer(handle)
        if new:
            writer.writerow(HISTORY_COLUMNS)
        writer.writerows([stamp, row.assignment, *row.as_csv()] for row in rows)


def summary_table(rows: list[ReportRow]) -> str:
    """One line per submission; with an assignment column when there are several."""
    several = len({r.assignment for r in rows}) > 1
    first = max([len("assignment"), *(len(r.assignment) for r in rows)]) if several else 0
    width = max([len("student"), *(len(r.student_id) for r in rows)])
    head = f"{'assignment':<{first}}  " if several else ""
    lines = [f"{head}{'student':<{width}}  {'status':<7} {'score':>11}  reason"]
    pending = sum(1 for row in rows if row.manual_pending)
    for row in rows:
        score = f"{_number(row.score)}/{_number(row.max_score)}"
        if row.manual_pending:
            score += f" (+{_number(row.manual_pending)} by hand)"
        reason = row.reason if len(row.reason) <= 70 else row.reason[:67] + "..."
        where = f"{row.assignment:<{first}}  " if several else ""
        lines.append(f"{where}{row.student_id:<{width}}  {row.status:<7} {score:>11}  {reason}")
    graded = sum(r.status == "graded" for r in rows)
    lines.append(f"{graded} graded, {len(rows) - graded} failed")
    if pending:
        lines.append(f"{pending} submission(s) have written answers for a person to grade "
                     "(formgrader): their points are pending, not lost.")
    return "\n".join(lines)
