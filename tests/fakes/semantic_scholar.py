"""Stand-in for the Semantic Scholar Graph API over real loopback HTTP (stdlib only).

Implements the "proposed minimal contract for the fake S2 server" of
``shared/reference/semantic-scholar-api.md`` §10: routing of ids containing ``/`` and ``:``,
field projection with nulls, batch quirks, paging and caps, both error body styles,
keys and 403, a 1 request/s token bucket (optional), scripted 429/5xx/dropped
connections, latency, and a log of every request for tests to assert on.

    fake = FakeSemanticScholar(); fake.load_dir(DATA / "s2")
    with serve(fake) as base_url:       # "http://127.0.0.1:<port>/graph/v1"
        fake.script(429, 429, 200)       # the next three requests
        ...
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fakes.s2_store import (
    AUTHOR_FIELDS,
    EDGE_FIELDS,
    PAPER_FIELDS,
    FieldError,
    Store,
    fold,
    parse_fields,
)

PREFIX = "/graph/v1"
RATE_LIMIT_BODY = {
    "message": "Too Many Requests. Please wait and try again or apply for a key for higher rate "
    "limits. "
    "https://www.semanticscholar.org/product/api#api-key-form",
    "code": "429",
}
GATEWAY_BODIES = {
    500: {"message": "Internal server error"},
    502: {"message": "Bad Gateway"},
    503: {"message": "Service Unavailable"},
    504: {"message": "Endpoint request timed out"},
    413: {"message": "Request Entity Too Large"},
}
TOO_BIG = {
    "error": "Response would exceed maximum size. Please use fewer fields or a smaller batch."
}
NOT_AVAILABLE = {"error": "Requested data for this limit and/or offset is not available"}
DROP = "drop"  # an outcome: close the connection without answering


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it."""

    method: str
    path: str  # raw path, percent-encoding kept
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes
    arrived: float  # the fake's clock
    endpoint: str  # "batch", "paper", "references", "citations", "match", "search", ...

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def fields(self) -> list[str]:
        raw = self.query.get("fields", [""])[-1]
        return [f for f in raw.split(",") if f]

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass(frozen=True)
class Outcome:
    """A scripted answer: a status (200 = serve normally) or ``DROP``, after ``delay`` seconds."""

    status: int | str = 200
    delay: float = 0.0
    body: Any = None  # overrides the default body of the status
    retry_after: str | None = None


@dataclass
class Reply:
    status: int
    payload: Any
    headers: dict[str, str] = field(default_factory=dict)


