"""The sponsor toolkit (sociallearning.sponsors, .orgchart, .sponsor_plots) on a tiny re-org
whose answers can be worked out by hand: checks, vocabulary, dates, the reporting tree and
the pictures. It holds no answer to the exercise."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after choosing the file-only backend
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from sociallearning import orgchart, sponsor_plots, sponsors  # noqa: E402

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


def test_quadrants_follow_the_two_by_two():
    assert sponsors.quadrant(5, 1) == "educate"
    assert sponsors.quadrant(4, 4) == "partner"
    assert sponsors.quadrant(3, 5) == "inform"
    assert sponsors.quadrant(3, 3) == "monitor"
    assert set(sponsors.QUADRANTS) == {sponsors.quadrant(i, c) for i in (1, 5) for c in (1, 5)}


def test_the_sponsors_table_is_checked_in_plain_words():
    sponsors.require_sponsors(SPONSORS)
    with pytest.raises(ValueError, match="1 to 5"):
        sponsors.require_sponsors(SPONSORS.assign(influence=[2, 5, 5, 3, 7]))
    with pytest.raises(ValueError, match="last_touchpoint"):
        sponsors.require_sponsors(SPONSORS.drop(columns="last_touchpoint"))
    with pytest.raises(TypeError, match="DataFrame"):
        sponsors.require_sponsors([])


def test_dates_become_calendar_days_in_utc():
    assert sponsors.as_day(FRIDAY) == pd.Timestamp("2026-03-06", tz="UTC")
    assert sponsors.as_day("2026-03-04") == pd.Timestamp("2026-03-04", tz="UTC")
    # 23:30 in New York is already the next day in UTC.
    assert sponsors.as_day(pd.Timestamp("2026-03-04T23:30", tz="America/New_York")) == (
        pd.Timestamp("2026-03-05", tz="UTC"))
    days = sponsors.as_days(pd.Series(["2026-03-04T09:00", "2026-03-05T23:59"]))
    assert days.tolist() == [pd.Timestamp("2026-03-04", tz="UTC"),
                             pd.Timestamp("2026-03-05", tz="UTC")]


def test_reporting_tree_and_its_errors():
    tree = orgchart.reporting_tree(ORG_AFTER)
    assert set(tree.successors("E1")) == {"E3", "E4", "E8"}
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


def test_a_manager_who_left_adds_no_edge():
    orphaned = ORG_AFTER.copy()
    orphaned.loc[orphaned["employee_id"] == "E4", "manager_id"] = "E2"
    tree = orgchart.reporting_tree(orphaned)
    assert "E2" not in tree and tree.in_degree("E4") == 0 and set(tree.successors("E4")) == {
        "E5", "E7"}


def test_the_toolkit_holds_no_answer_of_the_exercise():
    """The module notebook works these out in the open; the exercise asks for new ones."""
    for name in ("sponsor_changes", "units_without_sponsor", "sponsor_reach",
                 "education_priority", "touchpoints_due", "sponsors_still_here"):
        assert not hasattr(sponsors, name), name
    assert not hasattr(orgchart, "headcount_under")


# --- the pictures -------------------------------------------------------------------------


def _label_boxes(ax):
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    return [(text.get_text(), text.get_window_extent(renderer)) for text in ax.texts
            if text.get_text()]


def test_the_org_chart_labels_never_overlap():
    from sociallearning.data import load

    org_after, table = load("org_after"), load("sponsors")
    ax = sponsor_plots.draw_org_chart(org_after, table["employee_id"])
    boxes = _label_boxes(ax)
    shown = " ".join(text for text, _ in boxes)
    here = set(org_after["employee_id"])
    for person in table["employee_id"]:
        row = org_after[org_after["employee_id"] == person]
        if person in here and row["level"].iloc[0] <= 3:
            assert row["name"].iloc[0] in shown  # every sponsor near the top is named
    overlapping = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:]
                   if box_a.overlaps(box_b)]
    assert not overlapping
    plt.close(ax.figure)


def test_the_org_chart_asks_for_the_level_column():
    with pytest.raises(ValueError, match="level"):
        sponsor_plots.draw_org_chart(ORG_AFTER.drop(columns="level"), ["E1"])


def test_the_other_pictures_draw_what_they_are_given():
    grid = SPONSORS.assign(quadrant=[sponsors.quadrant(i, c) for i, c in
                                     zip(SPONSORS["influence"], SPONSORS["social_media_comfort"],
                                         strict=True)],
                           name=["Ann A", "Bo B", "Cy C", "Di D", "Ed E"])
    ax = sponsor_plots.plot_influence_comfort(grid)
    assert len(ax.collections[0].get_offsets()) == len(grid)
    assert {text.get_text() for text in ax.texts} >= {"Ann", "EDUCATE", "PARTNER"}
    reach = pd.DataFrame({"name": ["Ann A", "Bo B"], "business_unit": ["Exec", "Sales"],
                          "reach": [6, 2]})
    ax = sponsor_plots.plot_reach(reach)
    assert sorted(patch.get_width() for patch in ax.patches) == [2, 6]
    waited = pd.Series([120, 30], index=["Ann", "Bo"])
    ax = sponsor_plots.plot_touchpoint_waits(waited, max_days=90)
    assert "1 sponsor(s)" in ax.get_title()
    assert [patch.get_facecolor() for patch in ax.patches][1] != ax.patches[0].get_facecolor()
    plt.close("all")
