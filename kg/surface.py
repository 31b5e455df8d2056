"""Surface forms: how a vocabulary string becomes a gazetteer pattern, and how text is
normalised so that the pattern matches.

Shared by vocabulary generation (``kg.schemes``, build time) and extraction
(``kg.extract``, run time), so both sides fold dashes, hyphens and white space the
same way. Pure functions on strings; no spaCy, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final, Literal

#: How a pattern is compared with the text: ``LOWER`` ignores case, ``ORTH`` is exact.
MatchAttr = Literal["LOWER", "ORTH"]
LOWER: Final = "LOWER"
ORTH: Final = "ORTH"

#: Score of a pattern by the kind of vocabulary string it comes from (see ontology/vocab/README.md).
SCORE_LABEL: Final = 1.0
SCORE_SYNONYM: Final = 0.9
SCORE_ABBREVIATION: Final = 0.8
#: Factor applied when a case-insensitive pattern with inner capitals ("SpiNNaker")
#: matched a differently cased surface ("Spinnaker", "SPINNAKER").
CASE_MISMATCH_FACTOR: Final = 0.9

# Every replacement is one character for one character, so offsets into the
# normalised text are offsets into the original text (the extraction invariant).
# Hyphens and dashes become spaces: "spike-timing-dependent", "spike timing dependent"
# and the same with Unicode hyphens or en dashes then tokenise alike.
_MATCHING_TABLE: Final = str.maketrans(
    {
        **dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", " "),
        **dict.fromkeys(
            "\t\n\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
            "\u2007\u2008\u2009\u200a\u202f\u205f\u3000",
            " ",
        ),
        **dict.fromkeys("\u2018\u2019\u201b\u2032", "'"),
        **dict.fromkeys("\u201c\u201d\u201f\u2033", '"'),
    }
)
_SPACES: Final = re.compile(r" +")
_URL: Final = re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.\-]*://|\bwww\.)\S+")
# A letter run, then a space or hyphen, then digits: "CIFAR-10", "Loihi 2".
_LETTERS_THEN_NUMBER: Final = re.compile(r"(?<=[A-Za-z])[ \-](?=\d+\b)")
_ALPHA_WORD: Final = re.compile(r"^[A-Za-z]+$")


def normalise_for_matching(text: str) -> str:
    """Fold dashes, hyphens, odd spaces and curly quotes, and blank out URLs.

    The result has ``len(text)``, so offsets carry over. A URL becomes a run of
    underscores: nothing inside a URL is an entity (guideline 6).

    Example:
        >>> normalise_for_matching("spike\u2010timing\u2013dependent")
        'spike timing dependent'
        >>> normalise_for_matching("see https://x.org/SNN now")
        'see _________________ now'
    """
    if "://" in text or "www." in text:
        text = _URL.sub(lambda match: "_" * len(match.group()), text)
    return text.translate(_MATCHING_TABLE)


def form_key(text: str) -> str:
    """The comparison key of a surface form: normalised, single-spaced, lower case.

    Two strings with the same key are the same surface form for the gazetteer (a
    pattern matching one matches the other, up to case).

    Example:
        >>> form_key("Spike-Timing  Dependent")
        'spike timing dependent'
    """
    return _SPACES.sub(" ", normalise_for_matching(text)).strip().lower()


def is_acronym(text: str) -> bool:
    """True for an upper-case short form without spaces: "SNN", "CA1", "DYNAP-SE2"."""
    return " " not in text and any(c.isupper() for c in text) and not any(c.islower() for c in text)


def has_inner_capital(text: str) -> bool:
    """True for a mixed-case word with a capital after its first letter: "SpiNNaker", "ImageNet"."""
    return any(c.isupper() for c in text[1:]) and any(c.islower() for c in text)


def words(text: str) -> list[str]:
    """The alphabetic words of a string, lower case, split at spaces and hyphens."""
    return [w for w in re.split(r"[^A-Za-z]+", text.lower()) if w]


def plural_of(word: str) -> str:
    """English plural of a lower-case noun, by the regular rules only.

    Example:
        >>> [plural_of(w) for w in ("network", "memory", "process", "GPU")]
        ['networks', 'memories', 'processes', 'GPUs']
    """
    if word.isupper():
        return word + "s"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def pluralise(text: str, attr: MatchAttr) -> str | None:
    """The plural of a pattern by inflecting its last word, or None if it has none.

    Only regular nouns and acronyms are inflected: "spiking neural network" ->
    "spiking neural networks", "Gaussian process" -> "Gaussian processes", "neural ODE"
    -> "neural ODEs", "SNN" -> "SNNs", "ReLU" -> "ReLUs". Words ending in a digit, a single "s", or with
    inner capitals (product names such as "SpiNNaker") keep their form.
    """
    head, _, last = text.rpartition(" ")
    if attr == ORTH:
        # Acronyms and mixed-case short forms ending in a capital: "SNNs", "ReLUs", "LoRAs".
        capitals = sum(c.isupper() for c in text)
        if " " in text or not text[-1].isupper() or capitals < 2:
            return None
        return text + "s"
    # Title case ("Graph Convolutional Network") is inflected like lower case; the
    # pattern matches case-insensitively anyway.
    if head and is_acronym(last) and last[-1].isalpha() and len(last) >= 2:
        return f"{text}s"  # "neural ODE" -> "neural ODEs"
    # A hyphenated last word inflects its last part ("nano-oscillator" -> "nano-oscillators"),
    # unless it is a phrase of its own ("integrate-and-fire", "winner-take-all").
    if re.search(r"-(?:and|to|take|of|the|in|on|by|as|a)-", last):
        return None
    stem, hyphen, last = last.rpartition("-")
    if hyphen and not (stem.isalpha() and stem.islower() and last.islower()):
        return None  # "Hodgkin-Huxley", "BigGAN-deep": a name, not a noun
    if not _ALPHA_WORD.match(last) or len(last) < 3 or not last[1:].islower():
        return None
    if (last.endswith("s") and not last.endswith("ss")) or last.lower() in _UNINFLECTED:
        return None  # "nucleus", "analysis"; but "process" -> "processes"
    return f"{head} {stem}{hyphen}{plural_of(last.lower())}".strip()


# Plural heads of region names, Latin and English, and their singulars.
_REGION_SINGULAR: Final = {
    "cortices": "cortex", "nuclei": "nucleus", "gyri": "gyrus", "sulci": "sulcus",
    "colliculi": "colliculus", "thalami": "thalamus", "hippocampi": "hippocampus",
    "amygdalae": "amygdala", "striata": "striatum", "cerebella": "cerebellum",
    "laminae": "lamina", "areas": "area", "regions": "region", "subregions": "subregion",
    "lobes": "lobe", "lobules": "lobule", "fields": "field", "subfields": "subfield",
    "layers": "layer", "zones": "zone", "hemispheres": "hemisphere", "retinae": "retina",
    "retinas": "retina", "cortexes": "cortex",
}


def singular_region(text: str) -> str | None:
    """The singular of a plural region name, or None if its last word is no plural head.

    Example:
        >>> singular_region("Sensory Cortices"), singular_region("dentate gyrus")
        ('Sensory cortex', None)
    """
    head, space, last = text.rpartition(" ")
    singular = _REGION_SINGULAR.get(last.lower())
    if singular is None:
        return None
    return f"{head}{space}{singular}"


# Mass nouns and words whose plural would be another word.
_UNINFLECTED: Final = frozenset(
    {
        "learning",
        "memory",
        "computing",
        "plasticity",
        "coding",
        "inference",
        "propagation",
        "backpropagation",
        "regression",
        "analysis",
        "descent",
        "normalization",
        "normalisation",
        "attention",
        "hardware",
        "software",
        "dropout",
        "pooling",
        "processing",
        "training",
        "optimization",
        "optimisation",
        "search",
        "sampling",
        "clustering",
        "estimation",
        "reduction",
        "data",
        "information",
        "silicon",
        "cortex",
        "matter",
        "retina",
        "hippocampus",
        "striatum",
        "thalamus",
        "cerebellum",
        "amygdala",
        "gyrus",
        "nucleus",
        "ganglia",
        "ganglion",
        "switching",
    }
)


def variants(text: str, attr: MatchAttr, *, inflect: bool) -> Iterator[str]:
    """Yield ``text`` and its spelling variants, each once, ``text`` first.

    Variants: the letters-and-number join ("CIFAR-10" -> "CIFAR10", "Loihi 2" ->
    "Loihi2") and, when ``inflect`` is true, the plural of each form. Hyphen, space and
    Unicode dash variants need no pattern of their own: ``normalise_for_matching``
    folds them on both sides.
    """
    forms = [text]
    joined = _LETTERS_THEN_NUMBER.sub("", text)
    if joined != text:
        forms.append(joined)
    if inflect:
        for form in list(forms):
            plural = pluralise(form, attr)
            if plural:
                forms.append(plural)
    seen: set[str] = set()
    for form in forms:
        if form not in seen:
            seen.add(form)
            yield form
