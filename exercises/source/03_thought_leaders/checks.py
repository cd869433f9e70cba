"""Checks for exercise 03_thought_leaders: following leaders on X and letting them lead on.

Each visible check runs the learner's function on the sample data through the offline
tweepy client (never the network, whatever X_BEARER_TOKEN says) and compares with the
reference in sociallearning.following. The *_edge_cases checks use small hand-built cases.
"""

from pathlib import Path

import networkx as nx
import pandas as pd

from sociallearning import feedback, following
from sociallearning.data import SEED_LEADERS, load
from sociallearning.exercises import solution_namespace

# The reference answers are the solution cells of the notebook beside this file; the
# toolkit's `following` builds the sample graphs the cases use.
reference = solution_namespace(Path(__file__).with_name("03_thought_leaders.ipynb"))

LEARNER = "you_learner"
NO_SUCH_USER = "nobody_here"  # a valid username (1-15 letters, digits, _) nobody has

# A small world for the edge cases (seeds a, b, c; the learner "me"): x is followed by
# all three seeds; y, w, z and b by two; q by one; z is followed by the learner already.
# y has more followers than w, but w is followed by h, whom many follow: PageRank puts w
# above y. t1 and t2 are a perfect tie (the same two seeds, nobody else).
SMALL_WORLD = {
    "a": ["x", "y", "z", "b", "t2", "t1"],
    "b": ["x", "y", "w", "t1", "t2"],
    "c": ["x", "z", "w", "q", "b"],
    "me": ["a", "z"],
    "p1": ["y"],
    "p2": ["y"],
    "p3": ["y"],
    "h": ["w"],
    **{f"h{i}": ["h"] for i in range(1, 6)},
}
SMALL_SEEDS = ["a", "b", "c"]


def _client():
    """The offline tweepy client, served from the sample data."""
    from sociallearning import xapi

    return xapi.client(offline=True)


def _small_world_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_edges_from((s, t) for s, targets in SMALL_WORLD.items() for t in targets)
    return graph


def _edges_from_data(usernames) -> pd.DataFrame:
    return following.following_from_tables(load("x_users"), load("x_follows"), usernames)


def _learner_follows() -> set[str]:
    return set(_edges_from_data([LEARNER])["target_username"])


def _sample_graph() -> nx.DiGraph:
    """Two steps out: the seeds, whom they follow, and whom those accounts follow."""
    first_step = _edges_from_data(SEED_LEADERS)
    reached = sorted(set(first_step["target_username"]) - set(SEED_LEADERS))
    return following.follow_graph(pd.concat([first_step, _edges_from_data(reached)]))


def _expect_value_error_naming(call, name: str, what: str) -> None:
    """`call()` must raise ValueError whose message names `name`."""
    try:
        call()
    except ValueError as error:
        feedback.expect(
            name in str(error),
            f"{what} raised a ValueError, but its message does not name the unknown "
            f"username {name!r}: {str(error)!r}. Say which username X could not find.",
        )
        return
    except Exception as error:  # the learner's code may fail in any way; say how
        raise feedback.CheckFailed(
            f"{what} should raise a ValueError naming {name!r} when X cannot find that "
            f"username, but it raised {type(error).__name__}: {error}"
        ) from None
    raise feedback.CheckFailed(
        f"{what} should raise a ValueError naming {name!r} when X cannot find that username "
        "(look in response.errors), but it raised nothing."
    )


# 3.1 -------------------------------------------------------------------------------------
def look_up_users(learner_function) -> None:
    with feedback.task("look_up_users"):
        client = _client()
        got = learner_function(client, list(SEED_LEADERS))
        expected = reference.look_up_users(client, list(SEED_LEADERS))
        feedback.expect_same_frame(got, expected, "look_up_users(client, SEED_LEADERS)")
    feedback.passed(
        "look_up_users() returns id (as text), username, name and followers_count, "
        "one row per username in the order asked."
    )


