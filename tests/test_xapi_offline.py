"""The offline X API through the real tweepy Client, on a small hand-built world.

Every expected value below is read off the world defined in this file (who follows whom,
which tweet says what and when), not taken from a run.
"""

import logging
import re
import time
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import requests
import tweepy
import tweepy.client

from sociallearning import xapi
from sociallearning.xapi import OfflineAdapter, OfflineClient, OfflineWorld, is_offline

NOW = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
NOW_EPOCH = int(NOW.timestamp())
SECRET = "SECRET-bearer-token-42"


def _user(user_id, username, name, **extra):
    return {
        "id": user_id,
        "username": username,
        "name": name,
        "created_at": "2019-05-01T09:30:00Z",
        "description": f"{name}, fictional",
        "location": "Leeds",
        "protected": False,
        "verified": False,
        "public_metrics": {
            "followers_count": int(user_id) if user_id.isdigit() else 0,
            "following_count": 2,
            "tweet_count": 10,
            "listed_count": 1,
            "like_count": 5,
        },
        **extra,
    }


USERS = [
    _user("11", "ava_learnwell", "Ava", pinned_tweet_id="5006"),
    _user("12", "ben_worksout", "Ben"),
    _user("13", "chen_pkm", "Chen"),
    _user("21", "dana_designs", "Dana"),
    _user("22", "eli_coach", "Eli"),
    _user("23", "fay_facilitates", "Fay"),
    _user("24", "gus_guarded", "Gus", protected=True),
]
FOLLOWS = [
    ("11", "12"), ("11", "13"), ("11", "21"), ("11", "22"), ("11", "23"),
    ("12", "11"), ("12", "21"),
    ("13", "11"), ("13", "12"), ("13", "21"), ("13", "22"),
    ("21", "11"), ("22", "11"), ("24", "11"),
]  # fmt: skip
AVA_FOLLOWS = ["12", "13", "21", "22", "23"]
AVA_FOLLOWERS = ["12", "13", "21", "22", "24"]


def _tweet(tweet_id, author_id, created_at, text, *, tags=(), mentions=(), likes=0, **extra):
    entities = {}
    if tags:
        entities["hashtags"] = [{"start": 0, "end": len(t) + 1, "tag": t} for t in tags]
    if mentions:
        entities["mentions"] = [{"start": 0, "end": 1, "username": u} for u in mentions]
    tweet = {
        "id": tweet_id,
        "text": text,
        "author_id": author_id,
        "created_at": created_at,
        "conversation_id": extra.pop("conversation_id", tweet_id),
        "lang": extra.pop("lang", "en"),
        "public_metrics": {
            "retweet_count": 0,
            "reply_count": 0,
            "like_count": likes,
            "quote_count": 0,
            "impression_count": 100,
        },
        **extra,
    }
    if entities:
        tweet["entities"] = entities
    return tweet


def _reply_to(tweet_id, user_id):
    return {
        "in_reply_to_user_id": user_id,
        "referenced_tweets": [{"type": "replied_to", "id": tweet_id}],
        "conversation_id": tweet_id,
    }


