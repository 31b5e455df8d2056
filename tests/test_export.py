"""Stage 6: every exporter on the hand-built fixture graph, the HTML's safety, atomic writes."""

from __future__ import annotations

import io
import json
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import polars as pl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from kg.errors import ExportError
from kg.export import (
    DEFAULT_FORMATS,
    EXPORTERS,
    ExportInput,
    export_all,
    to_graphml,
    to_html,
    to_jsonld,
    to_ntriples,
    to_tables,
    to_turtle,
    write,
)
from kg.export.html import compute_positions, script_json
from kg.export.tables import EDGE_SCHEMA, MENTION_SCHEMA, NODE_SCHEMA
from kg.vocab import PREFIXES, bind_prefixes
from tests.graph_fixture import BASE, PAPER, PAPERS, build_graph, build_projection, parse_jsonld

P1 = str(PAPER["doi:10.1000/p1"].iri)
P4 = str(PAPER["id:W4"].iri)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph()


@pytest.fixture(scope="module")
def projection() -> nx.MultiDiGraph:
    return build_projection()


def _shuffled_copy(graph: Graph, seed: int) -> Graph:
    triples = sorted(graph)
    random.Random(seed).shuffle(triples)
    copy = bind_prefixes(Graph(bind_namespaces="none"), BASE)
    for triple in triples:
        copy.add(triple)
    return copy


# --------------------------------------------------------------------------- RDF formats


def test_turtle_parses_back_isomorphic_with_kg_prefixes(graph: Graph) -> None:
    text = to_turtle(graph)
    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)
    for prefix in ("kg", "dcterms", "skos", "cito", "prov"):
        assert f"@prefix {prefix}: <{PREFIXES[prefix]}> ." in text
    assert "ns1:" not in text


def test_turtle_is_deterministic_whatever_the_insertion_order_or_prefixes(graph: Graph) -> None:
    expected = to_turtle(graph)
    assert to_turtle(_shuffled_copy(graph, 1)) == expected
    assert to_turtle(_shuffled_copy(graph, 2)) == expected
    # A graph read from N-Triples carries no prefixes at all: still the same bytes.
    reread = Graph().parse(data=to_ntriples(graph), format="nt")
    assert to_turtle(reread) == expected


def test_ntriples_lines_are_sorted_and_complete(graph: Graph) -> None:
    text = to_ntriples(graph)
    lines = text.splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(graph)
    assert text.endswith(" .\n")
    assert isomorphic(Graph().parse(data=text, format="nt"), graph)
    assert to_ntriples(_shuffled_copy(graph, 3)) == text


def test_jsonld_parses_back_isomorphic_with_an_embedded_context(graph: Graph) -> None:
    text = to_jsonld(graph)
    document = json.loads(text)
    assert isinstance(document["@context"], dict)  # embedded, never a URL to fetch
    assert isomorphic(parse_jsonld(text), graph)
    assert to_jsonld(_shuffled_copy(graph, 4)) == text


def test_jsonld_with_a_context_built_from_the_prefixes(graph: Graph) -> None:
    context = {name: str(ns) for name, ns in PREFIXES.items()} | {"id": BASE}
    text = to_jsonld(graph, context=context)
    assert json.loads(text)["@context"] == context
    assert '"kg:Paper"' in text  # compacted, not expanded IRIs
    assert isomorphic(parse_jsonld(text), graph)


def test_rdf_exports_of_an_empty_graph() -> None:
    empty = Graph()
    assert to_ntriples(empty) == ""
    assert len(Graph().parse(data=to_turtle(empty), format="turtle")) == 0
    assert len(parse_jsonld(to_jsonld(empty))) == 0


# --------------------------------------------------------------------------- GraphML


def test_graphml_reads_back_with_the_same_nodes_and_edges(projection: nx.MultiDiGraph) -> None:
    back = nx.read_graphml(io.StringIO(to_graphml(projection)), force_multigraph=True)
    assert back.number_of_nodes() == projection.number_of_nodes() == 15
    assert back.number_of_edges() == projection.number_of_edges() == 34  # 33 + one co_author pair
    p1 = back.nodes[P1]
    assert p1["authors"] == "Jane Doe; Wei Zhang"  # lists joined with "; "
    assert p1["year"] == 2021 and p1["is_stub"] is False and p1["mention_count"] == 6
    assert "venue" not in back.nodes[str(PAPER["doi:10.1000/p3"].iri)]  # None is dropped, not "None"
    edge = back.get_edge_data(P1, str(build_projection_concept("hardware/loihi")))
    assert [(a["type"], a["weight"]) for a in edge.values()] == [("mentions", 3)]


