"""Record each exercise's visible checks on the sample data, for instant feedback in class mode.

A learner's copy of a course (class mode) has no `checks.py` and no reference answers, so the
checks cannot run in the learner's kernel. What a visible check needs is small and may be
seen (as nbgrader's visible asserts are): the inputs it gives the learner's function on the
sample data, and what the reference answer returned for them. This module runs, on the
instructor's side (trusted), each visible check of an exercise's test cells with a recording
stand-in for the learner's function that calls the reference answer, and writes what it saw:

    <exercise folder>/visible_checks.json
    {"format": 1, "exercise": "01_sponsors",
     "checks": {"sponsor_changes": {"function": "sponsor_changes",
                                    "calls": [{"args": <plain data>, "expected": <plain data>}],
                                    "passed_message": "sponsor_changes() says, ..."}}}

Values are `sociallearning.plaindata`, parsed (a sample dataset is only its name). Hidden
checks (between `### BEGIN HIDDEN TESTS` and `### END HIDDEN TESTS`) are never run here, so
neither their names nor their inputs reach the file. In the learner's kernel,
`sociallearning.exercises.ChecksNotHere` replays the file.

    record_exercise(folder) -> dict          # run the visible checks, return the record
    write_visible_checks(folder) -> Path     # record and write the file into `folder`
    record_course(course_root, [names]) -> {name: Path}   # `python -m autograder record-visible`
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import nbformat

from autograder import verdicts
from sociallearning import feedback, plaindata
from sociallearning.exercises import VISIBLE_CHECKS_FILE, solution_namespace, unsupported_in

FORMAT = 1


class RecordError(RuntimeError):
    """A visible check that cannot be recorded; str() says which and why."""


def _raw(value, what: str):
    """`value` as parsed plain data; refuses values that could not be rebuilt exactly."""
    try:
        raw = json.loads(plaindata.encode(value))
    except (plaindata.PlainDataError, ValueError, TypeError, RecursionError) as error:
        raise RecordError(f"{what} cannot be written as plain data ({error})") from None
    unsupported = unsupported_in(raw)
    if unsupported is not None:
        raise RecordError(f"{what} holds a value that cannot cross as plain data "
                          f"({unsupported})")
    return raw


class RecordingFunction:
    """Stands in for the learner's function inside a visible check: calls the reference with
    the inputs as the learner would get them (through plain data) and records each call."""

    def __init__(self, name: str, reference, where: str):
        self.name = name
        self.reference = reference
        self.where = where
        self.calls: list[dict] = []

    @property
    def __name__(self):  # checks may name the function in their messages
        return self.name

    def __call__(self, *args, **kwargs):
        request = _raw([list(args), kwargs], f"{self.where}: the inputs of {self.name}()")
        given_args, given_kwargs = plaindata.rebuild(request)
        try:
            returned = self.reference(*given_args, **given_kwargs)
        except Exception as error:
            raise RecordError(f"{self.where}: the reference {self.name}() raised "
                              f"{type(error).__name__}: {error}") from error
        expected = _raw(returned, f"{self.where}: what the reference {self.name}() returned")
        self.calls.append({"args": request, "expected": expected})
        return plaindata.rebuild(expected)  # what a check sees of a learner's answer


def _test_cells(notebook) -> list[tuple[str, str]]:
    cells = []
    for cell in notebook.cells:
        info = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and info.get("grade") and not info.get("solution"):
            cells.append((info["grade_id"], cell.source))
    return cells


def record_exercise(folder: Path) -> dict:
    """Run the visible checks of the exercise in `folder` against its reference answers."""
    folder = Path(folder).resolve()
    name = folder.name
    notebook_path = folder / f"{name}.ipynb"
    if not notebook_path.is_file():
        raise RecordError(f"{notebook_path} is missing")
    test_cells = _test_cells(nbformat.read(str(notebook_path), as_version=4))
    record = {"format": FORMAT, "exercise": name, "checks": {}}
    if not test_cells:
        return record
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the solution cells may print
            checks = verdicts.load_checks(folder)
            reference = solution_namespace(notebook_path)
        plans = [(grade_id, verdicts.plan_test_cell(source, grade_id))
                 for grade_id, source in test_cells]
    except verdicts.TestCellError as error:
        raise RecordError(f"{name}: {error}") from None
    keywords_seen = {}
    saved_attempts = dict(feedback._records)  # recording is not the instructor's attempt
    try:
        for grade_id, calls in plans:
            for call in calls:
                if call.hidden or not getattr(getattr(checks, call.check, None),
                                              "replayable", True):
                    continue  # hidden, or a check of rules that a recording cannot replay
                where = f"{name}, test cell {grade_id!r}, checks.{call.check}"
                if call.check in keywords_seen:
                    if keywords_seen[call.check] != call.keywords:
                        raise RecordError(f"{where}: the same check is called with other "
                                          "keyword arguments in another test cell")
                    continue
                keywords_seen[call.check] = call.keywords
                record["checks"][call.check] = _record_check(checks, call, reference, where)
    finally:
        feedback._records.clear()
        feedback._records.update(saved_attempts)
    return record


def _record_check(checks, call: verdicts.CheckCall, reference, where: str) -> dict:
    check = getattr(checks, call.check, None)
    if not callable(check):
        raise RecordError(f"{where}: checks.py has no check named {call.check!r}")
    answer = getattr(reference, call.function, None)
    if not callable(answer):
        raise RecordError(f"{where}: the solution cells define no function {call.function!r}")
    stand_in = RecordingFunction(call.function, answer, where)
    shown = io.StringIO()
    try:
        with contextlib.redirect_stdout(shown):
            check(stand_in, **dict(call.keywords))
    except feedback.CheckFailed as error:
        raise RecordError(f"{where}: the reference answer fails its own check: "
                          f"{error.message}") from None
    except RecordError:
        raise
    except Exception as error:  # noqa: BLE001 - say which check, whatever went wrong
        raise RecordError(f"{where}: the check raised {type(error).__name__}: "
                          f"{str(error)[:500]}") from error
    if not stand_in.calls:
        raise RecordError(f"{where}: the check never called {call.function}()")
    message = shown.getvalue().strip()
    return {"function": call.function, "calls": stand_in.calls,
            "passed_message": message.removeprefix("✔").strip()}


def dump(record: dict) -> str:
    """The file's text: compact JSON, one line per check."""
    lines = [f'{{"format":{record["format"]},"exercise":{json.dumps(record["exercise"])},'
             '"checks":{']
    checks = list(record["checks"].items())
    for index, (check, body) in enumerate(checks):
        comma = "," if index < len(checks) - 1 else ""
        lines.append(f"{json.dumps(check)}:"
                     f"{json.dumps(body, ensure_ascii=False, separators=(',', ':'))}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def write_record(folder: Path, record: dict) -> Path:
    path = Path(folder) / VISIBLE_CHECKS_FILE
    path.write_text(dump(record), encoding="utf-8")
    return path


def write_visible_checks(folder: Path) -> Path:
    """Record the visible checks of the exercise in `folder` and write the file there."""
    return write_record(folder, record_exercise(folder))


def record_course(root: Path, assignments: list[str] | None = None) -> dict[str, Path]:
    """Write visible_checks.json for these assignments (default: all) of the course at root."""
    source = Path(root).expanduser().resolve() / "source"
    if assignments:
        names = list(assignments)
    elif source.is_dir():
        names = sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())
    else:
        names = []
    missing = [name for name in names if not (source / name / f"{name}.ipynb").is_file()]
    if missing or not names:
        raise RecordError(f"no assignment {', '.join(missing) or 'at all'} in {source} "
                          "(expected source/<name>/<name>.ipynb)")
    records = {name: record_exercise(source / name) for name in names}
    return {name: write_record(source / name, record) for name, record in records.items()}
