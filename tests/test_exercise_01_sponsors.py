"""Exercise 01_sponsors: every test cell passes on the solution and rejects typical wrong
answers, each with a message that names the mistake (people who left forgotten, two missing
managers taken as different, stale offices, the sponsor counted in their own reach, the
overdue kept, noon taken for a date, unsorted, wrong type, None, an object that claims to
equal anything)."""

from functools import partial

import pandas as pd
import pytest
from exercise_helpers import (
    AlwaysEqual,
    answer_lines,
    check_task_anatomy,
    solution_cells,
    solution_namespace,
    solution_variant,
    test_cells,
)
from exercise_helpers import run_test_cell as run_exercise_test_cell

from sociallearning import feedback
from sociallearning.exercises import Exercise

NAME = "01_sponsors"
TASKS = ["sponsors_who_left", "unit_changes", "offices_without_sponsor", "reach_change",
         "touchpoints_coming_up", "sponsor_actions"]
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
# data, or "hidden" on the tiny hand-built re-org), and words the message must hold: the
# name of the mistake, not only "differs".
SLIPS = [
    ("sponsors_who_left", "the sponsors who stayed instead",
     [('sponsors[~sponsors["employee_id"]', 'sponsors[sponsors["employee_id"]')], "visible",
     "still in org_after"),
    ("sponsors_who_left", "names instead of ids",
     [('return sorted(gone["employee_id"])',
       'return sorted(org_before.set_index("employee_id").loc[gone["employee_id"], "name"])')],
     "visible", "not names"),
    ("sponsors_who_left", "unsorted (the table's order)",
     [('return sorted(gone["employee_id"])', 'return list(gone["employee_id"])')], "hidden",
     "not in the expected order"),
    ("sponsors_who_left", "wrong type (a Series)",
     [('return sorted(gone["employee_id"])', 'return gone["employee_id"]')], "visible",
     "should return a list"),
    ("unit_changes", "two missing managers count as different",
     [(" | both_missing", "")], "visible", "both manager ids are missing"),
    ("unit_changes", "a new manager checked before a move",
     [("[left, moved, ~same_manager]", "[left, ~same_manager, moved]"),
      ('["left", "moved", "new manager"]', '["left", "new manager", "moved"]')], "visible",
     "'moved' comes before 'new manager'"),
    ("unit_changes", "people who left forgotten",
     [('left = ~table["employee_id"].isin(org_after["employee_id"])',
       'left = table["employee_id"].isna()')], "visible", "they left"),
    ("unit_changes", "the people of the new unit instead of the old one",
     [('return table.sort_values(', 'table = table[table["unit_after"].astype(str) == unit]\n'
       '    return table.sort_values(')], "visible", "leaves out"),
    ("unit_changes", "unsorted",
     [('sort_values("employee_id", ignore_index=True)',
       'sort_values("employee_id", ascending=False, ignore_index=True)')], "visible",
     "not in the expected order"),
    ("unit_changes", "wrong type (a dict)",
     [('["employee_id", "status", "unit_after"]]', '["employee_id", "status", "unit_after"]]'
       '.to_dict()')], "visible", "should return a pandas DataFrame"),
    ("offices_without_sponsor", "sponsors who left still cover their old office",
     [('here = org_after[org_after["employee_id"].isin(sponsors["employee_id"])]',
       'here = org_before[org_before["employee_id"].isin(sponsors["employee_id"])]')],
     "visible", "sponsors who left"),
    ("offices_without_sponsor", "the offices with a sponsor instead",
     [("return sorted(set(org_after[\"location\"].astype(str)) - covered)",
       "return sorted(covered)")], "visible", "works there after the re-org"),
    ("offices_without_sponsor", "unsorted",
     [("return sorted(", "return list(reversed(sorted("), (" - covered)", " - covered)))")],
     "visible", "not in the expected order"),
    ("offices_without_sponsor", "wrong type (a set)",
     [("return sorted(", "return set(")], "visible", "should return a list"),
    ("reach_change", "the sponsor counted in their own reach",
     [("len(nx.descendants(tree_after, person))", "len(nx.descendants(tree_after, person)) + 1")],
     "visible", "does not count the sponsor"),
    ("reach_change", "direct reports only",
     [("len(nx.descendants(tree_after, person))", "tree_after.out_degree(person)")], "visible",
     "direct and indirect"),
    ("reach_change", "change the wrong way round",
     [('table["reach_after"] - table["reach_before"]',
       'table["reach_before"] - table["reach_after"]')], "visible", "wrong sign"),
    ("reach_change", "sponsors who left kept (with a reach of 0 after)",
     [('& set(org_after["employee_id"]))', ")"),
      ("len(nx.descendants(tree_after, person))",
       "len(nx.descendants(tree_after, person)) if person in tree_after else 0")],
     "visible", "left the org"),
    ("reach_change", "biggest gain first",
     [('sort_values(["change", "employee_id"], ignore_index=True)',
       'sort_values(["change", "employee_id"], ascending=[False, True], ignore_index=True)')],
     "visible", "not in the expected order"),
    ("reach_change", "ties broken Z to A",
     [('sort_values(["change", "employee_id"], ignore_index=True)',
       'sort_values(["change", "employee_id"], ascending=[True, False], ignore_index=True)')],
     "hidden", "not in the expected order"),
    ("touchpoints_coming_up", "the overdue kept",
     [('(soon["days_left"] >= 0) & ', "")], "visible", "already overdue"),
    ("touchpoints_coming_up", "today's noon not turned into a date",
     [("today = pd.Timestamp(today).normalize()", "today = pd.Timestamp(today)")], "visible",
     "one short"),
    ("touchpoints_coming_up", "within ignored (always 30 days)",
     [('soon["days_left"] <= within', 'soon["days_left"] <= 30')], "visible", "within=45"),
    ("touchpoints_coming_up", "exactly `within` days away left out (<)",
     [('soon["days_left"] <= within', 'soon["days_left"] < within')], "hidden",
     "both ends included"),
    ("touchpoints_coming_up", "due today left out (> 0)",
     [('soon["days_left"] >= 0', 'soon["days_left"] > 0')], "hidden", "both ends included"),
    ("touchpoints_coming_up", "people who left kept",
     [("current = sponsors[stayed]", "current = sponsors")], "hidden", "left the org"),
    ("touchpoints_coming_up", "ties broken Z to A",
     [('sort_values(["days_left", "employee_id"], ignore_index=True)',
       'sort_values(["days_left", "employee_id"], ascending=[True, False], ignore_index=True)')],
     "hidden", "not in the expected order"),
    ("touchpoints_coming_up", "wrong type (a list of ids)",
     [('return soon.sort_values(["days_left", "employee_id"], ignore_index=True)',
       'return soon.sort_values(["days_left", "employee_id"])["employee_id"].tolist()')],
     "visible", "should return a pandas DataFrame"),
]


