"""The in-memory fediverse the offline Mastodon API serves: servers, accounts, follows, statuses.

Every Mastodon server has its own view of the network, and the offline servers keep that:
- ids are per server: an account or status has one id on its home server and another on each
  server that knows it (all Mastodon-style: milliseconds since the epoch << 16, plus 16 bits);
- a server knows its own accounts and the remote accounts that follow or are followed by one
  of them; it knows their statuses when a local account follows the author;
- a server lists a remote account's follows (and followers) only as far as they involve its
  own accounts, as Mastodon does; the home server has the whole list.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from sociallearning.xapi.world import parse_time

ACCT_PATTERN = re.compile(r"^[A-Za-z0-9_]+@[a-z0-9.-]+\.[a-z]+$")
TAG_PATTERN = re.compile(r"(?<![\w/])#(\w+)")
VISIBILITIES = ("public", "unlisted")


def mastodon_id(seconds: float, low: int) -> str:
    """Mastodon's id shape: milliseconds since the epoch << 16, plus 16 low bits."""
    return str((int(seconds * 1000) << 16) | (int(low) & 0xFFFF))


def _hash16(*parts: str) -> int:
    return int.from_bytes(hashlib.sha1(" ".join(parts).encode()).digest()[:2], "big")


def _text(value) -> str | None:
    """A clean text value: None for missing values (None, NaN, pandas NA) and empty text."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    text = str(value)
    return text or None


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value) if _text(value) is not None else False


def _count(value) -> int:
    return int(value) if _text(value) is not None else 0


class FediverseWorld:
    """Servers, accounts (`user@domain`), follows and statuses, and the world's "now".

    instances: dicts with domain, title, description, version (optional created_at,
        user_count, status_count, contact_acct).
    accounts: dicts with acct ("user@domain", the domain one of the instances), id (its id
        on the home server), display_name, created_at; optional note, bot, locked,
        hide_collections, discoverable, followers_count, following_count, statuses_count,
        last_status_at, x_username, bluesky_handle.
    follows: dicts (or pairs) source_acct, target_acct, created_at (when they followed).
    statuses: dicts with id (on the author's home server), acct, created_at, text;
        optional in_reply_to_id, language, visibility (public/unlisted), replies_count,
        reblogs_count, favourites_count.
    """

    def __init__(self, instances: Iterable[Mapping], accounts: Iterable[Mapping],
                 follows: Iterable, statuses: Iterable[Mapping], now):
        self.now = parse_time(now, "now")
        self.instances: dict[str, dict] = {}
        for raw in instances:
            domain = str(raw["domain"]).lower()
            self.instances[domain] = {
                "domain": domain, "title": str(raw.get("title") or domain),
                "description": _text(raw.get("description")) or "",
                "version": _text(raw.get("version")) or "4.5.3",
                "created_at": parse_time(raw.get("created_at") or "2020-01-01T00:00:00Z"),
                "user_count": _count(raw.get("user_count")),
                "status_count": _count(raw.get("status_count")),
                "contact_acct": _text(raw.get("contact_acct")),
            }
        self.accounts: dict[str, dict] = {}
        for raw in accounts:
            self._add_account(raw)
        self._following: dict[str, list[tuple[str, datetime]]] = {}
        self._followers: dict[str, list[tuple[str, datetime]]] = {}
        for item in follows:
            self._add_follow(item)
        for lists in (self._following, self._followers):
            for pairs in lists.values():
                pairs.sort(key=lambda pair: pair[1], reverse=True)  # newest follow first
        self.statuses: dict[str, dict] = {}
        for raw in statuses:
            self._add_status(raw)
        self._newest_first = sorted(self.statuses.values(),
                                    key=lambda s: (s["created_at"], int(s["id"])), reverse=True)
        self._ids: dict[str, dict[str, str]] = {}  # domain -> id -> acct
        self._known: dict[str, frozenset[str]] = {}
        self._reached: dict[str, frozenset[str]] = {}

    @classmethod
    def from_sample_data(cls) -> FediverseWorld:
        from sociallearning import data

        def records(name):
            frame = data.load(name)
            return [{k: (None if _text(v) is None else v) for k, v in row.items()}
                    for row in frame.astype(object).to_dict("records")]

        return cls(records("fedi_instances"), records("fedi_accounts"),
                   records("fedi_follows"), records("fedi_statuses"), data.REFERENCE_NOW)

    # -- building ---------------------------------------------------------------------------

    def _add_account(self, raw: Mapping) -> None:
        acct = str(raw.get("acct", ""))
        if not ACCT_PATTERN.match(acct):
            raise ValueError(f"account {acct!r} is not user@domain (e.g. ava@learning.example)")
        username, domain = acct.split("@")
        if domain not in self.instances:
            raise ValueError(f"account {acct} is on {domain}, which is not one of the world's "
                             f"instances ({', '.join(self.instances)})")
        if acct.lower() in {a.lower() for a in self.accounts}:
            raise ValueError(f"account {acct} appears twice")
        note = _text(raw.get("note")) or ""
        fields = []
        if _text(raw.get("x_username")):
            fields.append(("X", "@" + str(raw["x_username"])))
        if _text(raw.get("bluesky_handle")):
            fields.append(("Bluesky", "@" + str(raw["bluesky_handle"])))
        last = _text(raw.get("last_status_at"))
        self.accounts[acct] = {
            "acct": acct, "username": username, "domain": domain, "id": str(raw["id"]),
            "display_name": _text(raw.get("display_name")) or "", "note": note,
            "created_at": parse_time(raw["created_at"], f"{acct} created_at"),
            "bot": _flag(raw.get("bot")), "locked": _flag(raw.get("locked")),
            "hide_collections": _flag(raw.get("hide_collections")),
            "discoverable": _flag(raw.get("discoverable", True)),
            "followers_count": _count(raw.get("followers_count")),
            "following_count": _count(raw.get("following_count")),
            "statuses_count": _count(raw.get("statuses_count")),
            "last_status_at": None if last is None else parse_time(
                raw["last_status_at"] if not isinstance(raw["last_status_at"], str)
                else raw["last_status_at"][:10] + "T00:00:00Z").date().isoformat(),
            "fields": fields,
        }

    def _add_follow(self, item) -> None:
        if isinstance(item, Mapping):
            source, target = item["source_acct"], item["target_acct"]
            at = item.get("created_at")
        else:
            source, target, *rest = item
            at = rest[0] if rest else None
        for role, acct in (("source_acct", source), ("target_acct", target)):
            if acct not in self.accounts:
                raise ValueError(f"follow {role} {acct} is not one of the world's accounts")
        moment = parse_time(at) if at is not None else max(
            self.accounts[source]["created_at"], self.accounts[target]["created_at"])
        self._following.setdefault(source, []).append((target, moment))
        self._followers.setdefault(target, []).append((source, moment))

    def _add_status(self, raw: Mapping) -> None:
        acct = str(raw["acct"])
        if acct not in self.accounts:
            raise ValueError(f"status {raw.get('id')} is by {acct}, not one of the accounts")
        status_id = str(raw["id"])
        if status_id in self.statuses:
            raise ValueError(f"status id {status_id} appears twice")
        visibility = _text(raw.get("visibility")) or "public"
        if visibility not in VISIBILITIES:
            raise ValueError(f"status {status_id}: visibility must be one of {VISIBILITIES}")
        text = str(raw["text"])
        self.statuses[status_id] = {
            "id": status_id, "acct": acct, "text": text,
            "created_at": parse_time(raw["created_at"], f"status {status_id} created_at"),
            "in_reply_to_id": _text(raw.get("in_reply_to_id")),
            "language": _text(raw.get("language")) or "en", "visibility": visibility,
            "tags": list(dict.fromkeys(t.lower() for t in TAG_PATTERN.findall(text))),
            "replies_count": _count(raw.get("replies_count")),
            "reblogs_count": _count(raw.get("reblogs_count")),
            "favourites_count": _count(raw.get("favourites_count")),
        }

    # -- what a server knows ----------------------------------------------------------------

    def is_local(self, domain: str, acct: str) -> bool:
        return self.accounts[acct]["domain"] == domain

    def known_accounts(self, domain: str) -> frozenset[str]:
        """The accounts `domain` knows: its own and those in a follow with one of its own."""
        if domain not in self._known:
            known = {a for a, account in self.accounts.items() if account["domain"] == domain}
            for local in list(known):
                known |= {t for t, _ in self._following.get(local, [])}
                known |= {s for s, _ in self._followers.get(local, [])}
            self._known[domain] = frozenset(known)
        return self._known[domain]

    def _followed_from(self, domain: str) -> frozenset[str]:
        """Accounts whose posts reach `domain`: its own, and those its accounts follow."""
        if domain not in self._reached:
            reached = {a for a, account in self.accounts.items() if account["domain"] == domain}
            for local in list(reached):
                reached |= {t for t, _ in self._following.get(local, [])}
            self._reached[domain] = frozenset(reached)
        return self._reached[domain]

    def account_id(self, domain: str, acct: str) -> str:
        """The account's id on `domain` (its own id on its home server)."""
        account = self.accounts[acct]
        if account["domain"] == domain:
            return account["id"]
        seen = account["created_at"].timestamp() + _hash16(domain, acct, "seen") * 1.3
        return mastodon_id(seen, _hash16(domain, acct))

    def account_by_id(self, domain: str, account_id: str) -> str | None:
        if domain not in self._ids:
            self._ids[domain] = {self.account_id(domain, a): a
                                 for a in self.known_accounts(domain)}
        return self._ids[domain].get(account_id)

    def lookup(self, domain: str, acct: str) -> str | None:
        """`acct` as `domain` resolves it: "user" is local, "user@domain" may be remote."""
        acct = acct.strip().lstrip("@")
        if "@" not in acct:
            acct = f"{acct}@{domain}"
        username, _, server = acct.partition("@")
        for known in self.known_accounts(domain):
            if known.lower() == f"{username}@{server}".lower():
                return known
        return None

    def follow_id(self, domain: str, source: str, target: str, at: datetime) -> str:
        return mastodon_id(at.timestamp(), _hash16(domain, source, target))

    def following(self, domain: str, acct: str) -> list[tuple[str, str]]:
        """(account, follow id on domain), newest follow first, as `domain` knows them."""
        pairs = self._following.get(acct, [])
        if not self.is_local(domain, acct):
            pairs = [(t, at) for t, at in pairs if self.is_local(domain, t)]
        return [(t, self.follow_id(domain, acct, t, at)) for t, at in pairs]

    def followers(self, domain: str, acct: str) -> list[tuple[str, str]]:
        pairs = self._followers.get(acct, [])
        if not self.is_local(domain, acct):
            pairs = [(s, at) for s, at in pairs if self.is_local(domain, s)]
        return [(s, self.follow_id(domain, s, acct, at)) for s, at in pairs]

    def following_accts(self, acct: str) -> list[str]:
        """Everyone `acct` follows, from the whole world (what the home server lists)."""
        return [t for t, _ in self._following.get(acct, [])]

    def status_id(self, domain: str, status: dict) -> str:
        if self.is_local(domain, status["acct"]):
            return status["id"]
        delay = 1 + _hash16(domain, status["id"], "delay") / 4096
        return mastodon_id(status["created_at"].timestamp() + delay,
                           _hash16(domain, status["id"]))

    def statuses_on(self, domain: str) -> list[dict]:
        """Statuses `domain` has (newest first): its own accounts' and those they follow."""
        reached = self._followed_from(domain)
        return [s for s in self._newest_first if s["acct"] in reached]

    def __repr__(self) -> str:
        follows = sum(len(v) for v in self._following.values())
        return (f"FediverseWorld(instances={len(self.instances)}, accounts={len(self.accounts)}, "
                f"follows={follows}, statuses={len(self.statuses)}, "
                f"now={self.now.astimezone(UTC).isoformat()})")


@functools.cache
def sample_world() -> FediverseWorld:
    """The sample data's fediverse, loaded once per process on first use."""
    return FediverseWorld.from_sample_data()
