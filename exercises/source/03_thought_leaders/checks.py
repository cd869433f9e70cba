"""Checks for exercise 03_thought_leaders: one lesson on X, Mastodon and Bluesky.

Every visible check runs the learner's function on the sample world of EACH network (in the
common shape of `sociallearning.following`), whichever network the learner picked; the
`*_edge_cases` run a tiny hand-built world written in each network's handle style (a bot, an
account that stopped posting, one the learner follows already, a repeated row, a follower of
the learner who is not a leader). Expected answers come from the notebook's solution cells
beside this file; the decision task (3.4) is checked against rules, since many picks are
sound.
"""

from __future__ import annotations

import numbers
from pathlib import Path

import pandas as pd

from sociallearning import feedback
from sociallearning.exercises import solution_namespace
from sociallearning.following import NETWORKS, PEOPLE_COLUMNS, sample_network

# The reference answers are the solution cells of the notebook beside this file.
reference = solution_namespace(Path(__file__).with_name("03_thought_leaders.ipynb"))

ACTIVE_DAYS = 30  # the task's default: a post in the last 30 days counts as active
REASONS = ("co-followed", "different voice")
TODAY = pd.Timestamp("2026-03-06T12:00:00Z")

# The tiny world of the hidden cases, in plain names; each network writes them its own way.
# lead1..lead3 are the leaders; "me" is the learner.
TINY_FOLLOWS = [
    ("lead1", "sage"), ("lead2", "sage"), ("lead3", "sage"),      # all three, active
    ("lead1", "digest"), ("lead2", "digest"), ("lead3", "digest"),  # all three, a bot
    ("lead1", "nova"), ("lead1", "nova"), ("lead2", "nova"),      # two (one row repeated)
    ("lead1", "dormant"), ("lead3", "dormant"),                  # two, last post long ago
    ("lead2", "silent"), ("lead3", "silent"),                    # two, no post at all
    ("lead1", "known"), ("lead2", "known"),                      # two, the learner follows
    ("lead1", "lead2"), ("lead3", "lead2"),                      # a leader, by two leaders
    ("lead3", "fresh"), ("fan", "fresh"), ("me", "fresh"),       # one leader (+ non-leaders)
    ("lead2", "quill"),                                          # one leader
    ("me", "known"), ("me", "lead1"),
]
TINY_PEOPLE = {  # name: (followers_count, bot, days since the last post, None = never)
    "lead1": (9000, False, 1), "lead2": (7000, False, 2), "lead3": (5000, False, 3),
    "sage": (800, False, 4), "digest": (20000, True, 0), "nova": (3000, False, 10),
    "dormant": (4000, False, 200), "silent": (600, False, None), "known": (1500, False, 5),
    "fresh": (90, False, 12), "quill": (40, False, 29), "fan": (10, False, 1),
    "me": (50, False, 3),
}
TINY_LEADERS = ["lead1", "lead2", "lead3"]


def _styled(name: str, network: str) -> str:
    return {"x": name, "mastodon": f"{name}@pkm.example",
            "bluesky": f"{name}.bsky.social"}[network]


def tiny_world(network: str) -> dict:
    """The tiny world's inputs on `network`: edges, people, leaders, my_follows, today."""
    def name(n):
        return _styled(n, network)

    edges = pd.DataFrame([(name(s), f"id-{t}", name(t)) for s, t in TINY_FOLLOWS],
                         columns=["source_username", "target_id", "target_username"])
    rows = []
    for person, (followers, bot, days) in TINY_PEOPLE.items():
        last = pd.NaT if days is None else TODAY - pd.Timedelta(days=days, hours=3)
        rows.append((name(person), person.title(), followers, bot, last, ""))
    people = pd.DataFrame(rows, columns=PEOPLE_COLUMNS)
    people["last_post"] = pd.to_datetime(people["last_post"], utc=True)
    mine = sorted(name(t) for s, t in TINY_FOLLOWS if s == "me")
    return {"edges": edges, "people": people, "leaders": [name(n) for n in TINY_LEADERS],
            "my_follows": mine, "today": TODAY}


def sample_inputs(network: str) -> dict:
    world = sample_network(network)
    return {"edges": world.edges, "people": world.people, "leaders": list(world.leaders),
            "my_follows": list(world.my_follows), "today": world.today}


def _copies(inputs: dict, *names: str) -> list:
    return [inputs[n].copy() if hasattr(inputs[n], "copy") else inputs[n] for n in names]


