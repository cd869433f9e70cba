"""The follow graph and the recommendations, proven on tiny hand-built graphs.

A small world used throughout (seeds a, b, c; the learner "me"):
    a -> x, y, z, b        b -> x, y, w        c -> x, z, w, q, b
    me -> a, z             p1, p2, p3 -> y     h1..h5 -> h -> w
x is followed by all three seeds; y, w, z and b by two; q by one.
y has more followers than w (5 against 3), but w is followed by h, an account many
follow, so PageRank puts w above y (derived in test_pagerank_lifts_w_above_y).
"""

import json

import networkx as nx
import pandas as pd
import pytest
import requests
import tweepy

from sociallearning import xapi
from sociallearning.following import (
    COMPARISON_COLUMNS,
    EDGE_COLUMNS,
    RECOMMENDATION_COLUMNS,
    compare_in_degree_and_pagerank,
    fetch_following,
    follow_graph,
    following_from_tables,
    look_up_users,
    recommend_to_follow,
)

FOLLOWS = {
    "a": ["x", "y", "z", "b"],
    "b": ["x", "y", "w"],
    "c": ["x", "z", "w", "q", "b"],
    "me": ["a", "z"],
    "p1": ["y"],
    "p2": ["y"],
    "p3": ["y"],
    "h": ["w"],
    **{f"h{i}": ["h"] for i in range(1, 6)},
}
SEEDS = ["a", "b", "c"]


def edges_of(follows: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(source, f"id_{target}", target) for source, targets in follows.items()
            for target in targets]
    return pd.DataFrame(rows, columns=EDGE_COLUMNS)


@pytest.fixture
def world() -> nx.DiGraph:
    return follow_graph(edges_of(FOLLOWS))


def test_follow_graph_points_from_follower_to_followed(world):
    assert world.has_edge("a", "x") and not world.has_edge("x", "a")
    assert world.number_of_edges() == sum(len(targets) for targets in FOLLOWS.values())
    assert set(world.successors("me")) == {"a", "z"}


def test_follow_graph_of_no_edges_is_empty():
    graph = follow_graph(pd.DataFrame(columns=EDGE_COLUMNS))
    assert isinstance(graph, nx.DiGraph) and graph.number_of_nodes() == 0


def test_follow_graph_says_which_columns_are_missing():
    with pytest.raises(ValueError, match="target_username"):
        follow_graph(pd.DataFrame({"source_username": ["a"], "target": ["b"]}))


def test_pagerank_lifts_w_above_y(world):
    # Every node gets the same teleport and dangling share, so compare what the links bring:
    # w: b/3 + c/5 + h/1 with h = base*(1 + 5d); y: a/4 + b/3 + 3*base, a = base*(1 + d/2),
    # c = base. w - y = d*base*(0.2 + 1 + 5d - (1 + d/2)/4 - 3) > 0 for d = 0.85.
    d = 0.85
    assert 0.2 + 1 + 5 * d - (1 + d / 2) / 4 - 3 > 0
    scores = nx.pagerank(world)
    assert scores["w"] > scores["y"]
    assert world.in_degree("y") == 5 > world.in_degree("w") == 3


def test_recommendations_rank_by_seeds_then_pagerank(world):
    table = recommend_to_follow(world, SEEDS, already_following={"a", "z"}, learner="me")
    assert list(table.columns) == RECOMMENDATION_COLUMNS
    # z is followed already, b is a seed, q has one seed only.
    assert table["username"].tolist() == ["x", "w", "y"]
    assert table["seeds_following"].tolist() == [3, 2, 2]
    assert table["reason"].tolist() == [
        "followed by a, b and c",
        "followed by b and c",
        "followed by a and b",
    ]
    scores = nx.pagerank(world)
    assert table["pagerank"].tolist() == pytest.approx([scores[n] for n in ("x", "w", "y")])


def test_recommendations_include_followed_accounts_when_not_excluded(world):
    table = recommend_to_follow(world, SEEDS, already_following=[])
    assert set(table["username"]) == {"x", "w", "y", "z"}  # never the seed b


def test_recommendations_with_one_seed_enough_and_a_top_limit(world):
    everyone = recommend_to_follow(world, SEEDS, already_following={"a", "z"}, min_seeds=1)
    assert set(everyone["username"]) == {"x", "y", "w", "q"}
    assert everyone["username"].iloc[-1] == "q"
    assert everyone.loc[everyone["username"] == "q", "reason"].item() == "followed by c"
    top_two = recommend_to_follow(world, SEEDS, already_following={"a", "z"}, top=2)
    assert top_two["username"].tolist() == ["x", "w"]


def test_recommendation_ties_go_by_username():
    # t1 and t2 are followed by exactly the same seeds and nobody else: a full tie.
    graph = follow_graph(edges_of({"s1": ["t2", "t1"], "s2": ["t2", "t1"]}))
    table = recommend_to_follow(graph, ["s1", "s2"], already_following=())
    assert table["username"].tolist() == ["t1", "t2"]


def test_recommendations_name_seeds_missing_from_the_graph(world):
    with pytest.raises(ValueError, match="nobody"):
        recommend_to_follow(world, ["a", "nobody"], already_following=())


def test_recommendations_accept_at_signs(world):
    plain = recommend_to_follow(world, SEEDS, already_following={"a", "z"})
    with_at = recommend_to_follow(world, ["@a", "@b", "@c"], already_following={"@a", "@z"})
    pd.testing.assert_frame_equal(plain, with_at)


