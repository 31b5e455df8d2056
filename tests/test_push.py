"""`kg push`: load the graph into a real Oxigraph server (loopback) over the Graph Store Protocol."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from kg.errors import ExportError, InputError
from kg.push import graph_store_url, push
from kg.query import list_named_queries, resolve_binding, run_query
from kg.query_results import QueryResult
from kg.store import STORE_DIR, _bind_values, _to_result, build_store, open_store, query_prefixes, query_store
from tests.graph_fixture import BASE, build_graph
from tests.test_store import normalise


def _oxigraph_binary() -> str | None:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    return found if Path(found).is_file() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = _oxigraph_binary()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the oxigraph server binary is missing: pip install 'oxigraph>=0.4'")
        pytest.skip("the oxigraph server binary is not installed (pip install 'oxigraph>=0.4')")
    port = _free_port()
    process = subprocess.Popen([binary, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1):
                break
        except (urllib.error.URLError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait(timeout=10)
                pytest.fail(f"oxigraph did not start: {process.stderr.read().decode() if process.stderr else ''}")
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)
    if process.stderr is not None:
        process.stderr.close()


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph()


def _remote(base: str, text: str, prefixes: dict[str, str]) -> QueryResult:
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items() if f"PREFIX {name}:" not in text)
    request = urllib.request.Request(base + "/query", data=(prologue + text).encode("utf-8"),
                                     headers={"Content-Type": "application/sparql-query",
                                              "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = response.read()
    answer = ox.parse_query_results(payload, ox.QueryResultsFormat.JSON)
    return _to_result(answer, BASE, tuple(sorted(prefixes.items())))


def _count(base: str, named: str | None = None) -> int:
    pattern = f"GRAPH <{named}> {{ ?s ?p ?o }}" if named else "?s ?p ?o"
    return int(_remote(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", {}).rows[0][0])


def test_every_named_query_agrees_across_rdflib_the_store_and_the_pushed_server(
        server: str, graph: Graph, tmp_path: Path) -> None:
    report = push(graph, server + "/store")
    assert report.method == "PUT" and report.status in (200, 201, 204) and report.triples == len(graph)
    store = open_store(build_store(graph, tmp_path / STORE_DIR))
    prefixes = query_prefixes(BASE)
    checked = 0
    for named in list_named_queries():
        expected = {p.name: p.expected_class for p in named.parameters}
        cases: list[dict[str, Any]] = [{}]
        try:
            cases.append({v: resolve_binding(graph, value, expected_class=expected.get(v))
                          for v, value in named.examples.items()})
        except Exception:  # the hand-built fixture lacks some example concepts; test_store covers them
            pass
        for bindings in cases:
            local = run_query(graph, named.text, bindings=bindings)
            text = _bind_values(named.text, bindings) if bindings else named.text
            assert normalise(_remote(server, text, prefixes)) == normalise(local) == \
                normalise(query_store(store, named.text, bindings=bindings)), named.name
            checked += 1
    assert checked >= len(list_named_queries())


def test_named_graph_replace_and_append(server: str, graph: Graph) -> None:
    iri = "https://example.org/graphs/neurokg"
    push(graph, server + "/store", named_graph=iri)
    assert _count(server, iri) == len(graph)
    small = Graph()
    small.add((URIRef("https://x/a"), URIRef("https://x/b"), URIRef("https://x/c")))
    report = push(small, server + "/store", named_graph=iri, replace=False)
    assert report.method == "POST" and _count(server, iri) == len(graph) + 1
    push(small, server + "/store", named_graph=iri, replace=True)
    assert _count(server, iri) == 1


def test_server_refusal_is_an_export_error_with_its_message(server: str, graph: Graph) -> None:
    with pytest.raises(ExportError, match="HTTP 4"):
        push(graph, server + "/query")


def test_unreachable_store_says_so() -> None:
    with pytest.raises(ExportError, match="is the store running"):
        push(build_graph(), f"http://127.0.0.1:{_free_port()}/store", timeout=2)


@pytest.mark.parametrize("bad", ["ftp://x/store", "localhost:7878/store", ""])
def test_bad_url_is_an_input_error(bad: str) -> None:
    with pytest.raises(InputError, match="http"):
        graph_store_url(bad, None)


def test_graph_store_url() -> None:
    assert graph_store_url("http://h:1/store", None) == "http://h:1/store?default"
    assert graph_store_url("http://h:1/store", "https://g/1?x") == "http://h:1/store?graph=https%3A%2F%2Fg%2F1%3Fx"
    assert graph_store_url("http://h:1/store?a=b", "urn:g") == "http://h:1/store?a=b&graph=urn%3Ag"


def test_kg_push_command(server: str, graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from kg.cli import cli
    from kg.export import to_turtle

    monkeypatch.setenv("KG_STATE_DIR", str(tmp_path / "state"))
    (tmp_path / "graph.ttl").write_text(to_turtle(graph), encoding="utf-8")
    iri = "https://example.org/graphs/cli"
    runner = CliRunner()
    result = runner.invoke(cli, ["push", server + "/store", "--graph", str(tmp_path), "--named-graph", iri])
    assert result.exit_code == 0, result.output
    assert f"{len(graph):,} triples" in result.output and "PUT" in result.output
    assert _count(server, iri) == len(graph)
    result = runner.invoke(cli, ["push", "ftp://nowhere", "--graph", str(tmp_path)])
    assert result.exit_code != 0 and "http(s) URL" in result.output and "Traceback" not in result.output


def test_kg_serve_help_has_an_example() -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0 and "127.0.0.1" in result.output and "Example" in result.output
