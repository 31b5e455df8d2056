"""How extraction combines the learned NER's region spans with the gazetteer: which model
spans read as anatomy and when a longer one replaces gazetteer regions (kg.model_checks),
and the pipeline end to end with a stand-in model, no trained weights needed (kg.extract)."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract import COMPONENT, MODEL_EXTRACTOR, blank_pipeline, build_nlp, extract_mentions
from kg.found import Found
from kg.gazetteer import Entry, Gazetteer, Pattern
from kg.model_checks import plausible, refines_regions
from kg.models import Concept, ConceptId, Corpus, EntityType, Paper, PaperId

REGION = EntityType.BRAIN_REGION


def concept(label: str, kind: EntityType = REGION) -> Entry:
    cid = ConceptId(f"{kind.slug}/{label.replace(' ', '-')}")
    return Entry(Concept(id=cid, type=kind, label=label), (Pattern(label, "LOWER", 1.0),))


GAZETTEER = Gazetteer.from_entries(
    [
        concept("amygdala"),
        concept("substantia nigra"),
        concept("pars compacta"),
        concept("arcuate nucleus"),
        concept("hypothalamic"),
        concept("pontine nuclei"),
        concept("spinal trigeminal nucleus"),
        concept("cortical"),
        concept("outer plexiform layer"),
        concept("striatal matrix"),
        concept("V1"),
        concept("frontal cortex"),
        concept("parietal cortex"),
        concept("large language models", EntityType.METHOD),
        concept("LLMs", EntityType.METHOD),
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("basolateral amygdala", True),  # ends in a vocabulary region word
        ("pontine", True),  # a word of a vocabulary region name, not its last
        ("reticulospinal", True),  # a compound of one ("... spinal")
        ("subcortical", True),
        ("nucleus rotundus", True),  # Latin: head first
        ("area 17", True),
        ("LSO", True),  # region codes: three characters with two capitals, or a digit
        ("MGmc", True),
        ("M1", True),
        ("AI", False),  # two capitals are too little evidence
        ("LLMs", False),  # the vocabulary says METHOD
        ("spinal cord", False),  # guideline 19
        ("quantum", False),
        ("thalamic router", False),  # "outer" is a region word, but too short to be a compound part
        ("dentate gyrus/", False),
        ("nucleus", True),  # a head word alone: WhiteText marks "the nucleus" of a named region
        ("nuclei of", False),
        ("nucleus X of Brown Norwegian rats", False),  # runs past the name into the species
        ("corpus callosum", False),  # guideline 19: fibre bundles
        ("lateral olfactory tract", False),
        # A nucleus named after a bundle is a region: its head is "nucleus", not "nerve".
        ("nucleus of the ventral optic tract", True),
        ("fibres of the optic tract", False),
        ("striosome and matrix", True),
        ("diagonal of the Fisher information matrix", False),  # mathematics, not the striatum
        ("song", False),  # what HVC drives, not a structure
    ],
)
def test_model_regions_must_read_as_anatomy(text: str, expected: bool) -> None:
    assert plausible(text, REGION, GAZETTEER) is expected


def found(text: str, part: str, nth: int = 0) -> Found:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return Found(start, start + len(part), REGION, None, 1.0, "gazetteer")


@pytest.mark.parametrize(
    ("text", "parts", "expected"),
    [
        ("central nucleus of the amygdala", ["amygdala"], True),
        ("pars compacta of the substantia nigra", ["pars compacta", "substantia nigra"], True),
        ("hypothalamic arcuate nucleus", ["hypothalamic", "arcuate nucleus"], True),
        ("frontal cortex and parietal cortex", ["frontal cortex", "parietal cortex"], False),
        ("mouse amygdala", ["amygdala"], False),  # a species is no part of the name
        ("cortical areas", ["cortical"], False),  # guideline 19
        ("frontal V1", ["V1"], False),  # the area code is the name
        ("amygdala", ["amygdala"], False),  # not longer
    ],
)
def test_longer_model_regions_replace_gazetteer_regions(
    text: str, parts: list[str], expected: bool
) -> None:
    inside = [found(text, part) for part in parts]
    assert refines_regions(text, 0, len(text), REGION, inside) is expected
    assert not refines_regions(text, 0, len(text), EntityType.METHOD, inside)


def with_stand_in_model(spans: dict[str, list[str]]) -> Language:
    """The pipeline with a component in the NER's place that tags the given phrases."""
    nlp = build_nlp(GAZETTEER, model=False)
    name = "stand_in_ner"
    if not Language.has_factory(name):

        @Language.factory(name, default_config={"phrases": {}})
        def make(nlp: Language, name: str, phrases: dict[str, list[str]]):  # type: ignore[no-untyped-def]
            def tag(doc: Doc) -> Doc:
                ents = []
                for phrase in phrases.get(doc.text, []):
                    start = doc.text.index(phrase)
                    span = doc.char_span(start, start + len(phrase), label="BRAIN_REGION")
                    assert span is not None
                    ents.append(span)
                doc.ents = ents
                return doc

            return tag

    nlp.add_pipe(name, before=COMPONENT, config={"phrases": spans})
    return nlp


