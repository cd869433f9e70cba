"""Exercise 05_metrics: every test cell passes on the solution and rejects typical wrong answers,
each failing with a message that names it (retention without cohorts, time to first response
with bots in it, a correlation without the stratified one, a group under the minimum size, an
indicator with no data source), plus None and an object that claims to equal anything."""

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
    source_notebook,
    test_cells,
)
from exercise_helpers import run_test_cell as run_exercise_test_cell

from sociallearning import feedback
from sociallearning import metrics as toolkit
from sociallearning.exercises import Exercise

NAME = "05_metrics"
TASKS = ["vanity_or_value", "indicator_plan", "monthly_scorecard", "retention_by_cohort",
         "baseline_and_after", "participation_gap", "contribution_by_group"]
TEST_CELLS = dict(test_cells(NAME))
SOLUTION_CELLS = solution_cells(NAME)
run_test_cell = partial(run_exercise_test_cell, NAME)

checks = Exercise(NAME).checks_module()


@pytest.fixture(scope="module")
def solved():
    return solution_namespace(NAME)


def variant(task, edits, namespace):
    return solution_variant(NAME, task, edits, namespace)


# (task, the slip, edits to the solution, which check catches it, words its message must hold)
SLIPS = [
    ("vanity_or_value", "every number called value",
     [('"vanity" if totals[column].is_monotonic_increasing else "value"', '"value"')],
     "visible", "vanity number"),
    ("vanity_or_value", "labelled by name, not by the numbers",
     [('totals[column].is_monotonic_increasing', 'column.endswith("_to_date")')], "hidden",
     "never went down"),
    ("indicator_plan", "an indicator with no data source",
     [('"data_source": "help_desk", ', ''),
      ('return [row for row in plan if row["data_source"] in data_sources]', 'return plan')],
     "visible", "an indicator with no data source"),
    ("indicator_plan", "an unmeasurable indicator",
     [('"data_source": "pulse_survey"', '"data_source": "gut feeling"'),
      ('return [row for row in plan if row["data_source"] in data_sources]', 'return plan')],
     "visible", "unmeasurable"),
    ("indicator_plan", "community activity called lagging",
     [('"data_source": "posts", "baseline": 40, "target": 60',
       '"data_source": "posts", "baseline": 40, "target": 60, "kind": "lagging"')],
     "visible", "leading (intermediate) indicator"),
    ("indicator_plan", "an indicator not traced to the goal",
     [('"goal_part": "skills improve"', '"goal_part": "a better culture"')],
     "visible", "part of the goal"),
    ("indicator_plan", "a source that is not available kept",
     [('return [row for row in plan if row["data_source"] in data_sources]', 'return plan')],
     "hidden", "not a source you have"),
    ("monthly_scorecard", "time to first response with bots in it",
     [('people = posts[posts["community_id"].isin(community_ids)\n'
       '                   & ~posts["author_id"].isin(bots) & (posts["created_at"] < now)].copy()',
       'people = posts[posts["community_id"].isin(community_ids)\n'
       '                   & (posts["created_at"] < now)].copy()\n'
       '    with_bots = people.copy()\n'
       '    people = people[~people["author_id"].isin(bots)]'),
      ('replies = people.loc[people["kind"] == "reply"',
       'replies = with_bots.loc[with_bots["kind"] == "reply"')],
     "visible", "time to first response with bots in it"),
    ("monthly_scorecard", "the author's own reply taken as the first response",
     [('by_others = paired[paired["author_id_reply"] != paired["author_id"]]',
       'by_others = paired')], "hidden", "differ"),
    ("monthly_scorecard", "a quiet month left out",
     [("return card[columns]",
       "return card[card['active_members'] > 0][columns].reset_index(drop=True)")],
     "hidden", "quiet month"),
    ("monthly_scorecard", "new contributors counted per community visit, not first ever",
     [("new = people[is_first]", "new = people")], "visible", "differ"),
    ("retention_by_cohort", "retention computed without cohorts",
     [('table = people.groupby("cohort").agg(joined=("account_id", "size"),\n'
       '                                         retained=("retained", "sum")).reset_index()',
       'table = people.groupby("cohort").agg(joined=("account_id", "size"),\n'
       '                                         retained=("retained", "sum")).reset_index()\n'
       '    table["joined"] = len(people)\n'
       '    table["retained"] = int(people["retained"].sum())')],
     "visible", "retention computed without cohorts"),
    ("retention_by_cohort", "one share for everyone",
     [("return table.sort_values(\"cohort\", ignore_index=True)",
       "return float(people[\"retained\"].mean())")],
     "visible", "retention computed without cohorts"),
    ("retention_by_cohort", "unfinished cohorts kept",
     [('people = people[people["window_end"] <= now]', '')], "visible", "not over"),
    ("retention_by_cohort", "a contribution in the join month counted",
     [('paired["created_at"] >= paired["window_start"]',
       'paired["created_at"] >= paired["window_start"] - pd.DateOffset(months=1)')],
     "hidden", "differ"),
    ("baseline_and_after", "baseline over every month",
     [('"baseline": [float(before[c].median()) for c in numbers]',
       '"baseline": [float(scorecard[c].median()) for c in numbers]')],
     "visible", "baseline took in every month"),
    ("baseline_and_after", "means instead of medians",
     [("float(before[c].median())", "float(before[c].mean())")], "visible", "baseline"),
    ("participation_gap", "a correlation reported without the stratified one",
     [('"stratified_gap": stratified_gap', '"stratified_gap": raw_gap')],
     "visible", "a correlation reported without the stratified one"),
    ("participation_gap", "no stratified gap at all",
     [('"stratified_gap": stratified_gap,', '')],
     "visible", "a correlation reported without the stratified one"),
    ("participation_gap", "strata weighted by their size, not their contributors",
     [("weights.append(contributors)", "weights.append(len(group))")],
     "visible", "stratified_gap"),
    ("contribution_by_group", "a group under the minimum size shown",
     [('groups = groups[groups["people"] >= min_group]', '')],
     "visible", "a group under the minimum size shown"),
    ("contribution_by_group", "a group of exactly the minimum left out",
     [('groups["people"] >= min_group', 'groups["people"] > min_group')], "hidden",
     "expected"),
]


