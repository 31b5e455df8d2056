"""Stage 6, tables: nodes, edges and mentions as Parquet and CSV (polars), for dataframe users.

``nodes`` and ``edges`` come from the NetworkX projection, ``mentions`` from the RDF graph
(the projection does not keep individual mentions). Every table has an explicit schema,
so an empty table still has its columns and types. Rows are sorted, so output is stable.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any, Final

import networkx as nx
import polars as pl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from kg.vocab import KG

NODE_SCHEMA: Final = pl.Schema({
    "iri": pl.String,
    "kind": pl.String,
    "label": pl.String,
    "entity_type": pl.String,
    "title": pl.String,
    "year": pl.Int32,
    "date": pl.String,
    "doi": pl.String,
    "arxiv": pl.String,
    "venue": pl.String,
    "authors": pl.List(pl.String),
    "abstract": pl.String,
    "is_stub": pl.Boolean,
    "mention_count": pl.Int64,
    "paper_count": pl.Int64,
    "notation": pl.String,
    "exact_match": pl.String,
    "in_vocabulary": pl.Boolean,
    "s2_id": pl.String,
})

EDGE_SCHEMA: Final = pl.Schema({
    "source": pl.String,
    "target": pl.String,
    "type": pl.String,
    "weight": pl.Float64,
    "predicate": pl.String,
    "intents": pl.String,
    "is_influential": pl.Boolean,
})

MENTION_SCHEMA: Final = pl.Schema({
    "paper_iri": pl.String,
    "paper_id": pl.String,
    "start": pl.Int64,
    "end": pl.Int64,
    "text": pl.String,
    "label": pl.String,
    "concept_iri": pl.String,
    "concept_label": pl.String,
    "score": pl.Float64,
    "extractor": pl.String,
})

#: File name of each table in the output directory.
TABLE_FILES: Final = {"nodes": "nodes.parquet", "edges": "edges.parquet", "mentions": "mentions.parquet"}
#: File name of each CSV table (same rows and columns; lists "; "-joined).
CSV_FILES: Final = {"nodes": "nodes.csv", "edges": "edges.csv", "mentions": "mentions.csv"}


def to_tables(graph: Graph, nx_graph: nx.MultiDiGraph) -> dict[str, bytes]:
    """Build the three Parquet tables.

    Args:
        graph: The RDF graph (for ``mentions``).
        nx_graph: Its projection (for ``nodes`` and ``edges``).

    Returns:
        ``{"nodes.parquet": ..., "edges.parquet": ..., "mentions.parquet": ...}``, each
        the bytes of one Parquet file; ``pl.read_parquet(io.BytesIO(data))`` reads it.
    """
    return {
        TABLE_FILES["nodes"]: _parquet(nodes_frame(nx_graph)),
        TABLE_FILES["edges"]: _parquet(edges_frame(nx_graph)),
        TABLE_FILES["mentions"]: _parquet(mentions_frame(graph)),
    }


def to_csv_tables(graph: Graph, nx_graph: nx.MultiDiGraph) -> dict[str, str]:
    """The same three tables as CSV (UTF-8, header row, list cells "; "-joined, empty = null).

    Returns:
        ``{"nodes.csv": ..., "edges.csv": ..., "mentions.csv": ...}``.
    """
    return {
        CSV_FILES["nodes"]: _csv(nodes_frame(nx_graph)),
        CSV_FILES["edges"]: _csv(edges_frame(nx_graph)),
        CSV_FILES["mentions"]: _csv(mentions_frame(graph)),
    }


def nodes_frame(nx_graph: nx.MultiDiGraph) -> pl.DataFrame:
    """One row per projection node, sorted by kind then IRI."""
    rows = []
    for node, attrs in nx_graph.nodes(data=True):
        row = {name: _cell(attrs.get(name), dtype) for name, dtype in NODE_SCHEMA.items() if name != "iri"}
        row["iri"] = str(node)
        rows.append(row)
    rows.sort(key=lambda row: (row["kind"] or "", row["iri"]))
    return pl.DataFrame(rows, schema=NODE_SCHEMA, orient="row") if rows else NODE_SCHEMA.to_frame()


def edges_frame(nx_graph: nx.MultiDiGraph) -> pl.DataFrame:
    """One row per projection edge, sorted by source, target and type."""
    rows = []
    for source, target, attrs in nx_graph.edges(data=True):
        row = {name: _cell(attrs.get(name), dtype) for name, dtype in EDGE_SCHEMA.items()}
        row["source"], row["target"] = str(source), str(target)
        rows.append(row)
    rows.sort(key=lambda row: (row["source"], row["target"], row["type"] or ""))
    return pl.DataFrame(rows, schema=EDGE_SCHEMA, orient="row") if rows else EDGE_SCHEMA.to_frame()


def mentions_frame(graph: Graph) -> pl.DataFrame:
    """One row per ``kg:Mention``, sorted by paper id and offsets.

    Built from one scan per predicate rather than a SPARQL join: linear in the graph.
    """
    mentions = set(graph.subjects(RDF.type, KG.Mention))
    if not mentions:
        return MENTION_SCHEMA.to_frame()
    paper_of = _objects(graph, KG.inPaper, mentions)
    concept_of = _objects(graph, KG.denotes, mentions)
    agent_of = _objects(graph, PROV.wasAttributedTo, mentions)
    start_of = _objects(graph, KG.startOffset, mentions)
    end_of = _objects(graph, KG.endOffset, mentions)
    text_of = _objects(graph, KG.surfaceText, mentions)
    label_of = _objects(graph, KG.entityType, mentions)
    score_of = _objects(graph, KG.score, mentions)
    paper_ids = _objects(graph, DCTERMS.identifier, set(paper_of.values()))
    concept_labels = _objects(graph, SKOS.prefLabel, set(concept_of.values()))
    agent_labels = _objects(graph, RDFS.label, set(agent_of.values()))
    rows = []
    for mention in mentions:
        paper, concept, agent = paper_of.get(mention), concept_of.get(mention), agent_of.get(mention)
        rows.append({
            "paper_iri": _text(paper),
            "paper_id": _text(paper_ids.get(paper)) if paper is not None else None,
            "start": _number(start_of.get(mention), int),
            "end": _number(end_of.get(mention), int),
            "text": _text(text_of.get(mention)),
            "label": _text(label_of.get(mention)),
            "concept_iri": _text(concept),
            "concept_label": _text(concept_labels.get(concept)) if concept is not None else None,
            "score": _number(score_of.get(mention), float),
            "extractor": _agent_name(agent, agent_labels),
        })
    rows.sort(key=lambda r: (r["paper_id"] or r["paper_iri"] or "", r["start"] or 0, r["end"] or 0, r["text"] or ""))
    return pl.DataFrame(rows, schema=MENTION_SCHEMA, orient="row")


def _objects(graph: Graph, predicate: URIRef, subjects: set[Any]) -> dict[Any, Any]:
    """``{subject: object}`` for ``predicate`` restricted to ``subjects`` (the smallest object wins)."""
    found: dict[Any, Any] = {}
    for subject, obj in graph.subject_objects(predicate):
        if subject in subjects and (subject not in found or str(obj) < str(found[subject])):
            found[subject] = obj
    return found


def _agent_name(agent: Any, labels: Mapping[Any, Any]) -> str | None:
    if agent is None:
        return None
    label = labels.get(agent)
    return str(label) if label is not None else str(agent).rstrip("/").rsplit("/", 1)[-1]


def _text(term: Any) -> str | None:
    return None if term is None else str(term)


def _number(term: Any, cast: type) -> Any:
    if term is None:
        return None
    value = term.toPython() if isinstance(term, Literal) else term
    try:
        return cast(value)
    except (TypeError, ValueError):
        return None


def _cell(value: Any, dtype: pl.DataType) -> Any:
    """Coerce one projection attribute to its column's type (None when it does not fit)."""
    if value is None:
        return None
    if isinstance(dtype, pl.List):
        return _as_list(value)
    if dtype == pl.String:
        if isinstance(value, list | tuple | set | frozenset):
            return "; ".join(str(item) for item in value)
        return str(value)
    if dtype == pl.Boolean:
        return value if isinstance(value, bool) else None
    if dtype in (pl.Int32, pl.Int64):
        return _number(value, int)
    if dtype == pl.Float64:
        return _number(value, float)
    return value


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part for part in value.split("; ") if part]
    if isinstance(value, Iterable):
        return [str(item) for item in value]
    return [str(value)]


def _parquet(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def _csv(frame: pl.DataFrame) -> str:
    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    if lists:
        frame = frame.with_columns(pl.col(name).list.join("; ") for name in lists)
    return frame.write_csv()
