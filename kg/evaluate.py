"""Evaluation: score extracted mentions against hand-annotated gold spans (``kg eval``).

Gold files are read by ``kg.gold.read_gold`` (its docstring gives the offset rule).

Two matching modes are reported, per type and micro-averaged over types:

* strict: same start, end and label;
* overlap: any shared character and the same label, each gold span and each predicted
  span matched at most once (so precision and recall count the same pairs).

Linking accuracy is measured on strictly correct spans only: the share whose predicted
canonical name equals the gold one, ignoring case and runs of whitespace.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.gold import LABELS, GoldDoc, GoldSpan, PredictedSpan, read_gold, read_predictions
from kg.models import Corpus, Paper, PaperId
from kg.surface import form_key

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.gazetteer import Gazetteer

__all__ = [
    "Counts",
    "EvalError",
    "EvalReport",
    "GoldDoc",
    "GoldSpan",
    "Linking",
    "PredictedSpan",
    "TypeScores",
    "evaluate_extractor",
    "format_report",
    "normalise_name",
    "predict",
    "read_gold",
    "read_predictions",
    "report_to_dict",
    "report_to_json",
    "score",
]

_CONTEXT = 40  # characters of context either side of an error's span


@dataclass(frozen=True, slots=True)
class Counts:
    """Matched pairs, predicted and gold span counts; P/R/F1 are 0 when undefined."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.predicted + other.predicted, self.gold + other.gold)


@dataclass(frozen=True, slots=True)
class TypeScores:
    """Strict and overlap counts of one entity type (or of all, for the micro average)."""

    label: str
    strict: Counts
    overlap: Counts