# --- 3.1 the accounts every leader follows ---------------------------------------------------

FOLLOWED_BY_ALL = ("edges", "leaders")


def _expect_followed_by_all(learner, inputs, what):
    got = learner(*_copies(inputs, *FOLLOWED_BY_ALL))
    expected = reference.followed_by_all(*_copies(inputs, *FOLLOWED_BY_ALL))
    feedback.expect_type(got, list, what)
    if sorted(map(str, got)) == sorted(expected) and list(got) != expected:
        raise feedback.CheckFailed(f"{what} has the right accounts, but not sorted A to Z.")
    leaders = set(inputs["leaders"])
    rows = inputs["edges"]
    from_leaders = rows[rows["source_username"].isin(leaders)]
    by_rows = from_leaders.groupby("target_username").size()
    counted_rows = sorted(by_rows[by_rows >= len(leaders)].index)
    with feedback.likely_cause(
            "you counted rows, not leaders: a repeated row counts one leader twice. Count "
            "distinct leaders (`nunique()`)." if got == counted_rows != expected else None):
        feedback.expect_same_values(got, expected, what)


def followed_by_all(learner):
    """Visible check of 3.1 on the sample world of each network."""
    with feedback.task("followed_by_all"):
        for network in NETWORKS:
            _expect_followed_by_all(learner, sample_inputs(network),
                                    f"followed_by_all(edges, leaders) on {network}")
    feedback.passed("followed_by_all() finds the accounts every leader follows, on X, "
                    "Mastodon and Bluesky.")


def followed_by_all_edge_cases(learner):
    """Hidden checks of 3.1: a repeated row, non-leaders' rows, no edges at all."""
    with feedback.task("followed_by_all"):
        for network in NETWORKS:
            tiny = tiny_world(network)
            _expect_followed_by_all(learner, tiny, f"followed_by_all() on a tiny {network} "
                                    "world (a repeated row, followers who are not leaders)")
        empty = tiny_world("x")
        empty["edges"] = empty["edges"].iloc[:0]
        _expect_followed_by_all(learner, empty, "followed_by_all() with no edges")
    feedback.passed("followed_by_all() counts each leader once and only leaders.")


# --- 3.2 every page of followers ---------------------------------------------------------------

def _expect_all_followers(learner, network, handle, page_size):
    what = f"all_followers({network!r}, {handle!r}, page_size={page_size})"
    got = learner(network, handle, page_size=page_size)
    expected = reference.all_followers(network, handle, page_size=page_size)
    feedback.expect_type(got, list, what)
    one_page = (len(got) <= page_size < len(expected))
    with feedback.likely_cause(
            f"you returned {len(got)} of {len(expected)} followers, about one page of "
            f"{page_size}: pass the cursor back to followers_page() to read the next page, "
            "until it is None (X calls it next_token, Mastodon max_id, Bluesky cursor)."
            if one_page else None):
        feedback.expect(len(got) == len(set(map(str, got))) or len(got) != len(expected),
                        f"{what} lists someone twice; keep each follower once.")
        feedback.expect_same_values(got, expected, what)


def all_followers(learner):
    """Visible check of 3.2: the chat host's followers on each network, in pages of 10."""
    with feedback.task("all_followers"):
        for network in NETWORKS:
            host = sample_network(network).chat_host
            _expect_all_followers(learner, network, host, 10)
    feedback.passed("all_followers() reads every page, whatever the network calls its "
                    "cursor, and lists each follower once, A to Z.")


def all_followers_edge_cases(learner):
    """Hidden checks of 3.2: a leader's followers in odd page sizes, the learner's few."""
    with feedback.task("all_followers"):
        for network in NETWORKS:
            world = sample_network(network)
            _expect_all_followers(learner, network, world.leaders[-1], 7)
            _expect_all_followers(learner, network, world.learner, 3)
    feedback.passed("all_followers() holds for any page size and for small lists.")


# --- 3.3 candidates worth a look -----------------------------------------------------------------

CANDIDATE_ARGS = ("edges", "people", "leaders", "my_follows", "today")


