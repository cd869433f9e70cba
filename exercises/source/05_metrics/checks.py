"""Checks for exercise 05_metrics: the learner's answers against the reference answers (the
solution cells of 05_metrics.ipynb beside this file) and, where many answers are right, against
the rules a practitioner keeps.

Each task has a visible check (on the sample data) and `*_edge_cases` (small hand-built cases:
bots that answer in seconds, a reply to oneself, a quiet month, a cohort whose three months are
not over, a stratum with no contributors, a group of exactly the minimum size). A check built
around one typical mistake names it when it fails. The learner's function always gets copies,
so changing its inputs cannot change the expected answer.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sociallearning import feedback
from sociallearning import metrics as toolkit  # the goal, sources and strata: not answers
from sociallearning.data import REFERENCE_NOW, REORG_DATE
from sociallearning.exercises import solution_namespace
from sociallearning.tiny_tables import accounts as _accounts
from sociallearning.tiny_tables import posts as _posts

# The reference answers are the solution cells of the notebook beside this file.
reference = solution_namespace(Path(__file__).with_name("05_metrics.ipynb"))

SLICE = ["C01", "C05"]  # the slice the exercise works on (its setup cell says the same)
NOW = REFERENCE_NOW
REORG = REORG_DATE


@lru_cache(maxsize=1)
def _sample_data() -> dict:
    from sociallearning.data import load

    names = ("posts", "memberships", "community_accounts", "reactions", "outcomes", "org_after")
    return {name: load(name) for name in names}


def _sample(*names):
    """Fresh copies of sample datasets, in the order asked."""
    data = _sample_data()
    return tuple(data[name].copy() for name in names)


def _copies(*values):
    return tuple(value.copy() if hasattr(value, "copy") else value for value in values)


def _now_and_reorg():
    from sociallearning.data import REFERENCE_NOW, REORG_DATE

    return REFERENCE_NOW, REORG_DATE


def _named(what: str) -> str:
    return f"`{what}`" if what.endswith(")") else what


# --- tiny hand-built communities --------------------------------------------------------------



def _memberships(rows) -> pd.DataFrame:
    """rows: (community_id, account_id, joined_at)."""
    frame = pd.DataFrame(rows, columns=["community_id", "account_id", "joined_at"])
    frame["joined_at"] = pd.to_datetime(frame["joined_at"], utc=True, format="ISO8601")
    return frame


# Slice C01 + C02; C09 is outside it. June 2025 is quiet (no contribution at all).
# ann asks (T1), answers herself first, the bot answers in seconds, then bo; bo asks (T2)
# and only the bot answers; cy asks after the re-org (T3) and ann answers; di posts in C09;
# ed asks after `now` (T5, not counted); fay posts only in the month she joined (T7).
TINY_POSTS = _posts([
    ("T1", "C01", "ann", "2025-04-02T09:00Z", None, "T1"),
    ("R1", "C01", "ann", "2025-04-02T09:05Z", "T1", "T1"),
    ("R2", "C01", "BOT-1", "2025-04-02T09:00:20Z", "T1", "T1"),
    ("R3", "C01", "bo", "2025-04-02T12:00Z", "T1", "T1"),
    ("T2", "C02", "bo", "2025-05-10T10:00Z", None, "T2"),
    ("R4", "C02", "BOT-1", "2025-05-10T10:00:15Z", "T2", "T2"),
    ("R5", "C01", "bo", "2025-07-01T08:00Z", "T1", "T1"),
    ("T3", "C01", "cy", "2025-09-03T09:00Z", None, "T3"),
    ("R6", "C01", "ann", "2025-09-04T09:00Z", "T3", "T3"),
    ("T4", "C09", "di", "2025-09-05T09:00Z", None, "T4"),
    ("T6", "C02", "bo", "2025-10-01T09:00Z", None, "T6"),
    ("R7", "C02", "BOT-1", "2025-10-01T09:00:30Z", "T6", "T6"),
    ("R8", "C02", "cy", "2025-10-01T11:00Z", "T6", "T6"),
    ("T5", "C01", "ed", "2025-11-20T09:00Z", None, "T5"),
    ("T7", "C01", "fay", "2025-04-25T09:00Z", None, "T7"),
])
TINY_ACCOUNTS = _accounts(["ann", "bo", "cy", "di", "ed", "fay"])
TINY_MEMBERSHIPS = _memberships([
    ("C01", "ann", "2025-03-20T10:00Z"), ("C02", "ann", "2025-05-01T10:00Z"),
    ("C01", "bo", "2025-04-01T10:00Z"), ("C02", "cy", "2025-06-15T10:00Z"),
    ("C01", "cy", "2025-08-30T10:00Z"), ("C09", "di", "2025-04-10T10:00Z"),
    ("C01", "fay", "2025-04-20T10:00Z"), ("C01", "BOT-1", "2025-03-01T10:00Z"),
    ("C01", "ed", "2025-10-05T10:00Z"),
])
TINY_SLICE = ["C01", "C02"]
TINY_NOW = pd.Timestamp("2025-11-15T12:00Z")
TINY_REORG = pd.Timestamp("2025-09-01T00:00Z")


# --- 5.1 vanity or value ----------------------------------------------------------------------

def _expect_labels(got, totals, what):
    feedback.expect_type(got, dict, what)
    wanted = [str(c) for c in totals.columns if c != "month"]
    missing = [c for c in wanted if c not in got]
    feedback.expect(not missing, f"{_named(what)} has no label for {missing[:5]}: label every "
                    "column except month.")
    extra = sorted(str(k) for k in got if k not in wanted)
    feedback.expect(not extra, f"{_named(what)} labels {extra[:5]}, which are not columns of "
                    "the table (month is not a number to label).")
    odd = {k: v if isinstance(v, str) else feedback._returned(v) for k, v in got.items()
           if not isinstance(v, str) or v not in ("vanity", "value")}
    feedback.expect(not odd, f"{_named(what)}: each label is \"vanity\" or \"value\"; you have "
                    f"{dict(list(odd.items())[:3])}.")
    for column in wanted:
        values = totals[column].astype(float)
        never_down = bool(values.is_monotonic_increasing)
        if never_down:
            feedback.expect(got[column] == "vanity", (
                f"{_named(what)} calls {column} \"value\", but it never went down from one "
                "month to the next. A number that only ever goes up is a vanity number: it "
                "grows whether people use the community or not, so it cannot show a "
                "problem."))
        else:
            drops = int((values.diff() < 0).sum())
            feedback.expect(got[column] == "value", (
                f"{_named(what)} calls {column} \"vanity\", but it went down in {drops} "
                "month(s): it moves with real use, so it is a value number."))


def vanity_or_value(learner):
    """Visible check of task 5.1 on the sample data."""
    what = "vanity_or_value(totals)"
    with feedback.task("vanity_or_value"):
        posts, memberships, reactions = _sample("posts", "memberships", "reactions")
        totals = toolkit.monthly_totals(posts, memberships, reactions)
        _expect_labels(learner(totals.copy()), totals, what)
    feedback.passed("vanity_or_value() tells the totals that only grow from the numbers that "
                    "move with use.")


def vanity_or_value_edge_cases(learner):
    """Hidden checks of task 5.1: other names, a flat month, a number that fell once."""
    months = ["2025-01", "2025-02", "2025-03", "2025-04"]
    cases = {
        "a dashboard with other names (page views to date, a flat month, one drop)":
            pd.DataFrame({"month": months, "page_views_to_date": [10, 25, 25, 40],
                          "followers": [3, 4, 6, 9], "answers_this_month": [5, 7, 6, 9],
                          "people_helped": [2, 2, 3, 1]}),
        "a dashboard with one number only": pd.DataFrame({"month": months,
                                                          "visits": [9, 8, 12, 15]}),
    }
    with feedback.task("vanity_or_value"):
        for case, totals in cases.items():
            _expect_labels(learner(totals.copy()), totals, f"vanity_or_value() on {case}")
    feedback.passed("vanity_or_value() reads the numbers, not their names.")


# --- 5.2 from the goal to indicators ----------------------------------------------------------

INDICATOR_KEYS = ("indicator", "goal_part", "kind", "data_source", "baseline", "target", "caveat")
NO_SOURCE = "an indicator with no data source"


def _is_number(value) -> bool:
    return (isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool | np.bool_) and math.isfinite(float(value)))


def _expect_sound_plan(got, goal_parts, data_sources, what, *, every_part=True):
    """The plan's rules (see the task): any plan that keeps them passes."""
    feedback.expect_type(got, list, what)
    feedback.expect(len(got) > 0, f"{_named(what)} returned an empty list: plan at least one "
                    "indicator per part of the goal.")
    for position, row in enumerate(got):
        feedback.expect_type(row, dict, f"indicator {position} of {_named(what)}")
        name = row.get("indicator")
        label = (f"indicator {position} ({name!r})" if isinstance(name, str) and name
                 else f"indicator {position}")
        missing = [key for key in INDICATOR_KEYS if key not in row]
        if "data_source" in missing:
            raise feedback.CheckFailed(
                f"{label} has no data_source: {NO_SOURCE}. Say where each number will come "
                f"from, one of {sorted(data_sources)}.")
        feedback.expect(not missing, f"{label} lacks {missing}: each indicator has "
                        f"{list(INDICATOR_KEYS)}.")
        feedback.expect(isinstance(name, str) and name.strip(),
                        f"{label}: `indicator` is the indicator's name, as text.")
        texts = {key: row[key] for key in ("goal_part", "kind", "data_source")
                 if row[key] is not None and not isinstance(row[key], str)}
        feedback.expect(not texts, f"{label}: goal_part, kind and data_source are each one "
                        "text (a str); yours: " + ", ".join(
                            f"{key} is {feedback._returned(value)}"
                            for key, value in texts.items()) + ".")
        source = row["data_source"]
        if source is None or (isinstance(source, str) and not source.strip()):
            raise feedback.CheckFailed(
                f"{label} has an empty data_source: {NO_SOURCE}. Say where the number "
                f"will come from, one of {sorted(data_sources)}.")
        feedback.expect(source in data_sources, (
            f"{label} is measured from {source!r}, which is not a source you have "
            f"({sorted(data_sources)}): an unmeasurable indicator. Drop it, or ask the people "
            "who own the data for it first."))
        feedback.expect(row["goal_part"] in goal_parts, (
            f"{label} serves {row['goal_part']!r}, which is not a part of the goal "
            f"({list(goal_parts)}): every indicator must trace back to a part of the goal."))
        feedback.expect(row["kind"] in ("leading", "lagging"),
                        f"{label}: kind is \"leading\" or \"lagging\", not {row['kind']!r}.")
        if source in toolkit.ACTIVITY_SOURCES:
            feedback.expect(row["kind"] == "leading", (
                f"{label} comes from the community export ({source}) but is called lagging. "
                "Community activity is a leading (intermediate) indicator; lagging ones are "
                "results, such as skills, performance or tickets resolved."))
        for key in ("baseline", "target"):
            feedback.expect(_is_number(row[key]), f"{label}: {key} should be a number (where "
                            f"you are now, where you aim to be), not {row[key]!r}.")
        feedback.expect(row["target"] != row["baseline"], f"{label}: the target equals the "
                        "baseline; say what change you aim for.")
        caveat = row["caveat"]
        feedback.expect(isinstance(caveat, str) and len(caveat.split()) >= 4, (
            f"{label}: the caveat should say, in a few words, what could fool this number "
            f"(you have {caveat!r})."))
    kinds = {row["kind"] for row in got}
    feedback.expect("leading" in kinds, f"{_named(what)} has no leading indicator: activity "
                    "that moves early (questions, answers, contributors) shows whether you "
                    "are on the way.")
    feedback.expect("lagging" in kinds, f"{_named(what)} has no lagging indicator: without a "
                    "result (skills, performance, tickets), the plan never reaches the goal.")
    named = {}
    for position, row in enumerate(got):
        first = named.setdefault(" ".join(row["indicator"].casefold().split()), position)
        feedback.expect(first == position, f"{_named(what)} lists the indicator "
                        f"{row['indicator']!r} twice (indicators {first} and {position}): one "
                        "number cannot stand for two parts of the goal. Find what shows the "
                        "other part.")
    if every_part:
        uncovered = [part for part in goal_parts if part not in {r["goal_part"] for r in got}]
        feedback.expect(not uncovered, f"{_named(what)} has no indicator for the goal part(s) "
                        f"{uncovered}: measure every part of the goal.")


