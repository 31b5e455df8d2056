"""Stage 6, RDF serialisations: Turtle, N-Triples and JSON-LD, each a pure function.

The same triples always give the same bytes: prefixes are exactly kg's (``kg.vocab``) plus
``id:`` for the instance base, Turtle relies on rdflib's sorted subjects and properties,
N-Triples lines are sorted, and JSON-LD nodes and value arrays are sorted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.errors import ExportError
from kg.vocab import KG, PREFIXES, bind_prefixes

#: Where the runtime copy of ``ontology/context.jsonld`` lives inside the package.
CONTEXT_RESOURCE = ("data", "ontology", "context.jsonld")

# Subjects whose IRI reveals the instance base: ``{base}paper/...`` and friends.
_BASE_MARKERS = ((KG.Paper, "paper/"), (KG.Mention, "mention/"))


def instance_base(graph: Graph) -> str | None:
    """Return the instance base IRI of ``graph`` (what ``id:`` stands for), if it can be told.

    The ``id`` prefix binding wins; otherwise the base is read off a paper or mention IRI
    (``{base}paper/...``), which works for N-Triples files that carry no prefixes.
    """
    bound = dict(graph.namespaces()).get("id")
    if bound is not None:
        return str(bound)
    for cls, marker in _BASE_MARKERS:
        for subject in graph.subjects(RDF.type, cls):
            iri = str(subject)
            cut = iri.rfind(marker)
            if isinstance(subject, URIRef) and cut > 0:
                return iri[:cut]
            break
    return None


def canonical_prefixes(graph: Graph) -> dict[str, str]:
    """kg's prefixes plus ``id:`` for the graph's instance base: the prefixes every export uses."""
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    base = instance_base(graph)
    if base is not None:
        prefixes["id"] = base
    return prefixes


def _canonical_graph(graph: Graph) -> Graph:
    """``graph`` itself if it binds exactly the canonical prefixes, else a re-bound copy.

    Prefixes change Turtle bytes, so a graph parsed from a file with other prefixes is
    copied (the triples are unchanged). Graphs from ``kg.rdf.to_rdf`` need no copy.
    """
    wanted = canonical_prefixes(graph)
    bound = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    if bound == wanted:
        return graph
    copy = bind_prefixes(Graph(bind_namespaces="none"), wanted.get("id"))
    copy.addN((s, p, o, copy) for s, p, o in graph)
    return copy


def to_turtle(graph: Graph) -> str:
    """Serialise ``graph`` as Turtle; the same triples always give the same text.

    Args:
        graph: Any RDF graph (normally the output of ``kg.rdf.to_rdf``).

    Returns:
        Turtle text declaring kg's prefixes (only those used).

    Example:
        >>> from rdflib import Graph
        >>> to_turtle(Graph())
        '\\n'
    """
    return _canonical_graph(graph).serialize(format="turtle")


def to_ntriples(graph: Graph) -> str:
    """Serialise ``graph`` as N-Triples, one triple per line, lines sorted.

    Sorted lines make diffs between two builds read as "triples added/removed".
    """
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted(line for line in text.splitlines() if line.strip())
    return "".join(f"{line}\n" for line in lines)


def to_jsonld(graph: Graph, *, context: Mapping[str, Any] | None = None) -> str:
    """Serialise ``graph`` as compacted JSON-LD with kg's context embedded.

    The context is ``ontology/context.jsonld`` (its runtime copy in ``kg/data``), or, when
    that file is absent, one built from ``kg.vocab.PREFIXES``. It is embedded, never
    referenced by URL, so reading the file back needs no network. Nodes are sorted by
    ``@id`` and multi-valued properties by value, so the output is deterministic.

    Args:
        graph: Any RDF graph.
        context: A JSON-LD context (the value of ``@context``) to use instead.

    Returns:
        The JSON-LD document; ``Graph().parse(data=..., format="json-ld")`` gives back
        an isomorphic graph.
    """
    ctx = dict(context) if context is not None else default_context(graph)
    text = graph.serialize(format="json-ld", context=ctx, auto_compact=True)
    document = json.loads(text)
    return json.dumps(_sorted_jsonld(document), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def default_context(graph: Graph) -> dict[str, Any]:
    """The JSON-LD context for ``graph``: the packaged context, plus ``id`` for the base."""
    ctx = dict(_packaged_context() or {name: str(ns) for name, ns in PREFIXES.items()})
    base = instance_base(graph)
    if base is not None and "id" not in ctx:
        ctx["id"] = base
    return ctx


@lru_cache(maxsize=1)
def _packaged_context() -> dict[str, Any] | None:
    resource = resources.files("kg").joinpath(*CONTEXT_RESOURCE)
    if not resource.is_file():
        return None
    try:
        document = json.loads(resource.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(f"cannot read the packaged JSON-LD context {resource}: {exc}; reinstall kg") from exc
    ctx = document.get("@context") if isinstance(document, dict) else None
    if not isinstance(ctx, dict):
        raise ExportError(f"the packaged JSON-LD context {resource} has no @context object; reinstall kg")
    return ctx


def _sorted_jsonld(value: Any, key: str | None = None) -> Any:
    # JSON-LD arrays are unordered sets except inside @list, so sorting them is safe.
    if isinstance(value, dict):
        return {k: v if k == "@context" else _sorted_jsonld(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_jsonld(item) for item in value]
        if key == "@list":
            return items
        return sorted(items, key=_sort_key)
    return value


def _sort_key(item: Any) -> tuple[str, str]:
    node_id = item.get("@id", "") if isinstance(item, dict) else ""
    return (str(node_id), json.dumps(item, sort_keys=True, ensure_ascii=False))

