"""Checks for exercise 00_start_here: three warm-up tasks that prove the set-up works.

The expected answers are counted here with plain Python (collections.Counter), so that
they do not depend on the pandas idiom the learner picks.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd

from sociallearning import feedback

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@lru_cache(maxsize=1)
def _sample_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    from sociallearning.data import load

    return load("org_after"), load("posts")


def expected_people_in(org: pd.DataFrame, office: str) -> int:
    """Employees whose location is `office`."""
    return sum(1 for place in org["location"] if str(place) == office)


def expected_headcount(org: pd.DataFrame) -> dict[str, int]:
    """Employees per business unit, as {unit: count}."""
    return dict(Counter(str(unit) for unit in org["business_unit"]))


def busiest_weekdays(posts: pd.DataFrame) -> list[str]:
    """The weekday name(s), in UTC, with the most rows in `posts` (several when they tie)."""
    days = Counter(WEEKDAYS[moment.weekday()]
                   for moment in pd.to_datetime(posts["created_at"], utc=True))
    if not days:
        return []
    most = max(days.values())
    return [day for day in WEEKDAYS if days[day] == most]


# --- 0.1 people in one office ------------------------------------------------------------

OFFICES_SHOWN = ("London", "São Paulo")


def _check_people_in(got, org, office, what):
    expected = expected_people_in(org, office)
    if type(got) in (pd.DataFrame, pd.Series):
        raise feedback.CheckFailed(
            f"`{what}` returned the rows themselves ({_rows(len(got))}); return how many "
            "there are: a whole number, such as len(rows).")
    feedback.expect(isinstance(got, (int, np.integer)) and not isinstance(got, bool),
                    f"`{what}` should return a whole number (int), but it returned "
                    f"{type(got).__name__} {got!r:.60}.")
    if got == len(org) and expected != len(org):
        raise feedback.CheckFailed(f"`{what}` returned {got}, the number of all employees: "
                                   "keep only the rows whose location is the office first.")
    feedback.expect_close(got, expected, what)


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count} rows"


def people_in_office(learner):
    """Visible check of task 0.1 on the sample data, for two offices."""
    with feedback.task("people_in_office"):
        org_after, _ = _sample_data()
        for office in OFFICES_SHOWN:
            what = f"people_in_office(org_after, {office!r})"
            _check_people_in(learner(org_after.copy(), office), org_after, office, what)
    feedback.passed("people_in_office() counts the employees of one office.")


def people_in_office_edge_cases(learner):
    """Hidden checks of task 0.1 on a tiny org chart: an office with nobody in it too."""
    org = pd.DataFrame({
        "employee_id": ["E1", "E2", "E3", "E4"],
        "business_unit": pd.Categorical(["Sales", "Ops", "Sales", "Ops"]),
        "location": ["Leeds", "Lima", "Leeds", "Leeds"],
    })
    with feedback.task("people_in_office"):
        for office in ("Leeds", "Lima", "Oslo"):
            what = f"people_in_office() on a tiny org (Leeds 3, Lima 1) for {office!r}"
            _check_people_in(learner(org.copy(), office), org, office, what)
    feedback.passed("people_in_office() works on a tiny org chart, and says 0 for an office "
                    "with nobody in it.")


# --- 0.2 headcount per business unit ---------------------------------------------------------

def _check_headcount(got, org, what):
    expected = expected_headcount(org)
    feedback.expect_type(got, pd.Series, what)
    labels = [str(label) for label in got.index]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    feedback.expect(not repeated, f"`{what}` lists these units more than once: {repeated[:5]}. "
                    "Each business unit should appear once in the index.")
    feedback.expect_same_values(sorted(labels), sorted(expected),
                                f"the business units (the index) of {what}")
    counts = got.tolist()
    feedback.expect_same_values(list(zip(labels, counts, strict=True)),
                                sorted(expected.items()),
                                f"the (unit, headcount) pairs of {what}", ordered=False)
    feedback.expect_same_values(counts, sorted(expected.values(), reverse=True),
                                f"the counts of {what} (largest first)")


def headcount_by_unit(learner):
    """Visible check of task 0.2 on the sample data."""
    what = "headcount_by_unit(org_after)"
    with feedback.task("headcount_by_unit"):
        org_after, _ = _sample_data()
        got = learner(org_after.copy())
        _check_headcount(got, org_after, what)
    feedback.passed("headcount_by_unit() counts the employees of every business unit after "
                    "the re-org, largest unit first.")


def headcount_by_unit_edge_cases(learner):
    """Hidden checks of task 0.2 on a tiny org chart."""
    org = pd.DataFrame({
        "employee_id": ["E1", "E2", "E3", "E4", "E5", "E6"],
        "business_unit": pd.Categorical(["Sales", "Ops", "Sales", "Finance", "Sales", "Ops"]),
        "manager_id": [None, "E1", "E1", "E1", "E3", "E2"],
    })
    with feedback.task("headcount_by_unit"):
        got = learner(org.copy())
        _check_headcount(got, org, "headcount_by_unit() on a tiny org (Sales 3, Ops 2, "
                                   "Finance 1)")
    feedback.passed("headcount_by_unit() works on a tiny org chart too.")


# --- 0.3 busiest weekday -------------------------------------------------------------------------

def _check_weekday(got, posts, what):
    expected = busiest_weekdays(posts)
    feedback.expect_type(got, str, what)
    feedback.expect(type(got) is str, f"`{what}` should return plain text (a str), but it "
                    f"returned a {type(got).__name__}.")
    feedback.expect(got in WEEKDAYS, f"`{what}` should return a weekday name such as "
                    f"'Monday', but it returned {got!r}.")
    feedback.expect(got in expected, f"`{what}` returned {got!r}, which is not the weekday "
                    "with the most posts and replies (in UTC).")


def busiest_weekday(learner):
    """Visible check of task 0.3 on the sample data."""
    what = "busiest_weekday(posts)"
    with feedback.task("busiest_weekday"):
        _, posts = _sample_data()
        got = learner(posts.copy())
        _check_weekday(got, posts, what)
    feedback.passed("busiest_weekday() finds the weekday with the most posts and replies.")


def busiest_weekday_edge_cases(learner):
    """Hidden checks of task 0.3 on six hand-placed posts: three of them just after midnight
    UTC on Mondays, which is still Sunday evening in the Americas."""
    posts = pd.DataFrame({
        "post_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
        "created_at": pd.to_datetime(["2026-03-02T00:30Z", "2026-03-02T01:00Z",
                                      "2026-03-09T02:00Z", "2026-03-04T09:00Z",
                                      "2026-02-25T12:00Z", "2026-03-06T15:00Z"], utc=True),
        "kind": ["post", "reply", "post", "post", "reply", "post"],
    })
    with feedback.task("busiest_weekday"):
        got = learner(posts.copy())
        _check_weekday(got, posts, "busiest_weekday() on six posts (3 on Mondays just after "
                                   "midnight UTC, 2 on Wednesdays, 1 on a Friday)")
    feedback.passed("busiest_weekday() works on a handful of posts too, in UTC.")
