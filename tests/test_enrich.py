"""kg.enrich: merge logic against a StaticSource, whole runs against the fake S2 over loopback."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kg.cache import JsonCache
from kg.enrich import (
    EnrichReport,
    Progress,
    Route,
    enrich,
    format_report,
    merge_paper,
    title_similarity,
)
from kg.errors import S2AuthError
from kg.models import Author, Citation, Corpus, Paper, PaperId
from kg.s2 import SemanticScholar
from kg.s2data import S2Author, S2Edge, S2Paper
from tests.fakes.clock import fake_client
from tests.fakes.semantic_scholar import S2Fixture
from tests.fakes.static_source import StaticSource

ASTRO = "aaad99a71f67e2006dbee3757c2c9244491a9a80"
HEBBIAN = "2de3fda192eb1956c759e00472e2fc9dadcdd07e"
HIPPO = "1c2c9c099cc8ee135b73b3a6d0347e8302f6f3c4"
LSM = "5c3710e546e29021365dbaf2f74c742310365348"
REVIEW = "878ec35821e1f1b43390eaed40dde3b7e75c9e7c"
MANY = "ad900ea745df7980283583c0a4e3558df23cda21"
STDP = "e135c6d927393afa8bc17282e03678dca3975f3e"

# Titles as the example corpus has them (shared/seeds/), with the listing years.
ASTRO_TITLE = (
    "Astrocyte-Enabled Advancements in Spiking Neural Networks for Large Language Modeling"
)
PRIORS_TITLE = "Neural Circuit Architectural Priors for Embodied Control"
CONVERGENT_TITLE = (
    "Convergent Learning: Do different neural networks learn the same representations?"
)


def paper(pid: str, title: str = "A title", **kwargs: Any) -> Paper:
    return Paper(id=PaperId(pid), title=title, **kwargs)


def client(s2: S2Fixture, cache: JsonCache | None = None, **kwargs: Any) -> SemanticScholar:
    return fake_client(s2.base_url, cache, seed=3, **kwargs)  # type: ignore[return-value]


def example_corpus() -> Corpus:
    """Papers shaped like the example corpus and like user records with ids."""
    return Corpus(
        papers=(
            paper("title:astro", ASTRO_TITLE, year=2023),
            paper(
                "doi:10.5555/neurokg.hippocampus-cam",
                "Bio-inspired computational memory model of the Hippocampus",
                doi="10.5555/neurokg.hippocampus-cam",
                abstract="An abstract we keep.",
            ),
            paper(
                "arxiv:2402.90002",
                "Hebbian Learning based Orthogonal Projection",
                arxiv="2402.90002",
                venue="ICLR 2024",
                year=2024,
            ),
            paper("id:lsm", "Increasing Liquid State Machine Performance", s2_id=LSM),
            paper(
                "id:review",
                "Continual Lifelong Learning with Neural Networks: A Review",
                pmid="99000008",
            ),
            paper("title:priors", PRIORS_TITLE, year=2022),
            paper("title:convergent", CONVERGENT_TITLE, year=2015),
        )
    )


# -- resolution ----------------------------------------------------------------------------


def test_papers_resolve_by_every_route_and_unknown_ones_say_why(s2: S2Fixture) -> None:
    enriched, report = enrich(example_corpus(), client(s2))
    assert dict(report.resolved) == {
        "title:astro": Route.TITLE,
        "doi:10.5555/neurokg.hippocampus-cam": Route.DOI,
        "arxiv:2402.90002": Route.ARXIV,
        "id:lsm": Route.S2,
        "id:review": Route.PMID,
    }
    assert report.by_route() == {
        Route.S2: 1,
        Route.DOI: 1,
        Route.ARXIV: 1,
        Route.PMID: 1,
        Route.TITLE: 1,
    }
    reasons = {u.paper_id: u.reason for u in report.unresolved}
    assert "year 2012 is more than 1 from the paper's 2022" in reasons["title:priors"]
    assert (
        "title similarity" in reasons["title:convergent"]
        and "below 0.90" in reasons["title:convergent"]
    )
    assert {m.paper_id for m in report.rejected_matches} == {"title:priors", "title:convergent"}
    assert [p.id for p in enriched.papers[:7]] == [
        p.id for p in example_corpus().papers
    ]  # ids never change


def test_ids_are_looked_up_in_batches_then_titles_one_by_one(s2: S2Fixture) -> None:
    enrich(example_corpus(), client(s2), citations=False, references=False)
    batches = s2.fake.requests("batch")
    assert [r.json["ids"] for r in batches] == [
        ["DOI:10.5555/neurokg.hippocampus-cam", "ARXIV:2402.90002", f"{LSM}", "PMID:99000008"]
    ]
    assert len(s2.fake.requests("match")) == 3


def test_a_paper_unknown_by_one_id_is_tried_by_the_next() -> None:
    review = S2Paper(
        paper_id=REVIEW,
        title="Continual Lifelong Learning with Neural Networks: A Review",
        year=2018,
    )
    source = StaticSource()
    source.add(review, "ARXIV:1802.90008")
    corpus = Corpus(
        papers=(paper("doi:10.1234/x", review.title or "", doi="10.1234/x", arxiv="1802.90008"),)
    )
    _, report = enrich(corpus, source, citations=False, references=False)
    assert report.resolved == (("doi:10.1234/x", Route.ARXIV),)
    assert [c for c in source.calls if c[0] == "get_papers"] == [
        ("get_papers", ["DOI:10.1234/x"]),
        ("get_papers", ["ARXIV:1802.90008"]),
    ]


def test_title_matching_can_be_turned_off() -> None:
    source = StaticSource(titles={ASTRO_TITLE: S2Paper(paper_id=ASTRO, title=ASTRO_TITLE)})
    corpus = Corpus(papers=(paper("title:a", ASTRO_TITLE),))
    enriched, report = enrich(corpus, source, match_titles=False, references=False, citations=False)
    assert enriched == corpus and source.calls == []
    assert report.unresolved[0].reason.endswith("not looked up by title (title matching is off)")


def test_unresolved_reasons_name_each_attempt() -> None:
    corpus = Corpus(
        papers=(paper("doi:10.1234/x", "Nothing like it", doi="10.1234/x"), paper("title:t", ""))
    )
    _, report = enrich(corpus, StaticSource(), references=False, citations=False)
    reasons = [u.reason for u in report.unresolved]
    assert reasons == [
        "DOI:10.1234/x not found; no title match",
        "no DOI, arXiv id, PMID or S2 id; no title to match",
    ]


@pytest.mark.parametrize(
    ("corpus_year", "s2_year", "s2_title", "accepted"),
    [
        pytest.param(2023, 2023, ASTRO_TITLE, True, id="same"),
        pytest.param(
            2023, 2024, ASTRO_TITLE.lower().replace("-", " "), True, id="case-dash-and-next-year"
        ),
        pytest.param(None, 1999, ASTRO_TITLE, True, id="no-year-to-check"),
        pytest.param(2023, 2020, ASTRO_TITLE, False, id="wrong-year"),
        pytest.param(2023, 2023, "Astrocytes in large language models", False, id="low-similarity"),
    ],
)
def test_title_matches_are_checked(
    corpus_year: int | None, s2_year: int, s2_title: str, accepted: bool
) -> None:
    source = StaticSource(
        titles={ASTRO_TITLE: S2Paper(paper_id=ASTRO, title=s2_title, year=s2_year)}
    )
    corpus = Corpus(papers=(paper("title:a", ASTRO_TITLE, year=corpus_year),))
    enriched, report = enrich(corpus, source, references=False, citations=False)
    assert (enriched.papers[0].s2_id == ASTRO) is accepted
    assert len(report.rejected_matches) == (0 if accepted else 1)


def test_title_similarity_ignores_case_accents_and_dashes() -> None:
    assert (
        title_similarity("Groß‐Scale  Spiking—Nets", "gross scale spiking nets") == 1.0
    )  # casefold: ß is ss
    assert title_similarity("Éclair‐type Spiking—Nets", "eclair type spiking nets") == 1.0
    assert title_similarity("A", "completely different") < 0.5


# -- merging -------------------------------------------------------------------------------


def test_merge_fills_what_the_input_lacks_and_keeps_what_it_has() -> None:
    s2 = S2Paper(
        paper_id=ASTRO,
        title="Other title",
        year=2023,
        publication_date="2023-12-12",
        venue="arXiv.org",
        doi="10.5555/NEUROKG.ASTRO-SNN",
        arxiv="2312.90001v2",
        pmid="123",
        authors=(S2Author("Mei-Ling Ashgrove", "1"), S2Author("Tomasz Wiśniewski", "2")),
        fields_of_study=("Computer Science",),
        citation_count=5,
        reference_count=7,
        influential_citation_count=1,
        open_access_pdf="https://arxiv.org/pdf/2312.90001",
    )
    original = paper(
        "title:a",
        "Kept title",
        abstract="Kept abstract.",
        year=2024,
        venue="Kept venue",
        authors=(Author("T. Wisniewski"), Author("Someone Else")),
    )
    merged = merge_paper(original, s2)
    assert (merged.id, merged.title, merged.abstract, merged.year, merged.venue) == (
        "title:a",
        "Kept title",
        "Kept abstract.",
        2024,
        "Kept venue",
    )
    assert (merged.s2_id, merged.doi, merged.arxiv, merged.pmid, merged.date) == (
        ASTRO,
        "10.5555/neurokg.astro-snn",
        "2312.90001",
        "123",
        "2023-12-12",
    )
    assert merged.authors == (
        Author("T. Wisniewski"),
        Author("Someone Else"),
    )  # names differ: no id guessed
    assert (merged.citation_count, merged.reference_count, merged.influential_citation_count) == (
        5,
        7,
        1,
    )
    assert merged.fields_of_study == ("Computer Science",)
    assert merged.open_access_pdf == "https://arxiv.org/pdf/2312.90001"
    with_names = merge_paper(replace(original, authors=(Author("tomasz wisniewski"),)), s2)
    assert with_names.authors == (Author("tomasz wisniewski", "2"),)
    assert merge_paper(replace(original, authors=()), s2).authors == (
        Author("Mei-Ling Ashgrove", "1"),
        Author("Tomasz Wiśniewski", "2"),
    )


def test_enriched_papers_carry_s2_metadata(s2: S2Fixture) -> None:
    enriched, _ = enrich(example_corpus(), client(s2), references=False, citations=False)
    astro = next(p for p in enriched.papers if p.id == "title:astro")
    assert (
        astro.s2_id == ASTRO
        and astro.doi == "10.5555/neurokg.astro-snn"
        and astro.arxiv == "2312.90001"
    )
    assert astro.date == "2023-12-12" and astro.venue == "arXiv.org" and astro.abstract == ""
    assert (
        astro.authors[3] == Author("Anonymous Consortium", None)
        and astro.authors[0].s2_id == "90000101"
    )
    assert astro.fields_of_study == ("Computer Science", "Biology")
    assert (astro.citation_count, astro.reference_count, astro.open_access_pdf) == (
        5,
        7,
        "https://arxiv.org/pdf/2312.90001",
    )
    hippo = next(p for p in enriched.papers if p.s2_id == HIPPO)
    assert (
        hippo.open_access_pdf is None
        and hippo.pmid == "99000001"
        and hippo.abstract == "An abstract we keep."
    )


# -- citations and stubs -------------------------------------------------------------------


def test_citations_carry_intents_contexts_influence_and_fetch_time(s2: S2Fixture) -> None:
    enriched, report = enrich(example_corpus(), client(s2))
    edges = {(c.citing, c.cited): c for c in enriched.citations}
    to_lsm = edges[("title:astro", "id:lsm")]
    assert to_lsm.intents == ("methodology",) and to_lsm.is_influential is True
    assert to_lsm.contexts == (
        "astrocyte-modulated plasticity keeps the reservoir at the edge of chaos [12]",
    )
    assert (
        to_lsm.source == "semantic-scholar" and to_lsm.retrieved and to_lsm.retrieved.endswith("Z")
    )
    # seen from both ends (hebbian's references, astro's citations): one edge
    assert ("arxiv:2402.90002", "title:astro") in edges
    assert (
        sum(
            1
            for c in enriched.citations
            if c.citing == "arxiv:2402.90002" and c.cited == "title:astro"
        )
        == 1
    )
    assert report.citations_added == len(enriched.citations) and report.edges_fetched > len(
        enriched.citations
    )


def test_papers_outside_the_corpus_become_stubs_keyed_by_their_ids(s2: S2Fixture) -> None:
    enriched, report = enrich(example_corpus(), client(s2))
    stubs = {p.id: p for p in enriched.papers if p.is_stub}
    assert "doi:10.5555/neurokg.stdp-gamma" in stubs  # DOI
    assert "arxiv:2205.90077" in stubs  # arXiv only
    plain = next(p for p in stubs.values() if p.title == "A workshop note without identifiers")
    assert plain.id == f"s2:{plain.s2_id}"
    assert stubs["doi:10.5555/neurokg.stdp-gamma"].title.endswith(
        "“assemblies” in cortical microcircuits"
    )
    assert all(p.s2_id for p in stubs.values()) and report.stubs_added == len(stubs)
    assert (
        report.null_ids_skipped == 3
    )  # astro's and hippo's unresolved references, astro's unresolved citer
    corpus_ids = {p.id for p in enriched.papers if not p.is_stub}
    assert not corpus_ids & set(stubs)
    assert all(
        c.citing in corpus_ids | set(stubs) and c.cited in corpus_ids | set(stubs)
        for c in enriched.citations
    )


def test_depth_zero_keeps_only_edges_between_corpus_papers(s2: S2Fixture) -> None:
    enriched, report = enrich(example_corpus(), client(s2), depth=0)
    assert not any(p.is_stub for p in enriched.papers) and report.stubs_added == 0
    corpus_ids = {p.id for p in enriched.papers}
    assert enriched.citations and all(
        c.citing in corpus_ids and c.cited in corpus_ids for c in enriched.citations
    )
    assert report.beyond_depth_skipped > 0


def test_depth_two_fetches_the_edges_of_stubs() -> None:
    a, b, c = (S2Paper(paper_id=x * 40, title=x, doi=f"10.1234/{x}") for x in "abc")
    source = StaticSource(
        references={a.paper_id: [S2Edge(b)], b.paper_id: [S2Edge(c)], c.paper_id: []}
    )
    source.add(a, "DOI:10.1234/a")
    corpus = Corpus(papers=(paper("doi:10.1234/a", "a", doi="10.1234/a"),))
    one, _ = enrich(corpus, source, citations=False, depth=1)
    two, _ = enrich(corpus, source, citations=False, depth=2)
    assert [p.id for p in one.papers] == ["doi:10.1234/a", "doi:10.1234/b"]
    assert [p.id for p in two.papers] == ["doi:10.1234/a", "doi:10.1234/b", "doi:10.1234/c"]
    assert [(c.citing, c.cited) for c in two.citations] == [
        ("doi:10.1234/a", "doi:10.1234/b"),
        ("doi:10.1234/b", "doi:10.1234/c"),
    ]


def test_an_edge_to_a_corpus_paper_s2_did_not_resolve_joins_it_by_doi() -> None:
    a = S2Paper(paper_id="a" * 40, title="a")
    other_record = S2Paper(
        paper_id="f" * 40, title="b", doi="10.1234/B"
    )  # S2 knows b under another record
    source = StaticSource(references={a.paper_id: [S2Edge(other_record)]})
    source.add(a, "DOI:10.1234/a")
    corpus = Corpus(
        papers=(
            paper("doi:10.1234/a", "a", doi="10.1234/a"),
            paper("doi:10.1234/b", "b", doi="10.1234/b"),
        )
    )
    enriched, report = enrich(corpus, source, citations=False)
    assert [(c.citing, c.cited) for c in enriched.citations] == [("doi:10.1234/a", "doi:10.1234/b")]
    assert report.stubs_added == 0


def test_citations_are_not_asked_for_papers_s2_counts_as_uncited(s2: S2Fixture) -> None:
    enrich(example_corpus(), client(s2))
    cited = {r.path.split("/")[-2] for r in s2.fake.requests("citations")}
    assert HEBBIAN not in cited  # citationCount 0
    assert ASTRO in cited and len(s2.fake.requests("references")) == 5


def test_lists_cut_by_the_api_cap_are_reported(s2: S2Fixture) -> None:
    s2.fake.store.add_synthetic_citations(MANY, 8_000)  # 10,345 citations: 10,000 reachable
    corpus = Corpus(
        papers=(
            paper("doi:10.5555/neurokg.many-citations", "x", doi="10.5555/neurokg.many-citations"),
        )
    )
    _enriched, report = enrich(corpus, client(s2), references=False)
    [capped] = report.capped
    assert (capped.paper_id, capped.direction, capped.fetched, capped.reported) == (
        "doi:10.5555/neurokg.many-citations",
        "citations",
        10_000,
        2400,
    )
    assert report.stubs_added == 10_000 and "capped" in format_report(report)


def test_earlier_stubs_and_s2_citations_are_replaced_other_citations_kept() -> None:
    a = S2Paper(paper_id="a" * 40, title="a", doi="10.1234/a")
    b = S2Paper(paper_id="b" * 40, title="b", doi="10.1234/b")
    source = StaticSource(references={a.paper_id: [S2Edge(b, intents=("result",))]})
    source.add(a, "DOI:10.1234/a")
    old_stub = paper("doi:10.1234/old", "old", is_stub=True)
    manual = Citation(PaperId("doi:10.1234/a"), PaperId("doi:10.1234/x"), source="manual")
    old_s2 = Citation(PaperId("doi:10.1234/a"), PaperId("doi:10.1234/old"))
    corpus = Corpus(
        papers=(paper("doi:10.1234/a", "a", doi="10.1234/a"), old_stub), citations=(manual, old_s2)
    )
    enriched, _ = enrich(corpus, source, citations=False)
    assert [p.id for p in enriched.papers] == ["doi:10.1234/a", "doi:10.1234/b"]
    assert [(c.cited, c.source) for c in enriched.citations] == [
        ("doi:10.1234/x", "manual"),
        ("doi:10.1234/b", "semantic-scholar"),
    ]
    metadata_only, _ = enrich(corpus, source, citations=False, references=False)
    assert metadata_only.citations == corpus.citations and metadata_only.papers[1] == old_stub


def test_enriching_twice_gives_the_same_corpus(s2: S2Fixture, tmp_path: Path) -> None:
    cache = JsonCache(tmp_path)
    once, _ = enrich(example_corpus(), client(s2, cache))
    twice, report = enrich(once, client(s2, cache))
    assert twice == once
    assert dict(report.resolved)["title:astro"] is Route.S2  # found by the id the first run added


# -- runs: resume, outage, offline -------------------------------------------------------


def test_a_second_complete_run_makes_no_request(s2: S2Fixture, tmp_path: Path) -> None:
    cache = JsonCache(tmp_path)
    first, first_report = enrich(example_corpus(), client(s2, cache))
    made = len(s2.fake.requests())
    second, report = enrich(example_corpus(), client(s2, cache))
    assert len(s2.fake.requests()) == made and report.requests == 0 and second == first
    batched = sum(len(r.json["ids"]) for r in s2.fake.requests("batch"))
    assert report.cache_hits == first_report.requests - len(s2.fake.requests("batch")) + batched


class Interrupted(Exception):
    pass


@pytest.mark.parametrize(
    ("kill_at", "stage"), [(1, "ids"), (3, "titles"), (6, "references"), (11, "citations")]
)
def test_a_killed_run_resumes_without_repeating_a_finished_request(
    s2: S2Fixture, tmp_path: Path, kill_at: int, stage: str
) -> None:
    def fixed() -> datetime:  # so the resumed and the uninterrupted runs stamp the same times
        return datetime(2026, 1, 1, tzinfo=UTC)

    cache = JsonCache(tmp_path, now=fixed)
    steps: list[Progress] = []

    def kill(progress: Progress) -> None:
        steps.append(progress)
        if len(steps) == kill_at:
            raise Interrupted  # as a Ctrl-C or a killed process would, between two requests

    with pytest.raises(Interrupted):
        enrich(example_corpus(), client(s2, cache), on_progress=kill)
    before = [_signature(r) for r in s2.fake.requests()]
    assert before and steps[-1].stage == stage
    resumed, report = enrich(example_corpus(), client(s2, cache))
    after = [_signature(r) for r in s2.fake.requests()][len(before) :]
    assert not set(before) & set(after)
    uninterrupted, _ = enrich(
        example_corpus(), client(s2, JsonCache(tmp_path / "fresh", now=fixed))
    )
    assert resumed == uninterrupted and report.cache_hits > 0


def test_an_outage_ends_the_run_cleanly_and_keeps_what_was_fetched(
    s2: S2Fixture, tmp_path: Path
) -> None:
    cache = JsonCache(tmp_path)
    progress: list[Progress] = []

    def outage_after_the_titles(step: Progress) -> None:
        progress.append(step)
        if step.stage == "references" and step.done == 2:
            s2.fake.fail_always = 503

    enriched, report = enrich(
        example_corpus(), client(s2, cache), on_progress=outage_after_the_titles
    )
    assert report.cut_short and report.message and "HTTP 503" in report.message
    assert "resumes where this run stopped" in report.message
    assert len(report.resolved) == 5 and all(
        p.s2_id for p in enriched.papers if p.id in dict(report.resolved)
    )
    assert enriched.citations  # the two reference lists fetched before the outage
    assert "cut short" in format_report(report)
    s2.fake.fail_always = None
    before = len(s2.fake.requests())
    complete, second = enrich(enriched, client(s2, cache))
    assert not second.cut_short and len(complete.citations) > len(enriched.citations)
    assert all(r.endpoint in ("references", "citations") for r in s2.fake.requests()[before:])


def test_an_outage_during_lookup_reports_papers_not_looked_up(s2: S2Fixture) -> None:
    s2.fake.fail_always = 429
    enriched, report = enrich(example_corpus(), client(s2, max_retries=1))
    assert report.cut_short and "429" in (report.message or "") and report.resolved == ()
    assert enriched.papers == example_corpus().papers
    assert all("the run was cut short" in u.reason for u in report.unresolved)
    assert report.requests == 2


def test_a_rejected_key_stops_the_run(s2: S2Fixture) -> None:
    with pytest.raises(S2AuthError):
        enrich(example_corpus(), client(s2, api_key="bad"))


def test_offline_runs_use_the_cache_and_never_the_network(s2: S2Fixture, tmp_path: Path) -> None:
    cache = JsonCache(tmp_path)
    online, _ = enrich(example_corpus(), client(s2, cache))
    made = len(s2.fake.requests())
    offline, report = enrich(example_corpus(), client(s2, cache, offline=True))
    assert offline == online and len(s2.fake.requests()) == made and report.requests == 0
    empty, cold = enrich(example_corpus(), client(s2, JsonCache(tmp_path / "empty"), offline=True))
    assert len(s2.fake.requests()) == made and not cold.cut_short
    assert empty.papers == example_corpus().papers
    assert all("not available offline" in u.reason for u in cold.unresolved)


# -- the report and the options ----------------------------------------------------------


def test_format_report_says_what_happened(s2: S2Fixture) -> None:
    _, report = enrich(example_corpus(), client(s2))
    text = format_report(report)
    assert text.startswith(
        "Semantic Scholar: 5 of 7 papers resolved (s2 1, doi 1, arxiv 1, pmid 1, title 1)"
    )
    assert "title:priors: no DOI, arXiv id, PMID or S2 id; title match rejected: year 2012" in text
    assert f"requests   {report.requests} made, 0 answered from the cache" in text
    assert "3 without an S2 id" in text


def test_format_report_summarises_long_lists() -> None:
    corpus = Corpus(papers=tuple(paper(f"title:{i}", f"Unknown paper {i}") for i in range(12)))
    _, report = enrich(corpus, StaticSource(), references=False, citations=False)
    text = format_report(report)
    assert "unresolved 12 (no title match 12):" in text and "… and 2 more" in text
    assert text.count("title:") == 10
    assert format_report(report, limit=None).count("title:") == 12


def test_options_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="depth must be 0 or more"):
        enrich(Corpus(papers=()), StaticSource(), depth=-1)
    with pytest.raises(ValueError, match="title threshold"):
        enrich(Corpus(papers=()), StaticSource(), title_threshold=0)


def test_an_empty_corpus_makes_no_request() -> None:
    source = StaticSource()
    enriched, report = enrich(Corpus(papers=()), source)
    assert enriched == Corpus(papers=()) and report == EnrichReport(papers=0) and source.calls == []


def test_enrich_does_not_import_requests() -> None:
    code = "import sys, kg.enrich, kg.cache, kg.s2data; print('requests' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def _signature(request: Any) -> tuple[str, str, str, bytes]:
    return (request.method, request.path, repr(sorted(request.query.items())), request.body)


# -- the bundled example corpus ------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "papers.jsonl"


def test_the_example_corpus_enriches_offline_against_the_seeds(
    s2: S2Fixture, tmp_path: Path
) -> None:
    if not EXAMPLES.exists():
        pytest.skip("examples/papers.jsonl is not there")
    from kg.ingest import read_corpus

    corpus = read_corpus(EXAMPLES)
    cache = JsonCache(tmp_path)
    enriched, report = enrich(corpus, client(s2, cache))
    by_title = {p.title: p for p in enriched.papers if not p.is_stub}
    resolved = {by_title[t].id for t in (ASTRO_TITLE, "Brain3D: Generating 3D Objects from fMRI")}
    assert resolved <= {pid for pid, route in report.resolved if route is Route.TITLE}
    assert len(report.resolved) == 9 and not report.cut_short
    priors = by_title[PRIORS_TITLE]
    assert priors.s2_id is None and any(m.paper_id == priors.id for m in report.rejected_matches)
    assert len(report.unresolved) == len(corpus.papers) - 9
    assert any(p.is_stub for p in enriched.papers) and enriched.citations
    assert [p.id for p in enriched.papers if not p.is_stub] == [p.id for p in corpus.papers]
    made = len(s2.fake.requests())
    again, second = enrich(corpus, client(s2, cache, offline=True))
    assert again == enriched and second.requests == 0 and len(s2.fake.requests()) == made
