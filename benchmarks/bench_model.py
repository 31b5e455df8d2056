"""Benchmark stage 5 (model): to_rdf, validate, project and graph_summary on synthetic corpora.

Usage: python benchmarks/bench_model.py [PAPERS ...] [--mentions N] [--refs N] [--runs N]

Prints one JSON line per (size, step) with the median of ``--runs`` runs. Peers measured in the
same run, as shared/reference/performance-notes.md asks: rdflib ``Graph.addN`` of the same
triples pre-built (the floor for any rdflib-based ``to_rdf``) and pyoxigraph ``Store.extend``
when pyoxigraph is installed. Deterministic: the corpus depends only on the arguments.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from rdflib import Graph

from kg.ids import concept_id
from kg.models import (
    Author,
    Citation,
    Concept,
    Corpus,
    EntityType,
    Mention,
    Paper,
    PaperId,
    SourceRef,
)
from kg.projection import graph_summary, project
from kg.rdf import to_rdf
from kg.validate import validate

WORDS = ("spiking", "neural", "network", "cortex", "plasticity", "learning", "chip", "synapse")


def synthetic_corpus(n_papers: int, *, mentions: int, refs: int, seed: int = 0) -> Corpus:
    """A corpus of ``n_papers`` papers, ``mentions`` mentions each, ``refs`` citations each."""
    rng = random.Random(seed)
    types = list(EntityType)
    concepts = tuple(
        Concept(
            id=concept_id(t, f"{t.value.lower()} term {i}"),
            type=t,
            label=f"{t.value.lower()} term {i}",
            alt_labels=(f"T{i}",),
            notations=(f"src:{i}",),
            scheme=f"{t.slug}-vocab",
        )
        for t in types
        for i in range(500)
    )
    papers, all_mentions, citations = [], [], []
    for n in range(n_papers):
        pid = PaperId(f"doi:10.1000/paper.{n}")
        abstract = " ".join(rng.choice(WORDS) for _ in range(200))
        title = f"Paper {n} about {rng.choice(WORDS)}"
        paper = Paper(
            id=pid,
            title=title,
            abstract=abstract,
            year=2000 + n % 25,
            doi=pid[4:],
            authors=tuple(Author(f"Author {rng.randrange(5 * n_papers)}") for _ in range(3)),
            venue=f"Venue {n % 50}",
            sources=(SourceRef("synthetic.jsonl", n + 1),),
        )
        papers.append(paper)
        document = paper.document
        for k in range(mentions):
            concept = rng.choice(concepts)
            start = len(title) + 2 + 6 * k
            all_mentions.append(
                Mention(
                    pid, start, start + 5, document[start : start + 5], concept.type, concept.id
                )
            )
        for _ in range(refs if n else 0):
            cited = PaperId(f"doi:10.1000/paper.{rng.randrange(n)}")
            citations.append(Citation(pid, cited, intents=("background",), is_influential=False))
    unique = {(c.citing, c.cited): c for c in citations}
    return Corpus(
        papers=tuple(papers),
        mentions=tuple(all_mentions),
        concepts=concepts,
        citations=tuple(unique.values()),
    )


def _median(step: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


STEPS = (
    "to_rdf",
    "peer_rdflib_addN",
    "peer_pyoxigraph_extend",
    "validate",
    "project",
    "graph_summary",
)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--mentions", type=int, default=7, help="mentions per paper")
    parser.add_argument("--refs", type=int, default=5, help="citations per paper")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--steps", default=",".join(STEPS), help="comma-separated subset of " + ", ".join(STEPS)
    )
    args = parser.parse_args(argv)
    for n in args.papers:
        corpus = synthetic_corpus(n, mentions=args.mentions, refs=args.refs)
        _bench_size(corpus, n, args.steps.split(","), args.runs)


def _bench_size(corpus: Corpus, n: int, steps: list[str], runs: int) -> None:
    rows: dict[str, float] = {}
    rows["to_rdf"], graph = _median(lambda: to_rdf(corpus), runs)
    triples = len(graph)
    prebuilt = list(graph) if any(step.startswith("peer_") for step in steps) else []
    if "peer_rdflib_addN" in steps:
        rows["peer_rdflib_addN"], _ = _median(lambda: _rdflib_addn(prebuilt), runs)
    if "peer_pyoxigraph_extend" in steps:
        try:
            import pyoxigraph
        except ImportError:
            pass
        else:
            quads = [pyoxigraph.Quad(*(_ox(t) for t in triple)) for triple in prebuilt]
            rows["peer_pyoxigraph_extend"], _ = _median(
                lambda: pyoxigraph.Store().extend(quads), runs
            )
    projected = None
    if "validate" in steps:
        rows["validate"], _ = _median(lambda: validate(graph), runs)
    if "project" in steps:
        rows["project"], projected = _median(lambda: project(graph), runs)
    if "graph_summary" in steps:
        rows["graph_summary"], _ = _median(lambda: graph_summary(graph), runs)
    for step, value in rows.items():
        row = {
            "papers": n,
            "mentions": len(corpus.mentions),
            "triples": triples,
            "step": step,
            "seconds": round(value, 3),
            "triples_per_s": round(triples / value) if value else None,
        }
        print(json.dumps(row), flush=True)
    if projected is not None:
        shape = {
            "papers": n,
            "nodes": projected.number_of_nodes(),
            "edges": projected.number_of_edges(),
        }
        print(json.dumps(shape), flush=True)


def _rdflib_addn(triples: list[Any]) -> Graph:
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in triples)
    assert len(graph) == len(triples)
    return graph


def _ox(term: Any) -> Any:
    import pyoxigraph
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    assert isinstance(term, Literal)
    if term.datatype is not None:
        return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
    return pyoxigraph.Literal(str(term))


if __name__ == "__main__":
    main(sys.argv[1:])
