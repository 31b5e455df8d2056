"""Stage 7: loading graphs, running SPARQL safely, named queries, bindings and formats."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD
from rdflib.plugins.sparql import prepareQuery

from kg.errors import InputError, QueryError, QuerySyntaxError
from kg.export import to_jsonld, to_ntriples, to_turtle
from kg.query import (
    QueryResult,
    format_csv,
    format_json,
    format_table,
    list_named_queries,
    load_graph,
    load_named_query,
    parse_named_query,
    resolve_binding,
    run_query,
)
from kg.vocab import KG
from tests.conftest import ROOT
from tests.graph_fixture import CONCEPT, PAPER, build_graph

LOIHI = CONCEPT["hardware/loihi"].iri
STDP = CONCEPT["method/stdp"].iri
HIPPOCAMPUS = CONCEPT["brain-region/hippocampus"].iri
V1 = CONCEPT["brain-region/primary-visual-cortex"].iri
P1, P2, P3 = "doi:10.1000/p1", "arxiv:2101.00001", "doi:10.1000/p3"
T1, T2, T3 = (PAPER[i].title for i in (P1, P2, P3))


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph()


# --------------------------------------------------------------------------- load_graph


@pytest.mark.parametrize(("name", "render"), [
    pytest.param("graph.ttl", to_turtle, id="turtle"),
    pytest.param("graph.nt", to_ntriples, id="ntriples"),
    pytest.param("graph.jsonld", to_jsonld, id="jsonld"),
])
def test_load_graph_reads_each_export_format(graph: Graph, tmp_path: Path, name: str, render: Any) -> None:
    path = tmp_path / name
    path.write_text(render(graph), encoding="utf-8")
    loaded = load_graph(path)
    assert isomorphic(loaded, graph)
    # Prefixes are bound even for N-Triples, and id: is read off the paper IRIs.
    assert dict(loaded.namespaces())["id"] == URIRef("https://w3id.org/neurokg/id/")


def test_load_graph_reads_a_build_directory(graph: Graph, tmp_path: Path) -> None:
    (tmp_path / "graph.ttl").write_text(to_turtle(graph), encoding="utf-8")
    assert len(load_graph(tmp_path)) == len(graph)


@pytest.mark.parametrize(("setup", "message"), [
    pytest.param(lambda d: d / "missing.ttl", "does not exist; run `kg build", id="missing-file"),
    pytest.param(lambda d: d, "no graph.ttl in this directory; run `kg build", id="empty-directory"),
    pytest.param(lambda d: _write(d / "graph.xml", "<x/>"), "cannot tell the RDF format", id="suffix"),
    pytest.param(lambda d: _write(d / "bad.ttl", "@prefix x: <y> .\nx:a x:b ."), "is not valid turtle", id="bad-ttl"),
    pytest.param(lambda d: _write(d / "remote.jsonld", '{"@context": "https://schema.org/", "@id": "x"}'),
                 "remote JSON-LD context", id="remote-context"),
])
def test_load_graph_errors_are_one_line_and_say_what_to_do(tmp_path: Path, setup: Any, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        load_graph(setup(tmp_path))
    assert "\n" not in str(info.value)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- run_query


def test_select_rows_are_python_values(graph: Graph) -> None:
    result = run_query(graph, """
        SELECT ?id ?year ?stub (COUNT(?m) AS ?n) WHERE {
          ?p dcterms:identifier ?id ; dcterms:issued ?year ; kg:isStub ?stub ; kg:hasMention ?m }
        GROUP BY ?id ?year ?stub ORDER BY ?id""")
    assert result.kind == "select" and result.columns == ("id", "year", "stub", "n")
    assert result.rows == ((P2, 2022, False, 9), (P1, 2021, False, 6), (P3, 2020, False, 5))
    assert len(result) == 3
    assert result.terms[0][1] == Literal("2022", datatype=XSD.gYear)


def test_ask_and_construct(graph: Graph) -> None:
    assert run_query(graph, "ASK { ?p kg:usesHardware ?h }").boolean is True
    assert run_query(graph, "ASK { ?p cito:usesMethodIn ?p }").boolean is False
    built = run_query(graph, "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p kg:usesHardware ?h ; dcterms:title ?t }")
    assert built.kind == "construct" and built.graph is not None
    assert sorted(str(o) for o in built.graph.objects()) == sorted([T1, T2])


def test_bindings_go_through_the_engine(graph: Graph) -> None:
    query = "SELECT ?t WHERE { ?p dcterms:title ?t . FILTER (?t = ?wanted) }"
    assert run_query(graph, query, bindings={"wanted": Literal(T3)}).rows == ((T3,),)
    # Spliced into the text, this value would match every title; bound, it matches none.
    assert run_query(graph, query, bindings={"?wanted": Literal('" || true || "')}).rows == ()


def test_a_hostile_bound_value_is_just_a_non_matching_literal(graph: Graph) -> None:
    before = len(graph)
    text = load_named_query("papers-by-hardware").text
    hostile = resolve_binding(graph, '"x\\" } ; DROP ALL ; #"')
    assert isinstance(hostile, Literal)
    for value in (hostile, Literal('x" } ; DROP ALL ; #'), Literal("x> } DROP ALL #")):
        assert run_query(graph, text, bindings={"hardware": value}).rows == ()
    assert len(graph) == before


def test_binding_an_unknown_variable_or_a_non_term_is_an_error(graph: Graph) -> None:
    with pytest.raises(QueryError, match=r"cannot bind \?hardwre: the query has no such variable.*\?hardware"):
        run_query(graph, load_named_query("papers-by-hardware").text, bindings={"hardwre": LOIHI})
    with pytest.raises(QueryError, match="must be an RDF term"):
        run_query(graph, "SELECT ?x WHERE { ?x ?p ?o }", bindings={"x": "loihi"})  # type: ignore[dict-item]


@pytest.mark.parametrize(("query", "line", "column", "near"), [
    pytest.param("SELECT ?x WHERE {\n  ?x ?y \n}}", 2, 3, "?x ?y", id="incomplete-triple"),
    pytest.param("SELECT ?x WHERE { ?x ?p ?o } ORDER BY", 1, 30, "ORDER BY", id="trailing-order-by"),
    pytest.param("PREFIX ex: <http://example.org/>\nSELECT ?x\nWHERE {\n  ?x ex:p ?o .\n  FILTER (?o = )\n}",
                 5, 3, "FILTER (?o = )", id="bad-filter"),
    pytest.param("SELEC ?x WHERE { ?x ?p ?o }", 1, 1, "SELEC", id="misspelt-keyword"),
])
def test_syntax_errors_name_the_line_and_column(graph: Graph, query: str, line: int, column: int,
                                                near: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        run_query(graph, query)
    error = info.value
    assert (error.line, error.column) == (line, column)
    assert str(error).startswith(f"SPARQL syntax error at line {line}, column {column}: ")
    assert query.splitlines()[line - 1][column - 1:].startswith(near)
    assert "\n" not in str(error)


def test_updates_are_refused_as_read_only(graph: Graph) -> None:
    with pytest.raises(QuerySyntaxError, match="updates are not supported"):
        run_query(graph, "PREFIX ex: <http://example.org/>\nDROP ALL")
    assert len(graph) > 0


def test_unknown_prefix_service_and_from_are_query_errors(graph: Graph) -> None:
    with pytest.raises(QueryError, match=r"unknown prefix 'nope:'.*declare it with PREFIX nope:"):
        run_query(graph, "SELECT ?x WHERE { ?x nope:p ?o }")
    with pytest.raises(QueryError, match="SERVICE are not supported"):
        run_query(graph, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="FROM and SERVICE"):
        run_query(graph, "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }")


def test_evaluation_failures_are_query_errors(graph: Graph) -> None:
    with pytest.raises(QueryError, match="could not be evaluated"):
        # rdflib 7.6 fails to sort by an unknown function's (unbound) values with a TypeError
        run_query(graph, "SELECT ?s WHERE { ?s a kg:Paper } ORDER BY <http://example.org/f>(?s)")


# --------------------------------------------------------------------------- named queries

# name -> (bindings as typed on the command line, expected first columns of every row)
EXPECTED: dict[str, tuple[dict[str, str], list[tuple[Any, ...]]]] = {
    "papers-by-hardware": ({}, [("Loihi", 2022, P2, 2), ("Loihi", 2021, P1, 3), ("SpiNNaker", 2022, P2, 2)]),
    "papers-by-method": ({"method": "stdp"}, [("spike-timing-dependent plasticity", 2021, P1, 2),
                                              ("spike-timing-dependent plasticity", 2020, P3, 2)]),
    "papers-by-region": ({"region": "UBERON:0002421"}, [("hippocampus", 2021, P1, 1), ("hippocampus", 2020, P3, 1)]),
    "papers-by-dataset": ({"dataset": "n-mnist"}, [("N-MNIST", 2022, P2, 1)]),
    "methods-on-hardware": ({}, [("spike-timing-dependent plasticity", "Loihi", 1, T1),
                                 ("surrogate gradient", "Loihi", 1, T2), ("surrogate gradient", "SpiNNaker", 1, T2)]),
    "regions-and-methods": ({}, [("hippocampus", "spike-timing-dependent plasticity", 2, T3),
                                 ("primary visual cortex", "spike-timing-dependent plasticity", 1, T3)]),
    "datasets-by-method": ({}, [("surrogate gradient", "N-MNIST", 1, T2),
                                ("surrogate gradient", "Spiking Heidelberg Digits", 1, T2)]),
    "top-concepts": ({"type": "kg:Dataset"}, [(str(KG.Dataset), "N-MNIST", 1, 1),
                                              (str(KG.Dataset), "Spiking Heidelberg Digits", 1, 1)]),
    "hardware-overview": ({}, [("Loihi", 2, 2021, 2022, f"{T1} | {T2}"), ("SpiNNaker", 1, 2022, 2022, T2)]),
    "papers-without-mentions": ({}, [("id:W4", 2019, "A review of brain-inspired computing")]),
    "concept-co-mentions": ({}, [("hippocampus", "spike-timing-dependent plasticity", 2)]),
    "related-concepts": ({"concept": "STDP"}, [("spike-timing-dependent plasticity", "hippocampus", "BRAIN_REGION", 2),
                                               ("spike-timing-dependent plasticity", "Loihi", "HARDWARE", 1),
                                               ("spike-timing-dependent plasticity", "primary visual cortex",
                                                "BRAIN_REGION", 1)]),
    "surface-forms": ({"concept": "v1"}, [("primary visual cortex", "primary visual cortex", 1, 1),
                                          ("primary visual cortex", "V1", 1, 1)]),
    "unlinked-mentions": ({}, [("HARDWARE", "GPUs", 1, 1)]),
    "citations": ({}, [(P2, P1, "usesMethodIn", True), (P1, "doi:10.1000/s1", "", None),
                       (P3, P1, "obtainsBackgroundFrom", False)]),
    "datasets-by-hardware": ({}, [("Loihi", "N-MNIST", 1, T2), ("Loihi", "Spiking Heidelberg Digits", 1, T2),
                                  ("SpiNNaker", "N-MNIST", 1, T2), ("SpiNNaker", "Spiking Heidelberg Digits", 1, T2)]),
    "hardware-by-method-family": ({}, [("spike-timing-dependent plasticity", "Loihi", 1, 1),
                                       ("surrogate gradient", "Loihi", 1, 1), ("surrogate gradient", "SpiNNaker", 1, 1)]),
    "most-cited-by-concept": ({"concept": "loihi"}, [("Loihi", 2, 2, T1), ("Loihi", 0, 0, T2)]),
    "concepts-by-year": ({"type": "kg:Hardware"}, [("Loihi", 2021, 1), ("Loihi", 2022, 1), ("SpiNNaker", 2022, 1)]),
    "bridging-papers": ({}, [(T1, 2021, 1, "hippocampus", 1, "Loihi")]),
}


def test_every_named_query_has_an_expectation() -> None:
    assert sorted(q.name for q in list_named_queries()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_named_query_answers(graph: Graph, name: str) -> None:
    binds, expected = EXPECTED[name]
    bindings = {var: resolve_binding(graph, value) for var, value in binds.items()}
    result = run_query(graph, load_named_query(name).text, bindings=bindings)
    width = len(expected[0])
    rows = [row[:width] for row in result.rows]
    if name == "concept-co-mentions":  # 15 pairs; the strongest comes first
        assert len(rows) == 15 and rows[0] == expected[0] and all(r[2] == 1 for r in rows[1:])
    else:
        assert rows == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_named_queries_are_documented_standalone_and_bindable(graph: Graph, name: str) -> None:
    query = load_named_query(name)
    assert query.title and query.description and query.text.startswith(f"# {query.title}\n")
    prepareQuery(query.text)  # declares its own prefixes: runs in any SPARQL tool
    for variable in query.bind:
        # Every advertised variable really constrains the query.
        nothing = run_query(graph, query.text, bindings={variable: URIRef("https://example.org/nothing")})
        assert nothing.rows == (), variable


def test_named_query_headers() -> None:
    query = load_named_query("methods-on-hardware")
    assert query.title == "Methods on hardware"
    assert query.bind == ("method", "hardware")
    assert query.parameters[1].meaning.startswith("a kg:Hardware concept") and query.parameters[1].optional
    related = load_named_query("related-concepts").parameters
    assert [(p.name, p.optional) for p in related] == [("concept", False)]
    assert load_named_query("papers_by_hardware.rq").name == "papers-by-hardware"


def test_unknown_named_query_lists_the_available_ones() -> None:
    with pytest.raises(QueryError, match=r"unknown named query 'papers-by-chip'; available: bridging-papers, citations, .*top-concepts"):
        load_named_query("papers-by-chip")


def test_a_named_query_needs_a_title() -> None:
    with pytest.raises(QueryError, match="no '# Title'"):
        parse_named_query("x", "SELECT * WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("path", sorted((ROOT / "examples" / "queries").glob("*.rq")), ids=lambda p: p.name)
def test_example_queries_run(graph: Graph, path: Path) -> None:
    result = run_query(graph, path.read_text(encoding="utf-8"))
    assert result.kind == "select" and len(result.rows) >= 2


# --------------------------------------------------------------------------- resolve_binding


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("<https://example.org/x>", URIRef("https://example.org/x"), id="angle-iri"),
    pytest.param("https://example.org/y?z=1", URIRef("https://example.org/y?z=1"), id="bare-iri"),
    pytest.param("kg:Method", KG.Method, id="prefixed"),
    pytest.param("dcterms:title", DCTERMS.title, id="prefixed-dcterms"),
    pytest.param("42", Literal(42), id="integer"),
    pytest.param("-3", Literal(-3), id="negative"),
    pytest.param("0.5", Literal(Decimal("0.5")), id="decimal"),
    pytest.param('"loihi"', Literal("loihi"), id="quoted-literal"),
    pytest.param("'two words'", Literal("two words"), id="single-quoted"),
    pytest.param("loihi", LOIHI, id="iri-segment"),
    pytest.param("LOIHI", LOIHI, id="case-insensitive"),
    pytest.param("Loihi 1", LOIHI, id="alt-label"),
    pytest.param("onm-hardware:loihi-intel", LOIHI, id="notation"),
    pytest.param("UBERON:0002421", HIPPOCAMPUS, id="uberon-notation"),
    pytest.param("spike-timing-dependent plasticity", STDP, id="pref-label"),
    pytest.param("v1", V1, id="abbreviation"),
])
def test_resolve_binding(graph: Graph, value: str, expected: Any) -> None:
    resolved = resolve_binding(graph, value)
    assert resolved == expected and type(resolved) is type(expected)
    if isinstance(expected, Literal):
        assert resolved.datatype == expected.datatype


def test_resolve_binding_reports_ambiguous_and_unknown_keys(graph: Graph) -> None:
    clash = Graph()
    for triple in graph:
        clash.add(triple)
    other = URIRef("https://w3id.org/neurokg/id/concept/method/loihi-learning")
    clash.add((other, RDF.type, SKOS.Concept))
    clash.add((other, SKOS.altLabel, Literal("Loihi")))
    with pytest.raises(QueryError, match=r"'loihi' matches 2 concepts: .*hardware/loihi \(Loihi\).*loihi-learning"):
        resolve_binding(clash, "loihi")
    with pytest.raises(QueryError, match=r"no concept matches 'truenorth'; .*quote it: '\"truenorth\"'"):
        resolve_binding(graph, "truenorth")
    with pytest.raises(QueryError, match="no concept matches 'foo:bar'; for the prefix 'foo' use <full IRI>"):
        resolve_binding(graph, "foo:bar")


# --------------------------------------------------------------------------- formats


@pytest.fixture(scope="module")
def hardware(graph: Graph) -> QueryResult:
    return run_query(graph, """
        SELECT ?h ?label (COUNT(DISTINCT ?p) AS ?papers) ?none WHERE {
          ?p kg:usesHardware ?h . ?h skos:prefLabel ?label } GROUP BY ?h ?label ?none ORDER BY ?label""")


def test_format_table_aligns_columns_and_shortens_iris(hardware: QueryResult) -> None:
    lines = format_table(hardware).splitlines()
    assert lines[0].split() == ["h", "label", "papers", "none"]
    assert lines[1].split() == ["-" * len("id:concept/hardware/spinnaker"), "-" * len("SpiNNaker"), "------", "----"]
    assert lines[2].split() == ["id:concept/hardware/loihi", "Loihi", "2"]
    assert lines[-1] == "(2 rows)"
    column = lines[0].index("papers")
    assert {line[column + 5] for line in lines[2:4]} == {"2", "1"}  # numbers right-aligned
    assert not format_table(hardware).endswith("\n")


def test_format_table_cuts_long_cells_and_shows_ask_and_construct(graph: Graph) -> None:
    titles = run_query(graph, "SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY DESC(STRLEN(?t)) LIMIT 1")
    assert format_table(titles, max_width=20).splitlines()[2] == T2[:19] + "…"
    assert format_table(run_query(graph, "ASK { ?s ?p ?o }")) == "true"
    construct = run_query(graph, f"CONSTRUCT {{ ?h skos:prefLabel ?l }} WHERE {{ ?h a kg:Hardware ; skos:prefLabel ?l }}")
    assert isomorphic(Graph().parse(data=format_table(construct), format="turtle"), construct.graph)


def test_format_csv_parses_back(hardware: QueryResult) -> None:
    rows = list(csv.reader(io.StringIO(format_csv(hardware))))
    assert rows == [["h", "label", "papers", "none"], [str(LOIHI), "Loihi", "2", ""],
                    [str(CONCEPT["hardware/spinnaker"].iri), "SpiNNaker", "1", ""]]


def test_format_json_follows_the_sparql_results_format(hardware: QueryResult, graph: Graph) -> None:
    document = json.loads(format_json(hardware))
    assert document["head"] == {"vars": ["h", "label", "papers", "none"]}
    first = document["results"]["bindings"][0]
    assert first == {
        "h": {"type": "uri", "value": str(LOIHI)},
        "label": {"type": "literal", "value": "Loihi"},
        "papers": {"type": "literal", "value": "2", "datatype": str(XSD.integer)},
    }
    assert json.loads(format_json(run_query(graph, "ASK { ?s kg:usesDataset ?o }"))) == {"head": {}, "boolean": True}
    assert list(csv.reader(io.StringIO(format_csv(run_query(graph, "ASK { ?s kg:nope ?o }"))))) == [
        ["boolean"], ["false"]]
