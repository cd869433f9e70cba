"""The X API v2, offline, behind the real tweepy Client.

`client()` returns a plain live `tweepy.Client` when a bearer token is given (or set in
X_BEARER_TOKEN). Without one it returns an `OfflineClient`: a `tweepy.Client` whose
requests session has an `OfflineAdapter` mounted. The adapter answers the requests tweepy
builds with JSON in the X API v2 shape, computed from an `OfflineWorld`, so tweepy's
request building, error handling, models and Paginator all run unchanged, and nothing is
ever sent over the network.

What the answers follow from the real API: only requested fields come back; `includes`
fill only through expansions; meta carries result_count, next_token (absent on the last
page), previous_token where the API gives it and newest_id/oldest_id for tweet lists;
unknown users and tweets come back as partial errors in `errors`; bad parameters get the
400 "Invalid Request" shape; every answer carries x-rate-limit-* headers, and with
realistic rate limits a spent budget gets the 429 shape.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, unquote, urlsplit

import requests
import tweepy
import tweepy.client
from requests.adapters import BaseAdapter

from sociallearning.offline_http import json_response
from sociallearning.xapi import query
from sociallearning.xapi.ratelimit import RateLimiter, SimulatedClock
from sociallearning.xapi.world import (
    ID_PATTERN,
    USERNAME_PATTERN,
    OfflineWorld,
    parse_time,
    sample_world,
)

API_HOSTS = ("api.twitter.com", "api.x.com")
OFFLINE_TOKEN = "offline"  # tweepy needs some bearer token to build its auth header
PROBLEMS = "https://api.twitter.com/2/problems/"
RECENT_SEARCH_DAYS = 7
MAX_QUERY_LENGTH = 512

DEFAULT_USER_FIELDS = ("id", "name", "username")
DEFAULT_TWEET_FIELDS = ("id", "text", "edit_history_tweet_ids")
USER_FIELDS = (
    "affiliation", "connection_status", "created_at", "description", "entities", "id",
    "location", "most_recent_tweet_id", "name", "pinned_tweet_id", "profile_banner_url",
    "profile_image_url", "protected", "public_metrics", "receives_your_dm", "subscription_type",
    "url", "username", "verified", "verified_type", "withheld",
)  # fmt: skip
TWEET_FIELDS = (
    "article", "attachments", "author_id", "card_uri", "context_annotations",
    "conversation_id", "created_at", "display_text_range", "edit_controls",
    "edit_history_tweet_ids", "entities", "geo", "id", "in_reply_to_user_id", "lang",
    "media_metadata", "non_public_metrics", "note_tweet", "organic_metrics",
    "possibly_sensitive", "promoted_metrics", "public_metrics", "referenced_tweets",
    "reply_settings", "scopes", "source", "text", "withheld",
)  # fmt: skip
USER_EXPANSIONS = ("affiliation.user_id", "most_recent_tweet_id", "pinned_tweet_id")
TWEET_EXPANSIONS = (
    "attachments.media_keys", "attachments.media_source_tweet", "attachments.poll_ids",
    "author_id", "edit_history_tweet_ids", "entities.mentions.username", "geo.place_id",
    "in_reply_to_user_id", "entities.note.mentions.username", "referenced_tweets.id",
    "referenced_tweets.id.attachments.media_keys", "referenced_tweets.id.author_id",
)  # fmt: skip
# Media, places and polls are accepted and ignored: the sample world has none.
IGNORED_FIELDS = ("media.fields", "place.fields", "poll.fields")


# -- errors in the API's shapes ----------------------------------------------------------


class ApiError(Exception):
    """An answer other than 200: its status and JSON body."""

    def __init__(self, status: int, body: dict):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


def invalid_request(parameter: str, value: str, message: str) -> ApiError:
    """The 400 "Invalid Request" problem the API answers for a bad parameter."""
    return ApiError(
        400,
        {
            "errors": [{"parameters": {parameter: [value]}, "message": message}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": PROBLEMS + "invalid-request",
        },
    )


def resource_not_found(resource_type: str, parameter: str, value: str) -> dict:
    """A partial error: one requested user or tweet does not exist (answer stays 200)."""
    return {
        "value": value,
        "detail": f"Could not find {resource_type} with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": resource_type,
        "parameter": parameter,
        "resource_id": value,
        "type": PROBLEMS + "resource-not-found",
    }


def not_authorized(resource_type: str, parameter: str, value: str) -> dict:
    """A partial error: the resource belongs to a protected account."""
    noun = "Tweet" if resource_type == "tweet" else resource_type
    return {
        "value": value,
        "detail": f"Sorry, you are not authorized to see the {noun} with {parameter}: [{value}].",
        "title": "Authorization Error",
        "resource_type": resource_type,
        "parameter": parameter,
        "resource_id": value,
        "type": PROBLEMS + "not-authorized-for-resource",
    }


PAGE_NOT_FOUND = {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}
TOO_MANY_REQUESTS = {
    "title": "Too Many Requests",
    "detail": "Too Many Requests",
    "type": "about:blank",
    "status": 429,
}


# -- one request's parameters, read the way the API reads them ---------------------------


class _Call:
    """The parameters of one request, with the API's checks and messages."""

    def __init__(self, adapter: OfflineAdapter, route: str, params: dict, path: dict):
        self.world = adapter.world
        self.clock = adapter.clock
        self.facts = adapter.facts
        self.route = route
        self.params = params
        self.path = path

    def required(self, name: str) -> str:
        value = self.params.get(name)
        if not value:
            message = f"The `{name}` query parameter can not be empty"
            raise invalid_request(name, value or "", message)
        return value

    def matching(self, name: str, value: str, pattern: re.Pattern = ID_PATTERN) -> str:
        if not pattern.match(value):
            raise invalid_request(
                name,
                value,
                f"The `{name}` query parameter value [{value}] does not match {pattern.pattern}",
            )
        return value

    def path_id(self) -> str:
        return self.matching("id", unquote(self.path["id"]))

    def optional_id(self, name: str) -> str | None:
        value = self.params.get(name)
        return None if value is None else self.matching(name, value)

    def listed(self, name: str, pattern: re.Pattern) -> list[str]:
        values = self.required(name).split(",")
        if not 1 <= len(values) <= 100:
            raise invalid_request(
                name,
                self.params[name],
                f"The number of values in the `{name}` query "
                f"parameter list [{len(values)}] is not between 1 and 100",
            )
        for value in values:
            self.matching(name, value, pattern)
        return values

    def fields(self, name: str, allowed: tuple) -> list[str]:
        raw = self.params.get(name)
        if raw is None:
            return []
        chosen = [v for v in raw.split(",") if v]
        for value in chosen:
            if value not in allowed:
                raise invalid_request(
                    name,
                    value,
                    f"The `{name}` query parameter value [{value}] is not one "
                    f"of [{','.join(allowed)}]",
                )
        return chosen

    def max_results(self, low: int, high: int, default: int) -> int:
        raw = self.params.get("max_results")
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise invalid_request(
                "max_results",
                raw,
                f"The `max_results` query parameter value [{raw}] is not between {low} and {high}",
            )
        return value

    def choice(self, name: str, allowed: tuple, default: str) -> str:
        value = self.params.get(name, default)
        if value not in allowed:
            raise invalid_request(
                name,
                value,
                f"The `{name}` query parameter value [{value}] is not one of [{','.join(allowed)}]",
            )
        return value

    def time(self, name: str) -> datetime | None:
        raw = self.params.get(name)
        if raw is None:
            return None
        try:
            return parse_time(raw, name)
        except (ValueError, TypeError):
            raise invalid_request(
                name,
                raw,
                f"Invalid '{name}':'{raw}'. '{name}' must be an RFC 3339 UTC "
                "timestamp such as 2026-03-05T20:00:00Z",
            ) from None

    def page(self, items: list, max_results: int, token_name: str, identity: tuple):
        """One page of `items` and the tokens for meta: next_token unless it is the last
        page; previous_token too (not on the first or an empty page) where the endpoint
        pages by `pagination_token`, as follows and timelines do (recent search does not).
        """
        fingerprint = hashlib.sha1(repr((self.route, identity)).encode()).hexdigest()[:10]
        token = self.params.get(token_name)
        offset = 0 if token is None else _offset_of(token, fingerprint, token_name)
        chunk = items[offset : offset + max_results]
        tokens = {}
        if offset + max_results < len(items):
            tokens["next_token"] = _token(fingerprint, offset + max_results)
        if token_name == "pagination_token" and offset > 0 and chunk:
            tokens["previous_token"] = _token(fingerprint, max(offset - max_results, 0))
        return chunk, tokens


