"""Exercise 06_capstone: the solution passes every test cell; any sound relaunch plan passes;
each typical wrong plan fails with a message that names its mistake (a departed sponsor, a
unit left out, a stance ignored, a bot recruited, a dying community, a chat slot outside an
office's working hours, a target with no baseline, an oversold outcome)."""

from functools import partial

import pandas as pd
import pytest
from exercise_helpers import (
    AlwaysEqual,
    answer_lines,
    cell_info,
    check_task_anatomy,
    solution_cells,
    solution_namespace,
    solution_variant,
    source_notebook,
    test_cells,
)
from exercise_helpers import run_test_cell as run_exercise_test_cell

from sociallearning import feedback
from sociallearning.exercises import Exercise

NAME = "06_capstone"
TASKS = ["what_changed", "sponsor_plan", "champion_plan", "community_choice", "chat_plan",
         "scorecard"]
DECISIONS = TASKS[1:]
TEST_CELLS = dict(test_cells(NAME))
SOLUTION_CELLS = solution_cells(NAME)
run_test_cell = partial(run_exercise_test_cell, NAME)

checks = Exercise(NAME).checks_module()


@pytest.fixture(scope="module")
def solved():
    return solution_namespace(NAME)


def test_every_task_has_a_test_cell_a_solution_and_hints():
    manual = check_task_anatomy(NAME, TASKS,
                                written=["proof_of_practice", "reflection_without_missteps"])
    for cell in manual:
        assert len(cell.metadata["sociallearning"]["rubric"]) >= 4
        assert len(cell.source.split()) > 150


def solution_lines(task):
    return answer_lines(SOLUTION_CELLS[task])


def given_lines(task):
    source = SOLUTION_CELLS[task].source
    given = source.split("### BEGIN SOLUTION")[0] + source.split("### END SOLUTION")[1]
    return [line.strip() for line in given.splitlines()[1:]
            if line.strip() and not line.strip().startswith("#")]


def test_a_short_task_first_then_longer_ones_in_steps_with_partial_code():
    assert len(solution_lines(TASKS[0])) <= 3, "the first task is a short one"
    for task in TASKS:
        source = SOLUTION_CELLS[task].source.split("### BEGIN SOLUTION")[0]
        if len(solution_lines(task)) > 5:
            assert "Step 1 (done for you)" in source and "Step 2" in source, task
            assert given_lines(task), f"{task} gives the learner its first step as code"


def test_no_given_line_gives_away_a_line_of_an_answer():
    """The release keeps the given steps: none of them may be a line of any model answer."""
    answers = {line for task in TASKS for line in solution_lines(task) if len(line) >= 12}
    for task in TASKS:
        assert not [line for line in given_lines(task) if line in answers], task


def test_the_exercise_states_its_time_to_complete():
    assert "about 4 hours" in source_notebook(NAME).cells[0].source


@pytest.mark.parametrize("task", TASKS)
def test_the_solution_passes_its_test_cell(solved, task, capsys):
    run_test_cell(task, solved[task], solved)
    out, err = capsys.readouterr()
    assert out.count("✔") == 2 and err == ""


def test_checks_of_rules_are_left_to_grading_in_class_mode():
    """Many plans are right: a recording of one answer cannot stand in for the rules."""
    assert getattr(checks.what_changed, "replayable", True) is True
    for task in DECISIONS:
        assert getattr(checks, task).replayable is False


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("answer", [None, AlwaysEqual(), {}, []],
                         ids=["None", "always-equal", "empty dict", "empty list"])
def test_empty_and_odd_answers_are_rejected(task, answer):
    def wrong(*args, **kwargs):
        return answer

    with pytest.raises(feedback.CheckFailed):
        getattr(checks, task)(wrong)


# --- 6.1: one right answer, slips caught --------------------------------------------------------

