"""Training data mapping (kg.corpora), the trainer (kg.train) on a tiny corpus, and the
shipped model: loads from the package folder, offline."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from kg.corpora import Annotated, is_project_method, project_spans, read_annotated, score_spans
from kg.errors import ExtractionError
from kg.extract import MODEL_EXTRACTOR, build_nlp, extract_mentions, model_path
from kg.models import Corpus, Paper, PaperId
from kg.train import is_held_out, predict_spans, train_ner


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_reader_joins_title_and_text_and_shifts_offsets(tmp_path: Path) -> None:
    record = {
        "id": "a",
        "title": "CA1 cells",
        "text": "The thalamus and LSTM.",
        "entities": [
            {"start": 4, "end": 12, "label": "BRAIN_REGION", "text": "thalamus"},
            {"start": 17, "end": 21, "label": "Task", "text": "LSTM"},
        ],
        "title_entities": [{"start": 0, "end": 3, "label": "BRAIN_REGION", "text": "CA1"}],
        "unannotated_abbreviations": [{"start": 17, "end": 21}],
    }
    (doc,) = read_annotated(write(tmp_path / "c.jsonl", [record]))
    assert doc.text == "CA1 cells\n\nThe thalamus and LSTM."
    assert [doc.text[s:e] for s, e, _ in doc.spans] == ["CA1", "thalamus"]
    assert doc.labels == frozenset({"BRAIN_REGION"})
    assert doc.ignore == frozenset({(28, 32)})


def test_reader_rejects_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(ExtractionError, match=r"bad.jsonl:1: not a corpus record"):
        read_annotated(path)
    with pytest.raises(ExtractionError, match="cannot read corpus"):
        read_annotated(tmp_path / "missing.jsonl")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("LSTM", True),
        ("hidden Markov model", True),
        ("our approach", False),
        ("deep neural networks", False),
        ("image classification", False),
        ("a very long description of some kind of method", False),
    ],
)
def test_generic_corpus_methods_are_dropped(text: str, kept: bool) -> None:
    assert is_project_method(text) is kept
    doc = Annotated("x", text, ((0, len(text), "METHOD"),), frozenset({"METHOD"}))
    assert len(project_spans(doc).spans) == int(kept)


def test_scorer_counts_strict_spans_and_ignores_listed_ones() -> None:
    doc = Annotated(
        "x", "aa bb cc", ((0, 2, "METHOD"), (3, 5, "METHOD")), frozenset({"METHOD"}),
        frozenset({(6, 8)}),
    )
    scores = score_spans([doc], [[(0, 2, "METHOD"), (3, 4, "METHOD"), (6, 8, "METHOD"),
                                  (0, 2, "HARDWARE")]])
    assert (scores["METHOD"].tp, scores["METHOD"].fp, scores["METHOD"].fn) == (1, 1, 1)
    assert scores["METHOD"].f1 == pytest.approx(0.5)


def test_held_out_split_is_stable_and_about_a_fifth() -> None:
    ids = [f"doc-{i}" for i in range(2000)]
    held = [i for i in ids if is_held_out(i)]
    assert held == [i for i in ids if is_held_out(i)]
    assert 0.15 < len(held) / len(ids) < 0.25


def test_training_learns_a_tiny_corpus() -> None:
    docs = [
        Annotated(f"d{i}", f"Cells in the {w} fire .", ((13, 13 + len(w), "BRAIN_REGION"),),
                  frozenset({"BRAIN_REGION"}))
        for i, w in enumerate(["thalamus", "striatum", "claustrum", "pallidum"] * 5)
    ]
    nlp = train_ner(docs, epochs=25, width=32, depth=1)
    predicted = predict_spans(nlp, docs[:4])
    assert sum(len(p) for p in predicted) >= 3


# -- the shipped model --------------------------------------------------------------------

needs_model = pytest.mark.skipif(
    not (model_path() / "config.cfg").is_file(), reason="no model in kg/data/ner"
)


@needs_model
def test_shipped_model_loads_from_the_package_without_network(monkeypatch) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("network access while loading the model")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    nlp = build_nlp(model=True)
    assert nlp.pipe_names == ["ner", "neurokg_gazetteer"]
    meta = json.loads((model_path() / "training.json").read_text(encoding="utf-8"))
    assert {"seed", "config", "training_data", "holdout"} <= set(meta)
    size = sum(p.stat().st_size for p in model_path().rglob("*") if p.is_file())
    assert size < 20_000_000


@needs_model
def test_model_adds_regions_the_gazetteer_lacks_and_never_overlaps() -> None:
    text = (
        "Neurons of the nucleus paragigantocellularis project to the locus coeruleus and to "
        "the rostral ventrolateral medulla in the rat."
    )
    corpus = Corpus(papers=(Paper(id=PaperId("id:1"), title="", text=text),))
    mentions = extract_mentions(corpus, build_nlp(model=True)).mentions
    assert all(text[m.start : m.end] == m.text for m in mentions)
    spans = sorted((m.start, m.end) for m in mentions)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert {m.extractor for m in mentions} <= {"gazetteer", "rules", MODEL_EXTRACTOR}


def test_model_true_without_a_model_is_a_clear_error(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr("kg.extract.model_path", lambda: tmp_path)
    with pytest.raises(ExtractionError, match="python -m kg.train"):
        build_nlp(model=True)
    assert "ner" not in build_nlp().pipe_names
