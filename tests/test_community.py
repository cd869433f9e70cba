"""The community metrics on a tiny hand-built community, where every answer can be
worked out on paper (the numbers in the comments show how)."""

import math

import numpy as np
import pandas as pd
import pytest

from sociallearning.community import (
    champions_by_people_helped,
    community_health,
    time_to_first_response,
    trend_setters,
    weekly_posts,
)
from sociallearning.participation import (
    contribution_funnel,
    contributions_per_member,
    contributor_absence_factor,
    elephant_factor,
    lorenz_curve,
    participation_inequality,
)

NOW = pd.Timestamp("2026-03-06T12:00:00Z")  # a Friday; 2026-03-01 is a Sunday


def ts(text):
    return pd.Timestamp(text, tz="UTC")


def make_posts(rows):
    """rows: (post_id, community_id, author_id, created_at, parent_id, thread_id)."""
    frame = pd.DataFrame(rows, columns=["post_id", "community_id", "author_id", "created_at",
                                        "parent_id", "thread_id"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["kind"] = np.where(frame["parent_id"].isna(), "post", "reply")
    frame["words"] = 10
    return frame


ACCOUNTS = pd.DataFrame({
    "account_id": ["A", "B", "C", "D", "E", "BOT-1"],
    "display_name": ["Ann", "Bo", "Cy", "Di", "Ed", "Helper bot"],
    "employee_id": ["A", "B", "C", "D", "E", None],
    "is_bot": [False, False, False, False, False, True],
})

POSTS = make_posts([
    ("P01", "C01", "A", "2026-03-01T10:00Z", None, "P01"),   # root by A
    ("P02", "C01", "A", "2026-03-01T11:00Z", "P01", "P01"),  # A answers herself
    ("P03", "C01", "B", "2026-03-01T12:00Z", "P01", "P01"),  # B helps A: first response, 2 h
    ("P04", "C01", "BOT-1", "2026-03-01T10:30Z", "P01", "P01"),  # bot, earlier: ignored
    ("P05", "C01", "C", "2026-03-01T13:00Z", "P03", "P01"),  # C helps B
    ("P06", "C02", "B", "2026-02-01T09:00Z", None, "P06"),   # root by B
    ("P07", "C02", "A", "2026-02-01T14:00Z", "P06", "P06"),  # A helps B: first response, 5 h
    ("P08", "C01", "BOT-1", "2026-03-02T08:00Z", None, "P08"),  # a bot's root post
    ("P09", "C01", "C", "2026-03-02T09:00Z", "P08", "P08"),  # C answers the bot: not helping
    ("P10", "C01", "D", "2025-10-01T09:00Z", None, "P10"),   # root nobody answered
    ("P11", "C02", "C", "2026-02-02T09:00Z", "P06", "P06"),  # C helps B again
    ("P12", "C01", "A", "2026-03-01T14:00Z", "P05", "P01"),  # A helps C
])

MEMBERSHIPS = pd.DataFrame({
    "community_id": ["C01", "C01", "C02", "C01", "C01", "C01", "C01"],
    "account_id": ["A", "B", "B", "C", "D", "E", "BOT-1"],
    "joined_at": pd.to_datetime(["2025-06-01"] * 7, utc=True),
})


def test_first_response_is_the_earliest_reply_by_another_person():
    result = time_to_first_response(POSTS, ACCOUNTS)
    assert list(result.columns) == ["post_id", "community_id", "hours_to_first_response"]
    assert list(result["post_id"]) == ["P01", "P06", "P10"]  # the bot's root is left out
    hours = result.set_index("post_id")["hours_to_first_response"]
    assert hours["P01"] == 2.0  # B at 12:00; A's own reply and the bot's do not count
    assert hours["P06"] == 5.0
    assert math.isnan(hours["P10"])


def test_community_health_on_the_tiny_community():
    health = community_health(POSTS, MEMBERSHIPS, ACCOUNTS, now=NOW).set_index("community_id")
    c01, c02 = health.loc["C01"], health.loc["C02"]
    assert list(health.index) == ["C01", "C02"]
    assert c01["members"] == 5  # A B C D E; the bot is not a member that counts
    assert c01["posts_last_90d"] == 6  # P01 P02 P03 P05 P09 P12
    assert c01["active_members"] == 3  # A B C; D's post is older than 90 days
    assert c01["posts_per_active_member"] == 2.0
    assert c01["reply_rate"] == 1.0  # P01 is its only recent root post by a person
    assert c01["median_hours_to_first_response"] == 2.0
    assert c01["posts_previous_90d"] == 1 and c01["trend"] == 6.0  # P10
    assert c02["members"] == 1 and c02["active_members"] == 3 and c02["posts_last_90d"] == 3
    assert c02["median_hours_to_first_response"] == 5.0
    assert c02["posts_previous_90d"] == 0 and math.isnan(c02["trend"])


def test_community_health_counts_nothing_after_now():
    later = community_health(POSTS, MEMBERSHIPS, ACCOUNTS, now=ts("2026-02-15"))
    c01 = later.set_index("community_id").loc["C01"]
    assert c01["posts_last_90d"] == 0 and c01["active_members"] == 0
    assert math.isnan(c01["posts_per_active_member"]) and math.isnan(c01["reply_rate"])


def test_champions_count_distinct_people_not_replies():
    champions = champions_by_people_helped(POSTS, ACCOUNTS)
    assert list(champions.columns) == ["account_id", "people_helped", "replies", "active_months"]
    rows = [tuple(row) for row in champions.itertuples(index=False)]
    # A helped B (Feb) and C (Mar); C helped B twice (Feb, Mar), the bot not at all;
    # B helped A once. A's reply to herself and the bot's reply don't count.
    assert rows == [("A", 2, 2, 2), ("C", 1, 2, 2), ("B", 1, 1, 1)]


def test_champions_top_and_ties_broken_by_account_id():
    posts = make_posts([
        ("P1", "C01", "Z", "2026-01-01T10:00Z", None, "P1"),
        ("P2", "C01", "Y", "2026-01-01T11:00Z", "P1", "P1"),
        ("P3", "C01", "X", "2026-01-01T12:00Z", "P1", "P1"),
    ])
    accounts = pd.DataFrame({"account_id": ["X", "Y", "Z"], "is_bot": [False] * 3})
    assert list(champions_by_people_helped(posts, accounts, top=1)["account_id"]) == ["X"]
    assert list(champions_by_people_helped(posts, accounts, top=None)["account_id"]) == [
        "X", "Y"]
    with pytest.raises(ValueError, match="top"):
        champions_by_people_helped(posts, accounts, top=-1)


def test_trend_setters_rank_threads_by_the_people_they_draw():
    setters = trend_setters(POSTS, ACCOUNTS)
    rows = [tuple(row) for row in setters.itertuples(index=False)]
    # A's P01 drew B and C (A's own replies don't count); B's P06 drew A and C.
    assert rows == [("A", 1, 2, 2), ("B", 1, 2, 2), ("D", 1, 0, 0)]


def test_weekly_posts_fill_silent_weeks_with_zero():
    table = weekly_posts(POSTS, ACCOUNTS)
    assert table.index[0] == ts("2025-09-29")  # the Monday before 2025-10-01
    assert table.loc[ts("2026-02-23"), "C01"] == 5  # Sunday 2026-03-01 belongs to that week
    assert table.loc[ts("2026-03-02"), "C01"] == 1  # P09; the bot's P08 is left out
    assert table.loc[ts("2026-01-05"), "C02"] == 0
    assert table.to_numpy().sum() == 10  # every human contribution once


def test_participation_inequality_bands():
    result = participation_inequality(POSTS, MEMBERSHIPS, ACCOUNTS).set_index("community_id")
    c01, c02 = result.loc["C01"], result.loc["C02"]
    # C01: A 3, C 2, B 1, D 1, E 0 -> one heavy (ceil of 1% of 5) who made 3 of 7.
    assert c01["members"] == 5
    assert c01["lurker_share"] == pytest.approx(1 / 5)
    assert c01["contributor_share"] == pytest.approx(3 / 5)
    assert c01["heavy_share"] == pytest.approx(1 / 5)
    assert c01["heavy_post_share"] == pytest.approx(3 / 7)
    # C02: member B plus A and C, who contributed without joining; one post each.
    assert c02["members"] == 3 and c02["lurker_share"] == 0
    assert c02["heavy_post_share"] == pytest.approx(1 / 3)


def test_top_one_percent_rounds_up_and_a_silent_community_has_no_heavy_share():
    members = [f"M{i:03d}" for i in range(150)]
    memberships = pd.DataFrame({"community_id": ["C09"] * 150 + ["C10"],
                                "account_id": members + ["M000"]})
    accounts = pd.DataFrame({"account_id": members, "is_bot": [False] * 150})
    # M000 writes 5, M001 4, M002 3: the top 1% of 150 people is 2 people (1.5 rounded up).
    rows = [(f"P{i}", "C09", author, "2026-01-01", None, f"P{i}")
            for i, author in enumerate(["M000"] * 5 + ["M001"] * 4 + ["M002"] * 3)]
    result = participation_inequality(make_posts(rows), memberships, accounts)
    c09, c10 = result.iloc[0], result.iloc[1]
    assert c09["heavy_share"] == pytest.approx(2 / 150)
    assert c09["heavy_post_share"] == pytest.approx(9 / 12)
    assert c09["contributor_share"] == pytest.approx(1 / 150)
    assert c10["lurker_share"] == 1 and c10["heavy_share"] == 0
    assert math.isnan(c10["heavy_post_share"])


def test_contributions_per_member_keeps_lurkers_with_zero():
    table = contributions_per_member(POSTS, MEMBERSHIPS, ACCOUNTS)
    c01 = table[table["community_id"] == "C01"]
    assert list(c01["account_id"]) == ["A", "C", "B", "D", "E"]
    assert list(c01["contributions"]) == [3, 2, 1, 1, 0]


def test_lorenz_curve_runs_from_zero_to_one():
    curve = lorenz_curve([0, 0, 1, 3])
    assert list(curve["share_of_people"]) == [0, 0.25, 0.5, 0.75, 1]
    assert list(curve["share_of_contributions"]) == [0, 0, 0, 0.25, 1]
    assert list(lorenz_curve([0, 0])["share_of_contributions"]) == [0, 0, 0]


def test_absence_factor_stops_as_soon_as_half_is_reached():
    # A 4, C 3, B 2, D 1 of 10: A alone has 4 < 5, A + C have 7 >= 5.
    assert contributor_absence_factor(POSTS, ACCOUNTS) == 2
    exactly_half = make_posts([(f"P{i}", "C01", a, "2026-01-01", None, f"P{i}")
                               for i, a in enumerate("AAAAABBBCC")])
    assert contributor_absence_factor(exactly_half, ACCOUNTS) == 1  # 5 of 10 is enough
    assert contributor_absence_factor(POSTS.iloc[:0], ACCOUNTS) == 0


def test_absence_factor_leaves_bots_out():
    busy_bot = make_posts([(f"P{i}", "C01", a, "2026-01-01", None, f"P{i}")
                           for i, a in enumerate(["BOT-1"] * 20 + list("ABC"))])
    assert contributor_absence_factor(busy_bot, ACCOUNTS) == 2  # 3 people, 1 each


def test_elephant_factor_by_business_unit():
    org = pd.DataFrame({"employee_id": ["A", "B", "C", "D", "E"],
                        "business_unit": ["Sales", "Ops", "Ops", "Sales", "IT"]})
    # Ops: B 2 + C 3 = 5 of 10 -> one unit is enough.
    assert elephant_factor(POSTS, ACCOUNTS, org) == 1


def test_elephant_factor_counts_people_who_left_as_unknown():
    """Units as they are after a re-org (a category column, as loaded): A has left."""
    org = pd.DataFrame({"employee_id": ["B", "C", "D"],
                        "business_unit": pd.Categorical(["Ops", "Sales", "IT"])})
    # unknown (A) 4, Sales (C) 3, Ops (B) 2, IT (D) 1 of 10: the leavers and Sales make half.
    assert elephant_factor(POSTS, ACCOUNTS, org) == 2


def test_funnel_from_joining_to_contributing_again():
    funnel = contribution_funnel(MEMBERSHIPS, POSTS, ACCOUNTS)
    assert list(funnel.columns) == ["stage", "people", "conversion"]
    assert list(funnel["stage"]) == ["joined", "contributed", "repeat contributor"]
    # joined A B C D E; D wrote once, E never; A, B and C wrote in February and March.
    assert list(funnel["people"]) == [5, 4, 3]
    assert math.isnan(funnel["conversion"][0])
    assert list(funnel["conversion"][1:]) == [pytest.approx(4 / 5), pytest.approx(3 / 4)]


def test_funnel_weeks_start_on_monday():
    memberships = pd.DataFrame({"community_id": ["C01", "C01"], "account_id": ["A", "B"]})
    posts = make_posts([
        ("P1", "C01", "A", "2026-03-01T22:00Z", None, "P1"),  # Sunday
        ("P2", "C01", "A", "2026-03-02T08:00Z", None, "P2"),  # Monday: a new week
        ("P3", "C01", "B", "2026-03-02T08:00Z", None, "P3"),  # Monday
        ("P4", "C01", "B", "2026-03-06T20:00Z", None, "P4"),  # Friday, same week
    ])
    funnel = contribution_funnel(memberships, posts, ACCOUNTS)
    assert list(funnel["people"]) == [2, 2, 1]


def test_clear_errors_for_wrong_inputs():
    with pytest.raises(TypeError, match="DataFrame"):
        champions_by_people_helped([1, 2], ACCOUNTS)
    with pytest.raises(ValueError, match="author_id"):
        contributor_absence_factor(POSTS.drop(columns="author_id"), ACCOUNTS)


# --- the pictures ------------------------------------------------------------------------------

def test_timelines_mark_the_reorg_with_readable_dates_and_a_y_label():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sociallearning import community_plots
    from sociallearning.data import REORG_DATE, load

    posts, accounts = load("posts"), load("community_accounts")
    weekly = weekly_posts(posts, accounts)
    responses = time_to_first_response(posts, accounts)
    figures = [community_plots.weekly_activity(weekly, reorg_date=REORG_DATE),
               community_plots.one_community(weekly, responses, "C05", reorg_date=REORG_DATE)]
    for figure in figures:
        timeline = figure.axes[0]
        figure.canvas.draw()
        labels = [tick.get_text() for tick in timeline.get_xticklabels() if tick.get_text()]
        assert 3 <= len(labels) <= 9 and all(len(label) <= 8 for label in labels)
        assert timeline.get_ylabel()
        marked = [line for line in timeline.get_lines()
                  if line.get_label() == community_plots.REORG_LABEL]
        assert len(marked) == 1
        x = marked[0].get_xdata()[0]
        if not isinstance(x, pd.Timestamp):
            x = pd.Timestamp(matplotlib.dates.num2date(x))
        assert x == REORG_DATE
        plt.close(figure)


def test_the_concentration_picture_gives_the_top_room():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sociallearning import community_plots

    per_member = pd.DataFrame({"community_id": ["C01"] * 200,
                               "contributions": [50, 20] + [1] * 18 + [0] * 180})
    figure = community_plots.concentration(per_member)
    ax = figure.axes[0]
    assert ax.get_xscale() == "log" and ax.get_xlim()[0] < 0.01
    line = ax.get_lines()[0]
    x, y = line.get_xdata(), line.get_ydata()
    at_top_1 = y[np.searchsorted(x, 0.01, side="right") - 1]
    assert at_top_1 == pytest.approx(70 / 88)  # the top 1% (2 people) made 70 of 88
    plt.close(figure)
