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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final

from kg.abbreviations import Abbreviation, find_abbreviations
from kg.disambiguate import keeps_reading
from kg.ids import concept_id
from kg.models import Concept, ConceptId, EntityType
from kg.surface import has_inner_capital

RULES_EXTRACTOR: Final = "rules"
SCORE_DEFINED: Final = 0.8  # factor for a short form typed by its document's definition
SCORE_NEW_NAME: Final = 0.6

#: Looks up a surface form: (text, type) -> concept id or None.
Lookup = Callable[[str, EntityType], ConceptId | None]


@dataclass(frozen=True, slots=True)
class Found:
    """A candidate span of one document (character offsets, end exclusive)."""

    start: int
    end: int
    label: EntityType
    concept_id: ConceptId | None
    score: float
    extractor: str


# Heads of a title-case long form that name a method or a dataset.
_METHOD_HEADS: Final = frozenset(
    """network networks net nets model models algorithm algorithms transformer transformers
    encoder encoders autoencoder autoencoders machine machines learning plasticity rule
    attention mechanism architecture method framework optimizer optimization regression
    filter filters memory classifier unit units""".split()
)
# Modifiers that do not make a new name of a known method (guideline 1).
_GENERIC_MODIFIERS: Final = frozenset(
    """a an the deep large small simple standard conventional traditional classical
    vanilla basic modern novel new our proposed efficient shallow""".split()
)
_DATASET_HEADS: Final = frozenset("dataset datasets benchmark benchmarks corpus database".split())
# Acronyms that look like names but are fields, modalities or generic networks (guidelines).
_NOT_NAMES: Final = frozenset(
    """AI ML DL NN NNs DNN DNNs ANN ANNs RNN RNNs API APIs GPU GPUs CPU CPUs SOTA EEG MEG
    fMRI MRI BCI BCIs BMI LLM LLMs RGB USA UK EU US IoT NLP CV RL II III IV VI ECoG LFP
    LFPs iEEG sEEG SEEG EMG ECG EKG NIRS fNIRS CT DTI BOLD PET DOI URL HTML TBD COVID COVID-19
    SARS-CoV-2 DNA RNA mRNA ATP AGI XAI HCI IQ FPS FLOPs AUC ROC MSE RMSE SNR""".split()
)
_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[\-\.][A-Za-z0-9]+)*$")
_PROPOSE: Final = re.compile(
    r"\b(?:[Ww]e|[Tt]his (?:paper|work|study|article))\s+(?:also\s+|further\s+|then\s+)?"
    r"(?:propose|introduce|present|develop|design|call|name|term|dub)[sd]?\b"
    r"|\b(?:called|named|dubbed|termed|coined)\b"
)
_TOKEN: Final = re.compile(r"[^\s,;:()\[\]\"]+")
_DATASET_CUE: Final = re.compile(
    r"([A-Za-z][A-Za-z0-9\-\.]*[A-Za-z0-9])\s+(?:dataset|benchmark|corpus|data set)s?\b"
)
_SMALL_WORDS: Final = frozenset("of for and the a an in with to on".split())
_STOP_SCAN: Final = re.compile(r"[.;:!?]\s")
_LEAD_WORDS: Final = frozenset({"a", "an", "the", "new", "novel", "here", "our", "also", "simple"})


def is_name(token: str) -> bool:
    """Whether ``token`` reads as a proper name of a system, not a word or generic acronym.

    Example:
        >>> [is_name(t) for t in ("LaVCa", "TriAdaptLoRA", "SHD", "GPT-4", "model", "AI", "SNNs")]
        [True, True, True, True, False, False, False]
    """
    if len(token) < 3 or token in _NOT_NAMES or not _NAME.match(token):
        return False
    parts = re.split(r"[\-.]", token)
    if len(parts) > 1 and any(p.isalpha() and p.islower() and len(p) >= 3 for p in parts):
        return False  # "EEG-based", "human-AI": a word joined to a name, not a name
    letters = [c for c in token if c.isalpha()]
    if re.fullmatch(r"[A-Z]{2,}s", token):
        return False  # a plural acronym is a common noun ("CNNs")
    capitals = sum(c.isupper() for c in letters)
    has_digit = any(c.isdigit() for c in token)
    if has_inner_capital(token):
        return True
    if capitals == len(letters) and len(letters) >= 2:
        return True
    return has_digit and capitals >= 1


