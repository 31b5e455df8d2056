"""Stage 7, at speed: a persistent Oxigraph store beside the Turtle, and queries on it.

``kg build`` writes ``store/`` (a pyoxigraph on-disk store, bulk-loaded from N-Triples)
next to ``graph.ttl``; ``kg query`` and ``kg serve`` use it when present and fall back to
rdflib on the Turtle file otherwise. Answers come back as the same ``QueryResult`` that
``kg.query.run_query`` gives (rdflib terms), so formatting and tests do not care which
engine answered. Bindings become a ``VALUES`` block of N-Triples terms opening the WHERE
group (see ``_bind_values``): a bound value is always one escaped term, never query text.
SERVICE and FROM are refused before the query reaches Oxigraph, which would otherwise
call the remote endpoint.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kg.errors import ExportError, InputError, QueryError, QuerySyntaxError
from kg.export.rdf_formats import to_oxigraph_quads
from kg.query import BUILD_GRAPH_FILE, _check_bindings, _one_line, load_graph, run_query
from kg.query_results import QueryResult
from kg.vocab import KG, PREFIXES, bind_prefixes

__all__ = [
    "STORE_DIR",
    "build_store",
    "find_store",
    "from_ox",
    "lookup_graph",
    "open_store",
    "open_target",
    "query_store",
    "query_target",
    "refuse",
    "store_base",
    "to_ox",
]

#: Directory name of the store inside a build directory.
STORE_DIR: Final = "store"
_SYNTAX = re.compile(r"error at (\d+):(\d+)(?:-\d+:\d+)?:\s*(.*)", re.S)
_UPDATE = re.compile(r"(?is)^\s*(?:(?:PREFIX\s+\S*\s*:?\s*|BASE\s*)\s*)*"
                     r"(INSERT|DELETE|DROP|CLEAR|LOAD|CREATE|ADD|MOVE|COPY|WITH)\b")


# --------------------------------------------------------------------------- building


def build_store(graph: Graph, path: Path) -> Path:
    """Write ``graph`` as an Oxigraph store at ``path``, replacing any store there.

    The store is bulk-loaded into a temporary sibling directory and renamed into place,
    so a reader sees the old store or the new one, never half a store.

    Raises:
        ExportError: If the directory cannot be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    except OSError as exc:
        raise ExportError(f"cannot write the store at {path}: {exc.strerror or exc}; "
                          f"choose a writable output directory") from exc
    try:
        store = ox.Store(str(staging))
        store.bulk_extend(to_oxigraph_quads(graph))
        store.flush()
        del store  # releases RocksDB's lock before the rename
        old = None
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
        os.replace(staging, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise ExportError(f"cannot write the store at {path}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return path


def find_store(path: Path) -> Path | None:
    """The store of a build directory (or of the build a graph file sits in), if there is one."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    if not path.is_dir() and path.name != BUILD_GRAPH_FILE:
        return None  # an explicit other graph file: query that file, not a neighbouring store
    candidate = folder / STORE_DIR
    return candidate if candidate.is_dir() and any(candidate.iterdir()) else None


def open_store(path: Path, *, read_only: bool = True) -> ox.Store:
    """Open a store written by ``build_store`` (read-only unless told otherwise).

    Raises:
        InputError: If there is no store at ``path`` or it cannot be opened.
    """
    path = Path(path)
    if not path.is_dir():
        raise InputError(f"no store here; run `kg build INPUT -o {path.parent}` first", path=str(path))
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        raise InputError(f"cannot open the store: {_one_line(exc)}; rebuild it with `kg build`",
                         path=str(path)) from exc


def store_base(store: ox.Store) -> str | None:
    """The instance base IRI (what ``id:`` stands for), read off a paper or mention IRI."""
    for cls, marker in ((KG.Paper, "paper/"), (KG.Mention, "mention/")):
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(cls))):
            iri = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
            cut = iri.rfind(marker)
            if cut > 0:
                return iri[:cut]
            break
    return None


# --------------------------------------------------------------------------- terms


def to_ox(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        datatype = term.datatype or XSD.string
        return ox.Literal(str(term), datatype=ox.NamedNode(str(datatype)))
    raise QueryError(f"cannot use {term!r} as an RDF term; use kg.query.resolve_binding")


def from_ox(term: Any) -> Node | None:
    """A pyoxigraph term as the rdflib term rdflib's engine would give (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise QueryError(f"the store returned an unsupported term {term!r} (RDF-star is not used by kg)")


# --------------------------------------------------------------------------- querying


def query_prefixes(base: str | None) -> dict[str, str]:
    """kg's predeclared prefixes, plus ``id:`` when the instance base is known."""
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    if base is not None:
        prefixes["id"] = base
    return prefixes


def query_store(store: ox.Store, sparql: str, *, bindings: Mapping[str, Node] | None = None,
                base: str | None = None) -> QueryResult:
    """Run a read-only query on ``store``; the same contract as ``kg.query.run_query``.

    Args:
        store: An open store.
        sparql: SELECT, ASK, CONSTRUCT or DESCRIBE text; kg's prefixes are predeclared.
        bindings: Variable name -> rdflib term, bound before the rest of the pattern.
        base: The instance base IRI for ``id:`` (default: read off the store).

    Raises:
        QuerySyntaxError: If the query does not parse, or is an update.
        QueryError: For an unknown bound variable, SERVICE/FROM, or a failed evaluation.
    """
    refusal = refuse(sparql)
    if refusal is not None:
        raise (QuerySyntaxError(refusal, line=1, column=1) if refusal.startswith("updates") else QueryError(refusal))
    init = _check_bindings(sparql, bindings or {})
    base = base if base is not None else store_base(store)
    prefixes = query_prefixes(base)
    text = _bind_values(sparql, init) if init else sparql
    try:
        answer = store.query(text, prefixes=prefixes)
        return _to_result(answer, base, tuple(sorted(prefixes.items())))
    except SyntaxError as exc:
        raise _syntax_error(exc, text) from exc
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        raise QueryError(f"the query could not be evaluated: {_one_line(exc)}") from exc


# Oxigraph only substitutes variables of the SELECT projection, while named queries bind
# variables they group by or only match on. A ``VALUES`` block at the start of the
# top-level WHERE group binds them before the rest of the pattern, as rdflib's
# initBindings does. Values are written in N-Triples term syntax, which escapes every
# character that could end the term, so a bound value can never change the query.
_SKIP = re.compile("|".join((
    r"#[^\n]*",
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\\n]|\\.)*"',
    r"'(?:[^'\\\n]|\\.)*'",
    r"<[^<>\"{}|^`\\\s]*>",
)))
_TOKEN = re.compile(r"[{}]|\bWHERE\b", re.I)


