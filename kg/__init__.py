"""neurokg: knowledge graphs and citation graphs of neuro-AI and neuromorphic literature.

The public API, stage by stage::

    corpus = read_corpus([Path("papers.jsonl")])                 # 1 ingest
    gazetteer = load_gazetteer(); nlp = build_nlp(gazetteer)
    corpus = link_mentions(extract_mentions(corpus, nlp), gazetteer)   # 2-3 extract, link
    graph = to_rdf(corpus)                                        # 5 the canonical RDF graph
    nx_graph = project(graph)                                     # its NetworkX projection
    run_query(graph, "SELECT ...")                                # 7 SPARQL

or ``build(corpus, nlp=nlp, gazetteer=gazetteer)`` for stages 2-5 at once. Names are
imported lazily, so ``import kg`` is cheap and spaCy loads only when extraction runs.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> module, or (module, attribute) where the attribute shares its name with a
# submodule (kg.enrich, kg.validate): importing the submodule would shadow it.
_EXPORTS: dict[str, str | tuple[str, str]] = {
    "BuildResult": "kg.pipeline",
    "Concept": "kg.models",
    "Corpus": "kg.models",
    "EntityType": "kg.models",
    "JsonCache": "kg.cache",
    "KGError": "kg.errors",
    "Mention": "kg.models",
    "Paper": "kg.models",
    "SemanticScholar": "kg.s2",
    "build": "kg.pipeline",
    "build_nlp": "kg.extract",
    "compute_stats": "kg.stats",
    "corpus_to_jsonl": "kg.ingest",
    "enrich_corpus": ("kg.enrich", "enrich"),
    "evaluate_extractor": "kg.evaluate",
    "export_all": "kg.export",
    "extract_mentions": "kg.extract",
    "link_mentions": "kg.link",
    "load_gazetteer": "kg.gazetteer",
    "load_graph": "kg.query",
    "load_named_query": "kg.query",
    "project": "kg.projection",
    "read_corpus": "kg.ingest",
    "run_query": "kg.query",
    "to_rdf": "kg.rdf",
    "validate_graph": ("kg.validate", "validate"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    module, attribute = (target, name) if isinstance(target, str) else target
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
