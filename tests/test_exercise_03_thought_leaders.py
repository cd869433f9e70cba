"""Exercise 03: the checks pass the source notebook's solutions and reject typical wrong answers.

The reference itself is proven in test_following.py (tiny graphs) and here against the
sample data read straight from the tables, without the API.
"""

import networkx as nx
import pandas as pd
import pytest
import tweepy
from exercise_helpers import AlwaysEqual, solution_namespace, test_cells

from sociallearning import feedback, following, xapi
from sociallearning.data import SEED_LEADERS, load
from sociallearning.exercises import Exercise

NAME = "03_thought_leaders"
TASKS = [
    "look_up_users",
    "following_edges",
    "follow_graph",
    "recommend_to_follow",
    "compare_in_degree_and_pagerank",
]

checks = Exercise("03_thought_leaders").checks_module()


@pytest.fixture(scope="module")
def solutions() -> dict:
    return solution_namespace(NAME)


def run_checks(task: str, function) -> None:
    """The visible check, then the hidden one, as the graded test cell runs them."""
    getattr(checks, task)(function)
    getattr(checks, f"{task}_edge_cases")(function)



def returns(value):
    return lambda *args, **kwargs: value


COMMON_WRONG = {
    "None": returns(None),
    "always equal": returns(AlwaysEqual()),
}


# --- the reference against the sample data ---------------------------------------------


def test_reference_fetches_what_the_tables_say():
    client = xapi.client(offline=True)
    edges = following.fetch_following(client, SEED_LEADERS, max_results=3)
    expected = following.following_from_tables(load("x_users"), load("x_follows"), SEED_LEADERS)
    pd.testing.assert_frame_equal(edges, expected)
    follows = load("x_follows")
    users = load("x_users").set_index("username")
    for leader in SEED_LEADERS:
        count = (follows["source_id"] == users.loc[leader, "id"]).sum()
        assert (edges["source_username"] == leader).sum() == count > 3  # several pages


def test_reference_looks_up_users_in_the_order_asked():
    client = xapi.client(offline=True)
    asked = ["chen_pkm", "@ava_learnwell", "you_learner"]
    table = following.look_up_users(client, asked)
    users = load("x_users").set_index("username")
    assert table["username"].tolist() == ["chen_pkm", "ava_learnwell", "you_learner"]
    assert table["id"].tolist() == [str(users.loc[u, "id"]) for u in table["username"]]
    assert table["followers_count"].tolist() == [
        int(users.loc[u, "followers_count"]) for u in table["username"]
    ]


def test_reference_names_unknown_usernames():
    with pytest.raises(ValueError, match="nobody_here"):
        following.look_up_users(xapi.client(offline=True), ["ava_learnwell", "nobody_here"])
    with pytest.raises(ValueError, match="max_results"):
        following.fetch_following(xapi.client(offline=True), ["ava_learnwell"], max_results=0)


def test_sample_recommendations_leave_out_what_you_follow():
    graph = checks._sample_graph()
    mine = checks._learner_follows()
    table = following.recommend_to_follow(graph, SEED_LEADERS, mine, top=50)
    assert not set(table["username"]) & (mine | set(SEED_LEADERS))
    assert (table["seeds_following"] >= 2).all() and len(table) > 5
    # Without the exclusions, the chat host all three leaders follow comes first or close.
    unfiltered = following.recommend_to_follow(graph, SEED_LEADERS, set(), top=50)
    assert mine & set(unfiltered["username"])


# --- the source notebook's solutions pass -----------------------------------------------


@pytest.mark.parametrize("task", TASKS)
def test_solution_passes(solutions, task, capsys):
    run_checks(task, solutions[task])
    assert "✔" in capsys.readouterr().out


def test_the_test_cells_run_on_the_solutions(solutions, capsys):
    cells = dict(test_cells(NAME))
    assert sorted(cells) == sorted(f"test_{task}" for task in TASKS)
    for source in cells.values():
        exec(compile(source, NAME, "exec"), dict(solutions))
    captured = capsys.readouterr()
    assert captured.out.count("✔") == 2 * len(TASKS) and not captured.err


# --- wrong answers are rejected ---------------------------------------------------------


def assert_rejected(task: str, function) -> None:
    with pytest.raises(feedback.CheckFailed):
        run_checks(task, function)


