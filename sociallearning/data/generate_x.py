"""A fictional X world: accounts, who follows whom, recent tweets and the #ldchat chat.

All accounts are invented; no text is attributed to real people. Objects follow the X API v2
shape so the offline X API can serve them. The X world has the same size at every scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from .generate_org import FIRST_NAMES, LAST_NAMES
from .schema import CHAT_HASHTAG, SEED_LEADERS
from .timeline import DAY, NOW, SEARCH_WINDOW_START, x_time

SNOWFLAKE_EPOCH_MS = 1_288_834_974_657
CHAT_ZONE = ZoneInfo("America/New_York")
CHAT_HOST = "ldchat_host"
LEARNER = "you_learner"
N_ORDINARY = 269
SESSIONS = 12
LAST_SESSION_DAY = date(2026, 3, 5)  # a Thursday; the latest chat before REFERENCE_NOW
SKIPPED_THURSDAYS = {date(2025, 11, 27), date(2025, 12, 25), date(2026, 1, 1)}  # holidays
SESSIONS_IN_SEARCH = 1  # weekly sessions: only the latest fits in a 7-day search window
GUEST_MODERATED = {3: "maya_community", 7: "priya_flowlearn"}

SEEDS = [
    ("ava_learnwell", "Ava Learnwell",
     "Learning strategist. Communities of practice, social learning, working out loud."),
    ("ben_worksout", "Ben Worksout",
     "Helping teams learn in the flow of work. Coaching, performance support, curiosity."),
    ("chen_pkm", "Chen Park-Mills",
     "Seek, sense, share. Notes on personal knowledge mastery and networked learning."),
]
# Accounts worth following. The first five are followed by all three seeds, the next eight by
# two, the rest by one. dana_sensemaker has a modest following but is followed by the seeds and
# most experts: her PageRank is far above her in-degree rank.
EXPERTS = [
    ("dana_sensemaker", "Dana Sensemaker", "Sensemaking for learning teams. Quiet blog."),
    ("maya_community", "Maya Orellana", "Community manager. Internal communities, champions."),
    ("priya_flowlearn", "Priya Raman", "Learning in the flow of work. Workflow learning design."),
    ("sam_showsteps", "Sam Castellanos", "Show your work: screenshots, steps, stories."),
    ("nadia_wol", "Nadia Okoro", "Working out loud circles facilitator."),
    ("felix_microlrn", "Felix Brandt", "Microlearning, spaced practice, fewer slides."),
    ("grace_lxd", "Grace Whitfield", "Learning experience design. Accessibility first."),
    ("hugo_coaching", "Hugo Lindqvist", "Manager coaching and feedback habits."),
    ("imani_onboards", "Imani Mensah", "Onboarding journeys that use peers, not portals."),
    ("jonas_analytics", "Jonas Weber", "Learning analytics with honest caveats."),
    ("keiko_mentors", "Keiko Arai", "Mentoring programmes at scale."),
    ("leo_ux4learning", "Leo Marchetti", "UX methods for learning teams."),
    ("omar_skillsdata", "Omar Haddad", "Skills data, taxonomies and their limits."),
    ("quinn_curates", "Quinn Adebayo", "Curation habits for busy people."),
    ("rosa_facilitate", "Rosa Ferreira", "Facilitation, liberating structures, virtual rooms."),
    ("tara_practice", "Tara Nolan", "Communities of practice in healthcare and beyond."),
    ("uma_storylearn", "Uma Krishnan", "Stories as a learning tool."),
    ("victor_cop", "Victor Dumont", "Knowledge sharing across frontline teams."),
    ("wen_reflects", "Wen Zhao", "Reflective practice. Weekly notes."),
    ("xena_pkmdaily", "Xena Papadakis", "Daily PKM routines."),
    ("yusuf_socialhr", "Yusuf Demir", "HR meets social learning."),
    ("zara_nudges", "Zara Whitley", "Behavioural nudges for learning transfer."),
    ("ines_playful", "Ines Morales", "Playful learning and games for adults."),
    ("marco_lnd", "Marco Bellini", "L&D lead in logistics. Frontline learning."),
]
ALL_SEEDS_FOLLOW = 5
TWO_SEEDS_FOLLOW = 8
POPULAR_ACCOUNTS = [
    ("hustle_quotes", "Daily Hustle Quotes", "Motivation every hour. Follow for more!"),
    ("viral_growth", "Viral Growth Tips", "Grow your audience 10x. Tips daily."),
]
HANDLE_SUFFIXES = ("learns", "lnd", "trains", "coach", "hr", "ux", "ops", "designs", "reads",
                   "mentor", "teaches", "notes", "talent", "lxd", "facil")
ORDINARY_BIOS = (
    "L&D at a mid-size company. Learning out loud.",
    "Instructional designer. Coffee and storyboards.",
    "HR generalist curious about social learning.",
    "Trainer turned community manager.",
    "Talent development. Opinions my own.",
    "Learning technologist. Tinkering with tools.",
    "Facilitator, reader, occasional blogger.",
    "Frontline trainer in retail and logistics.",
    "",
)
CITIES = ("New York", "Chicago", "London", "Toronto", "Sydney", "Dublin", "Bengaluru",
          "Singapore", "São Paulo", "Cape Town", "Berlin", "Austin")

CHAT_TOPICS = [
    "working out loud at work", "finding your champions", "measuring social learning honestly",
    "keeping sponsors through a re-org", "personal knowledge mastery", "communities of practice",
    "peer onboarding", "learning in the flow of work", "curation habits",
    "microlearning myths", "mentoring at scale", "social learning for frontline teams",
]
NEXT_TOPIC = "getting started with internal chats"
QUESTIONS = [
    "What does {topic} look like where you work today?",
    "Who already does this well around you, and how did you spot them?",
    "What gets in the way of {topic} for your teams?",
    "How do you get leaders to back {topic}?",
    "What is one small experiment you could run next week?",
    "How would you know it is working? What would you measure?",
    "Which tools help, and which get in the way?",
    "What advice would you give someone starting out with {topic}?",
]
ANSWERS = [
    "we start small: one team, one habit, four weeks",
    "honestly, it mostly lives in hallway chats and a few busy channels",
    "our managers model it, and that does more than any launch email",
    "time. Everyone says yes, then the calendar says no",
    "ask the people who already share, then make their work visible",
    "we look at who answers questions for people outside their own team",
    "a monthly show-and-tell where anyone can share a work-in-progress",
    "tie it to a goal leaders already care about, not to learning for its own sake",
    "fewer tools, clearer purpose. We retired two platforms last year",
    "measure the conversation, not just attendance. Replies tell you more than logins",
    "find the trend setters: the ones whose posts start long threads",
    "we pair newcomers with a buddy for the first 30 days",
    "sponsors need regular short updates, not a big annual report",
    "lurking is learning too; do not count it as failure",
    "a shared notes page per project, open to everyone by default",
    "celebrate questions, not just answers",
    "we ask what people would miss if the community disappeared",
    "keep the barrier low: a photo and two sentences is a valid post",
    "our frontline teams use voice notes more than text",
    "curate weekly: three links, one sentence each on why they matter",
]
REPLIES = [
    "love this, stealing it for Monday", "same here! the calendar always wins",
    "how did you get managers on board?", "great point about lurkers",
    "this is so true in our place too", "do you have an example of that?",
    "+1, small experiments beat big launches", "we tried that, it worked well",
]
INTROS = [
    "Hi {tag}! {first} here, {bio} in {city}.",
    "Evening all, {first} joining from {city} {tag}",
    "Hello {tag}, {first} from {city}. Looking forward to this one!",
]
NEWCOMER_INTROS = [
    "First time at {tag}! {first} from {city}, mostly here to listen.",
    "Hi all, {first} here, new to {tag}. How does this work?",
]
RECENT_TEMPLATES = [
    "Working out loud this week: {thing}. What would you add? #workingoutloud",
    "New post: {thing} #learning #socialLearning",
    "Notes to self on {thing}. Seek, sense, share. #PKM",
    "Small experiment: {thing}. Will report back. #LearningAndDevelopment",
    "Reading about {thing} today. Any favourite sources? #learning",
    "Great thread by @{seed} on {thing}",
]
THINGS = [
    "peer feedback in small teams", "how champions emerge", "community health metrics",
    "making learning visible", "onboarding buddies", "time to first response",
    "why most members lurk", "sponsors after a re-org", "weekly curation",
    "learning from mistakes in public", "asking better questions", "reflection journals",
]

HASHTAG_RE = re.compile(r"(?<!\w)#(\w+)")
MENTION_RE = re.compile(r"(?<!\w)@(\w{1,15})")


@dataclass
class XWorld:
    users: list[dict]
    follows: list[tuple[str, str]]
    recent_tweets: list[dict]
    archive_tweets: list[dict]
    sessions: list[dict]
    truth: dict


def chat_session_days() -> list[date]:
    """The 12 session Thursdays up to LAST_SESSION_DAY, skipping holiday weeks."""
    days, day = [], LAST_SESSION_DAY
    while len(days) < SESSIONS:
        if day not in SKIPPED_THURSDAYS:
            days.append(day)
        day -= timedelta(days=7)
    return sorted(days)


def session_start_utc(day: date) -> int:
    """8 pm in New York on that day, as epoch seconds (zoneinfo handles EST/EDT)."""
    local = datetime(day.year, day.month, day.day, 20, 0, tzinfo=CHAT_ZONE)
    return int(local.astimezone(UTC).timestamp())


def _snowflake(seconds: int, ms: int, low: int) -> int:
    return ((seconds * 1000 + ms - SNOWFLAKE_EPOCH_MS) << 22) | low


def entities_of(text: str, user_ids: dict[str, str]) -> dict:
    """X v2 entities computed from the text: hashtags and (known) mentions with offsets."""
    entities: dict = {}
    hashtags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)}
                for m in HASHTAG_RE.finditer(text)]
    mentions = [{"start": m.start(), "end": m.end(), "username": m.group(1),
                 "id": user_ids[m.group(1)]}
                for m in MENTION_RE.finditer(text) if m.group(1) in user_ids]
    if hashtags:
        entities["hashtags"] = hashtags
    if mentions:
        entities["mentions"] = mentions
    return entities


class _TweetBook:
    """Collects tweets with internal keys; ids are assigned once every tweet exists."""

    def __init__(self) -> None:
        self.tweets: list[dict] = []

    def add(self, author: str, at: int, text: str, *, reply_to: int | None = None,
            retweet_of: int | None = None, session: int | None = None) -> int:
        key = len(self.tweets)
        root = key
        if reply_to is not None:
            root = self.tweets[reply_to]["root"]
        self.tweets.append({"key": key, "author": author, "at": int(at), "text": text,
                            "reply_to": reply_to, "retweet_of": retweet_of, "root": root,
                            "session": session})
        return key


def build_x(rng: np.random.Generator) -> XWorld:
    # --- accounts ------------------------------------------------------------------------------
    profiles: list[dict] = []

    def account(username: str, name: str, bio: str, group: str, created: int) -> None:
        profiles.append({"username": username, "name": name, "description": bio,
                         "group": group, "created": created})

    def created_between(first_year: int, last_year: int) -> int:
        start = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
        end = int(datetime(last_year, 12, 31, tzinfo=UTC).timestamp())
        return int(rng.integers(start, end))

    for username, name, bio in SEEDS:
        account(username, name, bio, "seed", created_between(2011, 2013))
    for i, (username, name, bio) in enumerate(EXPERTS):
        account(username, name, bio, "gem" if i == 0 else "expert", created_between(2011, 2019))
    for username, name, bio in POPULAR_ACCOUNTS:
        account(username, name, bio, "popular", created_between(2014, 2020))
    account(CHAT_HOST, "L&D Chat", f"Home of {CHAT_HASHTAG}: Thursdays 8pm ET. Q1, A1, repeat.",
            "host", created_between(2012, 2012))
    account(LEARNER, "You (learner)", "Learning about social learning. Say hi!", "learner",
            int(datetime(2026, 2, 16, 9, tzinfo=UTC).timestamp()))
    taken = {p["username"] for p in profiles}
    while sum(p["group"] == "ordinary" for p in profiles) < N_ORDINARY:
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
        handle = f"{first.lower()}_{HANDLE_SUFFIXES[rng.integers(len(HANDLE_SUFFIXES))]}"
        if handle in taken:
            handle = f"{handle}{rng.integers(2, 99)}"
        if handle in taken or len(handle) > 15:
            continue
        taken.add(handle)
        account(handle, f"{first} {last}", ORDINARY_BIOS[rng.integers(len(ORDINARY_BIOS))],
                "ordinary", created_between(2011, 2024))
    for p in profiles:
        p["id"] = str(_snowflake(p["created"], int(rng.integers(0, 1000)),
                                 int(rng.integers(0, 1 << 22))))
        p["location"] = CITIES[rng.integers(len(CITIES))] if rng.random() < 0.8 else None
    by_name = {p["username"]: p for p in profiles}
    user_ids = {p["username"]: p["id"] for p in profiles}

    # --- who follows whom ----------------------------------------------------------------------
    groups: dict[str, list[str]] = {}
    for p in profiles:
        groups.setdefault(p["group"], []).append(p["username"])
    seeds = list(SEED_LEADERS)
    experts = [e[0] for e in EXPERTS]
    ordinary = groups["ordinary"]
    popular = groups["popular"]
    edges: set[tuple[str, str]] = set()

    def follow(a: str, b: str) -> None:
        if a != b:
            edges.add((a, b))

    def some(pool: list[str], k: int) -> list[str]:
        return [pool[i] for i in rng.choice(len(pool), size=min(k, len(pool)), replace=False)]

    for i, expert in enumerate(experts):
        if i < ALL_SEEDS_FOLLOW:
            followers = seeds
        elif i < ALL_SEEDS_FOLLOW + TWO_SEEDS_FOLLOW:
            followers = some(seeds, 2)
        else:
            followers = some(seeds, 1)
        for s in followers:
            follow(s, expert)
    for s in seeds:
        for t in seeds + [CHAT_HOST] + some(ordinary, 8):
            follow(s, t)
    gem = experts[0]
    for e in experts:
        for s in seeds:
            if rng.random() < 0.8:
                follow(e, s)
        if rng.random() < 0.9:
            follow(e, gem)
        for other in experts[1:]:
            if rng.random() < 0.2:
                follow(e, other)
        for t in some(ordinary, 4):
            follow(e, t)
        if rng.random() < 0.5:
            follow(e, CHAT_HOST)
    for o in ordinary:
        for s in seeds:
            if rng.random() < 0.55:
                follow(o, s)
        for e in experts[1:]:
            if rng.random() < 0.06:
                follow(o, e)
        if rng.random() < 0.02:
            follow(o, gem)
        for pop, p_follow in zip(popular, (0.5, 0.35), strict=True):
            if rng.random() < p_follow:
                follow(o, pop)
        if rng.random() < 0.35:
            follow(o, CHAT_HOST)
        for t in some(ordinary, int(rng.integers(4, 12))):
            follow(o, t)
    for pop in popular:
        for t in some(ordinary, 3):
            follow(pop, t)
    for t in seeds + some(experts, 12):
        follow(CHAT_HOST, t)
    learner_follows = seeds + [CHAT_HOST] + some(ordinary, 2)
    for t in learner_follows:
        follow(LEARNER, t)
    for o in some(ordinary, 2):
        follow(o, LEARNER)

    # --- tweets ----------------------------------------------------------------------------------
    book = _TweetBook()
    days = chat_session_days()
    starts = [session_start_utc(d) for d in days]
    regulars = ["ava_learnwell", "nadia_wol", "marco_lnd", "sam_showsteps"] + some(ordinary, 14)
    occasional = some([o for o in ordinary if o not in regulars], 30) + some(experts[5:], 5)
    seen = set(regulars) | set(occasional)
    fresh_pool = [o for o in ordinary if o not in seen]
    sessions = []
    for s, (day, start) in enumerate(zip(days, starts, strict=True), start=1):
        moderator = GUEST_MODERATED.get(s, CHAT_HOST)
        topic = CHAT_TOPICS[s - 1]
        n_q = int(rng.integers(6, 9))
        newcomers = [fresh_pool.pop(int(rng.integers(len(fresh_pool))))
                     for _ in range(int(rng.integers(3, 8)))]
        attendees = ([r for r in regulars if rng.random() < 0.85]
                     + [o for o in occasional if rng.random() < 0.3] + newcomers)
        attendees = [a for a in attendees if a != moderator]
        next_topic = CHAT_TOPICS[s] if s < SESSIONS else NEXT_TOPIC
        next_day = days[s] if s < SESSIONS else day + timedelta(days=7)
        _simulate_session(rng, book, s, start, moderator, topic, n_q, attendees, newcomers,
                          set(regulars), by_name, next_topic, next_day)
        sessions.append({"session": s, "starts_at": start, "moderator": moderator,
                         "topic": topic, "questions": n_q})
    _recent_chatter(rng, book, seeds, experts, ordinary, starts[-1])

    # ids: snowflake-like, increasing with time
    order = sorted(book.tweets, key=lambda t: (t["at"], t["key"]))
    previous = 0
    for t in order:
        candidate = _snowflake(t["at"], int(rng.integers(0, 1000)), int(rng.integers(0, 1 << 22)))
        previous = max(candidate, previous + 1)
        t["id"] = previous
    replies_to: dict[int, int] = {}
    retweets_of: dict[int, int] = {}
    for t in book.tweets:
        if t["reply_to"] is not None:
            replies_to[t["reply_to"]] = replies_to.get(t["reply_to"], 0) + 1
        if t["retweet_of"] is not None:
            retweets_of[t["retweet_of"]] = retweets_of.get(t["retweet_of"], 0) + 1

    # public metrics of accounts follow the graph (X sees more followers than this sample)
    in_degree = {p["username"]: 0 for p in profiles}
    out_degree = dict(in_degree)
    for a, b in edges:
        out_degree[a] += 1
        in_degree[b] += 1
    tweets_by = {p["username"]: 0 for p in profiles}
    for t in book.tweets:
        tweets_by[t["author"]] += 1
    extra_followers = {"seed": (15_000, 45_000), "expert": (1_500, 12_000), "gem": (600, 900),
                       "popular": (120_000, 250_000), "host": (5_000, 7_000),
                       "ordinary": (40, 1_500), "learner": (0, 1)}
    listed_rate = {"seed": 0.035, "expert": 0.03, "gem": 0.09, "popular": 0.0015,
                   "host": 0.02, "ordinary": 0.004, "learner": 0.0}
    users = []
    for p in profiles:
        low, high = extra_followers[p["group"]]
        followers = in_degree[p["username"]] + int(rng.integers(low, high))
        following = out_degree[p["username"]]
        if p["group"] != "learner":
            following += int(rng.integers(50, 900))
        listed = int(round(followers * listed_rate[p["group"]] * rng.lognormal(0.0, 0.25)))
        tweet_count = tweets_by[p["username"]]
        if p["group"] != "learner":
            tweet_count += int(rng.integers(200, 30_000))
        user = {"id": p["id"], "username": p["username"], "name": p["name"],
                "created_at": x_time(p["created"]), "description": p["description"]}
        if p["location"] and p["group"] != "learner":
            user["location"] = p["location"]
        user.update({"protected": False, "verified": False, "public_metrics": {
            "followers_count": followers, "following_count": following,
            "tweet_count": tweet_count, "listed_count": listed,
            "like_count": int(rng.integers(0, 20_000)) if p["group"] != "learner" else 3}})
        users.append(user)
        p["followers"] = followers
    users.sort(key=lambda u: int(u["id"]))

    recent, archive = [], []
    for t in order:
        author = by_name[t["author"]]
        obj = {"id": str(t["id"]), "text": t["text"], "author_id": author["id"],
               "created_at": x_time(t["at"]),
               "conversation_id": str(book.tweets[t["root"]]["id"])}
        if t["reply_to"] is not None:
            parent = book.tweets[t["reply_to"]]
            obj["in_reply_to_user_id"] = by_name[parent["author"]]["id"]
            obj["referenced_tweets"] = [{"type": "replied_to", "id": str(parent["id"])}]
        if t["retweet_of"] is not None:
            obj["referenced_tweets"] = [{"type": "retweeted",
                                         "id": str(book.tweets[t["retweet_of"]]["id"])}]
        entities = entities_of(t["text"], user_ids)
        if entities:
            obj["entities"] = entities
        is_retweet = t["retweet_of"] is not None
        likes = 0 if is_retweet else int(rng.poisson(2 + 8 * (author["group"] != "ordinary")))
        obj["public_metrics"] = {
            "retweet_count": retweets_of.get(t["key"], 0),
            "reply_count": replies_to.get(t["key"], 0),
            "like_count": likes,
            "quote_count": 0,
            "impression_count": int(author["followers"] * rng.uniform(0.01, 0.2)),
        }
        obj["lang"] = "en"
        obj["edit_history_tweet_ids"] = [str(t["id"])]
        (recent if t["at"] >= SEARCH_WINDOW_START else archive).append(obj)

    follows = sorted((user_ids[a], user_ids[b]) for a, b in edges)
    follows.sort(key=lambda e: (int(e[0]), int(e[1])))
    session_rows = [{**s, "moderator_id": user_ids[s["moderator"]]} for s in sessions]
    truth = {
        "experts": experts,
        "followed_by_all_seeds": experts[:ALL_SEEDS_FOLLOW],
        "gem": gem,
        "popular": popular,
        "regulars": regulars,
        "learner_follows": learner_follows,
    }
    return XWorld(users, follows, recent, archive, session_rows, truth)


def _simulate_session(rng, book: _TweetBook, session: int, start: int, moderator: str,
                      topic: str, n_questions: int, attendees: list[str], newcomers: list[str],
                      regulars: set[str], by_name: dict, next_topic: str, next_day: date) -> None:
    tag = CHAT_HASHTAG
    welcome = book.add(moderator, start, (
        f"Welcome to {tag}! Tonight: {topic}. Say hi, then answer Q1, Q2... with A1, A2... "
        f"and include {tag}. Lurkers welcome too."), session=session)
    for person in attendees:
        if rng.random() < 0.6:
            profile = by_name[person]
            first = profile["name"].split()[0]
            city = profile["location"] or "somewhere sunny"
            if person in newcomers:
                text = NEWCOMER_INTROS[rng.integers(len(NEWCOMER_INTROS))]
            else:
                text = INTROS[rng.integers(len(INTROS))]
            bio = "working in L&D"
            book.add(person, start + int(rng.integers(30, 300)),
                     text.format(tag=tag, first=first, city=city, bio=bio), session=session)
    spacing = 3000 // n_questions
    midway = (n_questions + 1) // 2
    for k in range(1, n_questions + 1):
        asked = start + 300 + (k - 1) * spacing
        question = QUESTIONS[k - 1].format(topic=topic)
        q_text = f"Q{k} {question} {tag}"
        q = book.add(moderator, asked, q_text, reply_to=welcome, session=session)
        if k == midway:
            book.add(moderator, asked + 150, (
                f"Reminder: answer with A{k} to match Q{k}, and add {tag} so everyone can "
                "follow along. New here? Lurking is fine too!"), session=session)
        for person in attendees:
            p_answer = 0.8 if person in regulars else 0.45 if person in newcomers else 0.55
            if rng.random() < 0.12:
                book.add(person, asked + int(rng.integers(10, 200)),
                         f"RT @{moderator}: {q_text}", retweet_of=q, session=session)
            if rng.random() >= p_answer:
                continue
            answer = ANSWERS[rng.integers(len(ANSWERS))]
            at = asked + int(np.clip(rng.lognormal(np.log(150), 0.6), 20, spacing - 10))
            form = rng.choice(6, p=[0.35, 0.15, 0.12, 0.10, 0.13, 0.15])
            if form == 5:  # answered in the thread, without the hashtag
                a = book.add(person, at, f"@{moderator} A{k} {answer}", reply_to=q,
                             session=session)
            else:
                label = (f"A{k}", f"a{k}:", f"A{k} -", f"A{k})", f"A{k}:")[form]
                a = book.add(person, at, f"{label} {answer} {tag}", session=session)
            if rng.random() < 0.18:
                others = [x for x in attendees if x != person]
                replier = others[rng.integers(len(others))]
                reply = REPLIES[rng.integers(len(REPLIES))]
                suffix = f" {tag}" if rng.random() < 0.5 else ""
                book.add(replier, at + int(rng.lognormal(np.log(90), 0.5)) + 5,
                         f"@{person} {reply}{suffix}", reply_to=a, session=session)
    book.add(moderator, start + 3540, (
        f"That's a wrap on {tag} tonight, thank you all! Next week, Thu {next_day:%b} "
        f"{next_day.day} 8pm ET: {next_topic}."), session=session)


def _recent_chatter(rng, book: _TweetBook, seeds: list[str], experts: list[str],
                    ordinary: list[str], last_session: int) -> None:
    """Everyday tweets in the 7-day search window, plus the host's promo for the last chat."""
    authors = seeds * 6 + experts * 2 + ordinary
    window = NOW - SEARCH_WINDOW_START
    seed_posts: list[int] = []
    for _ in range(220):
        author = authors[rng.integers(len(authors))]
        at = SEARCH_WINDOW_START + int(rng.integers(600, window - 600))
        template = RECENT_TEMPLATES[rng.integers(len(RECENT_TEMPLATES))]
        seed = seeds[rng.integers(len(seeds))]
        if seed == author:
            seed = seeds[(seeds.index(author) + 1) % len(seeds)]
        text = template.format(thing=THINGS[rng.integers(len(THINGS))], seed=seed)
        key = book.add(author, at, text)
        if author in seeds:
            seed_posts.append(key)
    for _ in range(60):
        original = book.tweets[seed_posts[rng.integers(len(seed_posts))]]
        person = ordinary[rng.integers(len(ordinary))]
        at = original["at"] + int(rng.integers(60, 6 * 3600))
        if at >= NOW:
            continue
        if rng.random() < 0.5:
            book.add(person, at, f"RT @{original['author']}: {original['text']}",
                     retweet_of=original["key"])
        else:
            book.add(person, at, f"@{original['author']} {REPLIES[rng.integers(len(REPLIES))]}",
                     reply_to=original["key"])
    book.add(CHAT_HOST, last_session - 3 * DAY + 14 * 3600, (
        f"This Thursday on {CHAT_HASHTAG}: {CHAT_TOPICS[SESSIONS - 1]}. 8pm ET. "
        "Bring a question, or just lurk!"))
