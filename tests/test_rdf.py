"""kg.rdf.to_rdf: the canonical graph, checked against docs/data-model.md and a golden file."""

from __future__ import annotations

import difflib
import gc
import json
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from kg.ids import DEFAULT_BASE_IRI, concept_iri, mention_iri, paper_iri
from kg.models import Author, Citation, Corpus, EntityType, Mention, Paper, PaperId
from kg.rdf import CONCEPT_CLASSES, INTENT_PROPERTIES, USES_PROPERTIES, to_rdf
from kg.vocab import CITO, KG, PREFIXES
from tests.model_corpus import (
    HIPPOCAMPUS,
    HOSTILE_TITLE,
    LOIHI,
    MINTED,
    MNIST,
    P_ARXIV,
    P_DOI,
    P_LOCAL,
    P_STUB,
    SNN,
    UNMENTIONED,
    small_corpus,
)

GOLDEN = Path(__file__).parent / "golden" / "small_corpus.nt"
CONTEXT = Path(__file__).resolve().parent.parent / "ontology" / "context.jsonld"
BASE = DEFAULT_BASE_IRI


@pytest.fixture(scope="module")
def graph() -> Graph:
    return to_rdf(small_corpus())


def paper(pid: PaperId) -> URIRef:
    return URIRef(paper_iri(BASE, pid))


def concept(c: object) -> URIRef:
    return URIRef(concept_iri(BASE, c.id))  # type: ignore[attr-defined]


def sorted_ntriples(g: Graph) -> str:
    lines = g.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


# -- golden file and serialisation ---------------------------------------------------------


def test_matches_golden_ntriples(graph: Graph, update_golden: bool) -> None:
    actual = sorted_ntriples(graph)
    if update_golden:
        GOLDEN.write_text(actual, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8") if GOLDEN.exists() else ""
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=str(GOLDEN),
                tofile="to_rdf(small_corpus())",
            )
        )
        hint = "pytest --update-golden rewrites it"
        pytest.fail(f"to_rdf output differs from the golden file ({hint}):\n{diff}")


def test_two_builds_give_byte_identical_turtle() -> None:
    first = to_rdf(small_corpus()).serialize(format="turtle")
    second = to_rdf(small_corpus()).serialize(format="turtle")
    assert first == second


def test_no_blank_nodes(graph: Graph) -> None:
    blank = [t for t in graph if any(isinstance(term, BNode) for term in t)]
    assert blank == []


def test_turtle_round_trip_is_isomorphic_and_declares_our_prefixes(graph: Graph) -> None:
    text = graph.serialize(format="turtle")
    parsed = Graph().parse(data=text, format="turtle")
    assert isomorphic(parsed, graph)
    for prefix in ("kg", "cito", "dcterms", "skos", "prov", "xsd"):
        assert f"@prefix {prefix}: <{PREFIXES[prefix]}>" in text


def test_binds_exactly_kg_prefixes_and_the_instance_base(graph: Graph) -> None:
    bound = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    assert bound == {**{p: str(ns) for p, ns in PREFIXES.items()}, "id": BASE}


# rdflib 7.6's JSON-LD parser still builds a ConjunctiveGraph internally (third-party noise).
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_jsonld_round_trip_with_the_packaged_context_is_isomorphic(graph: Graph) -> None:
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    text = graph.serialize(format="json-ld", context=context)
    assert isomorphic(Graph().parse(data=text, format="json-ld"), graph)


def test_hostile_title_survives_as_one_plain_literal(graph: Graph) -> None:
    titles = list(graph.objects(paper(P_DOI.id), DCTERMS.title))
    assert titles == [Literal(HOSTILE_TITLE)]
    assert titles[0].datatype is None and titles[0].language is None
    reparsed = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    assert reparsed.value(paper(P_DOI.id), DCTERMS.title) == Literal(HOSTILE_TITLE)


# -- base IRI ------------------------------------------------------------------------------


