"""A small hand-built graph that follows docs/data-model.md, and its NetworkX projection.

Both are built here from one plain description (``PAPERS``, ``CONCEPTS``, ``CITATIONS``),
without ``kg.rdf`` or ``kg.projection``, so the export, query and stats tests do not
depend on those modules. The numbers the tests expect follow from this description:

* four corpus papers (P1-P4) and one stub (S1); P4 has no mention at all;
* paper counts: Loihi 2, SpiNNaker 1, STDP 2, surrogate gradient 1, hippocampus 2,
  primary visual cortex 1, SHD 1, N-MNIST 1;
* one unlinked mention ("GPUs", HARDWARE, from the ``spacy-ner`` extractor);
* citations: P2 -> P1 (usesMethodIn, influential), P3 -> P1 (obtainsBackgroundFrom),
  P1 -> S1 (no annotation resource).
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.ids import (
    DEFAULT_BASE_IRI,
    author_iri,
    citation_iri,
    concept_iri,
    extractor_iri,
    mention_iri,
    paper_iri,
    scheme_iri,
    venue_iri,
)
from kg.models import Author, ConceptId, EntityType, PaperId
from kg.vocab import CITO, KG, OBO, bind_prefixes

BASE = DEFAULT_BASE_IRI

_CLASS = {
    EntityType.METHOD: KG.Method,
    EntityType.DATASET: KG.Dataset,
    EntityType.BRAIN_REGION: KG.BrainRegion,
    EntityType.HARDWARE: KG.Hardware,
}
TYPED_PREDICATE = {
    EntityType.METHOD: KG.usesMethod,
    EntityType.DATASET: KG.usesDataset,
    EntityType.BRAIN_REGION: KG.studiesRegion,
    EntityType.HARDWARE: KG.usesHardware,
}


@dataclass(frozen=True)
class ConceptSpec:
    key: str  # ConceptId, e.g. "hardware/loihi"
    type: EntityType
    label: str
    alt: tuple[str, ...] = ()
    notation: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    in_vocabulary: bool = True

    @property
    def iri(self) -> URIRef:
        return URIRef(concept_iri(BASE, ConceptId(self.key)))


@dataclass(frozen=True)
class PaperSpec:
    id: str
    title: str
    abstract: str = ""
    year: int | None = None
    date: str | None = None
    venue: str | None = None
    authors: tuple[Author, ...] = ()
    # (surface text, type, concept key or None, extractor, score), in document order
    mentions: tuple[tuple[str, EntityType, str | None, str, float], ...] = ()
    is_stub: bool = False

    @property
    def iri(self) -> URIRef:
        return URIRef(paper_iri(BASE, PaperId(self.id)))

    @property
    def document(self) -> str:
        return f"{self.title}\n\n{self.abstract}" if self.abstract else self.title

    def spans(self) -> list[tuple[int, int, str, EntityType, str | None, str, float]]:
        """Offsets of each mention: the next occurrence after the previous mention."""
        spans, cursor = [], 0
        for text, label, concept, extractor, score in self.mentions:
            start = self.document.index(text, cursor)
            spans.append((start, start + len(text), text, label, concept, extractor, score))
            cursor = start + len(text)
        return spans


M, D, R, H = EntityType.METHOD, EntityType.DATASET, EntityType.BRAIN_REGION, EntityType.HARDWARE
GAZ = "gazetteer"

CONCEPTS = (
    ConceptSpec("hardware/loihi", H, "Loihi", alt=("Loihi 1",), notation=("onm-hardware:loihi-intel",)),
    ConceptSpec("hardware/spinnaker", H, "SpiNNaker", notation=("onm-hardware:spinnaker-manchester",)),
    ConceptSpec("method/stdp", M, "spike-timing-dependent plasticity", alt=("STDP",)),
    ConceptSpec("method/surrogate-gradient", M, "surrogate gradient", alt=("surrogate gradients",),
                in_vocabulary=False),
    ConceptSpec("brain-region/hippocampus", R, "hippocampus", notation=("UBERON:0002421",),
                exact=(str(OBO.UBERON_0002421),)),
    ConceptSpec("brain-region/primary-visual-cortex", R, "primary visual cortex", alt=("V1",),
                notation=("UBERON:0002436",)),
    ConceptSpec("dataset/shd", D, "Spiking Heidelberg Digits", alt=("SHD",), notation=("pwc-dataset:shd",)),
    ConceptSpec("dataset/n-mnist", D, "N-MNIST", notation=("pwc-dataset:n-mnist",)),
)
CONCEPT = {c.key: c for c in CONCEPTS}

JANE = Author("Jane Doe")
WEI = Author("Wei Zhang", s2_id="123")

PAPERS = (
    PaperSpec(
        "doi:10.1000/p1",
        "STDP learning on Loihi for hippocampal place cells",
        "We implement spike-timing-dependent plasticity on the Loihi chip to model place cells "
        "of the hippocampus. Loihi runs the network in real time.",
        year=2021, venue="Neural Computation", authors=(JANE, WEI),
        mentions=(("STDP", M, "method/stdp", GAZ, 1.0), ("Loihi", H, "hardware/loihi", GAZ, 1.0),
                  ("spike-timing-dependent plasticity", M, "method/stdp", GAZ, 1.0),
                  ("Loihi", H, "hardware/loihi", GAZ, 1.0),
                  ("hippocampus", R, "brain-region/hippocampus", GAZ, 1.0),
                  ("Loihi", H, "hardware/loihi", GAZ, 1.0)),
    ),
    PaperSpec(
        "arxiv:2101.00001",
        "Surrogate gradient training of spiking networks on SpiNNaker and Loihi",
        "We train spiking networks with surrogate gradients and deploy them on SpiNNaker and Loihi. "
        "On the Spiking Heidelberg Digits and N-MNIST benchmarks accuracy matches GPUs.",
        year=2022, date="2022-01-05", venue="NeurIPS", authors=(WEI,),
        mentions=(("Surrogate gradient", M, "method/surrogate-gradient", GAZ, 1.0),
                  ("SpiNNaker", H, "hardware/spinnaker", GAZ, 1.0), ("Loihi", H, "hardware/loihi", GAZ, 1.0),
                  ("surrogate gradients", M, "method/surrogate-gradient", GAZ, 1.0),
                  ("SpiNNaker", H, "hardware/spinnaker", GAZ, 1.0), ("Loihi", H, "hardware/loihi", GAZ, 1.0),
                  ("Spiking Heidelberg Digits", D, "dataset/shd", GAZ, 1.0),
                  ("N-MNIST", D, "dataset/n-mnist", GAZ, 1.0),
                  ("GPUs", H, None, "spacy-ner", 0.62)),
    ),
    PaperSpec(
        "doi:10.1000/p3",
        "A model of primary visual cortex with STDP",
        "Orientation selectivity in V1 emerges from STDP; we compare with hippocampus recordings.",
        year=2020, authors=(JANE,),
        mentions=(("primary visual cortex", R, "brain-region/primary-visual-cortex", GAZ, 1.0),
                  ("STDP", M, "method/stdp", GAZ, 1.0),
                  ("V1", R, "brain-region/primary-visual-cortex", GAZ, 1.0),
                  ("STDP", M, "method/stdp", GAZ, 1.0),
                  ("hippocampus", R, "brain-region/hippocampus", GAZ, 1.0)),
    ),
    PaperSpec("id:W4", "A review of brain-inspired computing", "We survey the field.", year=2019),
    PaperSpec("doi:10.1000/s1", "A classic of synaptic plasticity", year=1997, is_stub=True),
)
PAPER = {p.id: p for p in PAPERS}

# (citing, cited, CiTO characterisations, influential, context); None: no annotation resource
CITATIONS: tuple[tuple[str, str, tuple[URIRef, ...] | None, bool | None, str | None], ...] = (
    ("arxiv:2101.00001", "doi:10.1000/p1", (CITO.usesMethodIn,), True, "we follow the STDP setup of"),
    ("doi:10.1000/p3", "doi:10.1000/p1", (CITO.obtainsBackgroundFrom,), False, None),
    ("doi:10.1000/p1", "doi:10.1000/s1", None, None, None),
)


def parse_jsonld(data: str) -> Graph:
    """Parse JSON-LD text; rdflib 7's JSON-LD parser warns that it uses ConjunctiveGraph."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=data, format="json-ld")


