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

import json
import os
from pathlib import Path
from types import SimpleNamespace

from sociallearning.paths import course_home

# Each exercise's checks and hidden cases live beside its source notebook in this file; it
# is never released to learners (nbgrader's CourseDirectory.ignore lists it).
CHECKS_FILE = "checks.py"
NEVER_RELEASED = [CHECKS_FILE]
# What a learner's copy has instead (class mode): each visible check's inputs on the sample
# data and the reference's results, recorded by the instructor (autograder.visible_record)
# and released beside the notebook. No reference code, no hidden checks.
VISIBLE_CHECKS_FILE = "visible_checks.json"
VISIBLE_CHECKS_FORMAT = 1

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


class VisibleChecksError(ValueError):
    """visible_checks.json beside the notebook cannot be used; str() says why and what to do."""

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[31m✘ {self}\x1b[0m"]


def import_file(path: Path, module_name: str):
    """Import a Python file (an exercise's checks.py) once per process, by its path."""
    import importlib.util
    import sys

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


PLACEHOLDER = "YOUR ANSWER HERE"


def my_written_answer(name: str, grade_id: str) -> str | None:
    """The learner's saved text for a written task in my-work/, without the placeholder;
    None when their notebook is not there (then nothing can be said about an attempt)."""
    import json

    path = where_is_my_work() / name / f"{name}.ipynb"
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for cell in cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            text = "".join(cell.get("source", ""))
            return text.replace(PLACEHOLDER, "").strip()
    return None


class ChecksNotHere:
    """Stands in for an exercise's checks where they are not shipped (class mode).

    `checks.NAME(function)` replays the visible check NAME from visible_checks.json beside
    the notebook (the kernel's working directory): the learner's function runs on the
    recorded sample inputs, and its results are compared with the recorded ones. Where the
    file or the check is not there (a hidden check, say), it says that the checks run when
    the work is graded."""

    def __init__(self, name: str):
        self.name = name

    def __getattr__(self, check_name: str):
        if check_name.startswith("_"):
            raise AttributeError(check_name)

        def check(*args, **keywords):
            recorded = recorded_check(self.name, check_name)
            if recorded is None:
                show(f"The checks of `{self.name}` are not in your copy of the course (your "
                     "instructor keeps them). Submit your notebook: the grader runs every "
                     "check and your feedback shows each result.")
                return
            # The test cell's keywords were given to the check when it was recorded.
            replay(recorded, args[0] if args else None)

        check.__name__ = check_name
        return check


def _visible_checks_file() -> Path:
    return Path.cwd() / VISIBLE_CHECKS_FILE


def _broken(problem: str) -> VisibleChecksError:
    return VisibleChecksError(
        f"{VISIBLE_CHECKS_FILE} beside your notebook cannot be used: {problem}. Fetch a fresh "
        "copy of the assignment (or ask your instructor); meanwhile, the grader still runs "
        "every check when you submit.")


def recorded_check(exercise: str, check_name: str) -> dict | None:
    """The recording of one visible check from visible_checks.json in the working directory,
    or None when there is no such file, it is another exercise's, or the check is not in it."""
    from sociallearning import plaindata

    path = _visible_checks_file()
    if not path.is_file():
        return None
    try:
        text = path.read_bytes()
        if len(text) > plaindata.MAX_BYTES:
            raise _broken("it is too large")
        document = json.loads(text, parse_constant=plaindata.refuse_constant)
    except (OSError, ValueError, RecursionError) as error:
        if isinstance(error, VisibleChecksError):
            raise
        raise _broken(f"it is not valid JSON ({str(error)[:100]})") from None
    if type(document) is not dict or type(document.get("checks")) is not dict:
        raise _broken("it does not list any checks")
    if document.get("format") != VISIBLE_CHECKS_FORMAT:
        raise _broken(f"it is in format {str(document.get('format'))[:20]}, this course reads "
                      f"format {VISIBLE_CHECKS_FORMAT}")
    if document.get("exercise") != exercise:
        return None
    recorded = document["checks"].get(check_name)
    if recorded is None:
        return None
    if (type(recorded) is not dict or type(recorded.get("function")) is not str
            or not recorded["function"].isidentifier()
            or type(recorded.get("calls")) is not list or not recorded["calls"]
            or type(recorded.get("passed_message", "")) is not str
            or any(type(c) is not dict or set(c) != {"args", "expected"}
                   for c in recorded["calls"])):
        raise _broken(f"the check {check_name!r} in it is malformed")
    return recorded


def unsupported_in(raw) -> str | None:
    """The type name of the first value in parsed plain data that stood for an object which
    could not cross as data (plaindata's `unsupported` kind), or None."""
    stack = [raw]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            if len(item) == 1 and "unsupported" in item:
                body = item["unsupported"]
                return str(body[0] if type(body) is list and body else body)[:80]
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return None


def _rebuild(raw, what: str):
    from sociallearning import plaindata

    unsupported = unsupported_in(raw)
    if unsupported is not None:
        raise _broken(f"{what} holds a value that is not plain data ({unsupported})")
    try:
        return plaindata.rebuild(raw)
    except (plaindata.PlainDataError, RecursionError) as error:
        raise _broken(f"{what}: {error}") from None


def _describe_argument(value) -> str:
    import pandas as pd

    if type(value) is pd.DataFrame:
        return value.attrs.get("sample_dataset") or f"<a table of {len(value)} rows>"
    if type(value).__name__ == "OfflineClient":
        return "client"
    if type(value).__module__.startswith("networkx"):
        return "graph"
    if type(value) is pd.Timestamp:
        return f"Timestamp('{value.isoformat()}')"
    text = repr(value)
    if len(text) <= 60:
        return text
    if type(value) in (list, tuple, set, frozenset, dict):
        return f"<a {type(value).__name__} of {len(value)}>"
    return f"<a {type(value).__name__}>"


def _describe_call(function: str, args: list, kwargs: dict) -> str:
    shown = [_describe_argument(a) for a in args]
    shown += [f"{key}={_describe_argument(value)}" for key, value in kwargs.items()]
    return f"`{function}({', '.join(shown)})`"


def replay(recorded: dict, learner) -> None:
    """Run the learner's function on each recorded call and compare with the recorded result;
    raises feedback.CheckFailed on the first difference, prints the passed message."""
    __tracebackhide__ = True  # noqa: F841 - IPython shows the learner's frames, not ours
    from sociallearning import feedback

    function = recorded["function"]
    calls = []  # all read (or refused) before the learner's function runs
    for number, call in enumerate(recorded["calls"], start=1):
        arguments = _rebuild(call["args"], f"the inputs of call {number} of {function}()")
        if (type(arguments) is not list or len(arguments) != 2
                or type(arguments[0]) is not list or type(arguments[1]) is not dict
                or not all(type(k) is str for k in arguments[1])):
            raise _broken(f"the inputs of call {number} of {function}() are malformed")
        expected = _rebuild(call["expected"], f"the result of call {number} of {function}()")
        calls.append((call["args"], expected))
    if not callable(learner):
        raise feedback.CheckFailed(f"{function} is a {type(learner).__name__}, not a function: "
                                   "keep the task's `def` line, and run its cell")
    with feedback.task(function):
        for raw_arguments, expected in calls:
            # Inputs rebuilt for each call: what the learner's function changes stays its own.
            args, kwargs = _rebuild(raw_arguments, f"the inputs of {function}()")
            what = _describe_call(function, args, kwargs)
            try:
                got = learner(*args, **kwargs)
            except NotImplementedError:
                raise feedback.CheckFailed(
                    f"{function}() is not written yet: replace `raise NotImplementedError()` "
                    "with your code") from None
            compare(_as_plain_data(got, expected, what), expected, what)
    feedback.passed(recorded.get("passed_message") or f"{function}() passed on the sample data.")


def _as_plain_data(got, expected, what: str):
    """The learner's result as the grader sees it: through plain data, and back."""
    from sociallearning import feedback, plaindata

    try:
        got = plaindata.decode(plaindata.encode(got))
    except (plaindata.PlainDataError, ValueError, TypeError, RecursionError) as error:
        raise feedback.CheckFailed(f"{what} returned something the checks cannot read "
                                   f"({str(error)[:200]}); return the kind of value the task "
                                   "asks for") from None
    if isinstance(got, plaindata.Unsupported):
        raise feedback.CheckFailed(f"{what} should return {_kind(expected)}, but it returned "
                                   f"a {got.type_name}.")
    return got


def _kind(value) -> str:
    from sociallearning import feedback

    return feedback._kind_name(type(value))


def _plain_kind(value) -> type:
    """The Python type a numpy scalar stands for (np.int64 -> int); other types as they are."""
    import numpy as np

    for numpy_kind, kind in ((np.bool_, bool), (np.integer, int), (np.floating, float),
                             (np.str_, str)):
        if isinstance(value, numpy_kind):
            return kind
    return type(value)


def _is_scalar(value) -> bool:
    """A value feedback compares as one plain value (lists and tuples of such values too)."""
    import numpy as np
    import pandas as pd

    if type(value) in (list, tuple):
        return all(_is_scalar(item) for item in value)
    containers = pd.DataFrame | pd.Series | np.ndarray | dict | set | frozenset
    return not isinstance(value, containers) and not type(value).__module__.startswith(
        "networkx")


def compare(got, expected, what: str) -> None:
    """`got` is the same answer as `expected`, judged with sociallearning.feedback."""
    import numpy as np
    import pandas as pd

    from sociallearning import feedback

    kind = _plain_kind(expected)
    if expected is None:
        feedback.expect(got is None, f"{what} should return None, but it returned "
                        f"{_kind(got)}.")
        return
    if type(expected).__module__.startswith("networkx"):
        _compare_graphs(got, expected, what)
        return
    feedback.expect_type(got, (bool, np.bool_) if kind is bool else kind, what)
    if kind is pd.DataFrame:
        feedback.expect_same_frame(got, expected, what)
    elif kind is pd.Series:
        feedback.expect_same_values(list(got.index), list(expected.index),
                                    f"the index (labels) of {what}")
        feedback.expect_same_values(got, expected, what)
    elif kind is dict:
        feedback.expect_same_values(list(got), list(expected), f"the keys of {what}",
                                    ordered=False)
        if all(_is_scalar(v) for v in expected.values()):
            feedback.expect_same_values(list(got.items()), list(expected.items()), what,
                                        ordered=False)
        else:
            for key, value in expected.items():
                compare(got[key], value, f"{what}[{key!r}]")
    elif kind in (list, tuple) and not _is_scalar(expected):
        feedback.expect(len(got) == len(expected), f"{what}: expected {len(expected)} items; "
                        f"you returned {len(got)}.")
        for position, (mine, theirs) in enumerate(zip(got, expected, strict=True)):
            compare(mine, theirs, f"item {position} of {what}")
    elif kind in (list, tuple, set, frozenset, np.ndarray):
        feedback.expect_same_values(got, expected, what)
    elif kind is float:
        feedback.expect_close(got, expected, what)
    elif kind is int:
        feedback.expect_close(got, expected, what, rtol=0, atol=0)
    elif kind in (bool, str):
        feedback.expect(kind(got) == expected, f"{what} returned {got!r}, which is not the "
                        "expected answer.")
    else:
        same = got == expected
        feedback.expect(isinstance(same, bool | np.bool_) and bool(same),
                        f"{what} returned {feedback._show(repr(got))}, which is not the "
                        "expected answer.")


def _compare_graphs(got, expected, what: str) -> None:
    from sociallearning import feedback

    wanted = type(expected).__name__
    feedback.expect(type(got) is type(expected), f"{what} should return a networkx {wanted}, "
                    f"but it returned {_kind(got)}.")
    arrow = " -> " if expected.is_directed() else " -- "

    def edges(graph, flip=False):
        pairs = ((v, u) if flip else (u, v) for u, v in graph.edges())
        if not graph.is_directed():
            pairs = (tuple(sorted(map(str, pair))) for pair in pairs)
        return sorted(f"{u}{arrow}{v}" for u, v in pairs)

    if expected.is_directed() and edges(got) != edges(expected):
        feedback.expect(edges(got, flip=True) != edges(expected),
                        f"{what}: every arrow points the wrong way. An edge goes from the "
                        "first of the pair to the second (e.g. from follower to followed).")
    feedback.expect_same_values(edges(got), edges(expected), f"the edges of {what}")
    feedback.expect_same_values(sorted(map(str, got.nodes)), sorted(map(str, expected.nodes)),
                                f"the nodes of {what}")


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
        path = self.path.with_name(CHECKS_FILE)
        if not path.is_file():
            return ChecksNotHere(self.name)
        return import_file(path, f"sociallearning_checks_{self.name}")

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

    def rubric(self, grade_id: str) -> list[str]:
        """What a good written answer contains: the points a person grades it on."""
        return list(self._cell(grade_id).metadata.get("sociallearning", {}).get("rubric", []))

    def _show_exemplar(self, grade_id: str, cell) -> None:
        """A written answer: the example and the rubric as a self-check, once the learner's
        own answer (in their saved notebook) is more than the placeholder."""
        mine = my_written_answer(self.name, grade_id)
        if mine is not None and len(mine.split()) < 20:
            show(f"Have a go first: write at least a few sentences for `{grade_id}` in your "
                 "notebook and save it (Ctrl+S). Then ask again: you will see an example "
                 "answer and the rubric to check yours against.")
            return
        checklist = "\n".join(f"- [ ] {point}" for point in self.rubric(grade_id))
        show(f"**An example answer for `{grade_id}`** (yours may differ and be just as good):"
             f"\n\n{_solution_text(cell.source)}\n\n**Check your own answer** against the "
             "rubric a person grades it with, one point each; where a point is missing, add "
             f"a sentence:\n\n{checklist}")

    def hints(self, grade_id: str) -> list[str]:
        """All hints for a task (mostly for authors; learners use .hint())."""
        return list(self._cell(grade_id).metadata.get("sociallearning", {}).get("hints", []))

    def hint(self, grade_id: str) -> None:
        """Show the next hint for a task; after the last one, point to the solution."""
        hints = self.hints(grade_id)
        key = (self.name, grade_id)
        step = _hints_shown.get(key, 0)
        if self._cell(grade_id).cell_type == "markdown":
            after = (f"Write a first draft in the answer cell and save the notebook; then "
                     f'`.solution("{grade_id}")` shows an example answer and the rubric to '
                     "check yours against.")
        else:
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
            self._show_exemplar(grade_id, cell)
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
        check = getattr(self._exercise.checks_module(), name)
        if not callable(check) or isinstance(self._exercise.checks_module(), ChecksNotHere):
            return check
        return in_plain_words(check)

    def __repr__(self) -> str:
        return f"<checks of {self._exercise.name}>"


class _LearnersError(Exception):
    """Carries an error raised by the learner's own function through the check."""


def in_plain_words(check):
    """A check whose own code never shows a traceback: if it trips over an answer of an
    unexpected shape, the learner gets a sentence; their own function's errors still show
    their own traceback, which is what they need to fix it."""
    import functools

    @functools.wraps(check)
    def checked(learner, *args, **kwargs):
        raised = []

        @functools.wraps(learner)
        def watched(*call_args, **call_kwargs):
            try:
                return learner(*call_args, **call_kwargs)
            except Exception as error:
                raised.append(error)
                raise

        from sociallearning.feedback import CheckFailed

        try:
            return check(watched, *args, **kwargs)
        except CheckFailed:
            raise
        except Exception as error:
            if raised and error is raised[-1]:
                raise  # the learner's own error, with its own traceback
            name = getattr(learner, "__name__", "your function")
            raise CheckFailed(
                f"{name}() returned something the check could not use ({type(error).__name__}:"
                f" {str(error)[:200]}). Compare what it returns with what the task asks for: "
                "the kind of value, its columns or keys, and the fields you asked the API "
                "for.") from None
    return checked
