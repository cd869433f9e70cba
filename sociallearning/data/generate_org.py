"""The fictional company "Northwind Larder": its org chart before and after a re-org, and sponsors.

Headcount is ~800 at scale 1 and grows with the scale (800 x scale); the unit structure, the
re-org and the sponsors are the same at every scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .timeline import DAY, NOW, REORG, iso_dates

BASE_HEADCOUNT = 800
EXECUTIVE_OFFICE = "Executive Office"

LOCATIONS = {  # city -> IANA time zone
    "New York": "America/New_York",
    "Chicago": "America/Chicago",
    "London": "Europe/London",
    "Bengaluru": "Asia/Kolkata",
    "Singapore": "Asia/Singapore",
    "São Paulo": "America/Sao_Paulo",
}
# Standard UTC offsets (hours), used only to place community posts in working hours.
UTC_OFFSET_HOURS = {
    "New York": -5.0,
    "Chicago": -6.0,
    "London": 0.0,
    "Bengaluru": 5.5,
    "Singapore": 8.0,
    "São Paulo": -3.0,
}

# unit -> (share of headcount, head's title, individual-contributor titles, location weights)
UNITS: dict[str, tuple[float, str, tuple[str, ...], dict[str, float]]] = {
    "Operations": (
        0.27,
        "Chief Operating Officer",
        ("Warehouse Associate", "Forklift Operator", "Shift Lead", "Inventory Controller"),
        {"Chicago": 0.45, "New York": 0.25, "São Paulo": 0.2, "London": 0.1},
    ),
    "Sales": (
        0.16,
        "Chief Revenue Officer",
        ("Account Executive", "Sales Representative", "Key Account Manager", "Sales Analyst"),
        {"New York": 0.35, "Chicago": 0.2, "London": 0.25, "São Paulo": 0.1, "Singapore": 0.1},
    ),
    "Supply Chain": (
        0.19,
        "Chief Supply Chain Officer",
        ("Demand Planner", "Buyer", "Logistics Coordinator", "Transport Planner"),
        {"Chicago": 0.35, "São Paulo": 0.2, "Singapore": 0.2, "London": 0.15, "New York": 0.1},
    ),
    "Finance": (
        0.075,
        "Chief Financial Officer",
        ("Financial Analyst", "Accountant", "Payroll Specialist", "Credit Controller"),
        {"New York": 0.5, "London": 0.2, "Bengaluru": 0.3},
    ),
    "People": (
        0.06,
        "Chief People Officer",
        ("HR Business Partner", "Learning Designer", "Recruiter", "HR Advisor"),
        {"New York": 0.5, "London": 0.25, "Bengaluru": 0.25},
    ),
    "Technology": (
        0.115,
        "Chief Technology Officer",
        ("Software Engineer", "Data Analyst", "Systems Administrator", "Product Analyst"),
        {"Bengaluru": 0.5, "New York": 0.2, "London": 0.15, "Singapore": 0.15},
    ),
    "Customer Care": (
        0.13,
        "VP Customer Care",
        ("Customer Care Agent", "Support Specialist", "Quality Coach", "Complaints Handler"),
        {"Chicago": 0.3, "Bengaluru": 0.35, "São Paulo": 0.2, "London": 0.15},
    ),
}

# The re-org: Operations and Supply Chain merge, Customer Care is renamed, Marketing is carved
# out of Sales (and gets no sponsor).
MERGED_UNIT = "Operations & Supply Chain"
UNIT_AFTER = {
    "Operations": MERGED_UNIT,
    "Supply Chain": MERGED_UNIT,
    "Customer Care": "Customer Experience",
    "Sales": "Sales",
    "Finance": "Finance",
    "People": "People",
    "Technology": "Technology",
    EXECUTIVE_OFFICE: EXECUTIVE_OFFICE,
}
NEW_UNIT = "Marketing"
MARKETING_SHARE_OF_SALES = 0.15
MOVER_SHARE = 0.08  # plus the Marketing carve-out: ~10% change unit in all
LEAVER_SHARE = {3: 0.08, 4: 0.08, 5: 0.05, 6: 0.05}
NEW_HIRE_SHARE = 0.06
MANAGER_CHANGE_SHARE = 0.04  # reporting lines redrawn even without a move

LEVEL_TITLES = {3: "Director", 4: "Senior Manager", 5: "Manager"}
MEAN_TENURE_AT_REORG = {1: 12.0, 2: 8.0, 3: 9.0, 4: 7.0, 5: 6.0, 6: 4.0}

# Sponsor slots: (unit, level, role, influence, social_media_comfort, stance,
#                 days since last touchpoint (low, high), leaves in the re-org)
SPONSOR_SLOTS = [
    (EXECUTIVE_OFFICE, 1, "Executive sponsor", 5, 2, "supportive", (20, 45), False),
    ("People", 2, "Executive sponsor", 5, 4, "champion", (5, 20), False),
    ("Operations", 2, "Functional sponsor", 4, 2, "neutral", (100, 160), False),
    ("Supply Chain", 2, "Functional sponsor", 4, 3, "supportive", (0, 0), True),
    ("Customer Care", 2, "Functional sponsor", 4, 4, "champion", (0, 0), True),
    ("Finance", 2, "Budget holder", 5, 1, "skeptical", (120, 200), False),
    ("Technology", 2, "Functional sponsor", 4, 5, "champion", (10, 30), False),
    ("Sales", 3, "Functional sponsor", 3, 5, "supportive", (40, 70), False),
    ("People", 3, "Budget holder", 3, 4, "champion", (3, 14), False),
    ("Operations", 3, "Functional sponsor", 3, 2, "skeptical", (95, 130), False),
    ("Customer Care", 3, "Functional sponsor", 3, 3, "supportive", (0, 0), True),
    ("Technology", 3, "Functional sponsor", 2, 4, "neutral", (91, 120), False),
    ("Supply Chain", 3, "Functional sponsor", 3, 3, "neutral", (50, 89), False),
]
STALE_TOUCHPOINT_DAYS = 90

FIRST_NAMES = (
    "Aaliyah Abdul Ada Adebayo Aiko Alejandro Amara Amir Ana Anders Anika Arjun Astrid Aylin "
    "Bianca Bruno Camila Carlos Chiara Chidi Chloe Daniel Dario Deepa Diego Divya Ebony Elena "
    "Elif Emeka Emma Erik Esther Fatima Felipe Fiona Freya Gabriel Grace Hana Hannah Haruto "
    "Hassan Ingrid Isaac Isabel Ivan Jamal Jana Javier Jin Joao Jonah Julia Kai Kavya Kenji "
    "Kofi Lakshmi Lara Leila Liam Lina Lucas Luisa Magnus Malik Marta Mateo Mei Mia Milan Mira "
    "Nadia Naveen Nia Nikhil Noah Nora Olga Omar Oscar Paula Pedro Priya Rafael Rahul Ravi Rosa "
    "Ruth Samir Sara Sean Selin Siddharth Sofia Tariq Thandiwe Tomas Uma Valentina Vikram Wei "
    "Yara Yusuf Zainab Zoe"
).split()
LAST_NAMES = (
    "Abara Adeyemi Ahmed Almeida Andersen Anand Banerjee Barros Becker Bianchi Brennan Campbell "
    "Carvalho Castillo Chen Chowdhury Costa Das Dawson Delgado Dias Dubois Eriksen Evans Farouk "
    "Fernandes Fischer Fonseca Garcia Ghosh Goh Gomez Gupta Haddad Hansen Hartmann Hughes Ibrahim "
    "Ito Iyer Jensen Jones Kaur Khan Kim Koh Kowalski Kumar Larsen Lee Lim Lopes Lund Mahlangu "
    "Martins Mehta Mendes Menon Moreau Murphy Nair Nakamura Navarro Ng Nguyen Novak Nunes Okafor "
    "Okonkwo Oliveira Ong Osei Patel Pereira Petrov Pillai Quinn Rao Reddy Reyes Ribeiro Rossi "
    "Santos Sato Schmidt Sharma Silva Singh Suzuki Tan Tanaka Teo Torres Varga Walsh Wang Yadav "
    "Yilmaz Zhang"
).split()


@dataclass
class Org:
    people: pd.DataFrame  # one row per person ever employed in the window (internal)
    org_before: pd.DataFrame
    org_after: pd.DataFrame
    sponsors: pd.DataFrame


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    pool = len(FIRST_NAMES) * len(LAST_NAMES)
    picks = rng.choice(pool, size=n, replace=n > pool)
    first = np.array(FIRST_NAMES)[picks // len(LAST_NAMES)]
    last = np.array(LAST_NAMES)[picks % len(LAST_NAMES)]
    return np.char.add(np.char.add(first, " "), last)


def _locations(rng: np.random.Generator, unit: str, n: int) -> np.ndarray:
    weights = UNITS[unit][3]
    cities = np.array(list(weights))
    p = np.array(list(weights.values()))
    return cities[rng.choice(len(cities), size=n, p=p / p.sum())]


def _titles(rng: np.random.Generator, unit: str, level: int, n: int) -> np.ndarray:
    if level == 2:
        return np.full(n, UNITS[unit][1], dtype=object)
    if level in LEVEL_TITLES:
        return np.full(n, f"{LEVEL_TITLES[level]}, {unit}", dtype=object)
    return np.array(UNITS[unit][2], dtype=object)[rng.integers(0, 4, size=n)]


def _unit_sizes(n_units_total: int) -> dict[str, int]:
    shares = np.array([UNITS[u][0] for u in UNITS])
    raw = shares * n_units_total
    sizes = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - sizes), kind="stable")[: n_units_total - sizes.sum()]:
        sizes[i] += 1
    return dict(zip(UNITS, sizes.tolist(), strict=True))


def _level_counts(n: int) -> list[tuple[int, int]]:
    directors = max(2, round(n / 45))
    senior = max(3, round(n / 20))
    managers = max(4, round(n / 9))
    return [(2, 1), (3, directors), (4, senior), (5, managers), (6, n - 1 - directors - senior -
                                                                 managers)]


def assign_managers(
    rng: np.random.Generator, units: np.ndarray, levels: np.ndarray, ceo: int
) -> np.ndarray:
    """Manager index for each person: someone in the same unit at the nearest level above.

    Unit heads (and anyone with nobody above them in their unit) report to the CEO.
    """
    managers = np.full(len(units), ceo, dtype=np.int64)
    managers[ceo] = -1
    for unit in np.unique(units):
        in_unit = np.flatnonzero(units == unit)
        for level in range(2, 7):
            people = in_unit[levels[in_unit] == level]
            people = people[people != ceo]
            above = in_unit[(levels[in_unit] < level) & (in_unit != ceo)]
            if len(people) == 0 or len(above) == 0:
                continue
            nearest = above[levels[above] == levels[above].max()]
            managers[people] = nearest[rng.integers(0, len(nearest), size=len(people))]
    return managers


def build_org(rng: np.random.Generator, scale: float) -> Org:
    headcount = max(200, round(BASE_HEADCOUNT * scale))
    # --- before the re-org -------------------------------------------------------------
    units, levels, titles, cities = [], [], [], []
    exec_office = [(1, "Chief Executive Officer"), (3, "Chief of Staff"), (5, "Strategy Manager")]
    exec_office += [(6, "Executive Assistant")] * 3
    for level, title in exec_office:
        units.append(np.array([EXECUTIVE_OFFICE]))
        levels.append(np.array([level]))
        titles.append(np.array([title], dtype=object))
        cities.append(np.array(["New York"]))
    for unit, size in _unit_sizes(headcount - len(exec_office)).items():
        for level, count in _level_counts(size):
            units.append(np.full(count, unit))
            levels.append(np.full(count, level))
            titles.append(_titles(rng, unit, level, count))
            cities.append(_locations(rng, unit, count))
    unit_b = np.concatenate(units).astype(object)
    level = np.concatenate(levels).astype(np.int64)
    title_b = np.concatenate(titles)
    city = np.concatenate(cities).astype(object)
    n = len(unit_b)
    ceo = 0
    manager_b = assign_managers(rng, unit_b, level, ceo)

    mean_tenure = np.array([MEAN_TENURE_AT_REORG[v] for v in level])
    tenure = np.minimum(rng.gamma(2.0, mean_tenure / 2.0), 35.0) + 0.1
    hire = REORG - np.round(tenure * 365.25).astype(np.int64) * DAY

    # --- sponsors (chosen before the re-org) -------------------------------------------
    sponsor_idx, sponsor_rows = [], []
    for slot in SPONSOR_SLOTS:
        unit, lvl = slot[0], slot[1]
        pool = np.flatnonzero((unit_b == unit) & (level == lvl))
        pool = pool[~np.isin(pool, sponsor_idx)]
        sponsor_idx.append(int(pool[rng.integers(0, len(pool))]))
        sponsor_rows.append(slot)
    sponsor_idx_arr = np.array(sponsor_idx)
    is_sponsor = np.zeros(n, dtype=bool)
    is_sponsor[sponsor_idx_arr] = True

    # --- the re-org ---------------------------------------------------------------------
    leave_prob = np.array([LEAVER_SHARE.get(v, 0.0) for v in level])
    leaves = (rng.random(n) < leave_prob) & ~is_sponsor
    for i, slot in zip(sponsor_idx, sponsor_rows, strict=True):
        leaves[i] = slot[7]
    leave = np.where(leaves, REORG + rng.integers(0, 90, size=n) * DAY + 17 * 3600, np.iinfo(
        np.int64).max)

    unit_a = np.array([UNIT_AFTER[u] for u in unit_b], dtype=object)
    title_a = title_b.copy()
    stays = ~leaves
    movable = stays & ~is_sponsor & (level >= 4)
    to_marketing = movable & (unit_b == "Sales") & (rng.random(n) < MARKETING_SHARE_OF_SALES)
    unit_a[to_marketing] = NEW_UNIT
    after_units = sorted(set(UNIT_AFTER.values()) - {EXECUTIVE_OFFICE})
    movers = movable & ~to_marketing & (rng.random(n) < MOVER_SHARE)
    for i in np.flatnonzero(movers):
        choices = [u for u in after_units if u != unit_a[i]]
        unit_a[i] = choices[rng.integers(0, len(choices))]
    moved = to_marketing | movers
    for i in np.flatnonzero(moved):
        title_a[i] = _title_after(rng, unit_a[i], int(level[i]))

    # New hires: the two new unit heads, a Marketing director, and ~6% of headcount.
    n_new = max(3, round(NEW_HIRE_SHARE * n))
    new_unit = [NEW_UNIT, "Customer Experience", NEW_UNIT]
    new_level = [2, 2, 3]
    new_title = ["Chief Marketing Officer", "Chief Customer Officer", f"Director, {NEW_UNIT}"]
    shares = {UNIT_AFTER[u]: 0.0 for u in UNITS}
    for u, spec in UNITS.items():
        shares[UNIT_AFTER[u]] += spec[0]
    share_units = sorted(shares)
    share_p = np.array([shares[u] for u in share_units])
    extra = n_new - 3
    extra_units = np.array(share_units)[rng.choice(len(share_units), size=extra,
                                                   p=share_p / share_p.sum())]
    extra_levels = rng.choice([4, 5, 6], size=extra, p=[0.05, 0.10, 0.85])
    for u, lvl in zip(extra_units, extra_levels, strict=True):
        new_unit.append(str(u))
        new_level.append(int(lvl))
        new_title.append(_title_after(rng, str(u), int(lvl)))
    new_unit_arr = np.array(new_unit, dtype=object)
    new_city = np.array([_locations(rng, _source_unit(u), 1)[0] for u in new_unit], dtype=object)
    new_hire = REORG + rng.integers(1, (NOW - REORG) // DAY - 7, size=n_new) * DAY

    people = pd.DataFrame(
        {
            "name": np.concatenate([_names(rng, n + n_new)]),
            "unit_before": np.concatenate([unit_b, np.full(n_new, None)]),
            "unit_after": np.concatenate([np.where(stays, unit_a, None), new_unit_arr]),
            "title_before": np.concatenate([title_b, np.full(n_new, None)]),
            "title_after": np.concatenate([np.where(stays, title_a, None), new_title]),
            "level": np.concatenate([level, new_level]).astype(np.int64),
            "location": np.concatenate([city, new_city]),
            "hire": np.concatenate([hire, new_hire]).astype(np.int64),
            "leave": np.concatenate([leave, np.full(n_new, np.iinfo(np.int64).max)]),
            "moved": np.concatenate([moved, np.zeros(n_new, dtype=bool)]),
        }
    )
    people["time_zone"] = people["location"].map(LOCATIONS)
    people["in_before"] = people["unit_before"].notna()
    people["in_after"] = people["unit_after"].notna()

    # Employee ids follow hire order (E0001 is the longest-serving), ties broken at random.
    order = np.lexsort((rng.random(len(people)), people["hire"].to_numpy()))
    width = max(4, len(str(len(people))))
    ids = np.empty(len(people), dtype=object)
    ids[order] = [f"E{k:0{width}d}" for k in range(1, len(people) + 1)]
    people["employee_id"] = ids

    # Reporting lines before, then after (keep the old manager when still valid).
    manager_before_idx = np.concatenate([manager_b, np.full(n_new, -1)])
    after_pos = np.flatnonzero(people["in_after"].to_numpy())
    after_units_arr = people["unit_after"].to_numpy()[after_pos]
    after_levels = people["level"].to_numpy()[after_pos]
    fresh = assign_managers(rng, after_units_arr, after_levels, int(np.flatnonzero(after_pos ==
                                                                                    ceo)[0]))
    fresh_global = np.where(fresh >= 0, after_pos[np.maximum(fresh, 0)], -1)
    old = manager_before_idx[after_pos]
    still_valid = (old >= 0) & people["in_after"].to_numpy()[np.maximum(old, 0)]
    still_valid &= people["unit_after"].to_numpy()[np.maximum(old, 0)] == after_units_arr
    still_valid |= (old == ceo) & (after_levels == 2)
    still_valid &= rng.random(len(after_pos)) >= MANAGER_CHANGE_SHARE
    manager_after_idx = np.full(len(people), -1)
    manager_after_idx[after_pos] = np.where(still_valid, old, fresh_global)
    manager_after_idx[ceo] = -1

    def manager_ids(idx: np.ndarray) -> np.ndarray:
        return np.where(idx >= 0, ids[np.maximum(idx, 0)], None)

    people["manager_before"] = manager_ids(manager_before_idx)
    people["manager_after"] = manager_ids(manager_after_idx)
    people.loc[~people["in_before"], "manager_before"] = None

    org_before = _org_frame(people[people["in_before"]], "before")
    org_after = _org_frame(people[people["in_after"]], "after")

    days_ago = []
    for i, slot in zip(sponsor_idx, sponsor_rows, strict=True):
        low, high = slot[6]
        if slot[7]:  # leavers: last contact shortly before they left
            days_ago.append((NOW - int(leave[i])) // DAY + int(rng.integers(5, 40)))
        else:
            days_ago.append(int(rng.integers(low, high + 1)))
    touch = (NOW // DAY - np.array(days_ago)) * DAY
    sponsors = pd.DataFrame(
        {
            "employee_id": ids[sponsor_idx_arr],
            "role": [s[2] for s in sponsor_rows],
            "business_unit": unit_b[sponsor_idx_arr],
            "influence": [s[3] for s in sponsor_rows],
            "social_media_comfort": [s[4] for s in sponsor_rows],
            "stance": [s[5] for s in sponsor_rows],
            "last_touchpoint": iso_dates(touch),
        }
    ).sort_values("employee_id", ignore_index=True)
    people["is_sponsor"] = np.concatenate([is_sponsor, np.zeros(n_new, dtype=bool)])
    return Org(people=people, org_before=org_before, org_after=org_after, sponsors=sponsors)


def _source_unit(unit_after: str) -> str:
    """A pre-re-org unit whose locations a post-re-org unit inherits."""
    return {MERGED_UNIT: "Operations", "Customer Experience": "Customer Care",
            NEW_UNIT: "Sales"}.get(unit_after, unit_after)


def _title_after(rng: np.random.Generator, unit: str, level: int) -> str:
    if level in LEVEL_TITLES:
        return f"{LEVEL_TITLES[level]}, {unit}"
    if unit == NEW_UNIT:
        return ("Marketing Specialist", "Brand Manager", "Content Marketer")[rng.integers(0, 3)]
    return str(_titles(rng, _source_unit(unit), level, 1)[0])


def _org_frame(rows: pd.DataFrame, when: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "employee_id": rows["employee_id"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "title": rows[f"title_{when}"].to_numpy(),
            "business_unit": rows[f"unit_{when}"].to_numpy(),
            "manager_id": rows[f"manager_{when}"].to_numpy(),
            "location": rows["location"].to_numpy(),
            "time_zone": rows["time_zone"].to_numpy(),
            "level": rows["level"].to_numpy(),
            "hire_date": iso_dates(rows["hire"].to_numpy()),
        }
    )
    return frame.sort_values("employee_id", ignore_index=True)