def _bind_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """``sparql`` with ``VALUES (?a ?b) { (term term) }`` opening its top-level WHERE group."""
    depth, after_where, first_open = 0, False, None
    position = 0
    while position < len(sparql):
        skip = _SKIP.match(sparql, position)
        if skip:
            position = skip.end()
            continue
        token = _TOKEN.match(sparql, position)
        if token is None:
            position += 1
            continue
        word = token.group(0)
        if word == "{":
            if depth == 0 and (after_where or first_open is None):
                first_open = position
                if after_where:
                    break
            depth += 1
        elif word == "}":
            depth -= 1
        elif depth == 0:
            after_where = True
        position = token.end()
    if first_open is None:
        raise QuerySyntaxError("SPARQL syntax error: the query has no WHERE group to bind variables in")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(to_ox(term)) for term in bindings.values())
    return f"{sparql[:first_open + 1]} VALUES ({names}) {{ ({values}) }} {sparql[first_open + 1:]}"


def code_only(sparql: str) -> str:
    """``sparql`` with comments, strings and IRIs blanked out: only keywords and variables remain."""
    out, position = [], 0
    while position < len(sparql):
        skip = _SKIP.match(sparql, position)
        if skip:
            out.append(" ")
            position = skip.end()
        else:
            out.append(sparql[position])
            position += 1
    return "".join(out)


