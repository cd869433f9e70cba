"""Checks for exercise 06_capstone: a 90-day relaunch plan after a second re-org.

Task 6.1 has one right answer (the notebook's solution cell is the reference). Tasks 6.2 to
6.6 are decisions: many plans are sound, so each check reads the learner's plan against the
scenario's data and the rules stated in the task, and names the first rule a plan breaks (a
departed sponsor, a unit left out, a champion who is a bot, a dying community, a chat slot
outside an office's working hours, a target with no baseline...). The facts these rules need
(who helped whom, how healthy each community is, each metric's baseline) are computed here,
by this file's own code. Hidden checks run the same rules on changed copies of the scenario
(sponsors who left, champions gone, every community fading, offices closed), so a plan
typed in by hand for the sample fails them: the plan has to follow from the data.
"""

from __future__ import annotations

import math
import numbers
import re
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from sociallearning import feedback
from sociallearning.data import REFERENCE_NOW, capstone
from sociallearning.exercises import solution_namespace

reference = solution_namespace(Path(__file__).with_name("06_capstone.ipynb"))

# --- the rules, as the tasks state them ----------------------------------------------------

SPONSOR_ACTIONS = ("showcase", "coach", "convince", "inform")
NEW_SPONSOR_ACTION = "win"
NEW_SPONSOR_MAX_LEVEL = 3  # a director or above can sponsor a unit
CHAMPIONS_MIN, CHAMPIONS_MAX = 3, 8
CHAMPION_DAYS, CHAMPION_MIN_HELPED = 180, 5
EQUIP = ("moderator rights", "a monthly champions call", "early access to news",
         "a starter kit of questions", "an hour a week in their objectives")
RECOGNISE = ("thanks from a sponsor in public", "a note to their manager",
             "a spotlight post", "a speaking slot at a team meeting")
HEALTH_DAYS, HEALTHY_MIN_PEOPLE, HEALTHY_MAX_HOURS = 90, 5, 24.0
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
WORK_START, WORK_END = 8, 18  # local working hours, 08:00 to 18:00
CHAT_MINUTES = (30, 90)
ACTIVITY_METRICS = {  # name -> True when higher is better
    "units_with_sponsor": True,
    "people_posting_90d": True,
    "median_hours_to_first_reply_90d": False,
    "answered_share_90d": True,
}
OUTCOME_METRIC = "mean_assessment_score"
SCORE_MAX = 100  # assessment scores run from 0 to 100


