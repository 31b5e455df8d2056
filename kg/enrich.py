"""Stage 4: enrich a corpus from Semantic Scholar. Pure merge logic; HTTP lives in kg.s2.

``enrich`` resolves each corpus paper (by its ids, batched, else by a verified title
match), merges S2's metadata without ever changing a paper's id (IRIs stay stable), and
adds citation edges carrying S2's intents, contexts and influential flag, with stub papers
for the other ends as far as ``depth`` allows. What it could not do is data in the
``EnrichReport``; an outage ends the run early but keeps everything fetched so far.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Protocol

from kg.enrich_report import (
    CappedList,
    EdgeProblem,
    EnrichReport,
    RejectedMatch,
    Route,
    Unresolved,
    format_report,
)
from kg.errors import S2AuthError, S2Error
from kg.ids import normalise_arxiv, normalise_doi, normalise_title, paper_id
from kg.models import Author, Citation, Corpus, Paper, PaperId
from kg.s2data import BATCH_LIMIT, EdgeAnswer, PaperAnswer, S2Author, S2Paper, Status

__all__ = [
    "CappedList",
    "EdgeProblem",
    "EnrichReport",
    "PaperSource",
    "Progress",
    "RejectedMatch",
    "Route",
    "Unresolved",
    "enrich",
    "format_report",
    "merge_paper",
    "title_similarity",
]

SOURCE = "semantic-scholar"  # Citation.source of every edge enrich adds
DEFAULT_TITLE_THRESHOLD = 0.9
DEFAULT_YEAR_TOLERANCE = 1  # a preprint and its publication are often a year apart


@dataclass(frozen=True, slots=True)
class Progress:
    """Passed to ``on_progress`` after each step of ``stage``: ``done`` of ``total``."""

    stage: str  # "ids", "titles", "references", "citations"
    done: int
    total: int


class PaperSource(Protocol):
    """Where paper records and edges come from: ``kg.s2.SemanticScholar``, or a static one in tests.

    The four calls raise ``kg.errors.S2Unavailable`` for an outage and ``S2AuthError`` for
    a rejected key; a paper the source does not know is an answer, not an exception.
    """

    @property
    def requests_made(self) -> int: ...

    @property
    def cache_hits(self) -> int: ...

    def get_papers(self, ids: Sequence[str]) -> list[PaperAnswer]: ...

    def match_title(self, title: str) -> PaperAnswer: ...

    def get_references(self, paper_id: str) -> EdgeAnswer: ...

    def get_citations(self, paper_id: str) -> EdgeAnswer: ...


def title_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two titles after ``normalise_title`` (case, accents, dashes).

    Example:
        >>> title_similarity("Spiking  Neural-Networks!", "spiking neural networks")
        1.0
    """
    return SequenceMatcher(None, normalise_title(a), normalise_title(b), autojunk=False).ratio()


