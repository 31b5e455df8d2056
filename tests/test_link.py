"""Linking (kg.link): mentions resolve to gazetteer concepts, synonyms merge, unknowns stay
unlinked, and the stage is pure."""

from __future__ import annotations

import pytest

from kg.gazetteer import Entry, Gazetteer, Pattern, load_gazetteer
from kg.link import link_mentions
from kg.models import Concept, ConceptId, Corpus, EntityType, Mention, Paper, PaperId

SNN = Concept(
    id=ConceptId("method/spiking-neural-network"),
    type=EntityType.METHOD,
    label="spiking neural network",
    alt_labels=("SNN", "spiking network"),
    scheme="curated-methods",
)
LOIHI = Concept(
    id=ConceptId("hardware/loihi"),
    type=EntityType.HARDWARE,
    label="Loihi",
    notations=("onm-hardware:loihi-intel",),
    exact_matches=("https://open-neuromorphic.org/neuromorphic-computing/hardware/loihi-intel/",),
    scheme="hardware",
)


@pytest.fixture
def gazetteer() -> Gazetteer:
    return Gazetteer.from_entries(
        [
            Entry(
                SNN,
                (
                    Pattern("spiking neural network", "LOWER", 1.0),
                    Pattern("spiking neural networks", "LOWER", 1.0),
                    Pattern("SNN", "ORTH", 0.8),
                    Pattern("SNNs", "ORTH", 0.8),
                ),
            ),
            Entry(LOIHI, (Pattern("Loihi", "LOWER", 1.0),)),
        ]
    )


PAPER = Paper(
    id=PaperId("id:1"), title="SNNs", abstract="spiking neural networks on Loihi and a snn"
)


def mention(
    text: str, label: EntityType, cid: str | None = None, extractor: str = "other"
) -> Mention:
    start = PAPER.document.index(text)
    return Mention(
        PAPER.id, start, start + len(text), text, label, ConceptId(cid) if cid else None, extractor
    )


def test_synonyms_merge_into_one_concept(gazetteer: Gazetteer) -> None:
    corpus = Corpus(
        papers=(PAPER,),
        mentions=(
            mention("SNNs", EntityType.METHOD),
            mention("spiking neural networks", EntityType.METHOD),
            mention("Loihi", EntityType.HARDWARE, "hardware/loihi", "gazetteer"),
        ),
    )
    linked = link_mentions(corpus, gazetteer)
    assert [m.concept_id for m in linked.mentions] == [SNN.id, SNN.id, LOIHI.id]
    assert linked.concepts == (LOIHI, SNN)  # every mentioned concept once, sorted by id


def test_unknown_concepts_stay_unlinked(gazetteer: Gazetteer) -> None:
    corpus = Corpus(
        papers=(PAPER,),
        mentions=(
            mention("snn", EntityType.METHOD),  # an abbreviation matches only with its case
            mention("Loihi", EntityType.METHOD),  # a hardware name is not a method
            mention("on", EntityType.METHOD, "method/not-in-the-gazetteer"),
        ),
    )
    linked = link_mentions(corpus, gazetteer)
    assert [m.concept_id for m in linked.mentions] == [None, None, None]
    assert linked.concepts == ()


def test_a_concept_id_of_the_wrong_type_is_resolved_again(gazetteer: Gazetteer) -> None:
    wrong = mention("SNNs", EntityType.METHOD, "hardware/loihi")
    linked = link_mentions(Corpus(papers=(PAPER,), mentions=(wrong,)), gazetteer)
    assert linked.mentions[0].concept_id == SNN.id


def test_concepts_minted_by_another_stage_are_kept(gazetteer: Gazetteer) -> None:
    minted = Concept(
        id=ConceptId("method/new-thing"),
        type=EntityType.METHOD,
        label="new thing",
        in_vocabulary=False,
    )
    corpus = Corpus(
        papers=(PAPER,),
        mentions=(mention("on", EntityType.METHOD, "method/new-thing"),),
        concepts=(minted,),
    )
    linked = link_mentions(corpus, gazetteer)
    assert linked.mentions[0].concept_id == minted.id
    assert linked.concepts == (minted,)


def test_linking_is_pure_and_idempotent(gazetteer: Gazetteer) -> None:
    corpus = Corpus(papers=(PAPER,), mentions=(mention("SNNs", EntityType.METHOD),))
    once = link_mentions(corpus, gazetteer)
    assert corpus.mentions[0].concept_id is None and corpus.concepts == ()
    assert link_mentions(once, gazetteer) == once


def test_packaged_gazetteer_merges_surface_variants() -> None:
    gazetteer = load_gazetteer()
    paper = Paper(
        id=PaperId("id:2"),
        title="",
        text="SNNs, spiking neural networks, Spiking Networks, RRAM, ReRAM",
    )
    surfaces = ["SNNs", "spiking neural networks", "Spiking Networks", "RRAM", "ReRAM"]
    labels = [EntityType.METHOD] * 3 + [EntityType.HARDWARE] * 2
    mentions = []
    for surface, label in zip(surfaces, labels, strict=True):
        start = paper.document.index(surface)
        mentions.append(
            Mention(paper.id, start, start + len(surface), surface, label, extractor="other")
        )
    linked = link_mentions(Corpus(papers=(paper,), mentions=tuple(mentions)), gazetteer)
    assert [m.concept_id for m in linked.mentions] == ["method/spiking-neural-network"] * 3 + [
        "hardware/resistive-memory"
    ] * 2
    assert [c.label for c in linked.concepts] == ["resistive memory", "spiking neural network"]
    resistive = linked.concepts[0]
    assert (
        resistive.scheme == "hardware"
        and resistive.in_vocabulary
        and "RRAM" in resistive.alt_labels
    )