def indicator_plan(learner):
    """Visible check of task 5.2 with every data source available."""
    what = "indicator_plan(GOAL_PARTS, DATA_SOURCES)"
    with feedback.task("indicator_plan"):
        got = learner(list(toolkit.GOAL_PARTS), dict(toolkit.DATA_SOURCES))
        _expect_sound_plan(got, toolkit.GOAL_PARTS, toolkit.DATA_SOURCES, what)
    feedback.passed("indicator_plan() traces every indicator to a part of the goal, with "
                    "leading and lagging ones, each measurable, with a baseline, a target and "
                    "a caveat.")


# Many plans are right, so a recording of one answer cannot stand in for these rules: in
# class mode this check runs when the work is graded, not in the student's copy.
indicator_plan.replayable = False


def indicator_plan_edge_cases(learner):
    """Hidden checks of task 5.2: a source you cannot get this quarter."""
    with feedback.task("indicator_plan"):
        for gone in ("reactions", "help_desk", "pulse_survey"):
            sources = {k: v for k, v in toolkit.DATA_SOURCES.items() if k != gone}
            what = f"indicator_plan() when {gone!r} is not available"
            got = learner(list(toolkit.GOAL_PARTS), dict(sources))
            _expect_sound_plan(got, toolkit.GOAL_PARTS, sources, what, every_part=False)
    feedback.passed("indicator_plan() drops what it cannot measure when a source is missing.")


