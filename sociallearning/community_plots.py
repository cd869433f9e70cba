"""Pictures for module 02 (community): activity over time with the re-org marked, how
concentrated participation is, and the funnel from joining to contributing again.

These only draw; the numbers come from `sociallearning.community` and
`sociallearning.participation` (or the learner's own code). Each function returns the
matplotlib Figure so a notebook can show it, save it or add to it.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

REORG_LABEL = "re-org takes effect"


def _names(names, community_id) -> str:
    return names.get(community_id, community_id) if names is not None else community_id


def _date_axis(ax) -> None:
    """Readable dates: one tick per few months, labels that do not repeat the year."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def mark_reorg(ax, reorg_date) -> None:
    """A dashed vertical line at the re-org, labelled in the legend."""
    if reorg_date is not None:
        ax.axvline(pd.Timestamp(reorg_date), color="gray", linestyle="--", linewidth=1,
                   label=REORG_LABEL)


def weekly_activity(weekly: pd.DataFrame, names=None, reorg_date=None, smooth_weeks: int = 4):
    """Contributions per week for every community (a column each), smoothed over
    `smooth_weeks` weeks so a holiday week does not look like a collapse."""
    smoothed = weekly.rolling(smooth_weeks, min_periods=1).mean()
    fig, ax = plt.subplots(figsize=(9, 4))
    for community_id in smoothed.columns:
        ax.plot(smoothed.index, smoothed[community_id], label=_names(names, community_id))
    mark_reorg(ax, reorg_date)
    _date_axis(ax)
    ax.set_ylabel(f"posts and replies per week\n({smooth_weeks}-week mean)")
    ax.set_title("Weekly activity per community (people only)")
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    return fig


def one_community(weekly: pd.DataFrame, responses: pd.DataFrame, community_id: str,
                  names=None, reorg_date=None, cap_hours: float = 96, smooth_weeks: int = 4):
    """Left: one community's weekly activity with the re-org marked. Right: how long its root
    posts waited for a first answer (`responses` has community_id and
    hours_to_first_response), waits above `cap_hours` shown in the last bar."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    series = weekly[community_id]
    left.plot(series.index, series, color="lightgray", label="weekly")
    left.plot(series.index, series.rolling(smooth_weeks, min_periods=1).mean(),
              color="tab:blue", label=f"{smooth_weeks}-week mean")
    mark_reorg(left, reorg_date)
    _date_axis(left)
    left.set_ylabel("posts and replies per week")
    left.set_title(f"{_names(names, community_id)}: activity")
    left.legend(fontsize=8)
    waits = responses.loc[responses["community_id"] == community_id, "hours_to_first_response"]
    answered = waits.dropna()
    right.hist(answered.clip(upper=cap_hours), bins=np.linspace(0, cap_hours, 25),
               color="tab:orange")
    right.set_xlabel(f"hours to first answer ({cap_hours:.0f} = {cap_hours / 24:.0f} days or more)")
    right.set_ylabel("root posts")
    share = waits.notna().mean() if len(waits) else float("nan")
    right.set_title(f"{share:.0%} of its root posts got an answer from a person")
    fig.tight_layout()
    return fig


def _top_first_shares(contributions) -> tuple[np.ndarray, np.ndarray]:
    """Share of people (most active first) and the share of contributions they made."""
    values = np.sort(np.asarray(contributions, dtype=float))[::-1]
    total = values.sum()
    people = np.arange(1, len(values) + 1) / max(len(values), 1)
    made = np.cumsum(values) / total if total > 0 else np.zeros(len(values))
    return people, made


def concentration(per_member: pd.DataFrame, names=None):
    """How much of each community's contributions its most active people made.

    `per_member` has community_id and contributions (zeros for members who never posted).
    People are ranked most active first along a logarithmic axis, so the top 1% and the top
    10% get room instead of being squeezed into a corner, as on a Lorenz curve where 85-90%
    of people sit at zero. The dotted lines mark the 1% and the 10% of Nielsen's 90-9-1.
    """
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for community_id, group in per_member.groupby("community_id"):
        people, made = _top_first_shares(group["contributions"])
        if len(people):
            ax.step(np.concatenate([[people[0] / 2], people]), np.concatenate([[0], made]),
                    where="post", label=_names(names, community_id))
    for share, text in ((0.01, "top 1%"), (0.10, "top 10%")):
        ax.axvline(share, color="gray", linestyle=":", linewidth=1)
        ax.text(share * 1.08, 0.02, text, ha="left", va="bottom", fontsize=8, color="gray")
    ax.set_xscale("log")
    ax.set_xlim(0.004, 1)
    ax.set_ylim(0, 1.03)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}" if x >= 0.01
                                                   else f"{x:.1%}"))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _: f"{y:.0%}"))
    ax.set_xlabel("share of the community's people, most active first (log scale)")
    ax.set_ylabel("share of its contributions they made")
    ax.set_title("How few people make most of the contributions")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def funnel(stages: pd.DataFrame):
    """Horizontal bars for a funnel with columns stage, people and conversion."""
    fig, ax = plt.subplots(figsize=(7, 3))
    rows = stages.iloc[::-1]
    bars = ax.barh(rows["stage"], rows["people"], color="tab:green")
    for bar, people, rate in zip(bars, rows["people"], rows["conversion"], strict=True):
        label = f"{people}" if pd.isna(rate) else f"{people}  ({rate:.0%} of the stage above)"
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, " " + label, va="center")
    ax.set_xlim(0, max(stages["people"].max(), 1) * 1.45)
    ax.set_xlabel("people")
    ax.set_title("From joining to contributing again")
    fig.tight_layout()
    return fig