def enrich(
    corpus: Corpus,
    source: PaperSource,
    *,
    citations: bool = True,
    references: bool = True,
    match_titles: bool = True,
    depth: int = 1,
    title_threshold: float = DEFAULT_TITLE_THRESHOLD,
    year_tolerance: int = DEFAULT_YEAR_TOLERANCE,
    on_progress: Callable[[Progress], None] | None = None,
) -> tuple[Corpus, EnrichReport]:
    """Enrich every paper of a corpus from Semantic Scholar.

    Papers are looked up by S2 id, DOI, arXiv id and PMID in that order (500 ids a request),
    then by title, accepting a title match only if its normalised similarity reaches
    ``title_threshold`` and its year is within ``year_tolerance`` of the paper's. Merging
    fills bibliographic fields the input lacks and sets S2's counts; ``Paper.id``, title and
    abstract never change. Stubs and S2 citations from an earlier run are replaced when
    edges are fetched (kept and added to when the run is cut short).

    Args:
        corpus: The corpus; papers with ``is_stub`` are not looked up.
        source: Where answers come from (``kg.s2.SemanticScholar``).
        citations: Fetch the papers citing each corpus paper.
        references: Fetch the papers each corpus paper cites.
        match_titles: Look papers without a known id up by title (one request each).
        depth: How far stub papers reach: 0 keeps only edges between corpus papers, 1 adds
            the papers they cite or are cited by, 2 also fetches those papers' edges, etc.
        title_threshold: Least title similarity (0-1] for accepting a title match.
        year_tolerance: Largest accepted year difference for a title match.
        on_progress: Called after every step; an exception it raises stops the run.

    Returns:
        The enriched corpus and the report.

    Raises:
        S2AuthError: The API key was rejected (nothing can be fetched with it).
        ValueError: If an option is out of range.
    """
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    if not 0.0 < title_threshold <= 1.0:
        raise ValueError(f"title threshold must be in (0, 1], not {title_threshold}")
    if year_tolerance < 0:
        raise ValueError(f"year tolerance must be 0 or more, not {year_tolerance}")
    run = _Run(corpus, source, title_threshold, year_tolerance, on_progress or (lambda _: None))
    directions = tuple(
        d for d, wanted in (("references", references), ("citations", citations)) if wanted
    )
    requests_before, hits_before = source.requests_made, source.cache_hits
    message = None
    try:
        run.resolve_ids()
        if match_titles:
            run.resolve_titles()
        else:
            run.title_skipped = True
        run.index_resolved()
        if directions:
            run.fetch_edges(directions, depth)
    except S2AuthError:
        raise
    except S2Error as exc:
        message = str(exc)
    enriched = run.build(corpus, replace_edges=bool(directions), cut_short=message is not None)
    report = run.report(
        requests=source.requests_made - requests_before,
        cache_hits=source.cache_hits - hits_before,
        message=message,
    )
    return enriched, report