# --- 5.3 the monthly scorecard ----------------------------------------------------------------

SCORECARD_BOTS = ("time to first response with bots in it: the helper bot answers within "
                  "seconds. Leave out replies by accounts with is_bot=True before you look for "
                  "the first response.")
QUIET_MONTH = ("a month with no contribution was left out. A quiet month is news: keep it, "
               "with zeros (and no response time).")


def _scorecard_cause(got, frames, kwargs):
    """Name the mistake when the learner's response times match a known wrong variant."""
    column = "median_hours_to_first_response"
    if type(got) is not pd.DataFrame or column not in got.columns:
        return None
    posts, memberships, accounts, community_ids = frames
    with_bots = reference.monthly_scorecard(posts, memberships,
                                            accounts.assign(is_bot=False), community_ids,
                                            **kwargs)
    expected = reference.monthly_scorecard(posts, memberships, accounts, community_ids,
                                           **kwargs)
    if len(got) < len(expected) and "month" in got.columns:
        return QUIET_MONTH if set(map(str, got["month"])) < set(expected["month"]) else None
    if len(got) != len(expected):
        return None
    mine = pd.to_numeric(got[column], errors="coerce").to_numpy(dtype=float)
    right = expected[column].to_numpy(dtype=float)
    botty = with_bots[column].to_numpy(dtype=float)
    if np.allclose(mine, right, equal_nan=True):
        return None
    if np.allclose(mine, botty, equal_nan=True) or np.nanmin(mine, initial=np.inf) < 1 / 60:
        return SCORECARD_BOTS
    return None


