"""An nbgrader course folder: create one from exercises/source, and find things in it.

The layout is nbgrader's own (source/, release/, submitted/, autograded/, feedback/,
gradebook.db, nbgrader_config.py), so every nbgrader command works inside it.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from autograder.sandbox import Limits
from sociallearning.exercises import NEVER_RELEASED, VISIBLE_CHECKS_FILE
from sociallearning.paths import course_home

CONFIG_NAME = "nbgrader_config.py"
# Feedback never shows hidden test source (nbgrader issues #917 and #1363).
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "autograder.feedback.HideHiddenTests",
    "autograder.neutralize.NeutralizeStudentContent",
    "autograder.feedback.WarnPendingManualGrades",
]


class CourseError(RuntimeError):
    """A problem with the course folder; str() says what to do."""


def exercises_source() -> Path:
    return course_home() / "exercises" / "source"


def exercise_names(source: Path) -> list[str]:
    """The exercises in `source`: each folder <name> holding <name>.ipynb."""
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


def config_text(root: Path, course_id: str, exchange: Path | None) -> str:
    lines = [
        "# nbgrader configuration for this course (made by `python -m autograder init`).",
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.course_id = {course_id!r}",
        f"c.CourseDirectory.root = {str(root)!r}",
        "# Exercises import sociallearning and read the sample data; allow for a slow start.",
        f"c.Execute.timeout = {Limits().cell_seconds}  # autograde's --cell-timeout reads it",
        "# Each exercise's checks.py (checks, hidden cases) stays with the instructor.",
        f"c.CourseDirectory.ignore = {[*CourseDirectory().ignore, *NEVER_RELEASED]!r}",
        "# Feedback shows visible tests and results only, never hidden test source.",
        f"c.GenerateFeedback.preprocessors = {FEEDBACK_PREPROCESSORS!r}",
        "# Export and feedback warn while written answers still wait for a person.",
        "c.ExportApp.plugin_class = 'autograder.export.CsvExportWithPendingWarning'",
    ]
    if exchange is not None:
        lines.append(f"c.Exchange.root = {str(exchange)!r}")
    return "\n".join(lines) + "\n"


def init_course(root: Path, course_id: str, source: Path | None = None,
                exchange: Path | None = None) -> list[str]:
    """Create the course folder; returns the assignment names. Never overwrites a course.

    Each exercise's source folder gets visible_checks.json (see autograder.visible_record),
    which nbgrader's generate_assignment releases with the notebook."""
    source = source or exercises_source()
    root = root.expanduser().resolve()
    if (root / CONFIG_NAME).exists() or (root / "source").exists():
        raise CourseError(
            f"{root} already holds a course ({CONFIG_NAME} or source/ exists); "
            "nothing was changed. Pick a new folder, or remove the old course first."
        )
    if root.exists() and any(root.iterdir()):
        raise CourseError(f"{root} is not empty; nothing was changed. Pick an empty or new folder.")
    names = exercise_names(source)
    if not names:
        raise CourseError(f"no exercises found in {source} (expected <name>/<name>.ipynb).")
    if not course_id.replace("-", "").replace("_", "").isalnum():
        raise CourseError(f"course id {course_id!r}: use letters, digits, '-' and '_' only.")
    # Instant feedback for students: each visible check's inputs and expected results on the
    # sample data, recorded now (before anything is written) and released with the notebook.
    from autograder import visible_record  # here: it imports pandas and the checks

    try:
        records = {name: visible_record.record_exercise(source / name) for name in names}
    except visible_record.RecordError as error:
        raise CourseError(f"could not record the visible checks ({error}); nothing was "
                          "changed.") from None
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copytree(source / name, root / "source" / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__",
                                                      VISIBLE_CHECKS_FILE))
        visible_record.write_record(root / "source" / name, records[name])
    if exchange is not None:
        exchange = exchange.expanduser().resolve()
        exchange.mkdir(parents=True, exist_ok=True)
        # nbgrader's exchange: everyone writes (inbound submissions), the sticky bit keeps
        # one person from removing another's files.
        exchange.chmod(0o1777)
        students = root / STUDENT_CONFIG
        students.parent.mkdir(parents=True, exist_ok=True)
        students.write_text(student_config_text(course_id, exchange))
    (root / CONFIG_NAME).write_text(config_text(root, course_id, exchange))
    return names


