"""Stage 6: export the graph. Every exporter is pure and returns ``{file name: data}``;
``write`` (atomic) is the only function here that touches the disk.

RDF formats (Turtle, N-Triples, JSON-LD) read the RDF graph; GraphML, GEXF, HTML, the
VOSviewer map and the node and edge tables (Parquet, CSV) read its NetworkX projection, computed once and only if a format needs it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from rdflib import Graph

from kg.atomic import write_atomic
from kg.errors import ExportError
from kg.export.rdf_formats import to_jsonld, to_ntriples, to_turtle

if TYPE_CHECKING:
    import networkx as nx

    from kg.export.gexf import to_gexf
    from kg.export.graphml import to_graphml
    from kg.export.html import to_html, to_views
    from kg.export.tables import to_csv_tables, to_tables
    from kg.export.vosviewer import to_vosviewer

# The projection formats pull in networkx and polars; they are imported on first use so
# that `kg query`, which only needs the RDF helpers, starts quickly.
_LAZY = {"to_graphml": "kg.export.graphml", "to_html": "kg.export.html", "to_tables": "kg.export.tables",
         "to_views": "kg.export.html", "to_csv_tables": "kg.export.tables", "to_gexf": "kg.export.gexf",
         "to_vosviewer": "kg.export.vosviewer"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg.export' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

__all__ = [
    "DEFAULT_FORMATS",
    "DEFAULT_TITLE",
    "EXPORTERS",
    "ExportInput",
    "Exporter",
    "export_all",
    "export_file",
    "export_views",
    "to_csv_tables",
    "to_gexf",
    "to_graphml",
    "to_html",
    "to_jsonld",
    "to_ntriples",
    "to_tables",
    "to_turtle",
    "to_views",
    "write",
]

DEFAULT_TITLE: Final = "neurokg"


@dataclass(frozen=True)
class ExportInput:
    """What an exporter gets: the RDF graph, and its projection computed on first use.

    Args:
        graph: The canonical RDF graph.
        title: Title of human-facing views (the HTML page).
        projector: Turns ``graph`` into the NetworkX projection; default
            ``kg.projection.project``. Pass ``lambda _: nx_graph`` to reuse one.
    """

    graph: Graph
    title: str = DEFAULT_TITLE
    projector: Callable[[Graph], nx.MultiDiGraph] | None = None

    @cached_property
    def projection(self) -> nx.MultiDiGraph:
        """The projection of ``graph`` (computed once, shared by every format that needs it)."""
        if self.projector is not None:
            return self.projector(self.graph)
        from kg.projection import project  # imported late: RDF-only exports do not need it

        return project(self.graph)


Exporter = Callable[[ExportInput], dict[str, str | bytes]]

#: Format name -> exporter. Each returns ``{file name: content}``.
EXPORTERS: Final[dict[str, Exporter]] = {
    "turtle": lambda inp: {"graph.ttl": to_turtle(inp.graph)},
    "ntriples": lambda inp: {"graph.nt": to_ntriples(inp.graph)},
    "jsonld": lambda inp: {"graph.jsonld": to_jsonld(inp.graph)},
    "graphml": lambda inp: {"graph.graphml": __getattr__("to_graphml")(inp.projection)},
    "tables": lambda inp: dict(__getattr__("to_tables")(inp.graph, inp.projection)),
    "csv": lambda inp: dict(__getattr__("to_csv_tables")(inp.graph, inp.projection)),
    "gexf": lambda inp: {"graph.gexf": __getattr__("to_gexf")(inp.projection)},
    "vosviewer": lambda inp: {"vosviewer.json": __getattr__("to_vosviewer")(inp.projection)},
    "html": lambda inp: __getattr__("to_views")(inp.projection, title=inp.title, graph=inp.graph),
}

#: What ``kg build`` writes when no format is chosen: every format.
DEFAULT_FORMATS: Final = tuple(EXPORTERS)


def write(data: str | bytes, path: Path) -> Path:
    """Write ``data`` to ``path`` atomically (creating parent directories) and return ``path``.

    Readers see the old file or the new one, never a prefix; no temporary file is left
    behind on failure.

    Raises:
        ExportError: If the destination cannot be written.
    """
    return write_atomic(path, data)


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """Return ``formats`` without duplicates, in order, or raise ExportError for an unknown one."""
    if isinstance(formats, str):
        formats = (formats,)
    chosen: list[str] = []
    for name in formats:
        if name not in EXPORTERS:
            raise ExportError(f"unknown format {name!r}; choose from {', '.join(sorted(EXPORTERS))}")
        if name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def export_all(
    graph: Graph,
    out_dir: Path,
    *,
    formats: Iterable[str] = DEFAULT_FORMATS,
    title: str = DEFAULT_TITLE,
    projection: nx.MultiDiGraph | None = None,
) -> dict[str, Path]:
    """Write ``graph`` in each of ``formats`` into ``out_dir``.

    Formats are checked before anything is written. Each format is rendered and written
    before the next is rendered, so only one document is in memory at a time.

    Args:
        graph: The canonical RDF graph.
        out_dir: Directory to write into (created if needed).
        formats: Names from ``EXPORTERS``; default all of them.
        title: Title of the HTML view.
        projection: The graph's projection, if the caller already has it.

    Returns:
        ``{file name: path written}``, e.g. ``{"graph.ttl": out_dir / "graph.ttl"}``.

    Raises:
        ExportError: For an unknown format or an unwritable destination.

    Example:
        >>> export_all(graph, Path("exports"), formats=["turtle", "html"])  # doctest: +SKIP
        {'graph.ttl': PosixPath('exports/graph.ttl'), 'graph.html': PosixPath('exports/graph.html')}
    """
    chosen = check_formats(formats)
    inp = ExportInput(graph, title=title, projector=None if projection is None else (lambda _: projection))
    written: dict[str, Path] = {}
    for name in chosen:
        for file_name, data in EXPORTERS[name](inp).items():
            written[file_name] = write(data, Path(out_dir) / file_name)
    return written


def export_views(
    graph: Graph,
    out_dir: Path,
    *,
    views: Iterable[str],
    title: str = DEFAULT_TITLE,
    projection: nx.MultiDiGraph | None = None,
) -> dict[str, Path]:
    """Write the chosen HTML views (``graph``, ``citations``, ``concepts``) into ``out_dir``.

    Each view is one self-contained page (``graph.html``, ``citations.html``,
    ``concepts.html``); pages written this way do not link each other, so none points at a
    file that was not written. Views are checked before anything is written.

    Raises:
        ExportError: For an unknown view or an unwritable destination.

    Example:
        >>> export_views(graph, Path("views"), views=["citations"])  # doctest: +SKIP
        {'citations.html': PosixPath('views/citations.html')}
    """
    from kg.export.html import to_html
    from kg.export.views import VIEWS

    chosen = list(dict.fromkeys([views] if isinstance(views, str) else views))
    unknown = [v for v in chosen if v not in VIEWS]
    if unknown:
        raise ExportError(f"unknown view {unknown[0]!r}; choose from {', '.join(VIEWS)}")
    if projection is None:
        from kg.projection import project

        projection = project(graph)
    written: dict[str, Path] = {}
    for view in chosen:
        file_name = VIEWS[view][0]
        page = to_html(projection, title=title, view=view, graph=graph)
        written[file_name] = write(page, Path(out_dir) / file_name)
    return written


def export_file(graph: Graph, path: Path, *, format: str, title: str = DEFAULT_TITLE) -> Path:  # noqa: A002
    """Write the one file of ``format`` to ``path`` (``kg export --format vosviewer -o map.json``).

    Raises:
        ExportError: For an unknown format, or one that writes several files (tables, csv, html).
    """
    (name,) = check_formats([format])
    files = EXPORTERS[name](ExportInput(graph, title=title))
    if len(files) != 1:
        raise ExportError(
            f"format {name!r} writes {len(files)} files ({', '.join(sorted(files))}); give -o a directory"
        )
    return write(next(iter(files.values())), Path(path))