class _Run:
    """Mutable working state of one ``enrich`` call (never leaves this module)."""

    def __init__(
        self,
        corpus: Corpus,
        source: PaperSource,
        title_threshold: float,
        year_tolerance: int,
        progress: Callable[[Progress], None],
    ) -> None:
        self.source = source
        self.threshold = title_threshold
        self.tolerance = year_tolerance
        self.progress = progress
        self.papers = [p for p in corpus.papers if not p.is_stub]
        self.resolved: dict[PaperId, tuple[Route, S2Paper]] = {}
        self.notes: dict[PaperId, list[str]] = {p.id: [] for p in self.papers}
        self.rejected: list[RejectedMatch] = []
        self.shared: list[tuple[PaperId, PaperId]] = []
        self.s2_to_node: dict[str, PaperId] = {}
        self.ext_to_node: dict[PaperId, PaperId] = {}  # "doi:…"/"arxiv:…" keys of every known paper
        self.stubs: dict[PaperId, Paper] = {}
        self.edges: dict[tuple[PaperId, PaperId], Citation] = {}
        self.reported: dict[
            tuple[PaperId, str], int | None
        ] = {}  # S2's counts per (paper, direction)
        self.capped: list[CappedList] = []
        self.edge_problems: list[EdgeProblem] = []
        self.edges_fetched = self.null_ids = self.beyond_depth = 0
        self.title_tried: set[PaperId] = set()
        self.title_skipped = False
        for paper in self.papers:
            for key in _external_keys(paper.doi, paper.arxiv):
                self.ext_to_node.setdefault(key, paper.id)

    # -- resolution ----------------------------------------------------------------------

    def resolve_ids(self) -> None:
        routes = {p.id: _id_routes(p) for p in self.papers}
        round_ = 0
        while todo := [
            (p.id, routes[p.id][round_])
            for p in self.papers
            if p.id not in self.resolved and len(routes[p.id]) > round_
        ]:
            for start in range(0, len(todo), BATCH_LIMIT):
                chunk = todo[start : start + BATCH_LIMIT]
                answers = self.source.get_papers([query for _, (_, query) in chunk])
                for (pid, (route, query)), answer in zip(chunk, answers, strict=True):
                    if answer.status is Status.FOUND and answer.paper is not None:
                        self.resolved[pid] = (route, answer.paper)
                    else:
                        self.notes[pid].append(f"{query} {_status_text(answer)}")
                self.progress(Progress("ids", start + len(chunk), len(todo)))
            round_ += 1

    def resolve_titles(self) -> None:
        todo = [p for p in self.papers if p.id not in self.resolved]
        for done, paper in enumerate(todo, start=1):
            self.title_tried.add(paper.id)
            if not paper.title.strip():
                self.notes[paper.id].append("no title to match")
                continue
            answer = self.source.match_title(paper.title)
            if answer.status is Status.FOUND and answer.paper is not None:
                verdict = self._check_match(paper, answer.paper)
                if verdict is None:
                    self.resolved[paper.id] = (Route.TITLE, answer.paper)
                else:
                    self.notes[paper.id].append(f"title match rejected: {verdict}")
            elif answer.status is Status.NOT_FOUND:
                self.notes[paper.id].append("no title match")
            else:
                self.notes[paper.id].append(f"title match {_status_text(answer)}")
            self.progress(Progress("titles", done, len(todo)))

    def _check_match(self, paper: Paper, candidate: S2Paper) -> str | None:
        similarity = title_similarity(paper.title, candidate.title or "")
        reason = None
        if similarity < self.threshold:
            reason = f"title similarity {similarity:.2f} is below {self.threshold:.2f}"
        elif (
            paper.year is not None
            and candidate.year is not None
            and abs(paper.year - candidate.year) > self.tolerance
        ):
            reason = (
                f"year {candidate.year} is more than {self.tolerance} from the paper's {paper.year}"
            )
        if reason is not None:
            self.rejected.append(
                RejectedMatch(
                    paper.id, candidate.title or "", candidate.year, round(similarity, 3), reason
                )
            )
            reason = f'{reason} ("{candidate.title}", {candidate.year})'
        return reason

    def index_resolved(self) -> None:
        for paper in self.papers:
            if paper.id not in self.resolved:
                continue
            s2 = self.resolved[paper.id][1]
            first = self.s2_to_node.setdefault(s2.paper_id, paper.id)
            if first != paper.id:
                self.shared.append((paper.id, first))
            for key in _external_keys(normalise_doi(s2.doi or ""), normalise_arxiv(s2.arxiv or "")):
                self.ext_to_node.setdefault(key, paper.id)
            self._remember_counts(paper.id, s2)

    def _remember_counts(self, pid: PaperId, s2: S2Paper) -> None:
        self.reported[(pid, "references")] = s2.reference_count
        self.reported[(pid, "citations")] = s2.citation_count

    # -- edges ---------------------------------------------------------------------------

    def fetch_edges(self, directions: tuple[str, ...], depth: int) -> None:
        frontier = [(pid, s2_id) for s2_id, pid in self.s2_to_node.items()]
        for level in range(max(depth, 1)):
            before = set(self.stubs)
            for direction in directions:
                todo = frontier
                if direction == "citations":  # S2 counts are right about zero citations; skip those
                    todo = [
                        (pid, s2_id)
                        for pid, s2_id in frontier
                        if self.reported.get((pid, direction)) != 0
                    ]
                for done, (pid, s2_id) in enumerate(todo, start=1):
                    fetch = (
                        self.source.get_references
                        if direction == "references"
                        else self.source.get_citations
                    )
                    self._add_edges(pid, direction, fetch(s2_id), level + 1, depth)
                    self.progress(Progress(direction, done, len(todo)))
            frontier = [
                (pid, self.stubs[pid].s2_id or "") for pid in self.stubs if pid not in before
            ]

    def _add_edges(
        self, pid: PaperId, direction: str, answer: EdgeAnswer, level: int, depth: int
    ) -> None:
        if answer.status is not Status.FOUND:
            self.edge_problems.append(EdgeProblem(pid, direction, _status_text(answer)))
            return
        self.edges_fetched += len(answer.edges)
        if answer.truncated:
            reported = self.reported.get((pid, direction))
            self.capped.append(CappedList(pid, direction, len(answer.edges), reported))
        for edge in answer.edges:
            if edge.paper is None:
                self.null_ids += 1
                continue
            other = self._node_for(edge.paper, level, depth)
            if other is None:
                self.beyond_depth += 1
                continue
            citing, cited = (pid, other) if direction == "references" else (other, pid)
            new = Citation(
                citing=citing,
                cited=cited,
                intents=edge.intents,
                contexts=edge.contexts,
                is_influential=edge.is_influential,
                source=SOURCE,
                retrieved=answer.retrieved,
            )
            old = self.edges.get((citing, cited))
            self.edges[(citing, cited)] = new if old is None else _merge_citations(old, new)

    def _node_for(self, s2: S2Paper, level: int, depth: int) -> PaperId | None:
        """The paper id of an edge's other end, creating a stub if ``level`` allows."""
        if s2.paper_id in self.s2_to_node:
            return self.s2_to_node[s2.paper_id]
        doi, arxiv = normalise_doi(s2.doi or ""), normalise_arxiv(s2.arxiv or "")
        for key in _external_keys(doi, arxiv):
            if key in self.ext_to_node:  # a corpus paper S2 knows under another record, or a stub
                return self.ext_to_node[key]
        if level > depth:
            return None
        pid = paper_id(doi=doi, arxiv=arxiv) if (doi or arxiv) else PaperId(f"s2:{s2.paper_id}")
        self.stubs[pid] = Paper(
            id=pid,
            title=s2.title or f"Semantic Scholar paper {s2.paper_id}",
            year=s2.year,
            date=s2.publication_date,
            doi=doi,
            arxiv=arxiv,
            pmid=s2.pmid,
            s2_id=s2.paper_id,
            venue=s2.venue,
            citation_count=s2.citation_count,
            reference_count=s2.reference_count,
            is_stub=True,
        )
        self.s2_to_node[s2.paper_id] = pid
        for key in _external_keys(doi, arxiv):
            self.ext_to_node[key] = pid
        self._remember_counts(pid, s2)
        return pid

    # -- results -------------------------------------------------------------------------

    def build(self, corpus: Corpus, *, replace_edges: bool, cut_short: bool) -> Corpus:
        papers = [
            merge_paper(p, self.resolved[p.id][1]) if p.id in self.resolved else p
            for p in self.papers
        ]
        old_stubs = {p.id: p for p in corpus.papers if p.is_stub}
        old_edges = {(c.citing, c.cited): c for c in corpus.citations if c.source == SOURCE}
        others = [c for c in corpus.citations if c.source != SOURCE]
        if not replace_edges:  # metadata-only run: earlier edges and stubs stay as they were
            stubs, edges = old_stubs, old_edges
        elif cut_short:  # never lose earlier edges to a partial run
            stubs, edges = {**old_stubs, **self.stubs}, {**old_edges, **self.edges}
        else:
            stubs, edges = self.stubs, self.edges
        corpus_ids = {p.id for p in papers}
        stub_papers = [stubs[pid] for pid in sorted(stubs) if pid not in corpus_ids]
        citations = others + [edges[pair] for pair in sorted(edges)]
        return replace(corpus, papers=tuple(papers + stub_papers), citations=tuple(citations))

    def report(self, *, requests: int, cache_hits: int, message: str | None) -> EnrichReport:
        unresolved = []
        for paper in self.papers:
            if paper.id in self.resolved:
                continue
            notes = list(self.notes[paper.id])
            if not _id_routes(paper):
                notes.insert(0, "no DOI, arXiv id, PMID or S2 id")
            if self.title_skipped:
                notes.append("not looked up by title (title matching is off)")
            elif paper.id not in self.title_tried:
                notes.append("not looked up by title: the run was cut short")
            unresolved.append(Unresolved(paper.id, "; ".join(notes)))
        return EnrichReport(
            papers=len(self.papers),
            resolved=tuple(
                (p.id, self.resolved[p.id][0]) for p in self.papers if p.id in self.resolved
            ),
            unresolved=tuple(unresolved),
            rejected_matches=tuple(self.rejected),
            shared_s2_ids=tuple(self.shared),
            edges_fetched=self.edges_fetched,
            citations_added=len(self.edges),
            stubs_added=len(self.stubs),
            null_ids_skipped=self.null_ids,
            beyond_depth_skipped=self.beyond_depth,
            capped=tuple(self.capped),
            edge_problems=tuple(self.edge_problems),
            requests=requests,
            cache_hits=cache_hits,
            cut_short=message is not None,
            message=message,
        )


