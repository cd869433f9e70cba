"""Honest metrics (module 05): the goal and data sources of the exercise, strata, plots and
the one-page sponsor report.

Nothing here computes a scorecard, a retention table or a stratified comparison: those are
what the module teaches and the exercise asks for. This module holds what is around them:

    GOAL, GOAL_PARTS, DATA_SOURCES      the business goal the exercise plans indicators for
    monthly_totals(posts, memberships, reactions)   candidate numbers, vanity and value
    tenure_band(years), level_band(levels)          the strata of the confounder
    plot_logic_model(), plot_candidates(), plot_scorecard(), plot_gap_by_stratum()
    refuse_small_groups(table, size_column, min_group)   the minimum group size, enforced
    write_sponsor_report(path, ...)     a one-page HTML report, made by nbconvert
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pandas as pd

# --- the goal the exercise breaks down ------------------------------------------------------

GOAL = ("After the re-org, people in Operations & Supply Chain solve day-to-day problems "
        "faster by asking colleagues across the new unit.")
GOAL_PARTS = (
    "people ask questions in the open",
    "questions get answered by colleagues",
    "newcomers join and keep contributing",
    "skills improve",
)
# The sources a social learning team can usually get. The first three are the community
# export (activity); the others are results, owned by HR analytics and operations (BI).
DATA_SOURCES = {
    "posts": "community export: posts and replies, with author, community and time",
    "memberships": "community export: who joined which community, and when",
    "reactions": "community export: like, helpful and insightful marks on posts",
    "outcomes": "HR analytics: skills assessment, performance rating and promotion, "
                "shared as aggregates",
    "pulse_survey": "HR's quarterly pulse survey (aggregates), e.g. 'I know whom to ask'",
    "help_desk": "operations' ticket system: tickets raised and days to resolve",
}
ACTIVITY_SOURCES = ("posts", "memberships", "reactions")

MIN_GROUP = 10  # the smallest group a number may describe

# --- strata of the confounder --------------------------------------------------------------

TENURE_BANDS = ("under 2 years", "2-5 years", "5-10 years", "10+ years")
LEVEL_BANDS = ("leader", "manager", "individual contributor")


def tenure_band(years) -> pd.Series:
    """Years of tenure as a band: under 2, 2-5, 5-10, 10+ (lower bound included)."""
    years = pd.Series(years, dtype=float)
    bands = pd.cut(years, [0, 2, 5, 10, float("inf")], right=False, labels=TENURE_BANDS)
    return bands.astype(str).where(years.notna())


def level_band(levels) -> pd.Series:
    """Management level as a band: 1-3 leader, 4-5 manager, 6 individual contributor."""
    levels = pd.Series(levels)
    return levels.map(lambda level: LEVEL_BANDS[0] if level <= 3 else
                      LEVEL_BANDS[1] if level <= 5 else LEVEL_BANDS[2])


# --- candidate numbers for vanity against value ---------------------------------------------

def _month(moments: pd.Series) -> pd.Series:
    return moments.dt.strftime("%Y-%m")


def monthly_totals(posts: pd.DataFrame, memberships: pd.DataFrame,
                   reactions: pd.DataFrame) -> pd.DataFrame:
    """Numbers a platform dashboard shows, one row per month (text `YYYY-MM`), every month
    from the first post to the last one in the data: running totals (members, posts and
    reactions to date) and what happened in the month (posts, reactions)."""
    months = sorted(set(_month(posts["created_at"])))
    table = pd.DataFrame({"month": months})
    for name, frame, column in (("members", memberships, "joined_at"),
                                ("posts", posts, "created_at"),
                                ("reactions", reactions, "created_at")):
        when = _month(frame[column])
        if name != "members":
            table[f"{name}_this_month"] = when.value_counts().reindex(months, fill_value=0
                                                                      ).to_numpy()
        # to date: everything up to the month's end, including what came before the first post
        table[f"{name}_to_date"] = [int((when <= month).sum()) for month in months]
    return table[["month", "members_to_date", "posts_to_date", "reactions_to_date",
                  "posts_this_month", "reactions_this_month"]]


# --- plots ------------------------------------------------------------------------------------

LOGIC_MODEL = (
    ("Activities", "communities, champions,\nchats, working out loud"),
    ("Outputs", "posts, answers,\nactive members"),
    ("Outcomes", "people find help faster,\nskills grow"),
    ("Impact", "the business goal\n(many causes)"),
)


def plot_logic_model(stages=LOGIC_MODEL, ax=None):
    """Boxes from activities to impact; the further right, the more other causes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 2.4))
    for position, (title, detail) in enumerate(stages):
        ax.text(position, 0.6, title, ha="center", va="center", fontsize=12, weight="bold",
                bbox={"boxstyle": "round", "facecolor": "#e8f0fb", "edgecolor": "#4a6fa5"})
        ax.text(position, 0.1, detail, ha="center", va="center", fontsize=9)
        if position:
            ax.annotate("", xy=(position - 0.42, 0.6), xytext=(position - 0.58, 0.6),
                        arrowprops={"arrowstyle": "->"})
    ax.set_xlim(-0.6, len(stages) - 0.4)
    ax.set_ylim(-0.3, 0.9)
    ax.axis("off")
    ax.set_title("Leading indicators sit on the left, lagging ones on the right")
    return ax


