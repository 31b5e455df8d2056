"""Cross-validation of the whole extractor (kg.crossval) on tiny corpora: folds, scores, summary."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import spacy

from kg.crossval import cross_validate, fold_of, summarise
from kg.train import CORPORA, is_held_out
from tests.test_train import TINY, VECTOR_CONFIG, fake_vectors, tiny_corpora


def test_folds_are_stable_balanced_and_in_range() -> None:
    ids = [f"PMID:{i}" for i in range(5000)]
    folds = Counter(fold_of(i) for i in ids)
    assert set(folds) == {0, 1, 2, 3, 4}
    assert all(800 < n < 1200 for n in folds.values())
    assert [fold_of(i) for i in ids[:50]] == [fold_of(i) for i in ids[:50]]
    assert {fold_of(i, 3) for i in ids} == {0, 1, 2}


def test_cross_validation_scores_every_development_document_once(tmp_path: Path) -> None:
    corpora = tiny_corpora(tmp_path / "corpora")
    seen: list[int] = []
    result = cross_validate(corpora, tmp_path / "work", folds=2, config=TINY, max_epochs=1,
                            on_fold=lambda fold, _: seen.append(fold))
    assert seen == [0, 1] and result["folds"] == 2
    for name, (file, _) in CORPORA.items():
        ids = [json.loads(line)["id"] for line in (corpora / file).read_text().splitlines()]
        development = [i for i in ids if not is_held_out(i)]
        assert sum(f["corpora"][name]["documents"] for f in result["per_fold"]) == len(development)
    assert (tmp_path / "work" / "fold-1" / "config.cfg").is_file()
    cell = result["summary"]["whitetext"]["BRAIN_REGION"]
    strict = [
        f["corpora"]["whitetext"]["per_type"]["BRAIN_REGION"]["strict"] for f in result["per_fold"]
    ]
    assert cell["strict"]["f1"]["mean"] == pytest.approx(sum(s["f1"] for s in strict) / 2, abs=1e-4)
    assert cell["gold"] == sum(s["gold"] for s in strict)
    # Each corpus is scored on the types it annotates.
    assert set(result["summary"]["scierc"]) == {"METHOD", "DATASET"}
    json.dumps(result)  # JSON-ready


def test_summary_reports_mean_and_sample_spread() -> None:
    def fold(f1: float) -> dict:
        cell = {"precision": f1, "recall": f1, "f1": f1, "gold": 10}
        per_type = {"X": {"strict": cell, "overlap": cell}}
        return {"corpora": {"c": {"documents": 3, "per_type": per_type}}}

    summary = summarise([fold(0.6), fold(0.8)])["c"]["X"]
    assert summary["strict"]["f1"] == {"mean": 0.7, "std": pytest.approx(0.1414, abs=1e-4)}
    assert summary["documents"] == 6 and summary["gold"] == 20


def test_one_fold_is_not_cross_validation(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 2 folds"):
        cross_validate(tmp_path, tmp_path, folds=1)


def test_cross_validation_with_vectors_gives_each_fold_model_its_vectors(tmp_path: Path) -> None:
    corpora = tiny_corpora(tmp_path / "corpora")
    result = cross_validate(corpora, tmp_path / "work", folds=2, config=VECTOR_CONFIG,
                            max_epochs=1, vectors=fake_vectors())
    assert result["settings"]["vectors"] == {"origin": "test table"}
    assert result["settings"]["config"]["vectors"] is True
    for fold in result["per_fold"]:
        saved = spacy.load(tmp_path / "work" / f"fold-{fold['fold']}").vocab.vectors
        assert fold["vector_rows"] == saved.shape[0] > 2
    assert "BRAIN_REGION" in result["summary"]["whitetext"]
