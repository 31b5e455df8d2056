"""Load a graph into an external triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

``push`` sends the graph as N-Triples to ``URL?graph=IRI`` (or ``?default``): PUT replaces
the named graph, POST adds to it. Only the standard library talks HTTP here (``kg.s2``
is the one module that uses ``requests``). The body is rendered first (pure), then sent.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode, urlsplit, urlunsplit

from rdflib import Graph

from kg.errors import ExportError, InputError
from kg.export.rdf_formats import to_ntriples

__all__ = ["PushReport", "graph_store_url", "push"]

#: Media type of the request body.
NTRIPLES: Final = "application/n-triples"


@dataclass(frozen=True)
class PushReport:
    """What was sent where: the request URL, method, triple count and the server's status."""

    url: str
    method: str
    triples: int
    status: int


def graph_store_url(endpoint: str, named_graph: str | None) -> str:
    """``endpoint`` with ``graph=IRI`` (or ``default``) added to its query string.

    Raises:
        InputError: If ``endpoint`` is not an http(s) URL.
    """
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{endpoint!r} is not an http(s) URL; pass the store's Graph Store endpoint, "
                         f"e.g. http://127.0.0.1:7878/store")
    extra = urlencode({"graph": named_graph}) if named_graph else "default"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def push(graph: Graph, endpoint: str, *, named_graph: str | None = None, replace: bool = True,
         timeout: float = 300.0) -> PushReport:
    """Send ``graph`` to a Graph Store Protocol endpoint.

    Args:
        graph: The graph to load.
        endpoint: The store's Graph Store endpoint (Oxigraph: ``http://host:7878/store``).
        named_graph: IRI of the named graph to write; None writes the default graph.
        replace: PUT (replace the graph) when True, POST (append) when False.
        timeout: Seconds to wait for the server.

    Returns:
        A ``PushReport``.

    Raises:
        InputError: If ``endpoint`` is not an http(s) URL.
        ExportError: If the server cannot be reached or refuses the data (its message is kept).
    """
    url = graph_store_url(endpoint, named_graph)
    method = "PUT" if replace else "POST"
    body = to_ntriples(graph).encode("utf-8")
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": NTRIPLES, "Content-Length": str(len(body))})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) checked above
            status = response.status
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read().decode("utf-8", errors="replace").split())[:200]
        raise ExportError(f"{method} {url} failed with HTTP {exc.code}: {detail or exc.reason}; "
                          f"check that the URL is the store's Graph Store endpoint and that it accepts writes") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ExportError(f"cannot reach {url}: {reason}; is the store running?") from exc
    return PushReport(url=url, method=method, triples=len(graph), status=status)