def build_graph() -> Graph:
    """The RDF graph of the fixture, exactly as docs/data-model.md describes it."""
    g = bind_prefixes(Graph(bind_namespaces="none"), BASE)
    for c in CONCEPTS:
        g.add((c.iri, RDF.type, _CLASS[c.type]))
        g.add((c.iri, RDF.type, SKOS.Concept))
        g.add((c.iri, SKOS.prefLabel, Literal(c.label)))
        for alt in c.alt:
            g.add((c.iri, SKOS.altLabel, Literal(alt)))
        for notation in c.notation:
            g.add((c.iri, SKOS.notation, Literal(notation)))
        for exact in c.exact:
            g.add((c.iri, SKOS.exactMatch, URIRef(exact)))
        g.add((c.iri, SKOS.inScheme, URIRef(scheme_iri(BASE, c.type.slug))))
        g.add((c.iri, KG.inVocabulary, Literal(c.in_vocabulary)))
    for p in PAPERS:
        _add_paper(g, p)
    for citing, cited, characterisations, influential, context in CITATIONS:
        s, o = PAPER[citing].iri, PAPER[cited].iri
        g.add((s, CITO.cites, o))
        if characterisations is None:
            continue
        node = URIRef(citation_iri(BASE, PaperId(citing), PaperId(cited)))
        g.add((node, RDF.type, CITO.Citation))
        g.add((node, CITO.hasCitingEntity, s))
        g.add((node, CITO.hasCitedEntity, o))
        for prop in characterisations:
            g.add((s, prop, o))
            g.add((node, CITO.hasCitationCharacterization, prop))
        if influential is not None:
            g.add((node, KG.isInfluential, Literal(influential)))
        if context:
            g.add((node, KG.citationContext, Literal(context)))
        g.add((node, DCTERMS.source, Literal("semantic-scholar")))
        g.add((node, PROV.generatedAtTime, Literal("2026-01-02T10:00:00Z", datatype=XSD.dateTime)))
    return g


