"""The offline X API answers in the shapes the X API v2 documents.

Each fixture in tests/fixtures/xapi/ holds a documented example response's key structure
(fictional values); the offline answer to the same kind of request must have the same
keys at every level and the same value types.
"""

import json
from pathlib import Path

import pytest
import requests
import tweepy

from sociallearning import xapi

FIXTURES = Path(__file__).parent / "fixtures" / "xapi"
NOW = "2026-03-06T12:00:00Z"

USER_EXTRAS = {
    "created_at": "2015-06-01T08:00:00Z",
    "description": "Fictional account for tests",
    "location": "Leeds",
    "protected": False,
    "verified": False,
    "public_metrics": {
        "followers_count": 12,
        "following_count": 3,
        "tweet_count": 40,
        "listed_count": 1,
        "like_count": 7,
    },
}
USERS = [
    {"id": "11", "username": "ava_learnwell", "name": "Ava", **USER_EXTRAS},
    {"id": "12", "username": "ben_worksout", "name": "Ben", **USER_EXTRAS},
    {"id": "13", "username": "chen_pkm", "name": "Chen", **USER_EXTRAS},
    {"id": "14", "username": "dana_designs", "name": "Dana", **USER_EXTRAS},
]
FOLLOWS = [("11", "12"), ("11", "13"), ("11", "14")]


def _tweet(tweet_id: str, author_id: str, created_at: str) -> dict:
    return {
        "id": tweet_id,
        "text": f"Note {tweet_id} on #examples",
        "author_id": author_id,
        "created_at": created_at,
        "conversation_id": tweet_id,
        "lang": "en",
        "entities": {"hashtags": [{"start": 13, "end": 22, "tag": "examples"}]},
        "public_metrics": {
            "retweet_count": 1,
            "reply_count": 0,
            "like_count": 3,
            "quote_count": 0,
            "impression_count": 90,
        },
        "edit_history_tweet_ids": [tweet_id],
    }


# Eleven #examples tweets (one more than a default page) and one #solo tweet.
TWEETS = [_tweet(str(500 + i), "12", f"2026-03-05T10:{i:02d}:00Z") for i in range(11)]
TWEETS.append({**_tweet("600", "11", "2026-03-04T09:00:00Z"), "text": "Only one #solo"})


def _world():
    return xapi.OfflineWorld(USERS, FOLLOWS, TWEETS, NOW)


@pytest.fixture
def api(monkeypatch):
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    return xapi.client(world=_world(), return_type=dict)


def _fixture(name: str):
    return json.loads((FIXTURES / f"{name}.json").read_text())


def assert_same_shape(expected, got, where="response"):
    """Same keys at every level, same value types; list items all shaped like the first."""
    if isinstance(expected, dict):
        assert isinstance(got, dict), f"{where}: expected an object, got {got!r}"
        missing, extra = set(expected) - set(got), set(got) - set(expected)
        assert not missing and not extra, f"{where}: missing {missing}, unexpected {extra}"
        for key in expected:
            assert_same_shape(expected[key], got[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list), f"{where}: expected a list, got {got!r}"
        assert got, f"{where}: expected a non-empty list"
        for i, item in enumerate(got):
            assert_same_shape(expected[0], item, f"{where}[{i}]")
    else:
        assert type(got) is type(expected), (
            f"{where}: expected {type(expected).__name__}, got {type(got).__name__} {got!r}"
        )


def test_the_shape_check_itself_notices_differences():
    with pytest.raises(AssertionError, match="missing"):
        assert_same_shape({"data": {"id": "1", "name": "x"}}, {"data": {"id": "1"}})
    with pytest.raises(AssertionError, match="expected bool"):
        assert_same_shape({"protected": False}, {"protected": 0})
    with pytest.raises(AssertionError, match="non-empty"):
        assert_same_shape({"data": [{"id": "1"}]}, {"data": []})


def test_user_lookup_default(api):
    assert_same_shape(_fixture("user_lookup_default"), api.get_user(username="ava_learnwell"))


def test_user_lookup_with_fields(api):
    fields = ["created_at", "description", "location", "protected", "public_metrics", "verified"]
    got = api.get_user(username="ava_learnwell", user_fields=fields)
    assert_same_shape(_fixture("user_lookup_fields"), got)


def test_user_lookup_not_found(api):
    assert_same_shape(_fixture("user_lookup_not_found"), api.get_user(username="no_such_person"))


def test_users_by_usernames_partial(api):
    got = api.get_users(usernames=["ava_learnwell", "no_such_person"])
    assert_same_shape(_fixture("users_by_usernames_partial"), got)


def test_following_pages(api):
    first = api.get_users_following("11", max_results=2)
    assert_same_shape(_fixture("following_first_page"), first)
    middle = api.get_users_following(
        "11",
        max_results=1,
        pagination_token=api.get_users_following("11", max_results=1)["meta"]["next_token"],
    )
    assert_same_shape(_fixture("following_middle_page"), middle)


def test_search_recent_default(api):
    assert_same_shape(_fixture("search_recent_default"), api.search_recent_tweets("#examples"))


def test_search_recent_with_fields_and_expansions(api):
    got = api.search_recent_tweets(
        "#solo",
        tweet_fields=["author_id", "conversation_id", "created_at", "lang", "public_metrics"],
        expansions=["author_id"],
        user_fields=["created_at"],
    )
    assert_same_shape(_fixture("search_recent_expanded"), got)


def test_search_recent_empty(api):
    assert_same_shape(_fixture("search_recent_empty"), api.search_recent_tweets("#nothing"))


def test_tweet_lookups(api):
    assert_same_shape(_fixture("tweet_lookup_default"), api.get_tweet("500"))
    got = api.get_tweets(["500", "999"])
    assert_same_shape(_fixture("tweets_lookup_partial"), got)


def test_invalid_request_body(api):
    with pytest.raises(tweepy.BadRequest) as raised:
        api.get_users_following("11", max_results=0)
    assert_same_shape(_fixture("invalid_request"), raised.value.response.json())


def test_too_many_requests_body_and_rate_limit_headers(monkeypatch):
    monkeypatch.delenv("X_BEARER_TOKEN", raising=False)
    api = xapi.client(world=_world(), realistic_rate_limits=True, return_type=requests.Response)
    ok = api.get_users_following("11")
    for header in ("x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"):
        assert ok.headers[header].isdigit()
    with pytest.raises(tweepy.TooManyRequests) as raised:
        for _ in range(15):  # the follows budget is 15 per window; the first is spent above
            api.get_users_following("11")
    assert_same_shape(_fixture("too_many_requests"), raised.value.response.json())
    assert raised.value.response.headers["x-rate-limit-remaining"] == "0"
