"""Checks for exercise 02_community: the learner's functions against the reference answers
(the solution cells of the notebook beside this file).

Each task has a visible check (on the sample data, plus a small case built around the task's
headline mistake, which is then named) and `*_edge_cases` (small hand-built communities:
bots, replies to oneself, people who post without joining, week and window boundaries, empty
input). The decision task, build_or_join, is checked against rules: any sound decision passes.
The learner's function always gets copies, so changing its inputs cannot change the expected
answer.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sociallearning import feedback
from sociallearning.exercises import solution_namespace
from sociallearning.tiny_tables import accounts as _accounts
from sociallearning.tiny_tables import posts as _posts

# The reference answers are the solution cells of the notebook beside this file.
reference = solution_namespace(Path(__file__).with_name("02_community.ipynb"))


@lru_cache(maxsize=1)
def _sample_data() -> dict[str, pd.DataFrame]:
    from sociallearning.data import load

    return {name: load(name) for name in ("posts", "memberships", "community_accounts",
                                          "communities", "org_before", "org_after")}


def _copies(*frames):
    return tuple(frame.copy() if isinstance(frame, pd.DataFrame) else frame for frame in frames)


def _sample(*names):
    """Fresh copies of the named sample tables."""
    data = _sample_data()
    return _copies(*(data[name] for name in names))


def _clock():
    from sociallearning.data import REFERENCE_NOW, REORG_DATE

    return REORG_DATE, REFERENCE_NOW




def _memberships(pairs) -> pd.DataFrame:
    frame = pd.DataFrame(pairs, columns=["community_id", "account_id"])
    frame["joined_at"] = pd.Timestamp("2025-06-01", tz="UTC")
    return frame


def _org(units: dict) -> pd.DataFrame:
    return pd.DataFrame({"employee_id": list(units), "business_unit": list(units.values()),
                         "manager_id": [None] * len(units)})


# A small community with every trap at once. Ann asks (P01); Ann answers herself first,
# a bot answers next, then Bo, then Cy answers Bo; Bo asks in C02 and Ann and Cy answer
# (Cy has not joined C02); Cy answers a bot's post; Di's question gets no answer at all.
TINY_POSTS = _posts([
    ("P01", "C01", "ann", "2026-03-01T10:00Z", None, "P01"),
    ("P02", "C01", "ann", "2026-03-01T10:10Z", "P01", "P01"),
    ("P03", "C01", "BOT-1", "2026-03-01T10:00:20Z", "P01", "P01"),
    ("P04", "C01", "bo", "2026-03-01T12:00Z", "P01", "P01"),
    ("P05", "C01", "cy", "2026-03-01T13:30Z", "P04", "P01"),
    ("P06", "C02", "bo", "2026-02-01T09:00Z", None, "P06"),
    ("P07", "C02", "ann", "2026-02-01T14:00Z", "P06", "P06"),
    ("P08", "C02", "cy", "2026-02-02T09:00Z", "P06", "P06"),
    ("P09", "C01", "BOT-1", "2026-03-02T08:00Z", None, "P09"),
    ("P10", "C01", "cy", "2026-03-02T09:00Z", "P09", "P09"),
    ("P11", "C01", "di", "2025-10-01T09:00Z", None, "P11"),
    ("P12", "C01", "ann", "2026-03-01T14:00Z", "P05", "P01"),
    ("P13", "C01", "ann", "2025-08-20T09:00Z", None, "P13"),   # before the re-org
    ("P14", "C01", "bo", "2025-08-21T09:00Z", "P13", "P13"),
])
TINY_ACCOUNTS = _accounts(["ann", "bo", "cy", "di", "ed"])
TINY_MEMBERSHIPS = _memberships([("C01", "ann"), ("C01", "bo"), ("C02", "bo"), ("C01", "cy"),
                                 ("C01", "di"), ("C01", "ed"), ("C01", "BOT-1"),
                                 ("C03", "ed")])
# The tiny re-org: Ann moves from Sales to Marketing, Di leaves.
TINY_BEFORE = _org({"ann": "Sales", "bo": "Sales", "cy": "Operations", "di": "Operations",
                    "ed": "People"})
TINY_AFTER = _org({"ann": "Marketing", "bo": "Sales", "cy": "Operations & Supply Chain",
                   "ed": "People"})
TINY_SINCE = pd.Timestamp("2025-09-01", tz="UTC")
TINY_NOW = pd.Timestamp("2026-03-06T12:00Z")


def _same_frame(got, expected) -> bool:
    try:
        feedback.expect_same_frame(got, expected, "a result")
    except feedback.CheckFailed:
        return False
    return True


def _expect_same_frames(learner, reference_function, cases, pitfalls=None, **keywords):
    """learner(*frames) returns the reference's frame in every case {description: frames};
    a case built around one known mistake names it when it fails ({case: pitfall})."""
    for case, frames in cases.items():
        got = learner(*_copies(*frames), **keywords)
        expected = reference_function(*frames, **keywords)
        with feedback.likely_cause((pitfalls or {}).get(case)):
            feedback.expect_same_frame(got, expected,
                                       f"{reference_function.__name__}() on {case}")


# The headline mistakes, named when a check sees them.
BOT_PITFALL = ("the bot was counted as a person. Leave out every account with is_bot=True: "
               "a bot's posts are nobody's contribution.")
NOT_JOINED_PITFALL = ("someone who posted without joining was left out. Count everyone who "
                      "posted in a community as one of its people, member or not.")
YEAR_PITFALL = ("two weeks of different years were taken for one. A week is its year and "
                "number (or the Monday it starts), not the number alone: week 10 of 2025 is "
                "not week 10 of 2026.")
UNITS_BEFORE_PITFALL = ("the units are the ones from before the re-org (org_before). What a "
                        "community leans on now is counted with the units people are in now: "
                        "use org_after, where merged units count as one.")
ACROSS_YEARS = _posts([("Y1", "C01", "ann", "2025-03-03T09:00Z", None, "Y1"),   # week 10
                       ("Y2", "C01", "ann", "2026-03-02T09:00Z", None, "Y2"),   # week 10
                       ("Y3", "C01", "bo", "2026-03-03T09:00Z", None, "Y3")])


def _answered_in_seconds(got, expected) -> str | None:
    """Answers within seconds that the reference does not have: a bot, most likely."""
    column = "median_hours_to_first_response"
    if type(got) is not pd.DataFrame or column not in got.columns:
        return None
    fastest = pd.to_numeric(got[column], errors="coerce").min()
    if pd.notna(fastest) and fastest < 1 / 60 <= expected[column].min():
        return (f"a community's first answers came within {fastest * 3600:.0f} seconds "
                "(median): no person types that fast. That is the helper bot; leave out "
                "replies by accounts with is_bot=True.")
    return None


# --- 2.1 bot share ---------------------------------------------------------------------------

def bot_share(learner):
    """Visible check of task 2.1 on the sample data."""
    with feedback.task("bot_share"):
        posts, accounts = _sample("posts", "community_accounts")
        got = learner(*_copies(posts, accounts))
        expected = reference.bot_share(posts, accounts)
        kind, value = feedback._plain(got)
        cause = None
        if kind == "number" and math.isclose(value, 1 - expected, rel_tol=1e-6):
            cause = "that is the share written by people; the task asks for the bots' share."
        elif kind == "number" and value > 1:
            cause = "a share runs from 0 to 1: divide the bots' posts by all posts."
        with feedback.likely_cause(cause):
            feedback.expect_close(got, expected, "bot_share(posts, accounts)")
    feedback.passed(f"bot_share() is {expected:.0%}: that much of the platform's activity is "
                    "written by bots.")


def bot_share_edge_cases(learner):
    """Hidden checks of task 2.1: the tiny community, no posts, no bots."""
    cases = {
        "the small community (two bot posts out of fourteen)": (TINY_POSTS, TINY_ACCOUNTS),
        "no posts at all": (TINY_POSTS.iloc[:0], TINY_ACCOUNTS),
        "accounts with no bots": (TINY_POSTS[~TINY_POSTS["author_id"].str.startswith("BOT")],
                                  _accounts(["ann", "bo", "cy", "di"], bots=())),
    }
    with feedback.task("bot_share"):
        for case, (posts, accounts) in cases.items():
            feedback.expect_close(learner(*_copies(posts, accounts)),
                                  reference.bot_share(posts, accounts), f"bot_share() on {case}")
    feedback.passed("bot_share() holds on a small community, with no posts and with no bots.")


# --- 2.2 activity trend ----------------------------------------------------------------------

def activity_trend(learner):
    """Visible check of task 2.2 on the sample data."""
    since, now = _clock()
    with feedback.task("activity_trend"):
        # The small case built around the headline mistake first, so that it is named.
        case = "a community where a bot posts every day since the re-org"
        busy_bot = _posts([(f"B{i}", "C01", "BOT-1", f"2026-01-{i + 1:02d}T07:00Z", None,
                            f"B{i}") for i in range(20)]
                          + [("H1", "C01", "ann", "2025-06-02T09:00Z", None, "H1"),
                             ("H2", "C01", "bo", "2026-02-02T09:00Z", None, "H2")])
        _expect_same_frames(learner, reference.activity_trend,
                            {case: (busy_bot, _accounts(["ann", "bo"]))}, {case: BOT_PITFALL},
                            since=TINY_SINCE, now=TINY_NOW)
        posts, accounts = _sample("posts", "community_accounts")
        got = learner(*_copies(posts, accounts), since=since, now=now)
        expected = reference.activity_trend(posts, accounts, since=since, now=now)
        feedback.expect_same_frame(
            got, expected, "activity_trend(posts, accounts, since=REORG_DATE, now=REFERENCE_NOW)")
    feedback.passed("activity_trend() compares each community's contributions by people since "
                    "the re-org with the same length of time before it.")


def activity_trend_edge_cases(learner):
    """Hidden checks of task 2.2: window edges, nothing before, only bots, no posts."""
    edges = _posts([
        ("E1", "C01", "ann", "2026-02-01T00:00Z", None, "E1"),  # exactly `since`: after
        ("E2", "C01", "bo", "2026-01-31T23:59Z", None, "E2"),   # just before
        ("E3", "C01", "bo", "2026-01-01T00:00Z", None, "E3"),   # exactly since - length
        ("E4", "C01", "ann", "2026-03-03T00:00Z", None, "E4"),  # exactly `now`: excluded
        ("E5", "C02", "ann", "2026-02-10T09:00Z", None, "E5"),  # nothing before in C02
        ("E6", "C03", "BOT-1", "2026-02-10T09:00Z", None, "E6"),  # only a bot in C03
    ])
    accounts = _accounts(["ann", "bo"])
    since, now = pd.Timestamp("2026-02-01", tz="UTC"), pd.Timestamp("2026-03-03", tz="UTC")
    cases = {
        "posts exactly at the window edges, a community with nothing before, one with only a "
        "bot": ((edges, accounts), since, now),
        "the small community": ((TINY_POSTS, TINY_ACCOUNTS), TINY_SINCE, TINY_NOW),
        "no posts at all": ((edges.iloc[:0], accounts), since, now),
    }
    with feedback.task("activity_trend"):
        for case, (frames, since, now) in cases.items():
            _expect_same_frames(learner, reference.activity_trend, {case: frames},
                                since=since, now=now)
    feedback.passed("activity_trend() includes `since`, excludes `now`, and gives NaN where "
                    "nobody posted before.")


# --- 2.3 answers since -----------------------------------------------------------------------

def answers_since(learner):
    """Visible check of task 2.3 on the sample data."""
    since, _ = _clock()
    with feedback.task("answers_since"):
        posts, accounts = _sample("posts", "community_accounts")
        got = learner(*_copies(posts, accounts), since=since)
        expected = reference.answers_since(posts, accounts, since=since)
        with feedback.likely_cause(_answered_in_seconds(got, expected)):
            feedback.expect_same_frame(got, expected,
                                       "answers_since(posts, accounts, since=REORG_DATE)")
    feedback.passed("answers_since() gives each community's root posts since the re-org, the "
                    "share a person answered and the median hours to that first answer.")


def answers_since_edge_cases(learner):
    """Hidden checks of task 2.3: self-replies, bots, nested replies, no reply, `since`
    exactly at a post, no posts."""
    cases = {
        "a thread where the author and a bot reply before anyone else":
            ((TINY_POSTS, TINY_ACCOUNTS), TINY_SINCE),
        "`since` exactly when a post was written": (
            (TINY_POSTS, TINY_ACCOUNTS), pd.Timestamp("2026-03-01T10:00Z")),
        "a community whose only question since then got no answer": (
            (TINY_POSTS[TINY_POSTS["post_id"] == "P11"], TINY_ACCOUNTS), TINY_SINCE),
        "no posts at all": ((TINY_POSTS.iloc[:0], TINY_ACCOUNTS), TINY_SINCE),
    }
    with feedback.task("answers_since"):
        for case, (frames, since) in cases.items():
            _expect_same_frames(learner, reference.answers_since, {case: frames}, since=since)
    feedback.passed("answers_since() handles self-replies, bots, unanswered posts, the edge "
                    "of the window and empty input.")


# --- 2.4 lurkers since -----------------------------------------------------------------------

def lurkers_since(learner):
    """Visible check of task 2.4 on the sample data."""
    since, _ = _clock()
    with feedback.task("lurkers_since"):
        case = "a small community where cy posts in C02 without having joined it"
        _expect_same_frames(learner, reference.lurkers_since,
                            {case: (TINY_POSTS, TINY_MEMBERSHIPS, TINY_ACCOUNTS)},
                            {case: NOT_JOINED_PITFALL}, since=TINY_SINCE)
        posts, memberships, accounts = _sample("posts", "memberships", "community_accounts")
        got = learner(*_copies(posts, memberships, accounts), since=since)
        expected = reference.lurkers_since(posts, memberships, accounts, since=since)
        feedback.expect_same_frame(
            got, expected, "lurkers_since(posts, memberships, accounts, since=REORG_DATE)")
    feedback.passed("lurkers_since() counts each community's people, members or not, and the "
                    "share who have not contributed since the re-org.")


def lurkers_since_edge_cases(learner):
    """Hidden checks of task 2.4: a later `since`, bots as members, silent communities."""
    cases = {
        "the small community with since = 1 March 2026":
            ((TINY_POSTS, TINY_MEMBERSHIPS, TINY_ACCOUNTS), pd.Timestamp("2026-03-01", tz="UTC")),
        "members but no posts at all":
            ((TINY_POSTS.iloc[:0], TINY_MEMBERSHIPS, TINY_ACCOUNTS), TINY_SINCE),
    }
    with feedback.task("lurkers_since"):
        for case, (frames, since) in cases.items():
            _expect_same_frames(learner, reference.lurkers_since, {case: frames}, since=since)
    feedback.passed("lurkers_since() leaves bots out, keeps silent communities and respects "
                    "`since`.")


# --- 2.5 dependence since --------------------------------------------------------------------

def _dependence(learner, frames, since, what, pitfall=None):
    """Check dependence_since() on `frames`; name the units from before the re-org when the
    answer matches them, else `pitfall` (the mistake the case is built around), if any."""
    got = learner(*_copies(*frames), since=since)
    expected = reference.dependence_since(*frames, since=since)
    posts, accounts, org_before, _ = frames
    with_units_before = reference.dependence_since(posts, accounts, org_before, org_before,
                                                   since=since)
    cause = pitfall
    if not _same_frame(with_units_before, expected) and _same_frame(got, with_units_before):
        cause = UNITS_BEFORE_PITFALL
    with feedback.likely_cause(cause):
        feedback.expect_same_frame(got, expected, what)
    return expected


def dependence_since(learner):
    """Visible check of task 2.5 on the sample data."""
    since, _ = _clock()
    with feedback.task("dependence_since"):
        case = "a bot with 30 posts and three people with one each"
        busy_bot = _posts([(f"B{i}", "C01", author, "2026-01-05T10:00Z", None, f"B{i}")
                           for i, author in enumerate(["BOT-1"] * 30 + ["ann", "bo", "cy"])])
        _dependence(learner, (busy_bot, TINY_ACCOUNTS, TINY_BEFORE, TINY_AFTER), TINY_SINCE,
                    f"dependence_since() on {case}", pitfall=BOT_PITFALL)
        frames = _sample("posts", "community_accounts", "org_before", "org_after")
        _dependence(learner, frames, since,
                    "dependence_since(posts, accounts, org_before, org_after, since=REORG_DATE)")
    feedback.passed("dependence_since() counts the few people and the few units each "
                    "community leans on since the re-org, in today's units.")


def dependence_since_edge_cases(learner):
    """Hidden checks of task 2.5: exactly half, a leaver, a moved person, no posts."""
    def posts_by(authors):
        return _posts([(f"A{i}", "C01", author, "2026-01-05T10:00Z", None, f"A{i}")
                       for i, author in enumerate(authors)])

    cases = {
        "ann 5, bo 3, cy 2 posts (ann alone made exactly half; she moved to Marketing)":
            posts_by(["ann"] * 5 + ["bo"] * 3 + ["cy"] * 2),
        "bo 4, di 4 and cy 2 posts (di has left the company)":
            posts_by(["bo"] * 4 + ["di"] * 4 + ["cy"] * 2),
        "the small community": TINY_POSTS,
        "no posts at all": posts_by([]),
    }
    with feedback.task("dependence_since"):
        for case, posts in cases.items():
            _dependence(learner, (posts, TINY_ACCOUNTS, TINY_BEFORE, TINY_AFTER), TINY_SINCE,
                        f"dependence_since() on {case}")
    feedback.passed("dependence_since() stops as soon as half is reached, counts leavers as "
                    "'unknown' and people in the unit they are in now.")


# --- 2.6 repeat contributors -----------------------------------------------------------------

def repeat_contributors(learner):
    """Visible check of task 2.6 on the sample data."""
    with feedback.task("repeat_contributors"):
        case = "ann posting in week 10 of 2025 and week 10 of 2026 only"
        _expect_same_frames(learner, reference.repeat_contributors, {case: (
            ACROSS_YEARS, _memberships([("C01", "ann"), ("C01", "bo")]),
            _accounts(["ann", "bo"]))}, {case: YEAR_PITFALL})
        posts, memberships, accounts = _sample("posts", "memberships", "community_accounts")
        got = learner(*_copies(posts, memberships, accounts))
        expected = reference.repeat_contributors(posts, memberships, accounts)
        feedback.expect_same_frame(got, expected,
                                   "repeat_contributors(posts, memberships, accounts)")
    feedback.passed("repeat_contributors() counts, per community, who joined, who contributed "
                    "and who came back in another week.")


def repeat_contributors_edge_cases(learner):
    """Hidden checks of task 2.6: week boundaries, bots, non-members, no posts."""
    weeks = _posts([
        ("W1", "C01", "ann", "2026-03-01T22:00Z", None, "W1"),  # Sunday
        ("W2", "C01", "ann", "2026-03-02T08:00Z", None, "W2"),  # Monday: next week
        ("W3", "C01", "bo", "2026-03-02T08:00Z", None, "W3"),   # Monday
        ("W4", "C01", "bo", "2026-03-06T20:00Z", None, "W4"),   # Friday, same week
        ("W5", "C01", "BOT-1", "2026-02-02T08:00Z", None, "W5"),
        ("W6", "C01", "BOT-1", "2026-03-02T08:00Z", None, "W6"),
        ("W7", "C01", "cy", "2026-02-02T08:00Z", None, "W7"),   # cy never joined
        ("W8", "C01", "cy", "2026-03-02T08:00Z", None, "W8"),
        ("W9", "C02", "ed", "2026-02-02T08:00Z", None, "W9"),   # ed's post in C02 ...
        ("W10", "C01", "ed", "2026-02-09T08:00Z", None, "W10"),  # ... and in C01
    ])
    members = _memberships([("C01", "ann"), ("C01", "bo"), ("C01", "BOT-1"), ("C02", "ed"),
                            ("C01", "ed")])
    accounts = _accounts(["ann", "bo", "cy", "ed"])
    cases = {
        "posts on a Sunday and the next Monday, a bot, someone posting without joining, "
        "one person in two communities": (weeks, members, accounts),
        "the small community": (TINY_POSTS, TINY_MEMBERSHIPS, TINY_ACCOUNTS),
        "members but no posts at all": (weeks.iloc[:0], members, accounts),
    }
    with feedback.task("repeat_contributors"):
        _expect_same_frames(learner, reference.repeat_contributors, cases)
    feedback.passed("repeat_contributors() counts weeks from Monday, per community, and leaves "
                    "bots and non-members out.")


# --- 2.7 build or join -----------------------------------------------------------------------

DECISIONS = ("join", "build")
NUMBERS = ("contributors", "median_hours_to_first_response", "trend", "absence_factor",
           "elephant_factor")
WHOLE_NUMBERS = ("contributors", "absence_factor", "elephant_factor")


def community_numbers(posts, accounts, org_before, org_after, since, now) -> pd.DataFrame:
    """Every community's numbers since `since`, from the reference answers, by community_id."""
    table = (reference.answers_since(posts, accounts, since)
             .merge(reference.dependence_since(posts, accounts, org_before, org_after, since),
                    on="community_id", how="outer")
             .merge(reference.activity_trend(posts, accounts, since, now)[["community_id",
                                                                           "trend"]],
                    on="community_id", how="outer"))
    return table.set_index("community_id")


