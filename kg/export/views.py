"""Stage 6, HTML views: the graphs and the side-panel records behind the three HTML pages.

The knowledge graph is the projection itself. The citation graph keeps the papers and
their ``cites`` edges; the concept map keeps the concepts and their ``co_mention`` edges.
Both derived views get communities from networkx's seeded Louvain algorithm, so a rebuild
colours the same clusters the same way. The records are what a click shows: a paper's
title, venue, authors, concepts, links and its document cut into plain and mentioned
pieces (from the RDF graph's ``kg:Mention`` offsets); a concept's synonyms and papers.
Pure: no I/O and no HTML (``kg.export.html`` renders these).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Final
from urllib.parse import quote

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from kg.errors import ExportError
from kg.vocab import KG

__all__ = [
    "VIEWS",
    "citation_graph",
    "communities",
    "community_positions",
    "concept_map",
    "concept_records",
    "highlight_segments",
    "paper_links",
    "paper_records",
    "view_graph",
    "year_span",
]

#: View name -> (file name, heading, one-line description for the index page).
VIEWS: Final = {
    "graph": ("graph.html", "Knowledge graph", "Papers, the concepts they mention (by type) and their authors."),
    "citations": ("citations.html", "Citation graph",
                  "Papers and who cites whom, sized by citations, coloured by community or year."),
    "concepts": ("concepts.html", "Concept map",
                 "Concepts linked by the papers that mention them together, clustered into communities."),
}


def view_graph(projection: nx.MultiDiGraph, view: str, *, seed: int = 7) -> nx.MultiDiGraph:
    """The graph a view draws: the projection, its citation graph or its concept map.

    Raises:
        ExportError: For an unknown view name.
    """
    if view == "graph":
        return projection
    if view == "citations":
        return citation_graph(projection, seed=seed)
    if view == "concepts":
        return concept_map(projection, seed=seed)
    raise ExportError(f"unknown view {view!r}; choose from {', '.join(VIEWS)}")


def citation_graph(projection: nx.MultiDiGraph, *, seed: int = 7) -> nx.MultiDiGraph:
    """Papers (stubs included) and ``cites`` edges, with ``citations`` and ``community`` per paper.

    ``citations`` counts the citing papers in the graph (in-degree), ``community`` is the
    rank of the paper's Louvain community by size (0 = largest).
    """
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, dict(a)) for n, a in projection.nodes(data=True) if a.get("kind") == "paper")
    out.add_edges_from((u, v, k, dict(a)) for u, v, k, a in projection.edges(keys=True, data=True)
                       if a.get("type") == "cites" and u in out and v in out)
    cited = Counter(v for _, v in out.edges())
    membership = communities(out, seed=seed)
    for node, attrs in out.nodes(data=True):
        attrs["citations"] = cited.get(node, 0)
        attrs["community"] = membership[node]
    return out


def concept_map(projection: nx.MultiDiGraph, *, seed: int = 7) -> nx.MultiDiGraph:
    """Concepts and ``co_mention`` edges (weight = papers mentioning both), with ``community``."""
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, dict(a)) for n, a in projection.nodes(data=True) if a.get("kind") == "concept")
    out.add_edges_from((u, v, k, dict(a)) for u, v, k, a in projection.edges(keys=True, data=True)
                       if a.get("type") == "co_mention" and u in out and v in out)
    membership = communities(out, seed=seed)
    for node, attrs in out.nodes(data=True):
        attrs["community"] = membership[node]
    return out


def communities(graph: nx.MultiDiGraph, *, seed: int = 7) -> dict[Hashable, int]:
    """Louvain communities of ``graph`` taken as undirected and weighted, numbered by size.

    Community 0 is the largest; ties are broken by the smallest member (as a string), so
    the numbering is deterministic. Isolated nodes are communities of one.
    """
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    for u, v, attrs in graph.edges(data=True):
        if u == v:
            continue
        weight = float(attrs.get("weight", 1) or 1)
        simple.add_edge(u, v, weight=simple.get_edge_data(u, v, {}).get("weight", 0.0) + weight)
    found = nx.community.louvain_communities(simple, weight="weight", seed=seed) if len(simple) else []
    ranked = sorted((sorted(map(str, group)), group) for group in found)
    ranked.sort(key=lambda item: -len(item[1]))
    return {node: rank for rank, (_, group) in enumerate(ranked) for node in group}


def paper_links(*, doi: str | None = None, arxiv: str | None = None, s2_id: str | None = None
                ) -> list[tuple[str, str]]:
    """(label, https URL) pairs for a paper's DOI, arXiv and Semantic Scholar pages, when known.

    Example:
        >>> paper_links(doi="10.1038/nn.4238")
        [('DOI', 'https://doi.org/10.1038/nn.4238')]
    """
    links = []
    if doi:
        links.append(("DOI", "https://doi.org/" + quote(doi, safe="/:;()._-")))
    if arxiv:
        links.append(("arXiv", "https://arxiv.org/abs/" + quote(arxiv, safe="/._-")))
    if s2_id:
        links.append(("Semantic Scholar", "https://www.semanticscholar.org/paper/" + quote(s2_id, safe="")))
    return links


def highlight_segments(document: str, spans: Iterable[tuple[int, int, str | None]], *, start: int = 0
                       ) -> list[list[Any]]:
    """Cut ``document[start:]`` into ``[text, concept or None]`` pieces, one per mention.

    Plain text gets None; a mention gets its concept IRI ("" for an unlinked mention).
    Mentions before ``start`` (in the title) are skipped.

    Spans outside the text, empty or overlapping an earlier span are dropped (the first
    one in document order wins), so the pieces always concatenate to ``document[start:]``.

    Example:
        >>> highlight_segments("Loihi runs STDP", [(11, 15, "c:stdp")])
        [['Loihi runs ', None], ['STDP', 'c:stdp']]
    """
    pieces: list[list[Any]] = []
    cursor = start
    for begin, end, concept in sorted(spans, key=lambda s: (s[0], -s[1])):
        if begin < cursor or end <= begin or end > len(document):
            continue
        if begin > cursor:
            pieces.append([document[cursor:begin], None])
        pieces.append([document[begin:end], concept])
        cursor = end
    if cursor < len(document):
        pieces.append([document[cursor:], None])
    return pieces


def paper_records(projection: nx.MultiDiGraph, graph: Graph | None = None) -> dict[str, dict[str, Any]]:
    """What a click on a paper shows, keyed by paper IRI.

    Each record has ``title``, ``year``, ``venue``, ``authors``, ``concepts`` (IRIs, by
    label), ``links`` and ``abstract`` as highlight pieces. The mentions come from
    ``graph``'s offsets into title + blank line + abstract; a mention whose surface text
    does not match (say a record whose ``text`` field was the document) is left plain.
    """
    spans = _mention_spans(graph) if graph is not None else {}
    s2_ids = _s2_ids(graph) if graph is not None else {}
    labels = {n: str(a.get("label") or n) for n, a in projection.nodes(data=True)}
    concepts_of: defaultdict[str, list[str]] = defaultdict(list)
    for paper, concept, attrs in projection.edges(data=True):
        if attrs.get("type") == "mentions":
            concepts_of[paper].append(concept)
    records = {}
    for node, attrs in projection.nodes(data=True):
        if attrs.get("kind") != "paper":
            continue
        title = str(attrs.get("title") or attrs.get("label") or node)
        abstract = str(attrs.get("abstract") or "")
        document = title + "\n\n" + abstract if abstract else title
        offset = len(title) + 2
        good = [(s, e, c) for s, e, c, text in spans.get(node, ()) if document[s:e] == text]
        authors = attrs.get("authors") or []
        records[node] = {
            "title": title,
            "year": attrs.get("year"),
            "venue": attrs.get("venue"),
            "authors": authors.split("; ") if isinstance(authors, str) else [str(a) for a in authors],
            "concepts": sorted(concepts_of.get(node, []), key=lambda c: (labels.get(c, c).lower(), c)),
            "links": paper_links(doi=attrs.get("doi"), arxiv=attrs.get("arxiv"), s2_id=s2_ids.get(node)),
            "abstract": highlight_segments(document, good, start=offset) if abstract else [],
            "stub": bool(attrs.get("is_stub")),
        }
    return records


def concept_records(projection: nx.MultiDiGraph, graph: Graph | None = None) -> dict[str, dict[str, Any]]:
    """What a click on a concept shows, keyed by concept IRI: label, type, synonyms, papers.

    Papers are sorted newest first, then by title.
    """
    synonyms = _alt_labels(graph) if graph is not None else {}
    papers_of: defaultdict[str, list[str]] = defaultdict(list)
    for paper, concept, attrs in projection.edges(data=True):
        if attrs.get("type") == "mentions":
            papers_of[concept].append(paper)
    nodes = projection.nodes
    records = {}
    for node, attrs in nodes(data=True):
        if attrs.get("kind") != "concept":
            continue
        papers = sorted(papers_of.get(node, []), key=lambda p: (-(nodes[p].get("year") or 0),
                                                                 str(nodes[p].get("title") or p)))
        records[node] = {
            "label": str(attrs.get("label") or node),
            "type": attrs.get("entity_type") or "concept",
            "synonyms": synonyms.get(node, []),
            "papers": papers,
        }
    return records


def _mention_spans(graph: Graph) -> dict[str, list[tuple[int, int, str | None, str]]]:
    paper_of = dict(graph.subject_objects(KG.inPaper))
    starts = dict(graph.subject_objects(KG.startOffset))
    ends = dict(graph.subject_objects(KG.endOffset))
    texts = dict(graph.subject_objects(KG.surfaceText))
    denotes = dict(graph.subject_objects(KG.denotes))
    spans: defaultdict[str, list[tuple[int, int, str | None, str]]] = defaultdict(list)
    for mention, paper in paper_of.items():
        try:
            start, end = int(starts[mention]), int(ends[mention])
        except (KeyError, ValueError, TypeError):
            continue
        concept = denotes.get(mention)
        # "" marks a mention that was not linked to a concept: highlighted, links nowhere.
        spans[str(paper)].append((start, end, "" if concept is None else str(concept),
                                  str(texts.get(mention, ""))))
    return spans


def _s2_ids(graph: Graph) -> dict[str, str]:
    return {str(paper): str(value) for paper, value in graph.subject_objects(KG.s2PaperId)}


def _alt_labels(graph: Graph) -> dict[str, list[str]]:
    found: defaultdict[str, set[str]] = defaultdict(set)
    for concept, label in graph.subject_objects(SKOS.altLabel):
        if isinstance(concept, URIRef):
            found[str(concept)].add(str(label))
    return {concept: sorted(labels, key=str.lower) for concept, labels in found.items()}


def community_positions(graph: nx.MultiDiGraph, *, size_attr: str = "paper_count"
                        ) -> dict[Hashable, tuple[float, float]]:
    """A deterministic O(n) layout for big derived views: one sunflower disc per community.

    Community discs sit on a golden-angle spiral, largest in the middle; inside a disc the
    members with the largest ``size_attr`` are nearest the centre. Needs ``community`` on
    every node (as set by ``citation_graph`` and ``concept_map``).
    """
    members: defaultdict[int, list[Hashable]] = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        members[int(attrs.get("community", 0))].append(node)
    golden = math.pi * (3 - math.sqrt(5))
    pos: dict[Hashable, tuple[float, float]] = {}
    spacing = 30.0
    centre_radius = 0.0
    for rank, community in enumerate(sorted(members)):
        nodes = sorted(members[community], key=lambda n: (-float(graph.nodes[n].get(size_attr) or 0), str(n)))
        disc = spacing * math.sqrt(len(nodes))
        if rank:  # the spiral grows with the discs already placed
            centre_radius += disc * 0.9 + spacing
        cx, cy = centre_radius * math.cos(rank * golden), centre_radius * math.sin(rank * golden)
        for j, node in enumerate(nodes):
            r = spacing * math.sqrt(j)
            pos[node] = (cx + r * math.cos(j * golden), cy + r * math.sin(j * golden))
    return pos


def year_span(records: Mapping[str, Mapping[str, Any]]) -> list[int] | None:
    """The smallest and largest year among paper records, or None when no paper has one."""
    years = [r["year"] for r in records.values() if isinstance(r.get("year"), int)]
    return [min(years), max(years)] if years else None
