"""The sponsor reference answers (sociallearning.sponsors, .orgchart) on a tiny re-org whose
answers can be worked out by hand."""

import pandas as pd
import pytest

from sociallearning import orgchart, sponsors

COLUMNS = ["employee_id", "name", "title", "business_unit", "manager_id", "level"]


def org(rows):
    return pd.DataFrame([(e, f"Person {e}", "Title", unit, manager, 1)
                         for e, unit, manager in rows], columns=COLUMNS)


# Before: E1 runs the company; E2 runs Sales (E4 under E2, E5 under E4); E3 runs Ops
# (E6, E7 under E3).
ORG_BEFORE = org([
    ("E1", "Exec", None), ("E2", "Sales", "E1"), ("E3", "Ops", "E1"), ("E4", "Sales", "E2"),
    ("E5", "Sales", "E4"), ("E6", "Ops", "E3"), ("E7", "Ops", "E3"),
])
# After: E2 left, so E4 now reports to E1; Ops is renamed Operations; E7 moved to Sales
# under E4; E8 is new, in Marketing.
ORG_AFTER = org([
    ("E1", "Exec", None), ("E3", "Operations", "E1"), ("E4", "Sales", "E1"),
    ("E5", "Sales", "E4"), ("E6", "Operations", "E3"), ("E7", "Sales", "E4"),
    ("E8", "Marketing", "E1"),
])
SPONSORS = pd.DataFrame({
    "employee_id": ["E6", "E1", "E2", "E3", "E4"],
    "role": ["Functional sponsor", "Executive sponsor", "Budget holder", "Budget holder",
             "Functional sponsor"],
    "business_unit": ["Ops", "Exec", "Sales", "Ops", "Sales"],
    "influence": [2, 5, 5, 3, 5],
    "social_media_comfort": [5, 4, 1, 1, 3],
    "stance": ["neutral", "champion", "skeptical", "supportive", "neutral"],
    # Dates load as midnight UTC.
    "last_touchpoint": pd.to_datetime(["2026-03-01", "2025-12-06", "2025-01-01", "2025-12-05",
                                       "2025-11-01"], utc=True),
})
FRIDAY = pd.Timestamp("2026-03-06T12:00:00Z")


def test_sponsor_changes_names_what_happened_to_each_sponsor():
    got = sponsors.sponsor_changes(ORG_BEFORE, ORG_AFTER, SPONSORS)
    assert list(got.columns) == ["employee_id", "status", "unit_before", "unit_after"]
    assert got["employee_id"].tolist() == ["E1", "E2", "E3", "E4", "E6"]
    assert got["status"].tolist() == ["unchanged", "left", "moved", "new manager", "moved"]
    assert got["unit_before"].tolist() == ["Exec", "Sales", "Ops", "Sales", "Ops"]
    assert got["unit_after"].isna().tolist() == [False, True, False, False, False]
    assert got["unit_after"].dropna().tolist() == ["Exec", "Operations", "Sales", "Operations"]


def test_sponsor_changes_handles_no_sponsors_and_unknown_ids():
    empty = sponsors.sponsor_changes(ORG_BEFORE, ORG_AFTER, SPONSORS.iloc[:0])
    assert empty.empty and list(empty.columns) == ["employee_id", "status", "unit_before",
                                                   "unit_after"]
    stranger = SPONSORS.assign(employee_id=["E6", "E1", "E2", "E3", "X9"])
    with pytest.raises(ValueError, match="X9"):
        sponsors.sponsor_changes(ORG_BEFORE, ORG_AFTER, stranger)


def test_units_without_sponsor_uses_the_unit_after_the_reorg():
    assert sponsors.units_without_sponsor(ORG_AFTER, SPONSORS) == ["Marketing"]
    # Only E2 (who left) and E6 sponsor: Sales is uncovered, even though the sponsors table
    # still says E2 is in Sales.
    few = SPONSORS[SPONSORS["employee_id"].isin(["E2", "E6"])]
    assert sponsors.units_without_sponsor(ORG_AFTER, few) == ["Exec", "Marketing", "Sales"]
    assert sponsors.units_without_sponsor(ORG_AFTER, SPONSORS.iloc[:0]) == [
        "Exec", "Marketing", "Operations", "Sales"]


def test_sponsor_reach_counts_everyone_below_but_not_the_sponsor():
    got = sponsors.sponsor_reach(ORG_AFTER, SPONSORS)
    assert list(got.columns) == ["employee_id", "business_unit", "reach"]
    assert got["employee_id"].tolist() == ["E1", "E4", "E3", "E6"]
    assert got["reach"].tolist() == [6, 2, 1, 0]
    assert got["business_unit"].tolist() == ["Exec", "Sales", "Operations", "Operations"]


def test_sponsor_reach_breaks_ties_by_id_and_ignores_a_manager_who_left():
    # E4's manager E2 is gone and nobody re-attached E4: E4 still has E5 and E7 below.
    orphaned = ORG_AFTER.copy()
    orphaned.loc[orphaned["employee_id"] == "E4", "manager_id"] = "E2"
    orphaned.loc[orphaned["employee_id"] == "E5", "manager_id"] = "E3"
    orphaned.loc[orphaned["employee_id"] == "E7", "manager_id"] = "E3"
    got = sponsors.sponsor_reach(orphaned, SPONSORS)
    # E1: E3, E5, E6, E7, E8 = 5; E3: E5, E6, E7 = 3; E4: 0; E6: 0 (tie: E4 before E6)
    assert got["employee_id"].tolist() == ["E1", "E3", "E4", "E6"]
    assert got["reach"].tolist() == [5, 3, 0, 0]