def test_every_task_has_a_test_cell_a_solution_and_hints():
    manual = check_task_anatomy(NAME, TASKS, written=["honest_claim"])
    assert "What this does not prove:" in manual[0].source
    text = "\n".join(cell.source for cell in source_notebook(NAME).cells)
    assert "time to complete" in text.lower()


@pytest.mark.parametrize("task", TASKS)
def test_the_solution_passes_its_test_cell(solved, task, capsys):
    run_test_cell(task, solved[task], solved)
    out, err = capsys.readouterr()
    assert out.count("✔") == 2 and err == ""


@pytest.mark.parametrize(("task", "slip", "edits", "caught_by", "named"), SLIPS,
                         ids=[f"{task}: {slip}" for task, slip, *_ in SLIPS])
def test_a_typical_slip_is_rejected_by_name(solved, task, slip, edits, caught_by, named):
    wrong = variant(task, edits, solved)
    check = getattr(checks, task if caught_by == "visible" else f"{task}_edge_cases")
    with pytest.raises(feedback.CheckFailed) as failed:
        check(wrong)
    assert named in str(failed.value)
    with pytest.raises(feedback.CheckFailed):
        run_test_cell(task, wrong, solved)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("answer", [None, AlwaysEqual()], ids=["None", "always-equal"])
def test_none_and_an_always_equal_object_are_rejected(task, answer):
    def wrong(*args, **kwargs):
        return answer

    with pytest.raises(feedback.CheckFailed):
        getattr(checks, task)(wrong)


def test_changing_the_inputs_does_not_change_the_expected_answer(solved):
    def vandal(posts, memberships, accounts, community_ids, **kwargs):
        answer = solved["monthly_scorecard"](posts, memberships, accounts, community_ids,
                                             **kwargs)
        accounts["is_bot"] = False
        posts["author_id"] = "nobody"
        community_ids.clear()
        return answer

    checks.monthly_scorecard(vandal)


