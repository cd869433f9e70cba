"""Exercise 04_chat: every test cell passes on the solution and rejects typical wrong answers
(a time zone ignoring DST, retweets counted, "a1:" variants missed, impressions reported as
reach, question slots overlapping, a role left empty), each with a message that names it."""

from functools import partial

import pytest
from exercise_helpers import (
    AlwaysEqual,
    check_task_anatomy,
    solution_cells,
    solution_namespace,
    solution_variant,
    test_cells,
)
from exercise_helpers import run_test_cell as run_exercise_test_cell

from sociallearning import feedback
from sociallearning.exercises import Exercise

NAME = "04_chat"
TASKS = ["chat_times_in_offices", "answers_by_person", "chat_numbers", "plan_chat"]
TEST_CELLS = dict(test_cells(NAME))
SOLUTION_CELLS = solution_cells(NAME)
run_test_cell = partial(run_exercise_test_cell, NAME)

checks = Exercise(NAME).checks_module()


@pytest.fixture(scope="module")
def solved():
    return solution_namespace(NAME)


def variant(task, edits, namespace):
    # A slip may use what the setup cell does not import.
    scope = dict(namespace)
    exec("from datetime import timedelta, timezone", scope)
    return solution_variant(NAME, task, edits, scope)


# (task, the slip, edits to the solution, which check catches it, words the message holds)
SLIPS = [
    ("chat_times_in_offices", "a fixed UTC-5 offset for New York",
     [("tzinfo=EASTERN", "tzinfo=timezone(timedelta(hours=-5))")], "visible",
     "time zone ignoring DST"),
    ("chat_times_in_offices", "every office converted with its winter offset",
     [("local = start.astimezone(ZoneInfo(str(office.time_zone)))",
       "local = start.astimezone(timezone(ZoneInfo(str(office.time_zone)).utcoffset("
       "datetime(2026, 1, 15))))")], "visible", "time zone ignoring DST"),
    ("chat_times_in_offices", "the New York date kept for every office",
     [('"date": local.strftime("%Y-%m-%d")', '"date": start.strftime("%Y-%m-%d")')],
     "visible", "the New York date kept"),
    ("chat_times_in_offices", "the autumn change missed (offsets of the first week kept)",
     [("local = start.astimezone(ZoneInfo(str(office.time_zone)))",
       "local = start.astimezone(timezone(start.astimezone(ZoneInfo(str(office.time_zone)))"
       ".utcoffset() if thursday == thursdays[0] else ZoneInfo(str(office.time_zone)).utcoffset("
       "datetime(int(first_thursday[:4]), int(first_thursday[5:7]), "
       "int(first_thursday[8:]), 20))))")], "visible", "time zone ignoring DST"),
    ("chat_times_in_offices", "unsorted",
     [('sort_values(["location", "date"], ignore_index=True)',
       'sort_values(["date", "location"], ignore_index=True)')], "visible", "order"),
    ("answers_by_person", "upper-case A only (a1: missed)",
     [(r"[Aa](\d+)", r"A(\d+)")], "visible", '"a1:" variants missed'),
    ("answers_by_person", "answers in the thread (@host A1) missed",
     [(r"^(?:@\w+\s+)*[Aa]", r"^[Aa]")], "visible", '"a1:" variants missed'),
    ("answers_by_person", "only answers with the hashtag",
     [('tweets = session_tweets[session_tweets["referenced_type"] != "retweeted"]',
       'tweets = session_tweets[(session_tweets["referenced_type"] != "retweeted") & '
       'session_tweets["text"].str.contains("#")]')], "visible", '"a1:" variants missed'),
    ("answers_by_person", "A and a number searched anywhere in the text",
     [(r'str.extract(r"^(?:@\w+\s+)*[Aa](\d+)\b")', r'str.extract(r"\b[Aa](\d+)\b")')],
     "visible", "retweets counted"),
    ("answers_by_person", "retweets counted (label read after RT @name:)",
     [('tweets = session_tweets[session_tweets["referenced_type"] != "retweeted"]',
       "tweets = session_tweets"),
      (r'str.extract(r"^(?:@\w+\s+)*[Aa](\d+)\b")',
       r'str.extract(r"^(?:RT @\w+:\s+)?(?:@\w+\s+)*[Aa](\d+)\b")')],
     "hidden", "retweets counted"),
    ("answers_by_person", "one digit only (A11 read as A1)",
     [(r"[Aa](\d+)", r"[Aa](\d)")], "hidden", "every digit (A10, A11"),
    ("answers_by_person", "answer tweets counted as questions answered",
     [('questions_answered=("question", "nunique")', 'questions_answered=("question", "size")')],
     "hidden", "questions_answered"),
    ("answers_by_person", "ties broken Z to A",
     [("ascending=[False, False, True]", "ascending=[False, False, False]")], "hidden",
     "order"),
    ("chat_numbers", "retweets counted",
     [('tweets = session_tweets[session_tweets["referenced_type"] != "retweeted"]',
       "tweets = session_tweets")], "visible", "retweets counted"),
    ("chat_numbers", "impressions reported as reach",
     [('"report": "reported_impressions"', '"report": "potential_impressions"')], "visible",
     "impressions reported as reach"),
    ("chat_numbers", "followers counted once per person, not per tweet",
     [('reach_if_all_saw.sum()',
       'tweets.drop_duplicates("author_id")["author_id"].map(followers).fillna(0).sum()')],
     "visible", "potential_impressions"),
    ("chat_numbers", "numbers left as numpy numbers",
     [('int(tweets["impression_count"].sum())', 'tweets["impression_count"].sum()')],
     "visible", "whole number (int)"),
    ("chat_numbers", "tweets by an author missing from x_users dropped",
     [('followers = x_users.set_index("id")["followers_count"]',
       'tweets = tweets[tweets["author_id"].isin(x_users["id"])]\n'
       '    followers = x_users.set_index("id")["followers_count"]')], "hidden", "'tweets'"),
    ("plan_chat", "question slots overlapping",
     [('"at_minute": 5 + 8 * (k - 1), "minutes": 8', '"at_minute": 5 + 8 * (k - 1), '
       '"minutes": 10')], "visible", "question slots overlapping"),
    ("plan_chat", "a role left empty",
     [('"note_taker": "Chen (Customer Experience)"', '"note_taker": ""')], "visible",
     "a role left empty"),
    ("plan_chat", "one slot for the whole company",
     [('            {"weekday": "Wednesday", "start": "14:00", "time_zone": "Asia/Singapore"},\n',
       "")], "visible", "no slot suits the Bengaluru office"),
    ("plan_chat", "a slot that ignores the US clock change",
     [('{"weekday": "Tuesday", "start": "09:00", "time_zone": "America/Chicago"}',
       '{"weekday": "Tuesday", "start": "19:00", "time_zone": "UTC"}')], "visible",
     "time zone ignoring DST"),
    ("plan_chat", "too many questions for an hour",
     [('"What is one small experiment your team could try next week?",',
       '"What is one small experiment your team could try next week?",\n'
       '        "One?", "Two?", "Three?",')], "visible", "six to eight"),
    ("plan_chat", "the reminder at the end",
     [('"reminder_at_minute": 28', '"reminder_at_minute": 55')], "visible", "near the middle"),
    ("plan_chat", "the promo without the hashtag",
     [('"promo": "New: #nwlchat,', '"promo": "New: a chat,')], "visible", "hashtag"),
    ("chat_numbers", "the report given as a column, not a key's name",
     [('"report": "reported_impressions"', '"report": tweets["author_id"]')], "visible",
     "not a pandas Series"),
    ("plan_chat", "the same question six times",
     [('{"text": f"Q{k} {text}"', '{"text": "Q1 What did you learn?"')], "visible",
     "question 2 repeats question 1"),
    ("plan_chat", "host and co-host one person, written in other letters",
     [('"co_host": "Bilal (Operations champion)"', '"co_host": "ADA (l&d)"')], "visible",
     "the same person"),
    ("plan_chat", "a close of one word",
     [('"close": "Thank you all! Next #nwlchat in two weeks, same times. The recap follows."',
       '"close": "Thanks!"')], "visible", "4 words or more"),
    ("plan_chat", "a role that names nobody",
     [('"note_taker": "Chen (Customer Experience)"', '"note_taker": "1"')], "visible",
     "names nobody"),
    ("plan_chat", "a question with no words",
     [('{"text": f"Q{k} {text}"', '{"text": f"{k}"')], "visible", "question 1 has no text"),
    ("plan_chat", "a weekday given as a column",
     [('{"weekday": "Tuesday", "start": "09:00"',
       '{"weekday": pd.Series(["Tuesday"]), "start": "09:00"')], "visible",
     "slot weekday a pandas Series"),
]