def _token(fingerprint: str, offset: int) -> str:
    """An opaque page token, valid only for the query it was made for."""
    return base64.b32encode(f"{offset}:{fingerprint}".encode()).decode().rstrip("=").lower()


def _offset_of(token: str, fingerprint: str, token_name: str) -> int:
    try:
        padded = token.upper() + "=" * (-len(token) % 8)
        offset_text, _, made_for = base64.b32decode(padded).decode().partition(":")
        offset = int(offset_text)
    except (ValueError, UnicodeDecodeError):
        offset, made_for = -1, ""
    if offset < 0 or made_for != fingerprint:
        raise invalid_request(
            token_name,
            token,
            f"The `{token_name}` query parameter value [{token}] is not a "
            "token from a previous page of this same request",
        )
    return offset


# -- shaping objects: only requested fields ----------------------------------------------


def _user_view(user: dict, fields: list[str]) -> dict:
    view = {key: user[key] for key in DEFAULT_USER_FIELDS}
    view.update({key: user[key] for key in fields if key in user})
    return view


def _tweet_view(tweet: dict, fields: list[str]) -> dict:
    view = {key: tweet[key] for key in DEFAULT_TWEET_FIELDS}
    view.update({key: tweet[key] for key in fields if key in tweet})
    return view


class _Includes:
    """Collects the objects expansions pull in, each once, plus partial errors."""

    def __init__(self, call: _Call, user_fields: list[str], tweet_fields: list[str]):
        self.world = call.world
        self.user_fields = user_fields
        self.tweet_fields = tweet_fields
        self.users: dict[str, dict] = {}
        self.tweets: dict[str, dict] = {}
        self.errors: list[dict] = []

    def add_user(self, user: dict | None) -> None:
        if user is not None and user["id"] not in self.users:
            self.users[user["id"]] = _user_view(user, self.user_fields)

    def add_tweet(self, tweet_id: str, parameter: str) -> dict | None:
        tweet = self.world.tweet(tweet_id)
        if tweet is None:
            self.errors.append(resource_not_found("tweet", parameter, tweet_id))
        elif tweet_id not in self.tweets:
            self.tweets[tweet_id] = _tweet_view(tweet, self.tweet_fields)
        return tweet

    def from_tweets(self, tweets: list[dict], expansions: list[str]) -> None:
        world = self.world
        for tweet in tweets:
            if "author_id" in expansions:
                self.add_user(world.user(tweet["author_id"]))
            if "in_reply_to_user_id" in expansions and "in_reply_to_user_id" in tweet:
                self.add_user(world.user(tweet["in_reply_to_user_id"]))
            if "entities.mentions.username" in expansions:
                for mention in tweet.get("entities", {}).get("mentions", []):
                    self.add_user(world.user_by_username(mention.get("username", "")))
            for reference in tweet.get("referenced_tweets", []):
                referenced = world.tweet(reference["id"])
                if "referenced_tweets.id" in expansions:
                    referenced = self.add_tweet(reference["id"], "referenced_tweets.id")
                if "referenced_tweets.id.author_id" in expansions and referenced is not None:
                    self.add_user(world.user(referenced["author_id"]))

    def from_users(self, users: list[dict], expansions: list[str]) -> None:
        if "pinned_tweet_id" not in expansions:
            return
        for user in users:
            if "pinned_tweet_id" in user:
                self.add_tweet(str(user["pinned_tweet_id"]), "pinned_tweet_id")

    def into(self, body: dict) -> dict:
        includes = {}
        if self.users:
            includes["users"] = list(self.users.values())
        if self.tweets:
            includes["tweets"] = list(self.tweets.values())
        if includes:
            body["includes"] = includes
        if self.errors:
            body.setdefault("errors", []).extend(self.errors)
        return body