def test_base_iri_is_honoured() -> None:
    base = "http://example.org/kg#"
    g = to_rdf(small_corpus(), base_iri=base)
    instances = (
        {t for triple in g for t in triple if isinstance(t, URIRef)}
        - set(g.predicates())
        - set(g.objects(None, RDF.type))
        - set(g.objects(None, CITO.hasCitationCharacterization))
    )
    outside = {str(i) for i in instances if not str(i).startswith(base)}
    assert outside == {"http://purl.obolibrary.org/obo/UBERON_0002421"}  # an exactMatch, not ours
    assert dict(g.namespaces())["id"] == URIRef(base)


@pytest.mark.parametrize(
    "base",
    [
        pytest.param("https://example.org/kg", id="no-trailing-slash"),
        pytest.param("example.org/kg/", id="not-absolute"),
        pytest.param("", id="empty"),
    ],
)
def test_invalid_base_iri_is_rejected(base: str) -> None:
    with pytest.raises(ValueError, match="must be an absolute IRI ending with '/' or '#'"):
        to_rdf(small_corpus(), base_iri=base)


# -- papers --------------------------------------------------------------------------------


def test_paper_fields_follow_the_data_model(graph: Graph) -> None:
    p = paper(P_DOI.id)
    expected = {
        (RDF.type, KG.Paper),
        (DCTERMS.identifier, Literal("doi:10.1038/nn.4238")),
        (DCTERMS.issued, Literal("2016", datatype=XSD.gYear)),
        (DCTERMS.date, Literal("2016-03-01", datatype=XSD.date)),
        (KG.doi, Literal("10.1038/nn.4238")),
        (KG.s2PaperId, Literal(P_DOI.s2_id)),
        (KG.fieldOfStudy, Literal("Biology")),
        (KG.fieldOfStudy, Literal("Computer Science")),
        (KG.citationCount, Literal(12)),
        (KG.referenceCount, Literal(40)),
        (KG.influentialCitationCount, Literal(2)),
        (KG.openAccessPdf, Literal("https://example.org/nn.4238.pdf", datatype=XSD.anyURI)),
        (KG.isStub, Literal(False)),
        (KG.sourceRecord, Literal("examples/abstracts.jsonl:1")),
        (KG.sourceRecord, Literal("more/papers.csv:7")),
    }
    assert expected <= set(graph.predicate_objects(p))
    assert graph.value(p, KG.arxivId) is None and graph.value(p, KG.authorCount) is None


def test_papers_without_doi_or_names_only_state_what_is_known(graph: Graph) -> None:
    arxiv, local = paper(P_ARXIV.id), paper(P_LOCAL.id)
    assert graph.value(arxiv, KG.arxivId) == Literal("2101.00001")
    assert graph.value(arxiv, KG.doi) is None
    assert graph.value(arxiv, DCTERMS.date) == Literal("2021-01", datatype=XSD.gYearMonth)
    assert graph.value(local, KG.authorCount) == Literal(3)
    assert graph.value(local, DCTERMS.creator) is None
    assert graph.value(local, DCTERMS.issued) is None
    assert str(local) == f"{BASE}paper/title/0123456789abcdef"


def test_stub_paper_is_marked(graph: Graph) -> None:
    stub = paper(P_STUB.id)
    assert graph.value(stub, KG.isStub) == Literal(True)
    assert graph.value(stub, DCTERMS.abstract) is None


def test_authors_are_persons_keyed_by_s2_id_or_name(graph: Graph) -> None:
    jane = URIRef(f"{BASE}author/s2/2262347")
    emile = URIRef(f"{BASE}author/emile-zola")
    assert set(graph.objects(paper(P_DOI.id), DCTERMS.creator)) == {jane, emile}
    assert jane in set(graph.objects(paper(P_ARXIV.id), DCTERMS.creator))  # one IRI, two papers
    assert set(graph.predicate_objects(jane)) == {
        (RDF.type, FOAF.Person),
        (FOAF.name, Literal("Jane Doe")),
        (KG.s2AuthorId, Literal("2262347")),
    }
    assert set(graph.predicate_objects(emile)) == {
        (RDF.type, FOAF.Person),
        (FOAF.name, Literal("\u00c9mile Zola")),
    }


