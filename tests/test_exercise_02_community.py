"""Exercise 02_community: every test cell passes on the solution and rejects typical wrong
answers (bots kept, replies counted instead of people, self-replies, off by one, unsorted,
wrong type, None, an object that claims to equal anything)."""

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

NAME = "02_community"
TASKS = ["time_to_first_response", "participation_inequality", "champions_by_people_helped",
         "contributor_absence_factor", "contribution_funnel"]
TEST_CELLS = dict(test_cells(NAME))
SOLUTION_CELLS = solution_cells(NAME)
run_test_cell = partial(run_exercise_test_cell, NAME)

checks = Exercise("02_community").checks_module()


@pytest.fixture(scope="module")
def solved():
    return solution_namespace(NAME)


def variant(task, old, new, namespace):
    return solution_variant(NAME, task, [(old, new)], namespace)



# (task, what the slip is, old text in the solution, new text)
SLIPS = [
    ("time_to_first_response", "bots kept",
     'people = posts[~posts["author_id"].isin(bots)]', "people = posts"),
    ("time_to_first_response", "the author's own reply counts as a response",
     'by_others = pairs[pairs["author_id_reply"] != pairs["author_id"]]', "by_others = pairs"),
    ("time_to_first_response", "minutes instead of hours",
     "pd.Timedelta(hours=1)", "pd.Timedelta(minutes=1)"),
    ("time_to_first_response", "unanswered posts dropped",
     'roots.join(first_reply, on="post_id")', 'roots.join(first_reply, on="post_id", how="inner")'),
    ("participation_inequality", "bots kept",
     'people = posts[~posts["author_id"].isin(bots)]', "people = posts"),
    ("participation_inequality", "top 1% rounded down",
     "math.ceil(size * 0.01)", "math.floor(size * 0.01)"),
    ("participation_inequality", "lurkers left out", 'how="outer"', 'how="right"'),
    ("participation_inequality", "contributors who never joined left out",
     'how="outer"', 'how="left"'),
    ("participation_inequality", "more heavy contributors than people who contributed",
     "min(math.ceil(size * 0.01), posters)", "math.ceil(size * 0.01)"),
    ("champions_by_people_helped", "bots kept",
     'people = posts[~posts["author_id"].isin(bots)]', "people = posts"),
    ("champions_by_people_helped", "replies counted instead of distinct people",
     'people_helped=("helped", "nunique")', 'people_helped=("helped", "size")'),
    ("champions_by_people_helped", "replies to oneself counted",
     ' & (replies["helped"] != replies["author_id"])', ""),
    ("champions_by_people_helped", "replies to bots counted",
     'author_of = people.set_index("post_id")', 'author_of = posts.set_index("post_id")'),
    ("champions_by_people_helped", "ties broken Z to A",
     "ascending=[False, False, True]", "ascending=[False, False, False]"),
    ("champions_by_people_helped", "one row too many", "head(top)", "head(top + 1)"),
    ("champions_by_people_helped", "months of different years merged", '"%Y-%m"', '"%m"'),
    ("contributor_absence_factor", "bots kept",
     'people = posts[~posts["author_id"].isin(bots)]', "people = posts"),
    ("contributor_absence_factor", "more than half instead of at least half",
     "< total / 2", "<= total / 2"),
    ("contributor_absence_factor", "a float instead of an int",
     "return int(still_short.sum()) + 1", "return float(still_short.sum() + 1)"),
    ("contributor_absence_factor", "no answer of 0 for no posts",
     "    if total == 0:\n        return 0\n", ""),
    ("contribution_funnel", "bots kept",
     'joined = set(memberships["account_id"]) - bots', 'joined = set(memberships["account_id"])'),
    ("contribution_funnel", "weeks starting on Sunday",
     "created.dt.day_of_week", "((created.dt.day_of_week + 1) % 7)"),
    ("contribution_funnel", "two posts instead of two weeks", ".nunique()", ".size()"),
    ("contribution_funnel", "contributions by non-members counted",
     'theirs = posts[posts["author_id"].isin(joined)]',
     'theirs = posts[~posts["author_id"].isin(bots)]'),
    ("contribution_funnel", "conversion from the first stage instead of the previous one",
     'previous = funnel["people"].shift(1)',
     'previous = pd.Series([len(joined)] * 3).where(funnel["people"].index > 0)'),
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
        return result.to_numpy().tolist() if isinstance(result, pd.DataFrame) else [result]
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


@pytest.mark.parametrize("task", [t for t in TASKS if t != "contributor_absence_factor"])
def test_rows_in_the_wrong_order_are_caught(task, solved):
    with pytest.raises(feedback.CheckFailed, match="order"):
        run_test_cell(task, frames_reversed(solved[task]), solved)


def test_a_learner_who_changes_the_inputs_cannot_change_the_expected_answer(solved):
    def correct_but_destructive(posts, accounts, top=10):
        result = solved["champions_by_people_helped"](posts, accounts, top=top)
        posts["author_id"] = "someone"
        accounts["is_bot"] = False
        return result

    run_test_cell("champions_by_people_helped", correct_but_destructive, solved)
    assert checks.TINY_POSTS["author_id"].nunique() > 1 and checks.TINY_ACCOUNTS["is_bot"].any()


def test_every_task_has_hints_from_nudge_to_near_answer():
    for task in TASKS:
        hints = SOLUTION_CELLS[task].metadata["sociallearning"]["hints"]
        assert 2 <= len(hints) <= 3 and all(len(hint) > 40 for hint in hints)


def test_points_and_hidden_tests():
    points = {grade_id: cell_info(cell).get("points")
              for cell in source_notebook(NAME).cells
              for grade_id in [cell_info(cell).get("grade_id")] if cell_info(cell).get("grade")}
    assert points == {"test_time_to_first_response": 2, "test_participation_inequality": 3,
                      "test_champions_by_people_helped": 3, "test_contributor_absence_factor": 2,
                      "test_contribution_funnel": 3, "reflection_build_or_join": 3}
    assert all("BEGIN HIDDEN TESTS" in source for source in TEST_CELLS.values())


# Each task's headline mistake fails its VISIBLE check, with a message that names it.
HEADLINE_PITFALLS = [
    ("time_to_first_response", 'people = posts[~posts["author_id"].isin(bots)]',
     "people = posts", "helper bot"),
    ("contributor_absence_factor", 'people = posts[~posts["author_id"].isin(bots)]',
     "people = posts", "bot was counted as a person"),
    ("participation_inequality", 'how="outer"', 'how="left"',
     "posted without joining was left out"),
    ("contribution_funnel",
     'monday = created.dt.normalize() - pd.to_timedelta(created.dt.day_of_week, unit="D")',
     "monday = created.dt.isocalendar().week", "week 10 of 2025 is not week 10 of 2026"),
]


@pytest.mark.parametrize("task, old, new, named", HEADLINE_PITFALLS,
                         ids=[p[0] for p in HEADLINE_PITFALLS])
def test_the_visible_check_names_the_headline_mistake(solved, task, old, new, named):
    wrong = variant(task, old, new, solved)
    with pytest.raises(feedback.CheckFailed) as failed:
        getattr(checks, task)(wrong)
    assert named in str(failed.value)
    getattr(checks, task)(solved[task])  # and the solution still passes
