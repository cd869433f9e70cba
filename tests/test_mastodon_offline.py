"""The offline Mastodon API through the real Mastodon.py client, on a small hand-built world.

Expected values are read off the world below. Entity key sets come from Mastodon's
documentation (docs.joinmastodon.org, entities/Account and Status, for 4.5) and Mastodon.py's
recorded test responses (tests/cassettes, a real server), less what needs a login and what
4.6 added.
"""

import re
import socket
import time
from datetime import UTC, datetime, timedelta

import mastodon
import pytest
import requests

from sociallearning import fediverse
from sociallearning.fediverse import FediverseWorld, OfflineMastodon, is_offline, on_instance
from sociallearning.fediverse.world import mastodon_id

NOW = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
INSTANCES = [
    {"domain": "a.example", "title": "Server A", "description": "A", "version": "4.5.3",
     "contact_acct": "ava@a.example"},
    {"domain": "b.example", "title": "Server B", "description": "B", "version": "4.5.3"},
]
FILLERS = [f"f{i:02d}@a.example" for i in range(45)]


def _account(acct, n, **extra):
    return {"acct": acct, "id": str(100000 + n), "display_name": acct.split("@")[0].title(),
            "note": "Fictional & invented", "created_at": "2023-04-05T00:00:00Z",
            "followers_count": 10 + n, "following_count": 5, "statuses_count": 7, **extra}


ACCOUNTS = [
    _account("ava@a.example", 1, x_username="ava_learnwell"),
    _account("ben@a.example", 2),
    _account("cat@b.example", 3),
    _account("dan@b.example", 4, hide_collections=True),
    _account("eve@b.example", 5, bot=True),
] + [_account(f, 10 + i) for i, f in enumerate(FILLERS)]


