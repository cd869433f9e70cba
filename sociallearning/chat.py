"""Loading and drawing a tweet chat such as #ldchat (module 04): no answer to the exercise.

    from sociallearning import chat
    tweets = chat.tweets_frame(search_results)          # tweepy Tweets -> a frame like load()
    one = chat.session_tweets(tweets, sessions, 12)     # the tweets of session 12's hour
    chat.plot_local_times(table)                        # when the chat falls in each place

The frames have the columns `sociallearning.data.load("chat_archive")` gives, so tweets read
through recent search and tweets from the archive can be put together with `pd.concat`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
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
