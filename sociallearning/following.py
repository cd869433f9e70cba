"""Follow thought leaders and let them lead you to others.

Reference implementation for module 03: look leaders up on X, walk every page of the
accounts they follow, build the follow graph (follower -> followed), recommend the
accounts several leaders follow, and compare in-degree with PageRank.

The same code runs on the offline client (sample data) and on the live X API.
"""

from collections.abc import Iterable
from contextlib import contextmanager

import networkx as nx
import pandas as pd
import tweepy

EDGE_COLUMNS = ["source_username", "target_id", "target_username"]
USER_COLUMNS = ["id", "username", "name", "followers_count"]
RECOMMENDATION_COLUMNS = ["username", "seeds_following", "pagerank", "reason"]
COMPARISON_COLUMNS = [
    "username",
    "in_degree_centrality",
    "in_degree_rank",
    "pagerank",
    "pagerank_rank",
    "rank_change",
]
# X answers at most 100 usernames per lookup and 1..1000 accounts per page of follows.
USERNAMES_PER_LOOKUP = 100
MAX_RESULTS_RANGE = (1, 1000)


def _usernames(usernames: Iterable[str]) -> list[str]:
    """Usernames without a leading @, as the API wants them; a clear error for bad input."""
    if isinstance(usernames, str):
        usernames = [usernames]
    cleaned = []
    for username in usernames:
        if not isinstance(username, str) or not username.strip().lstrip("@"):
            raise ValueError(
                f"Usernames must be non-empty text such as 'ava_learnwell', got {username!r}."
            )
        cleaned.append(username.strip().lstrip("@"))
    return cleaned


@contextmanager
def _explain_refusals(what: str):
    """Turn X's 401/403 refusals into messages that say what to do."""
    try:
        yield
    except tweepy.Unauthorized:
        raise PermissionError(
            f"X did not accept the bearer token for {what} (401 Unauthorized). Check "
            "X_BEARER_TOKEN, or unset it to work offline on the sample data."
        ) from None
    except tweepy.Forbidden:
        raise PermissionError(
            f"X refused {what} (403 Forbidden): your access tier does not include this "
            "endpoint (follows lookups are Enterprise-only; user lookups need a paid tier). "
            "Unset X_BEARER_TOKEN to work offline on the sample data."
        ) from None


def look_up_users(client: tweepy.Client, usernames: Iterable[str]) -> pd.DataFrame:
    """One row per username (in the order asked): id (str), username, name, followers_count.

    X answers unknown or suspended usernames in the response's `errors`, not with an
    HTTP error; those become a ValueError that names them.
    """
    wanted = _usernames(usernames)
    users, problems = [], []
    for start in range(0, len(wanted), USERNAMES_PER_LOOKUP):
        with _explain_refusals("the user lookup"):
            response = client.get_users(
                usernames=wanted[start : start + USERNAMES_PER_LOOKUP],
                user_fields=["public_metrics"],
            )
        users.extend(response.data or [])
        problems.extend(response.errors or [])
    if problems:
        details = "; ".join(
            f"{error.get('value', '?')}: {error.get('detail', error.get('title', 'not found'))}"
            for error in problems
        )
        raise ValueError(
            f"X could not look up every username ({details}). "
            "Check the spelling (no @ needed) or drop those accounts."
        )
    by_name = {user.username.lower(): user for user in users}
    rows = []
    for username in wanted:
        user = by_name[username.lower()]
        metrics = user.public_metrics or {}
        rows.append([str(user.id), user.username, user.name, metrics.get("followers_count")])
    return pd.DataFrame(rows, columns=USER_COLUMNS)


def fetch_following(
    client: tweepy.Client, usernames: Iterable[str], max_results: int = 1000
) -> pd.DataFrame:
    """Who each user follows: one row per (source_username, target_id, target_username).

    Walks every page (max_results accounts per request, next_token to the next page).
    Sorted by source_username, then target_username.
    """
    low, high = MAX_RESULTS_RANGE
    if not isinstance(max_results, int) or not low <= max_results <= high:
        raise ValueError(f"max_results must be a whole number from {low} to {high}, got "
                         f"{max_results!r}.")
    leaders = look_up_users(client, usernames)
    rows = []
    for leader in leaders.itertuples(index=False):
        pages = tweepy.Paginator(client.get_users_following, leader.id, max_results=max_results)
        with _explain_refusals(f"the list of accounts {leader.username} follows"):
            for followed in pages.flatten():
                rows.append([leader.username, str(followed.id), followed.username])
    edges = pd.DataFrame(rows, columns=EDGE_COLUMNS)
    return edges.sort_values(["source_username", "target_username"], ignore_index=True)


