"""Stage 5: project the canonical RDF graph onto a NetworkX graph of papers, concepts and authors.

``project`` follows the projection section of ``docs/data-model.md``: papers, concepts and
authors are the nodes (keyed by IRI string), their literals become node attributes (never
nodes), and the edges are ``mentions``, ``co_mention``, ``authored``, ``co_author`` and ``cites``. HTML and
GraphML exports read this projection, never a separately built graph. ``graph_summary``
counts what a build produced. Pure: no I/O. The graph is read with direct triple-pattern
scans, one per predicate, which is several times faster than SPARQL on rdflib's store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from itertools import combinations
from typing import Any, Final

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.rdf import CONCEPT_CLASSES, USES_PROPERTIES
from kg.vocab import CITO, KG

__all__ = ["graph_summary", "project"]

_ENTITY_TYPES: Final = {cls: entity_type.value for entity_type, cls in CONCEPT_CLASSES.items()}
_TYPED_MENTIONS: Final = tuple(USES_PROPERTIES.values())


def project(graph: Graph) -> nx.MultiDiGraph:
    """Project a kg graph onto a ``networkx.MultiDiGraph`` of papers, concepts and authors.

    Every node has ``kind`` ("paper", "concept" or "author") and ``label``. Papers also have
    ``title``, ``year``, ``date``, ``doi``, ``arxiv``, ``abstract``, ``venue``, ``authors``
    (names, sorted: RDF does not keep author order), ``is_stub`` and ``mention_count``;
    concepts have ``entity_type``, ``notation`` and ``exact_match`` ("; "-joined),
    ``in_vocabulary`` and ``paper_count``; authors have ``s2_id`` when it is known. Paper and
    concept attributes are always present, None where the graph has no value (exporters that
    cannot write None omit it).

    Edges are keyed by their ``type`` and carry ``weight``: ``mentions`` (paper -> concept,
    weight = mentions of the concept in the paper, ``predicate`` = the typed property IRI),
    ``co_mention`` (concept -> concept once per unordered pair, source IRI < target IRI,
    weight = papers mentioning both), ``authored`` (author -> paper) and ``cites`` (paper ->
    paper; ``intents``, the local names of its CiTO characterisations "; "-joined, such as
    "obtainsBackgroundFrom; usesMethodIn", and ``is_influential``, each when known). Edges
    whose ends are not nodes of the projection are left out.

    Args:
        graph: A graph written by ``kg.rdf.to_rdf`` (or parsed back from its Turtle).

    Returns:
        A new ``networkx.MultiDiGraph``.

    Example:
        >>> from kg.models import Corpus, Paper, PaperId
        >>> from kg.rdf import to_rdf
        >>> g = project(to_rdf(Corpus(papers=(Paper(id=PaperId("doi:10.1/x"), title="T"),))))
        >>> [(attrs["kind"], attrs["label"]) for _, attrs in g.nodes(data=True)]
        [('paper', 'T')]
    """
    types = _types(graph)
    papers = types[KG.Paper]
    persons = types[FOAF.Person]
    concept_types = {c: _ENTITY_TYPES[cls] for cls in _ENTITY_TYPES for c in types[cls]}
    concepts = types[SKOS.Concept] | set(concept_types)

    out = nx.MultiDiGraph()
    _add_papers(out, graph, papers, types[KG.Mention])
    _add_concepts(out, graph, concepts, concept_types)
    for person in sorted(persons, key=str):
        names = _values(graph, person, FOAF.name)
        s2_ids = _values(graph, person, KG.s2AuthorId)
        out.add_node(str(person), kind="author", label=names[0] if names else str(person))
        if s2_ids:
            out.nodes[str(person)]["s2_id"] = s2_ids[0]

    _add_mention_edges(out, graph, papers, concepts)
    # Edges are added in IRI order, like nodes, so exports do not depend on hash order.
    authors_of: defaultdict[Node, set[Node]] = defaultdict(set)
    for paper, person in sorted(graph.subject_objects(DCTERMS.creator), key=_str_key):
        if paper in papers and person in persons:
            out.add_edge(str(person), str(paper), key="authored", type="authored", weight=1)
            authors_of[paper].add(person)
    _add_coauthor_edges(out, authors_of)
    _add_citation_edges(out, graph, papers)
    return out


def _add_coauthor_edges(out: nx.MultiDiGraph, authors_of: Mapping[Node, set[Node]]) -> None:
    """``co_author`` edges: once per unordered pair of authors, weight = papers written together."""
    shared: Counter[tuple[str, str]] = Counter()
    for people in authors_of.values():
        shared.update(combinations(sorted(str(person) for person in people), 2))
    for (first, second), count in sorted(shared.items()):
        out.add_edge(first, second, key="co_author", type="co_author", weight=count)


def graph_summary(graph: Graph) -> dict[str, Any]:
    """Count what a kg graph holds, for the build summary and ``build.json``.

    Returns:
        ``triples``; ``papers`` (corpus papers) and ``stub_papers``; ``mentions`` and
        ``linked_mentions``; ``concepts`` and ``concepts_by_type`` (entity type -> count);
        ``authors``; ``venues``; ``citations`` (``cito:cites`` links); and ``edges``, the
        number of links per kind (``mentions``, ``usesMethod``, ``usesDataset``,
        ``studiesRegion``, ``usesHardware``, ``cites``, ``authored``).
    """
    types = _types(graph)
    stubs = {s for s, o in graph.subject_objects(KG.isStub) if o == Literal(True)}
    papers = types[KG.Paper]
    by_type = {entity_type.value: len(types[cls]) for entity_type, cls in CONCEPT_CLASSES.items()}
    edges = {
        "mentions": _count(graph.subject_objects(KG.mentions)),
        **{prop.fragment: _count(graph.subject_objects(prop)) for prop in _TYPED_MENTIONS},
        "cites": _count(graph.subject_objects(CITO.cites)),
        "authored": _count(graph.subject_objects(DCTERMS.creator)),
    }
    return {
        "triples": len(graph),
        "papers": len(papers - stubs),
        "stub_papers": len(papers & stubs),
        "mentions": len(types[KG.Mention]),
        "linked_mentions": _count(graph.subject_objects(KG.denotes)),
        "concepts": len(types[SKOS.Concept] | set().union(*(types[c] for c in _ENTITY_TYPES))),
        "concepts_by_type": by_type,
        "authors": len(types[FOAF.Person]),
        "venues": len(types[KG.Venue]),
        "citations": edges["cites"],
        "edges": edges,
    }


def _types(graph: Graph) -> defaultdict[Node, set[Node]]:
    """Class -> its instances, from one scan of the rdf:type triples."""
    types: defaultdict[Node, set[Node]] = defaultdict(set)
    for s, cls in graph.subject_objects(RDF.type):
        types[cls].add(s)
    return types


def _str_key(item: tuple[Any, ...]) -> tuple[str, ...]:
    """Sort key for a tuple of RDF terms: their strings (str comparison runs in C)."""
    return tuple(str(part) for part in item)


def _count(pairs: Iterator[Any]) -> int:
    return sum(1 for _ in pairs)


def _values(graph: Graph, subject: Node, predicate: URIRef) -> list[str]:
    """The literal values of ``subject``'s ``predicate``, sorted, so a choice is deterministic."""
    return sorted(str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal))