def look_up_users_edge_cases(learner_function) -> None:
    with feedback.task("look_up_users"):
        client = _client()
        asked = [SEED_LEADERS[-1], LEARNER, SEED_LEADERS[0]]
        feedback.expect_same_frame(
            learner_function(client, list(asked)),
            reference.look_up_users(client, asked),
            f"look_up_users(client, {asked})",
        )
        _expect_value_error_naming(
            lambda: learner_function(client, [SEED_LEADERS[0], NO_SUCH_USER]),
            NO_SUCH_USER,
            "look_up_users() with an unknown username",
        )
    feedback.passed("look_up_users() keeps the order asked and names unknown usernames.")


# 3.2 -------------------------------------------------------------------------------------
def following_edges(learner_function) -> None:
    with feedback.task("following_edges"):
        expected = _edges_from_data(SEED_LEADERS)
        # Pages of 10 accounts: each leader follows more, so it takes the next_token.
        got = learner_function(_client(), list(SEED_LEADERS), max_results=10)
        with feedback.likely_cause(_first_pages_only(got, expected)):
            feedback.expect_same_frame(
                got, expected, "following_edges(client, SEED_LEADERS, max_results=10)"
            )
    feedback.passed(
        f"following_edges() walks every page: {len(expected)} follows of the three leaders, "
        "sorted by source_username then target_username."
    )


def _first_pages_only(got, expected) -> str | None:
    """Fewer rows than expected, at most one page per leader: pagination was skipped."""
    if type(got) is not pd.DataFrame or "source_username" not in got.columns:
        return None
    per_leader = got.groupby("source_username").size()
    if len(got) < len(expected) and (per_leader <= 10).all():
        return (f"you returned {len(got)} of {len(expected)} follows, at most one page of 10 "
                "per leader: did you follow `next_token` to the next pages (or use "
                "tweepy.Paginator)?")
    return None


def following_edges_edge_cases(learner_function) -> None:
    with feedback.task("following_edges"):
        leader = SEED_LEADERS[1]
        feedback.expect_same_frame(
            learner_function(_client(), [leader], max_results=7),
            _edges_from_data([leader]),
            f"following_edges(client, [{leader!r}], max_results=7) (many small pages)",
        )
        feedback.expect_same_frame(
            learner_function(_client(), [LEARNER]),
            _edges_from_data([LEARNER]),
            f"following_edges(client, [{LEARNER!r}])",
        )
        _expect_value_error_naming(
            lambda: learner_function(_client(), [leader, NO_SUCH_USER], max_results=100),
            NO_SUCH_USER,
            "following_edges() with an unknown username",
        )
    feedback.passed("following_edges() handles small pages, one user, and unknown usernames.")


# 3.3 -------------------------------------------------------------------------------------
def _edge_list(graph: nx.DiGraph) -> list[str]:
    return sorted(f"{source} -> {target}" for source, target in graph.edges)


def _expect_graph(got, expected: nx.DiGraph, what: str) -> None:
    feedback.expect_type(got, nx.DiGraph, what)
    reversed_edges = sorted(f"{target} -> {source}" for source, target in got.edges)
    feedback.expect(
        reversed_edges != _edge_list(expected) or _edge_list(got) == _edge_list(expected),
        f"{what}: every arrow points the wrong way. An edge goes from the follower "
        "(source_username) to the account followed (target_username).",
    )
    feedback.expect_same_values(
        _edge_list(got), _edge_list(expected), f"the edges (follower -> followed) of {what}"
    )
    feedback.expect_same_values(
        sorted(map(str, got.nodes)), sorted(map(str, expected.nodes)), f"the nodes of {what}"
    )


def follow_graph(learner_function) -> None:
    with feedback.task("follow_graph"):
        edges = _edges_from_data(SEED_LEADERS)
        got = learner_function(edges.copy())
        _expect_graph(got, reference.follow_graph(edges), "follow_graph(edges)")
    feedback.passed("follow_graph() draws one arrow from each follower to the account followed.")


