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


def fake_client(base_url: str, cache: object = None, *, seed: int = 1, **kwargs: object) -> object:
    """A ``SemanticScholar`` client on its own ``FakeClock`` (never sleeps), 2 retries by default."""
    import random

    from kg.s2 import SemanticScholar

    clock = FakeClock()
    kwargs.setdefault("max_retries", 2)
    return SemanticScholar(
        base_url=base_url, clock=clock, sleep=clock.sleep, rng=random.Random(seed), cache=cache, **kwargs  # type: ignore[arg-type]
    )