def test_pipeline_keeps_anatomical_model_spans_and_lets_the_vocabulary_win_the_rest() -> None:
    text = (
        "Cells of the pars compacta of the substantia nigra and the pontine reticular "
        "nuclei project to the frontal V1 and to LLMs."
    )
    nlp = with_stand_in_model({text: [
        "pars compacta of the substantia nigra", "pontine reticular nuclei", "frontal V1", "LLMs",
    ]})
    corpus = Corpus(papers=(Paper(id=PaperId("id:1"), title="", text=text),))
    mentions = extract_mentions(corpus, nlp).mentions
    by_text = {m.text: (m.label, m.extractor) for m in mentions}
    assert by_text["pars compacta of the substantia nigra"] == (REGION, MODEL_EXTRACTOR)
    assert by_text["pontine reticular nuclei"] == (REGION, MODEL_EXTRACTOR)  # new to the vocabulary
    assert by_text["V1"][1] == "gazetteer" and "frontal V1" not in by_text
    assert by_text["LLMs"] == (EntityType.METHOD, "gazetteer")
    assert "substantia nigra" not in by_text


def test_blank_pipeline_splits_brackets_inside_words() -> None:
    words = [t.text for t in blank_pipeline()("the subthalamic nucleus(STh) fires")]
    assert words[2:6] == ["nucleus", "(", "STh", ")"]
    assert [t.text for t in spacy.blank("en")("nucleus(STh)")] == ["nucleus(STh"] + [")"]


def test_plural_model_regions_take_the_concept_of_their_singular() -> None:
    text = "Both arcuate nuclei and the pontine reticular nuclei respond."
    nlp = with_stand_in_model({text: ["arcuate nuclei", "pontine reticular nuclei"]})
    corpus = extract_mentions(Corpus(papers=(Paper(id=PaperId("id:1"), title="", text=text),)), nlp)
    by_text = {m.text: m.concept_id for m in corpus.mentions}
    assert by_text["arcuate nuclei"] == "brain-region/arcuate-nucleus"  # the vocabulary's
    new = "brain-region/pontine-reticular-nucleus"  # new to it, named in the singular
    assert by_text["pontine reticular nuclei"] == new
    assert {c.id: c.label for c in corpus.concepts}[new] == "pontine reticular nucleus"


def test_a_model_area_trimmed_to_its_code_takes_the_code_s_concept() -> None:
    text = "Neurons in area MST respond to optic flow."
    nlp = with_stand_in_model({text: ["area MST"]})
    corpus = extract_mentions(Corpus(papers=(Paper(id=PaperId("id:1"), title="", text=text),)), nlp)
    assert [(m.text, m.concept_id) for m in corpus.mentions] == [
        ("MST", "brain-region/medial-superior-temporal-area")
    ]
