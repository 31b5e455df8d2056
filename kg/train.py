"""Train the small statistical NER that backs up the rules (``kg/data/ner/``).

A spaCy ``ner`` component with its own small CNN ``tok2vec`` (no pretrained vectors,
nothing downloaded), trained on the shared corpora with their labels mapped onto the
project's types: WhiteText BrainRegion -> BRAIN_REGION; SciERC and SciREX Method ->
METHOD only where the guidelines agree (``kg.corpora.is_project_method``); named datasets
of SciERC, SciREX and TDMSci -> DATASET. Text is normalised exactly as at extraction time
(``kg.surface.normalise_for_matching``).

Rerun (fixed seed, deterministic on one thread)::

    python -m kg.train --corpora ../shared/corpora --out kg/data/ner   # ~40 min on 2 cores
    python -m kg.train --corpora ../shared/corpora --holdout-only      # held-out figures only

The held-out figures come from a model trained on the other documents of every corpus
(a fixed 20 % of each, chosen by hashing document ids); the shipped model is then
trained on everything and its ``training.json`` records data, seed, config and figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from kg.corpora import Annotated, Scores, project_spans, read_annotated, score_spans
from kg.surface import normalise_for_matching

SEED: Final = 13
EPOCHS: Final = 6
#: Corpus folder -> file inside ``--corpora`` and the labels taken from it.
CORPORA: Final = {
    "whitetext": ("whitetext-train/train.jsonl", ("BRAIN_REGION",)),
    "scierc": ("scierc-train/train-dev.jsonl", ("METHOD", "DATASET")),
    "scirex": ("scirex/train.jsonl", ("METHOD", "DATASET")),
    "tdmsci": ("tdmsci-train/train.jsonl", ("DATASET",)),
}
WIDTH: Final = 64
DEPTH: Final = 2
EMBED_SIZE: Final = 3000


def ner_config(width: int = WIDTH, depth: int = DEPTH) -> dict[str, Any]:
    """The ``ner`` component's config: a transition parser over a small CNN tok2vec."""
    return {
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": width,
            "maxout_pieces": 2,
            "use_upper": True,
            "nO": None,
            "tok2vec": {
                "@architectures": "spacy.HashEmbedCNN.v2",
                "pretrained_vectors": None,
                "width": width,
                "depth": depth,
                "embed_size": EMBED_SIZE,
                "window_size": 1,
                "maxout_pieces": 3,
                "subword_features": True,
            },
        }
    }


def load_training_corpora(root: Path) -> dict[str, list[Annotated]]:
    """The shared corpora under ``root``, labels mapped and generic METHOD spans dropped."""
    return {
        name: [project_spans(d) for d in read_annotated(root / file, labels=labels)]
        for name, (file, labels) in CORPORA.items()
    }


def is_held_out(doc_id: str, fraction: float = 0.2) -> bool:
    """A fixed ``fraction`` of documents, chosen by a hash of the id (stable across runs)."""
    digest = hashlib.sha256(doc_id.encode("utf-8")).digest()
    return digest[0] < 256 * fraction


def _example(nlp: Language, doc: Annotated) -> Example:
    predicted = nlp.make_doc(normalise_for_matching(doc.text))
    ents = [(s, e, label) for s, e, label in doc.spans]
    example = Example.from_dict(predicted, {"entities": ents})
    return example


def train_ner(
    docs: Sequence[Annotated],
    *,
    epochs: int = EPOCHS,
    seed: int = SEED,
    width: int = WIDTH,
    depth: int = DEPTH,
    on_epoch: Callable[[int, float], None] | None = None,
) -> Language:
    """Train a ``blank("en")`` + ``ner`` pipeline on ``docs`` (fixed seed)."""
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    nlp.add_pipe("ner", config=ner_config(width, depth))
    examples = [_example(nlp, d) for d in docs]
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        if on_epoch is not None:
            on_epoch(epoch + 1, losses.get("ner", 0.0))
    return nlp


def predict_spans(nlp: Language, docs: Sequence[Annotated]) -> list[list[tuple[int, int, str]]]:
    """The model's spans for each document."""
    texts = (normalise_for_matching(d.text) for d in docs)
    return [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=64)
    ]