def wrong_lookups(solutions):
    def list_of_dicts(client, usernames):
        return solutions["look_up_users"](client, usernames).to_dict("records")

    def ids_as_numbers(client, usernames):
        return solutions["look_up_users"](client, usernames).astype({"id": int})

    def sorted_by_username(client, usernames):
        table = solutions["look_up_users"](client, usernames)
        return table.sort_values("username").reset_index(drop=True)

    def errors_ignored(client, usernames):
        response = client.get_users(usernames=list(usernames), user_fields=["public_metrics"])
        rows = [[str(u.id), u.username, u.name, u.public_metrics["followers_count"]]
                for u in response.data]
        return pd.DataFrame(rows, columns=following.USER_COLUMNS)

    return {
        "wrong type": list_of_dicts,
        "ids as numbers": ids_as_numbers,
        "sorted instead of in the order asked": sorted_by_username,
        "unknown usernames ignored": errors_ignored,
    }


def edges_page_by_page(client, usernames, max_results, *, every_page: bool, sort: bool = True,
                       text_ids: bool = True):
    rows = []
    for username in usernames:
        user = client.get_user(username=username).data
        if user is None:
            continue  # unknown usernames silently skipped
        if every_page:
            followed = tweepy.Paginator(
                client.get_users_following, user.id, max_results=max_results
            ).flatten()
        else:
            followed = client.get_users_following(user.id, max_results=max_results).data or []
        rows += [[user.username, str(f.id) if text_ids else f.id, f.username] for f in followed]
    edges = pd.DataFrame(rows, columns=following.EDGE_COLUMNS)
    if sort:
        edges = edges.sort_values(["source_username", "target_username"], ignore_index=True)
    return edges


def wrong_edges(solutions):
    def first_page_only(client, usernames, max_results=1000):
        return edges_page_by_page(client, usernames, max_results, every_page=False)

    def unsorted(client, usernames, max_results=1000):
        return edges_page_by_page(client, usernames, max_results, every_page=True, sort=False)

    def numeric_ids(client, usernames, max_results=1000):
        return edges_page_by_page(client, usernames, max_results, every_page=True,
                                  text_ids=False)

    def unknown_skipped(client, usernames, max_results=1000):
        return edges_page_by_page(client, usernames, max_results, every_page=True)

    def wrong_type(client, usernames, max_results=1000):
        return list(solutions["following_edges"](client, usernames, max_results).itertuples())

    return {
        "only the first page": first_page_only,
        "unsorted": unsorted,
        "ids as numbers": numeric_ids,
        "unknown usernames skipped": unknown_skipped,
        "wrong type": wrong_type,
    }


def wrong_graphs(solutions):
    def reversed_edges(edges):
        return solutions["follow_graph"](edges).reverse()

    def undirected(edges):
        return nx.Graph(solutions["follow_graph"](edges))

    def edge_list(edges):
        return list(solutions["follow_graph"](edges).edges)

    def ids_as_targets(edges):
        graph = nx.DiGraph()
        graph.add_edges_from(zip(edges["source_username"], edges["target_id"], strict=True))
        return graph

    return {
        "arrows reversed": reversed_edges,
        "undirected": undirected,
        "wrong type": edge_list,
        "ids instead of usernames": ids_as_targets,
    }


def recommendations(graph, seeds, already_following, min_seeds=2, top=10, *,
                    exclude_seeds=True, exclude_followed=True, tie_break="pagerank",
                    at_least=True):
    """A configurable near-solution, for wrong answers that differ in one respect."""
    score = nx.pagerank(graph) if tie_break == "pagerank" else dict(graph.in_degree())
    followed_by: dict = {}
    for seed in seeds:
        for account in graph.successors(seed):
            followed_by.setdefault(account, []).append(seed)
    left_out = (set(seeds) if exclude_seeds else set()) | (
        set(already_following) if exclude_followed else set()
    )
    pagerank = nx.pagerank(graph)
    rows = []
    for account, by in followed_by.items():
        enough = len(by) >= min_seeds if at_least else len(by) > min_seeds
        if enough and account not in left_out:
            words = by[0] if len(by) == 1 else ", ".join(by[:-1]) + " and " + by[-1]
            rows.append([account, len(by), pagerank[account], "followed by " + words,
                         score[account]])
    table = pd.DataFrame(rows, columns=[*following.RECOMMENDATION_COLUMNS, "score"])
    if tie_break == "unsorted":
        ordered = table
    else:
        ordered = table.sort_values(["seeds_following", "score", "username"],
                                    ascending=[False, False, True])
    return ordered[following.RECOMMENDATION_COLUMNS].head(top).reset_index(drop=True)


