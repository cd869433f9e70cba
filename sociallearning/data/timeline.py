"""The sample data's calendar: one clock shared by every generator.

Times inside the generators are int64 seconds since the Unix epoch (UTC).
"""

from __future__ import annotations

import numpy as np

from .schema import REFERENCE_NOW, REORG_DATE

DAY = 86_400
NOW = int(REFERENCE_NOW.timestamp())
COMMUNITY_DAYS = 548  # ~18 months of community history up to REFERENCE_NOW
START_DAY = NOW // DAY - COMMUNITY_DAYS  # day number (since epoch) of the first community day
START = START_DAY * DAY
REORG = int(REORG_DATE.timestamp())  # re-org takes effect
SEARCH_WINDOW_START = NOW - 7 * DAY  # recent search reaches back 7 days


def iso_seconds(seconds: np.ndarray) -> np.ndarray:
    """UTC ISO-8601 text with a Z, e.g. 2026-03-06T12:00:00Z, for an array of epoch seconds."""
    text = np.datetime_as_string(np.asarray(seconds, dtype="int64").astype("datetime64[s]"))
    return np.char.add(text.astype(str), "Z")


def iso_dates(seconds: np.ndarray) -> np.ndarray:
    """YYYY-MM-DD for an array of epoch seconds."""
    days = (np.asarray(seconds, dtype="int64") // DAY).astype("datetime64[D]")
    return np.datetime_as_string(days).astype(str)


def x_time(seconds: int) -> str:
    """X API v2 timestamp text, e.g. 2026-03-06T01:00:00.000Z."""
    return str(np.datetime64(int(seconds), "s")) + ".000Z"
