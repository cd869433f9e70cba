"""Request budgets in fixed time windows, on a simulated clock, for the offline APIs.

The X API has its own per-endpoint budgets (sociallearning.xapi.ratelimit). Mastodon and the
Bluesky AppView count all requests together, per server: Mastodon allows 300 requests per
5 minutes (windows aligned to the clock, as Rack::Attack counts them), the Bluesky services
count in windows that open with the first request. The clock is xapi's SimulatedClock: it
starts at the sample data's "now" and moves only when something sleeps on it.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from sociallearning.xapi.ratelimit import SimulatedClock

__all__ = ["Budget", "SimulatedClock", "WindowBudget"]


@dataclass(frozen=True)
class Budget:
    """One window's state after a request: whether it was allowed, and what to report."""

    allowed: bool
    limit: int
    remaining: int
    reset: float  # epoch seconds when the window closes
    period: int


class WindowBudget:
    """`limit` requests per `period` seconds for each key (e.g. a server's domain).

    aligned: windows end on multiples of the period (12:05:00, 12:10:00 ...); otherwise a
        window opens with the first request and lasts one period.
    enforce: refuse once a window's budget is spent; otherwise count and report only.
    """

    def __init__(self, clock: SimulatedClock, limit: int, period: int, *, aligned: bool,
                 enforce: bool):
        if limit < 1 or period < 1:
            raise ValueError("a budget needs a positive limit and period")
        self.clock = clock
        self.limit = limit
        self.period = period
        self.aligned = aligned
        self.enforce = enforce
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def _window(self, key: str, now: float) -> tuple[float, int]:
        reset, used = self._windows.get(key, (0.0, 0))
        if now >= reset:
            if self.aligned:
                reset = (math.floor(now / self.period) + 1) * self.period
            else:
                reset = float(math.ceil(now + self.period))
            used = 0
        return reset, used

    def take(self, key: str) -> Budget:
        """Count one request against `key`'s window."""
        with self._lock:
            now = self.clock.time()
            reset, used = self._window(key, now)
            allowed = not self.enforce or used < self.limit
            if allowed:
                used += 1
            self._windows[key] = (reset, used)
        return Budget(allowed, self.limit, max(self.limit - used, 0), reset, self.period)

    def remaining(self, key: str) -> int:
        """Requests left in `key`'s current window, without using one."""
        with self._lock:
            _reset, used = self._window(key, self.clock.time())
        return max(self.limit - used, 0)
