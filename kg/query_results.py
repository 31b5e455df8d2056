"""Stage 7 results: ``QueryResult`` and its pure renderings as a table, CSV or JSON.

``kg.query.run_query`` makes the result; these functions only turn it into text (the CLI
prints it). SELECT and ASK follow the SPARQL 1.1 CSV and JSON results formats.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal as TypingLiteral

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.export.rdf_formats import to_jsonld, to_turtle


@dataclass(frozen=True)
class QueryResult:
    """The answer to one query.

    Attributes:
        kind: "select", "ask" or "construct" (DESCRIBE answers are "construct").
        columns: Variable names of a SELECT, in order.
        terms: The rdflib terms of each SELECT row (None where unbound).
        boolean: The answer of an ASK.
        graph: The graph of a CONSTRUCT or DESCRIBE.
        prefixes: ``(prefix, namespace)`` pairs of the queried graph, for shortening IRIs.
    """

    kind: TypingLiteral["select", "ask", "construct"]
    columns: tuple[str, ...] = ()
    terms: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    graph: Graph | None = None
    prefixes: tuple[tuple[str, str], ...] = ()

    @property
    def rows(self) -> tuple[tuple[Any, ...], ...]:
        """SELECT rows as Python values: IRIs as str, numbers as int/float, gYear as int."""
        return tuple(tuple(to_python(term) for term in row) for row in self.terms)

    def __len__(self) -> int:
        return len(self.terms) if self.kind == "select" else len(self.graph or ())


def to_python(term: Node | None) -> Any:
    """A friendly Python value for one result term (None for unbound)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype in (None, XSD.string):
            return str(term)
        if term.datatype == XSD.gYear and re.match(r"^-?\d{4,}$", str(term)):
            return int(str(term))
        value = term.toPython()
        if isinstance(value, Literal):  # an unknown or ill-typed datatype
            return str(term)
        if isinstance(value, Decimal):
            return float(value)
        return value
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def format_table(result: QueryResult, *, max_width: int = 80) -> str:
    """Plain-text table: aligned columns, IRIs shortened with prefixes, a row count.

    ASK gives "true"/"false"; CONSTRUCT gives Turtle. Cells longer than ``max_width``
    characters are cut with "…". No trailing newline.
    """
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    if result.kind == "construct":
        return to_turtle(result.graph if result.graph is not None else Graph()).rstrip("\n")
    prefixes = dict(result.prefixes)
    cells = [[_cut(_table_cell(term, prefixes), max_width) for term in row] for row in result.terms]
    numeric = [all(isinstance(row[i], Literal) and _is_number(row[i])
                   for row in result.terms if row[i] is not None) for i in range(len(result.columns))]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(result.columns)]

    def line(values: list[str], *, align_numbers: bool = True) -> str:
        return "  ".join(v.rjust(w) if align_numbers and numeric[i] else v.ljust(w)
                         for i, (v, w) in enumerate(zip(values, widths, strict=True))).rstrip()

    out = [line(list(result.columns), align_numbers=False), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    count = len(cells)
    out.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(out)


def format_csv(result: QueryResult) -> str:
    """SPARQL 1.1 CSV results: a header of variable names, IRIs in full, literals' text.

    ASK gives one ``boolean`` column; CONSTRUCT gives ``subject,predicate,object`` in
    N-Triples term syntax, sorted.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerows([["boolean"], ["true" if result.boolean else "false"]])
    elif result.kind == "construct":
        writer.writerow(["subject", "predicate", "object"])
        writer.writerows(sorted([s.n3(), p.n3(), o.n3()] for s, p, o in result.graph or ()))
    else:
        writer.writerow(result.columns)
        writer.writerows(["" if term is None else _csv_cell(term) for term in row] for row in result.terms)
    return buffer.getvalue()


def format_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON for SELECT and ASK; JSON-LD for CONSTRUCT."""
    if result.kind == "construct":
        return to_jsonld(result.graph if result.graph is not None else Graph())
    if result.kind == "ask":
        document: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [{name: _json_term(term) for name, term in zip(result.columns, row, strict=True)
                     if term is not None} for row in result.terms]
        document = {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}


def _csv_cell(term: Node) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _table_cell(term: Node | None, prefixes: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten_iri(term, prefixes)
    if isinstance(term, BNode):
        return f"_:{term}"
    value = term.toPython() if isinstance(term, Literal) else term
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, date | datetime):
        return str(term)
    return " ".join(str(term).split())


def shorten_iri(iri: URIRef | str, prefixes: Mapping[str, str]) -> str:
    """``prefix:local`` with the longest matching namespace, else ``<iri>``."""
    text = str(iri)
    best = max(((p, ns) for p, ns in prefixes.items() if text.startswith(ns) and len(text) > len(ns)),
               key=lambda item: len(item[1]), default=None)
    return f"{best[0]}:{text[len(best[1]):]}" if best else f"<{text}>"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def _is_number(term: Literal) -> bool:
    value = term.toPython()
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)
