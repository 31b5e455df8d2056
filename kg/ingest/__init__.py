"""Stage 1: read corpus files into a deduplicated ``Corpus``. Reads files; everything else is pure.

Formats, chosen by extension: JSON Lines (``.jsonl``, ``.ndjson``), ``.csv`` and ``.tsv``
with a header row, BibTeX (``.bib``, ``.bibtex``) and plain-text paper listings
(``.txt``). Every reader hands plain records to ``parse_record``, so field conventions and
error messages are the same in every format. A malformed record is a ``Problem`` (file,
line, what to fix) and is skipped, unless ``strict`` makes it fatal.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Final

from kg.errors import InputError
from kg.ingest.bibtex import read_bibtex
from kg.ingest.jsonl import corpus_to_jsonl, read_jsonl
from kg.ingest.listing import read_listing
from kg.ingest.merge import merge_duplicates
from kg.ingest.records import RawRecord, build_paper, parse_record
from kg.ingest.tables import read_table
from kg.models import Corpus, Paper, Problem, SourceRef

__all__ = ["SUPPORTED_EXTENSIONS", "corpus_to_jsonl", "parse_record", "read_corpus"]

Reader = Callable[[str, str], Iterator[RawRecord | Problem]]

_READERS: Final[dict[str, Reader]] = {
    ".bib": read_bibtex,
    ".bibtex": read_bibtex,
    ".csv": partial(read_table, delimiter=","),
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".tsv": partial(read_table, delimiter="\t"),
    ".txt": read_listing,
}
#: File extensions ``read_corpus`` understands (case-insensitive).
SUPPORTED_EXTENSIONS: Final = tuple(sorted(_READERS))

_NO_RECORDS: Final = (
    "contains no paper records; expected JSONL/CSV/BibTeX/listing with title and abstract"
)


def read_corpus(paths: Sequence[Path] | Path | str, *, strict: bool = False) -> Corpus:
    """Read corpus files and merge the papers they share.

    Papers are deduplicated within and across files (same DOI, same arXiv id or same
    normalised title) and kept in first-seen order; see ``merge_duplicates`` for how
    fields are merged.

    Args:
        paths: The files to read, in order. A single path is accepted too.
        strict: Raise on the first malformed record instead of reporting and skipping it.

    Returns:
        A ``Corpus`` with ``papers``, ``problems`` (one per skipped record),
        ``duplicates_merged`` and ``sources`` (the paths as given).

    Raises:
        InputError: A file is missing, a directory, unreadable, not UTF-8, of an
            unsupported type, or holds no paper record; no paper at all could be read;
            or, with ``strict``, any record is malformed. The message is one line that
            names the file, the line when there is one, and the fix.

    Example:
        >>> corpus = read_corpus([Path("examples/papers.jsonl")])  # doctest: +SKIP
        >>> len(corpus.papers), corpus.duplicates_merged, corpus.problems  # doctest: +SKIP
        (220, 0, ())
    """
    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    if not given:
        raise InputError(
            "no input files given; pass one or more corpus files (.jsonl, .csv, .tsv, .bib or .txt)"
        )
    papers: list[Paper] = []
    problems: list[Problem] = []
    for raw_path in given:
        path = Path(raw_path)
        name = str(raw_path)
        reader = _reader_for(path, name)
        records = 0
        for item in reader(read_text(path, name), name):
            records += 1
            if isinstance(item, RawRecord):
                try:
                    papers.append(build_paper(item.fields, SourceRef(name, item.line)))
                    continue
                except InputError as exc:
                    item = Problem(name, item.line, str(exc))
            if strict:
                raise InputError(item.message, path=item.path, line=item.line)
            problems.append(item)
        if records == 0:
            raise InputError(_NO_RECORDS, path=name)
    if not papers:
        raise InputError(
            f"no paper could be read: all {len(problems)} records were skipped; "
            f"the first: {problems[0]}"
        )
    merged, duplicates = merge_duplicates(papers)
    return Corpus(
        papers=merged,
        problems=tuple(problems),
        duplicates_merged=duplicates,
        sources=tuple(str(path) for path in given),
    )


def _reader_for(path: Path, name: str) -> Reader:
    if not path.exists():  # before the extension, which matters less than a typo in the path
        raise InputError("file does not exist; check the path", path=name)
    if path.is_dir():
        raise InputError(
            "is a directory; pass the corpus files in it (e.g. DIR/*.jsonl)", path=name
        )
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        kind = f"file type {path.suffix!r}" if path.suffix else "a file without an extension"
        hint = (
            "; for a JSON array, convert it with `jq -c '.[]' IN.json > OUT.jsonl`"
            if path.suffix == ".json"
            else ""
        )
        raise InputError(
            f"unsupported {kind}; supported: {', '.join(SUPPORTED_EXTENSIONS)}{hint}", path=name
        )
    return reader


def read_text(path: Path, name: str) -> str:
    """The file's text, decoded as UTF-8 (a byte-order mark is dropped).

    Raises:
        InputError: Missing, unreadable or not UTF-8; the message names the fix.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file does not exist; check the path", path=name) from exc
    except IsADirectoryError as exc:
        raise InputError(
            "is a directory; pass the corpus files in it (e.g. DIR/*.jsonl)", path=name
        ) from exc
    except PermissionError as exc:
        raise InputError(
            "cannot be read (permission denied); check the file's permissions", path=name
        ) from exc
    except OSError as exc:
        raise InputError(
            f"cannot be read ({exc.strerror or exc}); check the file", path=name
        ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            f"is UTF-16, not UTF-8; convert it with `iconv -f utf-16 -t utf-8 {name} > NEW_FILE`",
            path=name,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded); "
            f"convert it with `iconv -f latin1 -t utf-8 {name} > NEW_FILE`",
            path=name, line=line,
        ) from exc  # fmt: skip
    return text.removeprefix("\ufeff")
