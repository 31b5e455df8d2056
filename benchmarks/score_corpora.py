"""Strict-span P/R/F1 of the extraction pass on the shared annotated corpora.

    python benchmarks/score_corpora.py ../shared/corpora [--no-model] [--held-out]

``--held-out`` scores only the documents ``kg train`` holds out (a fixed 20 % by id hash),
the fair figure for the shipped model, which never trains on them. HARDWARE is not
annotated in any shared corpus and is not scored; METHOD gold spans the guidelines would
not mark are dropped (``kg.corpora.project_spans``), so generic SciERC/SciREX "methods"
neither reward nor punish the extractor (the evaluation card keeps them). Scorer:
``kg.evaluate.score``, as ``kg eval``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from kg.evaluate import predict, score
from kg.extract import build_nlp
from kg.gazetteer import load_gazetteer
from kg.train import is_held_out, load_training_corpora


def score_corpora(root: Path, *, model: bool | None, held_out: bool) -> dict[str, dict]:
    gazetteer = load_gazetteer()
    nlp = build_nlp(gazetteer, model=model)
    out: dict[str, dict] = {}
    for name, docs in load_training_corpora(root).items():
        gold = [d.to_gold() for d in docs if not held_out or is_held_out(d.id)]
        started = time.perf_counter()
        predicted = predict(gold, nlp=nlp, gazetteer=gazetteer)
        seconds = time.perf_counter() - started
        labels = sorted({label for d in docs for label in d.labels})
        report = score(gold, predicted, types=labels)
        out[name] = {"documents": len(gold), "seconds": round(seconds, 1)}
        for cell in report.per_type:
            s = cell.strict
            out[name][cell.label] = {
                "p": round(s.precision, 3), "r": round(s.recall, 3), "f1": round(s.f1, 3),
                "tp": s.tp, "predicted": s.predicted, "gold": s.gold,
            }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", type=Path)
    parser.add_argument("--no-model", action="store_true", help="the rules alone")
    parser.add_argument("--held-out", action="store_true", help="only the held-out 20 %% of each")
    args = parser.parse_args()
    model = False if args.no_model else None
    result = score_corpora(args.corpora, model=model, held_out=args.held_out)
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
