"""Stage 6, HTML: one self-contained, offline page that draws the projection with vis-network.

The page inlines vis-network (the copy shipped inside the pyvis package), our own template,
script and style from ``kg/data/templates/``, and the graph as JSON: it makes no network
request and references no other file. pyvis itself is not used to build the page, because
every pyvis mode links CDNs and its ``add_edge`` loop is quadratic. Text from papers only
reaches the page as escaped HTML or as JSON read through ``textContent``.
"""

from __future__ import annotations

import html
import json
import math
import random
import re
from collections import Counter
from collections.abc import Hashable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any, Final

import networkx as nx
from rdflib import Graph

from kg import __version__
from kg.errors import ExportError
from kg.export.views import (
    VIEWS,
    community_positions,
    concept_records,
    paper_records,
    view_graph,
    year_span,
)

#: Above this many nodes the layout is computed in Python and the browser's physics is off
#: (vis-network needs ~80 s to stabilise 1,000 nodes in headless Chromium).
LAYOUT_THRESHOLD: Final = 1500
#: Most edges drawn at load when the layout is precomputed: vis-network builds each edge
#: object in ~70 µs, so 50k edges alone would take 4 s. The strongest ones are drawn; a
#: checkbox draws them all.
EDGE_LIMIT: Final = 10_000
#: Version of vis-network inlined from the pyvis package.
VIS_VERSION: Final = "9.1.2"
#: Longest node label drawn on the canvas; the full text is in the tooltip.
LABEL_MAX: Final = 40

# Legend: group -> (name, fill, border, vis shape). Concepts are grouped by entity type.
GROUPS: Final = {
    "paper": ("paper", "#4c78a8", "#2f4b6b", "dot"),
    "METHOD": ("method", "#f58518", "#a65a10", "diamond"),
    "DATASET": ("dataset", "#54a24b", "#366a30", "square"),
    "BRAIN_REGION": ("brain region", "#e45756", "#9c3b3a", "diamond"),
    "HARDWARE": ("hardware", "#b279a2", "#7a5270", "square"),
    "concept": ("other concept", "#9d755d", "#6b4f3e", "diamond"),
    "author": ("author", "#bab0ac", "#7f7773", "triangle"),
}
# Edge types: type -> (legend label, colour, directed, dashes, shown by default).
EDGE_TYPES: Final = {
    "mentions": ("paper mentions concept", "#8fa9c8", True, False, True),
    "cites": ("paper cites paper", "#c0392b", True, True, True),
    "authored": ("author wrote paper", "#cccccc", True, False, True),
    "co_mention": ("concepts in the same paper", "#e0c9a6", False, False, False),
    "co_author": ("authors of the same paper", "#b39ddb", False, False, False),
}

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)
_STYLE_END = re.compile(r"</(style)", re.IGNORECASE)
_SOURCE_MAP = re.compile(r"^\s*(//|/\*)\s*[#@]\s*sourceMappingURL=.*$", re.MULTILINE)
# JSON inside <script> must not contain "</script", "<!--" or raw line separators.
_JSON_ESCAPES: Final = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                        0x2028: "\\u2028", 0x2029: "\\u2029"}


