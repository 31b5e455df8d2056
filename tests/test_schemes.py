"""Concept-scheme and gazetteer generation (kg.schemes): merging, pattern rules, SKOS
well-formedness, determinism, and the committed files against the shared sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.errors import VocabularyError
from kg.gazetteer import parse_gazetteer
from kg.ids import DEFAULT_BASE_IRI, concept_iri
from kg.models import ConceptId
from kg.schemes import VocabularyBuild, generate_vocabulary, write_vocabulary
from kg.vocab import KG
from tests.conftest import ROOT, SHARED

VOCAB_DIR = ROOT / "ontology" / "vocab"
CURATED_DIR = VOCAB_DIR / "curated"
GAZETTEER_FILE = ROOT / "kg" / "data" / "gazetteer.jsonl"
SHARED_VOCAB = SHARED / "vocab"


def _uberon(
    uid: str, label: str, *synonyms: tuple[str, str, str | None], **extra: Any
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": uid,
        "label": label,
        "synonyms": [{"text": t, "scope": s, "type": ty, "src": "2022"} for t, s, ty in synonyms],
        "is_a": [],
        "part_of": [],
        "xrefs": [],
        "ancestors_2026": {"UBERON:0000955": 1},
        "deprecated": False,
    }
    record.update(extra)
    return record


def _allen(
    mid: str, acronym: str, name: str, uberon: list[str], path: list[str] | None = None
) -> dict[str, Any]:
    return {
        "id": mid,
        "acronym": acronym,
        "name": name,
        "parent": "MBA:8",
        "structure_id_path": path or ["MBA:997", "MBA:8", mid],
        "uberon": uberon,
    }


def _method(pid: str, name: str, full: str | None, papers: int) -> dict[str, Any]:
    return {
        "id": pid,
        "url": f"https://paperswithcode.com/method/{pid}",
        "name": name,
        "full_name": full,
        "num_papers": papers,
    }


def _dataset(pid: str, name: str, full: str | None = None) -> dict[str, Any]:
    return {
        "id": pid,
        "url": f"https://paperswithcode.com/dataset/{pid}",
        "name": name,
        "full_name": full,
        "variants": [],
    }


SOURCES: dict[str, list[dict[str, Any]]] = {
    "uberon-brain.jsonl": [
        _uberon(
            "UBERON:0002421",
            "hippocampal formation",
            ("hippocampus", "NARROW", None),
            ("hippocampus (Crosby)", "EXACT", None),
        ),
        _uberon(
            "UBERON:0003881",
            "CA1 field of hippocampus",
            ("CA1", "EXACT", None),
            ("CA1 field", "EXACT", None),
        ),
        _uberon("UBERON:0000411", "visual cortex", ("visual areas", "RELATED", None)),
        _uberon(
            "UBERON:0001894",
            "diencephalon",
            ("between brain", "EXACT", None),
            ("ec", "EXACT", None),
        ),
        _uberon("UBERON:0002240", "spinal cord", ancestors_2026={"UBERON:0001017": 1}),
        _uberon("UBERON:0007000", "cervical spinal segment", ancestors_2026={"UBERON:0002240": 1}),
        _uberon("UBERON:2000597", "old term", deprecated=True, replaced_by="UBERON:0000411"),
        _uberon("UBERON:0000005", "layer 1", ("Hp", "EXACT", "abbreviation")),
    ],
    "allen-mouse-structures.jsonl": [
        _allen("MBA:1089", "HPF", "Hippocampal formation", ["UBERON:0002421"]),
        _allen("MBA:382", "CA1", "Field CA1", ["UBERON:0003881"]),
        _allen("MBA:500", "SMT", "Submedial nucleus", []),
        _allen("MBA:1", "L1a", "Layer 1", []),
        _allen("MBA:31", "ACA", "Anterior cingulate area", ["UBERON:0000411", "UBERON:0002421"]),
        _allen("MBA:1009", "fiber tracts", "fiber tracts", [], ["MBA:997", "MBA:1009"]),
    ],
    "pwc-methods.jsonl": [
        _method("transformer", "Transformer", "Transformer", 3524),
        _method("lstm", "LSTM", "Long Short-Term Memory", 3881),
        _method("base", "BASE", "Balanced Selection", 474),
        _method("retrace", "Retrace", "Retrace", 18),
        _method("gts", "GTS", "Goal-Driven Tree-Structured Neural Model", 10),
        _method("rare-words", "Rare Words", "Rare Words", 3),
        _method("graph-convolutional-network", "Graph Convolutional Network", None, 566),
    ],
    "pwc-datasets.jsonl": [
        _dataset("cifar-10", "CIFAR-10"),
        _dataset("natural-questions", "Natural Questions"),
        _dataset("validation-dataset", "Validation dataset"),
        _dataset("kumar", "Kumar"),
        _dataset("red", "RED", "Real Embodied Dataset"),
        _dataset("tonic", "Tonic"),
    ],
    "neuromorphic-hardware.jsonl": [
        {
            "id": "onm-hardware:loihi-intel",
            "name": "Loihi",
            "names": ["Loihi", "Loihi by Intel"],
            "source_page": "https://open-neuromorphic.org/neuromorphic-computing/hardware/loihi-intel/",
        },
        {
            "id": "onm-hardware:speck-synsense",
            "name": "Speck",
            "names": ["Speck"],
            "source_page": None,
        },
    ],
    "neuromorphic-software.jsonl": [
        {"id": "onm-software:lava", "name": "Lava", "pypi_id": "lava-nc"},
        {"id": "onm-software:tonic", "name": "Tonic", "pypi_id": "tonic"},
        {"id": "onm-software:rust-snns", "name": "Rust SNNs", "pypi_id": None},
    ],
}

CURATED: dict[str, list[dict[str, Any]]] = {
    "brain-regions.jsonl": [
        {
            "type": "BRAIN_REGION",
            "label": "hippocampus",
            "synonyms": ["hippocampal"],
            "abbreviations": [],
            "source_ids": ["UBERON:0002421"],
            "note": "",
        },
        {
            "type": "BRAIN_REGION",
            "label": "visual cortex",
            "synonyms": [],
            "abbreviations": [],
            "source_ids": ["UBERON:2000597"],
            "note": "deprecated id: follows replaced_by",
        },
    ],
    "methods.jsonl": [
        {
            "type": "METHOD",
            "label": "spiking neural network",
            "synonyms": ["spiking network"],
            "abbreviations": ["SNN"],
            "source_ids": [],
            "note": "",
        },
        {
            "type": "METHOD",
            "label": "transformer",
            "synonyms": [],
            "abbreviations": [],
            "source_ids": ["pwc-method:transformer"],
            "note": "",
        },
    ],
    "hardware.jsonl": [
        {
            "type": "HARDWARE",
            "label": "SpiNNaker",
            "synonyms": [],
            "abbreviations": [],
            "source_ids": [],
            "note": "",
        },
        {
            "type": "HARDWARE",
            "label": "memristor",
            "synonyms": ["memristive device"],
            "abbreviations": [],
            "source_ids": [],
            "note": "",
        },
    ],
    "exclusions.jsonl": [
        {"text": "neural network", "note": ""},
        {"text": "PyTorch", "block": True, "note": ""},
        {"source_id": "pwc-dataset:kumar", "note": ""},
    ],
}


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def make_inputs(
    root: Path, *, curated: dict[str, list[dict[str, Any]]] | None = None
) -> tuple[Path, Path]:
    """Write the tiny source and curated directories used by most tests."""
    source, curated_dir = root / "vocab", root / "curated"
    source.mkdir()
    curated_dir.mkdir()
    for name, records in SOURCES.items():
        _write_jsonl(source / name, records)
    for name, records in (CURATED if curated is None else curated).items():
        _write_jsonl(curated_dir / name, records)
    (curated_dir / "english-words.txt").write_text(
        "# test words\nbase\nbetween\nbrain\nretrace\nnatural\nquestions\nvalidation\nrare\nwords\n"
        "balanced\nselection\nspeck\ntonic\n",
        encoding="utf-8",
    )
    (curated_dir / "common-words.txt").write_text("dataset\n", encoding="utf-8")
    return source, curated_dir


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> VocabularyBuild:
    source, curated = make_inputs(tmp_path_factory.mktemp("small"))
    return generate_vocabulary(source, curated)


@pytest.fixture(scope="module")
def small_graph(small: VocabularyBuild) -> Graph:
    graph = Graph()
    for _, text in small.schemes:
        graph.parse(data=text, format="turtle")
    return graph


def _concept(graph: Graph, cid: str) -> URIRef:
    return URIRef(concept_iri(DEFAULT_BASE_IRI, ConceptId(cid)))


def _patterns(build: VocabularyBuild) -> dict[str, dict[str, tuple[str, float]]]:
    gazetteer = parse_gazetteer(build.gazetteer)
    return {
        cid: {p.text: (p.attr, p.score) for p in e.patterns} for cid, e in gazetteer.entries.items()
    }


# -- merging and concept shape -----------------------------------------------------------


def test_uberon_and_one_to_one_allen_merge_into_one_concept(small_graph: Graph) -> None:
    hippocampus = _concept(small_graph, "brain-region/hippocampus")
    notations = {str(n) for n in small_graph.objects(hippocampus, SKOS.notation)}
    assert notations == {"UBERON:0002421", "MBA:1089"}
    assert (
        str(small_graph.value(hippocampus, SKOS.prefLabel)) == "hippocampus"
    )  # curated label wins
    assert URIRef("http://purl.obolibrary.org/obo/MBA_1089") in set(
        small_graph.objects(hippocampus, SKOS.exactMatch)
    )
    ca1 = _concept(small_graph, "brain-region/ca1-field-of-hippocampus")
    assert {str(n) for n in small_graph.objects(ca1, SKOS.notation)} == {
        "UBERON:0003881",
        "MBA:382",
    }


def test_ambiguous_allen_link_stays_separate_with_close_matches(small_graph: Graph) -> None:
    aca = _concept(small_graph, "brain-region/anterior-cingulate-area")
    assert {str(n) for n in small_graph.objects(aca, SKOS.notation)} == {"MBA:31"}
    assert set(small_graph.objects(aca, SKOS.closeMatch)) == {
        URIRef("http://purl.obolibrary.org/obo/UBERON_0000411"),
        URIRef("http://purl.obolibrary.org/obo/UBERON_0002421"),
    }
    assert str(small_graph.value(aca, SKOS.inScheme)).endswith("/scheme/allen-mouse")


def test_curated_record_overlays_its_source_concept(small_graph: Graph) -> None:
    transformer = _concept(small_graph, "method/transformer")
    assert str(small_graph.value(transformer, SKOS.inScheme)).endswith("/scheme/pwc-methods")
    assert {str(n) for n in small_graph.objects(transformer, SKOS.notation)} == {
        "pwc-method:transformer"
    }
    snn = _concept(small_graph, "method/spiking-neural-network")
    assert str(small_graph.value(snn, SKOS.inScheme)).endswith("/scheme/curated-methods")
    assert {str(a) for a in small_graph.objects(snn, SKOS.altLabel)} == {"spiking network", "SNN"}


def test_deprecated_and_excluded_uberon_terms_are_left_out(small_graph: Graph) -> None:
    labels = {str(o) for o in small_graph.objects(None, SKOS.prefLabel)}
    assert "old term" not in labels
    assert "spinal cord" not in labels and "cervical spinal segment" not in labels
    assert "fiber tracts" not in labels
    # The curated record named the deprecated id and landed on its replacement.
    visual = _concept(small_graph, "brain-region/visual-cortex")
    assert {str(n) for n in small_graph.objects(visual, SKOS.notation)} == {"UBERON:0000411"}


def test_slug_collision_gets_a_disambiguator_from_the_source_id(small_graph: Graph) -> None:
    # UBERON "layer 1" and Allen "Layer 1" share the slug; UBERON ranks first.
    assert (
        _concept(small_graph, "brain-region/layer-1"),
        SKOS.notation,
        Literal("UBERON:0000005"),
    ) in small_graph
    assert (
        _concept(small_graph, "brain-region/layer-1-mba-1"),
        SKOS.notation,
        Literal("MBA:1"),
    ) in small_graph


def test_every_concept_is_well_formed_skos(small_graph: Graph) -> None:
    concepts = set(small_graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 20
    kinds = {KG.Method, KG.Dataset, KG.BrainRegion, KG.Hardware}
    schemes = set(small_graph.subjects(RDF.type, SKOS.ConceptScheme))
    for concept in concepts:
        assert len(list(small_graph.objects(concept, SKOS.prefLabel))) == 1, concept
        in_scheme = list(small_graph.objects(concept, SKOS.inScheme))
        assert len(in_scheme) == 1 and in_scheme[0] in schemes, concept
        assert len(set(small_graph.objects(concept, RDF.type)) & kinds) == 1, concept
        assert small_graph.value(concept, KG.inVocabulary) == Literal(True)


def test_every_scheme_carries_title_source_licence_and_attribution(small_graph: Graph) -> None:
    schemes = set(small_graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) >= 6
    for scheme in schemes:
        for predicate in (
            DCTERMS.title,
            DCTERMS.source,
            DCTERMS.license,
            DCTERMS.rights,
            RDFS.comment,
        ):
            assert small_graph.value(scheme, predicate) is not None, (scheme, predicate)


def test_generation_is_deterministic(tmp_path: Path, small: VocabularyBuild) -> None:
    source, curated = make_inputs(tmp_path)
    again = generate_vocabulary(source, curated)
    assert again == small


def test_base_iri_is_used_and_checked(tmp_path: Path) -> None:
    source, curated = make_inputs(tmp_path)
    build = generate_vocabulary(source, curated, base_iri="https://example.org/kg/")
    assert all("https://example.org/kg/scheme/" in text for _, text in build.schemes)
    with pytest.raises(ValueError, match="must be an absolute IRI"):
        generate_vocabulary(source, curated, base_iri="not-an-iri")


# -- pattern rules --------------------------------------------------------------------


def test_pattern_rules_on_source_strings(small: VocabularyBuild) -> None:
    patterns = _patterns(small)
    assert patterns["hardware/spinnaker"]["SpiNNaker"] == ("LOWER", 1.0)
    assert patterns["method/spiking-neural-network"]["SNN"] == (
        "ORTH",
        0.8,
    )  # abbreviation: exact case
    assert patterns["method/spiking-neural-network"]["SNNs"] == ("ORTH", 0.8)  # acronym plural
    assert patterns["method/spiking-neural-network"]["spiking networks"] == ("LOWER", 0.9)  # plural
    assert patterns["hardware/memristor"]["memristors"] == ("LOWER", 1.0)
    assert patterns["dataset/cifar-10"]["CIFAR10"] == ("ORTH", 1.0)  # joined variant of an acronym
    assert patterns["method/long-short-term-memory"]["LSTM"] == ("ORTH", 0.8)
    assert (
        patterns["dataset/natural-questions"]["Natural Questions"][0] == "ORTH"
    )  # words only: exact case
    assert patterns["hardware/speck"]["Speck"][0] == "ORTH"  # product name that is a word
    assert patterns["brain-region/hippocampus"]["hippocampal"] == ("LOWER", 0.9)


def test_noisy_source_strings_are_not_patterns(small: VocabularyBuild) -> None:
    patterns = _patterns(small)
    every = {text for forms in patterns.values() for text in forms}
    for text in (
        "BASE",
        "Retrace",
        "GTS",
        "Rare Words",
        "Validation dataset",
        "between brain",
        "ec",
        "Hp",
        "SMT",
        "RED",
        "hippocampus (Crosby)",
        "Tonic",
        "Kumar",
    ):
        assert text not in every, text
    assert "dataset/kumar" not in patterns  # excluded by source id, still a concept of the scheme
    assert "MBA:500" in dict(small.schemes)["allen-mouse"]


def test_software_names_become_blocking_patterns(small: VocabularyBuild) -> None:
    gazetteer = parse_gazetteer(small.gazetteer)
    blocked = {p.text for p in gazetteer.blocked}
    assert {"Lava", "lava-nc", "Rust SNNs", "PyTorch", "Tonic"} <= blocked


def test_surface_form_claimed_by_two_concepts_is_dropped_as_ambiguous(tmp_path: Path) -> None:
    curated = {
        **CURATED,
        "hardware.jsonl": CURATED["hardware.jsonl"]
        + [
            {
                "type": "HARDWARE",
                "label": "widget one",
                "synonyms": ["shared name"],
                "abbreviations": [],
                "source_ids": [],
                "note": "",
            },
            {
                "type": "HARDWARE",
                "label": "widget two",
                "synonyms": ["shared name"],
                "abbreviations": [],
                "source_ids": [],
                "note": "",
            },
        ],
    }
    source, curated_dir = make_inputs(tmp_path, curated=curated)
    build = generate_vocabulary(source, curated_dir)
    assert "shared name" in build.ambiguous
    patterns = _patterns(build)
    assert "shared name" not in patterns["hardware/widget-one"]
    assert "widget one" in patterns["hardware/widget-one"]


# -- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "message"),
    [
        pytest.param({"type": "GENE", "label": "x"}, "'type' must be one of", id="bad-type"),
        pytest.param(
            {"type": "METHOD", "label": ""}, "'label' must be a non-empty string", id="empty-label"
        ),
        pytest.param(
            {"type": "METHOD", "label": "x", "synonym": ["y"]}, "unknown field", id="unknown-key"
        ),
        pytest.param(
            {"type": "METHOD", "label": "x", "synonyms": "y"},
            "must be a list",
            id="synonyms-not-list",
        ),
        pytest.param(
            {"type": "METHOD", "label": "x", "source_ids": ["pwc-method:nope"]},
            "not in the vocabularies",
            id="unknown-source-id",
        ),
        pytest.param(
            {"type": "METHOD", "label": "x", "source_ids": ["wikidata:Q1"]},
            "must start with",
            id="bad-prefix",
        ),
        pytest.param(
            {"type": "DATASET", "label": "x", "source_ids": ["pwc-method:lstm"]},
            "several types",
            id="type-conflict",
        ),
    ],
)
def test_malformed_curated_records_are_reported(
    tmp_path: Path, record: dict[str, Any], message: str
) -> None:
    source, curated = make_inputs(tmp_path, curated={**CURATED, "extra.jsonl": [record]})
    with pytest.raises(VocabularyError, match=message) as info:
        generate_vocabulary(source, curated)
    if "source id" not in message and "several types" not in message:
        assert "extra.jsonl:1" in str(info.value)


def test_two_curated_records_for_one_concept_are_an_error(tmp_path: Path) -> None:
    twice = {
        "type": "METHOD",
        "label": "transformer model",
        "source_ids": ["pwc-method:transformer"],
    }
    source, curated = make_inputs(tmp_path, curated={**CURATED, "extra.jsonl": [twice]})
    with pytest.raises(VocabularyError, match="merge them into one record"):
        generate_vocabulary(source, curated)


def test_missing_source_file_says_what_to_pass(tmp_path: Path) -> None:
    source, curated = make_inputs(tmp_path)
    (source / "pwc-methods.jsonl").unlink()
    with pytest.raises(
        VocabularyError, match=r"lacks pwc-methods\.jsonl; pass the shared vocabulary directory"
    ):
        generate_vocabulary(source, curated)


def test_malformed_source_line_names_file_and_line(tmp_path: Path) -> None:
    source, curated = make_inputs(tmp_path)
    with (source / "neuromorphic-hardware.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    with pytest.raises(VocabularyError, match=r"neuromorphic-hardware\.jsonl:3: not valid JSON"):
        generate_vocabulary(source, curated)


# -- writing -----------------------------------------------------------------------------


def test_write_vocabulary_writes_and_prunes_only_generated_files(
    tmp_path: Path, small: VocabularyBuild
) -> None:
    schemes, data = tmp_path / "vocab", tmp_path / "data"
    schemes.mkdir()
    (schemes / "old-scheme.ttl").write_text(
        "# Generated by kg.schemes.generate_vocabulary ...\n", encoding="utf-8"
    )
    (schemes / "hand-written.ttl").write_text(
        "@prefix ex: <https://example.org/> .\n", encoding="utf-8"
    )
    written = write_vocabulary(small, schemes, data)
    assert [p.name for p in written] == [f"{name}.ttl" for name, _ in small.schemes] + [
        "gazetteer.jsonl"
    ]
    assert (data / "gazetteer.jsonl").read_text(encoding="utf-8") == small.gazetteer
    assert not (schemes / "old-scheme.ttl").exists()
    assert (schemes / "hand-written.ttl").exists()


# -- the committed files -----------------------------------------------------------------


@pytest.fixture(scope="session")
def committed_graph() -> Graph:
    """Every committed scheme, parsed once (rdflib needs ~5-10 s for the ~80k triples)."""
    graph = Graph()
    for path in sorted(VOCAB_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.mark.slow
def test_committed_gazetteer_concepts_exist_in_committed_schemes(committed_graph: Graph) -> None:
    gazetteer = parse_gazetteer(GAZETTEER_FILE.read_text(encoding="utf-8"))
    concepts = {str(s) for s in committed_graph.subjects(RDF.type, SKOS.Concept)}
    missing = [
        cid for cid in gazetteer.entries if concept_iri(DEFAULT_BASE_IRI, cid) not in concepts
    ]
    assert not missing
    for cid, entry in list(gazetteer.entries.items())[:200]:
        iri = URIRef(concept_iri(DEFAULT_BASE_IRI, cid))
        assert str(committed_graph.value(iri, SKOS.prefLabel)) == entry.concept.label


@pytest.mark.slow
def test_committed_schemes_are_well_formed_and_attributed(committed_graph: Graph) -> None:
    schemes = set(committed_graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert {str(s).rsplit("/", 1)[1] for s in schemes} >= {
        "uberon-brain",
        "allen-mouse",
        "pwc-methods",
        "pwc-datasets",
        "hardware",
        "curated-methods",
    }
    for scheme in schemes:
        for predicate in (DCTERMS.title, DCTERMS.source, DCTERMS.license, DCTERMS.rights):
            assert committed_graph.value(scheme, predicate) is not None, (scheme, predicate)
    pref_counts: dict[URIRef, int] = {}
    for subject, _, _ in committed_graph.triples((None, SKOS.prefLabel, None)):
        pref_counts[subject] = pref_counts.get(subject, 0) + 1
    assert set(pref_counts.values()) == {1}
    concepts = set(committed_graph.subjects(RDF.type, SKOS.Concept))
    assert concepts == set(pref_counts)
    assert all(len(list(committed_graph.objects(c, SKOS.inScheme))) == 1 for c in concepts)


def test_acceptance_concepts_are_in_the_committed_gazetteer() -> None:
    gazetteer = parse_gazetteer(GAZETTEER_FILE.read_text(encoding="utf-8"))
    for cid in (
        "hardware/spinnaker",
        "hardware/resistive-memory",
        "brain-region/hippocampus",
        "brain-region/visual-cortex",
        "method/spiking-neural-network",
    ):
        assert cid in gazetteer.entries, cid
    assert (
        "UBERON:0002421"
        in gazetteer.entries[ConceptId("brain-region/hippocampus")].concept.notations
    )


@pytest.mark.slow
@pytest.mark.skipif(
    not SHARED_VOCAB.is_dir(), reason="the shared vocabulary sources (../shared/vocab) are absent"
)
def test_regenerating_from_the_shared_sources_reproduces_the_committed_files() -> None:
    build = generate_vocabulary(SHARED_VOCAB, CURATED_DIR)
    for name, text in build.schemes:
        committed = (VOCAB_DIR / f"{name}.ttl").read_text(encoding="utf-8")
        assert committed == text, (
            f"ontology/vocab/{name}.ttl is stale: run `kg vocab --source ../shared/vocab`"
        )
    generated = {f"{name}.ttl" for name, _ in build.schemes}
    assert {p.name for p in VOCAB_DIR.glob("*.ttl")} == generated
    assert GAZETTEER_FILE.read_text(encoding="utf-8") == build.gazetteer, (
        "kg/data/gazetteer.jsonl is stale"
    )
