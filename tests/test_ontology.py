"""ontology/: kg.ttl declares exactly kg.vocab.KG, shapes.ttl and context.jsonld agree with it,
and the runtime copies under kg/data/ontology/ are byte-identical to the sources."""

from __future__ import annotations

import json
from importlib import resources
from itertools import combinations
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.models import EntityType
from kg.rdf import CONCEPT_CLASSES, USES_PROPERTIES
from kg.vocab import FABIO, KG, ONTOLOGY_IRI, PREFIXES

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
FILES = ("kg.ttl", "shapes.ttl", "context.jsonld")
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")


def kg_terms() -> set[URIRef]:
    return set(dir(KG))


def test_ontology_header(ontology: Graph) -> None:
    o = URIRef(ONTOLOGY_IRI)
    assert (o, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(o, OWL.versionInfo) is not None
    assert ontology.value(o, DCTERMS.title) is not None
    assert isinstance(ontology.value(o, DCTERMS.license), URIRef)
    assert ontology.value(o, OWL.versionIRI) == URIRef(
        f"{ONTOLOGY_IRI}/{ontology.value(o, OWL.versionInfo)}"
    )


def test_vocab_mirrors_the_ontology(ontology: Graph) -> None:
    declared = {
        s
        for kind in DECLARATIONS
        for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and s.startswith(str(KG))
    }
    mentioned = {
        t for triple in ontology for t in triple if isinstance(t, URIRef) and t.startswith(str(KG))
    }
    only_ttl, only_py = sorted(declared - kg_terms()), sorted(kg_terms() - declared)
    assert declared == kg_terms(), f"only in kg.ttl: {only_ttl}; only in kg/vocab.py: {only_py}"
    assert mentioned <= declared, f"used in kg.ttl but not declared: {sorted(mentioned - declared)}"


@pytest.mark.parametrize("term", sorted(dir(KG)), ids=lambda t: t.fragment)
def test_every_term_has_one_label_and_one_comment(ontology: Graph, term: URIRef) -> None:
    labels = list(ontology.objects(term, RDFS.label))
    comments = list(ontology.objects(term, RDFS.comment))
    assert len(labels) == 1 and len(comments) == 1, term
    assert all(isinstance(x, Literal) and len(str(x).strip()) > 2 for x in labels + comments)


@pytest.mark.parametrize("term", sorted(dir(KG)), ids=lambda t: t.fragment)
def test_every_property_has_a_domain_and_a_range(ontology: Graph, term: URIRef) -> None:
    kinds = set(ontology.objects(term, RDF.type))
    if kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}:
        assert ontology.value(term, RDFS.domain) is not None
        assert ontology.value(term, RDFS.range) is not None
        if OWL.DatatypeProperty in kinds:
            assert str(ontology.value(term, RDFS.range)).startswith(str(XSD))


def test_reused_vocabularies_anchor_the_classes(ontology: Graph) -> None:
    expected = {
        (KG.Paper, FABIO.ScholarlyWork),
        (KG.Extractor, PROV.SoftwareAgent),
        (KG.Mention, PROV.Entity),
        (KG.Concept, SKOS.Concept),
        *((cls, KG.Concept) for cls in CONCEPT_CLASSES.values()),
    }
    assert expected <= set(ontology.subject_objects(RDFS.subClassOf))
    assert ontology.value(KG.s2AuthorId, RDFS.domain) == FOAF.Person


def test_entity_classes_are_pairwise_disjoint(ontology: Graph) -> None:
    classes = list(CONCEPT_CLASSES.values())
    assert len(classes) == len(EntityType) == 4
    for a, b in combinations(classes, 2):
        assert (a, OWL.disjointWith, b) in ontology or (b, OWL.disjointWith, a) in ontology, (a, b)


def test_typed_links_are_sub_properties_of_mentions_with_matching_ranges(ontology: Graph) -> None:
    for entity_type, prop in USES_PROPERTIES.items():
        assert (prop, RDFS.subPropertyOf, KG.mentions) in ontology
        assert ontology.value(prop, RDFS.range) == CONCEPT_CLASSES[entity_type]
        assert ontology.value(prop, RDFS.domain) == KG.Paper


def test_shapes_only_use_declared_kg_terms(shapes: Graph) -> None:
    used = {
        t for triple in shapes for t in triple if isinstance(t, URIRef) and t.startswith(str(KG))
    }
    assert used and used <= kg_terms(), sorted(used - kg_terms())


def test_context_maps_every_term_and_prefix(ontology: Graph) -> None:
    context = json.loads((ONTOLOGY / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    for prefix, namespace in PREFIXES.items():
        assert context[prefix] == str(namespace)
    terms = {name: value for name, value in context.items() if name not in PREFIXES}
    assert {f"kg:{name}" for name in terms} == {f"kg:{t.fragment}" for t in kg_terms()}
    for name, value in terms.items():
        term = KG[name]
        kinds = set(ontology.objects(term, RDF.type))
        if OWL.ObjectProperty in kinds:
            assert value == {"@id": f"kg:{name}", "@type": "@id"}, name
        elif ontology.value(term, RDFS.range) == XSD.anyURI:
            assert value == {"@id": f"kg:{name}", "@type": "xsd:anyURI"}, name
        else:
            # Strings, numbers and booleans stay native JSON, which JSON-LD maps to the
            # right XSD type; coercing them would turn true into "true".
            assert value == f"kg:{name}", name


@pytest.mark.parametrize("name", FILES)
def test_runtime_copy_is_identical(name: str) -> None:
    source = (ONTOLOGY / name).read_bytes()
    packaged = resources.files("kg").joinpath(f"data/ontology/{name}").read_bytes()
    assert packaged == source, (
        f"kg/data/ontology/{name} differs from ontology/{name}; after editing ontology/, run: "
        f"cp ontology/{{kg.ttl,shapes.ttl,context.jsonld}} kg/data/ontology/"
    )
