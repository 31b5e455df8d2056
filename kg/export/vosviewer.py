"""Stage 6, VOSviewer: the concept co-mention map as a VOSviewer JSON map file.

Items are the concepts of the projection (id = the concept's IRI, as in every other
format), links its ``co_mention`` edges (strength = papers mentioning both), clusters the
Louvain communities of that weighted graph (seeded, so the same graph gives the same map).
VOSviewer computes the layout itself, so no ``x``/``y`` is written. Format reference:
https://app.vosviewer.com/docs/file-types/json-file-type/
"""

from __future__ import annotations

import json
from typing import Any, Final

import networkx as nx

__all__ = ["LOUVAIN_SEED", "to_vosviewer"]

#: Seed of the Louvain community detection (deterministic output).
LOUVAIN_SEED: Final = 42

_TYPE_NAMES: Final = {"METHOD": "method", "DATASET": "dataset", "BRAIN_REGION": "brain region",
                      "HARDWARE": "hardware"}


def to_vosviewer(nx_graph: nx.MultiDiGraph) -> str:
    """The VOSviewer JSON map of the concepts and their co-mentions.

    Args:
        nx_graph: The output of ``kg.projection.project``.

    Returns:
        ``{"network": {"items": [...], "links": [...]}}`` as JSON text; each item has
        ``id``, ``label``, ``cluster`` (1 = largest), ``description`` and ``weights``
        (``Papers``, ``Links``, ``Total link strength``); each link ``source_id``,
        ``target_id`` and ``strength``.

    Example:
        >>> g = nx.MultiDiGraph()
        >>> g.add_node("a", kind="concept", label="A"); g.add_node("b", kind="concept", label="B")
        >>> g.add_edge("a", "b", key="co_mention", type="co_mention", weight=2)
        'co_mention'
        >>> json.loads(to_vosviewer(g))["network"]["links"]
        [{'source_id': 'a', 'target_id': 'b', 'strength': 2}]
    """
    concepts = sorted(str(n) for n, attrs in nx_graph.nodes(data=True) if attrs.get("kind") == "concept")
    weighted = nx.Graph()
    weighted.add_nodes_from(concepts)
    for source, target, attrs in nx_graph.edges(data=True):
        if attrs.get("type") == "co_mention" and str(source) in weighted and str(target) in weighted:
            a, b = sorted((str(source), str(target)))
            previous = weighted.get_edge_data(a, b, {}).get("weight", 0)
            weighted.add_edge(a, b, weight=previous + _number(attrs.get("weight", 1)))
    cluster = _clusters(weighted)
    items = []
    for iri in concepts:
        attrs = nx_graph.nodes[iri]
        items.append({
            "id": iri,
            "label": str(attrs.get("label") or iri.rsplit("/", 1)[-1]),
            "cluster": cluster[iri],
            "description": _TYPE_NAMES.get(str(attrs.get("entity_type")), "concept"),
            "url": iri,
            "weights": {
                "Papers": _number(attrs.get("paper_count", 0)),
                "Links": weighted.degree(iri),
                "Total link strength": _number(weighted.degree(iri, weight="weight")),
            },
        })
    links = [{"source_id": a, "target_id": b, "strength": _number(data["weight"])}
             for a, b, data in sorted(weighted.edges(data=True), key=lambda e: tuple(sorted(e[:2])))]
    links = [{**link, "source_id": min(link["source_id"], link["target_id"]),
              "target_id": max(link["source_id"], link["target_id"])} for link in links]
    document = {
        "config": {"terminology": {"item": "concept", "items": "concepts", "link": "co-mention",
                                   "links": "co-mentions", "link_strength": "shared papers",
                                   "total_link_strength": "total shared papers"}},
        "network": {"items": items, "links": links},
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _clusters(weighted: nx.Graph) -> dict[str, int]:
    """Louvain communities numbered 1.. by size (largest first), ties by smallest IRI."""
    if weighted.number_of_nodes() == 0:
        return {}
    communities = nx.community.louvain_communities(weighted, weight="weight", seed=LOUVAIN_SEED)
    ordered = sorted(communities, key=lambda members: (-len(members), min(members)))
    return {node: number for number, members in enumerate(ordered, start=1) for node in members}


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else value
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0
