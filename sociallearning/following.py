"""Follow thought leaders, on X, Mastodon or Bluesky, in one common shape.

Module 03 teaches with code shown in its notebook; this module holds what that code stands
on, and no answer to an exercise:

- `sample_network(network)`: one network's sample world in the common shape: the leaders,
  the learner, whom the leaders and the learner follow (the edges), and a people table;
- `client_for(network)`: the network's real client (tweepy, Mastodon.py, atproto), offline
  on the sample data unless given a live server or token;
- `followers_page(network, handle, cursor)`: ONE page of an account's followers, and the
  cursor to the next page (reading every page is the learner's part);
- where the post's named leaders are active today, with the date it was checked.

The common shape, on every network:
- edges: EDGE_COLUMNS = source_username, target_id, target_username (text), one row per
  follow. A "username" is the X username (no @), the Mastodon address user@server, or the
  Bluesky handle (see `sociallearning.networks`).
- people: PEOPLE_COLUMNS = handle, name, followers_count (int), bot (bool: the profile says
  it is automated; only Mastodon has the flag), last_post (UTC time of the latest post in the
  sample data, NaT when there is none), bio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

NETWORKS = ("x", "mastodon", "bluesky")
EDGE_COLUMNS = ["source_username", "target_id", "target_username"]
PEOPLE_COLUMNS = ["handle", "name", "followers_count", "bot", "last_post", "bio"]
# Each network's most per page: X follows 1000, Mastodon 80, Bluesky 100.
PAGE_LIMITS = {"x": 1000, "mastodon": 80, "bluesky": 100}

# Where the post's named leaders post today. Only what the course could check, with the date.
LEADERS_CHECKED_ON = "2026-11-30"
WHERE_LEADERS_ARE = pd.DataFrame(
    [
        ("Harold Jarche", "@hjarche (deleted)", "Mastodon",
         "Deleted his X account in November 2024 ('farewell little bird', jarche.com); "
         "posts on Mastodon and on his blog."),
        ("Julian Stodd", "@julianstodd", "his own site lists where he posts",
         "Not checked by the course: look at julianstodd.wordpress.com before you follow."),
        ("Jane Bozarth", "@JaneBozarth", "her own site lists where she posts",
         "Not checked by the course: look at her site before you follow."),
    ],
    columns=["leader", "x_account_in_the_post", "active_today", "note"],
)


@dataclass(frozen=True)
class SampleNetwork:
    """One network's synthetic sample world, in the common shape."""

    network: str
    leaders: list[str]
    learner: str
    chat_host: str
    people: pd.DataFrame = field(repr=False)
    edges: pd.DataFrame = field(repr=False)  # whom the leaders follow
    my_follows: list[str] = field(repr=False)  # whom the learner follows, A to Z
    today: pd.Timestamp = field(repr=False)


def check_network(network) -> str:
    if network not in NETWORKS:
        raise ValueError(f"NETWORK must be one of {', '.join(map(repr, NETWORKS))}, got "
                         f"{network!r}.")
    return network


def _edges(rows) -> pd.DataFrame:
    edges = pd.DataFrame(list(rows), columns=EDGE_COLUMNS).astype(str)
    return edges.sort_values(["source_username", "target_username"], ignore_index=True)


