"""Stage 5: turn a linked (and optionally enriched) ``Corpus`` into the canonical RDF graph.

The graph written here is the single source of truth of a build: Turtle, JSON-LD and SPARQL
read it, HTML and GraphML read its projection (``kg.projection``). It follows
``docs/data-model.md`` exactly, mints every IRI through ``kg.ids`` and contains no blank
nodes, so the same corpus always gives the same triples. Pure: no I/O.
"""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from itertools import chain
from types import MappingProxyType
from typing import Final

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.ids import (
    DEFAULT_BASE_IRI,
    author_iri,
    check_base_iri,
    citation_iri,
    concept_iri,
    extractor_iri,
    mention_iri,
    paper_iri,
    scheme_iri,
    venue_iri,
)
from kg.models import Citation, Concept, ConceptId, Corpus, EntityType, Mention, Paper, PaperId
from kg.vocab import CITO, KG, bind_prefixes

__all__ = ["CONCEPT_CLASSES", "INTENT_PROPERTIES", "USES_PROPERTIES", "to_rdf"]

logger = logging.getLogger(__name__)

Triple = tuple[URIRef, URIRef, URIRef | Literal]

#: The class of a concept of each entity type (each a subclass of kg:Concept).
CONCEPT_CLASSES: Final[Mapping[EntityType, URIRef]] = MappingProxyType(
    {
        EntityType.METHOD: KG.Method,
        EntityType.DATASET: KG.Dataset,
        EntityType.BRAIN_REGION: KG.BrainRegion,
        EntityType.HARDWARE: KG.Hardware,
    }
)

#: The typed sub-property of kg:mentions that links a paper to a concept of each type.
USES_PROPERTIES: Final[Mapping[EntityType, URIRef]] = MappingProxyType(
    {
        EntityType.METHOD: KG.usesMethod,
        EntityType.DATASET: KG.usesDataset,
        EntityType.BRAIN_REGION: KG.studiesRegion,
        EntityType.HARDWARE: KG.usesHardware,
    }
)

#: Semantic Scholar citation intent -> CiTO property. S2's intents come from the SciCite
#: scheme (Cohan et al., NAACL 2019): "background" (the cited work is background information),
#: "methodology" (the citing work uses its method, tool or data) and "result" (the citing work
#: compares its findings with the cited ones). CiTO has no "compares results with", and
#: cito:usesConclusionsFrom would claim the conclusions are *used*; a comparison cites the
#: cited findings as points of evidence, for or against, which is what cito:citesAsEvidence
#: says ("cites ... as source of factual evidence for statements it contains").
INTENT_PROPERTIES: Final[Mapping[str, URIRef]] = MappingProxyType(
    {
        "methodology": CITO.usesMethodIn,
        "background": CITO.obtainsBackgroundFrom,
        "result": CITO.citesAsEvidence,
    }
)

_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^\d{4}$")
_TRUE: Final = Literal(True)
_FALSE: Final = Literal(False)