TWEETS = [
    _tweet("5001", "11", "2026-03-05T01:00:00Z",
           "Q1 on #ldchat: what does working out loud mean to you?", tags=["ldchat"], likes=30),
    _tweet("5002", "12", "2026-03-05T01:03:00Z", "@ava_learnwell A1: sharing drafts early #ldchat",
           tags=["ldchat"], mentions=["ava_learnwell"], likes=5, **_reply_to("5001", "11")),
    _tweet("5003", "13", "2026-03-05T01:04:00Z",
           "RT @ava_learnwell: Q1 on #ldchat: what does working out loud mean to you?",
           tags=["ldchat"], mentions=["ava_learnwell"],
           referenced_tweets=[{"type": "retweeted", "id": "5001"}]),
    _tweet("5004", "21", "2026-03-05T01:10:00Z", "A1 Working out loud builds trust #LDchat #wol",
           tags=["LDchat", "wol"], likes=12, **_reply_to("5001", "11")),
    _tweet("5005", "22", "2026-03-04T09:00:00Z", "Reading about personal knowledge mastery today"),
    _tweet("5006", "11", "2026-03-03T15:00:00Z", "Seek, sense, share: my notes on PKM"),
    _tweet("5007", "23", "2026-03-06T11:00:00Z", "Bonjour #ldchat", tags=["ldchat"], lang="fr",
           likes=1),
    _tweet("5008", "24", "2026-03-05T02:00:00Z", "#ldchat private thoughts", tags=["ldchat"]),
    _tweet("5009", "13", "2026-03-06T11:59:45Z", "Late #ldchat note", tags=["ldchat"]),
    _tweet("5010", "23", "2026-03-01T10:00:00Z", "Quoting a vanished post",
           referenced_tweets=[{"type": "quoted", "id": "7777"}]),
    _tweet("4001", "12", "2026-02-20T01:00:00Z", "Last month's #ldchat summary", tags=["ldchat"]),
] + [
    _tweet(str(6001 + i), "23", f"2026-03-02T00:{i:02d}:00Z", f"Practice note {i} #wol",
           tags=["wol"])
    for i in range(12)
]  # fmt: skip
# "#ldchat" within [NOW - 7 days, NOW - 30 s), public authors, newest first. Not 4001 (too
# old), 5008 (protected author), 5009 (15 s before now: after the default end_time).
LDCHAT = ["5007", "5004", "5003", "5002", "5001"]
WOL = ["5004"] + [str(6012 - i) for i in range(12)]  # 5004 is newest, then 6012 ... 6001


def world():
    return OfflineWorld(USERS, FOLLOWS, TWEETS, NOW)


@pytest.fixture(autouse=True)
def no_token(monkeypatch):
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)


@pytest.fixture
def api():
    return xapi.client(world=world())


def ids(items):
    return [item.id if hasattr(item, "id") else item["id"] for item in items]


def search_ids(api, query, **params):
    return [
        str(t.id) for t in tweepy.Paginator(api.search_recent_tweets, query, **params).flatten()
    ]


# -- the client ---------------------------------------------------------------------------


def test_without_a_token_the_client_is_offline_and_a_real_tweepy_client(api):
    assert isinstance(api, tweepy.Client)
    assert is_offline(api)
    assert isinstance(api.session.get_adapter("https://api.twitter.com/2/users"), OfflineAdapter)
    lazy = xapi.client()  # the sample data: not loaded until the first request
    assert is_offline(lazy) and "not loaded yet" in repr(lazy)