SLIPS = [
    ("stale units from the sponsors table",
     [('set(org_after.loc[is_sponsor, "business_unit"].astype(str))',
       'set(sponsors["business_unit"].astype(str))')], "visible"),
    ("departed counted against org_before",
     [('set(org_after["employee_id"]))', 'set(org_before["employee_id"]))')], "visible"),
    ("units of the old org",
     [('units = sorted(set(org_after["business_unit"].astype(str)))',
       'units = sorted(set(org_before["business_unit"].astype(str)))')], "visible"),
    ("unsorted departed",
     [("departed = sorted(", "departed = list(reversed(sorted("),
      ('set(org_after["employee_id"]))', 'set(org_after["employee_id"]))))')], "visible"),
]


@pytest.mark.parametrize(("slip", "edits", "caught_by"), SLIPS, ids=[s[0] for s in SLIPS])
def test_a_typical_slip_in_what_changed_is_rejected(solved, slip, edits, caught_by):
    wrong = solution_variant(NAME, "what_changed", edits, solved)
    check = checks.what_changed if caught_by == "visible" else checks.what_changed_edge_cases
    with pytest.raises(feedback.CheckFailed):
        check(wrong)
    with pytest.raises(feedback.CheckFailed):
        run_test_cell("what_changed", wrong, solved)


def test_a_plan_typed_in_for_the_sample_fails_the_hidden_cases(solved):
    frozen = solved["what_changed"](solved["org_before"], solved["org_after"], solved["sponsors"])
    checks.what_changed(lambda *frames: frozen)
    with pytest.raises(feedback.CheckFailed):
        checks.what_changed_edge_cases(lambda *frames: frozen)


# --- 6.2 to 6.6: wrong plans fail by name -------------------------------------------------------

def changed(task, solved, change):
    """The solution's plan with one change made to it, as a learner's function."""
    def plan(*frames):
        answer = solved[task](*frames)
        change(answer, *frames)
        return answer
    plan.__name__ = task
    return plan


def departed_sponsor(plan, sponsors, org_after):
    gone = sorted(set(sponsors["employee_id"]) - set(org_after["employee_id"]))[0]
    plan["Finance"] = {"sponsor": gone, "action": "convince"}


def skeptic(sponsors, org_after):
    here = sponsors[sponsors["employee_id"].isin(org_after["employee_id"])]
    row = here[(here["stance"] == "skeptical") & (here["influence"] >= 4)].iloc[0]
    unit = org_after.set_index("employee_id").loc[row["employee_id"], "business_unit"]
    return str(unit), str(row["employee_id"])


def skeptic_showcased(plan, sponsors, org_after):
    unit, person = skeptic(sponsors, org_after)
    plan[unit] = {"sponsor": person, "action": "showcase"}


def influential_skeptic_informed(plan, sponsors, org_after):
    unit, person = skeptic(sponsors, org_after)
    plan[unit] = {"sponsor": person, "action": "inform"}


def junior_to_win(plan, sponsors, org_after):
    staff = org_after[(org_after["business_unit"] == "Marketing") & (org_after["level"] == 6)]
    plan["Marketing"] = {"sponsor": str(staff["employee_id"].iloc[0]), "action": "win"}


def sponsor_from_another_unit(plan, sponsors, org_after):
    plan["Marketing"] = dict(plan["Sales"])


def new_leader_where_sponsors_are_left(plan, sponsors, org_after):
    """A unit that keeps a sponsor handed to a leader to win: sponsors never looked at."""
    unit = next(u for u, entry in plan.items() if entry["action"] != "win")
    leaders = org_after[(org_after["business_unit"].astype(str) == unit)
                        & (org_after["level"] <= 3)
                        & ~org_after["employee_id"].isin(sponsors["employee_id"])]
    plan[unit] = {"sponsor": str(leaders["employee_id"].iloc[0]), "action": "win"}


