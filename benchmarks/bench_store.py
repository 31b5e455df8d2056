"""Compare the Oxigraph store with rdflib: load time, latency of each named query, memory.

The graph is the example corpus run through the pipeline, replicated COPIES times with
fresh paper, mention, citation and author IRIs (concepts are shared), so every copy has
exactly the data model's shape; ``--copies 57`` gives about one million triples. Each
engine runs in its own child process so peak memory is its own.

    python benchmarks/bench_store.py --copies 1 57 [--queries NAME ...] [--rdflib-max-triples N] [--out results.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
_LOCAL = re.compile(r"(<[^>]*/id/(?:paper|mention|citation|author)/)")


def make_ntriples(copies: int, path: Path) -> int:
    """Write the example graph replicated ``copies`` times to ``path``; return the triple count."""
    from kg.export.rdf_formats import to_ntriples
    from kg.extract import build_nlp
    from kg.gazetteer import load_gazetteer
    from kg.ingest import read_corpus
    from kg.pipeline import build

    gazetteer = load_gazetteer()
    corpus = read_corpus([ROOT / "examples" / "papers.jsonl"])
    lines = to_ntriples(build(corpus, nlp=build_nlp(gazetteer), gazetteer=gazetteer, validate=False).graph)
    lines = [line for line in lines.splitlines() if line.strip()]
    shared = [line for line in lines if not _LOCAL.search(line)]
    local = [line for line in lines if _LOCAL.search(line)]
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("\n".join(shared) + "\n")
        count += len(shared)
        for copy in range(copies):
            prefix = "" if copy == 0 else f"c{copy}-"
            handle.write("\n".join(_LOCAL.sub(lambda m, p=prefix: m.group(1) + p, line) for line in local) + "\n")
            count += len(local)
    return count


def run_engine(engine: str, source: Path, repeats: int, only: list[str] | None = None) -> dict[str, object]:
    """Load ``source`` into one engine and time every named query (unbound and with its Example)."""
    from kg.query import list_named_queries, load_graph, resolve_binding, run_query
    from kg.store import lookup_graph, open_store, query_store

    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # after imports, before loading
    tick = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if engine == "rdflib":
            target = load_graph(source)
            lookup = target
        else:
            import pyoxigraph as ox

            store_path = Path(tmp) / "store"
            staged = ox.Store(str(store_path))
            staged.bulk_load(path=str(source), format=ox.RdfFormat.N_TRIPLES)
            staged.flush()
            del staged
            target = open_store(store_path)
            lookup = lookup_graph(target)
        load_s = time.perf_counter() - tick
        latencies: dict[str, float] = {}
        rows: dict[str, int] = {}
        for named in list_named_queries():
            if only and named.name not in only:
                continue
            expected = {p.name: p.expected_class for p in named.parameters}
            cases = {named.name: {}}
            if named.examples:
                try:
                    cases[named.name + "+example"] = {
                        var: resolve_binding(lookup, value, expected_class=expected.get(var))
                        for var, value in named.examples.items()}
                except Exception:  # noqa: BLE001 - an ambiguous key on replicated data: skip the case
                    pass
            for case, bindings in cases.items():
                best = float("inf")
                for _ in range(repeats):
                    start = time.perf_counter()
                    result = (run_query(target, named.text, bindings=bindings) if engine == "rdflib"
                              else query_store(target, named.text, bindings=bindings))
                    best = min(best, time.perf_counter() - start)
                latencies[case] = round(best, 4)
                rows[case] = len(result)
    return {"engine": engine, "load_s": round(load_s, 3), "latency_s": latencies, "rows": rows,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "graph_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - baseline_mb, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 57])
    parser.add_argument("--queries", nargs="+", default=None, help="time only these named queries")
    parser.add_argument("--repeats", type=int, default=3, help="best of N runs per query")
    parser.add_argument("--rdflib-max-triples", type=int, default=2_000_000,
                        help="skip rdflib above this size (it needs minutes and gigabytes)")
    parser.add_argument("--out", type=Path, default=None, help="append JSON lines here")
    parser.add_argument("--engine", default=None, help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--source", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.engine:
        print(json.dumps(run_engine(args.engine, args.source, args.repeats, args.queries)))
        return 0
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for copies in args.copies:
            source = Path(tmp) / f"graph-{copies}.nt"
            triples = make_ntriples(copies, source)
            result: dict[str, object] = {"copies": copies, "triples": triples}
            for engine in ("oxigraph", "rdflib"):
                if engine == "rdflib" and triples > args.rdflib_max_triples:
                    continue
                done = subprocess.run([sys.executable, __file__, "--engine", engine, "--source", str(source),
                                       "--repeats", str(args.repeats), *(["--queries", *args.queries] if args.queries else [])],
                                      check=True, capture_output=True, text=True, env=env)
                result[engine] = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(result)
            _print(result)
    if args.out:
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(row) + "\n" for row in rows))
    return 0


def _print(result: dict[str, object]) -> None:
    ox_run, rdf_run = result.get("oxigraph"), result.get("rdflib")
    print(f"\n== {result['triples']:,} triples ({result['copies']} copies of the example corpus)")
    print(f"{'':40} {'oxigraph':>10} {'rdflib':>10} {'ratio':>8}")

    def line(name: str, a: float | None, b: float | None) -> None:
        ratio = f"{b / a:8.1f}x" if a and b else f"{'-':>9}"
        print(f"{name:40} {a if a is not None else '-':>10} {b if b is not None else '-':>10} {ratio}")

    line("load s", ox_run["load_s"], rdf_run["load_s"] if rdf_run else None)  # type: ignore[index]
    line("peak RSS MB", ox_run["peak_rss_mb"], rdf_run["peak_rss_mb"] if rdf_run else None)  # type: ignore[index]
    line("RSS growth MB (load + queries)", ox_run["graph_rss_mb"],  # type: ignore[index]
         rdf_run["graph_rss_mb"] if rdf_run else None)  # type: ignore[index]
    for case, seconds in ox_run["latency_s"].items():  # type: ignore[index]
        other = rdf_run["latency_s"].get(case) if rdf_run else None  # type: ignore[index]
        line(case, seconds, other)
        if rdf_run and rdf_run["rows"].get(case) != ox_run["rows"][case]:  # type: ignore[index]
            print(f"   ! row counts differ: {ox_run['rows'][case]} vs {rdf_run['rows'].get(case)}")  # type: ignore[index]


if __name__ == "__main__":
    raise SystemExit(main())
