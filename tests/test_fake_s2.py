"""The fake Semantic Scholar honours the contract of semantic-scholar-api.md §10 (raw HTTP)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.fakes.semantic_scholar import RATE_LIMIT_BODY, S2Fixture

ASTRO = "aaad99a71f67e2006dbee3757c2c9244491a9a80"
REVIEW = "878ec35821e1f1b43390eaed40dde3b7e75c9e7c"
NEUROFORMER = "523547376d6e2b60ebd27165b03fb4143a40448a"


def get(s2: S2Fixture, path: str, **params: Any) -> requests.Response:
    return requests.get(f"{s2.base_url}{path}", params=params, timeout=5)


def test_projection_returns_requested_fields_with_nulls_and_paper_id(s2: S2Fixture) -> None:
    body = get(s2, f"/paper/{NEUROFORMER}", fields="venue,abstract,journal,authors.url").json()
    assert body == {
        "paperId": NEUROFORMER,
        "venue": "",
        "abstract": None,
        "journal": None,
        "authors": [
            {"authorId": "90000301", "url": "https://www.semanticscholar.org/author/90000301"},
            {"authorId": None, "url": None},
            {"authorId": "90000303", "url": "https://www.semanticscholar.org/author/90000303"},
        ],
    }
    assert get(s2, f"/paper/{ASTRO}/").json() == {
        "paperId": ASTRO,
        "title": get(s2, f"/paper/{ASTRO}").json()["title"],
    }


def test_raw_and_encoded_commas_and_slashes_route_alike(s2: S2Fixture) -> None:
    raw = requests.get(
        f"{s2.base_url}/paper/DOI:10.5555/neurokg.astro-snn?fields=year,venue", timeout=5
    ).json()
    encoded = get(s2, "/paper/DOI:10.5555%2Fneurokg.astro-snn", fields="year,venue").json()
    assert raw == encoded == {"paperId": ASTRO, "year": 2023, "venue": "arXiv.org"}


def test_unknown_paper_echoes_the_id_as_sent(s2: S2Fixture) -> None:
    response = get(s2, "/paper/DOI:10.1101/2024.04.01.587366")
    assert response.status_code == 404
    assert response.json() == {"error": "Paper with id DOI:10.1101/2024.04.01.587366 not found"}


def test_nested_citations_stop_at_1000(s2: S2Fixture) -> None:
    body = get(s2, "/paper/CorpusId:900011", fields="citations.year,citationCount").json()
    assert len(body["citations"]) == 1000 and body["citationCount"] == 2400
    assert set(body["citations"][0]) == {"paperId", "year"}


def test_batch_rules(s2: S2Fixture) -> None:
    url = f"{s2.base_url}/paper/batch"
    too_many = requests.post(url, json={"ids": ["x"] * 501}, timeout=5)
    assert too_many.status_code == 400 and "error" in too_many.json()
    ok = requests.post(
        url, params={"fields": "title"}, json={"ids": ["CorpusId:900099", ASTRO]}, timeout=5
    )
    assert ok.json()[0] is None and ok.json()[1]["paperId"] == ASTRO
    none = requests.post(url, json={"ids": ["DOI:10.5555/nope"]}, timeout=5)
    assert (none.status_code, none.json()) == (400, {"error": "No valid paper ids given"})
    nested = requests.post(
        url, params={"fields": "citations"}, json={"ids": ["CorpusId:900011"] * 10}, timeout=5
    )
    assert nested.status_code == 400 and "maximum size" in nested.json()["error"]


def test_relevance_search_shapes(s2: S2Fixture) -> None:
    empty = get(s2, "/paper/search", query="nothing matches this")
    assert empty.json() == {"total": 0, "offset": 0}  # no "data" key (reference §4.3)
    assert get(s2, "/paper/search", query="spiking-neural").json() == {"total": 0, "offset": 0}
    page = get(s2, "/paper/search", query="neural", limit=2).json()
    assert (
        page["offset"] == 0 and page["next"] == 2 and len(page["data"]) == 2 and page["total"] > 2
    )
    last = get(s2, "/paper/search", query="neural", offset=page["total"] - 1, limit=5).json()
    assert "next" not in last and len(last["data"]) == 1
    assert get(s2, "/paper/search", query="neural", limit=101).status_code == 400
    assert get(s2, "/paper/search", query="neural", offset=950, limit=100).status_code == 400
    beyond = get(s2, "/paper/search", query="neural", offset=page["total"])
    assert beyond.json() == {
        "error": "Requested data for this limit and/or offset is not available"
    }


def test_bulk_search_pages_by_token_and_sorts(s2: S2Fixture) -> None:
    first = get(
        s2, "/paper/search/bulk", query="neural", sort="citationCount:desc", fields="citationCount"
    ).json()
    counts = [p["citationCount"] for p in first["data"]]
    assert (
        counts == sorted(counts, reverse=True) and first["token"] is None
    )  # one page: token is null
    assert get(s2, "/paper/search/bulk", query="neural", token="forged").status_code == 400
    assert get(s2, "/paper/search/bulk", query="neural", sort="title").status_code == 400


def test_title_match_hit_and_miss(s2: S2Fixture) -> None:
    hit = get(s2, "/paper/search/match", query="Brain3D Generating 3D Objects from fMRI").json()
    assert len(hit["data"]) == 1 and isinstance(hit["data"][0]["matchScore"], float)
    miss = get(s2, "/paper/search/match", query="Zymurgy of the Outer Hebrides")
    assert (miss.status_code, miss.json()) == (404, {"error": "Title match not found"})


def test_edge_endpoints_page_and_cap(s2: S2Fixture) -> None:
    page = get(
        s2, "/paper/CorpusId:900011/citations", fields="isInfluential,year", limit=1000, offset=2000
    ).json()
    assert page["offset"] == 2000 and "next" not in page and len(page["data"]) == 345
    assert set(page["data"][0]) == {"isInfluential", "citingPaper"}
    assert get(s2, f"/paper/{ASTRO}/citations", limit=1001).status_code == 400
    assert get(s2, f"/paper/{ASTRO}/citations", limit=1000, offset=9500).status_code == 400
    refs = get(s2, f"/paper/{ASTRO}/references", fields="intents,title").json()["data"]
    assert any(edge["citedPaper"]["paperId"] is None for edge in refs)


def test_author_endpoints(s2: S2Fixture) -> None:
    assert get(s2, "/author/90000101", fields="name,paperCount").json() == {
        "authorId": "90000101",
        "name": "Mei-Ling Ashgrove",
        "paperCount": 1,
    }
    assert get(s2, "/author/1").json() == {"error": "Author with id 1 not found"}
    batch = requests.post(
        f"{s2.base_url}/author/batch", json={"ids": ["1", "90000801"]}, timeout=5
    ).json()
    assert batch[0] is None and batch[1]["name"] == "Beatriz Souza"
    papers = get(s2, "/author/90000801/papers", fields="year").json()
    assert papers == {"offset": 0, "data": [{"paperId": REVIEW, "year": 2018}]}
    found = get(s2, "/author/search", query="jörg groß").json()
    assert found["total"] == 1 and found["data"][0]["authorId"] == "90001003"
    assert len(get(s2, f"/paper/{ASTRO}/authors").json()["data"]) == 5


def test_429_and_403_bodies_are_the_real_ones(s2: S2Fixture) -> None:
    s2.fake.script(429)
    limited = get(s2, f"/paper/{ASTRO}")
    assert limited.json() == RATE_LIMIT_BODY and "Retry-After" not in limited.headers
    assert limited.headers["x-amzn-ErrorType"] == "TooManyRequestsException"
    forbidden = requests.get(
        f"{s2.base_url}/paper/{ASTRO}", headers={"x-api-key": "nope"}, timeout=5
    )
    assert (forbidden.status_code, forbidden.json()) == (403, {"message": "Forbidden"})
    assert forbidden.headers["x-amzn-ErrorType"] == "ForbiddenException"


@pytest.mark.parametrize("endpoint", ["batch", "references"])
def test_scripts_can_target_one_endpoint(s2: S2Fixture, endpoint: str) -> None:
    s2.fake.script(503, endpoint=endpoint)
    assert get(s2, f"/paper/{ASTRO}").status_code == 200
    other = requests.post(f"{s2.base_url}/paper/batch", json={"ids": [ASTRO]}, timeout=5)
    refs = get(s2, f"/paper/{ASTRO}/references")
    assert (other.status_code, refs.status_code) == (
        (503, 200) if endpoint == "batch" else (200, 503)
    )
    assert [r.endpoint for r in s2.fake.requests()] == ["paper", "batch", "references"]
