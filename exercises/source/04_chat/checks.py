"""Checks for exercise 04_chat: the learner's functions against the reference answers, the
solution cells of 04_chat.ipynb beside this file, and (for the plan) the rules a host keeps.

Each visible check runs on the sample data; `*_edge_cases` use small hand-built cases (an
office in the southern hemisphere, the autumn clock change, a tiny session with every answer
form, a retweeted answer and a reminder). Messages name the usual mistake: a time zone that
ignores daylight saving time, retweets counted, "a1:" forms missed, impressions reported as
reach, question slots overlapping, a role left empty. The learner's function always gets
copies, so changing its inputs cannot change the expected answer.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from sociallearning import chat, feedback
from sociallearning.exercises import solution_namespace

# The reference answers are the solution cells of the notebook beside this file.
reference = solution_namespace(Path(__file__).with_name("04_chat.ipynb"))

SPRING_2026 = "2026-03-05"  # five Thursdays cross the US (8 March) and UK (29 March) changes
AUTUMN_2026 = "2026-10-22"  # the UK changes back on 25 October, the US on 1 November
ARCHIVE_SESSIONS = (2, 3, 7, 11)  # 3 and 7 had guest moderators
LATEST_SESSION = 12  # in recent search's window


@lru_cache(maxsize=1)
def _sample_data():
    from sociallearning.data import load

    return (load("org_after"), load("chat_sessions"), load("chat_archive"), load("x_tweets"),
            load("x_users"))


def _org():
    return _sample_data()[0].copy()


def _session(number: int) -> pd.DataFrame:
    _, sessions, archive, recent, _ = _sample_data()
    tweets = recent if number == LATEST_SESSION else archive
    return chat.session_tweets(tweets, sessions, number)


def _users():
    return _sample_data()[4].copy()


# --- 4.1 when the chat falls in each office --------------------------------------------------

def _minutes_since_epoch(frame) -> list[int] | None:
    """Each row's local date and time as minutes, or None when they cannot be read."""
    try:
        stamps = pd.to_datetime(frame["date"].astype(str) + " " + frame["local_time"].astype(str),
                                format="%Y-%m-%d %H:%M")
    except (KeyError, ValueError, TypeError, AttributeError):
        return None
    return [int(stamp.value // 60_000_000_000) for stamp in stamps]


def _dst_slip(got, expected) -> str | None:
    """Rows a day off (the New York date kept) or an hour off while the others are right
    (the time zone ignores the clock change): name that mistake."""
    if type(got) is not pd.DataFrame or len(got) != len(expected):
        return None
    if list(got.get("location", pd.Series(dtype=str)).astype(str)) != list(expected["location"]):
        return None
    got_minutes, expected_minutes = _minutes_since_epoch(got), _minutes_since_epoch(expected)
    if got_minutes is None:
        return None
    off = [(row, g - e) for row, (g, e) in enumerate(zip(got_minutes, expected_minutes,
                                                         strict=True)) if g != e]
    if off and all(abs(delta) == 24 * 60 for _, delta in off):
        row = off[0][0]
        return (f"the New York date kept: in {expected['location'][row]} the session of "
                f"that week starts on {expected['date'][row]}. Take the date from the local "
                "moment (after .astimezone), not from the Thursday in New York.")
    if not off or any(abs(delta) != 60 for _, delta in off):
        return None
    row = off[0][0]
    return (f"time zone ignoring DST (daylight saving time): {len(off)} of your times are an "
            f"hour off, e.g. {expected['location'][row]} on {expected['date'][row]} should be "
            f"{expected['local_time'][row]}. Clocks change on different dates in the US and "
            "elsewhere: build 8 pm in America/New_York with zoneinfo and convert with "
            ".astimezone(ZoneInfo(zone)), never with a fixed number of hours.")


def _expect_office_times(learner, org, first_thursday, weeks, what):
    got = learner(org.copy(), first_thursday, weeks)
    expected = reference.chat_times_in_offices(org.copy(), first_thursday, weeks)
    feedback.expect_type(got, pd.DataFrame, what)
    feedback.expect_columns(got, list(expected.columns), what)
    with feedback.likely_cause(_dst_slip(got, expected)):
        feedback.expect_same_frame(got, expected, what)


def chat_times_in_offices(learner):
    """Visible check of task 4.1 on the company's offices, across the spring changes."""
    with feedback.task("chat_times_in_offices"):
        _expect_office_times(learner, _org(), SPRING_2026, 5,
                             f"`chat_times_in_offices(org_after, {SPRING_2026!r}, weeks=5)`")
    feedback.passed("chat_times_in_offices() puts every session at the right local date and "
                    "time in every office, on both sides of each clock change.")


def _tiny_org(offices) -> pd.DataFrame:
    """offices: (location, time_zone); two people in each, as org_after has many."""
    rows = [(f"E{i:04d}", location, zone) for i, (location, zone) in
            enumerate([office for office in offices for _ in range(2)], start=1)]
    frame = pd.DataFrame(rows, columns=["employee_id", "location", "time_zone"])
    frame["location"] = frame["location"].astype("category")
    frame["time_zone"] = frame["time_zone"].astype("category")
    return frame


def chat_times_in_offices_edge_cases(learner):
    """Hidden checks of task 4.1: the autumn changes, the southern hemisphere, one office."""
    southern = _tiny_org([("Sydney", "Australia/Sydney"), ("Auckland", "Pacific/Auckland"),
                          ("Dublin", "Europe/Dublin"), ("Phoenix", "America/Phoenix")])
    cases = [
        (_org(), AUTUMN_2026, 3, "the company's offices in autumn 2026"),
        (southern, "2026-09-24", 3, "offices in Sydney, Auckland, Dublin and Phoenix"),
        (_tiny_org([("New York", "America/New_York")]), "2027-03-04", 2,
         "only the New York office"),
    ]
    with feedback.task("chat_times_in_offices"):
        for org, first, weeks, about in cases:
            _expect_office_times(learner, org, first, weeks,
                                 f"`chat_times_in_offices()` for {about} from {first}")
    feedback.passed("chat_times_in_offices() handles the autumn changes, the southern "
                    "hemisphere and a single office.")


# --- 4.2 answers by person -----------------------------------------------------------------------

def _answer_slip(got, expected) -> str | None:
    """Name the likely mistake from the direction of the difference in answers counted."""
    if type(got) is not pd.DataFrame or not {"author_id", "answers"} <= set(got.columns):
        return None
    try:
        mine = {str(a): int(n) for a, n in zip(got["author_id"], got["answers"], strict=True)}
    except (TypeError, ValueError):
        return None
    wanted = {str(a): int(n) for a, n in zip(expected["author_id"], expected["answers"],
                                             strict=True)}
    fewer = [a for a, n in wanted.items() if mine.get(a, 0) < n]
    more = [a for a in set(wanted) | set(mine) if mine.get(a, 0) > wanted.get(a, 0)]
    if fewer and not more:
        return ('"a1:" variants missed: you count fewer answers than there are (e.g. for '
                f'author {sorted(fewer)[0]}). Answers come as "A1 ...", "a1: ...", "A1 - ...", '
                '"A1) ...", "A1: ..." and, in the thread, "@host A1 ..." without the '
                "hashtag. Read the number after an a or A at the start of the text, after "
                "any @names, with every digit (A10, A11: \\d+, not \\d).")
    if more and not fewer:
        return ("you count more answers than there are (e.g. for author "
                f"{sorted(more)[0]}): retweets counted (\"RT @...\" repeats someone's answer) "
                "or text that only mentions A1 in passing (\"answer with A4\"). Leave out "
                "retweets and read the label only at the start of the text.")
    return None


def _expect_answers(learner, tweets, what):
    got = learner(tweets.copy())
    expected = reference.answers_by_person(tweets.copy())
    feedback.expect_type(got, pd.DataFrame, what)
    feedback.expect_columns(got, list(expected.columns), what)
    with feedback.likely_cause(_answer_slip(got, expected)):
        feedback.expect_same_frame(got, expected, what)


def answers_by_person(learner):
    """Visible check of task 4.2 on four archived sessions (two with guest moderators)."""
    with feedback.task("answers_by_person"):
        for number in ARCHIVE_SESSIONS:
            _expect_answers(learner, _session(number),
                            f"`answers_by_person(session_tweets)` on archived session {number}")
    feedback.passed("answers_by_person() reads every answer form, leaves out retweets and "
                    "ranks people by the questions they answered.")


def _tiny_session(rows) -> pd.DataFrame:
    """rows: (author_id, minute, text, referenced_type or None); columns as the loader's."""
    start = pd.Timestamp("2026-02-05T01:00:00Z")
    frame = pd.DataFrame([{
        "id": str(9000 + i), "text": text, "author_id": author,
        "created_at": start + pd.Timedelta(minutes=minute), "conversation_id": "9000",
        "in_reply_to_user_id": None,
        "referenced_type": kind, "referenced_id": "9001" if kind else None,
        "hashtags": re.findall(r"#(\w+)", text), "mentions": re.findall(r"@(\w+)", text),
        "retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0,
        "impression_count": impressions,
    } for i, (author, minute, text, kind, impressions) in enumerate(rows)])
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["referenced_type"] = frame["referenced_type"].astype("category")
    return frame


# Host h; questions 1, 2 and 11 (a late bonus question: two digits); nobody answers 2; p2
# answers Q1 twice; p4 and p6 tie.
TINY_SESSION = _tiny_session([
    ("h", 0, "Welcome to #tinychat! Answer Q1, Q2... with A1, A2... and add #tinychat", None, 90),
    ("h", 2, "Q1 What did you try this week? #tinychat", None, 120),
    ("p1", 3, "a1: a buddy system #tinychat", None, 10),
    ("p2", 4, "@h A1 voice notes for the night shift", "replied_to", 7),
    ("p2", 5, "A1 - and a weekly show-and-tell #tinychat", None, 6),
    ("p3", 5, "RT @p1: a1: a buddy system #tinychat", "retweeted", 0),
    ("p4", 6, "@h @p1 A1) pairing newcomers #tinychat", "replied_to", 4),
    ("h", 20, "Q2 What gets in the way? #tinychat", None, 110),
    ("h", 22, "Reminder: answer with A2 to match Q2, and add #tinychat", None, 80),
    ("p3", 23, "RT @h: Q2 What gets in the way? #tinychat", "retweeted", 0),
    ("h", 40, "Q11 A bonus: what will you do next? #tinychat", None, 100),
    ("p1", 41, "A11: ask one question in the open #tinychat", None, 9),
    ("p5", 42, "Answer to everything: A11 is my favourite question #tinychat", None, 3),
    ("p3", 43, "RT @p1: A11: ask one question in the open #tinychat", "retweeted", 0),
    ("p6", 44, "A11 a voice note to my team #tinychat", None, 2),
])


def answers_by_person_edge_cases(learner):
    """Hidden checks of task 4.2: every answer form, retweets, a reminder, two digits, the
    same person answering twice, ties, an empty session, the latest session."""
    with feedback.task("answers_by_person"):
        _expect_answers(learner, TINY_SESSION,
                        "`answers_by_person()` on a tiny session (every answer form, "
                        "retweets, a reminder, A11 beside A1, one person answering Q1 twice)")
        _expect_answers(learner, TINY_SESSION.iloc[:0],
                        "`answers_by_person()` on a session with no tweets")
        _expect_answers(learner, _session(LATEST_SESSION),
                        "`answers_by_person()` on the latest session (from recent search)")
    feedback.passed("answers_by_person() handles every answer form, retweets, reminders, "
                    "two-digit questions, ties and an empty session.")


# --- 4.3 the chat's numbers and which one to report ---------------------------------------------

HONEST_REPORTS = ("reported_impressions", "participants")
NUMBER_KEYS = ("tweets", "participants", "potential_impressions", "reported_impressions")


def _expect_numbers(learner, tweets, users, what):
    got = learner(tweets.copy(), users.copy())
    expected = reference.chat_numbers(tweets.copy(), users.copy())
    feedback.expect_type(got, dict, what)
    missing = [key for key in (*NUMBER_KEYS, "report", "why") if key not in got]
    feedback.expect(not missing, f"{what} has no {missing}: the dictionary needs the keys "
                    f"{[*NUMBER_KEYS, 'report', 'why']}.")
    with_retweets = reference.chat_numbers(
        tweets.assign(referenced_type=pd.Series([None] * len(tweets), index=tweets.index,
                                                dtype="category")), users.copy())
    for key in NUMBER_KEYS:
        value = got[key]
        feedback.expect(type(value) is int, f"{what}: {key!r} should be a whole number "
                        f"(int), not {type(value).__name__}: wrap it in int(...).")
        if value != expected[key] and value == with_retweets[key] != expected[key]:
            raise feedback.CheckFailed(
                f"{what}: {key!r} is {value}: retweets counted. A retweet "
                "(referenced_type 'retweeted') repeats someone else's tweet; leave retweets "
                "out.")
        # Too high or too low, never the number itself: a hidden case's answer stays hidden.
        direction = "too high" if value > expected[key] else "too low"
        feedback.expect(value == expected[key], f"{what}: {key!r} is {value}, which is "
                        f"{direction}. {_NUMBER_HELP[key]}")
    return got


_NUMBER_HELP = {
    "tweets": "Count the session's tweets, leaving out retweets.",
    "participants": "Count distinct author_id values of those tweets.",
    "potential_impressions": "Add, tweet by tweet, the author's followers_count (0 for an "
                             "author not in x_users).",
    "reported_impressions": "Add the impression_count of those tweets.",
}


def _expect_honest_report(got, what):
    choice = got.get("report")
    feedback.expect(isinstance(choice, str), f"{what}: report should be the name of one key, "
                    f"as text, one of {list(HONEST_REPORTS)}; not {_shown(choice)}.")
    feedback.expect(choice != "potential_impressions",
                    f"{what} reports potential_impressions: impressions reported as reach. "
                    "Tweets times followers is a theoretical maximum: followers overlap and "
                    "most of them never see a given tweet. Report what was counted "
                    f"(one of {list(HONEST_REPORTS)}).")
    feedback.expect(choice in HONEST_REPORTS,
                    f"{what}: report should name one of {list(HONEST_REPORTS)}, "
                    f"not {choice!r}: tweets count activity, not how far the chat reached.")
    why = got.get("why")
    feedback.expect(type(why) is str and len(why.split()) >= 5,
                    f"{what}: 'why' should be a sentence (five words or more) saying why "
                    "you report that number.")


def chat_numbers(learner):
    """Visible check of task 4.3 on the latest session and an archived one."""
    with feedback.task("chat_numbers"):
        for number in (LATEST_SESSION, 3):
            what = f"`chat_numbers(session_tweets, x_users)` on session {number}"
            got = _expect_numbers(learner, _session(number), _users(), what)
            _expect_honest_report(got, what)
    feedback.passed("chat_numbers() counts without retweets, computes both impressions and "
                    "reports a number that was counted, not the theoretical maximum.")


# The decision has more than one sound answer: in class mode this check runs when the work
# is graded, not from a recording of the reference's choice.
chat_numbers.replayable = False


def chat_numbers_edge_cases(learner):
    """Hidden checks of task 4.3: retweet-only people, an unknown author, no tweets."""
    users = pd.DataFrame({"id": ["h", "p1", "p2", "p3", "p4"],
                          "username": ["h", "p1", "p2", "p3", "p4"],
                          "followers_count": [5000, 120, 80, 40_000, 10]})
    with feedback.task("chat_numbers"):
        for tweets, about in ((TINY_SESSION, "a tiny session (p3 only retweets; p5 is not in "
                                             "x_users)"),
                              (TINY_SESSION.iloc[:0], "a session with no tweets")):
            what = f"`chat_numbers()` on {about}"
            _expect_honest_report(_expect_numbers(learner, tweets, users, what), what)
    feedback.passed("chat_numbers() leaves out people who only retweeted, counts 0 followers "
                    "for unknown authors and copes with an empty session.")


chat_numbers_edge_cases.replayable = False


# --- 4.4 the plan of an internal chat -------------------------------------------------------

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EARLIEST, LATEST = 8 * 60, 20 * 60  # local minutes of the day
ROLES = ("host", "co_host", "note_taker")
PLAN_KEYS = ("hashtag", "minutes", "slots", "questions", "reminder_at_minute", "roles",
             "promo", "reminder", "close", "recap")


def _year_of_weeks(weekday: int) -> list[date]:
    """That weekday in each of 53 weeks from January 2027: both sides of every change."""
    first = date(2027, 1, 4) + timedelta(days=weekday)
    return [first + timedelta(weeks=week) for week in range(53)]


def _slot_problem(slot, minutes, zone_name, office) -> str | None:
    """None when the slot suits the office all year; else the first date it does not."""
    weekday = WEEKDAYS.index(slot["weekday"])
    hours, mins = (int(part) for part in slot["start"].split(":"))
    home, there = ZoneInfo(slot["time_zone"]), ZoneInfo(zone_name)
    for day in _year_of_weeks(weekday):
        start = datetime(day.year, day.month, day.day, hours, mins, tzinfo=home).astimezone(there)
        end = start + timedelta(minutes=minutes)
        begins = start.hour * 60 + start.minute
        ends = begins + minutes
        if start.weekday() >= 5 or begins < EARLIEST or ends > LATEST or end.date() != start.date():
            return (f"on {day:%Y-%m-%d} it runs {start:%a %H:%M} to {end:%H:%M} in {office}")
    return None


def _shown(value) -> str:
    """A short value as it is; a table or a list by its kind (its repr spans lines)."""
    if isinstance(value, str | int | float) or value is None:
        return repr(value)[:60]
    return feedback._returned(value)


POST_MIN_WORDS = 4  # a post people read: more than a tag or a dot


def _expect_text(plan, key, what, *, min_words=1):
    value = plan.get(key)
    feedback.expect(type(value) is str and value.strip(),
                    f"{what}: {key!r} should be a text, and not empty.")
    feedback.expect(len(value.split()) >= min_words,
                    f"{what}: {key!r} is {value.strip()!r:.60}: write the post people will "
                    f"read, a sentence of {min_words} words or more.")
    return value


def _check_slots(plan, org, what):
    slots, minutes = plan["slots"], plan["minutes"]
    feedback.expect(type(slots) is list and 1 <= len(slots) <= 2,
                    f"{what}: 'slots' should be a list of one or two slots.")
    for slot in slots:
        feedback.expect(type(slot) is dict and {"weekday", "start", "time_zone"} <= set(slot),
                        f"{what}: each slot is a dict with 'weekday', 'start' and "
                        f"'time_zone'; got {slot!r}.")
        feedback.expect(isinstance(slot["weekday"], str) and slot["weekday"] in WEEKDAYS[:5],
                        f"{what}: slot weekday {_shown(slot['weekday'])} should be a working day "
                        f"written in full, one of {list(WEEKDAYS[:5])}.")
        feedback.expect(type(slot["start"]) is str
                        and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", slot["start"]) is not None,
                        f"{what}: slot start {slot['start']!r} should be a time as 'HH:MM'.")
        try:
            ZoneInfo(str(slot["time_zone"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise feedback.CheckFailed(
                f"{what}: {slot['time_zone']!r} is not a time zone name; use IANA names "
                "such as 'Europe/London' or 'America/Chicago'.") from None
    offices = org[["location", "time_zone"]].drop_duplicates()
    for office in offices.itertuples():
        problems = [_slot_problem(slot, minutes, str(office.time_zone), office.location)
                    for slot in slots]
        if all(problems):
            seasonal = any(_works_on_some_week(slot, minutes, str(office.time_zone))
                           for slot in slots)
            hint = (" It suits them in part of the year only: the time zone ignoring DST? "
                    "Clocks change on different dates in different countries; check weeks "
                    "on both sides of each change." if seasonal else "")
            raise feedback.CheckFailed(
                f"{what}: no slot suits the {office.location} office all year, between "
                f"08:00 and 20:00 on a working day: {problems[0]}.{hint} Move the slot, or add "
                "a second one for that part of the world.")


def _works_on_some_week(slot, minutes, zone_name) -> bool:
    weekday = WEEKDAYS.index(slot["weekday"])
    hours, mins = (int(part) for part in slot["start"].split(":"))
    for day in _year_of_weeks(weekday):
        start = datetime(day.year, day.month, day.day, hours, mins,
                         tzinfo=ZoneInfo(slot["time_zone"])).astimezone(ZoneInfo(zone_name))
        begins = start.hour * 60 + start.minute
        if start.weekday() < 5 and begins >= EARLIEST and begins + minutes <= LATEST:
            return True
    return False


def _check_questions(plan, what):
    questions, minutes = plan["questions"], plan["minutes"]
    feedback.expect(type(questions) is list and 6 <= len(questions) <= 8,
                    f"{what}: 'questions' should be a list of six to eight questions (an "
                    "hour covers six or seven; have a spare).")
    for number, question in enumerate(questions, start=1):
        feedback.expect(type(question) is dict
                        and {"text", "at_minute", "minutes"} <= set(question),
                        f"{what}: question {number} should be a dict with 'text', "
                        f"'at_minute' and 'minutes'; got {question!r}.")
        feedback.expect(type(question["text"]) is str
                        and re.search(r"[^\W\d_]", question["text"]) is not None,
                        f"{what}: question {number} has no text (words to answer).")
        at, length = question["at_minute"], question["minutes"]
        feedback.expect(type(at) is int and type(length) is int and at >= 0 and length > 0,
                        f"{what}: question {number}'s at_minute and minutes should be whole "
                        "numbers, at_minute 0 or more and minutes more than 0.")
        feedback.expect(at + length <= minutes,
                        f"{what}: question {number} runs from minute {at} to {at + length}, "
                        f"past the end of a {minutes}-minute chat.")
    asked = {}
    for number, question in enumerate(questions, start=1):
        same = asked.setdefault(" ".join(question["text"].casefold().split()), number)
        feedback.expect(same == number, f"{what}: question {number} repeats question {same}; "
                        "each question moves the chat on, so write six different ones.")
    for number, (one, following) in enumerate(zip(questions, questions[1:], strict=False),
                                                 start=1):
        ends = one["at_minute"] + one["minutes"]
        feedback.expect(ends <= following["at_minute"],
                        f"{what}: question slots overlapping: question {number} runs from "
                        f"minute {one['at_minute']} to {ends}, but question {number + 1} is "
                        f"posted at minute {following['at_minute']}. Give each question its "
                        "own time, in order.")


def _expect_sound_plan(plan, org, what):
    feedback.expect_type(plan, dict, what)
    missing = [key for key in PLAN_KEYS if key not in plan]
    feedback.expect(not missing, f"{what} has no {missing}: the plan needs the keys "
                    f"{list(PLAN_KEYS)}.")
    hashtag = _expect_text(plan, "hashtag", what)
    feedback.expect(re.fullmatch(r"#\w+", hashtag) is not None,
                    f"{what}: the hashtag {hashtag!r} should be # and one word.")
    minutes = plan["minutes"]
    feedback.expect(type(minutes) is int and 45 <= minutes <= 90,
                    f"{what}: 'minutes' should be a whole number from 45 to 90, not "
                    f"{minutes!r}.")
    roles = plan["roles"]
    feedback.expect(type(roles) is dict, f"{what}: 'roles' should be a dict of {ROLES}.")
    empty = [role for role in ROLES if not (type(roles.get(role)) is str
                                            and roles[role].strip())]
    feedback.expect(not empty, f"{what}: a role left empty: {empty}. Name a person for "
                    "each of host, co_host and note_taker before the chat, not on the day.")
    nameless = [role for role in ROLES if not re.search(r"[^\W\d_]", roles[role])]
    feedback.expect(not nameless, f"{what}: {nameless[0] if nameless else ''} is "
                    f"{roles[nameless[0]] if nameless else ''!r}, which names nobody: write "
                    "the person's name.")
    feedback.expect(roles["host"].strip().casefold() != roles["co_host"].strip().casefold(),
                    f"{what}: the host and the co-host are the same person; a co-host "
                    "takes over when the host is swamped, so it needs a second person.")
    _check_questions(plan, what)
    reminder_at = plan["reminder_at_minute"]
    feedback.expect(type(reminder_at) is int and minutes / 3 <= reminder_at <= 2 * minutes / 3,
                    f"{what}: the reminder at minute {reminder_at!r} is not near the "
                    f"middle: put it between minute {minutes // 3 + (minutes % 3 > 0)} and "
                    f"{2 * minutes // 3}.")
    promo = _expect_text(plan, "promo", what, min_words=POST_MIN_WORDS)
    feedback.expect(hashtag.lower() in promo.lower(),
                    f"{what}: the promo does not name the hashtag {hashtag}; people search "
                    "for it to find the chat.")
    reminder = _expect_text(plan, "reminder", what, min_words=POST_MIN_WORDS)
    feedback.expect(re.search(r"\bA\d", reminder) is not None,
                    f"{what}: the reminder should show the answer format (A1, A2...).")
    _expect_text(plan, "close", what, min_words=POST_MIN_WORDS)
    _expect_text(plan, "recap", what, min_words=POST_MIN_WORDS)
    _check_slots(plan, org, what)


def plan_chat(learner):
    """Visible check of task 4.4: the plan keeps the rules a host keeps."""
    what = "`plan_chat(org_after)`"
    with feedback.task("plan_chat"):
        org = _org()
        _expect_sound_plan(learner(org.copy()), org, what)
    feedback.passed("plan_chat() has slots that suit every office all year, timed questions "
                    "that do not overlap, a name in every role and every post written.")


# Many plans are right: a recording of one cannot stand in for these rules.
plan_chat.replayable = False