def test_every_task_has_a_test_cell_a_solution_and_hints():
    # The plan is read against rules, not against one answer: no hidden cases for it.
    manual = check_task_anatomy(NAME, TASKS, hidden=TASKS[:3],
                                written=["reflection_internal_chat"])
    assert len(manual[0].metadata["sociallearning"]["rubric"]) >= 4


@pytest.mark.parametrize("task", TASKS)
def test_the_solution_passes_its_test_cell(solved, task, capsys):
    run_test_cell(task, solved[task], solved)
    out, err = capsys.readouterr()
    expected_ticks = 2 if "BEGIN HIDDEN TESTS" in TEST_CELLS[f"test_{task}"] else 1
    assert out.count("✔") == expected_ticks and err == ""


@pytest.mark.parametrize(("task", "slip", "edits", "caught_by", "named"), SLIPS,
                         ids=[f"{task}: {slip}" for task, slip, *_ in SLIPS])
def test_a_typical_slip_is_rejected_with_a_message_naming_it(solved, task, slip, edits,
                                                             caught_by, named):
    wrong = variant(task, edits, solved)
    check = getattr(checks, task if caught_by == "visible" else f"{task}_edge_cases")
    with pytest.raises(feedback.CheckFailed) as failed:
        check(wrong)
    assert named in failed.value.message, failed.value.message
    assert "Traceback" not in failed.value.message
    with pytest.raises(feedback.CheckFailed):
        run_test_cell(task, wrong, solved)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("answer", [None, AlwaysEqual(), {}],
                         ids=["None", "always-equal", "empty dict"])