def _at(minutes):
    return (NOW - timedelta(days=1) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sid(minutes):
    """A Mastodon status id for a status posted at _at(minutes)."""
    return mastodon_id((NOW - timedelta(days=1) + timedelta(minutes=minutes)).timestamp(), 7)


# Ava follows ben, cat, dan, eve, then the 45 fillers (later follows come first in lists).
FOLLOWS = ([("ava@a.example", t, _at(i)) for i, t in
            enumerate(["ben@a.example", "cat@b.example", "dan@b.example", "eve@b.example"])]
           + [("ava@a.example", f, _at(10 + i)) for i, f in enumerate(FILLERS)]
           + [("cat@b.example", "ava@a.example", _at(1)),
              ("cat@b.example", "ben@a.example", _at(2)),
              ("cat@b.example", "eve@b.example", _at(3)),
              ("dan@b.example", "ava@a.example", _at(4)),
              ("ben@a.example", "ava@a.example", _at(5))])
AVA_FOLLOWS = FILLERS[::-1] + ["eve@b.example", "dan@b.example", "cat@b.example",
                               "ben@a.example"]
STATUSES = [
    {"id": _sid(100 + i), "acct": ["ava@a.example", "cat@b.example", "ben@a.example"][i % 3],
     "created_at": _at(100 + i), "text": f"A{i} answer number {i} #LDchat"}
    for i in range(45)
] + [
    {"id": _sid(200), "acct": "ava@a.example", "created_at": _at(200), "text": "Quiet #wol note",
     "visibility": "unlisted"},
    {"id": _sid(201), "acct": "cat@b.example", "created_at": _at(201),
     "text": "Thanks for this #ldchat", "in_reply_to_id": _sid(100)},
]
LDCHAT_COUNT = 46  # 45 answers + cat's reply

ACCOUNT_KEYS = {
    "id", "username", "acct", "display_name", "locked", "bot", "discoverable", "indexable",
    "group", "created_at", "note", "url", "uri", "avatar", "avatar_static", "header",
    "header_static", "followers_count", "following_count", "statuses_count", "last_status_at",
    "hide_collections", "emojis", "roles", "fields",
}
LOCAL_ONLY_KEYS = {"noindex"}
STATUS_KEYS = {
    "id", "created_at", "in_reply_to_id", "in_reply_to_account_id", "sensitive", "spoiler_text",
    "visibility", "language", "uri", "url", "replies_count", "reblogs_count",
    "favourites_count", "quotes_count", "edited_at", "content", "reblog", "account",
    "media_attachments", "mentions", "tags", "emojis", "quote", "card", "poll",
    "quote_approval",
}
NEEDS_A_LOGIN = {"favourited", "reblogged", "muted", "bookmarked", "pinned", "filtered"}


def world():
    return FediverseWorld(INSTANCES, ACCOUNTS, FOLLOWS, STATUSES, NOW)


@pytest.fixture
def api():
    return fediverse.client("https://a.example", world=world())


@pytest.fixture
def raw(api):
    """GET a path on a server through the offline session: the raw HTTP answer."""
    def get(path, server="a.example", **params):
        return api.session.get(f"https://{server}{path}", params=params)
    return get


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a socket tried to connect")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# -- the client -------------------------------------------------------------------------------


def test_offline_by_default_and_a_real_mastodon_client():
    api = fediverse.client()
    assert isinstance(api, mastodon.Mastodon) and isinstance(api, OfflineMastodon)
    assert is_offline(api) and api.api_base_url == "https://mastodon.example"
    assert "not loaded yet" in repr(api)
    assert is_offline(fediverse.client("https://learning.example"))  # an offline server


def test_a_live_server_gives_a_plain_client_and_its_requests_go_there(monkeypatch):
    live = fediverse.client("https://mastodon.social")
    assert type(live) is mastodon.Mastodon and not is_offline(live)
    sent = []

    def capture(request, **kwargs):
        sent.append(request)
        raise requests.ConnectionError("not sent in tests")

    monkeypatch.setattr(live.session, "send", capture)
    with pytest.raises(mastodon.MastodonNetworkError):
        live.account_lookup("ava")
    assert sent[0].url == "https://mastodon.social/api/v1/accounts/lookup?acct=ava"
    assert "Authorization" not in sent[0].headers  # public reads need no token
    offline = fediverse.client("https://learning.example")
    answer = offline.account_lookup("ava")
    assert offline.adapter.requests_seen[-1].endswith(
        "https://learning.example/api/v1/accounts/lookup?acct=ava")
    assert answer.acct == "ava"


def test_contradictory_choices_are_refused():
    with pytest.raises(ValueError, match="token"):
        fediverse.client(access_token="secret")
    with pytest.raises(ValueError, match="server"):
        fediverse.client(offline=False)
    with pytest.raises(ValueError, match="offline"):
        fediverse.client("https://mastodon.social", offline=False, world=world())


def test_offline_never_opens_a_socket(no_network, api):
    ava = api.account_lookup("ava")
    api.fetch_remaining(api.account_following(ava))
    api.fetch_remaining(api.timeline_hashtag("ldchat"))
    api.instance()
    answer = api.session.get("https://mastodon.social/api/v1/instance")
    assert answer.status_code == 404
    assert "nothing was sent to mastodon.social" in answer.json()["error"]
    with pytest.raises(mastodon.MastodonNotFoundError, match="nothing was sent to"):
        on_instance(api, "mastodon.social").instance_v1()
    with pytest.raises(mastodon.MastodonNotFoundError):
        api.timeline_home()  # a real Mastodon.py method for a route not served offline
    unknown = api.session.get("https://a.example/api/v1/timelines/home")
    assert unknown.status_code == 404 and "Nothing was sent" in unknown.json()["error"]


def test_the_socket_guard_itself_works(no_network):
    with pytest.raises(AssertionError, match="socket"):
        socket.create_connection(("127.0.0.1", 9))


# -- accounts ---------------------------------------------------------------------------------


def test_local_account_has_the_documented_fields_only(raw):
    body = raw("/api/v1/accounts/lookup", acct="ava").json()
    assert set(body) == ACCOUNT_KEYS | LOCAL_ONLY_KEYS
    assert body["id"] == "100001" and isinstance(body["id"], str)
    assert (body["username"], body["acct"]) == ("ava", "ava")
    assert body["created_at"] == "2023-04-05T00:00:00.000Z"  # midnight, milliseconds
    assert body["note"] == "<p>Fictional &amp; invented</p>"
    assert body["url"] == "https://a.example/@ava" and body["roles"] == []
    assert body["fields"] == [{"name": "X", "value": "@ava_learnwell", "verified_at": None}]
    assert (body["followers_count"], body["bot"], body["hide_collections"]) == (11, False, False)


def test_remote_account_has_its_own_id_and_full_acct_on_another_server(api, raw):
    body = raw("/api/v1/accounts/lookup", acct="cat@b.example").json()
    assert set(body) == ACCOUNT_KEYS  # noindex only for local accounts
    assert body["acct"] == "cat@b.example" and body["url"] == "https://b.example/@cat"
    assert body["id"] != "100003" and body["roles"] is None
    home = raw("/api/v1/accounts/lookup", server="b.example", acct="cat").json()
    assert home["id"] == "100003" and home["acct"] == "cat"
    assert api.account(body["id"]).acct == "cat@b.example"


def test_account_objects_through_mastodon_py(api):
    ava = api.account_lookup("ava@a.example")
    assert type(ava).__name__ == "Account" and ava.username == "ava"
    assert ava.created_at == datetime(2023, 4, 5, tzinfo=UTC)
    assert api.account(ava.id).acct == "ava"
    assert api.account_lookup("eve@b.example").bot is True


def test_unknown_accounts_are_404_record_not_found(api, raw):
    with pytest.raises(mastodon.MastodonNotFoundError) as raised:
        api.account_lookup("nobody@a.example")
    assert raised.value.args[1:] == (404, "Not Found", "Record not found")
    with pytest.raises(mastodon.MastodonNotFoundError, match="Record not found"):
        api.account("999")
    with pytest.raises(mastodon.MastodonNotFoundError):
        api.account_following("999")
    # b.example's eve is known on a.example (ava follows her), f00 is not known on b.example
    assert raw("/api/v1/accounts/lookup", server="b.example", acct="f00@a.example").status_code \
        == 404
    assert raw("/api/v1/accounts/lookup", acct="nobody").json() == {"error": "Record not found"}


# -- follows ----------------------------------------------------------------------------------


def test_following_pages_by_link_header_40_at_a_time(api):
    ava = api.account_lookup("ava")
    first = api.account_following(ava)
    assert len(first) == 40 and first._pagination_next is not None
    walked = api.fetch_remaining(first)
    assert [a.acct.split("@")[0] + "@" + (a.acct.split("@")[1] if "@" in a.acct else "a.example")
            for a in walked] == AVA_FOLLOWS
    assert api.fetch_next(api.account_following(ava, limit=80)) is None  # 49 < 80: one page


def test_following_link_headers_and_limits(raw, api):
    ava_id = api.account_lookup("ava").id
    path = f"/api/v1/accounts/{ava_id}/following"
    first = raw(path, limit=2)
    links = requests.utils.parse_header_links(first.headers["Link"])
    rels = {link["rel"]: link["url"] for link in links}
    assert set(rels) == {"next", "prev"}
    assert re.search(r"[?&]max_id=\d+", rels["next"]) and "limit=2" in rels["next"]
    assert re.search(r"[?&]since_id=\d+", rels["prev"])
    assert all(str(ava_id) in url for url in rels.values())
    assert len(raw(path, limit=200).json()) == 49  # at most 80: all 49 here
    assert len(raw(path, limit=100).json()) == 49
    assert "next" not in raw(path, limit=80).headers.get("Link", "")
    assert len(raw(path).json()) == 40


def test_a_server_lists_only_its_own_part_of_a_remote_accounts_follows(api):
    cat_here = api.account_lookup("cat@b.example")
    here = {a.acct for a in api.fetch_remaining(api.account_following(cat_here))}
    assert here == {"ava", "ben"}  # only a.example's accounts
    home = on_instance(api, "b.example")
    assert isinstance(home, OfflineMastodon) and home.adapter is api.adapter
    at_home = {a.acct for a in home.fetch_remaining(
        home.account_following(home.account_lookup("cat")))}
    assert at_home == {"ava@a.example", "ben@a.example", "eve"}


def test_hidden_follows_come_back_empty_with_200(api, raw):
    dan = api.account_lookup("dan@b.example")
    assert dan.hide_collections is True and api.account_following(dan) == []
    answer = raw(f"/api/v1/accounts/{dan.id}/following", server="a.example")
    assert answer.status_code == 200 and answer.json() == [] and "Link" not in answer.headers
    assert api.account_followers(dan) == []


def test_followers(api):
    ava = api.account_lookup("ava")
    assert {a.acct for a in api.fetch_remaining(api.account_followers(ava))} == {
        "ben", "cat@b.example", "dan@b.example"}


# -- statuses -----------------------------------------------------------------------------


def test_hashtag_timeline_pages_newest_first_20_at_a_time(api):
    first = api.timeline_hashtag("ldchat")
    assert len(first) == 20
    walked = api.fetch_remaining(first)
    assert len(walked) == LDCHAT_COUNT == len({s.id for s in walked})
    times = [s.created_at for s in walked]
    assert times == sorted(times, reverse=True)
    assert all("ldchat" in [t.name for t in s.tags] for s in walked)
    assert api.timeline_hashtag("wol") == []  # unlisted statuses stay out of tag timelines
    assert api.timeline_hashtag("nosuchtag") == []
    assert len(api.timeline_hashtag("ldchat", limit=100)) == 40  # at most 40


def test_min_id_pages_forward_and_local_filters(api):
    page = api.timeline_hashtag("ldchat", limit=5)
    older = api.fetch_next(page)
    newer_again = api.fetch_previous(older)
    assert [s.id for s in newer_again] == [s.id for s in page]
    local = api.timeline_hashtag("ldchat", local=True, limit=40)
    assert {s.account.acct for s in local} == {"ava", "ben"}


def test_status_has_the_documented_unauthenticated_fields(raw):
    body = raw("/api/v1/timelines/tag/ldchat", limit=40).json()
    reply = next(s for s in body if s["content"].endswith("Thanks for this <a href=\"https://"
                                                          "b.example/tags/ldchat\" class=\""
                                                          "mention hashtag\" rel=\"tag\">#<span>"
                                                          "ldchat</span></a></p>"))
    local = next(s for s in body if s["account"]["acct"] == "ava")
    assert set(local) == STATUS_KEYS | {"application"}  # application: local statuses only
    assert set(reply) == STATUS_KEYS and not NEEDS_A_LOGIN & set(reply)
    assert reply["in_reply_to_id"] == _sid(100)  # ava's status is local here: same id
    assert reply["in_reply_to_account_id"] == "100001"
    assert reply["mentions"][0]["acct"] == "ava"
    assert local["tags"] == [{"name": "ldchat", "url": "https://a.example/tags/ldchat"}]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", local["created_at"])


def test_account_statuses(api):
    ava = api.account_lookup("ava")
    mine = api.fetch_remaining(api.account_statuses(ava))
    assert len(mine) == 15 + 1  # 15 answers and the unlisted note (shown on profiles)
    assert api.account_statuses(ava, tagged="wol")[0].visibility == "unlisted"


# -- instance ---------------------------------------------------------------------------------


def test_instance_v1_and_v2_as_mastodon_py_reads_them(api):
    v1 = api.instance_v1()
    assert v1.uri == "a.example" and v1.version == "4.5.3"
    assert v1.contact_account.acct == "ava"
    v2 = api.instance_v2()
    assert v2.domain == "a.example" and v2.configuration.timelines_access.hashtag_feeds.local \
        == "public"
    assert api.timeline_is_available("hashtag", fail_hard=True)


# -- rate limits ------------------------------------------------------------------------------


def test_every_answer_reports_the_300_per_5_minutes_budget(raw):
    first, second = raw("/api/v1/instance"), raw("/api/v1/accounts/lookup", acct="ava")
    assert first.headers["X-RateLimit-Limit"] == "300"
    assert (first.headers["X-RateLimit-Remaining"], second.headers["X-RateLimit-Remaining"]) \
        == ("299", "298")
    assert first.headers["X-RateLimit-Reset"] == "2026-03-06T12:05:00.000000Z"
    other = raw("/api/v1/instance", server="b.example")  # each server counts its own
    assert other.headers["X-RateLimit-Remaining"] == "299"
    paging = raw("/api/v1/timelines/tag/ldchat", max_id="999999999999999999")
    assert paging.headers["X-RateLimit-Remaining"] == "297"  # 300/5 min is the closest


def test_realistic_limits_answer_429_and_mastodon_py_raises_or_waits():
    api = fediverse.client("https://a.example", world=world(), realistic_rate_limits=True,
                           ratelimit_method="throw")
    for _ in range(300):
        api.instance_v1()
    with pytest.raises(mastodon.MastodonRatelimitError):
        api.account_lookup("ava")
    refused = api.session.get("https://a.example/api/v1/instance")
    assert refused.status_code == 429 and refused.json() == {"error": "Too many requests"}
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    waiting = fediverse.client("https://a.example", world=world(), realistic_rate_limits=True)
    for _ in range(300):
        waiting.instance_v1()
    started = time.perf_counter()
    assert waiting.account_lookup("ava").acct == "ava"  # waited out the window
    assert time.perf_counter() - started < 1.0
    assert waiting.clock.now() == datetime(2026, 3, 6, 12, 5, tzinfo=UTC)
    assert time.time() > 1.7e9  # real time untouched


def test_default_budgets_are_reported_but_never_refused(api):
    for _ in range(310):
        answer = api.session.get("https://a.example/api/v1/instance")
    assert answer.status_code == 200 and answer.headers["X-RateLimit-Remaining"] == "0"


# -- the sample fediverse -------------------------------------------------------------------


def test_sample_fediverse_serves_the_leaders_on_their_home_servers():
    from sociallearning.data import load

    api = fediverse.client()
    follows = load("fedi_follows")
    for acct in ("ava@learning.example", "chen@pkm.example", "tomas@learning.example"):
        home = on_instance(api, acct.split("@")[1])
        account = home.account_lookup(acct.split("@")[0])
        walked = home.fetch_remaining(home.account_following(account, limit=80))
        expected = set(follows.loc[follows["source_acct"] == acct, "target_acct"])
        got = {a.acct if "@" in a.acct else f"{a.acct}@{acct.split('@')[1]}" for a in walked}
        assert got == expected and len(walked) == len(got)
    chat = api.fetch_remaining(api.timeline_hashtag("ldchat", limit=40))
    assert len(chat) > 50
    assert api.account_lookup("grace@mastodon.example").hide_collections is True
