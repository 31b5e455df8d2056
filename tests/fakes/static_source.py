"""An in-memory ``kg.enrich.PaperSource`` for unit tests of the merge logic (no HTTP)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.s2data import EdgeAnswer, PaperAnswer, S2Edge, S2Paper, Status

RETRIEVED = "2026-01-02T03:04:05Z"


@dataclass
class StaticSource:
    """Answers from dicts: ``papers`` by any id string, ``titles`` by exact title, edges by paperId.

    Every call counts as one request, so tests can assert what enrichment asked for.
    """

    papers: dict[str, S2Paper] = field(default_factory=dict)
    titles: dict[str, S2Paper] = field(default_factory=dict)
    references: dict[str, list[S2Edge]] = field(default_factory=dict)
    citations: dict[str, list[S2Edge]] = field(default_factory=dict)
    truncated: set[tuple[str, str]] = field(default_factory=set)  # (paperId, direction)
    calls: list[tuple[str, object]] = field(default_factory=list)
    requests_made: int = 0
    cache_hits: int = 0

    def add(self, paper: S2Paper, *ids: str) -> S2Paper:
        """Make ``paper`` findable by its paperId and every id in ``ids``."""
        for key in (paper.paper_id, *ids):
            self.papers[key] = paper
        return paper

    def get_papers(self, ids: Sequence[str]) -> list[PaperAnswer]:
        self.calls.append(("get_papers", list(ids)))
        self.requests_made += 1
        return [
            PaperAnswer(i, Status.FOUND, self.papers[i], RETRIEVED)
            if i in self.papers
            else PaperAnswer(i, Status.NOT_FOUND, retrieved=RETRIEVED)
            for i in ids
        ]

    def match_title(self, title: str) -> PaperAnswer:
        self.calls.append(("match_title", title))
        self.requests_made += 1
        paper = self.titles.get(title)
        if paper is None:
            return PaperAnswer(title, Status.NOT_FOUND)
        return PaperAnswer(title, Status.FOUND, paper, RETRIEVED)

    def get_references(self, paper_id: str) -> EdgeAnswer:
        return self._edges("references", paper_id, self.references)

    def get_citations(self, paper_id: str) -> EdgeAnswer:
        return self._edges("citations", paper_id, self.citations)

    def _edges(self, direction: str, paper_id: str, table: dict[str, list[S2Edge]]) -> EdgeAnswer:
        self.calls.append((direction, paper_id))
        self.requests_made += 1
        if paper_id not in table:
            return EdgeAnswer(paper_id, Status.NOT_FOUND)
        return EdgeAnswer(
            paper_id,
            Status.FOUND,
            tuple(table[paper_id]),
            (paper_id, direction) in self.truncated,
            RETRIEVED,
        )