def test_every_task_has_a_test_cell_a_solution_and_hints():
    check_task_anatomy(NAME, TASKS, written=["reflection_managing_up"])


@pytest.mark.parametrize("task", TASKS)
def test_the_solution_passes_its_test_cell(solved, task, capsys):
    run_test_cell(task, solved[task], solved)
    out, err = capsys.readouterr()
    assert out.count("✔") == 2 and err == ""


@pytest.mark.parametrize(("task", "slip", "edits", "caught_by", "named"), SLIPS,
                         ids=[f"{task}: {slip}" for task, slip, *_ in SLIPS])
def test_a_typical_slip_is_rejected_with_a_message_that_names_it(solved, task, slip, edits,
                                                                 caught_by, named):
    wrong = variant(task, edits, solved)
    check = getattr(checks, task if caught_by == "visible" else f"{task}_edge_cases")
    with pytest.raises(feedback.CheckFailed) as failed:
        check(wrong)
    assert named in failed.value.message, failed.value.message
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
    def vandal(org_before, org_after, sponsors):
        answer = solved["reach_change"](org_before, org_after, sponsors)
        org_after["manager_id"] = None
        sponsors["employee_id"] = "nobody"
        return answer

    checks.reach_change(vandal)
    checks.reach_change(solved["reach_change"])


def test_meet_by_without_a_time_zone_counts_as_the_same_day(solved):
    def plain(sponsors, org_after, today, max_days=90, within=30):
        soon = solved["touchpoints_coming_up"](sponsors, org_after, today, max_days, within)
        soon["meet_by"] = soon["meet_by"].dt.tz_localize(None)
        return soon

    checks.touchpoints_coming_up(plain)
    checks.touchpoints_coming_up_edge_cases(plain)


def test_the_sample_data_has_what_the_tasks_are_about(solved):
    # Each task is only worth doing if the data holds the case it teaches.
    org_before, org_after, sponsors = (solved[name] for name in
                                       ("org_before", "org_after", "sponsors"))
    assert solved["sponsors_who_left"](sponsors, org_after)
    for unit in checks.UNITS_SHOWN[:1]:
        statuses = set(solved["unit_changes"](org_before, org_after, unit)["status"])
        assert statuses == set(checks.toolkit.STATUSES), (unit, statuses)
    top = solved["unit_changes"](org_before, org_after, checks.UNITS_SHOWN[1])
    top_id = org_before.loc[org_before["manager_id"].isna(), "employee_id"].iloc[0]
    assert top_id in set(top["employee_id"])  # the two-missing-managers case is visible
    # An office is uncovered only because its sponsor left: the stale-office pitfall shows.
    offices = solved["offices_without_sponsor"](org_after, sponsors)
    before_ids = org_before.set_index("employee_id")
    assert set(offices) & set(before_ids.loc[sponsors["employee_id"], "location"].astype(str))
    assert solved["reach_change"](org_before, org_after, sponsors)["change"].nunique() > 1
    soon = solved["touchpoints_coming_up"](sponsors, org_after)
    assert 0 < len(soon) < len(sponsors)
    assert isinstance(soon["meet_by"].iloc[0], pd.Timestamp)
    assert len(solved["touchpoints_coming_up"](sponsors, org_after, max_days=60, within=45))


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
    (lambda sponsors, org_after: {e: pd.Series(list(checks.ACTIONS)) for e in sponsors.loc[
        sponsors["employee_id"].isin(org_after["employee_id"]), "employee_id"]},
     "a pandas Series"),
], ids=["everyone only informed", "everyone showcased", "leavers planned for", "a list",
        "every action at once, as a column"])
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


def test_a_short_task_first_then_longer_ones_in_steps_with_partial_code():
    def solution_lines(task):
        return answer_lines(SOLUTION_CELLS[task])

    assert len(solution_lines(TASKS[0])) <= 3, "the first task is a short one"
    for task in TASKS[:-1]:  # the last is a decision, graded by rules
        given = SOLUTION_CELLS[task].source.split("### BEGIN SOLUTION")[0]
        if len(solution_lines(task)) > 5:
            assert "Step 1 (done for you)" in given and "Step 2" in given, task
            code = [line for line in given.splitlines()[1:]
                    if line.strip() and not line.strip().startswith("#")]
            assert code, f"{task} gives the learner its first step as code"
