"""Document-level rules over the spans the pipeline found: context, abbreviations, new names.

``refine`` takes the spans of one document (from the gazetteer and the learned model) and

1. drops spans whose context gives them another meaning (``kg.disambiguate``);
2. applies the document's own abbreviation definitions (``kg.abbreviations``): when the
   long form of "spiking neural networks (SNNs)" is a known concept, every "SNN"/"SNNs" of
   the document gets its label and concept; when the document defines a short form as
   something that is not an entity ("pulse-code modulation (PCM)"), dictionary matches
   of that short form are dropped; a title-case long form with a method or dataset head
   ("Temporal Attention Spiking Network (TASN)") becomes a new concept;
3. finds names that no vocabulary knows from cues: "we propose X", "called X", a title
   "X: ...", "the X dataset"; X must look like a name (inner capitals, an acronym, digits).

New concepts get ids from ``kg.ids.concept_id`` and ``in_vocabulary=False``; their
mentions have extractor ``RULES_EXTRACTOR`` and a lower score. Spans never overlap.
Pure functions; no spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from kg.abbreviations import Abbreviation, find_abbreviations, is_short_form
from kg.disambiguate import keeps_reading
from kg.found import (
    FENCE_EXTRACTOR,
    RULES_EXTRACTOR,
    SCORE_DEFINED,
    SCORE_NEW_NAME,
    Found,
    Lookup,
    mint,
    occurrences,
    overlaps,
    region_concept,
)
from kg.hardware_rules import hardware_classes
from kg.models import Concept, ConceptId, EntityType
from kg.name_shape import is_name, is_standalone_name
from kg.new_names import add_new_names, canonical_long_form, long_form_meaning
from kg.span_rules import (
    extend_names,
    minting,
    outside_urls,
    title_modified_names,
    trim_descriptors,
)

__all__ = [
    "AREA_CODE",
    "RULES_EXTRACTOR",
    "Found",
    "Lookup",
    "canonical_long_form",
    "is_name",
    "is_standalone_name",
    "refine",
]


def refine(
    document: str,
    found: Sequence[Found],
    lookup: Lookup,
    *,
    blocked: Sequence[tuple[int, int]] = (),
) -> tuple[list[Found], list[Concept]]:
    """Apply context, abbreviation and new-name rules to one document's spans.

    Args:
        document: The document text the offsets refer to.
        found: Candidate spans (any extractor), not overlapping.
        lookup: Concept id of a surface form of a type (``Gazetteer.lookup``).
        blocked: Character spans that are no entity (software names): no new name there.

    Returns:
        The final spans, sorted and non-overlapping, and the new concepts they mint.
    """
    spans = [f for f in found if keeps_reading(document, f.start, f.end, f.label)]
    minted: dict[ConceptId, Concept] = {}
    spans = [_trim_area_words(document, f, lookup, minted) for f in spans]
    spans = _split_region_pairs(document, spans, lookup)
    spans = hardware_classes(document, spans, lookup)
    spans = _extend_regions(document, spans, lookup, minted)
    spans = _visual_areas(document, spans, lookup, minted)
    new_concept = minting(minted, canonical_long_form)
    spans = trim_descriptors(document, extend_names(document, spans, lookup, new_concept), lookup)
    spans = title_modified_names(document, spans, new_concept)
    abbreviations = find_abbreviations(document)
    abbreviations = sorted(
        abbreviations + _atlas_abbreviations(document, spans, abbreviations),
        key=lambda a: a.short_start,
    )
    spans = _apply_definitions(document, spans, abbreviations, lookup, minted)
    fences = [Found(s, e, EntityType.METHOD, None, 0.0, FENCE_EXTRACTOR) for s, e in blocked]
    not_names = {a.short for a in abbreviations if _defined_as_nothing(a, spans)}
    spans = add_new_names(document, spans + fences, lookup, minted, not_names=not_names)
    spans = [f for f in spans if f.extractor != FENCE_EXTRACTOR]
    spans = outside_urls(document, spans)
    return sorted(spans, key=lambda f: f.start), list(minted.values())


# An atlas abbreviation in parentheses right after a region: "(Me5)", "(ICX)", "(A10)".
_ATLAS_SHORT_FORM: Final = re.compile(r"\s?\(([A-Za-z][A-Za-z0-9]{1,5})\)")


def _atlas_abbreviations(
    document: str, spans: Sequence[Found], found: Sequence[Abbreviation]
) -> list[Abbreviation]:
    """Short forms that neuroanatomy takes from atlases rather than from the letters of the
    name, so Schwartz and Hearst find no pair: "mesencephalic trigeminal nucleus (Me5)",
    "external nucleus of the inferior colliculus (ICX)", "ventral tegmental area (A10)".
    The parentheses must follow a region directly and start with an initial of its words;
    "hippocampus (Exp)" defines nothing."""
    defined = {a.short_start for a in found}
    result = []
    for region in spans:
        if region.label is not EntityType.BRAIN_REGION:
            continue
        match = _ATLAS_SHORT_FORM.match(document, region.end)
        if match is None or match.start(1) in defined or not is_short_form(match.group(1)):
            continue
        long_text = document[region.start : region.end]
        initials = {word[0].lower() for word in re.findall(r"[A-Za-z]+", long_text)}
        if match.group(1)[0].lower() in initials:
            result.append(
                Abbreviation(
                    short=match.group(1),
                    long=long_text,
                    short_start=match.start(1),
                    short_end=match.end(1),
                    long_start=region.start,
                    long_end=region.end,
                )
            )
    return result


def _defined_as_nothing(abbreviation: Abbreviation, spans: Sequence[Found]) -> bool:
    """Whether the document defines a short form as something that is not an entity
    ("layer 5 pyramidal cells (L5PCs)"): then no rule may make a name of it."""
    return not any(
        (f.start, f.end) == (abbreviation.short_start, abbreviation.short_end)
        or (f.start < abbreviation.long_end and abbreviation.long_start < f.end)
        for f in spans
    )


# Anatomical position words that make a more specific region ("lateral hypothalamus",
# "caudal ventrolateral medulla"), and "central nucleus of the amygdala" phrases.
_POSITION: Final = (
    r"(?:(?:antero|postero|dorso|ventro|medio|latero|rostro|caudo|baso)?"
    r"(?:anterior|posterior|dorsal|ventral|medial|lateral|rostral|caudal|superior|inferior|"
    r"central|intermediate|lateral|medial))"
)
# Whole words only ("paracentral V1" is not "central V1"); "part/division of" needs a
# position ("dorsal part of the caudate"), a bare "part of the caudate" names no region.
_BEFORE_REGION: Final = re.compile(
    rf"(?<![A-Za-z\-])(?:(?:{_POSITION}[\s\-]+)*{_POSITION}\s+$"
    rf"|(?:(?:{_POSITION}|deep|basilar|accessory)\s+)*"
    r"(?:nucleus|nuclei|core|shell)\s+of\s+(?:the\s+)?$"
    rf"|(?:(?:{_POSITION}|deep|basilar|accessory|middle|outer|inner|extreme)"
    r"(?:\s+(?:and|or)\s+|\s+))+"
    r"(?:division|part|subdivision|region|portion|zone|segment|sector|level)s?"
    r"\s+of\s+(?:the\s+)?$)",
    re.IGNORECASE,
)
_AFTER_REGION: Final = re.compile(r"^\s+(?:complex|nucleus|nuclei)\b", re.IGNORECASE)
# A nucleus named after what it serves: one lower-case word after "of (the)", no more.
_NUCLEUS_OF: Final = re.compile(r"\s+of\s+(?:the\s+)?([a-z]{4,})(?=\s*[(),.;:])")
_NOT_NAMING_A_NUCLEUS: Final = frozenset(
    """brain rats mice mouse cats monkey monkeys animals species origin neurons cells
    this that these those each both same present adult young mammals vertebrates birds
    fish fishes dogfish reptiles primates rodents humans ferrets songbirds zebrafish
    goldfish lamprey frogs chicks""".split()
)
_AREA_WORDS: Final = re.compile(
    r"^(?:(?:visual\s+)?areas?\s+)?(V[1-8][A-Za-z]?|MT|MST|IT|CA[1-4])"
    r"(?:\s+(?:region|field|subfield))?$",
    re.IGNORECASE,
)


_HYPHEN_PAIR: Final = re.compile(r"([A-Za-z]+)-(?=[A-Za-z])")


def _split_region_pairs(document: str, spans: list[Found], lookup: Lookup) -> list[Found]:
    """ "hippocampal-entorhinal system" -> [hippocampal] [entorhinal] (guideline 5), whatever
    span a model proposed: both halves must be regions on their own."""
    result = []
    for f in spans:
        pair = (
            _HYPHEN_PAIR.match(document, f.start, f.end)
            if f.label is EntityType.BRAIN_REGION
            else None
        )
        left = lookup(pair.group(1), f.label) if pair else None
        if pair is None or left is None:
            result.append(f)
            continue
        words = list(re.finditer(r"[A-Za-z][\w\-]*", document[pair.end() : f.end]))
        right = None
        for n in range(len(words), 0, -1):
            end = pair.end() + words[n - 1].end()
            cid = lookup(document[pair.end() : end], f.label)
            if cid is not None:
                right = (end, cid)
                break
        if right is None:
            result.append(f)
            continue
        result.append(replace(f, end=pair.end(1), concept_id=left))
        result.append(replace(f, start=pair.end(), end=right[0], concept_id=right[1]))
    return result


def _trim_area_words(
    document: str, found: Found, lookup: Lookup, minted: dict[ConceptId, Concept]
) -> Found:
    """ "area V4" -> "V4", "CA3 region" -> "CA3": the code is the name (guidelines' examples),
    and the code's concept is the span's."""
    if found.label is not EntityType.BRAIN_REGION:
        return found
    match = _AREA_WORDS.match(document[found.start : found.end])
    if match is None or match.span(1) == (0, found.end - found.start):
        return found
    cid = _area_concept(match.group(1), lookup, minted)
    return replace(
        found, start=found.start + match.start(1), end=found.start + match.end(1), concept_id=cid
    )


def _area_concept(code: str, lookup: Lookup, minted: dict[ConceptId, Concept]) -> ConceptId:
    """The concept of an area code: the vocabulary's, else one named by its spelled-out name
    ("MST" is the medial superior temporal area)."""
    name = _VISUAL_NAMES.get(code, code)
    region = EntityType.BRAIN_REGION
    return lookup(code, region) or lookup(name, region) or mint(name, region, minted)


#: Codes that name an area by themselves: "area V4" and "CA3 region" are marked "V4", "CA3".
AREA_CODE: Final = re.compile(r"^(?:V[1-8][A-Za-z]?|MT|MST|IT|CA[1-4])$")


def _extend_regions(
    document: str, spans: list[Found], lookup: Lookup, minted: dict[ConceptId, Concept]
) -> list[Found]:
    """Grow region spans over position words and "nucleus of the ..." (one longer region)."""
    result = []
    taken = sorted((f.start, f.end) for f in spans)
    for f in spans:
        if f.label is not EntityType.BRAIN_REGION or f.extractor == RULES_EXTRACTOR:
            result.append(f)
            continue
        start, end = f.start, f.end
        before = _BEFORE_REGION.search(document, max(0, start - 80), start)
        if before is not None:
            start = before.start()
        after = _AFTER_REGION.match(document[end : end + 20])
        if after is not None:
            end += after.end()
        elif re.search(r"\bnucle(?:us|i)$", document[start:end], re.IGNORECASE):
            named = _NUCLEUS_OF.match(document, end)  # "spinal nucleus of the bulbocavernosus"
            if named is not None and named.group(1).lower() not in _NOT_NAMING_A_NUCLEUS:
                end = named.end()
        if (start, end) == (f.start, f.end) or any(
            s < end and start < e and (s, e) != (f.start, f.end) for s, e in taken
        ):
            result.append(f)
            continue
        text = document[start:end]
        cid = region_concept(text, lookup, minted)
        result.append(Found(start, end, f.label, cid, round(f.score * 0.9, 4), f.extractor))
    return result


_VISUAL_AREA: Final = re.compile(r"(?<![A-Za-z0-9\-])(?:IT|MT|MST|V[1-8][A-Za-z]?)(?![A-Za-z0-9])")
_VISUAL_NAMES: Final = {
    "IT": "inferior temporal cortex",
    "MT": "middle temporal visual area",
    "MST": "medial superior temporal area",
}


def _visual_areas(
    document: str, spans: list[Found], lookup: Lookup, minted: dict[ConceptId, Concept]
) -> list[Found]:
    """In a document that names visual areas ("V1", "V4"), "IT", "MT" and "V3" are areas too."""
    codes = [
        f for f in spans
        if f.label is EntityType.BRAIN_REGION and re.fullmatch(r"V[1-8]", document[f.start : f.end])
    ]
    if not codes:
        return spans
    result = list(spans)
    for match in _VISUAL_AREA.finditer(document):
        if overlaps(result, match.start(), match.end()):
            continue
        cid = _area_concept(match.group(), lookup, minted)
        result.append(
            Found(match.start(), match.end(), EntityType.BRAIN_REGION, cid, SCORE_DEFINED,
                  RULES_EXTRACTOR)
        )
    return result


def _apply_definitions(
    document: str,
    spans: list[Found],
    abbreviations: Sequence[Abbreviation],
    lookup: Lookup,
    minted: dict[ConceptId, Concept],
) -> list[Found]:
    for abbreviation in abbreviations:
        exact = [
            f
            for f in spans
            if f.start == abbreviation.long_start and f.end == abbreviation.long_end
        ]
        meaning: tuple[EntityType, ConceptId | None, float] | None = None
        if exact:
            meaning = (exact[0].label, exact[0].concept_id, exact[0].score)
        else:
            for label in EntityType:
                cid = lookup(abbreviation.long, label)
                if cid is not None:
                    meaning = (label, cid, 1.0)
                    break
        if meaning is None:
            # S&H's shortest long form inside a longer known name: "ferroelectric
            # field-effect transistors (FeFETs)" defines FeFETs, not "field-effect transistors".
            covering = [
                f for f in spans
                if f.end == abbreviation.long_end and f.start < abbreviation.long_start
                and f.concept_id is not None
            ]
            if covering:
                meaning = (covering[0].label, covering[0].concept_id, covering[0].score)
        if meaning is None:
            meaning = _interrupted_name(document, abbreviation, lookup)
            meaning = meaning or _spelled_like_its_reading(abbreviation, spans)
            if meaning is not None and not overlaps(
                spans, abbreviation.long_start, abbreviation.long_end
            ):
                spans.append(
                    Found(abbreviation.long_start, abbreviation.long_end, *meaning, RULES_EXTRACTOR)
                )
        if meaning is None:
            meaning = long_form_meaning(document, abbreviation, spans, minted)
            if meaning is not None and meaning[2] == SCORE_NEW_NAME:
                # The definition and every other use of the same long form ("Energy-Based
                # World Models" in the title) name the new concept.
                uses = [(abbreviation.long_start, abbreviation.long_end)] + [
                    (m.start(), m.end())
                    for m in re.finditer(rf"(?<!\w){re.escape(abbreviation.long)}s?(?!\w)", document)
                    if m.start() != abbreviation.long_start
                ]
                for start, end in uses:
                    inside = overlaps(spans, start, end)
                    if any(f.start < start or end < f.end for f in inside):
                        continue  # part of a longer span
                    spans = [f for f in spans if f not in inside]
                    spans.append(
                        Found(start, end, meaning[0], meaning[1], SCORE_NEW_NAME, RULES_EXTRACTOR)
                    )
        spans = _retag_short_forms(document, spans, abbreviation, meaning)
    return spans


_WORD_AFTER_PAREN: Final = re.compile(r"\)\s+([A-Za-z][\w\-]*)")


def _interrupted_name(
    document: str, abbreviation: Abbreviation, lookup: Lookup
) -> tuple[EntityType, ConceptId | None, float] | None:
    """The concept of a known name that the definition interrupts: "temporal-difference (TD)
    learning" is temporal-difference learning, and "temporal-difference" and "TD" are its
    mentions (the annotators' split, like "hyper-dimensional (HD) computing")."""
    after = _WORD_AFTER_PAREN.match(document, abbreviation.short_end)
    if after is None:
        return None
    word = after.group(1)
    for candidate in (f"{abbreviation.long} {word}", f"{abbreviation.long} {word.rstrip('s')}"):
        for label in (EntityType.METHOD, EntityType.HARDWARE, EntityType.DATASET):
            cid = lookup(candidate, label)
            if cid is not None:
                return label, cid, 1.0
    return None


def _spelled_like_its_reading(
    abbreviation: Abbreviation, spans: Sequence[Found]
) -> tuple[EntityType, ConceptId | None, float] | None:
    """The short form's own dictionary reading, when the unknown long form is a variant
    spelling of that concept's name ("graph neural nets (GNNs)" for graph-neural-network),
    word by word on the first three letters; "pulse-code modulation (PCM)" is no spelling
    of phase-change-memory, so it stays undefined."""
    reading = next(
        (
            f
            for f in spans
            if (f.start, f.end) == (abbreviation.short_start, abbreviation.short_end)
            and f.concept_id is not None
        ),
        None,
    )
    if reading is None or reading.concept_id is None:
        return None
    name_words = reading.concept_id.partition("/")[2].split("-")
    long_words = re.split(r"[\s\-\u2010-\u2015]+", abbreviation.long.lower())
    if len(name_words) != len(long_words) or len(long_words) < 2:
        return None
    if all(a[:3] == b[:3] for a, b in zip(long_words, name_words, strict=True)):
        return reading.label, reading.concept_id, reading.score
    return None


def _retag_short_forms(
    document: str,
    spans: list[Found],
    abbreviation: Abbreviation,
    meaning: tuple[EntityType, ConceptId | None, float] | None,
) -> list[Found]:
    positions = occurrences(document, abbreviation.short)
    result = list(spans)
    for start, end in positions:
        clashing = overlaps(result, start, end)
        if meaning is None:
            # The document defines the short form as something that is not an entity
            # ("pulse-code modulation (PCM)"): its dictionary reading goes, unless the
            # long form holds an entity of the same type ("hierarchical SNNs (HSNNs)").
            in_long = overlaps(result, abbreviation.long_start, abbreviation.long_end)
            result = [
                f
                for f in result
                if f not in clashing
                or (f.start, f.end) != (start, end)
                or any(g.label is f.label for g in in_long)
            ]
            continue
        label, cid, score = meaning
        if any((f.start, f.end) != (start, end) for f in clashing):
            continue  # a longer span holds it ("SNN-based" stays whatever it was)
        if clashing and clashing[0].label is label and clashing[0].concept_id == cid:
            continue
        result = [f for f in result if f not in clashing]
        result.append(
            Found(start, end, label, cid, round(score * SCORE_DEFINED, 4), RULES_EXTRACTOR)
        )
    return result

