"""Document-level rules (kg.document_rules, kg.disambiguate, kg.species) on plain strings,
alone and inside extraction with the packaged gazetteer (model off, so the rules alone
decide)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kg.disambiguate import keeps_reading
from kg.document_rules import RULES_EXTRACTOR, Found, is_name, refine
from kg.extract import build_nlp, extract_mentions
from kg.gazetteer import load_gazetteer
from kg.link import link_mentions
from kg.models import Concept, ConceptId, Corpus, EntityType, Paper, PaperId
from kg.species import detect_species, document_species, region_notation

M, D, R, H = (EntityType.METHOD, EntityType.DATASET, EntityType.BRAIN_REGION, EntityType.HARDWARE)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp(model=False)


def run(nlp: Language, text: str, title: str = "") -> Corpus:
    paper = Paper(id=PaperId("id:1"), title=title, text=f"{title}\n\n{text}" if title else text)
    return extract_mentions(Corpus(papers=(paper,)), nlp)


def tags(nlp: Language, text: str, title: str = "") -> list[tuple[str, str, str | None]]:
    return [(m.text, m.label.value, m.concept_id) for m in run(nlp, text, title).mentions]


# -- abbreviations in extraction -----------------------------------------------------------


def test_short_form_takes_the_label_and_concept_of_its_long_form(nlp: Language) -> None:
    found = tags(nlp, "We use leaky integrate-and-fire (LIF) units. Each LIF unit spikes.")
    assert found == [
        ("leaky integrate-and-fire", "METHOD", "method/leaky-integrate-and-fire"),
        ("LIF", "METHOD", "method/leaky-integrate-and-fire"),
        ("LIF", "METHOD", "method/leaky-integrate-and-fire"),
    ]


def test_unknown_short_form_of_a_known_region_is_linked(nlp: Language) -> None:
    found = tags(nlp, "Cells of the anterior cingulate cortex (ACgx) fire. ACgx lesions hurt.")
    assert [t for t in found if t[0] == "ACgx"] == [
        ("ACgx", "BRAIN_REGION", "brain-region/anterior-cingulate-cortex")
    ] * 2


@pytest.mark.parametrize(
    ("text", "short", "concept"),
    [
        # Atlas abbreviations do not spell their name's letters in order, so Schwartz and
        # Hearst find no pair; the parentheses right after a region still define it.
        (
            "In the owl, the external nucleus of inferior colliculus (ICX) holds a map. "
            "Injections in the ICX labelled cells.",
            "ICX",
            "brain-region/external-nucleus-of-inferior-colliculus",
        ),
        (
            "Cells of the mesencephalic trigeminal nucleus (Me5) were labelled. Me5 projects.",
            "Me5",
            "brain-region/mesencephalic-nucleus-of-trigeminal-nerve",
        ),
    ],
)
def test_an_atlas_abbreviation_after_a_region_is_defined_by_it(
    nlp: Language, text: str, short: str, concept: str
) -> None:
    found = [t for t in tags(nlp, text) if t[0] == short]
    assert found == [(short, "BRAIN_REGION", concept)] * 2


@pytest.mark.parametrize(
    "text",
    [
        # No initial of the region's words: the parentheses hold something else.
        "Recordings in the hippocampus (Exp) were stable. Exp 2 repeated them.",
        # Not an abbreviation's shape.
        "Recordings in the hippocampus (rats) were stable. rats were trained.",
    ],
)
def test_parentheses_after_a_region_that_define_nothing(nlp: Language, text: str) -> None:
    assert [t for t in tags(nlp, text) if t[2] is None or "hippocampus" not in t[2]] == []


def test_a_definition_as_something_else_removes_the_dictionary_reading(nlp: Language) -> None:
    text = "Signals were sampled by pulse-code modulation (PCM). PCM streams were stored."
    assert tags(nlp, text) == []
    # Without the definition PCM stays hardware.
    assert tags(nlp, "Weights are stored in PCM.")[0][:2] == ("PCM", "HARDWARE")


def test_a_variant_spelling_of_the_known_long_form_keeps_the_short_form(nlp: Language) -> None:
    # "nets" for "networks": the definition names the short form's own dictionary concept.
    found = tags(nlp, "Equivariant graph neural nets (GNNs) are used. GNNs do not help.")
    assert found == [
        ("graph neural nets", "METHOD", "method/graph-neural-network"),
        ("GNNs", "METHOD", "method/graph-neural-network"),
        ("GNNs", "METHOD", "method/graph-neural-network"),
    ]


def test_a_name_interrupted_by_its_abbreviation_is_two_spans_of_its_concept(
    nlp: Language,
) -> None:
    # "temporal-difference (TD) learning": the known name is "temporal-difference learning";
    # the test set's annotators split such names into the long part and the short form.
    found = tags(nlp, "In temporal-difference (TD) learning, errors drive updates. TD is fast.")
    assert found == [
        ("temporal-difference", "METHOD", "method/temporal-difference-learning"),
        ("TD", "METHOD", "method/temporal-difference-learning"),
        ("TD", "METHOD", "method/temporal-difference-learning"),
    ]


def test_a_title_name_holds_the_known_names_inside_it(nlp: Language) -> None:
    found = tags(
        nlp,
        "We introduce SINDy-RL, which combines SINDy and deep RL. SINDy-RL is efficient.",
        title="SINDy-RL: Interpretable Model-Based Reinforcement Learning",
    )
    texts = [text for text, _, _ in found]
    assert texts.count("SINDy-RL") == 3
    assert texts.count("SINDy") == 1 and "RL" not in texts
    # A hyphenated pair elsewhere still splits (guideline 5).
    found = tags(nlp, "We train a CNN-LSTM on the data.", title="Video decoding")
    assert [t for t, _, _ in found] == ["CNN", "LSTM"]


def test_title_case_long_form_with_a_method_head_is_a_new_method(nlp: Language) -> None:
    corpus = run(nlp, "We build a Temporal Attention Spiking Network (TASN). TASN wins.")
    found = [(m.text, m.label.value, m.extractor) for m in corpus.mentions]
    assert found == [
        ("Temporal Attention Spiking Network", "METHOD", RULES_EXTRACTOR),
        ("TASN", "METHOD", RULES_EXTRACTOR),
        ("TASN", "METHOD", RULES_EXTRACTOR),
    ]
    # An initialism stands for its long form, as "SNNs" for "spiking neural network".
    assert {m.concept_id for m in corpus.mentions} == {"method/temporal-attention-spiking-network"}
    (concept,) = corpus.concepts
    assert concept.in_vocabulary is False
    assert concept.label == "temporal attention spiking network"


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("We propose LLM-assisted Visual Cortex Captioning (LaVCa). LaVCa wins.", "method/lavca"),
        ("We present a Higher-order Graph Convolutional Network (HiGCN).", "method/higcn"),
        ("We introduce dynamic sparse training (DST). DST prunes.", "method/dynamic-sparse-training"),
        ("We present Neural Network Interatomic Potentials (NNIPs).",
         "method/neural-network-interatomic-potential"),
    ],
)
def test_a_coined_short_form_names_the_concept_and_an_initialism_does_not(
    nlp: Language, text: str, concept: str
) -> None:
    assert {m.concept_id for m in run(nlp, text).mentions} == {concept}


def test_a_new_concept_takes_the_long_form_its_title_uses() -> None:
    nlp = build_nlp(model=False)
    title = "Temporal Attention Spiking Networks"
    corpus = run(nlp, "We build a Temporal Attention Spiking Network (TASN). TASN wins.", title)
    assert {m.concept_id for m in corpus.mentions} == {"method/temporal-attention-spiking-network"}


def test_lower_case_generic_long_form_mints_nothing(nlp: Language) -> None:
    assert tags(nlp, "We train a deep neural network (DNN). The DNN is large.") == []


# -- names no vocabulary knows -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "name", "label"),
    [
        ("Here we propose LaVCa, a method. LaVCa is fast.", "", "LaVCa", "METHOD"),
        ("We introduce TriAdaptLoRA to adapt models.", "", "TriAdaptLoRA", "METHOD"),
        ("A model called NeuroGPT-2 is shown.", "", "NeuroGPT-2", "METHOD"),
        ("We describe it here.", "ColBERTer: late interaction", "ColBERTer", "METHOD"),
        ("We test on the BrainBench dataset and beat all.", "", "BrainBench", "DATASET"),
    ],
)
def test_cue_rules_find_new_names(
    nlp: Language, text: str, title: str, name: str, label: str
) -> None:
    corpus = run(nlp, text, title)
    new = [(m.text, m.label.value) for m in corpus.mentions if m.extractor == RULES_EXTRACTOR]
    assert new and set(new) == {(name, label)}
    assert all(not c.in_vocabulary for c in corpus.concepts)
    assert all(m.score < 1.0 for m in corpus.mentions if m.extractor == RULES_EXTRACTOR)


@pytest.mark.parametrize(
    "text",
    [
        "We propose a simple method for the task.",
        "We present results on the large dataset.",
        "We introduce AI into the clinic.",
        "We propose CNNs for this.",
    ],
)
def test_cue_rules_ignore_words_and_generic_acronyms(nlp: Language, text: str) -> None:
    assert [m for m in run(nlp, text).mentions if m.extractor == RULES_EXTRACTOR] == []


def test_is_name() -> None:
    assert is_name("MixEval") and is_name("DVS128") and is_name("SHD")
    assert not is_name("Method") and not is_name("fMRI") and not is_name("it")


# -- precision in context ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "kept"),
    [
        ("Neurons in V1 respond to edges in the visual field.", "V1", True),
        ("We release version V2 of the software.", "V2", False),
        ("The toolkit V1 improves the baseline.", "V1", False),
        ("CA1 pyramidal cells fire in sequences.", "CA1", True),
        ("Classifier CA1 beats CA2 on the benchmark.", "CA1", False),
        ("A transformer predicts the next token.", "transformer", True),
        ("Faults in a power transformer are detected.", "transformer", False),
        ("We monitor transformer windings with a network.", "transformer", False),
        ("Spikes in the mouse cortex are sparse.", "cortex", True),
        ("The cortex of the model learns features.", "cortex", False),
        ("Neurons in inferior temporal (IT) cortex respond to faces.", "cortex", False),
        # Named fibre bundles are no regions (guideline 19); the adjectives alone are.
        ("Axons run in the central tegmental tract.", "tegmental", False),
        ("Fibres cross in the hippocampal commissure.", "hippocampal", False),
        ("Tectal neurons respond to looming stimuli.", "Tectal", True),
        ("It runs on an Arm Cortex-M4 core.", "Cortex", False),
        ("Audio is encoded as PCM samples.", "PCM", False),
        ("PCM devices store weights.", "PCM", True),
        # A region's acronym needs a neuroscience context.
        ("Models such as DeepFM and DCN learn feature crosses for CTR.", "DCN", False),
        ("Neurons of the DCN project to the thalamus.", "DCN", True),
        ("We benchmark on an Apple M1 CPU with spiking neurons.", "M1", False),
        ("The model runs on a laptop M1 chip.", "M1", False),
        ("Neurons in M1 encode reach direction.", "M1", True),
        # An engineered copy of a structure is no region.
        ("Events come from a temporal-contrast silicon retina.", "retina", False),
        ("A neuromorphic cochlea feeds the chip.", "cochlea", False),
        ("Ganglion cells of the retina fire.", "retina", True),
        # A bare layer or pathway names one structure only in its own context.
        ("The granular layer of the cerebellum expands inputs.", "granular layer", True),
        ("Mitral cells project past the granular layer of the bulb.", "granular layer", False),
        ("Visual motion feeds the dorsal pathway.", "dorsal pathway", True),
        ("Pain signals ascend the dorsal pathway of the spinal cord.", "dorsal pathway", False),
    ],
)
def test_context_rules(text: str, surface: str, kept: bool) -> None:
    start = text.index(surface)
    label = {"transformer": M, "PCM": H}.get(surface, R)
    assert keeps_reading(text, start, start + len(surface), label) is kept


def test_context_rules_apply_in_extraction(nlp: Language) -> None:
    assert ("transformer", "METHOD") not in [
        t[:2] for t in tags(nlp, "Faults in a power transformer are detected early.")
    ]
    assert [t[0] for t in tags(nlp, "GPU and CPU runs.")] == ["GPU", "CPU"]


def test_hyphenated_pairs_of_regions_split() -> None:
    # Guideline 5: "hippocampal-entorhinal" is two regions, whatever span a model proposed.
    document = "The hippocampal-entorhinal system and the thalamo-cortical loop."
    regions = {"hippocampal": "hippocampus", "entorhinal": "entorhinal-cortex", "cortical": "cx"}

    def lookup(text: str, label: EntityType) -> ConceptId | None:
        name = regions.get(text) if label is R else None
        return ConceptId(f"brain-region/{name}") if name else None

    found = [
        Found(4, 33, R, None, 0.7, "model"),  # hippocampal-entorhinal system
        Found(42, 58, R, None, 0.7, "model"),  # thalamo-cortical: "thalamo" is no region
    ]
    spans, _ = refine(document, found, lookup)
    assert [(document[f.start : f.end], f.concept_id) for f in spans] == [
        ("hippocampal", "brain-region/hippocampus"),
        ("entorhinal", "brain-region/entorhinal-cortex"),
        ("thalamo-cortical", None),
    ]


def test_region_spans_grow_over_position_words(nlp: Language) -> None:
    found = tags(nlp, "Inputs reach the central nucleus of the amygdala and the caudal medulla.")
    surfaces = [t[0] for t in found]
    assert "central nucleus of the amygdala" in surfaces and "caudal medulla" in surfaces
    assert all(t[2] is not None for t in found)


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Cells in the dorsal part of the caudate nucleus fired.", "dorsal part of the caudate nucleus"),
        ("Cells in part of the caudate nucleus fired.", "caudate nucleus"),
        ("Cells in the caudoventral region of the red nucleus.", "caudoventral region of the red nucleus"),
        ("Neurons in paracentral V1 were recorded.", "V1"),
        # Plural parts and coordinated positions name one region too.
        ("Cells in rostral levels of the caudate nucleus.", "rostral levels of the caudate nucleus"),
        ("Fibres enter lateral or medial portions of the caudate nucleus.",
         "lateral or medial portions of the caudate nucleus"),
        # A nucleus named after what it serves, one word before punctuation (the made-up name
        # stands for "spinal nucleus of the bulbocavernosus", which the vocabulary lacks).
        ("Motoneurons of the caudate nucleus of the bulbocavernosus, in rats, grow.",
         "caudate nucleus of the bulbocavernosus"),
        ("Cells of the caudate nucleus of lesioned rats.", "caudate nucleus"),
        ("In the caudate nucleus of mammals, cells fire.", "caudate nucleus"),
    ],
)
def test_region_spans_grow_over_whole_position_words_only(
    nlp: Language, text: str, region: str
) -> None:
    assert [t[0] for t in tags(nlp, text) if t[1] == "BRAIN_REGION"] == [region]


# -- refine on its own: no overlaps, offsets kept ------------------------------------------


def test_refine_never_returns_overlapping_spans() -> None:
    document = "Spiking neural networks (SNNs) beat SNN-based SNNs."
    found = [Found(0, 23, M, ConceptId("method/spiking-neural-network"), 1.0, "gazetteer")]
    spans, minted = refine(document, found, lambda text, label: None)
    assert minted == []
    ends = [(f.start, f.end) for f in spans]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:], strict=False))
    assert [document[s:e] for s, e in ends] == ["Spiking neural networks", "SNNs", "SNN", "SNNs"]


# -- species and linking -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "species"),
    [
        ("Recordings in awake mice.", "mouse"),
        ("Rats ran on a track; rats rested.", "rat"),
        ("fMRI in 20 human participants.", "human"),
        ("Two rhesus macaques were trained.", "macaque"),
        ("Rodent hippocampus.", "mouse"),
        ("SNNs on Loihi.", None),
    ],
)
def test_detect_species(text: str, species: str | None) -> None:
    assert detect_species(text) == species


def test_region_notation_follows_the_species(nlp: Language) -> None:
    gazetteer = load_gazetteer()
    corpus = link_mentions(run(nlp, "Hippocampal replay in mice."), gazetteer)
    (concept,) = [c for c in corpus.concepts if c.id == "brain-region/hippocampus"]
    species = document_species(corpus)[PaperId("id:1")]
    assert species == "mouse" and region_notation(concept, species).startswith("MBA:")
    assert region_notation(concept, "human").startswith("UBERON:")
    assert region_notation(Concept(ConceptId("method/x"), M, "x"), "mouse") is None


def test_minted_concepts_survive_linking(nlp: Language) -> None:
    corpus = link_mentions(run(nlp, "We propose LaVCa. LaVCa works."), load_gazetteer())
    assert {m.concept_id for m in corpus.mentions} == {"method/lavca"}
    assert [c.id for c in corpus.concepts] == ["method/lavca"]


def test_named_variant_of_a_known_method_is_a_new_method(nlp: Language) -> None:
    corpus = run(nlp, "We propose the neuron-astrocyte liquid state machine (NALSM). NALSM wins.")
    found = [(m.text, m.concept_id) for m in corpus.mentions]
    cid = "method/neuron-astrocyte-liquid-state-machine"
    assert found == [
        ("neuron-astrocyte liquid state machine", cid), ("NALSM", cid), ("NALSM", cid)
    ]


def test_a_short_form_takes_the_known_name_its_shortest_long_form_sits_in(nlp: Language) -> None:
    # S&H finds "field-effect transistors" for FeFETs; the known name around it is meant.
    found = tags(nlp, "We use ferroelectric field-effect transistors (FeFETs). FeFETs are dense.")
    assert {cid for text, _, cid in found} == {"hardware/ferroelectric-field-effect-transistor"}


def test_generic_modifier_keeps_the_known_concept_for_the_short_form(nlp: Language) -> None:
    found = tags(nlp, "We train deep convolutional neural networks (DCNNs). DCNNs work.")
    assert {cid for text, _, cid in found if text.startswith("DCNN")} == {
        "method/convolutional-neural-network"
    }


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("ResNet50", True), ("CORnet-S", True), ("DINOv2", True), ("VGG-16", True),
        ("Real-Time", False), ("GluN2B", False), ("GitHub", False), ("Tanh", False),
        ("COVID-19", False), ("V4", False),
        ("UNderstanding", False),  # an English word with an acronym's letters picked out
    ],
)
def test_standalone_names(token: str, expected: bool) -> None:
    from kg.document_rules import is_standalone_name

    assert is_standalone_name(token) is expected


def test_canonical_long_form() -> None:
    from kg.document_rules import canonical_long_form

    expected = "temporal convolutional network"
    assert canonical_long_form("Temporal  Convolutional Networks") == expected
    assert canonical_long_form("Memories") == "memory"
    assert canonical_long_form("ResNet Blocks") == "ResNet Block"
    assert canonical_long_form("Pointer Nets") == "pointer network"


def test_area_codes_keep_their_own_span(nlp: Language) -> None:
    found = tags(nlp, "Neurons in visual area V4 and the CA3 region of the hippocampus.")
    assert [t[0] for t in found][:2] == ["V4", "CA3"]


def test_it_and_mt_are_areas_beside_other_visual_areas(nlp: Language) -> None:
    found = tags(nlp, "Responses in V1, V4 and IT differ from MT.")
    assert [t[0] for t in found] == ["V1", "V4", "IT", "MT"]
    assert tags(nlp, "IT departments use MT systems.") == []


def test_adjective_forms_of_regions_link_to_their_structure(nlp: Language) -> None:
    # Guideline 18: the adjective is the region, the cell noun is not marked.
    found = tags(nlp, "Tectal, rubral and pontine neurons were labelled in the rat.")
    assert found == [
        ("Tectal", "BRAIN_REGION", "brain-region/midbrain-tectum"),
        ("rubral", "BRAIN_REGION", "brain-region/red-nucleus"),
        ("pontine", "BRAIN_REGION", "brain-region/pons"),
    ]


def test_makers_are_no_names_and_a_versioned_device_is_hardware(nlp: Language) -> None:
    found = tags(nlp, "The Speck chip from SynSense and a TPUv3 pod from Google were compared.")
    assert ("SynSense", "METHOD", "method/synsense") not in found
    assert [t[:2] for t in found if t[0] == "TPUv3"] == [("TPUv3", "HARDWARE")]


def test_recording_probes_are_no_datasets_beside_one(nlp: Language) -> None:
    # Guideline 15: recording modalities are no entities, even in a list beside a dataset.
    found = tags(nlp, "Recordings from the IBL Brain-wide Map and Neuropixels probes are analysed.")
    assert [t[:2] for t in found] == [("IBL Brain-wide Map", "DATASET")]
