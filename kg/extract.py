"""Stage 2: extract entity mentions with a spaCy pipeline over the gazetteer and a small NER.

``build_nlp`` assembles ``blank_pipeline()`` (``spacy.blank("en")`` with the project's
tokenizer) with one component holding two phrase matchers (case-sensitive and
case-insensitive patterns; the longest match wins across both), which also drops blocked
spans (software names) and scores each match, and, unless turned off, the small
statistical NER shipped in ``kg/data/ner`` (``kg train``), which runs first and whose
brain-region spans ``_candidates`` combines with the matches (the model proposes spans,
the vocabulary vouches for them). No model is ever downloaded. ``extract_mentions`` runs
it over every paper's document, applies the document-level rules (``kg.document_rules``:
context, abbreviations, new names) and returns a new corpus whose mentions carry offsets
into ``Paper.document``. The spaCy ``Doc`` never leaves this module.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, compile_suffix_regex

from kg.document_rules import RULES_EXTRACTOR, Found, refine
from kg.errors import ExtractionError
from kg.found import mint, region_concept
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.ids import check_base_iri, concept_iri
from kg.model_checks import plausible, refines_regions
from kg.models import Concept, ConceptId, Corpus, EntityType, Mention
from kg.surface import LOWER, ORTH, form_key, has_inner_capital, normalise_for_matching

#: Name of this extractor, recorded on every mention (``prov:wasAttributedTo``).
EXTRACTOR_NAME: Final = "gazetteer"
#: Version of the extraction rules; bump it when matching behaviour changes.
EXTRACTOR_VERSION: Final = "2.0"
#: Extractor name of mentions found by the statistical NER (``kg/data/ner``).
MODEL_EXTRACTOR: Final = "model"
#: Every extractor name this module writes; a rerun replaces all of their mentions.
OUR_EXTRACTORS: Final = frozenset({EXTRACTOR_NAME, RULES_EXTRACTOR, MODEL_EXTRACTOR})
#: Entity types the statistical NER may add (where it raised F1 in held-out measurement).
MODEL_LABELS: Final = frozenset({EntityType.BRAIN_REGION})
MODEL_SCORE: Final = 0.5
MODEL_RESOURCE: Final = "ner"
#: The command that (re)trains the packaged model (``kg.train``).
TRAIN_COMMAND: Final = "kg train --corpora ../shared/corpora --out kg/data/ner"
#: ``Doc.user_data`` key holding ``{(start_char, end_char): score}`` for the entities.
SCORES_KEY: Final = "neurokg_scores"
BLOCKED_LABEL: Final = "NEUROKG_BLOCKED"
#: ``Doc.user_data`` key holding the character spans of blocked matches (software names).
BLOCKED_KEY: Final = "neurokg_blocked"
#: ``Doc.spans`` key holding the statistical NER's spans (it runs before the matcher).
MODEL_SPANS_KEY: Final = "neurokg_model"
#: Factory name of the pipeline component.
COMPONENT: Final = "neurokg_gazetteer"
_ENTITY_LABELS: Final = frozenset(t.value for t in EntityType)


class GazetteerMatcher:
    """Pipeline component: find gazetteer patterns and set them as ``doc.ents``.

    Two phrase matchers (exact-case patterns and case-insensitive patterns) feed one
    overlap resolution: the longest span wins, ties go to the exact-case match. Spans
    of blocking patterns (software names) take part in that resolution and are then
    dropped, so "Rust SNNs" yields nothing. Each entity's score goes to
    ``doc.user_data[SCORES_KEY]``.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.tokenizer: Tokenizer = nlp.tokenizer
        self.gazetteer: Gazetteer | None = None
        self._matchers: tuple[PhraseMatcher, ...] = ()
        self._labels: dict[int, tuple[str, str]] = {}

    def load(self, gazetteer: Gazetteer) -> None:
        """Compile the gazetteer's patterns (replacing any loaded before)."""
        grouped: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for entry in gazetteer.entries.values():
            for pattern in entry.patterns:
                grouped[(pattern.attr, entry.concept.type.value, entry.concept.id)].add(
                    normalise_for_matching(pattern.text)
                )
        for pattern in gazetteer.blocked:
            grouped[(pattern.attr, BLOCKED_LABEL, "")].add(normalise_for_matching(pattern.text))
        keys = sorted(grouped)
        texts = [text for key in keys for text in sorted(grouped[key])]
        # One tokenizer pass over every pattern (the same tokenizer as the text's).
        docs = iter(self.tokenizer.pipe(texts))
        matchers = {
            ORTH: PhraseMatcher(self.vocab, attr=ORTH),
            LOWER: PhraseMatcher(self.vocab, attr=LOWER),
        }
        self._labels = {}
        for attr, label, cid in keys:
            match_key = f"{label}|{cid}"
            self._labels[self.vocab.strings.add(match_key)] = (label, cid)
            matchers[attr].add(match_key, [next(docs) for _ in grouped[(attr, label, cid)]])
        self._matchers = (matchers[ORTH], matchers[LOWER])
        self.gazetteer = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        if doc.ents:  # the statistical NER ran first: keep its spans aside
            doc.spans[MODEL_SPANS_KEY] = list(doc.ents)
        candidates = []
        for rank, matcher in enumerate(self._matchers):
            for match_id, start, end in matcher(doc):
                label, cid = self._labels[match_id]
                # Longest first, then leftmost, then exact-case before case-insensitive.
                candidates.append((-(end - start), start, rank, cid, label, end))
        candidates.sort()
        taken = bytearray(len(doc))
        chosen: list[tuple[int, int, str, str]] = []
        blocked: list[tuple[int, int]] = []
        for _, start, _, cid, label, end in candidates:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            if label != BLOCKED_LABEL:
                chosen.append((start, end, label, cid))
            else:
                blocked.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1])))
        ents = []
        scores: dict[tuple[int, int], float] = {}
        for start, end, label, cid in _attach_versions(doc, sorted(chosen)):
            span = Span(doc, start, end, label=label, span_id=cid)
            ents.append(span)
            if self.gazetteer is not None:
                base = self.gazetteer.score(cid, span.text) or self.gazetteer.score(
                    cid, doc[start : end - 1].text
                )
                scores[(span.start_char, span.end_char)] = base
        doc.ents = ents
        doc.user_data[SCORES_KEY] = scores
        doc.user_data[BLOCKED_KEY] = blocked
        return doc


