"""Abbreviations defined in a text: "spiking neural networks (SNNs)" and "SNNs (spiking ...)".

The detector follows Schwartz and Hearst (2003), "A simple algorithm for identifying
abbreviation definitions in biomedical text", Pacific Symposium on Biocomputing 8:451-462:
a short form in parentheses after its long form (or the reverse when the parentheses hold
more than two words); the long form is the shortest stretch of the preceding words, at
most ``min(|SF| + 5, 2 |SF|)`` words, in which every letter and digit of the short form
occurs in order, right to left, the first one at the start of a word. Additions to the
published algorithm: a plural short form ("SNNs") matches a plural long form, Greek letters
match their Latin initial ("α" in "TNF-α" matches "alpha"), Unicode dashes count as word
separators, and a short form must contain a capital letter (a lower-case word in
parentheses is a gloss, not an abbreviation). Pure functions on strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# Greek letter -> Latin initial of its name, so "α" matches the "a" of "alpha".
_GREEK: Final = dict(
    zip(
        "αβγδεζηθικλμνξοπρστυφχψω" "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ",
        "abgdezetiklmnxoprstupcpo" "abgdezetiklmnxoprstupcpo",
        strict=True,
    )
)
_PARENS: Final = re.compile(r"\(([^()]{1,200})\)")
_DASHES: Final = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_WORD_BEFORE: Final = re.compile(r"(\S+)\s*$")
_SENTENCE_STOP: Final = re.compile(r"[.;:!?](?:\s|$)|[()\[\]]")
MAX_SHORT_FORM: Final = 10


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """A short form and the long form it abbreviates, with character offsets (end exclusive)."""

    short: str
    long: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int


def find_abbreviations(text: str) -> list[Abbreviation]:
    """Every abbreviation defined in ``text``, in order of appearance.

    Example:
        >>> [(a.short, a.long) for a in find_abbreviations(
        ...     "We train spiking neural networks (SNNs) with STDP.")]
        [('SNNs', 'spiking neural networks')]
    """
    found: list[Abbreviation] = []
    for match in _PARENS.finditer(text):
        inner_start = match.start(1)
        inner = match.group(1)
        cut = re.search(r"[;,]\s|\s[-\u2013\u2014]\s|\s=\s", inner)
        if cut:
            inner = inner[: cut.start()]
        stripped = inner.strip()
        inner_start += len(inner) - len(inner.lstrip())
        abbreviation = None
        if len(stripped.split()) <= 2 and is_short_form(stripped):
            abbreviation = _long_before(text, match.start(), stripped, inner_start)
        elif len(stripped.split()) > 2:
            abbreviation = _short_before(text, match.start(), stripped, inner_start)
        if abbreviation is not None:
            found.append(abbreviation)
    return found


def is_short_form(candidate: str) -> bool:
    """Whether ``candidate`` can be a short form: 2-10 characters, a capital, starts alphanumeric.

    Example:
        >>> [is_short_form(s) for s in ("SNN", "mPFC", "TNF-α", "see", "2003", "a")]
        [True, True, True, False, False, False]
    """
    return (
        2 <= len(candidate) <= MAX_SHORT_FORM
        and candidate[0].isalnum()
        and any(c.isupper() or c in _GREEK for c in candidate)
        and any(c.isalpha() for c in candidate)
    )


def _window_start(text: str, end: int) -> int:
    # The long form stays inside the current sentence and clause.
    stop = 0
    for match in _SENTENCE_STOP.finditer(text, max(0, end - 400), end):
        stop = match.end()
    return stop


def _long_before(text: str, paren: int, short: str, short_start: int) -> Abbreviation | None:
    start = _window_start(text, paren)
    window = text[start:paren].rstrip()
    letters = sum(c.isalnum() for c in short)
    max_words = min(letters + 5, letters * 2)
    words = list(re.finditer(r"\S+", window))[-max_words:]
    if not words:
        return None
    offset = start + words[0].start()
    candidate = text[offset : start + len(window)]
    long_start = best_long_form(short, candidate)
    if long_start is None:
        return None
    # An opening quote or bracket is not part of the long form ('"Realtime Cerebellum (RC)"').
    while long_start < len(candidate) and candidate[long_start] in _OPENERS:
        long_start += 1
    long_text = candidate[long_start:]
    if _bad_pair(short, long_text):
        return None
    return Abbreviation(
        short=short,
        long=long_text,
        short_start=short_start,
        short_end=short_start + len(short),
        long_start=offset + long_start,
        long_end=offset + len(candidate),
    )


def _short_before(text: str, paren: int, long_text: str, long_start: int) -> Abbreviation | None:
    match = _WORD_BEFORE.search(text, max(0, paren - MAX_SHORT_FORM - 2), paren)
    if match is None:
        return None
    short = match.group(1).strip(",.;:")
    if not is_short_form(short) or not text[match.start(1) : paren].strip().endswith(short):
        return None
    found = best_long_form(short, long_text)
    if found != 0 or _bad_pair(short, long_text):
        return None  # the whole parenthesis must be the long form
    short_start = match.start(1)
    return Abbreviation(
        short=short,
        long=long_text,
        short_start=short_start,
        short_end=short_start + len(short),
        long_start=long_start,
        long_end=long_start + len(long_text),
    )


def _bad_pair(short: str, long_text: str) -> bool:
    # S&H: the long form is longer than the short form and does not contain it as a word.
    if len(long_text) <= len(short):
        return True
    words = [w.strip(_DASHES + ",.").lower() for w in long_text.split()]
    if short.lower() in words:
        return True
    # Nor does it start with a longer name built on the short form ("ColBERTer ...
    # (ColBERT)"), or run over an appositive ("Hopper, a model with delays (HMD)"): the
    # letters then match by accident.
    if len(short) >= 3 and words and words[0].startswith(short.lower()):
        return True
    return _APPOSITIVE.search(long_text) is not None


_OPENERS: Final = "\"'`\u2018\u201c([{"
_APPOSITIVE: Final = re.compile(r",\s+(?:a|an|the|which|that|who)\s", re.IGNORECASE)


def _fold(char: str) -> str:
    return _GREEK.get(char, char).lower()


def best_long_form(short: str, long_text: str) -> int | None:
    """Where the long form of ``short`` starts in ``long_text`` (S&H's findBestLongForm), or None.

    Example:
        >>> best_long_form("STDP", "rules like spike-timing-dependent plasticity")
        11
    """
    chars = [_fold(c) for c in short if c.isalnum() or c in _GREEK]
    plural = len(chars) > 2 and short.endswith("s") and short[-2].isupper()
    if plural:
        chars.pop()  # "SNNs": match "SNN", then require a plural long form
        if not long_text.endswith("s"):
            return None
    initials = _initials_start(chars, long_text)
    if initials is not None:
        # A long form starts at a word's start, as in S&H: "non-negative tensor factorization
        # (NTF)", not "negative tensor factorization".
        while initials > 0 and not long_text[initials - 1].isspace():
            initials -= 1
        return initials
    folded = [_fold(c) for c in long_text]
    l_index = len(folded) - 1
    for s_index in range(len(chars) - 1, -1, -1):
        char = chars[s_index]
        while l_index >= 0 and (
            folded[l_index] != char
            or (s_index == 0 and l_index > 0 and _in_word(long_text, l_index))
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
    # Extend to the start of the word the first character sits in.
    start = l_index + 1
    while start > 0 and not long_text[start - 1].isspace():
        start -= 1
    return start


_SMALL: Final = frozenset({"of", "and", "the", "for", "in", "on", "to", "a", "an", "with"})


def _initials_start(chars: list[str], long_text: str) -> int | None:
    """Start of the shortest run of final words whose initials spell the short form
    ("Neural Network Interatomic Potentials" for NNIPs, where S&H's shortest match would
    take "Network Interatomic Potentials"); small words may be skipped."""
    words = list(re.finditer(r"[^\s\-\u2010-\u2015/]+", long_text))
    for first in range(len(words) - 1, -1, -1):
        run = [w for w in words[first:] if w.group().lower() not in _SMALL or w is words[first]]
        if len(run) > len(chars):
            return None
        if len(run) == len(chars) and all(
            _fold(w.group()[0]) == c for w, c in zip(run, chars, strict=True)
        ):
            return words[first].start()
    return None


def _in_word(text: str, index: int) -> bool:
    # True when ``text[index]`` continues a word (so it cannot match the short form's first char).
    previous = text[index - 1]
    return previous.isalnum() and not (previous.islower() and text[index].isupper())