@lru_cache(maxsize=3)
def _tables(network: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(people, all follows as edges) of one network, read from the sample data."""
    from sociallearning.data import load

    if network == "x":
        users = load("x_users")
        posts = pd.concat([load("x_tweets"), load("chat_archive")])
        last = posts.groupby(posts["author_id"].astype(str))["created_at"].max()
        ids = users["id"].astype(str)
        people = pd.DataFrame({"handle": users["username"], "name": users["name"],
                               "followers_count": users["followers_count"],
                               "bot": False, "last_post": ids.map(last),
                               "bio": users["description"].fillna("")})
        name_of = dict(zip(ids, users["username"], strict=True))
        follows = load("x_follows")
        rows = ((name_of[str(s)], str(t), name_of[str(t)])
                for s, t in zip(follows["source_id"], follows["target_id"], strict=True))
    elif network == "mastodon":
        accounts = load("fedi_accounts")
        statuses = load("fedi_statuses")
        last = statuses.groupby("acct")["created_at"].max()
        people = pd.DataFrame({"handle": accounts["acct"], "name": accounts["display_name"],
                               "followers_count": accounts["followers_count"],
                               "bot": accounts["bot"].astype(bool),
                               "last_post": accounts["acct"].map(last),
                               "bio": accounts["note"].fillna("")})
        id_of = dict(zip(accounts["acct"], accounts["id"].astype(str), strict=True))
        follows = load("fedi_follows")
        rows = ((s, id_of.get(t, t), t)
                for s, t in zip(follows["source_acct"], follows["target_acct"], strict=True))
    else:
        actors = load("bsky_actors")
        posts = load("bsky_posts")
        last = posts.groupby("did")["created_at"].max()
        people = pd.DataFrame({"handle": actors["handle"],
                               "name": actors["display_name"].fillna(""),
                               "followers_count": actors["followers_count"],
                               "bot": False, "last_post": actors["did"].map(last),
                               "bio": actors["description"].fillna("")})
        handle_of = dict(zip(actors["did"], actors["handle"], strict=True))
        follows = load("bsky_follows")
        rows = ((handle_of[s], t, handle_of[t])
                for s, t in zip(follows["source_did"], follows["target_did"], strict=True))
    people = people.astype({"handle": str, "name": str, "followers_count": int, "bot": bool,
                            "bio": str})
    people["last_post"] = pd.to_datetime(people["last_post"], utc=True)
    return people.sort_values("handle", ignore_index=True)[PEOPLE_COLUMNS], _edges(rows)


def edges_from_tables(network: str, handles) -> pd.DataFrame:
    """Whom each handle follows, read straight from the sample tables (no API), in the
    common shape. The same rows `networks.following_edges` reads through the API."""
    _, edges = _tables(check_network(network))
    wanted = [handles] if isinstance(handles, str) else list(handles)
    return edges[edges["source_username"].isin(wanted)].reset_index(drop=True)


def sample_network(network: str) -> SampleNetwork:
    """The sample world of `network` ("x", "mastodon" or "bluesky") in the common shape."""
    from sociallearning.data import REFERENCE_NOW, SEED_LEADERS
    from sociallearning.data import generate_bluesky as gb
    from sociallearning.data import generate_fediverse as gf

    check_network(network)
    if network == "x":
        leaders, learner, host = list(SEED_LEADERS), "you_learner", "ldchat_host"
    elif network == "mastodon":
        leaders, learner, host = [a for a, *_ in gf.LEADERS], gf.LEARNER, gf.CHAT_HOST
    else:
        leaders, learner, host = [h for h, *_ in gb.LEADERS], gb.LEARNER, gb.CHAT_HOST
    people, _ = _tables(network)
    mine = sorted(edges_from_tables(network, [learner])["target_username"])
    return SampleNetwork(network, leaders, learner, host, people.copy(),
                         edges_from_tables(network, leaders), mine, REFERENCE_NOW)


# --- the real clients, offline unless asked -------------------------------------------------


def client_for(network: str, live: str | None = None):
    """The network's real client: offline on the sample data, or live when `live` is given.

    live: Mastodon: a server URL ("https://mastodon.social"; a token is read from
    MASTODON_ACCESS_TOKEN where a server wants one); Bluesky: the public AppView
    ("https://public.api.bsky.app", no login for public reads); X: the word "token" to use
    the bearer token in X_BEARER_TOKEN (never paste a token into a notebook).
    """
    check_network(network)
    if network == "x":
        from sociallearning import xapi

        return xapi.client(offline=live is None)
    if network == "mastodon":
        from sociallearning import fediverse

        return fediverse.client(live) if live else fediverse.client()
    from sociallearning import bluesky

    return bluesky.client(base_url=live) if live else bluesky.client()


def _full_acct(acct: str, server: str) -> str:
    return acct if "@" in acct else f"{acct}@{server}"


def followers_page(network: str, handle: str, cursor=None, limit: int = 20, client=None):
    """ONE page of the accounts that follow `handle`, and the cursor to the next page.

    Returns (handles, next_cursor): a list of handles in the network's common form, and the
    value to pass as `cursor` to read the next page, or None on the last page. Each network
    names it differently: X `next_token`, Mastodon `max_id` (from the Link header),
    Bluesky `cursor`. One call is one request out of the network's rate-limit budget.
    client: the network's client (default: offline on the sample data).
    """
    check_network(network)
    if not isinstance(handle, str) or not handle.strip().lstrip("@"):
        raise ValueError(f"handle must be an account's handle as text, got {handle!r}.")
    if not isinstance(limit, int) or not 1 <= limit <= PAGE_LIMITS[network]:
        raise ValueError(f"limit must be a whole number from 1 to {PAGE_LIMITS[network]} on "
                         f"{network}, got {limit!r}.")
    handle = handle.strip().lstrip("@")
    api = client if client is not None else _offline_client(network)
    if network == "x":
        return _x_followers_page(api, handle, cursor, limit)
    if network == "mastodon":
        return _mastodon_followers_page(api, handle, cursor, limit)
    return _bluesky_followers_page(api, handle, cursor, limit)


@lru_cache(maxsize=3)
def _offline_client(network: str):
    return client_for(network)


def _x_followers_page(api, username, cursor, limit):
    user = api.get_user(username=username)
    if user.data is None:
        raise ValueError(f"X has no user {username!r}; check the spelling.")
    page = api.get_users_followers(user.data.id, max_results=limit, pagination_token=cursor)
    return [u.username for u in page.data or []], (page.meta or {}).get("next_token")


def _mastodon_followers_page(api, acct, cursor, limit):
    import mastodon

    from sociallearning.fediverse import on_instance

    username, _, server = acct.partition("@")
    if not server:
        raise ValueError(f"Write Mastodon accounts as user@server, got {acct!r}.")
    home = on_instance(api, server)  # the home server knows all of an account's followers
    try:
        account = home.account_lookup(username)
    except mastodon.MastodonNotFoundError:
        raise ValueError(f"{server} has no account {username!r}; check the address.") from None
    page = home.account_followers(account, limit=limit, max_id=cursor)
    following = getattr(page, "_pagination_next", None) or {}
    next_cursor = following.get("max_id") if len(page) else None
    return [_full_acct(a.acct, server) for a in page], next_cursor


def _bluesky_followers_page(api, actor, cursor, limit):
    from atproto_client.exceptions import BadRequestError

    try:
        page = api.app.bsky.graph.get_followers({"actor": actor, "limit": limit,
                                                 "cursor": cursor})
    except BadRequestError:
        raise ValueError(f"Bluesky has no account {actor!r}; check the handle.") from None
    return [f.handle for f in page.followers], page.cursor or None
