"""The internal community platform: communities, accounts, memberships, posts, reactions.

Built so the course's lessons show up: thriving and dying communities, participation close to
90-9-1, weekday rhythm, lognormal reply delays, a few champions who answer many distinct people
month after month, trend setters whose threads draw replies, and two bots that distort naive
metrics. Every big table is drawn with vectorised numpy (no per-row Python loops).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .generate_org import UTC_OFFSET_HOURS, Org, _source_unit
from .generate_outcomes import TENURE_CAP
from .timeline import COMMUNITY_DAYS, DAY, NOW, REORG, START, START_DAY, iso_seconds

DIGEST_BOT = "BOT-DIGEST"
HELPER_BOT = "BOT-HELPER"
BOTS = {DIGEST_BOT: "Weekly Digest (bot)", HELPER_BOT: "Community Helper (bot)"}

HUMAN_ROOTS_PER_SCALE = 1_000  # expected human thread starters at scale 1 (~55 a month)
ACTIVE_SHARE = 0.22  # members who ever post (the "9" and the "1" of 90-9-1)
ONE_OFF_SHARE = 0.6  # of the light tier try it for a week after joining, then stop
ONE_OFF_DAYS = 7
CHAMPIONS_PER_SCALE = 6
TREND_SETTERS_PER_SCALE = 2
CHAMPION_REPLY_WEIGHT = 5.0  # champions' pull on replies in their home communities
CHAMPION_ROOT_WEIGHT = 2.0
CHAMPION_HOMES = 3  # thriving communities each champion answers in
TREND_SETTER_ROOT_WEIGHT = 5.0
TREND_SETTER_REPLY_BOOST = 3.0  # their threads draw this many times more replies
REORG_DIP = 0.35  # every community loses about a third of its activity around the re-org
REORG_DIP_CENTRE_DAYS = 14  # deepest two weeks after it takes effect
REORG_DIP_WIDTH_DAYS = 25  # and back to normal about two months later
DYING_FLOOR = 0.12  # a dying community keeps a trickle of unanswered questions
HELPER_BOT_SHARE = 0.6  # of human threads get an automatic reply within seconds
HELPER_BOT_MEDIAN_SECONDS = 20.0
FOLLOW_UP_GAP_HOURS = 3.0  # median gap between later replies in a thread
WEEKDAY_FACTOR = np.array([1.0, 1.08, 1.08, 1.0, 0.85, 0.22, 0.15])  # Monday .. Sunday
REPLY_TO_ROOT_SHARE = 0.7  # other replies answer the previous reply
REACTIONS_PER_POST = 1.3
REACTION_MIX = {  # author kind -> probabilities of (like, helpful, insightful)
    "champion_reply": (0.30, 0.55, 0.15),
    "trend_root": (0.45, 0.15, 0.40),
    "other": (0.65, 0.20, 0.15),
}
REACTIONS = np.array(["like", "helpful", "insightful"])


@dataclass(frozen=True)
class CommunitySpec:
    community_id: str
    name: str
    topic: str
    created_day: int  # days after the start of the history
    shape: str  # growing, steady, fading, fades_after_reorg, new_growing
    reply_mean: float  # mean replies per thread at full health
    first_reply_hours: float  # median first-reply delay at full health
    affinity: dict  # unit (or "managers" / "*") -> probability of joining
    owner: tuple[str, int]  # (unit before the re-org, level)
    join_skew: float  # joins = window * U**join_skew (>1: early joiners, <1: late)

    @property
    def thriving(self) -> bool:
        return self.shape in ("growing", "steady", "new_growing")


COMMUNITIES = [
    CommunitySpec("C01", "Safe Hands", "warehouse and depot safety practices", 0, "steady",
                  1.9, 1.5, {"Operations": 0.5, "Supply Chain": 0.35, "*": 0.04},
                  ("Operations", 4), 1.0),
    CommunitySpec("C02", "Sales Playbook Exchange", "sharing what works with customers", 4,
                  "growing", 1.9, 1.5, {"Sales": 0.65, "Customer Care": 0.15, "*": 0.03},
                  ("Sales", 4), 0.8),
    CommunitySpec("C03", "Data & Analytics Guild", "dashboards, SQL and forecasting", 30,
                  "growing", 2.0, 1.2, {"Technology": 0.55, "Finance": 0.35, "*": 0.07},
                  ("Technology", 5), 0.7),
    CommunitySpec("C04", "New Managers Forum", "first-time people leadership", 10, "steady",
                  1.7, 2.0, {"managers": 0.55, "*": 0.02}, ("People", 3), 1.0),
    CommunitySpec("C05", "Cold Chain Tech Talk", "refrigerated logistics technology", 0,
                  "fades_after_reorg", 1.1, 6.0,
                  {"Supply Chain": 0.3, "Technology": 0.12, "Operations": 0.08, "*": 0.01},
                  ("Supply Chain", 5), 2.5),
    CommunitySpec("C06", "Wellbeing Corner", "rest, energy and looking after each other", 0,
                  "fading", 1.0, 8.0, {"*": 0.14}, ("People", 5), 3.0),
    CommunitySpec("C07", "Working Out Loud Circle", "showing your work and learning in public",
                  300, "new_growing", 2.1, 1.0, {"People": 0.5, "*": 0.1}, ("People", 4), 0.7),
]


@dataclass
class Community:
    communities: pd.DataFrame
    community_accounts: pd.DataFrame
    memberships: pd.DataFrame
    posts: pd.DataFrame
    reactions: pd.DataFrame
    truth: dict  # ground truth for tests and docs: champions, trend setters, tiers


def _shape(spec: CommunitySpec, days: np.ndarray) -> np.ndarray:
    """Relative activity of a community on each day (0 before it exists)."""
    life = COMMUNITY_DAYS + 1 - spec.created_day
    x = np.clip((days - spec.created_day) / life, 0.0, 1.0)
    reorg_day = (REORG - START) / DAY
    if spec.shape == "growing":
        level = 0.5 + x
    elif spec.shape == "steady":
        level = np.ones_like(x)
    elif spec.shape == "fading":
        level = DYING_FLOOR + (1 - DYING_FLOOR) * np.exp(-3.0 * x)
    elif spec.shape == "fades_after_reorg":
        level = np.where(days < reorg_day, 1.0, DYING_FLOOR + (1 - DYING_FLOOR) * np.exp(
            -(days - reorg_day) / 45.0))
    else:  # new_growing
        level = 0.3 + 1.7 * x
    # People change teams, managers and priorities: every community dips around the re-org.
    dip = REORG_DIP * np.exp(-(((days - reorg_day - REORG_DIP_CENTRE_DAYS)
                                / REORG_DIP_WIDTH_DAYS) ** 2))
    return np.where(days >= spec.created_day, level * (1 - dip), 0.0)


def _health(spec: CommunitySpec, days: np.ndarray) -> np.ndarray:
    shape = _shape(spec, np.arange(COMMUNITY_DAYS + 1, dtype=float))
    return _shape(spec, days) / shape.max()


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def participation_score(tenure_years: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Log-odds (up to a constant) of ever posting: longer-serving people and managers post more.

    This is the confounder the outcomes lesson is about: the same traits raise performance.
    """
    manager = ((level >= 3) & (level <= 5)).astype(float)
    return 0.45 * np.minimum(tenure_years, TENURE_CAP) + 0.5 * manager + 0.3 * (level <= 2)


