"""Per-employee outcomes, built so that correlation is not causation.

Tenure and role level (the confounders) raise both community participation (see
generate_community.participation_score) and results. Posting has a small true effect of its own,
TRUE_POST_EFFECT per log(1 + posts) on the latent performance. A raw correlation between posts and
results therefore overstates the effect; within a level (or with tenure and level as controls)
it shrinks to the small true effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .generate_org import Org
from .timeline import DAY, NOW, iso_seconds

LEVEL_EFFECT = {1: 1.2, 2: 1.0, 3: 0.8, 4: 0.6, 5: 0.4, 6: 0.0}  # latent units
TENURE_EFFECT = 0.2  # latent units per year of tenure, up to TENURE_CAP years
TENURE_CAP = 10.0
TRUE_POST_EFFECT = 0.05  # latent units per log(1 + community posts in 12 months)
LATENT_NOISE = 0.6
SCORE_BASE, SCORE_PER_LATENT, SCORE_NOISE = 50.0, 10.0, 8.0  # assessment_score (0-100)
RATING_SHARES = (0.05, 0.15, 0.50, 0.22, 0.08)  # performance_rating 1..5
PROMOTION_WINDOW_YEARS = 1.0


def expected_score(level: np.ndarray, tenure_years: np.ndarray, posts: np.ndarray) -> np.ndarray:
    """The assessment score before noise: what a model with the right controls can recover."""
    latent = (np.array([LEVEL_EFFECT[int(v)] for v in level])
              + TENURE_EFFECT * np.minimum(tenure_years, TENURE_CAP)
              + TRUE_POST_EFFECT * np.log1p(posts))
    return SCORE_BASE + SCORE_PER_LATENT * latent


def build_outcomes(rng: np.random.Generator, org: Org, posts: pd.DataFrame) -> pd.DataFrame:
    people = org.people[org.people["in_after"]].sort_values("employee_id")
    ids = people["employee_id"].to_numpy()
    level = people["level"].to_numpy()
    tenure = np.round((NOW - people["hire"].to_numpy()) / (365.25 * DAY), 2)

    since = iso_seconds(np.array([NOW - 365 * DAY]))[0]
    recent = posts.loc[posts["created_at"].to_numpy() >= since, "author_id"]
    counts = recent.value_counts()
    n_posts = counts.reindex(ids, fill_value=0).to_numpy().astype(np.int64)

    mean = expected_score(level, tenure, n_posts)
    score = np.clip(mean + rng.normal(0.0, SCORE_NOISE, len(ids)), 0.0, 100.0)
    latent = (mean - SCORE_BASE) / SCORE_PER_LATENT + rng.normal(0.0, LATENT_NOISE, len(ids))
    cut_points = np.quantile(latent, np.cumsum(RATING_SHARES)[:-1])
    rating = 1 + np.searchsorted(cut_points, latent, side="right")
    eligible = (level >= 3) & (tenure >= PROMOTION_WINDOW_YEARS)
    promote_p = 1 / (1 + np.exp(-(-2.4 + 1.5 * (latent - latent.mean()))))
    promoted = eligible & (rng.random(len(ids)) < promote_p)
    return pd.DataFrame({
        "employee_id": ids,
        "tenure_years": [f"{t:.2f}" for t in tenure],
        "role_level": level,
        "community_posts": n_posts,
        "assessment_score": [f"{s:.1f}" for s in score],
        "performance_rating": rating.astype(np.int64),
        "promoted": np.where(promoted, "true", "false"),
    })
