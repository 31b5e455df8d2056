"""The Oxigraph store gives the same answers as rdflib on every named query."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.errors import InputError, QueryError, QuerySyntaxError
from kg.export import to_turtle
from kg.query import list_named_queries, resolve_binding, run_query
from kg.query_results import QueryResult
from kg.store import (
    STORE_DIR,
    build_store,
    find_store,
    lookup_graph,
    open_store,
    open_target,
    query_store,
    query_target,
    store_base,
)
from kg.vocab import KG
from tests.conftest import ROOT
from tests.graph_fixture import BASE, CONCEPT, build_graph


EXAMPLE: dict[str, Graph] = {}


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The hand-built fixture (citations, stubs) plus the example corpus run through the pipeline
    (so every named query's ``# Example:`` binding resolves)."""
    from kg.extract import build_nlp
    from kg.gazetteer import load_gazetteer
    from kg.ingest import read_corpus
    from kg.pipeline import build

    gazetteer = load_gazetteer()
    corpus = read_corpus([ROOT / "examples" / "papers.jsonl"])
    example = EXAMPLE.setdefault("graph", build(corpus, nlp=build_nlp(gazetteer), gazetteer=gazetteer, validate=False).graph)
    combined = build_graph()
    for triple in example:
        combined.add(triple)
    return combined


@pytest.fixture(scope="module")
def store(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = build_store(graph, tmp_path_factory.mktemp("build") / STORE_DIR)
    return open_store(path)


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 9)
    return value


def normalise(result: QueryResult) -> Any:
    """Rows as Python values; a sorted multiset unless the query's ORDER BY is total."""
    if result.kind == "ask":
        return result.boolean
    if result.kind == "construct":
        return sorted((str(s), str(p), str(o)) for s, p, o in result.graph or ())
    return result.columns, sorted((tuple(_cell(v) for v in row) for row in result.rows), key=repr)


def _ordered_prefix_agrees(a: QueryResult, b: QueryResult, text: str) -> None:
    """Where a query has ORDER BY, the sort keys must come out in the same order on both."""
    match = re.search(r"ORDER BY\s+(.+?)(?:\n\s*(LIMIT|OFFSET)|\Z)", text, re.S | re.I)
    if not match or a.kind != "select":
        return
    keys = []
    for lower, key in re.findall(r"(LCASE\(\s*)?\?(\w+)", match.group(1)):
        if key not in a.columns:
            break  # later keys cannot be checked from the rows
        keys.append((a.columns.index(key), bool(lower)))

    def sort_keys(result: QueryResult) -> list[tuple[Any, ...]]:
        return [tuple(str(row[i]).lower() if lower else _cell(row[i]) for i, lower in keys) for row in result.rows]

    assert sort_keys(a) == sort_keys(b)


def _cases() -> list[tuple[str, dict[str, str]]]:
    cases = []
    for named in list_named_queries():
        cases.append((named.name, {}))
        if named.examples:
            cases.append((named.name, dict(named.examples)))
    return cases


@pytest.mark.parametrize(("name", "examples"), _cases(), ids=lambda v: v if isinstance(v, str) else
                         ",".join(f"{k}={w}" for k, w in v.items()) or "unbound")
def test_every_named_query_gives_the_same_answers_on_both_engines(graph: Graph, store: Any, name: str,
                                                                  examples: dict[str, str]) -> None:
    named = next(q for q in list_named_queries() if q.name == name)
    expected = {p.name: p.expected_class for p in named.parameters}
    bindings = {var: resolve_binding(EXAMPLE["graph"], value, expected_class=expected.get(var))
                for var, value in examples.items()}
    via_rdflib = run_query(graph, named.text, bindings=bindings)
    via_store = query_store(store, named.text, bindings=bindings)
    assert normalise(via_store) == normalise(via_rdflib)
    _ordered_prefix_agrees(via_rdflib, via_store, named.text)
    assert via_store.prefixes == via_rdflib.prefixes


def test_the_equivalence_test_can_fail(graph: Graph, store: Any) -> None:
    one = query_store(store, "SELECT ?c WHERE { ?p kg:usesHardware ?c }")
    other = run_query(graph, "SELECT ?c WHERE { ?p kg:usesMethod ?c }")
    assert normalise(one) != normalise(other)


def test_bindings_are_substituted_not_formatted(store: Any) -> None:
    loihi = URIRef(BASE + "concept/" + CONCEPT["hardware/loihi"].key)
    result = query_store(store, "SELECT ?p WHERE { ?p kg:usesHardware ?hardware }", bindings={"hardware": loihi})
    assert len(result) == len(run_query(build_graph(), "SELECT ?p WHERE { ?p kg:usesHardware ?hardware }",
                                        bindings={"hardware": loihi})) >= 2
    hostile = Literal('x" } UNION { ?p ?q ?r')
    assert len(query_store(store, "SELECT ?p WHERE { ?p ?q ?hardware }", bindings={"hardware": hostile})) == 0


def test_literal_types_match_rdflib(graph: Graph, store: Any) -> None:
    text = ('SELECT ?n ?d ?s ?l WHERE { VALUES (?n ?d ?s ?l) { (3 2.5 "a" "b"@en) } }')
    via_store, via_rdflib = query_store(store, text), run_query(graph, text)
    assert via_store.rows == via_rdflib.rows == ((3, 2.5, "a", "b"),)
    assert [t.datatype for t in via_store.terms[0]] == [t.datatype for t in via_rdflib.terms[0]]


