"""Span boundary rules of the guidelines, applied to one document's candidate spans.

Pure functions over ``Found`` spans (``kg.document_rules``):

- nothing inside a URL is an entity (guideline 6);
- a name continues over hyphen-joined parts and version or size suffixes that make it a
  different system: "RT-NeRF", "Chrono-LSTM", "SHD-Adding", "LLaVA-1.5-7B", "Llama 3.1 8B",
  "GPT 3.5 Turbo", "anti-Hebbian learning" (a known name inside is not the mention); a
  hyphenated pair of names stays two ("CNN-SVM", "V1-MT", guideline 5) and a lower-case
  word joined to a name stays out ("SNN-based");
- a trailing descriptor is not part of a method's name when the rest is a known name:
  "self-attention mechanism" -> "self-attention", "Softmax function" -> "Softmax" (guideline 3's
  rule for platforms, applied to methods the same way).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Final

from kg.found import Found, Lookup, mint
from kg.models import Concept, ConceptId, EntityType
from kg.name_shape import HARDWARE_MAKERS

_URL: Final = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"
    r"|\b[\w.-]+\.(?:com|org|io|net|edu|ai|dev)/[^\s<>\"]*",
    re.IGNORECASE,
)


def url_ranges(document: str) -> list[tuple[int, int]]:
    """Character ranges of the URLs in ``document`` (trailing sentence punctuation excluded).

    Example:
        >>> url_ranges("Code: https://github.com/a/SHARP. Done")
        [(6, 32)]
    """
    ranges = []
    for match in _URL.finditer(document):
        end = match.end()
        while end > match.start() and document[end - 1] in ".,;:)]}'\"":
            end -= 1
        ranges.append((match.start(), end))
    return ranges


def outside_urls(document: str, spans: list[Found]) -> list[Found]:
    """Drop every span that touches a URL (guideline 6)."""
    urls = url_ranges(document)
    if not urls:
        return spans
    return [f for f in spans if not any(s < f.end and f.start < e for s, e in urls)]


# Parts a name continues over: capitals or digits ("RT", "V2", "1.5", "7B", "XL").
_NAME_PART: Final = re.compile(r"^(?=[^\s]*[A-Z0-9])[A-Za-z0-9][A-Za-z0-9.+]*$")
# Lower-case prefixes that make a different method ("anti-Hebbian", "semi-supervised").
_MEANING_PREFIXES: Final = frozenset({"anti", "semi", "non", "bi"})
_VERSION_WORDS: Final = frozenset({"Turbo", "turbo", "Pro", "Ultra", "Mini", "Instruct", "Chat", "XL"})
# "<name> 3.1", "<name> 2", "<name> 8B": a version or a size after a proper name.
_VERSION_AFTER: Final = re.compile(
    r"^ (?:v?\d+(?:\.\d+)+|v\d{1,2}|\d{1,2}|\d+(?:\.\d+)?[BMK]|[Tt]urbo|Pro|Ultra|Mini|Instruct|Chat|XL)"
    r"(?![\w\-]|\.\d)"
)
# Words after a number that make it a count, not a version ("GPT 2 times", "ResNet 3 layers").
_COUNT_NOUN: Final = re.compile(
    r"^\s+(?:[a-z]+s|times|fold|layer|step|epoch|hour|day|percent|per)\b"
)
# A product's model code after its family name: "Jetson TX1", "Tesla K80", "Virtex-7 485T".
_MODEL_CODE: Final = re.compile(r" (?:[A-Z]{1,3}\d{1,4}[A-Za-z]?|\d{3,4}(?:\s?Ti|[A-Z])?)(?![\w\-])")
# Guideline 4: a device used as a synapse is one span ("memristor synapses", "PCM synapses").
_SYNAPSE_AFTER: Final = re.compile(r" synap(?:ses|se|tic devices?)(?![\w\-])")
_NAMED_TYPES: Final = frozenset({EntityType.METHOD, EntityType.DATASET, EntityType.HARDWARE})


def extend_names(
    document: str,
    spans: list[Found],
    lookup: Lookup,
    mint: Callable[[str, EntityType], ConceptId],
) -> list[Found]:
    """Grow method, dataset and hardware spans over the parts that make another name."""
    taken = [(f.start, f.end) for f in spans]
    result = []
    for f in spans:
        if f.label not in _NAMED_TYPES:
            result.append(f)
            continue
        start, end = _hyphen_extent(document, f.start, f.end)
        if document[start].isupper() or document[start].isdigit():
            end = _version_extent(document, end)
        if f.label is EntityType.HARDWARE and document[start].isupper():
            model = _MODEL_CODE.match(document, end)
            end = model.end() if model else end
        if f.label is EntityType.HARDWARE:
            synapse = _SYNAPSE_AFTER.match(document, end)
            end = synapse.end() if synapse else end
        if (start, end) == (f.start, f.end) or any(
            s < end and start < e and (s, e) != (f.start, f.end) for s, e in taken
        ):
            result.append(f)
            continue
        text = document[start:end]
        cid = lookup(text, f.label) or mint(text, f.label)
        result.append(replace(f, start=start, end=end, concept_id=cid, score=round(f.score * 0.9, 4)))
    return [_with_vendor(document, f, taken) for f in result]


# Makers whose name leads a product's name ("NVIDIA Titan Xp", "Xilinx Zynq", "Intel Xeon"),
# and "Raspberry", which leads its product's name like one ("Raspberry Pi 4").
_VENDOR_BEFORE: Final = re.compile(
    rf"(?<![\w\-])(?:{'|'.join(sorted(HARDWARE_MAKERS | {'Raspberry'}))})\s$"
)


def _with_vendor(document: str, found: Found, taken: list[tuple[int, int]]) -> Found:
    """Hardware product names take their maker's name before them; device classes ("GPU",
    "FPGA", all-capital acronyms) and possessives ("Intel's Loihi") do not."""
    text = document[found.start : found.end]
    if found.label is not EntityType.HARDWARE or not text[:1].isupper():
        return found
    if re.fullmatch(r"[A-Z]+s?", text):
        return found
    match = _VENDOR_BEFORE.search(document, max(0, found.start - 16), found.start)
    if match is None or any(s < found.start and match.start() < e for s, e in taken):
        return found
    return replace(found, start=match.start())


def _hyphen_extent(document: str, start: int, end: int) -> tuple[int, int]:
    # Token bounds: whitespace and brackets end a token; trailing punctuation is not part.
    left = start
    while left > 0 and document[left - 1] == "-":
        part_start = left - 1
        while part_start > 0 and not document[part_start - 1].isspace() and document[
            part_start - 1
        ] not in "-([{/\"'":
            part_start -= 1
        part = document[part_start : left - 1]
        if _NAME_PART.match(part) or part.lower() in _MEANING_PREFIXES:
            left = part_start
            continue
        break
    right = end
    while right < len(document) and (
        document[right] == "-" or (document[right] == "." and document[right + 1 : right + 2].isdigit())
    ):
        part_end = right + 1
        while part_end < len(document) and (
            document[part_end].isalnum()
            or (document[part_end] == "." and document[part_end + 1 : part_end + 2].isdigit())
            or document[part_end] == "+"
        ):
            part_end += 1
        part = document[right + 1 : part_end]
        if document[right] == "." or (_NAME_PART.match(part) and part_end > right + 1):
            right = part_end
            continue
        break
    # A name continued mid-word ("LLaVA-1" inside "LLaVA-1.5-7B") ends where the word ends.
    return left, right


def _version_extent(document: str, end: int) -> int:
    while True:
        match = _VERSION_AFTER.match(document[end : end + 24])
        if match is None:
            return end
        word = match.group()[1:]
        if word[0].isdigit() and "." not in word and not word[-1].isalpha():
            if _COUNT_NOUN.match(document[end + match.end() : end + match.end() + 20]):
                return end
        if word in _VERSION_WORDS and not document[end - 1].isdigit():
            return end  # "Turbo" only after a version number ("GPT 3.5 Turbo")
        end += match.end()


_DESCRIPTORS: Final = re.compile(
    r"\s+(?:algorithms?|mechanisms?|methods?|techniques?|approach(?:es)?|frameworks?|"
    r"procedures?|schemes?|functions?)$",
    re.IGNORECASE,
)

# A device technology's name without "device(s)" ("resistive switching devices" ->
# "resistive switching", like rule 3's "platform", "processor"); deployment targets keep it
# ("edge devices"): their first words are no device by themselves.
_DEVICE_DESCRIPTOR: Final = re.compile(r"\s+devices?$", re.IGNORECASE)
_DESCRIPTOR_FOR: Final = {EntityType.METHOD: _DESCRIPTORS, EntityType.HARDWARE: _DEVICE_DESCRIPTOR}

# Neuron-model names exclude their head noun (guideline 2): "theta neurons" -> "theta",
# "Izhikevich model neurons" -> "Izhikevich".
_NEURON_HEAD: Final = re.compile(r"(?:\s+model)?\s+neurons?$", re.IGNORECASE)
_MODEL_BEFORE_NEURON: Final = re.compile(r"\s+model$", re.IGNORECASE)
_NETWORK_OF: Final = re.compile(r"^(?:[\w\-]+\s+)*?networks?\s+of\b", re.IGNORECASE)


def trim_descriptors(document: str, spans: list[Found], lookup: Lookup) -> list[Found]:
    """ "self-attention mechanism" -> "self-attention" and "resistive memory devices" ->
    "resistive memory" when the rest is itself a known name of the type; a neuron model's
    name without its head noun ("theta neurons" -> "theta")."""
    result = []
    for f in spans:
        text = document[f.start : f.end]
        if f.label is EntityType.METHOD:
            head = _NEURON_HEAD.search(text)
            if head is None and re.match(r"\s+neurons?\b", document[f.end : f.end + 10]):
                head = _MODEL_BEFORE_NEURON.search(text)
            # "networks of spiking neurons" names a network, not a neuron model (guideline 14).
            if head is not None and head.start() > 0 and not _NETWORK_OF.match(text):
                result.append(replace(f, end=f.start + head.start()))
                continue
        descriptors = _DESCRIPTOR_FOR.get(f.label)
        match = descriptors.search(text) if descriptors else None
        rest = text[: match.start()] if match else ""
        cid = lookup(rest, f.label) if rest else None
        if match is None or cid is None:
            result.append(f)
            continue
        result.append(replace(f, end=f.start + len(rest), concept_id=cid))
    return result


# Modifiers that describe rather than name (guideline 1): never part of a title's name.
_DESCRIPTIVE: Final = frozenset(
    """a an the deep large small tiny big wide shallow simple standard conventional
    traditional classical vanilla basic modern novel new our proposed efficient scalable
    robust fast pre-trained pretrained trained existing recent error towards toward using with
    for of on in via and or by from to""".split()
)


def title_modified_names(
    document: str, spans: list[Found], mint: Callable[[str, EntityType], ConceptId]
) -> list[Found]:
    """A title's known method with its own modifiers is the paper's name when the abstract
    uses the same phrase: "Conditional Graph Information Bottleneck" in the title and
    "conditional graph information bottleneck" in the abstract is one method, not a
    modified "information bottleneck" (guideline 1 keeps fixed names whole)."""
    title_end = document.find("\n\n")
    if title_end < 0:
        return spans
    abstract = document[title_end:].lower()
    phrases: dict[str, ConceptId] = {}
    for f in spans:
        if f.label is not EntityType.METHOD or f.end > title_end:
            continue
        words = list(re.finditer(r"[A-Za-z][\w\-]*", document[: f.start]))[-3:]
        for k in range(len(words), 0, -1):
            lead = words[-k:]
            if any(
                w.group().lower() in _DESCRIPTIVE
                or not w.group()[0].isupper()
                or w.group().endswith("ing")  # a verb of the title ("Decomposing MLP ...")
                for w in lead
            ):
                continue
            if document[lead[-1].end() : f.start].strip():
                continue  # punctuation between the modifier and the name
            phrase = " ".join(document[lead[0].start() : f.end].split())
            if re.search(rf"(?<![\w\-]){re.escape(phrase.lower())}", abstract):
                phrases[phrase.lower()] = mint(phrase.lower(), f.label)
                break
    if not phrases:
        return spans
    result = list(spans)
    for phrase, cid in phrases.items():
        pattern = r"\s+".join(re.escape(w) for w in phrase.split())
        for match in re.finditer(rf"(?<![\w\-]){pattern}(?![\w\-])", document, re.IGNORECASE):
            inside = [f for f in result if match.start() <= f.start and f.end <= match.end()]
            if not inside or any(
                f.start < match.end() and match.start() < f.end and f not in inside for f in result
            ):
                continue
            result = [f for f in result if f not in inside]
            score = min(f.score for f in inside)
            start, end, extractor = match.start(), match.end(), inside[0].extractor
            result.append(Found(start, end, EntityType.METHOD, cid, score, extractor))
    return sorted(result, key=lambda f: f.start)


def minting(
    minted: dict[ConceptId, Concept], canonical: Callable[[str], str]
) -> Callable[[str, EntityType], ConceptId]:
    """``kg.found.mint`` for a surface form, named by ``canonical`` of it."""
    return lambda text, label: mint(canonical(text), label, minted)
