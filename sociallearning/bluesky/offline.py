"""The Bluesky AppView, offline, behind the real AT Protocol SDK (`atproto.Client`).

`client()` returns an `atproto.Client`. Offline (the default) its httpx client has an
`OfflineAppViewTransport` (the SDK's hook: `atproto_client.request.Request(**httpx_kwargs)`
passes `transport=` to `httpx.Client`); the transport answers the XRPC queries the SDK sends
to https://public.api.bsky.app/xrpc, from a `BlueskyWorld`, and nothing goes to the network.
Live: `client(base_url="https://public.api.bsky.app")`, the public AppView, without a login.

What the answers follow from the real AppView (the lexicons, the AppView's code and its
snapshot tests in bluesky-social/atproto):
- views as a signed-out visitor gets them: ProfileViewDetailed, ProfileView, PostView,
  StarterPackView, ListView (no `viewer`), camelCase keys, counts as integers;
- getFollows / getFollowers / getList: `limit` 1-100, default 50; searchPosts: 1-100,
  default 25; an opaque `cursor` while there is more, none on the last page;
- errors in the XRPC shape {"error", "message"}: 400 InvalidRequest "Profile not found",
  "Actor not found: <actor>", "Starter pack not found"; bad parameters 400 InvalidRequest;
  methods not served here 501 MethodNotImplemented;
- every answer carries RateLimit-Limit/-Remaining/-Reset/-Policy; the AppView's own limits
  are not published ("generous"), so the offline budget is the PDS's documented 3000 per
  5 minutes; with realistic rate limits a spent budget answers 429 RateLimitExceeded.

Live caveat: Bluesky often refuses unauthenticated post search on public.api.bsky.app
(403), and ignores `cursor` for it; log in (atproto.Client().login(...)) to search live.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs

import atproto
import httpx
from atproto_client.request import Request

from sociallearning.bluesky.world import POST, BlueskyWorld, api_time, cid_for, sample_world
from sociallearning.offline_budget import SimulatedClock, WindowBudget

PUBLIC_APPVIEW = "https://public.api.bsky.app"
APPVIEW_HOSTS = ("public.api.bsky.app", "api.bsky.app")
RATE_LIMIT = 3000
RATE_PERIOD = 5 * 60


class XrpcError(Exception):
    def __init__(self, status: int, error: str, message: str):
        super().__init__(f"{status} {error}: {message}")
        self.status = status
        self.body = {"error": error, "message": message}


def invalid(message: str) -> XrpcError:
    return XrpcError(400, "InvalidRequest", message)


# -- views, as a signed-out visitor gets them --------------------------------------------------


def _associated(world: BlueskyWorld, did: str, detailed: bool) -> dict:
    found = {"activitySubscription": {"allowSubscriptions": "followers"}}
    if detailed:
        packs = sum(p["creator_did"] == did for p in world.starter_packs.values())
        found = {**found, "feedgens": 0, "labeler": False, "lists": packs,
                 "starterPacks": packs}
    return found


def profile_basic(world: BlueskyWorld, did: str) -> dict:
    a = world.actors[did]
    view = {"did": did, "handle": a["handle"]}
    if a["display_name"]:
        view["displayName"] = a["display_name"]
    view.update(associated=_associated(world, did, False), labels=[],
                createdAt=api_time(a["created_at"]))
    return view


def profile_view(world: BlueskyWorld, did: str) -> dict:
    a = world.actors[did]
    view = profile_basic(world, did)
    if a["description"]:
        view["description"] = a["description"]
    view["indexedAt"] = api_time(a["created_at"])
    return view


def profile_detailed(world: BlueskyWorld, did: str) -> dict:
    a = world.actors[did]
    view = profile_basic(world, did)
    view["associated"] = _associated(world, did, True)
    if a["description"]:
        view["description"] = a["description"]
    view.update(indexedAt=api_time(a["created_at"]), followersCount=a["followers_count"],
                followsCount=a["follows_count"], postsCount=a["posts_count"])
    return view


def _facets(text: str) -> list[dict]:
    encoded, facets = text.encode("utf-8"), []
    for tag in dict.fromkeys(t for t in text.split() if t.startswith("#")):
        start = encoded.find(tag.encode("utf-8"))
        name = tag[1:].rstrip(".,!?;:")
        if start < 0 or not name:
            continue
        facets.append({
            "$type": "app.bsky.richtext.facet",
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": name}],
            "index": {"byteStart": start, "byteEnd": start + len(("#" + name).encode())},
        })
    return facets


def post_record(world: BlueskyWorld, post: dict) -> dict:
    record = {"$type": POST, "createdAt": api_time(post["created_at"]), "langs": post["langs"],
              "text": post["text"]}
    facets = _facets(post["text"])
    if facets:
        record["facets"] = facets
    parent = world.posts.get(post["reply_to"] or "")
    if parent is not None:
        root = parent
        while root["reply_to"] in world.posts:
            root = world.posts[root["reply_to"]]
        record["reply"] = {"parent": {"cid": cid_for(parent["uri"]), "uri": parent["uri"]},
                           "root": {"cid": cid_for(root["uri"]), "uri": root["uri"]}}
    return record


def post_view(world: BlueskyWorld, post: dict) -> dict:
    return {
        "uri": post["uri"], "cid": cid_for(post["uri"]),
        "author": profile_basic(world, post["did"]),
        "record": post_record(world, post),
        "bookmarkCount": 0, "replyCount": post["reply_count"],
        "repostCount": post["repost_count"], "likeCount": post["like_count"],
        "quoteCount": post["quote_count"], "indexedAt": api_time(post["created_at"]),
        "labels": [],
    }


def _list_basic(world: BlueskyWorld, pack: dict) -> dict:
    return {"uri": pack["list_uri"], "cid": cid_for(pack["list_uri"]), "name": pack["name"],
            "purpose": "app.bsky.graph.defs#referencelist",
            "listItemCount": len(pack["members"]), "indexedAt": api_time(pack["created_at"]),
            "labels": []}


def _list_item(world: BlueskyWorld, pack: dict, member: dict) -> dict:
    creator = pack["creator_did"]
    return {"uri": f"at://{creator}/app.bsky.graph.listitem/{member['rkey']}",
            "subject": profile_view(world, member["did"])}


def starter_pack_view(world: BlueskyWorld, pack: dict) -> dict:
    record = {"$type": "app.bsky.graph.starterpack", "createdAt": api_time(pack["created_at"]),
              "description": pack["description"], "list": pack["list_uri"],
              "name": pack["name"]}
    return {
        "uri": pack["uri"], "cid": cid_for(pack["uri"]), "record": record,
        "creator": profile_basic(world, pack["creator_did"]),
        "list": _list_basic(world, pack),
        "listItemsSample": [_list_item(world, pack, m) for m in pack["members"][:12]],
        "joinedWeekCount": pack["joined_week_count"],
        "joinedAllTimeCount": pack["joined_all_time_count"],
        "labels": [], "indexedAt": api_time(pack["created_at"]),
    }


# -- queries -------------------------------------------------------------------------------


class _Query:
    def __init__(self, world: BlueskyWorld, params: dict[str, list[str]]):
        self.world = world
        self.params = params

    def one(self, name: str, required: bool = True) -> str | None:
        values = self.params.get(name)
        if not values:
            if required:
                raise invalid(f'Error: Params must have the property "{name}"')
            return None
        return values[0]

    def limit(self, default: int, most: int = 100) -> int:
        raw = self.one("limit", required=False)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise invalid("Error: limit must be an integer") from None
        if value < 1:
            raise invalid("Error: limit can not be less than 1")
        if value > most:
            raise invalid(f"Error: limit can not be greater than {most}")
        return value

    def actor(self, missing: str) -> str:
        actor = self.one("actor")
        if not (actor.startswith("did:") or "." in actor):
            raise invalid("Error: actor must be a valid did or a handle")
        did = self.world.resolve(actor)
        if did is None:
            raise invalid(missing.format(actor=actor))
        return did

    def page(self, items: list, limit: int) -> tuple[list, str | None]:
        """A page after the cursor; the cursor is an offset (opaque to clients)."""
        raw = self.one("cursor", required=False)
        try:
            offset = int(raw) if raw else 0
        except ValueError:
            offset = len(items)  # a cursor from elsewhere: nothing more to list
        chunk = items[offset: offset + limit]
        more = offset + limit < len(items)
        return chunk, (str(offset + limit) if more else None)


def get_profile(q: _Query) -> dict:
    return profile_detailed(q.world, q.actor("Profile not found"))


def get_follows(q: _Query) -> dict:
    did = q.actor("Actor not found: {actor}")
    chunk, cursor = q.page(q.world.follows(did), q.limit(50))
    body = {"subject": profile_view(q.world, did),
            "follows": [profile_view(q.world, f["target"]) for f in chunk]}
    return body | ({"cursor": cursor} if cursor else {})


def get_followers(q: _Query) -> dict:
    did = q.actor("Actor not found: {actor}")
    chunk, cursor = q.page(q.world.followers(did), q.limit(50))
    body = {"subject": profile_view(q.world, did),
            "followers": [profile_view(q.world, f["source"]) for f in chunk]}
    return body | ({"cursor": cursor} if cursor else {})


def _moment(raw: str, name: str) -> datetime:
    try:
        text = raw if "T" in raw else raw + "T00:00:00Z"
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        raise XrpcError(400, "BadQueryString", f"{name} is not a datetime or date") from None


def search_posts(q: _Query) -> dict:
    text = (q.one("q") or "").strip()
    if not text:
        raise XrpcError(400, "BadQueryString", "q must not be empty")
    limit = q.limit(25)
    sort = q.one("sort", required=False) or "latest"
    author = q.one("author", required=False)
    author_did = q.world.resolve(author) if author else None
    since, until = q.one("since", required=False), q.one("until", required=False)
    start = _moment(since, "since") if since else None
    end = _moment(until, "until") if until else None
    tags = {t.lower() for t in q.params.get("tag", [])}
    lang = q.one("lang", required=False)
    words, wanted_tags, from_did = [], set(tags), author_did
    for token in text.split():
        if token.startswith("#") and len(token) > 1:
            wanted_tags.add(token[1:].lower())
        elif token.startswith("from:"):
            from_did = q.world.resolve(token[5:]) or "unknown"
        else:
            words.append(token.lower())
    if author and author_did is None:
        return {"posts": []}
    found = [p for p in q.world.newest_posts
             if wanted_tags <= {t.lower() for t in p["tags"]}
             and all(w in p["text"].lower() for w in words)
             and (from_did is None or p["did"] == from_did)
             and (start is None or p["created_at"] >= start)
             and (end is None or p["created_at"] < end)
             and (lang is None or lang in p["langs"])]
    if sort == "top":
        found.sort(key=lambda p: p["like_count"] + p["repost_count"], reverse=True)
    chunk, cursor = q.page(found, limit)
    body = {"posts": [post_view(q.world, p) for p in chunk]}
    return body | ({"cursor": cursor} if cursor else {})


def get_starter_pack(q: _Query) -> dict:
    uri = q.one("starterPack")
    if not uri.startswith("at://"):
        raise invalid("Error: starterPack must be a valid at-uri")
    pack = q.world.starter_packs.get(uri)
    if pack is None:
        raise invalid("Starter pack not found")
    return {"starterPack": starter_pack_view(q.world, pack)}


def get_list(q: _Query) -> dict:
    uri = q.one("list")
    pack = q.world.list_pack(uri)
    if pack is None:
        raise invalid("List not found")
    chunk, cursor = q.page(pack["members"], q.limit(50))
    listed = {**_list_basic(q.world, pack), "creator": profile_view(q.world,
                                                                   pack["creator_did"]),
              "description": pack["description"]}
    body = {"list": listed, "items": [_list_item(q.world, pack, m) for m in chunk]}
    return body | ({"cursor": cursor} if cursor else {})


def resolve_handle(q: _Query) -> dict:
    did = q.world.resolve(q.one("handle"))
    if did is None:
        raise invalid("Unable to resolve handle")
    return {"did": did}


METHODS = {
    "app.bsky.actor.getProfile": get_profile,
    "app.bsky.graph.getFollows": get_follows,
    "app.bsky.graph.getFollowers": get_followers,
    "app.bsky.feed.searchPosts": search_posts,
    "app.bsky.graph.getStarterPack": get_starter_pack,
    "app.bsky.graph.getList": get_list,
    "com.atproto.identity.resolveHandle": resolve_handle,
}


# -- the transport ---------------------------------------------------------------------------


class OfflineAppViewTransport(httpx.BaseTransport):
    """An httpx transport answering AppView XRPC queries from a BlueskyWorld.

    world: the BlueskyWorld to serve; None means the sample data, loaded on first use.
    realistic_rate_limits: refuse with 429 once the 5-minute budget is spent.
    rate_limit: requests per 5 minutes (3000, the documented PDS limit; smaller for tests).
    """

    def __init__(self, world: BlueskyWorld | None = None, *, realistic_rate_limits=False,
                 rate_limit: int = RATE_LIMIT):
        self._world = world
        self.realistic_rate_limits = realistic_rate_limits
        self.rate_limit = rate_limit
        self._clock: SimulatedClock | None = None
        self._budget: WindowBudget | None = None
        self.requests_seen: list[str] = []

    @property
    def world(self) -> BlueskyWorld:
        if self._world is None:
            self._world = sample_world()
        return self._world

    @property
    def clock(self) -> SimulatedClock:
        if self._clock is None:
            self._clock = SimulatedClock(self.world.now)
        return self._clock

    @property
    def budget(self) -> WindowBudget:
        if self._budget is None:
            self._budget = WindowBudget(self.clock, self.rate_limit, RATE_PERIOD, aligned=False,
                                        enforce=self.realistic_rate_limits)
        return self._budget

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests_seen.append(f"{request.method} {request.url}")
        host = request.url.host
        if host not in APPVIEW_HOSTS:
            return self._respond(404, {
                "error": "NotFound",
                "message": f"This offline session answers only the Bluesky AppView "
                           f"({PUBLIC_APPVIEW}/xrpc/...); nothing was sent to {host}."})
        nsid = request.url.path.removeprefix("/xrpc/")
        method = METHODS.get(nsid)
        if method is None or request.method != "GET" or not request.url.path.startswith("/xrpc/"):
            return self._respond(501, {
                "error": "MethodNotImplemented",
                "message": f"Method Not Implemented: the offline AppView answers "
                           f"{', '.join(METHODS)}; not {request.method} {nsid}. "
                           "Nothing was sent over the network."})
        state = self.budget.take(host)
        headers = {"RateLimit-Limit": str(state.limit),
                   "RateLimit-Remaining": str(state.remaining),
                   "RateLimit-Reset": str(int(state.reset)),
                   "RateLimit-Policy": f"{state.limit};w={state.period}"}
        if not state.allowed:
            return self._respond(429, {"error": "RateLimitExceeded",
                                       "message": "Rate Limit Exceeded"}, headers)
        params = parse_qs(request.url.query.decode(), keep_blank_values=True)
        try:
            return self._respond(200, method(_Query(self.world, params)), headers)
        except XrpcError as error:
            return self._respond(error.status, error.body, headers)

    def _respond(self, status: int, body: dict, headers: dict | None = None) -> httpx.Response:
        content = json.dumps(body).encode("utf-8")
        return httpx.Response(status, content=content, headers={
            "Content-Type": "application/json; charset=utf-8", **(headers or {})})

    def __repr__(self) -> str:
        world = "sample data (not loaded yet)" if self._world is None else repr(self._world)
        return (f"OfflineAppViewTransport(world={world}, "
                f"realistic_rate_limits={self.realistic_rate_limits})")


class OfflineBlueskyClient(atproto.Client):
    """An atproto.Client whose requests an OfflineAppViewTransport answers."""

    transport: OfflineAppViewTransport

    @property
    def world(self) -> BlueskyWorld:
        return self.transport.world

    @property
    def clock(self) -> SimulatedClock:
        return self.transport.clock

    def __repr__(self) -> str:
        return f"OfflineBlueskyClient({self._base_url!r}, {self.transport!r})"


def client(base_url: str | None = None, *, offline: bool | None = None,
           world: BlueskyWorld | None = None,
           realistic_rate_limits: bool = False) -> atproto.Client:
    """An atproto.Client for public reads: offline on the sample data unless given a URL.

    base_url: None works offline (on a stand-in for https://public.api.bsky.app); a URL,
        e.g. "https://public.api.bsky.app", is the live service, reached over the network.
    offline: True forces offline (any host other than the AppView then answers 404).
    world: offline only; a BlueskyWorld to serve instead of the sample data.
    realistic_rate_limits: offline only; answer 429 once the budget is spent.
    """
    if offline is None:
        offline = base_url is None or world is not None
    if offline:
        transport = OfflineAppViewTransport(world, realistic_rate_limits=realistic_rate_limits)
        api = OfflineBlueskyClient(base_url=base_url or PUBLIC_APPVIEW,
                                   request=Request(transport=transport))
        api.transport = transport
        return api
    if world is not None or realistic_rate_limits:
        raise ValueError("world= and realistic_rate_limits= are for the offline API.")
    if base_url is None:
        raise ValueError(f"A live client needs a service URL, e.g. {PUBLIC_APPVIEW!r}.")
    return atproto.Client(base_url=base_url)


def is_offline(api) -> bool:
    """True when the client's requests are answered offline (no network)."""
    inner = getattr(getattr(api, "request", None), "_client", None)
    return isinstance(getattr(inner, "_transport", None), OfflineAppViewTransport)