SPONSOR_PLANS = [
    ("a departed sponsor in the plan", departed_sponsor, "departed sponsor"),
    ("a unit left out", lambda plan, *frames: plan.pop("Marketing"), "leaves units out"),
    ("a skeptic showcased", skeptic_showcased, "stance is not respected"),
    ("an influential skeptic only informed", influential_skeptic_informed,
     "influential skeptic"),
    ("a junior person to win a unit", junior_to_win, "level 3 or above"),
    ("a sponsor for another unit", sponsor_from_another_unit, "work in Sales now"),
    ("a leader won where sponsors are left", new_leader_where_sponsors_are_left,
     "still has sponsors"),
    ("an action that is not text",
     lambda plan, *f: plan["Sales"].update(action=["coach", "inform"]), "both text"),
]


@pytest.mark.parametrize(("change", "named"), [p[1:] for p in SPONSOR_PLANS],
                         ids=[p[0] for p in SPONSOR_PLANS])
def test_sponsor_plan_rejects_unsound_plans_by_name(solved, change, named):
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.sponsor_plan(changed("sponsor_plan", solved, change))
    assert named in str(failed.value)


def test_the_sample_sponsor_plan_typed_in_fails_when_more_sponsors_leave(solved):
    frozen = solved["sponsor_plan"](solved["sponsors"], solved["org_after"])
    checks.sponsor_plan(lambda sponsors, org_after: frozen)
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.sponsor_plan_edge_cases(lambda sponsors, org_after: frozen)
    assert "stance is not respected" in str(failed.value) or "departed" in str(failed.value)


def bots_counted(posts, community_accounts, org_after):
    """Counts everyone who replied, bots included: the helper bot tops the list."""
    plan = {"equip": ["moderator rights"], "recognise": ["a spotlight post"]}
    replies = posts[posts["kind"] == "reply"]
    plan["recruit"] = [str(a) for a in replies["author_id"].value_counts().index[:5]]
    return plan


CHAMPION_PLANS = [
    ("a bot recruited", None, "a bot"),
    ("too few champions", lambda plan, *f: plan.update(recruit=plan["recruit"][:2]),
     "recruit 3 to 8"),
    ("people who help nobody",
     lambda plan, posts, accounts, org: plan.update(recruit=[
         str(e) for e in org.sort_values("employee_id")["employee_id"].iloc[-4:]]),
     "helped fewer than 5"),
    ("a menu item made up", lambda plan, *f: plan.update(equip=["a trophy"]), "outside the menu"),
    ("nothing to recognise them", lambda plan, *f: plan.update(recognise=[]), "is empty"),
    ("one menu item five times", lambda plan, *f: plan.update(equip=["moderator rights"] * 5),
     "more than once"),
    ("a table as a menu item", lambda plan, *f: plan.update(equip=[pd.Series(list(checks.EQUIP))]),
     "as text"),
]


@pytest.mark.parametrize(("change", "named"), [p[1:] for p in CHAMPION_PLANS],
                         ids=[p[0] for p in CHAMPION_PLANS])
def test_champion_plan_rejects_unsound_plans_by_name(solved, change, named):
    learner = bots_counted if change is None else changed("champion_plan", solved, change)
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.champion_plan(learner)
    assert named in str(failed.value)


def test_champions_typed_in_fail_when_they_leave(solved):
    frozen = solved["champion_plan"](solved["posts"], solved["community_accounts"],
                                     solved["org_after"])
    checks.champion_plan(lambda *frames: frozen)
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.champion_plan_edge_cases(lambda *frames: frozen)
    assert "left the company" in str(failed.value)


def test_champions_typed_in_fail_even_without_the_biggest_helpers(solved):
    """A list typed in that avoids the three biggest helpers passes the sample and their
    leaving, but not the leaving of the champions it names itself."""
    frames = [solved[n] for n in ("posts", "community_accounts", "org_after")]
    helped = checks._people_helped(*frames[:2]).sort_values(ascending=False)
    staff = set(solved["org_after"]["employee_id"])
    frozen = {"recruit": [p for p in helped.index if p in staff and helped[p] >= 5][3:8],
              "equip": ["moderator rights"], "recognise": ["a spotlight post"]}
    checks.champion_plan(lambda *frames: frozen)
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.champion_plan_edge_cases(lambda *frames: frozen)
    message = str(failed.value)
    assert "champions it picks on the sample" in message and "left the company" in message


