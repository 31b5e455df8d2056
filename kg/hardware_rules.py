"""When a name no vocabulary knows is hardware, not a method (guidelines: HARDWARE).

Papers name their own chips and devices the way they name their methods ("Darwin: A
neuromorphic hardware co-processor", "High Input Count Analog Neural Network (HICANN)
chips", "ferroelectric field-effect transistors (FeFETs)"), so the new-name cues of
``kg.new_names`` find them; these checks decide the type from the words a reader uses:
the head of the long form, the noun after the name, and what the title or an appositive
says the thing is. A method *for* hardware ("Foo: An Efficient Method for Neuromorphic
Hardware") stays a method: the hardware word must head the description, not sit in a
prepositional phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from kg.found import RULES_EXTRACTOR, Found, Lookup, overlaps
from kg.models import EntityType
from kg.name_shape import is_brand, is_name

# Nouns that make a name a piece of hardware when they head its description.
_HEADS: Final = (
    r"(?:chips?|processors?|co-?processors?|accelerators?|transistors?|FETs?|NPUs?|"
    r"processing\s+units?|hardware|random-access\s+memory|random-access\s+memories|"
    r"[A-Z]{0,2}RAMs?|macros?(?!-)|microcontrollers?|microprocessors?|wafers?|boards?)"
)
_HEAD_AT_END: Final = re.compile(rf"(?:^|[\s\-]){_HEADS}$", re.IGNORECASE)
# Up to six words of a description, none of them a preposition or conjunction, so the head
# is the description's own head ("A Convolutional Neural Network Accelerator").
_DESCRIPTION_WORDS: Final = (
    r"(?:(?!(?:for|of|on|in|with|to|using|via|and|or|by|from)\b)[\w\-\u00b2\u00b5]+,?\s+){0,6}?"
)
_TITLE_DESCRIPTION: Final = re.compile(
    rf":\s+(?:(?:an?|the)\s+)?{_DESCRIPTION_WORDS}{_HEADS}\b", re.IGNORECASE
)
_APPOSITIVE: Final = re.compile(
    rf",\s+(?:(?:an?|the)\s+)?{_DESCRIPTION_WORDS}{_HEADS}\b", re.IGNORECASE
)
# The name used as a modifier of a hardware noun: "HICANN chips", "Darwin Neural
# Processing Unit", "the Darwin NPU".
_NOUN_AFTER: Final = re.compile(
    rf"\s+(?:[A-Z][\w\-]*\s+){{0,3}}(?i:{_HEADS})\b"
)


def names_hardware(long_form: str) -> bool:
    """Whether a long form's head is a hardware noun ("... Processors", "... transistors").

    Example:
        >>> names_hardware("ferroelectric field-effect transistors")
        True
    """
    return _HEAD_AT_END.search(long_form.strip()) is not None


def is_hardware_noun(word: str) -> bool:
    """Whether ``word`` alone is a hardware head noun ("chips" after "(HICANN)")."""
    return re.fullmatch(_HEADS, word, re.IGNORECASE) is not None


# A model or board code or a CamelCase name before a hardware noun, with at most two of a
# few modifiers between: "ZC706 embedded FPGA platform", "Xilinx VC707 board". Acronyms of
# capitals alone name the workload there ("DNN accelerator", "SNN processor"), and
# capitalised words before "Processor" in a title are its description, so neither counts.
_NAME_BEFORE_DEVICE: Final = re.compile(
    r"(?<![\w\-])([A-Z][\w\-]*[\w])\s+(?:(?:embedded|development|evaluation|FPGA|SoC)\s+){0,2}"
    r"(?i:chips?|boards?|FPGAs?|SoCs?|co-?processors?|processors?|microcontrollers?|wafers?)"
    r"(?![\w\-])"
)


def device_names(document: str) -> list[str]:
    """Names that modify a hardware noun, so name a device ("ZC706 embedded FPGA platform");
    makers ("NVIDIA") name none."""
    return [
        name
        for name in (match.group(1) for match in _NAME_BEFORE_DEVICE.finditer(document))
        if not (name.isalpha() and name.isupper()) and is_name(name) and not is_brand(name)
    ]


def described_as_hardware(document: str, name: str) -> bool:
    """Whether the document says that ``name`` is a piece of hardware.

    It is when the title reads "<name>: A ... processor", when an appositive does
    ("<name>, a low-power spiking processor"), or when the name modifies a hardware noun
    ("HICANN chips", "the Darwin NPU").
    """
    for match in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", document):
        after = document[match.end() : match.end() + 120]
        if match.start() == 0 and _TITLE_DESCRIPTION.match(after):  # the title's lead
            return True
        if _APPOSITIVE.match(after):
            return True
        noun = _NOUN_AFTER.match(after)
        if noun is not None and "\n" not in noun.group():
            return True
    return False


# Class names of neuromorphic hardware with words inside ("neuromorphic spiking neuron
# chips", "spike-based processors"); guideline 20 marks the class, not "neuromorphic
# systems/platforms/architectures".
_CLASS_TERM: Final = re.compile(
    r"(?<![\w\-])(neuromorphic|neurosynaptic|spike-based|event-driven|event-based)"
    r"((?:\s+(?:spiking|neuron|neurons|research|computing|multicore|many-core|manycore|"
    r"asynchronous|digital|analog|analogue|mixed-signal|hybrid|low-power|large-scale)){0,3})"
    r"\s+(chips?|processors?|hardware|accelerators?|processing\s+units?)(?![\w\-])",
    re.IGNORECASE,
)
_CLASS_CONCEPT: Final = {
    "chip": "neuromorphic chip",
    "processor": "neuromorphic processor",
    "hardware": "neuromorphic hardware",
    "accelerator": "neuromorphic hardware",
    "processing unit": "neuromorphic processor",
}


def hardware_classes(document: str, spans: Sequence[Found], lookup: Lookup) -> list[Found]:
    """Add the class names of neuromorphic hardware that no pattern spells out, linked to the
    class concept their head names; they replace the hardware spans inside them, never a
    longer span or one of another type."""
    result = list(spans)
    for match in _CLASS_TERM.finditer(document):
        inside = overlaps(result, match.start(), match.end())
        if any(f.start < match.start() or match.end() < f.end for f in inside):
            continue  # part of a longer span
        if any(f.label is not EntityType.HARDWARE for f in inside):
            continue
        result = [f for f in result if f not in inside]
        head = " ".join(match.group(3).lower().split()).rstrip("s")
        cid = lookup(_CLASS_CONCEPT.get(head, "neuromorphic hardware"), EntityType.HARDWARE)
        result.append(
            Found(match.start(), match.end(), EntityType.HARDWARE, cid, 0.8, RULES_EXTRACTOR)
        )
    return sorted(result, key=lambda f: f.start)
