"""A candidate span of one document, shared by the document-level rule modules.

``kg.document_rules`` (context, abbreviations, regions), ``kg.new_names`` (names no
vocabulary knows) and ``kg.span_rules`` (boundaries) all read and return ``Found`` values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

from kg.ids import concept_id
from kg.models import Concept, ConceptId, EntityType
from kg.surface import singular_region

RULES_EXTRACTOR: Final = "rules"
# Fences over software names (no entity may be made there); never returned.
FENCE_EXTRACTOR: Final = "blocked"
SCORE_DEFINED: Final = 0.8  # factor for a short form typed by its document's definition
SCORE_NEW_NAME: Final = 0.6

#: Looks up a surface form: (text, type) -> concept id or None.
Lookup = Callable[[str, EntityType], ConceptId | None]


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate span of one document (character offsets, end exclusive)."""

    start: int
    end: int
    label: EntityType
    concept_id: ConceptId | None
    score: float
    extractor: str



def overlaps(spans: Iterable[Found], start: int, end: int) -> list[Found]:
    """The spans that share a character with ``[start, end)``."""
    return [f for f in spans if f.start < end and start < f.end]


def occurrences(document: str, short: str) -> list[tuple[int, int]]:
    """Where ``short`` (or its plural / singular) occurs as a whole word."""
    forms = {short, short[:-1] if short.endswith("s") and short[-2:-1].isupper() else short + "s"}
    pattern = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return [
        (m.start(), m.end())
        for m in re.finditer(rf"(?<![A-Za-z0-9])(?:{pattern})(?![A-Za-z0-9])", document)
    ]


def mint(name: str, label: EntityType, minted: dict[ConceptId, Concept]) -> ConceptId:
    """The id of a concept no vocabulary holds, recorded in ``minted`` (``in_vocabulary`` false)."""
    cid = concept_id(label, name)
    minted.setdefault(cid, Concept(id=cid, type=label, label=name, in_vocabulary=False))
    return cid


def region_concept(text: str, lookup: Lookup, minted: dict[ConceptId, Concept]) -> ConceptId:
    """The concept of a region name: the vocabulary's for it or for its singular ("sensory
    cortices" is sensory cortex), else a new one named by the singular, lower case."""
    singular = singular_region(text)
    region = EntityType.BRAIN_REGION
    return (
        lookup(text, region)
        or (lookup(singular, region) if singular else None)
        or mint(" ".join((singular or text).lower().split()), region, minted)
    )