def dying(evidence):
    return next(cid for cid, facts in evidence.items() if facts["people_posting_90d"] < 5)


COMMUNITY_PLANS = [
    ("a dying community used",
     lambda plan, *f: plan.update(community_id=dying(plan["evidence"])), "dying community"),
    ("building while a healthy one exists",
     lambda plan, *f: plan.update(action="build", community_id=None), "use one that exists"),
    ("evidence left out", lambda plan, *f: plan["evidence"].popitem(), "the communities in"),
    ("owner_still_here as 1 or 0",
     lambda plan, *f: [facts.update(owner_still_here=int(facts["owner_still_here"]))
                       for facts in plan["evidence"].values()], "True or False"),
    ("an action that is a table",
     lambda plan, *f: plan.update(action=pd.Series(["use", "build"])), "not a pandas Series"),
    ("a list as the community used",
     lambda plan, *f: plan.update(action="use", community_id=list(plan["evidence"])),
     "not a community in the data"),
]


@pytest.mark.parametrize(("change", "named"), [p[1:] for p in COMMUNITY_PLANS],
                         ids=[p[0] for p in COMMUNITY_PLANS])
def test_community_choice_rejects_unsound_plans_by_name(solved, change, named):
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.community_choice(changed("community_choice", solved, change))
    assert named in str(failed.value)


def test_community_evidence_with_bots_counted_is_named(solved):
    def with_bots(communities, posts, community_accounts, org_after):
        return solved["community_choice"](communities, posts,
                                          community_accounts.assign(is_bot=False), org_after)

    with pytest.raises(feedback.CheckFailed) as failed:
        checks.community_choice(with_bots)
    assert "bot" in str(failed.value)


def test_a_community_choice_typed_in_fails_when_every_community_fades(solved):
    frames = [solved[n] for n in ("communities", "posts", "community_accounts", "org_after")]
    frozen = solved["community_choice"](*frames)
    with pytest.raises(feedback.CheckFailed):
        checks.community_choice_edge_cases(lambda *frames: frozen)


def one_slot_for_all(plan, org_after):
    offices = sorted(set(org_after["location"]))
    plan["slots"] = [{"weekday": "Thursday", "time": "20:00", "time_zone": "America/New_York",
                      "minutes": 60, "offices": offices}]


def singapore_left_out(plan, org_after):
    for slot in plan["slots"]:
        if "Singapore" in slot["offices"]:
            slot["offices"].remove("Singapore")


def before_the_clocks_change(plan, org_after):
    """07:30 UTC is 08:30 in London after 29 March, but 07:30 before it."""
    plan["slots"][0].update(time="07:30", time_zone="UTC")


CHAT_PLANS = [
    ("one evening slot for every office", one_slot_for_all, "outside working hours"),
    ("an office left out", singapore_left_out, "asks no slot of ['Singapore']"),
    ("a slot that breaks before the clocks change", before_the_clocks_change,
     "outside working hours in London"),
    ("everyone followed on one network",
     lambda plan, org: plan.update(follow=["@ava_learnwell", "@ben_worksout", "@chen_pkm"]),
     "one network"),
    ("an office that does not exist",
     lambda plan, org: plan["slots"][0]["offices"].append("Paris"), "not offices"),
    ("a weekend slot", lambda plan, org: plan["slots"][0].update(weekday="Saturday"),
     "weekday is one of"),
    ("the same account three times",
     lambda plan, org: plan.update(follow=["@ava_learnwell"] * 3 + ["chen@pkm.example"]),
     "more than once"),
    ("numbers as accounts", lambda plan, org: plan.update(follow=[1.5, 2.5, "@ava_learnwell"]),
     "as text"),
    ("a list as an office",
     lambda plan, org: plan["slots"][0]["offices"].append(["London"]), "as text"),
]


@pytest.mark.parametrize(("change", "named"), [p[1:] for p in CHAT_PLANS],
                         ids=[p[0] for p in CHAT_PLANS])