# -- the endpoints ------------------------------------------------------------------------


def _users_answer(
    call: _Call, values: list[str], parameter: str, find: Callable, single: bool
) -> dict:
    """The users `find` knows among `values`; a partial error for each one it does not."""
    users, errors = [], []
    for value in values:
        user = find(value)
        if user is None:
            errors.append(resource_not_found("user", parameter, value))
        else:
            users.append(user)
    user_fields = call.fields("user.fields", USER_FIELDS)
    tweet_fields = call.fields("tweet.fields", TWEET_FIELDS)
    expansions = call.fields("expansions", USER_EXPANSIONS)
    body: dict = {}
    if users:
        views = [_user_view(user, user_fields) for user in users]
        body["data"] = views[0] if single else views
    if errors:
        body["errors"] = errors
    includes = _Includes(call, user_fields, tweet_fields)
    includes.from_users(users, expansions)
    return includes.into(body)


def user_by_username(call: _Call) -> dict:
    username = call.matching("username", unquote(call.path["username"]), USERNAME_PATTERN)
    return _users_answer(call, [username], "username", call.world.user_by_username, single=True)


def users_by_usernames(call: _Call) -> dict:
    usernames = call.listed("usernames", USERNAME_PATTERN)
    return _users_answer(call, usernames, "usernames", call.world.user_by_username, single=False)