_FREE_NAME: Final = re.compile(r"(?<![\w\-./@])[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![\w/@]|-\w)")
# Shapes of gene, protein and chemical names in neuroscience text ("GluN2B", "CaMKII").
_BIOCHEMICAL: Final = re.compile(
    r"Glu|GABA|NMDA|AMPA|CaMK|Ca2|Na[Vv]|K[Vv]\d|Cre|mRNA|PSD|Fos", re.IGNORECASE
)
_BRANDS: Final = frozenset(
    """DeepMind OpenAI GitHub GitLab YouTube LinkedIn PhD MHz GHz MATLAB PubMed BioRxiv ArXiv
    TeX LaTeX LeCun JavaScript TypeScript PowerPoint WeChat TikTok McGill MacArthur
    McDonald""".split()
)


def is_standalone_name(token: str) -> bool:
    """Whether a token names a system wherever it occurs: CamelCase ("CORnet-S", "DINOv2",
    "InstructGPT") or capitals with digits ("VGG-16", "GPT2"); not brands or gene names.

    Example:
        >>> [is_standalone_name(t) for t in ("ResNet50", "VGG-16", "GluN2B", "GitHub", "Tanh")]
        [True, True, False, False, False]
    """
    if token in _BRANDS or _BIOCHEMICAL.search(token) or not is_name(token):
        return False
    letters = [c for c in token if c.isalpha()]
    lower = sum(c.islower() for c in letters)
    if any(has_inner_capital(part) for part in token.split("-")):  # not "Real-Time"
        return (lower >= 2 or any(c.isdigit() for c in token)) and len(token) >= 4
    return any(c.isdigit() for c in token) and len(letters) - lower >= 2 and len(letters) >= 3


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
    spans = [_trim_area_words(document, f) for f in spans]
    spans = _extend_regions(document, spans, lookup, minted)
    spans = _visual_areas(document, spans, lookup, minted)
    spans = _apply_definitions(document, spans, find_abbreviations(document), lookup, minted)
    fences = [Found(s, e, EntityType.METHOD, None, 0.0, "blocked") for s, e in blocked]
    spans = _add_new_names(document, spans + fences, lookup, minted)
    spans = [f for f in spans if f.extractor != "blocked"]
    return sorted(spans, key=lambda f: f.start), list(minted.values())


