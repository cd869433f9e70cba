"""`make grade` / `python -m autograder selfgrade`: a learner grades their own work.

The learner's notebooks in my-work/ are copied (never changed) into a throw-away
nbgrader course made from exercises/source, graded there with the full tests by the
same sandboxed pipeline the instructor uses, and nbgrader's feedback (without hidden
test source) is written to my-work/feedback/<exercise>.html. A table then shows, per
exercise, the score, the maximum and what is left to do.

All in one pass and one process: nbgrader's GenerateAssignment and GenerateFeedback
converters run here (what `nbgrader generate_assignment` and `nbgrader generate_feedback`
run, with the course's configuration, so feedback keeps the course's preprocessors:
hidden tests removed, student content neutralised), and every exercise is graded in one
parallel batch; each exercise's feedback is made as soon as it is graded, while the
others still run, and a line says so.
"""

import contextlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.batch import ReportRow, autograde
from autograder.course import Course, exercise_names, exercises_source, init_course
from autograder.sandbox import DEFAULT_LIMITS, Limits

STUDENT = "me"


def nbgrader_run(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the course (its alembic helper must be on PATH)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=ERROR"],
                          cwd=course, capture_output=True, text=True, env=env)


def _converter_log() -> logging.Logger:
    """Where the converters log: kept, not shown (each call's log is captured)."""
    log = logging.getLogger("autograder.selfgrade.nbgrader")
    log.propagate = False
    log.setLevel(logging.WARNING)
    return log


def run_converter(course: Course, converter_class, name: str, student: str = "*") -> str:
    """One of nbgrader's converters, in this process, for assignment `name`: as the
    nbgrader command of that name run in the course folder. "" or why it failed."""
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    config = course.coursedir.config
    coursedir = CourseDirectory(config=config)
    coursedir.root = str(course.root)
    coursedir.assignment_id = name
    coursedir.student_id = student
    converter = converter_class(coursedir=coursedir, config=config, log=_converter_log())
    with _venv_on_path():  # nbgrader runs its alembic helper by name to make a gradebook
        result = capture_log(converter)
    if result["success"]:
        return ""
    # The exception messages in nbgrader's log say what went wrong.
    found = re.findall(r"^\s*[\w.]*(?:Error|Exception): (.+)$",
                       result.get("log", "") + "\n" + result.get("error", ""), re.M)
    messages = [m.strip() for m in found if "see the the above traceback" not in m]
    return "; ".join(dict.fromkeys(messages)) or "no details given"


class _Background(threading.Thread):
    """function(*args) in a thread; result() waits for it: its value, None if it failed."""

    def __init__(self, function, *args):
        super().__init__(daemon=True)
        self._call, self._value = (function, args), None
        self.start()

    def run(self) -> None:
        function, args = self._call
        try:
            self._value = function(*args)
        except Exception:  # noqa: BLE001 - the caller goes without
            self._value = None

    def result(self):
        self.join()
        return self._value


def _new_gradebook(database: Path) -> Path:
    with Gradebook(f"sqlite:///{database}", "selfgrade"):
        return database