def user_by_id(call: _Call) -> dict:
    return _users_answer(call, [call.path_id()], "id", call.world.user, single=True)


def users_by_ids(call: _Call) -> dict:
    return _users_answer(call, call.listed("ids", ID_PATTERN), "ids", call.world.user, single=False)


def _unlisted_user(call: _Call, user_id: str) -> dict | None:
    """The answer when a user's follows or tweets cannot be listed: unknown or protected."""
    user = call.world.user(user_id)
    if user is None:
        return {"errors": [resource_not_found("user", "id", user_id)]}
    if user.get("protected"):
        return {"errors": [not_authorized("user", "id", user_id)]}
    return None


def _follows(call: _Call, direction: str) -> dict:
    user_id = call.path_id()
    max_results = call.max_results(1, 1000, 100)
    user_fields = call.fields("user.fields", USER_FIELDS)
    tweet_fields = call.fields("tweet.fields", TWEET_FIELDS)
    expansions = call.fields("expansions", USER_EXPANSIONS)
    unlisted = _unlisted_user(call, user_id)
    if unlisted:
        return unlisted
    world = call.world
    ids = world.following_ids(user_id) if direction == "following" else world.follower_ids(user_id)
    chunk, tokens = call.page(ids, max_results, "pagination_token", ())
    users = [world.user(i) for i in chunk]
    meta = {"result_count": len(users), **tokens}
    body: dict = {"data": [_user_view(u, user_fields) for u in users]} if users else {}
    includes = _Includes(call, user_fields, tweet_fields)
    includes.from_users(users, expansions)
    includes.into(body)
    body["meta"] = meta
    return body


def following(call: _Call) -> dict:
    return _follows(call, "following")


def followers(call: _Call) -> dict:
    return _follows(call, "followers")


def _tweet_list_answer(call: _Call, tweets: list[dict], meta: dict) -> dict:
    tweet_fields = call.fields("tweet.fields", TWEET_FIELDS)
    user_fields = call.fields("user.fields", USER_FIELDS)
    expansions = call.fields("expansions", TWEET_EXPANSIONS)
    if not tweets:
        return {"meta": {"result_count": 0}}
    by_time = sorted(tweets, key=lambda t: (call.world.tweet_time(t["id"]), int(t["id"])))
    body = {"data": [_tweet_view(t, tweet_fields) for t in tweets]}
    includes = _Includes(call, user_fields, tweet_fields)
    includes.from_tweets(tweets, expansions)
    includes.into(body)
    body["meta"] = {
        "newest_id": by_time[-1]["id"],
        "oldest_id": by_time[0]["id"],
        "result_count": len(tweets),
        **meta,
    }
    return body


def _tweet_facts(world: OfflineWorld, tweet: dict) -> query.TweetFacts:
    entities = tweet.get("entities", {})
    words = query.words_of(tweet["text"])
    hashtags = {h["tag"].lower() for h in entities.get("hashtags", []) if "tag" in h}
    hashtags |= {w[1:] for w in words if w.startswith("#")}
    mentions = {m["username"].lower() for m in entities.get("mentions", []) if "username" in m}
    mentions |= {w[1:] for w in words if w.startswith("@")}
    reply_to_id = tweet.get("in_reply_to_user_id")
    reply_to = world.user(reply_to_id) if reply_to_id else None
    return query.TweetFacts(
        words=words,
        hashtags=hashtags,
        mentions=mentions,
        author_username=world.user(tweet["author_id"])["username"].lower(),
        author_id=tweet["author_id"],
        reply_to_username=reply_to["username"].lower() if reply_to else None,
        reply_to_id=reply_to_id,
        reference_types={r.get("type") for r in tweet.get("referenced_tweets", [])},
        lang=tweet.get("lang"),
    )


