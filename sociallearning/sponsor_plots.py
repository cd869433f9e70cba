"""Pictures for module 01 (sponsors through a re-org), so that the notebook shows the idea
and not the matplotlib.

    draw_org_chart(org, sponsor_ids)            the top levels of the reporting tree, sponsors
                                                highlighted, read left to right
    plot_reach(reach)                           a bar per sponsor: people below them
    plot_influence_comfort(grid)                the two-by-two of influence and comfort
    plot_touchpoint_waits(waited, max_days)     days since the last touchpoint, overdue in red

Each takes a table the notebook has just computed and returns the matplotlib Axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from sociallearning.orgchart import reporting_tree, tree_positions
from sociallearning.sponsors import HIGH

SPONSOR_COLOR = "tab:orange"
OTHER_COLOR = "lightgray"
QUADRANT_COLORS = {"educate": "tab:red", "partner": "tab:green", "inform": "tab:blue",
                   "monitor": "tab:gray"}


def _label(data: dict, is_sponsor: bool) -> str:
    """A unit head shows their unit; a sponsor also their name; everyone else nothing."""
    parts = []
    if is_sponsor and "name" in data:
        parts.append(str(data["name"]))
    if data.get("level") == 2 and "business_unit" in data:
        parts.append(f"[{data['business_unit']}]")
    return " ".join(parts)


def draw_org_chart(org: pd.DataFrame, sponsor_ids, max_level: int = 3, ax=None):
    """The reporting tree down to `max_level` (1 is the top), drawn left to right: one
    column per level and one row per person at the deepest level, so labels, written just
    above and to the right of each dot, have a row each and never overlap. Sponsors are orange and
    named; unit heads (level 2) show their unit."""
    if "level" not in org.columns:
        raise ValueError("draw_org_chart() needs the org table's `level` column "
                         "(1 is the top of the company); load it with load('org_after').")
    top = org[org["level"] <= max_level]
    tree = reporting_tree(top)
    # tree_positions() spreads the leaves along x and puts levels along -y; turn it a
    # quarter so that levels become columns and people rows.
    positions = {person: (-depth * 1.0, -x) for person, (x, depth) in
                 tree_positions(tree).items()}
    sponsors = set(sponsor_ids)
    rows = max(1, len({y for _, y in positions.values()}))
    if ax is None:
        _, ax = plt.subplots(figsize=(12, max(3.0, 0.32 * rows)))
    for manager, report in tree.edges:
        (x0, y0), (x1, y1) = positions[manager], positions[report]
        elbow = x1 - 0.2  # near the report, so a manager's label sits above open line
        ax.plot([x0, elbow, elbow, x1], [y0, y0, y1, y1], color="silver", lw=0.8, zorder=1)
    for person, data in tree.nodes(data=True):
        x, y = positions[person]
        is_sponsor = person in sponsors
        ax.scatter([x], [y], s=70 if is_sponsor else 30, zorder=2,
                   color=SPONSOR_COLOR if is_sponsor else OTHER_COLOR,
                   edgecolor="dimgray", linewidth=0.5)
        label = _label(data, is_sponsor)
        if label:
            ax.annotate(label, (x, y), xytext=(5, 3), textcoords="offset points",
                        va="bottom", fontsize=8,
                        fontweight="bold" if is_sponsor else "normal")
    ax.set_xlim(-0.1, max_level - 1 + 0.6)  # the last column holds only short names
    ax.set_xticks(range(max_level), [f"level {level}" for level in range(1, max_level + 1)])
    ax.tick_params(axis="x", length=0)
    ax.set_yticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"Levels 1-{max_level} after the re-org: sponsors in orange and named, "
                 "unit heads show [their unit]")
    return ax


def plot_reach(reach: pd.DataFrame, label_column: str = "name", ax=None):
    """A horizontal bar per sponsor, largest reach on top. `reach` has the columns
    `reach` and `label_column` (plus `business_unit`, shown beside the label)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * max(len(reach), 4) + 1))
    labels = reach[label_column].astype(str)
    if "business_unit" in reach.columns:
        labels = labels + " (" + reach["business_unit"].astype(str) + ")"
    ax.barh(labels[::-1], reach["reach"][::-1], color="tab:blue")
    ax.set_xlabel("people below the sponsor in the new reporting tree")
    ax.set_title("Reach of the sponsors who stayed")
    return ax


def plot_influence_comfort(grid: pd.DataFrame, label_column: str = "name", ax=None):
    """Each sponsor on the influence x comfort grid, coloured by `quadrant`. Sponsors with
    the same two scores are nudged apart a little so that each stays visible."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    offsets = (pd.Series(range(len(grid)), index=grid.index) % 3 - 1) * 0.12
    xs = grid["social_media_comfort"] + offsets
    ys = grid["influence"] - offsets
    ax.scatter(xs, ys, s=120, c=grid["quadrant"].map(QUADRANT_COLORS))
    for label, x, y in zip(grid[label_column].astype(str), xs, ys, strict=True):
        ax.annotate(label.split()[0], (x, y), textcoords="offset points", xytext=(6, 4),
                    fontsize=8)
    middle = HIGH - 0.5
    ax.axhline(middle, color="black", lw=0.8)
    ax.axvline(middle, color="black", lw=0.8)
    corners = {"educate": (1.2, 5.4), "partner": (4.2, 5.4), "monitor": (1.2, 0.7),
               "inform": (4.2, 0.7)}
    for quadrant, (x, y) in corners.items():
        ax.text(x, y, quadrant.upper(), color=QUADRANT_COLORS[quadrant], fontweight="bold")
    ax.set(xlim=(0.5, 5.5), ylim=(0.5, 5.7), xlabel="comfort with social media (1-5)",
           ylabel="influence (1-5)", title="Sponsors still in the org")
    return ax


def plot_touchpoint_waits(waited: pd.Series, max_days: int, ax=None):
    """A bar per sponsor (the Series' index labels the bars): days since the last
    touchpoint, red when more than `max_days`, with the limit as a dashed line."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.3 * max(len(waited), 4) + 1))
    waited = waited.sort_values()
    ax.barh([str(label) for label in waited.index], waited,
            color=["tab:red" if days > max_days else "tab:gray" for days in waited])
    ax.axvline(max_days, color="black", ls="--")
    ax.set_xlabel("days since the last touchpoint")
    overdue = int((waited > max_days).sum())
    ax.set_title(f"{overdue} sponsor(s) waited more than {max_days} days")
    return ax