def build_projection_concept(key: str) -> str:
    from tests.graph_fixture import CONCEPT

    return str(CONCEPT[key].iri)


def test_graphml_gives_each_attribute_one_type_and_strips_control_characters() -> None:
    g = nx.MultiDiGraph()
    g.add_node("a", score=1, note="bell\x07 and tab\tkept", tags={"y", "x"})
    g.add_node("b", score=2.5, note=None, tags=("z",))
    g.add_node("c", score="high")
    g.add_edge("a", "b", key="k", weight=1)
    g.add_edge("b", "c", key="k", weight=0.5)
    text = to_graphml(g)
    back = nx.read_graphml(io.StringIO(text), force_multigraph=True)
    assert {back.nodes[n]["score"] for n in back} == {"1", "2.5", "high"}
    assert back.nodes["a"]["note"] == "bell and tab\tkept"
    assert back.nodes["a"]["tags"] == "x; y"
    assert sorted(w for *_, w in back.edges(data="weight")) == [0.5, 1.0]
    assert len(re.findall(r'attr.name="score"', text)) == 1


# --------------------------------------------------------------------------- tables


def _read(tables: dict[str, bytes], name: str) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO(tables[name]))


def test_tables_have_their_schemas_and_rows(graph: Graph, projection: nx.MultiDiGraph) -> None:
    tables = to_tables(graph, projection)
    assert set(tables) == {"nodes.parquet", "edges.parquet", "mentions.parquet"}
    nodes, edges, mentions = (_read(tables, n) for n in ("nodes.parquet", "edges.parquet", "mentions.parquet"))
    assert nodes.schema == NODE_SCHEMA and edges.schema == EDGE_SCHEMA and mentions.schema == MENTION_SCHEMA
    assert nodes.height == 15 and edges.height == 34 and mentions.height == 20
    p1 = nodes.filter(pl.col("iri") == P1).row(0, named=True)
    assert p1["authors"] == ["Jane Doe", "Wei Zhang"] and p1["year"] == 2021 and p1["kind"] == "paper"
    assert nodes.filter(pl.col("kind") == "concept")["entity_type"].drop_nulls().len() == 8
    assert edges.group_by("type").len().sort("type").rows() == [
        ("authored", 4), ("cites", 3), ("co_author", 1), ("co_mention", 15), ("mentions", 11)]


def test_mentions_table_offsets_slice_the_document(graph: Graph, projection: nx.MultiDiGraph) -> None:
    mentions = _read(to_tables(graph, projection), "mentions.parquet")
    for row in mentions.iter_rows(named=True):
        assert PAPER[row["paper_id"]].document[row["start"]:row["end"]] == row["text"]
        assert row["paper_iri"] == str(PAPER[row["paper_id"]].iri)
    gpus = mentions.filter(pl.col("text") == "GPUs").row(0, named=True)
    assert gpus["concept_iri"] is None and gpus["concept_label"] is None
    assert gpus["extractor"] == "spacy-ner" and gpus["score"] == pytest.approx(0.62) and gpus["label"] == "HARDWARE"
    v1 = mentions.filter(pl.col("text") == "V1").row(0, named=True)
    assert v1["concept_label"] == "primary visual cortex" and v1["extractor"] == "gazetteer"
    assert mentions["paper_id"].to_list() == sorted(mentions["paper_id"].to_list())


def test_empty_tables_still_have_their_columns() -> None:
    tables = to_tables(Graph(), nx.MultiDiGraph())
    for name, schema in (("nodes.parquet", NODE_SCHEMA), ("edges.parquet", EDGE_SCHEMA),
                         ("mentions.parquet", MENTION_SCHEMA)):
        frame = _read(tables, name)
        assert frame.height == 0 and frame.schema == schema


# --------------------------------------------------------------------------- HTML