def _add_paper(g: Graph, p: PaperSpec) -> None:
    g.add((p.iri, RDF.type, KG.Paper))
    g.add((p.iri, DCTERMS.identifier, Literal(p.id)))
    g.add((p.iri, DCTERMS.title, Literal(p.title)))
    if p.abstract:
        g.add((p.iri, DCTERMS.abstract, Literal(p.abstract)))
    if p.year is not None:
        g.add((p.iri, DCTERMS.issued, Literal(str(p.year), datatype=XSD.gYear)))
    if p.date is not None:
        g.add((p.iri, DCTERMS.date, Literal(p.date, datatype=XSD.date)))
    if p.id.startswith("doi:"):
        g.add((p.iri, KG.doi, Literal(p.id.removeprefix("doi:"))))
    if p.id.startswith("arxiv:"):
        g.add((p.iri, KG.arxivId, Literal(p.id.removeprefix("arxiv:"))))
    g.add((p.iri, KG.isStub, Literal(p.is_stub)))
    if p.venue:
        venue = URIRef(venue_iri(BASE, p.venue))
        g.add((p.iri, KG.publishedIn, venue))
        g.add((venue, RDF.type, KG.Venue))
        g.add((venue, RDFS.label, Literal(p.venue)))
    for author in p.authors:
        node = URIRef(author_iri(BASE, author))
        g.add((p.iri, DCTERMS.creator, node))
        g.add((node, RDF.type, FOAF.Person))
        g.add((node, FOAF.name, Literal(author.name)))
        if author.s2_id:
            g.add((node, KG.s2AuthorId, Literal(author.s2_id)))
    for start, end, text, label, concept, extractor, score in p.spans():
        node = URIRef(mention_iri(BASE, PaperId(p.id), start, end))
        agent = URIRef(extractor_iri(BASE, extractor))
        g.add((p.iri, KG.hasMention, node))
        g.add((node, RDF.type, KG.Mention))
        g.add((node, KG.inPaper, p.iri))
        g.add((node, KG.entityType, Literal(label.value)))
        g.add((node, KG.startOffset, Literal(start)))
        g.add((node, KG.endOffset, Literal(end)))
        g.add((node, KG.surfaceText, Literal(text)))
        g.add((node, KG.score, Literal(score)))
        g.add((node, PROV.wasAttributedTo, agent))
        g.add((node, PROV.wasDerivedFrom, p.iri))
        g.add((agent, RDF.type, KG.Extractor))
        g.add((agent, RDF.type, PROV.SoftwareAgent))
        g.add((agent, RDFS.label, Literal(extractor)))
        if concept is not None:
            c = CONCEPT[concept]
            g.add((node, KG.denotes, c.iri))
            g.add((p.iri, KG.mentions, c.iri))
            g.add((p.iri, TYPED_PREDICATE[c.type], c.iri))


