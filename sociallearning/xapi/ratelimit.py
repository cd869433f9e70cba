"""The offline API's simulated clock and its per-endpoint rate-limit budgets.

The X API v2 counts requests per endpoint in 15-minute windows and reports the budget in
three headers on every response: x-rate-limit-limit, x-rate-limit-remaining and
x-rate-limit-reset (epoch seconds when the window ends). Offline, time is simulated: the
clock starts at the sample data's "now" and moves only when something sleeps on it, so a
client that waits out a 429 finishes at once in real time.
"""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime

WINDOW_SECONDS = 15 * 60

# Requests per 15-minute window per app (bearer token), from the X API v2 rate-limit
# tables (docs.x.com/x-api/fundamentals/rate-limits; follows from the follows lookup
# migration guide). Keys name the endpoint the way the docs do.
RATE_LIMITS = {
    "GET /2/users/by/username/:username": 300,
    "GET /2/users/by": 300,
    "GET /2/users/:id": 300,
    "GET /2/users": 300,
    "GET /2/users/:id/following": 15,
    "GET /2/users/:id/followers": 15,
    "GET /2/users/:id/tweets": 10_000,
    "GET /2/tweets/search/recent": 450,
    "GET /2/tweets/:id": 450,
    "GET /2/tweets": 3_500,
}


class SimulatedClock:
    """A clock that starts at a given moment and advances only when `sleep` is called."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs a timezone-aware start time (UTC).")
        self._seconds = start.timestamp()
        self._lock = threading.Lock()

    def time(self) -> float:
        """Seconds since the epoch, like `time.time()`."""
        return self._seconds

    def now(self) -> datetime:
        """The current simulated moment as an aware UTC datetime."""
        return datetime.fromtimestamp(self._seconds, UTC)

    def sleep(self, seconds: float) -> None:
        """Advance the clock instead of waiting, like `time.sleep()` but instant."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise TypeError(f"sleep() needs a number of seconds, got {seconds!r}")
        if seconds < 0:
            raise ValueError(f"sleep() length must be non-negative, got {seconds}")
        with self._lock:
            self._seconds += seconds

    def __repr__(self) -> str:
        return f"SimulatedClock(now={self.now().isoformat()})"


class RateLimiter:
    """Per-endpoint request budgets in fixed 15-minute windows on a simulated clock.

    A window opens with the first request to an endpoint and closes 15 minutes later.
    With `enforce` False the budget is counted and reported but never refused, so a
    notebook can't stall; with `enforce` True a spent budget refuses until the reset.
    """

    def __init__(self, clock: SimulatedClock, *, enforce: bool, limits: dict | None = None):
        self.clock = clock
        self.enforce = enforce
        self.limits = dict(RATE_LIMITS if limits is None else limits)
        self._windows: dict[str, tuple[float, int]] = {}  # endpoint -> (reset epoch, used)
        self._lock = threading.Lock()

    def take(self, endpoint: str) -> tuple[bool, dict[str, str]]:
        """Count one request to `endpoint`: (allowed, rate-limit headers for the answer)."""
        limit = self.limits[endpoint]
        with self._lock:
            now = self.clock.time()
            reset, used = self._windows.get(endpoint, (0.0, 0))
            if now >= reset:
                reset, used = float(math.ceil(now + WINDOW_SECONDS)), 0
            allowed = not self.enforce or used < limit
            if allowed:
                used += 1
            self._windows[endpoint] = (reset, used)
        headers = {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(limit - used, 0)),
            "x-rate-limit-reset": str(int(reset)),
        }
        return allowed, headers

    def remaining(self, endpoint: str) -> int:
        """Requests left in the current window of `endpoint` (without using one)."""
        reset, used = self._windows.get(endpoint, (0.0, 0))
        if self.clock.time() >= reset:
            used = 0
        return max(self.limits[endpoint] - used, 0)