_VERSION: Final = re.compile(r"^[Vv]\d+(\.\d+)?$")


def _attach_versions(
    doc: Doc, spans: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, str, str]]:
    """Read "V2" after a name as its version, not as visual area V2.

    "Spikformer V2": the region match "V2" right after a method, dataset or hardware
    match is dropped and the version joins that name (guideline 16 keeps version
    suffixes). After another name-like word ("ResNet V2", "YOLO V1") it is dropped.
    """
    out: list[tuple[int, int, str, str]] = []
    for start, end, label, cid in spans:
        if (
            label == EntityType.BRAIN_REGION.value
            and end - start == 1
            and _VERSION.match(doc[start].text)
            and start
        ):
            previous = doc[start - 1]
            if out and out[-1][1] == start and out[-1][2] != label:
                first, _, other_label, other_cid = out.pop()
                out.append((first, end, other_label, other_cid))
                continue
            if previous.is_alpha and (previous.is_upper or has_inner_capital(previous.text)):
                continue
        out.append((start, end, label, cid))
    return out


def _make_gazetteer_matcher(nlp: Language, name: str) -> GazetteerMatcher:
    return GazetteerMatcher(nlp, name)


def model_path() -> Path:
    """Where the packaged statistical NER lives (``kg/data/ner``)."""
    return Path(str(resources.files("kg") / "data" / MODEL_RESOURCE))


@lru_cache(maxsize=2)
def _load_model(path: str) -> Language:
    # spacy.load of a folder reads local files only; nothing is downloaded.
    try:
        return spacy.load(path)
    except (OSError, ValueError) as exc:
        raise ExtractionError(
            f"cannot load the NER model in {path} ({exc}); retrain it with `{TRAIN_COMMAND}`"
        ) from exc


def blank_pipeline() -> Language:
    """``spacy.blank("en")`` with the tokenizer extraction uses (and the NER is trained on).

    Brackets between letters or digits split as a space would ("nucleus(STh)",
    "SNN)-based"), so a span can end at "nucleus" there; so does a plus before a capital,
    which joins two names ("ODIN+MorphIC"), not "C++".
    """
    nlp = spacy.blank("en")
    infixes = [
        *nlp.Defaults.infixes,
        r"(?<=[A-Za-z0-9])[()\[\]](?=[A-Za-z0-9])",
        r"(?<=[A-Za-z0-9])\+(?=[A-Z])",
    ]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # A full stop after a name that ends in one capital ("MovieLens-1M.", "ImageNet-C.")
    # ends the sentence; spaCy keeps it as it would an initial ("J.").
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[0-9\-][A-Z])\."]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    return nlp


