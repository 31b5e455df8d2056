"""kg.s2 against the fake Semantic Scholar over real loopback HTTP (no real sleeping)."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from kg.errors import (
    EnrichmentError,
    S2AuthError,
    S2HTTPError,
    S2RateLimited,
    S2ServerError,
    S2Unavailable,
)
from kg.retry import Pace, retry_after_seconds
from kg.s2 import SemanticScholar
from kg.s2data import (
    EDGE_FIELDS,
    PAPER_FIELDS,
    Status,
    api_message,
    open_access_url,
    parse_edge,
    parse_paper,
)
from tests.fakes.clock import FakeClock
from tests.fakes.semantic_scholar import DROP, TOO_BIG, Outcome, S2Fixture

ASTRO = "aaad99a71f67e2006dbee3757c2c9244491a9a80"
HIPPO = "1c2c9c099cc8ee135b73b3a6d0347e8302f6f3c4"
NEUROFORMER = "523547376d6e2b60ebd27165b03fb4143a40448a"
BRAIN3D = "aab2c1c21476177ae49bfe46548e770f15f8f998"
STDP = "e135c6d927393afa8bc17282e03678dca3975f3e"
MANY = "ad900ea745df7980283583c0a4e3558df23cda21"
REVIEW = "878ec35821e1f1b43390eaed40dde3b7e75c9e7c"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def client(s2: S2Fixture, clock: FakeClock, **kwargs: Any) -> SemanticScholar:
    s2.fake.clock = clock  # the fake's rate limiter sees the same virtual time as the client
    kwargs.setdefault("max_retries", 3)
    return SemanticScholar(
        base_url=s2.base_url, clock=clock, sleep=clock.sleep, rng=random.Random(7), **kwargs
    )


# -- ids, batches ------------------------------------------------------------------------

ID_FORMS = [
    pytest.param(ASTRO, ASTRO, id="s2-paperId"),
    pytest.param("CorpusId:900001", ASTRO, id="CorpusId"),
    pytest.param("corpusid:900001", ASTRO, id="corpusid-lower-case"),
    pytest.param("DOI:10.5555/neurokg.astro-snn", ASTRO, id="DOI"),
    pytest.param("doi:10.5555/NEUROKG.HIPPOCAMPUS-CAM", HIPPO, id="DOI-any-case"),
    pytest.param("10.5555/neurokg.hippocampus-cam", HIPPO, id="bare-DOI"),
    pytest.param("ARXIV:2311.90003", NEUROFORMER, id="ARXIV"),
    pytest.param("PMID:99000001", HIPPO, id="PMID"),
    pytest.param("PMCID:9900001", HIPPO, id="PMCID"),
    pytest.param("MAG:9000005", "445c01d0f4c41fbdc8447e9fc22b85e209b4026b", id="MAG"),
    pytest.param("ACL:2024.neurokg-test.6", BRAIN3D, id="ACL"),
    pytest.param("URL:https://arxiv.org/abs/2312.90001v1", ASTRO, id="URL-arxiv"),
    pytest.param(f"URL:https://www.semanticscholar.org/paper/{STDP}", STDP, id="URL-s2"),
]


@pytest.mark.parametrize(("ident", "expected"), ID_FORMS)
def test_every_id_form_resolves_in_a_batch(
    s2: S2Fixture, clock: FakeClock, ident: str, expected: str
) -> None:
    [answer] = client(s2, clock).get_papers([ident])
    assert answer.status is Status.FOUND and answer.paper is not None
    assert answer.paper.paper_id == expected
    [request] = s2.fake.requests()
    assert (request.method, request.endpoint, request.json) == ("POST", "batch", {"ids": [ident]})


@pytest.mark.parametrize(("ident", "expected"), ID_FORMS)
def test_every_id_form_routes_in_a_path(
    s2: S2Fixture, clock: FakeClock, ident: str, expected: str
) -> None:
    # DOIs put raw slashes and URL ids put ":" and "//" into the path (reference §2).
    answer = client(s2, clock).get_references(ident)
    assert answer.status is Status.FOUND
    assert s2.fake.requests()[0].endpoint == "references"


def test_batch_keeps_order_and_marks_unknown_and_removed_ids_not_found(
    s2: S2Fixture, clock: FakeClock
) -> None:
    ids = [
        "DOI:10.5555/unknown",
        ASTRO,
        "CorpusId:900099",
        "DOI:10.5555/neurokg.removed",
        "ARXIV:2311.90003",
    ]
    answers = client(s2, clock).get_papers(ids)
    assert [a.query for a in answers] == ids
    assert [a.status for a in answers] == [
        Status.NOT_FOUND,
        Status.FOUND,
        Status.NOT_FOUND,
        Status.NOT_FOUND,
        Status.FOUND,
    ]
    assert answers[4].paper is not None and answers[4].paper.paper_id == NEUROFORMER
    assert len(s2.fake.requests()) == 1


def test_batch_asks_only_for_the_needed_fields_in_one_parameter(
    s2: S2Fixture, clock: FakeClock
) -> None:
    client(s2, clock).get_papers([ASTRO])
    [request] = s2.fake.requests()
    assert request.query["fields"] == [",".join(PAPER_FIELDS)]
    assert "ids" not in request.query and request.json == {"ids": [ASTRO]}


def test_more_than_500_ids_go_in_batches_of_500(s2: S2Fixture, clock: FakeClock) -> None:
    ids = [f"DOI:10.5555/missing.{i}" for i in range(1203)]
    ids[0], ids[600], ids[1202] = ASTRO, "CorpusId:900003", "DOI:10.5555/neurokg.stdp-gamma"
    answers = client(s2, clock).get_papers(ids)
    assert [len(r.json["ids"]) for r in s2.fake.requests()] == [500, 500, 203]
    found = {i: a.paper.paper_id for i, a in enumerate(answers) if a.paper}
    assert found == {0: ASTRO, 600: NEUROFORMER, 1202: STDP}


@pytest.mark.parametrize("quirk", [True, False], ids=["400-no-valid-ids", "all-null"])
def test_batch_where_no_id_resolves_is_all_not_found(
    s2: S2Fixture, clock: FakeClock, quirk: bool
) -> None:
    s2.fake.no_valid_ids_quirk = quirk
    answers = client(s2, clock).get_papers(["DOI:10.5555/nope.1", "DOI:10.5555/nope.2"])
    assert [a.status for a in answers] == [Status.NOT_FOUND, Status.NOT_FOUND]


def test_malformed_ids_never_reach_the_batch(s2: S2Fixture, clock: FakeClock) -> None:
    answers = client(s2, clock).get_papers(["", "DOI:10.5555/with space", ASTRO])
    assert [a.status for a in answers] == [Status.FAILED, Status.FAILED, Status.FOUND]
    assert s2.fake.requests()[0].json == {"ids": [ASTRO]}


@pytest.mark.parametrize(
    "outcome",
    [Outcome(400, body=TOO_BIG), Outcome(413), Outcome(504)],
    ids=["400-too-big", "413", "504"],
)
def test_an_oversized_batch_is_split_in_halves(
    s2: S2Fixture, clock: FakeClock, outcome: Outcome
) -> None:
    s2.fake.script(outcome, endpoint="batch")
    ids = [ASTRO, HIPPO, NEUROFORMER, "DOI:10.5555/nope"]
    answers = client(s2, clock).get_papers(ids)
    assert [len(r.json["ids"]) for r in s2.fake.requests()] == [4, 2, 2]
    assert [a.status for a in answers] == [Status.FOUND] * 3 + [Status.NOT_FOUND]


def test_a_single_id_too_big_for_one_answer_fails_alone(s2: S2Fixture, clock: FakeClock) -> None:
    s2.fake.script(Outcome(400, body=TOO_BIG), endpoint="batch")
    [answer] = client(s2, clock).get_papers([ASTRO])
    assert answer.status is Status.FAILED and "maximum size" in (answer.detail or "")


def test_duplicate_ids_are_fetched_once(s2: S2Fixture, clock: FakeClock) -> None:
    answers = client(s2, clock).get_papers([ASTRO, ASTRO])
    assert [a.status for a in answers] == [Status.FOUND, Status.FOUND]
    assert s2.fake.requests()[0].json == {"ids": [ASTRO]}


# -- parsing real shapes -----------------------------------------------------------------


def test_batch_answers_are_parsed_from_the_real_shapes(s2: S2Fixture, clock: FakeClock) -> None:
    astro, neuro, hippo, brain, stdp = (
        a.paper for a in client(s2, clock).get_papers([ASTRO, NEUROFORMER, HIPPO, BRAIN3D, STDP])
    )
    assert (
        astro is not None
        and neuro is not None
        and hippo is not None
        and brain is not None
        and stdp is not None
    )
    assert astro.open_access_pdf == "https://arxiv.org/pdf/2312.90001"  # 2025 shape with a URL
    assert neuro.open_access_pdf == "https://arxiv.org/pdf/2311.90003"  # 2023 {url, status}
    assert hippo.open_access_pdf is None  # 2025 {"url": "", ...}
    assert brain.open_access_pdf is None and stdp.open_access_pdf is None  # CLOSED "" and null
    assert (
        astro.doi == "10.5555/neurokg.astro-snn"
        and astro.arxiv == "2312.90001"
        and astro.corpus_id == 900001
    )
    assert (
        hippo.pmid == "99000001" and astro.publication_date == "2023-12-12" and astro.year == 2023
    )
    assert neuro.venue is None  # "" means unknown
    assert neuro.fields_of_study == (
        "Computer Science",
        "Biology",
    )  # fieldsOfStudy null: s2FieldsOfStudy
    assert astro.fields_of_study == ("Computer Science", "Biology")
    assert [(a.name, a.author_id) for a in stdp.authors][-2:] == [
        ("Jörg Groß", "90001003"),
        ("Unknown Author", None),
    ]
    assert (
        stdp.title
        == "Spike‐timing–dependent plasticity of γ‐band “assemblies” in cortical microcircuits"
    )
    assert stdp.citation_count == 3 and stdp.reference_count == 0


def test_parsers_accept_the_recorded_quirks() -> None:
    assert open_access_url(None) is None
    assert open_access_url({"url": "https://x/y.pdf", "status": "GOLD"}) == "https://x/y.pdf"
    assert open_access_url({"url": "", "status": None, "license": None, "disclaimer": "d"}) is None
    assert api_message({"error": "Paper with id X not found"}) == "Paper with id X not found"
    assert api_message({"message": "Forbidden"}) == "Forbidden"
    assert api_message("<html>") is None
    paper = parse_paper(
        {
            "paperId": "p",
            "externalIds": {"CorpusId": 5, "PubMed": 123},
            "citationCount": "7",
            "year": None,
            "authors": [{"authorId": None, "name": "A"}, {"name": None}],
            "title": "x\u0093 y",
        }
    )
    assert (paper.pmid, paper.corpus_id, paper.citation_count, paper.title) == ("123", 5, 7, "x y")
    assert [a.name for a in paper.authors] == ["A"]
    edge = parse_edge(
        {"citedPaper": {"paperId": None, "externalIds": None}, "intents": None},
        wrapper="citedPaper",
    )
    assert edge.paper is None and edge.intents == () and edge.is_influential is None


# -- title match ---------------------------------------------------------------------------


def test_title_match_sends_no_hyphens_and_returns_the_match(
    s2: S2Fixture, clock: FakeClock
) -> None:
    title = "Astrocyte-Enabled Advancements in Spiking Neural Networks for Large Language Modeling"
    answer = client(s2, clock).match_title(title)
    assert (
        answer.status is Status.FOUND
        and answer.paper is not None
        and answer.paper.paper_id == ASTRO
    )
    assert answer.paper.match_score is not None
    [request] = s2.fake.requests()
    assert request.endpoint == "match" and "-" not in (request.param("query") or "")
    assert (
        request.param("query")
        == "Astrocyte Enabled Advancements in Spiking Neural Networks for Large Language Modeling"
    )


def test_title_without_match_is_not_found(s2: S2Fixture, clock: FakeClock) -> None:
    answer = client(s2, clock).match_title("Quantum gravity of medieval pottery")
    assert answer.status is Status.NOT_FOUND


# -- references and citations ------------------------------------------------------------


def test_references_carry_edge_properties_and_null_ids(s2: S2Fixture, clock: FakeClock) -> None:
    answer = client(s2, clock).get_references(ASTRO)
    assert answer.status is Status.FOUND and not answer.truncated and answer.retrieved
    assert len(answer.edges) == 6
    first = answer.edges[0]
    assert first.paper is not None and first.paper.arxiv == "2111.90007"
    assert (
        first.intents == ("methodology",)
        and first.is_influential is True
        and len(first.contexts) == 1
    )
    assert sum(edge.paper is None for edge in answer.edges) == 1
    [request] = s2.fake.requests()
    assert request.param("limit") == "1000" and request.param("offset") == "0"
    assert request.fields == list(EDGE_FIELDS)


def test_citations_are_paged_to_the_end(s2: S2Fixture, clock: FakeClock) -> None:
    answer = client(s2, clock).get_citations(MANY)
    assert len(answer.edges) == 2345 and not answer.truncated
    assert [r.param("offset") for r in s2.fake.requests()] == ["0", "1000", "2000"]
    assert len({edge.paper.paper_id for edge in answer.edges if edge.paper}) == 2345


def test_citations_stop_at_the_api_cap_and_say_so(s2: S2Fixture, clock: FakeClock) -> None:
    s2.fake.store.add_synthetic_citations(REVIEW, 10_500)
    answer = client(s2, clock).get_citations(REVIEW)
    assert answer.truncated and len(answer.edges) == 10_000
    assert [int(r.param("offset") or 0) for r in s2.fake.requests()] == list(range(0, 10_000, 1000))
    assert all(r.param("limit") == "1000" for r in s2.fake.requests())


def test_a_400_while_paging_keeps_the_pages_already_fetched(
    s2: S2Fixture, clock: FakeClock
) -> None:
    s2.fake.edge_cap = 1500  # the API refused pages before its documented cap (s2-folks #96)
    answer = client(s2, clock).get_citations(MANY)
    assert answer.status is Status.FOUND and answer.truncated and len(answer.edges) == 1000


def test_an_empty_page_that_claims_more_ends_the_walk(s2: S2Fixture, clock: FakeClock) -> None:
    s2.fake.script(Outcome(200, body={"offset": 0, "next": 1000, "data": []}), endpoint="citations")
    answer = client(s2, clock).get_citations(MANY)
    assert answer.truncated and answer.edges == () and len(s2.fake.requests()) == 1


def test_edges_of_an_unknown_paper_are_not_found(s2: S2Fixture, clock: FakeClock) -> None:
    answer = client(s2, clock).get_citations("DOI:10.5555/nope")
    assert answer.status is Status.NOT_FOUND and answer.edges == ()


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_statuses_are_retried_until_they_clear(
    s2: S2Fixture, clock: FakeClock, status: int
) -> None:
    s2.fake.script(status, status)
    [answer] = client(s2, clock, max_retries=3).get_papers(
        [ASTRO]
    )  # one id: a 504 is retried, not split
    assert answer.status is Status.FOUND
    assert len(s2.fake.requests()) == 3
    assert len(clock.sleeps) >= 2


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, S2RateLimited),
        (500, S2ServerError),
        (502, S2ServerError),
        (503, S2ServerError),
        (504, S2ServerError),
    ],
)
def test_transient_statuses_that_persist_end_in_an_outage_error(
    s2: S2Fixture, clock: FakeClock, status: int, error: type[Exception]
) -> None:
    s2.fake.fail_always = status
    with pytest.raises(error) as caught:
        client(s2, clock, max_retries=2).get_references(ASTRO)
    assert isinstance(caught.value, S2Unavailable)
    assert caught.value.status == status  # type: ignore[attr-defined]
    assert len(s2.fake.requests()) == 3  # the first try and two retries, no more
    assert "running again later resumes" in str(caught.value)


def test_gateway_and_application_error_bodies_are_both_read(
    s2: S2Fixture, clock: FakeClock
) -> None:
    s2.fake.fail_always = 500
    with pytest.raises(S2ServerError) as gateway:
        client(s2, clock, max_retries=0).get_papers([ASTRO])
    assert gateway.value.api_message == "Internal server error"  # {"message": ...}
    s2.fake.fail_always = None
    s2.fake.script(Outcome(400, body={"error": "Unrecognized or unsupported fields: [bogus]"}))
    with pytest.raises(S2HTTPError) as app:
        client(s2, clock).get_papers([ASTRO])
    assert (
        app.value.status == 400
        and app.value.api_message == "Unrecognized or unsupported fields: [bogus]"
    )


def test_an_unknown_field_is_answered_400_by_the_fake(s2: S2Fixture) -> None:
    import requests

    response = requests.get(
        f"{s2.base_url}/paper/{ASTRO}", params={"fields": "title,bogus"}, timeout=5
    )
    assert response.status_code == 400
    assert response.json() == {"error": "Unrecognized or unsupported fields: [bogus]"}


def test_a_rejected_key_is_reported_at_once(s2: S2Fixture, clock: FakeClock) -> None:
    with pytest.raises(S2AuthError) as caught:
        client(s2, clock, api_key="wrong").get_papers([ASTRO])
    assert caught.value.status == 403 and "API key" in str(caught.value)
    assert len(s2.fake.requests()) == 1 and clock.sleeps == []


def test_a_valid_key_is_sent_as_x_api_key(s2: S2Fixture, clock: FakeClock) -> None:
    s2.fake.valid_keys = {"sekrit"}
    client(s2, clock, api_key="sekrit").get_papers([ASTRO])
    client(s2, clock).get_papers([ASTRO])
    keyed, anonymous = s2.fake.requests()
    assert keyed.headers["x-api-key"] == "sekrit" and "x-api-key" not in anonymous.headers


def test_dropped_connections_are_retried(s2: S2Fixture, clock: FakeClock) -> None:
    s2client = client(s2, clock)
    s2client.match_title("Brain3D: Generating 3D Objects from fMRI")
    s2.fake.script(DROP, DROP)
    [answer] = s2client.get_papers([ASTRO])
    assert answer.status is Status.FOUND and len(s2.fake.requests()) == 4


def test_a_service_never_reached_is_given_up_after_one_retry(
    s2: S2Fixture, clock: FakeClock
) -> None:
    s2.fake.fail_always = DROP
    with pytest.raises(S2Unavailable):
        client(s2, clock, max_retries=6).get_papers([ASTRO])
    assert len(s2.fake.requests()) == 2 and sum(clock.sleeps) < 5


def test_connections_that_keep_dropping_end_in_unavailable(s2: S2Fixture, clock: FakeClock) -> None:
    s2client = client(s2, clock, max_retries=3)
    s2client.get_papers([ASTRO])
    s2.fake.fail_always = DROP
    with pytest.raises(S2Unavailable) as caught:
        s2client.get_references(ASTRO)
    assert "cannot reach Semantic Scholar" in str(caught.value)
    assert len(s2.fake.requests()) == 1 + 4


def test_nothing_listens_is_unavailable(clock: FakeClock) -> None:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: connection refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s2client = SemanticScholar(
        base_url=f"http://127.0.0.1:{port}/graph/v1", clock=clock, sleep=clock.sleep, max_retries=1
    )
    with pytest.raises(S2Unavailable):
        s2client.get_papers([ASTRO])
    assert s2client.requests_made == 2


def test_a_slow_answer_times_out_and_is_retried(s2: S2Fixture, clock: FakeClock) -> None:
    s2.fake.script(Outcome(200, delay=0.5))
    [answer] = client(s2, clock, timeout=0.1).get_papers([ASTRO])
    assert answer.status is Status.FOUND and len(s2.fake.requests()) == 2


# -- pacing and back-off -----------------------------------------------------------------


def test_a_429_storm_clears_and_the_pace_slows_down(s2: S2Fixture, clock: FakeClock) -> None:
    s2.fake.script(429, 429, 429, 429)  # the real 2026 recording: refused, refused, then served
    s2client = client(s2, clock, max_retries=6, backoff=2.0)
    [answer] = s2client.get_papers([ASTRO])
    assert answer.status is Status.FOUND and len(s2.fake.requests()) == 5
    arrivals = [r.arrived for r in s2.fake.requests()]
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert (
        gaps == sorted(gaps) and gaps[-1] >= 8.0
    )  # back-off doubles: 2, 4, 8, 16 (x 0.5-1 jitter)
    slowed = s2client.pace_interval
    assert slowed > 1.0
    for _ in range(20):
        s2client.get_references(ASTRO)  # cache-less: each one a request
    assert 1.0 <= s2client.pace_interval < slowed


def test_pacing_keeps_requests_a_second_apart(s2: S2Fixture, clock: FakeClock) -> None:
    s2.fake.rate_limit = 1.0  # token bucket, 1 request/s, burst 1 (reference §10.5)
    s2client = client(s2, clock)
    for title in (
        "Brain3D: Generating 3D Objects from fMRI",
        "Neuroformer",
        "Continual learning",
        "Hippocampus",
    ):
        s2client.match_title(title)
    arrivals = [r.arrived for r in s2.fake.requests()]
    assert len(arrivals) == 4 and all(b - a >= 1.0 for a, b in itertools.pairwise(arrivals))


def test_without_pacing_the_rate_limit_is_hit_and_survived(s2: S2Fixture, clock: FakeClock) -> None:
    s2.fake.rate_limit = 1.0
    s2client = client(s2, clock, min_interval=0.0, max_retries=6)
    for _ in range(4):
        assert s2client.get_references(ASTRO).status is Status.FOUND
    assert any(r for r in clock.sleeps)  # it had to back off
    assert s2client.pace_interval >= 1.0  # and learnt to slow down
    assert s2client.requests_made > 4


def test_a_retry_after_header_is_honoured(s2: S2Fixture, clock: FakeClock) -> None:
    s2.fake.retry_after = "30"
    s2.fake.script(429)
    client(s2, clock, backoff=1.0).get_papers([ASTRO])
    assert max(clock.sleeps) >= 30.0


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_pace_spaces_requests_by_the_interval() -> None:
    clock = FakeClock()
    pace = Pace(1.0, clock=clock, sleep=clock.sleep)
    pace.wait()
    clock.advance(0.25)
    pace.wait()
    assert clock.sleeps == [0.75]
    pace.slow_down()
    pace.slow_down()
    assert pace.interval == 4.0
    pace.speed_up()
    assert pace.interval == pytest.approx(3.2)


# -- construction --------------------------------------------------------------------------


def test_bad_options_fail_with_a_clear_message(tmp_path: Any) -> None:
    with pytest.raises(EnrichmentError, match="must start with http"):
        SemanticScholar(base_url="api.semanticscholar.org/graph/v1")
    with pytest.raises(EnrichmentError, match="offline mode needs a cache"):
        SemanticScholar(offline=True)
    from kg.cache import JsonCache

    with pytest.raises(EnrichmentError, match="cannot refresh"):
        SemanticScholar(offline=True, refresh=True, cache=JsonCache(tmp_path))


def test_only_kg_s2_imports_requests() -> None:
    from pathlib import Path

    import kg

    importers = sorted(
        p.name
        for p in Path(kg.__file__).parent.glob("*.py")
        if "import requests" in p.read_text(encoding="utf-8")
    )
    assert importers == ["s2.py"]
