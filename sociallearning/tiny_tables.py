"""Tiny hand-built community tables, in the sample data's columns and types.

Checks use them for the small cases that the sample data lacks (a bot answering in seconds,
a quiet month, a reply to oneself); a learner can use them the same way to try a function on
a table small enough to check by eye.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def posts(rows) -> pd.DataFrame:
    """rows: (post_id, community_id, author_id, created_at, parent_id, thread_id); a row
    without a parent_id is a post, any other a reply."""
    frame = pd.DataFrame(rows, columns=["post_id", "community_id", "author_id", "created_at",
                                        "parent_id", "thread_id"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, format="ISO8601")
    frame.insert(4, "kind", np.where(frame["parent_id"].isna(), "post", "reply"))
    frame["words"] = 12
    return frame


def accounts(people, bots=("BOT-1",)) -> pd.DataFrame:
    """One account per person (its employee_id is its account id) and per bot."""
    ids = list(people) + list(bots)
    return pd.DataFrame({
        "account_id": ids,
        "display_name": [f"Account {i}" for i in ids],
        "employee_id": list(people) + [None] * len(bots),
        "is_bot": [False] * len(people) + [True] * len(bots),
    })
