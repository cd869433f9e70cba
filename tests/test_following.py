"""The common shape of module 03 on X, Mastodon and Bluesky, its live switch, and its helpers
(none of which is an exercise's answer)."""

import ast
import json
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
import requests

from sociallearning import follow_plots, following, networks
from sociallearning.data import REFERENCE_NOW, load
from sociallearning.data import generate_bluesky as gb
from sociallearning.data import generate_fediverse as gf

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]
NETWORKS = following.NETWORKS


@pytest.fixture(autouse=True)
def no_tokens(monkeypatch):
    for name in ("X_BEARER_TOKEN", "MASTODON_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("network", NETWORKS)
def test_each_sample_world_has_the_common_shape(network):
    world = following.sample_network(network)
    assert world.network == network and len(world.leaders) == 3
    assert list(world.people.columns) == following.PEOPLE_COLUMNS
    assert list(world.edges.columns) == following.EDGE_COLUMNS
    assert world.people["handle"].is_unique
    handles = set(world.people["handle"])
    assert set(world.edges["source_username"]) == set(world.leaders)
    assert set(world.edges["target_username"]) <= handles
    assert set(world.leaders) | {world.learner, world.chat_host} <= handles
    assert world.people["bot"].dtype == bool
    assert str(world.people["last_post"].dt.tz) == "UTC"
    assert world.today == REFERENCE_NOW
    assert world.my_follows == sorted(world.my_follows) and world.my_follows


@pytest.mark.parametrize("network", NETWORKS)
def test_each_world_holds_what_the_lessons_need(network):
    """Co-followed accounts, accounts one leader follows, and an account nobody active."""
    world = following.sample_network(network)
    counts = world.edges.groupby("target_username")["source_username"].nunique()
    assert (counts == 3).sum() >= 3 and (counts == 1).sum() >= 5
    people = world.people.set_index("handle")
    active = people["last_post"] >= world.today - pd.Timedelta(days=30)
    assert active[counts.index.intersection(people.index)].sum() >= 5


def test_people_come_from_each_networks_own_tables():
    x = following.sample_network("x").people.set_index("handle")
    users = load("x_users").set_index("username")
    assert x.loc["chen_pkm", "followers_count"] == users.loc["chen_pkm", "followers_count"]
    fedi = following.sample_network("mastodon").people.set_index("handle")
    assert bool(fedi.loc[gf.BOT, "bot"]) and fedi["bot"].sum() == 1
    bsky = following.sample_network("bluesky").people.set_index("handle")
    assert bsky.loc[gb.LEARNER, "name"] != ""
    posts = load("bsky_posts")
    ava_did = load("bsky_actors").set_index("handle").loc["ava.learnwell.net", "did"]
    assert bsky.loc["ava.learnwell.net", "last_post"] == posts.loc[
        posts["did"] == ava_did, "created_at"].max()


def test_an_unknown_network_is_named():
    with pytest.raises(ValueError, match="linkedin"):
        following.sample_network("linkedin")
    with pytest.raises(ValueError, match="NETWORK must be one of"):
        following.client_for("threads")


@pytest.mark.parametrize("network", NETWORKS)
def test_followers_page_walks_to_the_end_with_its_cursor(network):
    world = following.sample_network(network)
    _, every = following._tables(network)
    expected = sorted(every.loc[every["target_username"] == world.chat_host,
                                "source_username"])
    seen, cursor, pages = [], None, 0
    while True:
        page, cursor = following.followers_page(network, world.chat_host, cursor, limit=9)
        assert len(page) <= 9
        seen += page
        pages += 1
        if cursor is None:
            break
    assert sorted(seen) == expected and pages >= len(expected) // 9
    first, next_cursor = following.followers_page(network, world.chat_host, limit=9)
    assert len(first) == 9 and next_cursor is not None


@pytest.mark.parametrize("network, unknown", [("x", "nobody_here"),
                                              ("mastodon", "nobody@learning.example"),
                                              ("bluesky", "nobody.bsky.social")])
def test_followers_page_names_unknown_accounts_and_bad_limits(network, unknown):
    with pytest.raises(ValueError, match="nobody"):
        following.followers_page(network, unknown)
    with pytest.raises(ValueError, match="limit"):
        following.followers_page(network, following.sample_network(network).chat_host,
                                 limit=following.PAGE_LIMITS[network] + 1)


class _Refuse(requests.adapters.BaseAdapter):
    """Stands in for the internet: records what would have been sent, sends nothing."""

    def __init__(self):
        super().__init__()
        self.sent = []

    def send(self, request, **kwargs):
        self.sent.append(request.url)
        raise requests.ConnectionError("offline test: no network")

    def close(self):
        pass


def test_live_is_one_argument_and_nothing_else(monkeypatch):
    """Pointing at a live server changes the client's address and transport, nothing else in
    the lesson's code; no request is made here."""
    from sociallearning import bluesky, fediverse, xapi

    for network in NETWORKS:
        assert following.client_for(network) is not None
    mastodon_live = following.client_for("mastodon", live="https://mastodon.social")
    assert not fediverse.is_offline(mastodon_live)
    assert mastodon_live.api_base_url == "https://mastodon.social"
    bluesky_live = following.client_for("bluesky", live=bluesky.PUBLIC_APPVIEW)
    assert not bluesky.is_offline(bluesky_live)
    assert fediverse.is_offline(following.client_for("mastodon"))
    assert bluesky.is_offline(following.client_for("bluesky"))
    with pytest.raises(ValueError, match="token"):
        following.client_for("x", live="token")  # no X_BEARER_TOKEN set: says so
    monkeypatch.setenv("X_BEARER_TOKEN", "not-a-real-token")
    x_live = following.client_for("x", live="token")
    assert not xapi.is_offline(x_live)
    # The same page function, given the live client, would go to the network: refuse it.
    refusal = _Refuse()
    mastodon_live.session.mount("https://", refusal)
    with pytest.raises(Exception):  # noqa: B017, PT011 - Mastodon.py wraps the refusal
        following.followers_page("mastodon", "Gargron@mastodon.social",
                                 client=mastodon_live)
    assert refusal.sent and refusal.sent[0].startswith("https://mastodon.social/api/v1/")


def test_where_the_leaders_are_is_dated_and_says_harold_left_x():
    table = following.WHERE_LEADERS_ARE.set_index("leader")
    assert following.LEADERS_CHECKED_ON == "2026-11-30"
    assert table.loc["Harold Jarche", "active_today"] == "Mastodon"
    assert "November 2024" in table.loc["Harold Jarche", "note"]
    assert {"Julian Stodd", "Jane Bozarth"} <= set(table.index)


def test_the_plots_draw_on_every_network():
    import matplotlib.pyplot as plt

    for network in NETWORKS:
        world = following.sample_network(network)
        ax = follow_plots.draw_co_following(world.edges, world.leaders)
        assert "orange = leaders" in ax.get_title()
        ranks = pd.DataFrame({"handle": ["a", "b"], "followers_rank": [1, 2],
                              "pagerank_rank": [2, 1]})
        ax = follow_plots.plot_rank_comparison(ranks)
        assert [t.get_text() for t in ax.texts] == ["a", "b"]
        plt.close("all")


# --- no module notebook or toolkit helper hands over an exercise's answer -------------------

def _exercise_tasks() -> list[str]:
    notebook = json.loads((ROOT / "exercises/source/03_thought_leaders/"
                           "03_thought_leaders.ipynb").read_text())
    return [c["metadata"]["nbgrader"]["grade_id"] for c in notebook["cells"]
            if c["cell_type"] == "code" and c["metadata"].get("nbgrader", {}).get("solution")]


def test_no_helper_or_module_defines_what_the_exercise_asks_for():
    tasks = set(_exercise_tasks())
    assert tasks == {"followed_by_all", "all_followers", "candidates", "follow_next"}
    for module in (following, networks, follow_plots):
        defined = {node.name for node in ast.walk(ast.parse(Path(module.__file__).read_text()))
                   if isinstance(node, ast.FunctionDef | ast.ClassDef)}
        assert not defined & tasks, module.__name__
        assert not tasks & set(dir(module)), module.__name__
    course = json.loads((ROOT / "course/03_thought_leaders.ipynb").read_text())
    source = "\n".join("".join(c["source"]) for c in course["cells"] if c["cell_type"] == "code")
    assert not [task for task in tasks if f"def {task}(" in source or f".{task}(" in source]


# --- the module itself, on each network ---------------------------------------------------

MODULE = ROOT / "course" / "03_thought_leaders.ipynb"


def _module_on(network: str):
    import nbformat

    notebook = nbformat.read(MODULE, as_version=4)
    pick = [c for c in notebook.cells if c.cell_type == "code" and "NETWORK = " in c.source]
    assert len(pick) == 1 and pick[0].source.startswith('NETWORK = "mastodon"')
    pick[0].source = pick[0].source.replace('NETWORK = "mastodon"', f'NETWORK = "{network}"', 1)
    return notebook


@pytest.mark.parametrize("network", NETWORKS)
def test_the_module_runs_on_every_network(network, tmp_path):
    from nbclient import NotebookClient

    notebook = _module_on(network)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [out for cell in notebook.cells for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.output_type == "error"]
    assert not [out for out in outputs if out.get("name") == "stderr"]
    printed = "".join(out.get("text", "") for out in outputs)
    assert f"{network}, offline on the synthetic sample" in printed
    leaders = following.sample_network(network).leaders
    # The artefact the lesson explains: with the leaders in the graph, they top PageRank.
    top_line = next(line for line in printed.splitlines() if line.startswith("Top three"))
    assert sum(leader in top_line for leader in leaders) >= 2
    assert sum("image/png" in out.get("data", {}) for out in outputs) >= 2


def test_the_module_states_the_facts_it_teaches():
    import nbformat

    text = "\n".join(c.source for c in nbformat.read(MODULE, as_version=4).cells)
    assert "Time to complete:** 3 to 4 hours" in text
    for fact in ("Enterprise", "100 usernames", "15 requests per 15 minutes", "days",
                 "starter pack", "Following", "November 2024"):
        assert fact in text, fact
    assert "environment variable away" not in text
    seek = text.index("**Seek**")
    assert "finding whom to follow" in text[seek:seek + 300]  # finding people is Seek
    sense = text.index("**Sense**")
    assert "experiments at work" in text[sense:sense + 200]
    assert "sense_note" in text  # Sense is practised, not only named
