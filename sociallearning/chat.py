"""Loading and drawing a tweet chat such as #ldchat (module 04): no answer to the exercise.

    from sociallearning import chat
    tweets = chat.tweets_frame(search_results)          # tweepy Tweets -> a frame like load()
    one = chat.session_tweets(tweets, sessions, 12)     # the tweets of session 12's hour
    chat.plot_local_times(table)                        # when the chat falls in each place

The frames have the columns `sociallearning.data.load("chat_archive")` gives, so tweets read
through recent search and tweets from the archive can be put together with `pd.concat`.

A chat's hashtag on any of X, Mastodon and Bluesky, in one table (POST_COLUMNS):

    posts = chat.hashtag_posts("mastodon", client, "#ldchat")   # every page, one shape
    posts = chat.posts_table("bluesky", post_views)               # posts you read yourself
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd

CHAT_ZONE = ZoneInfo("America/New_York")
SESSION_MINUTES = 60
TWEET_COLUMNS = ["id", "text", "author_id", "created_at", "conversation_id",
                 "in_reply_to_user_id", "referenced_type", "referenced_id", "hashtags",
                 "mentions", "retweet_count", "reply_count", "like_count", "quote_count",
                 "impression_count"]
# What to ask recent search for, so the frame has every column above.
TWEET_FIELDS = ["created_at", "author_id", "conversation_id", "in_reply_to_user_id",
                "referenced_tweets", "entities", "public_metrics"]


def tweets_frame(tweets) -> pd.DataFrame:
    """tweepy Tweet objects (or X API v2 tweet dicts) as a frame with TWEET_COLUMNS."""
    rows = []
    for tweet in tweets:
        raw = tweet.data if hasattr(tweet, "data") else dict(tweet)
        references = raw.get("referenced_tweets") or [{}]
        entities = raw.get("entities") or {}
        metrics = raw.get("public_metrics") or {}
        rows.append({
            "id": str(raw["id"]), "text": raw.get("text", ""),
            "author_id": str(raw.get("author_id", "")),
            "created_at": raw.get("created_at"),
            "conversation_id": raw.get("conversation_id"),
            "in_reply_to_user_id": raw.get("in_reply_to_user_id"),
            "referenced_type": references[0].get("type"),
            "referenced_id": references[0].get("id"),
            "hashtags": [h["tag"] for h in entities.get("hashtags", [])],
            "mentions": [m["username"] for m in entities.get("mentions", [])],
            **{name: int(metrics.get(name, 0)) for name in TWEET_COLUMNS[10:]},
        })
    frame = pd.DataFrame(rows, columns=TWEET_COLUMNS)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame


def session_tweets(tweets: pd.DataFrame, sessions: pd.DataFrame, session: int) -> pd.DataFrame:
    """The tweets posted during one session's hour (from its start, for 60 minutes)."""
    row = sessions.loc[sessions["session"] == session]
    if row.empty:
        raise ValueError(f"there is no session {session}; the sessions are "
                         f"{sessions['session'].min()} to {sessions['session'].max()}")
    start = row["starts_at"].iloc[0]
    during = (tweets["created_at"] >= start) & (
        tweets["created_at"] < start + pd.Timedelta(minutes=SESSION_MINUTES))
    return tweets[during].sort_values(["created_at", "id"], ignore_index=True)


def thursdays(first: date, weeks: int) -> list[date]:
    """`weeks` Thursdays from `first` on (the first Thursday on or after `first`)."""
    first = pd.Timestamp(first).date()
    first += timedelta(days=(3 - first.weekday()) % 7)
    return [first + timedelta(weeks=week) for week in range(weeks)]


def chat_start(day: date, hour: int = 20, minute: int = 0, zone=CHAT_ZONE) -> datetime:
    """The chat's start on that day, at that wall-clock time in its home time zone."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(str(zone)))



# --- a hashtag on X, Mastodon or Bluesky, in one shape ---------------------------------------

NETWORKS = ("x", "mastodon", "bluesky")
# One row per post, the same on every network:
# network; id (the network's id, text; a Bluesky post's at:// URI); author (X username,
# Mastodon user@server, Bluesky handle); created_at (UTC); text (plain text); reply_to (the id
# of the post it replies to, or None); is_repost (a retweet, boost or repost: not an answer).
POST_COLUMNS = ["network", "id", "author", "created_at", "text", "reply_to", "is_repost"]
# Each network's most posts per page of a hashtag: X recent search 100, Mastodon's hashtag
# timeline 40, Bluesky's searchPosts 100.
HASHTAG_PAGE_LIMITS = {"x": 100, "mastodon": 40, "bluesky": 100}


class _PlainText(HTMLParser):
    """Mastodon's status HTML as the text a reader sees: paragraphs and line breaks kept."""

    def __init__(self):
        super().__init__(convert_charrefs=True)  # &amp; and friends become characters
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "p":
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html: str | None) -> str:
    """HTML (a Mastodon status's `content`) as plain text: tags out, entities decoded."""
    reader = _PlainText()
    reader.feed(html or "")
    reader.close()
    return "".join(reader.parts).strip()


