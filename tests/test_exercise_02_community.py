"""Exercise 02_community: every test cell passes on the solution and rejects typical wrong
answers (bots kept, people who posted without joining left out, self-replies, weeks of
different years merged, units from before the re-org, window edges, unsorted, wrong type,
None, an object that claims to equal anything), each headline mistake with a message that
names it; the decision task accepts any sound decision and names the unsound ones."""

from functools import partial

import pandas as pd
import pytest
from exercise_helpers import (
    AlwaysEqual,
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

NAME = "02_community"
TASKS = ["bot_share", "activity_trend", "answers_since", "lurkers_since", "dependence_since",
         "repeat_contributors", "build_or_join"]
FRAME_TASKS = ["activity_trend", "answers_since", "lurkers_since", "dependence_since",
               "repeat_contributors"]
TEST_CELLS = dict(test_cells(NAME))
SOLUTION_CELLS = solution_cells(NAME)
run_test_cell = partial(run_exercise_test_cell, NAME)

checks = Exercise("02_community").checks_module()


@pytest.fixture(scope="module")
def solved():
    return solution_namespace(NAME)


def variant(task, old, new, namespace):
    return solution_variant(NAME, task, [(old, new)], namespace)


NO_BOTS = 'bots = accounts.loc[accounts["is_bot"], "account_id"]'
KEEP_BOTS = 'bots = accounts.loc[accounts["is_bot"] & False, "account_id"]'

# (task, what the slip is, old text in the solution, new text)
SLIPS = [
    ("bot_share", "the people's share instead of the bots'",
     'posts["author_id"].isin(bots).mean()', '(~posts["author_id"].isin(bots)).mean()'),
    ("bot_share", "a count instead of a share", ".mean())", ".sum())"),
    ("bot_share", "no answer of 0.0 for no posts", "if len(posts) else 0.0", ""),
    ("activity_trend", "bots kept", NO_BOTS, KEEP_BOTS),
    ("activity_trend", "`since` itself counted before",
     "(when >= since - length) & (when < since)", "(when >= since - length) & (when <= since)"),
    ("activity_trend", "the window before is everything before",
     "(when >= since - length) & (when < since)", "(when < since)"),
    ("activity_trend", "trend the other way round",
     'table["after"] / table["before"].where(table["before"] > 0)',
     'table["before"] / table["after"].where(table["after"] > 0)'),
    ("activity_trend", "0 instead of NaN when nothing came before",
     'table["before"].where(table["before"] > 0)', 'table["before"].where(table["before"] > 0, 1)'),
    ("answers_since", "bots' replies counted as answers",
     'posts.loc[(posts["kind"] == "reply") & ~posts["author_id"].isin(bot_ids),',
     'posts.loc[(posts["kind"] == "reply"),'),
    ("answers_since", "the author's own reply counts as an answer",
     'by_others = pairs[pairs["author_id_reply"] != pairs["author_id"]]', "by_others = pairs"),
    ("answers_since", "minutes instead of hours",
     "pd.Timedelta(hours=1)", "pd.Timedelta(minutes=1)"),
    ("answers_since", "unanswered posts dropped",
     'roots.join(first, on="post_id")', 'roots.join(first, on="post_id", how="inner")'),
    ("answers_since", "the mean instead of the median",
     '("hours", "median")', '("hours", "mean")'),
    ("lurkers_since", "bots kept", NO_BOTS, KEEP_BOTS),
    ("lurkers_since", "people who posted without joining left out",
     "pd.concat([members, contributors])", "pd.concat([members])"),
    ("lurkers_since", "contributions before the re-org counted",
     'posts[(posts["created_at"] >= since) & ~posts["author_id"].isin(bots)]',
     'posts[~posts["author_id"].isin(bots)]'),
    ("lurkers_since", "contributions counted instead of people",
     'rename(columns={"author_id": "account_id"}).drop_duplicates())',
     'rename(columns={"author_id": "account_id"}))'),
    ("dependence_since", "bots kept", NO_BOTS, KEEP_BOTS),
    ("dependence_since", "units from before the re-org",
     'unit_now = org_after.set_index', 'unit_now = org_before.set_index'),
    ("dependence_since", "leavers dropped instead of counted as unknown",
     '.astype(object).fillna("unknown")', ".astype(object)"),
    ("dependence_since", "contributions before the re-org counted",
     'posts[(posts["created_at"] >= since) & ~posts["author_id"].isin(bots)]',
     'posts[~posts["author_id"].isin(bots)]'),
    ("repeat_contributors", "bots kept", NO_BOTS, KEEP_BOTS),
    ("repeat_contributors", "weeks starting on Sunday",
     "created.dt.day_of_week", "((created.dt.day_of_week + 1) % 7)"),
    ("repeat_contributors", "two posts instead of two weeks", '["week"].nunique()',
     '["week"].size()'),
    ("repeat_contributors", "posts by non-members counted",
     'theirs = posts.merge(members, left_on=["community_id", "author_id"],\n'
     '                         right_on=["community_id", "account_id"])',
     'theirs = posts[~posts["author_id"].isin(bots)].assign(account_id=posts["author_id"])'),
]


@pytest.mark.parametrize("task", TASKS)
def test_the_solution_passes_its_test_cell(task, solved, capsys):
    run_test_cell(task, solved[task], solved)
    printed = capsys.readouterr()
    assert printed.out.count("✔") == 2 and not printed.err  # visible and hidden checks


@pytest.mark.parametrize(("task", "slip", "old", "new"), SLIPS,
                         ids=[f"{task}-{slip}" for task, slip, *_ in SLIPS])
def test_a_typical_slip_is_caught(task, slip, old, new, solved):
    wrong = variant(task, old, new, solved)
    with pytest.raises(feedback.CheckFailed):
        run_test_cell(task, wrong, solved)


def frames_reversed(function):
    def reversed_rows(*args, **kwargs):
        return function(*args, **kwargs).iloc[::-1].reset_index(drop=True)
    return reversed_rows


def as_list(function):
    def listed(*args, **kwargs):
        result = function(*args, **kwargs)
        if isinstance(result, pd.DataFrame):
            return result.to_numpy().tolist()
        return list(result.values()) if isinstance(result, dict) else [result]
    return listed


WRONG_SHAPES = {
    "None": lambda function: lambda *args, **kwargs: None,
    "always equal": lambda function: lambda *args, **kwargs: AlwaysEqual(),
    "a list": as_list,
    "text": lambda function: lambda *args, **kwargs: str(function(*args, **kwargs)),
}


@pytest.mark.parametrize("shape", list(WRONG_SHAPES))
@pytest.mark.parametrize("task", TASKS)
def test_wrong_kinds_of_result_are_caught(task, shape, solved):
    wrong = WRONG_SHAPES[shape](solved[task])
    with pytest.raises(feedback.CheckFailed):
        run_test_cell(task, wrong, solved)


@pytest.mark.parametrize("task", FRAME_TASKS)
def test_rows_in_the_wrong_order_are_caught(task, solved):
    with pytest.raises(feedback.CheckFailed, match="order"):
        run_test_cell(task, frames_reversed(solved[task]), solved)


def test_a_learner_who_changes_the_inputs_cannot_change_the_expected_answer(solved):
    def correct_but_destructive(posts, memberships, accounts, since=None):
        result = solved["lurkers_since"](posts, memberships, accounts, since=since)
        posts["author_id"] = "someone"
        accounts["is_bot"] = False
        return result

    run_test_cell("lurkers_since", correct_but_destructive, solved)
    assert checks.TINY_POSTS["author_id"].nunique() > 1 and checks.TINY_ACCOUNTS["is_bot"].any()


def test_every_task_has_a_test_cell_a_solution_and_hints():
    check_task_anatomy(NAME, TASKS, written=["reflection_build_or_join"])


def test_every_task_has_hints_from_nudge_to_near_answer():
    for task in TASKS:
        hints = SOLUTION_CELLS[task].metadata["sociallearning"]["hints"]
        assert 2 <= len(hints) <= 3 and all(len(hint) > 40 for hint in hints)


def test_points_hidden_tests_and_a_ramp():
    cells = source_notebook(NAME).cells
    points = {grade_id: cell_info(cell).get("points")
              for cell in cells
              for grade_id in [cell_info(cell).get("grade_id")] if cell_info(cell).get("grade")}
    assert points == {"test_bot_share": 1, "test_activity_trend": 2, "test_answers_since": 3,
                      "test_lurkers_since": 2, "test_dependence_since": 3,
                      "test_repeat_contributors": 2, "test_build_or_join": 3,
                      "reflection_build_or_join": 3}
    assert all("BEGIN HIDDEN TESTS" in source for source in TEST_CELLS.values())
    # The first task is short; the long ones start with a step written for the learner.
    first = SOLUTION_CELLS[TASKS[0]].source
    answer = first.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
    assert len([line for line in answer.splitlines() if line.strip()]) <= 3
    for task in ("activity_trend", "answers_since", "dependence_since", "build_or_join"):
        before_answer = SOLUTION_CELLS[task].source.split("### BEGIN SOLUTION")[0]
        assert "Step 1 (done for you)" in before_answer and "Step 2" in before_answer


def test_each_solution_cell_has_one_answer_region():
    """A learner gets one `raise NotImplementedError()` per task, never two."""
    for task, cell in SOLUTION_CELLS.items():
        assert cell.source.count("### BEGIN SOLUTION") == 1, task
        after = cell.source.split("### END SOLUTION")[1]
        assert "NotImplementedError" not in after and not after.strip(), task


def test_the_module_notebook_does_not_provide_an_answer():
    """No name the exercise asks for is defined or imported by the module or the toolkit."""
    import sociallearning.community as community
    import sociallearning.participation as participation

    module = open_module_notebook()
    for task in TASKS:
        assert task not in module, task
        assert not hasattr(community, task) and not hasattr(participation, task), task


def open_module_notebook() -> str:
    from pathlib import Path

    import nbformat

    path = Path(__file__).resolve().parents[1] / "course" / f"{NAME}.ipynb"
    return "\n".join(cell.source for cell in nbformat.read(str(path), as_version=4).cells)


# Each task's headline mistake fails its VISIBLE check, with a message that names it.
HEADLINE_PITFALLS = [
    ("answers_since", 'posts.loc[(posts["kind"] == "reply") & ~posts["author_id"].isin(bot_ids),',
     'posts.loc[(posts["kind"] == "reply"),', "helper bot"),
    ("dependence_since", NO_BOTS, KEEP_BOTS, "bot was counted as a person"),
    ("activity_trend", NO_BOTS, KEEP_BOTS, "bot was counted as a person"),
    ("dependence_since", 'unit_now = org_after.set_index', 'unit_now = org_before.set_index',
     "units are the ones from before the re-org"),
    ("lurkers_since", "pd.concat([members, contributors])", "pd.concat([members])",
     "posted without joining was left out"),
    ("repeat_contributors",
     'monday = created.dt.normalize() - pd.to_timedelta(created.dt.day_of_week, unit="D")',
     "monday = created.dt.isocalendar().week", "week 10 of 2025 is not week 10 of 2026"),
    ("bot_share", 'posts["author_id"].isin(bots).mean()',
     '(~posts["author_id"].isin(bots)).mean()', "share written by people"),
]


@pytest.mark.parametrize("task, old, new, named", HEADLINE_PITFALLS,
                         ids=[f"{p[0]}-{p[3][:20]}" for p in HEADLINE_PITFALLS])
def test_the_visible_check_names_the_headline_mistake(solved, task, old, new, named):
    wrong = variant(task, old, new, solved)
    with pytest.raises(feedback.CheckFailed) as failed:
        getattr(checks, task)(wrong)
    assert named in str(failed.value)
    getattr(checks, task)(solved[task])  # and the solution still passes


# --- 2.7: a decision, not a formula --------------------------------------------------------

def numbers_of(solved, community_id, posts=None):
    """The reference numbers of one community since the re-org."""
    posts = solved["posts"] if posts is None else posts
    table = checks.community_numbers(posts, solved["accounts"], solved["org_before"],
                                     solved["org_after"], solved["REORG_DATE"],
                                     solved["REFERENCE_NOW"])
    row = table.loc[community_id]
    return {name: int(row[name]) if name in checks.WHOLE_NUMBERS else float(row[name])
            for name in checks.NUMBERS}


def decided(solved, decision, community_id):
    def answer(posts, accounts, org_before, org_after, since=None, now=None):
        return {"decision": decision, "community_id": community_id,
                **numbers_of(solved, community_id, posts)}
    return answer


def fit_and_unfit(solved):
    table = checks.community_numbers(solved["posts"], solved["accounts"], solved["org_before"],
                                     solved["org_after"], solved["REORG_DATE"],
                                     solved["REFERENCE_NOW"])
    fit = [c for c in table.index if not checks.broken_rules(table.loc[c])]
    return table, fit


def test_the_sample_data_holds_sound_and_unsound_choices(solved):
    table, fit = fit_and_unfit(solved)
    assert 2 <= len(fit) < len(table)  # more than one sound answer, and traps
    reasons = {c: " ".join(checks.broken_rules(table.loc[c])) for c in table.index}
    assert any("elephant factor 1" in text for text in reasons.values())
    assert any("dying" in text or "fading" in text for text in reasons.values())


def test_build_or_join_accepts_another_sound_decision(solved):
    _, fit = fit_and_unfit(solved)
    chosen = solved["build_or_join"](solved["posts"], solved["accounts"], solved["org_before"],
                                     solved["org_after"])["community_id"]
    other = next(c for c in fit if c != chosen)
    checks.build_or_join(decided(solved, "join", other))


def unfit_with(solved, words):
    table, _ = fit_and_unfit(solved)
    return next(c for c in table.index if words in " ".join(checks.broken_rules(table.loc[c])))


@pytest.mark.parametrize("case, named", [
    ("join a community one unit carries", "elephant factor 1"),
    ("join a fading community", "fading"),
    ("build although a community is fit", "fit to join on every rule"),
    ("numbers counted with the bots", "check your answers to 2.2, 2.3 and 2.5"),
    ("a community that does not exist", "not in the data"),
    ("no numbers", "five numbers"),
    ("maybe", "'join' or 'build'"),
    ("both, as a column", "decision a pandas Series"),
])
def test_build_or_join_names_an_unsound_decision(case, named, solved):
    if case == "join a community one unit carries":
        wrong = decided(solved, "join", unfit_with(solved, "elephant factor 1"))
    elif case == "join a fading community":
        wrong = decided(solved, "join", unfit_with(solved, "fading"))
    elif case == "build although a community is fit":
        wrong = decided(solved, "build", fit_and_unfit(solved)[1][0])
    elif case == "numbers counted with the bots":
        wrong = variant("build_or_join", "table = (answers_since(posts, accounts, since)",
                        'accounts = accounts.assign(is_bot=False)\n'
                        '    table = (answers_since(posts, accounts, since)', solved)
    elif case == "a community that does not exist":
        def wrong(*args, **kwargs):
            return {**solved["build_or_join"](*args, **kwargs), "community_id": "C99"}
    elif case == "no numbers":
        def wrong(*args, **kwargs):
            return {"decision": "join", "community_id": "C02"}
    elif case == "both, as a column":
        def wrong(*args, **kwargs):
            return {**solved["build_or_join"](*args, **kwargs),
                    "decision": pd.Series(["join", "build"])}
    else:
        def wrong(*args, **kwargs):
            return {**solved["build_or_join"](*args, **kwargs), "decision": "maybe"}
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.build_or_join(wrong)
    assert named in str(failed.value)


def test_build_or_join_hidden_checks_read_the_numbers_from_since(solved):
    """A function that ignores `since` (the re-org date fixed inside it) passes the visible
    check but not the hidden case with a later `since`."""
    def since_ignored(posts, accounts, org_before, org_after, since=None, now=None):
        return solved["build_or_join"](posts, accounts, org_before, org_after)

    checks.build_or_join(since_ignored)
    with pytest.raises(feedback.CheckFailed) as failed:
        checks.build_or_join_edge_cases(since_ignored)
    assert "since = 1 December 2025" in str(failed.value)


def test_build_or_join_hidden_checks_want_build_when_nothing_is_fit(solved):
    def always_join_c05(posts, accounts, org_before, org_after, since=None, now=None):
        return {"decision": "join", "community_id": "C05", **numbers_of(solved, "C05", posts)}

    with pytest.raises(feedback.CheckFailed, match="No community is fit to join: build"):
        checks.build_or_join_edge_cases(always_join_c05)
    checks.build_or_join_edge_cases(solved["build_or_join"])
