"""A fictional Bluesky: accounts (DIDs and handles), follows, posts and starter packs.

All accounts are invented. Handles are `name.bsky.social`, except Ava Learnwell's, which is her
own (fictional) domain, `ava.learnwell.net`, as people with a website often choose. Ben Worksout
is on Bluesky; Chen Park-Mills is not (she moved to Mastodon); Hana Okafor is on Bluesky only.
Ava's starter pack "Learning in the open" lists accounts she suggests following. The world
has the same size at every scale.

Identifiers follow the AT Protocol's formats: DIDs `did:plc:` + 24 base32 characters, record
keys are TIDs (13 characters, sortable by time) and records are addressed by AT-URIs
`at://<did>/<collection>/<rkey>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .generate_org import FIRST_NAMES, LAST_NAMES
from .generate_x import ANSWERS, CHAT_TOPICS, QUESTIONS, THINGS
from .schema import CHAT_HASHTAG
from .timeline import DAY, NOW, iso_seconds

B32 = "abcdefghijklmnopqrstuvwxyz234567"  # did:plc identifiers
TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"  # sortable base32 for record keys
LEARNER = "youlearner.bsky.social"
CHAT_HOST = "ldchat.bsky.social"
# (handle, display name, bio, x_username, fedi acct)
LEADERS = [
    ("ava.learnwell.net", "Ava Learnwell",
     "Learning strategist. Communities of practice, working out loud. ava.learnwell.net",
     "ava_learnwell", "ava@learning.example"),
    ("benworksout.bsky.social", "Ben Worksout",
     "Helping teams learn in the flow of work.", "ben_worksout", ""),
    ("hanaokafor.bsky.social", "Hana Okafor",
     "Learning designer. Only here these days.", "", ""),
]
EXPERTS = [
    ("nadiaokoro.bsky.social", "Nadia Okoro", "Working out loud circles.", "nadia_wol",
     "nadia@learning.example"),
    ("mayaorellana.bsky.social", "Maya Orellana", "Community manager.", "maya_community",
     "maya@people.example"),
    ("priyaraman.bsky.social", "Priya Raman", "Learning in the flow of work.",
     "priya_flowlearn", "priya@mastodon.example"),
    ("samshowsteps.bsky.social", "Sam Castellanos", "Show your work.", "sam_showsteps", ""),
    ("felixbrandt.bsky.social", "Felix Brandt", "Microlearning, spaced practice.",
     "felix_microlrn", ""),
    ("quinncurates.bsky.social", "Quinn Adebayo", "Curation habits.", "quinn_curates",
     "quinn@mastodon.example"),
    ("imanimensah.bsky.social", "Imani Mensah", "Onboarding with peers.", "imani_onboards", ""),
    ("joaosilva.bsky.social", "João Silva", "L&D for retail teams.", "", ""),
    ("meitanaka.bsky.social", "Mei Tanaka", "Learning analytics, carefully.", "", ""),
    ("zarawhitley.bsky.social", "Zara Whitley", "Nudges for learning transfer.", "zara_nudges",
     ""),
]
ALL_LEADERS_FOLLOW = 4
STARTER_PACK_NAME = "Learning in the open"
STARTER_PACK_SIZE = 14
TAGS = ("WorkingOutLoud", "PKM", "Learning", "LearningDesign", "SocialLearning")
EVERYDAY = [
    "Working out loud: {thing}. What would you add? #{tag}",
    "Wrote up some notes on {thing} #{tag}",
    "Thinking about {thing} today. #{tag} #Learning",
    "Tiny experiment with {thing}. Will share what happens. #{tag}",
]
BIOS = ("L&D person.", "Instructional designer.", "People ops.", "Trainer.", "Facilitator.", "")
TAG_RE = re.compile(r"(?<![\w/])#(\w+)")
OPEN_TO_ALL = int(pd.Timestamp("2023-05-01T00:00:00Z").timestamp())  # earliest sign-up here


@dataclass
class BlueskyData:
    actors: pd.DataFrame
    follows: pd.DataFrame
    posts: pd.DataFrame
    starter_packs: pd.DataFrame
    starter_pack_members: pd.DataFrame
    truth: dict


def tid(seconds: float, clock_id: int) -> str:
    """A record key (TID): microseconds since the epoch and a 10-bit clock id, base32-sortable."""
    value = (int(seconds * 1_000_000) << 10) | (int(clock_id) & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(TID_CHARS[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def plc_did(rng: np.random.Generator) -> str:
    return "did:plc:" + "".join(B32[i] for i in rng.integers(0, 32, size=24))


def build_bluesky(rng: np.random.Generator) -> BlueskyData:
    people: list[dict] = []

    def actor(handle, name, bio, group, created, x="", fedi=""):
        people.append({"handle": handle, "display_name": name, "description": bio,
                       "group": group, "created": created, "x_username": x, "fedi_acct": fedi})

    def joined(earliest: int = OPEN_TO_ALL):
        return int(rng.integers(earliest, NOW - 20 * DAY))

    for handle, name, bio, x, fedi in LEADERS:
        actor(handle, name, bio, "leader", joined(), x, fedi)
    for handle, name, bio, x, fedi in EXPERTS:
        actor(handle, name, bio, "expert", joined(), x, fedi)
    actor(CHAT_HOST, "L&D Chat", f"{CHAT_HASHTAG} on Bluesky too. Thursdays 8pm ET.", "host",
          joined())
    actor(LEARNER, "You (learner)", "", "learner", NOW - 12 * DAY)
    taken = {p["handle"] for p in people}
    while sum(p["group"] == "ordinary" for p in people) < 84:
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
        handle = f"{first.lower()}{last.lower()[:rng.integers(1, 4)]}.bsky.social"
        if handle in taken:
            continue
        taken.add(handle)
        actor(handle, f"{first} {last}" if rng.random() < 0.9 else "",
              BIOS[rng.integers(len(BIOS))], "ordinary", joined())
    for p in people:
        p["did"] = plc_did(rng)
    by_handle = {p["handle"]: p for p in people}

    # --- follows ---------------------------------------------------------------------------------
    leaders = [h for h, *_ in LEADERS]
    experts = [h for h, *_ in EXPERTS]
    ordinary = [p["handle"] for p in people if p["group"] == "ordinary"]
    edges: set[tuple[str, str]] = set()

    def follow(a, b):
        if a != b:
            edges.add((a, b))

    def some(pool, k):
        return [pool[i] for i in rng.choice(len(pool), size=min(k, len(pool)), replace=False)]

    for i, expert in enumerate(experts):
        for leader in (leaders if i < ALL_LEADERS_FOLLOW else some(leaders, 1 + i % 2)):
            follow(leader, expert)
    for leader in leaders:
        for target in leaders + [CHAT_HOST] + some(ordinary, 12):
            follow(leader, target)
    for expert in experts:
        for leader in leaders:
            if rng.random() < 0.7:
                follow(expert, leader)
        for other in experts:
            if rng.random() < 0.25:
                follow(expert, other)
        for target in some(ordinary, 4):
            follow(expert, target)
    for person in ordinary:
        for leader in leaders:
            if rng.random() < 0.5:
                follow(person, leader)
        for expert in experts:
            if rng.random() < 0.1:
                follow(person, expert)
        if rng.random() < 0.3:
            follow(person, CHAT_HOST)
        for target in some(ordinary, int(rng.integers(3, 10))):
            follow(person, target)
    learner_follows = ["ava.learnwell.net", CHAT_HOST]
    for target in learner_follows:
        follow(LEARNER, target)
    follow_rows = []
    for source, target in sorted(edges):
        start = max(by_handle[source]["created"], by_handle[target]["created"]) + 3600
        at = int(rng.integers(start, NOW - 600))
        follow_rows.append({"source_did": by_handle[source]["did"],
                            "target_did": by_handle[target]["did"],
                            "rkey": tid(at + rng.random(), rng.integers(0, 1024)),
                            "created_at": at})

    # --- posts -----------------------------------------------------------------------------------
    posts: list[dict] = []

    def post(handle, at, text, reply_to=None):
        posts.append({"handle": handle, "at": int(at), "text": text, "reply_to": reply_to,
                      "key": len(posts)})
        return len(posts) - 1

    authors = leaders * 5 + experts * 2 + ordinary
    for _ in range(180):
        author = authors[rng.integers(len(authors))]
        text = EVERYDAY[rng.integers(len(EVERYDAY))].format(
            thing=THINGS[rng.integers(len(THINGS))], tag=TAGS[rng.integers(len(TAGS))])
        post(author, NOW - int(rng.integers(600, 30 * DAY)), text)
    chatters = some(ordinary, 16) + experts[:3] + ["ava.learnwell.net", "hanaokafor.bsky.social"]
    for s, days_ago in enumerate((21, 14, 7)):
        start = NOW - days_ago * DAY - 11 * 3600  # Thursdays, 01:00Z (8pm ET)
        topic = CHAT_TOPICS[(s + 9) % len(CHAT_TOPICS)]
        welcome = post(CHAT_HOST, start, f"Welcome to {CHAT_HASHTAG}, Bluesky edition! "
                       f"Tonight: {topic}. Answer with A1, A2... and the tag.")
        for k in range(1, 4):
            q = post(CHAT_HOST, start + 300 + (k - 1) * 900,
                     f"Q{k} {QUESTIONS[k - 1].format(topic=topic)} {CHAT_HASHTAG}",
                     reply_to=welcome)
            for person in chatters:
                if rng.random() < 0.45:
                    post(person, start + 300 + (k - 1) * 900 + int(rng.integers(30, 800)),
                         f"A{k} {ANSWERS[rng.integers(len(ANSWERS))]} {CHAT_HASHTAG}",
                         reply_to=q if rng.random() < 0.6 else None)
    for p in sorted(posts, key=lambda p: (p["at"], p["key"])):
        p["rkey"] = tid(p["at"] + rng.random(), rng.integers(0, 1024))
    replies: dict[int, int] = {}
    for p in posts:
        if p["reply_to"] is not None:
            replies[p["reply_to"]] = replies.get(p["reply_to"], 0) + 1
    post_rows = []
    for p in sorted(posts, key=lambda p: (p["at"], p["key"])):
        parent = posts[p["reply_to"]] if p["reply_to"] is not None else None
        known = p["handle"] in leaders or p["handle"] in experts
        post_rows.append({
            "did": by_handle[p["handle"]]["did"], "rkey": p["rkey"], "created_at": p["at"],
            "text": p["text"],
            "tags": " ".join(dict.fromkeys(TAG_RE.findall(p["text"]))),
            "reply_to_uri": None if parent is None else
            f"at://{by_handle[parent['handle']]['did']}/app.bsky.feed.post/{parent['rkey']}",
            "langs": "en",
            "like_count": int(rng.poisson(12 if known else 2)),
            "repost_count": int(rng.poisson(3 if known else 0.3)),
            "reply_count": replies.get(p["key"], 0),
            "quote_count": int(rng.poisson(0.5 if known else 0.05)),
        })

    # --- Ava's starter pack ----------------------------------------------------------------------
    ava = by_handle["ava.learnwell.net"]
    made = NOW - 40 * DAY
    members = experts[:8] + ["hanaokafor.bsky.social", "benworksout.bsky.social", CHAT_HOST]
    members += some([o for o in ordinary if o not in members], STARTER_PACK_SIZE - len(members))
    pack_uri = f"at://{ava['did']}/app.bsky.graph.starterpack/{tid(made, 7)}"
    packs = pd.DataFrame([{
        "uri": pack_uri, "creator_did": ava["did"], "name": STARTER_PACK_NAME,
        "description": "People who share how they learn at work. Follow them all, then prune.",
        "created_at": made,
        "list_uri": f"at://{ava['did']}/app.bsky.graph.list/{tid(made - 60, 7)}",
        "joined_week_count": 3, "joined_all_time_count": 41,
    }])
    pack_members = pd.DataFrame([{
        "starter_pack_uri": pack_uri, "member_did": by_handle[m]["did"],
        "rkey": tid(made - 50 + i, 7), "created_at": made - 50 + i,
    } for i, m in enumerate(members)])

    # --- reported counts -------------------------------------------------------------------------
    in_degree = {p["handle"]: 0 for p in people}
    out_degree = dict(in_degree)
    for source, target in edges:
        out_degree[source] += 1
        in_degree[target] += 1
    written = {p["handle"]: 0 for p in people}
    for p in posts:
        written[p["handle"]] += 1
    extra = {"leader": (2000, 9000), "expert": (300, 3000), "host": (400, 700),
             "ordinary": (3, 400), "learner": (0, 1)}
    rows = []
    for p in people:
        low, high = extra[p["group"]]
        learner = p["group"] == "learner"
        rows.append({
            "did": p["did"], "handle": p["handle"], "display_name": p["display_name"] or None,
            "description": p["description"] or None, "created_at": p["created"],
            "followers_count": in_degree[p["handle"]] + int(rng.integers(low, high)),
            "follows_count": out_degree[p["handle"]] + (0 if learner else
                                                        int(rng.integers(0, 400))),
            "posts_count": written[p["handle"]] + (0 if learner else int(rng.integers(5, 2000))),
            "x_username": p["x_username"] or None, "fedi_acct": p["fedi_acct"] or None,
        })
    actors = pd.DataFrame(rows).sort_values("handle", ignore_index=True)
    follows = pd.DataFrame(follow_rows).sort_values(["source_did", "rkey"], ignore_index=True)
    posts_frame = pd.DataFrame(post_rows)
    for frame in (actors, follows, posts_frame, packs, pack_members):
        frame["created_at"] = iso_seconds(frame["created_at"].to_numpy())
    truth = {"leaders": leaders, "experts": experts, "starter_pack": members,
             "followed_by_all_leaders": experts[:ALL_LEADERS_FOLLOW],
             "learner_follows": learner_follows}
    return BlueskyData(actors, follows, posts_frame, packs, pack_members, truth)