def to_html(nx_graph: nx.MultiDiGraph, *, title: str = "neurokg", layout_threshold: int = LAYOUT_THRESHOLD,
            view: str = "graph", graph: Graph | None = None, seed: int = 7, nav: bool = False,
            _records: tuple[dict[str, Any], dict[str, Any]] | None = None) -> str:
    """Render one view of the projection as one self-contained HTML page.

    Views: ``graph`` (papers, concepts coloured by entity type, authors), ``citations``
    (papers and citations, sized by citations, coloured by community or year) and
    ``concepts`` (concepts linked by co-mentions, coloured by Louvain community, shaped by
    type). Every page has a legend, a search by label or synonym, filters (type, years,
    minimum support) and a side panel: a paper shows its title, venue, authors, concepts,
    links and abstract with the mentions highlighted; a concept lists its papers. Physics
    stops once the layout is stable; above ``layout_threshold`` nodes the positions are
    computed here and physics is off. The vis-network instance is the page's global
    ``network``.

    Args:
        nx_graph: The output of ``kg.projection.project``.
        title: Page title and heading (escaped).
        layout_threshold: Node count above which positions are precomputed.
        view: ``graph``, ``citations`` or ``concepts``.
        graph: The RDF graph, for mention offsets, synonyms and Semantic Scholar ids;
            without it abstracts are shown without highlights.
        seed: Seed of the community detection and the layout.
        nav: Link the other views and ``index.html`` (only when they are written too).

    Returns:
        The HTML document.

    Raises:
        ExportError: For an unknown view, or if vis-network cannot be found in pyvis.
    """
    shown = view_graph(nx_graph, view, seed=seed)
    positions = None
    if shown.number_of_nodes() > layout_threshold:
        positions = (compute_positions(shown, seed=seed) if view == "graph"
                     else community_positions(shown, size_attr="citations" if view == "citations" else "paper_count"))
    data = graph_data(shown, positions=positions, view=view)
    records = _records if _records is not None else (paper_records(nx_graph, graph), concept_records(nx_graph, graph))
    data["papers"], data["concepts"] = records
    data["years"] = year_span(data["papers"]) if view != "concepts" else None
    heading = VIEWS[view][1]
    values = {
        "title": html.escape(title),
        "heading": html.escape(heading),
        "view": view,
        "nav": _nav(view) if nav else "",
        "summary": html.escape(_summary(nx_graph) if view == "graph" else _view_summary(shown, view)),
        "version": html.escape(__version__),
        "data_json": script_json(data),
        "vis_js": _vis_asset("vis-network.min.js"),
        "vis_css": _vis_asset("vis-network.css"),
        "app_js": _inline_script(_template("graph.js")),
        "app_css": _inline_style(_template("graph.css")),
    }
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], _template("graph.html"))


def to_views(nx_graph: nx.MultiDiGraph, *, title: str = "neurokg", graph: Graph | None = None,
             layout_threshold: int = LAYOUT_THRESHOLD) -> dict[str, str]:
    """Every view as ``{file name: page}``, plus ``index.html`` linking them.

    Example:
        >>> sorted(to_views(project(graph)))  # doctest: +SKIP
        ['citations.html', 'concepts.html', 'graph.html', 'index.html']
    """
    # The side-panel records are the same on every page: computed once.
    records = (paper_records(nx_graph, graph), concept_records(nx_graph, graph))
    pages = {file_name: to_html(nx_graph, title=title, view=view, graph=graph, layout_threshold=layout_threshold,
                                nav=True, _records=records)
             for view, (file_name, _, _) in VIEWS.items()}
    pages["index.html"] = to_index_html(nx_graph, title=title)
    return pages


def to_index_html(nx_graph: nx.MultiDiGraph, *, title: str = "neurokg") -> str:
    """A small self-contained page linking the three views, with what each one shows."""
    items = "\n".join(
        f'<li><a href="{html.escape(file_name)}">{html.escape(heading)}</a> ({html.escape(file_name)}): '
        f"{html.escape(description)}</li>"
        for file_name, heading, description in VIEWS.values())
    values = {"title": html.escape(title), "summary": html.escape(_summary(nx_graph)), "items": items,
              "version": html.escape(__version__), "app_css": _inline_style(_template("graph.css"))}
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], _template("index.html"))


