"""Stage 3: link mentions to concepts of the gazetteer. Pure: no I/O, no spaCy.

A gazetteer mention already carries its concept id (the pattern's id); linking checks
it against the gazetteer and resolves mentions from other extractors by their surface
form, so "SNNs", "SNN" and "spiking neural networks" all denote the one concept
``method/spiking-neural-network``. The corpus's ``concepts`` become the concepts that
some mention denotes, sorted by id.
"""

from __future__ import annotations

from dataclasses import replace

from kg.gazetteer import Gazetteer
from kg.models import Concept, ConceptId, Corpus, Mention


def link_mentions(corpus: Corpus, gazetteer: Gazetteer) -> Corpus:
    """Give every mention a concept id the gazetteer knows, and collect those concepts.

    A mention keeps its concept id when the gazetteer (or the corpus's own concepts)
    has that concept with the same entity type; otherwise its surface text is looked up
    among the gazetteer's patterns of its type (ignoring case for case-insensitive
    patterns, exactly for abbreviations). A mention that neither resolves keeps
    ``concept_id=None``. Concepts
    already in the corpus that no mention denotes (for example minted by another
    stage) are kept.

    Args:
        corpus: Output of ``extract_mentions`` (or any corpus with mentions).
        gazetteer: The gazetteer the concepts come from (``load_gazetteer()``).

    Returns:
        A new corpus with resolved mentions and ``concepts`` sorted by id.

    Example:
        >>> from kg.gazetteer import load_gazetteer
        >>> from kg.models import Corpus, EntityType, Mention, Paper, PaperId
        >>> paper = Paper(id=PaperId("id:1"), title="SNNs")
        >>> snns = Mention(paper.id, 0, 4, "SNNs", EntityType.METHOD)
        >>> linked = link_mentions(Corpus(papers=(paper,), mentions=(snns,)), load_gazetteer())
        >>> linked.mentions[0].concept_id, linked.concepts[0].label
        ('method/spiking-neural-network', 'spiking neural network')
    """
    concepts: dict[ConceptId, Concept] = {concept.id: concept for concept in corpus.concepts}
    mentions = tuple(_link(mention, gazetteer, concepts) for mention in corpus.mentions)
    for mention in mentions:
        if mention.concept_id is not None and mention.concept_id not in concepts:
            found = gazetteer.concept(mention.concept_id)
            if found is not None:
                concepts[mention.concept_id] = found
    return replace(
        corpus, mentions=mentions, concepts=tuple(concepts[cid] for cid in sorted(concepts))
    )


def _link(mention: Mention, gazetteer: Gazetteer, known: dict[ConceptId, Concept]) -> Mention:
    if mention.concept_id is not None:
        concept = known.get(mention.concept_id) or gazetteer.concept(mention.concept_id)
        if concept is not None and concept.type == mention.label:
            return mention
    cid = gazetteer.lookup(mention.text, mention.label)
    return mention if cid == mention.concept_id else replace(mention, concept_id=cid)