def build_nlp(
    gazetteer: Gazetteer | None = None,
    *,
    model: bool | None = None,
    model_dir: Path | None = None,
) -> Language:
    """Return a pipeline that tags METHOD, DATASET, BRAIN_REGION and HARDWARE spans.

    ``blank_pipeline()`` plus one ``GazetteerMatcher``: ``doc.ents`` carry the entity
    type as label and the concept id as ``ent_id_``; ``doc.user_data[SCORES_KEY]``
    maps each gazetteer entity's character span to its score. With the model, its
    ``ner`` component runs first and its spans are kept in ``doc.spans[MODEL_SPANS_KEY]``
    for ``extract_mentions`` to combine with the matches (those have no score entry).
    Feed the pipeline ``kg.surface.normalise_for_matching(text)`` (as
    ``extract_mentions`` does) so dash and hyphen variants match; offsets stay those of
    the original text. Nothing is downloaded. The pipeline is not meant to be saved:
    build it again instead.

    Args:
        gazetteer: The patterns to use; the packaged gazetteer when None.
        model: Add the statistical NER: True requires it, False leaves it out, None
            (default) adds it when the model folder holds one.
        model_dir: The model folder (a ``kg train`` output); the packaged
            ``kg/data/ner`` when None.

    Raises:
        ExtractionError: If ``model=True`` and the model is missing or broken.

    Example:
        >>> nlp = build_nlp(model=False)
        >>> [(e.text, e.ent_id_) for e in nlp("SNNs on SpiNNaker").ents]
        [('SNNs', 'method/spiking-neural-network'), ('SpiNNaker', 'hardware/spinnaker')]
    """
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    # Registered here, once, rather than as a side effect of importing this module.
    if not Language.has_factory(COMPONENT):
        Language.factory(COMPONENT, func=_make_gazetteer_matcher)
    nlp = blank_pipeline()
    component = nlp.add_pipe(COMPONENT)
    if not isinstance(component, GazetteerMatcher):  # another package took the factory name
        raise ExtractionError(f"spaCy factory {COMPONENT!r} is not neurokg's; rename the other one")
    component.load(gazetteer)
    path = model_dir if model_dir is not None else model_path()
    if model is True and not (path / "config.cfg").is_file():
        raise ExtractionError(
            f"no NER model in {path}; train it with "
            f"`{TRAIN_COMMAND}` or use model=False"
        )
    if model is not False and (path / "config.cfg").is_file():
        source = _load_model(str(path))
        # A model trained with static vectors (``kg train --vectors``) reads them from the
        # vocabulary: the blank pipeline must carry them.
        if source.vocab.vectors.shape[0]:
            nlp.vocab.vectors = source.vocab.vectors
        nlp.add_pipe("ner", source=source, before=COMPONENT)
    return nlp


def extract_mentions(
    corpus: Corpus,
    nlp: Language,
    *,
    batch_size: int = 256,
    on_progress: Callable[[int], None] | None = None,
) -> Corpus:
    """Find entity mentions in every paper's document.

    Mentions of other extractors already in the corpus are kept; this module's
    (``OUR_EXTRACTORS``) are replaced. Every mention satisfies
    ``paper.document[m.start:m.end] == m.text``; one paper's mentions never overlap.
    Names no vocabulary knows get new concepts (``in_vocabulary=False``), added to the
    corpus's concepts.

    Args:
        corpus: Papers to read (``Paper.document`` is the text).
        nlp: A pipeline from ``build_nlp``.
        batch_size: Documents per ``nlp.pipe`` batch.
        on_progress: Called after each batch (and once at the end) with the number of
            papers done so far, for a progress bar.

    Returns:
        A new corpus whose mentions are sorted by paper order, then start offset.
    """
    papers = corpus.papers
    component = nlp.get_pipe(COMPONENT) if COMPONENT in nlp.pipe_names else None
    gazetteer = getattr(component, "gazetteer", None) or load_gazetteer()
    found: list[Mention] = []
    minted: dict[ConceptId, Concept] = {}
    texts = (normalise_for_matching(paper.document) for paper in papers)
    done = 0
    for paper, doc in zip(papers, nlp.pipe(texts, batch_size=batch_size), strict=True):
        document = paper.document
        spans, model_concepts = _candidates(doc, gazetteer)
        blocked = doc.user_data.get(BLOCKED_KEY, ())
        kept, new_concepts = refine(document, spans, gazetteer.lookup, blocked=blocked)
        for concept in [*model_concepts, *new_concepts]:
            minted.setdefault(concept.id, concept)
        found.extend(
            Mention(
                paper_id=paper.id,
                start=f.start,
                end=f.end,
                text=document[f.start : f.end],
                label=f.label,
                concept_id=f.concept_id,
                extractor=f.extractor,
                score=f.score,
            )
            for f in kept
        )
        done += 1
        if on_progress is not None and (done % batch_size == 0 or done == len(papers)):
            on_progress(done)
    kept_mentions = [m for m in corpus.mentions if m.extractor not in OUR_EXTRACTORS]
    order = {paper.id: index for index, paper in enumerate(papers)}
    mentions = sorted(
        kept_mentions + found,
        key=lambda m: (
            order.get(m.paper_id, len(order)),
            m.start,
            m.end,
            m.label.value,
            m.extractor,
        ),
    )
    used = {m.concept_id for m in found}
    concepts = corpus.concepts
    extra = [c for cid, c in minted.items() if cid in used and cid not in {k.id for k in concepts}]
    if extra:
        concepts = tuple(sorted([*concepts, *extra], key=lambda c: c.id))
    return replace(corpus, mentions=tuple(mentions), concepts=concepts)