@contextlib.contextmanager
def _unsynced_sqlite(database: Path):
    """Connections to `database` (the throw-away course's gradebook, deleted at the end)
    do not wait for the disk: nbgrader commits after every cell it records, and each
    commit would be a disk sync (about half a second per exercise)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    target = str(database.resolve())

    def on_connect(connection, _record) -> None:
        try:
            names = [row[2] for row in connection.execute("PRAGMA database_list")]
        except Exception:  # noqa: BLE001 - not SQLite: leave it alone
            return
        if target in names:
            connection.execute("PRAGMA synchronous=OFF")

    event.listen(Engine, "connect", on_connect)
    try:
        yield
    finally:
        event.remove(Engine, "connect", on_connect)


@contextlib.contextmanager
def _venv_on_path():
    before = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}:{before}"
    try:
        yield
    finally:
        os.environ["PATH"] = before


def generate_assignment(course: Course, name: str) -> str:
    from nbgrader.converters import GenerateAssignment

    return run_converter(course, GenerateAssignment, name)


def generate_feedback(course: Course, name: str) -> str:
    from nbgrader.converters import GenerateFeedback

    return run_converter(course, GenerateFeedback, name, STUDENT)


def what_is_left(course: Course, name: str) -> tuple[float, float, str]:
    with Gradebook(course.db_url) as gradebook:
        submission = gradebook.find_submission(name, STUDENT)
        left, by_person, score, automatic = [], [], 0.0, 0.0
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.cell.cell_type != "code":  # written answers: a person grades them
                    by_person.append(grade.name)
                    continue
                automatic += grade.max_score
                score += grade.auto_score or 0
                if (grade.auto_score or 0) < grade.max_score:
                    left.append(grade.name.removeprefix("test_"))
    words = ", ".join(left) if left else "all automatic tests pass"
    if by_person:
        words += f" (a person grades: {', '.join(by_person)})"
    return score, automatic, words


def selfgrade(work: Path | None, *, jobs: int | None = None, limits: Limits = DEFAULT_LIMITS,
              use_sandbox: bool = True) -> int:
    from sociallearning.paths import course_home

    work = (work or course_home() / "my-work").expanduser().resolve()
    source = exercises_source()
    mine = {name: work / name / f"{name}.ipynb" for name in exercise_names(source)}
    if not any(path.is_file() for path in mine.values()):
        print(f"No exercises found in {work}. Run `make lab` first: it copies them there.",
              file=sys.stderr)
        return 2
    feedback_folder = work / "feedback"
    feedback_folder.mkdir(parents=True, exist_ok=True)
    rows = {name: (name, "-", "-", "not started") for name in mine}
    with tempfile.TemporaryDirectory(prefix="selfgrade-") as folder:
        root, database = Path(folder) / "course", Path(folder) / "gradebook.db"
        with _unsynced_sqlite(database), _venv_on_path():
            # A new gradebook takes seconds (nbgrader runs alembic to stamp it): made
            # beside the course while the course is made.
            making = _Background(_new_gradebook, database)
            init_course(root, "selfgrade", source)
            course = Course.open(root)
            if making.result() is not None:
                course.coursedir.db_url = course.coursedir.config.CourseDirectory.db_url = \
                    f"sqlite:///{database}"
            ready = []
            for name, path in mine.items():
                if path.is_file():
                    failure = prepare(course, name, path)
                    if failure:
                        rows[name] = (name, "-", "-", failure)
                    else:
                        ready.append(name)
            if ready:
                grade_all(course, ready, rows, feedback_folder, jobs=jobs, limits=limits,
                          use_sandbox=use_sandbox)
    print(progress_table([rows[name] for name in mine]))
    print(course_total([rows[name] for name in mine]))
    record_progress(feedback_folder, [rows[name] for name in mine])
    print(f"\nFeedback for each exercise: {feedback_folder}/<exercise>.html")
    return 0


def prepare(course: Course, name: str, mine: Path) -> str:
    """The exercise's release and gradebook entries (nbgrader's generate_assignment), and
    the learner's notebook as the submission; "" or what went wrong, in plain words."""
    failure = generate_assignment(course, name)
    if failure or not course.release_notebook(name, name).is_file():
        return (f"could not prepare the tests ({failure or 'no release made'}); the exercise "
                "file may be damaged: get a fresh copy of the course and try again")
    submitted = course.path("submitted", STUDENT, name)
    submitted.mkdir(parents=True)
    shutil.copyfile(mine, submitted / f"{name}.ipynb")
    return ""


def grade_all(course: Course, names: list[str], rows: dict, feedback_folder: Path,
              **options) -> None:
    """Grade the exercises in one batch; as each is graded, fill in its row, make its
    feedback and say so (`[2/4] 01_sponsors: 13/13`)."""
    print(f"Grading {len(names)} exercise(s) in one batch ...", file=sys.stderr, flush=True)
    finished = []

    def graded(report: ReportRow) -> None:
        name = report.assignment
        if report.status == "failed":
            rows[name] = (name, "0", "-", report.reason)
            shown = "could not be graded"
        else:
            score, automatic, left = what_is_left(course, name)
            rows[name] = (name, f"{score:g}", f"{automatic:g}", left)
            shown = f"{score:g}/{automatic:g}"
            html = course.path("feedback", STUDENT, name) / f"{name}.html"
            if not generate_feedback(course, name) and html.is_file():
                shutil.copyfile(html, feedback_folder / f"{name}.html")
        finished.append(name)
        print(f"[{len(finished)}/{len(names)}] {name}: {shown}", file=sys.stderr, flush=True)

    autograde(course, names, progress=lambda line: None, on_row=graded, **options)


def progress_table(rows: list[tuple[str, str, str, str]]) -> str:
    width = max(len("module"), *(len(r[0]) for r in rows))
    lines = [f"{'module':<{width}}  {'score':>5}  {'max':>4}  what is left"]
    lines += [f"{m:<{width}}  {s:>5}  {x:>4}  {left}" for m, s, x, left in rows]
    return "\n".join(lines)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def course_total(rows: list[tuple[str, str, str, str]]) -> str:
    """One line for the whole course: points so far and exercises with every point."""
    graded = [(_number(s), _number(x)) for _, s, x, _ in rows]
    score = sum(s for s, x in graded if s is not None and x is not None)
    maximum = sum(x for s, x in graded if x is not None)
    complete = sum(1 for s, x in graded if x and s == x)
    return (f"\nCourse: {score:g} of {maximum:g} automatic points so far; {complete} of "
            f"{len(rows)} exercises have every automatic point.")


def record_progress(feedback_folder: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """The table as my-work/feedback/progress.json, for `sociallearning.progress` to show in
    a notebook (the progress per module, without grading again)."""
    import json

    from sociallearning.progress import PROGRESS_FILE

    modules = {name: {"score": _number(score), "max_score": _number(maximum), "left": left}
               for name, score, maximum, left in rows}
    path = Path(feedback_folder) / PROGRESS_FILE
    path.write_text(json.dumps({"format": 1, "modules": modules}, indent=1) + "\n",
                    encoding="utf-8")
    return path
