"""JSON Lines in and out: one JSON object per line (pure; the caller reads and writes files)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from kg.ingest.records import RawRecord
from kg.models import Corpus, Paper, Problem

_EXAMPLE = '{"title": "...", "abstract": "..."}'


def read_jsonl(text: str, path: str) -> Iterator[RawRecord | Problem]:
    """Yield each non-blank line's object, or a Problem for a line that is not one.

    Lines are split on "\\n" only: U+2028 and friends are legal inside JSON strings.
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            message = f"not valid JSON ({exc.msg} at column {exc.colno}); each line must be one"
            yield Problem(path, number, f"{message} JSON object such as {_EXAMPLE}")
            continue
        if not isinstance(value, dict):
            kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
                type(value), "a number"
            )
            yield Problem(
                path,
                number,
                f"line holds {kind}, not a JSON object; write one object per line "
                f"such as {_EXAMPLE}",
            )
            continue
        yield RawRecord(number, value)


def paper_to_record(paper: Paper) -> dict[str, Any]:
    """The normalised JSON object of a paper: modelled fields first, then ``extra``, no empties."""
    authors: list[Any] = [
        {"name": a.name, "s2_id": a.s2_id} if a.s2_id else a.name for a in paper.authors
    ]
    record: dict[str, Any] = {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "text": paper.text,
        "year": paper.year,
        "date": paper.date,
        "doi": paper.doi,
        "arxiv": paper.arxiv,
        "pmid": paper.pmid,
        "s2_id": paper.s2_id,
        "venue": paper.venue,
        "authors": authors,
        "author_count": paper.author_count,
        "fields_of_study": list(paper.fields_of_study),
        "citation_count": paper.citation_count,
        "reference_count": paper.reference_count,
        "influential_citation_count": paper.influential_citation_count,
        "open_access_pdf": paper.open_access_pdf,
    }
    record = {key: value for key, value in record.items() if value not in (None, "", [])}
    for key, value in paper.extra:
        record.setdefault(key, json.loads(value))
    return record


def corpus_to_jsonl(corpus: Corpus) -> str:
    """Render a corpus's papers as normalised, deterministic JSON Lines.

    Keys: ``id``, ``title``, ``abstract``, ``text``, ``year``, ``date``, ``doi``,
    ``arxiv``, ``pmid``, ``s2_id``, ``venue``, ``authors``, ``author_count`` (and the
    enrichment counts when known), then the extra fields in sorted order; null and
    empty values are left out. Reading the result with ``read_corpus`` gives back the
    same papers (ids, titles, abstracts, ...); only ``sources`` differ. Source paths are
    not written, so the file does not leak where it was made.

    Example:
        >>> from kg.models import Corpus, Paper, PaperId
        >>> corpus_to_jsonl(Corpus(papers=(Paper(id=PaperId("id:1"), title="Café"),)))
        '{"id": "id:1", "title": "Café"}\\n'
    """
    return "".join(
        json.dumps(paper_to_record(paper), ensure_ascii=False) + "\n" for paper in corpus.papers
    )