def refuse(sparql: str) -> str | None:
    """Why kg will not run ``sparql`` (an update, SERVICE or FROM), or None if it may.

    Oxigraph would run SERVICE by calling the remote endpoint; kg never touches the network.
    """
    code = code_only(sparql)
    if _UPDATE.match(code):
        return "updates are not supported (kg runs read-only SELECT, ASK, CONSTRUCT and DESCRIBE queries)"
    if re.search(r"(?i)(?<![?$:\w])(SERVICE|FROM)\b", code):
        return "FROM and SERVICE are not supported: kg queries read only the local graph; remove them from the query"
    return None


def _to_result(answer: Any, base: str | None, prefixes: tuple[tuple[str, str], ...]) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer), prefixes=prefixes)
    if isinstance(answer, ox.QuerySolutions):
        columns = tuple(v.value for v in answer.variables)
        terms = tuple(tuple(from_ox(row[i]) for i in range(len(columns))) for row in answer)
        return QueryResult("select", columns=columns, terms=terms, prefixes=prefixes)
    graph = bind_prefixes(Graph(bind_namespaces="none"), base)
    for triple in answer:
        graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
    return QueryResult("construct", graph=graph, prefixes=prefixes)


def _syntax_error(exc: SyntaxError, sparql: str) -> QuerySyntaxError:
    text = _one_line(exc)
    match = _SYNTAX.search(text)
    if match is None:
        return QuerySyntaxError(f"SPARQL syntax error: {text}")
    line, column, reason = int(match.group(1)), int(match.group(2)), match.group(3)
    if "prefix not found" in reason.lower():
        lines = sparql.splitlines()
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        names = re.findall(r"([A-Za-z][\w.-]*):", source[: column + 40])
        unknown = next((n for n in reversed(names) if n not in PREFIXES), names[-1] if names else "?")
        return QuerySyntaxError(f"unknown prefix '{unknown}:' in the query at line {line}, column {column}; "
                                f"declare it with PREFIX {unknown}: <...> or use one of: "
                                f"{', '.join(sorted(PREFIXES))}", line=line, column=column)
    return QuerySyntaxError(f"SPARQL syntax error at line {line}, column {column}: {reason}",
                            line=line, column=column)


# --------------------------------------------------------------------------- either engine


def open_target(path: Path) -> ox.Store | Graph:
    """The store of a build when it has one, else the rdflib graph ``load_graph`` reads."""
    store_dir = find_store(Path(path))
    return open_store(store_dir) if store_dir is not None else load_graph(Path(path))


def query_target(target: ox.Store | Graph, sparql: str, *,
                 bindings: Mapping[str, Node] | None = None) -> QueryResult:
    """``query_store`` on a store, ``run_query`` on an rdflib graph."""
    if isinstance(target, ox.Store):
        return query_store(target, sparql, bindings=bindings)
    return run_query(target, sparql, bindings=bindings)


_LOOKUP = """
CONSTRUCT { ?c a ?type ; skos:prefLabel ?pref ; skos:altLabel ?alt ; skos:notation ?notation . ?p a kg:Paper }
WHERE {
  { ?c a skos:Concept . ?c a ?type
    OPTIONAL { ?c skos:prefLabel ?pref } OPTIONAL { ?c skos:altLabel ?alt } OPTIONAL { ?c skos:notation ?notation } }
  UNION { SELECT ?p WHERE { ?p a kg:Paper } LIMIT 1 }
}
"""


def lookup_graph(target: ox.Store | Graph) -> Graph:
    """A small rdflib graph of the concepts' types and labels, for ``resolve_binding``.

    On a store this avoids loading the whole graph just to turn ``loihi`` into an IRI.
    """
    if isinstance(target, Graph):
        return target
    base = store_base(target)
    result = query_store(target, _LOOKUP, base=base)
    graph = result.graph if result.graph is not None else Graph()
    return bind_prefixes(graph, base)

