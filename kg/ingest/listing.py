"""Plain-text paper listings, as scraped from "Daily Papers" pages (pure; no file I/O).

The format, after an optional page header (``new``, ``Subscribe``, ``Daily Papers``, a
page date such as ``Nov 10``, ...), is paragraphs separated by blank lines::

    Title of the paper

    Abstract paragraph.

      • 5 authors          <- optional block: an author count or an organisation line,
    ·                         a middle dot, and the listing date: "Feb 21, 2024",
    Sep 25                    "Sep 25" (no year), or "Sep 30 25" (a date and upvotes)

A paragraph in title position that reads like an abstract (long, several sentences) is
an abstract without a title; it is reported, and reading goes on with the next record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from kg.ingest.records import RawRecord
from kg.models import Problem

_HEADER_LINES: Final = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "daily papers",
        "byak and the research community",
    }
)
_MONTHS: Final = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
# "Feb 21, 2024", "Sep 25", "Sep 27, 2023 2" and "Sep 30 25": a year always follows a
# comma on these pages, so a bare trailing number is the upvote count.
_DATE_LINE: Final = re.compile(
    r"^(?P<month>[A-Za-z]{3,9})\.? (?P<day>\d{1,2})(?:, (?P<year>\d{4}))?(?: (?P<upvotes>\d+))?$"
)
_AUTHOR_COUNT: Final = re.compile(r"^[•*\-]?\s*(?P<count>\d+)\s+authors?$", re.IGNORECASE)
_SEPARATOR: Final = "·"
_SENTENCE_END: Final = re.compile(r"[.!?](?:\s|$)")


@dataclass(slots=True)
class _Pending:
    """The record being read: its first line, title, abstract and listing metadata."""

    line: int
    title: str
    abstract: str | None = None
    meta: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class _Block:
    """A paragraph: its first line, its text lines, and any author/date lines it ends with."""

    line: int
    text: list[str] = field(default_factory=list)
    meta: list[str] = field(default_factory=list)


def read_listing(text: str, path: str) -> Iterator[RawRecord | Problem]:
    """Yield one record per title + abstract (+ author/date block), and Problems for broken ones."""
    blocks = _skip_header(_blocks(text))
    pending: _Pending | None = None
    # After an abstract without a title, its author/date block is skipped with it.
    orphan = False
    for index, block in enumerate(blocks):
        if block.text:
            paragraph = " ".join(block.text)
            if pending is not None and pending.abstract is None and pending.meta is None:
                upcoming = blocks[index + 1] if index + 1 < len(blocks) else None
                if (
                    not looks_like_abstract(paragraph)
                    and upcoming
                    and looks_like_abstract(" ".join(upcoming.text))
                ):
                    # Title, title, abstract: the first title lost its abstract.
                    yield _finish(pending, path)
                    pending = _Pending(block.line, paragraph)
                else:
                    pending.abstract = paragraph
            else:
                if pending is not None:
                    yield _finish(pending, path)
                pending, orphan = None, False
                if looks_like_abstract(paragraph):
                    orphan = True
                    yield Problem(
                        path,
                        block.line,
                        f"abstract without a title ({_snippet(paragraph)}); add the title line "
                        "above the abstract, separated by a blank line",
                    )
                else:
                    pending = _Pending(block.line, paragraph)
        if block.meta:
            meta_line = block.line + len(block.text)
            if pending is not None and pending.meta is None:
                pending.meta = parse_listing_meta(block.meta)
            elif orphan:
                orphan = False
            else:
                yield Problem(
                    path,
                    meta_line,
                    "author/date lines without a paper above them; "
                    "put them right after the abstract they belong to",
                )
    if pending is not None:
        yield _finish(pending, path)


def looks_like_abstract(paragraph: str) -> bool:
    """True for a paragraph too long or too sentence-like to be a title."""
    if len(paragraph) >= 300 or len(paragraph.split()) >= 45:
        return True
    return len(_SENTENCE_END.findall(paragraph)) >= 2 and paragraph.rstrip()[-1:] in ".!?"


def parse_listing_meta(lines: list[str]) -> dict[str, Any]:
    """Record fields of an author/date block: author_count, organisation, date or listed, upvotes.

    Example:
        >>> parse_listing_meta(["• 5 authors", "·", "Sep 27, 2023 2"])
        {'author_count': 5, 'date': '2023-09-27', 'upvotes': 2}
        >>> parse_listing_meta(["pathwaycom Pathway", "·", "Sep 30 25"])
        {'organisation': 'pathwaycom Pathway', 'listed': 'Sep 30', 'upvotes': 25}
    """
    fields: dict[str, Any] = {}
    after_separator = _SEPARATOR not in lines
    for line in lines:
        if line == _SEPARATOR:
            after_separator = True
        elif match := _AUTHOR_COUNT.match(line):
            fields["author_count"] = int(match.group("count"))
        elif (parsed := _parse_date_line(line)) is not None:
            fields.update(parsed)
        elif not after_separator:
            fields["organisation"] = line  # e.g. "pathwaycom Pathway": the org's handle and name
        else:
            fields["listed"] = line  # a date this reader does not know: kept as written
    return fields


def _parse_date_line(line: str) -> dict[str, Any] | None:
    match = _DATE_LINE.match(line)
    month = _MONTHS.get(match.group("month").lower()) if match else None
    if match is None or month is None:
        return None
    day = int(match.group("day"))
    fields: dict[str, Any] = {}
    try:
        if match.group("year"):
            fields["date"] = date(int(match.group("year")), month, day).isoformat()
        else:
            date(2000, month, day)  # a leap year, so "Feb 29" without a year is valid
            fields["listed"] = f"{match.group('month')} {day}"
    except ValueError:
        return None
    if match.group("upvotes"):
        fields["upvotes"] = int(match.group("upvotes"))
    return fields


def _finish(pending: _Pending, path: str) -> RawRecord | Problem:
    if pending.abstract is None:
        return Problem(
            path,
            pending.line,
            f'title "{pending.title[:60]}" has no abstract; add the abstract paragraph '
            "below the title, separated by a blank line",
        )
    return RawRecord(
        pending.line, {"title": pending.title, "abstract": pending.abstract, **(pending.meta or {})}
    )


def _blocks(text: str) -> list[_Block]:
    """Split into paragraphs, separating trailing author/date lines from the text above them."""
    blocks: list[_Block] = []
    lines: list[str] = []
    start = 0
    for number, raw in enumerate([*text.split("\n"), ""], start=1):
        line = raw.strip()
        if line:
            start = start if lines else number
            lines.append(line)
        elif lines:
            cut = _meta_start(lines)
            blocks.append(_Block(start, lines[:cut], lines[cut:]))
            lines = []
    return blocks


def _meta_start(lines: list[str]) -> int:
    """Index of the first author/date line of a paragraph (len(lines) when there is none)."""
    if all(_AUTHOR_COUNT.match(line) or _parse_date_line(line) is not None for line in lines):
        return 0
    for index, line in enumerate(lines):
        if _AUTHOR_COUNT.match(line):
            return index
        if line == _SEPARATOR:
            # The line above the dot names an organisation, unless it is the abstract itself.
            above = lines[index - 1] if index > 0 else ""
            return (
                index - 1
                if above and len(above) < 100 and not looks_like_abstract(above)
                else index
            )
    return len(lines)


def _skip_header(blocks: list[_Block]) -> list[_Block]:
    """Drop the page header: known header lines and the page date before the first title."""
    for index, block in enumerate(blocks):
        header = all(
            line.lower() in _HEADER_LINES or _parse_date_line(line) is not None
            for line in block.text + block.meta
        )
        if not header:
            return blocks[index:]
    return []


def _snippet(text: str, limit: int = 50) -> str:
    return f'starting "{text[:limit].rstrip()}…"' if len(text) > limit else f'"{text}"'
