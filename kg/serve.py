"""A read-only SPARQL 1.1 Protocol endpoint over a build, plus the build's HTML views.

``make_server`` returns a stdlib ``ThreadingHTTPServer`` (not yet serving) so tests and
notebooks can run it in a thread; ``kg serve`` calls ``serve_forever``. Queries run on the
build's Oxigraph store (or on the Turtle file loaded into an in-memory store), in a worker
thread with a time limit. Updates are refused: the endpoint never changes the graph.

Routes:
    ``/sparql``   GET ``?query=``, POST form (``query=``) or ``application/sparql-query``;
                  results as JSON, XML, CSV or TSV by ``Accept`` (or ``?format=``).
    ``/``         the build's ``index.html``, else ``graph.html``.
    ``/NAME``     a file of the build directory (views and exports; never outside it).
"""

from __future__ import annotations

import io
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from kg.errors import InputError
from kg.export.rdf_formats import to_oxigraph_quads
from kg.query import BUILD_GRAPH_FILE, load_graph
from kg.store import find_store, open_store, query_prefixes, refuse, store_base

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "DEFAULT_TIMEOUT", "Endpoint", "make_server", "open_endpoint"]

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000
DEFAULT_TIMEOUT: Final = 30.0

#: Media type -> results format for SELECT and ASK answers, in order of preference.
RESULT_TYPES: Final = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
#: Media type -> RDF format for CONSTRUCT and DESCRIBE answers.
GRAPH_TYPES: Final = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_FORMAT_PARAM: Final = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                        "csv": "text/csv", "tsv": "text/tab-separated-values",
                        "turtle": "text/turtle", "ntriples": "application/n-triples"}
_READ_ONLY = "this endpoint is read-only: SPARQL updates are refused; change the graph with `kg build`"


@dataclass(frozen=True)
class Endpoint:
    """What the server answers from: a store, its prefixes, the build directory, a time limit."""

    store: ox.Store
    prefixes: dict[str, str]
    root: Path | None
    timeout: float = DEFAULT_TIMEOUT


def open_endpoint(graph: Path, *, timeout: float = DEFAULT_TIMEOUT) -> Endpoint:
    """An ``Endpoint`` over a build directory (its store, else its Turtle) or a graph file.

    Raises:
        InputError: If there is no graph at ``graph``.
    """
    graph = Path(graph)
    if timeout <= 0:
        raise InputError("the query time limit must be positive, e.g. --timeout 30")
    store_dir = find_store(graph)
    if store_dir is not None:
        store = open_store(store_dir)
    else:
        store = ox.Store()  # in memory: the Turtle is small enough to have no store
        store.bulk_extend(to_oxigraph_quads(load_graph(graph)))
    root = graph if graph.is_dir() else graph.parent if graph.name == BUILD_GRAPH_FILE else None
    return Endpoint(store, query_prefixes(store_base(store)), root, timeout)


def make_server(endpoint: Endpoint, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """A threading HTTP server for ``endpoint`` bound to ``host:port`` (port 0: any free port).

    Raises:
        InputError: If the address cannot be bound.
    """
    handler = type("KGHandler", (_Handler,), {"endpoint": endpoint})
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                         f"choose another --port (0 picks a free one)") from exc
    server.daemon_threads = True
    return server