def graph_data(nx_graph: nx.MultiDiGraph, *, positions: Mapping[Hashable, tuple[float, float]] | None = None,
               view: str = "graph") -> dict[str, Any]:
    """The JSON the page reads: nodes, edges, legend, filters and whether physics runs.

    Each node has ``id`` (an index), ``label``, ``group`` (legend entry), ``size``, ``tip``
    (plain text), ``ref`` (the IRI, key of the paper and concept records), ``type`` (for
    the type filter), ``support`` (for the minimum-support filter) and ``year`` for papers.
    """
    ordered = sorted(nx_graph.nodes(data=True), key=lambda item: str(item[0]))
    index = {node: i for i, (node, _) in enumerate(ordered)}
    groups_spec = _groups(nx_graph, view)
    nodes, groups, types = [], Counter[str](), Counter[str]()
    for node, attrs in ordered:
        group = _view_group(attrs, view)
        kind_type = _node_type(attrs, view)
        groups[group] += 1
        types[kind_type] += 1
        item: dict[str, Any] = {
            "id": index[node], "label": _short(_label(node, attrs)), "group": group,
            "size": _view_size(attrs, view), "tip": _node_tip(node, attrs), "ref": str(node),
            "type": kind_type, "support": _support(nx_graph, node, attrs, view),
        }
        if attrs.get("kind") == "paper" and isinstance(attrs.get("year"), int):
            item["year"] = attrs["year"]
        if view == "concepts":
            item["shape"] = GROUPS.get(str(attrs.get("entity_type")), GROUPS["concept"])[3]
        if positions is not None and node in positions:
            item["x"], item["y"] = (round(float(v), 1) for v in positions[node])
        nodes.append(item)
    edges, edge_counts = [], Counter[str]()
    for source, target, attrs in sorted(nx_graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        kind = str(attrs.get("type", "edge"))
        edge_counts[kind] += 1
        edges.append({"from": index[source], "to": index[target], "type": kind,
                      "weight": _finite(attrs.get("weight", 1)), "tip": _edge_tip(kind, attrs)})
    legend = [{"group": g, "name": name, "color": fill, "border": border, "shape": shape, "count": groups[g]}
              for g, (name, fill, border, shape) in groups_spec.items() if groups[g]]
    edge_types = []
    for kind, count in sorted(edge_counts.items(), key=lambda kv: (list(EDGE_TYPES).index(kv[0])
                                                                   if kv[0] in EDGE_TYPES else 99, kv[0])):
        label, colour, directed, dashes, shown = EDGE_TYPES.get(kind, (kind, "#999999", True, False, True))
        if view != "graph":  # the derived views draw one edge type, always
            shown = True
        edge_types.append({"type": kind, "label": label, "color": colour, "directed": directed,
                           "dashes": dashes, "shown": shown, "count": count})
    type_names = {**{k: v[0] for k, v in GROUPS.items()}, "stub": "paper outside the corpus"}
    type_list = [{"type": t, "name": type_names.get(t, t.lower()), "count": c}
                 for t, c in sorted(types.items(), key=lambda kv: _type_order(kv[0]))]
    return {"view": view, "nodes": nodes, "edges": edges, "legend": legend, "edge_types": edge_types,
            "types": type_list, "support_name": _SUPPORT_NAMES[view], "physics": positions is None,
            "edge_limit": EDGE_LIMIT if positions is not None and len(edges) > EDGE_LIMIT else None}


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028/9 escaped.

    Example:
        >>> script_json({"t": "</script>"})
        '{"t":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # Chained replace, not str.translate: translate with a dict takes seconds on 10 MB.
    for char, escaped in _JSON_ESCAPES.items():
        text = text.replace(chr(char), escaped)
    return text


def compute_positions(nx_graph: nx.MultiDiGraph, *, seed: int = 7) -> dict[Hashable, tuple[float, float]]:
    """A cheap, deterministic layout for graphs too big for in-browser physics.

    Concepts are anchors: a spring layout of the co-mention graph when it is small, else
    one wedge per entity type with frequent concepts near the centre. Papers sit at the
    centroid of their concepts, authors at the centroid of their papers (with a little
    seeded jitter); anything unplaced goes on an outer ring. O(nodes + edges) beyond
    the anchors, so 50k nodes take about a second.
    """
    rng = random.Random(seed)
    kinds = {node: attrs.get("kind") for node, attrs in nx_graph.nodes(data=True)}
    concepts = sorted((n for n, k in kinds.items() if k == "concept"), key=str)
    spread = 40.0 * math.sqrt(max(nx_graph.number_of_nodes(), 1))
    pos = _anchor_positions(nx_graph, concepts, spread, seed)
    jitter = spread / max(math.sqrt(len(concepts) or 1), 1.0) / 3
    for kind in ("paper", "author", None):
        pending = sorted((n for n, k in kinds.items() if n not in pos and (kind is None or k == kind)), key=str)
        for node in pending:
            placed = [pos[m] for m in nx.all_neighbors(nx_graph, node) if m in pos]
            if placed:
                x = sum(p[0] for p in placed) / len(placed) + rng.gauss(0, jitter)
                y = sum(p[1] for p in placed) / len(placed) + rng.gauss(0, jitter)
                pos[node] = (x, y)
    unplaced = sorted((n for n in kinds if n not in pos), key=str)
    for i, node in enumerate(unplaced):
        angle = 2 * math.pi * i / max(len(unplaced), 1)
        radius = spread * (1.15 + 0.1 * rng.random())
        pos[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return pos


def _anchor_positions(nx_graph: nx.MultiDiGraph, concepts: list[Hashable], spread: float, seed: int
                      ) -> dict[Hashable, tuple[float, float]]:
    if not concepts:
        return {}
    if len(concepts) < 500:  # networkx's dense spring layout needs only numpy below 500 nodes
        sub = nx.Graph()
        sub.add_nodes_from(concepts)
        sub.add_weighted_edges_from(
            (u, v, float(a.get("weight", 1))) for u, v, a in nx_graph.edges(concepts, data=True)
            if a.get("type") == "co_mention" and v in sub)
        layout = nx.spring_layout(sub, seed=seed, scale=spread * 0.8)
        return {node: (float(xy[0]), float(xy[1])) for node, xy in layout.items()}
    by_type: dict[str, list[Hashable]] = {}
    for node in concepts:
        by_type.setdefault(str(nx_graph.nodes[node].get("entity_type", "")), []).append(node)
    golden = (math.sqrt(5) - 1) / 2
    pos = {}
    for k, (_, members) in enumerate(sorted(by_type.items())):
        members.sort(key=lambda n: (-int(nx_graph.nodes[n].get("paper_count") or 0), str(n)))
        for j, node in enumerate(members):
            radius = spread * 0.8 * math.sqrt((j + 1) / len(members))
            angle = 2 * math.pi * (k + (j * golden) % 1.0) / len(by_type)
            pos[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return pos


def _group(attrs: Mapping[str, Any]) -> str:
    kind = attrs.get("kind")
    if kind == "concept":
        entity_type = attrs.get("entity_type")
        return entity_type if entity_type in GROUPS else "concept"
    return kind if kind in ("paper", "author") else "concept"


#: What the minimum-support filter counts, per view.
_SUPPORT_NAMES: Final = {"graph": "Min. papers (concepts) or links (papers, authors)",
                         "citations": "Min. citations", "concepts": "Min. papers"}
#: Community colours (Tableau 10); communities past the tenth share the last, grey entry.
COMMUNITY_COLOURS: Final = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                            "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


def _groups(nx_graph: nx.MultiDiGraph, view: str) -> dict[str, tuple[str, str, str, str]]:
    if view == "graph":
        return dict(GROUPS)
    members: dict[int, list[tuple[Any, str]]] = {}
    for node, attrs in nx_graph.nodes(data=True):
        weight = attrs.get("citations") if view == "citations" else attrs.get("paper_count")
        members.setdefault(min(int(attrs.get("community", 0)), 9), []).append((-(weight or 0), _label(node, attrs)))
    shape = "dot" if view == "citations" else "diamond"
    out = {}
    for rank in sorted(members):
        top = [label for _, label in sorted(members[rank])[:2]]
        name = (f"community {rank + 1}: " if rank < 9 else "smaller communities: ") + ", ".join(
            _short(t) for t in top) + ("…" if len(members[rank]) > 2 else "")
        colour = COMMUNITY_COLOURS[rank]
        out[f"k{rank}"] = (name, colour, colour, shape)
    return out


def _view_group(attrs: Mapping[str, Any], view: str) -> str:
    if view == "graph":
        return _group(attrs)
    return f"k{min(int(attrs.get('community', 0)), 9)}"


def _node_type(attrs: Mapping[str, Any], view: str) -> str:
    if attrs.get("kind") == "paper" and view == "citations":
        return "stub" if attrs.get("is_stub") else "paper"
    return _group(attrs)


def _type_order(kind: str) -> tuple[int, str]:
    order = [*GROUPS, "stub"]
    return (order.index(kind) if kind in order else 99, kind)


def _view_size(attrs: Mapping[str, Any], view: str) -> float:
    if view == "citations":
        return round(1.0 + math.sqrt(_finite(attrs.get("citations") or 0)), 2)
    return _size(attrs)


def _support(nx_graph: nx.MultiDiGraph, node: Hashable, attrs: Mapping[str, Any], view: str) -> int:
    if view == "citations":
        return int(attrs.get("citations") or 0)
    if attrs.get("kind") == "concept":
        return int(attrs.get("paper_count") or 0)
    return len(set(nx.all_neighbors(nx_graph, node)))


def _view_summary(nx_graph: nx.MultiDiGraph, view: str) -> str:
    count = len({attrs.get("community") for _, attrs in nx_graph.nodes(data=True)})
    what = "papers" if view == "citations" else "concepts"
    edges = "citations" if view == "citations" else "co-mention links"
    return (f"{nx_graph.number_of_nodes():,} {what} · {nx_graph.number_of_edges():,} {edges} · "
            f"{count:,} communities (Louvain)")


def _nav(current: str) -> str:
    links = ['<a href="index.html">All views</a>']
    for view, (file_name, heading, _) in VIEWS.items():
        if view == current:
            links.append(f'<strong aria-current="page">{html.escape(heading)}</strong>')
        else:
            links.append(f'<a href="{html.escape(file_name)}">{html.escape(heading)}</a>')
    return " · ".join(links)


def _label(node: Hashable, attrs: Mapping[str, Any]) -> str:
    label = attrs.get("label") or attrs.get("title")
    return str(label) if label else str(node).rstrip("/").rsplit("/", 1)[-1]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1].rstrip() + "…"


def _size(attrs: Mapping[str, Any]) -> float:
    count = attrs.get("paper_count") if attrs.get("kind") == "concept" else attrs.get("mention_count")
    return round(1.0 + math.sqrt(_finite(count or 0)), 2)


def _finite(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 1.0
    return number if math.isfinite(number) else 1.0


def _join(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _node_tip(node: Hashable, attrs: Mapping[str, Any]) -> str:
    kind = attrs.get("kind")
    lines = [" ".join(str(attrs.get("title") or _label(node, attrs)).split())]
    if kind == "paper":
        lines.append(" · ".join(str(v) for v in (attrs.get("year"), attrs.get("venue")) if v))
        authors = attrs.get("authors") or []
        authors = authors.split("; ") if isinstance(authors, str) else list(authors)
        if authors:
            shown = "; ".join(str(a) for a in authors[:8]) + (" et al." if len(authors) > 8 else "")
            lines.append(f"Authors: {shown}")
        for key, name in (("doi", "DOI"), ("arxiv", "arXiv")):
            if attrs.get(key):
                lines.append(f"{name}: {attrs[key]}")
        if attrs.get("mention_count") is not None:
            lines.append(f"{attrs['mention_count']} mentions")
        if attrs.get("is_stub"):
            lines.append("outside the corpus (cited or citing only)")
    elif kind == "concept":
        lines.append(f"{attrs.get('entity_type', 'concept')} · {attrs.get('paper_count', 0)} papers")
        if attrs.get("notation"):
            lines.append(_join(attrs["notation"]))
        if attrs.get("in_vocabulary") is False:
            lines.append("not in a vocabulary (found in the text)")
    elif kind == "author" and attrs.get("s2_id"):
        lines.append(f"Semantic Scholar author {attrs['s2_id']}")
    lines.append(str(node))
    return "\n".join(line for line in lines if line)


def _edge_tip(kind: str, attrs: Mapping[str, Any]) -> str:
    weight = attrs.get("weight", 1)
    if kind == "mentions":
        predicate = str(attrs.get("predicate", "")).rsplit("#", 1)[-1]
        return f"mentions ×{weight}" + (f" ({predicate})" if predicate else "")
    if kind == "co_mention":
        return f"mentioned together in {weight} papers"
    if kind == "cites":
        parts = ["cites"]
        if attrs.get("intents"):
            parts.append(f"intents: {_join(attrs['intents'])}")
        if attrs.get("is_influential"):
            parts.append("influential")
        return "\n".join(parts)
    if kind == "authored":
        return "author of"
    if kind == "co_author":
        return f"wrote {weight} papers together"
    return kind


def _summary(nx_graph: nx.MultiDiGraph) -> str:
    kinds = Counter(attrs.get("kind") for _, attrs in nx_graph.nodes(data=True))
    stubs = sum(1 for _, attrs in nx_graph.nodes(data=True) if attrs.get("kind") == "paper" and attrs.get("is_stub"))
    papers = f"{kinds['paper'] - stubs:,} papers" + (f" (+{stubs:,} outside the corpus)" if stubs else "")
    return f"{papers} · {kinds['concept']:,} concepts · {kinds['author']:,} authors · " \
           f"{nx_graph.number_of_edges():,} edges"


@lru_cache(maxsize=4)
def _template(name: str) -> str:
    return resources.files("kg").joinpath("data", "templates", name).read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _vis_asset(name: str) -> str:
    try:
        resource = resources.files("pyvis").joinpath("templates", "lib", f"vis-{VIS_VERSION}", name)
        text = resource.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise ExportError(
            f"cannot find vis-network {VIS_VERSION} ({name}) in the pyvis package: {exc}; "
            f"install pyvis==0.3.2 or export another format"
        ) from exc
    return _inline_script(text) if name.endswith(".js") else _inline_style(text)


def _inline_script(text: str) -> str:
    # A source-map comment would make devtools fetch a file that is not there.
    text = _SOURCE_MAP.sub("", text)
    # "<\/script" means the same inside JS strings and regexes, but cannot end the element.
    return _SCRIPT_END.sub(r"<\\/\1", text)


def _inline_style(text: str) -> str:
    text = _SOURCE_MAP.sub("", text)
    return _STYLE_END.sub(r"<\\/\1", text)
