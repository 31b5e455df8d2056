"""Precision in context: drop a dictionary match when its document means something else.

Each rule looks at one candidate span and its document and says whether the span keeps
its reading. The rules cover the collisions seen in neuro-AI abstracts: "PCM" (phase-change
memory vs pulse-code modulation), "V1"/"V4" (visual areas vs versions), "CA1"/"CA3"
(hippocampal fields vs other codes), region acronyms outside neuroscience ("DCN"),
"transformer" (the architecture vs a power transformer), and "cortex" used of a model ("the
cortex of the model", "ARM Cortex-M4").
Pure functions on strings.
"""

from __future__ import annotations

import re
from typing import Final

from kg.models import EntityType
from kg.name_shape import HARDWARE_MAKERS

_VISUAL_CODE: Final = re.compile(r"^(?:V[1-8][a-z]?|MT|MST|IT)s?$")
_HIPPOCAMPAL_CODE: Final = re.compile(r"^CA[1-4]$")
_MOTOR_SENSORY_CODE: Final = re.compile(r"^[MSA][12]$")
_REGION_ACRONYM: Final = re.compile(r"^[A-Z]{2,5}s?$")
_NEURO_CONTEXT: Final = re.compile(
    r"cortex|cortical|visual|neuron|brain|retin|monkey|macaque|primate|\bmice\b|\bmouse\b|"
    r"\bcats?\b|receptive field|fmri|electrophysiolog|\barea\b|\bareas\b|hippocamp|thalam|"
    r"striat|cerebell|amygdal|gyrus|nucle|collicul|geniculate|\bLGN\b|\bV[1-8]\b.*\bV[1-8]\b",
    re.IGNORECASE | re.DOTALL,
)
_HIPPOCAMPAL_CONTEXT: Final = re.compile(
    r"hippocamp|dentate|pyramidal|place cell|subicul|entorhinal|theta|\bLTP\b|"
    r"neuron|synap|rat\b|rats\b|mice\b|mouse\b",
    re.IGNORECASE | re.DOTALL,
)
_PCM_OTHER: Final = re.compile(
    r"pulse[\s\-\u2010-\u2015]?code|modulation|audio|codec|sampling rate|waveform",
    re.IGNORECASE,
)
_PCM_CONTEXT: Final = re.compile(
    r"phase[\s\-\u2010-\u2015]?change|memristi|crossbar|in[\s\-]memory|chalcogenide|GST",
    re.IGNORECASE,
)
_VERSION_BEFORE: Final = re.compile(r"(?:version|release|model|stage|step|phase|v)\s*$", re.I)
_POWER_BEFORE: Final = re.compile(
    r"(?:power|distribution|voltage|electrical|electric|current|step[\s\-]?up|step[\s\-]?down|"
    r"oil[\s\-]immersed|oil|phase[\s\-]shifting|instrument|converter|substation)\s+$",
    re.IGNORECASE,
)
_POWER_AFTER: Final = re.compile(
    r"^s?\s+(?:winding|windings|core|cores|substation|fault|faults|oil|insulation|bushing)",
    re.IGNORECASE,
)
_POWER_DOCUMENT: Final = re.compile(
    r"power transformers?|transformer windings?|dissolved gas|partial discharge|"
    r"transformer oil|distribution transformers?|power grid|substation",
    re.IGNORECASE,
)
_CORTEX_AFTER: Final = re.compile(
    r"^\s+of\s+(?:the|a|an|our|this|its)\s+(?:\w+\s+)?"
    r"(?:model|network|agent|system|robot|architecture|simulation|simulator|chip|processor)",
    re.IGNORECASE,
)
#: Head nouns of named fibre bundles (guideline 19: fibre bundles are no regions).
BUNDLE_NAMES: Final = frozenset(
    """tract tracts commissure commissures fasciculus fasciculi lemniscus peduncle peduncles
    capsule nerve nerves radiation radiations""".split()
)
# A named bundle after a region word: "central tegmental tract", "superior cerebellar
# peduncle", "hippocampal commissure".
_BUNDLE_AFTER: Final = re.compile(
    rf"^\s+(?:{'|'.join(sorted(BUNDLE_NAMES, key=len, reverse=True))})\b", re.IGNORECASE
)
# A maker before a code: "Apple M1" is a processor, not the motor cortex.
_MAKER_BEFORE: Final = re.compile(rf"\b(?:{'|'.join(sorted(HARDWARE_MAKERS))})\s+$")
# An engineered copy of a structure is no region: "silicon retina", "neuromorphic cochlea",
# "artificial hippocampus".
_ARTIFICIAL_BEFORE: Final = re.compile(
    r"\b(?:artificial|synthetic|silicon|electronic|neuromorphic)\s+$", re.IGNORECASE
)
_CORTEX_BEFORE: Final = re.compile(
    r"(?:digital|model|model's|network's|robot's|ARM|Arm)\s+$"
)


