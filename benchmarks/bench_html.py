"""HTML benchmark: a 10,000-node, 50,000-edge graph in headless Chromium.

Builds a synthetic projection (papers, typed concepts, authors; mentions, co-mention,
authored and cites edges), renders each view with ``kg.export.html.to_html`` and opens it
in Debian's Chromium (never a downloaded browser) through Playwright. Reports per view:
render time in Python, file size, the time until the page is interactive (navigation
start to the page's ``window.kgReady``: data parsed, network built, first frame drawn)
and, as the floor, the plain ``json.dumps`` time of the same data. Target: < 5 s.

    python benchmarks/bench_html.py [--nodes 10000 --edges 50000] [--views graph citations concepts]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.export.html import graph_data, to_html
from kg.export.views import view_graph

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TYPES = ("METHOD", "DATASET", "BRAIN_REGION", "HARDWARE")


def synthetic_projection(n_nodes: int, n_edges: int, *, seed: int = 1) -> nx.MultiDiGraph:
    """A projection-shaped graph: 70 % papers, 20 % concepts, 10 % authors; edges split
    60 % mentions, 20 % co-mentions, 10 % cites, 10 % authored."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    n_papers, n_concepts = int(n_nodes * 0.7), int(n_nodes * 0.2)
    papers = [f"https://w3id.org/neurokg/id/paper/id/p{i}" for i in range(n_papers)]
    concepts = [f"https://w3id.org/neurokg/id/concept/c{i}" for i in range(n_concepts)]
    authors = [f"https://w3id.org/neurokg/id/author/a{i}" for i in range(n_nodes - n_papers - n_concepts)]
    for i, p in enumerate(papers):
        g.add_node(p, kind="paper", label=f"Paper {i} on spiking networks", title=f"Paper {i} on spiking networks",
                   year=1995 + i % 30, venue="NeurIPS", authors=[], abstract="We study spikes. " * 20,
                   is_stub=False, mention_count=0, doi=None, arxiv=None)
    for i, c in enumerate(concepts):
        g.add_node(c, kind="concept", label=f"concept {i}", entity_type=TYPES[i % 4], paper_count=0)
    for i, a in enumerate(authors):
        g.add_node(a, kind="author", label=f"Author {i}")
    # Zipf-ish popularity so that the graph has hubs, like a real corpus.
    weights = [1 / (i + 1) ** 0.8 for i in range(n_concepts)]
    plan = (("mentions", 0.6), ("co_mention", 0.2), ("cites", 0.1), ("authored", 0.1))
    for kind, share in plan:
        for _ in range(int(n_edges * share)):
            if kind == "mentions":
                u, v = rng.choice(papers), rng.choices(concepts, weights)[0]
            elif kind == "co_mention":
                u, v = sorted(rng.choices(concepts, weights, k=2))
            elif kind == "cites":
                u, v = rng.sample(papers, 2)
            else:
                u, v = rng.choice(authors), rng.choice(papers)
            g.add_edge(u, v, type=kind, weight=1)
    for c in concepts:
        g.nodes[c]["paper_count"] = g.in_degree(c)
    return g


def measure(view: str, projection: nx.MultiDiGraph, browser: object, out: Path) -> dict[str, object]:
    start = time.perf_counter()
    page_text = to_html(projection, view=view, title="bench")
    render = time.perf_counter() - start
    shown = view_graph(projection, view)
    data = graph_data(shown)
    start = time.perf_counter()
    json.dumps(data)
    dumps = time.perf_counter() - start
    path = out / f"{view}.html"
    path.write_text(page_text, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    start = time.perf_counter()
    page.goto(path.as_uri(), timeout=120_000)
    page.wait_for_function("() => window.kgReady === true", timeout=120_000, polling=50)
    interactive = time.perf_counter() - start
    drawn = page.evaluate("() => network.body.data.nodes.length")
    page.close()
    return {"view": view, "nodes": shown.number_of_nodes(), "edges": shown.number_of_edges(), "drawn": drawn,
            "render_s": round(render, 2), "size_mb": round(len(page_text.encode()) / 1e6, 2),
            "json_dumps_s": round(dumps, 3), "interactive_s": round(interactive, 2), "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--edges", type=int, default=50_000)
    parser.add_argument("--views", nargs="+", default=["graph", "citations", "concepts"])
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    projection = synthetic_projection(args.nodes, args.edges)
    print(f"synthetic projection: {projection.number_of_nodes():,} nodes, {projection.number_of_edges():,} edges")
    print(f"{'view':10} {'nodes':>7} {'edges':>7} {'render s':>9} {'size MB':>8} {'json.dumps s':>13} "
          f"{'interactive s':>14}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for view in args.views:
            r = measure(view, projection, browser, Path(tmp))
            print(f"{r['view']:10} {r['nodes']:>7,} {r['edges']:>7,} {r['render_s']:>9} {r['size_mb']:>8} "
                  f"{r['json_dumps_s']:>13} {r['interactive_s']:>14}" + (f"  errors: {r['errors']}" if r["errors"]
                                                                        else ""))
        browser.close()


if __name__ == "__main__":
    main()
