"""A small hand-made Corpus covering every part of the data model (stage 5 tests).

Shared by tests/test_rdf.py (golden file), tests/test_validate.py and tests/test_projection.py.
Offsets are computed from each paper's document text, so they are right by construction.
"""

from __future__ import annotations

from kg.models import (
    Author,
    Citation,
    Concept,
    ConceptId,
    Corpus,
    EntityType,
    Mention,
    Paper,
    PaperId,
    SourceRef,
)

#: A title built to break naive serialisers: quotes, a newline, markup, a backslash,
#: combining and astral characters.
HOSTILE_TITLE = (
    "Spiking \"networks\" on <script>alert('x')</script> Loihi\n"
    "for the hippocampus \u2014 \u00dcber-fast, \\d+ & e\u0301t\u00e9 \U0001d518"
)

SNN = Concept(
    id=ConceptId("method/spiking-neural-network"),
    type=EntityType.METHOD,
    label="spiking neural network",
    alt_labels=("SNN", "spiking networks"),
    notations=("pwc-method:spiking-neural-network",),
    scheme="pwc-methods",
)
LOIHI = Concept(
    id=ConceptId("hardware/loihi"),
    type=EntityType.HARDWARE,
    label="Loihi",
    alt_labels=("Loihi 1",),
    notations=("onm-hardware:loihi-intel",),
    scheme="neuromorphic-hardware",
)
HIPPOCAMPUS = Concept(
    id=ConceptId("brain-region/hippocampus"),
    type=EntityType.BRAIN_REGION,
    label="hippocampus",
    notations=("UBERON:0002421", "MBA:1080"),
    exact_matches=("http://purl.obolibrary.org/obo/UBERON_0002421",),
    scheme="uberon-brain",
)
MNIST = Concept(
    id=ConceptId("dataset/mnist"),
    type=EntityType.DATASET,
    label="MNIST",
    scheme="pwc-datasets",
)
MINTED = Concept(
    id=ConceptId("method/event-driven-plasticity"),
    type=EntityType.METHOD,
    label="event-driven plasticity",
    in_vocabulary=False,
)
UNMENTIONED = Concept(
    id=ConceptId("dataset/imagenet"),
    type=EntityType.DATASET,
    label="ImageNet",
    scheme="pwc-datasets",
)

P_DOI = Paper(
    id=PaperId("doi:10.1038/nn.4238"),
    title=HOSTILE_TITLE,
    abstract="We run spiking networks on Loihi. Loihi spikes track the hippocampus.",
    year=2016,
    date="2016-03-01",
    doi="10.1038/nn.4238",
    s2_id="649def34f8be52c8b66281af98ae884c09aef38b",
    venue="Nature Neuroscience",
    authors=(Author("Jane Doe", s2_id="2262347"), Author("\u00c9mile Zola")),
    fields_of_study=("Biology", "Computer Science"),
    citation_count=12,
    reference_count=40,
    influential_citation_count=2,
    open_access_pdf="https://example.org/nn.4238.pdf",
    sources=(SourceRef("examples/abstracts.jsonl", 1), SourceRef("more/papers.csv", 7)),
)
P_ARXIV = Paper(
    id=PaperId("arxiv:2101.00001"),
    title="Event-driven plasticity on MNIST",
    abstract="Event-driven plasticity learns MNIST digits with a spiking neural network.",
    year=2021,
    date="2021-01",
    arxiv="2101.00001",
    venue="NeurIPS",
    authors=(Author("Jane Doe", s2_id="2262347"), Author("Ada Lovelace")),
    sources=(SourceRef("examples/abstracts.jsonl", 2),),
)
P_LOCAL = Paper(
    id=PaperId("title:0123456789abcdef"),
    title="A paper with neither DOI nor arXiv id",
    abstract="Nothing to see.",
    author_count=3,
    sources=(SourceRef("examples/abstracts.jsonl", 3),),
)
P_STUB = Paper(
    id=PaperId("doi:10.1000/cited.stub"), title="A cited paper outside the corpus", is_stub=True
)


def _mention(
    paper: Paper,
    text: str,
    label: EntityType,
    concept: Concept | None,
    *,
    occurrence: int = 0,
    extractor: str = "gazetteer",
    score: float = 1.0,
) -> Mention:
    document = paper.document
    start = -1
    for _ in range(occurrence + 1):
        start = document.index(text, start + 1)
    return Mention(
        paper.id,
        start,
        start + len(text),
        text,
        label,
        None if concept is None else concept.id,
        extractor=extractor,
        score=score,
    )


def small_corpus() -> Corpus:
    """Four papers (DOI, arXiv, neither, stub), mentions of all four types, two citations."""
    mentions = (
        _mention(P_DOI, "spiking networks", EntityType.METHOD, SNN),
        _mention(P_DOI, "Loihi", EntityType.HARDWARE, LOIHI),  # in the title
        _mention(P_DOI, "Loihi", EntityType.HARDWARE, LOIHI, occurrence=2),
        _mention(
            P_DOI,
            "hippocampus",
            EntityType.BRAIN_REGION,
            HIPPOCAMPUS,
            occurrence=1,
            extractor="spacy:en_core_sci_sm",
            score=0.85,
        ),
        _mention(P_ARXIV, "Event-driven plasticity", EntityType.METHOD, MINTED),
        _mention(P_ARXIV, "MNIST", EntityType.DATASET, MNIST),
        _mention(P_ARXIV, "MNIST", EntityType.DATASET, MNIST, occurrence=1),
        _mention(P_ARXIV, "spiking neural network", EntityType.METHOD, SNN),
        _mention(P_ARXIV, "digits", EntityType.DATASET, None, score=0.4),  # unlinked
    )
    citations = (
        Citation(
            P_DOI.id,
            P_STUB.id,
            intents=("methodology", "background"),
            contexts=("We follow the method of [12].", 'As "shown" in [12]\nbefore.'),
            is_influential=True,
            retrieved="2026-11-23T10:00:00Z",
        ),
        Citation(P_ARXIV.id, P_DOI.id, intents=("result",), is_influential=False),
        Citation(P_LOCAL.id, P_DOI.id),
    )
    return Corpus(
        papers=(P_DOI, P_ARXIV, P_LOCAL, P_STUB),
        mentions=mentions,
        concepts=(SNN, LOIHI, HIPPOCAMPUS, MNIST, MINTED, UNMENTIONED),
        citations=citations,
    )
