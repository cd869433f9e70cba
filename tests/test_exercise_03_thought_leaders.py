"""Exercise 03: on X, Mastodon and Bluesky alike, every test cell passes the source notebook's
solutions, fails the untouched release, and rejects typical wrong answers with a message that
names the mistake (rows counted instead of leaders, only the first page read, a bot or an
inactive account kept, someone followed already, evidence the data does not support, a list
that only echoes the leaders)."""

import re
from functools import partial

import numpy as np
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

from sociallearning import feedback, following
from sociallearning.exercises import Exercise

NAME = "03_thought_leaders"
TASKS = ["followed_by_all", "all_followers", "candidates", "follow_next"]
TEST_CELLS = dict(test_cells(NAME))
SOLUTION_CELLS = solution_cells(NAME)
run_test_cell = partial(run_exercise_test_cell, NAME)

exercise = Exercise(NAME)
checks = exercise.checks_module()


@pytest.fixture(scope="module")
def solved():
    return solution_namespace(NAME)


def variant(task, edits, namespace):
    return solution_variant(NAME, task, edits, namespace)


def released(task, namespace):
    """The function as the learner receives it: the solution replaced by the stub."""
    source = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "raise NotImplementedError()",
                    SOLUTION_CELLS[task].source, flags=re.S)
    scope = dict(namespace)
    exec(source, scope)
    return scope[task]


# (task, the slip, edits to the solution, which check catches it, words the message holds)
SLIPS = [
    ("followed_by_all", "two or more leaders instead of all",
     [("counts == len(leaders)", "counts >= 2")], "visible", "followed_by_all"),
    ("followed_by_all", "rows counted, not leaders",
     [('["source_username"].nunique()', ".size()")], "hidden", "counted rows"),
    ("followed_by_all", "followers who are not leaders counted",
     [('edges[edges["source_username"].isin(leaders)]', "edges")], "hidden",
     "followed_by_all"),
    ("followed_by_all", "not sorted",
     [("return sorted(counts[counts == len(leaders)].index)",
       "return list(counts[counts == len(leaders)].index)[::-1]")], "visible", "A to Z"),
    ("followed_by_all", "wrong type (a set)",
     [("return sorted(", "return set(")], "visible", "should return a list"),
    ("all_followers", "only the first page read",
     [("    while cursor is not None:\n"
       "        page, cursor = followers_page(network, handle, cursor, limit=page_size)\n"
       "        handles.extend(page)\n", "")], "visible", "pass the cursor back"),
    ("all_followers", "the last page dropped",
     [("        handles.extend(page)",
       "        if cursor is not None:\n            handles.extend(page)")], "visible",
     "all_followers"),
    ("all_followers", "not sorted",
     [("return sorted(set(handles))", "return handles")], "visible", "order"),
    ("all_followers", "wrong type (a set)",
     [("return sorted(set(handles))", "return set(handles)")], "visible",
     "should return a list"),
    ("candidates", "inactive accounts kept",
     [(' & (table["last_post"] >= since)', "")], "visible", "inactive"),
    ("candidates", "bots kept",
     [(' & ~table["bot"]', "")], "hidden", "a bot"),
    ("candidates", "accounts followed already kept",
     [(' & ~table["handle"].isin(my_follows)', "")], "visible", "follow already"),
    ("candidates", "leaders kept",
     [('~table["handle"].isin(leaders) & ', "")], "visible", "one of your leaders"),
    ("candidates", "rows counted, not leaders",
     [('["source_username"].nunique()', ".size()")], "hidden", "count distinct leaders"),
    ("candidates", "more than min_leaders instead of at least",
     [("counts >= min_leaders", "counts > min_leaders")], "visible", "candidates("),
    ("candidates", "ties broken Z to A",
     [("ascending=[False, True]", "ascending=[False, False]")], "visible", "order"),
    ("candidates", "wrong type (a dict)",
     [("return table[columns].reset_index(drop=True)",
       "return table[columns].reset_index(drop=True).to_dict()")], "visible",
     "should return a pandas DataFrame"),
]


def test_every_task_has_a_test_cell_a_solution_and_hints():
    manual = check_task_anatomy(NAME, TASKS, written=["reflection_three_to_follow"])
    rubric = manual[0].metadata["sociallearning"]["rubric"]
    assert any("Sense" in line for line in rubric) and "Sense" in manual[0].source


def test_the_ramp_starts_short_and_scaffolds_the_long_ones():
    def solution_lines(task):
        return answer_lines(SOLUTION_CELLS[task])

    assert len(solution_lines("followed_by_all")) <= 3
    for task in ("all_followers", "candidates"):  # part of the code is given
        given = SOLUTION_CELLS[task].source.split("### BEGIN SOLUTION")[0]
        assert "followers_page(" in given or "from_leaders =" in given
    text = "\n".join(c.source for c in source_notebook(NAME).cells)
    assert "Time to complete" in text and "Step 1" in text


