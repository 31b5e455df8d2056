"""Stage 4 records: S2 answers as frozen values, the API limits and the fields kg asks for (pure).

``kg.s2`` parses every answer here, at the boundary, so no raw dict travels further, and
``kg.enrich`` depends on these records without importing ``requests``. Parsers are lenient
about optional fields (S2 changes payloads without versioning the API, see
``shared/reference/semantic-scholar-api.md`` §8) and strict only about what identifies a
paper: a paper object without a string ``paperId`` raises ``S2ResponseError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from kg.errors import S2ResponseError

# The API's limits and the fields kg asks for live here, not in kg.s2, so that kg.enrich
# can use them without importing the HTTP client.
#: Ids per POST /paper/batch (reference §4.2; it was 1000 before 2023).
BATCH_LIMIT: Final = 500
EDGE_PAGE_LIMIT: Final = 1000  # largest `limit` of /references and /citations (reference §4.7)
# Edges past ~10k are unreachable, with no workaround (reference §4.7, s2-folks #27).
EDGE_CAP: Final = 10_000

#: Paper fields enrichment merges (``paperId`` always comes back).
PAPER_FIELDS: Final = (
    "externalIds",
    "title",
    "year",
    "publicationDate",
    "venue",
    "authors",
    "fieldsOfStudy",
    "s2FieldsOfStudy",
    "citationCount",
    "referenceCount",
    "influentialCitationCount",
    "openAccessPdf",
)
#: Edge properties plus the few fields of the other end that a stub paper needs (reference §3).
EDGE_FIELDS: Final = (
    "contexts",
    "intents",
    "isInfluential",
    "externalIds",
    "title",
    "year",
    "venue",
    "citationCount",
)

# C0/C1 control characters arrive in S2 titles from PDF extraction (reference §8).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


class Status(StrEnum):
    """How Semantic Scholar answered one lookup."""

    FOUND = "found"
    NOT_FOUND = "not found"  # a 404 or a null batch entry: data, not an error
    OFFLINE = "not available offline"  # offline mode and no cache entry
    FAILED = "failed"  # this one item could not be fetched (e.g. too big); see ``detail``


@dataclass(frozen=True, slots=True)
class S2Author:
    """An author as S2 lists it; ``author_id`` is None for authors S2 did not resolve."""

    name: str
    author_id: str | None = None


@dataclass(frozen=True, slots=True)
class S2Paper:
    """The fields of an S2 paper object that kg uses; absent or null fields are None/empty."""

    paper_id: str
    title: str | None = None
    year: int | None = None
    publication_date: str | None = None
    venue: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    pmid: str | None = None
    corpus_id: int | None = None
    authors: tuple[S2Author, ...] = ()
    fields_of_study: tuple[str, ...] = ()
    citation_count: int | None = None
    reference_count: int | None = None
    influential_citation_count: int | None = None
    open_access_pdf: str | None = None
    match_score: float | None = None  # only on /paper/search/match answers


@dataclass(frozen=True, slots=True)
class S2Edge:
    """One entry of a /references or /citations list.

    ``paper`` is the other end (the cited paper for references, the citing paper for
    citations), or None when S2 could not resolve it (``paperId: null``).
    """

    paper: S2Paper | None
    intents: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ()
    is_influential: bool | None = None


@dataclass(frozen=True, slots=True)
class PaperAnswer:
    """S2's answer for one id (or one title): the paper, or why there is none."""

    query: str
    status: Status
    paper: S2Paper | None = None
    retrieved: str | None = None  # ISO 8601 UTC time the answer was fetched
    detail: str | None = None  # for FAILED: what went wrong


@dataclass(frozen=True, slots=True)
class EdgeAnswer:
    """All reachable edges of one paper in one direction."""

    paper_id: str
    status: Status
    edges: tuple[S2Edge, ...] = ()
    truncated: bool = False  # the API's caps stopped the walk before the list ended
    retrieved: str | None = None  # fetch time of the oldest page used
    detail: str | None = None