def test_education_priority_puts_influential_uneasy_sponsors_first():
    got = sponsors.education_priority(SPONSORS, ORG_AFTER)
    assert list(got.columns) == ["employee_id", "influence", "social_media_comfort", "priority"]
    # E4: 5*(6-3)=15, E3: 3*(6-1)=15 (tie, E4 more influential), E1: 5*2=10, E6: 2*1=2;
    # E2 (5*5=25) left.
    assert got["employee_id"].tolist() == ["E4", "E3", "E1", "E6"]
    assert got["priority"].tolist() == [15, 15, 10, 2]


def test_quadrants_follow_the_two_by_two():
    assert sponsors.quadrant(5, 1) == "educate"
    assert sponsors.quadrant(4, 4) == "partner"
    assert sponsors.quadrant(3, 5) == "inform"
    assert sponsors.quadrant(3, 3) == "monitor"
    got = sponsors.sponsor_quadrants(SPONSORS, ORG_AFTER)
    assert got["quadrant"].tolist() == ["educate", "monitor", "partner", "inform"]


def test_scales_outside_one_to_five_are_refused():
    bad = SPONSORS.assign(influence=[2, 5, 5, 3, 7])
    with pytest.raises(ValueError, match="1 to 5"):
        sponsors.education_priority(bad, ORG_AFTER)


def test_touchpoints_due_lists_the_overdue_oldest_first_one_per_working_day():
    got = sponsors.touchpoints_due(SPONSORS, ORG_AFTER, today=FRIDAY, max_days=90)
    assert list(got.columns) == ["employee_id", "days_since", "next_touchpoint"]
    # E4 waited 30+31+31+28+5 = 125 days, E3 91; E1 exactly 90 is not overdue; E2 left.
    assert got["employee_id"].tolist() == ["E4", "E3"]
    assert got["days_since"].tolist() == [125, 91]
    # Friday 6 March: next working days are Monday 9 and Tuesday 10 March.
    assert got["next_touchpoint"].tolist() == [pd.Timestamp("2026-03-09", tz="UTC"),
                                               pd.Timestamp("2026-03-10", tz="UTC")]


def test_touchpoints_due_skips_weekends_and_can_be_empty():
    wednesday = pd.Timestamp("2026-03-04")  # no time zone: taken as UTC
    got = sponsors.touchpoints_due(SPONSORS, ORG_AFTER, today=wednesday, max_days=0)
    # Everyone still here waited more than 0 days: E4, E3, E1, E6 (E6 waited 3 days).
    assert got["employee_id"].tolist() == ["E4", "E3", "E1", "E6"]
    assert got["next_touchpoint"].dt.day.tolist() == [5, 6, 9, 10]
    nobody = sponsors.touchpoints_due(SPONSORS, ORG_AFTER, today=FRIDAY, max_days=400)
    assert nobody.empty and list(nobody.columns) == ["employee_id", "days_since",
                                                     "next_touchpoint"]
    with pytest.raises(ValueError, match="max_days"):
        sponsors.touchpoints_due(SPONSORS, ORG_AFTER, today=FRIDAY, max_days=-1)


def test_touchpoints_due_without_a_date_says_what_to_fill_in():
    missing = SPONSORS.assign(last_touchpoint=[None, *SPONSORS["last_touchpoint"][1:]])
    with pytest.raises(ValueError, match="E6"):
        sponsors.touchpoints_due(missing, ORG_AFTER, today=FRIDAY)


def test_reporting_tree_and_its_errors():
    tree = orgchart.reporting_tree(ORG_AFTER)
    assert set(tree.successors("E1")) == {"E3", "E4", "E8"}
    assert orgchart.headcount_under(tree, "E4") == 2
    positions = orgchart.tree_positions(tree)
    assert positions["E1"][1] == 0 and positions["E5"][1] == -2
    looped = ORG_AFTER.copy()
    looped.loc[looped["employee_id"] == "E1", "manager_id"] = "E5"
    with pytest.raises(ValueError, match="loops"):
        orgchart.reporting_tree(looped)
    with pytest.raises(ValueError, match="more than once"):
        orgchart.reporting_tree(pd.concat([ORG_AFTER, ORG_AFTER.iloc[:1]]))
    with pytest.raises(TypeError, match="DataFrame"):
        orgchart.reporting_tree([])


def test_inputs_are_left_untouched():
    before, after, table = ORG_BEFORE.copy(), ORG_AFTER.copy(), SPONSORS.copy()
    sponsors.sponsor_changes(before, after, table)
    sponsors.sponsor_reach(after, table)
    sponsors.touchpoints_due(table, after, today=FRIDAY)
    pd.testing.assert_frame_equal(before, ORG_BEFORE)
    pd.testing.assert_frame_equal(after, ORG_AFTER)
    pd.testing.assert_frame_equal(table, SPONSORS)