# Region names that name one structure only in its own context: a bare "granular layer" is
# the cerebellum's in a cerebellar paper (the olfactory bulb and dentate gyrus have one
# too), "dorsal pathway" is the dorsal visual stream in a paper on vision.
_NEEDS_CONTEXT: Final = (
    (
        frozenset({"granular layer", "granular layers", "granule cell layer", "granule cell layers"}),
        re.compile(r"cerebell", re.IGNORECASE),
    ),
    (
        frozenset({"dorsal pathway", "dorsal pathways", "dorsal stream", "dorsal streams"}),
        re.compile(r"\bvis(?:ual|ion)\b|\b(?:V1|MT|MST|MSTd)\b", re.IGNORECASE),
    ),
)


def keeps_reading(document: str, start: int, end: int, label: EntityType) -> bool:
    """Whether the span ``document[start:end]`` keeps its ``label`` reading in context.

    Example:
        >>> keeps_reading("We encode audio as PCM.", 19, 22, EntityType.HARDWARE)
        False
        >>> keeps_reading("PCM devices store weights.", 0, 3, EntityType.HARDWARE)
        True
    """
    text = document[start:end]
    before = document[max(0, start - 40) : start]
    after = document[end : end + 60]
    if label is EntityType.HARDWARE and text.rstrip("s") == "PCM":
        return not _PCM_OTHER.search(document) or bool(_PCM_CONTEXT.search(document))
    if label is EntityType.BRAIN_REGION:
        return _region_keeps(document, text, before, after)
    if label is EntityType.METHOD and text.lower().startswith("transformer"):
        if _POWER_BEFORE.search(before) or _POWER_AFTER.match(after):
            return False
        return not _POWER_DOCUMENT.search(document)
    return True


def _region_keeps(document: str, text: str, before: str, after: str) -> bool:
    if _BUNDLE_AFTER.match(after) or _ARTIFICIAL_BEFORE.search(before):
        return False
    if _VISUAL_CODE.match(text):
        if _VERSION_BEFORE.search(before) or after.startswith((".", "-")) and after[1:2].isdigit():
            return False  # "version V2", "V1.5"
        return bool(_NEURO_CONTEXT.search(document))
    if _MOTOR_SENSORY_CODE.match(text):
        if _MAKER_BEFORE.search(before):
            return False
        return bool(_NEURO_CONTEXT.search(document))
    if _HIPPOCAMPAL_CODE.match(text):
        return bool(_HIPPOCAMPAL_CONTEXT.search(document))
    if _REGION_ACRONYM.match(text):
        # "DCN" is the deep cerebellar nuclei beside neurons, Deep & Cross Network beside CTR.
        return bool(_NEURO_CONTEXT.search(document))
    lowered = text.lower()
    for forms, context in _NEEDS_CONTEXT:
        if lowered in forms:
            return bool(context.search(document))
    if lowered in {"cortex", "cortical", "cortices"}:
        if _CORTEX_BEFORE.search(before) or _CORTEX_AFTER.match(after):
            return False
        if lowered == "cortex" and re.search(r"\w \([A-Za-z0-9]+\)\s+$", before):
            return False  # "inferior temporal (IT) cortex": the annotators' split keeps no "cortex"
        if lowered == "cortex" and after[:1] in "-\u2010\u2011" and after[1:2].isupper():
            return False  # "Cortex-M4": a processor
        if text[:1] == "C" and before.rstrip().endswith(("ARM", "Arm")):
            return False
    return True