def test_with_a_token_the_client_is_plain_live_tweepy(monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", SECRET)
    live = xapi.client()
    assert type(live) is tweepy.Client
    assert live.bearer_token == SECRET
    assert not is_offline(live)
    explicit = xapi.client("another-token", wait_on_rate_limit=True)
    assert type(explicit) is tweepy.Client and explicit.wait_on_rate_limit


def test_offline_can_be_forced_while_a_token_is_set(monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", SECRET)
    assert is_offline(xapi.client(offline=True))
    assert is_offline(xapi.client(world=world()))


def test_contradictory_choices_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="offline"):
        xapi.client("a-token", offline=True)
    with pytest.raises(ValueError, match="X_BEARER_TOKEN"):
        xapi.client(offline=False)
    with pytest.raises(ValueError, match="world"):
        xapi.client("a-token", offline=False, world=world())


def test_nothing_leaves_the_offline_session(api):
    answer = api.session.get("https://example.com/anything")
    assert answer.status_code == 404 and "nothing was sent" in answer.json()["errors"][0]["message"]
    with pytest.raises(tweepy.NotFound, match="Sorry, that page does not exist"):
        api.search_spaces("learning")  # a real Client method for an endpoint not served
    with pytest.raises(tweepy.NotFound):
        api.request("GET", "/2/users/me")


# -- the bearer token stays hidden ----------------------------------------------------------


def test_token_never_reaches_repr_or_logs(monkeypatch, caplog):
    monkeypatch.setenv("X_BEARER_TOKEN", SECRET)
    live = xapi.client()
    offline = xapi.client(world=world(), return_type=requests.Response)
    for thing in (live, offline, offline.adapter, offline.world, offline.clock):
        assert SECRET not in repr(thing) and SECRET not in str(thing)
    # The live client's tweepy code logs request headers at DEBUG; serve it offline here so
    # the test stays off the network, and check what tweepy logged.
    live.session.mount("https://", OfflineAdapter(world()))
    with caplog.at_level(logging.DEBUG, logger="tweepy.client"):
        assert live.get_user(username="ava_learnwell").data.username == "ava_learnwell"
        sent = offline.get_user(username="ava_learnwell").request.headers["Authorization"]
    assert "Bearer [hidden]" in caplog.text  # tweepy's header line was logged, token hidden
    assert SECRET not in caplog.text
    assert sent == "Bearer offline"  # the offline client never sends a real token


# -- users ----------------------------------------------------------------------------------


def test_get_user_returns_default_fields_only(api):
    answer = api.get_user(username="ava_learnwell")
    assert isinstance(answer, tweepy.Response) and isinstance(answer.data, tweepy.User)
    assert set(answer.data.data) == {"id", "name", "username"}
    assert (answer.data.id, answer.data.name, answer.errors, answer.meta) == (11, "Ava", [], {})
    assert api.get_user(id="12").data.username == "ben_worksout"
    assert api.get_user(username="AVA_LEARNWELL").data.username == "ava_learnwell"


def test_requested_user_fields_and_api_timestamps(api):
    fields = ["created_at", "description", "location", "protected", "verified", "public_metrics"]
    user = api.get_user(username="chen_pkm", user_fields=fields).data
    assert set(user.data) == {"id", "name", "username", *fields}
    assert user.created_at == datetime(2019, 5, 1, 9, 30, tzinfo=UTC)
    assert user.public_metrics["followers_count"] == 13
    raw = xapi.client(world=world(), return_type=dict).get_user(id="13", user_fields=fields)
    assert raw["data"]["created_at"] == "2019-05-01T09:30:00.000Z"


def test_unknown_username_comes_back_as_errors_not_an_exception(api):
    answer = api.get_user(username="nobody_here")
    assert answer.data is None and answer.includes == {}
    (error,) = answer.errors
    assert error["title"] == "Not Found Error"
    assert error["detail"] == "Could not find user with username: [nobody_here]."
    assert (error["parameter"], error["value"], error["resource_type"]) == (
        "username", "nobody_here", "user",
    )  # fmt: skip
    assert error["type"] == "https://api.twitter.com/2/problems/resource-not-found"


def test_get_users_returns_found_users_and_errors_for_the_rest(api):
    answer = api.get_users(usernames=["ben_worksout", "nobody_here", "ava_learnwell"])
    assert [u.username for u in answer.data] == ["ben_worksout", "ava_learnwell"]
    assert [e["detail"] for e in answer.errors] == [
        "Could not find user with usernames: [nobody_here]."
    ]
    by_ids = api.get_users(ids=["21", "999"])
    assert ids(by_ids.data) == [21] and by_ids.errors[0]["parameter"] == "ids"
    nobody = api.get_users(usernames=["nobody_here"])
    assert nobody.data is None and len(nobody.errors) == 1


@pytest.mark.filterwarnings("ignore:The 'warn' method is deprecated")  # inside tweepy
def test_bad_user_parameters_raise_bad_request(api):
    with pytest.raises(tweepy.BadRequest, match="does not match"):
        api.get_user(username="not a name!")
    with pytest.raises(tweepy.BadRequest, match="between 1 and 100"):
        api.get_users(usernames=[f"user{i}" for i in range(101)])
    with pytest.raises(tweepy.BadRequest, match=re.escape("[shoe_size]")):
        api.get_user(username="ava_learnwell", user_fields=["shoe_size"])
    with pytest.raises(tweepy.BadRequest, match=re.escape("[user_field]")):
        api.get_user(username="ava_learnwell", user_field=["created_at"])  # a typo


def test_pinned_tweet_expansion_is_harmless(api):
    answer = api.get_user(username="ava_learnwell", expansions=["pinned_tweet_id"])
    assert set(answer.data.data) == {"id", "name", "username"}
    assert ids(answer.includes["tweets"]) == [5006]  # Ava's pinned tweet


# -- follows --------------------------------------------------------------------------------


def test_following_and_followers_default_page(api):
    following = api.get_users_following("11")
    assert [str(u.id) for u in following.data] == AVA_FOLLOWS
    assert following.meta == {"result_count": 5}  # one page: no next_token
    assert all(set(u.data) == {"id", "name", "username"} for u in following.data)
    followers = api.get_users_followers("11", user_fields=["public_metrics"])
    assert [str(u.id) for u in followers.data] == AVA_FOLLOWERS
    assert followers.data[0].public_metrics["followers_count"] == 12


def test_paginator_walks_every_follow_exactly_once(api):
    pages = list(tweepy.Paginator(api.get_users_following, "11", max_results=2))
    assert [len(p.data) for p in pages] == [2, 2, 1]
    assert [str(u.id) for page in pages for u in page.data] == AVA_FOLLOWS
    assert "next_token" in pages[0].meta and "previous_token" not in pages[0].meta
    assert {"next_token", "previous_token"} <= set(pages[1].meta)
    assert "next_token" not in pages[2].meta
    back = api.get_users_following(
        "11", max_results=2, pagination_token=pages[1].meta["previous_token"]
    )
    assert ids(back.data) == ids(pages[0].data)
    flat = tweepy.Paginator(api.get_users_followers, "11", max_results=1).flatten(limit=3)
    assert [str(u.id) for u in flat] == AVA_FOLLOWERS[:3]


def test_follows_max_results_range_is_1_to_1000(api):
    for bad in (0, 1001):
        with pytest.raises(tweepy.BadRequest) as raised:
            api.get_users_following("11", max_results=bad)
        body = raised.value.response.json()
        assert body["title"] == "Invalid Request"
        assert body["detail"] == "One or more parameters to your request was invalid."
        assert body["type"] == "https://api.twitter.com/2/problems/invalid-request"
        assert body["errors"][0]["parameters"] == {"max_results": [str(bad)]}
        assert "between 1 and 1000" in body["errors"][0]["message"]
    assert len(api.get_users_following("11", max_results=1).data) == 1
    assert len(api.get_users_following("11", max_results=1000).data) == 5


def test_follows_of_unknown_protected_or_followless_users(api):
    unknown = api.get_users_following("999")
    assert (
        unknown.data is None
        and unknown.errors[0]["detail"] == "Could not find user with id: [999]."
    )
    guarded = api.get_users_following("24")
    assert guarded.data is None and guarded.errors[0]["title"] == "Authorization Error"
    follows_nobody = api.get_users_following("23")
    assert follows_nobody.data is None and follows_nobody.meta == {"result_count": 0}
    with pytest.raises(tweepy.BadRequest, match="does not match"):
        api.get_users_following("ava")


def test_a_page_token_only_works_for_its_own_request(api):
    token = api.get_users_following("11", max_results=2).meta["next_token"]
    with pytest.raises(tweepy.BadRequest, match="pagination_token"):
        api.get_users_following("13", max_results=2, pagination_token=token)
    with pytest.raises(tweepy.BadRequest, match="pagination_token"):
        api.get_users_following("11", pagination_token="not-a-token")


# -- recent search --------------------------------------------------------------------------


def test_search_returns_default_fields_newest_first_within_the_window(api):
    answer = api.search_recent_tweets("#ldchat")
    assert ids(answer.data) == [int(i) for i in LDCHAT]
    assert all(set(t.data) == {"id", "text", "edit_history_tweet_ids"} for t in answer.data)
    assert answer.data[0].edit_history_tweet_ids == [5007]
    assert answer.meta == {"newest_id": "5007", "oldest_id": "5001", "result_count": 5}
    assert answer.includes == {} and answer.errors == []


def test_search_with_no_match_has_the_empty_shape(api):
    answer = api.search_recent_tweets("blockchain")
    assert answer.data is None and answer.meta == {"result_count": 0}


def test_search_pagination_walks_every_tweet_once(api):
    first = api.search_recent_tweets("#wol")
    assert len(first.data) == 10 and "next_token" in first.meta  # 10 is the default page
    assert search_ids(api, "#wol") == WOL
    assert search_ids(api, "#wol", max_results=100) == WOL
    pages = list(tweepy.Paginator(api.search_recent_tweets, "#wol", max_results=10))
    assert [p.meta["result_count"] for p in pages] == [10, 3]
    assert "next_token" not in pages[-1].meta


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("#ldchat -is:retweet", ["5007", "5004", "5002", "5001"]),
        ("#ldchat is:reply", ["5004", "5002"]),
        ("#LDCHAT is:retweet", ["5003"]),
        ("from:ava_learnwell", ["5001", "5006"]),
        ("to:ava_learnwell", ["5004", "5002"]),
        ("@ava_learnwell", ["5003", "5002"]),
        ("#ldchat lang:fr", ["5007"]),
        ("working out loud", ["5004", "5003", "5001"]),
        ("WORKING loud -is:retweet", ["5004", "5001"]),
        ('"out loud builds"', ["5004"]),
        ("pkm OR mastery", ["5005", "5006"]),
        ("(pkm OR mastery) from:eli_coach", ["5005"]),
        ("pkm OR mastery from:ava_learnwell", ["5006"]),  # AND binds tighter than OR
        ("#ldchat -(from:ben_worksout OR from:chen_pkm)", ["5007", "5004", "5001"]),
        ("#ldchat OR #wol", LDCHAT + WOL[1:]),  # 5004 has both tags; practice notes are oldest
    ],
)
def test_search_operators(api, query, expected):
    assert search_ids(api, query, max_results=100) == expected


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("#ldchat since:2026-03-01", "since"),
        ("#ldchat has:links", "has"),
        ("#ldchat is:verified", "is:verified"),
        ("is:reply", "standalone"),
        ("-#ldchat", "not negated"),
        ("(#ldchat OR #wol", "closing parenthesis"),
        ("#ldchat )", ")"),
    ],
)
def test_unsupported_or_malformed_queries_are_400s_that_say_why(api, query, named):
    with pytest.raises(tweepy.BadRequest) as raised:
        api.search_recent_tweets(query)
    body = raised.value.response.json()
    assert body["title"] == "Invalid Request"
    assert body["errors"][0]["parameters"] == {"query": [query]}
    assert named in body["errors"][0]["message"]
    assert "There were errors processing your request" in str(raised.value)


