"""Stage 6, GraphML: the NetworkX projection for Gephi, Cytoscape or networkx itself.

GraphML attributes are typed scalars, so lists are joined with "; ", None is dropped,
other values become strings, and one attribute keeps one type across all nodes (or edges).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

#: Separator used for list-valued attributes (the data model's "; "-joined lists).
LIST_SEPARATOR = "; "

# XML 1.0 forbids most C0 control characters even when escaped; drop them from text.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def to_graphml(nx_graph: nx.MultiDiGraph) -> str:
    """Serialise a projection as GraphML that networkx, Gephi and Cytoscape can read.

    Args:
        nx_graph: The output of ``kg.projection.project`` (any networkx graph works).

    Returns:
        The GraphML document. ``nx.read_graphml`` gives back the same nodes and edges;
        list attributes come back as "; "-joined strings.

    Example:
        >>> import networkx as nx
        >>> g = nx.MultiDiGraph(); g.add_node("a", label="A", tags=["x", "y"], year=None)
        >>> "x; y" in to_graphml(g)
        True
    """
    clean = nx_graph.__class__()
    clean.graph.update(_clean_attrs(nx_graph.graph))
    node_attrs = {node: _clean_attrs(attrs) for node, attrs in nx_graph.nodes(data=True)}
    _unify_types(node_attrs.values())
    clean.add_nodes_from(node_attrs.items())
    if nx_graph.is_multigraph():
        edges = [(u, v, key, _clean_attrs(attrs)) for u, v, key, attrs in nx_graph.edges(keys=True, data=True)]
        _unify_types(attrs for *_, attrs in edges)
        clean.add_edges_from(edges)
    else:
        plain = [(u, v, _clean_attrs(attrs)) for u, v, attrs in nx_graph.edges(data=True)]
        _unify_types(attrs for *_, attrs in plain)
        clean.add_edges_from(plain)
    return "\n".join(nx.generate_graphml(clean, encoding="utf-8", prettyprint=True)) + "\n"


def _clean_attrs(attrs: Mapping[str, Any]) -> dict[str, str | int | float | bool]:
    out: dict[str, str | int | float | bool] = {}
    for name, value in attrs.items():
        cleaned = _clean_value(value)
        if cleaned is not None:
            out[str(name)] = cleaned
    return out


def _clean_value(value: Any) -> str | int | float | bool | None:
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return _XML_INVALID.sub("", value)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return _XML_INVALID.sub("", LIST_SEPARATOR.join(str(item) for item in items if item is not None))
    return _XML_INVALID.sub("", str(value))


def _unify_types(all_attrs: Iterable[dict[str, str | int | float | bool]]) -> None:
    """Give each attribute name one GraphML type: ints and floats -> float, other mixes -> str."""
    materialised = list(all_attrs)
    seen: dict[str, set[type]] = {}
    for attrs in materialised:
        for name, value in attrs.items():
            seen.setdefault(name, set()).add(type(value))
    target: dict[str, type] = {}
    for name, types in seen.items():
        if len(types) == 1:
            continue
        target[name] = float if types <= {int, float} else str
    if not target:
        return
    for attrs in materialised:
        for name, cast in target.items():
            if name in attrs:
                attrs[name] = _cast(attrs[name], cast)


def _cast(value: str | int | float | bool, cast: type) -> str | int | float | bool:
    if cast is str and isinstance(value, bool):
        return "true" if value else "false"
    return cast(value)  # type: ignore[no-any-return]
