"""Pictures for module 03: whom the leaders follow, and followers against PageRank.

The analysis lives in the module notebook; these functions only draw what it computed.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd

LEADER_COLOR, SHARED_COLOR, ONE_COLOR = "tab:orange", "tab:green", "lightgrey"


def draw_co_following(edges: pd.DataFrame, leaders, min_leaders: int = 2, ax=None):
    """The leaders (orange, in the middle) and the accounts they follow: green, on the inner
    ring and labelled, when at least `min_leaders` of them follow it; grey, outside, when
    fewer. edges: the common EDGE_COLUMNS shape."""
    leaders = list(leaders)
    rows = edges[edges["source_username"].isin(leaders)]
    graph = nx.DiGraph()
    graph.add_edges_from(zip(rows["source_username"], rows["target_username"], strict=True))
    counts = rows.groupby("target_username")["source_username"].nunique()
    shared = set(counts[counts >= min_leaders].index) - set(leaders)
    colors = [LEADER_COLOR if n in leaders else SHARED_COLOR if n in shared else ONE_COLOR
              for n in graph.nodes]
    sizes = [500 if n in leaders else 60 + 80 * counts.get(n, 0) for n in graph.nodes]
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 7))
    # Rings: the leaders in the middle, the accounts they share around them, the rest outside.
    shells = [[n for n in leaders if n in graph],
              sorted(shared, key=lambda n: (-counts.get(n, 0), n)),
              sorted(n for n in graph.nodes if n not in shared and n not in leaders)]
    layout = nx.shell_layout(graph, nlist=[shell for shell in shells if shell])
    nx.draw_networkx_edges(graph, layout, ax=ax, alpha=0.2, arrowsize=7)
    nx.draw_networkx_nodes(graph, layout, ax=ax, node_color=colors, node_size=sizes)
    labels = {n: n.split("@")[0].split(".")[0] if n not in leaders else n
              for n in graph.nodes if n in leaders or n in shared}
    nx.draw_networkx_labels(graph, layout, labels=labels, ax=ax, font_size=7)
    ax.set_title(f"Whom the leaders follow: orange = leaders, green = followed by "
                 f"{min_leaders} or more of them (bigger = more leaders)", fontsize=10)
    ax.axis("off")
    return ax


def plot_rank_comparison(ranks: pd.DataFrame, ax=None):
    """One line per account from its rank by followers (left) to its rank by PageRank
    (right). ranks: columns handle, followers_rank, pagerank_rank (1 = top). Lines that
    rise are accounts PageRank lifts: followed by accounts that are themselves followed."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    for row in ranks.itertuples(index=False):
        lifted = row.pagerank_rank < row.followers_rank
        ax.plot([0, 1], [row.followers_rank, row.pagerank_rank], marker="o",
                color="tab:green" if lifted else "tab:grey", alpha=0.9 if lifted else 0.5)
        ax.annotate(row.handle, (1, row.pagerank_rank), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_xticks([0, 1], ["rank by followers\n(in-degree)", "rank by PageRank"])
    ax.set_xlim(-0.2, 1.6)
    ax.invert_yaxis()
    ax.set_ylabel("rank (1 = top)")
    ax.set_title("Who PageRank lifts (green), leaders left out")
    return ax
