"""Field conventions of one input record, validated into a ``Paper`` (pure, no I/O).

Every reader (JSON Lines, CSV/TSV, BibTeX, listing) hands over plain mappings with these
field names, so validation and its messages are the same whatever the file format.
A record that cannot become a paper raises a location-less ``InputError`` here; the
caller adds the file and line (``parse_record``) or turns it into a ``Problem``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from kg.errors import InputError
from kg.ids import normalise_arxiv, normalise_doi, paper_id
from kg.models import Author, Paper, SourceRef

YEAR_MIN: Final = 1000
YEAR_MAX: Final = 2100

#: Field names with a meaning; matched case-insensitively, everything else goes to ``extra``.
MODELLED_FIELDS: Final = (
    "id", "title", "abstract", "text", "year", "date", "doi", "arxiv", "pmid", "s2_id",
    "venue", "authors", "author_count", "fields_of_study", "citation_count",
    "reference_count", "influential_citation_count", "open_access_pdf",
)  # fmt: skip
# Semantic Scholar's own spelling, and common spellings of the arXiv id.
_ALIASES: Final = {"paperid": "s2_id", "arxiv_id": "arxiv", "arxivid": "arxiv"}
_CANONICAL: Final = {**{name: name for name in MODELLED_FIELDS}, **_ALIASES}

# "title:<16 hex>" is the id kg derives from a title; reading it back must derive it again.
_TITLE_ID = re.compile(r"^title:[0-9a-f]{16}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$")


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as a reader found it: the 1-based line it starts on, and its fields."""

    line: int
    fields: Mapping[str, Any]


def parse_record(record: Mapping[str, Any], *, source: SourceRef) -> Paper:
    """Validate one input record and return it as a ``Paper``.

    Field conventions (names are case-insensitive; ``paperId`` is accepted for ``s2_id``):
    ``title`` (required), ``abstract``, ``text``, ``id``, ``year`` (1000..2100),
    ``date`` (ISO), ``doi``, ``arxiv``, ``pmid``, ``s2_id``, ``venue``, ``authors`` (a list
    of names or of ``{"name", "s2_id"}`` objects, or a "; "-separated string),
    ``author_count``. Numbers may be given as strings (as CSV gives them). Every other
    non-empty field is kept in ``Paper.extra``. The paper id comes from the DOI, else the
    arXiv id, else the record's ``id``, else the title (``kg.ids.paper_id``); a record
    ``id`` is therefore not kept when the record also has a DOI or an arXiv id.

    Args:
        record: The record's fields, as decoded from the input file.
        source: Where the record starts; stored in ``Paper.sources``.

    Returns:
        The validated paper, with whitespace normalised in its title.

    Raises:
        InputError: The record cannot be a paper; the message names the field and the fix.

    Example:
        >>> record = {"title": " Spiking  nets ", "doi": "https://doi.org/10.1038/NN.1"}
        >>> paper = parse_record(record, source=SourceRef("papers.jsonl", 3))
        >>> paper.id, paper.title
        ('doi:10.1038/nn.1', 'Spiking nets')
    """
    try:
        return build_paper(record, source)
    except InputError as exc:
        raise InputError(str(exc), path=source.path, line=source.line) from exc


