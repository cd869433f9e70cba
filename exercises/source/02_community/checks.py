"""Checks for exercise 02_community: the learner's functions against the reference in
`sociallearning.community` and `sociallearning.participation`.

Each task has a visible check (on the sample data) and `*_edge_cases` (small hand-built
communities: bots, replies to oneself, ties, a post nobody answered, empty input).
The learner's function always gets copies, so changing its inputs cannot change the
expected answer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sociallearning import feedback
from sociallearning.exercises import solution_namespace

# The reference answers are the solution cells of the notebook beside this file.
reference = solution_namespace(Path(__file__).with_name("02_community.ipynb"))


@lru_cache(maxsize=1)
def _sample_data() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from sociallearning.data import load

    return load("posts"), load("memberships"), load("community_accounts")


def _copies(*frames):
    return tuple(frame.copy() for frame in frames)


def _sample():
    """Fresh copies of (posts, memberships, accounts) from the sample data."""
    return _copies(*_sample_data())


def _posts(rows) -> pd.DataFrame:
    """A tiny posts table; rows are (post_id, community_id, author_id, created_at, parent_id,
    thread_id); kind follows from parent_id."""
    frame = pd.DataFrame(rows, columns=["post_id", "community_id", "author_id", "created_at",
                                        "parent_id", "thread_id"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame.insert(4, "kind", np.where(frame["parent_id"].isna(), "post", "reply"))
    frame["words"] = 12
    return frame


def _accounts(people, bots=("BOT-1",)) -> pd.DataFrame:
    ids = list(people) + list(bots)
    return pd.DataFrame({
        "account_id": ids,
        "display_name": [f"Account {i}" for i in ids],
        "employee_id": list(people) + [None] * len(bots),
        "is_bot": [False] * len(people) + [True] * len(bots),
    })


def _memberships(pairs) -> pd.DataFrame:
    frame = pd.DataFrame(pairs, columns=["community_id", "account_id"])
    frame["joined_at"] = pd.Timestamp("2025-06-01", tz="UTC")
    return frame


# A small community with every trap at once. Ann asks (P01); Ann answers herself first,
# a bot answers next, then Bo, then Cy answers Bo; Bo asks in C02 and Ann and Cy answer;
# Cy answers a bot's post; Di's question gets no answer at all.
TINY_POSTS = _posts([
    ("P01", "C01", "ann", "2026-03-01T10:00Z", None, "P01"),
    ("P02", "C01", "ann", "2026-03-01T10:10Z", "P01", "P01"),
    ("P03", "C01", "BOT-1", "2026-03-01T10:20Z", "P01", "P01"),
    ("P04", "C01", "bo", "2026-03-01T12:00Z", "P01", "P01"),
    ("P05", "C01", "cy", "2026-03-01T13:30Z", "P04", "P01"),
    ("P06", "C02", "bo", "2026-02-01T09:00Z", None, "P06"),
    ("P07", "C02", "ann", "2026-02-01T14:00Z", "P06", "P06"),
    ("P08", "C02", "cy", "2026-02-02T09:00Z", "P06", "P06"),
    ("P09", "C01", "BOT-1", "2026-03-02T08:00Z", None, "P09"),
    ("P10", "C01", "cy", "2026-03-02T09:00Z", "P09", "P09"),
    ("P11", "C01", "di", "2025-10-01T09:00Z", None, "P11"),
    ("P12", "C01", "ann", "2026-03-01T14:00Z", "P05", "P01"),
])
TINY_ACCOUNTS = _accounts(["ann", "bo", "cy", "di", "ed"])
TINY_MEMBERSHIPS = _memberships([("C01", "ann"), ("C01", "bo"), ("C02", "bo"), ("C01", "cy"),
                                 ("C01", "di"), ("C01", "ed"), ("C01", "BOT-1")])


def _expect_same_frames(learner, reference_function, cases, pitfalls=None):
    """learner(*frames) returns the reference's frame in every case {description: frames};
    a case built around one known mistake names it when it fails ({case: pitfall})."""
    for case, frames in cases.items():
        got = learner(*_copies(*frames))
        expected = reference_function(*frames)
        with feedback.likely_cause((pitfalls or {}).get(case)):
            feedback.expect_same_frame(got, expected,
                                       f"{reference_function.__name__}() on {case}")


def _answered_in_seconds(got, expected) -> str | None:
    """Answers within seconds that the reference does not have: a bot, most likely."""
    column = "hours_to_first_response"
    if type(got) is not pd.DataFrame or column not in got.columns:
        return None
    fastest = pd.to_numeric(got[column], errors="coerce").min()
    if pd.notna(fastest) and fastest < 1 / 60 <= expected[column].min():
        return (f"some posts got their first answer within {fastest * 3600:.0f} seconds: no "
                "person types that fast. That is the helper bot; leave out accounts with "
                "is_bot=True.")
    return None


# Small cases, each built around the headline mistake of its task, checked visibly too.
BOT_PITFALL = ("the bot was counted as a person. Leave out every account with is_bot=True: "
               "a bot's posts are nobody's contribution.")
NOT_JOINED_PITFALL = ("someone who posted without joining was left out. Count everyone who "
                      "posted in a community as a contributor there, member or not.")
YEAR_PITFALL = ("two weeks of different years were taken for one. A week is its year and "
                "number (or the Monday it starts), not the number alone: week 10 of 2025 is "
                "not week 10 of 2026.")
ACROSS_YEARS = _posts([("Y1", "C01", "ann", "2025-03-03T09:00Z", None, "Y1"),   # week 10
                       ("Y2", "C01", "ann", "2026-03-02T09:00Z", None, "Y2"),   # week 10
                       ("Y3", "C01", "bo", "2026-03-03T09:00Z", None, "Y3")])


def _expect_whole_number(value, what):
    # expect_type accepts numpy integers as int and never counts True/False as a number.
    feedback.expect_type(value, int, what)


# --- 2.1 time to first response ---------------------------------------------------------

def time_to_first_response(learner):
    """Visible check of task 2.1 on the sample data."""
    with feedback.task("time_to_first_response"):
        posts, _, accounts = _sample()
        got = learner(*_copies(posts, accounts))
        expected = reference.time_to_first_response(posts, accounts)
        with feedback.likely_cause(_answered_in_seconds(got, expected)):
            feedback.expect_same_frame(got, expected,
                                       "time_to_first_response(posts, accounts)")
    feedback.passed("time_to_first_response() gives every root post by a person the hours "
                    "until another person first replied, bots left out.")


def time_to_first_response_edge_cases(learner):
    """Hidden checks of task 2.1: self-replies, bots, nested replies, no reply, empty."""
    with feedback.task("time_to_first_response"):
        cases = {
            "a thread where the author and a bot reply before anyone else":
                (TINY_POSTS, TINY_ACCOUNTS),
            "a post nobody answered": (TINY_POSTS[TINY_POSTS["post_id"] == "P11"],
                                       TINY_ACCOUNTS),
            "no posts at all": (TINY_POSTS.iloc[:0], TINY_ACCOUNTS),
        }
        _expect_same_frames(learner, reference.time_to_first_response, cases)
    feedback.passed("time_to_first_response() handles self-replies, bots, unanswered posts "
                    "and empty input.")


# --- 2.2 participation inequality ---------------------------------------------------------

def participation_inequality(learner):
    """Visible check of task 2.2 on the sample data."""
    with feedback.task("participation_inequality"):
        posts, memberships, accounts = _sample()
        got = learner(*_copies(posts, memberships, accounts))
        expected = reference.participation_inequality(posts, memberships, accounts)
        feedback.expect_same_frame(got, expected,
                                   "participation_inequality(posts, memberships, accounts)")
        _expect_same_frames(learner, reference.participation_inequality, {
            "a small community where cy posts in C02 without having joined it":
                (TINY_POSTS, TINY_MEMBERSHIPS, TINY_ACCOUNTS)},
            {"a small community where cy posts in C02 without having joined it":
                NOT_JOINED_PITFALL})
    feedback.passed("participation_inequality() splits each community into lurkers, "
                    "contributors and the top 1%, and measures the top 1%'s share of posts.")


def participation_inequality_edge_cases(learner):
    """Hidden checks of task 2.2: rounding the top 1% up, silent communities, bots,
    contributors who never joined."""
    members = [f"m{i:03d}" for i in range(150)]
    big = _posts([(f"Q{i}", "C09", author, "2026-01-05T10:00Z", None, f"Q{i}")
                  for i, author in enumerate(["m000"] * 5 + ["m001"] * 4 + ["m002"] * 3
                                             + ["BOT-1"] * 50)])
    big_members = _memberships([("C09", m) for m in members] + [("C10", "m000"),
                                                                ("C09", "BOT-1")])
    cases = {
        "the small community (a bot member, a lurker, people posting without joining)":
            (TINY_POSTS, TINY_MEMBERSHIPS, TINY_ACCOUNTS),
        "150 members, where the top 1% is 2 people, and a community where nobody posts":
            (big, big_members, _accounts(members)),
    }
    with feedback.task("participation_inequality"):
        _expect_same_frames(learner, reference.participation_inequality, cases)
    feedback.passed("participation_inequality() rounds the top 1% up, handles silent "
                    "communities and leaves bots out.")


# --- 2.3 champions -------------------------------------------------------------------------

def champions_by_people_helped(learner):
    """Visible check of task 2.3 on the sample data."""
    with feedback.task("champions_by_people_helped"):
        posts, _, accounts = _sample()
        got = learner(*_copies(posts, accounts), top=10)
        expected = reference.champions_by_people_helped(posts, accounts, top=10)
        feedback.expect_same_frame(got, expected,
                                   "champions_by_people_helped(posts, accounts, top=10)")
    feedback.passed("champions_by_people_helped() ranks people by the distinct people they "
                    "replied to, with their replies and active months.")


def champions_by_people_helped_edge_cases(learner):
    """Hidden checks of task 2.3: self-replies, replies to bots, ties, top, empty."""
    tie = _posts([
        ("T1", "C01", "zoe", "2026-01-01T10:00Z", None, "T1"),
        ("T2", "C01", "yan", "2026-01-01T11:00Z", "T1", "T1"),
        ("T3", "C01", "xia", "2026-01-01T12:00Z", "T1", "T1"),
    ])
    tie_accounts = _accounts(["xia", "yan", "zoe"])
    cases = {
        "the small community (self-replies, a bot, replies to a bot)":
            (TINY_POSTS, TINY_ACCOUNTS, 10),
        "two people tied on everything, top=1": (tie, tie_accounts, 1),
        "two people tied on everything, top=5": (tie, tie_accounts, 5),
        "no posts at all": (TINY_POSTS.iloc[:0], TINY_ACCOUNTS, 10),
    }
    with feedback.task("champions_by_people_helped"):
        for case, (posts, accounts, top) in cases.items():
            got = learner(*_copies(posts, accounts), top=top)
            expected = reference.champions_by_people_helped(posts, accounts, top=top)
            feedback.expect_same_frame(got, expected,
                                       f"champions_by_people_helped() on {case}")
    feedback.passed("champions_by_people_helped() ignores self-replies and bots, breaks ties "
                    "and handles top and empty input.")


# --- 2.4 contributor absence factor --------------------------------------------------------

def contributor_absence_factor(learner):
    """Visible check of task 2.4 on the sample data."""
    with feedback.task("contributor_absence_factor"):
        posts, _, accounts = _sample()
        got = learner(*_copies(posts, accounts))
        _expect_whole_number(got, "contributor_absence_factor()")
        expected = reference.contributor_absence_factor(posts, accounts)
        feedback.expect_close(got, expected, "contributor_absence_factor(posts, accounts)")
        busy_bot = _posts([(f"B{i}", "C01", author, "2026-01-05T10:00Z", None, f"B{i}")
                           for i, author in enumerate(["BOT-1"] * 30 + ["ann", "bo", "cy"])])
        few = _accounts(["ann", "bo", "cy"])
        with feedback.likely_cause(BOT_PITFALL):
            feedback.expect_close(learner(*_copies(busy_bot, few)),
                                  reference.contributor_absence_factor(busy_bot, few),
                                  "contributor_absence_factor() on a bot with 30 posts and "
                                  "three people with one each")
    feedback.passed(f"contributor_absence_factor() is {expected}: that few people made half "
                    "of all contributions.")


def contributor_absence_factor_edge_cases(learner):
    """Hidden checks of task 2.4: exactly half, bots, empty input."""
    def posts_by(authors):
        return _posts([(f"A{i}", "C01", author, "2026-01-05T10:00Z", None, f"A{i}")
                       for i, author in enumerate(authors)])

    accounts = _accounts(["ann", "bo", "cy", "di"])
    cases = {
        "ann 5, bo 3, cy 2 posts (ann alone made exactly half)":
            posts_by(["ann"] * 5 + ["bo"] * 3 + ["cy"] * 2),
        "ann 4, bo 3, cy 2, di 1 posts": posts_by(["ann"] * 4 + ["bo"] * 3 + ["cy"] * 2 + ["di"]),
        "a bot with 30 posts and three people with one each":
            posts_by(["BOT-1"] * 30 + ["ann", "bo", "cy"]),
        "no posts at all": posts_by([]),
    }
    with feedback.task("contributor_absence_factor"):
        for case, posts in cases.items():
            got = learner(*_copies(posts, accounts))
            what = f"contributor_absence_factor() on {case}"
            _expect_whole_number(got, what)
            feedback.expect_close(
                got, reference.contributor_absence_factor(posts, accounts), what)
    feedback.passed("contributor_absence_factor() stops as soon as half is reached, leaves "
                    "bots out and gives 0 for no posts.")


# --- 2.5 contribution funnel ----------------------------------------------------------------

def contribution_funnel(learner):
    """Visible check of task 2.5 on the sample data."""
    with feedback.task("contribution_funnel"):
        posts, memberships, accounts = _sample()
        got = learner(*_copies(memberships, posts, accounts))
        expected = reference.contribution_funnel(memberships, posts, accounts)
        feedback.expect_same_frame(got, expected,
                                   "contribution_funnel(memberships, posts, accounts)")
        case = "ann posting in week 10 of 2025 and week 10 of 2026 only"
        _expect_same_frames(learner, reference.contribution_funnel, {case: (
            _memberships([("C01", "ann"), ("C01", "bo")]), ACROSS_YEARS,
            _accounts(["ann", "bo"]))}, {case: YEAR_PITFALL})
    feedback.passed("contribution_funnel() counts joined -> contributed -> repeat contributor "
                    "with the conversion between stages.")


def contribution_funnel_edge_cases(learner):
    """Hidden checks of task 2.5: week boundaries, bots, non-members, no posts."""
    weeks = _posts([
        ("W1", "C01", "ann", "2026-03-01T22:00Z", None, "W1"),  # Sunday
        ("W2", "C01", "ann", "2026-03-02T08:00Z", None, "W2"),  # Monday: next week
        ("W3", "C01", "bo", "2026-03-02T08:00Z", None, "W3"),   # Monday
        ("W4", "C01", "bo", "2026-03-06T20:00Z", None, "W4"),   # Friday, same week
        ("W5", "C01", "BOT-1", "2026-02-02T08:00Z", None, "W5"),
        ("W6", "C01", "BOT-1", "2026-03-02T08:00Z", None, "W6"),
        ("W7", "C01", "cy", "2026-02-02T08:00Z", None, "W7"),   # cy never joined
        ("W8", "C01", "cy", "2026-03-02T08:00Z", None, "W8"),
    ])
    members = _memberships([("C01", "ann"), ("C01", "bo"), ("C01", "BOT-1"), ("C02", "ed"),
                            ("C01", "ed")])
    accounts = _accounts(["ann", "bo", "cy", "ed"])
    cases = {
        "posts on a Sunday and the next Monday, a bot, someone posting without joining":
            (members, weeks, accounts),
        "the small community": (TINY_MEMBERSHIPS, TINY_POSTS, TINY_ACCOUNTS),
        "members but no posts at all": (members, weeks.iloc[:0], accounts),
    }
    with feedback.task("contribution_funnel"):
        _expect_same_frames(learner, reference.contribution_funnel, cases)
    feedback.passed("contribution_funnel() counts weeks from Monday, leaves bots and "
                    "non-members out and handles no posts.")