def _engagement(tweet: dict) -> int:
    metrics = tweet.get("public_metrics", {})
    keys = ("like_count", "retweet_count", "reply_count", "quote_count")
    return sum(metrics.get(key, 0) for key in keys)


def _id_after(tweet_id: str, since_id: str | None, until_id: str | None) -> bool:
    if since_id is not None and int(tweet_id) <= int(since_id):
        return False
    return until_id is None or int(tweet_id) < int(until_id)


def search_recent(call: _Call) -> dict:
    text = call.required("query")
    if len(text) > MAX_QUERY_LENGTH:
        raise invalid_request(
            "query",
            text,
            f"The `query` query parameter value is {len(text)} characters long; "
            f"recent search allows at most {MAX_QUERY_LENGTH}",
        )
    try:
        tree = query.parse(text)
    except query.QueryError as error:
        raise invalid_request(
            "query", text, f"There were errors processing your request: {error}"
        ) from None
    max_results = call.max_results(10, 100, 10)
    sort_order = call.choice("sort_order", ("recency", "relevancy"), "recency")
    start, end = _recent_window(call)
    since_id, until_id = call.optional_id("since_id"), call.optional_id("until_id")
    uses_times = "start_time" in call.params or "end_time" in call.params
    if (since_id or until_id) and uses_times:
        name = "since_id" if since_id else "until_id"
        raise invalid_request(
            name,
            call.params[name],
            "Invalid use of 'since_id' or 'until_id' in conjunction "
            "with 'start_time' or 'end_time'.",
        )
    world = call.world
    found = [
        tweet
        for tweet in world.tweets_newest_first()
        if start <= world.tweet_time(tweet["id"]) < end
        and not world.user(tweet["author_id"]).get("protected")
        and _id_after(tweet["id"], since_id, until_id)
        and query.matches(tree, call.facts(tweet))
    ]
    if sort_order == "relevancy":
        found.sort(key=_engagement, reverse=True)  # stable: recency breaks ties
    identity = (text, sort_order, start, end, since_id, until_id)
    chunk, tokens = call.page(found, max_results, "next_token", identity)
    return _tweet_list_answer(call, chunk, tokens)


def _recent_window(call: _Call) -> tuple[datetime, datetime]:
    """[start, end) for recent search: within the last 7 days of the simulated clock."""
    now = call.clock.now()
    earliest = now - timedelta(days=RECENT_SEARCH_DAYS)
    start, end = call.time("start_time"), call.time("end_time")
    for name, moment in (("start_time", start), ("end_time", end)):
        if moment is not None and moment < earliest:
            shown = (earliest + timedelta(seconds=59)).strftime("%Y-%m-%dT%H:%MZ")
            raise invalid_request(
                name,
                call.params[name],
                f"Invalid '{name}':'{call.params[name]}'. '{name}' must be on or after {shown}",
            )
    if end is not None and end > now - timedelta(seconds=10):
        raise invalid_request(
            "end_time",
            call.params["end_time"],
            f"Invalid 'end_time':'{call.params['end_time']}'"
            ". 'end_time' must be a minimum of 10 seconds prior to the request time.",
        )
    if start is not None and end is not None and start >= end:
        raise invalid_request(
            "end_time",
            call.params["end_time"],
            f"Invalid 'end_time':'{call.params['end_time']}'"
            ". 'end_time' must be after 'start_time'.",
        )
    # Without end_time the API searches up to 30 seconds before the request.
    return start or earliest, end or now - timedelta(seconds=30)


def user_tweets(call: _Call) -> dict:
    user_id = call.path_id()
    max_results = call.max_results(5, 100, 10)
    exclude = call.fields("exclude", ("replies", "retweets"))
    start, end = call.time("start_time"), call.time("end_time")
    since_id, until_id = call.optional_id("since_id"), call.optional_id("until_id")
    unlisted = _unlisted_user(call, user_id)
    if unlisted:
        return unlisted
    world = call.world
    skipped = {"replies": "replied_to", "retweets": "retweeted"}
    skipped_types = {skipped[name] for name in exclude}
    found = [
        tweet
        for tweet in world.tweets_newest_first()
        if tweet["author_id"] == user_id
        and (start is None or world.tweet_time(tweet["id"]) >= start)
        and (end is None or world.tweet_time(tweet["id"]) < end)
        and _id_after(tweet["id"], since_id, until_id)
        and not skipped_types & {r.get("type") for r in tweet.get("referenced_tweets", [])}
    ]
    identity = (tuple(exclude), start, end, since_id, until_id)
    chunk, tokens = call.page(found, max_results, "pagination_token", identity)
    return _tweet_list_answer(call, chunk, tokens)


