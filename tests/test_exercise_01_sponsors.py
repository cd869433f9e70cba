"""Exercise 01_sponsors: every test cell passes on the solution and rejects typical wrong
answers (people who left forgotten, the sponsor counted in their own reach, >= instead of >,
stale units, unsorted, wrong type, None, an object that claims to equal anything)."""

from functools import partial

import pandas as pd
import pytest
from exercise_helpers import (
    AlwaysEqual,
    cell_info,
    solution_cells,
    solution_namespace,
    solution_variant,
    source_notebook,
    test_cells,
)
from exercise_helpers import run_test_cell as run_exercise_test_cell

from sociallearning import feedback
from sociallearning.exercises import Exercise

NAME = "01_sponsors"
TASKS = ["sponsor_changes", "units_without_sponsor", "sponsor_reach", "education_priority",
         "touchpoints_due", "sponsor_actions"]
TEST_CELLS = dict(test_cells(NAME))
SOLUTION_CELLS = solution_cells(NAME)
run_test_cell = partial(run_exercise_test_cell, NAME)

checks = Exercise("01_sponsors").checks_module()


@pytest.fixture(scope="module")
def solved():
    return solution_namespace(NAME)


def variant(task, edits, namespace):
    return solution_variant(NAME, task, edits, namespace)



# (task, the slip, edits to the solution, which check catches it: "visible" on the sample
# data, or "hidden" on the tiny hand-built re-org)
SLIPS = [
    ("sponsor_changes", "people who left forgotten",
     [('left = ~table["employee_id"].isin(org_after["employee_id"])',
       'left = table["employee_id"].isna()')], "visible"),
    ("sponsor_changes", "a new manager checked before a move",
     [("[left, moved, ~same_manager]", "[left, ~same_manager, moved]"),
      ('["left", "moved", "new manager"]', '["left", "new manager", "moved"]')], "visible"),
    ("sponsor_changes", "two missing managers count as different",
     [(' | (\n        table["manager_before"].isna() & table["manager_after"].isna())', "")],
     "hidden"),
    ("sponsor_changes", "unsorted",
     [('sort_values("employee_id", ignore_index=True)',
       'sort_values("employee_id", ascending=False, ignore_index=True)')], "visible"),
    ("sponsor_changes", "one sponsor short",
     [('return table[["employee_id", "status", "unit_before", "unit_after"]]',
       'return table[["employee_id", "status", "unit_before", "unit_after"]].iloc[1:]')],
     "visible"),
    ("sponsor_changes", "wrong type (a dict)",
     [('return table[["employee_id", "status", "unit_before", "unit_after"]]',
       'return table[["employee_id", "status", "unit_before", "unit_after"]].to_dict()')],
     "visible"),
    ("units_without_sponsor", "stale units from the sponsors table",
     [('covered = set(still_here["business_unit"])',
       'covered = set(sponsors["business_unit"])')], "visible"),
    ("units_without_sponsor", "people who left still cover their old unit",
     [('covered = set(still_here["business_unit"])',
       'covered = set(still_here["business_unit"]) | set(sponsors["business_unit"])')],
     "hidden"),
    ("units_without_sponsor", "unsorted",
     [("return sorted(", "return list(reversed(sorted("), (" - covered)", " - covered)))")],
     "hidden"),
    ("units_without_sponsor", "one unit short",
     [("return sorted(", "return sorted(["), (" - covered)", " - covered][1:])")], "visible"),
    ("units_without_sponsor", "wrong type (a set)",
     [("return sorted(", "return set(")], "visible"),
    ("sponsor_reach", "the sponsor counted in their own reach",
     [("len(nx.descendants(tree, person))", "len(nx.descendants(tree, person)) + 1")],
     "visible"),
    ("sponsor_reach", "direct reports only",
     [("len(nx.descendants(tree, person))", "tree.out_degree(person)")], "visible"),
    ("sponsor_reach", "edges pointing up the tree",
     [("tree.add_edge(manager, employee)", "tree.add_edge(employee, manager)")], "visible"),
    ("sponsor_reach", "unsorted (smallest first)",
     [("ascending=[False, True]", "ascending=[True, True]")], "visible"),
    ("sponsor_reach", "ties broken Z to A",
     [("ascending=[False, True]", "ascending=[False, False]")], "hidden"),
    ("sponsor_reach", "wrong type (a dict)",
     [("return reach.sort_values(", "return dict(reach.sort_values("),
      ("ignore_index=True)", "ignore_index=True).to_dict())")], "visible"),
    ("education_priority", "people who left kept",
     [('here = sponsors[sponsors["employee_id"].isin(org_after["employee_id"])]',
       "here = sponsors")], "visible"),
    ("education_priority", "off by one in the score",
     [("(6 - ranked", "(5 - ranked")], "visible"),
    ("education_priority", "ties broken by the less influential first",
     [("ascending=[False, False, True]", "ascending=[False, True, True]")], "visible"),
    ("education_priority", "unsorted",
     [("ascending=[False, False, True]", "ascending=[True, True, True]")], "visible"),
    ("education_priority", "wrong type (a list of ids)",
     [("ignore_index=True)", "ignore_index=True)['employee_id'].tolist()")], "visible"),
    ("touchpoints_due", "exactly max_days counted as overdue (>=)",
     [('due["days_since"] > max_days', 'due["days_since"] >= max_days')], "hidden"),
    ("touchpoints_due", "people who left kept",
     [('here = sponsors[sponsors["employee_id"].isin(org_after["employee_id"])]',
       "here = sponsors")], "hidden"),
    ("touchpoints_due", "weekends booked",
     [("pd.bdate_range(", "pd.date_range(")], "visible"),
    ("touchpoints_due", "first meeting booked today",
     [("pd.bdate_range(today + pd.Timedelta(days=1)", "pd.bdate_range(today")], "visible"),
    ("touchpoints_due", "unsorted (most recent first)",
     [("ascending=[False, True]", "ascending=[True, True]")], "visible"),
    ("touchpoints_due", "wrong type (a list of ids)",
     [("    return due\n", "    return due['employee_id'].tolist()\n")], "visible"),
]