def plot_candidates(totals: pd.DataFrame, columns, ax=None):
    """Each column of `totals` against month, scaled to its own maximum (1 = its peak), so
    a number that only ever goes up looks different from one that moves with use."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    for column in columns:
        values = totals[column].astype(float)
        peak = values.max()
        ax.plot(totals["month"], values / peak if peak else values, marker="o", label=column)
    ax.set_ylabel("share of its own peak")
    ax.set_ylim(0, 1.05)
    ax.tick_params(axis="x", rotation=60)
    ax.legend()
    return ax


def plot_scorecard(scorecard: pd.DataFrame, columns, reorg_month: str | None = None,
                   baseline: dict | None = None, axes=None):
    """One small chart per column of a monthly scorecard (a `month` column as text), with
    the re-org month marked and, when given, each column's baseline as a dashed line."""
    columns = list(columns)
    if axes is None:
        _, axes = plt.subplots(len(columns), 1, figsize=(9, 2.2 * len(columns)), sharex=True,
                               squeeze=False)
        axes = axes[:, 0]
    months = list(scorecard["month"])
    for ax, column in zip(axes, columns, strict=True):
        ax.plot(months, scorecard[column].astype(float), marker="o")
        ax.set_ylabel(column.replace("_", " "), fontsize=9)
        if reorg_month in months:
            ax.axvline(months.index(reorg_month), color="grey", linestyle=":")
        if baseline and column in baseline:
            ax.axhline(baseline[column], color="#c0504d", linestyle="--", linewidth=1)
    axes[-1].tick_params(axis="x", rotation=60)
    if reorg_month in months:
        axes[0].set_title(f"Dotted line: the re-org ({reorg_month}); dashed: baseline")
    return axes


def plot_gap_by_stratum(table: pd.DataFrame, overall_gap: float, ax=None):
    """Bars: the gap within each stratum (`stratum`, `gap` columns), and the raw gap as a
    line, so the reader sees how much of the raw gap survives like-for-like comparison."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    ax.barh(table["stratum"], table["gap"], color="#4a6fa5")
    ax.axvline(overall_gap, color="#c0504d", linestyle="--", label="raw gap (everyone)")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("contributors minus non-contributors")
    ax.legend()
    return ax


# --- ethics: the minimum group size ----------------------------------------------------------

class SmallGroupError(ValueError):
    """A table would show a number about fewer people than the minimum group size."""


def refuse_small_groups(table: pd.DataFrame, size_column: str,
                        min_group: int = MIN_GROUP) -> None:
    """Stop with a plain message if any row of `table` describes fewer than `min_group`
    people (`size_column` holds how many people each row is about)."""
    if size_column not in table.columns:
        raise SmallGroupError(f"The table has no column {size_column!r} saying how many "
                              "people each row is about, so its group sizes cannot be "
                              f"checked. Its columns: {list(table.columns)}.")
    small = table[table[size_column] < min_group]
    if len(small):
        first = small.iloc[0].to_dict()
        raise SmallGroupError(
            f"{len(small)} row(s) describe fewer than {min_group} people, for example "
            f"{first}. A number about so few people can point at individuals: leave those "
            "rows out, or merge them into a larger group, before sharing.")


# --- the one-page sponsor report --------------------------------------------------------------

def _figure_png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def write_sponsor_report(path, title: str, summary: str, table: pd.DataFrame, figure,
                         claim: str, does_not_prove: str, size_column: str | None = None,
                         min_group: int = MIN_GROUP, chart_description: str | None = None) -> Path:
    """Write a one-page HTML report: title, summary, a table, a chart and the honest claim.

    The page is a generated notebook (text, the table as HTML from pandas' Styler, the chart
    as a PNG) exported by nbconvert without code, so it opens in any browser and can be sent
    as one file. With `size_column`, a table that describes a group smaller than `min_group`
    is refused (see `refuse_small_groups`). `chart_description` is the chart's alternative
    text for readers who cannot see it (by default, the title).
    """
    from nbconvert import HTMLExporter

    if size_column is not None:
        refuse_small_groups(table, size_column, min_group)
    for name, text in (("title", title), ("summary", summary), ("claim", claim),
                       ("does_not_prove", does_not_prove)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"The report needs {name} as text; got {text!r}.")
    styled = (table.style.hide(axis="index").format(precision=1)
              .set_table_attributes('class="dataframe"'))
    notebook = nbformat.v4.new_notebook()
    outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": styled.to_html()}),
        nbformat.v4.new_output(
            "display_data", data={"image/png": _figure_png(figure), "text/plain": title},
            metadata={"image/png": {"alt": chart_description or f"Chart: {title}"}}),
    ]
    chart = nbformat.v4.new_code_cell("", outputs=outputs)
    notebook.cells = [
        nbformat.v4.new_markdown_cell(f"# {title}\n\n{summary}"),
        chart,
        nbformat.v4.new_markdown_cell(f"**What we can say.** {claim}\n\n"
                                      f"**What this does not prove.** {does_not_prove}"),
    ]
    notebook.metadata["title"] = title
    exporter = HTMLExporter(template_name="classic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(notebook)
    path = Path(path)
    path.write_text(body, encoding="utf-8")
    return path