def follow_graph_edge_cases(learner_function) -> None:
    with feedback.task("follow_graph"):
        empty = pd.DataFrame(columns=following.EDGE_COLUMNS)
        _expect_graph(learner_function(empty.copy()), nx.DiGraph(), "follow_graph(no edges)")
        twice = pd.DataFrame(
            [["a", "2", "b"], ["a", "2", "b"], ["b", "1", "a"]], columns=following.EDGE_COLUMNS
        )
        _expect_graph(
            learner_function(twice.copy()),
            reference.follow_graph(twice),
            "follow_graph(edges with a repeated row and a follow-back)",
        )
    feedback.passed("follow_graph() handles no edges, repeated rows and follow-backs.")


# 3.4 -------------------------------------------------------------------------------------
def recommend_to_follow(learner_function) -> None:
    with feedback.task("recommend_to_follow"):
        graph = _sample_graph()
        mine = _learner_follows()
        got = learner_function(graph.copy(), list(SEED_LEADERS), set(mine), min_seeds=2, top=10)
        expected = reference.recommend_to_follow(graph, SEED_LEADERS, mine, min_seeds=2, top=10)
        feedback.expect_same_frame(
            got, expected, "recommend_to_follow(graph, SEED_LEADERS, my_follows, min_seeds=2)"
        )
    feedback.passed(
        "recommend_to_follow() ranks accounts several leaders follow, by leaders then PageRank, "
        "and leaves out the leaders and whom you follow already."
    )


def recommend_to_follow_edge_cases(learner_function) -> None:
    with feedback.task("recommend_to_follow"):
        graph = _small_world_graph()
        cases = [
            (SMALL_SEEDS, {"a", "z"}, 2, 10, "ties, seeds and your follows left out"),
            (SMALL_SEEDS, set(), 2, 10, "nobody followed yet"),
            (SMALL_SEEDS, {"a", "z"}, 1, 10, "one leader is enough"),
            (SMALL_SEEDS, {"a", "z"}, 3, 10, "all three leaders"),
            (SMALL_SEEDS, {"a", "z"}, 2, 3, "top=3"),
            (["b", "a"], set(), 2, 10, "seeds in another order"),
        ]
        for seeds, mine, min_seeds, top, about in cases:
            feedback.expect_same_frame(
                learner_function(graph.copy(), list(seeds), set(mine), min_seeds=min_seeds,
                                 top=top),
                reference.recommend_to_follow(graph, seeds, mine, min_seeds=min_seeds, top=top),
                f"recommend_to_follow() on a small graph ({about})",
            )
    feedback.passed("recommend_to_follow() handles ties, exclusions, min_seeds and top.")


# 3.5 -------------------------------------------------------------------------------------
def compare_in_degree_and_pagerank(learner_function) -> None:
    with feedback.task("compare_in_degree_and_pagerank"):
        graph = _sample_graph()
        got = learner_function(graph.copy(), top=10)
        expected = reference.compare_in_degree_and_pagerank(graph, top=10)
        feedback.expect_same_frame(got, expected, "compare_in_degree_and_pagerank(graph)")
    feedback.passed(
        "compare_in_degree_and_pagerank() puts both ranks side by side for the top accounts "
        "by PageRank."
    )


def compare_in_degree_and_pagerank_edge_cases(learner_function) -> None:
    with feedback.task("compare_in_degree_and_pagerank"):
        graph = _small_world_graph()
        for top in (3, graph.number_of_nodes()):
            feedback.expect_same_frame(
                learner_function(graph.copy(), top=top),
                reference.compare_in_degree_and_pagerank(graph, top=top),
                f"compare_in_degree_and_pagerank() on a small graph with ties (top={top})",
            )
    feedback.passed("compare_in_degree_and_pagerank() shares tied ranks and stops at top.")
