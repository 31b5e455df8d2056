"""Strict-span P/R/F1 of the extraction pass on the shared annotated corpora.

    python benchmarks/score_corpora.py ../shared/corpora [--no-model] [--held-out] [--json]

``--held-out`` scores only the documents ``kg.train`` holds out (a fixed 20 % by id hash),
the fair figure when the shipped model was trained on the rest. HARDWARE is not annotated
in any shared corpus and is not scored; METHOD gold spans the guidelines would not mark
are dropped (``kg.corpora.project_spans``), so generic SciERC/SciREX "methods" neither
reward nor punish the extractor.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from kg.corpora import project_spans, read_annotated, score_spans
from kg.extract import build_nlp, extract_mentions
from kg.models import Corpus, Paper, PaperId
from kg.train import CORPORA, is_held_out


def score(root: Path, *, model: bool | None, held_out: bool) -> dict[str, dict]:
    nlp = build_nlp(model=model)
    out: dict[str, dict] = {}
    for name, (file, labels) in CORPORA.items():
        docs = [project_spans(d) for d in read_annotated(root / file, labels=labels)]
        if held_out:
            docs = [d for d in docs if is_held_out(d.id)]
        corpus = Corpus(
            papers=tuple(
                Paper(id=PaperId(f"id:{i}"), title="", text=d.text) for i, d in enumerate(docs)
            )
        )
        started = time.perf_counter()
        result = extract_mentions(corpus, nlp)
        seconds = time.perf_counter() - started
        predicted: list[list[tuple[int, int, str]]] = [[] for _ in docs]
        for m in result.mentions:
            predicted[int(m.paper_id[3:])].append((m.start, m.end, m.label.value))
        scores = score_spans(docs, predicted)
        out[name] = {
            "documents": len(docs),
            "seconds": round(seconds, 1),
            **{
                label: {"p": round(s.precision, 3), "r": round(s.recall, 3), "f1": round(s.f1, 3),
                        "tp": s.tp, "fp": s.fp, "fn": s.fn}
                for label, s in scores.items()
            },
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpora", type=Path)
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--held-out", action="store_true")
    args = parser.parse_args()
    result = score(args.corpora, model=False if args.no_model else None, held_out=args.held_out)
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