def _figures(scores: dict[str, Scores]) -> dict[str, dict[str, float]]:
    return {
        label: {"p": round(s.precision, 3), "r": round(s.recall, 3), "f1": round(s.f1, 3)}
        for label, s in scores.items()
    }


def holdout_figures(
    corpora: dict[str, list[Annotated]], *, epochs: int, seed: int = SEED
) -> dict[str, Any]:
    """Train on the non-held-out part of every corpus and score the held-out part."""
    train = [d for docs in corpora.values() for d in docs if not is_held_out(d.id)]
    nlp = train_ner(train, epochs=epochs, seed=seed)
    result: dict[str, Any] = {}
    for name, docs in corpora.items():
        held = [d for d in docs if is_held_out(d.id)]
        scores = score_spans(held, predict_spans(nlp, held))
        result[name] = {"documents": len(held), **_figures(scores)}
    return result


def train_model(
    corpora_dir: Path,
    out: Path | None,
    *,
    epochs: int = EPOCHS,
    seed: int = SEED,
    holdout: bool = True,
    without_held_out: bool = False,
    on_epoch: Callable[[int, float], None] | None = None,
) -> dict[str, Any]:
    """Train the NER on the shared corpora, write it to ``out`` with ``training.json``.

    Args:
        corpora_dir: The shared corpora folder (``../shared/corpora``).
        out: Model folder (``kg/data/ner``); None to only score held-out data.
        epochs: Passes over the training data.
        seed: Random seed (the run is deterministic on one thread).
        holdout: First train on 80 % and score the held-out 20 % of every corpus.
        without_held_out: Leave the held-out documents out of the written model too.
        on_epoch: Called with (epoch, loss) while training the written model.

    Returns:
        The record written to ``training.json``: data, seed, config, held-out figures, times.
    """
    corpora = load_training_corpora(corpora_dir)
    meta: dict[str, Any] = {
        "command": "python -m kg.train --corpora ../shared/corpora --out kg/data/ner",
        "seed": seed,
        "epochs": epochs,
        "config": ner_config(),
        "spacy": spacy.__version__,
        "training_data": {
            name: {
                "file": CORPORA[name][0],
                "labels": list(CORPORA[name][1]),
                "documents": len(docs),
            }
            for name, docs in corpora.items()
        },
        "without_held_out": without_held_out,
    }
    if holdout:
        started = time.perf_counter()
        meta["holdout"] = holdout_figures(corpora, epochs=epochs, seed=seed)
        meta["holdout_seconds"] = round(time.perf_counter() - started, 1)
    if out is None:
        return meta
    started = time.perf_counter()
    docs = [
        d for docs in corpora.values() for d in docs if not (without_held_out and is_held_out(d.id))
    ]
    nlp = train_ner(docs, epochs=epochs, seed=seed, on_epoch=on_epoch)
    meta["training_seconds"] = round(time.perf_counter() - started, 1)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    (out / "training.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: train (and score held-out data); see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m kg.train", description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", type=Path, required=True, help="the shared corpora folder")
    parser.add_argument("--out", type=Path, help="where to write the model (kg/data/ner)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--holdout-only", action="store_true", help="score, do not write a model")
    parser.add_argument("--no-holdout", action="store_true", help="skip the held-out scoring")
    parser.add_argument(
        "--without-held-out",
        action="store_true",
        help="train the written model without the held-out documents (to score the whole "
        "extractor on them fairly: benchmarks/score_corpora.py --held-out)",
    )
    args = parser.parse_args(argv)
    if not args.corpora.is_dir():
        parser.error(f"{args.corpora} is not a folder; pass the shared corpora folder")
    meta = train_model(
        args.corpora,
        None if args.holdout_only else args.out,
        epochs=args.epochs,
        seed=args.seed,
        holdout=not args.no_holdout,
        without_held_out=args.without_held_out,
        on_epoch=lambda n, loss: print(f"epoch {n}: loss {loss:.1f}", file=sys.stderr),
    )
    print(json.dumps(meta.get("holdout", {}), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
