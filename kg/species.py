"""Which species a paper studies, and which atlas identifier a region should use for it.

A brain-region concept is one per UBERON term and carries every identifier it has
(``UBERON:…`` and, where the Allen Mouse Brain Atlas has the structure, ``MBA:…``).
``detect_species`` reads the species a document names (mouse, rat, rodent vs human,
macaque, primate) and ``region_notation`` picks the identifier that fits it: the Allen
mouse id for rodent papers when the concept has one, UBERON otherwise. Pure functions.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final, Literal

from kg.models import Concept, Corpus, EntityType, PaperId

Species = Literal["mouse", "rat", "human", "macaque", "other-primate"]
RODENTS: Final = frozenset({"mouse", "rat"})

_CUES: Final = (
    ("mouse", re.compile(r"\b(?:mouse|mice|murine|Mus musculus)\b", re.I)),
    ("rat", re.compile(r"\b(?:rats?|Rattus)\b", re.I)),
    (
        "human",
        re.compile(r"\b(?:humans?|patients?|participants?|subjects|people|Homo sapiens)\b", re.I),
    ),
    ("macaque", re.compile(r"\b(?:macaques?|rhesus|Macaca|monkeys?)\b", re.I)),
    ("other-primate", re.compile(r"\b(?:marmosets?|primates?|chimpanzees?)\b", re.I)),
)
_RODENT: Final = re.compile(r"\brodents?\b", re.I)


def detect_species(text: str) -> Species | None:
    """The species ``text`` names most often, or None when it names none.

    "rodent" alone counts as mouse (the species of the Allen atlas); ties go to the
    first in the order mouse, rat, human, macaque, other primate.

    Example:
        >>> detect_species("Place cells in freely moving mice and in rats; mice again.")
        'mouse'
        >>> detect_species("A spiking network on Loihi.") is None
        True
    """
    counts: Counter[str] = Counter()
    for species, pattern in _CUES:
        counts[species] = len(pattern.findall(text))
    counts["mouse"] += len(_RODENT.findall(text)) if not counts["rat"] else 0
    best = max(counts.values())
    if best == 0:
        return None
    return next(s for s, _ in _CUES if counts[s] == best)  # type: ignore[return-value]


def document_species(corpus: Corpus) -> dict[PaperId, Species | None]:
    """``detect_species`` of every paper's document."""
    return {paper.id: detect_species(paper.document) for paper in corpus.papers}


def region_notation(concept: Concept, species: Species | None) -> str | None:
    """The identifier of a brain-region concept that fits the species studied.

    Rodent papers get the Allen Mouse Brain Atlas id (``MBA:…``) when the concept has
    one; everything else gets UBERON (species-neutral); None when the concept has
    neither (a region minted from the text).

    Example:
        >>> c = Concept("brain-region/hippocampus", EntityType.BRAIN_REGION, "hippocampus",
        ...             notations=("MBA:1089", "UBERON:0002421"))
        >>> region_notation(c, "mouse"), region_notation(c, "human")
        ('MBA:1089', 'UBERON:0002421')
    """
    if concept.type is not EntityType.BRAIN_REGION:
        return None
    by_prefix = {n.split(":", 1)[0]: n for n in reversed(concept.notations)}
    if species in RODENTS and "MBA" in by_prefix:
        return by_prefix["MBA"]
    return by_prefix.get("UBERON") or by_prefix.get("MBA")