def test_ask_and_construct(graph: Graph, store: Any) -> None:
    assert query_store(store, "ASK { ?p a kg:Paper }").boolean is True
    text = "CONSTRUCT { ?p a kg:Paper } WHERE { ?p a kg:Paper }"
    assert isomorphic(query_store(store, text).graph, run_query(graph, text).graph)


@pytest.mark.parametrize(("text", "error", "words"), [
    ("SELEC ?x WHERE {}", QuerySyntaxError, "line 1"),
    ("INSERT DATA { <a:b> <a:b> <a:c> }", QuerySyntaxError, "updates are not supported"),
    ("SELECT ?x WHERE { ?x a nope:Thing }", QuerySyntaxError, "unknown prefix 'nope:'"),
    ("SELECT ?x WHERE { ?x ?p ?o }", QueryError, "no such variable"),
])
def test_errors_are_one_line(store: Any, text: str, error: type, words: str) -> None:
    bindings = {"missing": URIRef("http://x/")} if "no such" in words else None
    with pytest.raises(error, match=re.escape(words)) as info:
        query_store(store, text, bindings=bindings)
    assert "\n" not in str(info.value)


def test_store_base_and_lookup_graph_resolve_concept_keys(graph: Graph, store: Any) -> None:
    assert store_base(store) == BASE
    lookup = lookup_graph(store)
    assert len(lookup) < len(graph)
    assert resolve_binding(lookup, "loihi", expected_class=KG.Hardware) == \
        resolve_binding(graph, "loihi", expected_class=KG.Hardware)


def test_build_store_replaces_atomically_and_leaves_no_temp(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / STORE_DIR
    build_store(Graph(), path)
    build_store(graph, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [STORE_DIR]
    assert len(open_store(path)) == len(graph)


def test_open_target_prefers_the_store_and_falls_back_to_turtle(graph: Graph, tmp_path: Path) -> None:
    (tmp_path / "graph.ttl").write_text(to_turtle(graph), encoding="utf-8")
    assert isinstance(open_target(tmp_path), Graph)
    assert find_store(tmp_path) is None
    build_store(graph, tmp_path / STORE_DIR)
    assert find_store(tmp_path) == tmp_path / STORE_DIR
    target = open_target(tmp_path / "graph.ttl")
    assert not isinstance(target, Graph)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert query_target(target, count).rows == run_query(graph, count).rows
    del target


def test_open_store_on_a_missing_directory_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="kg build"):
        open_store(tmp_path / "nothing")


def test_float_cells_are_compared_with_tolerance() -> None:
    assert _cell(0.1 + 0.2) == _cell(0.3) and not math.isnan(_cell(1.0))


def test_kg_build_writes_the_store_and_kg_query_gives_the_same_answers_without_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from click.testing import CliRunner

    from kg.cli import cli

    monkeypatch.setenv("KG_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("KG_ENRICH", "0")
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    out = tmp_path / "out"
    built = runner.invoke(cli, ["build", str(ROOT / "tests" / "data" / "abstracts.jsonl"), "-o", str(out),
                                "-f", "turtle", "--no-progress"])
    assert built.exit_code == 0, built.output
    assert find_store(out) == out / STORE_DIR
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    args = ["query", "--named", "papers-by-hardware", "--format", "csv", "--graph", str(out)]
    bound = args + ["--bind", "hardware=loihi"]
    with_store = [runner.invoke(cli, a) for a in (args, bound)]
    shutil.rmtree(out / STORE_DIR)
    without = [runner.invoke(cli, a) for a in (args, bound)]
    for a, b in zip(with_store, without, strict=True):
        assert a.exit_code == b.exit_code == 0, a.output + b.output
        assert sorted(a.output.splitlines()) == sorted(b.output.splitlines())
    assert len(with_store[0].output.splitlines()) > len(with_store[1].output.splitlines()) > 1


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "select * from named <http://example.org/g> where { ?s ?p ?o }",
])
def test_service_and_from_are_refused_before_any_network_access(store: Any, text: str) -> None:
    with pytest.raises(QueryError, match="FROM and SERVICE are not supported"):
        query_store(store, text)


def test_words_inside_strings_iris_variables_and_comments_are_not_refused(store: Any) -> None:
    text = ('# FROM a comment, SERVICE too\nSELECT ?from ?service WHERE { BIND("FROM SERVICE" AS ?from) '
            'BIND(<http://x/SERVICE> AS ?service) }')
    assert query_store(store, text).rows == (("FROM SERVICE", "http://x/SERVICE"),)


def test_bindings_work_in_construct_and_subquery_forms(graph: Graph, store: Any) -> None:
    loihi = URIRef(BASE + "concept/hardware/loihi")
    construct = "CONSTRUCT { ?p kg:usesHardware ?h } WHERE { ?p kg:usesHardware ?h }"
    assert isomorphic(query_store(store, construct, bindings={"h": loihi}).graph,
                      run_query(graph, construct, bindings={"h": loihi}).graph)
    nested = ("SELECT ?n WHERE { { SELECT ?h (COUNT(?p) AS ?n) WHERE { ?p kg:usesHardware ?h } GROUP BY ?h } }")
    assert query_store(store, nested, bindings={"h": loihi}).rows == run_query(graph, nested, bindings={"h": loihi}).rows
    tricky = Literal('a "} } SELECT * { ?s ?p ?o }\n\\', lang="en")
    assert query_store(store, "SELECT ?x WHERE { ?s ?p ?x }", bindings={"x": tricky}).rows == ()