def _named_slips(got, inputs, what) -> None:
    """Name the headline mistakes in words before comparing whole tables."""
    if type(got) is not pd.DataFrame or "handle" not in got.columns:
        return
    people = inputs["people"].set_index("handle")
    handles = [str(h) for h in got["handle"]]
    for handle in handles:
        if handle in inputs["leaders"]:
            raise feedback.CheckFailed(f"{what} lists {handle}, one of your leaders: leave "
                                       "the leaders out, you follow them already.")
        if handle in inputs["my_follows"]:
            raise feedback.CheckFailed(f"{what} lists {handle}, whom you follow already "
                                       "(my_follows): leave them out.")
        if handle in people.index and bool(people.loc[handle, "bot"]):
            raise feedback.CheckFailed(f"{what} lists {handle}, a bot (its profile says "
                                       "bot=True): a bot is no one to learn from.")
        if handle in people.index:
            last = people.loc[handle, "last_post"]
            since = pd.Timestamp(inputs["today"]) - pd.Timedelta(days=ACTIVE_DAYS)
            if pd.isna(last) or last < since:
                when = "has no post in the data" if pd.isna(last) else \
                    f"last posted on {last:%Y-%m-%d}"
                raise feedback.CheckFailed(
                    f"{what} lists {handle}, who {when}: inactive. Keep accounts whose "
                    f"last_post is within {ACTIVE_DAYS} days before today.")


def _expect_candidates(learner, inputs, what, **options):
    got = learner(*_copies(inputs, *CANDIDATE_ARGS), **options)
    expected = reference.candidates(*_copies(inputs, *CANDIDATE_ARGS), **options)
    feedback.expect_type(got, pd.DataFrame, what)
    feedback.expect_columns(got, list(expected.columns), what)
    _named_slips(got, inputs, what)
    counted_rows = None
    if "leaders_following" in got.columns and len(got) == len(expected):
        mine = dict(zip(got["handle"], got["leaders_following"], strict=True))
        for handle, count in zip(expected["handle"], expected["leaders_following"],
                                 strict=True):
            if handle in mine and mine[handle] != count:
                counted_rows = (f"{handle} is followed by {count} leaders, you say "
                                f"{mine[handle]}: count distinct leaders (a repeated row "
                                "is still one leader), and only rows whose source is a leader.")
                break
    with feedback.likely_cause(counted_rows):
        feedback.expect_same_frame(got, expected, what)


def candidates(learner):
    """Visible check of 3.3 on the sample world of each network."""
    with feedback.task("candidates"):
        for network in NETWORKS:
            _expect_candidates(learner, sample_inputs(network),
                               f"candidates(edges, people, leaders, my_follows, today) on "
                               f"{network}")
    feedback.passed("candidates() keeps accounts two or more leaders follow, active and not "
                    "bots, that you do not follow yet, most leaders first.")


def candidates_edge_cases(learner):
    """Hidden checks of 3.3: a bot, inactive and silent accounts, a repeated row, options."""
    with feedback.task("candidates"):
        for network in NETWORKS:
            tiny = tiny_world(network)
            about = f"candidates() on a tiny {network} world (a bot, an inactive account, "
            _expect_candidates(learner, tiny, about + "a repeated row)")
            _expect_candidates(learner, tiny, about + "min_leaders=1)", min_leaders=1)
        _expect_candidates(learner, tiny_world("x"), "candidates() with active_days=365 "
                           "and min_leaders=3", min_leaders=3, active_days=365)
    feedback.passed("candidates() leaves out bots, inactive accounts, leaders and whom you "
                    "follow, and counts each leader once.")


# --- 3.4 the decision: whom to follow next, and why -----------------------------------------------

def _leaders_following(inputs) -> dict:
    edges = inputs["edges"]
    from_leaders = edges[edges["source_username"].isin(inputs["leaders"])]
    return from_leaders.groupby("target_username")["source_username"].nunique().to_dict()


def _shown(value) -> str:
    """A short value as it is; a table or a list by its kind (its repr spans lines)."""
    if isinstance(value, str | int | float) or value is None:
        return repr(value)[:60]
    return feedback._returned(value)