def broken_rules(row) -> list[str]:
    """What makes a community unfit to join, in words (empty when it is fit)."""
    reasons = []
    people = row["contributors"]
    if pd.isna(people) or people < 10:
        shown = 0 if pd.isna(people) else int(people)
        reasons.append(f"only {shown} people contributed since the re-org (fewer than 10): "
                       "too few to answer your people's questions")
    hours = row["median_hours_to_first_response"]
    if pd.isna(hours):
        reasons.append("no question since the re-org got an answer from a person")
    elif hours > 24:
        reasons.append(f"its first answers take {hours:.0f} hours (median, more than a day): "
                       "questions wait there, the mark of a dying community")
    trend = row["trend"]
    if pd.isna(trend) or trend < 0.8:
        shown = "no activity before to compare with" if pd.isna(trend) else (
            f"its activity since the re-org is {trend:.0%} of what it was before")
        reasons.append(f"{shown} (below 80%): it is fading")
    absence = row["absence_factor"]
    if pd.notna(absence) and absence < 3:
        reasons.append(f"{int(absence)} people make half its posts (absence factor below 3): "
                       "it hangs on them")
    elephant = row["elephant_factor"]
    if pd.notna(elephant) and elephant < 2:
        reasons.append("one business unit makes half its posts since the re-org (elephant "
                       "factor 1): the next re-org of that unit can take it down")
    return reasons


