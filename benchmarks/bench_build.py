"""Build benchmark: papers/s and peak memory of a full `kg build` at 1k and 10k papers.

Each size runs in a fresh process (so peak RSS belongs to that build alone): generate a
synthetic corpus, then read -> extract -> link -> RDF -> SHACL -> every export, timed per
stage. Beside it, in the same process, two peers: spaCy's tokenizer alone over the same
texts (the floor for anything that yields Docs) and a bare rdflib ``Graph.addN`` of the
build's own triples (the floor for the RDF store). Results are JSON lines plus a table.

    python benchmarks/bench_build.py --sizes 1000 10000 [--out benchmarks/results/build.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_one(n: int, seed: int) -> dict[str, object]:
    """Run one build of ``n`` synthetic papers in this process and measure it."""
    sys.path.insert(0, str(HERE))
    import spacy
    from gen_corpus import generate
    from rdflib import Graph

    from kg.ingest import read_corpus
    from kg.runner import run_build
    from kg.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        corpus_path = Path(tmp) / "corpus.jsonl"
        corpus_path.write_text(
            "".join(json.dumps(r) + "\n" for r in generate(n, seed=seed)), encoding="utf-8"
        )
        start = time.perf_counter()
        corpus = read_corpus([corpus_path])
        read_s = time.perf_counter() - start
        settings = Settings(out_dir=Path(tmp) / "out", progress=False)
        outcome = run_build(corpus, inputs=[corpus_path], settings=settings)
        total_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        texts = [p.document for p in corpus.papers]
        words = sum(len(t.split()) for t in texts)
        tokenizer = spacy.blank("en")
        tick = time.perf_counter()
        for _ in tokenizer.pipe(texts, batch_size=256):
            pass
        tokenizer_s = time.perf_counter() - tick

        triples = list(outcome.result.graph)
        tick = time.perf_counter()
        bare = Graph()
        bare.addN((s, p, o, bare) for s, p, o in triples)
        addn_s = time.perf_counter() - tick

        timings = dict(outcome.timings)
        extract_s = timings.get("extract", 0.0)
        rdf_s = timings.get("rdf", 0.0)
        return {
            "papers": n,
            "words": words,
            "mentions": outcome.counts["mentions"],
            "triples": len(triples),
            "total_s": round(total_s, 3),
            "papers_per_s": round(n / total_s, 1),
            "read_s": round(read_s, 3),
            "timings_s": timings,
            "peak_rss_mb": round(peak_mb, 1),
            "extract_words_per_s": round(words / extract_s, 0) if extract_s else None,
            "peer_tokenizer_words_per_s": round(words / tokenizer_s, 0),
            "ratio_extract_vs_tokenizer": round(tokenizer_s / extract_s, 3) if extract_s else None,
            "peer_addn_s": round(addn_s, 3),
            "ratio_rdf_vs_addn": round(rdf_s / addn_s, 2) if addn_s else None,
        }


def header() -> dict[str, object]:
    import networkx
    import polars
    import rdflib
    import spacy

    return {
        "machine": platform.machine(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "rdflib": rdflib.__version__,
        "networkx": networkx.__version__,
        "polars": polars.__version__,
        "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED"),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="append JSON lines here")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.seed)))
        return 0
    rows = [{"header": header()}]
    env = {**os.environ, "PYTHONHASHSEED": "0", "POLARS_MAX_THREADS": "1", "OMP_NUM_THREADS": "1"}
    for n in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--seed", str(args.seed)],
            check=True, capture_output=True, text=True, env=env,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    lines = [json.dumps(row) for row in rows]
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print()
    print(f"{'papers':>7} {'total s':>8} {'papers/s':>9} {'peak MB':>8} {'extract w/s':>12} "
          f"{'tok w/s':>9} {'ext/tok':>7} {'triples':>9} {'rdf/addN':>8}")
    for row in rows[1:]:
        print(f"{row['papers']:>7} {row['total_s']:>8} {row['papers_per_s']:>9} {row['peak_rss_mb']:>8} "
              f"{row['extract_words_per_s']:>12} {row['peer_tokenizer_words_per_s']:>9} "
              f"{row['ratio_extract_vs_tokenizer']:>7} {row['triples']:>9} {row['ratio_rdf_vs_addn']:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
