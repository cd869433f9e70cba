"""sociallearning.chat: tweets read through recent search land in the archive's shape,
one session's hour is cut exactly, Thursdays and starts follow New York's clock, and the
pictures draw what they are given."""

import matplotlib

matplotlib.use("Agg")

from datetime import date  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import tweepy  # noqa: E402

from sociallearning import chat, xapi  # noqa: E402
from sociallearning.data import CHAT_HASHTAG, load  # noqa: E402


@pytest.fixture(scope="module")
def sessions():
    return load("chat_sessions")


def test_search_results_have_the_archive_columns_and_the_same_values(sessions):
    latest = sessions.iloc[-1]
    start = latest["starts_at"]
    pages = tweepy.Paginator(
        xapi.client(offline=True).search_recent_tweets, CHAT_HASHTAG, max_results=100,
        tweet_fields=chat.TWEET_FIELDS, start_time=start.to_pydatetime(),
        end_time=(start + pd.Timedelta(hours=1)).to_pydatetime())
    searched = chat.tweets_frame(pages.flatten())
    assert list(searched.columns) == chat.TWEET_COLUMNS
    assert set(chat.TWEET_COLUMNS) <= set(load("chat_archive").columns)
    # The same tweets as the data file holds, value for value.
    stored = load("x_tweets").set_index("id").loc[searched["id"], chat.TWEET_COLUMNS[1:]]
    mine = searched.set_index("id")[chat.TWEET_COLUMNS[1:]]
    assert (mine["created_at"] == stored["created_at"]).all()
    assert (mine["text"] == stored["text"]).all()
    assert (mine["impression_count"] == stored["impression_count"]).all()
    assert mine["referenced_type"].fillna("").tolist() == \
        stored["referenced_type"].astype(object).fillna("").tolist()
    assert mine["mentions"].tolist() == stored["mentions"].tolist()
    assert (searched["referenced_type"] == "retweeted").any()


def test_tweets_frame_of_nothing_has_the_columns():
    empty = chat.tweets_frame([])
    assert list(empty.columns) == chat.TWEET_COLUMNS and empty.empty


def test_session_tweets_cut_exactly_one_hour(sessions):
    archive = load("chat_archive")
    one = chat.session_tweets(archive, sessions, 3)
    start = sessions.loc[sessions["session"] == 3, "starts_at"].iloc[0]
    assert one["created_at"].min() >= start
    assert one["created_at"].max() < start + pd.Timedelta(hours=1)
    inside = archive[(archive["created_at"] >= start)
                     & (archive["created_at"] < start + pd.Timedelta(hours=1))]
    assert len(one) == len(inside) > 0
    assert one["created_at"].is_monotonic_increasing


def test_an_unknown_session_says_which_exist(sessions):
    with pytest.raises(ValueError, match="no session 99; the sessions are 1 to 12"):
        chat.session_tweets(load("chat_archive"), sessions, 99)


def test_thursdays_start_on_the_first_thursday_on_or_after_the_day():
    assert chat.thursdays(date(2026, 3, 6), 2) == [date(2026, 3, 12), date(2026, 3, 19)]
    assert chat.thursdays(date(2026, 3, 5), 1) == [date(2026, 3, 5)]


def test_chat_start_follows_new_york_clock_changes(sessions):
    winter = chat.chat_start(date(2026, 3, 5))
    summer = chat.chat_start(date(2026, 3, 12))
    assert winter.utcoffset() == pd.Timedelta(hours=-5)
    assert summer.utcoffset() == pd.Timedelta(hours=-4)
    # The data's sessions were made the same way.
    assert pd.Timestamp(chat.chat_start(date(2026, 3, 5))) == sessions["starts_at"].iloc[-1]


def test_pictures_draw_what_they_are_given():
    times = pd.DataFrame({"place": ["A", "A", "B", "B"], "date": ["1", "2", "1", "2"],
                          "local_time": ["20:00", "21:30", "01:00", "02:00"]})
    ax = chat.plot_local_times(times)
    assert [list(line.get_ydata()) for line in ax.get_lines()] == [[20.0, 21.5], [1.0, 2.0]]
    per_question = pd.DataFrame({"question": [1, 2], "answers": [5, 3], "participants": [4, 3]})
    ax = chat.plot_per_question(per_question)
    assert sorted(patch.get_height() for patch in ax.patches) == [3, 3, 4, 5]
    attendance = pd.DataFrame({1: [True, False], 2: [True, True]}, index=["ann", "bob"])
    assert chat.plot_attendance(attendance).images
    graph = nx.DiGraph([("ann", "bob"), ("cat", "bob")])
    assert chat.plot_conversation(graph, highlight=["bob"]).get_title() == "Who talks to whom"
    plan = {"minutes": 30, "reminder_at_minute": 15,
            "questions": [{"text": "Q1 Hi?", "at_minute": 2, "minutes": 10},
                          {"text": "Q2 Why?", "at_minute": 14, "minutes": 10}]}
    ax = chat.plot_plan(plan)
    assert [(p.get_x(), p.get_width()) for p in ax.patches] == [(2, 10), (14, 10)]
    plt.close("all")