def test_chat_plan_rejects_unsound_plans_by_name(solved, change, named):
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.chat_plan(changed("chat_plan", solved, change))
    assert named in str(failed.value)


def test_the_clock_change_is_inside_the_plan(solved):
    """The trap of 6.5 is real: London changes its clocks inside the 90 days."""
    from zoneinfo import ZoneInfo

    import pandas as pd

    from sociallearning.data import capstone
    start = pd.Timestamp(capstone.PLAN_START, tz=ZoneInfo("Europe/London"))
    end = start + pd.Timedelta(days=capstone.PLAN_DAYS)
    assert start.utcoffset() != end.utcoffset()


def no_baseline(plan, *frames):
    plan["people_posting_90d"].pop("baseline")


SCORECARDS = [
    ("a target with no baseline", no_baseline, "target with no baseline"),
    ("a target that is no better",
     lambda plan, *f: plan["median_hours_to_first_reply_90d"].update(
         target=plan["median_hours_to_first_reply_90d"]["baseline"] + 5), "no improvement"),
    ("an outcome oversold",
     lambda plan, *f: plan["mean_assessment_score"].update(claim="causes"), "oversells"),
    ("activity only", lambda plan, *f: plan.pop("mean_assessment_score"),
     "no 'mean_assessment_score'"),
    ("a baseline not from the data",
     lambda plan, *f: plan["people_posting_90d"].update(baseline=1000, target=1200),
     "not computed from the scenario's data"),
    ("no target", lambda plan, *f: plan["answered_share_90d"].update(target=None),
     "no measurable target"),
    ("first replies in negative hours",
     lambda plan, *f: plan["median_hours_to_first_reply_90d"].update(target=-1000.0),
     "cannot be reached"),
    ("more people posting than have an account",
     lambda plan, *f: plan["people_posting_90d"].update(target=1e300),
     "more people than have an account"),
    ("a score above the scale",
     lambda plan, *f: plan["mean_assessment_score"].update(target=1e9), "top of the scale"),
    ("every claim at once, as a column",
     lambda plan, *f: plan["mean_assessment_score"].update(
         claim=pd.Series(["contributes", "causes"])), "claims a pandas Series"),
    ("the outcome's claim hedged with another key",
     lambda plan, *f: plan["mean_assessment_score"].update(also="causes"),
     "'baseline', 'target' and 'claim'"),
]


@pytest.mark.parametrize(("change", "named"), [p[1:] for p in SCORECARDS],
                         ids=[p[0] for p in SCORECARDS])
def test_scorecard_rejects_unsound_plans_by_name(solved, change, named):
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.scorecard(changed("scorecard", solved, change))
    assert named in str(failed.value)


def test_a_scorecard_typed_in_fails_on_other_data(solved):
    frames = [solved[n] for n in ("posts", "community_accounts", "org_after", "sponsors",
                                  "outcomes")]
    frozen = solved["scorecard"](*frames)
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.scorecard_edge_cases(lambda *frames: frozen)
    assert "baseline" in str(failed.value)


# --- other sound plans pass ---------------------------------------------------------------------