def merge_paper(paper: Paper, s2: S2Paper) -> Paper:
    """Merge an S2 record into a corpus paper.

    ``id``, title and abstract never change (IRIs and mention offsets depend on them). The
    input wins for bibliographic fields it has (ids, year, date, venue, author names);
    S2 wins for what only S2 measures (its id, counts, fields of study, open-access PDF).
    """
    return replace(
        paper,
        s2_id=s2.paper_id,
        doi=paper.doi or normalise_doi(s2.doi or ""),
        arxiv=paper.arxiv or normalise_arxiv(s2.arxiv or ""),
        pmid=paper.pmid or s2.pmid,
        year=paper.year if paper.year is not None else s2.year,
        date=paper.date or s2.publication_date,
        venue=paper.venue or s2.venue,
        authors=_merge_authors(paper.authors, s2.authors),
        fields_of_study=s2.fields_of_study or paper.fields_of_study,
        citation_count=_first(s2.citation_count, paper.citation_count),
        reference_count=_first(s2.reference_count, paper.reference_count),
        influential_citation_count=_first(
            s2.influential_citation_count, paper.influential_citation_count
        ),
        open_access_pdf=s2.open_access_pdf or paper.open_access_pdf,
    )


def _merge_authors(
    authors: tuple[Author, ...], s2_authors: tuple[S2Author, ...]
) -> tuple[Author, ...]:
    # The input's names and order win; an S2 author id is attached where the names agree.
    if not authors:
        return tuple(Author(a.name, a.author_id) for a in s2_authors)
    ids: dict[str, str] = {}
    for a in s2_authors:
        if a.author_id:
            ids.setdefault(normalise_title(a.name), a.author_id)
    return tuple(
        a if a.s2_id else Author(a.name, ids.get(normalise_title(a.name))) for a in authors
    )


