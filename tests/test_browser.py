"""The HTML views in a real browser: Debian's Chromium driven by Playwright, fully offline.

Never downloads a browser: Chromium must be at /usr/bin/chromium (`make test` installs it).
Without it (or without Playwright) these tests skip, except under CI=true where they fail.
Screenshots go to test-output/ (git-ignored).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.export.html import to_views
from tests.conftest import ROOT
from tests.graph_fixture import BASE, build_graph, build_projection

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "test-output"
HOSTILE = f"{BASE}paper/id/hostile"
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_ABSTRACT = "We run <img src=x onerror=alert(2)> on Loihi & friends."
P2 = f"{BASE}paper/arxiv/2101.00001"
LOIHI = f"{BASE}concept/hardware/loihi"


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install 'playwright>=1.40')"
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium; `make test` does it)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
                                     args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture graph's views, plus a paper whose title, abstract and venue are hostile."""
    graph, projection = build_graph(), build_projection()
    projection.add_node(HOSTILE, kind="paper", label=HOSTILE_TITLE, title=HOSTILE_TITLE, abstract=HOSTILE_ABSTRACT,
                        venue="</script><b>venue</b>", authors=["<i>Eve</i>"], year=2023, is_stub=False,
                        mention_count=0, doi=None, arxiv=None)
    projection.add_edge(HOSTILE, LOIHI, key="mentions", type="mentions", weight=1)
    out = tmp_path_factory.mktemp("site")
    for name, page in to_views(projection, title="Fixture", graph=graph).items():
        (out / name).write_text(page, encoding="utf-8")
    return out


