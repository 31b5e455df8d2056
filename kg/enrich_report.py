"""Stage 4 report: what an ``enrich`` run did, as a frozen value, and its text rendering (pure).

``kg.enrich`` builds an ``EnrichReport`` and re-exports everything here; the CLI prints
``format_report(report)``. Papers S2 does not know are data in the report, never errors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from kg.models import PaperId


class Route(StrEnum):
    """How a corpus paper was found on Semantic Scholar."""

    S2 = "s2"
    DOI = "doi"
    ARXIV = "arxiv"
    PMID = "pmid"
    TITLE = "title"


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A corpus paper that was not found on Semantic Scholar, and why."""

    paper_id: PaperId
    reason: str


@dataclass(frozen=True, slots=True)
class RejectedMatch:
    """A title match S2 proposed that failed the similarity or year check."""

    paper_id: PaperId
    candidate_title: str
    candidate_year: int | None
    similarity: float
    reason: str


@dataclass(frozen=True, slots=True)
class CappedList:
    """A reference or citation list the API's caps cut short (``reported`` is S2's count)."""

    paper_id: PaperId
    direction: str  # "references" | "citations"
    fetched: int
    reported: int | None


@dataclass(frozen=True, slots=True)
class EdgeProblem:
    """A paper whose references or citations could not be fetched."""

    paper_id: PaperId
    direction: str
    reason: str


@dataclass(frozen=True, slots=True)
class EnrichReport:
    """What one ``enrich`` run did; ``format_report`` renders it."""

    papers: int  # corpus papers considered (stubs excluded)
    resolved: tuple[tuple[PaperId, Route], ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    rejected_matches: tuple[RejectedMatch, ...] = ()
    shared_s2_ids: tuple[
        tuple[PaperId, PaperId], ...
    ] = ()  # (paper, resolved to the same S2 paper as)
    edges_fetched: int = 0  # edge records received, before any filtering
    citations_added: int = 0  # distinct citations in the result
    stubs_added: int = 0
    null_ids_skipped: int = 0  # edges whose other end S2 could not resolve
    beyond_depth_skipped: int = 0  # edges to papers further out than ``depth``
    capped: tuple[CappedList, ...] = ()
    edge_problems: tuple[EdgeProblem, ...] = ()
    requests: int = 0
    cache_hits: int = 0
    cut_short: bool = False
    message: str | None = None

    def by_route(self) -> dict[Route, int]:
        """Resolved papers counted by route, every route present."""
        counts = dict.fromkeys(Route, 0)
        for _, route in self.resolved:
            counts[route] += 1
        return counts


def format_report(report: EnrichReport, *, limit: int | None = 10) -> str:
    """Render a report as a few aligned lines of plain text (the CLI prints it).

    Args:
        report: What ``enrich`` returned.
        limit: Most papers listed per section (unresolved, capped, no edges); None lists all.

    Example:
        >>> print(format_report(EnrichReport(papers=0)))  # doctest: +NORMALIZE_WHITESPACE
        Semantic Scholar: 0 of 0 papers resolved
          requests   0 made, 0 answered from the cache
    """
    routes = ", ".join(f"{route} {n}" for route, n in report.by_route().items() if n)
    lines = [
        f"Semantic Scholar: {len(report.resolved)} of {report.papers} papers resolved"
        + (f" ({routes})" if routes else "")
    ]
    if report.unresolved:
        kinds = Counter(_kind(u.reason) for u in report.unresolved)
        summary = ", ".join(f"{kind} {n}" for kind, n in kinds.most_common())
        lines.append(f"  unresolved {len(report.unresolved)} ({summary}):")
        lines += _listed([f"{u.paper_id}: {u.reason}" for u in report.unresolved], limit)
    for paper, first in report.shared_s2_ids:
        lines.append(f"  note       {paper} is the same Semantic Scholar paper as {first}")
    if report.edges_fetched or report.citations_added:
        skipped = []
        if report.null_ids_skipped:
            skipped.append(f"{report.null_ids_skipped} without an S2 id")
        if report.beyond_depth_skipped:
            skipped.append(f"{report.beyond_depth_skipped} beyond the depth")
        lines.append(
            f"  citations  {report.edges_fetched} edges fetched, {report.citations_added} kept, "
            f"{report.stubs_added} stub papers"
            + (f"; skipped {', '.join(skipped)}" if skipped else "")
        )
    if report.capped:
        lines.append(f"  capped     {len(report.capped)} lists cut short by the API's caps:")
        lines += _listed(
            [
                f"{c.paper_id} {c.direction}: {c.fetched}"
                + (f" of {c.reported}" if c.reported is not None else "")
                for c in report.capped
            ],
            limit,
        )
    if report.edge_problems:
        lines.append(f"  no edges   {len(report.edge_problems)} lists could not be fetched:")
        lines += _listed(
            [f"{e.paper_id} {e.direction}: {e.reason}" for e in report.edge_problems], limit
        )
    lines.append(
        f"  requests   {report.requests} made, {report.cache_hits} answered from the cache"
    )
    if report.cut_short:
        lines.append(f"  cut short: {report.message}")
    return "\n".join(lines)


def _kind(reason: str) -> str:
    # The last attempt names the kind: "…; title match rejected: year …" is "title match rejected".
    return reason.rsplit("; ", 1)[-1].split(":", 1)[0].split(" (", 1)[0]


def _listed(items: list[str], limit: int | None) -> list[str]:
    shown = items if limit is None else items[:limit]
    more = len(items) - len(shown)
    return [f"    {item}" for item in shown] + ([f"    … and {more} more"] if more else [])