def _table(network: str, rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame([{"network": network, **row} for row in rows], columns=POST_COLUMNS)
    table["created_at"] = pd.to_datetime(table["created_at"], utc=True)
    table["is_repost"] = table["is_repost"].astype(bool)
    return table.sort_values(["created_at", "id"], ignore_index=True)


def _x_rows(tweets, usernames: dict) -> list[dict]:
    rows = []
    for tweet in tweets:
        raw = tweet.data if hasattr(tweet, "data") else dict(tweet)
        references = {r["type"]: str(r["id"]) for r in raw.get("referenced_tweets") or []}
        author = str(raw.get("author_id", ""))
        rows.append({"id": str(raw["id"]), "author": usernames.get(author, author),
                     "created_at": raw.get("created_at"), "text": raw.get("text", ""),
                     "reply_to": references.get("replied_to"),
                     "is_repost": "retweeted" in references})
    return rows


def _full_acct(acct: str, server: str) -> str:
    return acct if "@" in acct else f"{acct}@{server}"


def _mastodon_rows(statuses, server: str) -> list[dict]:
    rows = []
    for status in statuses:
        shown = status.get("reblog") or status  # a boost carries the boosted status inside
        rows.append({"id": str(status["id"]),
                     "author": _full_acct(status["account"]["acct"], server),
                     "created_at": status["created_at"], "text": plain_text(shown["content"]),
                     "reply_to": (None if shown.get("in_reply_to_id") is None
                                  else str(shown["in_reply_to_id"])),
                     "is_repost": status.get("reblog") is not None})
    return rows


def _bluesky_rows(posts) -> list[dict]:
    rows = []
    for item in posts:
        # searchPosts gives PostViews; a feed gives FeedViewPosts, a repost saying so in reason.
        post = getattr(item, "post", None) or item
        reason = getattr(item, "reason", None)
        repost = "reasonRepost" in str(getattr(reason, "py_type", ""))
        reply = getattr(post.record, "reply", None)
        rows.append({"id": (reason.uri or post.uri) if repost else post.uri,
                     "author": reason.by.handle if repost else post.author.handle,
                     "created_at": reason.indexed_at if repost else post.record.created_at,
                     "text": post.record.text, "reply_to": reply.parent.uri if reply else None,
                     "is_repost": repost})
    return rows


def posts_table(network: str, items, *, usernames: dict | None = None,
                server: str | None = None) -> pd.DataFrame:
    """Posts as one network's client gave them, as a table with POST_COLUMNS.

    network "x": tweepy Tweets (or X API v2 tweet dicts); `usernames` maps author ids to
        usernames (from the page's includes, with expansions=["author_id"]);
    "mastodon": Mastodon.py statuses; `server` is the server they were read on, so that its
        own accounts (shown without "@server") get their full address;
    "bluesky": atproto PostViews (searchPosts) or FeedViewPosts (a feed).
    """
    if network == "x":
        return _table(network, _x_rows(items, {str(k): v for k, v in (usernames or {}).items()}))
    if network == "mastodon":
        if not server:
            raise ValueError("Say which server the statuses come from, e.g. "
                             "server='mastodon.social': its own accounts have no @server.")
        return _table(network, _mastodon_rows(items, server))
    if network == "bluesky":
        return _table(network, _bluesky_rows(items))
    raise ValueError(f"network must be one of {', '.join(map(repr, NETWORKS))}, got "
                     f"{network!r}.")


def hashtag_posts(network: str, client, hashtag: str, *, page_size: int | None = None,
                  **search) -> pd.DataFrame:
    """Every post with `hashtag` that `client` can reach, every page read, as POST_COLUMNS.

    X: recent search (the last 7 days; retweets included and flagged); extra keywords such
    as start_time go to search_recent_tweets. Mastodon: the hashtag timeline of the client's
    server (only what that server knows). Bluesky: searchPosts with `tag` (live, search may
    need a login). page_size: posts per request (default: each network's most).
    """
    if network not in NETWORKS:
        raise ValueError(f"network must be one of {', '.join(map(repr, NETWORKS))}, got "
                         f"{network!r}.")
    tag = hashtag.strip().lstrip("#")
    if not tag:
        raise ValueError(f"hashtag must be a hashtag such as '#ldchat', got {hashtag!r}.")
    size = page_size or HASHTAG_PAGE_LIMITS[network]
    if network == "x":
        import tweepy

        tweets, usernames = [], {}
        for page in tweepy.Paginator(client.search_recent_tweets, f"#{tag}", max_results=size,
                                     tweet_fields=TWEET_FIELDS, expansions=["author_id"],
                                     **search):
            usernames |= {str(u.id): u.username for u in page.includes.get("users", [])}
            tweets += page.data or []
        return posts_table("x", tweets, usernames=usernames)
    if network == "mastodon":
        from urllib.parse import urlsplit

        statuses = client.fetch_remaining(client.timeline_hashtag(tag, limit=size))
        return posts_table("mastodon", statuses, server=urlsplit(client.api_base_url).hostname)
    posts, cursor = [], None
    while True:
        page = client.app.bsky.feed.search_posts(
            {"q": f"#{tag}", "tag": [tag], "sort": "latest", "limit": size, "cursor": cursor})
        posts += page.posts
        cursor = page.cursor
        if not cursor:  # the last page has no cursor
            break
    return posts_table("bluesky", posts)

# --- pictures -----------------------------------------------------------------------------

def plot_local_times(table: pd.DataFrame, *, place="place", day="date", clock="local_time",
                     title="When the chat starts, local time", ax=None):
    """One line per place: the local start hour of each session, so a jump shows a clock
    change. `table` has a column naming the place, one with the session's date and one with
    the local time as "HH:MM"."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    for name, rows in table.groupby(place, sort=True, observed=True):
        hours = [int(t[:2]) + int(t[3:5]) / 60 for t in rows[clock]]
        ax.plot(list(rows[day]), hours, marker="o", label=str(name))
    ax.set_ylabel("local hour (0-24)")
    ax.set_ylim(0, 24)
    ax.set_yticks(range(0, 25, 4))
    ax.set_title(title)
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5))
    ax.tick_params(axis="x", rotation=45)
    plt.tight_layout()
    return ax


def plot_per_question(table: pd.DataFrame, title="Answers and people per question", ax=None):
    """Bars of `answers` and `participants` per `question` (a frame with those columns)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    positions = range(len(table))
    ax.bar([p - 0.2 for p in positions], table["answers"], width=0.4, label="answers")
    ax.bar([p + 0.2 for p in positions], table["participants"], width=0.4,
           label="people who answered")
    ax.set_xticks(list(positions), [f"Q{q}" for q in table["question"]])
    ax.set_title(title)
    ax.legend()
    plt.tight_layout()
    return ax


def plot_attendance(attendance: pd.DataFrame, title="Who came to which session", ax=None):
    """A grid: one row per person, one column per session, dark when they took part.
    `attendance` is a True/False frame (people as index, sessions as columns)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, min(8, max(3, len(attendance) * 0.05))))
    ax.imshow(attendance.astype(int).to_numpy(), aspect="auto", cmap="Greens",
              interpolation="nearest")
    ax.set_xticks(range(attendance.shape[1]), list(attendance.columns))
    ax.set_xlabel("session")
    ax.set_ylabel(f"{len(attendance)} people, most sessions first")
    ax.set_yticks([])
    ax.set_title(title)
    plt.tight_layout()
    return ax


def plot_conversation(graph: nx.DiGraph, highlight=(), title="Who talks to whom", ax=None):
    """The reply-and-mention network: an arrow from the person replying or mentioning to the
    person addressed; node size by conversation drawn (in-degree); `highlight` in orange."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 7))
    layout = nx.spring_layout(graph, seed=4, k=0.5)
    sizes = [40 + 40 * graph.in_degree(node, weight="weight") ** 0.8 for node in graph]
    colors = ["tab:orange" if node in set(highlight) else "tab:blue" for node in graph]
    nx.draw_networkx_edges(graph, layout, ax=ax, alpha=0.15, arrowsize=6)
    nx.draw_networkx_nodes(graph, layout, ax=ax, node_size=sizes, node_color=colors, alpha=0.8)
    nx.draw_networkx_labels(graph, layout, ax=ax, font_size=7,
                            labels={node: node for node in highlight if node in graph})
    ax.set_title(title)
    ax.axis("off")
    return ax


def plot_plan(plan: dict, title="The hour, minute by minute", ax=None):
    """A timeline of a chat plan (a dict with "minutes", "questions" [{"text", "at_minute",
    "minutes"}] and "reminder_at_minute"): one bar per question, a line at the reminder."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.5 * len(plan["questions"]) + 1.5))
    for row, question in enumerate(plan["questions"]):
        ax.barh(row, question["minutes"], left=question["at_minute"], color="tab:blue",
                alpha=0.7)
        ax.text(question["at_minute"] + 0.5, row, question["text"][:60], va="center",
                fontsize=8, color="white" if question["minutes"] > 20 else "black")
    ax.axvline(plan["reminder_at_minute"], color="tab:orange", linestyle="--",
               label="reminder of the format")
    ax.set_xlim(0, plan["minutes"])
    ax.set_yticks(range(len(plan["questions"])),
                  [f"Q{k}" for k in range(1, len(plan["questions"]) + 1)])
    ax.invert_yaxis()
    ax.set_xlabel("minutes after the start")
    ax.set_title(title)
    ax.legend(loc="upper right")
    plt.tight_layout()
    return ax
