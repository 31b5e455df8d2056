"""A manual clock for tests: ``sleep`` advances it instead of waiting."""

from __future__ import annotations


class FakeClock:
    """Monotonic time that only moves when someone sleeps (or a test calls ``advance``)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        self.now += seconds
