"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint, tested through SPARQLWrapper on loopback."""

from __future__ import annotations

import csv
import io
import threading
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from kg.errors import InputError
from kg.export import to_turtle
from kg.query import run_query
from kg.serve import make_server, open_endpoint
from kg.store import STORE_DIR, build_store
from tests.graph_fixture import build_graph

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")

COUNT = "SELECT ?hardware (COUNT(?p) AS ?n) WHERE { ?p kg:usesHardware ?hardware } GROUP BY ?hardware ORDER BY ?hardware"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph()


@pytest.fixture(scope="module")
def build_dir(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("build")
    (folder / "graph.ttl").write_text(to_turtle(graph), encoding="utf-8")
    (folder / "graph.html").write_text("<html><body>the graph</body></html>", encoding="utf-8")
    build_store(graph, folder / STORE_DIR)
    return folder


def _start(endpoint: Any) -> tuple[Any, str]:
    server = make_server(endpoint, host="127.0.0.1", port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}"


@pytest.fixture(scope="module")
def url(build_dir: Path) -> Iterator[str]:
    server, base = _start(open_endpoint(build_dir, timeout=5))
    yield base
    server.shutdown()
    server.server_close()


def _wrapper(url: str, query: str, fmt: str) -> Any:
    sparql = SPARQLWrapper.SPARQLWrapper(url + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql.query()


def _expected(graph: Graph) -> list[tuple[str, str]]:
    return [(str(h), str(n)) for h, n in run_query(graph, COUNT).terms]


def test_json_results_match_rdflib(url: str, graph: Graph) -> None:
    doc = _wrapper(url, COUNT, SPARQLWrapper.JSON).convert()
    rows = [(b["hardware"]["value"], b["n"]["value"]) for b in doc["results"]["bindings"]]
    assert rows == _expected(graph) and rows


def test_xml_results_match_rdflib(url: str, graph: Graph) -> None:
    doc = _wrapper(url, COUNT, SPARQLWrapper.XML).convert()
    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = ET.fromstring(doc.toxml())
    rows = [tuple(b.find(f"{ns}binding[@name='{name}']")[0].text for name in ("hardware", "n"))
            for b in root.iter(f"{ns}result")]
    assert rows == _expected(graph)


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_results_match_rdflib(url: str, graph: Graph, fmt: str, delimiter: str) -> None:
    result = _wrapper(url, COUNT, getattr(SPARQLWrapper, fmt.upper()))
    assert fmt in result.info()["content-type"].replace("tab-separated-values", "tsv")
    text = result.convert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if fmt == "csv":
        assert [tuple(r) for r in rows[1:]] == _expected(graph)
    else:  # TSV writes terms in N-Triples syntax
        assert [(r[0].strip("<>"), r[1].split("^^")[0].strip('"')) for r in rows[1:]] == _expected(graph)


def test_ask_and_post_forms(url: str) -> None:
    sparql = SPARQLWrapper.SPARQLWrapper(url + "/sparql")
    sparql.setQuery("ASK { ?p a kg:Paper }")
    sparql.setMethod(SPARQLWrapper.POST)
    sparql.setReturnFormat(SPARQLWrapper.JSON)
    assert sparql.query().convert()["boolean"] is True
    request = urllib.request.Request(url + "/sparql", data=b"ASK { ?p a kg:Nothing }",
                                     headers={"Content-Type": "application/sparql-query",
                                              "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert b'"boolean":false' in response.read().replace(b" ", b"")


def _http_error(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    return info.value.code, info.value.read().decode("utf-8")


def test_updates_are_refused_with_a_clear_message(url: str) -> None:
    update = "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"
    sparql = SPARQLWrapper.SPARQLWrapper(url + "/sparql")
    sparql.setQuery(update)
    sparql.setMethod(SPARQLWrapper.POST)
    with pytest.raises(Exception, match="403|read-only|Forbidden"):
        sparql.query()
    code, message = _http_error(url + "/sparql", data=update.encode(),
                                headers={"Content-Type": "application/sparql-update"})
    assert code == 403 and "read-only" in message
    code, message = _http_error(url + "/sparql", data=urllib.parse.urlencode({"update": update}).encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert code == 403
    assert _wrapper(url, "ASK { <http://x/a> ?p ?o }", SPARQLWrapper.JSON).convert()["boolean"] is False


def test_bad_query_is_400_with_the_position(url: str) -> None:
    code, message = _http_error(url + "/sparql?" + urllib.parse.urlencode({"query": "SELEC ?x WHERE {}"}))
    assert code == 400 and "syntax error" in message and "1:" in message
    code, _ = _http_error(url + "/sparql")
    assert code == 400


def test_slow_query_hits_the_time_limit(graph: Graph) -> None:
    import pyoxigraph as ox

    from kg.serve import Endpoint

    store = ox.Store()
    store.bulk_load("".join(f"<http://x/{i}> <http://x/p> \"{i}\" .\n" for i in range(3000)).encode(),
                    ox.RdfFormat.N_TRIPLES)
    server, base = _start(Endpoint(store, {}, None, timeout=0.2))
    try:
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d }"
        code, message = _http_error(base + "/sparql?" + urllib.parse.urlencode({"query": slow}))
        assert code == 503 and "--timeout" in message
    finally:
        server.shutdown()
        server.server_close()


def test_serves_the_build_html_and_nothing_outside_it(url: str, build_dir: Path) -> None:
    with urllib.request.urlopen(url + "/", timeout=5) as response:
        assert b"the graph" in response.read()
        assert response.headers["Content-Type"].startswith("text/html")
    with urllib.request.urlopen(url + "/graph.ttl", timeout=5) as response:
        assert response.status == 200
    assert _http_error(url + "/../../etc/passwd")[0] == 404
    assert _http_error(url + "/%2e%2e/secret")[0] == 404
    assert _http_error(url + "/missing.html")[0] == 404


def test_falls_back_to_the_turtle_when_there_is_no_store(graph: Graph, tmp_path: Path) -> None:
    (tmp_path / "graph.ttl").write_text(to_turtle(graph), encoding="utf-8")
    server, base = _start(open_endpoint(tmp_path))
    try:
        doc = _wrapper(base, COUNT, SPARQLWrapper.JSON).convert()
        rows = [(b["hardware"]["value"], b["n"]["value"]) for b in doc["results"]["bindings"]]
        assert rows == _expected(graph)
    finally:
        server.shutdown()
        server.server_close()


def test_bad_setup_is_a_one_line_input_error(tmp_path: Path, build_dir: Path) -> None:
    with pytest.raises(InputError, match="kg build"):
        open_endpoint(tmp_path / "nothing")
    with pytest.raises(InputError, match="--timeout"):
        open_endpoint(tmp_path, timeout=0)


def test_service_is_refused_so_the_endpoint_never_calls_out(url: str) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    code, message = _http_error(url + "/sparql?" + urllib.parse.urlencode({"query": query}))
    assert code == 400 and "SERVICE" in message