def _tweets_answer(call: _Call, ids: list[str], parameter: str, single: bool) -> dict:
    tweet_fields = call.fields("tweet.fields", TWEET_FIELDS)
    user_fields = call.fields("user.fields", USER_FIELDS)
    expansions = call.fields("expansions", TWEET_EXPANSIONS)
    found, errors = [], []
    for tweet_id in ids:
        tweet = call.world.tweet(tweet_id)
        if tweet is None:
            errors.append(resource_not_found("tweet", parameter, tweet_id))
        elif call.world.user(tweet["author_id"]).get("protected"):
            errors.append(not_authorized("tweet", parameter, tweet_id))
        else:
            found.append(tweet)
    body: dict = {}
    if found:
        views = [_tweet_view(t, tweet_fields) for t in found]
        body["data"] = views[0] if single else views
    if errors:
        body["errors"] = errors
    includes = _Includes(call, user_fields, tweet_fields)
    includes.from_tweets(found, expansions)
    return includes.into(body)


def tweet_by_id(call: _Call) -> dict:
    return _tweets_answer(call, [call.path_id()], "id", single=True)


def tweets_by_ids(call: _Call) -> dict:
    return _tweets_answer(call, call.listed("ids", ID_PATTERN), "ids", single=False)


@dataclass(frozen=True)
class Endpoint:
    name: str  # as the docs name it; also the rate-limit budget's key
    path: re.Pattern
    params: tuple  # the query parameters the endpoint accepts
    answer: Callable[[_Call], dict]


_USER_PARAMS = ("expansions", "tweet.fields", "user.fields")
_FOLLOW_PARAMS = ("expansions", "max_results", "pagination_token", "tweet.fields", "user.fields")
_TWEET_PARAMS = ("expansions", "tweet.fields", "user.fields") + IGNORED_FIELDS
_TIME_PARAMS = ("end_time", "max_results", "since_id", "start_time", "until_id")
_NOT_AN_ID = r"(?!by$|me$|search$|counts$|sample$)"  # words that are routes, not ids


def _endpoint(name: str, path: str, params: tuple, answer: Callable) -> Endpoint:
    return Endpoint(name, re.compile(path), params, answer)


# Checked in order; the first whose path matches answers.
ENDPOINTS = (
    _endpoint(
        "GET /2/users/by/username/:username",
        r"/2/users/by/username/(?P<username>[^/]+)",
        _USER_PARAMS,
        user_by_username,
    ),
    _endpoint("GET /2/users/by", r"/2/users/by", ("usernames",) + _USER_PARAMS, users_by_usernames),
    _endpoint(
        "GET /2/users/:id/following", r"/2/users/(?P<id>[^/]+)/following", _FOLLOW_PARAMS, following
    ),
    _endpoint(
        "GET /2/users/:id/followers", r"/2/users/(?P<id>[^/]+)/followers", _FOLLOW_PARAMS, followers
    ),
    _endpoint(
        "GET /2/users/:id/tweets",
        r"/2/users/(?P<id>[^/]+)/tweets",
        _TIME_PARAMS + ("exclude", "pagination_token") + _TWEET_PARAMS,
        user_tweets,
    ),
    _endpoint("GET /2/users/:id", rf"/2/users/(?P<id>{_NOT_AN_ID}[^/]+)", _USER_PARAMS, user_by_id),
    _endpoint("GET /2/users", r"/2/users", ("ids",) + _USER_PARAMS, users_by_ids),
    _endpoint(
        "GET /2/tweets/search/recent",
        r"/2/tweets/search/recent",
        _TIME_PARAMS + ("next_token", "query", "sort_order") + _TWEET_PARAMS,
        search_recent,
    ),
    _endpoint(
        "GET /2/tweets/:id", rf"/2/tweets/(?P<id>{_NOT_AN_ID}[^/]+)", _TWEET_PARAMS, tweet_by_id
    ),
    _endpoint("GET /2/tweets", r"/2/tweets", ("ids",) + _TWEET_PARAMS, tweets_by_ids),
)


