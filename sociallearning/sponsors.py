"""Sponsors through a re-organization: the vocabulary and small helpers of module 01.

The sample data's `sponsors` table has one row per sponsor (ids from `org_before`), with
influence and social-media comfort on 1-5 scales, a stance and the date of the last
touchpoint. This module checks that table, names the statuses and quadrants the course
uses, and turns dates into calendar days. The analyses themselves (what the re-org did to
each sponsor, reach, whom to educate, touchpoints) are worked in the module notebook, and
the exercise asks for new ones: none of them lives here.
"""

from __future__ import annotations

import pandas as pd

SPONSOR_COLUMNS = ("employee_id", "influence", "social_media_comfort", "last_touchpoint")
STATUSES = ("left", "moved", "new manager", "unchanged")
QUADRANTS = ("educate", "partner", "inform", "monitor")
HIGH = 4  # on the 1-5 scales, 4 and 5 count as high


def require_sponsors(sponsors) -> None:
    """Stop with a plain message when `sponsors` is not the sponsors table."""
    if not isinstance(sponsors, pd.DataFrame):
        raise TypeError("`sponsors` should be a pandas DataFrame (e.g. load('sponsors')), "
                        f"but it is a {type(sponsors).__name__}.")
    missing = [column for column in SPONSOR_COLUMNS if column not in sponsors.columns]
    if missing:
        raise ValueError(f"`sponsors` lacks the column(s) {missing}; it has "
                         f"{list(sponsors.columns)}. Load it with load('sponsors').")
    for scale in ("influence", "social_media_comfort"):
        values = pd.to_numeric(sponsors[scale], errors="coerce")
        outside = sponsors.loc[~values.between(1, 5), "employee_id"].tolist()
        if outside:
            raise ValueError(f"`sponsors.{scale}` must be a whole number from 1 to 5; "
                             f"it is not for {outside[:5]}.")


def quadrant(influence: int, comfort: int) -> str:
    """Where a sponsor sits on the influence x social-media-comfort grid, and what to do.

    educate: high influence, low comfort (manage up: teach them, patiently, again);
    partner: high influence, high comfort (ask them to be seen using the tools);
    inform: low influence, high comfort (keep them in the loop; future champions);
    monitor: low influence, low comfort (check in now and then).
    High means 4 or 5.
    """
    if influence >= HIGH:
        return "partner" if comfort >= HIGH else "educate"
    return "inform" if comfort >= HIGH else "monitor"


def as_day(moment) -> pd.Timestamp:
    """A date or time as a calendar day: midnight UTC (a time without zone counts as UTC)."""
    moment = pd.Timestamp(moment)
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
    return moment.normalize()


def as_days(values: pd.Series) -> pd.Series:
    """as_day() for a whole column."""
    moments = pd.to_datetime(values)
    if moments.dt.tz is None:
        moments = moments.dt.tz_localize("UTC")
    return moments.dt.tz_convert("UTC").dt.normalize()