class _Tags(HTMLParser):
    """Records start tags (with attributes) and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def _data(page: str) -> dict:
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert match
    return json.loads(match.group(1))


def test_html_is_self_contained(projection: nx.MultiDiGraph) -> None:
    page = to_html(projection, title="Fixture")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"<script[^>]*\ssrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert "sourceMappingURL" not in page and "node_modules" not in page
    parsed = _parse(page)
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert scripts == [{"id": "kg-data", "type": "application/json"}, {}, {}]  # data, vis-network, ours
    assert "var network" in parsed.scripts[2]  # the global pyvis users expect
    assert "vis-network" in page and "Content-Security-Policy" in page


def test_html_data_describes_the_projection(projection: nx.MultiDiGraph) -> None:
    data = _data(to_html(projection, title="Fixture"))
    assert len(data["nodes"]) == 15 and len(data["edges"]) == 34
    assert data["physics"] is True and all("x" not in n for n in data["nodes"])
    by_label = {n["label"]: n for n in data["nodes"]}
    assert by_label["Loihi"]["group"] == "HARDWARE" and by_label["hippocampus"]["group"] == "BRAIN_REGION"
    assert by_label["Jane Doe"]["group"] == "author"
    assert by_label["STDP learning on Loihi for hippocampal…"]["tip"].startswith(
        "STDP learning on Loihi for hippocampal place cells\n2021 · Neural Computation")
    assert {item["group"] for item in data["legend"]} == {"paper", "author", "METHOD", "DATASET", "BRAIN_REGION",
                                                          "HARDWARE"}
    assert {t["type"]: t["count"] for t in data["edge_types"]} == {
        "mentions": 11, "cites": 3, "authored": 4, "co_mention": 15, "co_author": 1}
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])


HOSTILE = [
    "<script>alert(1)</script>",
    "</script><img src=x onerror=alert(2)>",
    "<!-- <script> -->",
    "Tom & Jerry \u2028 line\u2029 \"quoted\" 'single' </style>",
]


def test_hostile_text_stays_inert_text(projection: nx.MultiDiGraph) -> None:
    benign, hostile = projection.copy(), projection.copy()
    for i, text in enumerate(HOSTILE):
        for g, value in ((benign, f"harmless {i}"), (hostile, text)):
            g.add_node(f"https://w3id.org/neurokg/id/paper/id/h{i}", kind="paper", label=value, title=value,
                       authors=[value], venue=value, year=2020, is_stub=False, mention_count=0)
    page = to_html(hostile, title=HOSTILE[0])
    assert [t for t, _ in _parse(page).tags] == [t for t, _ in _parse(to_html(benign, title="x")).tags]
    for text in HOSTILE[:3]:
        assert text not in page
    assert "<img" not in page and "\u2028" not in page.split('id="kg-data"')[1].split("</script>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the escaped title
    tips = "\n".join(n["tip"] for n in _data(page)["nodes"])
    for text in HOSTILE:
        assert " ".join(text.split()) in tips  # the data still carries the exact text


def test_script_json_escapes_everything_that_could_end_a_script() -> None:
    text = script_json({"a": "</script><!--&\u2028\u2029"})
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029"}


def test_large_graphs_get_positions_and_no_physics(projection: nx.MultiDiGraph) -> None:
    data = _data(to_html(projection, layout_threshold=5))
    assert data["physics"] is False
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    assert to_html(projection, layout_threshold=5) == to_html(projection, layout_threshold=5)  # seeded


def test_layout_of_many_concepts_places_every_node() -> None:
    g = nx.MultiDiGraph()
    for i in range(600):  # past the spring layout's limit: one wedge per entity type
        g.add_node(f"c{i}", kind="concept", entity_type=["METHOD", "DATASET"][i % 2], paper_count=i % 7)
    for j in range(900):
        g.add_node(f"p{j}", kind="paper")
        g.add_edge(f"p{j}", f"c{j % 600}", key="mentions", type="mentions", weight=1)
    g.add_node("lonely", kind="paper")
    positions = compute_positions(g)
    assert set(positions) == set(g)
    assert len({(round(x), round(y)) for x, y in positions.values()}) > 1000


# --------------------------------------------------------------------------- registry, export_all, write


def test_exporters_registry_names_and_files(graph: Graph, projection: nx.MultiDiGraph) -> None:
    assert set(EXPORTERS) == {"turtle", "ntriples", "jsonld", "graphml", "tables", "html", "csv", "gexf", "vosviewer"}
    assert DEFAULT_FORMATS == tuple(EXPORTERS)
    inp = ExportInput(graph, title="t", projector=lambda _: projection)
    files = {name: sorted(EXPORTERS[name](inp)) for name in EXPORTERS}
    assert files == {
        "turtle": ["graph.ttl"], "ntriples": ["graph.nt"], "jsonld": ["graph.jsonld"],
        "graphml": ["graph.graphml"], "tables": ["edges.parquet", "mentions.parquet", "nodes.parquet"],
        "html": ["citations.html", "concepts.html", "graph.html", "index.html"],
        "csv": ["edges.csv", "mentions.csv", "nodes.csv"], "gexf": ["graph.gexf"], "vosviewer": ["vosviewer.json"],
    }


def test_projection_is_computed_once_and_only_when_needed(graph: Graph, projection: nx.MultiDiGraph) -> None:
    calls: list[Graph] = []

    def projector(g: Graph) -> nx.MultiDiGraph:
        calls.append(g)
        return projection

    inp = ExportInput(graph, projector=projector)
    EXPORTERS["turtle"](inp)
    assert calls == []
    EXPORTERS["graphml"](inp)
    EXPORTERS["html"](inp)
    assert calls == [graph]


def test_export_all_writes_every_default_file(graph: Graph, projection: nx.MultiDiGraph, tmp_path: Path) -> None:
    written = export_all(graph, tmp_path / "out", title="Fixture", projection=projection)
    names = ["graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "nodes.parquet", "edges.parquet",
             "mentions.parquet", "graph.html", "citations.html", "concepts.html", "index.html",
             "nodes.csv", "edges.csv", "mentions.csv", "graph.gexf", "vosviewer.json"]
    assert sorted(written) == sorted(names)
    for name in names:
        assert written[name] == tmp_path / "out" / name and written[name].stat().st_size > 0
    assert isomorphic(Graph().parse(written["graph.ttl"], format="turtle"), graph)
    assert "<title>Fixture</title>" in written["graph.html"].read_text(encoding="utf-8")
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_export_all_accepts_one_format_as_a_string(graph: Graph, tmp_path: Path) -> None:
    assert list(export_all(graph, tmp_path, formats="turtle")) == ["graph.ttl"]


def test_unknown_format_is_rejected_before_anything_is_written(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"unknown format 'pdf'; choose from csv, gexf, graphml, html, jsonld"):
        export_all(graph, tmp_path / "out", formats=["turtle", "pdf"])
    assert not (tmp_path / "out").exists()


def test_write_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    assert write("old", target) == target
    assert write(b"new bytes", target).read_bytes() == b"new bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "graph.ttl"
    target.write_text("old")

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(ExportError, match="cannot write .*graph.ttl: No space left on device"):
        write("new " * 1000, target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_interrupted_write_leaves_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write("data", tmp_path / "graph.ttl")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_destination_is_an_export_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(ExportError, match="choose a writable directory"):
        write("x", blocker / "graph.ttl")
    with pytest.raises(ExportError):
        export_all(Graph(), blocker / "out", formats=["ntriples"])


def test_exporters_do_not_change_the_graph(graph: Graph, projection: nx.MultiDiGraph) -> None:
    before = sorted(graph)
    inp = ExportInput(graph, projector=lambda _: projection)
    for exporter in EXPORTERS.values():
        exporter(inp)
    assert sorted(graph) == before
    assert (URIRef(P4), DCTERMS.title, Literal(PAPERS[3].title)) in graph


# --------------------------------------------------------------------------- the fixture follows the contract


def test_fixture_graph_conforms_to_the_shapes(graph: Graph) -> None:
    validate = pytest.importorskip("kg.validate").validate
    validate(graph)  # raises ValidationError with a report otherwise


def test_fixture_projection_is_what_kg_projection_makes(graph: Graph, projection: nx.MultiDiGraph) -> None:
    project = pytest.importorskip("kg.projection").project
    made = project(graph)
    assert dict(made.nodes(data=True)) == dict(projection.nodes(data=True))
    assert sorted(made.edges(keys=True, data=True), key=str) == sorted(projection.edges(keys=True, data=True), key=str)
