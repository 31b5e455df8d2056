"""Guideline checks on the learned NER's region spans before extraction keeps them.

The model (``kg/data/ner``) proposes boundaries; these pure functions decide, with the
vocabulary's help, whether a proposed span reads as anatomy (``plausible``) and whether a
longer model region may replace the gazetteer regions it covers (``refines_regions``).
``kg.extract._candidates`` applies them. No spaCy.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from kg.corpora import is_project_method
from kg.disambiguate import BUNDLE_NAMES
from kg.document_rules import AREA_CODE, Found
from kg.gazetteer import Gazetteer
from kg.models import EntityType
from kg.surface import form_key

__all__ = ["plausible", "refines_regions"]

# Words that qualify a region without naming a more specific one (guidelines 1 and 19).
_NOT_REGION_WORDS: Final = re.compile(
    r"\b(?:areas?|regions?|biological|human|mouse|mice|rat|monkey|macaque|cat|primate|"
    r"brain|neurons?|cells?|layers?|model)\b",
    re.IGNORECASE,
)
# What may join gazetteer regions inside one longer region name: "pars compacta of the
# substantia nigra", "hypothalamic arcuate nucleus"; not "and", "or", commas.
_REGION_JOIN: Final = re.compile(r"^\s*(?:of(?:\s+the)?\s+)?$", re.IGNORECASE)


def refines_regions(
    text: str, start: int, end: int, label: EntityType, inside: list[Found]
) -> bool:
    """Whether a model span is a longer region over gazetteer regions, which it replaces:
    "central nucleus of the amygdala" over "amygdala", "pars compacta of the substantia
    nigra" over its two parts, not "mouse visual cortex" over "visual cortex", "frontal V1"
    over "V1" nor "frontal and parietal cortex" over its parts."""
    if label is not EntityType.BRAIN_REGION:
        return False
    if any(f.label is not label or f.start < start or end < f.end for f in inside):
        return False
    if any(AREA_CODE.match(text[f.start : f.end]) for f in inside):
        return False
    extra = text[start : inside[0].start] + " " + text[inside[-1].end : end]
    if _NOT_REGION_WORDS.search(extra):
        return False
    if (start, end) != (inside[0].start, inside[-1].end):
        return True
    gaps = [text[a.end : b.start] for a, b in zip(inside, inside[1:])]
    return bool(gaps) and all(_REGION_JOIN.match(gap) for gap in gaps)


# Not regions by the guidelines (1 and 19), whatever WhiteText says ("spinal cord").
_NOT_REGIONS: Final = frozenset(
    {"brain", "brains", "nervous system", "cortical neurons", "spinal cord", "song", "songs"}
)
_FIBRE_HEADS: Final = BUNDLE_NAMES | frozenset(
    """fornix funiculus bundle bundles callosum chiasm chiasma fimbria fiber fibers fibre
    fibres root roots""".split()
)
_NUCLEUS_HEADS: Final = frozenset({"nucleus", "nuclei", "area", "region", "zone", "part"})
# Words of mathematics, which a model trained on neuroanatomy takes for anatomy where they
# meet a region word ("diagonal of the Fisher information matrix": "matrix" is striatal;
# not "diagonal": the diagonal band of Broca is a region).
_MATHS_WORDS: Final = frozenset(
    """fisher information covariance hessian jacobian eigenvalue eigenvalues
    eigenvector eigenvectors adjacency laplacian gradient gradients matrices""".split()
)
_SPECIES_WORDS: Final = frozenset(
    """rat rats mouse mice monkey monkeys macaque macaques cat cats human humans bird birds
    ferret ferrets rabbit rabbits primate primates species animal animals""".split()
)
_FUNCTION_WORDS: Final = frozenset(
    {"of", "the", "and", "or", "in", "to", "a", "an", "with", "for"}
)
# A region code the model may propose without vocabulary support: "LSO", "MGmc", "M1",
# "TE3" (three or more characters with two capitals, or a digit); not "AI" or "TA".
_REGION_CODE: Final = re.compile(r"^(?=[A-Z][A-Za-z0-9]{1,5}$)(?:.*\d|(?=.{3})[A-Z].*[A-Z])")


@dataclass(frozen=True, slots=True)
class _Words:
    heads: frozenset[str]  # last words of the type's patterns ("nucleus", "cortex")
    words: frozenset[str]  # every content word of them ("pontine", "cochlear", "nucleus")


# Gazetteers are unhashable (read-only mappings); the entry keeps the gazetteer alive so
# its id cannot be reused while cached.
_WORDS_CACHE: dict[int, tuple[Gazetteer, dict[EntityType, _Words]]] = {}


def _vocabulary_words(gazetteer: Gazetteer) -> dict[EntityType, _Words]:
    """Head words and content words of every pattern of each type."""
    cached = _WORDS_CACHE.get(id(gazetteer))
    if cached is None:
        heads: dict[EntityType, set[str]] = defaultdict(set)
        words: dict[EntityType, set[str]] = defaultdict(set)
        for entry in gazetteer.entries.values():
            for p in entry.patterns:
                tokens = form_key(p.text).split()
                if tokens:
                    heads[entry.concept.type].add(tokens[-1])
                    words[entry.concept.type].update(t for t in tokens if t not in _FUNCTION_WORDS)
        if len(_WORDS_CACHE) > 4:
            _WORDS_CACHE.clear()
        frozen = {t: _Words(frozenset(heads[t]), frozenset(words[t])) for t in heads}
        cached = _WORDS_CACHE[id(gazetteer)] = (gazetteer, frozen)
    return cached[1]


_OTHER_TYPES: Final = (EntityType.METHOD, EntityType.DATASET, EntityType.HARDWARE)


def plausible(text: str, label: EntityType, gazetteer: Gazetteer) -> bool:
    """Guideline checks on a model span: no generic words, descriptions or stray tokens.

    A region must end in a word of some vocabulary region name ("... nucleus",
    "pontine", "cochlear") or in a region code ("LSO", "M1"), and must not be a name
    the vocabulary gives another type ("LLMs"): the model proposes the boundaries,
    anatomy vouches for them.
    """
    if len(text) < 2 or not any(c.isalpha() for c in text) or text[-1] in "-(/":
        return False
    key = form_key(text)
    words = _vocabulary_words(gazetteer)
    empty = _Words(frozenset(), frozenset())
    if label is EntityType.METHOD:
        return is_project_method(text) and (
            key.split()[-1] in words.get(label, empty).heads or len(key.split()) == 1
        )
    if label is EntityType.DATASET:
        return any(c.isupper() or c.isdigit() for c in text)  # guideline 17
    if label is EntityType.BRAIN_REGION:
        if key in _NOT_REGIONS or any(gazetteer.lookup(text, other) for other in _OTHER_TYPES):
            return False
        if _MATHS_WORDS.intersection(key.split()):
            return False
        # Guideline 19: fibre bundles, nerves and roots are no regions; the head before "of"
        # decides ("nucleus of the optic tract" is a nucleus, "fibres of the fornix" no region).
        head, last = key.split(" of ")[0].split()[-1], key.split()[-1]
        if head in _FIBRE_HEADS or (head not in _NUCLEUS_HEADS and last in _FIBRE_HEADS):
            return False
        return _anatomical(key, text.split(), words.get(label, empty))
    return True


# Latin names put the head first ("nucleus rotundus", "area 17", "stratum radiatum").
_LATIN_HEADS: Final = frozenset(
    {"nucleus", "nuclei", "area", "areas", "stratum", "regio", "pars", "lamina"}
)


def _anatomical(key: str, tokens: list[str], region: _Words) -> bool:
    """Whether a span reads as an anatomical name: it ends in a word of a vocabulary region
    name or in a compound of one ("reticulospinal", "subcortical"), starts with a Latin head
    ("nucleus rotundus", "area 17"), or ends in a region code ("LSO", "M1")."""
    words = key.split()
    last = words[-1]
    if last in _FUNCTION_WORDS or _SPECIES_WORDS.intersection(words):
        return False  # "nucleus X of Brown Norwegian rats" runs past the name
    if last in region.heads or last in region.words:
        return True
    if any(last[i:] in region.words for i in range(1, len(last) - 5)):
        return True
    if len(words) > 1 and words[0] in _LATIN_HEADS:
        return True
    return bool(_REGION_CODE.match(tokens[-1]))
