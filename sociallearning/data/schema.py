"""The sample data's contract: dataset names, files, columns and types, and shared constants.

Everything here is synthetic: a fictional company ("Northwind Larder") and a fictional X world.
The generator writes these files and the loaders check them against this description.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

REFERENCE_NOW = pd.Timestamp("2026-03-06T12:00:00Z")
"""The data's own clock ("now"): the community export ends here; recent search = 7 days before."""

REORG_DATE = pd.Timestamp("2025-09-01T00:00:00Z")
"""The day the re-organization took effect: org_before is the org chart up to it."""

SEED_LEADERS = ("ava_learnwell", "ben_worksout", "chen_pkm")
"""Usernames of the three fictional thought leaders the X exercises start from."""

CHAT_HASHTAG = "#ldchat"
"""The fictional weekly chat (modelled on #lrnchat): Thursdays 8 pm America/New_York."""

DEFAULT_SEED = 20260306
REGENERATE = "regenerate with `python -m sociallearning.data generate`"

# Text formats used in the files.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # CSV timestamps, UTC
X_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # X API v2 style, e.g. 2026-03-06T01:00:00.000Z
DATE_FORMAT = "%Y-%m-%d"

STANCES = ("skeptical", "neutral", "supportive", "champion")  # ordered, least to most support


class DataError(ValueError):
    """The sample data is missing or malformed; the message says where and what to do."""


@dataclass(frozen=True)
class Ref:
    """column's non-empty values must appear in `target_column` of dataset(s) `targets`.

    A target of "self" means the same file (e.g. manager_id -> employee_id).
    """

    column: str
    targets: tuple[str, ...]
    target_column: str


@dataclass(frozen=True)
class Dataset:
    name: str
    file: str
    description: str
    # column -> kind; kinds: id, str, category, int, Int64, float, bool, timestamp, date,
    # list (JSONL only); a trailing "?" means the value may be empty
    columns: dict[str, str]
    key: tuple[str, ...] = ()
    refs: tuple[Ref, ...] = ()
    # categorical columns whose values must come from a fixed list (in this order)
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ordered: tuple[str, ...] = ()  # which of those are ordered (e.g. stance)

    @property
    def is_jsonl(self) -> bool:
        return self.file.endswith(".jsonl")


ORG_COLUMNS = {
    "employee_id": "id",
    "name": "str",
    "title": "str",
    "business_unit": "category",
    "manager_id": "id?",
    "location": "category",
    "time_zone": "category",
    "level": "int",
    "hire_date": "date",
}

TWEET_COLUMNS = {
    "id": "id",
    "text": "str",
    "author_id": "id",
    "created_at": "timestamp",
    "conversation_id": "id",
    "in_reply_to_user_id": "id?",
    "referenced_type": "category?",
    "referenced_id": "id?",
    "hashtags": "list",
    "mentions": "list",
    "retweet_count": "int",
    "reply_count": "int",
    "like_count": "int",
    "quote_count": "int",
    "impression_count": "int",
    "lang": "category",
}
TWEET_CATEGORIES = {"referenced_type": ("replied_to", "quoted", "retweeted")}
TWEET_REFS = (
    Ref("author_id", ("x_users",), "id"),
    Ref("in_reply_to_user_id", ("x_users",), "id"),
    Ref("referenced_id", ("self",), "id"),
)

# The fictional fediverse (Mastodon servers on .example domains) and the fictional Bluesky,
# both served offline by sociallearning.fediverse and sociallearning.bluesky.
FEDIVERSE_DATASETS = [
    Dataset(
        "fedi_instances",
        "fedi_instances.csv",
        "Fictional Mastodon servers (.example domains): title, version, size, contact",
        {
            "domain": "id",
            "title": "str",
            "description": "str",
            "version": "str",
            "created_at": "timestamp",
            "user_count": "int",
            "status_count": "int",
            "contact_acct": "id",
        },
        key=("domain",),  # contact_acct is checked by the tests (a ref here would be circular)
    ),
    Dataset(
        "fedi_accounts",
        "fedi_accounts.csv",
        "Fictional Mastodon accounts (user@server), as their home server reports them",
        {
            "acct": "id",
            "id": "id",
            "username": "str",
            "domain": "id",
            "display_name": "str",
            "note": "str?",
            "created_at": "timestamp",
            "bot": "bool",
            "locked": "bool",
            "hide_collections": "bool",
            "discoverable": "bool",
            "followers_count": "int",
            "following_count": "int",
            "statuses_count": "int",
            "last_status_at": "date?",
            "x_username": "str?",
            "bluesky_handle": "str?",
        },
        key=("acct",),
        refs=(Ref("domain", ("fedi_instances",), "domain"),),
    ),
    Dataset(
        "fedi_follows",
        "fedi_follows.csv",
        "Who follows whom on Mastodon, across servers (source_acct follows target_acct)",
        {"source_acct": "id", "target_acct": "id", "created_at": "timestamp"},
        key=("source_acct", "target_acct"),
        refs=(
            Ref("source_acct", ("fedi_accounts",), "acct"),
            Ref("target_acct", ("fedi_accounts",), "acct"),
        ),
    ),
    Dataset(
        "fedi_statuses",
        "fedi_statuses.csv",
        f"Mastodon statuses (posts): {CHAT_HASHTAG} sessions and everyday hashtags",
        {
            "id": "id",
            "acct": "id",
            "created_at": "timestamp",
            "text": "str",
            "tags": "str?",
            "in_reply_to_id": "id?",
            "language": "category",
            "visibility": "category",
            "replies_count": "int",
            "reblogs_count": "int",
            "favourites_count": "int",
        },
        key=("id",),
        refs=(
            Ref("acct", ("fedi_accounts",), "acct"),
            Ref("in_reply_to_id", ("self",), "id"),
        ),
        categories={"visibility": ("public", "unlisted")},
    ),
]