def test_the_learner_picks_a_network_in_one_line():
    setup = next(c for c in source_notebook(NAME).cells if cell_info(c).get("grade_id") ==
                 "setup")
    assert setup.source.startswith('NETWORK = "mastodon"')


@pytest.mark.parametrize("task", TASKS)
def test_the_solution_passes_its_test_cell(solved, task, capsys):
    run_test_cell(task, solved[task], solved)
    out, err = capsys.readouterr()
    assert out.count("✔") == 2 and err == ""


@pytest.mark.parametrize("network", following.NETWORKS)
def test_the_solutions_run_on_the_network_the_learner_picks(network, capsys):
    """The notebook as a learner who picked `network` runs it: setup, then each answer."""
    namespace = {"__name__": "exercise"}
    for cell in source_notebook(NAME).cells:
        info = cell_info(cell)
        if cell.cell_type != "code" or info.get("grade"):
            continue
        source = cell.source.replace('NETWORK = "mastodon"', f'NETWORK = "{network}"')
        exec(compile(source, info.get("grade_id", "?"), "exec"), namespace)
    world = namespace["world"]
    assert world.network == network
    args = (namespace["edges"], namespace["people"], namespace["leaders"],
            namespace["my_follows"], namespace["today"])
    assert namespace["followed_by_all"](namespace["edges"], namespace["leaders"])
    assert len(namespace["all_followers"](network, world.chat_host)) > 20
    assert len(namespace["candidates"](*args)) >= 3
    assert 3 <= len(namespace["follow_next"](*args)) <= 5


@pytest.mark.parametrize("task", TASKS)
def test_the_untouched_release_fails(solved, task):
    with pytest.raises((feedback.CheckFailed, NotImplementedError)):
        getattr(checks, task)(released(task, solved))


@pytest.mark.parametrize(("task", "slip", "edits", "caught_by", "words"), SLIPS,
                         ids=[f"{task}: {slip}" for task, slip, *_ in SLIPS])
def test_a_typical_slip_is_rejected_and_named(solved, task, slip, edits, caught_by, words):
    wrong = variant(task, edits, solved)
    check = getattr(checks, task if caught_by == "visible" else f"{task}_edge_cases")
    with pytest.raises(feedback.CheckFailed) as failed:
        check(wrong)
    assert words in str(failed.value), str(failed.value)
    with pytest.raises(feedback.CheckFailed):
        run_test_cell(task, wrong, solved)


@pytest.mark.parametrize("task", ["followed_by_all", "all_followers", "candidates"])
@pytest.mark.parametrize("answer", [None, AlwaysEqual()], ids=["None", "always-equal"])
def test_none_and_an_always_equal_object_are_rejected(task, answer):
    with pytest.raises(feedback.CheckFailed):
        getattr(checks, task)(lambda *args, **kwargs: answer)


def test_a_frame_of_the_wrong_shape_gets_a_sentence_not_a_traceback():
    with pytest.raises(feedback.CheckFailed) as failed:
        exercise.checks.candidates(lambda *a, **k: pd.DataFrame({"username": ["a"]}))
    assert "columns" in str(failed.value)
    with pytest.raises(feedback.CheckFailed) as failed:
        exercise.checks.follow_next(lambda *a, **k: [{"who": "a"}] * 3)
    assert "'handle', 'reason' and 'leaders_following'" in str(failed.value)


# --- 3.4, a decision: any sound list passes, named rules fail the rest -----------------------

def _picks(table, reason, count):
    return [{"handle": h, "reason": reason, "leaders_following": int(n)}
            for h, n in zip(table["handle"][:count], table["leaders_following"][:count],
                            strict=True)]


def only_co_followed(solved):
    def follow_next(edges, people, leaders, my_follows, today):
        return _picks(solved["candidates"](edges, people, leaders, my_follows, today),
                      "co-followed", 3)
    return follow_next


def evidence_made_up(solved):
    def follow_next(*args):
        return [{**pick, "leaders_following": 3} for pick in solved["follow_next"](*args)]
    return follow_next


def someone_followed_already(solved):
    def follow_next(edges, people, leaders, my_follows, today):
        picks = solved["follow_next"](edges, people, leaders, my_follows, today)
        known = [h for h in my_follows if h not in leaders][0]
        count = edges[edges["target_username"] == known]["source_username"].nunique()
        picks[0] = {"handle": known, "reason": "co-followed" if count >= 2 else
                    "different voice", "leaders_following": int(count)}
        return picks
    return follow_next


def no_filter_at_all(solved):
    """Ranks the raw co-following counts: a bot every leader follows comes first."""
    def follow_next(edges, people, leaders, my_follows, today):
        counts = (edges[edges["source_username"].isin(leaders)]
                  .groupby("target_username")["source_username"].nunique())
        top = counts.sort_values(ascending=False).index[:2]
        picks = [{"handle": h, "reason": "co-followed", "leaders_following": int(counts[h])}
                 for h in top]
        return picks + solved["follow_next"](edges, people, leaders, my_follows, today)[-1:]
    return follow_next


