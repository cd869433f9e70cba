"""Verdicts computed in the grader's own process, never in the student's kernel.

A test cell in a course notebook is a small, fixed language (see DESIGN.md):

    \"\"\"what it checks, in words\"\"\"
    checks.sponsor_changes(sponsor_changes)
    ### BEGIN HIDDEN TESTS
    checks.sponsor_changes_edge_cases(sponsor_changes)
    ### END HIDDEN TESTS

The grader never runs this source in the kernel. It reads it (with `ast`, never `exec`),
runs each named check from the exercise's `checks.py` here, and hands the check a
`RemoteFunction` in place of the learner's function: calling it sends the inputs into the
sandbox as plain data, runs the learner's function there, and brings back only what it
returned or raised, as plain data (see `sociallearning.plaindata`). The reference answers,
the checks and the comparison stay here. The test cell's outputs are then written from the
verdict, in the form nbgrader scores: a pass prints, a failure is an error.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from sociallearning import plaindata
from sociallearning.exercises import import_file
from sociallearning.feedback import CheckFailed

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
CHECKS_FILE = "checks.py"


class TestCellError(ValueError):
    """A course test cell that is not in the test-cell language; str() says how to fix it."""


@dataclass(frozen=True)
class CheckCall:
    check: str  # the name of the function in checks.py
    function: str  # the learner's function it is given
    keywords: tuple = ()  # literal keyword arguments for the check
    hidden: bool = False


@dataclass
class Verdict:
    passed: bool
    outputs: list = field(default_factory=list)
    message: str = ""


def plan_test_cell(source: str, grade_id: str) -> list[CheckCall]:
    """The checks a test cell asks for, in order, read without running anything."""
    hidden_lines, inside = set(), False
    for number, line in enumerate(source.splitlines(), start=1):
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif inside:
            hidden_lines.add(number)
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise TestCellError(f"test cell {grade_id!r} is not valid Python: {error}") from None
    calls = []
    for index, statement in enumerate(tree.body):
        value = statement.value if isinstance(statement, ast.Expr) else None
        if index == 0 and isinstance(value, ast.Constant) and isinstance(value.value, str):
            continue  # the docstring that says what the cell checks
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id == "checks"
                and len(call.args) == 1 and isinstance(call.args[0], ast.Name)
                and all(k.arg for k in call.keywords)):
            raise TestCellError(
                f"test cell {grade_id!r}, line {statement.lineno}: a test cell holds only its "
                "docstring and lines of the form `checks.NAME(function)`; move other code into "
                "the exercise's checks.py")
        try:
            keywords = tuple((k.arg, ast.literal_eval(k.value)) for k in call.keywords)
        except ValueError:
            raise TestCellError(f"test cell {grade_id!r}, line {statement.lineno}: keyword "
                                "arguments of a check must be literal values") from None
        calls.append(CheckCall(call.func.attr, call.args[0].id, keywords,
                               statement.lineno in hidden_lines))
    if not calls:
        raise TestCellError(f"test cell {grade_id!r} calls no check")
    return calls


def load_checks(exercise_folder: Path):
    """The exercise's checks.py (course code, trusted), imported in the grader's process."""
    path = Path(exercise_folder) / CHECKS_FILE
    if not path.is_file():
        raise TestCellError(f"{path} is missing: every exercise keeps its checks there")
    return import_file(path, f"_course_checks_{abs(hash(str(path.resolve())))}")


# --- the learner's function, seen from outside the sandbox ---------------------------------


class LearnerError(Exception):
    """The learner's function raised an exception that is not one of Python's own."""


class CouldNotCall(Exception):
    """The learner's function could not be called or its result not read; str() says why."""


def _raised(type_name: str, base_name: str, message: str) -> Exception:
    kind = getattr(builtins, base_name, None)
    label = type_name if type_name == base_name else f"{type_name} (a {base_name})"
    if isinstance(kind, type) and issubclass(kind, Exception) and kind is not CheckFailed:
        try:
            error = kind(message)
        except Exception:  # noqa: BLE001 - some built-ins need other arguments
            error = LearnerError(f"{label}: {message}")
    else:
        error = LearnerError(f"{label}: {message}")
    error.learner_label = label
    return error


