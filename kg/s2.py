"""Stage 4 network: a minimal Semantic Scholar Graph API client (the one module using requests).

Four calls, exactly what enrichment needs: ``get_papers`` (POST /paper/batch, 500 ids a
call), ``match_title`` (GET /paper/search/match), ``get_references`` and ``get_citations``
(paged up to the API's caps). Answers are parsed at the boundary into ``kg.s2data``
records and, given a ``JsonCache``, stored per paper and per page, so an interrupted run
resumes where it stopped. Facts about the API (limits, quirks, error bodies) are cited
from ``shared/reference/semantic-scholar-api.md`` as "reference §N".
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Self
from urllib.parse import quote, urlencode

import requests

from kg import __version__
from kg.cache import CacheEntry, JsonCache, iso_time, utc_now
from kg.errors import (
    EnrichmentError,
    S2AuthError,
    S2HTTPError,
    S2ResponseError,
)
from kg.retry import RETRY_STATUSES, Pace, backoff_delay, outage_error, retry_after_seconds
from kg.s2data import (
    BATCH_LIMIT,
    EDGE_CAP,
    EDGE_FIELDS,
    EDGE_PAGE_LIMIT,
    PAPER_FIELDS,
    EdgeAnswer,
    PaperAnswer,
    Status,
    api_message,
    clean_text,
    parse_edge,
    parse_paper,
)

__all__ = [
    "BATCH_LIMIT",
    "DEFAULT_BASE_URL",
    "EDGE_CAP",
    "EDGE_FIELDS",
    "EDGE_PAGE_LIMIT",
    "PAPER_FIELDS",
    "SemanticScholar",
]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL: Final = "https://api.semanticscholar.org/graph/v1"


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    payload: Any
    url: str

    @property
    def message(self) -> str:
        return api_message(self.payload) or f"HTTP {self.status}"

    @property
    def too_big(self) -> bool:
        # 400 "Response would exceed maximum size" from S2, 413 from the gateway (reference §7).
        return self.status == 413 or (self.status == 400 and "maximum size" in self.message.lower())


class SemanticScholar:
    """Client for the few Semantic Scholar Graph API calls kg needs.

    Args:
        base_url: Graph API root; tests pass the fake server's URL.
        api_key: Sent as ``x-api-key`` when given; without one S2 serves a shared pool.
        session: A ``requests.Session`` to use (the client closes only one it created).
        timeout: Seconds to connect and to read; requests never times out by itself.
        max_retries: Retries of one request on 429, 5xx, time-outs and dropped
            connections before the service is declared unavailable.
        backoff: First back-off delay in seconds; it doubles per retry, with jitter.
        max_backoff: Longest single back-off delay.
        min_interval: Least spacing between requests (S2 grants 1 request/s, reference §6).
        clock: Monotonic clock for pacing; ``sleep``: how to wait. Tests inject both.
        rng: Source of jitter.
        cache: Where answers are kept; None keeps nothing.
        offline: Answer only from ``cache``; a miss is ``Status.OFFLINE``, not an error.
        refresh: Renew every cache entry fetched before this client was created.
        max_age: Renew cache entries older than this.

    Raises:
        EnrichmentError: If ``offline`` is asked without a cache, or with ``refresh``.

    Example:
        >>> client = SemanticScholar(base_url="http://127.0.0.1:9/graph/v1", max_retries=0)
        >>> client.requests_made
        0
    """

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str | None = None,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] = (10.0, 60.0),
        max_retries: int = 6,
        backoff: float = 2.0,
        max_backoff: float = 60.0,
        min_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        cache: JsonCache | None = None,
        offline: bool = False,
        refresh: bool = False,
        max_age: timedelta | None = None,
    ) -> None:
        if offline and cache is None:
            raise EnrichmentError(
                "offline mode needs a cache directory to answer from; give one, or go online"
            )
        if offline and refresh:
            raise EnrichmentError(
                "offline mode cannot refresh cached answers; drop one of offline/refresh"
            )
        if not base_url.startswith(("http://", "https://")):
            raise EnrichmentError(
                f"Semantic Scholar API URL {base_url!r} must start with http:// or https://, "
                f"for example {DEFAULT_BASE_URL!r}"
            )
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max(0, max_retries)
        self.backoff = max(0.0, backoff)
        self.max_backoff = max_backoff
        self.cache = cache
        self.offline = offline
        self.refresh = refresh
        self.max_age = max_age
        self.requests_made = 0  # HTTP requests sent, retries included
        self._reached = False  # has any answer come back at all?
        self.cache_hits = 0  # answers served from the cache
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._pace = Pace(min_interval, clock=clock, sleep=sleep)
        self._now: Callable[[], datetime] = cache.now if cache is not None else utc_now
        # Whole seconds, like the stored fetch times, so entries written by this run count as fresh.
        self._started = self._now().astimezone(UTC).replace(microsecond=0)
        self._own_session = session is None
        self._session = session if session is not None else requests.Session()
        self._headers = {"User-Agent": f"neurokg/{__version__}", "Accept": "application/json"}
        if api_key:
            self._headers["x-api-key"] = api_key

    @property
    def pace_interval(self) -> float:
        """The current spacing between requests, in seconds."""
        return self._pace.interval

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._own_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the four calls ------------------------------------------------------------------

    def get_papers(self, ids: Sequence[str]) -> list[PaperAnswer]:
        """Look papers up by id, 500 per request; one answer per id, in order.

        Ids take any form S2 accepts (``DOI:…``, ``ARXIV:…``, ``PMID:…``, ``CorpusId:…``, a
        40-hex paperId, a bare DOI). Unknown ids are ``Status.NOT_FOUND``.

        Raises:
            S2AuthError: The API key was rejected.
            S2Unavailable: S2 could not be reached or kept failing (``S2RateLimited``,
                ``S2ServerError`` for the last status); answers already fetched are cached.
            S2HTTPError: Another unexpected status (a bug in the request).
            S2ResponseError: The answer did not have the documented shape.
        """
        fields = ",".join(PAPER_FIELDS)
        answers: dict[str, PaperAnswer] = {}
        pending: list[str] = []
        for pid in dict.fromkeys(ids):
            if not pid or pid != pid.strip() or any(ch.isspace() for ch in pid):
                # One malformed id turns the whole batch into a 400 (reference §4.2): keep it out.
                answers[pid] = PaperAnswer(pid, Status.FAILED, detail="empty or malformed id")
                continue
            entry = self._fresh(self._paper_key(pid, fields))
            if entry is not None:
                answers[pid] = self._paper_answer(pid, entry)
            elif self.offline:
                answers[pid] = PaperAnswer(pid, Status.OFFLINE)
            else:
                pending.append(pid)
        for start in range(0, len(pending), BATCH_LIMIT):
            self._batch(pending[start : start + BATCH_LIMIT], fields, answers)
        return [answers[pid] for pid in ids]

    def match_title(self, title: str) -> PaperAnswer:
        """S2's best title match for ``title``, unverified; raises as ``get_papers``."""
        # Hyphenated terms match nothing in S2's title search (reference §4.3).
        query = " ".join(clean_text(title).replace("-", " ").replace("\u2010", " ").split())
        if not query:
            return PaperAnswer(title, Status.FAILED, detail="empty title")
        url = self._url("paper/search/match")
        params = {"query": query, "fields": ",".join(PAPER_FIELDS)}
        key = JsonCache.key("GET", _with_query(url, params))
        entry = self._fresh(key)
        if entry is None:
            if self.offline:
                return PaperAnswer(title, Status.OFFLINE)
            reply = self._send("GET", url, params=params)
            if reply.status == 200:
                data = reply.payload.get("data") if isinstance(reply.payload, dict) else None
                if not isinstance(data, list):
                    raise S2ResponseError(
                        "Semantic Scholar's title match answer has no data list", url=url
                    )
                first = data[0] if data else None
                entry = self._store(key, "GET", url, params, 200 if first else 404, first)
                if isinstance(first, dict) and isinstance(first.get("paperId"), str):
                    self._store_paper(first["paperId"], ",".join(PAPER_FIELDS), first)
            elif reply.status == 404:  # {"error": "Title match not found"}: data, not an error
                entry = self._store(key, "GET", url, params, 404, None)
            elif reply.status == 400 or reply.too_big:
                return PaperAnswer(title, Status.FAILED, detail=reply.message)
            else:
                raise self._unexpected(reply)
        return self._paper_answer(title, entry)

    def get_references(self, paper_id: str) -> EdgeAnswer:
        """A paper's references (up to ``EDGE_CAP``) with edge fields; raises as ``get_papers``."""
        return self._edges(paper_id, "references", "citedPaper")

    def get_citations(self, paper_id: str) -> EdgeAnswer:
        """A paper's citations (up to ``EDGE_CAP``) with edge fields; raises as ``get_papers``."""
        return self._edges(paper_id, "citations", "citingPaper")

    # -- batches, pages and the cache ----------------------------------------------------

    def _batch(self, ids: list[str], fields: str, answers: dict[str, PaperAnswer]) -> None:
        url = self._url("paper/batch")
        # A 504 on a big batch is usually the batch's size (s2-folks #58): split rather than retry.
        reply = self._send(
            "POST", url, params={"fields": fields}, body={"ids": ids}, retry_504=len(ids) == 1
        )
        if reply.too_big or reply.status == 504:
            if len(ids) == 1:
                answers[ids[0]] = PaperAnswer(ids[0], Status.FAILED, detail=reply.message)
                return
            log.info("splitting a batch of %d ids after %s", len(ids), reply.message)
            half = len(ids) // 2
            self._batch(ids[:half], fields, answers)
            self._batch(ids[half:], fields, answers)
            return
        if reply.status == 400 and "no valid paper ids" in reply.message.lower():
            # S2 answers this instead of a list of nulls when no id resolves (reference §4.2).
            items: list[Any] = [None] * len(ids)
        elif reply.status == 200:
            if not isinstance(reply.payload, list) or len(reply.payload) != len(ids):
                raise S2ResponseError(
                    f"Semantic Scholar's batch answer is not a list of {len(ids)} entries", url=url
                )
            items = reply.payload
            if any(item is not None and not isinstance(item, dict) for item in items):
                raise S2ResponseError(
                    "Semantic Scholar's batch answer holds a non-object entry", url=url
                )
        else:
            raise self._unexpected(reply)
        for pid, item in zip(ids, items, strict=True):
            entry = self._store_paper(pid, fields, item)
            answers[pid] = self._paper_answer(pid, entry)

    def _store_paper(self, pid: str, fields: str, item: Any) -> CacheEntry:
        paper_url, params = self._paper_url(pid, fields)
        entry = self._store(
            self._paper_key(pid, fields), "GET", paper_url, params, 200 if item else 404, item
        )
        s2_id = item.get("paperId") if isinstance(item, dict) else None
        if isinstance(s2_id, str) and s2_id and s2_id != pid:
            # Also under its S2 id, the id enrichment adds to the paper: re-enriching an
            # enriched corpus then finds every lookup in the cache.
            alias_url, _ = self._paper_url(s2_id, fields)
            self._store(self._paper_key(s2_id, fields), "GET", alias_url, params, 200, item)
        return entry

    def _edges(self, paper_id: str, kind: str, wrapper: str) -> EdgeAnswer:
        url = self._url(f"paper/{quote(paper_id, safe=':/')}/{kind}")
        fields = ",".join(EDGE_FIELDS)
        items: list[Any] = []
        fetched: list[datetime] = []
        offset, truncated = 0, False
        while True:
            if offset >= EDGE_CAP:
                truncated = True
                break
            params = {
                "fields": fields,
                "offset": str(offset),
                "limit": str(min(EDGE_PAGE_LIMIT, EDGE_CAP - offset)),
            }
            key = JsonCache.key("GET", _with_query(url, params))
            entry = self._fresh(key)
            if entry is None:
                if self.offline:
                    return EdgeAnswer(paper_id, Status.OFFLINE)
                reply = self._send("GET", url, params=params)
                if reply.status == 200:
                    page = reply.payload
                    if not isinstance(page, dict) or not all(
                        isinstance(i, dict) for i in page.get("data") or []
                    ):
                        raise S2ResponseError(
                            f"Semantic Scholar's {kind} page is not an object of edges", url=url
                        )
                    entry = self._store(key, "GET", url, params, 200, page)
                elif reply.status == 404 and offset == 0:
                    entry = self._store(key, "GET", url, params, 404, None)
                elif reply.status in (400, 413) and offset > 0:
                    # Paging can fail before the list ends (s2-folks #96, #117): keep what came.
                    log.warning(
                        "%s of %s stop at offset %d: %s", kind, paper_id, offset, reply.message
                    )
                    truncated = True
                    break
                elif reply.status in (400, 413):
                    return EdgeAnswer(paper_id, Status.FAILED, detail=reply.message)
                else:
                    raise self._unexpected(reply)
            if entry.status == 404:
                return EdgeAnswer(paper_id, Status.NOT_FOUND, retrieved=entry.retrieved)
            fetched.append(entry.fetched)
            page = entry.data if isinstance(entry.data, dict) else {}
            data = page.get("data") or []
            items.extend(data)
            following = page.get("next")
            if not isinstance(following, int) or isinstance(following, bool):
                break  # the last page carries no "next" (reference §4.7)
            if not data or following <= offset:
                truncated = True  # an empty page that claims more (s2-folks #117): stop, don't loop
                break
            offset = following
        edges = tuple(parse_edge(item, wrapper=wrapper) for item in items)
        retrieved = iso_time(min(fetched)) if fetched else None
        return EdgeAnswer(
            paper_id, Status.FOUND, edges=edges, truncated=truncated, retrieved=retrieved
        )

    def _paper_url(self, pid: str, fields: str) -> tuple[str, dict[str, str]]:
        return self._url(f"paper/{quote(pid, safe=':/')}"), {"fields": fields}

    def _paper_key(self, pid: str, fields: str) -> str:
        # A batch answer is stored per paper, under the key of the equivalent GET /paper/{id},
        # so a later run with a different mix of ids still finds it.
        url, params = self._paper_url(pid, fields)
        return JsonCache.key("GET", _with_query(url, params))

    def _paper_answer(self, query: str, entry: CacheEntry) -> PaperAnswer:
        if entry.status != 200 or entry.data is None:
            return PaperAnswer(query, Status.NOT_FOUND, retrieved=entry.retrieved)
        try:
            paper = parse_paper(entry.data)
        except S2ResponseError as exc:
            return PaperAnswer(query, Status.FAILED, retrieved=entry.retrieved, detail=str(exc))
        return PaperAnswer(query, Status.FOUND, paper=paper, retrieved=entry.retrieved)

    def _fresh(self, key: str) -> CacheEntry | None:
        if self.cache is None:
            return None
        entry = self.cache.get(key)
        if entry is None:
            return None
        if not self.offline:  # offline, a stale answer beats none
            if self.refresh and entry.fetched < self._started:
                return None
            if self.max_age is not None and self._now() - entry.fetched > self.max_age:
                return None
        self.cache_hits += 1
        return entry

    def _store(
        self, key: str, method: str, url: str, params: dict[str, str], status: int, data: Any
    ) -> CacheEntry:
        full = _with_query(url, params)
        if self.cache is None:
            moment = self._now().astimezone(UTC).replace(microsecond=0)
            return CacheEntry(key=key, fetched=moment, status=status, data=data)
        return self.cache.put(key, method=method, url=full, status=status, data=data)

    def _url(self, path: str) -> str:
        return f"{self.base_url}/{path}"

    # -- HTTP with pacing, retries and back-off ------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str],
        body: Any = None,
        retry_504: bool = True,
    ) -> _Reply:
        """Send one request, retrying 429/5xx/dropped connections; return the first other answer."""
        started = self._clock()
        attempt = 0
        while True:
            self._pace.wait()
            self.requests_made += 1
            retry_after: float | None = None
            unreachable = False
            try:
                response = self._session.request(
                    method,
                    url,
                    params=params,
                    json=body,
                    headers=self._headers,
                    timeout=self.timeout,
                )
            except _DROPPED as exc:
                status: int | None = None
                reason = _short_reason(exc)
                unreachable = isinstance(exc, requests.ConnectionError) and not self._reached
            else:
                status = response.status_code
                self._reached = True
                payload = _json_or_none(response)
                reply = _Reply(status, payload, url)
                if status in (401, 403):
                    raise S2AuthError(
                        f"Semantic Scholar rejected the API key (HTTP {status}: {reply.message}); "
                        "check the key, or run without one to use the shared anonymous pool",
                        status=status,
                        url=url,
                        api_message=api_message(payload),
                    )
                if status not in RETRY_STATUSES or (status == 504 and not retry_504):
                    if status < 400:
                        self._pace.speed_up()
                    if status == 200 and payload is None:
                        raise S2ResponseError(
                            "Semantic Scholar sent a success without a JSON body", url=url
                        )
                    return reply
                reason = reply.message
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                if status == 429:
                    self._pace.slow_down()
            # Never reached at all (no network, wrong URL): one retry, not minutes of back-off,
            # so a default `kg build` without network says so quickly.
            if attempt >= self.max_retries or (unreachable and attempt >= 1):
                waited = self._clock() - started
                raise outage_error(status, reason, url=url, retries=attempt, waited=waited)
            delay = backoff_delay(
                attempt,
                base=self.backoff,
                cap=self.max_backoff,
                jitter=self._rng.random(),
                retry_after=retry_after,
            )
            log.warning(
                "Semantic Scholar: %s on %s; retry %d in %.1fs", reason, url, attempt + 1, delay
            )
            self._sleep(delay)
            attempt += 1

    def _unexpected(self, reply: _Reply) -> S2HTTPError:
        return S2HTTPError(
            f"Semantic Scholar answered HTTP {reply.status} ({reply.message}) to {reply.url}; "
            "this is a bug in kg's request, please report it",
            status=reply.status,
            url=reply.url,
            api_message=api_message(reply.payload),
        )


# Dropped connections, resets, time-outs and bodies cut off mid-way: all worth a retry.
_DROPPED = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


def _with_query(url: str, params: dict[str, str]) -> str:
    return f"{url}?{urlencode(sorted(params.items()))}"


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:  # requests' JSONDecodeError; error pages from proxies are often HTML
        return None


def _short_reason(exc: BaseException) -> str:
    """One short phrase for a dropped request: requests' own text repeats the whole URL."""
    text = str(exc)
    for needle, phrase in (
        ("NameResolutionError", "host name not found"),
        ("Name or service not known", "host name not found"),
        ("Connection refused", "connection refused"),
        ("timed out", "timed out"),
        ("RemoteDisconnected", "connection dropped"),
        ("Connection reset", "connection reset"),
        ("SSLError", "TLS error"),
    ):
        if needle in text:
            return phrase
    return type(exc).__name__
