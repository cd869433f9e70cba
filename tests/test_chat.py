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


# --- the chat's hashtag on X, Mastodon and Bluesky, in one shape ------------------------------

TAG = CHAT_HASHTAG.lstrip("#").lower()


def _tagged(tags) -> bool:
    words = tags if isinstance(tags, list) else str(tags).split()
    return TAG in {str(word).lower() for word in words}


def _has_common_shape(posts, network):
    assert list(posts.columns) == chat.POST_COLUMNS
    assert (posts["network"] == network).all()
    assert str(posts["created_at"].dt.tz) == "UTC"
    assert posts["is_repost"].dtype == bool
    assert posts["id"].is_unique
    assert not posts["text"].str.contains("<p>|<span|&amp;|&lt;", regex=True).any()
    assert posts["created_at"].is_monotonic_increasing


def test_x_hashtag_reads_every_page_of_recent_search():
    from sociallearning.data import REFERENCE_NOW

    posts = chat.hashtag_posts("x", xapi.client(offline=True), CHAT_HASHTAG, page_size=10)
    _has_common_shape(posts, "x")
    tweets = load("x_tweets")
    users = load("x_users")
    recent = tweets[tweets["hashtags"].map(_tagged)
                    & (tweets["created_at"] >= REFERENCE_NOW - pd.Timedelta(days=7))]
    assert len(recent) > 10  # more than one page of 10
    assert sorted(posts["id"]) == sorted(recent["id"].astype(str))
    stored = recent.set_index(recent["id"].astype(str)).loc[posts["id"]]
    name_of = dict(zip(users["id"].astype(str), users["username"], strict=True))
    assert posts["author"].tolist() == stored["author_id"].astype(str).map(name_of).tolist()
    assert posts["is_repost"].tolist() == (stored["referenced_type"] == "retweeted").tolist()
    assert posts["is_repost"].any() and not posts["is_repost"].all()
    assert posts["text"].tolist() == stored["text"].tolist()


def _reached_from(server, accounts, follows):
    """The accounts whose public posts reach `server`: its own, and whom its own follow."""
    local = set(accounts.loc[accounts["domain"] == server, "acct"])
    return local | set(follows.loc[follows["source_acct"].isin(local), "target_acct"])


