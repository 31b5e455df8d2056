"""RDF namespaces: the kg ontology's terms, mirrored from ``ontology/kg.ttl``, and the
external vocabularies kg reuses. ``tests/test_ontology.py`` keeps the mirror in step.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

CITO = Namespace("http://purl.org/spar/cito/")
FABIO = Namespace("http://purl.org/spar/fabio/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
SH = Namespace("http://www.w3.org/ns/shacl#")
ONTOLOGY_IRI = "https://w3id.org/neurokg/ontology"


class KG(DefinedNamespace):
    """Terms of the kg ontology (mirror of ontology/kg.ttl; see tests/test_ontology.py)."""

    _NS = Namespace("https://w3id.org/neurokg/ontology#")
    _fail = True

    # Classes
    Paper: URIRef  # A scholarly paper (subclass of fabio:ScholarlyWork).
    Venue: URIRef  # A journal, conference or repository a paper appears in.
    Concept: URIRef  # A linked entity concept (subclass of skos:Concept).
    Method: URIRef  # A named method, algorithm, architecture or learning rule.
    Dataset: URIRef  # A named dataset, benchmark or corpus.
    BrainRegion: URIRef  # An anatomical brain structure.
    Hardware: URIRef  # A computing hardware platform, chip or device technology.
    Mention: URIRef  # A span of a paper's text that denotes a concept.
    Extractor: URIRef  # The software agent that produced a mention.

    # Paper -> Concept
    mentions: URIRef  # The paper mentions the concept (super-property of the four below).
    usesMethod: URIRef
    usesDataset: URIRef
    studiesRegion: URIRef
    usesHardware: URIRef

    # Paper and bibliographic data
    hasMention: URIRef  # Paper -> Mention.
    publishedIn: URIRef  # Paper -> Venue.
    doi: URIRef
    arxivId: URIRef
    pmid: URIRef
    s2PaperId: URIRef
    authorCount: URIRef
    isStub: URIRef  # True for a paper outside the corpus (cited or citing only).
    sourceRecord: URIRef  # "path:line" of the input record.
    fieldOfStudy: URIRef
    citationCount: URIRef
    referenceCount: URIRef
    influentialCitationCount: URIRef
    openAccessPdf: URIRef
    s2AuthorId: URIRef  # foaf:Person -> Semantic Scholar author id.

    # Citation (a cito:Citation resource carries S2's annotations of one cites edge)
    citationContext: URIRef
    isInfluential: URIRef

    # Mention
    inPaper: URIRef  # Mention -> Paper.
    denotes: URIRef  # Mention -> Concept.
    entityType: URIRef  # Mention -> "METHOD" | "DATASET" | "BRAIN_REGION" | "HARDWARE".
    startOffset: URIRef
    endOffset: URIRef
    surfaceText: URIRef
    score: URIRef

    # Concept
    inVocabulary: URIRef  # False for concepts minted from the text itself.


#: Prefixes bound in every graph kg writes, and offered to ad-hoc SPARQL queries.
PREFIXES: dict[str, Namespace] = {
    "kg": Namespace(str(KG)),
    "cito": CITO,
    "dcterms": Namespace(str(DCTERMS)),
    "fabio": FABIO,
    "foaf": Namespace(str(FOAF)),
    "obo": OBO,
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "skos": Namespace(str(SKOS)),
    "xsd": Namespace(str(XSD)),
}


def bind_prefixes(graph: Graph, base_iri: str | None = None) -> Graph:
    """Bind exactly kg's prefixes (and ``id:`` for the instance base) on ``graph``."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    if base_iri is not None:
        graph.bind("id", Namespace(base_iri), override=True, replace=True)
    return graph
