"""Benchmark stage 4 (enrich): requests and wall time against the fake S2 at 1 request/second.

Usage: python benchmarks/bench_enrich.py [--papers 1000] [--refs-mean 20] [--speed 50]
                                         [--citations] [--random-429 0.0] [--budget 600]

The fake Semantic Scholar (tests/fakes/semantic_scholar.py) runs on 127.0.0.1 and enforces a
token bucket of 1 request/s, burst 1, per key: the limit S2 grants (semantic-scholar-api.md §6).
Waiting ~1,000 real seconds per run is not practical, so only *idle waiting* is compressed:
client and server share one virtual clock that runs at real speed, except that a sleep of
``s`` seconds (the client's pacing and back-off) takes ``s / speed`` real seconds and moves
the clock forward by the full ``s``. The server's bucket refills on that clock, so the limit
is enforced exactly as at 1 request/s, while latency, JSON work and cache writes (fsync)
count at their real cost. What is not modelled: internet latency and its jitter (loopback
has ~1 ms), which on the real API add to the wall time and provoke some extra 429s.

Reports, as one JSON line and a short table, the requests made and the virtual wall time
beside the floor the API's limits allow: ceil(N/500) batch calls, plus one /references page
per 1,000 references of each paper (every paper asks at least once: S2's referenceCount is
not trusted, s2-folks #142), plus with --citations one /citations page per 1,000 citations
of each paper S2 counts as cited. Then a second run over the same cache, which must make no
request. Deterministic corpus; bounded by ``--budget`` real seconds; loopback only.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

from kg.cache import JsonCache
from kg.enrich import enrich
from kg.models import Corpus, Paper, PaperId
from kg.s2 import SemanticScholar

# Run from anywhere: the fake server lives in the repository's tests package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fakes.semantic_scholar import FakeSemanticScholar, serve


class VirtualClock:
    """Real monotonic time, plus the part of every sleep that was skipped (``1 - 1/speed``)."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self._start = time.monotonic()
        self._skipped = 0.0

    def __call__(self) -> float:
        return time.monotonic() - self._start + self._skipped

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds / self.speed)
            self._skipped += seconds * (1 - 1 / self.speed)


def build_store(
    fake: FakeSemanticScholar, n: int, refs_mean: int, seed: int
) -> tuple[Corpus, list[int], list[int]]:
    """N corpus papers citing each other (20%) and an outside pool (80%); two long-list outliers."""
    rng = random.Random(seed)
    pids = [f"{i:040x}" for i in range(1, n + 1)]
    ref_counts = [max(1, int(rng.expovariate(1 / refs_mean))) for _ in range(n)]
    ref_counts[0], ref_counts[1] = 1500, 2500  # outliers: two and three pages
    cited_by = [0] * n
    references: list[list[dict[str, Any]]] = []
    for i, count in enumerate(ref_counts):
        edges = []
        for k in range(count):
            if rng.random() < 0.2:
                j = rng.randrange(n)
                cited = {"paperId": pids[j]}
                cited_by[j] += 1
            else:
                ext = rng.randrange(10 * n)
                cited = {
                    "paperId": f"e{ext:039x}",
                    "title": f"Outside paper {ext}",
                    "year": 2000 + ext % 25,
                    "externalIds": {"DOI": f"10.5555/outside.{ext}"},
                }
            edges.append(
                {
                    "citedPaper": cited,
                    "intents": ["background"],
                    "contexts": [],
                    "isInfluential": k == 0,
                }
            )
        references.append(edges)
    for i, pid in enumerate(pids):
        fake.store.add_paper(
            {
                "paperId": pid,
                "title": f"Benchmark paper {i}",
                "year": 2020,
                "externalIds": {"DOI": f"10.5555/bench.{i}"},
                "venue": "",
                "authors": [{"authorId": str(10**8 + i), "name": f"Author {i}"}],
                "citationCount": cited_by[i],
                "referenceCount": ref_counts[i],
                "influentialCitationCount": 0,
                "openAccessPdf": None,
                "fieldsOfStudy": ["Computer Science"],
                "s2FieldsOfStudy": [],
                "publicationDate": None,
            },
            references=references[i],
        )
    corpus = Corpus(
        papers=tuple(
            Paper(
                id=PaperId(f"doi:10.5555/bench.{i}"),
                title=f"Benchmark paper {i}",
                doi=f"10.5555/bench.{i}",
            )
            for i in range(n)
        )
    )
    return corpus, ref_counts, cited_by


