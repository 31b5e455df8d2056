"""``kg stats``: counts per entity type, top concepts and papers without mentions on the fixture."""

from __future__ import annotations

import time

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.stats import Stats, TopConcept, compute_stats, format_stats
from kg.vocab import KG
from tests.graph_fixture import CONCEPT, TYPED_PREDICATE, build_graph


@pytest.fixture(scope="module")
def stats() -> Stats:
    return compute_stats(build_graph(), top=10)


def test_paper_author_mention_and_citation_counts(stats: Stats) -> None:
    assert (stats.papers, stats.stub_papers, stats.authors) == (4, 1, 2)
    assert (stats.mentions, stats.linked_mentions, stats.citations) == (20, 19, 3)
    assert stats.triples == len(build_graph())


def test_counts_per_entity_type(stats: Stats) -> None:
    assert {name: (row.mentions, row.concepts, row.edges) for name, row in stats.by_type.items()} == {
        "METHOD": (6, 2, 3),
        "DATASET": (2, 2, 2),
        "BRAIN_REGION": (4, 2, 3),
        "HARDWARE": (8, 2, 3),  # 7 linked Loihi/SpiNNaker mentions + the unlinked "GPUs"
    }


def test_top_concepts_by_paper_count(stats: Stats) -> None:
    hardware = stats.by_type["HARDWARE"].top
    assert hardware == (
        TopConcept(str(CONCEPT["hardware/loihi"].iri), "Loihi", 2, 5),
        TopConcept(str(CONCEPT["hardware/spinnaker"].iri), "SpiNNaker", 1, 2),
    )
    assert [(t.label, t.papers, t.mentions) for t in stats.by_type["BRAIN_REGION"].top] == [
        ("hippocampus", 2, 2), ("primary visual cortex", 1, 2)]
    assert [t.label for t in compute_stats(build_graph(), top=1).by_type["METHOD"].top] == [
        "spike-timing-dependent plasticity"]


def test_papers_without_mentions_exclude_stubs(stats: Stats) -> None:
    assert stats.papers_without_mentions == (("id:W4", "A review of brain-inspired computing"),)


def test_format_stats(stats: Stats) -> None:
    text = format_stats(stats)
    assert "Papers:    4 (+1 outside the corpus)" in text
    assert "Mentions:  20 (19 linked to a concept)" in text
    assert text.splitlines()[7].split() == ["METHOD", "6", "2", "3"]
    assert "Loihi" in text and "2 papers" in text and "1 paper " in text
    assert text.rstrip().endswith("id:W4  A review of brain-inspired computing")


def test_format_stats_lists_at_most_limit_papers_without_mentions() -> None:
    g = Graph()
    for i in range(5):
        paper = URIRef(f"https://w3id.org/neurokg/id/paper/id/{i}")
        g.add((paper, RDF.type, KG.Paper))
        g.add((paper, DCTERMS.identifier, Literal(f"id:{i}")))
        g.add((paper, DCTERMS.title, Literal(f"Paper {i}")))
    text = format_stats(compute_stats(g), limit=2)
    assert "id:0  Paper 0" in text and "id:1  Paper 1" in text and "id:2" not in text
    assert "… and 3 more" in text


def test_empty_graph() -> None:
    empty = compute_stats(Graph())
    assert (empty.papers, empty.mentions, empty.citations, empty.papers_without_mentions) == (0, 0, 0, ())
    assert all(row.top == () for row in empty.by_type.values())
    assert "(none)" in format_stats(empty)


def test_stats_scale_linearly() -> None:
    # 2,000 papers x 3 concept links and 3 mentions each: well under a second.
    g = Graph()
    concepts = [URIRef(f"https://w3id.org/neurokg/id/concept/method/m{i}") for i in range(200)]
    for c in concepts:
        g.add((c, RDF.type, KG.Method))
    for i in range(2000):
        paper = URIRef(f"https://w3id.org/neurokg/id/paper/id/{i}")
        g.add((paper, RDF.type, KG.Paper))
        g.add((paper, KG.isStub, Literal(False)))
        g.add((paper, DCTERMS.issued, Literal("2020", datatype=XSD.gYear)))
        for j in range(3):
            concept = concepts[(i * 7 + j) % 200]
            mention = URIRef(f"https://w3id.org/neurokg/id/mention/id/{i}/{j}-{j + 1}")
            g.add((paper, TYPED_PREDICATE[CONCEPT["method/stdp"].type], concept))
            g.add((mention, RDF.type, KG.Mention))
            g.add((mention, KG.inPaper, paper))
            g.add((mention, KG.denotes, concept))
            g.add((mention, KG.entityType, Literal("METHOD")))
    started = time.perf_counter()
    result = compute_stats(g)
    elapsed = time.perf_counter() - started
    assert result.papers == 2000 and result.mentions == 6000 and result.by_type["METHOD"].edges == 6000
    assert result.by_type["METHOD"].top[0].papers == 30
    assert elapsed < 5.0, f"compute_stats took {elapsed:.1f} s for 2,000 papers"