def _calibrate_intercept(score: np.ndarray, target: float) -> float:
    low, high = -20.0, 20.0
    for _ in range(60):
        mid = (low + high) / 2
        if _sigmoid(mid + score).mean() < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _pick_weighted(
    rng: np.random.Generator, group_of_row: np.ndarray, weights: np.ndarray, groups: np.ndarray,
    n_groups: int,
) -> np.ndarray:
    """For each entry of `groups`, a row index drawn from that group's rows in proportion to weight.

    Rows must be sorted by group. Returns -1 where the group has no weight.
    """
    totals = np.bincount(group_of_row, weights=weights, minlength=n_groups)
    cum = np.cumsum(weights)
    starts = np.searchsorted(group_of_row, np.arange(n_groups))
    before = np.concatenate([[0.0], cum])[starts]
    normalised = group_of_row + (cum - before[group_of_row]) / np.where(
        totals[group_of_row] > 0, totals[group_of_row], 1.0)
    u = groups + np.maximum(rng.random(len(groups)), 1e-12)
    rows = np.searchsorted(normalised, u, side="left")
    rows = np.minimum(rows, len(group_of_row) - 1)
    ok = (totals[groups] > 0) & (group_of_row[rows] == groups)
    return np.where(ok, rows, -1)


def build_community(rng: np.random.Generator, org: Org, scale: float) -> Community:
    people = org.people
    n_people = len(people)
    ids = people["employee_id"].to_numpy()
    level = people["level"].to_numpy()
    hire = people["hire"].to_numpy()
    leave = np.minimum(people["leave"].to_numpy(), NOW)
    tenure_now = (NOW - hire) / (365.25 * DAY)
    unit = np.where(people["in_before"], people["unit_before"],
                    [_source_unit(u) if u else u for u in people["unit_after"]])
    offset_seconds = (people["location"].map(UTC_OFFSET_HOURS).to_numpy() * 3600).astype(int)
    n_comm = len(COMMUNITIES)
    created = np.array([START + c.created_day * DAY for c in COMMUNITIES])

    # --- who joins what, and when -----------------------------------------------------------
    join_p = np.zeros((n_people, n_comm))
    for c, spec in enumerate(COMMUNITIES):
        default = spec.affinity.get("*", 0.0)
        p = np.array([spec.affinity.get(u, default) for u in unit])
        if "managers" in spec.affinity:
            p = np.where((level >= 4) & (level <= 5), spec.affinity["managers"], p)
        join_p[:, c] = p
    person_of, comm_of = np.nonzero(rng.random((n_people, n_comm)) < join_p)

    # Ground-truth roles: champions and trend setters are long-serving people who stay.
    stayers = np.flatnonzero((hire < START) & (people["leave"].to_numpy() > NOW) & (level >= 4))
    base = participation_score(tenure_now, level)
    role_weights = np.exp(base[stayers])
    n_champions = max(1, round(CHAMPIONS_PER_SCALE * scale))
    n_trend = max(1, round(TREND_SETTERS_PER_SCALE * scale))
    chosen = rng.choice(stayers, size=n_champions + n_trend, replace=False,
                        p=role_weights / role_weights.sum())
    champions, trend_setters = chosen[:n_champions], chosen[n_champions:]
    thriving = np.array([c for c, s in enumerate(COMMUNITIES) if s.thriving])
    # each champion has CHAMPION_HOMES different home communities among the thriving ones
    # that run the whole history (so they can answer month after month)
    settled = np.array([c for c in thriving if COMMUNITIES[c].created_day <= 60])
    homes = np.argsort(rng.random((n_champions, len(settled))), axis=1)[:, :CHAMPION_HOMES]
    home_comm = settled[homes].ravel()
    home_person = np.repeat(champions, CHAMPION_HOMES)
    forced_person = np.concatenate([home_person, trend_setters])
    forced_comm = np.concatenate(
        [home_comm, thriving[rng.integers(0, len(thriving), size=n_trend)]])

    owners = []
    left = people["leave"].to_numpy() <= NOW
    for c, spec in enumerate(COMMUNITIES):
        leaves_company = spec.shape == "fades_after_reorg"  # its owner leaves in the re-org
        eligible = (hire < created[c] - 30 * DAY) & (left == leaves_company) & (level >= 3)
        # the preferred unit and level, else the unit, else anyone (small scales)
        for wanted in (eligible & (unit == spec.owner[0]) & (level == spec.owner[1]),
                       eligible & (unit == spec.owner[0]), eligible):
            pool = np.flatnonzero(wanted)
            if len(pool):
                break
        owners.append(int(pool[rng.integers(0, len(pool))]))
    owners_arr = np.array(owners)
    forced_person = np.concatenate([forced_person, owners_arr])
    forced_comm = np.concatenate([forced_comm, np.arange(n_comm)])

    pairs = np.unique(np.concatenate([
        person_of * n_comm + comm_of, forced_person * n_comm + forced_comm]))
    forced_pairs = np.unique(forced_person * n_comm + forced_comm)
    person_of, comm_of = pairs // n_comm, pairs % n_comm
    is_forced = np.isin(pairs, forced_pairs)

    low = np.maximum(created[comm_of], hire[person_of])
    high = leave[person_of]
    keep = high - low > DAY
    person_of, comm_of, is_forced, low, high = (
        a[keep] for a in (person_of, comm_of, is_forced, low, high))
    skew = np.array([c.join_skew for c in COMMUNITIES])[comm_of]
    fraction = np.where(is_forced, rng.random(len(low)) * 0.02,
                        rng.random(len(low)) ** skew * 0.95)
    joined = low + (fraction * (high - low)).astype(np.int64)

    # --- who posts: ~90% never, ~9% a little, ~1% (champions, trend setters) a lot ------------
    members = np.unique(person_of)
    intercept = _calibrate_intercept(base[members], ACTIVE_SHARE)
    active = np.zeros(n_people, dtype=bool)
    active[members] = rng.random(len(members)) < _sigmoid(intercept + base[members])
    heavy = np.zeros(n_people, dtype=bool)
    heavy[chosen] = True
    active[owners_arr] = True
    active[heavy] = False  # the heavy tier is its own tier, not a light one
    root_w = np.where(active, rng.lognormal(0.0, 0.9, n_people), 0.0)
    reply_w = np.where(active, rng.lognormal(0.0, 0.5, n_people), 0.0)
    root_w[champions], reply_w[champions] = CHAMPION_ROOT_WEIGHT, 1.0
    root_w[trend_setters], reply_w[trend_setters] = TREND_SETTER_ROOT_WEIGHT, 1.0
    tier = np.where(heavy, "heavy", np.where(active, "light", "lurker"))

    order = np.lexsort((person_of, comm_of))
    person_of, comm_of, joined, high, is_forced = (
        a[order] for a in (person_of, comm_of, joined, high, is_forced))
    # Those who try and stop: their memberships go quiet a few days after they join.
    one_off = active & (rng.random(n_people) < ONE_OFF_SHARE)
    one_off[owners_arr] = False
    high = np.where(one_off[person_of], np.minimum(high, joined + ONE_OFF_DAYS * DAY), high)
    is_champion = np.isin(person_of, champions)
    m_root_w = root_w[person_of]
    m_reply_w = np.where(is_champion & is_forced, CHAMPION_REPLY_WEIGHT, reply_w[person_of])

    # --- thread starters: an inhomogeneous Poisson process per membership -------------------
    days = np.arange(COMMUNITY_DAYS + 1, dtype=float)
    weekday = (START_DAY + np.arange(COMMUNITY_DAYS + 1) + 3) % 7  # 0 = Monday
    daily = np.stack([_shape(s, days) * WEEKDAY_FACTOR[weekday] for s in COMMUNITIES])
    cum = np.concatenate([np.zeros((n_comm, 1)), np.cumsum(daily, axis=1)], axis=1)

    def cum_at(c: np.ndarray, t: np.ndarray) -> np.ndarray:
        d = np.clip((t - START) / DAY, 0, COMMUNITY_DAYS + 1)
        whole = np.minimum(d.astype(int), COMMUNITY_DAYS)
        return cum[c, whole] + (d - whole) * daily[c, whole]

    exposure = m_root_w * (cum_at(comm_of, high) - cum_at(comm_of, joined))
    rate = HUMAN_ROOTS_PER_SCALE * scale / exposure.sum()
    n_roots = rng.poisson(rate * exposure)
    r_member = np.repeat(np.arange(len(person_of)), n_roots)
    r_comm = comm_of[r_member]
    lo, hi = cum_at(r_comm, joined[r_member]), cum_at(r_comm, high[r_member])
    target = lo + rng.random(len(r_member)) * (hi - lo)
    width = COMMUNITY_DAYS + 2
    flat_cum = (cum + np.arange(n_comm)[:, None] * (cum[:, -1].max() + 1.0)).ravel()
    flat_target = target + r_comm * (cum[:, -1].max() + 1.0)
    r_day = np.searchsorted(flat_cum, flat_target, side="right") - 1 - r_comm * width
    r_day = np.clip(r_day, 0, COMMUNITY_DAYS)
    r_author = person_of[r_member]
    local_hour = np.clip(rng.normal(13.0, 2.6, len(r_member)), 7.0, 22.5)
    r_time = (START + r_day * DAY + (local_hour * 3600).astype(np.int64)
              - offset_seconds[r_author])
    ok = (r_time >= joined[r_member]) & (r_time < high[r_member]) & (r_time >= created[r_comm])
    r_member, r_comm, r_author, r_time = (a[ok] for a in (r_member, r_comm, r_author, r_time))
    n_root = len(r_time)

    # --- replies -------------------------------------------------------------------------------
    r_dayf = (r_time - START) / DAY
    health = np.zeros(n_root)
    first_hours = np.zeros(n_root)
    mean_replies = np.zeros(n_root)
    for c, spec in enumerate(COMMUNITIES):
        sel = r_comm == c
        h = _health(spec, r_dayf[sel])
        health[sel] = h
        mean_replies[sel] = spec.reply_mean * (0.3 + 0.6 * h)
        first_hours[sel] = spec.first_reply_hours / (0.15 + 0.85 * h)
    is_trend_root = np.isin(r_author, trend_setters)
    mean_replies = mean_replies * np.where(is_trend_root, TREND_SETTER_REPLY_BOOST, 1.0)
    n_replies = rng.poisson(mean_replies * rng.gamma(1.2, 1 / 1.2, n_root))
    thread = np.repeat(np.arange(n_root), n_replies)
    first_of_thread = np.concatenate([[0], np.cumsum(n_replies)[:-1]])
    position = np.arange(len(thread)) - first_of_thread[thread]
    first_delay = rng.lognormal(np.log(first_hours[thread] * 3600), 1.1)
    gap = rng.lognormal(np.log(FOLLOW_UP_GAP_HOURS * 3600), 1.3, len(thread))
    step = np.maximum(np.where(position == 0, first_delay, gap), 1.0).astype(np.int64)
    running = np.cumsum(step)
    t_time = r_time[thread] + running - (running - step)[first_of_thread[thread]]
    t_comm = r_comm[thread]

    # reply authors: weighted by reply pull, re-drawn if not a member at that moment
    t_member = np.full(len(thread), -1)
    pending = np.arange(len(thread))
    for _ in range(8):
        pick = _pick_weighted(rng, comm_of, m_reply_w, t_comm[pending], n_comm)
        valid = pick >= 0
        safe = np.maximum(pick, 0)
        valid &= (joined[safe] <= t_time[pending]) & (high[safe] > t_time[pending])
        valid &= person_of[safe] != r_author[thread[pending]]
        t_member[pending[valid]] = pick[valid]
        pending = pending[~valid]
        if len(pending) == 0:
            break
    keep = (t_member >= 0) & (t_time < NOW)
    thread, position, t_time, t_comm, t_member = (
        a[keep] for a in (thread, position, t_time, t_comm, t_member))
    t_author = person_of[t_member]
    # Parent: the thread's first post, or the reply just before (if it was kept and by someone
    # else).
    reply_index = np.arange(len(thread))
    previous_same_thread = np.concatenate([[False], thread[1:] == thread[:-1]])
    answer_previous = previous_same_thread & (rng.random(len(thread)) >= REPLY_TO_ROOT_SHARE)
    prev_author = np.concatenate([[-1], t_author[:-1]])
    answer_previous &= prev_author != t_author

    # --- bots ------------------------------------------------------------------------------------
    helper = np.flatnonzero(rng.random(n_root) < HELPER_BOT_SHARE)
    helper_time = r_time[helper] + np.maximum(
        rng.lognormal(np.log(HELPER_BOT_MEDIAN_SECONDS), 0.7, len(helper)), 2).astype(np.int64)
    keep = helper_time < NOW
    helper, helper_time = helper[keep], helper_time[keep]
    first_monday = START_DAY + (-(START_DAY + 3)) % 7
    mondays = np.arange(first_monday, NOW // DAY + 1, 7) * DAY + 7 * 3600
    digest_comm = np.repeat(np.arange(n_comm), len(mondays))
    digest_time = np.tile(mondays, n_comm)
    keep = (digest_time >= created[digest_comm] + 7 * DAY) & (digest_time < NOW)
    digest_comm, digest_time = digest_comm[keep], digest_time[keep]

    # --- assemble posts: keys 0..n_root-1 roots, then replies, helper replies, digests ---------
    n_rep, n_help, n_dig = len(thread), len(helper), len(digest_time)
    reply_key = n_root + reply_index
    parent = np.concatenate([
        np.full(n_root, -1),
        np.where(answer_previous, reply_key - 1, thread),
        helper,
        np.full(n_dig, -1),
    ])
    thread_key = np.concatenate([
        np.arange(n_root), thread, helper, n_root + n_rep + n_help + np.arange(n_dig)])
    author_person = np.concatenate([r_author, t_author, np.full(n_help + n_dig, -1)])
    account = np.concatenate([ids[r_author], ids[t_author], np.full(n_help, HELPER_BOT),
                              np.full(n_dig, DIGEST_BOT)]).astype(object)
    comm = np.concatenate([r_comm, t_comm, r_comm[helper], digest_comm])
    created_at = np.concatenate([r_time, t_time, helper_time, digest_time])
    kind = np.concatenate([np.zeros(n_root, dtype=np.int8), np.ones(n_rep + n_help, np.int8),
                           np.zeros(n_dig, np.int8)])
    champion_reply = np.concatenate([
        np.zeros(n_root, bool), np.isin(t_author, champions), np.zeros(n_help + n_dig, bool)])
    words = np.concatenate([
        rng.lognormal(np.log(80), 0.6, n_root),
        np.where(np.isin(t_author, champions), rng.lognormal(np.log(60), 0.5, n_rep),
                 rng.lognormal(np.log(35), 0.7, n_rep)),
        rng.integers(20, 41, n_help),
        rng.integers(150, 351, n_dig),
    ])
    words = np.maximum(np.round(words), 3).astype(np.int64)

    order = np.lexsort((np.arange(len(created_at)), created_at))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    post_ids = np.char.add("P", np.char.zfill(np.arange(1, len(order) + 1).astype(str), 7))
    key_to_id = post_ids[rank]
    posts = pd.DataFrame({
        "post_id": post_ids,
        "community_id": np.array([c.community_id for c in COMMUNITIES])[comm[order]],
        "author_id": account[order],
        "created_at": iso_seconds(created_at[order]),
        "kind": np.array(["post", "reply"])[kind[order]],
        "parent_id": np.where(parent[order] >= 0, key_to_id[np.maximum(parent[order], 0)], ""),
        "thread_id": key_to_id[thread_key[order]],
        "words": words[order],
    })

    # --- reactions -------------------------------------------------------------------------------
    n_posts = len(created_at)
    mix_kind = np.where(champion_reply, 0, np.where(
        np.isin(author_person, trend_setters) & (kind == 0), 1, 2))
    post_health = np.ones(n_posts)
    for c, spec in enumerate(COMMUNITIES):
        sel = comm == c
        post_health[sel] = _health(spec, (created_at[sel] - START) / DAY)
    bot_post = author_person < 0
    lam = REACTIONS_PER_POST * (0.3 + 0.7 * post_health) * np.where(bot_post, 0.3, 1.0)
    lam = lam * np.where(champion_reply, 1.8, 1.0)
    n_react = rng.poisson(lam)
    x_post = np.repeat(np.arange(n_posts), n_react)
    x_comm = comm[x_post]
    counts = np.bincount(comm_of, minlength=n_comm)
    member_row = group_starts_of(comm_of, n_comm)[x_comm] + (
        rng.random(len(x_post)) * counts[x_comm]).astype(np.int64)
    x_person = person_of[member_row]
    x_time = created_at[x_post] + rng.lognormal(np.log(2 * 3600), 1.5, len(x_post)).astype(
        np.int64) + 1
    ok = (x_person != author_person[x_post]) & (joined[member_row] <= x_time)
    ok &= (high[member_row] > x_time) & (x_time < NOW)
    x_post, x_person, x_time = x_post[ok], x_person[ok], x_time[ok]
    probabilities = np.array([REACTION_MIX[k] for k in ("champion_reply", "trend_root", "other")])
    cumulative = np.cumsum(probabilities, axis=1)[mix_kind[x_post]]
    choice = (rng.random(len(x_post))[:, None] > cumulative).sum(axis=1)
    reactions = pd.DataFrame({
        "post_id": key_to_id[x_post],
        "account_id": ids[x_person],
        "created_at_s": x_time,
        "reaction": REACTIONS[np.minimum(choice, 2)],
    })
    reactions = reactions.drop_duplicates(["post_id", "account_id"], keep="first")
    reactions = reactions.sort_values(["post_id", "account_id"], ignore_index=True)
    reactions.insert(2, "created_at", iso_seconds(reactions.pop("created_at_s").to_numpy()))

    # --- communities, accounts, memberships --------------------------------------------------
    communities = pd.DataFrame({
        "community_id": [c.community_id for c in COMMUNITIES],
        "name": [c.name for c in COMMUNITIES],
        "topic": [c.topic for c in COMMUNITIES],
        "created_at": iso_seconds(created + 9 * 3600),
        "owner_id": ids[owners_arr],
    })
    member_people = np.unique(person_of)
    accounts = pd.DataFrame({
        "account_id": np.concatenate([ids[member_people], list(BOTS)]),
        "display_name": np.concatenate([people["name"].to_numpy()[member_people],
                                        list(BOTS.values())]),
        "employee_id": np.concatenate([ids[member_people], ["", ""]]),
        "is_bot": np.concatenate([np.zeros(len(member_people), bool), [True, True]]),
    }).sort_values("account_id", ignore_index=True)
    accounts["is_bot"] = np.where(accounts["is_bot"], "true", "false")
    bot_rows = pd.DataFrame({
        "community_id": np.repeat([c.community_id for c in COMMUNITIES], 2),
        "account_id": np.tile(list(BOTS), n_comm),
        "joined_at_s": np.repeat(created + 9 * 3600, 2),
    })
    memberships = pd.concat([
        pd.DataFrame({
            "community_id": np.array([c.community_id for c in COMMUNITIES])[comm_of],
            "account_id": ids[person_of],
            "joined_at_s": joined,
        }),
        bot_rows,
    ]).sort_values(["community_id", "account_id"], ignore_index=True)
    memberships["joined_at"] = iso_seconds(memberships.pop("joined_at_s").to_numpy())

    truth = {
        "champions": sorted(ids[champions].tolist()),
        "trend_setters": sorted(ids[trend_setters].tolist()),
        "bots": sorted(BOTS),
        "tier_by_employee": dict(zip(ids[member_people].tolist(),
                                     tier[member_people].tolist(), strict=True)),
        "owners": ids[owners_arr].tolist(),
    }
    return Community(communities, accounts, memberships, posts, reactions, truth)


def group_starts_of(sorted_groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Index of each group's first row in an array sorted by group."""
    return np.searchsorted(sorted_groups, np.arange(n_groups))