def _candidates(doc: Doc, gazetteer: Gazetteer) -> tuple[list[Found], list[Concept]]:
    """The document's spans: gazetteer matches, then model spans that pass the guidelines.

    A model span (``MODEL_LABELS`` only) must read as anatomy (``kg.model_checks.plausible``).
    It is kept where no gazetteer span overlaps it, or, for a brain region, where it covers
    gazetteer regions entirely and is a longer region name ("central nucleus of the
    amygdala" over "amygdala", ``kg.model_checks.refines_regions``); the gazetteer wins every
    other overlap, so names of other types and the guidelines' boundaries ("V1", not
    "frontal V1") stand.
    """
    scores = doc.user_data.get(SCORES_KEY, {})
    spans: list[Found] = []
    for ent in doc.ents:
        if ent.label_ not in _ENTITY_LABELS:
            continue
        start, end = ent.start_char, ent.end_char
        cid = ConceptId(ent.ent_id_) if ent.ent_id_ else None
        score = scores.get((start, end), 1.0)
        spans.append(Found(start, end, EntityType(ent.label_), cid, score, EXTRACTOR_NAME))
    minted: dict[ConceptId, Concept] = {}
    for ent in doc.spans.get(MODEL_SPANS_KEY, ()):
        label = EntityType(ent.label_) if ent.label_ in _ENTITY_LABELS else None
        if label not in MODEL_LABELS or not plausible(ent.text, label, gazetteer):
            continue
        start, end = ent.start_char, ent.end_char
        inside = [f for f in spans if f.start < end and start < f.end]
        if inside and not refines_regions(doc.text, start, end, label, inside):
            continue
        if label is EntityType.BRAIN_REGION:
            cid = region_concept(ent.text, gazetteer.lookup, minted)
        else:
            cid = gazetteer.lookup(ent.text, label) or mint(form_key(ent.text), label, minted)
        spans = [f for f in spans if f not in inside]
        spans.append(Found(start, end, label, cid, MODEL_SCORE, MODEL_EXTRACTOR))
    spans.sort(key=lambda f: f.start)
    return spans, list(minted.values())


def mentions_to_records(corpus: Corpus, *, base_iri: str) -> list[dict[str, Any]]:
    """One JSON-ready record per paper: ``{"id", "entities": [...]}`` (``kg extract``'s output).

    Each entity has ``start``, ``end``, ``label``, ``text``, ``concept`` (the linked
    concept's preferred label, else the folded surface text), ``iri`` (the concept's
    IRI, or None when the mention is not linked) and ``score``. Run ``link_mentions``
    first to get canonical names.
    """
    check_base_iri(base_iri)
    concepts = {concept.id: concept for concept in corpus.concepts}
    by_paper: dict[str, list[dict[str, Any]]] = {paper.id: [] for paper in corpus.papers}
    for mention in corpus.mentions:
        concept = concepts.get(mention.concept_id) if mention.concept_id else None
        by_paper.setdefault(mention.paper_id, []).append(
            {
                "start": mention.start,
                "end": mention.end,
                "label": mention.label.value,
                "text": mention.text,
                "concept": concept.label if concept else form_key(mention.text),
                "iri": concept_iri(base_iri, mention.concept_id) if mention.concept_id else None,
                "score": mention.score,
            }
        )
    return [{"id": pid, "entities": entities} for pid, entities in by_paper.items()]