def run(args: argparse.Namespace) -> dict[str, Any]:
    clock = VirtualClock(args.speed)
    fake = FakeSemanticScholar(clock=clock)
    fake.rate_limit, fake.burst, fake.random_429 = 1.0, 1, args.random_429
    corpus, ref_counts, cited_by = build_store(fake, args.papers, args.refs_mean, args.seed)
    floor = math.ceil(args.papers / 500) + sum(max(1, math.ceil(r / 1000)) for r in ref_counts)
    if args.citations:
        floor += sum(math.ceil(c / 1000) for c in cited_by if c)
    with tempfile.TemporaryDirectory() as tmp, serve(fake) as base_url:
        cache = JsonCache(Path(tmp))
        client = SemanticScholar(
            base_url=base_url, clock=clock, sleep=clock.sleep, cache=cache, min_interval=1.0
        )
        result: dict[str, Any] = {}

        def work() -> None:
            v0, r0 = clock(), time.perf_counter()
            enriched, report = enrich(
                corpus, client, citations=args.citations, references=True, depth=1
            )
            result.update(
                virtual=clock() - v0, real=time.perf_counter() - r0, report=report, corpus=enriched
            )
            again = SemanticScholar(base_url=base_url, clock=clock, sleep=clock.sleep, cache=cache)
            before = len(fake.requests())
            _, second = enrich(corpus, again, citations=args.citations, references=True, depth=1)
            result.update(
                second_requests=len(fake.requests()) - before, second_hits=second.cache_hits
            )

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(timeout=args.budget)
        if worker.is_alive():
            raise SystemExit(f"bench_enrich: stopped after the {args.budget:.0f} s budget")
    report = result["report"]
    made = report.requests
    return {
        "bench": "enrich",
        "papers": args.papers,
        "refs_mean": args.refs_mean,
        "references_fetched": sum(ref_counts),
        "citations": args.citations,
        "speed": args.speed,
        "random_429": args.random_429,
        "requests": made,
        "floor_requests": floor,
        "requests_ratio": round(made / floor, 3),
        "http_429": fake.rate_limited,
        "virtual_wall_s": round(result["virtual"], 1),
        "floor_wall_s": float(floor),
        "wall_ratio": round(result["virtual"] / floor, 3),
        "real_wall_s": round(result["real"], 2),
        "citations_kept": report.citations_added,
        "stubs": report.stubs_added,
        "capped_lists": len(report.capped),
        "cut_short": report.cut_short,
        "second_run_requests": result["second_requests"],
        "second_run_cache_hits": result["second_hits"],
        "python": platform.python_version(),
        "requests_version": requests.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--refs-mean", type=int, default=20)
    parser.add_argument("--speed", type=float, default=50.0, help="how much faster idle waits pass")
    parser.add_argument(
        "--citations", action="store_true", help="also fetch the citations of each paper"
    )
    parser.add_argument(
        "--random-429", type=float, default=0.0, help="share of requests refused at random"
    )
    parser.add_argument("--budget", type=float, default=600.0, help="real seconds before giving up")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    row = run(args)
    print(json.dumps(row))
    print(f"{'':22}{'ours':>12}{'floor':>12}{'ratio':>8}")
    print(
        f"{'requests':22}{row['requests']:>12}{row['floor_requests']:>12}{row['requests_ratio']:>8}"
    )
    print(
        f"{'wall (s at 1 req/s)':22}{row['virtual_wall_s']:>12}"
        f"{row['floor_wall_s']:>12}{row['wall_ratio']:>8}"
    )
    print(
        f"429s answered: {row['http_429']}; real wall {row['real_wall_s']} s at {args.speed:g}x; "
        f"second run: {row['second_run_requests']} requests, "
        f"{row['second_run_cache_hits']} cache hits"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
