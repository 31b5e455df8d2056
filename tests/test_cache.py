"""kg.cache on its own, and the client's use of it against the fake S2 (resume, offline, age)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kg.cache import JsonCache, iso_time, parse_max_age
from kg.errors import EnrichmentError, S2Unavailable
from kg.s2 import SemanticScholar
from kg.s2data import Status
from tests.fakes.clock import fake_client
from tests.fakes.semantic_scholar import DROP, Outcome, S2Fixture

ASTRO = "aaad99a71f67e2006dbee3757c2c9244491a9a80"
HIPPO = "1c2c9c099cc8ee135b73b3a6d0347e8302f6f3c4"
MANY = "ad900ea745df7980283583c0a4e3558df23cda21"


class WallClock:
    """A settable UTC clock for cache fetch times."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


@pytest.fixture
def cache(tmp_path: Path, wall: WallClock) -> JsonCache:
    return JsonCache(tmp_path / "s2-cache", now=wall)


def client(s2: S2Fixture, cache: JsonCache | None, **kwargs: Any) -> SemanticScholar:
    return fake_client(s2.base_url, cache, seed=1, **kwargs)  # type: ignore[return-value]


# -- the cache itself --------------------------------------------------------------------


def test_keys_depend_on_method_url_and_body() -> None:
    key = JsonCache.key("GET", "https://h/paper/x?fields=title")
    assert key == JsonCache.key("get", "https://h/paper/x?fields=title")
    assert (
        len(
            {
                key,
                JsonCache.key("POST", "https://h/paper/x?fields=title"),
                JsonCache.key("GET", "https://h/paper/y?fields=title"),
                JsonCache.key("GET", "https://h/paper/x?fields=title", {"ids": ["a"]}),
            }
        )
        == 4
    )


def test_entries_round_trip_as_readable_json(cache: JsonCache) -> None:
    key = JsonCache.key("GET", "https://h/paper/x")
    stored = cache.put(
        key, method="GET", url="https://h/paper/x", status=200, data={"title": "Groß γ"}
    )
    again = cache.get(key)
    assert again == stored and again is not None and again.retrieved == "2026-01-01T12:00:00Z"
    text = cache.path(key).read_text(encoding="utf-8")
    assert "Groß γ" in text and "\n" in text  # UTF-8, indented: readable by a person
    record = json.loads(text)
    assert record["request"] == {"method": "GET", "url": "https://h/paper/x", "body": None}
    assert record["fetched"] == "2026-01-01T12:00:00Z" and len(cache) == 1


def test_unreadable_entries_and_stray_temporary_files_are_misses(cache: JsonCache) -> None:
    key = JsonCache.key("GET", "https://h/a")
    cache.put(key, method="GET", url="https://h/a", status=200, data=[1])
    cache.path(key).write_text("{ not json", encoding="utf-8")
    (cache.path(key).parent / f".{key}.json.abc.tmp").write_text("half", encoding="utf-8")
    assert cache.get(key) is None
    assert cache.get(JsonCache.key("GET", "https://h/b")) is None
    assert len(cache) == 1  # temporary files are not entries


def test_an_unwritable_cache_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    cache = JsonCache(blocker / "cache")
    with pytest.raises(EnrichmentError, match="cannot write the Semantic Scholar cache"):
        cache.put("ab" * 32, method="GET", url="u", status=200, data=None)


def test_max_age_parsing() -> None:
    assert parse_max_age("7d") == timedelta(days=7)
    assert parse_max_age("12h") == timedelta(hours=12)
    assert parse_max_age("2w") == timedelta(weeks=2)
    with pytest.raises(ValueError, match="e.g. 12h, 7d or 4w"):
        parse_max_age("7 days")


def test_iso_time_is_utc_whole_seconds() -> None:
    moment = datetime(2026, 1, 1, 13, 0, 0, 999_999, tzinfo=UTC)
    assert iso_time(moment) == "2026-01-01T13:00:00Z"


# -- the client with a cache -------------------------------------------------------------


