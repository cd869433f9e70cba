"""Checks that exercise test cells use to give instant, plain-words feedback.

Every check raises `CheckFailed` with a message that says what was expected (in kind)
and what the learner's code returned. Under nbgrader a raised error in a test cell
gives that cell 0 points; a passing cell prints to stdout only, never to stderr
(nbgrader 0.9 also gives 0 points to a cell that wrote to stderr).

The comparisons never trust the learner's object to compare itself: types are checked
exactly first, then values are turned into plain Python values and compared here, so
an object whose `==` always answers True cannot pass.

Usage in a test cell:

    from sociallearning import feedback
    with feedback.task("sponsors_who_left"):
        result = sponsors_who_left(sponsors)
        feedback.expect_type(result, pd.DataFrame, "sponsors_who_left()")
    feedback.passed("sponsors_who_left() finds every sponsor who left")

Call the learner's code inside the `with` block, so that a run that crashes still
counts as a first attempt (which unlocks the solution, see `exercises.Exercise`).
"""

import contextlib
import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_ROWS_REPORTED = 5


class CheckFailed(AssertionError):
    """A check did not pass; str() is the whole message, in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback through this module's internals:
        # the learner needs the message, not our call stack.
        first, *rest = self.message.splitlines() or [""]
        return [f"\x1b[31m✘ {first}\x1b[0m", *rest]


# --- the attempt registry (one per kernel, as module state) -----------------------------


@dataclass
class TaskRecord:
    """What happened to one task's checks in this kernel."""

    attempts: int = 0
    passed: bool = False  # outcome of the latest attempt
    ever_passed: bool = False


_records: dict[str, TaskRecord] = {}


class task(contextlib.ContextDecorator):  # noqa: N801 - reads as a verb in test cells
    """Context manager (or decorator) around a task's checks: records the attempt.

    The attempt counts as passed when the block ends without an error. Errors are never
    swallowed, so nbgrader still sees them.
    """

    def __init__(self, grade_id: str):
        if not isinstance(grade_id, str) or not grade_id.strip():
            raise ValueError(
                f"feedback.task() needs the task's grade_id as text, got {grade_id!r}"
            )
        self.grade_id = grade_id

    def __enter__(self) -> TaskRecord:
        record = _records.setdefault(self.grade_id, TaskRecord())
        record.attempts += 1
        record.passed = False
        return record

    def __exit__(self, exc_type, exc, traceback) -> bool:
        record = _records[self.grade_id]
        record.passed = exc_type is None
        record.ever_passed = record.ever_passed or record.passed
        return False


def attempt_record(grade_id: str) -> TaskRecord | None:
    """The task's record in this kernel, or None if its checks never ran."""
    return _records.get(grade_id)


def has_attempted(grade_id: str) -> bool:
    """True once the task's checks ran at least once in this kernel."""
    record = _records.get(grade_id)
    return record is not None and record.attempts > 0


def forget_attempts() -> None:
    """Clear the registry, as a kernel restart would."""
    _records.clear()


class likely_cause(contextlib.AbstractContextManager):  # noqa: N801 - reads as words
    """Around a check built for one known mistake: when it fails, its message ends with
    the name of that mistake (`pitfall`; None adds nothing)."""

    def __init__(self, pitfall: str | None):
        self.pitfall = pitfall

    def __exit__(self, kind, error, traceback):
        if self.pitfall and isinstance(error, CheckFailed):
            raise CheckFailed(f"{error.message}\nLikely cause: {self.pitfall}") from None
        return False


def passed(message: str) -> None:
    """Say what is right. Prints to stdout (stderr would cost the points in nbgrader)."""
    print("✔ " + message, flush=True)


# --- describing values in plain words ---------------------------------------------------

_KIND_NAMES = {
    pd.DataFrame: "a pandas DataFrame",
    pd.Series: "a pandas Series",
    list: "a list",
    tuple: "a tuple",
    dict: "a dictionary (dict)",
    set: "a set",
    frozenset: "a frozenset",
    str: "text (a str)",
    int: "a whole number (int)",
    float: "a number (float)",
    bool: "True or False (a bool)",
    type(None): "None",
    np.ndarray: "a numpy array",
}


