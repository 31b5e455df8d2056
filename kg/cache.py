"""Stage 4 storage: an explicit on-disk cache of Semantic Scholar answers (files only).

One readable JSON file per answer (per paper of a batch, per page of a reference list),
keyed by a hash of method + URL + body, with the fetch time recorded. Every file is
written atomically, so a run killed at any moment leaves whole entries or none, and the
next run does not repeat what finished. Where the directory lives is the caller's choice
(the CLI resolves ``--cache-dir`` / ``KG_CACHE_DIR``); this module only takes a Path.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kg.atomic import write_atomic
from kg.errors import EnrichmentError, ExportError

log = logging.getLogger(__name__)

#: Bumped when the entry layout changes; entries of another version are misses.
CACHE_FORMAT = 1


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (the default clock of ``JsonCache``)."""
    return datetime.now(UTC)


def iso_time(moment: datetime) -> str:
    """``2026-11-23T10:00:00Z``: UTC, whole seconds, the form stored in entries and citations."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_max_age(text: str) -> timedelta:
    """Read a cache age such as ``90s``, ``30m``, ``12h``, ``7d`` or ``4w`` (for ``--max-age``).

    Raises:
        ValueError: If ``text`` is not a number followed by one of s, m, h, d, w.

    Example:
        >>> parse_max_age("7d")
        datetime.timedelta(days=7)
    """
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(
            f"max age {text!r} is not a duration: write a number and a unit, e.g. 12h, 7d or 4w"
        )
    return timedelta(**{_UNITS[match.group(2).lower()]: float(match.group(1))})


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One stored answer: the HTTP status and decoded JSON body, and when it was fetched."""

    key: str
    fetched: datetime
    status: int
    data: Any

    @property
    def retrieved(self) -> str:
        """The fetch time as an ISO 8601 UTC string."""
        return iso_time(self.fetched)


class JsonCache:
    """Answers from Semantic Scholar stored as JSON files under ``directory``.

    Args:
        directory: Where entries live (created on first write), as ``<aa>/<key>.json``.
        now: Clock for fetch times; tests inject a fixed one to exercise ``max_age``.

    Example:
        >>> import tempfile
        >>> cache = JsonCache(Path(tempfile.mkdtemp()))
        >>> url = "https://api.example/paper/x"
        >>> key = JsonCache.key("GET", url)
        >>> entry = cache.put(key, method="GET", url=url, status=404, data=None)
        >>> entry.status
        404
        >>> cache.get(key).status
        404
    """

    def __init__(self, directory: Path, *, now: Callable[[], datetime] = utc_now) -> None:
        self.directory = Path(directory)
        self.now = now

    @staticmethod
    def key(method: str, url: str, body: Any = None) -> str:
        """The entry key of a request: SHA-256 of its method, full URL and JSON body."""
        canonical = json.dumps([method.upper(), url, body], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def path(self, key: str) -> Path:
        """The file of an entry (two-character fan-out keeps directories small)."""
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> CacheEntry | None:
        """The stored entry, or None if there is none or it cannot be read."""
        path = self.path(key)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != CACHE_FORMAT or raw.get("key") != key:
                return None
            fetched = datetime.fromisoformat(raw["fetched"])
            return CacheEntry(key=key, fetched=fetched, status=int(raw["status"]), data=raw["data"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # Writes are atomic, so this is a hand-edited or foreign file: refetch, don't crash.
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            return None

    def put(
        self, key: str, *, method: str, url: str, status: int, data: Any, body: Any = None
    ) -> CacheEntry:
        """Store an answer atomically and return it as an entry stamped with ``now()``.

        Raises:
            EnrichmentError: If the file cannot be written.
        """
        fetched = self.now().astimezone(UTC).replace(microsecond=0)
        record = {
            "format": CACHE_FORMAT,
            "key": key,
            "fetched": iso_time(fetched),
            "request": {"method": method.upper(), "url": url, "body": body},
            "status": status,
            "data": data,
        }
        text = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
        try:
            write_atomic(self.path(key), text)
        except ExportError as exc:
            raise EnrichmentError(f"cannot write the Semantic Scholar cache: {exc}") from exc
        return CacheEntry(key=key, fetched=fetched, status=status, data=data)

    def __len__(self) -> int:
        """The number of entries on disk."""
        if not self.directory.is_dir():
            return 0
        return sum(1 for _ in self.directory.glob("??/*.json"))