@dataclass(frozen=True, slots=True)
class Linking:
    """Linking accuracy over strictly correct spans whose gold span has a canonical name."""

    correct: int = 0
    total: int = 0
    gold_without_canonical: int = 0  # strictly correct spans not counted: gold has no name

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class EvalError:
    """One disagreement: kind is fp, fn, boundary, type or linking.

    ``gold``/``predicted`` are ``(start, end, label, text)`` or None; ``context`` shows
    the text around the span with the span in ``[[...]]``; for a linking error ``detail``
    reads ``predicted -> gold`` canonical names.
    """

    kind: str
    doc_id: str
    gold: tuple[int, int, str, str] | None
    predicted: tuple[int, int, str, str] | None
    context: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Everything ``score`` measured."""

    types: tuple[str, ...]
    per_type: tuple[TypeScores, ...]
    micro: TypeScores
    linking: Linking
    documents: int
    ignored_predictions: int = 0  # predictions dropped because they hit an ignored span
    errors: tuple[EvalError, ...] = field(default=())


def _span_key(span: GoldSpan | PredictedSpan) -> tuple[int, int, str]:
    return (span.start, span.end, span.label)


# -- scoring -----------------------------------------------------------------------------------


def normalise_name(name: str | None) -> str:
    """Canonical-name comparison key: lower case, whitespace runs folded to one space."""
    return " ".join((name or "").split()).casefold()


def score(
    gold: Sequence[GoldDoc],
    predicted: Mapping[str, Sequence[PredictedSpan]],
    *,
    types: Iterable[str] | None = None,
) -> EvalReport:
    """Compare predicted spans with gold spans.

    Args:
        gold: The gold documents (``read_gold``).
        predicted: Predicted spans by document id; documents not in ``gold`` are ignored,
            gold documents missing here have no predictions.
        types: Entity types to score; by default the types present in ``gold`` (all four
            when ``gold`` has no span), so a gold file that annotates only BRAIN_REGION does
            not count other predicted types as false positives.

    Returns:
        The report: counts per type and micro-averaged, linking accuracy and the errors.

    Raises:
        ValueError: ``types`` names a type that is not one of the four.
    """
    if types is None:
        present = {span.label for doc in gold for span in doc.spans}
        scored = tuple(label for label in LABELS if label in present) or LABELS
    else:
        wanted = set(types)
        unknown = sorted(wanted - set(LABELS))
        if unknown:
            raise ValueError(
                f"unknown entity type(s) {', '.join(unknown)}; choose from {', '.join(LABELS)}"
            )
        scored = tuple(label for label in LABELS if label in wanted)
    strict = {label: Counts() for label in scored}
    overlap = {label: Counts() for label in scored}
    linking = Linking()
    errors: list[EvalError] = []
    ignored = 0
    for doc in gold:
        result = _score_doc(doc, predicted.get(doc.id, ()), scored)
        ignored += result.ignored
        for label in scored:
            strict[label] += result.strict[label]
            overlap[label] += result.overlap[label]
        linking = Linking(
            linking.correct + result.linking.correct,
            linking.total + result.linking.total,
            linking.gold_without_canonical + result.linking.gold_without_canonical,
        )
        errors.extend(result.errors)
    per_type = tuple(TypeScores(label, strict[label], overlap[label]) for label in scored)
    micro = TypeScores(
        "micro",
        sum((t.strict for t in per_type), Counts()),
        sum((t.overlap for t in per_type), Counts()),
    )
    return EvalReport(
        types=scored,
        per_type=per_type,
        micro=micro,
        linking=linking,
        documents=len(gold),
        ignored_predictions=ignored,
        errors=tuple(errors),
    )


@dataclass(slots=True)
class _DocResult:
    strict: dict[str, Counts]
    overlap: dict[str, Counts]
    linking: Linking
    errors: list[EvalError]
    ignored: int


def _score_doc(doc: GoldDoc, spans: Sequence[PredictedSpan], scored: tuple[str, ...]) -> _DocResult:
    gold = [span for span in doc.spans if span.label in scored]
    ignore = set(doc.ignore)
    unique: dict[tuple[int, int, str], PredictedSpan] = {}
    ignored = 0
    for span in spans:
        if span.label not in scored:
            continue
        if (span.start, span.end) in ignore:
            ignored += 1
            continue
        unique.setdefault(_span_key(span), span)  # a duplicate prediction counts once
    preds = sorted(unique.values(), key=_span_key)
    gold_by_key = {_span_key(span): span for span in gold}
    strict_hits = [p for p in preds if _span_key(p) in gold_by_key]
    strict_keys = {_span_key(p) for p in strict_hits}

    # Overlap: strict pairs first, then the largest overlaps, each side used once.
    pairs: dict[int, int] = {}  # prediction index -> gold index
    used_gold: set[int] = set()
    gold_index = {_span_key(g): i for i, g in enumerate(gold)}
    for pi, pred in enumerate(preds):
        if _span_key(pred) in gold_index:
            pairs[pi] = gold_index[_span_key(pred)]
            used_gold.add(pairs[pi])
    candidates = sorted(
        (-(min(p.end, g.end) - max(p.start, g.start)), pi, gi)
        for pi, p in enumerate(preds)
        if pi not in pairs
        for gi, g in enumerate(gold)
        if gi not in used_gold and g.label == p.label and p.start < g.end and g.start < p.end
    )
    for _, pi, gi in candidates:
        if pi not in pairs and gi not in used_gold:
            pairs[pi] = gi
            used_gold.add(gi)

    strict: dict[str, Counts] = {}
    overlap: dict[str, Counts] = {}
    for label in scored:
        n_pred = sum(1 for p in preds if p.label == label)
        n_gold = sum(1 for g in gold if g.label == label)
        strict[label] = Counts(sum(1 for p in strict_hits if p.label == label), n_pred, n_gold)
        overlap[label] = Counts(sum(1 for pi in pairs if preds[pi].label == label), n_pred, n_gold)

    errors: list[EvalError] = []
    correct = total = unnamed = 0
    for pred in strict_hits:
        g = gold_by_key[_span_key(pred)]
        if g.canonical is None:
            unnamed += 1
            continue
        total += 1
        if normalise_name(pred.canonical) == normalise_name(g.canonical):
            correct += 1
        else:
            detail = f"{pred.canonical or '(unlinked)'} -> {g.canonical}"
            errors.append(_error("linking", doc, g, pred, detail))
    by_offsets = {(g.start, g.end): g for g in gold}
    typed_gold: set[int] = set()
    for pi, pred in enumerate(preds):
        if _span_key(pred) in strict_keys:
            continue
        same = by_offsets.get((pred.start, pred.end))
        if pi in pairs:
            errors.append(_error("boundary", doc, gold[pairs[pi]], pred))
        elif same is not None and _span_key(same) not in strict_keys:
            typed_gold.add(gold_index[_span_key(same)])
            errors.append(_error("type", doc, same, pred, f"{pred.label} -> {same.label}"))
        else:
            errors.append(_error("fp", doc, None, pred))
    for gi, g in enumerate(gold):
        if gi not in used_gold and gi not in typed_gold:
            errors.append(_error("fn", doc, g, None))
    errors.sort(key=lambda e: ((e.gold or e.predicted or (0, 0, "", ""))[0], e.kind))
    return _DocResult(strict, overlap, Linking(correct, total, unnamed), errors, ignored)


def _error(
    kind: str, doc: GoldDoc, gold: GoldSpan | None, pred: PredictedSpan | None, detail: str = ""
) -> EvalError:
    anchor = gold or pred
    assert anchor is not None
    start = min(s.start for s in (gold, pred) if s is not None)
    end = max(s.end for s in (gold, pred) if s is not None)
    before = doc.text[max(0, start - _CONTEXT) : start]
    after = doc.text[end : end + _CONTEXT]
    context = " ".join(f"{before}[[{doc.text[start:end]}]]{after}".split())
    return EvalError(
        kind=kind,
        doc_id=doc.id,
        gold=(gold.start, gold.end, gold.label, gold.text) if gold else None,
        predicted=(pred.start, pred.end, pred.label, doc.text[pred.start : pred.end])
        if pred
        else None,
        context=context,
        detail=detail,
    )


# -- running the extractor ---------------------------------------------------------------------


def evaluate_extractor(
    gold_path: Path | str,
    *,
    nlp: Language,
    gazetteer: Gazetteer,
    types: Iterable[str] | None = None,
) -> EvalReport:
    """Run ``extract_mentions`` and ``link_mentions`` on a gold file's texts and score them.

    Each gold document becomes a ``Paper`` whose ``text`` is the gold text, so the
    predicted offsets refer to the same string as the gold ones. A mention's canonical
    name is its linked concept's preferred label, else its folded surface text (as in
    ``kg extract``'s output).

    Args:
        gold_path: The gold JSONL file.
        nlp: A pipeline from ``kg.extract.build_nlp``.
        gazetteer: The gazetteer used for linking.
        types: Entity types to score (see ``score``).

    Raises:
        InputError: The gold file is malformed (see ``read_gold``).
    """
    gold = read_gold(gold_path)
    return score(gold, predict(gold, nlp=nlp, gazetteer=gazetteer), types=types)


def predict(
    gold: Sequence[GoldDoc], *, nlp: Language, gazetteer: Gazetteer
) -> dict[str, list[PredictedSpan]]:
    """The extractor's linked spans for every gold document, by document id."""
    from kg.extract import extract_mentions
    from kg.link import link_mentions

    papers = tuple(Paper(id=PaperId(doc.id), title=doc.title or "", text=doc.text) for doc in gold)
    corpus = link_mentions(extract_mentions(Corpus(papers=papers), nlp), gazetteer)
    names = {concept.id: concept.label for concept in corpus.concepts}
    found: dict[str, list[PredictedSpan]] = {doc.id: [] for doc in gold}
    for mention in corpus.mentions:
        linked = names.get(mention.concept_id) if mention.concept_id else None
        found[mention.paper_id].append(
            PredictedSpan(
                mention.start,
                mention.end,
                mention.label.value,
                mention.text,
                linked if linked is not None else form_key(mention.text),
            )
        )
    return found