def _kind_name(kind: type) -> str:
    if kind in _KIND_NAMES:
        return _KIND_NAMES[kind]
    package = kind.__module__.split(".")[0]
    if package == "builtins":
        return f"a {kind.__qualname__}"
    if package in ("pandas", "numpy", "datetime"):
        return f"a {package} {kind.__qualname__}"
    return f"an object of type {kind.__qualname__}"


def _returned(value) -> str:
    """'a list', or for a disguised type: 'a Sneaky (made from a list)'."""
    if value is None:
        return "None (did the function forget to `return` its result?)"
    kind = type(value)
    if kind in _KIND_NAMES or kind.__module__ == "numpy":
        return _kind_name(kind)
    for known in _KIND_NAMES:
        if isinstance(value, known):
            return f"{_kind_name(kind)}, made from {_kind_name(known)}"
    return _kind_name(kind)


_CALL = re.compile(r"^[A-Za-z_][\w.]*\(.*?\)")


def _subject(what: str) -> str:
    """'`f(x)` on an empty table' from 'f(x) on an empty table'; other text as it is."""
    call = _CALL.match(what)
    if "`" in what or not call:
        return what
    return f"`{call.group()}`{what[call.end():]}"


def _verb(what: str) -> tuple[str, str]:
    """('should return', 'returned') for a function call, ('should be', 'is') otherwise."""
    if _CALL.match(what.lstrip("`")):
        return "should return", "returned"
    return "should be", "is"


def _show(value, limit: int = 40) -> str:
    """A short, readable rendering of one plain value."""
    if isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, str):
        text = repr(value)
    elif value is None:
        text = "missing (None/NaN)"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show_list(values) -> str:
    shown = [str(value) if isinstance(value, str) else _show(value) for value in values]
    return "[" + ", ".join(shown) + "]"


# --- plain values: type-checked, converted, compared here -------------------------------

_KIND_WORDS = {
    "number": "a number",
    "text": "text",
    "bool": "True/False",
    "missing": "a missing value",
    "datetime": "a date/time",
    "duration": "a duration",
}


def _is_numpy(value, base) -> bool:
    return isinstance(value, base) and type(value).__module__ == "numpy"


