"""Extraction benchmark: abstracts/min of the full extraction pass on one core, beside peers.

Over the same ~230-word abstracts (``gen_corpus.generate``, or ``--real`` for the
example corpus repeated), in one process pinned to one thread, medians of ``--runs``
after a warm-up:

- ``full``: ``extract_mentions`` with ``build_nlp()`` (gazetteer, learned NER when
  shipped, document rules: context, abbreviations, new names);
- ``rules``: the same without the learned NER (``build_nlp(model=False)``);
- ``phrasematcher``: the peer, a plain gazetteer pass: ``spacy.blank("en")`` tokenizer plus
  one case-insensitive ``PhraseMatcher`` over every pattern, longest match kept.

    python benchmarks/bench_extract.py [--n 1000] [--runs 3] [--real]

Prints one JSON object: abstracts/min of each and the ratios full/peer and rules/peer.
Target: full >= 1,500 abstracts/min.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _corpus(n: int, real: bool):  # -> Corpus
    from kg.models import Corpus, Paper, PaperId

    if real:
        records = [json.loads(line) for line in (HERE.parent / "examples" / "papers.jsonl").open()]
        records = (records * (n // len(records) + 1))[:n]
    else:
        import gen_corpus

        from kg.gazetteer import load_gazetteer

        if not hasattr(load_gazetteer(), "concepts"):
            # gen_corpus.entity_terms predates the Gazetteer API; feed it the same terms.
            gen_corpus.entity_terms = _entity_terms
        records = gen_corpus.generate(n)
    return Corpus(
        papers=tuple(
            Paper(
                id=PaperId(f"id:{i}"),
                title=r.get("title") or "",
                abstract=r.get("abstract") or "",
            )
            for i, r in enumerate(records)
        )
    )


def _entity_terms(limit_per_type: int = 400) -> dict[str, list[str]]:
    import gen_corpus

    from kg.gazetteer import load_gazetteer

    terms = {key: list(values) for key, values in gen_corpus.FALLBACK_TERMS.items()}
    entries = load_gazetteer().entries
    for cid in sorted(entries):
        bucket = terms[entries[cid].concept.type.value]
        if len(bucket) < limit_per_type:
            bucket.append(entries[cid].concept.label)
    return terms


def _peer(texts: list[str]):  # -> callable
    import spacy
    from spacy.matcher import PhraseMatcher

    from kg.gazetteer import load_gazetteer

    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    patterns = sorted({p.text for e in load_gazetteer().entries.values() for p in e.patterns})
    matcher.add("T", list(nlp.tokenizer.pipe(patterns)))

    def run() -> int:
        count = 0
        for doc in nlp.tokenizer.pipe(texts, batch_size=256):
            spans = sorted(matcher(doc), key=lambda m: (m[1] - m[2], m[1]))
            taken = bytearray(len(doc))
            for _, start, end in spans:
                if not any(taken[start:end]):
                    taken[start:end] = b"\x01" * (end - start)
                    count += 1
        return count

    return run


def _time(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--real", action="store_true", help="use examples/papers.jsonl")
    args = parser.parse_args(argv)
    import spacy

    from kg.extract import build_nlp, extract_mentions
    from kg.surface import normalise_for_matching

    corpus = _corpus(args.n, args.real)
    texts = [normalise_for_matching(p.document) for p in corpus.papers]
    words = sum(len(t.split()) for t in texts)
    full_nlp, rules_nlp = build_nlp(), build_nlp(model=False)
    seconds = {
        "full": _time(lambda: extract_mentions(corpus, full_nlp), args.runs),
        "rules": _time(lambda: extract_mentions(corpus, rules_nlp), args.runs),
        "phrasematcher": _time(_peer(texts), args.runs),
    }
    per_min = {k: round(args.n / s * 60) for k, s in seconds.items()}
    result = {
        "abstracts": args.n,
        "words_per_abstract": round(words / args.n),
        "real_text": args.real,
        "model_in_pipeline": "ner" in full_nlp.pipe_names,
        "abstracts_per_min": per_min,
        "seconds": {k: round(s, 2) for k, s in seconds.items()},
        "ratio_full_to_phrasematcher": round(seconds["phrasematcher"] / seconds["full"], 3),
        "ratio_rules_to_phrasematcher": round(seconds["phrasematcher"] / seconds["rules"], 3),
        "target_met": per_min["full"] >= 1500,
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
