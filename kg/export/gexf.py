"""Stage 6, GEXF: the NetworkX projection for Gephi (its native format).

Attributes are cleaned as for GraphML (lists "; "-joined, None dropped, one type per
attribute). Node ids are the same IRIs as in every other format; each edge gets a unique
id (``source|target|type``) because GEXF, unlike a MultiDiGraph, needs one.
"""

from __future__ import annotations

import networkx as nx

from kg.export.graphml import _clean_attrs, _unify_types

__all__ = ["to_gexf"]


def to_gexf(nx_graph: nx.MultiDiGraph) -> str:
    """Serialise a projection as GEXF 1.2 that Gephi and ``nx.read_gexf`` read.

    Args:
        nx_graph: The output of ``kg.projection.project`` (any networkx graph works).

    Returns:
        The GEXF document; node ids are IRIs, node labels the ``label`` attribute.

    Example:
        >>> g = nx.MultiDiGraph(); g.add_node("https://x/a", label="A", tags=["x", "y"])
        >>> 'value="x; y"' in to_gexf(g)
        True
    """
    clean = nx.MultiDiGraph() if nx_graph.is_directed() else nx.MultiGraph()
    node_attrs = {str(node): _clean_attrs(attrs) for node, attrs in nx_graph.nodes(data=True)}
    _unify_types(node_attrs.values())
    for attrs in node_attrs.values():
        attrs.pop("id", None)  # the IRI is the id; a stray "id" attribute would replace it
    clean.add_nodes_from(node_attrs.items())
    if nx_graph.is_multigraph():
        raw = [(u, v, key, attrs) for u, v, key, attrs in nx_graph.edges(keys=True, data=True)]
    else:
        raw = [(u, v, attrs.get("type", "edge"), attrs) for u, v, attrs in nx_graph.edges(data=True)]
    edges = [(str(u), str(v), str(key), _clean_attrs(attrs)) for u, v, key, attrs in raw]
    _unify_types(attrs for *_, attrs in edges)
    for u, v, key, attrs in edges:
        attrs["id"] = f"{u}|{v}|{key}"
        # networkx writes "weight" as the GEXF edge weight, which must be a number.
        if "weight" in attrs and not isinstance(attrs["weight"], int | float):
            attrs.pop("weight")
    clean.add_edges_from(edges)
    return "\n".join(nx.generate_gexf(clean, encoding="utf-8", prettyprint=True, version="1.2draft")) + "\n"
