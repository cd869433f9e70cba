"""Exercise 00_start_here: a ramp of three warm-up tasks whose tips nudge without giving the
answer; the test cells pass on the solution and reject typical wrong answers; the checks' own
counting is right on hand-built data."""

from collections import Counter
from functools import partial

import pandas as pd
import pytest
from exercise_helpers import (
    AlwaysEqual,
    cell_info,
    check_task_anatomy,
    solution_cells,
    solution_namespace,
    source_notebook,
    test_cells,
)
from exercise_helpers import run_test_cell as run_exercise_test_cell

from sociallearning import feedback
from sociallearning.exercises import Exercise

NAME = "00_start_here"
TASKS = ["people_in_office", "headcount_by_unit", "busiest_weekday"]
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
    org = pd.DataFrame({"business_unit": pd.Categorical(["B", "A", "B", "C", "B", "A"]),
                        "location": ["Lima", "Oslo", "Lima", "Lima", "Oslo", "Lima"]})
    assert checks.expected_headcount(org) == {"B": 3, "A": 2, "C": 1}
    assert [checks.expected_people_in(org, office) for office in ("Lima", "Oslo", "Rome")] == [
        4, 2, 0]
    # 2026-03-02 is a Monday; 23:30 UTC on Sunday 1 March is still Sunday in UTC.
    posts = pd.DataFrame({"created_at": ["2026-03-02T10:00:00Z", "2026-03-01T23:30:00Z",
                                         "2026-03-09T08:00:00Z"]})
    assert checks.busiest_weekdays(posts) == ["Monday"]
    posts.loc[3] = ["2026-03-08T08:00:00Z"]
    assert checks.busiest_weekdays(posts) == ["Monday", "Sunday"]
    assert checks.busiest_weekdays(posts.iloc[:0]) == []


def test_every_task_has_a_test_cell_and_hints():
    check_task_anatomy(NAME, TASKS, written=[])


@pytest.mark.parametrize("task", TASKS)
def test_the_solution_passes_its_test_cell(solved, task, capsys):
    run_test_cell(task, solved[task], solved)
    out, err = capsys.readouterr()
    assert out.count("✔") == 2 and err == ""


def test_the_tasks_are_a_ramp_whose_tips_do_not_hold_the_answer():
    cells = source_notebook(NAME).cells
    statements = {cell_info(cell).get("grade_id"): cell.source for cell in cells
                  if cell.cell_type == "markdown"}
    for task in TASKS:
        body = SOLUTION_CELLS[task].source.split("### BEGIN SOLUTION")[1].split(
            "### END SOLUTION")[0]
        code = [line.strip() for line in body.splitlines() if line.strip()]
        statement = statements[f"task_{task}"]
        assert "Tip:" in statement and "primer" in statement
        for line in code:
            assert line not in statement, (task, line)
            assert line.removeprefix("return ") not in statement, (task, line)
        # Hints step closer, but even the last one is not the answer to paste.
        for hint in SOLUTION_CELLS[task].metadata["sociallearning"]["hints"]:
            assert not [line for line in code if line.removeprefix("return ") in hint], hint
    # A ramp: the points (and the steps they stand for) never go down; the first is worth 1.
    points = [cell_info(cell)["points"] for cell in cells
              if cell.cell_type == "code" and cell_info(cell).get("grade")]
    assert points == sorted(points) and points[0] == 1


def test_the_solution_agrees_with_a_plain_count(solved):
    org = solved["org_after"]
    assert solved["people_in_office"](org, "London") == (org["location"] == "London").sum()
    got = solved["headcount_by_unit"](solved["org_after"])
    assert dict(got) == Counter(solved["org_after"]["business_unit"].astype(str))
    days = solved["posts"]["created_at"].dt.day_name()
    assert solved["busiest_weekday"](solved["posts"]) == Counter(days).most_common(1)[0][0]


def office_slips(org_after, office):
    here = org_after[org_after["location"] == office]
    return {
        "the rows instead of their number": (here, "return how many"),
        "everyone, not the office": (len(org_after), "keep only the rows"),
        "a column of True/False": (org_after["location"] == office, "return how many"),
        "text": (str(len(here)), "whole number"),
        "one too many": (len(here) + 1, "too high"),
        "a float": (float(len(here)) + 0.5, "whole number"),
        "None": (None, "whole number"),
        "always equal": (AlwaysEqual(), "whole number"),
    }


OFFICE_SLIPS = list(office_slips(pd.DataFrame({"location": ["A"]}), "A"))


@pytest.mark.parametrize("slip", OFFICE_SLIPS)
def test_office_slips_are_rejected_with_words_that_name_them(slip):
    def wrong(org_after, office):
        return office_slips(org_after, office)[slip][0]

    named = office_slips(pd.DataFrame({"location": ["A"]}), "A")[slip][1]
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.people_in_office(wrong)
    assert named in failed.value.message, failed.value.message


def test_an_office_with_nobody_is_zero_in_the_hidden_check(solved):
    def never_zero(org_after, office):
        return max(1, solved["people_in_office"](org_after, office))

    checks.people_in_office(never_zero)  # the sample's offices are all staffed
    with pytest.raises(feedback.CheckFailed, match="too high"):
        checks.people_in_office_edge_cases(never_zero)
    checks.people_in_office_edge_cases(solved["people_in_office"])


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