class FakeSemanticScholar:
    """A stateful fake S2 Graph API; ``reset()`` restores the seeds and default behaviour."""

    def __init__(
        self, seeds: Path | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seeds = seeds
        self.default_clock = clock
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Reload the seeds, forget every request and script, restore default behaviour."""
        with self._lock:
            self.store = Store()
            if self.seeds is not None:
                self.store.load_dir(self.seeds)
            self.received: list[RecordedRequest] = []
            self.rate_limited = 0  # 429s answered
            self.clock = self.default_clock
            self.valid_keys: set[str] = set()
            self.rate_limit: float | None = None  # requests per second per key; None = off
            self.burst = 1
            self.random_429 = 0.0
            self.rng = random.Random(0)
            self.retry_after: str | None = None  # add this Retry-After to 429s (S2 never does)
            self.latency = 0.0
            self.max_response_bytes = 10 * 1024 * 1024
            self.max_batch_citations = 9999
            self.no_valid_ids_quirk = True  # 400 "No valid paper ids given" when no id resolves
            self.edge_cap = 10_000
            self.match_overrides: dict[str, str] = {}  # folded title -> paperId
            self.fail_always: int | str | None = None  # an outage that does not clear
            self._scripts: dict[str | None, deque[Outcome]] = {}
            self._buckets: dict[str, tuple[float, float]] = {}

    # -- test controls -------------------------------------------------------------------

    def script(self, *outcomes: int | str | Outcome, endpoint: str | None = None) -> None:
        """Queue outcomes for the next requests (of ``endpoint``, or of any endpoint)."""
        queue = self._scripts.setdefault(endpoint, deque())
        for item in outcomes:
            queue.append(item if isinstance(item, Outcome) else Outcome(status=item))

    def requests(self, endpoint: str | None = None) -> list[RecordedRequest]:
        """The log, optionally only one endpoint's requests."""
        with self._lock:
            return [r for r in self.received if endpoint is None or r.endpoint == endpoint]

    def load_dir(self, directory: Path) -> None:
        self.store.load_dir(directory)

    # -- the server's decision -----------------------------------------------------------

    def handle(self, req: RecordedRequest) -> tuple[Outcome | None, Reply | None]:
        """Record the request; return a fault to act out, or the reply to send."""
        with self._lock:
            self.received.append(req)
            key = req.headers.get("x-api-key")
            if key is not None and key not in self.valid_keys:
                return None, Reply(
                    403, {"message": "Forbidden"}, {"x-amzn-ErrorType": "ForbiddenException"}
                )
            outcome = self._next_outcome(req.endpoint)
            if outcome is not None and outcome.status != 200:
                return outcome, self._fault_reply(outcome)
            if outcome is not None and outcome.body is not None:  # a canned success body
                return outcome, Reply(200, outcome.body)
            if not self._take_token(key or "anonymous", req.arrived) or (
                self.random_429 and self.rng.random() < self.random_429
            ):
                return None, self._fault_reply(Outcome(429))
            try:
                reply = self.route(req)
            except FieldError as exc:
                reply = Reply(400, {"error": str(exc)})
            except _BadRequest as exc:
                reply = Reply(400, exc.payload)
            return outcome, reply

    def _next_outcome(self, endpoint: str) -> Outcome | None:
        if self.fail_always is not None:
            return Outcome(status=self.fail_always)
        for name in (endpoint, None):
            queue = self._scripts.get(name)
            if queue:
                return queue.popleft()
        return None

    def _fault_reply(self, outcome: Outcome) -> Reply | None:
        if outcome.status == DROP:
            return None
        status = int(outcome.status)
        headers: dict[str, str] = {}
        if status == 429:
            self.rate_limited += 1
            body = RATE_LIMIT_BODY
            headers["x-amzn-ErrorType"] = "TooManyRequestsException"
            if outcome.retry_after or self.retry_after:
                headers["Retry-After"] = str(outcome.retry_after or self.retry_after)
        else:
            body = GATEWAY_BODIES.get(status, {"error": f"injected {status}"})
        return Reply(status, outcome.body if outcome.body is not None else body, headers)

    def _take_token(self, key: str, now: float) -> bool:
        if self.rate_limit is None:
            return True
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate_limit)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    # -- routing -------------------------------------------------------------------------

    def route(self, req: RecordedRequest) -> Reply:
        path = _api_path(req.path)
        name = req.endpoint
        if name == "batch":
            return self._paper_batch(req)
        if name == "match":
            return self._match(req)
        if name == "search":
            return self._search(req)
        if name == "bulk":
            return self._bulk(req)
        if name in ("paper", "references", "citations", "paper_authors"):
            raw_id = unquote(path[len("/paper/") :])
            for suffix in ("/references", "/citations", "/authors"):
                if name != "paper" and raw_id.endswith(suffix):
                    raw_id = raw_id[: -len(suffix)]
            return self._paper_route(req, name, raw_id)
        if name == "author_batch":
            return self._author_batch(req)
        if name in ("author", "author_papers", "author_search"):
            return self._author_route(req, name, path)
        return Reply(404, {"error": f"no route for {req.method} {req.path}"})

    def _paper_route(self, req: RecordedRequest, name: str, raw_id: str) -> Reply:
        pid = self.store.resolve(raw_id)
        if pid is None:
            return Reply(404, {"error": f"Paper with id {raw_id} not found"})
        if name == "paper":
            selection = parse_fields(req.param("fields"), allowed=PAPER_FIELDS, default=["title"])
            return Reply(200, self.store.project_paper(self.store.papers[pid], selection))
        if name == "paper_authors":
            selection = parse_fields(req.param("fields"), allowed=AUTHOR_FIELDS, default=["name"])
            authors = self.store.authors()
            items = [
                authors.get(
                    a.get("authorId") or "", {"authorId": a.get("authorId"), "name": a.get("name")}
                )
                for a in self.store.papers[pid].get("authors") or []
            ]
            return self._page(
                req, items, lambda a: self.store.project_author(a, selection), cap=None
            )
        selection = parse_fields(
            req.param("fields"), allowed=PAPER_FIELDS, default=["title"], extra=EDGE_FIELDS
        )
        edges = (
            self.store.references_of(pid) if name == "references" else self.store.citations_of(pid)
        )
        side = "cited" if name == "references" else "citing"
        return self._page(
            req, edges, lambda e: self.store.project_edge(e, side, selection), cap=self.edge_cap
        )

    def _page(
        self,
        req: RecordedRequest,
        items: list[Any],
        render: Callable[[Any], Any],
        *,
        cap: int | None,
    ) -> Reply:
        offset, limit = _int_param(req, "offset", 0), _int_param(req, "limit", 100)
        if limit > 1000 or limit < 1 or offset < 0:
            raise _BadRequest(
                {"error": f"Unacceptable query params: [limit={limit}, offset={offset}]"}
            )
        if cap is not None and offset + limit > cap:
            raise _BadRequest(NOT_AVAILABLE)
        page = items[offset : offset + limit]
        body: dict[str, Any] = {"offset": offset, "data": [render(item) for item in page]}
        if offset + len(page) < len(items):
            body["next"] = offset + len(page)
        return Reply(200, body)

    def _paper_batch(self, req: RecordedRequest) -> Reply:
        if req.method != "POST":
            return Reply(405, {"message": "Method Not Allowed"})
        selection = parse_fields(req.param("fields"), allowed=PAPER_FIELDS, default=["title"])
        try:
            ids = (req.json or {})["ids"]
        except (ValueError, KeyError, TypeError):
            raise _BadRequest({"error": "Body must be a JSON object with a list of ids"}) from None
        if not isinstance(ids, list) or len(ids) > 500:
            raise _BadRequest({"error": "Cannot process more than 500 ids in one request"})
        found = [self.store.resolve(i) if isinstance(i, str) and i.strip() else None for i in ids]
        if self.no_valid_ids_quirk and not any(found):
            raise _BadRequest({"error": "No valid paper ids given"})
        data = [
            self.store.project_paper(self.store.papers[p], selection) if p else None for p in found
        ]
        nested = sum(len(d.get(k) or []) for d in data if d for k in ("citations", "references"))
        if nested > self.max_batch_citations:
            raise _BadRequest(TOO_BIG)
        return Reply(200, data)

    def _match(self, req: RecordedRequest) -> Reply:
        query = req.param("query") or ""
        selection = parse_fields(req.param("fields"), allowed=PAPER_FIELDS, default=["title"])
        if not query.strip() or any("-" in token for token in query.split()):
            return Reply(
                404, {"error": "Title match not found"}
            )  # hyphenated terms match nothing (§4.3)
        forced = self.match_overrides.get(fold(query))
        best = (forced, 0.99) if forced else self.store.best_title_match(query)
        if best is None or best[1] < 0.5:
            return Reply(404, {"error": "Title match not found"})
        paper = self.store.project_paper(self.store.papers[best[0]], selection)
        return Reply(200, {"data": [{**paper, "matchScore": round(best[1] * 150, 2)}]})

    def _matching(self, query: str) -> list[dict[str, Any]]:
        tokens = query.lower().split()
        papers = [p for pid, p in self.store.papers.items() if pid not in self.store.removed]
        if any("-" in t for t in tokens):
            return []
        words = [fold(t) for t in tokens if fold(t)]

        def hit(paper: dict[str, Any]) -> bool:
            text = f" {fold(paper.get('title') or '')} {fold(paper.get('abstract') or '')} "
            return all(f" {w} " in text for w in words)

        return [p for p in papers if hit(p)]

    def _search(self, req: RecordedRequest) -> Reply:
        selection = parse_fields(req.param("fields"), allowed=PAPER_FIELDS, default=["title"])
        offset, limit = _int_param(req, "offset", 0), _int_param(req, "limit", 100)
        if limit > 100 or offset + limit > 1000:
            raise _BadRequest(
                {"error": f"Unacceptable query params: [limit={limit}, offset={offset}]"}
            )
        hits = sorted(
            self._matching(req.param("query") or ""), key=lambda p: -(p.get("citationCount") or 0)
        )
        if not hits:
            return Reply(200, {"total": 0, "offset": 0})  # no "data" key at all (reference §4.3)
        if offset >= len(hits):
            raise _BadRequest(NOT_AVAILABLE)
        page = hits[offset : offset + limit]
        body: dict[str, Any] = {
            "total": len(hits),
            "offset": offset,
            "data": [self.store.project_paper(p, selection) for p in page],
        }
        if offset + len(page) < len(hits):
            body["next"] = offset + len(page)
        return Reply(200, body)

    def _bulk(self, req: RecordedRequest) -> Reply:
        selection = parse_fields(
            req.param("fields"),
            allowed=PAPER_FIELDS - {"citations", "references"},
            default=["title"],
        )
        hits = self._matching(req.param("query") or "")
        sort_field, _, order = (req.param("sort") or "paperId").partition(":")
        if sort_field not in ("paperId", "publicationDate", "citationCount") or order not in (
            "",
            "asc",
            "desc",
        ):
            raise _BadRequest({"error": f"Unacceptable query params: [sort={req.param('sort')}]"})
        present = [p for p in hits if p.get(sort_field) is not None]
        present.sort(key=lambda p: p[sort_field], reverse=order == "desc")
        ordered = present + [p for p in hits if p.get(sort_field) is None]  # missing values go last
        token = req.param("token")
        offset = 0
        if token is not None:
            if not token.startswith("tok-") or not token[4:].isdigit():
                raise _BadRequest({"error": "Invalid token"})
            offset = int(token[4:])
        page = ordered[offset : offset + 1000]  # fixed page size; limit/offset are ignored
        following = f"tok-{offset + len(page)}" if offset + len(page) < len(ordered) else None
        data = [self.store.project_paper(p, selection) for p in page]
        return Reply(200, {"total": len(ordered), "token": following, "data": data})

    def _author_batch(self, req: RecordedRequest) -> Reply:
        selection = parse_fields(req.param("fields"), allowed=AUTHOR_FIELDS, default=["name"])
        ids = (req.json or {}).get("ids", [])
        if len(ids) > 1000:
            raise _BadRequest({"error": "Cannot process more than 1000 ids in one request"})
        authors = self.store.authors()
        return Reply(
            200,
            [
                self.store.project_author(authors[i], selection) if i in authors else None
                for i in ids
            ],
        )

    def _author_route(self, req: RecordedRequest, name: str, path: str) -> Reply:
        authors = self.store.authors()
        if name == "author_search":
            selection = parse_fields(req.param("fields"), allowed=AUTHOR_FIELDS, default=["name"])
            words = fold(req.param("query") or "").split()
            hits = [
                a
                for a in authors.values()
                if words and all(w in fold(a["name"] or "").split() for w in words)
            ]
            reply = self._page(
                req, hits, lambda a: self.store.project_author(a, selection), cap=None
            )
            reply.payload = {"total": len(hits), **reply.payload}
            return reply
        aid = path[len("/author/") :].removesuffix("/papers")
        if aid not in authors:
            return Reply(404, {"error": f"Author with id {aid} not found"})
        if name == "author":
            selection = parse_fields(req.param("fields"), allowed=AUTHOR_FIELDS, default=["name"])
            return Reply(200, self.store.project_author(authors[aid], selection))
        selection = parse_fields(req.param("fields"), allowed=PAPER_FIELDS, default=["title"])
        papers = [self.store.papers[p] for p in authors[aid]["papers"]]
        return self._page(req, papers, lambda p: self.store.project_paper(p, selection), cap=None)