def _literals(graph: Graph, predicate: URIRef, subjects: set[Node]) -> dict[Node, Literal]:
    """One literal of ``predicate`` per subject (the smallest, if a subject has several)."""
    found: dict[Node, Literal] = {}
    for s, o in graph.subject_objects(predicate):
        if s in subjects and isinstance(o, Literal) and (s not in found or str(o) < str(found[s])):
            found[s] = o
    return found


def _text(value: Literal | None) -> str | None:
    return None if value is None else str(value)


def _year(value: Literal | None) -> int | None:
    try:
        return None if value is None else int(str(value)[:4])
    except ValueError:
        return None


def _flag(value: Literal | None) -> bool | None:
    return None if value is None else str(value) in ("true", "1")


def _add_papers(out: nx.MultiDiGraph, graph: Graph, papers: set[Node], mentions: set[Node]) -> None:
    literal = {
        name: _literals(graph, predicate, papers)
        for name, predicate in (
            ("title", DCTERMS.title),
            ("year", DCTERMS.issued),
            ("date", DCTERMS.date),
            ("doi", KG.doi),
            ("arxiv", KG.arxivId),
            ("abstract", DCTERMS.abstract),
            ("is_stub", KG.isStub),
        )
    }
    venue_labels = _literals(graph, RDFS.label, set(graph.objects(None, KG.publishedIn)))
    venues: dict[Node, str] = {}
    for paper, venue in graph.subject_objects(KG.publishedIn):
        label = venue_labels.get(venue)
        if label is not None and (paper not in venues or str(label) < venues[paper]):
            venues[paper] = str(label)
    names: dict[Node, str] = {}
    for person, name in graph.subject_objects(FOAF.name):
        if person not in names or str(name) < names[person]:
            names[person] = str(name)
    authors: defaultdict[Node, list[str]] = defaultdict(list)
    for paper, person in graph.subject_objects(DCTERMS.creator):
        if person in names:
            authors[paper].append(names[person])
    mention_counts = Counter(p for m, p in graph.subject_objects(KG.inPaper) if m in mentions)
    for paper in sorted(papers, key=str):
        title = _text(literal["title"].get(paper))
        out.add_node(
            str(paper),
            kind="paper",
            label=title or str(paper),
            title=title,
            year=_year(literal["year"].get(paper)),
            date=_text(literal["date"].get(paper)),
            doi=_text(literal["doi"].get(paper)),
            arxiv=_text(literal["arxiv"].get(paper)),
            abstract=_text(literal["abstract"].get(paper)),
            venue=venues.get(paper),
            authors=sorted(authors.get(paper, ())),
            is_stub=bool(_flag(literal["is_stub"].get(paper))),
            mention_count=mention_counts.get(paper, 0),
        )