def build_paper(record: Mapping[str, Any], source: SourceRef) -> Paper:
    """``parse_record`` without the location in the error (readers add it to a Problem)."""
    fields, extra = _split_fields(record)
    title = _text(fields, "title")
    abstract = _text(fields, "abstract", keep_inside=True)
    if title is None:
        if abstract is None:
            raise InputError(
                'record has neither a title nor an abstract; add at least a "title" field'
            )
        raise InputError(
            f'record has an abstract but no title ({_snippet(abstract)}); add a "title" field'
        )
    year = _count(fields, "year")
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        raise InputError(
            f'"year" must be a year from {YEAR_MIN} to {YEAR_MAX}, got {fields["year"]!r}; '
            "fix it or leave it empty"
        )
    iso_date, date_year, partial = _date(fields)
    if partial is not None:
        extra["partial_date"] = json.dumps(partial)
    doi = _identifier(
        fields, "doi", normalise_doi, "10.1038/nn.4238 or https://doi.org/10.1038/nn.4238"
    )
    arxiv = _identifier(fields, "arxiv", normalise_arxiv, "2101.00001 or arXiv:2101.00001v2")
    if arxiv is None and doi is not None and (match := _ARXIV_DOI.match(doi)):
        # arXiv's own DOIs carry the arXiv id: keeping it lets a DOI-only record and an
        # arXiv-only record of the same preprint find each other.
        arxiv = normalise_arxiv(match.group(1))
    return Paper(
        id=paper_id(doi=doi, arxiv=arxiv, record_id=_record_id(fields), title=title),
        title=title,
        abstract=abstract or "",
        text=_text(fields, "text", keep_inside=True, strip=False),
        year=year if year is not None else date_year,
        date=iso_date,
        doi=doi,
        arxiv=arxiv,
        pmid=_pmid(fields),
        s2_id=_scalar_text(fields, "s2_id"),
        venue=_text(fields, "venue"),
        authors=_authors(fields),
        author_count=_count(fields, "author_count"),
        fields_of_study=_names(fields, "fields_of_study"),
        citation_count=_count(fields, "citation_count"),
        reference_count=_count(fields, "reference_count"),
        influential_citation_count=_count(fields, "influential_citation_count"),
        open_access_pdf=_open_access_pdf(fields),
        extra=tuple(sorted(extra.items())),
        sources=(source,),
    )


