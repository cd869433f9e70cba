"""The checks used in test cells: they reject wrong answers in plain words, and they
cannot be fooled by objects that claim to equal anything."""

import numpy as np
import pandas as pd
import pytest

from sociallearning import feedback
from sociallearning.feedback import CheckFailed

# A hand-made expected answer: 12 rows, a whole-number and a decimal column.
EXPECTED = pd.DataFrame({"a": list(range(12)), "b": [x * 1.5 for x in range(12)]})


class EqualsAnything:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class SneakyList(list):
    def __eq__(self, other):
        return True

    __hash__ = None


class SneakyFrame(pd.DataFrame):
    def __eq__(self, other):
        return True

    def equals(self, other):
        return True


class SneakyInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


def failure(check, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as caught:
        check(*args, **kwargs)
    return str(caught.value)


@pytest.fixture(autouse=True)
def fresh_registry():
    feedback.forget_attempts()
    yield
    feedback.forget_attempts()


# --- expect_same_frame --------------------------------------------------------------


def test_same_frame_passes_on_equal_frame_with_other_index_and_numpy_types():
    got = EXPECTED.copy()
    got.index = range(100, 112)
    got["b"] = got["b"].astype(np.float32)  # float32 rounding stays within tolerance
    feedback.expect_same_frame(got, EXPECTED, "f()")


@pytest.mark.parametrize("impostor", [EqualsAnything(), SneakyFrame(EXPECTED.copy()),
                                      SneakyFrame({"a": [1]}), EXPECTED.to_dict()])
def test_same_frame_rejects_objects_that_are_not_plain_frames(impostor):
    message = failure(feedback.expect_same_frame, impostor, EXPECTED, "f()")
    assert "should return a pandas DataFrame" in message


def test_same_frame_reports_missing_row_with_counts_and_columns():
    message = failure(feedback.expect_same_frame, EXPECTED.head(11), EXPECTED, "f()")
    assert "expected 12 rows with columns [a, b]" in message
    assert "you returned 11 rows" in message
    assert "one row too few" in message


def test_same_frame_reports_first_differing_row_without_leaking_the_rest():
    got = EXPECTED.copy()
    got.loc[3, "b"] = 99.0
    message = failure(feedback.expect_same_frame, got, EXPECTED, "f()")
    assert "First difference at row 3" in message
    assert "column b" in message and "99" in message and "4.5" in message
    # Only the differing cell is shown, not the other expected values.
    assert "16.5" not in message  # EXPECTED.b[11]


def test_same_frame_reports_at_most_five_differing_rows():
    got = EXPECTED.assign(b=EXPECTED["b"] + 1)
    message = failure(feedback.expect_same_frame, got, EXPECTED, "f()")
    assert message.count("row ") <= 6
    assert "12 of 12 rows differ" in message
    assert "7 more rows differ" in message


def test_same_frame_order_matters_only_when_asked():
    reversed_rows = EXPECTED.iloc[::-1]
    message = failure(feedback.expect_same_frame, reversed_rows, EXPECTED, "f()")
    assert "not in the expected order" in message
    feedback.expect_same_frame(reversed_rows, EXPECTED, "f()", ordered=False)


def test_unordered_compare_still_finds_a_wrong_row():
    got = EXPECTED.iloc[::-1].copy()
    got.iloc[0, 0] = 500
    message = failure(feedback.expect_same_frame, got, EXPECTED, "f()", ordered=False)
    assert "a=500" in message


def test_same_frame_float_tolerance():
    feedback.expect_same_frame(EXPECTED.assign(b=EXPECTED["b"] * (1 + 1e-9)), EXPECTED, "f()")
    failure(feedback.expect_same_frame, EXPECTED.assign(b=EXPECTED["b"] * 1.01), EXPECTED, "f()")
    feedback.expect_same_frame(EXPECTED.assign(b=EXPECTED["b"] * 1.01), EXPECTED, "f()",
                               rtol=0.02)


def test_same_frame_columns_wrong_order_missing_and_extra():
    message = failure(feedback.expect_same_frame, EXPECTED[["b", "a"]], EXPECTED, "f()")
    assert "different order" in message
    message = failure(feedback.expect_same_frame, EXPECTED.rename(columns={"b": "c"}),
                      EXPECTED, "f()")
    assert "Missing: [b]" in message and "Not expected: [c]" in message


def test_same_frame_text_numbers_are_not_numbers():
    message = failure(feedback.expect_same_frame, EXPECTED.assign(a=EXPECTED["a"].astype(str)),
                      EXPECTED, "f()")
    assert "column a should hold a number" in message and "text" in message


def test_same_frame_values_equal_to_anything_are_rejected():
    got = EXPECTED.astype(object)
    got.loc[0, "a"] = EqualsAnything()
    message = failure(feedback.expect_same_frame, got, EXPECTED, "f()")
    assert "EqualsAnything" in message


def test_same_frame_missing_values_match_each_other():
    expected = pd.DataFrame({"x": [1.0, np.nan], "y": ["a", None]})
    got = pd.DataFrame({"x": [1.0, None], "y": ["a", np.nan]})
    feedback.expect_same_frame(got, expected, "f()")


def test_same_frame_rejects_empty_result():
    message = failure(feedback.expect_same_frame, EXPECTED.head(0), EXPECTED, "f()")
    assert "you returned 0 rows" in message


# --- expect_same_values -------------------------------------------------------------


def test_same_values_pass_cases():
    feedback.expect_same_values(["b", "a"], ["b", "a"], "f()")
    feedback.expect_same_values([np.int64(1), 2.0], [1, 2], "f()")
    feedback.expect_same_values(["a", "b"], ["b", "a"], "f()", ordered=False)
    feedback.expect_same_values(frozenset({1, 2}), {2, 1}, "f()")
    feedback.expect_same_values(pd.Series([3, 1], index=[9, 8]), pd.Series([3, 1]), "f()")


@pytest.mark.parametrize("impostor", [EqualsAnything(), SneakyList([1, 2]), (1, 2)])
def test_same_values_rejects_other_containers(impostor):
    message = failure(feedback.expect_same_values, impostor, [1, 2], "f()")
    assert "should return a list" in message


def test_same_values_checks_element_types():
    message = failure(feedback.expect_same_values, ["1", "2"], [1, 2], "f()")
    assert "text" in message and "number" in message
    message = failure(feedback.expect_same_values, [SneakyInt(5), 2], [1, 2], "f()")
    assert "SneakyInt" in message
    failure(feedback.expect_same_values, [True, 2], [1, 2], "f()")
    message = failure(feedback.expect_same_values, {"1", 2}, {1, 2}, "f()")
    assert "'1'" in message


def test_same_values_lengths_and_order():
    message = failure(feedback.expect_same_values, [1, 2, 3, 4], [1, 2, 3], "f()")
    assert "expected 3 values; you returned 4" in message and "one value too many" in message
    message = failure(feedback.expect_same_values, [3, 2, 1], [1, 2, 3], "f()")
    assert "not in the expected order" in message
    message = failure(feedback.expect_same_values, [1, 2, 4], [1, 2, 3], "f()")
    assert "position 2" in message


# --- expect_type, expect_columns, expect_close, expect --------------------------------


def test_expect_type_messages_name_both_kinds():
    message = failure(feedback.expect_type, [1], pd.DataFrame, "champions()")
    assert message == ("`champions()` should return a pandas DataFrame, "
                       "but it returned a list.")
    message = failure(feedback.expect_type, None, pd.DataFrame, "champions()")
    assert "forget to `return`" in message
    failure(feedback.expect_type, True, int, "count")
    feedback.expect_type(np.int64(3), int, "count")
    feedback.expect_type(3, (int, float), "count")


def test_expect_columns():
    feedback.expect_columns(EXPECTED, ["a", "b"], "f()")
    message = failure(feedback.expect_columns, EXPECTED, ["a", "b", "c"], "f()")
    assert "Missing: [c]" in message
    failure(feedback.expect_columns, SneakyFrame(EXPECTED), ["a", "b"], "f()")


def test_expect_close_says_direction_not_answer():
    feedback.expect_close(0.1 + 0.2, 0.3, "share()")
    feedback.expect_close(np.float64(2.0), 2, "share()")
    message = failure(feedback.expect_close, 3.2, 3.0, "share()")
    assert "too high" in message and "3.0" not in message
    assert "too low" in failure(feedback.expect_close, 2, 3.0, "share()")
    failure(feedback.expect_close, True, 1.0, "share()")
    failure(feedback.expect_close, "3", 3.0, "share()")
    failure(feedback.expect_close, SneakyInt(3), 3, "share()")


def test_expect_and_check_failed_is_an_assertion():
    feedback.expect(True, "never shown")
    message = failure(feedback.expect, False, "Rows should be sorted by reach.")
    assert message == "Rows should be sorted by reach."
    assert issubclass(CheckFailed, AssertionError)
    assert "✘" in CheckFailed("x\ny")._render_traceback_()[0]


# --- passed() and the attempt registry ------------------------------------------------


def test_passed_prints_to_stdout_only(capsys):
    assert feedback.passed("all champions found") is None
    out, err = capsys.readouterr()
    assert out == "✔ all champions found\n" and err == ""


def test_task_records_attempts_and_outcomes():
    assert not feedback.has_attempted("t")
    with pytest.raises(CheckFailed):
        with feedback.task("t"):
            feedback.expect(False, "no")
    record = feedback.attempt_record("t")
    assert (record.attempts, record.passed, record.ever_passed) == (1, False, False)
    with feedback.task("t"):
        pass
    assert (record.attempts, record.passed, record.ever_passed) == (2, True, True)
    with pytest.raises(ZeroDivisionError):  # a crash in the learner's code counts too
        with feedback.task("t"):
            _ = 1 / 0
    assert (record.attempts, record.passed, record.ever_passed) == (3, False, True)


def test_task_as_decorator_and_bad_grade_id():
    @feedback.task("decorated")
    def check():
        return 42

    assert check() == 42
    assert feedback.attempt_record("decorated").passed
    with pytest.raises(ValueError, match="grade_id"):
        feedback.task("")


def test_a_differing_row_is_named_by_its_key_not_its_position():
    expected = pd.DataFrame({"employee_id": ["E1", "E2"], "reach": [3, 5]})
    got = pd.DataFrame({"employee_id": ["E1", "E2"], "reach": [3, 4]})
    with pytest.raises(feedback.CheckFailed) as failed:
        feedback.expect_same_frame(got, expected, "sponsor_reach()")
    assert "in the row for employee_id 'E2'" in str(failed.value)
    assert ".iloc" not in str(failed.value)
    unnamed = pd.DataFrame({"reach": [3, 4]})
    with pytest.raises(feedback.CheckFailed) as failed:
        feedback.expect_same_frame(unnamed, expected[["reach"]], "reach()")
    assert ".iloc[1]" in str(failed.value)