def test_every_task_has_a_test_cell_a_solution_and_hints():
    assert list(SOLUTION_CELLS) == TASKS
    assert set(TEST_CELLS) == {f"test_{task}" for task in TASKS}
    for task in TASKS:
        hints = SOLUTION_CELLS[task].metadata["sociallearning"]["hints"]
        assert 2 <= len(hints) <= 3 and all(isinstance(h, str) and h for h in hints)
        assert "BEGIN HIDDEN TESTS" in TEST_CELLS[f"test_{task}"]
    manual = [cell for cell in source_notebook(NAME).cells
              if cell.cell_type == "markdown" and cell_info(cell).get("grade")]
    assert [cell_info(cell)["grade_id"] for cell in manual] == ["reflection_managing_up"]
    # The source holds the exemplar (nbgrader releases the placeholder in its place).
    assert manual[0].source != "YOUR ANSWER HERE" and cell_info(manual[0])["points"] > 0


@pytest.mark.parametrize("task", TASKS)
def test_the_solution_passes_its_test_cell(solved, task, capsys):
    run_test_cell(task, solved[task], solved)
    out, err = capsys.readouterr()
    assert out.count("✔") == 2 and err == ""


@pytest.mark.parametrize(("task", "slip", "edits", "caught_by"), SLIPS,
                         ids=[f"{task}: {slip}" for task, slip, _, _ in SLIPS])
def test_a_typical_slip_is_rejected(solved, task, slip, edits, caught_by):
    wrong = variant(task, edits, solved)
    check = getattr(checks, task if caught_by == "visible" else f"{task}_edge_cases")
    with pytest.raises(feedback.CheckFailed):
        check(wrong)
    with pytest.raises(feedback.CheckFailed):
        run_test_cell(task, wrong, solved)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("answer", [None, AlwaysEqual()], ids=["None", "always-equal"])
def test_none_and_an_always_equal_object_are_rejected(solved, task, answer):
    def wrong(*args, **kwargs):
        return answer

    with pytest.raises(feedback.CheckFailed):
        getattr(checks, task)(wrong)


def test_changing_the_inputs_does_not_change_the_expected_answer(solved):
    def vandal(org_after, sponsors):
        answer = solved["sponsor_reach"](org_after, sponsors)
        org_after["manager_id"] = None
        sponsors["employee_id"] = "nobody"
        return answer

    checks.sponsor_reach(vandal)
    checks.sponsor_reach(solved["sponsor_reach"])


def test_next_touchpoint_without_a_time_zone_counts_as_the_same_day(solved):
    def plain(sponsors, org_after, today, max_days=90):
        due = solved["touchpoints_due"](sponsors, org_after, today, max_days)
        due["next_touchpoint"] = due["next_touchpoint"].dt.tz_localize(None)
        return due

    checks.touchpoints_due(plain)
    checks.touchpoints_due_edge_cases(plain)


def test_the_sample_data_has_what_the_tasks_are_about(solved):
    # Each task is only worth doing if the data holds the case it teaches.
    changes = solved["sponsor_changes"](solved["org_before"], solved["org_after"],
                                        solved["sponsors"])
    assert {"left", "moved"} <= set(changes["status"])
    assert solved["units_without_sponsor"](solved["org_after"], solved["sponsors"])
    due = solved["touchpoints_due"](solved["sponsors"], solved["org_after"])
    assert 0 < len(due) < len(solved["sponsors"])
    assert isinstance(due["next_touchpoint"].iloc[0], pd.Timestamp)



# A decision, not a formula: any plan that keeps the rules passes; these do not.
def all_informed(sponsors, org_after):
    here = sponsors[sponsors["employee_id"].isin(org_after["employee_id"])]
    return {employee: "inform" for employee in here["employee_id"]}


def champions_for_everyone(sponsors, org_after):
    here = sponsors[sponsors["employee_id"].isin(org_after["employee_id"])]
    return {employee: "showcase" for employee in here["employee_id"]}


def leavers_included(sponsors, org_after):
    plan = all_informed(sponsors, sponsors)
    plan.update({e: "convince" for e in sponsors.loc[sponsors["stance"] == "skeptical",
                                                     "employee_id"]})
    return plan


@pytest.mark.parametrize("wrong, named", [
    (all_informed, "influential skeptic"),
    (champions_for_everyone, "skeptic"),
    (leavers_included, "left the org"),
    (lambda sponsors, org_after: list(sponsors["employee_id"]), "dictionary"),
], ids=["everyone only informed", "everyone showcased", "leavers planned for", "a list"])
def test_sponsor_actions_rejects_plans_a_practitioner_would_not_make(wrong, named):
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.sponsor_actions(wrong)
    assert named in str(failed.value)


def test_sponsor_actions_accepts_another_sound_plan(solved):
    """Informing the low-influence skeptic instead of convincing them is also fine."""
    def also_sound(sponsors, org_after):
        plan = solved["sponsor_actions"](sponsors, org_after)
        low = sponsors.loc[(sponsors["stance"] == "skeptical") & (sponsors["influence"] < 4),
                           "employee_id"]
        plan.update({employee: "inform" for employee in low if employee in plan})
        return plan

    checks.sponsor_actions(also_sound)
    checks.sponsor_actions_edge_cases(also_sound)
