"""Stage 6, RDF serialisations: Turtle, N-Triples and JSON-LD, each a pure function.

The same triples always give the same bytes: prefixes are exactly kg's (``kg.vocab``) plus
``id:`` for the instance base, Turtle is written from sorted triples (by pyoxigraph, whose
serialiser is ~35x faster than rdflib's), N-Triples lines are sorted, and JSON-LD nodes and
value arrays are sorted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.errors import ExportError
from kg.vocab import KG, PREFIXES

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
    # pyoxigraph's serialiser is ~35x faster than rdflib's (ours: 194 s -> a few s at 10k
    # papers) and groups consecutive triples of one subject; sorting the triples first
    # makes the bytes depend on the triples alone.
    if not len(graph):
        return "\n"
    triples, iris = _oxigraph_triples(graph)
    data = pyoxigraph.serialize(
        triples, format=pyoxigraph.RdfFormat.TURTLE,
        prefixes=_used_prefixes(canonical_prefixes(graph), iris),
    )
    return data.decode("utf-8") if data else "\n"


def to_ntriples(graph: Graph) -> str:
    """Serialise ``graph`` as N-Triples, one triple per line, lines sorted.

    Sorted lines make diffs between two builds read as "triples added/removed".
    """
    data = pyoxigraph.serialize(_oxigraph_triples(graph, sort=False)[0], format=pyoxigraph.RdfFormat.N_TRIPLES)
    lines = sorted(line for line in (data or b"").decode("utf-8").splitlines() if line.strip())
    return "".join(f"{line}\n" for line in lines)


def to_oxigraph_quads(graph: Graph) -> list[Any]:
    """The triples of ``graph`` as pyoxigraph quads in the default graph, for ``Store.bulk_extend``.

    Loading these skips writing N-Triples text, sorting it and parsing it back.
    """
    triples, _ = _oxigraph_triples(graph, sort=False)
    return [pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in triples]


def _oxigraph_term(term: Node) -> Any:
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    if isinstance(term, BNode):  # kg mints none, but a user's graph may carry them
        return pyoxigraph.BlankNode(str(term))
    raise ExportError(f"cannot serialise the RDF term {term!r}")


def _oxigraph_triples(graph: Graph, *, sort: bool = True) -> tuple[list[Any], set[str]]:
    """pyoxigraph triples of ``graph`` (sorted unless asked not to), and every IRI used."""
    # Terms repeat a lot (every predicate, each subject ~10x), so each is converted once.
    memo: dict[Node, Any] = {}

    def convert(term: Node) -> Any:
        found = memo.get(term)
        if found is None:
            found = memo[term] = _oxigraph_term(term)
        return found

    triples = list(graph)
    if sort:
        triples.sort(key=_sort_key)
    converted = [pyoxigraph.Triple(convert(s), convert(p), convert(o)) for s, p, o in triples]
    return converted, {str(term) for term in memo if isinstance(term, URIRef)}


def _sort_key(triple: tuple[Node, Node, Node]) -> tuple[str, ...]:
    # Cheaper than Node.n3(), and still total: the object's kind, datatype and language
    # separate a literal from an IRI with the same text.
    s, p, o = triple
    if isinstance(o, Literal):
        return (str(s), str(p), "L", str(o), str(o.datatype or ""), o.language or "")
    return (str(s), str(p), "I" if isinstance(o, URIRef) else "B", str(o), "", "")


def _used_prefixes(prefixes: Mapping[str, str], iris: set[str]) -> dict[str, str]:
    """The prefixes some IRI starts with: only those are declared."""
    namespaces = {iri.rsplit("#", 1)[0] + "#" if "#" in iri else iri.rsplit("/", 1)[0] + "/" for iri in iris}
    return {
        name: namespace for name, namespace in prefixes.items()
        if any(ns.startswith(namespace) for ns in namespaces)
    }


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

