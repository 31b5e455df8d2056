"""CSV and TSV with a header row: one record per row (pure; the caller reads the file).

Quoting follows the csv module's (and spreadsheets') conventions, so a quoted field may
hold the delimiter, double quotes ("") and newlines. Authors are "; "-separated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from kg.errors import InputError
from kg.ingest.records import RawRecord
from kg.models import Problem


def read_table(text: str, path: str, *, delimiter: str) -> Iterator[RawRecord | Problem]:
    """Yield each data row as a record keyed by the header, or a Problem for a malformed row.

    Raises:
        InputError: No usable header (no ``title`` column, a repeated name), or a row
            the csv module cannot parse (e.g. an unclosed quote, a NUL byte).
    """
    kind = "TSV" if delimiter == "\t" else "CSV"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = _rows(reader, path, kind)
    header_line, header = next(
        ((line, row) for line, row in rows if any(cell.strip() for cell in row)), (0, [])
    )
    if not header:
        return
    names = _column_names(header, path, header_line, kind, delimiter)
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        while len(row) > len(names) and not row[-1].strip():
            row = row[:-1]  # trailing delimiters, as some spreadsheets write them
        if len(row) != len(names):
            yield Problem(
                path,
                line,
                f"row has {len(row)} fields but the header has {len(names)} columns; put double "
                f'quotes around any field that holds "{_show(delimiter)}", a quote or a line break',
            )
            continue
        # A column without a name (a trailing delimiter in the header) is kept where it has data.
        cells = zip(names, row, strict=True)
        yield RawRecord(
            line,
            {
                name or f"column_{i}": cell
                for i, (name, cell) in enumerate(cells, 1)
                if name or cell.strip()
            },
        )


def _rows(reader: Any, path: str, kind: str) -> Iterator[tuple[int, list[str]]]:
    """``(first line, row)`` pairs; a quoted field with line breaks spans several lines."""
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                f"malformed {kind} ({exc}); check the quoting of the row starting here",
                path=path,
                line=start,
            ) from exc
        yield start, row
        start = reader.line_num + 1


def _column_names(header: list[str], path: str, line: int, kind: str, delimiter: str) -> list[str]:
    names = [name.strip() for name in header]
    lowered = [name.lower() for name in names]
    if "title" not in lowered:
        hint = ""
        if len(names) == 1 and (";" in names[0] or "\t" in names[0] or "," in names[0]):
            hint = (
                f' (the header does not look "{_show(delimiter)}"-separated; check the delimiter)'
            )
        raise InputError(
            f'header has no "title" column{hint}; {kind} input needs a first row naming '
            f"the columns, at least title and abstract (found: {', '.join(names)[:80]})",
            path=path,
            line=line,
        )
    seen: set[str] = set()
    for name, low in zip(names, lowered, strict=True):
        if low and low in seen:
            raise InputError(
                f'header names the column "{name}" twice; rename or remove one',
                path=path,
                line=line,
            )
        seen.add(low)
    return names


def _show(delimiter: str) -> str:
    return "\\t" if delimiter == "\t" else delimiter