def _expect_scorecard(learner, frames, kwargs, what):
    got = learner(*_copies(*frames), **kwargs)
    expected = reference.monthly_scorecard(*frames, **kwargs)
    feedback.expect_type(got, pd.DataFrame, what)
    feedback.expect_columns(got, list(expected.columns), what)
    with feedback.likely_cause(_scorecard_cause(got, frames, kwargs)):
        feedback.expect_same_frame(got, expected, what)


def monthly_scorecard(learner):
    """Visible check of task 5.3 on the sample data's slice."""
    now, reorg = _now_and_reorg()
    what = "monthly_scorecard(posts, memberships, accounts, SLICE)"
    with feedback.task("monthly_scorecard"):
        frames = (*_sample("posts", "memberships", "community_accounts"), list(SLICE))
        _expect_scorecard(learner, frames, {"now": now, "reorg_date": reorg}, what)
    feedback.passed("monthly_scorecard() counts active, new and returning contributors, the "
                    "contribution rate and the time to a person's first response, month by "
                    "month, before and after the re-org.")


def monthly_scorecard_edge_cases(learner):
    """Hidden checks of task 5.3: bots, a self-reply, a quiet month, outside the slice."""
    frames = (TINY_POSTS, TINY_MEMBERSHIPS, TINY_ACCOUNTS, list(TINY_SLICE))
    kwargs = {"now": TINY_NOW, "reorg_date": TINY_REORG}
    with feedback.task("monthly_scorecard"):
        _expect_scorecard(learner, frames, kwargs,
                          "monthly_scorecard() on a tiny slice (a bot answering in seconds, "
                          "a self-reply, a quiet month, a post outside the slice)")
        _expect_scorecard(learner, (TINY_POSTS, TINY_MEMBERSHIPS, TINY_ACCOUNTS, ["C42"]),
                          kwargs, "monthly_scorecard() on a slice with no posts")
    feedback.passed("monthly_scorecard() leaves bots and self-replies out and keeps quiet "
                    "months.")