def _expect_sound_decision(got, frames, since, now, what):
    """The decision's rules (see the task): any decision that keeps them passes."""
    posts, accounts, org_before, org_after = frames
    feedback.expect_type(got, dict, what)
    missing = [key for key in ("decision", "community_id", *NUMBERS) if key not in got]
    feedback.expect(not missing, f"{what} has no {', '.join(map(repr, missing))} in its "
                    "dictionary: give the decision, the community and its five numbers.")
    decision = got["decision"]
    shown = repr(decision)[:60] if isinstance(decision, str) else feedback._returned(decision)
    feedback.expect(isinstance(decision, str) and decision in DECISIONS,
                    f"{what} gives the decision {shown}; it should be 'join' or 'build'.")
    table = community_numbers(posts, accounts, org_before, org_after, since, now)
    names = _sample_data()["communities"].set_index("community_id")["name"]
    community = got["community_id"]
    feedback.expect(isinstance(community, str) and community in set(posts["community_id"]),
                    f"{what} names the community {community!r}, which is not in the data: "
                    f"use one of {sorted(set(posts['community_id']))}.")

    def called(community_id):
        return f"{names.get(community_id, community_id)} ({community_id})"

    feedback.expect(community in table.index, f"{what} names {called(community)}, where no "
                    "person contributed since the re-org: nobody is there to join.")
    row = table.loc[community]
    for number in NUMBERS:
        value, expected = got[number], row[number]
        label = f"the {number} you give for {called(community)} in {what}"
        if pd.isna(expected):
            feedback.expect(value is None or (isinstance(value, float) and math.isnan(value)),
                            f"{label} is {value!r}; the data since the re-org has none (NaN).")
            continue
        if number in WHOLE_NUMBERS:
            feedback.expect_type(value, int, label)
        with feedback.likely_cause("the data since `since` gives another number: check "
                                   "your answers to 2.2, 2.3 and 2.5 first, and pass on the "
                                   "`since` and `now` you are given."):
            feedback.expect_close(value, expected, label, rtol=1e-3)
    fit = [c for c in table.index if not broken_rules(table.loc[c])]
    if decision == "join":
        reasons = broken_rules(row)
        feedback.expect(not reasons, f"{what} joins {called(community)}, but "
                        + "; and ".join(reasons) + "."
                        + (f" Fit to join: {', '.join(map(called, fit))}." if fit else
                           " No community is fit to join: build."))
    else:
        feedback.expect(not fit, f"{what} decides to build, but {', '.join(map(called, fit))} "
                        f"{'is' if len(fit) == 1 else 'are'} fit to join on every rule: "
                        "joining a community that is alive beats splitting its energy.")


