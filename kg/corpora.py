"""The shared annotated corpora (WhiteText, SciERC, SciREX, TDMSci) as training data.

Each corpus file (``/work/shared/corpora/*/…jsonl``, format in their README) is read by
``kg.gold.read_gold`` (the reader behind ``kg eval``: title, a blank line and the text,
with title entities and WhiteText's unannotated abbreviations placed in that document)
and becomes a list of ``Annotated`` documents keeping only the labels that map soundly
onto the project's types, with nested spans resolved so a NER can learn them. Scoring is
``kg.evaluate.score`` on ``Annotated.to_gold()`` (one scorer for training, ``kg eval``
and the evaluation card). Pure apart from ``read_annotated``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from kg.gold import GoldDoc, GoldSpan, read_gold

Span = tuple[int, int, str]

PROJECT_LABELS: Final = ("METHOD", "DATASET", "BRAIN_REGION")
# Single words that are never a METHOD by the guidelines (1, 8, 9, 10, 13): SciERC and
# SciREX "Method" spans made only of these (plus function words) are dropped for training.
_GENERIC_METHOD_WORDS: Final = frozenset(
    """a an the our its their this these that those of for with and or to in on by based
    method methods model models approach approaches framework frameworks algorithm algorithms
    network networks system systems technique techniques architecture architectures scheme
    schemes strategy strategies procedure procedures mechanism mechanisms module modules
    component components pipeline process processes tool tools solution solutions
    neural deep learning machine ai artificial intelligence new novel proposed simple
    standard existing previous conventional baseline baselines state art end training
    pre pretraining pretrained fine tuning finetuning inference prompting zero few shot
    continual representation task tasks classifier classifiers function functions layer
    layers feature features representations embedding embeddings""".split()
)
_TASK_ENDINGS: Final = (
    "classification",
    "detection",
    "recognition",
    "segmentation",
    "translation",
    "estimation",
    "generation",
    "retrieval",
    "parsing",
    "tracking",
    "answering",
    "summarization",
    "prediction",
    "analysis",
    "understanding",
    "task",
    "tasks",
)
_WORD: Final = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class Annotated:
    """One annotated document: its text and gold spans; ``ignore``: spans not scored."""

    id: str
    text: str
    spans: tuple[Span, ...]
    labels: frozenset[str]  # the project labels this corpus annotates
    ignore: frozenset[tuple[int, int]] = frozenset()

    def to_gold(self) -> GoldDoc:
        """This document as ``kg.evaluate.score`` reads gold: same text, spans and ignores."""
        return GoldDoc(
            id=self.id,
            text=self.text,
            spans=tuple(GoldSpan(s, e, label, self.text[s:e]) for s, e, label in self.spans),
            ignore=tuple(sorted(self.ignore)),
        )


def read_annotated(path: Path, *, labels: Iterable[str] = PROJECT_LABELS) -> list[Annotated]:
    """Read one shared corpus file, keeping entities whose ``label`` is in ``labels``.

    Raises:
        InputError: If the file is missing or a line is not a corpus record
            (``kg.gold.read_gold``).
    """
    wanted = frozenset(labels)
    gold = read_gold(path)
    present = frozenset(s.label for doc in gold for s in doc.spans) & wanted
    return [
        Annotated(
            doc.id,
            doc.text,
            _non_overlapping([(s.start, s.end, s.label) for s in doc.spans if s.label in wanted]),
            present,
            frozenset(doc.ignore),
        )
        for doc in gold
    ]


def _non_overlapping(spans: Sequence[Span]) -> tuple[Span, ...]:
    # Longest first; a corpus's nested or duplicate spans would break the NER's BILUO tags.
    taken: list[Span] = []
    for span in sorted(set(spans), key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(span[1] <= s[0] or span[0] >= s[1] for s in taken):
            taken.append(span)
    return tuple(sorted(taken))


def is_project_method(text: str) -> bool:
    """Whether a corpus METHOD span can be a METHOD by the project's guidelines.

    Drops generic phrases ("the proposed model", "deep learning"), task-like phrases
    ("image classification") and long descriptions (more than six words).

    Example:
        >>> [is_project_method(t) for t in ("LSTM", "our approach", "image classification")]
        [True, False, False]
    """
    tokens = text.split()
    if not tokens or len(tokens) > 6:
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    if words and all(w in _GENERIC_METHOD_WORDS for w in words):
        return False
    return not text.lower().endswith(_TASK_ENDINGS)


def project_spans(doc: Annotated) -> Annotated:
    """``doc`` without the METHOD spans the guidelines would not mark (``is_project_method``)."""
    spans = tuple(
        s for s in doc.spans if s[2] != "METHOD" or is_project_method(doc.text[s[0] : s[1]])
    )
    return Annotated(doc.id, doc.text, spans, doc.labels, doc.ignore)