def clean_text(value: str) -> str:
    """Drop control characters and collapse white space (S2 titles carry both)."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def parse_paper(data: Any, *, where: str = "paper") -> S2Paper:
    """Parse one S2 paper object.

    Args:
        data: The decoded JSON object.
        where: Names the object in error messages (e.g. "batch entry 3").

    Returns:
        The paper; optional fields that are missing, null or of the wrong type are None.

    Raises:
        S2ResponseError: If ``data`` is not an object or has no string ``paperId``.

    Example:
        >>> parse_paper({"paperId": "ab12", "venue": "", "year": 2020}).venue is None
        True
    """
    if not isinstance(data, dict):
        raise S2ResponseError(
            f"Semantic Scholar sent {type(data).__name__} for a {where}, not an object"
        )
    paper_id = data.get("paperId")
    if not isinstance(paper_id, str) or not paper_id:
        raise S2ResponseError(f"Semantic Scholar sent a {where} without a paperId")
    raw_external = data.get("externalIds")
    external: dict[str, Any] = raw_external if isinstance(raw_external, dict) else {}
    title = _str(data.get("title"))
    return S2Paper(
        paper_id=paper_id,
        title=clean_text(title) if title else None,
        year=_int(data.get("year")),
        publication_date=_date(data.get("publicationDate")),
        venue=_str(data.get("venue")),
        doi=_str(external.get("DOI")),
        arxiv=_str(external.get("ArXiv")),
        pmid=_id_str(external.get("PubMed")),
        corpus_id=_int(data.get("corpusId", external.get("CorpusId"))),
        authors=_authors(data.get("authors")),
        fields_of_study=_fields_of_study(data),
        citation_count=_int(data.get("citationCount")),
        reference_count=_int(data.get("referenceCount")),
        influential_citation_count=_int(data.get("influentialCitationCount")),
        open_access_pdf=open_access_url(data.get("openAccessPdf")),
        match_score=_float(data.get("matchScore")),
    )


def parse_edge(data: Any, *, wrapper: str) -> S2Edge:
    """Parse one edge of a /references (``wrapper="citedPaper"``) or /citations list.

    Raises:
        S2ResponseError: If the edge is not an object.
    """
    if not isinstance(data, dict):
        raise S2ResponseError(
            f"Semantic Scholar sent {type(data).__name__} for an edge, not an object"
        )
    wrapped = data.get(wrapper)
    paper = None
    if isinstance(wrapped, dict) and isinstance(wrapped.get("paperId"), str) and wrapped["paperId"]:
        paper = parse_paper(wrapped, where=wrapper)
    influential = data.get("isInfluential")
    return S2Edge(
        paper=paper,
        intents=_strings(data.get("intents")),
        contexts=tuple(clean_text(c) for c in _strings(data.get("contexts"))),
        is_influential=influential if isinstance(influential, bool) else None,
    )


def open_access_url(value: Any) -> str | None:
    """The PDF URL of an ``openAccessPdf`` value in any of its three shapes.

    2023-2024: null, or ``{"url", "status"}``; 2025-: always an object whose ``url`` is
    ``""`` when there is no PDF (reference §8). An empty URL means "no PDF".

    Example:
        >>> open_access_url({"url": "", "status": None, "license": None, "disclaimer": "…"}) is None
        True
    """
    if isinstance(value, dict):
        url = value.get("url")
        if isinstance(url, str) and url.strip():
            return url.strip()
    return None


def api_message(payload: Any) -> str | None:
    """The text of an S2 error body: ``{"error": …}`` (S2 app) or ``{"message": …}`` (gateway)."""
    if isinstance(payload, dict):
        for key in ("error", "message"):
            value = payload.get(key)
            if isinstance(value, str) and value:
                return value
    return None


def _str(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _id_str(value: Any) -> str | None:
    # External ids are strings in practice, but CorpusId is an integer there (reference §3).
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _str(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():  # the spec types some counts as strings
        return int(value)
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _date(value: Any) -> str | None:
    text = _str(value)
    return text if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item.strip() for item in value if isinstance(item, str) and item.strip())


def _authors(value: Any) -> tuple[S2Author, ...]:
    if not isinstance(value, list):
        return ()
    authors = []
    for item in value:
        if isinstance(item, dict):
            name = _str(item.get("name"))
            if name:
                authors.append(
                    S2Author(name=clean_text(name), author_id=_id_str(item.get("authorId")))
                )
    return tuple(authors)


def _fields_of_study(data: dict[str, Any]) -> tuple[str, ...]:
    # ``fieldsOfStudy`` is slated for replacement by ``s2FieldsOfStudy`` (S2 FAQ): union both,
    # first-seen order, so the graph does not lose categories when one of them is dropped.
    names = list(_strings(data.get("fieldsOfStudy")))
    s2_fields = data.get("s2FieldsOfStudy")
    if isinstance(s2_fields, list):
        names.extend(
            item["category"]
            for item in s2_fields
            if isinstance(item, dict) and _str(item.get("category"))
        )
    return tuple(dict.fromkeys(name.strip() for name in names))
