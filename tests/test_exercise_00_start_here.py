"""Exercise 00_start_here: the warm-up's test cells pass on the solution and reject typical
wrong answers; the checks' own counting is right on hand-built data."""

from collections import Counter
from functools import partial

import pandas as pd
import pytest
from exercise_helpers import (
    AlwaysEqual,
    solution_cells,
    solution_namespace,
    test_cells,
)
from exercise_helpers import run_test_cell as run_exercise_test_cell

from sociallearning import feedback
from sociallearning.exercises import Exercise

NAME = "00_start_here"
TASKS = ["headcount_by_unit", "busiest_weekday"]
TEST_CELLS = dict(test_cells(NAME))
SOLUTION_CELLS = solution_cells(NAME)
run_test_cell = partial(run_exercise_test_cell, NAME)

checks = Exercise("00_start_here").checks_module()


@pytest.fixture(scope="module")
def solved():
    return solution_namespace(NAME)




class SneakyText(str):
    """Text that claims to equal anything."""

    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


def test_the_checks_count_like_a_person_would():
    org = pd.DataFrame({"business_unit": pd.Categorical(["B", "A", "B", "C", "B", "A"])})
    assert checks.expected_headcount(org) == {"B": 3, "A": 2, "C": 1}
    # 2026-03-02 is a Monday; 23:30 UTC on Sunday 1 March is still Sunday in UTC.
    posts = pd.DataFrame({"created_at": ["2026-03-02T10:00:00Z", "2026-03-01T23:30:00Z",
                                         "2026-03-09T08:00:00Z"]})
    assert checks.busiest_weekdays(posts) == ["Monday"]
    posts.loc[3] = ["2026-03-08T08:00:00Z"]
    assert checks.busiest_weekdays(posts) == ["Monday", "Sunday"]
    assert checks.busiest_weekdays(posts.iloc[:0]) == []


def test_every_task_has_a_test_cell_and_hints():
    assert list(SOLUTION_CELLS) == TASKS
    assert set(TEST_CELLS) == {f"test_{task}" for task in TASKS}
    for task in TASKS:
        assert 2 <= len(SOLUTION_CELLS[task].metadata["sociallearning"]["hints"]) <= 3
        assert "BEGIN HIDDEN TESTS" in TEST_CELLS[f"test_{task}"]


@pytest.mark.parametrize("task", TASKS)
def test_the_solution_passes_its_test_cell(solved, task, capsys):
    run_test_cell(task, solved[task], solved)
    out, err = capsys.readouterr()
    assert out.count("✔") == 2 and err == ""


def test_the_solution_agrees_with_a_plain_count(solved):
    got = solved["headcount_by_unit"](solved["org_after"])
    assert dict(got) == Counter(solved["org_after"]["business_unit"].astype(str))
    days = solved["posts"]["created_at"].dt.day_name()
    assert solved["busiest_weekday"](solved["posts"]) == Counter(days).most_common(1)[0][0]


def headcount_slips(org_after):
    counts = org_after["business_unit"].astype(str).value_counts()
    return {
        "smallest first": counts.sort_values(),
        "a dict": counts.to_dict(),
        "a DataFrame": counts.to_frame(),
        "off by one": counts + 1,
        "one unit short": counts.iloc[:-1],
        "a unit twice": pd.concat([counts, counts.iloc[:1]]),
        "units as numbers": counts.reset_index(drop=True),
        "None": None,
        "always equal": AlwaysEqual(),
    }


SLIP_NAMES = list(headcount_slips(pd.DataFrame({"business_unit": ["A", "A", "B"]})))


@pytest.mark.parametrize("slip", SLIP_NAMES)
def test_headcount_slips_are_rejected(slip):
    def wrong(org_after):
        return headcount_slips(org_after)[slip]

    with pytest.raises(feedback.CheckFailed):
        checks.headcount_by_unit(wrong)


def weekday_slips(posts):
    counts = posts["created_at"].dt.day_name().value_counts()
    return {
        "the quietest day": counts.idxmin(),
        "a weekday number": int(posts["created_at"].dt.day_of_week.value_counts().idxmax()),
        "the counts": counts,
        "a list": [counts.idxmax()],
        "lower case": counts.idxmax().lower(),
        "None": None,
        "always-equal text": SneakyText("nope"),
        "always equal": AlwaysEqual(),
    }


WEEKDAY_SLIPS = list(weekday_slips(pd.DataFrame(
    {"created_at": pd.to_datetime(["2026-03-02T10:00Z", "2026-03-02T11:00Z",
                                   "2026-03-03T10:00Z"])}
)))


@pytest.mark.parametrize("slip", WEEKDAY_SLIPS)
def test_weekday_slips_are_rejected(slip):
    def wrong(posts):
        return weekday_slips(posts)[slip]

    with pytest.raises(feedback.CheckFailed):
        checks.busiest_weekday(wrong)


def test_local_time_instead_of_utc_is_caught_by_the_hidden_check():
    def in_new_york(posts):
        local = posts["created_at"].dt.tz_convert("America/New_York")
        return local.dt.day_name().value_counts().idxmax()

    with pytest.raises(feedback.CheckFailed):
        checks.busiest_weekday_edge_cases(in_new_york)