@pytest.mark.parametrize("server", ["mastodon.example", "learning.example"])
def test_mastodon_hashtag_timeline_reads_every_page_of_what_the_server_knows(server):
    from sociallearning import fediverse

    api = fediverse.client(f"https://{server}")
    posts = chat.hashtag_posts("mastodon", api, CHAT_HASHTAG, page_size=40)
    _has_common_shape(posts, "mastodon")
    statuses = load("fedi_statuses")
    reached = _reached_from(server, load("fedi_accounts"), load("fedi_follows"))
    expected = statuses[statuses["tags"].map(_tagged) & (statuses["visibility"] == "public")
                        & statuses["acct"].isin(reached)].sort_values("created_at")
    assert len(expected) > 40  # more than one page
    assert len(expected) < statuses["tags"].map(_tagged).sum()  # a server sees a part only
    pages = [r for r in api.adapter.requests_seen if "/timelines/tag/" in r]
    assert len(pages) >= -(-len(expected) // 40)
    assert sorted(zip(posts["author"], posts["created_at"], strict=True)) == \
        sorted(zip(expected["acct"], expected["created_at"], strict=True))
    # Plain text: the status's words, after the @mention Mastodon puts before a reply.
    by_time = expected.set_index(["acct", "created_at"])["text"]
    for post in posts.itertuples():
        assert post.text.endswith(by_time.loc[(post.author, post.created_at)])
    assert not posts["is_repost"].any()  # hashtag timelines leave boosts out
    local = posts["author"].str.endswith("@" + server)
    assert local.any() and (~local).any()  # its own accounts get their full address too


def test_bluesky_hashtag_search_follows_the_cursor_to_the_end():
    from sociallearning import bluesky

    api = bluesky.client()
    posts = chat.hashtag_posts("bluesky", api, CHAT_HASHTAG, page_size=25)
    _has_common_shape(posts, "bluesky")
    stored = load("bsky_posts")
    stored = stored[stored["tags"].map(_tagged)]
    assert len(stored) > 25
    assert len([r for r in api.transport.requests_seen if "searchPosts" in r]) == \
        -(-len(stored) // 25)
    handle_of = dict(zip(load("bsky_actors")["did"], load("bsky_actors")["handle"],
                         strict=True))
    uri = "at://" + stored["did"] + "/app.bsky.feed.post/" + stored["rkey"]
    expected = pd.DataFrame({"id": uri, "author": stored["did"].map(handle_of),
                             "created_at": stored["created_at"], "text": stored["text"],
                             "reply_to": stored["reply_to_uri"]}).sort_values("id")
    mine = posts.sort_values("id")
    for column in ["id", "author", "created_at", "text"]:
        assert mine[column].tolist() == expected[column].tolist(), column
    assert mine["reply_to"].fillna("").tolist() == expected["reply_to"].fillna("").tolist()
    assert mine["reply_to"].notna().any()


def test_answers_parse_the_same_way_on_every_network():
    clients = {"x": xapi.client(offline=True)}
    from sociallearning import bluesky, fediverse

    clients |= {"mastodon": fediverse.client("https://learning.example"),
                "bluesky": bluesky.client()}
    answer = r"^(?:@\w+\s+)*[Aa](\d+)\b"
    for network, api in clients.items():
        posts = chat.hashtag_posts(network, api, CHAT_HASHTAG)
        mine = posts[~posts["is_repost"]]
        numbers = mine["text"].str.extract(answer)[0].dropna().astype(int)
        assert numbers.between(1, 10).all() and numbers.nunique() >= 3, network


def test_plain_text_reads_mastodon_html():
    html = ('<p>A2 <a href="https://x.example/tags/ldchat" class="mention hashtag">#<span>'
            'ldchat</span></a> Q&amp;A &lt;3</p><p>line one<br />line two</p>')
    assert chat.plain_text(html) == "A2 #ldchat Q&A <3\n\nline one\nline two"
    assert chat.plain_text(None) == ""


def test_boosts_and_reposts_are_flagged_and_keep_the_original_text():
    from atproto import models

    original = {"id": "1", "account": {"acct": "ann@a.example"}, "content": "<p>A1 yes</p>",
                "created_at": "2026-03-06T01:02:00Z", "in_reply_to_id": "9", "reblog": None}
    boost = {"id": "2", "account": {"acct": "bob"}, "content": "",
             "created_at": "2026-03-06T01:03:00Z", "in_reply_to_id": None, "reblog": original}
    table = chat.posts_table("mastodon", [original, boost], server="b.example")
    assert table["author"].tolist() == ["ann@a.example", "bob@b.example"]
    assert table["is_repost"].tolist() == [False, True]
    assert table["text"].tolist() == ["A1 yes", "A1 yes"]
    assert table["reply_to"].tolist() == ["9", "9"]
    with pytest.raises(ValueError, match="which server"):
        chat.posts_table("mastodon", [original])

    author = models.AppBskyActorDefs.ProfileViewBasic(did="did:plc:ann", handle="ann.example")
    post = models.AppBskyFeedDefs.PostView(
        uri="at://did:plc:ann/app.bsky.feed.post/1", cid="c", author=author,
        indexed_at="2026-03-06T01:02:00Z",
        record=models.AppBskyFeedPost.Record(text="A1 yes", created_at="2026-03-06T01:02:00Z"))
    repost = models.AppBskyFeedDefs.FeedViewPost(
        post=post, reason=models.AppBskyFeedDefs.ReasonRepost(
            by=models.AppBskyActorDefs.ProfileViewBasic(did="did:plc:bob", handle="bob.example"),
            indexed_at="2026-03-06T01:05:00Z"))
    table = chat.posts_table("bluesky", [post, models.AppBskyFeedDefs.FeedViewPost(post=post),
                                         repost])
    assert table["is_repost"].tolist() == [False, False, True]
    assert table["author"].tolist() == ["ann.example", "ann.example", "bob.example"]
    assert table["text"].tolist() == ["A1 yes"] * 3
    with pytest.raises(ValueError, match="network must be one of"):
        chat.posts_table("myspace", [])
    with pytest.raises(ValueError, match="hashtag must be"):
        chat.hashtag_posts("bluesky", bluesky_client(), "#")


def bluesky_client():
    from sociallearning import bluesky

    return bluesky.client()


def _module_section(network):
    """Run module 04's "The chat on Mastodon and Bluesky" code on `network`; its variables."""
    from pathlib import Path

    import nbformat

    root = Path(__file__).resolve().parents[1]
    cells = [c.source for c in nbformat.read(root / "course" / "04_chat.ipynb",
                                             as_version=4).cells if c.cell_type == "code"]
    first = next(i for i, source in enumerate(cells) if 'NETWORK = "mastodon"' in source)
    setup = [cells[0], next(s for s in cells if s.startswith("ANSWER = "))]
    namespace = {}
    for source in setup + cells[first:first + 3]:
        exec(source.replace('NETWORK = "mastodon"', f'NETWORK = "{network}"'), namespace)
    plt.close("all")
    return namespace


@pytest.mark.parametrize("network", chat.NETWORKS)
def test_the_module_reads_the_hashtag_on_each_network_like_the_helper(network):
    section = _module_section(network)
    posts = section["posts"]
    _has_common_shape(posts, network)
    helper = chat.hashtag_posts(network, following_client(network), CHAT_HASHTAG)
    pd.testing.assert_frame_equal(posts.sort_values("id", ignore_index=True),
                                  helper.sort_values("id", ignore_index=True))
    per_question = section["per_question"]
    assert len(per_question) >= 3
    assert (per_question["answers"] >= per_question["participants"]).all()
    assert (per_question["participants"] > 0).all()


def following_client(network):
    from sociallearning import following

    return following.client_for(network)