def test_search_max_results_range_is_10_to_100(api):
    for bad in (9, 101):
        with pytest.raises(tweepy.BadRequest, match="between 10 and 100"):
            api.search_recent_tweets("#ldchat", max_results=bad)


def test_search_time_window_is_the_last_seven_days(api):
    with pytest.raises(
        tweepy.BadRequest, match="'start_time' must be on or after 2026-02-27T12:00Z"
    ):
        api.search_recent_tweets("#ldchat", start_time=NOW - timedelta(days=8))
    with pytest.raises(tweepy.BadRequest, match="10 seconds prior"):
        api.search_recent_tweets("#ldchat", end_time=NOW + timedelta(hours=1))
    with pytest.raises(tweepy.BadRequest, match="after 'start_time'"):
        api.search_recent_tweets(
            "#ldchat", start_time="2026-03-05T02:00:00Z", end_time="2026-03-05T01:00:00Z"
        )
    # start_time is inclusive, end_time exclusive.
    since_0105 = api.search_recent_tweets("#ldchat", start_time="2026-03-05T01:04:00Z")
    assert ids(since_0105.data) == [5007, 5004, 5003]
    between = api.search_recent_tweets(
        "#ldchat",
        start_time=datetime(2026, 3, 5, 1, 0, tzinfo=UTC),
        end_time="2026-03-05T01:04:00Z",
    )
    assert ids(between.data) == [5002, 5001]
    # Up to 10 s before now reaches the tweet the default end (now - 30 s) leaves out.
    latest = api.search_recent_tweets("#ldchat", end_time=NOW - timedelta(seconds=10))
    assert ids(latest.data)[0] == 5009
    edge = api.search_recent_tweets("#ldchat", start_time=NOW - timedelta(days=7))
    assert ids(edge.data) == [int(i) for i in LDCHAT]