def build_projection() -> nx.MultiDiGraph:
    """The NetworkX projection of the fixture, per the data model's projection section."""
    g = nx.MultiDiGraph()
    papers_of: dict[str, set[str]] = {}
    for p in PAPERS:
        linked = [concept for *_, concept, _extractor, _score in p.spans() if concept]
        g.add_node(
            str(p.iri), kind="paper", label=p.title, title=p.title, year=p.year, date=p.date,
            doi=p.id.removeprefix("doi:") if p.id.startswith("doi:") else None,
            arxiv=p.id.removeprefix("arxiv:") if p.id.startswith("arxiv:") else None,
            abstract=p.abstract or None, venue=p.venue, authors=[a.name for a in p.authors],
            is_stub=p.is_stub, mention_count=len(p.mentions),
        )
        for concept, count in sorted(Counter(linked).items()):
            c = CONCEPT[concept]
            papers_of.setdefault(str(c.iri), set()).add(str(p.iri))
            g.add_edge(str(p.iri), str(c.iri), key="mentions", type="mentions", weight=count,
                       predicate=str(TYPED_PREDICATE[c.type]))
        for author in p.authors:
            node = author_iri(BASE, author)
            g.add_node(node, kind="author", label=author.name, **({"s2_id": author.s2_id} if author.s2_id else {}))
            g.add_edge(node, str(p.iri), key="authored", type="authored", weight=1)
        for first, second in combinations(sorted(author_iri(BASE, a) for a in p.authors), 2):
            weight = g.edges[first, second, "co_author"]["weight"] + 1 if g.has_edge(first, second, "co_author") else 1
            g.add_edge(first, second, key="co_author", type="co_author", weight=weight)
    for c in CONCEPTS:
        g.add_node(
            str(c.iri), kind="concept", label=c.label, entity_type=c.type.value,
            notation="; ".join(c.notation) or None, exact_match="; ".join(c.exact) or None,
            in_vocabulary=c.in_vocabulary, paper_count=len(papers_of.get(str(c.iri), ())),
        )
    for a, b in combinations(sorted(papers_of), 2):
        shared = len(papers_of[a] & papers_of[b])
        if shared:
            g.add_edge(a, b, key="co_mention", type="co_mention", weight=shared)
    for citing, cited, characterisations, influential, _context in CITATIONS:
        attrs: dict[str, object] = {"type": "cites", "weight": 1}
        if characterisations:
            attrs["intents"] = "; ".join(str(c).rsplit("/", 1)[-1] for c in characterisations)
        if influential is not None:
            attrs["is_influential"] = influential
        g.add_edge(str(PAPER[citing].iri), str(PAPER[cited].iri), key="cites", **attrs)
    return g
