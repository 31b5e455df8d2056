"""Check a kg graph against the packaged SHACL shapes (``ontology/shapes.ttl``).

Runs on every build after ``kg.rdf.to_rdf``. No RDFS/OWL inference is applied to the data:
the shapes only rely on types the graph states, which keeps validation linear in the graph
size. Reads the packaged shapes once per process (``importlib.resources``); no other I/O.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, NamespaceManager
from rdflib.term import Node

from kg.errors import ValidationError
from kg.vocab import SH, bind_prefixes

__all__ = ["load_shapes", "validate"]

#: How many violations the one-line error message quotes; the rest are in ``.report``.
MAX_QUOTED = 3


def validate(graph: Graph) -> None:
    """Raise ``ValidationError`` unless ``graph`` conforms to kg's SHACL shapes.

    The shapes (``ontology/shapes.ttl``, shipped as ``kg/data/ontology/shapes.ttl``) say
    what ``docs/data-model.md`` requires: one title per paper, mention offsets with
    start < end, one preferred label and one entity type per concept, typed links that
    point at concepts of the right class, and so on.

    Args:
        graph: The graph to check, typically from ``kg.rdf.to_rdf``. It is not modified.

    Raises:
        ValidationError: If the graph breaks a shape. Its message counts the violations and
            quotes the first few (focus node, property, rule); ``.report`` holds pyshacl's
            full text report.

    Example:
        >>> from kg.models import Corpus, Paper, PaperId
        >>> from kg.rdf import to_rdf
        >>> validate(to_rdf(Corpus(papers=(Paper(id=PaperId("doi:10.1/x"), title="T"),))))
    """
    conforms, results, report = shacl_validate(
        graph,
        shacl_graph=_shapes(),
        inference="none",
        advanced=False,
        meta_shacl=False,
        allow_infos=True,
        allow_warnings=True,
    )
    if conforms:
        return
    assert isinstance(results, Graph)
    raise ValidationError(_summary(results, _names()), report=str(report))


def load_shapes() -> Graph:
    """Return a new copy of kg's SHACL shapes graph (for tools that run their own validator)."""
    copy = Graph(bind_namespaces="none")
    for prefix, namespace in _shapes().namespaces():
        copy.bind(prefix, namespace)
    copy += _shapes()
    return copy


@cache
def _shapes() -> Graph:
    # Shared by every call in the process; validate() only reads it.
    text = resources.files("kg").joinpath("data/ontology/shapes.ttl").read_text(encoding="utf-8")
    return Graph(bind_namespaces="none").parse(data=text, format="turtle")


@cache
def _names() -> NamespaceManager:
    # kg's own prefixes, whatever the data graph binds, so messages always read the same.
    return bind_prefixes(Graph(bind_namespaces="none")).namespace_manager


def _summary(results: Graph, names: NamespaceManager) -> str:
    """One line: how many violations, and the first few as "node property: message"."""
    lines = sorted(
        _describe(results, result, names)
        for result in results.subjects(RDF.type, SH.ValidationResult)
    )
    count = len(lines)
    quoted = "; ".join(lines[:MAX_QUOTED])
    more = f"; and {count - MAX_QUOTED} more" if count > MAX_QUOTED else ""
    noun = "violation" if count == 1 else "violations"
    return (
        f"graph breaks kg's SHACL shapes ({count} {noun}): {quoted}{more}. An earlier stage "
        "produced inconsistent data; skip validation (kg build --no-validate) to write the "
        "graph anyway and inspect it"
    )


def _describe(results: Graph, result: Node, names: NamespaceManager) -> str:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    message = results.value(result, SH.resultMessage)
    component = results.value(result, SH.sourceConstraintComponent)
    parts = [_short(focus, names)]
    if path is not None:
        parts.append(_short(path, names))
    if isinstance(component, URIRef):
        # sh:MaxCountConstraintComponent -> "maxCount": which rule of the shape failed.
        name = component.fragment.removesuffix("ConstraintComponent")
        parts.append(f"({name[:1].lower()}{name[1:]})")
    text = " ".join(parts) + f": {message}"
    if value is not None and value != focus:
        text += f" (value {_short(value, names)})"
    return text


def _short(node: Node | None, names: NamespaceManager) -> str:
    if node is None:
        return "?"
    if isinstance(node, Literal):
        # json.dumps keeps the message on one line whatever the literal holds.
        text = json.dumps(str(node), ensure_ascii=False)
        return text if len(text) <= 60 else text[:56] + '..."'
    return node.n3(names)