def an_inactive_account(solved):
    def follow_next(edges, people, leaders, my_follows, today):
        picks = solved["follow_next"](edges, people, leaders, my_follows, today)
        counts = (edges[edges["source_username"].isin(leaders)]
                  .groupby("target_username")["source_username"].nunique())
        quiet = people[people["last_post"].isna() & people["handle"].isin(counts.index)
                       & ~people["handle"].isin(list(leaders) + list(my_follows))]
        handle = quiet["handle"].iloc[0]
        picks[0] = {"handle": handle, "reason": "co-followed" if counts[handle] >= 2
                    else "different voice", "leaders_following": int(counts[handle])}
        return picks
    return follow_next


def a_voice_no_leader_follows(solved):
    """Any active row of `people` (the learner included) as a 'different voice', 0 leaders."""
    def follow_next(edges, people, leaders, my_follows, today):
        picks = [p for p in solved["follow_next"](edges, people, leaders, my_follows, today)
                 if p["reason"] == "co-followed"]
        followed = set(edges.loc[edges["source_username"].isin(leaders), "target_username"])
        recent = people["last_post"] >= today - pd.Timedelta(days=30)
        nobody = people[recent & ~people["bot"].astype(bool) & ~people["handle"].isin(
            followed | set(leaders) | set(my_follows))]
        return picks + [{"handle": nobody["handle"].iloc[0], "reason": "different voice",
                         "leaders_following": 0}]
    return follow_next


def a_reason_that_is_a_table(solved):
    def follow_next(*args):
        return [{**pick, "reason": pd.Series(["co-followed", "different voice"])}
                for pick in solved["follow_next"](*args)]
    return follow_next


def co_followed_label_on_one_leader(solved):
    def follow_next(*args):
        return [{**pick, "reason": "co-followed"} for pick in solved["follow_next"](*args)]
    return follow_next


DECISION_SLIPS = [
    (only_co_followed, "visible", "all from one voice"),
    (evidence_made_up, "visible", "does not match the data"),
    (someone_followed_already, "visible", "whom you follow already"),
    (no_filter_at_all, "hidden", "a bot"),
    (an_inactive_account, "visible", "inactive"),
    (co_followed_label_on_one_leader, "visible", "co-followed means two or more"),
    (a_voice_no_leader_follows, "visible", "none of your leaders follows them"),
    (a_voice_no_leader_follows, "hidden", "none of your leaders follows them"),
    (a_reason_that_is_a_table, "visible", "reason is a pandas Series"),
    (lambda solved: lambda *a: [{**p, "leaders_following": float(p["leaders_following"])}
                                for p in solved["follow_next"](*a)],
     "visible", "a whole number of leaders"),
    (lambda solved: lambda *a: {p["handle"]: p["reason"] for p in solved["follow_next"](*a)},
     "visible", "should return a list"),
    (lambda solved: lambda *a: solved["follow_next"](*a) * 2, "visible", "3 to 5"),
]


@pytest.mark.parametrize(("make", "caught_by", "words"), DECISION_SLIPS,
                         ids=[w for _, _, w in DECISION_SLIPS])
def test_follow_next_rejects_picks_a_practitioner_would_not_make(solved, make, caught_by,
                                                                 words):
    wrong = make(solved)
    check = checks.follow_next if caught_by == "visible" else checks.follow_next_edge_cases
    with pytest.raises(feedback.CheckFailed) as failed:
        check(wrong)
    assert words in str(failed.value), str(failed.value)
    with pytest.raises(feedback.CheckFailed):
        run_test_cell("follow_next", wrong, solved)


def test_follow_next_accepts_another_sound_list(solved):
    """Three co-followed and two different voices, the best known first: also sound."""
    def also_sound(edges, people, leaders, my_follows, today):
        shared = solved["candidates"](edges, people, leaders, my_follows, today)
        wider = solved["candidates"](edges, people, leaders, my_follows, today, min_leaders=1)
        ones = wider[wider["leaders_following"] == 1].sort_values("followers_count",
                                                                   ascending=False)
        return _picks(shared, "co-followed", 3) + _picks(ones, "different voice", 2)

    checks.follow_next(also_sound)
    checks.follow_next_edge_cases(also_sound)


def test_follow_next_takes_counts_computed_with_pandas(solved):
    """Evidence read off a pandas column (numpy whole numbers) counts as a whole number."""
    def from_pandas(*args):
        return [{**pick, "leaders_following": np.int64(pick["leaders_following"])}
                for pick in solved["follow_next"](*args)]

    checks.follow_next(from_pandas)
    checks.follow_next_edge_cases(from_pandas)


def test_follow_next_is_left_to_grading_in_class_mode():
    assert checks.follow_next.replayable is False
