"""Names no vocabulary knows: new methods and datasets found from the cues a reader uses.

- an abbreviation's long form that names something ("Temporal Attention Spiking Network
  (TASN)", "counter-current learning (CCL)" after "we propose", "Information Bottleneck
  (IB)"), typed by its head word and by the naming cue before it (``long_form_meaning``);
- "we propose / introduce / present / describe X", "called / named / termed X", a title
  "X: ...", "the X dataset / benchmark", "the X method / model / architecture", and
  names of systems that stand alone ("InstructGPT", "VGG-16") (``add_new_names``);
- a new name's type follows its context: a name built on a known dataset ("TinyImageNet")
  or listed beside datasets is a dataset.

Every new concept has ``in_vocabulary`` false. Pure functions over ``Found`` spans.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Final

from kg.coordination import coordinated_names, introduced_methods
from kg.found import (
    FENCE_EXTRACTOR,
    RULES_EXTRACTOR,
    SCORE_NEW_NAME,
    Found,
    Lookup,
    mint,
    occurrences,
    overlaps,
)
from kg.hardware_rules import (
    described_as_hardware,
    device_names,
    is_hardware_noun,
    names_hardware,
)
from kg.models import Concept, ConceptId, EntityType
from kg.name_shape import NOT_NAMES, is_coined_word, is_name, standalone_names
from kg.surface import has_inner_capital

if TYPE_CHECKING:
    from kg.abbreviations import Abbreviation

# Heads of a long form that name a method or a dataset.
_METHOD_HEADS: Final = frozenset(
    """network networks net nets model models algorithm algorithms transformer transformers
    encoder encoders autoencoder autoencoders machine machines learning plasticity rule
    attention mechanism architecture method framework optimizer optimization regression
    filter filters memory classifier unit units""".split()
)
# Heads that make a lower-case long form a technique by themselves ("dynamic sparse
# training (DST)", "reservoir computers (RCs)"); "network" and "model" alone do not.
_TECHNIQUE_HEADS: Final = frozenset(
    """learning training optimization optimisation algorithm algorithms regression
    factorization factorisation decomposition computing computer computers estimation
    search propagation descent distillation normalization normalisation fusion embedding
    embeddings sampling quantization quantisation pruning replay encoding coding
    transformer transformers autoencoder autoencoders plasticity""".split()
)
# Heads of long forms that name no method: measures, tasks, anatomy, cells, conditions,
# organisations, brain networks.
_NOT_METHOD_HEADS: Final = frozenset(
    """score scores metric metrics index indices ratio rate rates error errors accuracy
    loss distance divergence task tasks problem problems challenge test tests scale
    questionnaire disorder disorders disease diseases syndrome syndromes impairment
    imaging tomography spectroscopy stimulation interface interfaces recording recordings
    cell cells neuron neurons cortex cortices area areas region regions nucleus nuclei
    gyrus lobe institute university laboratory lab center centre consortium initiative
    agency society conference workshop program programme project study trial response responses activity signal signals level levels function theory
    hypothesis principle law effect space time period phase state states condition
    conditions group groups system systems recognition classification detection
    segmentation imagery answering translation summarization localization localisation
    navigation decoding tracking sensor sensors camera cameras survey review identification
    prediction generation understanding""".split()
)
# Learning settings and fields, not methods (guideline 9): "continual learning (CL)".
_SETTING_OR_FIELD: Final = re.compile(
    r"^(?:(?:continual|lifelong|incremental|class-incremental|task-incremental|few-shot|"
    r"zero-shot|one-shot|representation|multi-task|multitask|online|in-context|"
    r"(?:automated\s+|tiny\s+)?(?:machine|deep))"
    r"\s+learning|(?:brain-inspired|neuromorphic|cognitive|quantum|edge|cloud|"
    r"high-performance|in-memory|neuro-inspired|bio-inspired)\s+computing|"
    r"(?:artificial|computational|machine)\s+intelligence)$",
    re.IGNORECASE,
)
_GENERIC_MODIFIERS: Final = frozenset(
    """a an the deep large small simple standard conventional traditional classical
    vanilla basic modern novel new our proposed efficient shallow""".split()
)
_DATASET_HEADS: Final = frozenset("dataset datasets benchmark benchmarks corpus database".split())
# Words of functional brain networks, which are no methods ("default mode network (DMN)").
_BRAIN_NETWORK: Final = re.compile(
    r"\b(?:default|salience|frontoparietal|executive|somatomotor|limbic|dorsal attention|"
    r"ventral attention|visual network)\b",
    re.IGNORECASE,
)
_NEURAL: Final = re.compile(r"\b(?:neural|network|learning)\b", re.IGNORECASE)
_CUE_VERBS: Final = r"(?:propose|introduce|present|develop|design|describe|call|name|term|dub)"
_PROPOSE: Final = re.compile(
    r"\b(?:[Ww]e|[Tt]his (?:paper|work|study|article))\s+(?:also\s+|further\s+|then\s+|here\s+)?"
    rf"{_CUE_VERBS}[sd]?\b"
    r"|\b(?:called|named|dubbed|termed|coined)\b"
)
# A naming cue right before a long form: "we propose counter-current learning (CCL)",
# "a platform named digital twin brain (DTB)", "termed the ... (MCC) architecture".
_CUE_BEFORE: Final = re.compile(
    rf"(?:\b(?:[Ww]e|[Tt]his (?:paper|work|study))\s+(?:\w+\s+)?{_CUE_VERBS}[sd]?"
    r"|\b(?:called|named|dubbed|termed|coined))"
    r"(?:\s+(?:a|an|the|new|novel|simple|our))*\s*[`'\"\u2018\u201c]?$"
)
_TOKEN: Final = re.compile(r"[^\s,;:()\[\]\"`'\u2018\u2019\u201c\u201d]+")
# A name-like token before a cue word ("BrainBench dataset", "TARS method").
_NAME_BEFORE: Final = r"([A-Za-z][A-Za-z0-9\-\.]*[A-Za-z0-9])"
_DATASET_CUE: Final = re.compile(
    _NAME_BEFORE + r"\s+(?:dataset|benchmark|corpus|data set|database|collection)s?\b"
)
# A capitalised word after "the", mid-sentence, before "dataset": a name even when it is
# an English word ("from the Narratives dataset"); not a description ("the Full dataset").
_CAPITALISED_DATASET: Final = re.compile(
    r"(?<=[a-z,] )the ([A-Z][a-z]{3,}) (?:dataset|corpus|benchmark|database)s?\b"
)
_GENERIC_DATASET_WORDS: Final = frozenset(
    """training test testing validation evaluation full original public private new large
    small real synthetic whole entire same other main final standard complete""".split()
)
# "AVIDa-hIL6, a large-scale dataset", "X is a new benchmark".
_DATASET_APPOSITIVE: Final = re.compile(
    _NAME_BEFORE + r"(?:,| is| as)\s+(?:a|an|the|our)\s+"
    r"(?:[\w\-]+\s+){0,3}(?:dataset|benchmark|corpus|data set)s?\b"
)
# What a dataset's name is followed by: "X Benchmark", "X, a large-scale dataset".
_DATASET_AFTER: Final = re.compile(
    r"(?:,\s+(?:a|an|the|our)\s+(?:[\w\-]+\s+){0,3}|\s+)(?:dataset|benchmark|corpus|data set)s?\b",
    re.IGNORECASE,
)
# "the TARS method", "the MCC architecture": a name before a method descriptor.
_METHOD_CUE: Final = re.compile(
    _NAME_BEFORE + r"\s+(?:method|algorithm|model|architecture|"
    r"framework|network|optimizer|technique)s?\b"
)
# "datasets Nordland and Oxford RobotCar", "benchmarks such as X, Y and Z".
_DATASET_LIST: Final = re.compile(
    r"\b(?:datasets?|benchmarks?|corpora)(?:(?:\s+[a-z][\w\-]*){0,8}\s*:\s*"
    r"|\s+(?:such as|including|like|namely)\s+"
    r"|\s+)((?:[A-Z][\w\-.+]*(?:\s+[A-Z][\w\-.+]*)*(?:\s*,\s*|\s*,?\s+(?:and|or)\s+)?)+)"
)
# A list of names before the noun: "on the popular Linemod, Linemod-O, and YCB-V object pose
# estimation benchmarks" (task words may stand between the list and the noun).
_LIST_NAME: Final = r"[A-Z][\w\-.+]*(?:\s+[A-Z0-9][\w\-.+]*)?"
_DATASET_LIST_BEFORE: Final = re.compile(
    r"\b(?:on|in|from|using|across)\s+(?:the\s+)?(?:(?:popular|standard|widely[ -]used|public|"
    r"common|challenging|large-scale|well-known|real-world)\s+)*"
    rf"((?:{_LIST_NAME}\s*,\s*)*{_LIST_NAME}\s*,?\s+(?:and|or)\s+{_LIST_NAME})"
    r"\s+(?:[a-z][\w\-]*\s+){0,4}(?:datasets|benchmarks|corpora|databases)\b"
)
# A run of capitalised words, small words allowed inside ("Brain Diffusion for Visual
# Exploration").
_TITLE_RUN: Final = re.compile(
    r"[A-Z][\w\-]*(?:\s+(?:(?:of|for|and|with|in)\s+)?[A-Z][\w\-]*)*"
)
_TOPIC_SUBTITLE: Final = re.compile(
    r"\s*(?:an?\s+)?(?:survey|review|overview|tutorial|primer|perspective|roadmap)\b",
    re.IGNORECASE,
)
_SMALL_WORDS: Final = frozenset("of for and the a an in with to on via by".split())
_STOP_SCAN: Final = re.compile(r"[.;:!?]\s")
_LEAD_WORDS: Final = frozenset(
    {"a", "an", "the", "new", "novel", "here", "our", "also", "simple", "`", "'"}
)


def _head(text: str) -> str:
    words = re.findall(r"[A-Za-z]+", text)
    return words[-1].lower() if words else ""


def _title_case(text: str) -> bool:
    """Every content word starts with a capital or digit; a hyphenated word needs only its
    first part capitalised ("LLM-assisted Visual Cortex Captioning")."""
    words = [w for w in re.split(r"\s+", text) if w]
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
    if last.lower() in ("net", "nets"):
        last = "network"  # "Pointer Net" is a pointer network
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3:
        last = last[:-1]
    name = " ".join([*words[:-1], last])
    return name if any(has_inner_capital(w) for w in re.split(r"[\s\-]", name)) else name.lower()


def long_form_meaning(
    document: str, abbreviation: Abbreviation, spans: list[Found], minted: dict[ConceptId, Concept]
) -> tuple[EntityType, ConceptId | None, float] | None:
    """What a long form that no vocabulary knows names: (type, concept, score), or None.

    A named variant of a known method is a new method ("neuron-astrocyte liquid state
    machine (NALSM)"); a generic modifier keeps the known one ("deep convolutional
    networks (DCNNs)"). Otherwise the long form is a new name when a naming cue precedes
    it, when it is title case and its head is no measure, task or anatomy word, or when
    its head is a technique word ("dynamic sparse training (DST)").
    """
    if abbreviation.short in NOT_NAMES:
        return None
    inner = [
        f
        for f in spans
        if f.end == abbreviation.long_end
        and abbreviation.long_start < f.start
        and f.label in (EntityType.METHOD, EntityType.DATASET)
    ]
    if inner:
        extra = re.findall(r"[A-Za-z]+", document[abbreviation.long_start : inner[0].start])
        if all(w.lower() in _GENERIC_MODIFIERS for w in extra):
            return inner[0].label, inner[0].concept_id, inner[0].score
        name = _new_concept_name(document, abbreviation)
        return inner[0].label, mint(name, inner[0].label, minted), SCORE_NEW_NAME
    label = _long_form_label(document, abbreviation)
    if label is None:
        return None
    # A long form over a span of another type is no new name, except a method named after
    # a region ("LLM-assisted Visual Cortex Captioning", guideline 7).
    inside = overlaps(spans, abbreviation.long_start, abbreviation.long_end)
    if any(f.label is not label and f.label is not EntityType.BRAIN_REGION for f in inside):
        return None
    return label, mint(_new_concept_name(document, abbreviation), label, minted), SCORE_NEW_NAME


def _new_concept_name(document: str, abbreviation: Abbreviation) -> str:
    """Name of a concept that a document defines with a short form.

    An initialism stands for its long form, as the guidelines merge "SNNs" into "spiking
    neural network": "dynamic sparse training (DST)" is "dynamic sparse training". A coined
    short form with lower-case letters is the name readers use ("LaVCa", "EScAIP",
    "HiGCN"), unless the title uses the long form and not the short one.
    """
    end = document.find("\n\n")
    title = document[: end if end >= 0 else 0].lower()
    short = abbreviation.short
    if re.fullmatch(r"[A-Z][A-Za-z0-9\-]*[A-Z]s", short):
        short = short[:-1]  # "NNIPs" -> "NNIP"
    initialism = not any(c.islower() for c in short)
    if initialism or abbreviation.long.lower() in title and short.lower() not in title:
        return canonical_long_form(abbreviation.long)
    return short.lower()


def _long_form_label(document: str, abbreviation: Abbreviation) -> EntityType | None:
    long_text = abbreviation.long
    head = _head(long_text)
    # The noun after the definition types it: "Only Connect Wall (OCW) dataset",
    # "Indirect Object Identification (IOI) task".
    after = re.match(r"\)?\s*([A-Za-z]+)", document[abbreviation.short_end : abbreviation.short_end + 30])
    following = after.group(1).lower() if after else ""
    if names_hardware(long_text) or is_hardware_noun(following):
        return EntityType.HARDWARE  # "ferroelectric FETs (FeFETs)", "(HICANN) chips"
    if following in _DATASET_HEADS:
        return EntityType.DATASET
    if following in _NOT_METHOD_HEADS:
        return None
    if head in _DATASET_HEADS:
        return EntityType.DATASET if _title_case(long_text) else None
    if _BRAIN_NETWORK.search(long_text) or _SETTING_OR_FIELD.match(long_text.strip()):
        return None
    if head in _NOT_METHOD_HEADS and not _NEURAL.search(long_text):
        return None  # a measure, task or structure; but "Neural Network Interatomic Potentials"
    cued = _CUE_BEFORE.search(document, max(0, abbreviation.long_start - 80), abbreviation.long_start)
    if cued is not None:
        return EntityType.METHOD  # "we propose counter-current learning (CCL)"
    words = re.findall(r"[A-Za-z]+", long_text)
    if _title_case(long_text) or head in _METHOD_HEADS and long_text[:1].isupper():
        return EntityType.METHOD
    if head in _TECHNIQUE_HEADS and len(words) >= 2:
        return EntityType.METHOD
    return None


def _title_name(document: str) -> str | None:
    """The lead of a title "X: ..." when it reads as a name: one name-like token, a coined
    word, or up to four capitalised words that recur in the abstract."""
    end = document.find("\n\n")
    title = document[: end if end >= 0 else len(document)]
    head, colon, subtitle = title.partition(":")
    head = re.sub(r"^(?:The|A|An)\s+", "", head.strip())
    if not colon or not head or _TOPIC_SUBTITLE.match(subtitle):
        return None  # "Event-Based Vision: A Survey" names a topic, not a system
    if " " not in head:
        return head if is_name(head) or is_coined_word(head) else None
    words = head.split()
    if len(words) > 4 or not _title_case(head):
        return None
    if _head(head) in _NOT_METHOD_HEADS:
        return None
    abstract = document[end:] if end >= 0 else ""
    if head in abstract or any(is_name(w) for w in words):
        return head
    return None


def add_new_names(
    document: str,
    spans: list[Found],
    lookup: Lookup,
    minted: dict[ConceptId, Concept],
    *,
    not_names: Collection[str] = (),
) -> list[Found]:
    """Tag every occurrence of the names the cues reveal (spans already there win).

    Args:
        document: The document text.
        spans: The spans found so far (not overlapping).
        lookup: Concept id of a surface form of a type.
        minted: New concepts of this document, added to in place.
        not_names: Short forms the document defines as something that is no entity.
    """
    names: dict[str, EntityType] = {}
    title_name = _title_name(document)
    if title_name is not None:
        names[title_name] = EntityType.METHOD
    for cue in _PROPOSE.finditer(document):
        stop = _STOP_SCAN.search(document, cue.end())
        window = document[cue.end() : stop.start() if stop else len(document)]
        # The name follows the cue directly, after at most a determiner or "new":
        # "we propose LaVCa", "we introduce a new TriAdaptLoRA", "we describe Sparsey".
        for token in _TOKEN.finditer(window):
            cleaned = token.group().rstrip(".")
            run = _TITLE_RUN.match(window, token.start())
            phrase = run.group().strip() if run else ""
            if len(phrase.split()) >= 2 and _head(phrase) not in _NOT_METHOD_HEADS:
                names.setdefault(phrase, EntityType.METHOD)  # "we introduce Energy-Based World Models"
            elif is_name(cleaned) or is_coined_word(cleaned):
                names.setdefault(cleaned, EntityType.METHOD)
            if cleaned.lower() not in _LEAD_WORDS:
                break
    for match in _METHOD_CUE.finditer(document):
        if is_name(match.group(1)) and match.group(1) not in not_names:
            names.setdefault(match.group(1), EntityType.METHOD)
    for match in _DATASET_APPOSITIVE.finditer(document):
        if is_name(match.group(1)) or is_coined_word(match.group(1)):
            names[match.group(1)] = EntityType.DATASET
    for match in _DATASET_CUE.finditer(document):
        if is_name(match.group(1)) or is_coined_word(match.group(1)):
            names[match.group(1)] = EntityType.DATASET
    for match in _CAPITALISED_DATASET.finditer(document):
        if match.group(1).lower() not in _GENERIC_DATASET_WORDS:
            names.setdefault(match.group(1), EntityType.DATASET)  # "the Narratives dataset"
    lists = [*_DATASET_LIST.finditer(document), *_DATASET_LIST_BEFORE.finditer(document)]
    for match in lists:
        for item in re.split(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+", match.group(1)):
            item = item.strip().rstrip(".")
            if item and not lookup(item, EntityType.METHOD) and (
                is_name(item) or is_coined_word(item) or " " in item
            ):
                names.setdefault(item, EntityType.DATASET)
    for name in introduced_methods(document):
        names.setdefault(name, EntityType.METHOD)
    for name, label in coordinated_names(document, spans).items():
        names.setdefault(name, label)  # "FPMC, GRU4Rec and Caser"
    for name in standalone_names(document):
        names.setdefault(name, EntityType.METHOD)
    for name in device_names(document):
        names[name] = EntityType.HARDWARE
    datasets = [f for f in spans if f.label is EntityType.DATASET]
    refused = {form for short in not_names for form in (short, short.rstrip("s"), short + "s")}
    for name, label in sorted(names.items(), key=lambda item: -len(item[0])):  # longest first
        if name in refused or name in NOT_NAMES:
            continue
        known = next((t for t in EntityType if lookup(name, t) is not None), None)
        if known is not None:
            continue  # the gazetteer's own matching handles known names
        label = _retype(document, name, label, datasets, lookup)
        cid = mint(name, label, minted)
        for start, end in occurrences(document, name):
            if document[start:end] != name:
                continue
            inside = overlaps(spans, start, end)
            if inside and not (
                # The title's own name holds the names it is built from ("SINDy-RL:",
                # "Grad DFT:"); other cues never override what is already there.
                name == title_name
                and all(
                    start <= f.start
                    and f.end <= end
                    and (f.start, f.end) != (start, end)
                    and f.extractor != FENCE_EXTRACTOR
                    for f in inside
                )
            ):
                continue
            spans = [f for f in spans if f not in inside]
            spans.append(Found(start, end, label, cid, SCORE_NEW_NAME, RULES_EXTRACTOR))
    return list(spans)


# A version after a name: "TPUv3", "Loihi3", "SpiNNaker-3".
_VERSION_SUFFIX: Final = re.compile(r"[\-]?v?\d+(?:\.\d+)?[a-z]?$")


def _retype(
    document: str, name: str, label: EntityType, datasets: list[Found], lookup: Lookup
) -> EntityType:
    """A new name built on a known dataset's name ("TinyImageNet", "ImageNet-R") or
    reported "on" beside a dataset ("93% on CIFAR10 and 69% on TinyImageNet") is a dataset;
    one the document describes as a chip or processor is hardware."""
    if label is EntityType.DATASET:
        return label
    if described_as_hardware(document, name):
        return EntityType.HARDWARE  # "Darwin: A neuromorphic hardware co-processor"
    stem = _VERSION_SUFFIX.sub("", name)
    if stem != name and len(stem) >= 2 and lookup(stem, EntityType.HARDWARE):
        return EntityType.HARDWARE  # "TPUv3": a version of a known device
    for _, end in occurrences(document, name):
        if _DATASET_AFTER.match(document, end):
            return EntityType.DATASET  # "MLPerf Tiny, the first ... benchmark suite"
    parts = [p for p in re.split(r"(?<=[a-z0-9])(?=[A-Z])|-", name) if p]
    for i in range(len(parts)):
        for j in range(i + 1, len(parts) + 1):
            if (i, j) != (0, len(parts)) and len("".join(parts[i:j])) >= 4 and lookup(
                "".join(parts[i:j]), EntityType.DATASET
            ):
                return EntityType.DATASET
    for start, end in occurrences(document, name):
        if not re.search(r"\bon\s+(?:the\s+)?$", document[max(0, start - 12) : start]):
            continue
        if any(max(0, start - 40) <= f.start and f.end <= end + 40 for f in datasets):
            return EntityType.DATASET
    return label