def _expect_sound_picks(got, inputs, what) -> None:
    feedback.expect_type(got, list, what)
    feedback.expect(3 <= len(got) <= 5, f"{what} should pick 3 to 5 accounts; you picked "
                    f"{len(got)}. Few enough to read them all for a month.")
    people = inputs["people"].set_index("handle")
    counts = _leaders_following(inputs)
    since = pd.Timestamp(inputs["today"]) - pd.Timedelta(days=ACTIVE_DAYS)
    seen = set()
    for number, pick in enumerate(got, start=1):
        feedback.expect(type(pick) is dict and {"handle", "reason", "leaders_following"}
                        <= set(pick), f"{what}: pick {number} should be a dictionary with the "
                        "keys 'handle', 'reason' and 'leaders_following', like {'handle': "
                        "'...', 'reason': 'co-followed', 'leaders_following': 2}.")
        handle, reason = pick["handle"], pick["reason"]
        feedback.expect(type(handle) is str and handle in people.index,
                        f"{what}: pick {number}, {handle!r}, is not an account in `people`.")
        feedback.expect(handle not in seen, f"{what} picks {handle} twice.")
        seen.add(handle)
        feedback.expect(handle not in inputs["leaders"],
                        f"{what} picks {handle}, one of your leaders: you follow them already.")
        feedback.expect(handle not in inputs["my_follows"],
                        f"{what} picks {handle}, whom you follow already: pick someone new.")
        feedback.expect(not bool(people.loc[handle, "bot"]),
                        f"{what} picks {handle}, a bot: nobody to learn from.")
        last = people.loc[handle, "last_post"]
        feedback.expect(not pd.isna(last) and last >= since,
                        f"{what} picks {handle}, who has not posted in the last {ACTIVE_DAYS} "
                        "days (inactive): follow people who still talk.")
        feedback.expect(isinstance(reason, str) and reason in REASONS,
                        f"{what}: pick {number}'s reason is {_shown(reason)}; use one of "
                        f"{list(REASONS)}.")
        actual = counts.get(handle, 0)
        claimed = pick["leaders_following"]
        feedback.expect(isinstance(claimed, numbers.Integral)
                        and not isinstance(claimed, bool),
                        f"{what}: the evidence for {handle} is a whole number of leaders, not "
                        f"{_shown(claimed)}.")
        feedback.expect(int(claimed) == actual,
                        f"{what}: the evidence for {handle} does not match the data: you say "
                        f"{int(claimed)} leaders follow them; the edges say {actual}.")
        if reason == "co-followed":
            feedback.expect(actual >= 2, f"{what} calls {handle} co-followed, but only "
                            f"{actual} leader follows them: co-followed means two or more.")
        else:
            feedback.expect(actual <= 1, f"{what} calls {handle} a different voice, but "
                            f"{actual} of your leaders follow them: that is the leaders' own "
                            "circle. A different voice is one that only one leader follows.")
            # Found through a leader: an account no leader follows has nothing in the data
            # vouching for it (any row of `people` would do, even yourself).
            feedback.expect(actual == 1, f"{what} calls {handle} a different voice, but none "
                            "of your leaders follows them: nothing in the data vouches for "
                            "them. A different voice is found through your leaders: one of "
                            "them follows them, the others do not.")
    reasons = {pick["reason"] for pick in got}
    feedback.expect("co-followed" in reasons, f"{what} has no co-followed pick: the "
                    "strongest signal is an account two or more of your leaders follow.")
    feedback.expect("different voice" in reasons, f"{what}: every pick is co-followed, all "
                    "from one voice (the circle your leaders share). Add at least one "
                    "different voice, whom only one leader follows, or your network only "
                    "echoes theirs.")


def follow_next(learner):
    """Visible check of 3.4 on the sample world of each network."""
    with feedback.task("follow_next"):
        for network in NETWORKS:
            inputs = sample_inputs(network)
            what = f"follow_next(edges, people, leaders, my_follows, today) on {network}"
            _expect_sound_picks(learner(*_copies(inputs, *CANDIDATE_ARGS)), inputs, what)
    feedback.passed("follow_next() picks people to follow with evidence that matches the data: "
                    "active, no bots, nobody you follow yet, and a mix of voices.")


# Many picks are sound, so a recording of one answer cannot stand in for these rules: in
# class mode this check runs when the work is graded, not in the student's copy.
follow_next.replayable = False


def follow_next_edge_cases(learner):
    """Hidden checks of 3.4 on the tiny world of each network (a bot all leaders follow)."""
    with feedback.task("follow_next"):
        for network in NETWORKS:
            inputs = tiny_world(network)
            _expect_sound_picks(learner(*_copies(inputs, *CANDIDATE_ARGS)), inputs,
                                f"follow_next() on a tiny {network} world (a bot every "
                                "leader follows, an account that stopped posting)")
    feedback.passed("follow_next() stays sound with bots, inactive accounts and few choices.")