def find_endpoint(method: str, path: str) -> tuple[Endpoint | None, dict]:
    if method != "GET":
        return None, {}
    for endpoint in ENDPOINTS:
        found = endpoint.path.fullmatch(path)
        if found:
            return endpoint, found.groupdict()
    return None, {}


# -- the transport adapter ----------------------------------------------------------------


class OfflineAdapter(BaseAdapter):
    """A requests transport that answers X API v2 requests from an OfflineWorld.

    world: the OfflineWorld to serve; None means the sample data, loaded on first use.
    realistic_rate_limits: refuse with 429 once an endpoint's 15-minute budget is spent.
    The simulated clock starts at the world's "now" and moves only when slept on.
    """

    def __init__(self, world: OfflineWorld | None = None, *, realistic_rate_limits=False):
        super().__init__()
        self._world = world
        self.realistic_rate_limits = realistic_rate_limits
        self._limiter: RateLimiter | None = None
        self._facts: dict[str, query.TweetFacts] = {}

    def facts(self, tweet: dict) -> query.TweetFacts:
        """What search sees of a tweet, worked out once per tweet."""
        found = self._facts.get(tweet["id"])
        if found is None:
            found = self._facts[tweet["id"]] = _tweet_facts(self.world, tweet)
        return found

    @property
    def world(self) -> OfflineWorld:
        if self._world is None:
            self._world = sample_world()
        return self._world

    @property
    def limiter(self) -> RateLimiter:
        if self._limiter is None:
            clock = SimulatedClock(self.world.now)
            self._limiter = RateLimiter(clock, enforce=self.realistic_rate_limits)
        return self._limiter

    @property
    def clock(self) -> SimulatedClock:
        return self.limiter.clock

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        if url.hostname not in API_HOSTS:
            message = (
                f"This offline session answers only the X API (https://api.twitter.com/2/...); "
                f"nothing was sent to {url.hostname}."
            )
            return self._respond(request, 404, {"errors": [{"message": message}]})
        endpoint, path_args = find_endpoint(request.method, url.path)
        if endpoint is None:
            return self._respond(request, 404, PAGE_NOT_FOUND)
        allowed, headers = self.limiter.take(endpoint.name)
        if not allowed:
            return self._respond(request, 429, TOO_MANY_REQUESTS, headers)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        call = _Call(self, url.path, params, path_args)
        try:
            _check_parameter_names(params, endpoint)
            return self._respond(request, 200, endpoint.answer(call), headers)
        except ApiError as error:
            return self._respond(request, error.status, error.body, headers)

    def _respond(self, request, status: int, body: dict, headers: dict | None = None):
        return json_response(self, request, status, body,
                             {"content-type": "application/json; charset=utf-8",
                              **(headers or {})})

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        world = "sample data (not loaded yet)" if self._world is None else repr(self._world)
        return f"OfflineAdapter(world={world}, realistic_rate_limits={self.realistic_rate_limits})"


def _check_parameter_names(params: dict, endpoint: Endpoint) -> None:
    for name, value in params.items():
        if name not in endpoint.params:
            raise invalid_request(
                name,
                value,
                f"The query parameter [{name}] is not one of [{','.join(sorted(endpoint.params))}]",
            )


# -- the client ---------------------------------------------------------------------------


class _SimulatedTime:
    """Stands in for the `time` module inside tweepy's request code: reads and sleeps the
    adapter's simulated clock, so waiting out a 429 takes no real time."""

    def __init__(self, adapter: OfflineAdapter):
        self._adapter = adapter

    def time(self) -> float:
        return self._adapter.clock.time()

    def sleep(self, seconds: float) -> None:
        self._adapter.clock.sleep(seconds)


def _tweepy_request_on(time_module) -> Callable:
    """tweepy's own `BaseClient.request`, unchanged, but seeing `time_module` as `time`.

    The code object is tweepy's; only the global name `time` it looks up is different, and
    only for this copy, so live clients and the rest of the process keep real time.
    """
    original = tweepy.client.BaseClient.request
    if original.__code__.co_freevars:
        raise RuntimeError(
            f"tweepy {tweepy.__version__} changed Client.request in a way the offline API "
            "cannot follow; install tweepy 4.x as pinned in pyproject.toml"
        )
    namespace = dict(original.__globals__, time=time_module)
    copy = types.FunctionType(
        original.__code__, namespace, original.__name__, original.__defaults__
    )
    copy.__kwdefaults__ = original.__kwdefaults__
    return copy


