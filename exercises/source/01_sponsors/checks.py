"""Checks for exercise 01_sponsors: the learner's functions against the reference answers,
the solution cells of 01_sponsors.ipynb beside this file.

Each task has a visible check (on the sample data) and `*_edge_cases` (a tiny hand-built
re-org: a sponsor who left, a sponsor whose manager left, a renamed unit, the person at the
top with no manager, ties, nobody coming up, no sponsors at all). The learner's function always
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


# --- 1.1 sponsors who left -------------------------------------------------------------------

def _expect_ids(got, sponsors, org_after, what):
    """A plain-words nudge when the list holds sponsors who stayed, or not ids at all."""
    if type(got) is not list:
        return
    stayed = sorted(set(map(str, got)) & set(org_after["employee_id"]))
    feedback.expect(not stayed, f"{_named(what)} lists {stayed[:5]}, who are still in org_after: "
                    "keep the sponsors whose id is NOT in org_after (note the ~).")
    strangers = sorted(set(map(str, got)) - set(sponsors["employee_id"]))
    feedback.expect(not strangers, f"{_named(what)} lists {strangers[:3]}, which are not "
                    "sponsors' employee ids: list ids such as 'E0005', not names.")


def sponsors_who_left(learner):
    """Visible check of task 1.1 on the sample data."""
    what = "sponsors_who_left(sponsors, org_after)"
    with feedback.task("sponsors_who_left"):
        _, org_after, sponsors = _sample()
        got = learner(*_copies(sponsors, org_after))
        expected = reference.sponsors_who_left(sponsors, org_after)
        feedback.expect_type(got, list, what)
        _expect_ids(got, sponsors, org_after, what)
        feedback.expect_same_values(got, expected, what)
    feedback.passed("sponsors_who_left() lists, A to Z, the sponsors whose support left with "
                    "them.")


def sponsors_who_left_edge_cases(learner):
    """Hidden checks of task 1.1: rows out of order, a tiny re-org, no sponsors."""
    _, org_after, sponsors = _sample()
    cases = {
        "the sample data with the sponsors table in reverse order":
            (sponsors.iloc[::-1], org_after),
        "a tiny re-org": (TINY_SPONSORS, TINY_AFTER),
        "a tiny re-org where everyone but S1 left": (TINY_SPONSORS, TINY_AFTER.iloc[:1]),
        "no sponsors at all": (TINY_SPONSORS.iloc[:0], TINY_AFTER),
    }
    with feedback.task("sponsors_who_left"):
        for case, (table, org) in cases.items():
            what = f"sponsors_who_left() on {case}"
            got = learner(*_copies(table, org))
            feedback.expect_type(got, list, what)
            _expect_ids(got, table, org, what)
            feedback.expect_same_values(got, reference.sponsors_who_left(table, org), what)
    feedback.passed("sponsors_who_left() sorts the ids itself and copes with no sponsors.")


# --- 1.2 what the re-org did to one unit's people -----------------------------------------------

UNITS_SHOWN = ("Finance", "Executive Office")  # every status; the top with no manager


def _expect_known_statuses(got, what):
    if type(got) is pd.DataFrame and "status" in got.columns:
        unknown = sorted({str(s) for s in got["status"] if s not in toolkit.STATUSES})
        feedback.expect(not unknown, f"{_named(what)}: status should be one of "
                        f"{list(toolkit.STATUSES)}; you have {unknown[:5]}.")


def _expect_everyone_of_the_unit(got, org_before, unit, what):
    """Name the slice when the rows are not the unit's people before the re-org."""
    if type(got) is not pd.DataFrame or "employee_id" not in got.columns:
        return
    wanted = set(org_before.loc[org_before["business_unit"].astype(str) == unit,
                                "employee_id"])
    strangers = sorted(set(map(str, got["employee_id"])) - wanted)
    feedback.expect(not strangers, f"{_named(what)} lists {strangers[:3]}, who were not in "
                    f"{unit!r} before the re-org: take the people from org_before.")
    missing = sorted(wanted - set(map(str, got["employee_id"])))
    feedback.expect(not missing, f"{_named(what)} leaves out {missing[:3]}, who were in "
                    f"{unit!r} before the re-org (people who left included).")


