"""The Mastodon API, offline, behind the real Mastodon.py client.

`client()` returns a `mastodon.Mastodon`. Offline (the default) it is an `OfflineMastodon`: a
real Mastodon.py client whose requests session has an `OfflineFediverseAdapter` mounted for
every URL. The adapter answers the GET requests Mastodon.py builds, in the shapes of a
Mastodon 4.5 server seen without a login, from a `FediverseWorld`; nothing goes to the network.
Live, it is a plain `Mastodon(api_base_url=...)`: public reads need no access token.

What the answers follow from the real API (docs.joinmastodon.org and Mastodon's own code;
checked against Mastodon.py's recorded test responses):
- Account and Status entities with the fields an unauthenticated request gets (no
  `favourited`, `bookmarked`... which need a user token); ids are strings, and per server;
- lists paginate through the `Link` header: follows with max_id/since_id of the (hidden)
  follow records, 40 per page by default, at most 80, and a "next" link only when a page is
  full; statuses with max_id/min_id/since_id, 20 per page, at most 40, a "next" link on every
  non-empty page; Mastodon.py's fetch_next / fetch_remaining follow them;
- an account that hides its network (`hide_collections`) lists no follows: 200 and [];
- unknown accounts: 404 {"error": "Record not found"}; unknown routes: 404 with a message;
- every answer carries X-RateLimit-Limit/-Remaining/-Reset (300 requests per 5 minutes per
  server; paging requests also count against 300 per 15 minutes) and a Date; with
  realistic rate limits a spent budget answers 429 {"error": "Too many requests"}.
"""

from __future__ import annotations

import html
import os
import re
import types
from collections.abc import Callable
from email.utils import format_datetime
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import mastodon
import mastodon.internals
import requests
from requests.adapters import BaseAdapter

from sociallearning.fediverse.world import FediverseWorld, sample_world
from sociallearning.offline_budget import SimulatedClock, WindowBudget
from sociallearning.offline_http import json_response

DEFAULT_INSTANCE = "mastodon.example"
SAMPLE_INSTANCES = ("mastodon.example", "learning.example", "pkm.example", "people.example")
RATE_LIMIT = 300  # requests per 5 minutes (Rack::Attack throttle_unauthenticated_api)
RATE_PERIOD = 5 * 60
PAGING_LIMIT = 300  # paging requests per 15 minutes (throttle_unauthenticated_paging)
PAGING_PERIOD = 15 * 60
ACCOUNTS_LIMIT = (40, 80)  # default, most
STATUSES_LIMIT = (20, 40)
RECORD_NOT_FOUND = {"error": "Record not found"}
TOO_MANY_REQUESTS = {"error": "Too many requests"}
PAGING_PARAMS = ("max_id", "min_id", "since_id", "page")


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


# -- entities, as a server shows them -------------------------------------------------------