def test_venue_is_a_labelled_resource(graph: Graph) -> None:
    venue = graph.value(paper(P_DOI.id), KG.publishedIn)
    assert venue == URIRef(f"{BASE}venue/nature-neuroscience")
    assert set(graph.predicate_objects(venue)) == {
        (RDF.type, KG.Venue),
        (RDFS.label, Literal("Nature Neuroscience")),
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2023-10-09", Literal("2023-10-09", datatype=XSD.date), id="date"),
        pytest.param("2023-10", Literal("2023-10", datatype=XSD.gYearMonth), id="year-month"),
        pytest.param("2023", Literal("2023", datatype=XSD.gYear), id="year"),
        pytest.param("2023-02-30", Literal("2023-02-30"), id="impossible-date-stays-plain"),
        pytest.param("last spring", Literal("last spring"), id="free-text-stays-plain"),
    ],
)
def test_date_gets_the_most_precise_datatype(value: str, expected: Literal) -> None:
    g = to_rdf(Corpus(papers=(Paper(id=PaperId("id:1"), title="T", date=value),)))
    assert list(g.objects(None, DCTERMS.date)) == [expected]


# -- mentions and concepts -----------------------------------------------------------------


def test_mention_carries_offsets_and_provenance(graph: Graph) -> None:
    m = next(m for m in small_corpus().mentions if m.extractor != "gazetteer")
    s = URIRef(mention_iri(BASE, m.paper_id, m.start, m.end))
    agent = URIRef(f"{BASE}agent/spacy-en-core-sci-sm")
    assert set(graph.predicate_objects(s)) == {
        (RDF.type, KG.Mention),
        (KG.inPaper, paper(P_DOI.id)),
        (PROV.wasDerivedFrom, paper(P_DOI.id)),
        (KG.denotes, concept(HIPPOCAMPUS)),
        (KG.entityType, Literal("BRAIN_REGION")),
        (KG.startOffset, Literal(m.start)),
        (KG.endOffset, Literal(m.end)),
        (KG.surfaceText, Literal("hippocampus")),
        (KG.score, Literal(0.85, datatype=XSD.double)),
        (PROV.wasAttributedTo, agent),
    }
    assert (paper(P_DOI.id), KG.hasMention, s) in graph
    assert set(graph.objects(agent, RDF.type)) == {KG.Extractor, PROV.SoftwareAgent}
    assert graph.value(agent, RDFS.label) == Literal("spacy:en_core_sci_sm")


def test_one_agent_per_distinct_extractor(graph: Graph) -> None:
    assert len(set(graph.subjects(RDF.type, KG.Extractor))) == 2


def test_surface_text_is_the_document_span(graph: Graph) -> None:
    documents = {paper(p.id): p.document for p in small_corpus().papers}
    for m in graph.subjects(RDF.type, KG.Mention):
        start = graph.value(m, KG.startOffset).toPython()
        end = graph.value(m, KG.endOffset).toPython()
        text = documents[graph.value(m, KG.inPaper)]
        assert text[start:end] == str(graph.value(m, KG.surfaceText))


def test_unlinked_mention_has_no_denotes_and_adds_no_link(graph: Graph) -> None:
    unlinked = [
        m for m in graph.subjects(RDF.type, KG.Mention) if graph.value(m, KG.denotes) is None
    ]
    assert [str(graph.value(m, KG.surfaceText)) for m in unlinked] == ["digits"]
    assert len(set(graph.objects(paper(P_ARXIV.id), KG.mentions))) == 3  # MNIST, SNN, minted


