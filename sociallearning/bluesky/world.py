"""The in-memory Bluesky the offline AppView serves: actors, follows, posts, starter packs."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from sociallearning.fediverse.world import _count, _text
from sociallearning.xapi.world import parse_time

DID_PATTERN = re.compile(r"^did:(plc:[a-z2-7]{24}|web:[a-z0-9.-]+)$")
HANDLE_PATTERN = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
TAG_PATTERN = re.compile(r"(?<![\w/])#(\w+)")
POST = "app.bsky.feed.post"


def cid_for(value) -> str:
    """A CID (v1, dag-cbor, sha2-256, base32) for a record: the shape of a real one."""
    digest = hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).digest()
    raw = bytes([0x01, 0x71, 0x12, 0x20]) + digest
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def api_time(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class BlueskyWorld:
    """Actors (DID + handle), follow records, posts and starter packs, and the world's "now".

    actors: dicts with did, handle, created_at; optional display_name, description,
        followers_count, follows_count, posts_count.
    follows: dicts with source_did, target_did, rkey (record key), created_at.
    posts: dicts with did, rkey, created_at, text; optional reply_to_uri, langs, like_count,
        repost_count, reply_count, quote_count.
    starter_packs: dicts with uri, creator_did, name, description, created_at, list_uri,
        joined_week_count, joined_all_time_count.
    starter_pack_members: dicts with starter_pack_uri, member_did, rkey, created_at.
    """

    def __init__(self, actors: Iterable[Mapping], follows: Iterable[Mapping],
                 posts: Iterable[Mapping], now, starter_packs: Iterable[Mapping] = (),
                 starter_pack_members: Iterable[Mapping] = ()):
        self.now = parse_time(now, "now")
        self.actors: dict[str, dict] = {}
        self._did_by_handle: dict[str, str] = {}
        for raw in actors:
            did, handle = str(raw["did"]), str(raw["handle"]).lower()
            if not DID_PATTERN.match(did):
                raise ValueError(f"{did!r} is not a DID like did:plc:<24 base32 characters>")
            if not HANDLE_PATTERN.match(handle) or "." not in handle:
                raise ValueError(f"{handle!r} is not a handle (a domain name, e.g. "
                                 "name.bsky.social)")
            if did in self.actors or handle in self._did_by_handle:
                raise ValueError(f"actor {did} / {handle} appears twice")
            self.actors[did] = {
                "did": did, "handle": handle,
                "display_name": _text(raw.get("display_name")),
                "description": _text(raw.get("description")),
                "created_at": parse_time(raw["created_at"], f"{handle} created_at"),
                "followers_count": _count(raw.get("followers_count")),
                "follows_count": _count(raw.get("follows_count")),
                "posts_count": _count(raw.get("posts_count")),
            }
            self._did_by_handle[handle] = did
        self._follows: dict[str, list[dict]] = {}
        self._followers: dict[str, list[dict]] = {}
        for raw in follows:
            source, target = str(raw["source_did"]), str(raw["target_did"])
            for role, did in (("source_did", source), ("target_did", target)):
                if did not in self.actors:
                    raise ValueError(f"follow {role} {did} is not one of the world's actors")
            record = {"source": source, "target": target, "rkey": str(raw["rkey"]),
                      "created_at": parse_time(raw["created_at"])}
            self._follows.setdefault(source, []).append(record)
            self._followers.setdefault(target, []).append(record)
        for lists in (self._follows, self._followers):
            for records in lists.values():
                records.sort(key=lambda r: (r["created_at"], r["rkey"]), reverse=True)
        self.posts: dict[str, dict] = {}
        for raw in posts:
            did = str(raw["did"])
            if did not in self.actors:
                raise ValueError(f"post {raw.get('rkey')} is by {did}, not one of the actors")
            uri = f"at://{did}/{POST}/{raw['rkey']}"
            text = str(raw["text"])
            self.posts[uri] = {
                "uri": uri, "did": did, "rkey": str(raw["rkey"]), "text": text,
                "created_at": parse_time(raw["created_at"], f"post {uri} created_at"),
                "reply_to": _text(raw.get("reply_to_uri")),
                "langs": (_text(raw.get("langs")) or "en").split(),
                "tags": list(dict.fromkeys(TAG_PATTERN.findall(text))),
                "like_count": _count(raw.get("like_count")),
                "repost_count": _count(raw.get("repost_count")),
                "reply_count": _count(raw.get("reply_count")),
                "quote_count": _count(raw.get("quote_count")),
            }
        self.newest_posts = sorted(self.posts.values(),
                                   key=lambda p: (p["created_at"], p["rkey"]), reverse=True)
        self.starter_packs: dict[str, dict] = {}
        for raw in starter_packs:
            pack = {k: raw[k] for k in ("uri", "creator_did", "name", "description",
                                        "list_uri")}
            pack.update(created_at=parse_time(raw["created_at"]), members=[],
                        joined_week_count=_count(raw.get("joined_week_count")),
                        joined_all_time_count=_count(raw.get("joined_all_time_count")))
            pack = {k: (str(v) if isinstance(v, str) or k.endswith(("uri", "did")) else v)
                    for k, v in pack.items()}
            self.starter_packs[pack["uri"]] = pack
        for raw in starter_pack_members:
            pack = self.starter_packs[str(raw["starter_pack_uri"])]
            pack["members"].append({"did": str(raw["member_did"]), "rkey": str(raw["rkey"]),
                                    "created_at": parse_time(raw["created_at"])})

    @classmethod
    def from_sample_data(cls) -> BlueskyWorld:
        from sociallearning import data

        def records(name):
            frame = data.load(name)
            return [{k: (None if _text(v) is None else v) for k, v in row.items()}
                    for row in frame.astype(object).to_dict("records")]

        return cls(records("bsky_actors"), records("bsky_follows"), records("bsky_posts"),
                   data.REFERENCE_NOW, records("bsky_starter_packs"),
                   records("bsky_starter_pack_members"))

    def resolve(self, actor: str) -> str | None:
        """The DID for a handle or DID (None when unknown)."""
        actor = actor.strip().lstrip("@").lower() if not actor.startswith("did:") else actor
        if actor in self.actors:
            return actor
        return self._did_by_handle.get(actor)

    def follows(self, did: str) -> list[dict]:
        return list(self._follows.get(did, []))

    def followers(self, did: str) -> list[dict]:
        return list(self._followers.get(did, []))

    def list_pack(self, list_uri: str) -> dict | None:
        return next((p for p in self.starter_packs.values() if p["list_uri"] == list_uri), None)

    def __repr__(self) -> str:
        follows = sum(len(v) for v in self._follows.values())
        return (f"BlueskyWorld(actors={len(self.actors)}, follows={follows}, "
                f"posts={len(self.posts)}, starter_packs={len(self.starter_packs)}, "
                f"now={api_time(self.now)!r})")


@functools.cache
def sample_world() -> BlueskyWorld:
    """The sample data's Bluesky, loaded once per process on first use."""
    return BlueskyWorld.from_sample_data()
