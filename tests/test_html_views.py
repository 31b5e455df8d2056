"""The three HTML views' data: citation graph, concept map, side-panel records, index page."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from rdflib import Graph

from kg.errors import ExportError
from kg.export.html import to_html, to_index_html, to_views
from kg.export.views import (
    citation_graph,
    communities,
    concept_map,
    concept_records,
    highlight_segments,
    paper_links,
    paper_records,
    view_graph,
)
from tests.graph_fixture import BASE, build_graph, build_projection

P1 = f"{BASE}paper/doi/10.1000%2Fp1"
P2 = f"{BASE}paper/arxiv/2101.00001"
LOIHI = f"{BASE}concept/hardware/loihi"
STDP = f"{BASE}concept/method/stdp"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph()


@pytest.fixture(scope="module")
def projection() -> nx.MultiDiGraph:
    return build_projection()


def _data(page: str) -> dict:
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.DOTALL)
    assert match
    return json.loads(match.group(1))


def test_fixture_iris_are_what_the_tests_expect(projection: nx.MultiDiGraph) -> None:
    assert {P1, P2, LOIHI, STDP} <= set(projection)


def test_citation_graph_keeps_papers_and_citations_only(projection: nx.MultiDiGraph) -> None:
    cites = citation_graph(projection)
    assert {a["kind"] for _, a in cites.nodes(data=True)} == {"paper"}
    assert cites.number_of_nodes() == 5  # four corpus papers and the stub
    assert {a["type"] for _, _, a in cites.edges(data=True)} == {"cites"} and cites.number_of_edges() == 3
    assert cites.nodes[P1]["citations"] == 2 and cites.nodes[P2]["citations"] == 0
    # P1, P2, P3 and the stub are linked; the paper nobody cites is a community of its own.
    linked = {cites.nodes[n]["community"] for n in cites if cites.degree(n)}
    lonely = {cites.nodes[n]["community"] for n in cites if not cites.degree(n)}
    assert not linked & lonely


def test_concept_map_keeps_concepts_and_co_mentions(projection: nx.MultiDiGraph) -> None:
    concepts = concept_map(projection)
    assert concepts.number_of_nodes() == 8
    assert {a["type"] for _, _, a in concepts.edges(data=True)} == {"co_mention"}
    assert concepts.number_of_edges() == 15
    assert all(isinstance(a["community"], int) for _, a in concepts.nodes(data=True))


def test_communities_are_louvain_numbered_by_size_and_seeded() -> None:
    g = nx.MultiDiGraph()
    for clique, size in (("a", 5), ("b", 3)):
        members = [f"{clique}{i}" for i in range(size)]
        g.add_edges_from((u, v, {"weight": 3}) for i, u in enumerate(members) for v in members[i + 1:])
    g.add_edge("a0", "b0", weight=1)
    g.add_node("alone")
    found = communities(g, seed=1)
    assert {found[f"a{i}"] for i in range(5)} == {0} and {found[f"b{i}"] for i in range(3)} == {1}
    assert found["alone"] == 2
    assert communities(g, seed=1) == found


def test_unknown_view_is_a_clear_error(projection: nx.MultiDiGraph) -> None:
    with pytest.raises(ExportError, match=r"unknown view 'map'; choose from graph, citations, concepts"):
        view_graph(projection, "map")
    with pytest.raises(ExportError, match="unknown view"):
        to_html(projection, view="map")


def test_highlight_segments_cover_the_text_and_drop_bad_spans() -> None:
    doc = "Title\n\nLoihi runs STDP on Loihi."
    spans = [(7, 12, "c:loihi"), (18, 22, "c:stdp"), (19, 21, "c:overlap"), (40, 45, "c:past-end"),
             (0, 5, "c:title"), (26, 31, "")]
    pieces = highlight_segments(doc, spans, start=7)
    assert "".join(text for text, _ in pieces) == doc[7:]
    assert [p for p in pieces if p[1] is not None] == [["Loihi", "c:loihi"], ["STDP", "c:stdp"], ["Loihi", ""]]


def test_paper_record_highlights_mentions_from_the_rdf_offsets(projection: nx.MultiDiGraph, graph: Graph) -> None:
    record = paper_records(projection, graph)[P2]
    assert record["title"].startswith("Surrogate gradient training") and record["year"] == 2022
    assert record["venue"] == "NeurIPS" and record["authors"] == ["Wei Zhang"]
    assert record["links"] == [("arXiv", "https://arxiv.org/abs/2101.00001")]
    marked = [text for text, concept in record["abstract"] if concept is not None]
    # Title mentions ("SpiNNaker", "Loihi" in the title) are not part of the abstract.
    assert marked == ["surrogate gradients", "SpiNNaker", "Loihi", "Spiking Heidelberg Digits", "N-MNIST", "GPUs"]
    assert "".join(text for text, _ in record["abstract"]) == projection.nodes[P2]["abstract"]
    assert dict((t, c) for t, c in record["abstract"] if c is not None)["GPUs"] == ""  # unlinked
    assert LOIHI in record["concepts"]


def test_paper_record_without_the_rdf_graph_is_plain(projection: nx.MultiDiGraph) -> None:
    record = paper_records(projection)[P2]
    assert record["abstract"] == [[projection.nodes[P2]["abstract"], None]]


def test_mentions_whose_text_does_not_match_are_left_plain(projection: nx.MultiDiGraph, graph: Graph) -> None:
    changed = projection.copy()
    changed.nodes[P2]["abstract"] = "Something else entirely, longer than the original abstract was. " * 3
    record = paper_records(changed, graph)[P2]
    assert all(concept is None for _, concept in record["abstract"])


def test_paper_links_are_https_and_quoted() -> None:
    assert paper_links(doi="10.1000/a b<c>", s2_id="ab/../c?x") == [
        ("DOI", "https://doi.org/10.1000/a%20b%3Cc%3E"),
        ("Semantic Scholar", "https://www.semanticscholar.org/paper/ab%2F..%2Fc%3Fx")]
    assert paper_links() == []


def test_concept_records_carry_synonyms_and_papers(projection: nx.MultiDiGraph, graph: Graph) -> None:
    records = concept_records(projection, graph)
    assert records[STDP]["synonyms"] == ["STDP"] and records[STDP]["type"] == "METHOD"
    assert records[LOIHI]["papers"] == [P2, P1]  # newest first
    assert concept_records(projection)[STDP]["synonyms"] == []


def test_every_view_page_carries_its_graph_and_records(projection: nx.MultiDiGraph, graph: Graph) -> None:
    pages = to_views(projection, title="Fixture", graph=graph)
    assert sorted(pages) == ["citations.html", "concepts.html", "graph.html", "index.html"]
    cites, concepts, full = (_data(pages[n]) for n in ("citations.html", "concepts.html", "graph.html"))
    assert (cites["view"], len(cites["nodes"]), len(cites["edges"])) == ("citations", 5, 3)
    assert (concepts["view"], len(concepts["nodes"]), len(concepts["edges"])) == ("concepts", 8, 15)
    assert (full["view"], len(full["nodes"]), len(full["edges"])) == ("graph", 15, 34)
    assert {t["type"] for t in cites["types"]} == {"paper", "stub"} and cites["years"] == [1997, 2022]
    assert concepts["years"] is None and all(n["shape"] in ("diamond", "square") for n in concepts["nodes"])
    assert {n["group"] for n in concepts["nodes"]} <= {item["group"] for item in concepts["legend"]}
    by_ref = {n["ref"]: n for n in cites["nodes"]}
    assert by_ref[P1]["support"] == 2 and by_ref[P1]["size"] > by_ref[P2]["size"]
    assert {n["ref"]: n["support"] for n in concepts["nodes"]}[LOIHI] == 2
    assert STDP in full["concepts"] and P1 in full["papers"]
    # Pages written together link each other; a page written alone links nothing missing.
    assert 'href="citations.html"' in pages["graph.html"] and 'href="index.html"' in pages["concepts.html"]
    assert "href=" not in to_html(projection, view="citations").split("<body", 1)[1].split("<script", 1)[0]


def test_index_page_links_the_three_views_and_escapes_the_title(projection: nx.MultiDiGraph) -> None:
    page = to_index_html(projection, title="<b>x</b>")
    assert re.findall(r'href="([^"]+)"', page) == ["graph.html", "citations.html", "concepts.html"]
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script" not in page and "Content-Security-Policy" in page


def test_big_derived_views_get_positions_and_no_physics(projection: nx.MultiDiGraph) -> None:
    for view in ("citations", "concepts"):
        data = _data(to_html(projection, view=view, layout_threshold=2))
        assert data["physics"] is False
        points = {(n["x"], n["y"]) for n in data["nodes"]}
        assert len(points) == len(data["nodes"])  # nobody on top of anybody


def test_export_writes_one_view_from_the_cli(graph: Graph, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from kg.cli import cli

    saved = tmp_path / "graph.ttl"
    graph.serialize(saved, format="turtle")
    result = CliRunner().invoke(cli, ["export", str(saved), "--view", "citations", "-o", str(tmp_path / "v")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "v").iterdir()) == ["citations.html"]
    assert _data((tmp_path / "v" / "citations.html").read_text(encoding="utf-8"))["view"] == "citations"
    missing = CliRunner().invoke(cli, ["export", str(saved), "-o", str(tmp_path / "w")])
    assert missing.exit_code != 0 and "--format NAME or --view NAME" in missing.output
    bad = CliRunner().invoke(cli, ["export", str(saved), "--view", "map"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_export_views_rejects_an_unknown_view_before_writing(graph: Graph, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kg.export import export_views

    with pytest.raises(ExportError, match="unknown view 'map'"):
        export_views(graph, tmp_path / "out", views=["graph", "map"])
    assert not (tmp_path / "out").exists()


def test_big_graphs_draw_a_limited_number_of_edges(projection: nx.MultiDiGraph, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kg.export.html as html_module

    assert _data(to_html(projection))["edge_limit"] is None  # small: every edge, physics on
    monkeypatch.setattr(html_module, "EDGE_LIMIT", 10)
    assert _data(to_html(projection, layout_threshold=5))["edge_limit"] == 10
    assert _data(to_html(projection))["edge_limit"] is None  # physics on: vis copes with few edges