def result_of(envelope_text: bytes, function: str):
    """What the sandbox said the learner's function did: its value, or the error it raised."""
    import json

    try:
        envelope = json.loads(envelope_text, parse_constant=plaindata.refuse_constant)
    except (ValueError, RecursionError):
        raise CouldNotCall(f"the result of {function}() could not be read") from None
    if not isinstance(envelope, dict) or len(envelope) != 1:
        raise CouldNotCall(f"the result of {function}() could not be read")
    (kind, body), = envelope.items()
    if kind == "returned":
        try:
            with plaindata.without_recipes():  # a result is values, never recipes
                return plaindata.rebuild(body)
        except plaindata.PlainDataError as error:
            raise CouldNotCall(f"what {function}() returned could not be read: {error}") from None
    if kind == "raised" and isinstance(body, list) and len(body) == 3:
        raise _raised(*(str(part)[:2000] for part in body))
    if kind == "missing":
        raise CouldNotCall(f"there is no function named {function} in your notebook: keep the "
                           "name the task gives, and run its cell")
    if kind == "not_callable":
        raise CouldNotCall(f"{function} is a {str(body)[:60]}, not a function: keep the "
                           "task's `def` line")
    if kind == "unencodable":
        raise CouldNotCall(f"{function}() returned something the grader cannot read "
                           f"({str(body)[:200]}); return the kind of value the task asks for")
    if kind == "too_big":
        raise CouldNotCall(f"{function}() returned more data than the grader accepts")
    raise CouldNotCall(f"the result of {function}() could not be read")


@dataclass
class RemoteFunction:
    """Stands in for the learner's function inside a check: each call runs in the sandbox."""

    name: str
    call_in_sandbox: Callable[[str, str], bytes]  # (function name, request JSON) -> envelope

    @property
    def __name__(self):  # checks may name the function in their messages
        return self.name

    def __call__(self, *args, **kwargs):
        request = plaindata.encode([list(args), kwargs])
        return result_of(self.call_in_sandbox(self.name, request), self.name)


# --- judging one test cell -----------------------------------------------------------------


def _failure_message(error: BaseException, call: CheckCall) -> str:
    if isinstance(error, CheckFailed):
        return error.message
    if isinstance(error, CouldNotCall):
        return str(error)
    label = getattr(error, "learner_label", None)
    if label is not None:
        if label == "NotImplementedError":
            return (f"{call.function}() is not written yet: replace `raise NotImplementedError()`"
                    " with your code")
        return f"{call.function}() raised {label}: {str(error)[:500]}"
    # The check itself could not use the answer (an answer of an unexpected shape).
    return (f"{call.function}() returned something the check could not use "
            f"({type(error).__name__}: {str(error)[:300]}); compare it with what the task asks")


def _error_output(message: str) -> dict:
    first, *rest = message.splitlines() or [""]
    return nbformat.v4.new_output("error", ename="CheckFailed", evalue=message,
                                  traceback=[f"\x1b[31m✘ {first}\x1b[0m", *rest])


def judge(checks, calls: list[CheckCall],
          call_in_sandbox: Callable[[str, str], bytes]) -> Verdict:
    """Run a test cell's checks here, against the learner's functions in the sandbox."""
    printed = io.StringIO()
    for call in calls:
        check = getattr(checks, call.check, None)
        if not callable(check):
            raise TestCellError(f"checks.py has no check named {call.check!r}")
        shown = io.StringIO()
        try:
            with contextlib.redirect_stdout(shown):
                check(RemoteFunction(call.function, call_in_sandbox), **dict(call.keywords))
        except Exception as error:  # noqa: BLE001 - any failure of the answer is a verdict
            message = _failure_message(error, call)
            outputs = []
            if printed.getvalue():
                outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                      text=printed.getvalue()))
            outputs.append(_error_output(message))
            return Verdict(False, outputs, message)
        if not call.hidden:  # hidden checks say nothing when they pass
            printed.write(shown.getvalue())
    text = printed.getvalue() or "✔ passed\n"
    return Verdict(True, [nbformat.v4.new_output("stream", name="stdout", text=text)])