class Page:
    """One loaded view with its console errors, requests and dialogs recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.url = path.as_uri()
        self.page.goto(self.url)
        # Functions, not expression strings: the page's CSP forbids eval.
        self.page.wait_for_function("() => window.kgReady === true", timeout=15000)

    def js(self, function: str, arg: Any = None) -> Any:
        return self.page.evaluate(function, arg)

    def shown(self) -> int:
        return self.js("() => network.body.data.nodes.length")

    def node_id(self, ref: str) -> int:
        return self.js("(ref) => kgData.nodes.find((n) => n.ref === ref).id", ref)

    def details(self) -> str:
        return self.page.inner_text("#kg-details")


@pytest.fixture
def open_view(browser: Any, site: Path) -> Iterator[Any]:
    pages: list[Page] = []

    def _open(name: str) -> Page:
        pages.append(Page(browser, site / name))
        return pages[-1]

    yield _open
    for view in pages:
        view.page.close()


@pytest.mark.parametrize(("name", "nodes"), [("graph.html", 16), ("citations.html", 6), ("concepts.html", 8)])
def test_each_view_loads_offline_without_errors(open_view: Any, name: str, nodes: int) -> None:
    view = open_view(name)
    assert view.errors == []
    assert view.requests == [view.url]  # no fetch, no missing file
    assert view.shown() == nodes == view.js("() => kgData.nodes.length")
    assert view.js("() => network.physics.physicsEnabled") is False  # stopped once stable
    SHOTS.mkdir(exist_ok=True)
    view.page.screenshot(path=str(SHOTS / name.replace(".html", ".png")))


def test_index_links_every_view(open_view: Any, browser: Any, site: Path) -> None:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((site / "index.html").as_uri())
    hrefs = page.eval_on_selector_all("a", "(links) => links.map((a) => a.getAttribute('href'))")
    assert hrefs == ["graph.html", "citations.html", "concepts.html"]
    assert all((site / href).is_file() for href in hrefs) and len(requests) == 1
    page.close()


def test_search_finds_a_concept_by_synonym_and_zooms_to_it(open_view: Any) -> None:
    view = open_view("concepts.html")
    view.page.fill("#kg-search-input", "loihi 1")
    view.page.press("#kg-search-input", "Enter")
    assert view.js("() => network.getSelectedNodes()") == [view.node_id(LOIHI)]
    assert "Loihi" in view.details() and "Loihi 1" in view.details()
    view.page.fill("#kg-search-input", "no such thing")
    view.page.press("#kg-search-input", "Enter")
    assert view.page.inner_text("#kg-search-status") == "No match"


def test_filters_hide_the_right_nodes(open_view: Any) -> None:
    view = open_view("graph.html")
    authors = view.js("() => kgData.nodes.filter((n) => n.type === 'author').length")
    assert authors == 2  # Jane Doe and Wei Zhang (the hostile author is only an attribute)
    view.page.uncheck("#kg-type-filters input[data-type='author']")
    assert view.shown() == 16 - authors

    cites = open_view("citations.html")
    cites.page.fill("#kg-year-min", "2021")
    expected = cites.js("() => kgData.nodes.filter((n) => n.year === undefined || n.year >= 2021).length")
    assert expected == 3 and cites.shown() == expected  # P1 (2021), P2 (2022), the hostile paper (2023)

    concepts = open_view("concepts.html")
    concepts.page.fill("#kg-support-min", "2")
    shown = concepts.js("() => network.body.data.nodes.get().map((n) => kgData.nodes[n.id].label).sort()")
    assert shown == ["Loihi", "hippocampus", "spike-timing-dependent plasticity"]


def test_clicking_a_paper_shows_its_panel_with_highlighted_mentions(open_view: Any) -> None:
    view = open_view("graph.html")
    node = view.node_id(P2)
    view.js("(id) => network.moveTo({position: network.getPosition(id), scale: 1.5})", node)
    point = view.js("(id) => network.canvasToDOM(network.getPosition(id))", node)
    box = view.page.locator("#kg-network").bounding_box()
    view.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    assert view.js("() => network.getSelectedNodes()") == [node]
    text = view.details()
    assert "Surrogate gradient training of spiking networks" in text and "2022 · NeurIPS" in text
    assert "Wei Zhang" in text and "arXiv" in text
    marks = view.page.eval_on_selector_all("#kg-details mark", "(ms) => ms.map((m) => m.textContent)")
    assert marks == ["surrogate gradients", "SpiNNaker", "Loihi", "Spiking Heidelberg Digits", "N-MNIST", "GPUs"]
    href = view.page.get_attribute("#kg-details .kg-links a", "href")
    assert href == "https://arxiv.org/abs/2101.00001"
    # A concept in the panel leads to that concept's papers.
    view.page.get_by_role("button", name="Loihi", exact=True).click()
    assert "Papers (3)" in view.details()


def test_hostile_text_stays_inert(open_view: Any) -> None:
    for name in ("graph.html", "citations.html", "concepts.html"):
        view = open_view(name)
        view.js("(ref) => kgShowNode !== undefined && kgData.nodes.some((n) => n.ref === ref)", HOSTILE)
        if name == "concepts.html":  # papers are not nodes there: reach it through Loihi's list
            view.js("(id) => kgShowNode(id)", view.node_id(LOIHI))
            view.page.get_by_role("button", name=f"{HOSTILE_TITLE} (2023)").click()
        else:
            view.js("(id) => kgShowNode(id)", view.node_id(HOSTILE))
        text = view.details()
        assert HOSTILE_TITLE in text and "</script><b>venue</b>" in text and "<i>Eve</i>" in text
        assert "<img src=x onerror=alert(2)>" in text
        assert view.page.locator("#kg-details script, #kg-details img, #kg-details b, #kg-details i").count() == 0
        assert view.dialogs == [] and view.errors == []


def test_citation_graph_can_be_coloured_by_year(open_view: Any) -> None:
    view = open_view("citations.html")
    before = view.page.inner_text("#kg-legend")
    view.page.select_option("#kg-colour-select", "year")
    legend = view.page.inner_text("#kg-legend")
    assert legend != before and "1997" in legend and "2023" in legend and "no year" in legend
    colours = view.js("() => new Set(network.body.data.nodes.get().map((n) => JSON.stringify(n.color))).size")
    assert colours >= 4  # 1997, 2020, 2021, 2022, 2023 spread over the gradient
    view.page.select_option("#kg-colour-select", "community")
    assert view.page.inner_text("#kg-legend") == before
    assert view.errors == []


def test_clicking_an_author_lists_their_papers(open_view: Any) -> None:
    view = open_view("graph.html")
    jane = view.js("() => kgData.nodes.find((n) => n.label === 'Jane Doe').id")
    view.js("(id) => kgShowNode(id)", jane)
    text = view.details()
    assert "Papers (2)" in text and "A model of primary visual cortex with STDP (2020)" in text
    assert "Surrogate gradient" not in text  # Wei Zhang's alone