def test_the_sample_data_has_what_the_tasks_are_about(solved):
    # Each task is only worth doing if the data holds the case it teaches.
    labels = solved["vanity_or_value"](solved["totals"])
    assert {"vanity", "value"} == set(labels.values())
    card = solved["monthly_scorecard"](solved["posts"], solved["memberships"],
                                       solved["accounts"], solved["SLICE"])
    assert {"before", "after"} == set(card["period"])
    # The bot makes response times look like seconds when left in.
    with_bots = solved["monthly_scorecard"](solved["posts"], solved["memberships"],
                                            solved["accounts"].assign(is_bot=False),
                                            solved["SLICE"])
    assert (with_bots["median_hours_to_first_response"]
            < card["median_hours_to_first_response"]).mean() > 0.5
    retention = solved["retention_by_cohort"](solved["memberships"], solved["posts"],
                                              solved["accounts"], solved["SLICE"])
    assert len(retention) > 3 and retention["retention"].nunique() > 1
    # Stratifying visibly shrinks the relationship (the confounder is strong enough).
    gap = solved["participation_gap"](solved["outcomes"])
    assert gap["raw_gap"] > 0 and 0 <= gap["share_left"] < 0.6
    groups = solved["contribution_by_group"](solved["outcomes"], solved["org_after"],
                                             min_group=1)
    assert (groups["people"] < toolkit.MIN_GROUP).any()  # some groups are too small to show


# A decision, not a formula: any plan that keeps the rules passes; these do not.
def test_indicator_plan_accepts_another_sound_plan():
    def lean_plan(goal_parts, data_sources):
        plan = [{"indicator": f"people active on: {part}", "goal_part": part, "kind": "leading",
                 "data_source": "posts", "baseline": 10, "target": 12,
                 "caveat": "activity is not learning by itself"} for part in goal_parts]
        plan.append({"indicator": "median assessment score", "goal_part": goal_parts[-1],
                     "kind": "lagging", "data_source": "outcomes", "baseline": 59.0,
                     "target": 61.0, "caveat": "tenure and level move it too"})
        return plan

    checks.indicator_plan(lean_plan)
    checks.indicator_plan_edge_cases(lean_plan)


@pytest.mark.parametrize("wrong, named", [
    (lambda goal_parts, data_sources: [
        {"indicator": "posts", "goal_part": goal_parts[0], "kind": "leading",
         "data_source": "posts", "baseline": 1, "target": 2, "caveat": "it can be gamed easily"}],
     "no lagging indicator"),
    (lambda goal_parts, data_sources: [
        {"indicator": "score", "goal_part": part, "kind": "lagging", "data_source": "outcomes",
         "baseline": 1, "target": 2, "caveat": "tenure and level move it"}
        for part in goal_parts], "no leading indicator"),
    (lambda goal_parts, data_sources: [
        {"indicator": "posts", "goal_part": goal_parts[0], "kind": "leading",
         "data_source": "posts", "baseline": 1, "target": 2, "caveat": "it can be gamed easily"},
        {"indicator": "score", "goal_part": goal_parts[0], "kind": "lagging",
         "data_source": "outcomes", "baseline": 1, "target": 2, "caveat": "tenure moves it too"}],
     "has no indicator for the goal part"),
    (lambda goal_parts, data_sources: [
        {"indicator": "posts", "goal_part": part, "kind": "leading", "data_source": "posts",
         "baseline": 1, "target": 1, "caveat": "it can be gamed easily"}
        for part in goal_parts], "target equals the baseline"),
    (lambda goal_parts, data_sources: [
        {"indicator": "posts", "goal_part": part, "kind": "leading", "data_source": "posts",
         "baseline": 1, "target": 2, "caveat": ""} for part in goal_parts], "caveat"),
    (lambda goal_parts, data_sources: [
        {"indicator": "posts", "goal_part": part, "kind": "leading", "data_source": None,
         "baseline": 1, "target": 2, "caveat": "it can be gamed easily"}
        for part in goal_parts], "an indicator with no data source"),
    (lambda goal_parts, data_sources: [
        {"indicator": "posts", "goal_part": part, "kind": "leading", "data_source": "posts",
         "baseline": 1, "target": 2, "caveat": "it can be gamed easily"} for part in goal_parts]
     + [{"indicator": "score", "goal_part": goal_parts[0], "kind": "lagging",
         "data_source": "outcomes", "baseline": 1, "target": 2,
         "caveat": "tenure moves it too"}], "lists the indicator 'posts' twice"),
    (lambda goal_parts, data_sources: [
        {"indicator": "posts", "goal_part": goal_parts[0], "kind": "leading",
         "data_source": ["posts", "outcomes"], "baseline": 1, "target": 2,
         "caveat": "it can be gamed easily"}], "data_source is a list"),
    (lambda goal_parts, data_sources: [
        {"indicator": "posts", "goal_part": pd.Series(goal_parts),
         "kind": "leading", "data_source": "posts", "baseline": 1, "target": 2,
         "caveat": "it can be gamed easily"}], "goal_part is a pandas Series"),
], ids=["no lagging", "no leading", "a part uncovered", "no change aimed for", "no caveat",
        "a source of None", "one indicator for every part", "every source at once",
        "columns instead of text"])