def test_none_and_an_always_equal_object_are_rejected(solved, task, answer):
    def wrong(*args, **kwargs):
        return answer

    with pytest.raises(feedback.CheckFailed):
        getattr(checks, task)(wrong)


def test_changing_the_inputs_does_not_change_the_expected_answer(solved):
    def vandal(session_tweets):
        answer = solved["answers_by_person"](session_tweets)
        session_tweets["text"] = "A1 vandalised"
        return answer

    checks.answers_by_person(vandal)
    checks.answers_by_person_edge_cases(vandal)


def test_the_sample_data_has_what_the_tasks_are_about(solved):
    # Each task is only worth doing if the data holds the case it teaches.
    times = solved["chat_times_in_offices"](solved["org_after"], checks.SPRING_2026, 5)
    london = times[times["location"] == "London"]["local_time"].tolist()
    new_york = times[times["location"] == "New York"]["local_time"].tolist()
    assert len(set(london)) == 2 and set(new_york) == {"20:00"}  # a clock change in the window
    forms = {"a1": r"^a\d+:", "dash": r"^A\d+ -", "thread": r"^@\w+ A\d+"}
    for number in checks.ARCHIVE_SESSIONS:
        texts = checks._session(number)["text"]
        for pattern in forms.values():
            assert texts.str.contains(pattern).any()
        assert texts.str.startswith("RT @").any() and texts.str.contains("answer with A").any()
    numbers = solved["chat_numbers"](checks._session(checks.LATEST_SESSION), solved["x_users"])
    assert numbers["potential_impressions"] > 5 * numbers["reported_impressions"] > 0


def test_another_sound_plan_passes(solved):
    """One slot early enough for Asia and late enough for the Americas does not exist, but a
    different pair of slots, eight questions and another hashtag are all fine."""
    def also_sound(org_after):
        plan = solved["plan_chat"](org_after)
        plan["hashtag"] = "#learnhour"
        plan["promo"] = plan["promo"].replace("#nwlchat", "#learnhour")
        plan["slots"] = [
            {"weekday": "Thursday", "start": "10:00", "time_zone": "America/New_York"},
            {"weekday": "Thursday", "start": "10:00", "time_zone": "Asia/Kolkata"},
        ]
        plan["questions"] = [{"text": f"Q{k} ...?", "at_minute": 4 + 7 * (k - 1), "minutes": 7}
                             for k in range(1, 9)]
        return plan

    checks.plan_chat(also_sound)


def test_answers_by_person_accepts_integer_columns_of_any_width(solved):
    def narrow(session_tweets):
        return solved["answers_by_person"](session_tweets).astype(
            {"questions_answered": "int32", "answers": "int32"})

    checks.answers_by_person(narrow)
    checks.answers_by_person_edge_cases(narrow)


def test_a_wrong_count_says_too_high_or_too_low_not_the_hidden_answer(solved):
    """A hidden case's numbers stay hidden: the message gives the direction only."""
    def one_too_many(session_tweets, x_users):
        numbers = solved["chat_numbers"](session_tweets, x_users)
        return {**numbers, "tweets": numbers["tweets"] + 1}

    with pytest.raises(feedback.CheckFailed) as failed:
        checks.chat_numbers_edge_cases(one_too_many)
    expected = solved["chat_numbers"](checks.TINY_SESSION, solved["x_users"])["tweets"]
    message = failed.value.message
    assert "'tweets' is" in message and "too high" in message, message
    assert "expected" not in message and f"it is {expected}" not in message