# --- 5.4 retention by join cohort -------------------------------------------------------------

NO_COHORTS = ("retention computed without cohorts: every row shows the same share. Group "
              "people by the month they first joined (their cohort) and compute the share "
              "for each cohort apart.")
UNFINISHED = ("cohorts whose three months are not over were kept: people who joined lately "
              "have had no time to come back yet. Keep a cohort once its three months are "
              "over by `now`.")
NOT_BY_JOIN = ("retention computed without cohorts: the rows are not the months people "
               "joined. A cohort is the month of a person's first membership in the slice.")


def _retention_cause(got, expected):
    if type(got) is not pd.DataFrame:
        return NO_COHORTS if _is_number(got) else None
    if "cohort" not in got.columns:
        return NO_COHORTS
    cohorts, wanted = set(map(str, got["cohort"])), set(expected["cohort"])
    if cohorts > wanted and min(cohorts - wanted) > max(wanted, default=""):
        return UNFINISHED
    if cohorts != wanted:
        return NOT_BY_JOIN
    if "retention" in got.columns and len(got) > 1 and expected["joined"].sum():
        # every cohort given the share of everyone: computed once, not per cohort
        everyone = expected["retained"].sum() / expected["joined"].sum()
        shares = pd.to_numeric(got["retention"], errors="coerce").to_numpy(dtype=float)
        if np.allclose(shares, everyone) and expected["retention"].nunique() > 1:
            return NO_COHORTS
    return None


def _expect_retention(learner, frames, kwargs, what):
    got = learner(*_copies(*frames), **kwargs)
    expected = reference.retention_by_cohort(*frames, **kwargs)
    with feedback.likely_cause(_retention_cause(got, expected)):
        feedback.expect_type(got, pd.DataFrame, what)
        feedback.expect_columns(got, list(expected.columns), what)
        feedback.expect_same_frame(got, expected, what)


def retention_by_cohort(learner):
    """Visible check of task 5.4 on the sample data's slice."""
    now, _ = _now_and_reorg()
    what = "retention_by_cohort(memberships, posts, accounts, SLICE)"
    with feedback.task("retention_by_cohort"):
        frames = (*_sample("memberships", "posts", "community_accounts"), list(SLICE))
        _expect_retention(learner, frames, {"now": now}, what)
    feedback.passed("retention_by_cohort() follows each join cohort through its next three "
                    "months.")


def retention_by_cohort_edge_cases(learner):
    """Hidden checks of task 5.4: a second join, a bot member, an unfinished cohort."""
    frames = (TINY_MEMBERSHIPS, TINY_POSTS, TINY_ACCOUNTS, list(TINY_SLICE))
    with feedback.task("retention_by_cohort"):
        _expect_retention(learner, frames, {"now": TINY_NOW},
                          "retention_by_cohort() on a tiny slice (a person who joined twice, a "
                          "bot member, a post in the join month, a cohort whose three months "
                          "are not over)")
        _expect_retention(learner, frames, {"now": pd.Timestamp("2025-05-01T00:00Z")},
                          "retention_by_cohort() when no cohort has had three months yet")
    feedback.passed("retention_by_cohort() uses each person's first join, leaves bots out "
                    "and waits until a cohort's three months are over.")