def test_typed_links_follow_the_concept_type(graph: Graph) -> None:
    links = {(p, c) for p, c in graph.subject_objects(KG.mentions)}
    for c in (SNN, LOIHI, HIPPOCAMPUS, MNIST, MINTED):
        typed = set(graph.subject_objects(USES_PROPERTIES[c.type]))
        papers_of_c = {p for p, o in links if o == concept(c)}
        assert papers_of_c and {(p, concept(c)) for p in papers_of_c} <= typed
    assert set(graph.objects(paper(P_DOI.id), KG.usesHardware)) == {concept(LOIHI)}
    assert set(graph.objects(paper(P_DOI.id), KG.studiesRegion)) == {concept(HIPPOCAMPUS)}
    assert set(graph.objects(paper(P_ARXIV.id), KG.usesDataset)) == {concept(MNIST)}
    assert set(graph.objects(paper(P_ARXIV.id), KG.usesMethod)) == {concept(SNN), concept(MINTED)}


def test_concepts_are_typed_skos_concepts_with_their_labels(graph: Graph) -> None:
    c = concept(HIPPOCAMPUS)
    assert set(graph.objects(c, RDF.type)) == {KG.BrainRegion, SKOS.Concept}
    assert graph.value(c, SKOS.prefLabel) == Literal("hippocampus")
    assert set(graph.objects(c, SKOS.notation)) == {Literal("UBERON:0002421"), Literal("MBA:1080")}
    assert graph.value(c, SKOS.exactMatch) == URIRef(
        "http://purl.obolibrary.org/obo/UBERON_0002421"
    )
    scheme = URIRef(f"{BASE}scheme/uberon-brain")
    assert graph.value(c, SKOS.inScheme) == scheme
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    assert graph.value(c, KG.inVocabulary) == Literal(True)
    assert set(graph.objects(concept(SNN), SKOS.altLabel)) == {
        Literal("SNN"),
        Literal("spiking networks"),
    }


def test_minted_concept_has_no_scheme_and_is_out_of_vocabulary(graph: Graph) -> None:
    c = concept(MINTED)
    assert graph.value(c, SKOS.inScheme) is None
    assert graph.value(c, KG.inVocabulary) == Literal(False)


def test_only_mentioned_concepts_are_in_the_graph(graph: Graph) -> None:
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert concepts == {concept(c) for c in (SNN, LOIHI, HIPPOCAMPUS, MNIST, MINTED)}
    assert (concept(UNMENTIONED), None, None) not in graph
    assert set(CONCEPT_CLASSES) == set(EntityType) == set(USES_PROPERTIES)


def test_mention_of_an_undescribed_concept_keeps_denotes_only() -> None:
    pid = PaperId("id:1")
    corpus = Corpus(
        papers=(Paper(id=pid, title="Loihi"),),
        mentions=(Mention(pid, 0, 5, "Loihi", EntityType.HARDWARE, LOIHI.id),),
    )
    g = to_rdf(corpus)
    assert list(g.objects(None, KG.denotes)) == [concept(LOIHI)]
    assert g.value(paper(pid), KG.mentions) is None
    assert (concept(LOIHI), None, None) not in g


# -- citations -----------------------------------------------------------------------------


def test_citation_edges_and_cito_properties_per_intent(graph: Graph) -> None:
    doi, stub, arxiv, local = (paper(p.id) for p in (P_DOI, P_STUB, P_ARXIV, P_LOCAL))
    assert set(graph.subject_objects(CITO.cites)) == {(doi, stub), (arxiv, doi), (local, doi)}
    assert (doi, CITO.usesMethodIn, stub) in graph
    assert (doi, CITO.obtainsBackgroundFrom, stub) in graph
    assert (arxiv, CITO.citesAsEvidence, doi) in graph
    assert set(graph.predicates(local, doi)) == {CITO.cites}