def _expect_statuses_right(got, expected, what):
    """Name the rule when a status is wrong: NaN managers, or the order of the rules."""
    if type(got) is not pd.DataFrame or not {"employee_id", "status"} <= set(got.columns):
        return
    said = dict(zip(map(str, got["employee_id"]), got["status"], strict=True))
    for employee, status in zip(expected["employee_id"], expected["status"], strict=True):
        mine = said.get(employee)
        if mine is None or mine == status:
            continue
        if status == "unchanged" and mine == "new manager":
            raise feedback.CheckFailed(
                f"{_named(what)} says {employee} has a new manager, but nothing changed: when "
                "both manager ids are missing (the top of the company), it is the same "
                "manager. NaN == NaN is False in pandas; check .isna() on both sides.")
        if status == "left":
            raise feedback.CheckFailed(
                f"{_named(what)} says {employee} is {mine!r}, but they are not in org_after: "
                "they left. Check 'left' first, with ~ ... .isin(org_after['employee_id']).")
        if status == "moved" and mine == "new manager":
            raise feedback.CheckFailed(
                f"{_named(what)} says {employee} has a new manager, but they moved to another "
                "unit: 'moved' comes before 'new manager'. Check the order of the rules.")
        raise feedback.CheckFailed(f"{_named(what)} says {employee} is {mine!r}; they are "
                                   f"{status!r}.")


def _check_unit_changes(learner, org_before, org_after, unit, what):
    got = learner(*_copies(org_before, org_after), unit)
    expected = reference.unit_changes(org_before, org_after, unit)
    feedback.expect_type(got, pd.DataFrame, what)
    feedback.expect_columns(got, list(expected.columns), what)
    _expect_known_statuses(got, what)
    _expect_everyone_of_the_unit(got, org_before, unit, what)
    _expect_statuses_right(got, expected, what)
    feedback.expect_same_frame(got, expected, what)


def unit_changes(learner):
    """Visible check of task 1.2 on the sample data, for two units."""
    with feedback.task("unit_changes"):
        org_before, org_after, _ = _sample()
        for unit in UNITS_SHOWN:
            what = f"unit_changes(org_before, org_after, {unit!r})"
            _check_unit_changes(learner, org_before, org_after, unit, what)
    feedback.passed("unit_changes() says, for everyone of a unit, whether they left, moved, "
                    "have a new manager or are unchanged, and where they are now.")


def unit_changes_edge_cases(learner):
    """Hidden checks of task 1.2: a renamed unit, a manager who left, the top, no one."""
    cases = {
        "the tiny re-org's 'Ops' (renamed Operations)": "Ops",
        "the tiny re-org's 'Sales' (its head left, one report has a new manager)": "Sales",
        "the tiny re-org's 'Exec' (the top of the company, no manager)": "Exec",
        "a unit that did not exist before ('Marketing')": "Marketing",
    }
    with feedback.task("unit_changes"):
        for case, unit in cases.items():
            _check_unit_changes(learner, TINY_BEFORE, TINY_AFTER, unit,
                                f"unit_changes() on {case}")
    feedback.passed("unit_changes() handles a renamed unit, a manager who left, the top of the "
                    "company and a unit nobody was in.")


# --- 1.3 offices with no sponsor --------------------------------------------------------------

def _expect_current_offices(got, org_after, sponsors, what):
    """A plain-words nudge when an office listed as uncovered has a sponsor working there."""
    if type(got) is not list:
        return
    now = org_after[org_after["employee_id"].isin(sponsors["employee_id"])]
    for office in got:
        there = now.loc[now["location"].astype(str) == str(office), "employee_id"].tolist()
        if there:
            raise feedback.CheckFailed(
                f"{_named(what)} lists {office!r}, but sponsor {there[0]} works there after the "
                "re-org. Use each sponsor's office from org_after.")


def _expect_no_offices_of_leavers(got, expected, org_after, sponsors, what):
    """Name the pitfall when offices are missing because sponsors who left still count."""
    if type(got) is not list:
        return
    missing = sorted(set(map(str, expected)) - set(map(str, got)))
    leavers = sponsors[~sponsors["employee_id"].isin(org_after["employee_id"])]
    if missing and len(leavers):
        feedback.expect(False, f"{_named(what)} leaves out {missing[:3]}, where no sponsor works "
                        "now. Did sponsors who left still count for their old office? Count "
                        "only sponsors who are in org_after.")


def _check_offices(learner, org_after, sponsors, what):
    got = learner(*_copies(org_after, sponsors))
    expected = reference.offices_without_sponsor(org_after, sponsors)
    feedback.expect_type(got, list, what)
    _expect_current_offices(got, org_after, sponsors, what)
    _expect_no_offices_of_leavers(got, expected, org_after, sponsors, what)
    feedback.expect_same_values(got, expected, what)


