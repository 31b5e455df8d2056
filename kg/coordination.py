"""Names coordinated with known names: "FPMC, GRU4Rec and Caser", "BEAR, BRAC, AWR and CQL".

A list of capitalised names in which the vocabulary knows some items, all of one type, names
its other items with that type too, when they read as names (``kg.new_names.is_name``: inner
capitals or digits, or a coined word) rather than English words ("Amazon", "Weather" stay
out: they are words first). Titles are left out, where every word is capitalised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from kg.found import Found
from kg.models import EntityType

_ITEM: Final = r"[A-Z][\w\-.+]*(?:\s+[A-Z0-9][\w\-.+]*){0,2}"
_LIST: Final = re.compile(
    rf"(?<![\w\-])({_ITEM}(?:\s*,\s*{_ITEM})*\s*,?\s+(?:and|or)\s+{_ITEM})(?![\w\-])"
)
_LISTED: Final = frozenset({EntityType.METHOD, EntityType.DATASET})


def coordinated_names(
    document: str, spans: Sequence[Found], reads_as_name: Callable[[str], bool]
) -> dict[str, EntityType]:
    """The unknown items of lists whose known items are all methods or all datasets.

    Args:
        document: The document text (title, blank line, abstract).
        spans: The spans found so far.
        reads_as_name: Whether an item's text reads as a name and not an English word.

    Example:
        >>> from kg.found import Found
        >>> text = "T\\n\\nWe beat FPMC, GRU4Rec and Caser."
        >>> start = text.index("GRU4Rec")
        >>> known = [Found(start, start + 7, EntityType.METHOD, None, 1.0, "gazetteer")]
        >>> coordinated_names(text, known, lambda item: item[0].isupper())
        {'FPMC': <EntityType.METHOD: 'METHOD'>, 'Caser': <EntityType.METHOD: 'METHOD'>}
    """
    title_end = max(document.find("\n\n"), 0)
    labels = {(f.start, f.end): f.label for f in spans}
    names: dict[str, EntityType] = {}
    for match in _LIST.finditer(document, title_end):
        items = [
            (match.start(1) + item.start(), match.start(1) + item.start() + len(item.group().rstrip(".")))
            for item in re.finditer(_ITEM, match.group(1))
        ]
        if len(items) == 2 and re.match(r"\s+(?:on|for|with|in|to)\b", document[match.end() :]):
            continue  # "LeNet on MNIST and BinaryNet on CIFAR-10": two phrases, not a list
        known = {labels[item] for item in items if item in labels}
        if len(known) != 1 or not known <= _LISTED:
            continue
        label = known.pop()
        for start, end in items:
            text = document[start:end]
            if (start, end) in labels or any(f.start < end and start < f.end for f in spans):
                continue
            if reads_as_name(text.split()[0]):
                names.setdefault(text, label)
    return names
