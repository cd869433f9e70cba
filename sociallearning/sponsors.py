"""Sponsors through a re-organization: the reference answers for module 01.

Inputs are the sample data's `org_before`, `org_after` (the org chart before and after
the re-organization; people who left are absent from `org_after`) and `sponsors` (one row
per sponsor, ids from `org_before`, with influence and social-media comfort on 1-5 scales
and the date of the last touchpoint). Every function returns a new frame or list, sorted
the way its docstring says, and never changes its inputs.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from sociallearning.orgchart import reporting_tree, require_org

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


def _require_sponsor_ids(sponsors) -> None:
    """Stop with a plain message when `sponsors` has no employee_id column to go by."""
    if not isinstance(sponsors, pd.DataFrame) or "employee_id" not in sponsors.columns:
        raise TypeError("`sponsors` should be the sponsors DataFrame with an employee_id "
                        "column (load('sponsors')).")


def sponsors_still_here(sponsors: pd.DataFrame, org_after: pd.DataFrame) -> pd.DataFrame:
    """The sponsor rows of people who are still in the organization after the re-org."""
    require_sponsors(sponsors)
    require_org(org_after, "org_after")
    return sponsors[sponsors["employee_id"].isin(org_after["employee_id"])]


def sponsor_changes(org_before: pd.DataFrame, org_after: pd.DataFrame,
                    sponsors: pd.DataFrame) -> pd.DataFrame:
    """What the re-org did to each sponsor.

    Columns: employee_id, status, unit_before, unit_after; one row per sponsor, sorted
    by employee_id. status is the first that applies of:
    "left" (not in org_after; unit_after is missing), "moved" (business unit changed,
    a renamed unit included), "new manager" (same unit, different manager_id),
    "unchanged". Two missing manager ids (the top of the company) count as the same.
    """
    require_org(org_before, "org_before")
    require_org(org_after, "org_after")
    _require_sponsor_ids(sponsors)
    unknown = sorted(set(sponsors["employee_id"]) - set(org_before["employee_id"]))
    if unknown:
        raise ValueError(f"These sponsors are not in org_before: {unknown[:5]}. Sponsor ids "
                         "must be employee ids from the org chart before the re-org.")
    before = org_before.set_index("employee_id")
    after = org_after.set_index("employee_id")
    rows = []
    for employee in sorted(sponsors["employee_id"].unique()):
        unit_before = before.at[employee, "business_unit"]
        if employee not in after.index:
            rows.append((employee, "left", unit_before, None))
            continue
        unit_after = after.at[employee, "business_unit"]
        manager_before = before.at[employee, "manager_id"]
        manager_after = after.at[employee, "manager_id"]
        same_manager = (pd.isna(manager_before) and pd.isna(manager_after)) or (
            manager_before == manager_after)
        if unit_after != unit_before:
            status = "moved"
        elif not same_manager:
            status = "new manager"
        else:
            status = "unchanged"
        rows.append((employee, status, unit_before, unit_after))
    return pd.DataFrame(rows, columns=["employee_id", "status", "unit_before", "unit_after"])


def units_without_sponsor(org_after: pd.DataFrame, sponsors: pd.DataFrame) -> list[str]:
    """Business units of the new org where no sponsor works now, sorted by name.

    A sponsor counts for the unit they are in after the re-org (org_after), not the one
    the sponsors table remembers; sponsors who left count for none.
    """
    require_org(org_after, "org_after")
    _require_sponsor_ids(sponsors)
    covered = org_after.loc[org_after["employee_id"].isin(sponsors["employee_id"]),
                            "business_unit"]
    return sorted(str(unit) for unit in set(org_after["business_unit"]) - set(covered))


def sponsor_reach(org_after: pd.DataFrame, sponsors: pd.DataFrame) -> pd.DataFrame:
    """How many people sit under each sponsor who is still here, in the new reporting tree.

    Columns: employee_id, business_unit (after the re-org), reach (int: all direct and
    indirect reports, not the sponsor themself). Sorted by reach, largest first, then
    employee_id.
    """
    still_here = sponsors_still_here(sponsors, org_after)
    tree = reporting_tree(org_after)
    unit = org_after.set_index("employee_id")["business_unit"]
    ids = sorted(still_here["employee_id"].unique())
    result = pd.DataFrame({
        "employee_id": ids,
        "business_unit": [unit[e] for e in ids],
        "reach": [len(nx.descendants(tree, e)) for e in ids],
    })
    result["reach"] = result["reach"].astype("int64")
    return result.sort_values(["reach", "employee_id"], ascending=[False, True],
                              ignore_index=True)


def education_priority(sponsors: pd.DataFrame, org_after: pd.DataFrame) -> pd.DataFrame:
    """Whom to educate about social media first: influential sponsors who are least at ease.

    priority = influence * (6 - social_media_comfort), from 1 (influence 1, comfort 5) to
    25 (influence 5, comfort 1). Only sponsors still in the org. Columns: employee_id,
    influence, social_media_comfort, priority (ints). Sorted by priority, then influence,
    both largest first, then employee_id.
    """
    still_here = sponsors_still_here(sponsors, org_after)
    result = still_here[["employee_id", "influence", "social_media_comfort"]].copy()
    result["influence"] = result["influence"].astype("int64")
    result["social_media_comfort"] = result["social_media_comfort"].astype("int64")
    result["priority"] = result["influence"] * (6 - result["social_media_comfort"])
    return result.sort_values(["priority", "influence", "employee_id"],
                              ascending=[False, False, True], ignore_index=True)


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


def sponsor_quadrants(sponsors: pd.DataFrame, org_after: pd.DataFrame) -> pd.DataFrame:
    """education_priority() plus a `quadrant` column (see quadrant())."""
    result = education_priority(sponsors, org_after)
    result["quadrant"] = [quadrant(i, c) for i, c in
                          zip(result["influence"], result["social_media_comfort"], strict=True)]
    return result


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


def touchpoints_due(sponsors: pd.DataFrame, org_after: pd.DataFrame, today=None,
                    max_days: int = 90) -> pd.DataFrame:
    """Sponsors still here whom nobody has met for more than `max_days` days.

    days_since = whole days from last_touchpoint to `today` (default: the sample data's
    clock, REFERENCE_NOW); due when days_since > max_days. Columns: employee_id,
    days_since (int), next_touchpoint (a day, as midnight UTC like the data's dates: one
    meeting per working day, Monday to Friday, starting the working day after `today`, the
    longest-waiting sponsor first).
    Sorted by days_since, largest first, then employee_id.
    """
    if isinstance(max_days, bool) or not isinstance(max_days, int) or max_days < 0:
        raise ValueError(f"max_days should be a whole number of days >= 0, not {max_days!r}.")
    still_here = sponsors_still_here(sponsors, org_after)
    if still_here["last_touchpoint"].isna().any():
        never = still_here.loc[still_here["last_touchpoint"].isna(), "employee_id"].tolist()
        raise ValueError(f"No last_touchpoint for {never[:5]}: fill in the date you last met "
                         "them (or today's date after you meet them).")
    if today is None:
        from sociallearning.data import REFERENCE_NOW

        today = REFERENCE_NOW
    today = as_day(today)
    waited = (today - as_days(still_here["last_touchpoint"])).dt.days.astype("int64")
    due = pd.DataFrame({"employee_id": still_here["employee_id"].to_numpy(),
                        "days_since": waited.to_numpy()})
    due = due[due["days_since"] > max_days]
    due = due.sort_values(["days_since", "employee_id"], ascending=[False, True],
                          ignore_index=True)
    due["next_touchpoint"] = pd.bdate_range(today + pd.Timedelta(days=1), periods=len(due))
    return due