class _BadRequest(Exception):
    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload.get("error"))
        self.payload = payload


def _int_param(req: RecordedRequest, name: str, default: int) -> int:
    value = req.param(name)
    try:
        return int(value) if value is not None else default
    except ValueError:
        raise _BadRequest({"error": f"Unacceptable query params: [{name}={value}]"}) from None


def _api_path(raw: str) -> str:
    path = raw.removeprefix(PREFIX)
    return path[:-1] if path.endswith("/") and len(path) > 1 else path


def endpoint_of(method: str, raw_path: str) -> str:
    """Name the endpoint of a request path (used for scripts and the log)."""
    if not raw_path.startswith(PREFIX + "/"):
        return "unknown"
    path = _api_path(raw_path)
    fixed = {
        "/paper/batch": "batch",
        "/paper/search": "search",
        "/paper/search/bulk": "bulk",
        "/paper/search/match": "match",
        "/author/batch": "author_batch",
        "/author/search": "author_search",
    }
    if path in fixed:
        return fixed[path]
    if path.startswith("/paper/"):
        for suffix, name in (
            ("/references", "references"),
            ("/citations", "citations"),
            ("/authors", "paper_authors"),
        ):
            if path.endswith(suffix):
                return name
        return "paper"
    if path.startswith("/author/"):
        return "author_papers" if path.endswith("/papers") else "author"
    return "unknown"


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSemanticScholar
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API (and a pooled session) has
    disable_nagle_algorithm = True  # headers and body go in two writes: avoid the 40 ms ACK stall

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        req = RecordedRequest(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            arrived=self.fake.clock(),
            endpoint=endpoint_of(self.command, url.path),
        )
        outcome, reply = self.fake.handle(req)
        delay = (outcome.delay if outcome else 0.0) + self.fake.latency
        if delay:
            time.sleep(delay)
        if reply is None:  # a dropped connection: no status line at all
            self.close_connection = True
            return
        data = json.dumps(reply.payload, ensure_ascii=False).encode("utf-8")
        if reply.status == 200 and len(data) > self.fake.max_response_bytes:
            reply, data = Reply(400, _too_big()), json.dumps(_too_big()).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            self.close_connection = True

    do_GET = do_POST = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _too_big() -> dict[str, str]:
    return dict(TOO_BIG)


@dataclass
class S2Fixture:
    """What the ``s2`` pytest fixture gives a test: the fake and its base URL."""

    fake: FakeSemanticScholar
    base_url: str


@contextmanager
def serve(fake: FakeSemanticScholar) -> Iterator[str]:
    """Serve ``fake`` on an ephemeral loopback port; yield the Graph API base URL."""
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="fake-s2", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