def _is_number(value) -> bool:
    """A finite number, numpy's included; True and False are not numbers here."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and type(value).__name__ != "bool_" and math.isfinite(value))


def _named(what: str) -> str:
    return f"`{what}`" if what.endswith(")") else what


def _is_text(value) -> bool:
    """Text, as the tasks ask for names, actions and ids (never a list or a table of them)."""
    return isinstance(value, str)


def _shown(value) -> str:
    """Text as it is; anything else by its kind (a table's repr spans lines)."""
    return repr(value)[:60] if _is_text(value) else f"{feedback._returned(value)}"


def _expect_texts(items, what: str, kind: str) -> list[str]:
    """Each item is text and none is repeated: the same item twice adds nothing."""
    odd = [item for item in items if not _is_text(item)]
    feedback.expect(not odd, f"{_named(what)} should hold {kind} as text, each a str; it "
                    f"holds {_shown(odd[0]) if odd else ''}.")
    seen, twice = set(), []
    for item in items:
        key = item.strip().casefold()
        if key in seen:
            twice.append(item)
        seen.add(key)
    feedback.expect(not twice, f"{_named(what)} names {twice[0] if twice else ''!r} more than "
                    "once: each counts once, so list it once.")
    return list(items)


# --- the scenario and its changed copies -----------------------------------------------------

@lru_cache(maxsize=1)
def _scenario() -> dict[str, pd.DataFrame]:
    return {name: capstone.load(name) for name in capstone.DATASETS}


def _data(*names: str) -> tuple[pd.DataFrame, ...]:
    """Fresh copies: what the learner's function does to its inputs stays its own."""
    frames = _scenario()
    return tuple(frames[name].copy() for name in names)


def _as_text_ids(frame: pd.DataFrame) -> list[str]:
    return [str(e) for e in frame["employee_id"]]


# --- facts the rules need ------------------------------------------------------------------

def _bots(community_accounts: pd.DataFrame) -> set[str]:
    return set(community_accounts.loc[community_accounts["is_bot"], "account_id"].astype(str))


def _people_helped(posts, community_accounts, days=CHAMPION_DAYS) -> pd.Series:
    """account -> distinct people (not themselves, not bots) they replied to in the last days."""
    bots = _bots(community_accounts)
    author = posts.set_index("post_id")["author_id"].astype(str)
    since = REFERENCE_NOW - pd.Timedelta(days=days)
    replies = posts[(posts["kind"] == "reply") & (posts["created_at"] >= since)].copy()
    replies["helped"] = replies["parent_id"].map(author)
    replies = replies[(replies["helped"] != replies["author_id"])
                      & ~replies["helped"].isin(bots) & replies["helped"].notna()]
    return replies.groupby(replies["author_id"].astype(str))["helped"].nunique()


def _threads(posts, community_accounts, days=HEALTH_DAYS) -> pd.DataFrame:
    """Threads started by people in the last days: community, hours to the first reply by
    another person (not a bot), NaN when nobody answered."""
    bots = _bots(community_accounts)
    people = posts[~posts["author_id"].isin(bots)]
    since = REFERENCE_NOW - pd.Timedelta(days=days)
    roots = people[(people["kind"] == "post") & (people["created_at"] >= since)]
    starter = roots.set_index("post_id")["author_id"]
    replies = people[(people["kind"] == "reply") & people["thread_id"].isin(roots["post_id"])]
    replies = replies[replies["author_id"].to_numpy() != replies["thread_id"].map(starter)
                      .to_numpy()]
    first = replies.groupby("thread_id")["created_at"].min()
    started = roots.set_index("post_id")["created_at"]
    hours = (first.reindex(started.index) - started).dt.total_seconds() / 3600
    return pd.DataFrame({"community_id": roots.set_index("post_id")["community_id"].astype(str),
                         "hours": hours})


def _health(communities, posts, community_accounts, org_after) -> dict[str, dict]:
    bots = _bots(community_accounts)
    since = REFERENCE_NOW - pd.Timedelta(days=HEALTH_DAYS)
    recent = posts[(posts["created_at"] >= since) & ~posts["author_id"].isin(bots)]
    threads = _threads(posts, community_accounts)
    here = set(org_after["employee_id"].astype(str))
    health = {}
    for row in communities.itertuples():
        cid = str(row.community_id)
        hours = threads.loc[threads["community_id"] == cid, "hours"].dropna()
        health[cid] = {
            "people_posting_90d": int(recent.loc[recent["community_id"] == cid,
                                                 "author_id"].nunique()),
            "median_hours_to_first_reply_90d": float(hours.median()) if len(hours) else None,
            "owner_still_here": str(row.owner_id) in here,
        }
    return health


def _unhealthy_because(facts: dict) -> list[str]:
    reasons = []
    if facts["people_posting_90d"] < HEALTHY_MIN_PEOPLE:
        reasons.append(f"only {facts['people_posting_90d']} people posted in the last "
                       f"{HEALTH_DAYS} days (fewer than {HEALTHY_MIN_PEOPLE})")
    hours = facts["median_hours_to_first_reply_90d"]
    if hours is None or hours > HEALTHY_MAX_HOURS:
        said = "nobody answered" if hours is None else f"the first reply takes {hours:.0f} h"
        reasons.append(f"{said} (more than {HEALTHY_MAX_HOURS:.0f} h)")
    if not facts["owner_still_here"]:
        reasons.append("its owner left the company")
    return reasons


def _baselines(posts, community_accounts, org_after, sponsors, outcomes) -> dict[str, float]:
    bots = _bots(community_accounts)
    since = REFERENCE_NOW - pd.Timedelta(days=HEALTH_DAYS)
    recent = posts[(posts["created_at"] >= since) & ~posts["author_id"].isin(bots)]
    threads = _threads(posts, community_accounts)
    answered = threads["hours"].dropna()
    sponsored = org_after[org_after["employee_id"].isin(sponsors["employee_id"])]
    return {
        "units_with_sponsor": float(sponsored["business_unit"].astype(str).nunique()),
        "people_posting_90d": float(recent["author_id"].nunique()),
        "median_hours_to_first_reply_90d": float(answered.median()) if len(answered) else
        math.nan,
        "answered_share_90d": float(len(answered) / len(threads)) if len(threads) else math.nan,
        OUTCOME_METRIC: float(outcomes["assessment_score"].mean()),
    }


# --- 6.1 what changed -------------------------------------------------------------------------

def what_changed(learner):
    """Visible check of task 6.1 on the capstone scenario."""
    what = "what_changed(org_before, org_after, sponsors)"
    with feedback.task("what_changed"):
        frames = _data("org_before", "org_after", "sponsors")
        got = learner(*frames)
        expected = reference.what_changed(*_data("org_before", "org_after", "sponsors"))
        _expect_same_changes(got, expected, what)
    feedback.passed("what_changed() lists the units after the re-org, the sponsors who left "
                    "and the units with no sponsor now.")


def _expect_same_changes(got, expected, what):
    feedback.expect_type(got, dict, what)
    feedback.expect_same_values(sorted(map(str, got)), sorted(expected), f"the keys of {what}")
    for key, value in expected.items():
        mine = got[key]
        feedback.expect_type(mine, list, f"{what}[{key!r}]")
        if key == "departed_sponsors":
            with feedback.likely_cause("the departed are the sponsors whose employee_id is "
                                       "not in org_after"):
                feedback.expect_same_values(mine, value, f"{what}[{key!r}]")
        elif key == "units_without_sponsor":
            with feedback.likely_cause("a sponsor counts for the unit they work in now "
                                       "(org_after), and one who left counts for none"):
                feedback.expect_same_values(mine, value, f"{what}[{key!r}]")
        else:
            feedback.expect_same_values(mine, value, f"{what}[{key!r}]")


def what_changed_edge_cases(learner):
    """Hidden checks of task 6.1: every sponsor gone; nobody left; a unit renamed."""
    org_before, org_after, sponsors = _data("org_before", "org_after", "sponsors")
    everyone_left = org_after[~org_after["employee_id"].isin(sponsors["employee_id"])]
    renamed = org_after.assign(business_unit=org_after["business_unit"].astype(str).replace(
        {"Finance": "Finance & Risk"}).astype("category"))
    cases = {
        "a copy of the scenario where every sponsor left": (org_before, everyone_left, sponsors),
        "a copy where Finance was renamed Finance & Risk": (org_before, renamed, sponsors),
        "a copy with no sponsors at all": (org_before, org_after, sponsors.iloc[:0]),
    }
    with feedback.task("what_changed"):
        for case, frames in cases.items():
            got = learner(*(f.copy() for f in frames))
            _expect_same_changes(got, reference.what_changed(*(f.copy() for f in frames)),
                                 f"what_changed() on {case}")
    feedback.passed("what_changed() holds when every sponsor left, a unit is renamed or "
                    "there are no sponsors.")


# --- 6.2 a sponsor for every unit ----------------------------------------------------------

def _expect_sound_sponsor_plan(got, sponsors, org_after, what):
    feedback.expect_type(got, dict, what)
    units = sorted(set(org_after["business_unit"].astype(str)))
    unit_of = dict(zip(org_after["employee_id"].astype(str),
                       org_after["business_unit"].astype(str), strict=True))
    level_of = dict(zip(org_after["employee_id"].astype(str), org_after["level"], strict=True))
    known = {str(r.employee_id): r for r in sponsors.itertuples()}
    missing = [unit for unit in units if unit not in got]
    feedback.expect(not missing, f"{_named(what)} leaves units out: {missing}. Every unit "
                    "of the new org needs a sponsor to keep, educate or win.")
    strange = sorted(str(u) for u in got if str(u) not in units)
    feedback.expect(not strange, f"{_named(what)} names units that are not in org_after: "
                    f"{strange[:4]}. Use the units after the re-org.")
    for unit in units:
        entry = got[unit]
        feedback.expect(type(entry) is dict and set(entry) == {"sponsor", "action"},
                        f"{_named(what)}[{unit!r}] should be a dictionary with the keys "
                        f"'sponsor' and 'action', not {entry!r:.80}.")
        feedback.expect(_is_text(entry["sponsor"]) and _is_text(entry["action"]),
                        f"{_named(what)}[{unit!r}]: the sponsor is an employee_id and the "
                        f"action a word, both text; not {_shown(entry['sponsor'])} and "
                        f"{_shown(entry['action'])}.")
        person, action = str(entry["sponsor"]), entry["action"]
        if person not in unit_of:
            gone = person in known
            feedback.expect(not gone, f"{_named(what)} counts on {person} for {unit}, a "
                            "departed sponsor: they left the company in the re-org. Choose "
                            "someone who works there now.")
            raise feedback.CheckFailed(f"{_named(what)} names {person} for {unit}, who is "
                                       "not in org_after.")
        feedback.expect(unit_of[person] == unit, f"{_named(what)} names {person} for {unit}, "
                        f"but they work in {unit_of[person]} now. A sponsor speaks for their "
                        "own unit.")
        if person not in known:
            kept = sorted(p for p, u in unit_of.items() if u == unit and p in known)
            feedback.expect(not kept, f"{_named(what)} sets out to win {person} for {unit}, "
                            f"but {unit} still has sponsors: {kept[:4]}. Keep and educate a "
                            "sponsor you have before winning someone new; win a leader only "
                            "where no sponsor is left.")
            feedback.expect(action == NEW_SPONSOR_ACTION, f"{_named(what)}: {person} is not "
                            f"a sponsor yet, so the action for {unit} is "
                            f"{NEW_SPONSOR_ACTION!r} (win them over), not {action!r}.")
            feedback.expect(level_of[person] <= NEW_SPONSOR_MAX_LEVEL,
                            f"{_named(what)}: to win {unit} you chose {person} (level "
                            f"{level_of[person]}); pick a leader who can sponsor a unit "
                            f"(level {NEW_SPONSOR_MAX_LEVEL} or above: director, executive).")
            continue
        sponsor = known[person]
        feedback.expect(action in SPONSOR_ACTIONS, f"{_named(what)}: {person} is already a "
                        f"sponsor; their action is one of {list(SPONSOR_ACTIONS)}, not "
                        f"{action!r}.")
        facts = (f"{person} ({sponsor.stance}, influence {sponsor.influence}, comfort "
                 f"{sponsor.social_media_comfort})")
        if sponsor.stance == "skeptical":
            feedback.expect(action in ("convince", "inform"), f"{_named(what)}: {facts} is "
                            f"asked to {action}; the stance is not respected: a skeptic is "
                            "convinced or informed, not showcased or coached.")
            feedback.expect(sponsor.influence < 4 or action == "convince",
                            f"{_named(what)}: {facts} is only informed; the stance is not "
                            "respected: an influential skeptic can block you, so convince them.")
        if sponsor.social_media_comfort <= 2:
            feedback.expect(action != "showcase", f"{_named(what)}: {facts} is asked to "
                            "showcase; someone this uneasy online is coached first.")


def sponsor_plan(learner):
    """Visible check of task 6.2 on the capstone scenario."""
    what = "sponsor_plan(sponsors, org_after)"
    with feedback.task("sponsor_plan"):
        sponsors, org_after = _data("sponsors", "org_after")
        got = learner(sponsors.copy(), org_after.copy())
        _expect_sound_sponsor_plan(got, sponsors, org_after, what)
    feedback.passed("sponsor_plan() gives every unit a sponsor who works there now, with an "
                    "action that respects their stance, and a leader to win where none is left.")


sponsor_plan.replayable = False  # many plans are sound: checked when graded (class mode)


def sponsor_plan_edge_cases(learner):
    """Hidden checks of task 6.2: the sponsors' stances turned; more sponsors gone."""
    sponsors, org_after = _data("sponsors", "org_after")
    turned = sponsors.assign(stance=pd.Categorical(
        ["skeptical"] * len(sponsors), categories=sponsors["stance"].cat.categories,
        ordered=True), influence=5)
    here = sponsors[sponsors["employee_id"].isin(org_after["employee_id"])]
    fewer = org_after[~org_after["employee_id"].isin(here["employee_id"].iloc[::2])]
    cases = {"a copy where every sponsor turned skeptical (influence 5)": (turned, org_after),
             "a copy where half the remaining sponsors left too": (sponsors, fewer)}
    with feedback.task("sponsor_plan"):
        for case, (table, org) in cases.items():
            got = learner(table.copy(), org.copy())
            _expect_sound_sponsor_plan(got, table, org, f"sponsor_plan() on {case}")
    feedback.passed("sponsor_plan() follows the data when stances turn and more sponsors leave.")


# --- 6.3 champions ---------------------------------------------------------------------------

def _expect_sound_champions(got, posts, community_accounts, org_after, what):
    feedback.expect_type(got, dict, what)
    feedback.expect(set(map(str, got)) == {"recruit", "equip", "recognise"},
                    f"{_named(what)} should have the keys 'recruit', 'equip' and 'recognise'; "
                    f"it has {sorted(map(str, got))}.")
    recruits = got["recruit"]
    feedback.expect_type(recruits, list, f"{what}['recruit']")
    recruits = [str(r) for r in recruits]
    feedback.expect(len(set(recruits)) == len(recruits), f"{_named(what)} recruits someone "
                    "twice.")
    feedback.expect(CHAMPIONS_MIN <= len(recruits) <= CHAMPIONS_MAX,
                    f"{_named(what)} recruits {len(recruits)} champions; recruit "
                    f"{CHAMPIONS_MIN} to {CHAMPIONS_MAX} (enough to spread the message, few "
                    "enough to equip them well).")
    bots = _bots(community_accounts)
    robots = [r for r in recruits if r in bots]
    feedback.expect(not robots, f"{_named(what)} recruits {robots}: a bot, not a person. "
                    "Leave bots out when you count who helps others.")
    unit_of = dict(zip(org_after["employee_id"].astype(str),
                       org_after["business_unit"].astype(str), strict=True))
    gone = [r for r in recruits if r not in unit_of]
    feedback.expect(not gone, f"{_named(what)} recruits {gone}, who left the company (not in "
                    "org_after).")
    helped = _people_helped(posts, community_accounts)
    weak = [f"{r} ({int(helped.get(r, 0))})" for r in recruits
            if helped.get(r, 0) < CHAMPION_MIN_HELPED]
    feedback.expect(not weak, f"{_named(what)} recruits people who helped fewer than "
                    f"{CHAMPION_MIN_HELPED} distinct people in the last {CHAMPION_DAYS} days: "
                    f"{weak}. Champions are the ones who already answer others.")
    units = {unit_of[r] for r in recruits}
    feedback.expect(len(units) >= 2, f"{_named(what)} recruits champions from one unit only "
                    f"({sorted(units)}); take them from at least two units so the message "
                    "spreads.")
    for key, menu in (("equip", EQUIP), ("recognise", RECOGNISE)):
        items = got[key]
        feedback.expect_type(items, list, f"{what}[{key!r}]")
        feedback.expect(len(items) >= 1, f"{_named(what)}[{key!r}] is empty: say how you "
                        f"will {key} your champions.")
        _expect_texts(items, f"{what}[{key!r}]", "menu items")
        odd = [i for i in items if i not in menu]
        feedback.expect(not odd, f"{_named(what)}[{key!r}] has items outside the menu: "
                        f"{odd[:3]}. Choose from {list(menu)}.")


def champion_plan(learner):
    """Visible check of task 6.3 on the capstone scenario."""
    what = "champion_plan(posts, community_accounts, org_after)"
    with feedback.task("champion_plan"):
        frames = _data("posts", "community_accounts", "org_after")
        got = learner(*(f.copy() for f in frames))
        _expect_sound_champions(got, *frames, what)
    feedback.passed("champion_plan() recruits people who already help others, from more than "
                    "one unit, and says how to equip and recognise them.")


champion_plan.replayable = False


def champion_plan_edge_cases(learner):
    """Hidden checks of task 6.3: the top helpers left the company; then the champions the
    learner's own function picks on the sample leave (a list typed in names them again)."""
    posts, accounts, org_after = _data("posts", "community_accounts", "org_after")
    top = _people_helped(posts, accounts).sort_values(ascending=False).index[:3]
    without_top = org_after[~org_after["employee_id"].isin(top)]
    with feedback.task("champion_plan"):
        what = "champion_plan() on a copy where the three biggest helpers left"
        got = learner(posts.copy(), accounts.copy(), without_top.copy())
        _expect_sound_champions(got, posts, accounts, without_top, what)
        picked = learner(posts.copy(), accounts.copy(), org_after.copy())
        _expect_sound_champions(picked, posts, accounts, org_after,
                                "champion_plan(posts, community_accounts, org_after)")
        # Any three of the 5+ helpers can go and enough are left, from several units.
        gone = [str(r) for r in picked["recruit"][:3]]
        without_picked = org_after[~org_after["employee_id"].astype(str).isin(gone)]
        what = (f"champion_plan() on a copy where the first three champions it picks on the "
                f"sample ({', '.join(gone)}) left")
        got = learner(posts.copy(), accounts.copy(), without_picked.copy())
        _expect_sound_champions(got, posts, accounts, without_picked, what)
    feedback.passed("champion_plan() follows the data when the biggest helpers leave, and "
                    "when its own champions do.")


# --- 6.4 a community to use or build -----------------------------------------------------------

def _expect_same_evidence(got, health, what):
    feedback.expect_type(got, dict, f"{what}['evidence']")
    feedback.expect_same_values(sorted(map(str, got)), sorted(health),
                                f"the communities in {what}['evidence']")
    for cid, facts in health.items():
        mine = got[cid]
        feedback.expect(type(mine) is dict and set(mine) == set(facts),
                        f"{what}['evidence'][{cid!r}] should have the keys {sorted(facts)}.")
        label = f"{what}['evidence'][{cid!r}]"
        with feedback.likely_cause("count everyone who wrote a post or a reply there in the "
                                   "90 days, once each, with bots left out"):
            feedback.expect_close(mine["people_posting_90d"], facts["people_posting_90d"],
                                  f"{label}['people_posting_90d']", rtol=0, atol=0)
        hours = facts["median_hours_to_first_reply_90d"]
        if hours is None:
            feedback.expect(mine["median_hours_to_first_reply_90d"] is None or (
                type(mine["median_hours_to_first_reply_90d"]) is float
                and math.isnan(mine["median_hours_to_first_reply_90d"])),
                f"{label}['median_hours_to_first_reply_90d']: no thread of the last 90 days "
                "was answered there, so it is None.")
        else:
            with feedback.likely_cause("a bot's or the starter's own reply counted as the "
                                       "first reply"):
                feedback.expect_close(mine["median_hours_to_first_reply_90d"], hours,
                                      f"{label}['median_hours_to_first_reply_90d']",
                                      rtol=0, atol=0.05)
        owner_here = mine["owner_still_here"]
        feedback.expect(type(owner_here).__name__ in ("bool", "bool_"),
                        f"{label}['owner_still_here'] should be True or False, not "
                        f"{owner_here!r:.40}.")
        feedback.expect(bool(owner_here) is facts["owner_still_here"],
                        f"{label}['owner_still_here'] is not right: look the owner up in "
                        "org_after.")


def _expect_sound_community(got, communities, posts, community_accounts, org_after, what):
    feedback.expect_type(got, dict, what)
    feedback.expect(set(map(str, got)) == {"action", "community_id", "evidence"},
                    f"{_named(what)} should have the keys 'action', 'community_id' and "
                    f"'evidence'; it has {sorted(map(str, got))}.")
    health = _health(communities, posts, community_accounts, org_after)
    _expect_same_evidence(got["evidence"], health, what)
    healthy = [cid for cid, facts in health.items() if not _unhealthy_because(facts)]
    action, chosen = got["action"], got["community_id"]
    feedback.expect(_is_text(action) and action in ("use", "build"),
                    f"{_named(what)}['action'] is 'use' or "
                    f"'build', not {_shown(action)}.")
    if action == "use":
        feedback.expect(_is_text(chosen) and chosen in health, f"{_named(what)} uses "
                        f"{chosen!r:.60}, which is not a "
                        "community in the data.")
        reasons = _unhealthy_because(health[chosen])
        feedback.expect(not reasons, f"{_named(what)} relaunches in {chosen}, a dying "
                        f"community: {'; '.join(reasons)}. Use a healthy one, or build.")
    else:
        feedback.expect(not healthy, f"{_named(what)} builds a new community, but "
                        f"{healthy[0] if healthy else ''} is healthy: use one that exists "
                        "before building another.")
        feedback.expect(chosen is None, f"{_named(what)}: when you build, community_id is "
                        "None (the community does not exist yet).")


def community_choice(learner):
    """Visible check of task 6.4 on the capstone scenario."""
    what = "community_choice(communities, posts, community_accounts, org_after)"
    with feedback.task("community_choice"):
        frames = _data("communities", "posts", "community_accounts", "org_after")
        got = learner(*(f.copy() for f in frames))
        _expect_sound_community(got, *frames, what)
    feedback.passed("community_choice() backs its choice with each community's evidence and "
                    "relaunches where people already answer each other.")


community_choice.replayable = False


def community_choice_edge_cases(learner):
    """Hidden checks of task 6.4: every community fading; an owner who left."""
    communities, posts, accounts, org_after = _data("communities", "posts",
                                                    "community_accounts", "org_after")
    since = REFERENCE_NOW - pd.Timedelta(days=HEALTH_DAYS)
    faded = posts[posts["created_at"] < since]
    owners = org_after[~org_after["employee_id"].isin(communities["owner_id"])]
    cases = {"a copy where nobody posted in the last 90 days": (communities, faded, accounts,
                                                                org_after),
             "a copy where every community's owner left": (communities, posts, accounts,
                                                           owners)}
    with feedback.task("community_choice"):
        for case, frames in cases.items():
            got = learner(*(f.copy() for f in frames))
            _expect_sound_community(got, *frames, f"community_choice() on {case}")
    feedback.passed("community_choice() builds when no community is healthy.")


# --- 6.5 the learning network and the chat ----------------------------------------------------

def _network_of(account: str) -> str | None:
    if re.fullmatch(r"@?[\w.-]+@[\w-]+(\.[\w-]+)+", account):
        return "Mastodon"
    if re.fullmatch(r"@\w{1,15}", account):
        return "X"
    if re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", account):
        return "Bluesky"
    return None


def _slot_dates(weekday: str, zone: ZoneInfo, at: str, minutes: int):
    """Each start and end of a weekly slot in the plan's 90 days, in the slot's own zone."""
    hour, minute = (int(part) for part in at.split(":"))
    first = capstone.PLAN_START + pd.Timedelta(days=WEEKDAYS.index(weekday))
    for week in range(0, capstone.PLAN_DAYS, 7):
        day = first + pd.Timedelta(days=week)
        start = pd.Timestamp(year=day.year, month=day.month, day=day.day, hour=hour,
                             minute=minute, tz=zone)
        yield start, start + pd.Timedelta(minutes=minutes)


def _expect_sound_chat(got, org_after, what):
    feedback.expect_type(got, dict, what)
    feedback.expect(set(map(str, got)) == {"follow", "slots"}, f"{_named(what)} should have "
                    f"the keys 'follow' and 'slots'; it has {sorted(map(str, got))}.")
    follow = got["follow"]
    feedback.expect_type(follow, list, f"{what}['follow']")
    _expect_texts(follow, f"{what}['follow']", "accounts")
    feedback.expect(len(follow) >= 3, f"{_named(what)}['follow'] names {len(follow)} "
                    "accounts; follow at least three people to learn from.")
    networks = {_network_of(str(a)) for a in follow}
    feedback.expect(None not in networks, f"{_named(what)}['follow'] has an account that is "
                    "not written as @name (X), @name@server (Mastodon) or handle.domain "
                    "(Bluesky).")
    feedback.expect(len(networks) >= 2, f"{_named(what)}['follow'] is all on one network "
                    f"({networks.pop()}); people move between networks, so follow them on at "
                    "least two.")
    slots = got["slots"]
    feedback.expect_type(slots, list, f"{what}['slots']")
    feedback.expect(len(slots) >= 1, f"{_named(what)}['slots'] is empty: plan at least one "
                    "weekly chat.")
    office_zone = dict(zip(org_after["location"].astype(str), org_after["time_zone"].astype(str),
                           strict=True))
    invited = set()
    keys = {"weekday", "time", "time_zone", "minutes", "offices"}
    for number, slot in enumerate(slots, start=1):
        label = f"slot {number} of {_named(what)}"
        feedback.expect(type(slot) is dict and set(slot) == keys,
                        f"{label} should be a dictionary with the keys {sorted(keys)}.")
        feedback.expect(_is_text(slot["weekday"]) and slot["weekday"] in WEEKDAYS,
                        f"{label}: weekday is one of "
                        f"{list(WEEKDAYS)}, not {_shown(slot['weekday'])}.")
        feedback.expect(isinstance(slot["time"], str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d",
                                                                   slot["time"]) is not None,
                        f"{label}: time is 'HH:MM' (24-hour clock), not {slot['time']!r}.")
        try:
            zone = ZoneInfo(str(slot["time_zone"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise feedback.CheckFailed(f"{label}: {slot['time_zone']!r} is not a time zone; "
                                       "use an IANA name such as 'Europe/London'.") from None
        minutes = slot["minutes"]
        feedback.expect(isinstance(minutes, numbers.Integral) and not isinstance(minutes, bool)
                        and CHAT_MINUTES[0] <= minutes <= CHAT_MINUTES[1],
                        f"{label}: minutes is a whole number from {CHAT_MINUTES[0]} to "
                        f"{CHAT_MINUTES[1]}, not {minutes!r}.")
        offices = slot["offices"]
        feedback.expect(type(offices) is list and offices, f"{label}: offices lists the "
                        "offices asked to join.")
        _expect_texts(offices, f"{label}['offices']", "office names")
        unknown = [o for o in offices if o not in office_zone]
        feedback.expect(not unknown, f"{label} invites {unknown}, which are not offices of "
                        f"the company now (offices: {sorted(office_zone)}).")
        for office in offices:
            local_zone = ZoneInfo(office_zone[office])
            for start, end in _slot_dates(slot["weekday"], zone, slot["time"], int(minutes)):
                local_start, local_end = start.tz_convert(local_zone), end.tz_convert(local_zone)
                inside = (local_start.day_of_week < 5 and local_start.date() == local_end.date()
                          and local_start.hour >= WORK_START
                          and (local_end.hour, local_end.minute) <= (WORK_END, 0))
                feedback.expect(inside, f"{label} falls outside working hours in {office}: on "
                                f"{start:%a %d %b %Y} it runs {local_start:%H:%M}-"
                                f"{local_end:%H:%M} ({local_start:%A}) there, outside "
                                f"{WORK_START:02d}:00-{WORK_END}:00 Monday to Friday. Move it "
                                f"or invite {office} to another slot.")
        invited.update(offices)
    left_out = sorted(set(office_zone) - invited)
    feedback.expect(not left_out, f"{_named(what)} asks no slot of {left_out} to join; every "
                    "office is invited to one slot.")


def chat_plan(learner):
    """Visible check of task 6.5 on the capstone scenario."""
    what = "chat_plan(org_after)"
    with feedback.task("chat_plan"):
        (org_after,) = _data("org_after")
        got = learner(org_after.copy())
        _expect_sound_chat(got, org_after, what)
    feedback.passed("chat_plan() follows people on more than one network and invites every "
                    "office to a weekly slot inside its working hours, every week of the 90 "
                    "days.")


chat_plan.replayable = False


def chat_plan_edge_cases(learner):
    """Hidden checks of task 6.5: offices closed in another re-org."""
    (org_after,) = _data("org_after")
    americas = org_after[org_after["time_zone"].astype(str).str.startswith("America/")]
    east = org_after[org_after["location"].isin(["London", "Bengaluru", "Singapore"])]
    cases = {"a copy with offices in the Americas only": americas,
             "a copy with London, Bengaluru and Singapore only": east}
    with feedback.task("chat_plan"):
        for case, org in cases.items():
            got = learner(org.copy())
            _expect_sound_chat(got, org, f"chat_plan() on {case}")
    feedback.passed("chat_plan() invites only the offices that exist, each inside its hours.")


# --- 6.6 the scorecard -----------------------------------------------------------------------

def _expect_sound_scorecard(got, frames, what):
    posts, community_accounts, org_after, sponsors, outcomes = frames
    feedback.expect_type(got, dict, what)
    known = [*ACTIVITY_METRICS, OUTCOME_METRIC]
    odd = [m for m in got if m not in known]
    feedback.expect(not odd, f"{_named(what)} has metrics outside the menu: {odd[:3]}. "
                    f"Choose from {known}.")
    activity = [m for m in got if m in ACTIVITY_METRICS]
    feedback.expect(len(activity) >= 2, f"{_named(what)} has {len(activity)} activity "
                    "metric(s); track at least two (the intermediate indicators).")
    feedback.expect(OUTCOME_METRIC in got, f"{_named(what)} has no {OUTCOME_METRIC!r}: "
                    "define the goal the programme pushes towards, not only activity.")
    truth = _baselines(posts, community_accounts, org_after, sponsors, outcomes)
    units = org_after["business_unit"].astype(str).nunique()
    people = int((~community_accounts["is_bot"].astype(bool)).sum())
    for metric, entry in got.items():
        label = f"{_named(what)}[{metric!r}]"
        feedback.expect(type(entry) is dict, f"{label} should be a dictionary with a "
                        "baseline and a target.")
        baseline, target = entry.get("baseline"), entry.get("target")
        feedback.expect(_is_number(target), f"{label} has no measurable target: give a "
                        "number to reach by day 90.")
        feedback.expect(_is_number(baseline), f"{label} has a target with no baseline: "
                        "measure where you start (from the data) before you set a target.")
        with feedback.likely_cause("the baseline is not computed from the scenario's data "
                                   "as the task defines it"):
            feedback.expect_close(baseline, truth[metric], f"{label}['baseline']", rtol=0,
                                  atol=0.01 if metric != "median_hours_to_first_reply_90d"
                                  else 0.05)
        higher = ACTIVITY_METRICS.get(metric, True)
        better = target > baseline if higher else target < baseline
        feedback.expect(better, f"{label}: the target {target:g} is no improvement on the "
                        f"baseline {baseline:.2f} ({'higher' if higher else 'lower'} is "
                        "better).")
        if metric == "answered_share_90d":
            feedback.expect(target <= 1, f"{label}: a share is at most 1.")
        if metric == "units_with_sponsor":
            feedback.expect(target <= units, f"{label}: there are only {units} units.")
        if metric == "people_posting_90d":
            feedback.expect(target <= people, f"{label}: the target {target:g} is more people "
                            f"than have an account ({people}): a target must be reachable.")
        if metric == "median_hours_to_first_reply_90d":
            feedback.expect(target > 0, f"{label}: the target {target:g} hours cannot be "
                            "reached: a first reply takes some time, so aim for more than 0.")
        if metric == OUTCOME_METRIC:
            feedback.expect(target <= SCORE_MAX, f"{label}: the target {target:g} is above "
                            f"the top of the scale ({SCORE_MAX}): a target must be reachable.")
            feedback.expect(set(entry) == {"baseline", "target", "claim"}, f"{label} has the "
                            "keys 'baseline', 'target' and 'claim'.")
            claim = entry.get("claim")
            feedback.expect(_is_text(claim) and claim == "contributes",
                            f"{label} claims {_shown(claim)}: social learning is an "
                            "intermediate indicator that contributes to results; claiming it "
                            "causes them oversells it. Say 'contributes'.")
        else:
            feedback.expect(set(entry) == {"baseline", "target"}, f"{label} has the keys "
                            "'baseline' and 'target'.")


def scorecard(learner):
    """Visible check of task 6.6 on the capstone scenario."""
    what = "scorecard(posts, community_accounts, org_after, sponsors, outcomes)"
    with feedback.task("scorecard"):
        frames = _data("posts", "community_accounts", "org_after", "sponsors", "outcomes")
        got = learner(*(f.copy() for f in frames))
        _expect_sound_scorecard(got, frames, what)
    feedback.passed("scorecard() starts each metric from a baseline in the data, sets a "
                    "measurable target, and does not oversell the outcome.")


scorecard.replayable = False


def scorecard_edge_cases(learner):
    """Hidden checks of task 6.6: other data gives other baselines."""
    posts, accounts, org_after, sponsors, outcomes = _data(
        "posts", "community_accounts", "org_after", "sponsors", "outcomes")
    two = posts[posts["community_id"].isin(["C01", "C02"])]
    fewer = org_after[~org_after["employee_id"].isin(sponsors["employee_id"].iloc[:6])]
    cases = {"a copy with the posts of two communities only":
             (two, accounts, org_after, sponsors, outcomes),
             "a copy where six more sponsors left":
             (posts, accounts, fewer, sponsors, outcomes[outcomes["employee_id"].isin(
                 fewer["employee_id"])])}
    with feedback.task("scorecard"):
        for case, frames in cases.items():
            got = learner(*(f.copy() for f in frames))
            _expect_sound_scorecard(got, frames, f"scorecard() on {case}")
    feedback.passed("scorecard() computes its baselines from the data it is given.")
