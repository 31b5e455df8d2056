"""Extraction (kg.extract) with the packaged gazetteer: matching rules on plain strings,
the offset invariant, provenance, and the acceptance sentences of the example corpus."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from kg.extract import (
    EXTRACTOR_NAME,
    EXTRACTOR_VERSION,
    build_nlp,
    extract_mentions,
    mentions_to_records,
)
from kg.gazetteer import Entry, Gazetteer, Pattern, load_gazetteer
from kg.ids import DEFAULT_BASE_IRI
from kg.link import link_mentions
from kg.models import Concept, ConceptId, Corpus, EntityType, Mention, Paper, PaperId
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp()


def corpus_of(*texts: str) -> Corpus:
    return Corpus(
        papers=tuple(Paper(id=PaperId(f"id:{i}"), title="", text=t) for i, t in enumerate(texts))
    )


def tag(nlp: Language, text: str) -> list[tuple[str, str, str | None]]:
    corpus = extract_mentions(corpus_of(text), nlp)
    return [(m.text, m.label.value, m.concept_id) for m in corpus.mentions]


def texts(nlp: Language, text: str) -> list[str]:
    return [surface for surface, _, _ in tag(nlp, text)]


# -- matching rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "cid"),
    [
        pytest.param(
            "Deep SNNs learn.", "SNNs", "method/spiking-neural-network", id="acronym-plural"
        ),
        pytest.param("We use memristors.", "memristors", "hardware/memristor", id="plural"),
        pytest.param(
            "Many GPUs were used.",
            "GPUs",
            "hardware/graphics-processing-unit",
            id="acronym-plural-hw",
        ),
        pytest.param(
            "Spiking Neural Networks rock",
            "Spiking Neural Networks",
            "method/spiking-neural-network",
            id="title-case",
        ),
        pytest.param(
            "SPIKING NEURAL NETWORKS",
            "SPIKING NEURAL NETWORKS",
            "method/spiking-neural-network",
            id="upper-case",
        ),
        pytest.param(
            "spike-timing-dependent plasticity",
            "spike-timing-dependent plasticity",
            "method/spike-timing-dependent-plasticity",
            id="hyphens",
        ),
        pytest.param(
            "spike timing dependent plasticity",
            "spike timing dependent plasticity",
            "method/spike-timing-dependent-plasticity",
            id="spaces",
        ),
        pytest.param(
            "spike\u2010timing\u2013dependent plasticity",
            "spike\u2010timing\u2013dependent plasticity",
            "method/spike-timing-dependent-plasticity",
            id="unicode-dashes",
        ),
        pytest.param("trained on CIFAR10", "CIFAR10", "dataset/cifar-10", id="joined-number"),
        pytest.param(
            "trained on CIFAR\u201110",
            "CIFAR\u201110",
            "dataset/cifar-10",
            id="non-breaking-hyphen",
        ),
        pytest.param(
            "on Loihi 2 chips", "Loihi 2", "hardware/loihi-2", id="longest-name-with-number"
        ),
        pytest.param(
            "hippocampal place cells", "hippocampal", "brain-region/hippocampus", id="adjective"
        ),
        pytest.param("Ammon\u2019s horn", "Ammon\u2019s horn", None, id="curly-apostrophe"),
    ],
)
def test_variants_match_their_concept(
    nlp: Language, text: str, surface: str, cid: str | None
) -> None:
    found = tag(nlp, text)
    assert [m[0] for m in found] == [surface]
    if cid is not None:
        assert found[0][2] == cid


def test_a_full_stop_after_a_final_capital_ends_the_name(nlp: Language) -> None:
    # spaCy keeps "C." together as it would an initial; "ImageNet-C." ends a sentence.
    assert texts(nlp, "We test on MovieLens-1M. Then on ImageNet-C. Done.") == [
        "MovieLens-1M",
        "ImageNet-C",
    ]


def test_longest_match_wins_and_spans_do_not_overlap(nlp: Language) -> None:
    assert tag(nlp, "the primary visual cortex") == [
        ("primary visual cortex", "BRAIN_REGION", "brain-region/primary-visual-cortex")
    ]
    assert texts(nlp, "a recurrent spiking neural network") == ["recurrent spiking neural network"]
    assert texts(nlp, "deep reinforcement learning agents") == ["deep reinforcement learning"]
    # A modifier that is not part of the name stays out (guideline 1).
    assert texts(nlp, "deep convolutional neural networks") == ["convolutional neural networks"]


def test_named_platform_and_generic_hardware_are_two_entities(nlp: Language) -> None:
    assert tag(nlp, "SpiNNaker neuromorphic hardware") == [
        ("SpiNNaker", "HARDWARE", "hardware/spinnaker"),
        ("neuromorphic hardware", "HARDWARE", "hardware/neuromorphic-hardware"),
    ]


def test_abbreviations_match_case_sensitively_only(nlp: Language) -> None:
    assert texts(nlp, "an SNN and a CNN") == ["SNN", "CNN"]
    assert texts(nlp, "snn cnn pcm gpu lif") == []
    assert texts(nlp, "We store it in PCM.") == ["PCM"]


def test_english_words_and_ambiguous_short_forms_are_not_tagged(nlp: Language) -> None:
    # "IT" (inferior temporal), "CA" (Ammon's horn), "MO" (Allen somatomotor) and
    # "BASE" (a PwC method acronym) read as English here.
    assert texts(nlp, "IT is a CA of MO and BASE in the AND gate.") == []
    assert texts(nlp, "the IT cortex") == ["IT cortex"]
    assert texts(nlp, "CA1 and CA3 of the dentate gyrus") == ["CA1", "CA3", "dentate gyrus"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a neural network", id="neural-network"),
        pytest.param(
            "deep neural networks (DNNs) and artificial neural networks (ANN)", id="dnn-ann"
        ),
        pytest.param("deep learning and machine learning in AI", id="field-names"),
        pytest.param("our method, model, approach and framework", id="generic-words"),
        pytest.param("a network of the brain", id="network-brain"),
        pytest.param("fMRI, EEG and MRI recordings with calcium imaging", id="modalities"),
        pytest.param("image classification and action recognition", id="tasks"),
        pytest.param(
            "foundation models and neuromorphic systems on dedicated hardware",
            id="generic-families",
        ),
        pytest.param("spiking neurons", id="unit-not-entity"),
    ],
)
def test_generic_words_are_not_tagged(nlp: Language, text: str) -> None:
    assert tag(nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "implemented in PyTorch",
        "simulated with NEST and Brian2",
        "deployed with Lava",
        "the snnTorch library",
        "written in Python with SpikingJelly",
    ],
)
def test_software_is_not_tagged(nlp: Language, text: str) -> None:
    assert tag(nlp, text) == []


def test_blocking_pattern_consumes_an_entity_inside_it(nlp: Language) -> None:
    assert texts(nlp, "Rust SNNs is a library; SNNs are models.") == ["SNNs"]
    mention = extract_mentions(corpus_of("Rust SNNs is a library; SNNs are models."), nlp).mentions[
        0
    ]
    assert mention.start == 24


def test_version_suffix_is_not_a_visual_area(nlp: Language) -> None:
    # SLAYER has no "V2" pattern of its own: the suffix joins the name.
    assert tag(nlp, "SLAYER V2 and V1 neurons") == [
        ("SLAYER V2", "METHOD", "method/slayer"),
        ("V1", "BRAIN_REGION", "brain-region/primary-visual-cortex"),
    ]
    # A versioned model with its own concept (data/dev/README: distinct from Spikformer).
    assert tag(nlp, "Spikformer V2 and V1 neurons") == [
        ("Spikformer V2", "METHOD", "method/spikformer-v2"),
        ("V1", "BRAIN_REGION", "brain-region/primary-visual-cortex"),
    ]
    assert texts(nlp, "ZORBA V1 detects.") == []


def test_urls_are_not_tagged(nlp: Language) -> None:
    assert texts(nlp, "code: https://github.com/x/SpiNNaker-SNN-tools") == []


# -- scores and provenance -----------------------------------------------------------------


def test_scores_rank_label_synonym_abbreviation_and_case(nlp: Language) -> None:
    corpus = extract_mentions(
        corpus_of("spiking neural network; spiking network; SNN; SpiNNaker; SPINNAKER"), nlp
    )
    scores = {m.text: m.score for m in corpus.mentions}
    assert scores == {
        "spiking neural network": 1.0,
        "spiking network": 0.9,
        "SNN": 0.8,
        "SpiNNaker": 1.0,
        "SPINNAKER": 0.9,
    }
    assert all(0.0 <= m.score <= 1.0 for m in corpus.mentions)


def test_mentions_carry_extractor_and_sorted_offsets(nlp: Language) -> None:
    corpus = corpus_of("SNNs on Loihi.", "", "The hippocampus and V1.")
    result = extract_mentions(corpus, nlp)
    assert {m.extractor for m in result.mentions} == {EXTRACTOR_NAME} and EXTRACTOR_VERSION
    keys = [(int(m.paper_id.split(":")[1]), m.start) for m in result.mentions]
    assert keys == sorted(keys)
    assert [m.paper_id for m in result.mentions] == ["id:0", "id:0", "id:2", "id:2"]
    assert corpus.mentions == ()  # the input corpus is untouched


def test_other_extractors_mentions_are_kept_and_rerun_replaces_ours(nlp: Language) -> None:
    paper = Paper(id=PaperId("id:1"), title="SNNs", abstract="On Loihi.")
    manual = Mention(paper.id, 0, 4, "SNNs", EntityType.METHOD, extractor="manual")
    once = extract_mentions(Corpus(papers=(paper,), mentions=(manual,)), nlp)
    twice = extract_mentions(once, nlp)
    assert once == twice
    assert [(m.text, m.extractor) for m in twice.mentions] == [
        ("SNNs", "gazetteer"),
        ("SNNs", "manual"),
        ("Loihi", "gazetteer"),
    ]


def test_progress_reports_papers_done_so_far(nlp: Language) -> None:
    seen: list[int] = []
    extract_mentions(corpus_of(*["SNN"] * 7), nlp, batch_size=3, on_progress=seen.append)
    assert seen == [3, 6, 7]


def test_title_and_abstract_offsets_refer_to_the_document(nlp: Language) -> None:
    paper = Paper(id=PaperId("id:t"), title="SpiNNaker", abstract="We model the hippocampus.")
    result = extract_mentions(Corpus(papers=(paper,)), nlp)
    assert [(m.start, m.end, paper.document[m.start : m.end]) for m in result.mentions] == [
        (0, 9, "SpiNNaker"),
        (24, 35, "hippocampus"),
    ]


# -- offsets invariant (Hypothesis) --------------------------------------------------------

_TERMS = [
    "SNN",
    "SNNs",
    "spiking neural network",
    "Loihi 2",
    "hippocampal",
    "CA1",
    "V1",
    "RRAM",
    "memristors",
    "CIFAR-10",
    "spike\u2010timing\u2013dependent plasticity",
    "PyTorch",
    "Spikformer V2",
    "IT cortex",
]
_FILLER = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.lists(st.one_of(st.sampled_from(_TERMS), _FILLER), max_size=12),
    separators=st.lists(
        st.sampled_from([" ", "", "-", "\u2013", "\n", "(", ") ", ", ", "\u00a0"]),
        min_size=12,
        max_size=12,
    ),
)
def test_offsets_always_slice_the_document(
    nlp: Language, parts: list[str], separators: list[str]
) -> None:
    document = "".join(part + sep for part, sep in zip(parts, separators, strict=False))
    paper = Paper(id=PaperId("id:h"), title="", text=document)
    result = extract_mentions(Corpus(papers=(paper,)), nlp)
    previous_end = 0
    for mention in result.mentions:
        assert document[mention.start : mention.end] == mention.text
        assert mention.start >= previous_end  # sorted, no overlaps
        assert mention.text == mention.text.strip() and mention.text
        previous_end = mention.end


# -- records for `kg extract` --------------------------------------------------------------


def test_mentions_to_records_gives_canonical_names_and_iris(nlp: Language) -> None:
    gazetteer = load_gazetteer()
    corpus = link_mentions(
        extract_mentions(corpus_of("SNNs and the hippocampus", "nothing here"), nlp), gazetteer
    )
    unlinked = Mention(
        PaperId("id:1"), 0, 7, "nothing", EntityType.METHOD, extractor="manual", score=0.5
    )
    corpus = replace(corpus, mentions=(*corpus.mentions, unlinked))
    records = mentions_to_records(corpus, base_iri=DEFAULT_BASE_IRI)
    assert records[0] == {
        "id": "id:0",
        "entities": [
            {
                "start": 0,
                "end": 4,
                "label": "METHOD",
                "text": "SNNs",
                "concept": "spiking neural network",
                "iri": "https://w3id.org/neurokg/id/concept/method/spiking-neural-network",
                "score": 0.8,
            },
            {
                "start": 13,
                "end": 24,
                "label": "BRAIN_REGION",
                "text": "hippocampus",
                "concept": "hippocampus",
                "iri": "https://w3id.org/neurokg/id/concept/brain-region/hippocampus",
                "score": 1.0,
            },
        ],
    }
    assert records[1]["entities"] == [
        {
            "start": 0,
            "end": 7,
            "label": "METHOD",
            "text": "nothing",
            "concept": "nothing",
            "iri": None,
            "score": 0.5,
        }
    ]
    json.dumps(records)  # JSON-ready
    with pytest.raises(ValueError, match="base IRI"):
        mentions_to_records(corpus, base_iri="relative/")


# -- a custom gazetteer ----------------------------------------------------------------------


def test_build_nlp_accepts_a_custom_gazetteer() -> None:
    concept = Concept(
        id=ConceptId("hardware/widget"), type=EntityType.HARDWARE, label="widget chip"
    )
    gazetteer = Gazetteer.from_entries(
        [Entry(concept, (Pattern("widget chip", "LOWER", 1.0), Pattern("WGT", "ORTH", 0.8)))],
        [Pattern("widget chip toolkit", "LOWER", 0.0)],
    )
    custom = build_nlp(gazetteer)
    assert texts(custom, "A Widget Chip and a WGT, not wgt; the widget chip toolkit.") == [
        "Widget Chip",
        "WGT",
    ]


# -- acceptance: sentences of the bundled example corpus (shared/seeds) --------------------

SPINNAKER_PAPER = (
    "Bio-inspired computational memory model of the Hippocampus: an approach to a neuromorphic "
    "spike-based Content-Addressable Memory\n\nAmong all brain regions, the hippocampus stands "
    "out as an autoassociative short-term memory. The design was implemented on the SpiNNaker "
    "hardware, using the Spiking Neural Network paradigm."
)
RESISTIVE_PAPER = (
    "Resistive memory-based zero-shot liquid state machine for multimodal event data learning"
    "\n\nThe human brain is a complex spiking neural network (SNN). The LSM is physically "
    "implemented using analogue resistive memory, and the co-design uses resistive switching."
)
VISUAL_PAPER = (
    "LaVCa: LLM-assisted Visual Cortex Captioning\n\nWe characterise voxels of the human visual "
    "cortex with large language models (LLMs)."
)
ACCEPTANCE = [
    pytest.param(
        SPINNAKER_PAPER,
        {"brain-region/hippocampus", "hardware/spinnaker", "method/spiking-neural-network"},
        id="spinnaker-hippocampus",
    ),
    pytest.param(
        RESISTIVE_PAPER,
        {
            "hardware/resistive-memory",
            "method/liquid-state-machine",
            "method/spiking-neural-network",
        },
        id="resistive-memory",
    ),
    pytest.param(
        VISUAL_PAPER,
        {"brain-region/visual-cortex", "method/large-language-model"},
        id="visual-cortex",
    ),
]


@pytest.mark.parametrize(("document", "expected"), ACCEPTANCE)
def test_acceptance_sentences_carry_their_concepts(
    nlp: Language, document: str, expected: set[str]
) -> None:
    found = {cid for _, _, cid in tag(nlp, document)}
    assert expected <= found
    assert not {"brain", "hardware", "neuromorphic", "memory", "model"} & {
        t.lower() for t in texts(nlp, document)
    }


@pytest.mark.slow
@pytest.mark.skipif(
    not (ROOT / "examples" / "papers.jsonl").is_file(), reason="examples/papers.jsonl not built yet"
)
def test_example_corpus_papers_carry_the_acceptance_concepts(nlp: Language) -> None:
    from kg.ingest import read_corpus

    corpus = extract_mentions(read_corpus(ROOT / "examples" / "papers.jsonl"), nlp)
    by_paper: dict[str, set[str]] = {}
    for mention in corpus.mentions:
        by_paper.setdefault(mention.paper_id, set()).add(mention.concept_id or "")
    wanted = {
        "spinnaker": "hardware/spinnaker",
        "resistive memory": "hardware/resistive-memory",
        "hippocampus": "brain-region/hippocampus",
        "visual cortex": "brain-region/visual-cortex",
    }
    checked = 0
    for paper in corpus.papers:
        text = paper.document.lower()
        for needle, cid in wanted.items():
            # "primary visual cortex" names another concept (guideline: the longest span).
            if needle in text.replace("primary visual cortex", ""):
                assert cid in by_paper.get(paper.id, set()), (paper.title, cid)
                checked += 1
    assert checked >= 4