def test_since_id_until_id_and_sort_order(api):
    assert ids(api.search_recent_tweets("#ldchat", since_id="5003").data) == [5007, 5004]
    assert ids(api.search_recent_tweets("#ldchat", until_id="5003").data) == [5002, 5001]
    with pytest.raises(tweepy.BadRequest, match="in conjunction"):
        api.search_recent_tweets("#ldchat", since_id="5003", start_time="2026-03-05T00:00:00Z")
    by_likes = api.search_recent_tweets("#ldchat", sort_order="relevancy")
    assert ids(by_likes.data) == [5001, 5004, 5002, 5007, 5003]  # likes 30, 12, 5, 1, 0
    with pytest.raises(tweepy.BadRequest, match="sort_order"):
        api.search_recent_tweets("#ldchat", sort_order="random")


def test_requested_tweet_fields_only(api):
    fields = ["author_id", "created_at", "conversation_id", "in_reply_to_user_id",
              "referenced_tweets", "public_metrics", "entities", "lang"]  # fmt: skip
    answer = api.search_recent_tweets("from:dana_designs", tweet_fields=fields)
    (tweet,) = answer.data
    assert set(tweet.data) == {"id", "text", "edit_history_tweet_ids", *fields}
    assert tweet.author_id == 21 and tweet.in_reply_to_user_id == 11
    assert tweet.created_at == datetime(2026, 3, 5, 1, 10, tzinfo=UTC)
    assert tweet.referenced_tweets[0].type == "replied_to" and tweet.referenced_tweets[0].id == 5001
    some = api.search_recent_tweets("from:eli_coach", tweet_fields=["author_id"]).data[0]
    assert set(some.data) == {"id", "text", "edit_history_tweet_ids", "author_id"}
    with pytest.raises(tweepy.BadRequest, match=re.escape("[mood]")):
        api.search_recent_tweets("#ldchat", tweet_fields=["mood"])