# Anatomical position words that make a more specific region ("lateral hypothalamus",
# "caudal ventrolateral medulla"), and "central nucleus of the amygdala" phrases.
_POSITION: Final = (
    r"(?:(?:antero|postero|dorso|ventro|medio|latero|rostro|caudo|baso)?"
    r"(?:anterior|posterior|dorsal|ventral|medial|lateral|rostral|caudal|superior|inferior|"
    r"central|intermediate|lateral|medial))"
)
_BEFORE_REGION: Final = re.compile(
    rf"(?:{_POSITION}[\s\-]+)*{_POSITION}\s+$"
    rf"|(?:(?:{_POSITION}|deep|basilar|accessory)\s+)*"
    r"(?:nucleus|nuclei|division|part|core|shell|subdivision|region)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_AFTER_REGION: Final = re.compile(r"^\s+(?:complex|nucleus|nuclei)\b", re.IGNORECASE)
_AREA_WORDS: Final = re.compile(
    r"^(?:(?:visual\s+)?areas?\s+)?(V[1-8][A-Za-z]?|MT|MST|IT|CA[1-4])"
    r"(?:\s+(?:region|field|subfield))?$",
    re.IGNORECASE,
)


def _trim_area_words(document: str, found: Found) -> Found:
    """ "area V4" -> "V4", "CA3 region" -> "CA3": the code is the name (guidelines' examples)."""
    if found.label is not EntityType.BRAIN_REGION:
        return found
    match = _AREA_WORDS.match(document[found.start : found.end])
    if match is None or match.span(1) == (0, found.end - found.start):
        return found
    return replace(found, start=found.start + match.start(1), end=found.start + match.end(1))


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
        if (start, end) == (f.start, f.end) or any(
            s < end and start < e and (s, e) != (f.start, f.end) for s, e in taken
        ):
            result.append(f)
            continue
        text = document[start:end]
        cid = lookup(text, EntityType.BRAIN_REGION) or _mint(
            " ".join(text.lower().split()), EntityType.BRAIN_REGION, minted
        )
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
        if _overlaps(result, match.start(), match.end()):
            continue
        code = match.group()
        cid = lookup(code, EntityType.BRAIN_REGION) or lookup(
            _VISUAL_NAMES.get(code, code), EntityType.BRAIN_REGION
        ) or _mint(_VISUAL_NAMES.get(code, code), EntityType.BRAIN_REGION, minted)
        result.append(
            Found(match.start(), match.end(), EntityType.BRAIN_REGION, cid, SCORE_DEFINED,
                  RULES_EXTRACTOR)
        )
    return result


def _overlaps(spans: Iterable[Found], start: int, end: int) -> list[Found]:
    return [f for f in spans if f.start < end and start < f.end]


def _occurrences(document: str, short: str) -> list[tuple[int, int]]:
    forms = {short, short[:-1] if short.endswith("s") and short[-2:-1].isupper() else short + "s"}
    pattern = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return [
        (m.start(), m.end())
        for m in re.finditer(rf"(?<![A-Za-z0-9])(?:{pattern})(?![A-Za-z0-9])", document)
    ]


def _head(text: str) -> str:
    words = re.findall(r"[A-Za-z]+", text)
    return words[-1].lower() if words else ""


def _title_case(text: str) -> bool:
    words = [w for w in re.split(r"[\s\-\u2010-\u2015]+", text) if w]
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    return len(content) >= 2 and all(w[0].isupper() or w[0].isdigit() for w in content)


def canonical_long_form(text: str) -> str:
    """Canonical name of a new long form: single-spaced, last word singular, lower case
    unless a word has inner capitals (a proper name such as "ResNet").

    Example:
        >>> canonical_long_form("Energy-Based World Models")
        'energy-based world model'
    """
    words = text.split()
    last = words[-1]
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
        last = last[:-1]
    name = " ".join([*words[:-1], last])
    return name if any(has_inner_capital(w) for w in re.split(r"[\s\-]", name)) else name.lower()


def _mint(name: str, label: EntityType, minted: dict[ConceptId, Concept]) -> ConceptId:
    cid = concept_id(label, name)
    minted.setdefault(cid, Concept(id=cid, type=label, label=name, in_vocabulary=False))
    return cid


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
            meaning = _new_long_form(document, abbreviation, spans, minted)
            if meaning is not None and meaning[2] == SCORE_NEW_NAME:
                spans = [
                    f
                    for f in spans
                    if not _overlaps([f], abbreviation.long_start, abbreviation.long_end)
                ]
                spans.append(
                    Found(abbreviation.long_start, abbreviation.long_end, meaning[0], meaning[1],
                          SCORE_NEW_NAME, RULES_EXTRACTOR)
                )
        spans = _retag_short_forms(document, spans, abbreviation, meaning)
    return spans


def _new_long_form(
    document: str, abbreviation: Abbreviation, spans: list[Found], minted: dict[ConceptId, Concept]
) -> tuple[EntityType, ConceptId | None, float] | None:
    long_text = abbreviation.long
    if abbreviation.short in _NOT_NAMES:
        return None
    inner = [
        f
        for f in spans
        if f.end == abbreviation.long_end
        and abbreviation.long_start < f.start
        and f.label in (EntityType.METHOD, EntityType.DATASET)
    ]
    if inner:
        # "neuron-astrocyte liquid state machine (NALSM)": a named variant of a known
        # method is a new method; "deep convolutional networks (DCNNs)" is the known one.
        extra = re.findall(r"[A-Za-z]+", document[abbreviation.long_start : inner[0].start])
        if all(w.lower() in _GENERIC_MODIFIERS for w in extra):
            return inner[0].label, inner[0].concept_id, inner[0].score
        name = canonical_long_form(long_text)
        return inner[0].label, _mint(name, inner[0].label, minted), SCORE_NEW_NAME
    if not _title_case(long_text):
        return None
    head = _head(long_text)
    label = (
        EntityType.METHOD
        if head in _METHOD_HEADS
        else EntityType.DATASET
        if head in _DATASET_HEADS
        else None
    )
    if label is None:
        return None
    # A long form that only extends a tagged span of another type is not a new name.
    inside = _overlaps(spans, abbreviation.long_start, abbreviation.long_end)
    if any(f.label is not label for f in inside):
        return None
    return label, _mint(canonical_long_form(long_text), label, minted), SCORE_NEW_NAME


def _retag_short_forms(
    document: str,
    spans: list[Found],
    abbreviation: Abbreviation,
    meaning: tuple[EntityType, ConceptId | None, float] | None,
) -> list[Found]:
    occurrences = _occurrences(document, abbreviation.short)
    result = list(spans)
    for start, end in occurrences:
        clashing = _overlaps(result, start, end)
        if meaning is None:
            # The document defines the short form as something that is not an entity
            # ("pulse-code modulation (PCM)"): its dictionary reading goes, unless the
            # long form holds an entity of the same type ("hierarchical SNNs (HSNNs)").
            in_long = _overlaps(result, abbreviation.long_start, abbreviation.long_end)
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


def _add_new_names(
    document: str, spans: list[Found], lookup: Lookup, minted: dict[ConceptId, Concept]
) -> list[Found]:
    names: dict[str, EntityType] = {}
    title_end = document.find("\n\n")
    title = document[: title_end if title_end >= 0 else len(document)]
    head, colon, _ = title.partition(":")
    if colon and is_name(head.strip()) and " " not in head.strip():
        names.setdefault(head.strip(), EntityType.METHOD)
    for cue in _PROPOSE.finditer(document):
        stop = _STOP_SCAN.search(document, cue.end())
        window = document[cue.end() : stop.start() if stop else len(document)]
        # The name follows the cue directly, after at most a determiner or "new":
        # "we propose LaVCa", "we introduce a new TriAdaptLoRA", "called X".
        for token in _TOKEN.findall(window)[:4]:
            cleaned = token.rstrip(".")
            if is_name(cleaned):
                names.setdefault(cleaned, EntityType.METHOD)
            if cleaned.lower() not in _LEAD_WORDS:
                break
    for match in _DATASET_CUE.finditer(document):
        if is_name(match.group(1)):
            names[match.group(1)] = EntityType.DATASET
    for match in _FREE_NAME.finditer(document):
        if is_standalone_name(match.group()):
            names.setdefault(match.group(), EntityType.METHOD)
    for name, label in names.items():
        known = next((t for t in EntityType if lookup(name, t) is not None), None)
        if known is not None:
            continue  # the gazetteer's own matching handles known names
        cid = _mint(name, label, minted)
        for start, end in _occurrences(document, name):
            if document[start:end] != name or _overlaps(spans, start, end):
                continue
            spans.append(Found(start, end, label, cid, SCORE_NEW_NAME, RULES_EXTRACTOR))
    return [replace(f) for f in spans]
