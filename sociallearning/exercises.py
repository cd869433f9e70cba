"""Hints and model solutions for an exercise, read from its single source notebook.

In an exercise notebook:

    from sociallearning.exercises import Exercise
    ex = Exercise("01_sponsors")
    ex.tasks()                          # the task names (grade_ids), in order
    ex.hint("sponsors_who_left")        # the next hint, one step per call
    ex.solution("sponsors_who_left")    # the model answer, after a first try

Hints live in the source notebook's solution cell metadata:
`cell.metadata["sociallearning"]["hints"] = ["...", "..."]`. A solution is shown only
after the task's check cell ran at least once in this kernel (see `feedback.task`).
"""

import os
from pathlib import Path
from types import SimpleNamespace

from sociallearning.paths import course_home

# Each exercise's checks and hidden cases live beside its source notebook in this file; it
# is never released to learners (nbgrader's CourseDirectory.ignore lists it).
CHECKS_FILE = "checks.py"
NEVER_RELEASED = [CHECKS_FILE]

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"

# Hint steps reached, per (exercise, task), for this kernel.
_hints_shown: dict[tuple[str, str], int] = {}


class ExerciseNotFound(FileNotFoundError):
    """No source notebook for the exercise name given."""


class UnknownTask(ValueError):
    """A grade_id that the exercise does not have."""


def exercises_folder(home: Path | None = None) -> Path:
    """exercises/source in the course repository."""
    return Path(home or course_home()) / "exercises" / "source"


def exercise_names(home: Path | None = None) -> list[str]:
    """Names of the exercises: folders of exercises/source holding <name>/<name>.ipynb."""
    folder = exercises_folder(home)
    if not folder.is_dir():
        return []
    return sorted(entry.name for entry in os.scandir(folder)
                  if entry.is_dir() and (Path(entry.path) / f"{entry.name}.ipynb").is_file())


def where_is_my_work() -> Path:
    """The folder holding your own copies of the exercises (my-work/)."""
    from sociallearning.workspace import default_work_folder

    return default_work_folder()


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def show(markdown: str) -> None:
    """Rendered Markdown in a notebook, plain text elsewhere."""
    if _in_kernel():
        from IPython.display import Markdown, display

        display(Markdown(markdown))
    else:
        print(markdown)


def _solution_text(source: str) -> str:
    """The solution cell without the nbgrader marker lines."""
    kept = [line for line in source.splitlines()
            if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION)]
    return "\n".join(kept).strip("\n")


def solution_namespace(notebook_path: Path) -> SimpleNamespace:
    """The reference answers of an exercise: its source notebook's setup and solution cells,
    run in a fresh namespace. The solution cells are the one source of the answers; the
    checks compare the learner's results with what these return."""
    import nbformat

    path = Path(notebook_path).resolve()
    stamp = path.stat().st_mtime_ns
    cached = _solutions.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    notebook = nbformat.read(str(path), as_version=4)
    namespace = {"__name__": f"reference_{path.stem}"}
    for cell in notebook.cells:
        marks = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or (marks.get("grade") and not marks.get("solution")):
            continue  # test cells are not part of the answers
        exec(compile(_solution_text(cell.source), f"<{path.name}: {marks.get('grade_id')}>",
                     "exec"), namespace)
    answers = SimpleNamespace(**{k: v for k, v in namespace.items() if not k.startswith("__")})
    _solutions[path] = (stamp, answers)
    return answers


_solutions: dict[Path, tuple[int, SimpleNamespace]] = {}


class ChecksNotHere:
    """Stands in for an exercise's checks where they are not shipped (class mode)."""

    def __init__(self, name: str):
        self.name = name

    def __getattr__(self, check_name: str):
        def not_here(*args, **kwargs):
            show(f"The checks of `{self.name}` are not in your copy of the course (your "
                 "instructor keeps them). Submit your notebook: the grader runs every check "
                 "and your feedback shows each result.")
        return not_here


