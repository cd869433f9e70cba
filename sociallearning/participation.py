"""Who takes part, and how much: participation inequality, the contributor absence
factor and the contribution funnel (the toolkit module 02 teaches with; its exercise asks
new questions of the same data).

A "contribution" is a post or a reply written by a person; bots (accounts with
`is_bot` true) are left out everywhere.
"""

from __future__ import annotations

import math

import pandas as pd

from sociallearning.community import (
    MEMBERSHIP_COLUMNS,
    bot_ids,
    human_posts,
    require_columns,
    week_start,
)

FUNNEL_STAGES = ("joined", "contributed", "repeat contributor")


def contributions_per_member(posts: pd.DataFrame, memberships: pd.DataFrame,
                             accounts: pd.DataFrame) -> pd.DataFrame:
    """Contributions per person per community, zeros included for members who never posted.

    The people of a community are its members plus anyone who contributed to it.
    Columns community_id, account_id, contributions; sorted by community_id, then
    contributions descending, then account_id.
    """
    require_columns(memberships, MEMBERSHIP_COLUMNS, "memberships")
    people = human_posts(posts, accounts)
    counts = people.groupby(["community_id", "author_id"]).size().rename("contributions")
    counts = counts.rename_axis(["community_id", "account_id"]).reset_index()
    members = memberships.loc[~memberships["account_id"].isin(bot_ids(accounts)),
                              ["community_id", "account_id"]].drop_duplicates()
    table = members.merge(counts, on=["community_id", "account_id"], how="outer")
    table["contributions"] = table["contributions"].fillna(0).astype(int)
    table = table.sort_values(["community_id", "contributions", "account_id"],
                              ascending=[True, False, True])
    return table.reset_index(drop=True)


def participation_inequality(posts: pd.DataFrame, memberships: pd.DataFrame,
                             accounts: pd.DataFrame) -> pd.DataFrame:
    """Each community against Nielsen's 90-9-1 rule (Nielsen 2006).

    People of a community: its members plus anyone who contributed to it. Bands:
    heavy contributors = the top 1% of people by contributions, rounded UP to whole
    people (at least one as soon as anyone contributed, never more than those who
    contributed); contributors = the others with at least one contribution; lurkers =
    people with none. Columns: community_id, members, lurker_share, contributor_share,
    heavy_share (the three shares of people add up to 1), heavy_post_share (share of
    the community's contributions made by the heavy contributors; NaN when nobody
    contributed). Sorted by community_id.
    """
    table = contributions_per_member(posts, memberships, accounts)
    # Within a community the rows are already sorted by contributions, largest first.
    table["rank"] = table.groupby("community_id").cumcount()
    by_community = table.groupby("community_id")
    result = pd.DataFrame({
        "members": by_community.size(),
        "posters": by_community["contributions"].apply(lambda c: int((c > 0).sum())),
        "total": by_community["contributions"].sum(),
    })
    wanted = (result["members"] * 0.01).apply(math.ceil)
    result["heavy"] = wanted.where(wanted < result["posters"], result["posters"])
    heavy_limit = table["community_id"].map(result["heavy"])
    heavy_posts = table["contributions"].where(table["rank"] < heavy_limit, 0)
    result["heavy_posts"] = heavy_posts.groupby(table["community_id"]).sum()
    result["lurker_share"] = (result["members"] - result["posters"]) / result["members"]
    result["contributor_share"] = (result["posters"] - result["heavy"]) / result["members"]
    result["heavy_share"] = result["heavy"] / result["members"]
    result["heavy_post_share"] = result["heavy_posts"] / result["total"].where(
        result["total"] > 0)
    result = result.rename_axis("community_id").reset_index()
    result = result.astype({"members": int,
                            "heavy_post_share": float})
    return result[["community_id", "members", "lurker_share", "contributor_share",
                   "heavy_share", "heavy_post_share"]]


def lorenz_curve(contributions) -> pd.DataFrame:
    """Points of a Lorenz curve: people sorted from least to most active, columns
    share_of_people and share_of_contributions (cumulative, both from 0 to 1)."""
    values = pd.Series(contributions, dtype=float).sort_values().to_numpy()
    total = values.sum()
    people = pd.Series(range(len(values) + 1), dtype=float) / max(len(values), 1)
    cumulative = pd.Series([0.0, *values.cumsum()])
    share = cumulative / total if total > 0 else cumulative * 0.0
    return pd.DataFrame({"share_of_people": people, "share_of_contributions": share})


def _smallest_group_for_half(volumes: pd.Series) -> int:
    """How many of the largest volumes it takes to reach at least half the total."""
    volumes = volumes.sort_values(ascending=False)
    total = volumes.sum()
    if total == 0:
        return 0
    reached = volumes.cumsum() >= total / 2
    return int(reached.to_numpy().argmax()) + 1


def contributor_absence_factor(posts: pd.DataFrame, accounts: pd.DataFrame) -> int:
    """CHAOSS Contributor Absence Factor (formerly Bus Factor).

    The smallest number of people who together made at least 50% of the
    contributions: sort people by contributions, largest first, add up, stop as soon as
    the running sum reaches half the total. 0 when there are no contributions.
    """
    people = human_posts(posts, accounts)
    return _smallest_group_for_half(people.groupby("author_id").size())


def elephant_factor(posts: pd.DataFrame, accounts: pd.DataFrame, org: pd.DataFrame,
                    unit_column: str = "business_unit") -> int:
    """CHAOSS Elephant Factor, inside a company: the smallest number of business units
    whose people made at least 50% of the contributions. Accounts without an employee
    record count as the unit "unknown"."""
    require_columns(accounts, ("account_id", "employee_id"), "accounts")
    require_columns(org, ("employee_id", unit_column), "org")
    people = human_posts(posts, accounts)
    unit_of_employee = org.drop_duplicates("employee_id").set_index("employee_id")[unit_column]
    unit_of_account = accounts.set_index("account_id")["employee_id"].map(unit_of_employee)
    # As text: a category column cannot take the new value "unknown".
    units = people["author_id"].map(unit_of_account).astype("object").fillna("unknown")
    return _smallest_group_for_half(units.value_counts())


def contribution_funnel(memberships: pd.DataFrame, posts: pd.DataFrame,
                        accounts: pd.DataFrame) -> pd.DataFrame:
    """From joining to contributing again: a CHAOSS-style conversion funnel.

    Stages, each inside the one before: joined (people with at least one membership),
    contributed (of those, people with at least one contribution anywhere), repeat
    contributor (of those, people who contributed in at least two different weeks;
    weeks start Monday, UTC). Columns stage, people, conversion (people / people of the
    previous stage: D1/D0 and D2/D1; NaN for the first stage or an empty previous stage).
    """
    require_columns(memberships, MEMBERSHIP_COLUMNS, "memberships")
    joined = set(memberships["account_id"]) - bot_ids(accounts)
    people = human_posts(posts, accounts)
    people = people[people["author_id"].isin(joined)]
    weeks_per_person = week_start(people["created_at"]).groupby(people["author_id"]).nunique()
    counts = [len(joined), len(weeks_per_person), int((weeks_per_person >= 2).sum())]
    funnel = pd.DataFrame({"stage": list(FUNNEL_STAGES), "people": counts})
    previous = funnel["people"].shift(1)
    funnel["conversion"] = funnel["people"] / previous.where(previous > 0)
    return funnel