def build_or_join(learner):
    """Visible check of task 2.7 on the sample data."""
    since, now = _clock()
    what = "build_or_join(posts, accounts, org_before, org_after)"
    with feedback.task("build_or_join"):
        frames = _sample("posts", "community_accounts", "org_before", "org_after")
        got = learner(*_copies(*frames), since=since, now=now)
        _expect_sound_decision(got, frames, since, now, what)
    feedback.passed(f"build_or_join() decides to {got['decision']} with "
                    f"{got['community_id']}, and its numbers match the data since the re-org.")


# Many decisions are right, so a recording of one answer cannot stand in for these rules: in
# class mode this check runs when the work is graded, not in the student's copy.
build_or_join.replayable = False


# A later `since`: the last three months only, so every number changes (a function that
# ignores `since` and `now`, or numbers typed in for the sample, no longer match).
LATER_SINCE = pd.Timestamp("2025-12-01", tz="UTC")


def build_or_join_edge_cases(learner):
    """Hidden checks of task 2.7: only dying communities (build), only one fit community,
    a later `since`."""
    reorg, now = _clock()
    posts, accounts, org_before, org_after = _sample("posts", "community_accounts",
                                                     "org_before", "org_after")
    cases = {
        "only the two dying communities (C05 and C06)": (posts[posts["community_id"].isin(
            ["C05", "C06"])], reorg),
        "only the Data & Analytics Guild (C03) and the two dying ones": (posts[
            posts["community_id"].isin(["C03", "C05", "C06"])], reorg),
        "the last three months only (since = 1 December 2025)": (posts, LATER_SINCE),
    }
    with feedback.task("build_or_join"):
        for case, (subset, since) in cases.items():
            frames = (subset.reset_index(drop=True), accounts, org_before, org_after)
            got = learner(*_copies(*frames), since=since, now=now)
            _expect_sound_decision(got, frames, since, now, f"build_or_join() on {case}")
    feedback.passed("build_or_join() builds when nothing is fit to join, joins the one that "
                    "is, and reads its numbers from the `since` it is given.")


build_or_join_edge_cases.replayable = False