def _merge_citations(old: Citation, new: Citation) -> Citation:
    # The same edge seen from both ends (A's references and B's citations): keep all S2 said.
    flags = {old.is_influential, new.is_influential} - {None}
    times = [t for t in (old.retrieved, new.retrieved) if t]
    return replace(
        old,
        intents=tuple(dict.fromkeys(old.intents + new.intents)),
        contexts=tuple(dict.fromkeys(old.contexts + new.contexts)),
        is_influential=(True in flags) if flags else None,
        retrieved=min(times) if times else None,
    )


def _id_routes(paper: Paper) -> list[tuple[Route, str]]:
    routes: list[tuple[Route, str]] = []
    if paper.s2_id and paper.s2_id.strip():
        s2_id = paper.s2_id.strip()
        routes.append((Route.S2, f"CorpusId:{s2_id}" if s2_id.isdigit() else s2_id))
    if paper.doi:
        routes.append((Route.DOI, f"DOI:{paper.doi}"))
    if paper.arxiv:
        routes.append((Route.ARXIV, f"ARXIV:{paper.arxiv}"))
    if paper.pmid:
        routes.append((Route.PMID, f"PMID:{paper.pmid}"))
    return routes


def _external_keys(doi: str | None, arxiv: str | None) -> list[PaperId]:
    keys = [PaperId(f"doi:{doi}")] if doi else []
    return keys + ([PaperId(f"arxiv:{arxiv}")] if arxiv else [])


def _status_text(answer: PaperAnswer | EdgeAnswer) -> str:
    if answer.status is Status.FAILED and answer.detail:
        return f"failed: {answer.detail}"
    return str(answer.status)


def _first(*values: int | None) -> int | None:
    return next((v for v in values if v is not None), None)