# --- 5.5 baseline, before and after -----------------------------------------------------------

BASELINE_ALL_MONTHS = ("the baseline took in every month. A baseline is the typical month "
                       "BEFORE the change (period == \"before\"); the months after the re-org "
                       "are what you compare with it.")


def _baseline_cause(got, scorecard):
    if type(got) is not pd.DataFrame or "baseline" not in got.columns:
        return None
    columns = [c for c in scorecard.columns if c not in ("month", "period")]
    every = [scorecard[c].median() for c in columns]
    mine = pd.to_numeric(got["baseline"], errors="coerce").to_numpy(dtype=float)
    if len(mine) == len(every) and np.allclose(mine, every, equal_nan=True):
        return BASELINE_ALL_MONTHS
    return None


def _expect_baseline(learner, scorecard, what):
    got = learner(scorecard.copy())
    expected = reference.baseline_and_after(scorecard)
    with feedback.likely_cause(_baseline_cause(got, scorecard)):
        feedback.expect_same_frame(got, expected, what)


def baseline_and_after(learner):
    """Visible check of task 5.5 on the reference scorecard of the slice."""
    now, reorg = _now_and_reorg()
    posts, memberships, accounts = _sample("posts", "memberships", "community_accounts")
    scorecard = reference.monthly_scorecard(posts, memberships, accounts, list(SLICE),
                                            now=now, reorg_date=reorg)
    with feedback.task("baseline_and_after"):
        _expect_baseline(learner, scorecard, "baseline_and_after(scorecard)")
    feedback.passed("baseline_and_after() sets each number's baseline from the months before "
                    "the re-org and compares the months after with it.")


def baseline_and_after_edge_cases(learner):
    """Hidden checks of task 5.5: other columns, an even number of months, a missing value."""
    scorecard = pd.DataFrame({
        "month": ["2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11"],
        "period": ["before", "before", "before", "before", "after", "after"],
        "questions": [4, 9, 5, 30, 2, 3],
        "median_hours": [2.0, float("nan"), 4.0, 1.0, 8.0, 6.0],
    })
    with feedback.task("baseline_and_after"):
        _expect_baseline(learner, scorecard, "baseline_and_after() on a small scorecard (other "
                         "columns, a month with no response time)")
    feedback.passed("baseline_and_after() works for any scorecard's numbers and skips "
                    "missing months.")


# --- 5.6 correlation is not the effect --------------------------------------------------------

NO_STRATIFIED = ("a correlation reported without the stratified one. The raw gap mixes in "
                 "tenure and level; compare like with like (within each stratum) and report "
                 "that too.")


def _expect_gap(learner, outcomes, outcome, what):
    got = learner(outcomes.copy(), outcome=outcome)
    expected = reference.participation_gap(outcomes, outcome=outcome)
    feedback.expect_type(got, dict, what)
    stratified = got.get("stratified_gap")
    raw = got.get("raw_gap")
    with feedback.likely_cause(NO_STRATIFIED):
        feedback.expect("stratified_gap" in got, f"{_named(what)} has no 'stratified_gap'.")
        feedback.expect(_is_number(stratified),
                        f"{_named(what)}: 'stratified_gap' should be a number, not "
                        f"{stratified!r}.")
        if _is_number(raw) and not math.isclose(expected["raw_gap"],
                                                expected["stratified_gap"]):
            feedback.expect(not math.isclose(float(stratified), float(raw)),
                            f"{_named(what)}: 'stratified_gap' equals 'raw_gap'.")
    feedback.expect(set(got) == set(expected), f"{_named(what)} should have the keys "
                    f"{sorted(expected)}; it has {sorted(map(str, got))}.")
    for key in ("raw_gap", "stratified_gap", "share_left"):
        feedback.expect_close(got[key], expected[key], f"{_named(what)}[{key!r}]", rtol=1e-6)


def participation_gap(learner):
    """Visible check of task 5.6 on the sample outcomes."""
    with feedback.task("participation_gap"):
        (outcomes,) = _sample("outcomes")
        _expect_gap(learner, outcomes, "assessment_score",
                    "participation_gap(outcomes, outcome=\"assessment_score\")")
    feedback.passed("participation_gap() reports the raw gap and how much of it is left "
                    "within strata of tenure and level.")