class _Handler(BaseHTTPRequestHandler):
    endpoint: Endpoint
    server_version = "neurokg"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Quiet: library code never prints; ``kg serve`` reports its own address."""

    # ------------------------------------------------------------------- routing

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        url = urlsplit(self.path)
        if url.path.rstrip("/") == "/sparql":
            params = parse_qs(url.query, keep_blank_values=True)
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, _READ_ONLY)
            if "query" not in params:
                return self._error(HTTPStatus.BAD_REQUEST, "no query: pass ?query=SELECT … (SPARQL 1.1 Protocol)")
            return self._query(params["query"][0], params)
        return self._file(url.path)

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        url = urlsplit(self.path)
        if url.path.rstrip("/") != "/sparql":
            return self._error(HTTPStatus.NOT_FOUND, "POST queries to /sparql")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        if kind == "application/sparql-update":
            return self._error(HTTPStatus.FORBIDDEN, _READ_ONLY)
        if kind == "application/sparql-query":
            return self._query(body, params)
        if kind == "application/x-www-form-urlencoded":
            params.update(parse_qs(body, keep_blank_values=True))
            if "update" in params:
                return self._error(HTTPStatus.FORBIDDEN, _READ_ONLY)
            if "query" in params:
                return self._query(params["query"][0], params)
            return self._error(HTTPStatus.BAD_REQUEST, "no query: send the form field query=SELECT …")
        return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                           "send application/sparql-query or a form (application/x-www-form-urlencoded)")

    # ------------------------------------------------------------------- SPARQL

    def _query(self, text: str, params: dict[str, list[str]]) -> None:
        refusal = refuse(text)
        if refusal is not None:
            updating = refusal.startswith("updates")
            return self._error(HTTPStatus.FORBIDDEN if updating else HTTPStatus.BAD_REQUEST,
                               _READ_ONLY if updating else refusal)
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return self._error(HTTPStatus.BAD_REQUEST, "default-graph-uri and named-graph-uri are not supported: "
                               "the endpoint has one graph")
        accept = _FORMAT_PARAM.get((params.get("format") or params.get("output") or [""])[0].lower(), "")
        accept = accept or self.headers.get("Accept") or ""
        outcome = _run_with_limit(lambda: _answer(self.endpoint, text, accept), self.endpoint.timeout)
        if outcome is None:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE,
                               f"the query ran longer than the {self.endpoint.timeout:g} s limit; narrow it "
                               f"(LIMIT, a bound variable) or restart the server with a larger --timeout")
        status, media_type, payload = outcome
        if status != HTTPStatus.OK:
            return self._error(status, payload.decode("utf-8"))
        self._send(HTTPStatus.OK, media_type, payload)

    # ------------------------------------------------------------------- files

    def _file(self, raw_path: str) -> None:
        root = self.endpoint.root
        if root is None:
            return self._error(HTTPStatus.NOT_FOUND, "no build directory to serve; the SPARQL endpoint is /sparql")
        name = unquote(raw_path).lstrip("/")
        if not name:
            name = "index.html" if (root / "index.html").is_file() else "graph.html"
        base = root.resolve()
        target = (base / name).resolve()
        if base not in target.parents or not target.is_file() or any(p.startswith(".") for p in Path(name).parts):
            return self._error(HTTPStatus.NOT_FOUND, f"no file {name!r} in the build; the SPARQL endpoint is /sparql")
        media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if media_type.startswith("text/") or media_type in ("application/json", "application/javascript"):
            media_type += "; charset=utf-8"
        self._send(HTTPStatus.OK, media_type, target.read_bytes())

    # ------------------------------------------------------------------- output

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(self, status: HTTPStatus, media_type: str, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)


def _answer(endpoint: Endpoint, text: str, accept: str) -> tuple[HTTPStatus, str, bytes]:
    """Run the query and serialise the answer: (status, media type, body)."""
    try:
        answer = endpoint.store.query(text, prefixes=endpoint.prefixes)
        if isinstance(answer, ox.QueryTriples):
            media_type, rdf_format = _negotiate(accept, GRAPH_TYPES, "text/turtle")
            buffer = io.BytesIO()
            answer.serialize(buffer, rdf_format)
            return HTTPStatus.OK, media_type, buffer.getvalue()
        media_type, results_format = _negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
        buffer = io.BytesIO()
        answer.serialize(buffer, results_format)
        return HTTPStatus.OK, media_type, buffer.getvalue()
    except SyntaxError as exc:
        return HTTPStatus.BAD_REQUEST, "", f"SPARQL syntax error: {' '.join(str(exc).split())}".encode()
    except (OSError, RuntimeError, ValueError) as exc:
        return HTTPStatus.BAD_REQUEST, "", f"the query could not be evaluated: {' '.join(str(exc).split())}".encode()


def _negotiate(accept: str, table: dict[str, Any], default: str) -> tuple[str, Any]:
    """The first acceptable media type of ``table`` by the Accept header's q-values."""
    ranked = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        quality = 1.0
        for extra in fields[1:]:
            if extra.startswith("q="):
                try:
                    quality = float(extra[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, fields[0].lower()))
    for _, _, media_type in sorted(ranked):
        if media_type in table:
            charset = "; charset=utf-8" if media_type.startswith("text/") or "json" in media_type else ""
            return media_type + charset, table[media_type]
    return default + ("; charset=utf-8" if "json" in default or default.startswith("text/") else ""), table[default]


def _run_with_limit(work: Callable[[], Any], seconds: float) -> Any:
    """``work()`` in a daemon thread; None if it has not finished within ``seconds``.

    pyoxigraph releases the GIL while evaluating, so the wait is honoured; an abandoned
    query runs to its end in the background (Oxigraph has no cancellation from Python).
    """
    box: list[Any] = []

    def run() -> None:
        try:
            box.append(work())
        except Exception as exc:  # an engine failure must answer 500, not look like a timeout
            box.append((HTTPStatus.INTERNAL_SERVER_ERROR, "", f"the query failed: {exc}".encode()))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return box[0] if box else None
