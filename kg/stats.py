"""What a graph contains: counts per entity type, top concepts, papers without mentions.

``compute_stats`` makes one pass per predicate it needs (no SPARQL joins), so it stays
linear in the graph: about a second for 10k papers. ``format_stats`` renders the text
``kg stats`` prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.models import EntityType
from kg.vocab import CITO, KG

#: Entity type -> (concept class, typed paper->concept property), as in docs/data-model.md.
TYPE_TERMS: Final = {
    EntityType.METHOD: (KG.Method, KG.usesMethod),
    EntityType.DATASET: (KG.Dataset, KG.usesDataset),
    EntityType.BRAIN_REGION: (KG.BrainRegion, KG.studiesRegion),
    EntityType.HARDWARE: (KG.Hardware, KG.usesHardware),
}


@dataclass(frozen=True)
class TopConcept:
    """A concept and how many papers (and mentions) name it."""

    iri: str
    label: str
    papers: int
    mentions: int


@dataclass(frozen=True)
class TypeStats:
    """Counts for one entity type."""

    mentions: int
    concepts: int
    edges: int  # paper -> concept edges of the typed property (kg:usesMethod, …)
    top: tuple[TopConcept, ...]


@dataclass(frozen=True)
class Stats:
    """Summary of one graph.

    Attributes:
        papers: Papers of the corpus (``kg:isStub`` false or absent).
        stub_papers: Papers outside the corpus, added by enrichment as citation ends.
        authors: Distinct ``dcterms:creator`` resources.
        mentions: All ``kg:Mention`` resources; ``linked_mentions`` those with ``kg:denotes``.
        by_type: Per entity type ("METHOD", …): mentions, concepts, edges, top concepts.
        citations: ``cito:cites`` edges.
        papers_without_mentions: ``(paper id, title)`` of corpus papers without any mention.
        triples: Size of the graph.
    """

    papers: int
    stub_papers: int
    authors: int
    mentions: int
    linked_mentions: int
    by_type: dict[str, TypeStats]
    citations: int
    papers_without_mentions: tuple[tuple[str, str], ...]
    triples: int


def compute_stats(graph: Graph, *, top: int = 10) -> Stats:
    """Count what ``graph`` holds.

    Args:
        graph: A graph following docs/data-model.md.
        top: How many top concepts to keep per entity type (by paper count).

    Returns:
        A ``Stats``.
    """
    papers = set(graph.subjects(RDF.type, KG.Paper))
    stubs = {s for s, o in graph.subject_objects(KG.isStub) if isinstance(o, Literal) and o.toPython() is True}
    corpus = papers - stubs
    mentions = set(graph.subjects(RDF.type, KG.Mention))
    mention_types = Counter(str(o) for s, o in graph.subject_objects(KG.entityType) if s in mentions)
    mentions_of: Counter[object] = Counter()
    with_mentions = set()
    for mention, paper in graph.subject_objects(KG.inPaper):
        with_mentions.add(paper)
    for paper, _ in graph.subject_objects(KG.hasMention):
        with_mentions.add(paper)
    linked = set()
    for mention, concept in graph.subject_objects(KG.denotes):
        linked.add(mention)
        mentions_of[concept] += 1

    by_type: dict[str, TypeStats] = {}
    for entity_type, (cls, prop) in TYPE_TERMS.items():
        concepts = set(graph.subjects(RDF.type, cls))
        papers_of: dict[object, set[object]] = {}
        edges = 0
        for paper, concept in graph.subject_objects(prop):
            edges += 1
            papers_of.setdefault(concept, set()).add(paper)
        ranked = sorted(
            (TopConcept(str(c), _label(graph, c), len(ps), mentions_of[c]) for c, ps in papers_of.items()),
            key=lambda t: (-t.papers, -t.mentions, t.label.casefold(), t.iri),
        )
        by_type[entity_type.value] = TypeStats(
            mentions=mention_types[entity_type.value], concepts=len(concepts), edges=edges,
            top=tuple(ranked[: max(top, 0)]),
        )

    without = sorted(
        (_text(graph, p, DCTERMS.identifier) or str(p), _text(graph, p, DCTERMS.title) or "")
        for p in corpus - with_mentions
    )
    return Stats(
        papers=len(corpus),
        stub_papers=len(papers & stubs),
        authors=len(set(graph.objects(None, DCTERMS.creator))),
        mentions=len(mentions),
        linked_mentions=len(linked & mentions),
        by_type=by_type,
        citations=_count(graph.subject_objects(CITO.cites)),
        papers_without_mentions=tuple(without),
        triples=len(graph),
    )


def format_stats(stats: Stats, *, limit: int = 20) -> str:
    """The text ``kg stats`` prints; at most ``limit`` papers without mentions are listed."""
    lines = [
        f"Papers:    {stats.papers:,}" + (f" (+{stats.stub_papers:,} outside the corpus)" if stats.stub_papers else ""),
        f"Authors:   {stats.authors:,}",
        f"Mentions:  {stats.mentions:,} ({stats.linked_mentions:,} linked to a concept)",
        f"Citations: {stats.citations:,}",
        f"Triples:   {stats.triples:,}",
        "",
        f"{'Type':<14}{'Mentions':>10}{'Concepts':>10}{'Paper links':>13}",
    ]
    for name, row in stats.by_type.items():
        lines.append(f"{name:<14}{row.mentions:>10,}{row.concepts:>10,}{row.edges:>13,}")
    lines += ["", "Top concepts by papers:"]
    width = max((len(t.label) for row in stats.by_type.values() for t in row.top), default=0)
    for name, row in stats.by_type.items():
        lines.append(f"  {name}")
        if not row.top:
            lines.append("    (none)")
        for t in row.top:
            lines.append(f"    {t.label:<{width}}  {_plural(t.papers, 'paper', 6)} {_plural(t.mentions, 'mention', 7)}".rstrip())
    missing = stats.papers_without_mentions
    lines += ["", f"Papers without any mention: {len(missing):,}"]
    for paper_id, title in missing[:limit]:
        lines.append(f"  {paper_id}  {' '.join(title.split())}")
    if len(missing) > limit:
        lines.append(f"  … and {len(missing) - limit:,} more (kg query --named papers-without-mentions)")
    return "\n".join(lines)


def _plural(count: int, word: str, width: int) -> str:
    noun = word if count == 1 else f"{word}s"
    return f"{count:>{width},} {noun:<{len(word) + 1}}"


def _label(graph: Graph, concept: object) -> str:
    label = graph.value(concept, SKOS.prefLabel) if isinstance(concept, URIRef) else None  # type: ignore[arg-type]
    return str(label) if label is not None else str(concept).rstrip("/").rsplit("/", 1)[-1]


def _text(graph: Graph, subject: object, predicate: URIRef) -> str | None:
    value = graph.value(subject, predicate)  # type: ignore[arg-type]
    return None if value is None else str(value)


def _count(items: Iterable[object]) -> int:
    return sum(1 for _ in items)