def test_expansions_fill_includes_with_requested_fields(api):
    answer = api.search_recent_tweets(
        "from:ben_worksout",
        expansions=["author_id", "referenced_tweets.id", "in_reply_to_user_id",
                    "entities.mentions.username", "referenced_tweets.id.author_id"],
        user_fields=["created_at"],
    )  # fmt: skip
    assert ids(answer.data) == [5002]
    users = {u.username: u for u in answer.includes["users"]}
    assert set(users) == {"ben_worksout", "ava_learnwell"}  # author; replied-to/mentioned/quoted
    assert all(set(u.data) == {"id", "name", "username", "created_at"} for u in users.values())
    assert ids(answer.includes["tweets"]) == [5001]
    assert set(answer.includes["tweets"][0].data) == {"id", "text", "edit_history_tweet_ids"}
    plain = api.search_recent_tweets("from:ben_worksout")
    assert plain.includes == {}
    with pytest.raises(tweepy.BadRequest, match=re.escape("[author]")):
        api.search_recent_tweets("#ldchat", expansions=["author"])


# -- tweet lookups and timelines ------------------------------------------------------------


def test_tweet_lookups_reach_older_tweets_and_report_missing_ones(api):
    tweet = api.get_tweet("5001").data
    assert set(tweet.data) == {"id", "text", "edit_history_tweet_ids"}
    assert tweet.text.startswith("Q1 on #ldchat")
    assert api.get_tweet("4001").data.id == 4001  # older than 7 days: lookup still finds it
    missing = api.get_tweet("9999")
    assert (
        missing.data is None
        and missing.errors[0]["detail"] == "Could not find tweet with id: [9999]."
    )
    both = api.get_tweets(["5001", "9999"])
    assert ids(both.data) == [5001] and both.errors[0]["parameter"] == "ids"
    assert api.get_tweet("5008").errors[0]["title"] == "Authorization Error"  # protected author
    vanished = api.get_tweet("5010", expansions=["referenced_tweets.id"])
    assert vanished.data.id == 5010 and vanished.errors[0]["value"] == "7777"


