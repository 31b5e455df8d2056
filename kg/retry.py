"""What the Semantic Scholar client does about failures: pacing, back-off, outage errors (pure).

``Pace`` spaces requests and adapts after 429s; ``backoff_delay`` is exponential with
jitter and honours a ``Retry-After`` header, which S2 does not send today but may
(reference §6); ``outage_error`` says what gave up and that the next run resumes. The
clock and sleep are injected, so nothing here ever really waits under test.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final

from kg.errors import S2RateLimited, S2ServerError, S2Unavailable

RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
# S2 sends no Retry-After (reference §6); should one come, never wait longer than this on it.
MAX_RETRY_AFTER: Final = 600.0


class Pace:
    """Keep requests at least ``interval`` seconds apart; widen after a 429, narrow on success.

    S2's limiter is imprecise and refuses requests below the nominal rate (reference §6,
    s2-folks #84); network jitter alone makes requests sent exactly one second apart arrive
    closer than that. So each 429 doubles the spacing for now and also raises a learnt
    ``floor`` by 20 ms; successes bring the spacing back to the floor quickly, and
    the floor back to ``min_interval`` slowly (1% of the excess per success).
    """

    def __init__(
        self,
        min_interval: float,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        max_interval: float = 60.0,
    ) -> None:
        self.min_interval = max(0.0, min_interval)
        self.interval = self.min_interval
        self.floor = self.min_interval
        self.max_interval = max(max_interval, self.min_interval)
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Sleep until the next request may start, then mark it as started."""
        if self._last is not None:
            delay = self._last + self.interval - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._last = self._clock()

    def slow_down(self) -> None:
        """After a 429: double the spacing (at least one second) and raise the floor a little."""
        self.floor = min(self.max_interval, self.floor + 0.02)
        self.interval = min(self.max_interval, max(self.interval * 2, 1.0, self.floor))

    def speed_up(self) -> None:
        """After a success: step the spacing back to the floor, and the floor to the minimum."""
        self.floor = self.min_interval + (self.floor - self.min_interval) * 0.99
        self.interval = max(self.floor, self.interval * 0.8)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), if any."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def backoff_delay(
    attempt: int, *, base: float, cap: float, jitter: float, retry_after: float | None = None
) -> float:
    """Seconds to wait before retry ``attempt + 1``: ``base * 2**attempt``, capped, times 0.5-1.

    ``jitter`` in [0, 1) spreads clients that failed together (AI2 requires back-off on
    failures, reference §6); a ``Retry-After`` wins when it asks for longer.

    Example:
        >>> backoff_delay(2, base=2.0, cap=60.0, jitter=1.0)
        8.0
    """
    delay: float = min(cap, base * 2.0**attempt) * (0.5 + 0.5 * jitter)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def outage_error(
    status: int | None, reason: str, *, url: str, retries: int, waited: float
) -> S2Unavailable:
    """The error for a request that kept failing: 429, 5xx, or no answer (``status`` None)."""
    tail = (
        f"after {retries} retries over {waited:.0f}s; answers fetched so far are cached, "
        "so running again later resumes where this run stopped"
    )
    if status == 429:
        return S2RateLimited(
            f"Semantic Scholar kept refusing requests (429 Too Many Requests) {tail}; "
            "an API key raises the limit",
            status=429,
            url=url,
            api_message=reason,
        )
    if status is not None:
        return S2ServerError(
            f"Semantic Scholar kept failing (HTTP {status}: {reason}) {tail}",
            status=status,
            url=url,
            api_message=reason,
        )
    host = url.split("/graph/")[0] if "/graph/" in url else url
    return S2Unavailable(
        f"cannot reach Semantic Scholar at {host} ({reason}) {tail}; "
        "check the network and the API URL",
        url=url,
    )