def to_rdf(corpus: Corpus, *, base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """Build the canonical RDF graph of a corpus, as ``docs/data-model.md`` specifies.

    Papers (stubs included) become ``kg:Paper`` resources with their bibliographic data,
    authors (``foaf:Person``) and venue; every mention becomes a ``kg:Mention`` with its
    offsets and provenance; concepts that some mention links to become SKOS concepts typed
    ``kg:Method``/``kg:Dataset``/``kg:BrainRegion``/``kg:Hardware``, linked from their
    papers by ``kg:mentions`` and the typed sub-property; citations become ``cito:cites``
    (plus the CiTO property of each S2 intent) and a ``cito:Citation`` resource. The same
    corpus always gives the same triples: IRIs are deterministic and there are no blank nodes.

    The graph is not checked here; ``kg.validate.validate`` checks it against the shapes
    (a mention whose paper or concept is not in the corpus, for example, fails there).

    Args:
        corpus: Output of ``link_mentions`` (and optionally ``enrich``).
        base_iri: Prefix of minted instance IRIs, an absolute IRI ending with "/" or "#".

    Returns:
        A new ``rdflib.Graph`` with exactly kg's prefixes (and ``id:`` for ``base_iri``) bound.

    Raises:
        ValueError: If ``base_iri`` is not an absolute IRI ending with "/" or "#".

    Example:
        >>> from kg.models import Corpus, Paper, PaperId
        >>> graph = to_rdf(Corpus(papers=(Paper(id=PaperId("doi:10.1/x"), title="T"),)))
        >>> len(graph)
        4
    """
    check_base_iri(base_iri)
    terms = _Terms(base_iri)
    concepts = _mentioned_concepts(corpus)
    graph = Graph(bind_namespaces="none")
    bind_prefixes(graph, base_iri)
    # rdflib's in-memory store, not term creation, dominates the cost (~18 us per triple):
    # feed it one stream through addN instead of building an intermediate list.
    triples = chain(
        chain.from_iterable(_paper_triples(paper, terms) for paper in corpus.papers),
        _mention_triples(corpus.mentions, concepts, terms),
        chain.from_iterable(_concept_triples(concept, terms) for concept in concepts.values()),
        chain.from_iterable(_citation_triples(citation, terms) for citation in corpus.citations),
    )
    with _collector_paused():
        graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk load, restoring its state after.

    The store only gains live objects here, yet each full collection re-scans all of them:
    pausing made 1.35M triples 1.8x faster (25.7 s vs 42.8-49.4 s, benchmarks/bench_model.py)
    and changed nothing measurable below 200k triples. Nothing cyclic is freed meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Terms:
    """IRIs and literals of one build, memoised: values repeat a lot (offsets, scores, papers).

    Sharing one term object per value also keeps the store smaller.
    """

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri
        self._papers: dict[PaperId, URIRef] = {}
        self._concepts: dict[ConceptId, URIRef] = {}
        self._agents: dict[str, URIRef] = {}
        self._literals: dict[tuple[object, type], Literal] = {}
        self.new_agents: list[tuple[str, URIRef]] = []
        self._seen: set[object] = set()

    def first(self, key: object) -> bool:
        """True the first time ``key`` is seen in this build."""
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def paper(self, pid: PaperId) -> URIRef:
        iri = self._papers.get(pid)
        if iri is None:
            iri = self._papers[pid] = URIRef(paper_iri(self.base, pid))
        return iri

    def concept(self, cid: ConceptId) -> URIRef:
        iri = self._concepts.get(cid)
        if iri is None:
            iri = self._concepts[cid] = URIRef(concept_iri(self.base, cid))
        return iri

    def agent(self, name: str) -> URIRef:
        iri = self._agents.get(name)
        if iri is None:
            iri = self._agents[name] = URIRef(extractor_iri(self.base, name))
            self.new_agents.append((name, iri))
        return iri

    def literal(self, value: str | float) -> Literal:
        # The type is part of the key: 1, 1.0 and True are equal in Python but not in RDF.
        key = (value, type(value))
        term = self._literals.get(key)
        if term is None:
            if isinstance(value, float):
                term = Literal(value, datatype=XSD.double)
            else:
                term = Literal(value)
            self._literals[key] = term
        return term


def _mentioned_concepts(corpus: Corpus) -> dict[ConceptId, Concept]:
    """Concepts of the corpus that some mention links to, in corpus order."""
    linked = {m.concept_id for m in corpus.mentions if m.concept_id is not None}
    return {c.id: c for c in corpus.concepts if c.id in linked}


def _paper_triples(paper: Paper, terms: _Terms) -> Iterator[Triple]:
    s = terms.paper(paper.id)
    yield s, RDF.type, KG.Paper
    yield s, DCTERMS.identifier, Literal(paper.id)
    yield s, DCTERMS.title, Literal(paper.title)
    yield s, KG.isStub, _TRUE if paper.is_stub else _FALSE
    if paper.abstract:
        yield s, DCTERMS.abstract, Literal(paper.abstract)
    if paper.year is not None:
        yield s, DCTERMS.issued, _year_literal(paper.year)
    if paper.date:
        yield s, DCTERMS.date, _date_literal(paper.date)
    for prop, value in (
        (KG.doi, paper.doi),
        (KG.arxivId, paper.arxiv),
        (KG.pmid, paper.pmid),
        (KG.s2PaperId, paper.s2_id),
    ):
        if value:
            yield s, prop, Literal(value)
    for author in paper.authors:
        person = URIRef(author_iri(terms.base, author))
        yield s, DCTERMS.creator, person
        # Authors and venues recur across papers: describe each (name variant) once.
        if terms.first(author):
            yield person, RDF.type, FOAF.Person
            yield person, FOAF.name, Literal(author.name)
            if author.s2_id:
                yield person, KG.s2AuthorId, Literal(author.s2_id)
    if paper.venue:
        venue = URIRef(venue_iri(terms.base, paper.venue))
        yield s, KG.publishedIn, venue
        if terms.first(("venue", paper.venue)):
            yield venue, RDF.type, KG.Venue
            yield venue, RDFS.label, Literal(paper.venue)
    for prop, count in (
        (KG.authorCount, paper.author_count),
        (KG.citationCount, paper.citation_count),
        (KG.referenceCount, paper.reference_count),
        (KG.influentialCitationCount, paper.influential_citation_count),
    ):
        if count is not None:
            yield s, prop, terms.literal(count)
    for field_name in paper.fields_of_study:
        yield s, KG.fieldOfStudy, terms.literal(field_name)
    if paper.open_access_pdf:
        yield s, KG.openAccessPdf, Literal(paper.open_access_pdf, datatype=XSD.anyURI)
    for source in paper.sources:
        yield s, KG.sourceRecord, Literal(f"{source.path}:{source.line}")


def _mention_triples(
    mentions: Iterable[Mention], concepts: Mapping[ConceptId, Concept], terms: _Terms
) -> Iterator[Triple]:
    linked: set[tuple[PaperId, ConceptId]] = set()
    for m in mentions:
        paper = terms.paper(m.paper_id)
        s = URIRef(mention_iri(terms.base, m.paper_id, m.start, m.end))
        yield paper, KG.hasMention, s
        yield s, RDF.type, KG.Mention
        yield s, KG.inPaper, paper
        yield s, PROV.wasDerivedFrom, paper
        yield s, KG.entityType, terms.literal(m.label.value)
        yield s, KG.startOffset, terms.literal(m.start)
        yield s, KG.endOffset, terms.literal(m.end)
        yield s, KG.surfaceText, terms.literal(m.text)
        yield s, KG.score, terms.literal(float(m.score))
        yield s, PROV.wasAttributedTo, terms.agent(m.extractor)
        if m.concept_id is None:
            continue
        # A concept id the corpus does not describe still gets kg:denotes, so validation
        # names the mention instead of the link silently vanishing.
        yield s, KG.denotes, terms.concept(m.concept_id)
        concept = concepts.get(m.concept_id)
        if concept is not None and (m.paper_id, m.concept_id) not in linked:
            linked.add((m.paper_id, m.concept_id))
            target = terms.concept(concept.id)
            yield paper, KG.mentions, target
            yield paper, USES_PROPERTIES[concept.type], target
    for name, agent in terms.new_agents:
        yield agent, RDF.type, KG.Extractor
        yield agent, RDF.type, PROV.SoftwareAgent
        yield agent, RDFS.label, Literal(name)


def _concept_triples(concept: Concept, terms: _Terms) -> Iterator[Triple]:
    s = terms.concept(concept.id)
    yield s, RDF.type, CONCEPT_CLASSES[concept.type]
    yield s, RDF.type, SKOS.Concept
    yield s, SKOS.prefLabel, Literal(concept.label)
    for alt in concept.alt_labels:
        yield s, SKOS.altLabel, Literal(alt)
    for notation in concept.notations:
        yield s, SKOS.notation, Literal(notation)
    for match in concept.exact_matches:
        yield s, SKOS.exactMatch, URIRef(match)
    if concept.scheme:
        scheme = URIRef(scheme_iri(terms.base, concept.scheme))
        yield s, SKOS.inScheme, scheme
        if terms.first(("scheme", concept.scheme)):
            yield scheme, RDF.type, SKOS.ConceptScheme
            yield scheme, RDFS.label, Literal(concept.scheme)
    yield s, KG.inVocabulary, _TRUE if concept.in_vocabulary else _FALSE


def _citation_triples(citation: Citation, terms: _Terms) -> Iterator[Triple]:
    citing = terms.paper(citation.citing)
    cited = terms.paper(citation.cited)
    s = URIRef(citation_iri(terms.base, citation.citing, citation.cited))
    yield citing, CITO.cites, cited
    yield s, RDF.type, CITO.Citation
    yield s, CITO.hasCitingEntity, citing
    yield s, CITO.hasCitedEntity, cited
    for intent in citation.intents:
        prop = INTENT_PROPERTIES.get(intent.strip().lower())
        if prop is None:
            logger.warning("ignored unknown Semantic Scholar citation intent %r", intent)
            continue
        yield citing, prop, cited
        yield s, CITO.hasCitationCharacterization, prop
    for context in citation.contexts:
        yield s, KG.citationContext, Literal(context)
    if citation.is_influential is not None:
        yield s, KG.isInfluential, _TRUE if citation.is_influential else _FALSE
    yield s, DCTERMS.source, terms.literal(citation.source)
    if citation.retrieved:
        yield s, PROV.generatedAtTime, _datetime_literal(citation.retrieved)


def _year_literal(year: int) -> Literal:
    # xsd:gYear needs at least four digits; anything else stays a plain literal so that
    # validation reports the paper rather than rdflib logging a conversion error.
    if 1 <= year <= 9999:
        return Literal(f"{year:04d}", datatype=XSD.gYear)
    return Literal(str(year))


def _date_literal(value: str) -> Literal:
    """The most precise XSD date type that fits ``value``; a plain literal if none does."""
    if _FULL_DATE.match(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            return Literal(value)
        return Literal(value, datatype=XSD.date)
    if _YEAR_MONTH.match(value):
        return Literal(value, datatype=XSD.gYearMonth)
    if _YEAR.match(value):
        return Literal(value, datatype=XSD.gYear)
    return Literal(value)


def _datetime_literal(value: str) -> Literal:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return Literal(value)
    return Literal(value, datatype=XSD.dateTime)