# -- reporting ---------------------------------------------------------------------------------


def format_report(report: EvalReport, *, errors: int = 20) -> str:
    """The report as an aligned plain-text table, then up to ``errors`` errors.

    Args:
        report: A report from ``score`` or ``evaluate_extractor``.
        errors: How many errors to list (0 lists none); the total per kind is always shown.
    """
    header: tuple[str, ...] = (
        "type",
        "gold",
        "pred",
        "strict P",
        "strict R",
        "strict F1",
        "overlap P",
        "overlap R",
        "overlap F1",
    )
    rows = [header]
    for scores in (*report.per_type, report.micro):
        s, o = scores.strict, scores.overlap
        rows.append(
            (
                scores.label,
                str(s.gold),
                str(s.predicted),
                *(f"{v:.3f}" for v in (s.precision, s.recall, s.f1, o.precision, o.recall, o.f1)),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    link = report.linking
    dropped = report.ignored_predictions
    unnamed = link.gold_without_canonical
    linked = f"{link.correct}/{link.total} strictly correct spans"
    lines += [
        "",
        f"documents: {report.documents}; predictions on ignored spans dropped: {dropped}",
        f"linking accuracy: {link.accuracy:.3f} ({linked}; {unnamed} more have no gold canonical)",
    ]
    kinds = {kind: sum(1 for e in report.errors if e.kind == kind) for kind in ERROR_KINDS}
    lines.append("errors: " + ", ".join(f"{kind} {count}" for kind, count in kinds.items()))
    for error in report.errors[: max(errors, 0)]:
        span = error.gold or error.predicted
        assert span is not None
        detail = f" ({error.detail})" if error.detail else ""
        where = f"{error.doc_id} {span[0]}-{span[1]} {span[2]}"
        lines.append(f"  {error.kind:<8} {where}{detail}: {error.context}")
    return "\n".join(lines) + "\n"


#: Error kinds in the order reports list their totals.
ERROR_KINDS: tuple[str, ...] = ("fp", "fn", "boundary", "type", "linking")


def report_to_dict(report: EvalReport) -> dict[str, Any]:
    """The report as JSON-ready data (``report_to_json`` serialises it)."""

    def counts(c: Counts) -> dict[str, Any]:
        return {
            "tp": c.tp,
            "predicted": c.predicted,
            "gold": c.gold,
            "precision": round(c.precision, 4),
            "recall": round(c.recall, 4),
            "f1": round(c.f1, 4),
        }

    return {
        "documents": report.documents,
        "types": list(report.types),
        "per_type": {
            t.label: {"strict": counts(t.strict), "overlap": counts(t.overlap)}
            for t in report.per_type
        },
        "micro": {"strict": counts(report.micro.strict), "overlap": counts(report.micro.overlap)},
        "linking": {
            "correct": report.linking.correct,
            "total": report.linking.total,
            "accuracy": round(report.linking.accuracy, 4),
            "gold_without_canonical": report.linking.gold_without_canonical,
        },
        "ignored_predictions": report.ignored_predictions,
        "errors": [
            {
                "kind": e.kind,
                "doc_id": e.doc_id,
                "gold": _span_dict(e.gold),
                "predicted": _span_dict(e.predicted),
                "context": e.context,
                "detail": e.detail,
            }
            for e in report.errors
        ],
    }


def report_to_json(report: EvalReport) -> str:
    """The report as indented JSON (every error included)."""
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"


def _span_dict(span: tuple[int, int, str, str] | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"start": span[0], "end": span[1], "label": span[2], "text": span[3]}