def test_indicator_plan_rejects_plans_by_the_rule_they_break(wrong, named):
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.indicator_plan(wrong)
    assert named in str(failed.value)


def test_vanity_labels_that_are_not_text_are_named(solved):
    def as_columns(totals):
        return {column: pd.Series(["vanity", "value"]) for column in totals.columns
                if column != "month"}

    with pytest.raises(feedback.CheckFailed) as failed:
        checks.vanity_or_value(as_columns)
    assert "a pandas Series" in str(failed.value)


def test_retention_message_names_cohorts_when_grouped_by_activity_month(solved):
    def by_activity_month(memberships, posts, accounts, community_ids, now=None):
        table = solved["retention_by_cohort"](memberships, posts, accounts, community_ids, now)
        table["cohort"] = [f"{int(c[:4]) + 1}{c[4:]}" for c in table["cohort"]]
        return table

    with pytest.raises(feedback.CheckFailed) as failed:
        checks.retention_by_cohort(by_activity_month)
    assert "retention computed without cohorts" in str(failed.value)


def test_a_scorecard_with_a_small_group_is_refused_by_the_report(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = pd.DataFrame({"group": ["Sales", "Executive Office"], "people": [80, 3],
                          "contribution_rate": [0.1, 0.3]})
    figure, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    with pytest.raises(toolkit.SmallGroupError, match="fewer than 10 people"):
        toolkit.write_sponsor_report(tmp_path / "r.html", "T", "S", table, figure, "C", "D",
                                     size_column="people")
    assert not (tmp_path / "r.html").exists()
    written = toolkit.write_sponsor_report(tmp_path / "r.html", "Safe Hands, monthly",
                                           "Summary text", table.iloc[:1], figure,
                                           "A supported claim.", "Causation.",
                                           size_column="people")
    html = written.read_text()
    assert "Safe Hands, monthly" in html and "data:image/png;base64," in html
    assert "A supported claim." in html and "What this does not prove" in html
    assert "Executive Office" not in html and "<table" in html
    plt.close(figure)


def test_a_short_task_first_then_longer_ones_in_steps_with_partial_code():
    def solution_lines(task):
        return answer_lines(SOLUTION_CELLS[task])

    assert len(solution_lines(TASKS[0])) <= 3, "the first task is a short one"
    for task in TASKS:
        given = SOLUTION_CELLS[task].source.split("### BEGIN SOLUTION")[0]
        if len(solution_lines(task)) > 5:
            assert "Step 1 (done for you)" in given and "Step 2" in given, task
            code = [line for line in given.splitlines()[1:]
                    if line.strip() and not line.strip().startswith("#")]
            assert code, f"{task} gives the learner its first step as code"