def test_user_timeline(api):
    assert ids(api.get_users_tweets("11").data) == [5001, 5006]
    assert ids(api.get_users_tweets("13", exclude=["retweets"]).data) == [5009]
    walked = tweepy.Paginator(api.get_users_tweets, "23", max_results=5).flatten()
    assert len([t.id for t in walked]) == 14  # 5007, 5010 and twelve practice notes
    with pytest.raises(tweepy.BadRequest, match="between 5 and 100"):
        api.get_users_tweets("11", max_results=4)


# -- rate limits ----------------------------------------------------------------------------


def test_every_answer_carries_rate_limit_headers_with_the_documented_budgets():
    raw = xapi.client(world=world(), return_type=requests.Response)
    budgets = {  # per 15 minutes per app, from the X API v2 rate-limit tables
        "following": (raw.get_users_following, ("11",), 15),
        "user": (raw.get_user, (), 300),
        "search": (raw.search_recent_tweets, ("#ldchat",), 450),
        "tweet": (raw.get_tweet, ("5001",), 450),
    }
    for name, (method, args, limit) in budgets.items():
        kwargs = {"username": "ava_learnwell"} if name == "user" else {}
        first, second = method(*args, **kwargs), method(*args, **kwargs)
        assert first.headers["x-rate-limit-limit"] == str(limit)
        assert first.headers["x-rate-limit-remaining"] == str(limit - 1)
        assert second.headers["x-rate-limit-remaining"] == str(limit - 2)
        assert first.headers["x-rate-limit-reset"] == str(NOW_EPOCH + 15 * 60)


def test_default_budgets_are_reported_but_never_refused():
    api = xapi.client(world=world(), return_type=requests.Response)
    answers = [api.get_users_following("11") for _ in range(20)]
    assert all(a.status_code == 200 for a in answers)
    assert answers[-1].headers["x-rate-limit-remaining"] == "0"


def test_realistic_limits_refuse_with_429_until_the_window_resets():
    api = xapi.client(world=world(), realistic_rate_limits=True)
    for _ in range(15):
        api.get_users_following("11")
    with pytest.raises(tweepy.TooManyRequests, match="Too Many Requests") as raised:
        api.get_users_following("11")
    assert raised.value.reset_time == NOW_EPOCH + 15 * 60
    assert raised.value.response.headers["x-rate-limit-remaining"] == "0"
    assert api.get_user(username="ava_learnwell").data.id == 11  # other budgets unaffected
    assert api.adapter.limiter.remaining("GET /2/users/:id/following") == 0
    api.clock.sleep(15 * 60)
    assert api.adapter.limiter.remaining("GET /2/users/:id/following") == 15
    assert len(api.get_users_following("11").data) == 5