def following_from_tables(
    x_users: pd.DataFrame, x_follows: pd.DataFrame, usernames: Iterable[str]
) -> pd.DataFrame:
    """The same edges as fetch_following, read straight from the data tables (no API).

    x_users needs columns id and username; x_follows source_id and target_id.
    """
    wanted = _usernames(usernames)
    username_of = dict(zip(x_users["id"].astype(str), x_users["username"], strict=True))
    id_of = {name.lower(): user_id for user_id, name in username_of.items()}
    unknown = [name for name in wanted if name.lower() not in id_of]
    if unknown:
        raise ValueError(f"No user named {', '.join(unknown)} in the data; check the spelling.")
    rows = []
    for name in wanted:
        source_id = id_of[name.lower()]
        targets = x_follows.loc[x_follows["source_id"].astype(str) == source_id, "target_id"]
        rows.extend([username_of[source_id], str(t), username_of[str(t)]] for t in targets)
    edges = pd.DataFrame(rows, columns=EDGE_COLUMNS)
    return edges.sort_values(["source_username", "target_username"], ignore_index=True)


def follow_graph(edges: pd.DataFrame) -> nx.DiGraph:
    """A directed graph of usernames: an edge follower -> followed for each row."""
    missing = [c for c in ("source_username", "target_username") if c not in edges.columns]
    if missing:
        raise ValueError(
            f"The edges table needs columns source_username and target_username; missing "
            f"{', '.join(missing)}. Build it with fetch_following()."
        )
    graph = nx.DiGraph()
    graph.add_edges_from(zip(edges["source_username"], edges["target_username"], strict=True))
    return graph


def _in_words(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def recommend_to_follow(
    graph: nx.DiGraph,
    seeds: Iterable[str],
    already_following: Iterable[str] = (),
    min_seeds: int = 2,
    top: int = 10,
    learner: str | None = None,
) -> pd.DataFrame:
    """Accounts that at least `min_seeds` of the seeds follow, the learner does not yet.

    Leaves out the seeds, the learner and everyone in already_following. Columns:
    username, seeds_following (int), pagerank (float, over the whole graph), reason
    ("followed by a and b", seeds in the order given). Ranked by seeds_following
    (most first), then pagerank (highest first), then username; at most `top` rows.
    """
    seeds = _usernames(seeds)
    not_in_graph = [seed for seed in seeds if seed not in graph]
    if not_in_graph:
        raise ValueError(
            f"These seeds are not in the follow graph: {', '.join(not_in_graph)}. "
            "Fetch who they follow first (fetch_following) and build the graph from it."
        )
    excluded = set(seeds) | set(_usernames(already_following))
    if learner is not None:
        excluded.add(learner)
    followed_by: dict[str, list[str]] = {}
    for seed in seeds:
        for account in graph.successors(seed):
            followed_by.setdefault(account, []).append(seed)
    scores = nx.pagerank(graph) if graph.number_of_nodes() else {}
    rows = [
        [account, len(by), scores[account], f"followed by {_in_words(by)}"]
        for account, by in followed_by.items()
        if len(by) >= min_seeds and account not in excluded
    ]
    table = pd.DataFrame(rows, columns=RECOMMENDATION_COLUMNS).astype(
        {"seeds_following": int, "pagerank": float}
    )
    table = table.sort_values(
        ["seeds_following", "pagerank", "username"], ascending=[False, False, True]
    )
    return table.head(top).reset_index(drop=True)


def compare_in_degree_and_pagerank(graph: nx.DiGraph, top: int = 10) -> pd.DataFrame:
    """In-degree centrality and PageRank, with each one's rank, for the top accounts by PageRank.

    Ranks count from 1 (highest) over the whole graph; ties share the best rank.
    rank_change = in_degree_rank - pagerank_rank: positive means PageRank lifts the
    account above where its follower count alone would put it (it is followed by
    accounts that are themselves well followed). Sorted by pagerank_rank, then username.
    """
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    in_degree = nx.in_degree_centrality(graph)
    scores = nx.pagerank(graph)
    table = pd.DataFrame(
        {
            "username": list(graph.nodes),
            "in_degree_centrality": [in_degree[node] for node in graph.nodes],
            "pagerank": [scores[node] for node in graph.nodes],
        }
    )
    table["in_degree_rank"] = _rank(table["in_degree_centrality"])
    table["pagerank_rank"] = _rank(table["pagerank"])
    table["rank_change"] = table["in_degree_rank"] - table["pagerank_rank"]
    table = table.sort_values(["pagerank_rank", "username"])[COMPARISON_COLUMNS]
    return table.head(top).reset_index(drop=True)


def _rank(values: pd.Series) -> pd.Series:
    """1 for the highest value; ties share the best rank (1, 2, 2, 4)."""
    return values.rank(method="min", ascending=False).astype(int)
