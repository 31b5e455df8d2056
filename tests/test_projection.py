"""kg.projection: the NetworkX projection and graph_summary, per docs/data-model.md."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.ids import DEFAULT_BASE_IRI, concept_iri, paper_iri
from kg.models import Concept, ConceptId, Corpus, EntityType, Mention, Paper, PaperId
from kg.projection import graph_summary, project
from kg.rdf import to_rdf
from kg.vocab import CITO, KG
from tests.model_corpus import (
    HIPPOCAMPUS,
    LOIHI,
    MINTED,
    MNIST,
    P_ARXIV,
    P_DOI,
    P_LOCAL,
    P_STUB,
    SNN,
    small_corpus,
)

BASE = DEFAULT_BASE_IRI


def p(paper: Paper) -> str:
    return paper_iri(BASE, paper.id)


def c(concept: Concept) -> str:
    return concept_iri(BASE, concept.id)


@pytest.fixture(scope="module")
def rdf() -> Graph:
    return to_rdf(small_corpus())


@pytest.fixture(scope="module")
def g(rdf: Graph) -> nx.MultiDiGraph:
    return project(rdf)


def edges(g: nx.MultiDiGraph, kind: str) -> dict[tuple[str, str], dict[str, object]]:
    return {(u, v): data for u, v, key, data in g.edges(keys=True, data=True) if key == kind}


def test_nodes_are_papers_concepts_and_authors_only(g: nx.MultiDiGraph) -> None:
    kinds = Counter(kind for _, kind in g.nodes(data="kind"))
    assert kinds == {"paper": 4, "concept": 5, "author": 3}
    assert all(isinstance(node, str) and node.startswith(BASE) for node in g.nodes)


def test_no_literal_becomes_a_node(rdf: Graph, g: nx.MultiDiGraph) -> None:
    literals = {str(o) for o in rdf.objects() if isinstance(o, Literal)}
    assert not literals & set(g.nodes)


def test_edge_counts_by_type(g: nx.MultiDiGraph) -> None:
    counts = Counter(key for _, _, key in g.edges(keys=True))
    # mentions: P_DOI -> SNN, Loihi, hippocampus; P_ARXIV -> minted, MNIST, SNN
    # co_mention: 3 pairs per paper, none shared; authored: 2 + 2; co_author: 1 pair per paper; cites: 3
    assert counts == {"mentions": 6, "co_mention": 6, "authored": 4, "co_author": 2, "cites": 3}
    assert all(data["type"] == key for _, _, key, data in g.edges(keys=True, data=True))


def test_paper_attributes_are_typed_as_documented(g: nx.MultiDiGraph) -> None:
    doi = g.nodes[p(P_DOI)]
    assert doi["kind"] == "paper" and doi["label"] == doi["title"] == P_DOI.title
    assert doi["year"] == 2016 and isinstance(doi["year"], int)
    assert doi["date"] == "2016-03-01"
    assert doi["doi"] == "10.1038/nn.4238" and doi["arxiv"] is None
    assert doi["abstract"] == P_DOI.abstract
    assert doi["venue"] == "Nature Neuroscience"
    assert doi["authors"] == ["Jane Doe", "\u00c9mile Zola"]
    assert doi["is_stub"] is False
    assert doi["mention_count"] == 4
    arxiv = g.nodes[p(P_ARXIV)]
    assert arxiv["arxiv"] == "2101.00001" and arxiv["date"] == "2021-01"
    assert arxiv["mention_count"] == 5  # the unlinked mention counts too
    local = g.nodes[p(P_LOCAL)]
    assert local["year"] is None and local["authors"] == [] and local["venue"] is None
    stub = g.nodes[p(P_STUB)]
    assert stub["is_stub"] is True and stub["mention_count"] == 0 and stub["abstract"] is None


def test_concept_attributes_are_typed_as_documented(g: nx.MultiDiGraph) -> None:
    region = g.nodes[c(HIPPOCAMPUS)]
    assert region == {
        "kind": "concept",
        "label": "hippocampus",
        "entity_type": "BRAIN_REGION",
        "notation": "MBA:1080; UBERON:0002421",
        "exact_match": "http://purl.obolibrary.org/obo/UBERON_0002421",
        "in_vocabulary": True,
        "paper_count": 1,
    }
    assert g.nodes[c(SNN)]["paper_count"] == 2
    minted = g.nodes[c(MINTED)]
    assert minted["in_vocabulary"] is False and minted["notation"] is None
    assert {g.nodes[c(x)]["entity_type"] for x in (SNN, LOIHI, HIPPOCAMPUS, MNIST)} == {
        t.value for t in EntityType
    }


def test_author_attributes(g: nx.MultiDiGraph) -> None:
    jane = g.nodes[f"{BASE}author/s2/2262347"]
    assert jane == {"kind": "author", "label": "Jane Doe", "s2_id": "2262347"}
    assert g.nodes[f"{BASE}author/ada-lovelace"] == {"kind": "author", "label": "Ada Lovelace"}


def test_mentions_edges_count_mentions_and_keep_the_typed_predicate(g: nx.MultiDiGraph) -> None:
    mentions = edges(g, "mentions")
    assert mentions[p(P_DOI), c(LOIHI)] == {
        "type": "mentions",
        "weight": 2,
        "predicate": str(KG.usesHardware),
    }
    assert mentions[p(P_DOI), c(HIPPOCAMPUS)]["predicate"] == str(KG.studiesRegion)
    assert mentions[p(P_ARXIV), c(MNIST)]["weight"] == 2
    assert mentions[p(P_ARXIV), c(SNN)] == {
        "type": "mentions",
        "weight": 1,
        "predicate": str(KG.usesMethod),
    }


def test_co_mentions_are_unique_ordered_pairs_weighted_by_papers() -> None:
    a, b, x = (
        Concept(id=ConceptId(f"method/{n}"), type=EntityType.METHOD, label=n, scheme="s")
        for n in "abx"
    )
    papers, mentions = [], []
    for n, concepts in enumerate([(a, b), (b, a, x), (a, b), (x,)]):
        pid = PaperId(f"id:{n}")
        text = " ".join(k.label for k in concepts)
        papers.append(Paper(id=pid, title=text))
        for k in concepts:
            start = text.index(k.label)
            mentions.append(Mention(pid, start, start + 1, k.label, EntityType.METHOD, k.id))
    g = project(to_rdf(Corpus(papers=tuple(papers), mentions=tuple(mentions), concepts=(a, b, x))))
    co = edges(g, "co_mention")
    assert {pair: data["weight"] for pair, data in co.items()} == {
        (c(a), c(b)): 3,
        (c(a), c(x)): 1,
        (c(b), c(x)): 1,
    }
    for (u, v), data in co.items():
        assert u < v and data == {"type": "co_mention", "weight": data["weight"]}
        assert not g.has_edge(v, u, key="co_mention")


def test_authored_and_cites_edges(g: nx.MultiDiGraph) -> None:
    authored = edges(g, "authored")
    assert (f"{BASE}author/s2/2262347", p(P_ARXIV)) in authored
    assert all(data == {"type": "authored", "weight": 1} for data in authored.values())
    cites = edges(g, "cites")
    assert cites[p(P_DOI), p(P_STUB)] == {
        "type": "cites",
        "weight": 1,
        "intents": "obtainsBackgroundFrom; usesMethodIn",
        "is_influential": True,
    }
    assert cites[p(P_ARXIV), p(P_DOI)]["intents"] == "citesAsEvidence"
    assert cites[p(P_ARXIV), p(P_DOI)]["is_influential"] is False
    # Nothing known about the citation beyond the link: no empty or None attributes.
    assert cites[p(P_LOCAL), p(P_DOI)] == {"type": "cites", "weight": 1}


def test_attribute_values_are_plain_python_types(g: nx.MultiDiGraph) -> None:
    allowed = (str, int, float, bool, list, type(None))
    for _, data in g.nodes(data=True):
        assert all(isinstance(v, allowed) for v in data.values()), data
        assert isinstance(data["label"], str)
    for _, _, data in g.edges(data=True):
        assert all(isinstance(v, allowed) and not isinstance(v, list) for v in data.values()), data


def test_projection_of_the_parsed_turtle_is_the_same(rdf: Graph, g: nx.MultiDiGraph) -> None:
    parsed = Graph().parse(data=rdf.serialize(format="turtle"), format="turtle")
    again = project(parsed)
    assert dict(again.nodes(data=True)) == dict(g.nodes(data=True))
    assert sorted(again.edges(keys=True, data=True)) == sorted(g.edges(keys=True, data=True))


def test_hand_made_graph_without_mention_resources_or_with_dangling_links() -> None:
    rdf = Graph()
    paper = URIRef(f"{BASE}paper/id/1")
    concept = URIRef(f"{BASE}concept/method/x")
    rdf.add((paper, RDF.type, KG.Paper))
    rdf.add((paper, DCTERMS.title, Literal("T")))
    rdf.add((concept, RDF.type, SKOS.Concept))
    rdf.add((concept, RDF.type, KG.Method))
    rdf.add((paper, KG.usesMethod, concept))  # no kg:mentions super-property, no kg:Mention
    rdf.add((paper, CITO.cites, URIRef(f"{BASE}paper/id/elsewhere")))  # not a kg:Paper
    g = project(rdf)
    assert set(g.nodes) == {str(paper), str(concept)}
    assert edges(g, "mentions")[str(paper), str(concept)]["weight"] == 1
    assert edges(g, "cites") == {}
    assert g.nodes[str(concept)]["label"] == str(concept)  # no prefLabel: the IRI
    assert g.nodes[str(paper)]["is_stub"] is False


def test_graph_summary_counts(rdf: Graph) -> None:
    summary = graph_summary(rdf)
    assert summary == {
        "triples": len(rdf),
        "papers": 3,
        "stub_papers": 1,
        "mentions": 9,
        "linked_mentions": 8,
        "concepts": 5,
        "concepts_by_type": {"METHOD": 2, "DATASET": 1, "BRAIN_REGION": 1, "HARDWARE": 1},
        "authors": 3,
        "venues": 2,
        "citations": 3,
        "edges": {
            "mentions": 6,
            "usesMethod": 3,
            "usesDataset": 1,
            "studiesRegion": 1,
            "usesHardware": 1,
            "cites": 3,
            "authored": 4,
        },
    }
    assert summary["papers"] == sum(1 for x in small_corpus().papers if not x.is_stub)


_ORDER_SCRIPT = """
from kg.projection import project
from kg.rdf import to_rdf
from tests.model_corpus import small_corpus
g = project(to_rdf(small_corpus()))
print(list(g.nodes(data=True)))
print(list(g.edges(keys=True, data=True)))
"""


def test_node_and_edge_order_does_not_depend_on_hash_seed() -> None:
    """GraphML and HTML exports write the projection in iteration order."""
    root = Path(__file__).resolve().parent.parent
    outputs = {
        subprocess.run(
            [sys.executable, "-c", _ORDER_SCRIPT],
            cwd=root,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_co_author_edges_count_the_papers_written_together() -> None:
    from kg.models import Author, Corpus, Paper, PaperId
    from kg.rdf import to_rdf

    ada, alan, grace = Author("Ada Lovelace", "1"), Author("Alan Turing", "2"), Author("Grace Hopper")
    corpus = Corpus(papers=(
        Paper(id=PaperId("id:a"), title="A", authors=(ada, alan, grace)),
        Paper(id=PaperId("id:b"), title="B", authors=(alan, ada)),
        Paper(id=PaperId("id:c"), title="C", authors=(grace,)),
    ))
    graph = project(to_rdf(corpus))
    pairs = {
        frozenset((graph.nodes[u]["label"], graph.nodes[v]["label"])): data["weight"]
        for u, v, key, data in graph.edges(keys=True, data=True) if key == "co_author"
    }
    assert pairs == {frozenset(("Ada Lovelace", "Alan Turing")): 2, frozenset(("Ada Lovelace", "Grace Hopper")): 1,
                     frozenset(("Alan Turing", "Grace Hopper")): 1}
    # Once per unordered pair: never the reverse edge as well.
    assert all(u < v for u, v, key in graph.edges(keys=True) if key == "co_author")
