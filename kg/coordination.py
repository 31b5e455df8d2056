"""Names coordinated with known names: "FPMC, GRU4Rec and Caser", "BEAR, BRAC, AWR and CQL".

A list of capitalised names in which the vocabulary knows some items, all of one type, names
its other items with that type too, when they read as names (``kg.name_shape.is_name``: inner
capitals or digits, or a coined word) rather than English words ("Amazon", "Weather" stay
out: they are words first). Titles are left out, where every word is capitalised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from kg.found import Found
from kg.models import EntityType
from kg.name_shape import is_coined_word, is_name

_ITEM: Final = r"[A-Z][\w\-.+]*(?:\s+[A-Z0-9][\w\-.+]*){0,2}"
_LIST: Final = re.compile(
    rf"(?<![\w\-])({_ITEM}(?:\s*,\s*{_ITEM})*\s*,?\s+(?:and|or)\s+{_ITEM})(?![\w\-])"
)
_LISTED: Final = frozenset({EntityType.METHOD, EntityType.DATASET})
# After a two-item "list": "LeNet on MNIST and BinaryNet on CIFAR-10" is two phrases.
_PHRASE_GOES_ON: Final = re.compile(r"\s+(?:on|for|with|in|to)\b")


def coordinated_names(document: str, spans: Sequence[Found]) -> dict[str, EntityType]:
    """The unknown items of lists whose known items are all methods or all datasets.

    Args:
        document: The document text (title, blank line, abstract).
        spans: The spans found so far.

    Example:
        >>> from kg.found import Found
        >>> text = "T\\n\\nWe beat FPMC, GRU4Rec and Caser."
        >>> start = text.index("GRU4Rec")
        >>> known = [Found(start, start + 7, EntityType.METHOD, None, 1.0, "gazetteer")]
        >>> coordinated_names(text, known)
        {'FPMC': <EntityType.METHOD: 'METHOD'>, 'Caser': <EntityType.METHOD: 'METHOD'>}
    """
    title_end = max(document.find("\n\n"), 0)
    labels = {(f.start, f.end): f.label for f in spans}
    names: dict[str, EntityType] = {}
    for match in _LIST.finditer(document, title_end):
        items = [
            (start, start + len(item.group().rstrip(".")))
            for item in re.finditer(_ITEM, match.group(1))
            for start in [match.start(1) + item.start()]
        ]
        if len(items) == 2 and _PHRASE_GOES_ON.match(document, match.end()):
            continue
        known = {labels[item] for item in items if item in labels}
        if len(known) != 1 or not known <= _LISTED:
            continue
        label = known.pop()
        for start, end in items:
            text = document[start:end]
            if any(f.start < end and start < f.end for f in spans):
                continue
            first = text.split()[0]
            if is_name(first) or is_coined_word(first):
                names.setdefault(text, label)
    return names


# "methods such as BEAR, BRAC and behavior cloning": names that a plural method noun
# introduces are methods, whatever else the list holds.
_SUCH_AS: Final = re.compile(
    r"\b(?:methods|algorithms|models|baselines|approaches|techniques|architectures|"
    r"learning rules)\s+(?:such as|including|like|e\.g\.,?)\s+"
    r"([^.;:()]{3,160}?)(?=[.;:()]|\s+(?:to|that|which|in|on|for|with|by|are|is|have|has|"
    r"achieve|perform|learn|fail|often)\b)"
)


def introduced_methods(document: str) -> list[str]:
    """The name-like items of a list that a plural method noun introduces ("existing offline
    RL methods such as BEAR, BRAC and behavior cloning" -> BEAR, BRAC)."""
    names = []
    for match in _SUCH_AS.finditer(document):
        for item in re.split(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+", match.group(1)):
            item = item.strip()
            if " " not in item and is_name(item):
                names.append(item)
    return names

