"""A fictional fediverse: four Mastodon servers, their accounts, who follows whom, statuses.

All servers use the reserved `.example` top-level domain, so none can be a real server; all
accounts are invented. Some of the X world's people have a Mastodon account too (Ava Learnwell
and Chen Park-Mills among the seed leaders; Ben Worksout is not on Mastodon), and some people
are on Mastodon only (Tomás Reyes, a leader the X search never finds). The fediverse has the same
size at every scale.

What the lessons can find in it:
- cross-server follows: a server knows only part of a remote account's follows (see
  sociallearning.fediverse), so a complete list comes from the account's home server;
- one account hides its follows (`hide_collections`), one is a bot, one is locked;
- #ldchat runs on Mastodon too (fewer, shorter sessions), besides #workingoutloud, #pkm,
  #learning, #communityofpractice and #instructionaldesign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from .generate_org import FIRST_NAMES, LAST_NAMES
from .generate_x import (
    ANSWERS,
    CHAT_TOPICS,
    LAST_SESSION_DAY,
    QUESTIONS,
    THINGS,
    session_start_utc,
)
from .schema import CHAT_HASHTAG
from .timeline import DAY, NOW, iso_seconds

MASTODON_VERSION = "4.5.3"
# domain, title, short description, founding year, share of the ordinary accounts
INSTANCES = [
    ("mastodon.example", "Mastodon Example",
     "A large general-purpose server (fictional).", 2017, 0.5),
    ("learning.example", "Learning Commons",
     "For people who help others learn: L&D, training, facilitation. Home of #ldchat.",
     2022, 0.25),
    ("pkm.example", "PKM Garden",
     "A small server for personal knowledge mastery and note-making.", 2022, 0.1),
    ("people.example", "People Ops Social",
     "HR, talent and people-operations folk (fictional).", 2023, 0.15),
]
CHAT_HOST = "ldchat@learning.example"
LEARNER = "you_learner@mastodon.example"
# (acct, display name, bio, x_username or "", bluesky handle or "", group)
LEADERS = [
    ("ava@learning.example", "Ava Learnwell",
     "Learning strategist. Communities of practice, social learning, working out loud.",
     "ava_learnwell", "ava.learnwell.net", "seed"),
    ("chen@pkm.example", "Chen Park-Mills",
     "Seek, sense, share. Notes on personal knowledge mastery. Mostly here now.",
     "chen_pkm", "", "seed"),
    ("tomas@learning.example", "Tomás Reyes",
     "Facilitator. Hosts #ldchat on Mastodon. Not on the bird site.", "", "", "seed"),
]
EXPERTS = [  # followed by the leaders; the first five by all three
    ("dana@mastodon.example", "Dana Sensemaker", "Sensemaking for learning teams.",
     "dana_sensemaker", ""),
    ("nadia@learning.example", "Nadia Okoro", "Working out loud circles facilitator.",
     "nadia_wol", "nadiaokoro.bsky.social"),
    ("wen@pkm.example", "Wen Zhao", "Reflective practice. Weekly notes.", "wen_reflects", ""),
    ("lina@learning.example", "Lina Haddad", "Learning designer for frontline teams.", "", ""),
    ("odile@mastodon.example", "Odile Martins", "Communities of practice in public health.",
     "", ""),
    ("maya@people.example", "Maya Orellana", "Community manager. Internal communities.",
     "maya_community", "mayaorellana.bsky.social"),
    ("priya@mastodon.example", "Priya Raman", "Learning in the flow of work.",
     "priya_flowlearn", "priyaraman.bsky.social"),
    ("grace@mastodon.example", "Grace Whitfield", "Learning experience design. Accessibility.",
     "grace_lxd", ""),
    ("xena@pkm.example", "Xena Papadakis", "Daily PKM routines.", "xena_pkmdaily", ""),
    ("ravi@people.example", "Ravi Menon", "Skills-based hiring and internal mobility.", "", ""),
    ("rosa@learning.example", "Rosa Ferreira", "Facilitation, liberating structures.",
     "rosa_facilitate", ""),
    ("quinn@mastodon.example", "Quinn Adebayo", "Curation habits for busy people.",
     "quinn_curates", "quinncurates.bsky.social"),
]
ALL_LEADERS_FOLLOW = 5
HIDES_FOLLOWS = "grace@mastodon.example"  # hide_collections: her follows come back empty
BOT = "digest@mastodon.example"  # a bot reposting links with hashtags
LOCKED = 1  # the first ordinary account (in generation order) approves followers by hand
SESSIONS = 6  # weekly #ldchat sessions on Mastodon, the latest on the same night as on X
TAGS = ("WorkingOutLoud", "PKM", "Learning", "CommunityOfPractice", "InstructionalDesign")
EVERYDAY = [
    "Working out loud this week: {thing}. What would you add? #{tag}",
    "New blog post on {thing}. #{tag} #Learning",
    "Notes to self on {thing}. #{tag}",
    "Small experiment: {thing}. Will report back. #{tag}",
    "Reading about {thing} today. Favourite sources? #{tag}",
]
BIOS = (
    "L&D at a mid-size company.", "Instructional designer.", "HR generalist, curious.",
    "Trainer turned community manager.", "Talent development.", "Learning technologist.",
    "Facilitator and reader.", "",
)
TAG_RE = re.compile(r"(?<![\w/])#(\w+)")


@dataclass
class FediverseData:
    instances: pd.DataFrame
    accounts: pd.DataFrame
    follows: pd.DataFrame
    statuses: pd.DataFrame
    truth: dict


def mastodon_id(seconds: float, low: int) -> str:
    """A Mastodon-style id: milliseconds since the epoch, shifted 16 bits, plus 16 low bits."""
    return str((int(seconds * 1000) << 16) | (int(low) & 0xFFFF))


def tags_of(text: str) -> list[str]:
    """Hashtags in a text, lowercased (how Mastodon names tags), in order, once each."""
    found: list[str] = []
    for tag in TAG_RE.findall(text):
        if tag.lower() not in found:
            found.append(tag.lower())
    return found


def _seconds(year: int, month: int = 1, day: int = 1) -> int:
    return int(datetime(year, month, day, tzinfo=UTC).timestamp())


def build_fediverse(rng: np.random.Generator) -> FediverseData:
    chat_tag = CHAT_HASHTAG.lstrip("#")
    profiles: list[dict] = []

    def account(acct, name, bio, group, created, x="", bsky="", **extra):
        profiles.append({"acct": acct, "display_name": name, "note": bio, "group": group,
                         "created": created, "x_username": x, "bluesky_handle": bsky,
                         "bot": False, "locked": False, "hide_collections": False, **extra})

    founded = {domain: _seconds(year) for domain, _t, _d, year, _s in INSTANCES}

    def joined(domain: str, earliest: int = 0) -> int:
        start = max(founded[domain], earliest)
        day = int(rng.integers(start // DAY, NOW // DAY - 30))
        return day * DAY  # Mastodon reports account creation at midnight

    for acct, name, bio, x, bsky, _group in LEADERS:
        account(acct, name, bio, "leader", joined(acct.split("@")[1]), x, bsky)
    for acct, name, bio, x, bsky in EXPERTS:
        account(acct, name, bio, "expert", joined(acct.split("@")[1]), x, bsky,
                hide_collections=acct == HIDES_FOLLOWS)
    account(CHAT_HOST, "L&D Chat", f"{CHAT_HASHTAG} on Mastodon: Thursdays 8pm ET.", "host",
            joined("learning.example"))
    account(BOT, "Learning Links Digest", "Automated: links tagged #Learning, hourly.", "bot",
            joined("mastodon.example"), bot=True)
    account(LEARNER, "You (learner)", "Learning about social learning.", "learner",
            (NOW // DAY - 18) * DAY)
    shares = np.array([s for *_rest, s in INSTANCES])
    taken = {p["acct"] for p in profiles}
    n_ordinary = 0
    while n_ordinary < 96:
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
        domain = INSTANCES[rng.choice(len(INSTANCES), p=shares / shares.sum())][0]
        username = f"{first.lower()}{rng.integers(1, 100)}" if rng.random() < 0.4 else (
            f"{first.lower()}_{last.lower()}")
        acct = f"{username}@{domain}"
        if acct in taken:
            continue
        taken.add(acct)
        account(acct, f"{first} {last}", BIOS[rng.integers(len(BIOS))], "ordinary",
                joined(domain), locked=n_ordinary < LOCKED)
        n_ordinary += 1
    by_acct = {p["acct"]: p for p in profiles}
    for p in profiles:
        p["username"], p["domain"] = p["acct"].split("@")
        p["id"] = mastodon_id(p["created"] + int(rng.integers(0, DAY)), rng.integers(0, 1 << 16))

    # --- follows ---------------------------------------------------------------------------------
    leaders = [a for a, *_ in LEADERS]
    experts = [a for a, *_ in EXPERTS]
    ordinary = [p["acct"] for p in profiles if p["group"] == "ordinary"]
    edges: set[tuple[str, str]] = set()

    def follow(a, b):
        if a != b:
            edges.add((a, b))

    def some(pool, k):
        return [pool[i] for i in rng.choice(len(pool), size=min(k, len(pool)), replace=False)]

    for i, expert in enumerate(experts):
        followers = leaders if i < ALL_LEADERS_FOLLOW else some(leaders, 1 + (i % 2))
        for leader in followers:
            follow(leader, expert)
    for leader in leaders:
        for target in leaders + [CHAT_HOST] + some(ordinary, 6):
            follow(leader, target)
    for expert in experts:
        for leader in leaders:
            if rng.random() < 0.75:
                follow(expert, leader)
        for other in experts:
            if rng.random() < 0.2:
                follow(expert, other)
        for target in some(ordinary, 3):
            follow(expert, target)
        if rng.random() < 0.5:
            follow(expert, CHAT_HOST)
    for person in ordinary:
        for leader in leaders:
            if rng.random() < 0.45:
                follow(person, leader)
        for expert in experts:
            if rng.random() < 0.08:
                follow(person, expert)
        if rng.random() < 0.4:
            follow(person, CHAT_HOST)
        if rng.random() < 0.3:
            follow(person, BOT)
        for target in some(ordinary, int(rng.integers(2, 8))):
            follow(person, target)
    for target in leaders + some(experts, 6):
        follow(CHAT_HOST, target)
    learner_follows = ["ava@learning.example", CHAT_HOST]
    for target in learner_follows:
        follow(LEARNER, target)
    follow_rows = []
    for source, target in sorted(edges):
        start = max(by_acct[source]["created"], by_acct[target]["created"]) + DAY
        follow_rows.append((source, target, int(rng.integers(start, NOW - 3600))))

    # --- statuses --------------------------------------------------------------------------------
    posts: list[dict] = []

    def post(acct, at, text, reply_to=None, visibility="public"):
        posts.append({"acct": acct, "at": int(at), "text": text, "reply_to": reply_to,
                      "visibility": visibility, "key": len(posts)})
        return len(posts) - 1

    regulars = leaders[:1] + ["tomas@learning.example", "nadia@learning.example",
                              "lina@learning.example"] + some(ordinary, 10)
    for s in range(SESSIONS):  # the same Thursdays, 8 pm New York, as the X chat's last ones
        start = session_start_utc(LAST_SESSION_DAY - timedelta(days=7 * (SESSIONS - 1 - s)))
        topic = CHAT_TOPICS[(s + 6) % len(CHAT_TOPICS)]
        welcome = post(CHAT_HOST, start, f"Welcome to {CHAT_HASHTAG}! Tonight: {topic}. "
                       "Answer Q1, Q2... with A1, A2... and add the hashtag.")
        attendees = [r for r in regulars if rng.random() < 0.8] + some(ordinary, 6)
        for k in range(1, 5):
            asked = start + 300 + (k - 1) * 780
            q = post(CHAT_HOST, asked, f"Q{k} {QUESTIONS[k - 1].format(topic=topic)} "
                     f"{CHAT_HASHTAG}", reply_to=welcome)
            for person in attendees:
                if rng.random() < 0.6:
                    answer = ANSWERS[rng.integers(len(ANSWERS))]
                    post(person, asked + int(rng.integers(30, 700)),
                         f"A{k} {answer} {CHAT_HASHTAG}", reply_to=q if rng.random() < 0.5
                         else None)
    authors = leaders * 5 + experts * 2 + ordinary
    for _ in range(170):
        author = authors[rng.integers(len(authors))]
        at = NOW - int(rng.integers(3600, 40 * DAY))
        text = EVERYDAY[rng.integers(len(EVERYDAY))].format(
            thing=THINGS[rng.integers(len(THINGS))], tag=TAGS[rng.integers(len(TAGS))])
        visibility = "unlisted" if rng.random() < 0.08 else "public"
        post(author, at, text, visibility=visibility)
    for hour in range(0, 10 * 24, 8):
        post(BOT, NOW - hour * 3600 - 1800,
             f"Link digest: {THINGS[hour % len(THINGS)]}. #Learning #{chat_tag}")

    order = sorted(posts, key=lambda p: (p["at"], p["key"]))
    for p in order:
        p["id"] = mastodon_id(p["at"] + rng.random(), rng.integers(0, 1 << 16))
    replies: dict[int, int] = {}
    for p in posts:
        if p["reply_to"] is not None:
            replies[p["reply_to"]] = replies.get(p["reply_to"], 0) + 1
    status_rows = []
    for p in order:
        parent = posts[p["reply_to"]]["id"] if p["reply_to"] is not None else None
        boosted = p["acct"] in leaders or p["acct"] in experts
        status_rows.append({
            "id": p["id"], "acct": p["acct"], "created_at": p["at"], "text": p["text"],
            "tags": " ".join(tags_of(p["text"])), "in_reply_to_id": parent,
            "language": "en", "visibility": p["visibility"],
            "replies_count": replies.get(p["key"], 0),
            "reblogs_count": int(rng.poisson(4 if boosted else 0.5)),
            "favourites_count": int(rng.poisson(9 if boosted else 1.5)),
        })

    # --- reported counts: the sample plus the rest of the fediverse -----------------------------
    in_degree = {p["acct"]: 0 for p in profiles}
    out_degree = dict(in_degree)
    for source, target in edges:
        out_degree[source] += 1
        in_degree[target] += 1
    written = {p["acct"]: 0 for p in profiles}
    last_at: dict[str, int] = {}
    for p in posts:
        written[p["acct"]] += 1
        last_at[p["acct"]] = max(last_at.get(p["acct"], 0), p["at"])
    extra = {"leader": (800, 4000), "expert": (150, 1500), "host": (600, 900),
             "bot": (300, 600), "ordinary": (5, 300), "learner": (0, 1)}
    rows = []
    for p in profiles:
        low, high = extra[p["group"]]
        lonely = p["group"] in ("learner",)
        rows.append({
            "acct": p["acct"], "id": p["id"], "username": p["username"], "domain": p["domain"],
            "display_name": p["display_name"], "note": p["note"], "created_at": p["created"],
            "bot": p["bot"], "locked": p["locked"], "hide_collections": p["hide_collections"],
            "discoverable": not p["locked"] and p["group"] != "learner",
            "followers_count": in_degree[p["acct"]] + int(rng.integers(low, high)),
            "following_count": out_degree[p["acct"]] + (0 if lonely else int(rng.integers(0, 300))),
            "statuses_count": written[p["acct"]] + (0 if lonely else int(rng.integers(20, 3000))),
            "last_status_at": last_at.get(p["acct"]),
            "x_username": p["x_username"] or None,
            "bluesky_handle": p["bluesky_handle"] or None,
        })
    accounts = pd.DataFrame(rows).sort_values("acct", ignore_index=True)
    accounts["created_at"] = iso_seconds(accounts["created_at"].to_numpy())
    for column in ("bot", "locked", "hide_collections", "discoverable"):
        accounts[column] = np.where(accounts[column], "true", "false")  # the files' spelling
    dates = accounts["last_status_at"]
    accounts["last_status_at"] = [None if pd.isna(v) else
                                  str(np.datetime64(int(v), "s").astype("datetime64[D]"))
                                  for v in dates]
    follows = pd.DataFrame(follow_rows, columns=["source_acct", "target_acct", "created_at"])
    follows["created_at"] = iso_seconds(follows["created_at"].to_numpy())
    statuses = pd.DataFrame(status_rows)
    statuses["created_at"] = iso_seconds(statuses["created_at"].to_numpy())
    instances = pd.DataFrame([{
        "domain": domain, "title": title, "description": description,
        "version": MASTODON_VERSION, "created_at": founded[domain],
        "user_count": int(sum(p["domain"] == domain for p in profiles) * rng.integers(40, 400)),
        "status_count": int(rng.integers(50_000, 5_000_000)),
        "contact_acct": next(p["acct"] for p in profiles if p["domain"] == domain),
    } for domain, title, description, _year, _share in INSTANCES])
    instances["created_at"] = iso_seconds(instances["created_at"].to_numpy())
    truth = {"leaders": leaders, "experts": experts,
             "followed_by_all_leaders": experts[:ALL_LEADERS_FOLLOW],
             "hides_follows": HIDES_FOLLOWS, "bot": BOT, "learner_follows": learner_follows}
    return FediverseData(instances, accounts, follows, statuses, truth)
