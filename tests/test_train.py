"""Training data (kg.corpora), the trainer (kg.train) on tiny corpora, `kg train`, and the
shipped model: loads from the package folder, offline."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.corpora import Annotated, is_project_method, project_spans, read_annotated
from kg.errors import ExtractionError, InputError
from kg.evaluate import PredictedSpan, score
from kg.extract import MODEL_EXTRACTOR, blank_pipeline, build_nlp, extract_mentions, model_path
from kg.models import Corpus, Paper, PaperId
from kg.train import (
    CORPORA,
    LABEL,
    ModelConfig,
    _example,
    is_held_out,
    is_validation,
    main,
    predict_spans,
    score_model,
    split_corpora,
    train_ner,
)

TINY = ModelConfig(width=32, depth=1, rows=(500, 200, 200, 200), hidden=32, learn_rate=0.005)
REGIONS = ["thalamus", "striatum", "claustrum", "pallidum", "amygdala", "cerebellum"]


def write(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def region_doc(i: int) -> Annotated:
    word = REGIONS[i % len(REGIONS)]
    return Annotated(f"d{i}", f"Cells in the {word} fire .", ((13, 13 + len(word), LABEL),),
                     frozenset({LABEL}))


# -- reading and scoring -------------------------------------------------------------------


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


def test_reader_resolves_nested_spans_longest_first(tmp_path: Path) -> None:
    text = "the central nucleus of the amygdala"
    entities = [{"start": s, "end": e, "label": "BRAIN_REGION"} for s, e in ((4, 35), (27, 35))]
    record = {"id": "a", "text": text, "entities": entities}
    (doc,) = read_annotated(write(tmp_path / "c.jsonl", [record]))
    assert doc.spans == ((4, 35, "BRAIN_REGION"),)


def test_reader_rejects_a_bad_line_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:1: .*'id'"):
        read_annotated(path)
    with pytest.raises(InputError, match="not found"):
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


def test_training_documents_are_scored_by_the_kg_eval_scorer() -> None:
    doc = Annotated(
        "x", "aa bb cc", ((0, 2, "METHOD"), (3, 5, "METHOD")), frozenset({"METHOD"}),
        frozenset({(6, 8)}),
    )
    predicted = [PredictedSpan(0, 2, "METHOD"), PredictedSpan(3, 4, "METHOD"),
                 PredictedSpan(6, 8, "METHOD"), PredictedSpan(0, 2, "HARDWARE")]
    report = score([doc.to_gold()], {"x": predicted}, types=["METHOD"])
    strict = report.per_type[0].strict
    # (6, 8) is ignored, HARDWARE is not scored.
    assert (strict.tp, strict.predicted, strict.gold) == (1, 2, 2)
    assert strict.f1 == pytest.approx(0.5)
    assert report.per_type[0].overlap.tp == 2  # 3-4 overlaps 3-5
    assert report.ignored_predictions == 1


# -- splits and examples -------------------------------------------------------------------


def test_held_out_and_validation_splits_are_stable_and_independent() -> None:
    ids = [f"doc-{i}" for i in range(4000)]
    held = {i for i in ids if is_held_out(i)}
    validation = {i for i in ids if is_validation(i)}
    assert held == {i for i in ids if is_held_out(i)}
    assert 0.17 < len(held) / len(ids) < 0.23
    assert 0.12 < len(validation) / len(ids) < 0.18
    # Another hash: about 15 % of the held-out documents are also "validation" ones.
    assert 0.1 < len(held & validation) / len(held) < 0.2


def test_split_never_uses_held_out_documents_and_makes_other_corpora_negatives() -> None:
    regions = [region_doc(i) for i in range(300)]
    methods = [Annotated(f"m{i}", "We use LSTM .", ((7, 11, "METHOD"),), frozenset({"METHOD"}))
               for i in range(100)]
    data = split_corpora({"whitetext": regions, "scierc": methods})
    used = [d.id for d in (*data.train, *data.validation)]
    assert used and not any(is_held_out(i) for i in used)
    expected = {d.id for d in regions if is_validation(d.id) and not is_held_out(d.id)}
    assert {d.id for d in data.validation} == expected
    negatives = [d for d in data.train if d.id.startswith("m")]
    assert negatives and all(d.spans == () for d in negatives)
    assert all(d.spans for d in data.train if d.id.startswith("d"))


def test_examples_use_the_extraction_tokenizer_and_leave_abbreviations_unknown() -> None:
    text = "the subthalamic nucleus(STh) fires"
    doc = Annotated("a", text, ((4, 23, LABEL),), frozenset({LABEL}), frozenset({(24, 27)}))
    example = _example(blank_pipeline(), doc)
    tags = dict(zip((t.text for t in example.reference), example.get_aligned_ner(), strict=True))
    assert tags["subthalamic"] == "B-BRAIN_REGION" and tags["nucleus"] == "L-BRAIN_REGION"
    assert tags["STh"] is None  # missing: neither a region nor "O"
    assert tags["fires"] == "O"


# -- training ------------------------------------------------------------------------------


def test_training_learns_a_tiny_corpus_and_keeps_the_best_epoch() -> None:
    docs = [region_doc(i) for i in range(24)]
    trained = train_ner(docs, docs[:6], config=TINY, max_epochs=30, patience=3)
    history = trained.history
    assert trained.best_epoch == max(history, key=lambda h: (h.f1, -h.epoch)).epoch
    assert history[-1].epoch == 30 or history[-1].epoch - trained.best_epoch == 3
    assert score_model(trained.nlp, docs[:6]).per_type[0].strict.f1 == pytest.approx(
        next(h.f1 for h in history if h.epoch == trained.best_epoch), abs=1e-3
    )
    predicted = predict_spans(trained.nlp, docs[:6])
    assert sum(len(p) for p in predicted) >= 4


def test_training_without_any_region_is_a_clear_error() -> None:
    docs = [Annotated("a", "no regions here", (), frozenset())]
    with pytest.raises(InputError, match="no BRAIN_REGION spans"):
        train_ner(docs, [], config=TINY, max_epochs=1)


def tiny_corpora(root: Path) -> Path:
    words = REGIONS * 5
    write(root / CORPORA["whitetext"][0], [
        {"id": f"PMID:{i}", "title": f"Projections of the {w}",
         "text": f"Neurons in the {w} project to the cortex.",
         "entities": [{"start": 15, "end": 15 + len(w), "label": "BRAIN_REGION", "text": w}],
         "title_entities": [{"start": 19, "end": 19 + len(w), "label": "BRAIN_REGION", "text": w}]}
        for i, w in enumerate(words)
    ])
    for name in ("scierc", "scirex", "tdmsci"):
        write(root / CORPORA[name][0], [
            {"id": f"{name}-{i}", "text": "We train an LSTM on MNIST.", "entities": []}
            for i in range(4)
        ])
    return root


def test_kg_train_writes_a_model_that_loads_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpora, out = tiny_corpora(tmp_path / "corpora"), tmp_path / "model"
    result = CliRunner().invoke(cli, ["train", "--corpora", str(corpora), "--out", str(out),
                                      "--epochs", "1", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "epoch 1: loss" in result.output and f"Wrote {out}" in result.output
    meta = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 3 and meta["max_epochs"] == 1 and len(meta["history"]) == 1
    recorded = {"config", "spacy_config", "training_data", "splits", "held_out_model_alone"}
    assert recorded <= set(meta)

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access while loading the model")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    nlp = build_nlp(model=True, model_dir=out)
    assert nlp.pipe_names == ["ner", "neurokg_gazetteer"]
    assert nlp.get_pipe("ner").labels == (LABEL,)


def test_kg_train_without_the_corpora_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["train", "--corpora", str(tmp_path)])
    assert result.exit_code == 1
    assert "Error: no whitetext-train/train.jsonl" in result.output
    assert "pass the shared corpora folder" in result.output


def test_python_m_kg_train_is_the_same_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "--corpora" in capsys.readouterr().out


# -- the shipped model --------------------------------------------------------------------

needs_model = pytest.mark.skipif(
    not (model_path() / "config.cfg").is_file(), reason="no model in kg/data/ner"
)


@needs_model
def test_shipped_model_loads_from_the_package_without_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access while loading the model")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    nlp = build_nlp(model=True)
    assert nlp.pipe_names == ["ner", "neurokg_gazetteer"]
    meta = json.loads((model_path() / "training.json").read_text(encoding="utf-8"))
    assert {"seed", "config", "training_data", "held_out_model_alone"} <= set(meta)
    assert meta["splits"]["held_out_documents_never_trained_on"] > 0
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


def test_model_true_without_a_model_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(ExtractionError, match="kg train --corpora"):
        build_nlp(model=True, model_dir=tmp_path)
    monkeypatch.setattr("kg.extract.model_path", lambda: tmp_path)
    assert "ner" not in build_nlp().pipe_names


def test_kg_train_help_states_the_trainer_defaults() -> None:
    from kg.train import MAX_EPOCHS, PATIENCE, SEED

    helps = {param.name: param.help or "" for param in cli.commands["train"].params}
    assert f"default {MAX_EPOCHS}" in helps["max_epochs"]
    assert f"default {PATIENCE}" in helps["patience"]
    assert f"default {SEED}" in helps["seed"]