class OfflineClient(tweepy.Client):
    """A tweepy.Client answered by an OfflineAdapter instead of the network.

    Everything else is tweepy's: its requests, errors, models, Paginator and its
    wait_on_rate_limit logic, which here sleeps on the simulated clock.
    """

    def __init__(
        self, world=None, *, realistic_rate_limits=False, wait_on_rate_limit=False, **kwargs
    ):
        super().__init__(OFFLINE_TOKEN, wait_on_rate_limit=wait_on_rate_limit, **kwargs)
        self.adapter = OfflineAdapter(world, realistic_rate_limits=realistic_rate_limits)
        self.session.trust_env = False  # no proxies or .netrc: nothing here goes out
        for prefix in ("https://", "http://", "https://api.twitter.com/"):
            self.session.mount(prefix, self.adapter)
        self._request_on_simulated_time = _tweepy_request_on(_SimulatedTime(self.adapter))

    def request(self, method, route, params=None, json=None, user_auth=False):
        return self._request_on_simulated_time(self, method, route, params, json, user_auth)

    @property
    def world(self) -> OfflineWorld:
        return self.adapter.world

    @property
    def clock(self) -> SimulatedClock:
        return self.adapter.clock

    def __repr__(self) -> str:
        return f"OfflineClient({self.adapter!r})"


class _HideBearerTokens(logging.Filter):
    """tweepy logs request headers at DEBUG level; keep tokens out of those lines."""

    pattern = re.compile(r"Bearer [^'\"\s,}]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "Bearer " in record.msg:
            record.msg = self.pattern.sub("Bearer [hidden]", record.msg)
        return True


def _hide_tokens_in_tweepy_logs() -> None:
    tweepy_log = logging.getLogger(tweepy.client.__name__)
    if not any(isinstance(f, _HideBearerTokens) for f in tweepy_log.filters):
        tweepy_log.addFilter(_HideBearerTokens())


def client(
    bearer_token: str | None = None,
    *,
    wait_on_rate_limit: bool = False,
    realistic_rate_limits: bool = False,
    world: OfflineWorld | None = None,
    offline: bool | None = None,
    **kwargs,
) -> tweepy.Client:
    """A tweepy.Client: live with a bearer token, offline on sample data without one.

    bearer_token: the live API's token; without it, X_BEARER_TOKEN is read.
    wait_on_rate_limit: tweepy's own option; offline it waits on the simulated clock.
    realistic_rate_limits: offline only; answer 429 once an endpoint's budget is spent
        (otherwise budgets are reported in headers but never refused).
    world: offline only; an OfflineWorld to serve instead of the sample data.
    offline: True forces offline even when X_BEARER_TOKEN is set; False requires a token.
    Other keyword arguments go to tweepy.Client (e.g. return_type=dict).
    """
    token = bearer_token or os.environ.get("X_BEARER_TOKEN", "").strip() or None
    if offline is None:
        offline = world is not None or token is None
    _hide_tokens_in_tweepy_logs()
    if offline:
        if bearer_token:
            raise ValueError(
                "A bearer token is for the live X API; leave it out to work offline, "
                "or drop offline=True / world= to use it."
            )
        return OfflineClient(
            world,
            realistic_rate_limits=realistic_rate_limits,
            wait_on_rate_limit=wait_on_rate_limit,
            **kwargs,
        )
    if world is not None:
        raise ValueError("world= is for the offline API; the live API has its own world.")
    if token is None:
        raise ValueError(
            "offline=False needs a bearer token: pass bearer_token=... or set the "
            "X_BEARER_TOKEN environment variable."
        )
    return tweepy.Client(bearer_token=token, wait_on_rate_limit=wait_on_rate_limit, **kwargs)


def is_offline(api_client) -> bool:
    """True when the client's requests are answered offline (no network)."""
    session = getattr(api_client, "session", None)
    if not isinstance(session, requests.Session):
        return False
    return isinstance(session.get_adapter("https://api.twitter.com/2/"), OfflineAdapter)