def test_a_second_run_makes_no_request(s2: S2Fixture, cache: JsonCache) -> None:
    first = client(s2, cache)
    answers = first.get_papers([ASTRO, "DOI:10.5555/nope", HIPPO])
    match = first.match_title("Brain3D: Generating 3D Objects from fMRI")
    edges = first.get_citations(MANY)
    made = len(s2.fake.requests())
    second = client(s2, cache)
    assert (
        second.get_papers([ASTRO, "DOI:10.5555/nope", HIPPO]) == answers
    )  # not found is cached too
    assert second.match_title("Brain3D: Generating 3D Objects from fMRI") == match
    assert second.get_citations(MANY) == edges
    assert len(s2.fake.requests()) == made and second.requests_made == 0
    assert second.cache_hits == 3 + 1 + 3


def test_batch_answers_are_cached_per_paper(s2: S2Fixture, cache: JsonCache) -> None:
    client(s2, cache).get_papers([ASTRO, HIPPO])
    answers = client(s2, cache).get_papers([HIPPO, "CorpusId:900003", ASTRO])
    assert [a.status for a in answers] == [Status.FOUND] * 3
    assert s2.fake.requests()[-1].json == {"ids": ["CorpusId:900003"]}  # only the new id


def test_citation_lists_are_cached_per_page_and_resume_after_a_failure(
    s2: S2Fixture, cache: JsonCache
) -> None:
    # The first page arrives, then the connection keeps dropping: an interrupted walk.
    s2.fake.script(Outcome(200), DROP, DROP, DROP, endpoint="citations")
    with pytest.raises(S2Unavailable):
        client(s2, cache, max_retries=2).get_citations(MANY)
    assert [r.param("offset") for r in s2.fake.requests()] == ["0", "1000", "1000", "1000"]
    answer = client(s2, cache).get_citations(MANY)
    assert len(answer.edges) == 2345
    resumed = [r.param("offset") for r in s2.fake.requests()][4:]
    assert resumed == ["1000", "2000"]  # the finished first page is not asked again


def test_offline_answers_from_the_cache_and_reports_misses(s2: S2Fixture, cache: JsonCache) -> None:
    client(s2, cache).get_papers([ASTRO])
    offline = client(s2, cache, offline=True)
    found, missing = offline.get_papers([ASTRO, HIPPO])
    assert found.status is Status.FOUND and missing.status is Status.OFFLINE
    assert offline.match_title("Brain3D: Generating 3D Objects from fMRI").status is Status.OFFLINE
    assert offline.get_references(ASTRO).status is Status.OFFLINE
    assert offline.requests_made == 0 and len(s2.fake.requests()) == 1


def test_refresh_renews_entries_from_before_the_run_once(
    s2: S2Fixture, cache: JsonCache, wall: WallClock
) -> None:
    client(s2, cache).get_papers([ASTRO])
    wall.now += timedelta(minutes=5)
    renewing = client(s2, cache, refresh=True)
    renewing.get_papers([ASTRO])
    renewing.get_papers([ASTRO])  # written by this run: fresh, not fetched a third time
    assert len(s2.fake.requests()) == 2 and renewing.requests_made == 1
    entry = cache.get(next(iter(_keys(cache))))
    assert entry is not None and entry.retrieved == "2026-01-01T12:05:00Z"


def test_max_age_renews_only_old_entries(s2: S2Fixture, cache: JsonCache, wall: WallClock) -> None:
    client(s2, cache).get_papers([ASTRO])
    wall.now += timedelta(days=3)
    client(s2, cache).get_papers([HIPPO])
    wall.now += timedelta(days=3)  # ASTRO is 6 days old, HIPPO 3
    aged = client(s2, cache, max_age=timedelta(days=5))
    aged.get_papers([ASTRO, HIPPO])
    assert s2.fake.requests()[-1].json == {"ids": [ASTRO]} and aged.cache_hits == 1


def test_offline_uses_stale_entries_rather_than_none(
    s2: S2Fixture, cache: JsonCache, wall: WallClock
) -> None:
    client(s2, cache).get_papers([ASTRO])
    wall.now += timedelta(days=400)
    [answer] = client(s2, cache, offline=True, max_age=timedelta(days=1)).get_papers([ASTRO])
    assert answer.status is Status.FOUND and answer.retrieved == "2026-01-01T12:00:00Z"


def test_failed_requests_are_not_cached(s2: S2Fixture, cache: JsonCache) -> None:
    s2.fake.fail_always = 503
    with pytest.raises(S2Unavailable):
        client(s2, cache, max_retries=0).get_papers([ASTRO])
    assert len(cache) == 0


def _keys(cache: JsonCache) -> list[str]:
    return [p.stem for p in cache.directory.glob("??/*.json")]