def offices_without_sponsor(learner):
    """Visible check of task 1.3 on the sample data."""
    with feedback.task("offices_without_sponsor"):
        _, org_after, sponsors = _sample()
        _check_offices(learner, org_after, sponsors,
                       "offices_without_sponsor(org_after, sponsors)")
    feedback.passed("offices_without_sponsor() lists, in order, the offices where no sponsor "
                    "works now.")


def offices_without_sponsor_edge_cases(learner):
    """Hidden checks of task 1.3: a sponsor who left, no sponsors, no people."""
    offices = {"S1": "Leeds", "S3": "Leeds", "S4": "Lagos", "S5": "Lagos", "S6": "Lima",
               "S7": "Lima", "S8": "Oslo"}
    org = TINY_AFTER.assign(location=TINY_AFTER["employee_id"].map(offices))
    few = TINY_SPONSORS[TINY_SPONSORS["employee_id"].isin(["S2", "S6"])]
    cases = {
        "a tiny re-org with four offices": (org, TINY_SPONSORS),
        "a tiny re-org where S2 left and S6 is the only sponsor left": (org, few),
        "no sponsors at all": (org, TINY_SPONSORS.iloc[:0]),
        "an empty org chart": (org.iloc[:0], TINY_SPONSORS),
    }
    with feedback.task("offices_without_sponsor"):
        for case, (org_after, sponsors) in cases.items():
            _check_offices(learner, org_after, sponsors,
                           f"offices_without_sponsor() on {case}")
    feedback.passed("offices_without_sponsor() uses each sponsor's office after the re-org and "
                    "copes with no sponsors or no people.")


# --- 1.4 reach before and after ---------------------------------------------------------------

def _expect_reach_rules(got, expected, what):
    """Name the usual mistakes: the sponsor counted, direct reports only, after - before."""
    columns = {"employee_id", "reach_before", "reach_after", "change"}
    if type(got) is not pd.DataFrame or not columns <= set(got.columns) or len(got) != len(
            expected):
        return
    mine = got.set_index(got["employee_id"].astype(str))
    right = expected.set_index("employee_id")
    common = [e for e in right.index if e in mine.index]
    for column in ("reach_before", "reach_after"):
        diffs = [mine.at[e, column] - right.at[e, column] for e in common]
        if diffs and all(d == 1 for d in diffs):
            raise feedback.CheckFailed(f"{_named(what)}: every {column} is one too many. Reach "
                                       "does not count the sponsor themself.")
    changes = [(mine.at[e, "change"], right.at[e, "change"]) for e in common]
    if changes and any(c != 0 for _, c in changes) and all(m == -c for m, c in changes):
        raise feedback.CheckFailed(f"{_named(what)}: change has the wrong sign. It is "
                                   "reach_after - reach_before, so a loss is negative.")
    top = right["reach_after"].idxmax() if len(right) else None
    if top in mine.index and mine.at[top, "reach_after"] < right.at[top, "reach_after"]:
        feedback.expect(False, f"{_named(what)}: {top}'s reach_after is "
                        f"{mine.at[top, 'reach_after']}, too low. Count everyone below them, "
                        "direct and indirect reports (nx.descendants), with the arrows going "
                        "from manager to report.")


def _check_reach_change(learner, org_before, org_after, sponsors, what):
    got = learner(*_copies(org_before, org_after, sponsors))
    expected = reference.reach_change(org_before, org_after, sponsors)
    _expect_no_leavers(got, org_after, what)
    _expect_reach_rules(got, expected, what)
    feedback.expect_same_frame(got, expected, what)


def reach_change(learner):
    """Visible check of task 1.4 on the sample data."""
    with feedback.task("reach_change"):
        org_before, org_after, sponsors = _sample()
        _check_reach_change(learner, org_before, org_after, sponsors,
                            "reach_change(org_before, org_after, sponsors)")
    feedback.passed("reach_change() compares each remaining sponsor's reach before and after "
                    "the re-org, smallest change first.")


def reach_change_edge_cases(learner):
    """Hidden checks of task 1.4: ties, a branch whose manager left, no sponsors."""
    cases = {
        "a tiny re-org (ties on change)": (TINY_BEFORE, TINY_AFTER, TINY_SPONSORS),
        "a tiny re-org where a sponsor's manager left and nobody replaced them":
            (TINY_BEFORE, TINY_AFTER_ORPHAN, TINY_SPONSORS),
        "no sponsors at all": (TINY_BEFORE, TINY_AFTER, TINY_SPONSORS.iloc[:0]),
    }
    with feedback.task("reach_change"):
        for case, frames in cases.items():
            _check_reach_change(learner, *frames, f"reach_change() on {case}")
    feedback.passed("reach_change() leaves out leavers, breaks ties by id and copes with a "
                    "branch whose manager left.")


