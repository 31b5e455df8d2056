"""Stages 2-5 composed: extract, link, (enrich), model, validate. No I/O: the caller reads
the corpus and writes the exports (``kg.cli`` does both), so the same function serves the
CLI, notebooks and benchmarks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from kg.extract import extract_mentions
from kg.ids import DEFAULT_BASE_IRI, check_base_iri
from kg.link import link_mentions
from kg.models import Corpus
from kg.rdf import to_rdf
from kg.validate import validate as validate_graph

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.enrich import EnrichReport, PaperSource
    from kg.gazetteer import Gazetteer

#: Called with (stage name, papers done, papers in all) while a stage runs.
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildResult:
    """What ``build`` produced: the final corpus, the canonical graph and how long each stage took."""

    corpus: Corpus
    graph: Graph
    timings: dict[str, float] = field(default_factory=dict)
    enrich_report: EnrichReport | None = None


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - start, 4)


def build(
    corpus: Corpus,
    *,
    nlp: Language,
    gazetteer: Gazetteer,
    source: PaperSource | None = None,
    enrich_options: dict[str, Any] | None = None,
    base_iri: str = DEFAULT_BASE_IRI,
    validate: bool = True,
    on_progress: ProgressCallback | None = None,
) -> BuildResult:
    """Turn a read corpus into the canonical RDF graph.

    Args:
        corpus: Output of ``kg.ingest.read_corpus``.
        nlp: Pipeline from ``kg.extract.build_nlp``.
        gazetteer: The concept gazetteer the pipeline was built from (for linking).
        source: A Semantic Scholar source; ``None`` skips enrichment.
        enrich_options: Keyword arguments passed on to ``kg.enrich.enrich``.
        base_iri: Prefix of minted instance IRIs.
        validate: Check the graph against the SHACL shapes.
        on_progress: Progress callback, see ``ProgressCallback``.

    Returns:
        A ``BuildResult``.

    Raises:
        ValueError: If ``base_iri`` cannot prefix IRIs.
        kg.errors.ValidationError: If the graph breaks the shapes (nothing is written then).
    """
    check_base_iri(base_iri)
    timer = _Timer()
    total = len(corpus.papers)

    def progress(stage: str) -> Callable[[int], None] | None:
        if on_progress is None:
            return None
        return lambda done: on_progress(stage, done, total)

    with timer.stage("extract"):
        corpus = extract_mentions(corpus, nlp, on_progress=progress("extract"))
    with timer.stage("link"):
        corpus = link_mentions(corpus, gazetteer)
    report = None
    if source is not None:
        from kg.enrich import enrich  # imported lazily: offline builds never load the client

        options = dict(enrich_options or {})
        if on_progress is not None:
            options.setdefault("on_progress", lambda step: on_progress(step.stage, step.done, step.total))
        with timer.stage("enrich"):
            corpus, report = enrich(corpus, source, **options)
    with timer.stage("rdf"):
        graph = to_rdf(corpus, base_iri=base_iri)
    if validate:
        with timer.stage("validate"):
            validate_graph(graph)
    return BuildResult(corpus=corpus, graph=graph, timings=timer.timings, enrich_report=report)