def test_comparison_shows_who_pagerank_moves(world):
    table = compare_in_degree_and_pagerank(world, top=world.number_of_nodes())
    assert list(table.columns) == COMPARISON_COLUMNS
    assert len(table) == world.number_of_nodes()
    row = table.set_index("username")
    others = world.number_of_nodes() - 1
    assert row.loc["y", "in_degree_centrality"] == pytest.approx(5 / others)
    # y has the most followers of all: in-degree rank 1, but w overtakes it in PageRank.
    assert row.loc["y", "in_degree_rank"] == 1
    assert row.loc["w", "pagerank_rank"] < row.loc["y", "pagerank_rank"]
    assert row.loc["w", "rank_change"] > 0 > row.loc["y", "rank_change"]
    assert (row["rank_change"] == row["in_degree_rank"] - row["pagerank_rank"]).all()
    assert table["pagerank_rank"].is_monotonic_increasing


def test_comparison_ranks_share_ties_and_stop_at_top(world):
    table = compare_in_degree_and_pagerank(world, top=world.number_of_nodes())
    # Ten accounts nobody follows (c, me, p1..p3, h1..h5): in-degree 0, one shared rank,
    # right after the other accounts.
    unfollowed = table[table["in_degree_centrality"] == 0]
    assert set(unfollowed["username"]) == {"c", "me", "p1", "p2", "p3"} | {
        f"h{i}" for i in range(1, 6)
    }
    assert set(unfollowed["in_degree_rank"]) == {world.number_of_nodes() - 10 + 1}
    assert len(compare_in_degree_and_pagerank(world, top=3)) == 3


def test_comparison_of_an_empty_graph_is_an_empty_table():
    table = compare_in_degree_and_pagerank(nx.DiGraph())
    assert list(table.columns) == COMPARISON_COLUMNS and table.empty


def test_edges_from_tables_follow_the_data():
    users = pd.DataFrame({"id": ["1", "2", "3", "4"], "username": ["a", "b", "Cee", "d"]})
    follows = pd.DataFrame({"source_id": ["1", "1", "2", "3"], "target_id": ["4", "2", "4", "1"]})
    edges = following_from_tables(users, follows, ["b", "@a"])
    assert edges.values.tolist() == [["a", "2", "b"], ["a", "4", "d"], ["b", "4", "d"]]
    with pytest.raises(ValueError, match="zed"):
        following_from_tables(users, follows, ["a", "zed"])


class _Refuses(requests.adapters.BaseAdapter):
    """Answers every request the way X answers a token without access: 403 Forbidden."""

    def send(self, request, **kwargs):
        response = requests.Response()
        response.status_code = 403
        response._content = json.dumps(
            {"title": "Client Forbidden", "detail": "This request must be made using an "
             "approved developer account", "type": "https://api.twitter.com/2/problems/"
             "client-forbidden"}).encode()
        response.headers["content-type"] = "application/json"
        response.request = request
        return response

    def close(self):
        pass


def test_a_refusal_says_what_to_do():
    client = tweepy.Client("not-a-real-token")
    client.session.mount("https://", _Refuses())
    with pytest.raises(PermissionError, match="X_BEARER_TOKEN"):
        fetch_following(client, ["ava_learnwell"])


def tiny_x_client():
    """An offline client on a hand-built world: lea follows seven accounts, max follows two."""
    names = ["lea", "max", "t1", "t2", "t3", "t4", "t5", "t6", "t7"]
    users = [
        {"id": str(100 + i), "username": name, "name": name.title(),
         "public_metrics": {"followers_count": 10 * i, "following_count": 0, "tweet_count": 0,
                            "listed_count": 0, "like_count": 0}}
        for i, name in enumerate(names)
    ]
    id_of = {user["username"]: user["id"] for user in users}
    follows = [(id_of["lea"], id_of[f"t{i}"]) for i in (7, 3, 1, 5, 2, 6, 4)]
    follows += [(id_of["max"], id_of["t2"]), (id_of["max"], id_of["lea"])]
    world = xapi.OfflineWorld(users=users, follows=follows, tweets=[],
                              now="2026-03-06T12:00:00Z")
    return xapi.client(world=world)


def test_fetch_following_walks_every_page():
    client = tiny_x_client()
    for page_size in (1, 3, 7, 1000):
        edges = fetch_following(client, ["max", "lea"], max_results=page_size)
        assert list(edges.columns) == EDGE_COLUMNS
        assert edges["source_username"].tolist() == ["lea"] * 7 + ["max"] * 2
        assert edges["target_username"].tolist() == [f"t{i}" for i in range(1, 8)] + ["lea", "t2"]
        assert edges["target_id"].tolist() == [str(101 + i) for i in range(1, 8)] + ["100", "103"]


def test_look_up_users_keeps_the_order_and_names_the_unknown():
    client = tiny_x_client()
    table = look_up_users(client, ["t3", "@lea"])
    assert table.values.tolist() == [["104", "t3", "T3", 40], ["100", "lea", "Lea", 0]]
    with pytest.raises(ValueError, match="nobody"):
        look_up_users(client, ["lea", "nobody"])
    with pytest.raises(ValueError, match="nobody"):
        fetch_following(client, ["nobody"])
    with pytest.raises(ValueError, match="non-empty"):
        look_up_users(client, ["lea", ""])
