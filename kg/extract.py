"""Stage 2: extract entity mentions with a rule-only spaCy pipeline over the gazetteer.

``build_nlp`` assembles ``spacy.blank("en")`` with one component holding two phrase
matchers (case-sensitive and case-insensitive patterns; the longest match wins across
both), which also drops blocked spans (software names) and scores each match. No
model is ever downloaded. ``extract_mentions`` runs it over every paper's document and
returns a new corpus whose mentions carry offsets into ``Paper.document``. The spaCy
``Doc`` never leaves this module.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Final

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span

from kg.errors import ExtractionError
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.ids import check_base_iri, concept_iri
from kg.models import ConceptId, Corpus, EntityType, Mention
from kg.surface import LOWER, ORTH, form_key, has_inner_capital, normalise_for_matching

#: Name of this extractor, recorded on every mention (``prov:wasAttributedTo``).
EXTRACTOR_NAME: Final = "gazetteer"
#: Version of the extraction rules; bump it when matching behaviour changes.
EXTRACTOR_VERSION: Final = "1.0"
#: ``Doc.user_data`` key holding ``{(start_char, end_char): score}`` for the entities.
SCORES_KEY: Final = "neurokg_scores"
BLOCKED_LABEL: Final = "NEUROKG_BLOCKED"
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
        candidates = []
        for rank, matcher in enumerate(self._matchers):
            for match_id, start, end in matcher(doc):
                label, cid = self._labels[match_id]
                # Longest first, then leftmost, then exact-case before case-insensitive.
                candidates.append((-(end - start), start, rank, cid, label, end))
        candidates.sort()
        taken = bytearray(len(doc))
        chosen: list[tuple[int, int, str, str]] = []
        for _, start, _, cid, label, end in candidates:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\x01" * (end - start)
            if label != BLOCKED_LABEL:
                chosen.append((start, end, label, cid))
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


def build_nlp(gazetteer: Gazetteer | None = None) -> Language:
    """Return a pipeline that tags METHOD, DATASET, BRAIN_REGION and HARDWARE spans.

    ``spacy.blank("en")`` plus one ``GazetteerMatcher``: ``doc.ents`` carry the entity
    type as label and the concept id as ``ent_id_``; ``doc.user_data[SCORES_KEY]``
    maps each entity's character span to its score. Feed the pipeline
    ``kg.surface.normalise_for_matching(text)`` (as ``extract_mentions`` does) so dash
    and hyphen variants match; offsets stay those of the original text. Nothing is
    downloaded. The pipeline is not meant to be saved: build it again instead.

    Args:
        gazetteer: The patterns to use; the packaged gazetteer when None.

    Example:
        >>> nlp = build_nlp()
        >>> [(e.text, e.ent_id_) for e in nlp("SNNs on SpiNNaker").ents]
        [('SNNs', 'method/spiking-neural-network'), ('SpiNNaker', 'hardware/spinnaker')]
    """
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    # Registered here, once, rather than as a side effect of importing this module.
    if not Language.has_factory(COMPONENT):
        Language.factory(COMPONENT, func=_make_gazetteer_matcher)
    nlp = spacy.blank("en")
    component = nlp.add_pipe(COMPONENT)
    if not isinstance(component, GazetteerMatcher):  # another package took the factory name
        raise ExtractionError(f"spaCy factory {COMPONENT!r} is not neurokg's; rename the other one")
    component.load(gazetteer)
    return nlp


def extract_mentions(
    corpus: Corpus,
    nlp: Language,
    *,
    batch_size: int = 256,
    on_progress: Callable[[int], None] | None = None,
) -> Corpus:
    """Find entity mentions in every paper's document.

    Mentions of other extractors already in the corpus are kept; this extractor's are
    replaced. Every mention satisfies ``paper.document[m.start:m.end] == m.text``.

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
    found: list[Mention] = []
    texts = (normalise_for_matching(paper.document) for paper in papers)
    done = 0
    for paper, doc in zip(papers, nlp.pipe(texts, batch_size=batch_size), strict=True):
        document = paper.document
        scores = doc.user_data.get(SCORES_KEY, {})
        for ent in doc.ents:
            if ent.label_ not in _ENTITY_LABELS:
                continue
            start, end = ent.start_char, ent.end_char
            found.append(
                Mention(
                    paper_id=paper.id,
                    start=start,
                    end=end,
                    text=document[start:end],
                    label=EntityType(ent.label_),
                    concept_id=ConceptId(ent.ent_id_) if ent.ent_id_ else None,
                    extractor=EXTRACTOR_NAME,
                    score=scores.get((start, end), 1.0),
                )
            )
        done += 1
        if on_progress is not None and (done % batch_size == 0 or done == len(papers)):
            on_progress(done)
    kept = [m for m in corpus.mentions if m.extractor != EXTRACTOR_NAME]
    order = {paper.id: index for index, paper in enumerate(papers)}
    mentions = sorted(
        kept + found,
        key=lambda m: (
            order.get(m.paper_id, len(order)),
            m.start,
            m.end,
            m.label.value,
            m.extractor,
        ),
    )
    return replace(corpus, mentions=tuple(mentions))


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