def test_wait_on_rate_limit_sleeps_on_the_simulated_clock(caplog):
    api = xapi.client(world=world(), realistic_rate_limits=True, wait_on_rate_limit=True)
    for _ in range(13):
        api.get_users_following("11")
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="tweepy.client"):
        walked = list(tweepy.Paginator(api.get_users_following, "11", max_results=1).flatten())
    assert time.perf_counter() - started < 1.0
    assert [str(u.id) for u in walked] == AVA_FOLLOWS  # nothing lost or repeated over the wait
    assert "Sleeping for 901 seconds" in caplog.text  # tweepy's own wait logic ran
    assert api.clock.now() == NOW + timedelta(seconds=901)
    assert tweepy.client.time is time  # real time untouched for everyone else


# -- the world ------------------------------------------------------------------------------


def test_world_accepts_a_follows_table_and_numeric_ids():
    follows = pd.DataFrame({"source_id": [11, 12], "target_id": [12, 11]})
    small = OfflineWorld(USERS[:2], follows, [], "2026-03-06T12:00:00Z")
    api = xapi.client(world=small)
    assert [u.username for u in api.get_users_following("11").data] == ["ben_worksout"]
    assert api.clock.now() == NOW


@pytest.mark.parametrize(
    ("users", "follows", "tweets", "now", "message"),
    [
        ([_user("1", "far_too_long_a_username", "X")], [], [], NOW, "far_too_long_a_username"),
        ([_user("1", "a", "A"), _user("1", "b", "B")], [], [], NOW, "appears twice"),
        ([_user("x1", "a", "A")], [], [], NOW, "x1"),
        ([_user("1", "a", "A")], [("1", "2")], [], NOW, "2 is not one of the world's users"),
        (
            [_user("1", "a", "A")],
            [],
            [_tweet("9", "3", "2026-03-05T00:00:00Z", "hi")],
            NOW,
            "author_id 3",
        ),
        ([_user("1", "a", "A")], [], [], datetime(2026, 3, 6), "no time zone"),
    ],
)
def test_world_rejects_bad_records_with_clear_messages(users, follows, tweets, now, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        OfflineWorld(users, follows, tweets, now)


# -- the sample data ------------------------------------------------------------------------


def test_sample_data_serves_the_seeds_their_follows_and_the_chat():
    from sociallearning.data import REFERENCE_NOW, load
    api = xapi.client()
    assert is_offline(api) and isinstance(api, OfflineClient)
    seeds = api.get_users(usernames=list(xapi.SEED_LEADERS))
    assert seeds.errors == [] and {u.username for u in seeds.data} == set(xapi.SEED_LEADERS)
    follows = load("x_follows")
    for seed in seeds.data:
        walked = [str(u.id) for u in tweepy.Paginator(
            api.get_users_following, seed.id, max_results=1000).flatten()]  # fmt: skip
        expected = follows.loc[follows["source_id"].astype(str) == str(seed.id), "target_id"]
        assert walked and len(walked) == len(set(walked))
        assert set(walked) == set(expected.astype(str))
    chat = list(
        tweepy.Paginator(
            api.search_recent_tweets, xapi.CHAT_HASHTAG, max_results=100,
            tweet_fields=["created_at", "entities"],
        ).flatten()
    )  # fmt: skip
    assert chat
    now = REFERENCE_NOW.to_pydatetime()
    tag = xapi.CHAT_HASHTAG.lstrip("#").lower()
    for tweet in chat:
        assert now - timedelta(days=7) <= tweet.created_at < now
        assert tag in {h["tag"].lower() for h in tweet.entities.get("hashtags", [])} or (
            xapi.CHAT_HASHTAG.lower() in tweet.text.lower()
        )
