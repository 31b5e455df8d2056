"""GEXF, CSV tables and the VOSviewer map: readable by their tools, the same IRIs everywhere."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import polars as pl
import pytest
from rdflib import Graph

from kg.export import EXPORTERS, ExportInput, export_all, to_csv_tables, to_gexf, to_tables, to_vosviewer
from tests.graph_fixture import build_graph, build_projection


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph()


@pytest.fixture(scope="module")
def projection() -> nx.MultiDiGraph:
    return build_projection()


def test_gexf_reads_back_with_the_same_nodes_edges_and_labels(projection: nx.MultiDiGraph) -> None:
    back = nx.read_gexf(io.BytesIO(to_gexf(projection).encode("utf-8")))
    assert set(back.nodes) == {str(n) for n in projection.nodes}
    assert back.number_of_edges() == projection.number_of_edges()
    some_paper = next(n for n, a in projection.nodes(data=True) if a["kind"] == "paper" and a.get("authors"))
    assert back.nodes[str(some_paper)]["label"] == projection.nodes[some_paper]["label"]
    assert back.nodes[str(some_paper)]["authors"] == "; ".join(projection.nodes[some_paper]["authors"])
    weights = sorted(d["weight"] for *_, d in back.edges(data=True))
    assert weights == sorted(float(d["weight"]) for *_, d in projection.edges(data=True))


def test_gexf_drops_none_and_control_characters() -> None:
    g = nx.MultiDiGraph()
    g.add_node("https://x/a", label="A\x01B", year=None, kind="paper")
    g.add_node("https://x/b", label="B", kind="paper")
    g.add_edge("https://x/a", "https://x/b", key="cites", type="cites", weight=1)
    g.add_edge("https://x/a", "https://x/b", key="co_mention", type="co_mention", weight=2)
    text = to_gexf(g)
    back = nx.read_gexf(io.BytesIO(text.encode()))
    assert back.nodes["https://x/a"]["label"] == "AB" and "year" not in back.nodes["https://x/a"]
    assert back.number_of_edges() == 2


def test_csv_tables_have_the_parquet_rows(graph: Graph, projection: nx.MultiDiGraph) -> None:
    csv_tables, parquet = to_csv_tables(graph, projection), to_tables(graph, projection)
    assert set(csv_tables) == {"nodes.csv", "edges.csv", "mentions.csv"}
    for name in ("nodes", "edges", "mentions"):
        from_csv = pl.read_csv(io.StringIO(csv_tables[f"{name}.csv"]), infer_schema=False)
        from_parquet = pl.read_parquet(io.BytesIO(parquet[f"{name}.parquet"]))
        assert from_csv.columns == from_parquet.columns
        assert from_csv.height == from_parquet.height > 0
        assert from_csv["iri" if name == "nodes" else "source" if name == "edges" else "paper_iri"].to_list() == \
            from_parquet["iri" if name == "nodes" else "source" if name == "edges" else "paper_iri"].to_list()
    nodes = pl.read_csv(io.StringIO(csv_tables["nodes.csv"]), infer_schema=False)
    with_authors = nodes.filter(pl.col("authors").is_not_null())["authors"].to_list()
    assert with_authors and all("[" not in a for a in with_authors)


def test_empty_csv_tables_keep_their_header() -> None:
    tables = to_csv_tables(Graph(), nx.MultiDiGraph())
    assert tables["nodes.csv"].splitlines()[0].startswith("iri,kind,label")


def test_vosviewer_map_items_links_and_clusters(projection: nx.MultiDiGraph) -> None:
    doc = json.loads(to_vosviewer(projection))
    items, links = doc["network"]["items"], doc["network"]["links"]
    concepts = {str(n) for n, a in projection.nodes(data=True) if a["kind"] == "concept"}
    assert {item["id"] for item in items} == concepts
    co = {(str(u), str(v)): d["weight"] for u, v, d in projection.edges(data=True) if d["type"] == "co_mention"}
    assert {(link["source_id"], link["target_id"]): link["strength"] for link in links} == \
        {tuple(sorted(k)): w for k, w in co.items()}
    for item in items:
        assert set(item) >= {"id", "label", "cluster", "weights"}
        assert isinstance(item["cluster"], int) and item["cluster"] >= 1
        assert item["weights"]["Papers"] == projection.nodes[item["id"]]["paper_count"]
    linked = {i for link in links for i in (link["source_id"], link["target_id"])}
    cluster = {item["id"]: item["cluster"] for item in items}
    for link in links:  # a pair of linked concepts that share no other tie lands in one community
        others = [lk for lk in links if lk is not link and {lk["source_id"], lk["target_id"]} &
                  {link["source_id"], link["target_id"]}]
        if not others:
            assert cluster[link["source_id"]] == cluster[link["target_id"]]
    assert linked <= concepts
    assert to_vosviewer(projection) == to_vosviewer(projection)  # seeded: deterministic


def test_vosviewer_of_an_empty_graph_is_an_empty_map() -> None:
    assert json.loads(to_vosviewer(nx.MultiDiGraph()))["network"] == {"items": [], "links": []}


def test_the_same_iris_in_every_format(graph: Graph, projection: nx.MultiDiGraph, tmp_path: Path) -> None:
    written = export_all(graph, tmp_path, formats=["ntriples", "graphml", "gexf", "csv", "vosviewer"],
                         projection=projection)
    rdf_iris = {str(s) for s in Graph().parse(written["graph.nt"], format="nt").subjects()}
    graphml = set(nx.read_graphml(written["graph.graphml"]).nodes)
    gexf = set(nx.read_gexf(written["graph.gexf"]).nodes)
    csv_nodes = set(pl.read_csv(written["nodes.csv"], infer_schema=False)["iri"].to_list())
    vos = {item["id"] for item in json.loads(written["vosviewer.json"].read_text())["network"]["items"]}
    assert graphml == gexf == csv_nodes
    assert graphml <= rdf_iris and vos <= graphml and vos


def test_formats_are_registered() -> None:
    inp = ExportInput(Graph(), projector=lambda _: nx.MultiDiGraph())
    assert sorted(EXPORTERS["gexf"](inp)) == ["graph.gexf"]
    assert sorted(EXPORTERS["vosviewer"](inp)) == ["vosviewer.json"]
    assert sorted(EXPORTERS["csv"](inp)) == ["edges.csv", "mentions.csv", "nodes.csv"]
