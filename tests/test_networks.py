"""One follow-edge shape on X, Mastodon and Bluesky, and the new sample worlds' lessons."""

import warnings

import networkx as nx
import pandas as pd
import pytest

from sociallearning import bluesky, fediverse, following, networks, xapi
from sociallearning.data import generate_bluesky as gb
from sociallearning.data import generate_fediverse as gf
from sociallearning.data import load
from sociallearning.following import EDGE_COLUMNS


@pytest.fixture(autouse=True)
def no_token(monkeypatch):
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)


def test_x_edges_walk_every_page_to_what_the_tables_say():
    api = xapi.client()
    got = networks.following_edges("x", api, ["ava_learnwell", "chen_pkm"])
    expected = following.edges_from_tables("x", ["ava_learnwell", "chen_pkm"])
    pd.testing.assert_frame_equal(got, expected)
    assert (got["source_username"] == "ava_learnwell").sum() > 10  # more than a small page
    with pytest.raises(ValueError, match="nobody_here"):
        networks.following_edges("x", api, ["nobody_here"])


def test_mastodon_edges_come_from_each_home_server_in_the_x_shape():
    leaders = [a for a, *_ in gf.LEADERS]
    edges = networks.following_edges("mastodon", fediverse.client(), leaders)
    assert list(edges.columns) == EDGE_COLUMNS
    assert all(isinstance(v, str) for v in edges.iloc[0])
    follows = load("fedi_follows")
    expected = follows[follows["source_acct"].isin(leaders)]
    assert set(zip(edges["source_username"], edges["target_username"], strict=True)) == set(
        zip(expected["source_acct"], expected["target_acct"], strict=True))
    assert edges.equals(edges.sort_values(["source_username", "target_username"],
                                          ignore_index=True))
    graph = nx.DiGraph(zip(edges["source_username"], edges["target_username"], strict=True))
    for expert in gf.EXPERTS[:gf.ALL_LEADERS_FOLLOW]:
        assert graph.in_degree(expert[0]) == 3


def test_mastodon_hidden_follows_warn_and_bad_addresses_explain():
    api = fediverse.client()
    with pytest.warns(UserWarning, match="hides"):
        assert networks.following_edges("mastodon", api, [gf.HIDES_FOLLOWS]).empty
    with pytest.raises(ValueError, match="user@server"):
        networks.following_edges("mastodon", api, ["ava"])
    with pytest.raises(ValueError, match="no account"):
        networks.following_edges("mastodon", api, ["nobody@learning.example"])


def test_bluesky_edges_in_the_x_shape():
    leaders = [h for h, *_ in gb.LEADERS]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        edges = networks.following_edges("bluesky", bluesky.client(), leaders)
    assert list(edges.columns) == EDGE_COLUMNS
    actors = load("bsky_actors").set_index("did")["handle"]
    follows = load("bsky_follows")
    ids = {actors[d]: d for d in actors.index}
    expected = follows[follows["source_did"].isin([ids[h] for h in leaders])]
    assert set(zip(edges["source_username"], edges["target_id"], strict=True)) == {
        (actors[s], t) for s, t in zip(expected["source_did"], expected["target_did"],
                                       strict=True)}
    assert (edges["target_username"] == edges["target_id"].map(actors)).all()
    with pytest.raises(ValueError, match="nobody.bsky.social"):
        networks.following_edges("bluesky", bluesky.client(), ["nobody.bsky.social"])
    with pytest.raises(ValueError, match="network must be"):
        networks.following_edges("threads", None, ["ava"])


def test_the_leaders_are_on_different_networks():
    fedi = load("fedi_accounts").set_index("acct")
    actors = load("bsky_actors").set_index("handle")
    x_users = set(load("x_users")["username"])
    assert fedi.loc["ava@learning.example", "x_username"] == "ava_learnwell"
    assert fedi.loc["ava@learning.example", "bluesky_handle"] == "ava.learnwell.net"
    assert "ben_worksout" not in set(fedi["x_username"].dropna())  # Ben is not on Mastodon
    assert pd.isna(fedi.loc["tomas@learning.example", "x_username"])  # Mastodon only
    assert "chen_pkm" not in set(actors["x_username"].dropna())  # Chen is not on Bluesky
    assert pd.isna(actors.loc["hanaokafor.bsky.social", "x_username"])  # Bluesky only
    assert set(fedi["x_username"].dropna()) <= x_users
    assert set(actors["x_username"].dropna()) <= x_users
    assert not actors.index.str.endswith(".bsky.social").all()  # a custom-domain handle


def test_new_worlds_hold_together():
    instances, accounts = load("fedi_instances"), load("fedi_accounts")
    assert set(instances["domain"]).issuperset(accounts["domain"])
    assert all(d.endswith(".example") for d in instances["domain"])  # never a real server
    assert set(instances["contact_acct"]) <= set(accounts["acct"])
    follows = load("fedi_follows")
    cross = (follows["source_acct"].str.split("@").str[1]
             != follows["target_acct"].str.split("@").str[1])
    assert cross.mean() > 0.3  # plenty of cross-server follows
    out_degree = follows.groupby("source_acct").size()
    assert (accounts.set_index("acct")["following_count"]
            >= out_degree.reindex(accounts["acct"], fill_value=0).to_numpy()).all()
    assert accounts["hide_collections"].sum() == 1 and accounts["bot"].sum() == 1
    statuses = load("fedi_statuses")
    assert statuses["tags"].fillna("").str.contains("ldchat").sum() > 100
    actors = load("bsky_actors")
    assert actors["did"].str.fullmatch(r"did:plc:[a-z2-7]{24}").all()
    posts = load("bsky_posts")
    assert posts["rkey"].str.fullmatch(r"[2-7a-z]{13}").all()
    members = load("bsky_starter_pack_members")
    assert len(members) == gb.STARTER_PACK_SIZE


@pytest.mark.parametrize("network", networks.NETWORKS)
def test_every_network_gives_the_tables_edges_in_one_shape(network):
    world = following.sample_network(network)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = networks.following_edges(network, following.client_for(network), world.leaders)
    assert list(got.columns) == EDGE_COLUMNS
    pairs = set(zip(got["source_username"], got["target_username"], strict=True))
    assert pairs == set(zip(world.edges["source_username"], world.edges["target_username"],
                            strict=True))
    with pytest.raises(ValueError, match="network must be one of"):
        networks.following_edges("linkedin", None, world.leaders)
