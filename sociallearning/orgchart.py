"""The reporting tree of an org chart, as a networkx DiGraph (manager -> direct report).

An org table (`load("org_before")` or `load("org_after")`) has one row per person with
`employee_id` and `manager_id` (empty for the person at the top). A re-organization
leaves holes: someone's manager may have left. Such a person simply has no manager in
the tree, the way the top of the company has none.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

ORG_COLUMNS = ("employee_id", "manager_id", "business_unit")


def require_org(org, name: str = "org") -> None:
    """Stop with a plain message when `org` is not an org table."""
    if not isinstance(org, pd.DataFrame):
        raise TypeError(f"`{name}` should be a pandas DataFrame (e.g. load('org_after')), "
                        f"but it is a {type(org).__name__}.")
    missing = [column for column in ORG_COLUMNS if column not in org.columns]
    if missing:
        raise ValueError(f"`{name}` lacks the column(s) {missing}; it has {list(org.columns)}. "
                         "Load it with sociallearning.data.load('org_after').")
    repeated = org.loc[org["employee_id"].duplicated(), "employee_id"].unique().tolist()
    if repeated:
        raise ValueError(f"`{name}` lists these employee ids more than once: {repeated[:5]}. "
                         "Keep one row per person.")


def reporting_tree(org: pd.DataFrame) -> nx.DiGraph:
    """A DiGraph with one node per person and an edge from each manager to each report.

    Nodes carry `name`, `title` and `business_unit` when the table has them. A manager id
    that is not in the table (the manager left) adds no edge.
    """
    require_org(org)
    tree = nx.DiGraph()
    attributes = [c for c in ("name", "title", "business_unit", "level") if c in org.columns]
    for row in org[["employee_id", *attributes]].itertuples(index=False):
        tree.add_node(row.employee_id, **{a: getattr(row, a) for a in attributes})
    present = set(tree.nodes)
    for employee, manager in zip(org["employee_id"], org["manager_id"], strict=True):
        if pd.notna(manager) and manager in present:
            tree.add_edge(manager, employee)
    if not nx.is_directed_acyclic_graph(tree):
        cycle = [edge[0] for edge in nx.find_cycle(tree)]
        raise ValueError(f"The org chart loops: {' -> '.join(cycle)} manage each other in a "
                         "circle. Fix manager_id so that every chain ends at the top.")
    return tree


def tree_positions(tree: nx.DiGraph) -> dict:
    """(x, y) per person for drawing: the top at y=0, each level one step down, and
    every subtree side by side so that lines do not cross."""
    positions: dict = {}
    next_leaf_x = 0.0

    def place(node, depth: int) -> float:
        nonlocal next_leaf_x
        children = sorted(tree.successors(node))
        if not children:
            x = next_leaf_x
            next_leaf_x += 1
        else:
            xs = [place(child, depth + 1) for child in children]
            x = (xs[0] + xs[-1]) / 2
        positions[node] = (x, -depth)
        return x

    for root in sorted(node for node in tree if tree.in_degree(node) == 0):
        place(root, 0)
    return positions