def _add_concepts(
    out: nx.MultiDiGraph, graph: Graph, concepts: set[Node], concept_types: dict[Node, str]
) -> None:
    labels = _literals(graph, SKOS.prefLabel, concepts)
    in_vocabulary = _literals(graph, KG.inVocabulary, concepts)
    paper_counts = Counter(c for _, c in set(_mention_pairs(graph)) if c in concepts)
    for concept in sorted(concepts, key=str):
        notations = _values(graph, concept, SKOS.notation)
        matches = sorted(str(o) for o in graph.objects(concept, SKOS.exactMatch))
        label = _text(labels.get(concept))
        out.add_node(
            str(concept),
            kind="concept",
            label=label or str(concept),
            entity_type=concept_types.get(concept),
            notation="; ".join(notations) or None,
            exact_match="; ".join(matches) or None,
            in_vocabulary=_flag(in_vocabulary.get(concept)),
            paper_count=paper_counts.get(concept, 0),
        )


def _mention_pairs(graph: Graph) -> Iterator[tuple[Node, Node]]:
    """(paper, concept) for kg:mentions and each typed sub-property (no inference needed)."""
    yield from graph.subject_objects(KG.mentions)
    for prop in _TYPED_MENTIONS:
        yield from graph.subject_objects(prop)


def _add_mention_edges(
    out: nx.MultiDiGraph, graph: Graph, papers: set[Node], concepts: set[Node]
) -> None:
    predicates: dict[tuple[Node, Node], Node] = {}
    for paper, concept in graph.subject_objects(KG.mentions):
        predicates[paper, concept] = KG.mentions
    for prop in _TYPED_MENTIONS:
        for paper, concept in graph.subject_objects(prop):
            predicates[paper, concept] = prop
    mention_paper = dict(graph.subject_objects(KG.inPaper))
    counts = Counter(
        (mention_paper[m], c) for m, c in graph.subject_objects(KG.denotes) if m in mention_paper
    )
    by_paper: defaultdict[str, list[str]] = defaultdict(list)
    for (paper, concept), predicate in sorted(
        predicates.items(), key=lambda item: _str_key(item[0])
    ):
        if paper not in papers or concept not in concepts:
            continue
        # A kg:mentions link without mention resources (a hand-made graph) still counts once.
        weight = max(counts.get((paper, concept), 0), 1)
        out.add_edge(
            str(paper),
            str(concept),
            key="mentions",
            type="mentions",
            weight=weight,
            predicate=str(predicate),
        )
        by_paper[str(paper)].append(str(concept))
    co_mentions: Counter[tuple[str, str]] = Counter()
    for mentioned in by_paper.values():
        # Sorted, so every pair comes out as (smaller IRI, larger IRI) exactly once.
        co_mentions.update(combinations(sorted(mentioned), 2))
    for (a, b), weight in sorted(co_mentions.items()):
        out.add_edge(a, b, key="co_mention", type="co_mention", weight=weight)


def _add_citation_edges(out: nx.MultiDiGraph, graph: Graph, papers: set[Node]) -> None:
    citing = dict(graph.subject_objects(CITO.hasCitingEntity))
    cited = dict(graph.subject_objects(CITO.hasCitedEntity))
    intents: defaultdict[tuple[Node, Node], set[str]] = defaultdict(set)
    for citation, prop in graph.subject_objects(CITO.hasCitationCharacterization):
        if citation in citing and citation in cited:
            intents[citing[citation], cited[citation]].add(str(prop).rsplit("/", 1)[-1])
    influential: dict[tuple[Node, Node], bool] = {}
    for citation, value in graph.subject_objects(KG.isInfluential):
        if citation in citing and citation in cited and isinstance(value, Literal):
            influential[citing[citation], cited[citation]] = bool(_flag(value))
    for source, target in sorted(graph.subject_objects(CITO.cites), key=_str_key):
        if source not in papers or target not in papers:
            continue
        pair = (source, target)
        attrs: dict[str, Any] = {"type": "cites", "weight": 1}
        if pair in intents:
            attrs["intents"] = "; ".join(sorted(intents[pair]))
        if pair in influential:
            attrs["is_influential"] = influential[pair]
        out.add_edge(str(source), str(target), key="cites", **attrs)