# What students need when the exchange is not nbgrader's default: nbgrader reads it from
# the system-wide Jupyter configuration (e.g. /etc/jupyter/nbgrader_config.py).
STUDENT_CONFIG = Path("for-students") / "nbgrader_config.py"
SYSTEM_CONFIG = Path("/etc/jupyter/nbgrader_config.py")


def student_config_text(course_id: str, exchange: Path) -> str:
    return "\n".join([
        f"# nbgrader configuration for the students of {course_id!r} (made by "
        "`python -m autograder init`).",
        f"# Install it system-wide: sudo cp nbgrader_config.py {SYSTEM_CONFIG}",
        "# (or put this folder on each student's JUPYTER_CONFIG_PATH).",
        "c = get_config()  # noqa: F821",
        f"c.Exchange.root = {str(exchange)!r}",
        f"c.CourseDirectory.course_id = {course_id!r}",
    ]) + "\n"


@dataclass
class Course:
    """Paths in an existing course folder, as nbgrader's own configuration gives them."""

    root: Path
    coursedir: CourseDirectory

    @classmethod
    def open(cls, root: Path) -> "Course":
        root = root.expanduser().resolve()
        if not (root / CONFIG_NAME).is_file():
            raise CourseError(
                f"{root} is not a course folder (no {CONFIG_NAME}). Create one with "
                f"`python -m autograder init {root} --course-id ID`."
            )
        config = PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config()
        coursedir = CourseDirectory(config=config)
        coursedir.root = str(root)
        return cls(root, coursedir)

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    def path(self, kind: str, student: str, assignment: str) -> Path:
        directory = getattr(self.coursedir, f"{kind}_directory")
        return Path(self.coursedir.format_path(directory, student, assignment))

    def release_notebook(self, assignment: str, notebook: str) -> Path:
        return self.path("release", ".", assignment) / f"{notebook}.ipynb"

    def submitted_students(self, assignment: str) -> list[str]:
        submitted = Path(self.coursedir.root) / self.coursedir.submitted_directory
        if not submitted.is_dir():
            return []
        return sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir())

    def report_csv(self, assignment: str) -> Path:
        return self.root / "reports" / assignment / "autograde.csv"


@dataclass
class Change:
    exercise: str
    added: list[str]
    changed: list[str]
    removed: list[str]  # in the course but no longer in the exercises (left in place)

    def __str__(self) -> str:
        parts = [f"{len(files)} {word}: {', '.join(files)}" for word, files in
                 (("new", self.added), ("changed", self.changed),
                  ("no longer in the exercises (kept)", self.removed)) if files]
        return f"{self.exercise}: " + "; ".join(parts)


def _files(folder: Path) -> dict[str, bytes]:
    skip = {".ipynb_checkpoints", "__pycache__", VISIBLE_CHECKS_FILE}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not skip & set(p.relative_to(folder).parts)}


def course_changes(root: Path, source: Path | None = None) -> list[Change]:
    """What updating the course from the exercises would change, exercise by exercise."""
    source = source or exercises_source()
    changes = []
    for name in exercise_names(source):
        new, old = _files(source / name), _files(root / "source" / name)
        change = Change(name, sorted(set(new) - set(old)),
                        sorted(k for k in set(new) & set(old) if new[k] != old[k]),
                        sorted(set(old) - set(new)))
        if change.added or change.changed or change.removed:
            changes.append(change)
    return changes


def update_course(root: Path, source: Path | None = None, *, dry_run: bool = False
                  ) -> list[Change]:
    """Bring the course's source/ up to date with the exercises: new and changed files are
    copied, and each changed exercise's visible checks recorded again. Nothing else is
    touched: release/, submitted/, autograded/, feedback/ and the gradebook stay as they
    are; a file that left the exercises stays in the course (say so, never delete)."""
    course = Course.open(root)
    source = source or exercises_source()
    changes = course_changes(course.root, source)
    if dry_run or not changes:
        return changes
    from autograder import visible_record

    records = {}
    for change in changes:
        try:
            records[change.exercise] = visible_record.record_exercise(source / change.exercise)
        except visible_record.RecordError as error:
            raise CourseError(f"{change.exercise}: could not record the visible checks "
                              f"({error}); nothing was changed.") from None
    for change in changes:
        target = course.root / "source" / change.exercise
        for relative in change.added + change.changed:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / change.exercise / relative, target / relative)
        visible_record.write_record(target, records[change.exercise])
    return changes
