"""The in-memory X world the offline API serves: users, who follows whom, tweets, and "now".

Records are X API v2 objects as plain dicts (the shape of x_users.jsonl and x_tweets.jsonl).
The world checks them once, so the offline endpoints can trust them, and keeps indexes for
the look-ups the endpoints make.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{1,15}$")
ID_PATTERN = re.compile(r"^[0-9]{1,19}$")


def parse_time(value, what: str = "time") -> datetime:
    """An aware UTC datetime from an ISO-8601 string ("...Z"), datetime or pandas Timestamp."""
    if isinstance(value, datetime):  # pandas.Timestamp is a datetime too
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"{what} {value!r} is not an ISO-8601 timestamp; write it like 2026-03-05T20:00:00Z"
            ) from None
    else:
        raise TypeError(f"{what} must be a timestamp string or datetime, got {value!r}")
    if moment.tzinfo is None:
        raise ValueError(f"{what} {value!r} has no time zone; give it in UTC, ending in Z")
    return datetime.fromtimestamp(moment.timestamp(), UTC)


def format_api_time(moment: datetime) -> str:
    """The X API's timestamp format, milliseconds included: 2026-03-05T01:02:03.000Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _plain(value):
    """JSON-ready copy: numpy/pandas scalars become Python ones; empty values are dropped."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if not _is_empty(v)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return format_api_time(parse_time(value))
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return value.item()
    return value


def _is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")  # pandas' missing values


def _id(value, what: str) -> str:
    text = str(value.item() if hasattr(value, "item") else value)
    if not ID_PATTERN.match(text):
        raise ValueError(f"{what} {value!r} is not an X id: ids are 1-19 digits, as strings")
    return text


class OfflineWorld:
    """Users, follows and tweets in X API v2 shape, with the moment the world calls "now".

    users: iterable of user dicts (id, username, name, optional created_at, description,
        location, protected, verified, public_metrics, pinned_tweet_id, ...).
    follows: (source_id, target_id) pairs, dicts with those keys, or a DataFrame with
        those columns; source follows target.
    tweets: iterable of tweet dicts (id, text, author_id, created_at, optional
        conversation_id, in_reply_to_user_id, referenced_tweets, entities, public_metrics,
        lang, edit_history_tweet_ids). Tweets older than 7 days may be included: lookups
        find them, recent search does not.
    now: the world's present (aware datetime, pandas Timestamp or "...Z" string).
    """

    def __init__(self, users: Iterable[Mapping], follows, tweets: Iterable[Mapping], now):
        self.now = parse_time(now, "now")
        self._users: dict[str, dict] = {}
        self._ids_by_username: dict[str, str] = {}
        for raw in users:
            self._add_user(raw)
        self._following: dict[str, list[str]] = {}
        self._followers: dict[str, list[str]] = {}
        self.follow_count = 0
        for source_id, target_id in _follow_pairs(follows):
            self._add_follow(source_id, target_id)
        self._tweets: dict[str, dict] = {}
        self._times: dict[str, datetime] = {}
        for raw in tweets:
            self._add_tweet(raw)
        for tweet in self._tweets.values():
            tweet.setdefault("edit_history_tweet_ids", [tweet["id"]])
        # Newest first, the order search and timelines answer in; ties broken by id.
        self._newest_first = sorted(
            self._tweets, key=lambda tid: (self._times[tid], int(tid)), reverse=True
        )

    @classmethod
    def from_sample_data(cls) -> OfflineWorld:
        """The course's synthetic X world, from the committed sample data."""
        from sociallearning import data

        tweets = list(data.load_records("x_tweets"))
        known = {str(t["id"]) for t in tweets}
        # Older chat sessions: tweet lookups reach them, recent search does not.
        tweets += [t for t in data.load_records("chat_archive") if str(t["id"]) not in known]
        return cls(
            users=data.load_records("x_users"),
            follows=data.load("x_follows"),
            tweets=tweets,
            now=data.REFERENCE_NOW,
        )

    # -- building ---------------------------------------------------------------------

    def _add_user(self, raw: Mapping) -> None:
        if not isinstance(raw, Mapping):
            raise TypeError(f"each user must be a dict in X API v2 shape, got {raw!r}")
        missing = [key for key in ("id", "username", "name") if key not in raw]
        if missing:
            raise ValueError(f"user {dict(raw)!r} lacks {', '.join(missing)}: every user "
                             "needs at least id, username and name")
        user = _plain(raw)
        user["id"] = _id(raw["id"], "user id")
        username = str(user["username"])
        if not USERNAME_PATTERN.match(username):
            raise ValueError(
                f"username {username!r} is not a valid X username: "
                "1-15 letters, digits or underscores"
            )
        if user["id"] in self._users:
            raise ValueError(f"user id {user['id']} appears twice: give each user once")
        if username.lower() in self._ids_by_username:
            raise ValueError(f"username {username!r} appears twice (usernames ignore case)")
        if "created_at" in user:
            user["created_at"] = format_api_time(parse_time(user["created_at"], "created_at"))
        self._users[user["id"]] = user
        self._ids_by_username[username.lower()] = user["id"]

    def _add_follow(self, source, target) -> None:
        source_id, target_id = _id(source, "follow source_id"), _id(target, "follow target_id")
        for role, user_id in (("source_id", source_id), ("target_id", target_id)):
            if user_id not in self._users:
                raise ValueError(f"follow {role} {user_id} is not one of the world's users: "
                                 "add that user to `users`, or drop the follow")
        targets = self._following.setdefault(source_id, [])
        if target_id in targets:
            return  # a repeated edge is the same follow
        targets.append(target_id)
        self._followers.setdefault(target_id, []).append(source_id)
        self.follow_count += 1

    def _add_tweet(self, raw: Mapping) -> None:
        if not isinstance(raw, Mapping):
            raise TypeError(f"each tweet must be a dict in X API v2 shape, got {raw!r}")
        missing = [key for key in ("id", "text", "author_id", "created_at") if key not in raw]
        if missing:
            raise ValueError(f"tweet {raw.get('id', raw)!r} lacks {', '.join(missing)}")
        tweet = _plain(raw)
        tweet["id"] = _id(raw["id"], "tweet id")
        tweet["author_id"] = _id(raw["author_id"], f"tweet {tweet['id']} author_id")
        if tweet["author_id"] not in self._users:
            raise ValueError(
                f"tweet {tweet['id']} has author_id {tweet['author_id']}, "
                "which is not one of the world's users: add that user to `users`"
            )
        if tweet["id"] in self._tweets:
            raise ValueError(f"tweet id {tweet['id']} appears twice: give each tweet once")
        moment = parse_time(raw["created_at"], f"tweet {tweet['id']} created_at")
        tweet["created_at"] = format_api_time(moment)
        self._tweets[tweet["id"]] = tweet
        self._times[tweet["id"]] = moment

    # -- look-ups the endpoints make ----------------------------------------------------

    def user(self, user_id: str) -> dict | None:
        return self._users.get(user_id)

    def user_by_username(self, username: str) -> dict | None:
        user_id = self._ids_by_username.get(username.lower())
        return None if user_id is None else self._users[user_id]

    def following_ids(self, user_id: str) -> list[str]:
        """Whom `user_id` follows, in the order the follows were given."""
        return list(self._following.get(user_id, []))

    def follower_ids(self, user_id: str) -> list[str]:
        """Who follows `user_id`, in the order the follows were given."""
        return list(self._followers.get(user_id, []))

    def tweet(self, tweet_id: str) -> dict | None:
        return self._tweets.get(tweet_id)

    def tweet_time(self, tweet_id: str) -> datetime:
        return self._times[tweet_id]

    def tweets_newest_first(self) -> list[dict]:
        return [self._tweets[tid] for tid in self._newest_first]

    @property
    def user_count(self) -> int:
        return len(self._users)

    @property
    def tweet_count(self) -> int:
        return len(self._tweets)

    def __repr__(self) -> str:
        return (
            f"OfflineWorld(users={self.user_count}, follows={self.follow_count}, "
            f"tweets={self.tweet_count}, now={format_api_time(self.now)!r})"
        )


def _follow_pairs(follows) -> Iterable[tuple]:
    """(source_id, target_id) pairs from a DataFrame, dicts or pairs."""
    if hasattr(follows, "columns"):  # a pandas DataFrame
        missing = {"source_id", "target_id"} - set(follows.columns)
        if missing:
            raise ValueError(f"follows table lacks column(s) {sorted(missing)}")
        return zip(follows["source_id"], follows["target_id"], strict=True)
    pairs = []
    for item in follows:
        if isinstance(item, Mapping):
            pairs.append((item["source_id"], item["target_id"]))
        elif isinstance(item, list | tuple) and len(item) == 2:
            pairs.append(tuple(item))
        else:
            raise ValueError(
                f"each follow must be a (source_id, target_id) pair or a dict, got {item!r}"
            )
    return pairs


@functools.cache
def sample_world() -> OfflineWorld:
    """The sample data's world, loaded once per process on first use."""
    return OfflineWorld.from_sample_data()
