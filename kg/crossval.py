"""K-fold cross-validation of the whole extractor on the shared corpora (the evaluation card).

The development part of every shared corpus (the documents ``kg.train.is_held_out`` does
not hold out) is split into ``folds`` parts by a hash of the document id. For each part,
a NER is trained exactly as ``kg train`` trains the shipped one, on the other parts (with
early stopping on their own validation documents), and the whole extractor (gazetteer,
document rules and that model) is run on the part and scored by ``kg.evaluate.score``,
so no figure comes from a document its model saw. The held-out 20 % is never used here.

``cross_validate`` returns JSON-ready data: per fold and per corpus and type the strict
and overlap P/R/F1, then the mean and the sample standard deviation over folds, and the
time it took. ``docs/evaluation_card.py --cross-validate`` runs it and the card reads it.
"""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

from kg.evaluate import predict, read_gold, report_to_dict, score
from kg.extract import build_nlp
from kg.gazetteer import Gazetteer, load_gazetteer
from kg.train import (
    CORPORA,
    MAX_EPOCHS,
    PATIENCE,
    SEED,
    ModelConfig,
    is_held_out,
    load_training_corpora,
    split_corpora,
    train_ner,
)
from kg.word_vectors import WordVectors, load_glove

FOLDS: Final = 5


def fold_of(doc_id: str, folds: int = FOLDS) -> int:
    """The fold (0 .. folds-1) of a document, by a hash of its id (stable across runs)."""
    digest = hashlib.sha256(f"fold:{doc_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % folds


def cross_validate(
    corpora_dir: Path,
    work_dir: Path,
    *,
    folds: int = FOLDS,
    config: ModelConfig = ModelConfig(),
    max_epochs: int = MAX_EPOCHS,
    patience: int = PATIENCE,
    seed: int = SEED,
    gazetteer: Gazetteer | None = None,
    on_fold: Callable[[int, dict[str, Any]], None] | None = None,
    vectors: WordVectors | None = None,
) -> dict[str, Any]:
    """Train one model per fold and score the whole extractor on that fold.

    Args:
        corpora_dir: The shared corpora folder (``../shared/corpora``).
        work_dir: Where the fold models are written (``work_dir/fold-N``).
        folds: Number of folds (at least 2).
        config: NER settings, as for the shipped model.
        max_epochs: Upper bound on epochs per fold model.
        patience: Early-stopping patience per fold model.
        seed: Random seed of every fold model.
        gazetteer: The gazetteer; the packaged one when None.
        on_fold: Called after each fold with its number and its result.
        vectors: With ``config.vectors``, the word vectors each fold model keeps the rows
            of its own training texts from (default: the GloVe package).

    Returns:
        ``{"folds", "settings", "seconds", "per_fold": [...], "summary": {corpus: {type: ...}}}``.

    Raises:
        ValueError: ``folds`` is below 2.
        InputError: A corpus file is missing or malformed.
        ExtractionError: ``config.vectors`` without ``vectors`` and without the package.
    """
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, not {folds}")
    started = time.perf_counter()
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    if config.vectors and vectors is None:
        vectors = load_glove()  # once, not per fold
    training = load_training_corpora(corpora_dir)
    gold = {
        name: [d for d in read_gold(corpora_dir / file) if not is_held_out(d.id)]
        for name, (file, _) in CORPORA.items()
    }
    per_fold = []
    for fold in range(folds):
        fold_started = time.perf_counter()
        data = split_corpora(
            training,
            use=lambda doc_id, k=fold: not is_held_out(doc_id) and fold_of(doc_id, folds) != k,
        )
        trained = train_ner(
            data.train, data.validation, config=config, max_epochs=max_epochs,
            patience=patience, seed=seed, vectors=vectors,
        )
        model_dir = work_dir / f"fold-{fold}"
        model_dir.mkdir(parents=True, exist_ok=True)
        trained.nlp.to_disk(model_dir)
        nlp = build_nlp(gazetteer, model=True, model_dir=model_dir)
        corpora: dict[str, Any] = {}
        for name, docs in gold.items():
            part = [d for d in docs if fold_of(d.id, folds) == fold]
            predicted = predict(part, nlp=nlp, gazetteer=gazetteer)
            report = report_to_dict(score(part, predicted, types=CORPORA[name][1]))
            corpora[name] = {"documents": len(part), "per_type": report["per_type"]}
        result = {
            "fold": fold,
            "train_documents": len(data.train),
            "validation_documents": len(data.validation),
            "best_epoch": trained.best_epoch,
            "epochs_run": len(trained.history),
            "vector_rows": trained.vectors["rows_kept"] if trained.vectors else 0,
            "seconds": round(time.perf_counter() - fold_started, 1),
            "corpora": corpora,
        }
        per_fold.append(result)
        if on_fold is not None:
            on_fold(fold, result)
    used = dict(vectors.source) if config.vectors and vectors is not None else None
    return {
        "folds": folds,
        "settings": {"config": asdict(config), "max_epochs": max_epochs, "patience": patience,
                     "seed": seed, "vectors": used},
        "seconds": round(time.perf_counter() - started, 1),
        "per_fold": per_fold,
        "summary": summarise(per_fold),
    }


def summarise(per_fold: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Mean and sample standard deviation over folds of every corpus, type and figure.

    Example:
        >>> cell = {"strict": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "gold": 4},
        ...         "overlap": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "gold": 4}}
        >>> folds = [{"corpora": {"c": {"documents": 2, "per_type": {"X": cell}}}}] * 2
        >>> summarise(folds)["c"]["X"]["strict"]["f1"]
        {'mean': 0.5, 'std': 0.0}
    """
    summary: dict[str, dict[str, dict[str, Any]]] = {}
    for name in per_fold[0]["corpora"]:
        types = per_fold[0]["corpora"][name]["per_type"]
        summary[name] = {}
        for label in types:
            cells = [f["corpora"][name]["per_type"][label] for f in per_fold]
            entry: dict[str, Any] = {
                "gold": sum(c["strict"]["gold"] for c in cells),
                "documents": sum(f["corpora"][name]["documents"] for f in per_fold),
            }
            for mode in ("strict", "overlap"):
                entry[mode] = {
                    figure: _mean_std([c[mode][figure] for c in cells])
                    for figure in ("precision", "recall", "f1")
                }
            summary[name][label] = entry
    return summary


def _mean_std(values: list[float]) -> dict[str, float]:
    return {
        "mean": round(statistics.fmean(values), 4),
        "std": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
    }