def wrong_recommendations(solutions):
    def variant(**how):
        return lambda *args, **kwargs: recommendations(*args, **kwargs, **how)

    def usernames_only(*args, **kwargs):
        return solutions["recommend_to_follow"](*args, **kwargs)["username"].tolist()

    def reason_in_sorted_order(graph, seeds, *args, **kwargs):
        table = solutions["recommend_to_follow"](graph, seeds, *args, **kwargs)
        ranked = solutions["recommend_to_follow"](graph, sorted(seeds), *args, **kwargs)
        return table.assign(reason=table["username"].map(dict(zip(ranked["username"],
                                                                   ranked["reason"],
                                                                   strict=True))))

    return {
        "already-followed accounts not excluded": variant(exclude_followed=False),
        "seeds themselves included": variant(exclude_seeds=False),
        "ties broken by in-degree, not PageRank": variant(tie_break="in_degree"),
        "unsorted": variant(tie_break="unsorted"),
        "more than min_seeds instead of at least": variant(at_least=False),
        "reason not in the order of seeds": reason_in_sorted_order,
        "wrong type": usernames_only,
    }


def comparisons(graph, top=10, *, order_by="pagerank_rank", rank_method="min", flip=False):
    table = following.compare_in_degree_and_pagerank(graph, top=graph.number_of_nodes())
    measures = {"in_degree_centrality": "in_degree_rank", "pagerank": "pagerank_rank"}
    for measure, rank in measures.items():
        table[rank] = table[measure].rank(method=rank_method, ascending=False).astype(int)
    table["rank_change"] = table["in_degree_rank"] - table["pagerank_rank"]
    if flip:
        table["rank_change"] = -table["rank_change"]
    table = table.sort_values([order_by, "username"])
    return table.head(top).reset_index(drop=True)


def wrong_comparisons(solutions):
    def variant(**how):
        return lambda graph, top=10: comparisons(graph, top, **how)

    def as_dict(graph, top=10):
        return solutions["compare_in_degree_and_pagerank"](graph, top).to_dict()

    return {
        "top by in-degree, not PageRank": variant(order_by="in_degree_rank"),
        "ties get different ranks": variant(rank_method="first"),
        "dense ranks": variant(rank_method="dense"),
        "rank_change the wrong way round": variant(flip=True),
        "wrong type": as_dict,
    }


WRONG = {
    "look_up_users": wrong_lookups,
    "following_edges": wrong_edges,
    "follow_graph": wrong_graphs,
    "recommend_to_follow": wrong_recommendations,
    "compare_in_degree_and_pagerank": wrong_comparisons,
}
CASES = [
    (task, label)
    for task, make in WRONG.items()
    for label in [*make(None), *COMMON_WRONG]
]


@pytest.mark.parametrize(("task", "label"), CASES, ids=[f"{t}: {w}" for t, w in CASES])
def test_wrong_answer_is_rejected(solutions, task, label):
    wrong = {**WRONG[task](solutions), **COMMON_WRONG}[label]
    assert_rejected(task, wrong)


def test_a_rejection_says_what_is_wrong(solutions):
    with pytest.raises(feedback.CheckFailed) as failure:
        checks.following_edges(wrong_edges(solutions)["only the first page"])
    assert "following_edges" in str(failure.value) and "rows" in str(failure.value)
    with pytest.raises(feedback.CheckFailed) as failure:
        checks.look_up_users_edge_cases(wrong_lookups(solutions)["unknown usernames ignored"])
    assert "nobody_here" in str(failure.value)



def test_reading_only_the_first_page_is_named_in_the_visible_check():
    def first_page_only(client, usernames, max_results=1000):
        return edges_page_by_page(client, usernames, max_results, every_page=False)

    with pytest.raises(feedback.CheckFailed) as failed:
        checks.following_edges(first_page_only)
    assert "did you follow `next_token`" in str(failed.value)
