"""Which vocabulary strings become gazetteer patterns, and how each one matches.

A plain gazetteer over these vocabularies tags every dictionary word that happens to
name a dataset and every three-letter acronym of an atlas. The rules here keep a
vocabulary string only when it reads as a name, and decide whether it matches ignoring
case (``LOWER``) or only as written (``ORTH``). Curated strings are trusted. The rules
are listed, with examples, in ``ontology/vocab/README.md``. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from kg.models import EntityType
from kg.surface import (
    LOWER,
    ORTH,
    SCORE_ABBREVIATION,
    SCORE_LABEL,
    SCORE_SYNONYM,
    MatchAttr,
    form_key,
    has_inner_capital,
    is_acronym,
    normalise_for_matching,
    variants,
    words,
)
from kg.vocab_sources import Exclusion, Term

# A Papers with Code method whose name is only common English words ("Balanced
# Selection") becomes a pattern only if this many papers use it; rarer ones are noise.
MIN_PAPERS_COMMON_WORDS: Final = 50
# Letter-only acronyms of at most three letters are heavily overloaded ("RAN", "GTS").
MIN_PAPERS_SHORT_ACRONYM: Final = 100
MIN_PAPERS_ACRONYM: Final = 10
MAX_PATTERN_WORDS: Final = 8
_PLURAL_ACRONYM: Final = re.compile(r"^[A-Z]{2,}s$")
# Last words of task names that Papers with Code also uses as dataset names.
_TASK_HEADS: Final = frozenset(
    {
        "analysis",
        "answering",
        "captioning",
        "classification",
        "detection",
        "estimation",
        "generation",
        "identification",
        "localization",
        "parsing",
        "prediction",
        "reasoning",
        "recognition",
        "representation",
        "retrieval",
        "segmentation",
        "summarization",
        "tracking",
        "translation",
        "understanding",
    }
)
_FUNCTION_WORDS: Final = frozenset(
    {
        "a",
        "an",
        "and",
        "at",
        "between",
        "by",
        "for",
        "from",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    }
)
_KIND_RANK: Final = {"label": 2, "synonym": 1, "abbreviation": 0}
_KIND_SCORE: Final = {
    "label": SCORE_LABEL,
    "synonym": SCORE_SYNONYM,
    "abbreviation": SCORE_ABBREVIATION,
}
_INFLECTED_TYPES: Final = frozenset({EntityType.METHOD, EntityType.HARDWARE})


@dataclass(frozen=True, slots=True)
class PatternChoice:
    """A pattern of one concept: its text, how it matches, and its score."""

    text: str
    attr: MatchAttr
    score: float


@dataclass(frozen=True, slots=True)
class _Candidate:
    key: str
    choice: PatternChoice
    priority: tuple[int, int]  # (curated, kind rank): the higher claim wins a shared form


def choose_patterns(
    groups: Sequence[Sequence[Term]],
    exclusions: Sequence[Exclusion],
    software: Sequence[str],
    english: frozenset[str],
) -> tuple[list[dict[str, PatternChoice]], frozenset[str]]:
    """Choose the patterns of every concept.

    Args:
        groups: The terms of each concept (one group per concept).
        exclusions: Curated exclusions (strings, and source ids whose strings are dropped).
        software: Software names; never patterns.
        english: Lower-case English words (see ``read_english_words``).

    Returns:
        For each group, its patterns by form key (``kg.surface.form_key``); and the form
        keys dropped because two concepts claim them with equal priority.
    """
    excluded_keys = {
        form_key(form)
        for text in [e.text for e in exclusions if e.text] + list(software)
        for attr in (LOWER, ORTH)
        for form in variants(text, attr, inflect=True)
    }
    excluded_sources = {e.source_id for e in exclusions if e.source_id}
    claims: dict[str, list[tuple[_Candidate, int]]] = defaultdict(list)
    for index, terms in enumerate(groups):
        best: dict[str, _Candidate] = {}
        for term in terms:
            if term.notation in excluded_sources:
                continue
            for candidate in _term_candidates(term, english):
                if candidate.key in excluded_keys and not term.curated:
                    continue
                held = best.get(candidate.key)
                # Within a concept the higher claim wins, and a case-insensitive form
                # subsumes an exact-case one.
                if held is None or (candidate.priority, candidate.choice.attr == LOWER) > (
                    held.priority,
                    held.choice.attr == LOWER,
                ):
                    best[candidate.key] = candidate
        for candidate in best.values():
            claims[candidate.key].append((candidate, index))
    chosen: list[dict[str, PatternChoice]] = [{} for _ in groups]
    ambiguous = set()
    for key, claimants in claims.items():
        top = max(c.priority for c, _ in claimants)
        winners = [(c, i) for c, i in claimants if c.priority == top]
        if len(winners) > 1:
            ambiguous.add(key)
            continue
        candidate, index = winners[0]
        chosen[index][key] = candidate.choice
    return chosen, frozenset(ambiguous)


def blocking_patterns(
    exclusions: Sequence[Exclusion], software: Sequence[str], claimed: set[str]
) -> list[tuple[str, MatchAttr]]:
    """Strings that consume their span and yield nothing: software names, listed phrases.

    A string that is also some concept's pattern (``claimed`` form keys) is not blocked.
    """
    texts = set(software) | {e.text for e in exclusions if e.text and e.block}
    blocked = sorted(t for t in texts if len(t) >= 2 and form_key(t) not in claimed)
    return [(text, LOWER) for text in sorted(blocked, key=lambda t: (form_key(t), t))]


def _term_candidates(term: Term, english: frozenset[str]) -> Iterable[_Candidate]:
    kinds = [(term.label, "label")] + [(s, "synonym") for s in term.synonyms]
    kinds += [(a, "abbreviation") for a in term.abbreviations]
    for raw, kind in kinds:
        text = " ".join(raw.split())
        attr = match_attr(term, text, kind, english)
        if attr is None:
            continue
        inflect = term.type in _INFLECTED_TYPES
        for form in variants(text, attr, inflect=inflect):
            yield _Candidate(
                key=form_key(form),
                choice=PatternChoice(text=form, attr=attr, score=_KIND_SCORE[kind]),
                priority=(int(term.curated), _KIND_RANK[kind]),
            )


def match_attr(term: Term, text: str, kind: str, english: frozenset[str]) -> MatchAttr | None:
    """How ``text`` matches (case-insensitively or exactly), or None if it is no pattern.

    Curated strings are trusted. Vocabulary strings pass the rules documented in
    ontology/vocab/README.md, which trade a few missed names for far fewer false hits.
    """
    if len(text) < 2 or any(c in text for c in '()[]{},;:/\\|"?!') or text.endswith("."):
        return None  # qualifiers ("hippocampus (Crosby)"), lists and descriptions
    tokens = normalise_for_matching(text).split()
    if not tokens or len(tokens) > MAX_PATTERN_WORDS:
        return None
    if term.curated:
        return ORTH if kind == "abbreviation" or term.case_sensitive or is_acronym(text) else LOWER
    if _PLURAL_ACRONYM.match(text):
        return None  # "PDEs", "SCs": an acronym used as a common noun
    if kind == "abbreviation" or is_acronym(text):
        return _acronym_attr(term, text, english)
    if len(tokens) == 1 and len(text) <= 3:
        return None  # "ec", "Hp": lower-case short forms are not reliable names
    plain = words(text)
    common = bool(plain) and all(w in english for w in plain) and not any(c.isdigit() for c in text)
    if term.type is EntityType.BRAIN_REGION:
        if kind != "label" and (plain[:1] + plain[-1:]) and {plain[0], plain[-1]} & _FUNCTION_WORDS:
            return None  # "between brain" (a UBERON synonym of diencephalon) reads as prose
        if plain and plain[-1] == "areas":
            return None  # guideline 19: "motor areas", "visual areas" are not regions
        return LOWER  # anatomical names are specific even when in a dictionary ("cortex")
    if len(tokens) == 1:
        if common and not has_inner_capital(text) and term.type is not EntityType.HARDWARE:
            return None  # "Dropout", "Retrace", "Birds": a word, not a name
        if term.type is EntityType.DATASET or common:
            return ORTH  # "ReckOn", "Speck", "ShapeNet": names that need their capitals
        return LOWER
    if term.type is EntityType.DATASET:
        if common and text != text.title() and not has_inner_capital(text):
            return None  # "Validation dataset": a description, not a name
        if common and plain[-1] in _TASK_HEADS:
            return None  # "Visual Question Answering": read as the task (guideline 13)
        # Dataset names are written as named ("Natural Questions", "Penn Treebank"); in
        # lower case the same words are a description (guideline 17: "PDE solutions").
        return ORTH
    if (
        common
        and term.type is EntityType.METHOD
        and (term.popularity or 0) < MIN_PAPERS_COMMON_WORDS
    ):
        return None
    return LOWER


def _acronym_attr(term: Term, text: str, english: frozenset[str]) -> MatchAttr | None:
    letters = sum(c.isalpha() for c in text)
    digits = any(c.isdigit() for c in text)
    if len(text) <= 2 or letters == 0 or text.lower() in english:
        return None  # "CA", "MO", "IT"; "BASE", "GLUE" read as words
    if term.type is EntityType.BRAIN_REGION and letters <= 3 and not digits and is_acronym(text):
        return None  # "SMT", "PRC", "DTN": atlas acronyms that collide with CS acronyms
    if term.type is EntityType.DATASET and letters <= 3 and not digits:
        return None
    if term.type is EntityType.METHOD:
        needed = MIN_PAPERS_SHORT_ACRONYM if letters <= 3 and not digits else MIN_PAPERS_ACRONYM
        if (term.popularity or 0) < needed:
            return None  # rarely used acronyms ("EMEA", "GTS") mostly mean something else
    return ORTH
