"""The shared annotated corpora (WhiteText, SciERC, SciREX, TDMSci) as training and scoring data.

Each corpus file (``/work/shared/corpora/*/…jsonl``, format in their README) becomes a list
of ``Annotated`` documents: the title, a blank line and the text (the project's document
layout), with entity offsets into that document, only for the labels that map soundly onto
the project's types. ``score_spans`` is a strict-span scorer for quick measurement on these
corpora (the project's own gold set is scored by ``kg.evaluate``). Pure apart from
``read_annotated``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from kg.errors import ExtractionError
from kg.models import TITLE_SEPARATOR

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


def read_annotated(path: Path, *, labels: Iterable[str] = PROJECT_LABELS) -> list[Annotated]:
    """Read one shared corpus file, keeping entities whose ``label`` is in ``labels``.

    Raises:
        ExtractionError: If the file is missing or a line is not a corpus record.
    """
    wanted = frozenset(labels)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ExtractionError(f"cannot read corpus {path}: {exc.strerror or exc}") from exc
    docs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            docs.append(_record(json.loads(line), wanted))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ExtractionError(f"{path}:{number}: not a corpus record ({exc})") from exc
    present = frozenset(label for doc in docs for _, _, label in doc.spans)
    return [
        Annotated(d.id, d.text, d.spans, present & wanted, d.ignore) for d in docs
    ]


def _record(record: dict, wanted: frozenset[str]) -> Annotated:
    title = record.get("title") or ""
    body = record["text"]
    offset = len(title) + len(TITLE_SEPARATOR) if title else 0
    text = f"{title}{TITLE_SEPARATOR}{body}" if title else body
    spans = [
        (e["start"] + offset, e["end"] + offset, e["label"])
        for e in record["entities"]
        if e["label"] in wanted
    ]
    spans += [
        (e["start"], e["end"], e["label"])
        for e in record.get("title_entities") or ()
        if e["label"] in wanted
    ]
    ignore = frozenset(
        (a["start"] + offset, a["end"] + offset)
        for a in record.get("unannotated_abbreviations") or ()
    )
    return Annotated(record["id"], text, _non_overlapping(spans), frozenset(), ignore)


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


@dataclass(frozen=True, slots=True)
class Scores:
    """Strict-span counts and P/R/F1 of one label."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_spans(
    docs: Sequence[Annotated], predicted: Sequence[Iterable[Span]]
) -> dict[str, Scores]:
    """Strict-span P/R/F1 per label over the labels each document annotates.

    Predictions of labels a document does not annotate, and predictions exactly on its
    ``ignore`` spans, are not counted.
    """
    counts: dict[str, list[int]] = {}
    for doc, spans in zip(docs, predicted, strict=True):
        gold = {s for s in doc.spans if s[2] in doc.labels}
        pred = {s for s in spans if s[2] in doc.labels and (s[0], s[1]) not in doc.ignore}
        for label in doc.labels:
            c = counts.setdefault(label, [0, 0, 0])
            g = {s for s in gold if s[2] == label}
            p = {s for s in pred if s[2] == label}
            c[0] += len(g & p)
            c[1] += len(p - g)
            c[2] += len(g - p)
    return {label: Scores(*c) for label, c in sorted(counts.items())}