def test_other_sound_plans_pass(solved):
    def informed_where_allowed(sponsors, org_after):
        plan = solved["sponsor_plan"](sponsors, org_after)
        comfort = sponsors.set_index("employee_id")["social_media_comfort"]
        for entry in plan.values():
            if entry["action"] == "showcase" and comfort[entry["sponsor"]] >= 3:
                entry["action"] = "coach"
        return plan

    def three_slots(org_after):
        plan = solved["chat_plan"](org_after)
        east = [o for o in ("London", "Bengaluru", "Singapore") if o in set(org_after["location"])]
        west = sorted(set(org_after["location"]) - set(east))
        plan["slots"] = [
            {"weekday": "Wednesday", "time": "14:30", "time_zone": "Asia/Kolkata",
             "minutes": 45, "offices": east},
            {"weekday": "Monday", "time": "15:00", "time_zone": "UTC", "minutes": 30,
             "offices": [o for o in west if o != "São Paulo"]},
            {"weekday": "Friday", "time": "10:00", "time_zone": "America/Sao_Paulo",
             "minutes": 90, "offices": [o for o in west if o == "São Paulo"]},
        ]
        plan["slots"] = [slot for slot in plan["slots"] if slot["offices"]]
        plan["follow"] = ["hjarche@mastodon.social", "@julianstodd", "janebozarth.bsky.social"]
        return plan

    def lean_scorecard(*frames):
        card = solved["scorecard"](*frames)
        for metric in ("answered_share_90d", "units_with_sponsor"):
            card.pop(metric, None)
        return card

    for task, learner in (("sponsor_plan", informed_where_allowed), ("chat_plan", three_slots),
                          ("scorecard", lean_scorecard)):
        getattr(checks, task)(learner)
        getattr(checks, f"{task}_edge_cases")(learner)


def test_the_scenario_holds_what_the_tasks_are_about(solved):
    changes = solved["what_changed"](solved["org_before"], solved["org_after"],
                                     solved["sponsors"])
    assert changes["departed_sponsors"] and changes["units_without_sponsor"]
    evidence = solved["community_choice"](solved["communities"], solved["posts"],
                                          solved["community_accounts"],
                                          solved["org_after"])["evidence"]
    assert any(facts["people_posting_90d"] < 5 for facts in evidence.values())
    assert any(not facts["owner_still_here"] for facts in evidence.values())
    offices = set(solved["org_after"]["location"])
    assert {"Singapore", "New York"} <= offices
    stances = set(solved["sponsors"]["stance"].astype(str))
    assert "skeptical" in stances


def test_numbers_from_numpy_count_as_numbers(solved):
    """A baseline computed with pandas may be a numpy number: still a baseline."""
    import numpy as np

    def numpy_scorecard(*frames):
        card = solved["scorecard"](*frames)
        card["people_posting_90d"]["baseline"] = np.int64(card["people_posting_90d"]["baseline"])
        card["mean_assessment_score"]["target"] = np.float64(
            card["mean_assessment_score"]["target"])
        return card

    def numpy_minutes(org_after):
        plan = solved["chat_plan"](org_after)
        for slot in plan["slots"]:
            slot["minutes"] = np.int64(45)
        return plan

    checks.scorecard(numpy_scorecard)
    checks.chat_plan(numpy_minutes)
    with pytest.raises(feedback.CheckFailed, match="no baseline"):
        checks.scorecard(changed("scorecard", solved, lambda plan, *f: plan[
            "people_posting_90d"].update(baseline=True)))


def test_the_lone_learner_sees_the_exemplar_and_rubric_after_a_draft(tmp_path, monkeypatch,
                                                                     capsys):
    import nbformat

    from sociallearning import exercises

    work = tmp_path / "my-work"
    notebook = source_notebook(NAME)
    for cell in notebook.cells:
        if cell_info(cell).get("grade_id") == "proof_of_practice":
            cell.source = "YOUR ANSWER HERE"
    (work / NAME).mkdir(parents=True)
    nbformat.write(notebook, work / NAME / f"{NAME}.ipynb")
    monkeypatch.setattr(exercises, "where_is_my_work", lambda: work)
    exercise = Exercise(NAME)
    exercise.solution("proof_of_practice")
    assert "Have a go first" in capsys.readouterr().out
    for cell in notebook.cells:
        if cell_info(cell).get("grade_id") == "proof_of_practice":
            cell.source = ("I posted a work-out-loud note in our community about the relaunch "
                           "draft and two colleagues replied with ideas; I joined a chat on "
                           "Thursday and followed three people on two networks.")
    nbformat.write(notebook, work / NAME / f"{NAME}.ipynb")
    exercise.solution("proof_of_practice")
    shown = capsys.readouterr().out
    assert "An example answer" in shown
    assert all(f"- [ ] {point}" in shown for point in exercise.rubric("proof_of_practice"))