def _time(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _paragraphs(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>" if text else ""


def account_entity(world: FediverseWorld, domain: str, acct: str) -> dict:
    """The Account entity as `domain` serves it to a visitor without a login."""
    a = world.accounts[acct]
    home = a["domain"]
    local = home == domain
    entity = {
        "id": world.account_id(domain, acct),
        "username": a["username"],
        "acct": a["username"] if local else acct,
        "display_name": a["display_name"],
        "locked": a["locked"],
        "bot": a["bot"],
        "discoverable": a["discoverable"],
        "indexable": a["discoverable"],
        "group": False,
        "created_at": _time(a["created_at"].replace(hour=0, minute=0, second=0, microsecond=0)),
        "note": _paragraphs(a["note"]),
        "url": f"https://{home}/@{a['username']}",
        "uri": f"https://{home}/users/{a['username']}",
        "avatar": f"https://{domain}/avatars/original/missing.png",
        "avatar_static": f"https://{domain}/avatars/original/missing.png",
        "header": f"https://{domain}/headers/original/missing.png",
        "header_static": f"https://{domain}/headers/original/missing.png",
        "followers_count": a["followers_count"],
        "following_count": a["following_count"],
        "statuses_count": a["statuses_count"],
        "last_status_at": a["last_status_at"],
        "hide_collections": a["hide_collections"],
    }
    if local:
        entity["noindex"] = not a["discoverable"]
    entity["emojis"] = []
    entity["roles"] = [] if local else None
    entity["fields"] = [{"name": name, "value": html.escape(value, quote=False),
                         "verified_at": None} for name, value in a["fields"]]
    return entity


def _content(status: dict, home: str, mention: dict | None) -> str:
    def tag_link(found: re.Match) -> str:
        name = found.group(1)
        return (f'<a href="https://{home}/tags/{name.lower()}" class="mention hashtag" '
                f'rel="tag">#<span>{name}</span></a>')

    body = re.sub(r"(?<![\w/])#(\w+)", tag_link, html.escape(status["text"], quote=False))
    if mention:
        body = (f'<span class="h-card" translate="no"><a href="{mention["url"]}" '
                f'class="u-url mention">@<span>{mention["username"]}</span></a></span> ' + body)
    return f"<p>{body}</p>"


def status_entity(world: FediverseWorld, domain: str, status: dict) -> dict:
    """The Status entity as `domain` serves it to a visitor without a login."""
    author = world.accounts[status["acct"]]
    home = author["domain"]
    parent = world.statuses.get(status["in_reply_to_id"] or "")
    mention = None
    if parent is not None:
        parent_author = world.accounts[parent["acct"]]
        mention = {
            "id": world.account_id(domain, parent["acct"]),
            "username": parent_author["username"],
            "url": f"https://{parent_author['domain']}/@{parent_author['username']}",
            "acct": parent["acct"] if parent_author["domain"] != domain
            else parent_author["username"],
        }
    known_parent = parent is not None and parent["acct"] in world.known_accounts(domain)
    entity = {
        "id": world.status_id(domain, status),
        "created_at": _time(status["created_at"]),
        "in_reply_to_id": world.status_id(domain, parent) if known_parent else None,
        "in_reply_to_account_id": (world.account_id(domain, parent["acct"])
                                   if known_parent else None),
        "sensitive": False,
        "spoiler_text": "",
        "visibility": status["visibility"],
        "language": status["language"],
        "uri": f"https://{home}/users/{author['username']}/statuses/{status['id']}",
        "url": f"https://{home}/@{author['username']}/{status['id']}",
        "replies_count": status["replies_count"],
        "reblogs_count": status["reblogs_count"],
        "favourites_count": status["favourites_count"],
        "quotes_count": 0,
        "edited_at": None,
        "content": _content(status, home, mention),
        "reblog": None,
    }
    if home == domain:
        entity["application"] = {"name": "Web", "website": None}
    entity.update({
        "account": account_entity(world, domain, status["acct"]),
        "media_attachments": [],
        "mentions": [mention] if mention else [],
        "tags": [{"name": t, "url": f"https://{domain}/tags/{t}"} for t in status["tags"]],
        "emojis": [],
        "quote": None,
        "card": None,
        "poll": None,
        "quote_approval": {"automatic": ["public"], "manual": [], "current_user": "denied"},
    })
    return entity


def instance_v1(world: FediverseWorld, domain: str) -> dict:
    info = world.instances[domain]
    return {
        "uri": domain, "title": info["title"], "short_description": info["description"],
        "description": info["description"], "email": f"admin@{domain}",
        "version": info["version"], "urls": {"streaming_api": f"wss://{domain}"},
        "stats": {"user_count": info["user_count"], "status_count": info["status_count"],
                  "domain_count": len(world.instances)},
        "thumbnail": f"https://{domain}/packs/media/images/preview.png", "languages": ["en"],
        "registrations": True, "approval_required": False, "invites_enabled": True,
        "configuration": {
            "accounts": {"max_featured_tags": 10},
            "statuses": {"max_characters": 500, "max_media_attachments": 4,
                         "characters_reserved_per_url": 23},
            "media_attachments": _MEDIA_V1,
            "polls": _POLLS,
        },
        "contact_account": _contact(world, domain),
        "rules": [],
    }


def instance_v2(world: FediverseWorld, domain: str) -> dict:
    info = world.instances[domain]
    public = {"local": "public", "remote": "public"}
    return {
        "domain": domain, "title": info["title"], "version": info["version"],
        "source_url": "https://github.com/mastodon/mastodon",
        "description": info["description"],
        "usage": {"users": {"active_month": max(info["user_count"] // 5, 1)}},
        "thumbnail": {"url": f"https://{domain}/packs/media/images/preview.png"},
        "icon": [{"src": f"https://{domain}/packs/media/icons/android-chrome-{n}x{n}.png",
                  "size": f"{n}x{n}"} for n in (36, 48, 72, 96, 144, 192, 256, 384, 512)],
        "languages": ["en"],
        "configuration": {
            "urls": {"streaming": f"wss://{domain}", "status": None,
                     "about": f"https://{domain}/about",
                     "privacy_policy": f"https://{domain}/privacy-policy",
                     "terms_of_service": None},
            "vapid": {"public_key": "BOfflineSyntheticVapidKeyNotForUse="},
            "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
            "statuses": {"max_characters": 500, "max_media_attachments": 4,
                         "characters_reserved_per_url": 23},
            "media_attachments": {"description_limit": 1500, **_MEDIA_V1},
            "polls": _POLLS,
            "translation": {"enabled": False},
            "timelines_access": {"live_feeds": public, "hashtag_feeds": public,
                                 "trending_link_feeds": public},
            "limited_federation": False,
        },
        "registrations": {"enabled": True, "approval_required": False,
                          "reason_required": False, "message": None, "min_age": None,
                          "url": None},
        "api_versions": {"mastodon": 7},
        "contact": {"email": f"admin@{domain}", "account": _contact(world, domain)},
        "rules": [],
    }


_MEDIA_V1 = {"supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp",
                                      "video/mp4", "audio/mpeg"],
             "image_size_limit": 16777216, "image_matrix_limit": 33177600,
             "video_size_limit": 103809024, "video_frame_rate_limit": 120,
             "video_matrix_limit": 8294400}
_POLLS = {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
          "max_expiration": 2629746}


def _contact(world: FediverseWorld, domain: str) -> dict | None:
    contact = world.instances[domain]["contact_acct"]
    return account_entity(world, domain, contact) if contact in world.accounts else None


# -- one request ------------------------------------------------------------------------------


class _Call:
    def __init__(self, world: FediverseWorld, domain: str, path: str, params: dict,
                 path_args: dict):
        self.world = world
        self.domain = domain
        self.path = path
        self.params = params
        self.args = path_args
        self.link: str | None = None

    def limit(self, default_and_most: tuple[int, int]) -> int:
        default, most = default_and_most
        raw = self.params.get("limit")
        if raw is None:
            return default
        try:
            value = abs(int(raw))  # Rails' to_i: "abc" is 0
        except ValueError:
            value = 0
        return min(value, most)

    def flag(self, name: str) -> bool:
        return str(self.params.get(name, "")).lower() in ("1", "true", "t", "on")

    def account(self) -> str:
        acct = self.world.account_by_id(self.domain, unquote(self.args["id"]))
        if acct is None:
            raise ApiError(404, RECORD_NOT_FOUND)
        return acct

    def url(self, **core) -> str:
        keep = {k: v for k, v in self.params.items()
                if k not in PAGING_PARAMS and not k.startswith("_")}
        return f"https://{self.domain}{self.path}?" + urlencode({**keep, **core})

    def links(self, next_params: dict | None, prev_params: dict | None) -> None:
        parts = []
        if next_params:
            parts.append(f'<{self.url(**next_params)}>; rel="next"')
        if prev_params:
            parts.append(f'<{self.url(**prev_params)}>; rel="prev"')
        self.link = ", ".join(parts) or None


def _as_int(value: str | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


def _follow_page(call: _Call, pairs: list[tuple[str, str]]) -> list[dict]:
    """Follows paginate by follow-record id, newest first (max_id/since_id; min_id unused)."""
    limit = call.limit(ACCOUNTS_LIMIT)
    max_id, since_id = _as_int(call.params.get("max_id")), _as_int(call.params.get("since_id"))
    chosen = [(acct, int(fid)) for acct, fid in pairs
              if (max_id is None or int(fid) < max_id)
              and (since_id is None or int(fid) > since_id)][:limit]
    next_params = {"max_id": chosen[-1][1]} if chosen and len(chosen) == limit else None
    prev_params = {"since_id": chosen[0][1]} if chosen else None
    call.links(next_params, prev_params)
    return [account_entity(call.world, call.domain, acct) for acct, _fid in chosen]


def _status_page(call: _Call, statuses: list[dict]) -> list[dict]:
    """Statuses paginate by id: max_id/since_id from the newest, min_id from just above it."""
    limit = call.limit(STATUSES_LIMIT)
    ids = {call.world.status_id(call.domain, s): s for s in statuses}
    ordered = sorted(ids, key=int, reverse=True)
    max_id, since_id, min_id = (_as_int(call.params.get(k)) for k in PAGING_PARAMS[:3])
    within = [i for i in ordered if (max_id is None or int(i) < max_id)
              and (since_id is None or int(i) > since_id)
              and (min_id is None or int(i) > min_id)]
    chosen = within[-limit:] if min_id is not None and limit else within[:limit]
    if chosen:
        call.links({"max_id": chosen[-1]}, {"min_id": chosen[0]})
    return [status_entity(call.world, call.domain, ids[i]) for i in chosen]


def lookup(call: _Call) -> dict:
    acct = call.world.lookup(call.domain, call.params.get("acct", ""))
    if acct is None:
        raise ApiError(404, RECORD_NOT_FOUND)
    return account_entity(call.world, call.domain, acct)


def account(call: _Call) -> dict:
    return account_entity(call.world, call.domain, call.account())


def following(call: _Call) -> list:
    acct = call.account()
    if call.world.accounts[acct]["hide_collections"]:
        return []  # Mastodon answers 200 with no accounts when the network is hidden
    return _follow_page(call, call.world.following(call.domain, acct))


def followers(call: _Call) -> list:
    acct = call.account()
    if call.world.accounts[acct]["hide_collections"]:
        return []
    return _follow_page(call, call.world.followers(call.domain, acct))


def account_statuses(call: _Call) -> list:
    acct = call.account()
    tagged = (call.params.get("tagged") or "").lower().lstrip("#")
    if call.flag("pinned") or call.flag("only_media"):
        return []  # the sample has no pinned statuses and no media
    found = [s for s in call.world.statuses_on(call.domain) if s["acct"] == acct
             and not (call.flag("exclude_replies") and s["in_reply_to_id"])
             and (not tagged or tagged in s["tags"])]
    return _status_page(call, found)


def tag_timeline(call: _Call) -> list:
    tag = unquote(call.args["hashtag"]).lower()
    only_local, only_remote = call.flag("local"), call.flag("remote")
    if call.flag("only_media"):
        return []
    found = [s for s in call.world.statuses_on(call.domain)
             if tag in s["tags"] and s["visibility"] == "public"
             and not (only_local and not call.world.is_local(call.domain, s["acct"]))
             and not (only_remote and call.world.is_local(call.domain, s["acct"]))]
    return _status_page(call, found)


ENDPOINTS: tuple[tuple[re.Pattern, Callable[[_Call], object]], ...] = tuple(
    (re.compile(pattern), answer) for pattern, answer in (
        (r"/api/v1/instance", lambda call: instance_v1(call.world, call.domain)),
        (r"/api/v2/instance", lambda call: instance_v2(call.world, call.domain)),
        (r"/api/v1/accounts/lookup", lookup),
        (r"/api/v1/accounts/(?P<id>[^/]+)/following", following),
        (r"/api/v1/accounts/(?P<id>[^/]+)/followers", followers),
        (r"/api/v1/accounts/(?P<id>[^/]+)/statuses", account_statuses),
        (r"/api/v1/accounts/(?P<id>(?!lookup$|search$|relationships$|verify_credentials$)"
         r"[^/]+)", account),
        (r"/api/v1/timelines/tag/(?P<hashtag>[^/]+)", tag_timeline),
    )
)


# -- the transport ----------------------------------------------------------------------------


class OfflineFediverseAdapter(BaseAdapter):
    """A requests transport answering Mastodon API requests for every server of a world.

    world: the FediverseWorld to serve; None means the sample data, loaded on first use.
    realistic_rate_limits: refuse with 429 once a server's budget is spent.
    The simulated clock starts at the world's "now" and moves only when slept on.
    """

    def __init__(self, world: FediverseWorld | None = None, *, realistic_rate_limits=False):
        super().__init__()
        self._world = world
        self.realistic_rate_limits = realistic_rate_limits
        self._clock: SimulatedClock | None = None
        self._budgets: tuple[WindowBudget, WindowBudget] | None = None
        self.requests_seen: list[str] = []

    @property
    def world(self) -> FediverseWorld:
        if self._world is None:
            self._world = sample_world()
        return self._world

    @property
    def clock(self) -> SimulatedClock:
        if self._clock is None:
            self._clock = SimulatedClock(self.world.now)
        return self._clock

    @property
    def budgets(self) -> tuple[WindowBudget, WindowBudget]:
        """(all requests: 300 per 5 minutes, paging requests: 300 per 15 minutes)."""
        if self._budgets is None:
            enforce = self.realistic_rate_limits
            self._budgets = (
                WindowBudget(self.clock, RATE_LIMIT, RATE_PERIOD, aligned=True, enforce=enforce),
                WindowBudget(self.clock, PAGING_LIMIT, PAGING_PERIOD, aligned=True,
                             enforce=enforce),
            )
        return self._budgets

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        domain = (url.hostname or "").lower()
        self.requests_seen.append(f"{request.method} {request.url}")
        if domain not in self.world.instances:
            message = (f"This offline fediverse has the servers "
                       f"{', '.join(self.world.instances)}; nothing was sent to {domain}. "
                       "For a real server, make a live client: "
                       "fediverse.client('https://mastodon.social').")
            return self._respond(request, 404, {"error": message})
        path = url.path.rstrip("/") or "/"
        answer, path_args = None, {}
        for pattern, candidate in ENDPOINTS:
            found = pattern.fullmatch(path)
            if found:
                answer, path_args = candidate, found.groupdict()
                break
        if request.method != "GET" or answer is None:
            message = (f"This offline Mastodon server answers only public reads (accounts, "
                       f"follows, statuses, hashtag timelines, instance); not "
                       f"{request.method} {path}. Nothing was sent over the network.")
            return self._respond(request, 404, {"error": message})
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        headers, allowed = self._take(domain, params)
        if not allowed:
            return self._respond(request, 429, TOO_MANY_REQUESTS, headers)
        call = _Call(self.world, domain, path, params, path_args)
        try:
            body = answer(call)
        except ApiError as error:
            return self._respond(request, error.status, error.body, headers)
        if call.link:
            headers["Link"] = call.link
        return self._respond(request, 200, body, headers)

    def _take(self, domain: str, params: dict) -> tuple[dict, bool]:
        general, paging = self.budgets
        states = [general.take(domain)]
        if any(params.get(name) for name in PAGING_PARAMS):
            states.append(paging.take(domain))
        refused = [s for s in states if not s.allowed]
        closest = refused[0] if refused else min(states, key=lambda s: s.remaining)
        reset = self._iso(closest.reset)
        headers = {"X-RateLimit-Limit": str(closest.limit),
                   "X-RateLimit-Remaining": str(closest.remaining),
                   "X-RateLimit-Reset": reset}
        return headers, not refused

    @staticmethod
    def _iso(epoch: float) -> str:
        from datetime import UTC, datetime

        return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def _respond(self, request, status: int, body, headers: dict | None = None):
        return json_response(self, request, status, body, {
            "Content-Type": "application/json; charset=utf-8",
            "Date": format_datetime(self.clock.now(), usegmt=True),
            **(headers or {}),
        })

    def close(self) -> None:
        pass

    def __repr__(self) -> str:
        world = "sample data (not loaded yet)" if self._world is None else repr(self._world)
        return (f"OfflineFediverseAdapter(world={world}, "
                f"realistic_rate_limits={self.realistic_rate_limits})")


# -- the client ---------------------------------------------------------------------------------


class _SimulatedTime:
    """Stands in for `time` inside Mastodon.py's request code: reads and sleeps the adapter's
    simulated clock, so waiting out a 429 (ratelimit_method="wait") takes no real time."""

    def __init__(self, adapter: OfflineFediverseAdapter):
        self._adapter = adapter

    def time(self) -> float:
        return self._adapter.clock.time()

    def sleep(self, seconds: float) -> None:
        self._adapter.clock.sleep(max(float(seconds), 0.0))


def _request_on(time_module) -> Callable:
    """Mastodon.py's own request function, unchanged, but seeing `time_module` as `time`."""
    original = mastodon.internals.Mastodon._Mastodon__api_request
    if original.__code__.co_freevars or "time" not in original.__code__.co_names:
        raise RuntimeError(
            f"Mastodon.py {mastodon.__version__} changed its request code in a way the offline "
            "API cannot follow; install Mastodon.py 2.x as pinned in pyproject.toml")
    namespace = dict(original.__globals__, time=time_module)
    copy = types.FunctionType(original.__code__, namespace, original.__name__,
                              original.__defaults__)
    copy.__kwdefaults__ = original.__kwdefaults__
    return copy


class OfflineMastodon(mastodon.Mastodon):
    """A Mastodon.py client answered by an OfflineFediverseAdapter instead of the network.

    Everything else is Mastodon.py's: request building, errors, entity types, pagination
    (fetch_next, fetch_remaining) and rate-limit handling, which sleeps on the simulated clock.
    """

    def __init__(self, api_base_url: str, *, adapter: OfflineFediverseAdapter,
                 session: requests.Session | None = None, **kwargs):
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxies or .netrc: nothing here goes out
            for prefix in ("https://", "http://"):
                session.mount(prefix, adapter)
        kwargs.setdefault("version_check_mode", "none")
        super().__init__(api_base_url=api_base_url, session=session, **kwargs)
        self.adapter = adapter
        # Instance attribute, so that only this client's requests see the simulated time.
        self._Mastodon__api_request = types.MethodType(
            _request_on(_SimulatedTime(adapter)), self)

    @property
    def world(self) -> FediverseWorld:
        return self.adapter.world

    @property
    def clock(self) -> SimulatedClock:
        return self.adapter.clock

    @property
    def domain(self) -> str:
        return urlsplit(self.api_base_url).hostname

    def __repr__(self) -> str:
        return f"OfflineMastodon({self.api_base_url!r}, {self.adapter!r})"


def _host(url: str) -> str:
    return (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower()


def client(api_base_url: str | None = None, *, offline: bool | None = None,
           access_token: str | None = None, world: FediverseWorld | None = None,
           realistic_rate_limits: bool = False, ratelimit_method: str = "wait",
           **kwargs) -> mastodon.Mastodon:
    """A Mastodon.py client: offline on the sample fediverse unless given a live server.

    api_base_url: the server, e.g. "https://mastodon.social". None, or one of the offline
        servers (mastodon.example, learning.example, pkm.example, people.example), works
        offline; any other server is the live one, reached over the network.
    offline: True forces offline (any other server then answers 404); False forces live.
    access_token: live only (optional: public reads need none); MASTODON_ACCESS_TOKEN is
        read when not given.
    world: offline only; a FediverseWorld to serve instead of the sample data.
    realistic_rate_limits: offline only; answer 429 once a server's budget is spent.
    ratelimit_method: Mastodon.py's own option ("wait", "throw" or "pace"); offline,
        waiting happens on the simulated clock.
    Other keyword arguments go to mastodon.Mastodon.
    """
    offline_domains = set(world.instances) if world is not None else set(SAMPLE_INSTANCES)
    if offline is None:
        offline = (world is not None or api_base_url is None
                   or _host(api_base_url) in offline_domains)
    if offline:
        if access_token:
            raise ValueError("An access token is for a live server; leave it out offline, or "
                             "pass a live api_base_url.")
        adapter = OfflineFediverseAdapter(world, realistic_rate_limits=realistic_rate_limits)
        base = api_base_url or f"https://{DEFAULT_INSTANCE}"
        return OfflineMastodon(base, adapter=adapter, ratelimit_method=ratelimit_method,
                               **kwargs)
    if world is not None or realistic_rate_limits:
        raise ValueError("world= and realistic_rate_limits= are for the offline API.")
    if api_base_url is None:
        raise ValueError("A live client needs a server: client('https://mastodon.social').")
    token = access_token or os.environ.get("MASTODON_ACCESS_TOKEN", "").strip() or None
    kwargs.setdefault("version_check_mode", "none")
    return mastodon.Mastodon(api_base_url=api_base_url, access_token=token,
                             ratelimit_method=ratelimit_method, **kwargs)


def on_instance(api: mastodon.Mastodon, domain: str) -> mastodon.Mastodon:
    """A client like `api` for another server (e.g. an account's home server).

    Offline, it shares the offline world, clock and budgets; live, it shares the requests
    session, without the access token (a token belongs to one server).
    """
    base = f"https://{_host(domain)}"
    if isinstance(api, OfflineMastodon):
        return OfflineMastodon(base, adapter=api.adapter, session=api.session,
                               ratelimit_method=api.ratelimit_method)
    return mastodon.Mastodon(api_base_url=base, session=api.session,
                             ratelimit_method=api.ratelimit_method, version_check_mode="none")


def is_offline(api) -> bool:
    """True when the client's requests are answered offline (no network)."""
    session = getattr(api, "session", None)
    if not isinstance(session, requests.Session):
        return False
    base = getattr(api, "api_base_url", None) or "https://example.invalid"
    return isinstance(session.get_adapter(base), OfflineFediverseAdapter)