def _split_fields(record: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Modelled fields under canonical names (empty values dropped), and the JSON-encoded rest."""
    fields: dict[str, Any] = {}
    given: dict[str, str] = {}
    extra: dict[str, str] = {}
    for raw_key, value in record.items():
        key = str(raw_key).strip()
        if _is_empty(value):
            continue
        canonical = _CANONICAL.get(key.lower())
        if canonical is None:
            extra[key] = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
            continue
        if canonical in fields and fields[canonical] != value:
            raise InputError(
                f'fields "{given[canonical]}" and "{key}" both give the {canonical} '
                "and disagree; keep one"
            )
        fields[canonical] = value
        given[canonical] = key
    return fields, extra


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | dict) and not value


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _wrong_type(name: str, value: Any, expected: str) -> InputError:
    return InputError(
        f'"{name}" must be {expected}, got {_type_name(value)} ({_snippet(value)}); fix its value'
    )


def _snippet(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)


def _text(
    fields: Mapping[str, Any], name: str, *, keep_inside: bool = False, strip: bool = True
) -> str | None:
    """A string field. Titles and venues get every run of white space collapsed to one space."""
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _wrong_type(name, value, "a string")
    if keep_inside:
        return value.strip() if strip else value
    return " ".join(value.split())


def _scalar_text(fields: Mapping[str, Any], name: str) -> str | None:
    """An identifier given as a string or an integer."""
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _wrong_type(name, value, "a string or an integer")
    return str(value).strip()


def _record_id(fields: Mapping[str, Any]) -> str | None:
    value = _scalar_text(fields, "id")
    if value is None or _TITLE_ID.match(value):
        return None
    # "id:W42" is how corpus_to_jsonl writes record id "W42"; accept both spellings.
    return value.removeprefix("id:") or None


def _count(fields: Mapping[str, Any], name: str) -> int | None:
    """A non-negative whole number, given as an integer, a whole float or a string of digits."""
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip())
    expected = "a year such as 2021" if name == "year" else "a whole number such as 5"
    raise InputError(
        f'"{name}" must be {expected}, got {_snippet(value)}; fix it or leave it empty'
    )


def _date(fields: Mapping[str, Any]) -> tuple[str | None, int | None, str | None]:
    """``(iso_date, year, partial)``: a full date, its year, or a year(-month) kept as given."""
    value = fields.get("date")
    if value is None:
        return None, None, None
    hint = "an ISO date such as 2023-10-09"
    if not isinstance(value, str):
        raise _wrong_type("date", value, hint)
    text = value.strip()
    full, partial = _ISO_DATE.match(text), _PARTIAL_DATE.match(text)
    try:
        if full:
            parsed = date(int(full.group(1)), int(full.group(2)), int(full.group(3)))
            if YEAR_MIN <= parsed.year <= YEAR_MAX:
                return parsed.isoformat(), parsed.year, None
        elif partial:
            year, month = int(partial.group(1)), int(partial.group(2) or 1)
            date(year, month, 1)
            if YEAR_MIN <= year <= YEAR_MAX:
                return None, year, text
    except ValueError:
        pass
    raise InputError(f'"date" must be {hint}, got {_snippet(value)}; fix it or leave it empty')


def _identifier(fields: Mapping[str, Any], name: str, normalise: Any, example: str) -> str | None:
    value = _scalar_text(fields, name)
    if value is None:
        return None
    normalised: str | None = normalise(value)
    if normalised is None:
        raise InputError(
            f'"{name}" is not a valid {"DOI" if name == "doi" else "arXiv id"}: {_snippet(value)}; '
            f"expected e.g. {example}; fix it or leave it empty"
        )
    return normalised


def _pmid(fields: Mapping[str, Any]) -> str | None:
    value = _scalar_text(fields, "pmid")
    if value is None:
        return None
    digits = re.sub(r"^pmid:\s*", "", value, flags=re.IGNORECASE)
    if not (digits.isascii() and digits.isdigit()):
        raise InputError(
            f'"pmid" must be a PubMed id (digits only), got {_snippet(value)}; '
            "fix it or leave it empty"
        )
    return digits


def _split_names(value: str) -> list[str]:
    return [part for part in value.split(";") if part.strip()]


def _names(fields: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """A list of strings, or one "; "-separated string."""
    value = fields.get(name)
    if value is None:
        return ()
    items = _split_names(value) if isinstance(value, str) else value
    if not isinstance(items, Sequence) or not all(isinstance(item, str) for item in items):
        raise _wrong_type(name, value, 'a list of strings or a "; "-separated string')
    return tuple(dict.fromkeys(" ".join(item.split()) for item in items if item.strip()))


def _authors(fields: Mapping[str, Any]) -> tuple[Author, ...]:
    value = fields.get("authors")
    if value is None:
        return ()
    items = _split_names(value) if isinstance(value, str) else value
    expected = 'a list of names or of {"name", "s2_id"} objects, or a "; "-separated string'
    if not isinstance(items, Sequence):
        raise _wrong_type("authors", value, expected)
    authors = []
    for item in items:
        if isinstance(item, str):
            name, s2_id = item, None
        elif isinstance(item, Mapping) and isinstance(item.get("name"), str):
            name = item["name"]
            # "authorId" is Semantic Scholar's spelling, so its JSON can be read as it is.
            s2_id = item.get("s2_id", item.get("authorId"))
            if s2_id is not None and (isinstance(s2_id, bool) or not isinstance(s2_id, str | int)):
                raise _wrong_type("authors", value, expected)
        else:
            raise _wrong_type("authors", value, expected)
        name = " ".join(name.split())
        if name:
            author_id = str(s2_id).strip() if s2_id is not None else ""
            authors.append(Author(name=name, s2_id=author_id or None))
    return tuple(authors)


def _open_access_pdf(fields: Mapping[str, Any]) -> str | None:
    value = fields.get("open_access_pdf")
    if isinstance(value, Mapping):  # Semantic Scholar's {"url": ..., "status": ...}
        value = value.get("url")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise _wrong_type("open_access_pdf", value, "a URL string")
    return value.strip()