def _plain(value):
    """(kind, plain value) for one element. Exact types only: subclasses stay 'other'."""
    kind = type(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return ("missing", None)
    if kind is bool or kind is np.bool_:
        return ("bool", bool(value))
    if kind is int or _is_numpy(value, np.integer):
        return ("number", int(value))
    if kind is float or _is_numpy(value, np.floating):
        number = float(value)
        return ("missing", None) if math.isnan(number) else ("number", number)
    if kind is str or kind is np.str_:
        return ("text", str(value))
    if kind in (pd.Timestamp, dt.datetime, dt.date, np.datetime64):
        stamp = pd.Timestamp(value)
        return ("missing", None) if stamp is pd.NaT else ("datetime", stamp)
    if kind in (pd.Timedelta, dt.timedelta, np.timedelta64):
        span = pd.Timedelta(value)
        return ("missing", None) if span is pd.NaT else ("duration", span)
    if kind is tuple or kind is list:
        return (kind.__name__, tuple(_plain(item) for item in value))
    return ("other:" + kind.__qualname__, value)


def _kind_word(kind: str) -> str:
    if kind in _KIND_WORDS:
        return _KIND_WORDS[kind]
    return "a " + kind.removeprefix("other:")


def _plain_equal(got, expected, rtol: float, atol: float) -> bool:
    (got_kind, got_value), (expected_kind, expected_value) = got, expected
    if got_kind != expected_kind:
        return False
    if got_kind == "number":
        return math.isclose(got_value, expected_value, rel_tol=rtol, abs_tol=atol)
    if got_kind == "missing":
        return True
    if got_kind in ("tuple", "list"):
        return len(got_value) == len(expected_value) and all(
            _plain_equal(g, e, rtol, atol) for g, e in zip(got_value, expected_value, strict=True)
        )
    if got_kind.startswith("other:"):
        # Same exact type, so the expected value's own == decides.
        answer = expected_value == got_value
        return isinstance(answer, bool | np.bool_) and bool(answer)
    return bool(got_value == expected_value)


def _sorted(items: list, key) -> list:
    try:
        return sorted(items, key=key)
    except TypeError:  # e.g. dates with and without time zone: fall back to their text
        return sorted(items, key=lambda item: repr(key(item)))


def _mismatched_when_sorted(got: list, expected: list, key, same) -> tuple[list, list]:
    """Both sorted by `key` and paired up: the learner's items that differ from their
    partner (none: the same items in some order), and the expected items as sorted."""
    got_sorted, expected_sorted = _sorted(got, key), _sorted(expected, key)
    mismatched = [g for g, e in zip(got_sorted, expected_sorted, strict=True) if not same(g, e)]
    return mismatched, expected_sorted


def _sort_key(plain):
    kind, value = plain
    if kind in ("tuple", "list"):
        return (kind, tuple(_sort_key(item) for item in value))
    if kind in ("number", "bool", "text", "datetime", "duration"):
        return (kind, value)
    return (kind, repr(value))


def _show_plain(plain) -> str:
    kind, value = plain
    if kind in ("tuple", "list"):
        inner = ", ".join(_show_plain(item) for item in value)
        return _show(f"({inner})" if kind == "tuple" else f"[{inner}]")
    if kind == "missing":
        return "missing (None/NaN)"
    if kind.startswith("other:"):
        return f"{_kind_word(kind)} ({_show(repr(value))})"
    return _show(value)


def _describe_difference(got, expected) -> str:
    if got[0] != expected[0]:
        return (
            f"expected {_kind_word(expected[0])} such as {_show_plain(expected)}, "
            f"you have {_kind_word(got[0])}: {_show_plain(got)}"
        )
    return f"expected {_show_plain(expected)}, you have {_show_plain(got)}"


def _row_name(names: list, got_row, expected_row, position: int) -> str:
    """A row named the way a person reads a table: by its key (employee_id E0023), when the
    first column is a key and both rows agree on it; else by its position."""
    first = str(names[0]) if names else ""
    is_key = first.endswith("_id") or first in ("id", "username", "name", "stage", "unit")
    if is_key and _plain_equal(got_row[0], expected_row[0], 0, 0):
        return f"in the row for {first} {_show_plain(expected_row[0])} (row {position})"
    return f"at row {position} (.iloc[{position}])"


def _rows_word(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


def _off_by(got: int, expected: int, unit: str) -> str:
    if abs(got - expected) == 1:
        more = "too many" if got > expected else "too few"
        return f" That is one {unit} {more}: check the edges of a filter, a range or a head()."
    return ""


# --- the checks -------------------------------------------------------------------------


def expect(condition: bool, message: str) -> None:
    """Fail with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


def expect_type(value, kind, what: str) -> None:
    """`value` is an instance of `kind` (a type or tuple of types).

    True/False never counts as a number, and numpy numbers count as int/float.
    """
    kinds = kind if isinstance(kind, tuple) else (kind,)
    accepted = isinstance(value, kinds)
    if isinstance(value, bool | np.bool_) and not any(k in (bool, np.bool_) for k in kinds):
        accepted = False
    if not accepted and int in kinds and _is_numpy(value, np.integer):
        accepted = True
    if not accepted and float in kinds and _is_numpy(value, np.floating):
        accepted = True
    if accepted:
        return
    wanted = " or ".join(_kind_name(k) for k in kinds)
    should, did = _verb(what)
    raise CheckFailed(f"{_subject(what)} {should} {wanted}, but it {did} {_returned(value)}.")


def _expect_exact_type(value, kind: type, what: str) -> None:
    if type(value) is kind:
        return
    should, did = _verb(what)
    raise CheckFailed(
        f"{_subject(what)} {should} {_kind_name(kind)}, but it {did} {_returned(value)}."
    )


def _plain_labels(frame: pd.DataFrame) -> list:
    return [_plain(label) for label in frame.columns]


def _check_columns(got: pd.DataFrame, expected_labels: list, what: str) -> None:
    got_labels = _plain_labels(got)
    if got_labels == expected_labels:
        return
    expected_names = [value for _, value in expected_labels]
    got_names = [value for _, value in got_labels]
    if sorted(map(_sort_key, got_labels)) == sorted(map(_sort_key, expected_labels)):
        raise CheckFailed(
            f"{_subject(what)} has the right columns in a different order: expected "
            f"{_show_list(expected_names)}, you have {_show_list(got_names)}."
        )
    missing = [name for label, name in zip(expected_labels, expected_names, strict=True)
               if label not in got_labels]
    extra = [name for label, name in zip(got_labels, got_names, strict=True)
             if label not in expected_labels]
    parts = [f"expected columns {_show_list(expected_names)}; you have {_show_list(got_names)}."]
    if missing:
        parts.append(f"Missing: {_show_list(missing)}.")
    if extra:
        parts.append(f"Not expected: {_show_list(extra)}.")
    raise CheckFailed(f"{_subject(what)}: " + " ".join(parts))


def expect_columns(df, columns, what: str) -> None:
    """`df` is a plain DataFrame with exactly these columns, in this order."""
    _expect_exact_type(df, pd.DataFrame, what)
    _check_columns(df, [_plain(label) for label in columns], what)


def _frame_rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(_plain(value) for value in row)
            for row in frame.itertuples(index=False, name=None)]


def _check_column_kinds(got_rows: list, expected_rows: list, names: list, what: str) -> None:
    """One clear message when a whole column holds the wrong kind of value."""
    for column, name in enumerate(names):
        got_kinds = {row[column][0] for row in got_rows} - {"missing"}
        expected_kinds = {row[column][0] for row in expected_rows} - {"missing"}
        if got_kinds and expected_kinds and not got_kinds & expected_kinds:
            example = next(row[column] for row in got_rows if row[column][0] != "missing")
            wanted = " or ".join(sorted(_kind_word(kind) for kind in expected_kinds))
            raise CheckFailed(
                f"{_subject(what)}: column {name} should hold {wanted} in each row, but yours "
                f"holds {_kind_word(example[0])}, for example {_show_plain(example)}."
            )


def expect_same_frame(got, expected: pd.DataFrame, what: str, *, ordered: bool = True,
                      rtol: float = 1e-6) -> None:
    """`got` is a DataFrame with the expected columns, rows and values.

    The index is ignored. With ordered=False, rows may come in any order. Numbers are
    compared with relative tolerance `rtol` (whole and decimal numbers alike).
    """
    if type(expected) is not pd.DataFrame:
        raise TypeError("expect_same_frame() needs the expected answer as a pandas DataFrame")
    _expect_exact_type(got, pd.DataFrame, what)
    expected_labels = _plain_labels(expected)
    _check_columns(got, expected_labels, what)
    names = [value for _, value in expected_labels]
    if len(got) != len(expected):
        raise CheckFailed(
            f"{_subject(what)}: expected {_rows_word(len(expected))} with columns "
            f"{_show_list(names)}; you returned {_rows_word(len(got))}."
            + _off_by(len(got), len(expected), "row")
        )
    got_rows, expected_rows = _frame_rows(got), _frame_rows(expected)
    _check_column_kinds(got_rows, expected_rows, names, what)

    def same(row_a, row_b):
        return all(_plain_equal(a, b, rtol, 1e-9) for a, b in zip(row_a, row_b, strict=True))

    def row_key(row):
        return tuple(map(_sort_key, row))

    mismatched, expected_sorted = _mismatched_when_sorted(got_rows, expected_rows, row_key, same)
    same_rows_any_order = not mismatched
    if not ordered:
        if same_rows_any_order:
            return
        # Show one of the learner's own rows that is wrong, not an expected one.
        shown = next(
            (row for row in mismatched[:20] if not any(same(row, e) for e in expected_sorted)),
            mismatched[0],
        )
        row_text = ", ".join(f"{name}={_show_plain(value)}"
                             for name, value in zip(names, shown, strict=True))
        raise CheckFailed(
            f"{_subject(what)}: some of the {_rows_word(len(expected))} are not the expected "
            f"ones (row order does not matter here). For example, this row you returned is "
            f"not expected: {row_text}."
        )

    differences = []
    for position, (got_row, expected_row) in enumerate(
        zip(got_rows, expected_rows, strict=True)
    ):
        cells = [
            f"column {name}: {_describe_difference(g, e)}"
            for name, g, e in zip(names, got_row, expected_row, strict=True)
            if not _plain_equal(g, e, rtol, 1e-9)
        ]
        if cells:
            differences.append((position, cells))
    if not differences:
        return
    if same_rows_any_order:
        position = differences[0][0]
        raise CheckFailed(
            f"{_subject(what)} has the right rows, but not in the expected order: the first "
            f"row out of place is at position {position} (.iloc[{position}]). "
            f"Check the sorting (which column, ascending or descending, ties)."
        )
    lines = [f"{_subject(what)}: {len(differences)} of {_rows_word(len(expected))} differ."]
    for count, (position, cells) in enumerate(differences[:MAX_ROWS_REPORTED]):
        label = "First difference" if count == 0 else "Also"
        where = _row_name(names, got_rows[position], expected_rows[position], position)
        lines.append(f"{label} {where}: " + "; ".join(cells[:3]))
    if len(differences) > MAX_ROWS_REPORTED:
        lines.append(f"…and {len(differences) - MAX_ROWS_REPORTED} more rows differ.")
    raise CheckFailed("\n".join(lines))


_VALUE_CONTAINERS = (list, tuple, set, frozenset, pd.Series, np.ndarray)


def _container_values(container) -> list:
    if type(container) is pd.Series:
        return container.tolist()
    if type(container) is np.ndarray:
        return container.ravel().tolist()
    return list(container)


def expect_same_values(got, expected, what: str, *, ordered: bool = True) -> None:
    """`got` holds the expected scalar values: same container type, same element types.

    `expected` is a list, tuple, set, pandas Series or numpy array; `got` must be of the
    same type (a set and a frozenset count as the same). Sets are always compared
    without order. Text and numbers never match each other ('12' is not 12).
    """
    expected_kind = type(expected)
    if expected_kind not in _VALUE_CONTAINERS:
        raise TypeError(
            "expect_same_values() needs the expected answer as a list, tuple, set, "
            "pandas Series or numpy array"
        )
    if expected_kind in (set, frozenset):
        if type(got) not in (set, frozenset):
            _expect_exact_type(got, set, what)
        ordered = False
    else:
        _expect_exact_type(got, expected_kind, what)
    got_values = [_plain(value) for value in _container_values(got)]
    expected_values = [_plain(value) for value in _container_values(expected)]
    if len(got_values) != len(expected_values):
        raise CheckFailed(
            f"{_subject(what)}: expected {len(expected_values)} values; you returned "
            f"{len(got_values)}." + _off_by(len(got_values), len(expected_values), "value")
        )

    def same(a, b):
        return _plain_equal(a, b, 1e-6, 1e-9)

    mismatched, expected_sorted = _mismatched_when_sorted(got_values, expected_values,
                                                          _sort_key, same)
    same_any_order = not mismatched
    if not ordered:
        if same_any_order:
            return
        unexpected = [g for g in mismatched[:20] if not any(same(g, e) for e in expected_sorted)]
        if unexpected:
            example = unexpected[0]
            kinds_expected = {kind for kind, _ in expected_values}
            note = ""
            if example[0] not in kinds_expected and len(kinds_expected) == 1:
                note = (f" (that is {_kind_word(example[0])}; the expected values are each "
                        f"{_kind_word(next(iter(kinds_expected)))})")
            raise CheckFailed(
                f"{_subject(what)}: some of the {len(expected_values)} values are not the "
                f"expected ones (order does not matter here). For example, you have "
                f"{_show_plain(example)}{note}, which is not expected."
            )
        raise CheckFailed(
            f"{_subject(what)}: some values appear more or fewer times than expected "
            f"(order does not matter here)."
        )
    for position, (g, e) in enumerate(zip(got_values, expected_values, strict=True)):
        if same(g, e):
            continue
        if same_any_order:
            raise CheckFailed(
                f"{_subject(what)} has the right values, but not in the expected order: the "
                f"first one out of place is at position {position}. Check the sorting."
            )
        wrong = sum(not same(a, b) for a, b in zip(got_values, expected_values, strict=True))
        raise CheckFailed(
            f"{_subject(what)}: {wrong} of {len(expected_values)} values differ. First "
            f"difference at position {position}: {_describe_difference(g, e)}."
        )


def expect_close(got, expected, what: str, *, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """`got` is a number (not True/False) close to `expected`.

    The message says only whether the number is too high or too low, so that a single
    answer is not given away.
    """
    kind, value = _plain(got)
    if kind != "number":
        should, did = _verb(what)
        raise CheckFailed(f"{_subject(what)} {should} a number, but it {did} {_returned(got)}.")
    target = float(expected)
    if math.isclose(value, target, rel_tol=rtol, abs_tol=atol):
        return
    direction = "too high" if value > target else "too low"
    raise CheckFailed(f"{_subject(what)}: you returned {_show(value)}, which is {direction}.")
