"""Stage 7: answer SPARQL queries over a saved or freshly built graph.

``run_query`` prepares the query with kg's prefixes and passes values through rdflib's
``initBindings`` (never string formatting), so a bound value can never change the query.
Named queries are ``kg/queries/NAME.rq`` files with a comment header. Formatting
(``format_table``/``format_csv``/``format_json``) is pure and separate; reading a graph
file (``load_graph``) is the only I/O.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kg.errors import InputError, QueryError, QuerySyntaxError
from kg.export.rdf_formats import canonical_prefixes, instance_base
from kg.query_results import QueryResult, format_csv, format_json, format_table, shorten_iri, to_python
from kg.vocab import KG, PREFIXES, bind_prefixes

__all__ = [
    "BindVariable",
    "NamedQuery",
    "QueryResult",
    "format_csv",
    "format_json",
    "format_table",
    "list_named_queries",
    "load_graph",
    "load_named_query",
    "parse_named_query",
    "resolve_binding",
    "run_query",
    "to_python",
]

#: Files ``load_graph`` reads, by suffix, and the rdflib parser for each.
GRAPH_FORMATS: Final = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}
#: The file ``load_graph`` looks for in a build directory.
BUILD_GRAPH_FILE: Final = "graph.ttl"

_UPDATE_WORDS = ("INSERT", "DELETE", "DROP", "CLEAR", "LOAD", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00b7\u00c0-\uffff]+)")
_PREFIXED = re.compile(r"^([A-Za-z][\w.\-]*)?:(\S*)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+)$")


# --------------------------------------------------------------------------- loading


def load_graph(path: Path) -> Graph:
    """Read a graph: a build directory (its ``graph.ttl``), or a .ttl, .nt or .jsonld file.

    Raises:
        InputError: If the path does not exist, has an unknown suffix or does not parse.
    """
    path = Path(path)
    if path.is_dir():
        if not (path / BUILD_GRAPH_FILE).is_file():
            raise InputError(f"no {BUILD_GRAPH_FILE} in this directory; run `kg build INPUT -o {path}` first, "
                             f"or pass a .ttl, .nt or .jsonld file", path=str(path))
        path = path / BUILD_GRAPH_FILE
    if not path.exists():
        raise InputError("does not exist; run `kg build INPUT` to make a graph, or pass a build directory "
                         "or a .ttl, .nt or .jsonld file", path=str(path))
    fmt = GRAPH_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"cannot tell the RDF format from the suffix {path.suffix!r}; "
                         f"use one of {', '.join(GRAPH_FORMATS)}", path=str(path))
    graph = Graph(bind_namespaces="none")
    try:
        with warnings.catch_warnings():
            # rdflib 7's JSON-LD parser warns about its own use of ConjunctiveGraph.
            warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
            if fmt == "json-ld":
                _check_local_jsonld(path)
            graph.parse(path, format=fmt)
    except InputError:
        raise
    except Exception as exc:  # rdflib's parsers raise many unrelated types
        raise InputError(f"is not valid {fmt}: {_one_line(exc)}; rebuild it with `kg build`", path=str(path)) from exc
    return bind_prefixes(graph, instance_base(graph))


def _check_local_jsonld(path: Path) -> None:
    # rdflib would fetch a remote @context over the network; kg never does.
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"is not valid JSON: {_one_line(exc)}", path=str(path)) from exc
    contexts = [item.get("@context") for item in (document if isinstance(document, list) else [document])
                if isinstance(item, dict)]
    for ctx in contexts:
        for entry in ctx if isinstance(ctx, list) else [ctx]:
            if isinstance(entry, str):
                raise InputError(f"refers to the remote JSON-LD context {entry!r}, which kg does not fetch; "
                                 f"embed the context, or export the graph as Turtle", path=str(path))


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text[:200] + "…") if len(text) > 200 else text or type(exc).__name__


# --------------------------------------------------------------------------- running


def run_query(graph: Graph, sparql: str, *, bindings: Mapping[str, Node] | None = None) -> QueryResult:
    """Run a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query on ``graph``.

    kg's prefixes (``kg:``, ``dcterms:``, ``skos:``, ``cito:``, ``prov:`` …) are predeclared.
    Bindings are applied by the engine before evaluation, so ``{"hardware": iri}`` means
    "?hardware is iri" whatever the value contains. SERVICE and FROM are refused: a kg
    query only reads the local graph.

    Args:
        graph: The graph to query.
        sparql: The query text.
        bindings: Variable name (with or without "?") -> RDF term; see ``resolve_binding``.

    Returns:
        A ``QueryResult``.

    Raises:
        QuerySyntaxError: If the query does not parse (line and column are the query's).
        QueryError: For an unknown prefix, an unknown bound variable, or a failed evaluation.

    Example:
        >>> from rdflib import Graph
        >>> run_query(Graph(), "ASK { ?s ?p ?o }").boolean
        False
    """
    namespaces = {**PREFIXES}
    base = instance_base(graph)
    if base is not None:
        namespaces["id"] = Namespace(base)
    prepared = _prepare(sparql, namespaces)
    init = _check_bindings(sparql, bindings or {})
    prefixes = tuple(sorted(canonical_prefixes(graph).items()))
    try:
        result = graph.query(prepared, initBindings=init)
        if result.type == "SELECT":
            columns = tuple(str(v) for v in result.vars or ())
            terms = tuple(tuple(row) for row in result)
            return QueryResult("select", columns=columns, terms=terms, prefixes=prefixes)
        if result.type == "ASK":
            return QueryResult("ask", boolean=bool(result.askAnswer), prefixes=prefixes)
        answer = bind_prefixes(Graph(bind_namespaces="none"), base)
        for triple in result:
            answer.add(triple)
        return QueryResult("construct", graph=answer, prefixes=prefixes)
    except QueryError:
        raise
    except Exception as exc:  # rdflib raises bare Exception, TypeError, … from evaluation
        raise QueryError(f"the query could not be evaluated: {_one_line(exc)}") from exc


def _prepare(sparql: str, namespaces: Mapping[str, Namespace]) -> Any:
    try:
        prepared = prepareQuery(sparql, initNs=dict(namespaces))
    except ParseException as exc:  # pyparsing leaks through rdflib; wrap it with the user's position
        raise _syntax_error(exc, sparql) from exc
    except Exception as exc:
        message = _one_line(exc)
        match = re.search(r"Unknown namespace prefix\s*:\s*(\S+)", message)
        if match:
            raise QueryError(f"unknown prefix '{match.group(1)}:' in the query; declare it with "
                             f"PREFIX {match.group(1)}: <...> or use one of: {', '.join(sorted(namespaces))}") from exc
        raise QueryError(f"the query could not be prepared: {message}") from exc
    if prepared.algebra.get("datasetClause") or _has_service(prepared.algebra):
        raise QueryError("FROM and SERVICE are not supported: kg queries read only the local graph; "
                         "remove them from the query")
    return prepared


def _has_service(node: Any) -> bool:
    if isinstance(node, CompValue):
        return node.name == "ServiceGraphPattern" or any(_has_service(v) for v in node.values())
    if isinstance(node, list | tuple):
        return any(_has_service(v) for v in node)
    return False


def _syntax_error(exc: ParseException, sparql: str) -> QuerySyntaxError:
    line, column = exc.lineno, exc.col
    lines = sparql.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    near = source[column - 1:].strip()[:40]
    first_word = next((w.upper() for w in re.findall(r"[A-Za-z]+", _strip_prologue(sparql))), "")
    if first_word in _UPDATE_WORDS:
        reason = "updates are not supported (kg runs read-only SELECT, ASK, CONSTRUCT and DESCRIBE queries)"
    elif "|" in exc.msg and "SelectQuery" in exc.msg:
        reason = "expected SELECT, ASK, CONSTRUCT or DESCRIBE"
    elif "end of text" in exc.msg:
        reason = "unexpected text after the end of the query"
    else:
        reason = "cannot parse the query from here"
    where = f" near {near!r}" if near else " (end of the query)"
    return QuerySyntaxError(f"SPARQL syntax error at line {line}, column {column}: {reason}{where}",
                            line=line, column=column)


def _strip_prologue(sparql: str) -> str:
    text = re.sub(r"#[^\n]*", "", sparql)
    return re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", text)


def _check_bindings(sparql: str, bindings: Mapping[str, Node]) -> dict[str, Node]:
    variables = set(_VARIABLE.findall(sparql))
    init: dict[str, Node] = {}
    for raw_name, value in bindings.items():
        name = raw_name.lstrip("?$")
        if name not in variables:
            known = ", ".join(f"?{v}" for v in sorted(variables)) or "none"
            raise QueryError(f"cannot bind ?{name}: the query has no such variable (its variables: {known})")
        if not isinstance(value, URIRef | Literal | BNode):
            raise QueryError(f"the value bound to ?{name} must be an RDF term; use kg.query.resolve_binding")
        init[name] = value
    return init


# --------------------------------------------------------------------------- bindings


def resolve_binding(graph: Graph, value: str, *, expected_class: URIRef | None = None) -> Node:
    """Turn a command-line value into an RDF term for ``run_query(bindings=...)``.

    ``<iri>`` and ``http(s)://…`` give an IRI; ``kg:Method`` (a known prefix) an expanded
    IRI; ``42`` and ``0.5`` typed literals; ``"text"`` a plain literal. Anything else is a
    concept key, matched case-insensitively against each concept's IRI's last segment,
    ``skos:prefLabel``, ``skos:altLabel`` and ``skos:notation`` (``loihi``,
    ``"spike-timing-dependent plasticity"`` without quotes, ``UBERON:0002421``).

    ``expected_class`` (a named query's ``# Bind: ?hardware — a kg:Hardware concept``)
    narrows a concept key to concepts of that class, so ``mnist`` binds the dataset and
    not a method that happens to share the name.

    Raises:
        QueryError: If a concept key matches no concept, or several.
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        return URIRef(text[1:-1])
    if re.match(r"^https?://\S+$", text):
        return URIRef(text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return Literal(text[1:-1])
    if _INTEGER.match(text):
        return Literal(int(text))
    if _DECIMAL.match(text):
        return Literal(Decimal(text))
    prefixed = _PREFIXED.match(text)
    if prefixed and prefixed.group(1) is not None:
        namespace = dict(canonical_prefixes(graph)).get(prefixed.group(1))
        if namespace is not None and not _concepts_matching(graph, text):
            return URIRef(namespace + prefixed.group(2))
    matches = _concepts_matching(graph, text)
    if expected_class is not None and len(matches) > 1:
        typed = [m for m in matches if (m, RDF.type, expected_class) in graph]
        matches = typed or matches
    if len(matches) == 1:
        return matches[0]
    if not matches:
        hint = f"; for the prefix {prefixed.group(1)!r} use <full IRI>" if prefixed and prefixed.group(1) else ""
        raise QueryError(f"no concept matches {value!r}{hint}; to bind the plain string, quote it: '\"{text}\"'")
    listed = ", ".join(f"{shorten_iri(m, canonical_prefixes(graph))} ({_pref_label(graph, m)})" for m in matches[:10])
    raise QueryError(f"{value!r} matches {len(matches)} concepts: {listed}; pass one of these IRIs instead")


def _concepts_matching(graph: Graph, key: str) -> list[URIRef]:
    wanted = key.casefold()
    found = {
        s for s in graph.subjects(RDF.type, SKOS.Concept)
        if isinstance(s, URIRef) and str(s).rstrip("/").rsplit("/", 1)[-1].casefold() == wanted
    }
    for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.notation):
        for subject, label in graph.subject_objects(predicate):
            if isinstance(subject, URIRef) and str(label).casefold() == wanted:
                found.add(subject)
    return sorted(found)


def _pref_label(graph: Graph, node: URIRef) -> str:
    label = graph.value(node, SKOS.prefLabel)
    return str(label) if label is not None else "no label"


# --------------------------------------------------------------------------- named queries


@dataclass(frozen=True)
class BindVariable:
    """One variable a named query may bind: its name (without "?"), meaning, optionality."""

    name: str
    meaning: str
    optional: bool

    @property
    def expected_class(self) -> URIRef | None:
        """The kg class the meaning names ("a kg:Hardware concept"), if any."""
        match = re.search(r"\bkg:(Method|Dataset|BrainRegion|Hardware)\b", self.meaning)
        return URIRef(str(KG) + match.group(1)) if match and "concept" in self.meaning else None


@dataclass(frozen=True)
class NamedQuery:
    """A ``kg/queries/NAME.rq`` file: name, header (title, description, bind variables), text."""

    name: str
    title: str
    description: str
    parameters: tuple[BindVariable, ...]
    text: str
    examples: dict[str, str] = field(default_factory=dict)  # "# Example: var=value" header lines

    @property
    def bind(self) -> tuple[str, ...]:
        """Names of the variables the query may bind, without "?"."""
        return tuple(p.name for p in self.parameters)


_BIND_LINE = re.compile(r"^Bind:\s*[?$](\w+)\s*(?:[—–-]+\s*)?(.*)$")
_EXAMPLE_LINE = re.compile(r"^Example:\s*[?$]?(\w+)=(.+)$")


def parse_named_query(name: str, text: str) -> NamedQuery:
    """Read a named query's comment header (``# Title``, description lines, ``# Bind: ?var — …``)."""
    header = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        header.append(stripped.lstrip("#").strip())
    if not header or not header[0]:
        raise QueryError(f"named query {name!r} has no '# Title' comment on its first line")
    description, parameters, examples = [], [], {}
    for line in header[1:]:
        match = _BIND_LINE.match(line)
        example = _EXAMPLE_LINE.match(line)
        if example:
            examples[example.group(1)] = example.group(2).strip()
        elif match:
            meaning = match.group(2).strip()
            parameters.append(BindVariable(match.group(1), meaning, optional="(optional" in meaning.lower()))
        elif line:
            description.append(line)
    unknown = set(examples) - {p.name for p in parameters}
    if unknown:
        raise QueryError(f"named query {name!r} has an Example for {sorted(unknown)} but no such Bind line")
    return NamedQuery(name, header[0], " ".join(description), tuple(parameters), text, examples)


@lru_cache(maxsize=1)
def _named_queries() -> dict[str, NamedQuery]:
    folder = resources.files("kg").joinpath("queries")
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".rq"):
            name = entry.name.removesuffix(".rq")
            found[name] = parse_named_query(name, entry.read_text(encoding="utf-8"))
    return dict(sorted(found.items()))


def list_named_queries() -> list[NamedQuery]:
    """Every named query shipped in ``kg/queries/``, sorted by name."""
    return list(_named_queries().values())


def load_named_query(name: str) -> NamedQuery:
    """The named query ``name`` ("papers-by-hardware"; ".rq" and underscores are accepted).

    Raises:
        QueryError: If there is no such query; the message lists the available names.
    """
    key = name.strip().removesuffix(".rq").replace("_", "-")
    queries = _named_queries()
    if key not in queries:
        raise QueryError(f"unknown named query {name!r}; available: {', '.join(queries)} (see `kg query --list`)")
    return queries[key]
