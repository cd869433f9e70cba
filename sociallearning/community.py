"""Community health and champions: the toolkit module 02 teaches with.

Everything here works on the community export (see data/README.md): `posts`
(root posts and replies), `memberships` and `community_accounts`. Bots are left out
everywhere: an account is a bot when `community_accounts.is_bot` is true. Definitions
follow CHAOSS (chaoss.community) where it has one; where it has none, the docstring
says exactly what is counted.

Participation inequality, the absence factor and the contribution funnel live in
`sociallearning.participation`.
"""

from __future__ import annotations

import pandas as pd

WINDOW = pd.Timedelta(days=90)

POST_COLUMNS = ("post_id", "community_id", "author_id", "created_at", "kind", "parent_id",
                "thread_id")
ACCOUNT_COLUMNS = ("account_id", "is_bot")
MEMBERSHIP_COLUMNS = ("community_id", "account_id")


def require_columns(frame, columns, name: str) -> None:
    """Stop with a plain message when `frame` is not a DataFrame with `columns`."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"`{name}` should be a pandas DataFrame (e.g. load({name!r})), "
                        f"but it is a {type(frame).__name__}.")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"`{name}` lacks the column(s) {missing}; it has "
                         f"{list(frame.columns)}. Load it with sociallearning.data.load().")


def bot_ids(accounts: pd.DataFrame) -> set:
    """The account ids flagged as bots."""
    require_columns(accounts, ACCOUNT_COLUMNS, "accounts")
    return set(accounts.loc[accounts["is_bot"].astype(bool), "account_id"])


def human_posts(posts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Posts and replies written by people (authors not flagged as bots)."""
    require_columns(posts, POST_COLUMNS, "posts")
    return posts[~posts["author_id"].isin(bot_ids(accounts))]


def reference_now(now=None) -> pd.Timestamp:
    """`now` as a UTC timestamp; by default the sample data's own clock."""
    if now is None:
        from sociallearning.data import REFERENCE_NOW

        now = REFERENCE_NOW
    now = pd.Timestamp(now)
    return now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")


def week_start(moments: pd.Series) -> pd.Series:
    """The Monday 00:00 that starts each moment's week, in the moments' own time zone."""
    return moments.dt.normalize() - pd.to_timedelta(moments.dt.day_of_week, unit="D")