BLUESKY_DATASETS = [
    Dataset(
        "bsky_actors",
        "bsky_actors.csv",
        "Fictional Bluesky accounts: DID, handle, profile and reported counts",
        {
            "did": "id",
            "handle": "str",
            "display_name": "str?",
            "description": "str?",
            "created_at": "timestamp",
            "followers_count": "int",
            "follows_count": "int",
            "posts_count": "int",
            "x_username": "str?",
            "fedi_acct": "str?",
        },
        key=("did",),
    ),
    Dataset(
        "bsky_follows",
        "bsky_follows.csv",
        "Who follows whom on Bluesky (follow records: source_did follows target_did)",
        {"source_did": "id", "target_did": "id", "rkey": "id", "created_at": "timestamp"},
        key=("source_did", "target_did"),
        refs=(
            Ref("source_did", ("bsky_actors",), "did"),
            Ref("target_did", ("bsky_actors",), "did"),
        ),
    ),
    Dataset(
        "bsky_posts",
        "bsky_posts.csv",
        f"Bluesky posts: everyday hashtags and {CHAT_HASHTAG} sessions",
        {
            "did": "id",
            "rkey": "id",
            "created_at": "timestamp",
            "text": "str",
            "tags": "str?",
            "reply_to_uri": "id?",
            "langs": "category",
            "like_count": "int",
            "repost_count": "int",
            "reply_count": "int",
            "quote_count": "int",
        },
        key=("did", "rkey"),
        refs=(Ref("did", ("bsky_actors",), "did"),),
    ),
    Dataset(
        "bsky_starter_packs",
        "bsky_starter_packs.csv",
        "Bluesky starter packs: who made them, name, the list behind them",
        {
            "uri": "id",
            "creator_did": "id",
            "name": "str",
            "description": "str",
            "created_at": "timestamp",
            "list_uri": "id",
            "joined_week_count": "int",
            "joined_all_time_count": "int",
        },
        key=("uri",),
        refs=(Ref("creator_did", ("bsky_actors",), "did"),),
    ),
    Dataset(
        "bsky_starter_pack_members",
        "bsky_starter_pack_members.csv",
        "The accounts each Bluesky starter pack suggests following",
        {"starter_pack_uri": "id", "member_did": "id", "rkey": "id", "created_at": "timestamp"},
        key=("starter_pack_uri", "member_did"),
        refs=(
            Ref("starter_pack_uri", ("bsky_starter_packs",), "uri"),
            Ref("member_did", ("bsky_actors",), "did"),
        ),
    ),
]

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "org_before",
            "org_before.csv",
            "Employees before the re-org: unit, manager, location, level, hire date",
            ORG_COLUMNS,
            key=("employee_id",),
            refs=(Ref("manager_id", ("self",), "employee_id"),),
        ),
        Dataset(
            "org_after",
            "org_after.csv",
            "Employees after the re-org: leavers gone, movers, new managers, new hires",
            ORG_COLUMNS,
            key=("employee_id",),
            refs=(Ref("manager_id", ("self",), "employee_id"),),
        ),
        Dataset(
            "sponsors",
            "sponsors.csv",
            "Sponsors of social learning (before the re-org): role, influence, stance",
            {
                "employee_id": "id",
                "role": "category",
                "business_unit": "category",
                "influence": "int",
                "social_media_comfort": "int",
                "stance": "category",
                "last_touchpoint": "date",
            },
            key=("employee_id",),
            refs=(Ref("employee_id", ("org_before",), "employee_id"),),
            categories={"stance": STANCES},
            ordered=("stance",),
        ),
        Dataset(
            "communities",
            "communities.csv",
            "Communities on the internal platform: name, topic, creation, owner",
            {
                "community_id": "id",
                "name": "str",
                "topic": "str",
                "created_at": "timestamp",
                "owner_id": "id",
            },
            key=("community_id",),
            refs=(Ref("owner_id", ("org_before", "org_after"), "employee_id"),),
        ),
        Dataset(
            "community_accounts",
            "community_accounts.csv",
            "Accounts on the community platform: people (employee_id) and bots (is_bot)",
            {
                "account_id": "id",
                "display_name": "str",
                "employee_id": "id?",
                "is_bot": "bool",
            },
            key=("account_id",),
            refs=(Ref("employee_id", ("org_before", "org_after"), "employee_id"),),
        ),
        Dataset(
            "memberships",
            "memberships.csv",
            "Who joined which community, and when",
            {"community_id": "id", "account_id": "id", "joined_at": "timestamp"},
            key=("community_id", "account_id"),
            refs=(
                Ref("community_id", ("communities",), "community_id"),
                Ref("account_id", ("community_accounts",), "account_id"),
            ),
        ),
        Dataset(
            "posts",
            "posts.csv",
            "Posts and replies in the communities (~18 months up to REFERENCE_NOW)",
            {
                "post_id": "id",
                "community_id": "id",
                "author_id": "id",
                "created_at": "timestamp",
                "kind": "category",
                "parent_id": "id?",
                "thread_id": "id",
                "words": "int",
            },
            key=("post_id",),
            refs=(
                Ref("community_id", ("communities",), "community_id"),
                Ref("author_id", ("community_accounts",), "account_id"),
                Ref("parent_id", ("self",), "post_id"),
                Ref("thread_id", ("self",), "post_id"),
            ),
            categories={"kind": ("post", "reply")},
        ),
        Dataset(
            "reactions",
            "reactions.csv",
            "Reactions (like, helpful, insightful) to posts",
            {
                "post_id": "id",
                "account_id": "id",
                "created_at": "timestamp",
                "reaction": "category",
            },
            key=("post_id", "account_id"),
            refs=(
                Ref("post_id", ("posts",), "post_id"),
                Ref("account_id", ("community_accounts",), "account_id"),
            ),
            categories={"reaction": ("like", "helpful", "insightful")},
        ),
        Dataset(
            "x_users",
            "x_users.jsonl",
            "Fictional X accounts (X API v2 user objects), public_metrics flattened",
            {
                "id": "id",
                "username": "str",
                "name": "str",
                "created_at": "timestamp",
                "description": "str",
                "location": "str?",
                "protected": "bool",
                "verified": "bool",
                "followers_count": "int",
                "following_count": "int",
                "tweet_count": "int",
                "listed_count": "int",
                "like_count": "int",
            },
            key=("id",),
        ),
        Dataset(
            "x_follows",
            "x_follows.csv",
            "Who follows whom on X (source_id follows target_id)",
            {"source_id": "id", "target_id": "id"},
            key=("source_id", "target_id"),
            refs=(
                Ref("source_id", ("x_users",), "id"),
                Ref("target_id", ("x_users",), "id"),
            ),
        ),
        Dataset(
            "x_tweets",
            "x_tweets.jsonl",
            "Tweets reachable by recent search (the 7 days before REFERENCE_NOW)",
            TWEET_COLUMNS,
            key=("id",),
            refs=TWEET_REFS,
            categories=TWEET_CATEGORIES,
        ),
        Dataset(
            "chat_archive",
            "chat_archive.jsonl",
            f"Older {CHAT_HASHTAG} sessions' tweets (outside the 7-day search window)",
            TWEET_COLUMNS,
            key=("id",),
            refs=TWEET_REFS,
            categories=TWEET_CATEGORIES,
        ),
        Dataset(
            "chat_sessions",
            "chat_sessions.csv",
            f"The {CHAT_HASHTAG} sessions: start (UTC), moderator, topic, questions",
            {
                "session": "int",
                "starts_at": "timestamp",
                "moderator_id": "id",
                "topic": "str",
                "questions": "int",
            },
            key=("session",),
            refs=(Ref("moderator_id", ("x_users",), "id"),),
        ),
        Dataset(
            "outcomes",
            "outcomes.csv",
            "Per employee (after the re-org): tenure, level, community posts, results",
            {
                "employee_id": "id",
                "tenure_years": "float",
                "role_level": "int",
                "community_posts": "int",
                "assessment_score": "float",
                "performance_rating": "int",
                "promoted": "bool",
            },
            key=("employee_id",),
            refs=(Ref("employee_id", ("org_after",), "employee_id"),),
        ),
        *FEDIVERSE_DATASETS,
        *BLUESKY_DATASETS,
    ]
}
