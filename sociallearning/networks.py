"""One shape for follow edges on X, Mastodon and Bluesky, so one analysis runs on any network.

    from sociallearning import networks, fediverse
    edges = networks.following_edges("mastodon", fediverse.client(),
                                     ["ava@learning.example", "chen@pkm.example"])

Each function returns the same DataFrame:
columns EDGE_COLUMNS = source_username, target_id, target_username (all text), one row per
account followed, sorted by source_username then target_username. What a "username" is
depends on the network:
- x: the username without @ (e.g. ava_learnwell); target_id is the X user id;
- mastodon: the full address user@server (e.g. ava@learning.example), the same on every
  server; target_id is the account's id on the source's home server (ids differ per server);
- bluesky: the handle (e.g. ava.learnwell.net); target_id is the DID, which never changes.

Mastodon follows are read on each account's home server, the only server that knows all of
them. An account that hides its network contributes no rows (with a warning).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import pandas as pd

from sociallearning.following import EDGE_COLUMNS

NETWORKS = ("x", "mastodon", "bluesky")
BLUESKY_PAGE = 100  # getFollows' most per page


def _names(handles: Iterable[str]) -> list[str]:
    if isinstance(handles, str):
        handles = [handles]
    cleaned = []
    for handle in handles:
        if not isinstance(handle, str) or not handle.strip().lstrip("@"):
            raise ValueError(f"Handles must be non-empty text, got {handle!r}.")
        cleaned.append(handle.strip().lstrip("@"))
    return cleaned


def _table(rows: list[list[str]]) -> pd.DataFrame:
    edges = pd.DataFrame(rows, columns=EDGE_COLUMNS)
    return edges.sort_values(["source_username", "target_username"], ignore_index=True)


def x_following(api, handles: Iterable[str]) -> pd.DataFrame:
    """Whom each X user follows: every page of get_users_following (tweepy's Paginator).

    Live this needs Enterprise access; each page is one of 15 requests per 15 minutes.
    """
    import tweepy

    rows = []
    for username in _names(handles):
        try:
            found = api.get_user(username=username)
        except tweepy.Forbidden:
            raise PermissionError(
                "X refused the lookup (403 Forbidden): your access tier does not include it. "
                "Follows lookups need Enterprise access; use the sample data (unset "
                "X_BEARER_TOKEN) or the manual route.") from None
        if found.data is None:
            raise ValueError(f"X has no user {username!r}; check the spelling (no @ needed).")
        user = found.data
        pages = tweepy.Paginator(api.get_users_following, user.id, max_results=1000)
        try:
            rows.extend([user.username, str(f.id), f.username] for f in pages.flatten())
        except tweepy.Forbidden:
            raise PermissionError(
                "X refused the follows lookup (403 Forbidden): it needs Enterprise access. "
                "Use the sample data (unset X_BEARER_TOKEN) or the manual route.") from None
    return _table(rows)


def mastodon_following(api, handles: Iterable[str]) -> pd.DataFrame:
    """Whom each Mastodon account (user@server) follows, read on its home server."""
    import mastodon

    from sociallearning.fediverse import on_instance

    rows = []
    for handle in _names(handles):
        username, _, server = handle.partition("@")
        if not server:
            raise ValueError(f"Write Mastodon accounts as user@server (e.g. "
                             f"ava@learning.example), got {handle!r}.")
        home = on_instance(api, server)
        try:
            account = home.account_lookup(username)
        except mastodon.MastodonNotFoundError:
            raise ValueError(f"{server} has no account {username!r}; check the address.") \
                from None
        source = f"{account.username}@{server}"
        if account.get("hide_collections"):
            warnings.warn(f"{source} hides whom they follow; no edges for them.", stacklevel=2)
        for followed in home.fetch_remaining(home.account_following(account, limit=80)):
            acct = followed.acct if "@" in followed.acct else f"{followed.acct}@{server}"
            rows.append([source, str(followed.id), acct])
    return _table(rows)


def bluesky_following(api, handles: Iterable[str]) -> pd.DataFrame:
    """Whom each Bluesky account (handle or DID) follows, every page of getFollows."""
    from atproto_client.exceptions import BadRequestError

    rows = []
    for actor in _names(handles):
        cursor = None
        while True:
            try:
                page = api.app.bsky.graph.get_follows(
                    {"actor": actor, "limit": BLUESKY_PAGE, "cursor": cursor})
            except BadRequestError as error:
                message = getattr(error.response.content, "message", None) or str(error)
                raise ValueError(f"Bluesky could not list {actor}'s follows ({message}); "
                                 "check the handle.") from None
            rows.extend([page.subject.handle, f.did, f.handle] for f in page.follows)
            cursor = page.cursor
            if not cursor:
                break
    return _table(rows)


def following_edges(network: str, client, handles: Iterable[str]) -> pd.DataFrame:
    """The follow edges of `handles` on `network` ("x", "mastodon" or "bluesky").

    client: the network's client (sociallearning.xapi.client(), fediverse.client(),
    bluesky.client(), offline or live). Returns EDGE_COLUMNS.
    """
    if network == "x":
        return x_following(client, handles)
    if network == "mastodon":
        return mastodon_following(client, handles)
    if network == "bluesky":
        return bluesky_following(client, handles)
    raise ValueError(f"network must be one of {', '.join(NETWORKS)}, got {network!r}.")