class Exercise:
    """One exercise, read from exercises/source/<name>/<name>.ipynb."""

    def __init__(self, name: str, *, home: Path | None = None):
        # Reading the source waits for the first hint or solution: while grading, the
        # sandbox hides exercises/source, and the setup cell must still run there.
        self.name = name
        self.home = home
        self.path = exercises_folder(home) / name / f"{name}.ipynb"
        self._solution_cells = None

    @property
    def _cells(self) -> dict:
        if self._solution_cells is None:
            self._solution_cells = self._read_solution_cells()
        return self._solution_cells

    def _read_solution_cells(self) -> dict:
        if not self.path.is_file():
            listing = ", ".join(exercise_names(self.home)) or "none found"
            raise ExerciseNotFound(
                f"No exercise called {self.name!r}: expected its notebook at {self.path}. "
                f"Exercises available: {listing}. If the course lives elsewhere, set "
                f"SOCIALLEARNING_HOME to its folder."
            )
        import nbformat  # here: it is slow to import, and `workspace` may not need it

        notebook = nbformat.read(str(self.path), as_version=4)
        cells = {}
        for cell in notebook.cells:
            marks = cell.metadata.get("nbgrader", {})
            if marks.get("solution") and marks.get("grade_id"):
                cells[marks["grade_id"]] = cell
        return cells

    def __repr__(self) -> str:
        return f"Exercise({self.name!r})"

    @property
    def checks(self):
        """The exercise's checks (checks.py beside its source notebook), loaded on first use:
        a check cell calls `checks.NAME(your_function)`. Where the course's source is not
        there (class mode, or inside the grading sandbox), a stand-in that says so."""
        return _LazyChecks(self)

    def checks_module(self):
        """The checks module itself (or the class-mode stand-in)."""
        import importlib.util
        import sys

        path = self.path.with_name(CHECKS_FILE)
        if not path.is_file():
            return ChecksNotHere(self.name)
        module_name = f"sociallearning_checks_{self.name}"
        if module_name not in sys.modules:
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[module_name]
                raise
        return sys.modules[module_name]

    def tasks(self) -> list[str]:
        """The task names (grade_ids of the solution cells), in notebook order."""
        return list(self._cells)

    def _cell(self, grade_id: str):
        if grade_id not in self._cells:
            raise UnknownTask(
                f"{self.name} has no task called {grade_id!r}. "
                f"Its tasks are: {', '.join(self._cells) or 'none'}."
            )
        return self._cells[grade_id]

    def hints(self, grade_id: str) -> list[str]:
        """All hints for a task (mostly for authors; learners use .hint())."""
        return list(self._cell(grade_id).metadata.get("sociallearning", {}).get("hints", []))

    def hint(self, grade_id: str) -> None:
        """Show the next hint for a task; after the last one, point to the solution."""
        hints = self.hints(grade_id)
        key = (self.name, grade_id)
        step = _hints_shown.get(key, 0)
        after = (f'Still stuck? Run the check cell, then `.solution("{grade_id}")` '
                 f"shows a model answer.")
        if not hints:
            show(f"There are no hints for `{grade_id}`. {after}")
            return
        if step >= len(hints):
            show(f"No more hints for `{grade_id}` (you have seen all {len(hints)}). {after}")
            return
        _hints_shown[key] = step + 1
        show(f"**Hint {step + 1} of {len(hints)}** for `{grade_id}`: {hints[step]}")

    def solution(self, grade_id: str) -> None:
        """Show the model answer, once the task's check has run at least once."""
        cell = self._cell(grade_id)
        if cell.cell_type == "markdown":
            # A written answer is read by a person: there is no check to run first.
            show(f"An example answer for `{grade_id}` (yours may differ and be just as "
                 f"good):\n\n{_solution_text(cell.source)}")
            return
        from sociallearning import feedback  # here, so `workspace` starts without pandas

        if not (feedback.has_attempted(grade_id) or feedback.has_attempted(f"test_{grade_id}")):
            show(f"Have a go first: write your answer for `{grade_id}`, run it, then run the "
                 f"check cell below it. After that, `.solution(\"{grade_id}\")` shows a model "
                 f"answer. `.hint(\"{grade_id}\")` gives a hint meanwhile.")
            return
        show(f"A model answer for `{grade_id}` (other answers can be right too):\n\n"
             f"```python\n{_solution_text(cell.source)}\n```")



class _LazyChecks:
    """`exercise.checks`: nothing is read until a check is called (the setup cell also runs
    in the grading sandbox, where the checks are not)."""

    def __init__(self, exercise: Exercise):
        self._exercise = exercise

    def __getattr__(self, name: str):
        return getattr(self._exercise.checks_module(), name)

    def __repr__(self) -> str:
        return f"<checks of {self._exercise.name}>"