def test_citation_resource_carries_s2_annotations(graph: Graph) -> None:
    c = URIRef(f"{BASE}citation/doi/10.1038%2Fnn.4238/doi/10.1000%2Fcited.stub")
    assert set(graph.predicate_objects(c)) == {
        (RDF.type, CITO.Citation),
        (CITO.hasCitingEntity, paper(P_DOI.id)),
        (CITO.hasCitedEntity, paper(P_STUB.id)),
        (CITO.hasCitationCharacterization, CITO.usesMethodIn),
        (CITO.hasCitationCharacterization, CITO.obtainsBackgroundFrom),
        (KG.citationContext, Literal("We follow the method of [12].")),
        (KG.citationContext, Literal('As "shown" in [12]\nbefore.')),
        (KG.isInfluential, Literal(True)),
        (DCTERMS.source, Literal("semantic-scholar")),
        (PROV.generatedAtTime, Literal("2026-11-23T10:00:00Z", datatype=XSD.dateTime)),
    }


def test_citation_without_annotations_has_no_optional_fields(graph: Graph) -> None:
    c = URIRef(f"{BASE}citation/title/0123456789abcdef/doi/10.1038%2Fnn.4238")
    predicates = set(graph.predicates(c))
    assert KG.isInfluential not in predicates and PROV.generatedAtTime not in predicates
    assert CITO.hasCitationCharacterization not in predicates


def test_intent_mapping_is_case_insensitive_and_unknown_intents_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    a, b = PaperId("id:a"), PaperId("id:b")
    corpus = Corpus(
        papers=(Paper(id=a, title="A"), Paper(id=b, title="B")),
        citations=(Citation(a, b, intents=("Methodology", "resultComparison")),),
    )
    with caplog.at_level(logging.WARNING, logger="kg.rdf"):
        g = to_rdf(corpus)
    assert set(g.predicates(paper(a), paper(b))) == {CITO.cites, CITO.usesMethodIn}
    assert "resultComparison" in caplog.text
    assert set(INTENT_PROPERTIES) == {"methodology", "background", "result"}


# -- property test -------------------------------------------------------------------------

_hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\"'<>&\\\n\r\t{}@#:;.,")),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    min_size=1,
    max_size=40,
)


@st.composite
def corpora(draw: st.DrawFn) -> Corpus:
    papers = []
    for n in range(draw(st.integers(min_value=1, max_value=4))):
        title = draw(_hostile_text)
        abstract = draw(st.one_of(st.just(""), _hostile_text))
        authors = tuple(Author(name) for name in draw(st.lists(_hostile_text, max_size=2)))
        venue = draw(st.one_of(st.none(), _hostile_text))
        papers.append(
            Paper(
                id=PaperId(f"id:{n}<{title[:3]}>"),
                title=title,
                abstract=abstract,
                authors=authors,
                venue=venue,
            )
        )
    mentions = []
    for p in papers:
        document = p.document
        start = draw(st.integers(min_value=0, max_value=len(document) - 1))
        end = draw(st.integers(min_value=start + 1, max_value=len(document)))
        mentions.append(
            Mention(p.id, start, end, document[start:end], draw(st.sampled_from(list(EntityType))))
        )
    return Corpus(papers=tuple(papers), mentions=tuple(mentions))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=corpora())
def test_turtle_round_trip_is_isomorphic_for_any_text(corpus: Corpus) -> None:
    g = to_rdf(corpus)
    parsed = Graph().parse(data=g.serialize(format="turtle"), format="turtle")
    assert isomorphic(parsed, g)


def test_garbage_collector_state_is_restored() -> None:
    assert gc.isenabled()
    to_rdf(small_corpus())
    assert gc.isenabled()
    gc.disable()
    try:
        to_rdf(small_corpus())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_garbage_collector_is_restored_when_the_build_fails() -> None:
    broken = Corpus(papers=(Paper(id=PaperId("id:1"), title="T", year="1999"),))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        to_rdf(broken)
    assert gc.isenabled()
