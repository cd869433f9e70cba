"""The offline Bluesky AppView through the real AT Protocol SDK, on a small hand-built world.

Expected values are read off the world below. View key sets come from the lexicons (the
SDK's models check required fields) and the AppView's snapshot tests in bluesky-social/atproto
(packages/bsky/tests/views/__snapshots__), as a signed-out visitor gets them (no `viewer`).
"""

import socket
from datetime import UTC, datetime, timedelta

import atproto
import httpx
import pytest
from atproto_client.exceptions import (
    BadRequestError,
    NetworkError,
    RateLimitExceededError,
    RequestException,
)

from sociallearning import bluesky
from sociallearning.bluesky import BlueskyWorld, OfflineAppViewTransport, is_offline

NOW = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
DIDS = {name: "did:plc:" + (name * 24)[:24] for name in ("ava", "ben", "cat")}
FILLERS = [f"f{i:02d}.bsky.social" for i in range(60)]


def _did(i):
    return "did:plc:" + "f" * 20 + "".join("abcdefghijklmnopqrstuvwxyz234567"[int(c)] for c in
                                           f"{i:04d}")


def _time(minutes):
    return (NOW - timedelta(days=1) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


ACTORS = [
    {"did": DIDS["ava"], "handle": "ava.learnwell.net", "display_name": "Ava",
     "description": "Fictional", "created_at": "2023-06-01T10:00:00Z", "followers_count": 99,
     "follows_count": 70, "posts_count": 12},
    {"did": DIDS["ben"], "handle": "ben.bsky.social", "display_name": "Ben",
     "created_at": "2023-07-01T10:00:00Z"},
    {"did": DIDS["cat"], "handle": "cat.bsky.social", "created_at": "2024-01-01T10:00:00Z"},
] + [{"did": _did(i), "handle": h, "created_at": "2024-02-01T00:00:00Z"}
     for i, h in enumerate(FILLERS)]
FOLLOWS = ([{"source_did": DIDS["ava"], "target_did": _did(i), "rkey": f"3kfill{i:07d}",
             "created_at": _time(i)} for i in range(60)]
           + [{"source_did": DIDS["ava"], "target_did": DIDS["ben"], "rkey": "3kben00000001",
               "created_at": _time(100)},
              {"source_did": DIDS["ben"], "target_did": DIDS["ava"], "rkey": "3kava00000001",
               "created_at": _time(5)}])
AVA_FOLLOWS = [DIDS["ben"]] + [_did(i) for i in reversed(range(60))]  # newest follow first
POSTS = [{"did": [DIDS["ava"], DIDS["ben"], DIDS["cat"]][i % 3], "rkey": f"3kpost{i:07d}",
          "created_at": _time(200 + i), "text": f"A{i} thoughts on #ldchat and more #wol"}
         for i in range(30)]
POSTS.append({"did": DIDS["cat"], "rkey": "3kreply000001", "created_at": _time(300),
              "text": "Agreed! #ldchat", "reply_to_uri": f"at://{DIDS['ava']}/app.bsky.feed."
                                                         "post/3kpost0000000"})
PACK = f"at://{DIDS['ava']}/app.bsky.graph.starterpack/3kpack0000001"
PACKS = [{"uri": PACK, "creator_did": DIDS["ava"], "name": "Learning in the open",
          "description": "Follow them all", "created_at": "2026-01-01T00:00:00Z",
          "list_uri": f"at://{DIDS['ava']}/app.bsky.graph.list/3klist0000001",
          "joined_week_count": 1, "joined_all_time_count": 5}]
MEMBERS = [{"starter_pack_uri": PACK, "member_did": _did(i), "rkey": f"3kitem{i:07d}",
            "created_at": "2026-01-01T00:00:00Z"} for i in range(15)]

PROFILE_DETAILED_KEYS = {"did", "handle", "displayName", "description", "associated", "labels",
                         "createdAt", "indexedAt", "followersCount", "followsCount",
                         "postsCount"}
PROFILE_VIEW_KEYS = {"did", "handle", "displayName", "description", "associated", "labels",
                     "createdAt", "indexedAt"}
POST_VIEW_KEYS = {"uri", "cid", "author", "record", "bookmarkCount", "replyCount",
                  "repostCount", "likeCount", "quoteCount", "indexedAt", "labels"}


def world():
    return BlueskyWorld(ACTORS, FOLLOWS, POSTS, NOW, PACKS, MEMBERS)


@pytest.fixture
def api():
    return bluesky.client(world=world())


def raw(api, nsid, **params):
    """The JSON body and headers of one query, as the SDK's request object gets them."""
    return api.request.get(f"https://public.api.bsky.app/xrpc/{nsid}", params=params)


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a socket tried to connect")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# -- the client -----------------------------------------------------------------------------


def test_offline_by_default_and_a_real_atproto_client():
    api = bluesky.client()
    assert isinstance(api, atproto.Client) and is_offline(api)
    assert api._base_url == "https://public.api.bsky.app/xrpc"
    assert "not loaded yet" in repr(api)


def test_the_live_url_is_the_only_change_and_requests_go_there(monkeypatch):
    live = bluesky.client(base_url="https://public.api.bsky.app")
    assert type(live) is atproto.Client and not is_offline(live)
    sent = []

    def capture(request, **kwargs):
        sent.append(request)
        raise httpx.ConnectError("not sent in tests")

    monkeypatch.setattr(live.request._client, "send", capture)
    with pytest.raises(NetworkError):
        live.app.bsky.actor.get_profile({"actor": "ava.learnwell.net"})
    assert str(sent[0].url) == (
        "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile?actor=ava.learnwell.net")
    assert "authorization" not in sent[0].headers  # public reads need no login
    offline = bluesky.client(world=world())
    offline.app.bsky.actor.get_profile({"actor": "ava.learnwell.net"})
    assert offline.transport.requests_seen[-1] == "GET " + str(sent[0].url)


def test_offline_never_opens_a_socket(no_network, api):
    api.app.bsky.actor.get_profile({"actor": "ava.learnwell.net"})
    api.app.bsky.feed.search_posts({"q": "#ldchat"})
    elsewhere = api.request._client.get("https://bsky.social/xrpc/app.bsky.actor.getProfile")
    assert elsewhere.status_code == 404 and "nothing was sent to bsky.social" in elsewhere.text
    with pytest.raises(RequestException) as raised:
        api.app.bsky.feed.get_timeline()  # a real SDK method the offline AppView does not serve
    assert raised.value.response.status_code == 501
    assert raised.value.response.content.error == "MethodNotImplemented"


def test_the_socket_guard_itself_works(no_network):
    with pytest.raises(AssertionError, match="socket"):
        socket.create_connection(("127.0.0.1", 9))


# -- profiles -----------------------------------------------------------------------------


def test_profile_has_the_signed_out_fields(api):
    body = raw(api, "app.bsky.actor.getProfile", actor="ava.learnwell.net").content
    assert set(body) == PROFILE_DETAILED_KEYS  # no viewer, no avatar (none set)
    assert body["did"] == DIDS["ava"] and body["followersCount"] == 99
    assert body["createdAt"] == "2023-06-01T10:00:00.000Z"
    assert body["associated"]["starterPacks"] == 1
    ben = raw(api, "app.bsky.actor.getProfile", actor=DIDS["ben"]).content
    assert "description" not in ben and ben["postsCount"] == 0  # absent when not set
    model = api.app.bsky.actor.get_profile({"actor": "AVA.learnwell.net"})
    assert type(model).__name__ == "ProfileViewDetailed" and model.handle == "ava.learnwell.net"


def test_unknown_actors_are_xrpc_invalid_request(api):
    with pytest.raises(BadRequestError) as raised:
        api.app.bsky.actor.get_profile({"actor": "nobody.bsky.social"})
    assert raised.value.response.status_code == 400
    assert (raised.value.response.content.error, raised.value.response.content.message) == (
        "InvalidRequest", "Profile not found")
    with pytest.raises(BadRequestError, match="Actor not found: nobody.bsky.social"):
        api.app.bsky.graph.get_follows({"actor": "nobody.bsky.social"})
    with pytest.raises(BadRequestError) as raised:
        raw(api, "app.bsky.actor.getProfile")
    assert "actor" in raised.value.response.content.message


# -- follows ------------------------------------------------------------------------------


def test_follows_page_50_then_cursor_to_the_end(api):
    first = api.app.bsky.graph.get_follows({"actor": "ava.learnwell.net"})
    assert len(first.follows) == 50 and first.cursor
    assert first.subject.did == DIDS["ava"]
    seen, cursor = [f.did for f in first.follows], first.cursor
    while cursor:
        page = api.app.bsky.graph.get_follows({"actor": DIDS["ava"], "cursor": cursor})
        seen += [f.did for f in page.follows]
        cursor = page.cursor
    assert seen == AVA_FOLLOWS
    whole = api.app.bsky.graph.get_follows({"actor": DIDS["ava"], "limit": 100})
    assert len(whole.follows) == 61 and whole.cursor is None
    body = raw(api, "app.bsky.graph.getFollows", actor=DIDS["ava"], limit=1).content
    assert set(body) == {"subject", "follows", "cursor"}
    assert set(body["follows"][0]) <= PROFILE_VIEW_KEYS and "followersCount" not in body["subject"]


def test_follows_limit_is_1_to_100(api):
    for bad, message in ((101, "greater than 100"), (0, "less than 1")):
        with pytest.raises(BadRequestError, match=message):
            raw(api, "app.bsky.graph.getFollows", actor=DIDS["ava"], limit=bad)


def test_followers(api):
    page = api.app.bsky.graph.get_followers({"actor": "ava.learnwell.net"})
    assert [f.handle for f in page.followers] == ["ben.bsky.social"] and page.cursor is None


# -- search and starter packs --------------------------------------------------------------


def test_search_posts_for_a_hashtag_pages_by_cursor(api):
    first = api.app.bsky.feed.search_posts({"q": "#ldchat"})
    assert len(first.posts) == 25 and first.cursor  # 25 by default
    rest = api.app.bsky.feed.search_posts({"q": "#ldchat", "cursor": first.cursor})
    assert len(rest.posts) == 6 and rest.cursor is None
    uris = [p.uri for p in first.posts + rest.posts]
    assert len(set(uris)) == 31
    times = [p.record.created_at for p in first.posts + rest.posts]
    assert times == sorted(times, reverse=True)  # latest first
    body = raw(api, "app.bsky.feed.searchPosts", q="#ldchat", limit=1).content
    post = body["posts"][0]
    assert set(post) == POST_VIEW_KEYS
    assert post["record"]["reply"]["parent"]["uri"].endswith("3kpost0000000")
    tag = post["record"]["facets"][0]
    text = post["record"]["text"].encode()
    assert text[tag["index"]["byteStart"]:tag["index"]["byteEnd"]] == b"#ldchat"
    assert tag["features"] == [{"$type": "app.bsky.richtext.facet#tag", "tag": "ldchat"}]
    assert api.app.bsky.feed.search_posts({"q": "#ldchat from:ben.bsky.social",
                                           "limit": 100}).posts[0].author.handle == \
        "ben.bsky.social"
    assert api.app.bsky.feed.search_posts({"q": "#nothing"}).posts == []


def test_starter_pack_lists_accounts_to_follow(api):
    pack = api.app.bsky.graph.get_starter_pack({"starter_pack": PACK}).starter_pack
    assert pack.record["name"] == "Learning in the open"
    assert pack.creator.handle == "ava.learnwell.net"
    assert len(pack.list_items_sample) == 12 and pack.list.list_item_count == 15
    members, cursor = [], None
    while True:
        page = api.app.bsky.graph.get_list({"list": pack.list.uri, "limit": 10,
                                            "cursor": cursor})
        members += [item.subject.did for item in page.items]
        cursor = page.cursor
        if not cursor:
            break
    assert members == [_did(i) for i in range(15)]
    with pytest.raises(BadRequestError, match="Starter pack not found"):
        api.app.bsky.graph.get_starter_pack({"starter_pack": PACK + "x"})


# -- rate limits ----------------------------------------------------------------------------


def test_every_answer_reports_rate_limit_headers(api):
    first = raw(api, "app.bsky.actor.getProfile", actor=DIDS["ava"])
    second = raw(api, "app.bsky.actor.getProfile", actor=DIDS["ava"])
    assert first.headers["ratelimit-limit"] == "3000"
    assert (first.headers["ratelimit-remaining"], second.headers["ratelimit-remaining"]) == (
        "2999", "2998")
    assert first.headers["ratelimit-reset"] == str(int(NOW.timestamp()) + 300)
    assert first.headers["ratelimit-policy"] == "3000;w=300"


def test_realistic_limits_answer_429_until_the_window_resets():
    transport = OfflineAppViewTransport(world(), realistic_rate_limits=True, rate_limit=3)
    api = atproto.Client(base_url="https://public.api.bsky.app",
                         request=atproto.Request(transport=transport))
    for _ in range(3):
        api.app.bsky.actor.get_profile({"actor": DIDS["ava"]})
    with pytest.raises(RateLimitExceededError) as raised:
        api.app.bsky.actor.get_profile({"actor": DIDS["ava"]})
    assert raised.value.response.status_code == 429
    assert raised.value.response.content.error == "RateLimitExceeded"
    assert raised.value.response.headers["ratelimit-remaining"] == "0"
    transport.clock.sleep(300)
    assert api.app.bsky.actor.get_profile({"actor": DIDS["ava"]}).did == DIDS["ava"]
    assert bluesky.client(world=world(), realistic_rate_limits=True).transport.rate_limit == 3000


# -- the world and the sample data -----------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "message"), [
    ("did", "did:plc:short", "not a DID"),
    ("handle", "no_dots", "not a handle"),
])
def test_world_rejects_bad_identifiers(field, value, message):
    actors = [{**ACTORS[0], field: value}]
    with pytest.raises(ValueError, match=message):
        BlueskyWorld(actors, [], [], NOW)


def test_sample_bluesky_serves_leaders_and_the_starter_pack():
    from sociallearning.data import load

    api = bluesky.client()
    follows = load("bsky_follows")
    for handle in ("ava.learnwell.net", "benworksout.bsky.social", "hanaokafor.bsky.social"):
        profile = api.app.bsky.actor.get_profile({"actor": handle})
        expected = set(follows.loc[follows["source_did"] == profile.did, "target_did"])
        got, cursor = [], None
        while True:
            page = api.app.bsky.graph.get_follows({"actor": handle, "limit": 100,
                                                   "cursor": cursor})
            got += [f.did for f in page.follows]
            cursor = page.cursor
            if not cursor:
                break
        assert set(got) == expected and len(got) == len(expected) > 0
    pack_uri = load("bsky_starter_packs")["uri"].iloc[0]
    pack = api.app.bsky.graph.get_starter_pack({"starter_pack": pack_uri}).starter_pack
    assert pack.creator.handle == "ava.learnwell.net" and pack.list.list_item_count == 14
    assert api.app.bsky.feed.search_posts({"q": "#ldchat", "limit": 100}).posts
