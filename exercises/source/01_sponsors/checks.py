"""Checks for exercise 01_sponsors: the learner's functions against the reference answers,
the solution cells of 01_sponsors.ipynb beside this file.

Each task has a visible check (on the sample data) and `*_edge_cases` (a tiny hand-built
re-org: a sponsor who left, a sponsor whose manager left, a renamed unit, the person at the
top with no manager, ties, nobody due, no sponsors at all). The learner's function always
gets copies, so changing its inputs cannot change the expected answer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from sociallearning import feedback
from sociallearning import sponsors as toolkit  # shared helpers, not answers
from sociallearning.exercises import solution_namespace

# The reference answers are the solution cells of the notebook beside this file.
reference = solution_namespace(Path(__file__).with_name("01_sponsors.ipynb"))

# Tiny frames use the loader's types: categories for units, dates as midnight UTC.
_ORG_COLUMNS = ["employee_id", "name", "title", "business_unit", "manager_id", "location",
                "time_zone", "level", "hire_date"]


def _org(rows) -> pd.DataFrame:
    """rows: (employee_id, business_unit, manager_id)."""
    frame = pd.DataFrame(
        [(e, f"Person {e}", "Manager", unit, manager, "Leeds", "Europe/London", 3,
          "2020-01-06") for e, unit, manager in rows], columns=_ORG_COLUMNS)
    frame["business_unit"] = frame["business_unit"].astype("category")
    frame["hire_date"] = pd.to_datetime(frame["hire_date"], utc=True)
    return frame


def _sponsor_table(rows) -> pd.DataFrame:
    """rows: (employee_id, business_unit, influence, comfort, last_touchpoint)."""
    frame = pd.DataFrame(
        [(e, "Functional sponsor", unit, influence, comfort, "neutral", touch)
         for e, unit, influence, comfort, touch in rows],
        columns=["employee_id", "role", "business_unit", "influence", "social_media_comfort",
                 "stance", "last_touchpoint"])
    frame["business_unit"] = frame["business_unit"].astype("category")
    frame["last_touchpoint"] = pd.to_datetime(frame["last_touchpoint"], utc=True)
    return frame


# Before: S1 runs the company; S2 runs Sales (S4 under S2, S5 under S4); S3 runs Ops (S6,
# S7 under S3). After: S2 left, so S4 (a sponsor whose manager left) reports to S1; Ops was
# renamed Operations; S7 moved to Sales; S8 joined Marketing.
TINY_BEFORE = _org([
    ("S1", "Exec", None), ("S2", "Sales", "S1"), ("S3", "Ops", "S1"), ("S4", "Sales", "S2"),
    ("S5", "Sales", "S4"), ("S6", "Ops", "S3"), ("S7", "Ops", "S3"),
])
TINY_AFTER = _org([
    ("S1", "Exec", None), ("S3", "Operations", "S1"), ("S4", "Sales", "S1"),
    ("S5", "Sales", "S4"), ("S6", "Operations", "S3"), ("S7", "Sales", "S4"),
    ("S8", "Marketing", "S1"),
])
# S2 (left) has the highest priority; S3 and S4 tie on priority; S1 waited exactly 90
# days on REFERENCE_NOW (not overdue); S3 and S5 tie on days waited.
TINY_SPONSORS = _sponsor_table([
    ("S6", "Ops", 2, 5, "2026-03-01"),
    ("S1", "Exec", 5, 4, "2025-12-06"),
    ("S2", "Sales", 5, 1, "2025-01-01"),
    ("S3", "Ops", 3, 1, "2025-12-05"),
    ("S5", "Sales", 1, 2, "2025-12-05"),
    ("S4", "Sales", 5, 3, "2025-11-01"),
])
# The same org, but nobody re-attached S4 after S2 left: S4 sits at the top of a branch.
TINY_AFTER_ORPHAN = TINY_AFTER.assign(
    manager_id=["S2" if e == "S4" else m for e, m in
                zip(TINY_AFTER["employee_id"], TINY_AFTER["manager_id"], strict=True)])


@lru_cache(maxsize=1)
def _sample_data() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from sociallearning.data import load

    return load("org_before"), load("org_after"), load("sponsors")


def _copies(*frames):
    return tuple(frame.copy() for frame in frames)


def _sample():
    """Fresh copies of (org_before, org_after, sponsors) from the sample data."""
    return _copies(*_sample_data())


def _reference_now() -> pd.Timestamp:
    from sociallearning.data import REFERENCE_NOW

    return REFERENCE_NOW


def _named(what: str) -> str:
    """`call(...)` in code style; a description such as "f() on a tiny case" as it is."""
    return f"`{what}`" if what.endswith(")") else what


def _expect_no_leavers(got, org_after, what):
    """A plain-words nudge when the answer lists sponsors who are no longer in the org."""
    if type(got) is pd.DataFrame and "employee_id" in got.columns:
        gone = sorted({str(e) for e in got["employee_id"]} - set(org_after["employee_id"]))
        feedback.expect(not gone, f"{_named(what)} lists sponsors who left the org: {gone[:5]}. "
                        "Keep only sponsors whose employee_id is in org_after.")


def _expect_current_units(got, org_after, sponsors, what):
    """A plain-words nudge when a unit listed as uncovered has a sponsor working in it now."""
    if type(got) is not list:
        return
    now = org_after[org_after["employee_id"].isin(sponsors["employee_id"])]
    for unit in got:
        there = now.loc[now["business_unit"].astype(str) == str(unit), "employee_id"].tolist()
        if there:
            raise feedback.CheckFailed(
                f"{_named(what)} lists {unit!r}, but sponsor {there[0]} works there after the "
                "re-org. Use each sponsor's unit from org_after.")


def _expect_reference_frame(learner, reference_function, frames, org_after, what):
    """learner(*frames) lists no leavers and returns the same frame as the reference."""
    got = learner(*_copies(*frames))
    _expect_no_leavers(got, org_after, what)
    feedback.expect_same_frame(got, reference_function(*frames), what)


# --- 1.1 what the re-org did to each sponsor ------------------------------------------------

def _expect_known_statuses(got, what):
    if type(got) is pd.DataFrame and "status" in got.columns:
        unknown = sorted({str(s) for s in got["status"] if s not in toolkit.STATUSES})
        feedback.expect(not unknown, f"{_named(what)}: status should be one of "
                        f"{list(toolkit.STATUSES)}; you have {unknown[:5]}.")


def sponsor_changes(learner):
    """Visible check of task 1.1 on the sample data."""
    what = "sponsor_changes(org_before, org_after, sponsors)"
    with feedback.task("sponsor_changes"):
        org_before, org_after, sponsors = _sample()
        got = learner(*_copies(org_before, org_after, sponsors))
        expected = reference.sponsor_changes(org_before, org_after, sponsors)
        feedback.expect_type(got, pd.DataFrame, what)
        feedback.expect_columns(got, list(expected.columns), what)
        _expect_known_statuses(got, what)
        feedback.expect_same_frame(got, expected, what)
    feedback.passed("sponsor_changes() says, for every sponsor, whether they left, moved, "
                    "have a new manager or are unchanged, with their unit before and after.")


def sponsor_changes_edge_cases(learner):
    """Hidden checks of task 1.1: left, renamed unit, manager left, no manager, no sponsors."""
    cases = {
        "a tiny re-org (a sponsor who left, one whose manager left, a renamed unit, the top "
        "of the company with no manager)": (TINY_BEFORE, TINY_AFTER, TINY_SPONSORS),
        "no sponsors at all": (TINY_BEFORE, TINY_AFTER, TINY_SPONSORS.iloc[:0]),
    }
    with feedback.task("sponsor_changes"):
        for case, frames in cases.items():
            what = f"sponsor_changes() on {case}"
            got = learner(*_copies(*frames))
            _expect_known_statuses(got, what)
            feedback.expect_same_frame(got, reference.sponsor_changes(*frames), what)
    feedback.passed("sponsor_changes() handles a manager who left, a renamed unit, the top "
                    "of the company and an empty sponsor list.")


# --- 1.2 units with no sponsor ---------------------------------------------------------------

def units_without_sponsor(learner):
    """Visible check of task 1.2 on the sample data."""
    what = "units_without_sponsor(org_after, sponsors)"
    with feedback.task("units_without_sponsor"):
        _, org_after, sponsors = _sample()
        got = learner(*_copies(org_after, sponsors))
        expected = reference.units_without_sponsor(org_after, sponsors)
        feedback.expect_type(got, list, what)
        _expect_current_units(got, org_after, sponsors, what)
        feedback.expect_same_values(got, expected, what)
    feedback.passed("units_without_sponsor() lists, in order, the units of the new org where "
                    "no sponsor works now.")


def units_without_sponsor_edge_cases(learner):
    """Hidden checks of task 1.2: stale units, leavers, no sponsors, no people."""
    few = TINY_SPONSORS[TINY_SPONSORS["employee_id"].isin(["S2", "S6"])]
    cases = {
        "a tiny re-org": (TINY_AFTER, TINY_SPONSORS),
        "a tiny re-org where Sales' only sponsor left (the sponsors table still says Sales)":
            (TINY_AFTER, few),
        "no sponsors at all": (TINY_AFTER, TINY_SPONSORS.iloc[:0]),
        "an empty org chart": (TINY_AFTER.iloc[:0], TINY_SPONSORS),
    }
    with feedback.task("units_without_sponsor"):
        for case, frames in cases.items():
            what = f"units_without_sponsor() on {case}"
            got = learner(*_copies(*frames))
            feedback.expect_type(got, list, what)
            _expect_current_units(got, *frames, what)
            feedback.expect_same_values(got, reference.units_without_sponsor(*frames), what)
    feedback.passed("units_without_sponsor() uses each sponsor's unit after the re-org and "
                    "leaves out sponsors who left.")


# --- 1.3 reach in the new reporting tree ------------------------------------------------------

def sponsor_reach(learner):
    """Visible check of task 1.3 on the sample data."""
    what = "sponsor_reach(org_after, sponsors)"
    with feedback.task("sponsor_reach"):
        _, org_after, sponsors = _sample()
        _expect_reference_frame(learner, reference.sponsor_reach, (org_after, sponsors),
                                org_after, what)
    feedback.passed("sponsor_reach() counts everyone under each remaining sponsor, directly "
                    "or indirectly, largest reach first.")


def sponsor_reach_edge_cases(learner):
    """Hidden checks of task 1.3: leavers, ties, a branch whose manager left, no sponsors."""
    cases = {
        "a tiny re-org (ties at reach 0)": (TINY_AFTER, TINY_SPONSORS),
        "a tiny re-org where a sponsor's manager left and nobody replaced them":
            (TINY_AFTER_ORPHAN, TINY_SPONSORS),
        "no sponsors at all": (TINY_AFTER, TINY_SPONSORS.iloc[:0]),
    }
    with feedback.task("sponsor_reach"):
        for case, (org_after, sponsors) in cases.items():
            _expect_reference_frame(learner, reference.sponsor_reach, (org_after, sponsors),
                                    org_after, f"sponsor_reach() on {case}")
    feedback.passed("sponsor_reach() leaves out leavers, breaks ties by id and copes with a "
                    "branch whose manager left.")


# --- 1.4 whom to educate first ------------------------------------------------------------------

def education_priority(learner):
    """Visible check of task 1.4 on the sample data."""
    what = "education_priority(sponsors, org_after)"
    with feedback.task("education_priority"):
        _, org_after, sponsors = _sample()
        _expect_reference_frame(learner, reference.education_priority, (sponsors, org_after),
                                org_after, what)
    feedback.passed("education_priority() puts influential sponsors who are least at ease "
                    "with social media first.")


def education_priority_edge_cases(learner):
    """Hidden checks of task 1.4: a leaver with the top score, ties, no sponsors."""
    cases = {
        "a tiny re-org (the top score left; two sponsors tie on priority)":
            (TINY_SPONSORS, TINY_AFTER),
        "no sponsors at all": (TINY_SPONSORS.iloc[:0], TINY_AFTER),
    }
    with feedback.task("education_priority"):
        for case, (sponsors, org_after) in cases.items():
            _expect_reference_frame(learner, reference.education_priority, (sponsors, org_after),
                                    org_after, f"education_priority() on {case}")
    feedback.passed("education_priority() leaves out leavers and breaks ties by influence, "
                    "then id.")


# --- 1.5 touchpoints due --------------------------------------------------------------------------

def _as_plain_days(frame):
    """next_touchpoint as days without time zone, whether it came as midnight UTC (like the
    data's dates) or without a zone: the lesson is which day, not how it is stored."""
    if type(frame) is pd.DataFrame and "next_touchpoint" in frame.columns:
        column = frame["next_touchpoint"]
        if pd.api.types.is_datetime64_any_dtype(column):
            frame = frame.copy()
            frame["next_touchpoint"] = toolkit.as_days(column).dt.tz_localize(None)
    return frame


def touchpoints_due(learner):
    """Visible check of task 1.5 on the sample data."""
    with feedback.task("touchpoints_due"):
        _, org_after, sponsors = _sample()
        today = _reference_now()
        for max_days in (90, 30):
            what = f"touchpoints_due(sponsors, org_after, today=REFERENCE_NOW, max_days={max_days})"
            got = learner(*_copies(sponsors, org_after), today=today, max_days=max_days)
            expected = reference.touchpoints_due(sponsors, org_after, today=today,
                                                 max_days=max_days)
            _expect_no_leavers(got, org_after, what)
            feedback.expect_same_frame(_as_plain_days(got), _as_plain_days(expected), what)
    feedback.passed("touchpoints_due() lists the sponsors nobody met for too long, longest "
                    "wait first, one meeting per working day.")


def touchpoints_due_edge_cases(learner):
    """Hidden checks of task 1.5: exactly max_days, ties, weekends, leavers, nobody due."""
    friday = _reference_now()
    wednesday = pd.Timestamp("2026-03-04T09:00:00Z")
    cases = {
        "a tiny re-org on a Friday (one sponsor waited exactly 90 days, two tie)":
            (friday, 90),
        "a tiny re-org on a Wednesday with max_days=0 (meetings run into next week)":
            (wednesday, 0),
        "a tiny re-org where nobody is due (max_days=400)": (friday, 400),
    }
    with feedback.task("touchpoints_due"):
        for case, (today, max_days) in cases.items():
            what = f"touchpoints_due() on {case}"
            got = learner(*_copies(TINY_SPONSORS, TINY_AFTER), today=today, max_days=max_days)
            expected = reference.touchpoints_due(TINY_SPONSORS, TINY_AFTER, today=today,
                                                 max_days=max_days)
            _expect_no_leavers(got, TINY_AFTER, what)
            feedback.expect_same_frame(_as_plain_days(got), _as_plain_days(expected), what)
    feedback.passed("touchpoints_due() counts strictly more than max_days, skips weekends, "
                    "leaves out leavers and returns an empty table when nobody is due.")


# --- 1.6 an action for each sponsor ---------------------------------------------------------

ACTIONS = ("showcase", "coach", "convince", "inform")


def _expect_sound_actions(got, sponsors, org_after, what):
    """The plan's rules (see the task): any plan that keeps them passes."""
    feedback.expect_type(got, dict, what)
    here = sponsors[sponsors["employee_id"].isin(org_after["employee_id"])]
    wanted = set(here["employee_id"])
    gone = sorted(set(map(str, got)) - wanted)
    feedback.expect(not [g for g in gone if g in set(sponsors["employee_id"])],
                    f"{_named(what)} plans for sponsors who left the org: "
                    f"{[g for g in gone if g in set(sponsors['employee_id'])][:5]}.")
    missing = sorted(wanted - set(got))
    feedback.expect(not missing, f"{_named(what)} has no action for {missing[:5]}: every "
                    "sponsor still in the org needs one.")
    feedback.expect(not gone, f"{_named(what)} has keys that are not sponsors: {gone[:5]}.")
    odd = {k: v for k, v in got.items() if v not in ACTIONS}
    feedback.expect(not odd, f"{_named(what)} uses actions outside {list(ACTIONS)}: "
                    f"{dict(list(odd.items())[:3])}.")
    # Rule by rule, the one that matters most first (an influential skeptic can block you).
    sponsors_here = list(here.itertuples())

    def facts(sponsor):
        return (f"{sponsor.employee_id} ({sponsor.stance}, influence {sponsor.influence}, "
                f"comfort {sponsor.social_media_comfort})")

    for sponsor in sponsors_here:
        action = got[sponsor.employee_id]
        if sponsor.stance == "skeptical":
            feedback.expect(sponsor.influence < 4 or action == "convince",
                            f"{facts(sponsor)} gets {action}: an influential skeptic can "
                            "block you. Convince them one-to-one with evidence from their unit.")
            feedback.expect(action in ("convince", "inform"),
                            f"{facts(sponsor)} is asked to {action}: a skeptic is convinced "
                            "or informed first, not put on show or coached in tools.")
    for sponsor in sponsors_here:
        action = got[sponsor.employee_id]
        if sponsor.social_media_comfort <= 2:
            feedback.expect(action != "showcase", f"{facts(sponsor)} is asked to showcase: "
                            "someone this uneasy online needs coaching before being put on "
                            "show.")
    for sponsor in sponsors_here:
        action = got[sponsor.employee_id]
        if sponsor.stance == "champion" and sponsor.social_media_comfort >= 4:
            feedback.expect(action == "showcase", f"{facts(sponsor)} is a champion at ease "
                            f"online, but gets {action}: make your champions visible.")
        if (sponsor.stance in ("supportive", "neutral") and sponsor.influence >= 4
                and sponsor.social_media_comfort <= 3):
            feedback.expect(action == "coach", f"{facts(sponsor)} is influential and willing "
                            f"but uneasy online, and gets {action}: coach them to one visible "
                            "step.")


def sponsor_actions(learner):
    """Visible check of task 1.6 on the sample data."""
    what = "sponsor_actions(sponsors, org_after)"
    with feedback.task("sponsor_actions"):
        _, org_after, sponsors = _sample()
        got = learner(*_copies(sponsors, org_after))
        _expect_sound_actions(got, sponsors, org_after, what)
    feedback.passed("sponsor_actions() gives each sponsor still here an action that respects "
                    "their stance, influence and comfort.")


# Many plans are right, so a recording of one answer cannot stand in for these rules: in
# class mode this check runs when the work is graded, not in the student's copy.
sponsor_actions.replayable = False


def sponsor_actions_edge_cases(learner):
    """Hidden checks of task 1.6: every stance, a departed sponsor, no sponsors at all."""
    rows = [("S1", "Exec", 5, 5, "2025-12-06"), ("S2", "Sales", 5, 1, "2025-01-01"),
            ("S3", "Ops", 4, 2, "2025-12-05"), ("S4", "Sales", 2, 5, "2025-11-01"),
            ("S5", "Sales", 4, 3, "2025-12-05"), ("S6", "Ops", 3, 4, "2026-03-01")]
    stances = ["champion", "skeptical", "skeptical", "skeptical", "neutral", "supportive"]
    table = _sponsor_table(rows).assign(stance=pd.Categorical(stances))
    with feedback.task("sponsor_actions"):
        what = "sponsor_actions() on a tiny org with every stance (S2 has left)"
        _expect_sound_actions(learner(*_copies(table, TINY_AFTER)), table, TINY_AFTER, what)
        empty = table.iloc[:0]
        got = learner(*_copies(empty, TINY_AFTER))
        feedback.expect(type(got) is dict and got == {},
                        f"sponsor_actions() with no sponsors should return {{}}, not {got!r}")
    feedback.passed("sponsor_actions() holds with every stance and with no sponsors.")