def time_to_first_response(posts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """CHAOSS Time to First Response for every root post written by a person.

    The first response is the earliest reply in the post's thread by another person
    (not the post's author, not a bot). Returns columns post_id, community_id,
    hours_to_first_response (NaN when nobody else replied), sorted by post_id.
    """
    people = human_posts(posts, accounts)
    roots = people.loc[people["kind"] == "post", ["post_id", "community_id", "author_id",
                                                   "created_at"]]
    replies = people.loc[people["kind"] == "reply", ["thread_id", "author_id", "created_at"]]
    paired = replies.merge(roots, left_on="thread_id", right_on="post_id",
                           suffixes=("_reply", ""))
    by_others = paired[paired["author_id_reply"] != paired["author_id"]]
    first = by_others.groupby("post_id")["created_at_reply"].min().rename("first_response_at")
    # join, not map: map() cannot fill an empty datetime lookup with missing values.
    result = roots.join(first, on="post_id")
    hours = (result["first_response_at"] - result["created_at"]) / pd.Timedelta(hours=1)
    result = result.assign(hours_to_first_response=hours.astype(float))
    result = result[["post_id", "community_id", "hours_to_first_response"]]
    return result.sort_values("post_id").reset_index(drop=True)


def community_health(posts: pd.DataFrame, memberships: pd.DataFrame, accounts: pd.DataFrame,
                     now=None) -> pd.DataFrame:
    """One row per community: is it alive, does it answer, is it growing?

    Windows end at `now` (default: the data's REFERENCE_NOW): "last 90 days" is
    (now - 90 days, now], "previous 90 days" the 90 days before that. Columns:
    community_id; members (people with a membership); active_members (people who
    posted or replied in the last 90 days); posts_last_90d (posts and replies);
    posts_per_active_member; reply_rate (share of the root posts of the last 90 days
    that another person replied to); median_hours_to_first_response (over those root
    posts that got a response); posts_previous_90d; trend (posts_last_90d /
    posts_previous_90d, NaN when the previous window is empty). Sorted by community_id.
    """
    require_columns(memberships, MEMBERSHIP_COLUMNS, "memberships")
    now = reference_now(now)
    bots = bot_ids(accounts)
    people = human_posts(posts, accounts)
    people = people[people["created_at"] <= now]
    members = memberships[~memberships["account_id"].isin(bots)]

    recent = people[people["created_at"] > now - WINDOW]
    previous = people[(people["created_at"] <= now - WINDOW)
                      & (people["created_at"] > now - 2 * WINDOW)]
    response = time_to_first_response(people, accounts)
    recent_roots = response[response["post_id"].isin(recent["post_id"])]

    communities = sorted(set(members["community_id"]) | set(people["community_id"]))
    health = pd.DataFrame({"community_id": pd.Series(communities, dtype="str")})
    key = health["community_id"]
    health["members"] = key.map(members.groupby("community_id")["account_id"].nunique())
    health["active_members"] = key.map(recent.groupby("community_id")["author_id"].nunique())
    health["posts_last_90d"] = key.map(recent.groupby("community_id").size())
    for column in ("members", "active_members", "posts_last_90d"):
        health[column] = health[column].fillna(0).astype(int)
    health["posts_per_active_member"] = (
        health["posts_last_90d"] / health["active_members"].where(health["active_members"] > 0))
    answered = recent_roots["hours_to_first_response"].notna()
    health["reply_rate"] = key.map(answered.groupby(recent_roots["community_id"]).mean())
    health["median_hours_to_first_response"] = key.map(
        recent_roots.groupby("community_id")["hours_to_first_response"].median())
    health["posts_previous_90d"] = (
        key.map(previous.groupby("community_id").size()).fillna(0).astype(int))
    health["trend"] = (health["posts_last_90d"]
                       / health["posts_previous_90d"].where(health["posts_previous_90d"] > 0))
    return health.astype({"reply_rate": float, "median_hours_to_first_response": float})


def _replies_to_other_people(posts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Replies by people to a post written by another person: replier, helped, created_at."""
    people = human_posts(posts, accounts)
    replies = people.loc[people["kind"] == "reply", ["author_id", "parent_id", "created_at"]]
    parent_author = people.set_index("post_id")["author_id"]
    replies = replies.assign(helped=replies["parent_id"].map(parent_author))
    # A parent written by a bot is missing from `people`, so `helped` is NaN: dropped here.
    replies = replies[replies["helped"].notna() & (replies["helped"] != replies["author_id"])]
    return replies.rename(columns={"author_id": "account_id"})


def _top(frame: pd.DataFrame, top) -> pd.DataFrame:
    if top is None:
        return frame.reset_index(drop=True)
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise ValueError(f"`top` should be a whole number >= 0 (or None for everyone), "
                         f"not {top!r}.")
    return frame.head(top).reset_index(drop=True)


def champions_by_people_helped(posts: pd.DataFrame, accounts: pd.DataFrame,
                               top: int | None = 10) -> pd.DataFrame:
    """The people who answer others: ranked by how many different people they replied to.

    Counts only replies by a person to a post by ANOTHER person (replies to oneself and
    to bots don't count; bots are not ranked). Columns: account_id, people_helped
    (distinct people replied to), replies (such replies), active_months (distinct
    calendar months, UTC, with such a reply: steadiness). Sorted by people_helped
    descending, then replies descending, then account_id; the first `top` rows
    (None: everyone).
    """
    replies = _replies_to_other_people(posts, accounts)
    month = replies["created_at"].dt.year * 12 + replies["created_at"].dt.month
    grouped = replies.assign(month=month).groupby("account_id")
    champions = pd.DataFrame({
        "people_helped": grouped["helped"].nunique(),
        "replies": grouped.size(),
        "active_months": grouped["month"].nunique(),
    }).reset_index()
    champions = champions.astype({"people_helped": int, "replies": int,
                                  "active_months": int})
    champions = champions.sort_values(["people_helped", "replies", "account_id"],
                                      ascending=[False, False, True])
    return _top(champions, top)


def trend_setters(posts: pd.DataFrame, accounts: pd.DataFrame,
                  top: int | None = 10) -> pd.DataFrame:
    """The people whose threads draw others in.

    For each person who started at least one thread (a root post): threads (how many),
    people_drawn (distinct other people who replied anywhere in those threads),
    replies_drawn (replies by other people in them). Bots are left out on both sides.
    Sorted by people_drawn descending, then replies_drawn descending, then account_id;
    the first `top` rows (None: everyone).
    """
    people = human_posts(posts, accounts)
    roots = people.loc[people["kind"] == "post", ["post_id", "author_id"]]
    replies = people.loc[people["kind"] == "reply", ["thread_id", "author_id"]]
    paired = replies.merge(roots, left_on="thread_id", right_on="post_id",
                           suffixes=("_reply", ""))
    paired = paired[paired["author_id_reply"] != paired["author_id"]]
    drawn = paired.groupby("author_id")["author_id_reply"]
    setters = roots.groupby("author_id").size().rename("threads").to_frame()
    setters["people_drawn"] = drawn.nunique()
    setters["replies_drawn"] = drawn.size()
    setters = setters.fillna(0).astype(int).rename_axis("account_id").reset_index()
    setters = setters.sort_values(["people_drawn", "replies_drawn", "account_id"],
                                  ascending=[False, False, True])
    return _top(setters, top)


def weekly_posts(posts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Posts and replies by people per week (weeks start Monday, UTC): a table with one
    row per week and one column per community, zero where a community was silent."""
    people = human_posts(posts, accounts)
    week = week_start(people["created_at"])
    table = people.assign(week=week).pivot_table(index="week", columns="community_id",
                                                 values="post_id", aggfunc="count",
                                                 fill_value=0)
    if len(table):
        weeks = pd.date_range(table.index.min(), table.index.max(), freq="7D")
        table = table.reindex(weeks, fill_value=0)
    return table.rename_axis(index="week", columns="community_id")