def _outcomes(rows) -> pd.DataFrame:
    """rows: (employee_id, tenure_years, role_level, community_posts, assessment_score)."""
    frame = pd.DataFrame(rows, columns=["employee_id", "tenure_years", "role_level",
                                        "community_posts", "assessment_score"])
    frame["performance_rating"] = 3
    frame["promoted"] = False
    return frame


# In each stratum with both kinds of people, contributors and others score alike: the whole raw
# gap comes from tenure and level. One stratum has only contributors (skipped), one none.
TINY_OUTCOMES = _outcomes([
    ("E1", 1.0, 6, 0, 50.0), ("E2", 1.5, 6, 0, 52.0), ("E3", 0.5, 6, 3, 51.0),
    ("E4", 12.0, 4, 5, 80.0), ("E5", 11.0, 4, 0, 80.0), ("E6", 13.0, 5, 9, 80.0),
    ("E7", 6.0, 2, 4, 90.0), ("E8", 3.0, 6, 0, 60.0), ("E9", 3.5, 6, 0, 58.0),
])


def participation_gap_edge_cases(learner):
    """Hidden checks of task 5.6: another outcome; a gap that vanishes within strata."""
    (outcomes,) = _sample("outcomes")
    with feedback.task("participation_gap"):
        _expect_gap(learner, outcomes, "performance_rating",
                    "participation_gap(outcomes, outcome=\"performance_rating\")")
        _expect_gap(learner, TINY_OUTCOMES, "assessment_score",
                    "participation_gap() on nine people whose gap is all tenure and level")
    feedback.passed("participation_gap() weighs strata by their contributors and skips "
                    "strata where nobody can be compared.")


# --- 5.7 ethics: the minimum group size -------------------------------------------------------

SMALL_GROUP = "a group under the minimum size shown"


def _expect_groups(learner, outcomes, org_after, min_group, what):
    got = learner(outcomes.copy(), org_after.copy(), min_group=min_group)
    expected = reference.contribution_by_group(outcomes, org_after, min_group=min_group)
    feedback.expect_type(got, pd.DataFrame, what)
    if "people" in got.columns:
        sizes = pd.to_numeric(got["people"], errors="coerce")
        small = got[sizes < min_group]
        if len(small):
            row = small.iloc[0]
            described = ", ".join(str(row[c]) for c in ("business_unit", "level_band")
                                  if c in got.columns)
            raise feedback.CheckFailed(
                f"{_named(what)} shows {described or 'a group'} with {row['people']} people: "
                f"{SMALL_GROUP} ({min_group}). A number about so few people can point at "
                "individuals; leave such groups out.")
    feedback.expect_same_frame(got, expected, what)


def contribution_by_group(learner):
    """Visible check of task 5.7 on the sample data."""
    with feedback.task("contribution_by_group"):
        outcomes, org_after = _sample("outcomes", "org_after")
        for min_group in (toolkit.MIN_GROUP, 20):
            _expect_groups(learner, outcomes, org_after, min_group,
                           f"contribution_by_group(outcomes, org_after, min_group={min_group})")
    feedback.passed("contribution_by_group() shows the contribution rate of every group large "
                    "enough to stay anonymous, and no other.")


def contribution_by_group_edge_cases(learner):
    """Hidden checks of task 5.7: exactly the minimum, nothing large enough."""
    outcomes, org_after = _sample("outcomes", "org_after")
    sizes = (org_after.assign(level_band=toolkit.level_band(org_after["level"]).to_numpy())
             .groupby(["business_unit", "level_band"], observed=True).size())
    exact = int(sizes[sizes > 1].min())  # a group of exactly the minimum size is shown
    with feedback.task("contribution_by_group"):
        for min_group, case in ((exact, "the minimum equal to the smallest group's size"),
                                (100_000, "no group large enough")):
            _expect_groups(learner, outcomes, org_after, min_group,
                           f"contribution_by_group() with {case} (min_group={min_group})")
    feedback.passed("contribution_by_group() keeps a group of exactly the minimum size and "
                    "returns an empty table when no group is large enough.")