# --- 1.5 touchpoints coming up ----------------------------------------------------------------

def _as_plain_days(frame, column="meet_by"):
    """A date column as days without time zone, whether it came as midnight UTC (like the
    data's dates) or without a zone: the lesson is which day, not how it is stored."""
    if type(frame) is pd.DataFrame and column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            frame = frame.copy()
            frame[column] = toolkit.as_days(values).dt.tz_localize(None)
    return frame


def _expect_window(got, expected, within, what):
    """Name the pitfalls: the overdue kept, or today's time of day not dropped."""
    if type(got) is not pd.DataFrame or "days_left" not in got.columns:
        return
    days = pd.to_numeric(got["days_left"], errors="coerce")
    overdue = got.loc[days < 0, "employee_id"].astype(str).tolist()
    feedback.expect(not overdue, f"{_named(what)} lists {overdue[:3]}, already overdue "
                    "(days_left below 0): they belong on the overdue list, not this one.")
    late = got.loc[days > within, "employee_id"].astype(str).tolist()
    feedback.expect(not late, f"{_named(what)} lists {late[:3]}, due in more than "
                    f"within={within} days.")
    if "employee_id" in got.columns and len(got) < len(expected):
        mine = set(got["employee_id"].astype(str))
        edges = [(e, d) for e, d in zip(expected["employee_id"], expected["days_left"],
                                        strict=True) if e not in mine and d in (0, within)]
        if edges:
            employee, days = edges[0]
            raise feedback.CheckFailed(
                f"{_named(what)} leaves out {employee}, due in exactly {days} day(s): keep "
                "days_left from 0 to within, both ends included (>= and <=).")
    if "employee_id" in got.columns and len(got) == len(expected) and len(got):
        mine = dict(zip(got["employee_id"].astype(str), days, strict=True))
        diffs = {mine.get(e, d) - d for e, d in zip(expected["employee_id"],
                                                     expected["days_left"], strict=True)}
        feedback.expect(diffs != {-1}, f"{_named(what)}: every days_left is one short. `today` "
                        "is a moment at noon: turn it into a date with "
                        "pd.Timestamp(today).normalize() before counting days.")


def _check_coming_up(learner, sponsors, org_after, today, max_days, within, what):
    got = learner(*_copies(sponsors, org_after), today=today, max_days=max_days,
                  within=within)
    expected = reference.touchpoints_coming_up(sponsors, org_after, today=today,
                                               max_days=max_days, within=within)
    _expect_no_leavers(got, org_after, what)
    _expect_window(got, expected, within, what)
    feedback.expect_same_frame(_as_plain_days(got), _as_plain_days(expected), what)


def touchpoints_coming_up(learner):
    """Visible check of task 1.5 on the sample data."""
    with feedback.task("touchpoints_coming_up"):
        _, org_after, sponsors = _sample()
        today = _reference_now()
        for max_days, within in ((90, 30), (60, 45)):
            what = (f"touchpoints_coming_up(sponsors, org_after, today=REFERENCE_NOW, "
                    f"max_days={max_days}, within={within})")
            _check_coming_up(learner, sponsors, org_after, today, max_days, within, what)
    feedback.passed("touchpoints_coming_up() lists the sponsors to meet soon, before they wait "
                    "too long, soonest first.")


def touchpoints_coming_up_edge_cases(learner):
    """Hidden checks of task 1.5: due today, exactly `within` days away, a leaver, nobody."""
    friday = _reference_now()
    wednesday = pd.Timestamp("2026-03-04T09:00:00Z")
    cases = {
        "a tiny re-org on a Friday (S1 is due today, S6 in exactly 85 days; within=85)":
            (friday, 90, 85),
        "a tiny re-org with max_days=500 (a sponsor who left is not due yet)":
            (friday, 500, 400),
        "a tiny re-org with max_days=100 (S3 and S5 tie, S1 a day later)": (friday, 100, 30),
        "a tiny re-org on a Wednesday where nobody is coming up (within=0)": (wednesday, 90, 0),
    }
    with feedback.task("touchpoints_coming_up"):
        for case, (today, max_days, within) in cases.items():
            _check_coming_up(learner, TINY_SPONSORS, TINY_AFTER, today, max_days, within,
                             f"touchpoints_coming_up() on {case}")
    feedback.passed("touchpoints_coming_up() keeps both ends of the window, leaves out leavers "
                    "and returns an empty table when nobody is coming up.")


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
    odd = {k: v if isinstance(v, str) else feedback._returned(v) for k, v in got.items()
           if not isinstance(v, str) or v not in ACTIONS}
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
