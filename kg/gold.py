"""The files ``kg eval`` reads: gold entity spans (two JSONL formats) and saved predictions.

The project's format (``shared/reference/entity-guidelines.md``) is
``{"id", "title", "text", "entities": [{"start", "end", "label", "text", "canonical"}]}``
with ``text`` = title + blank line + abstract. The shared corpora
(``shared/corpora/README.md``) have ``text`` = the abstract alone, ``title_entities``
whose offsets refer to ``title`` and, for WhiteText, ``unannotated_abbreviations``.

The rule that joins the two: a record whose ``title`` is non-empty and whose ``text``
does not already begin with the title and a blank line is scored on
``title + "\\n\\n" + text`` (exactly ``kg.models.Paper.document`` of a paper with that
title and abstract); its ``entities`` and ``unannotated_abbreviations`` are shifted by
``len(title) + 2``. ``title_entities`` refer to ``title``, which starts the document
either way, so they are never shifted. Entities whose ``label`` is not one of the four
entity types (SciERC's "Task", "Metric", ...) are dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.models import TITLE_SEPARATOR, EntityType

#: The labels a gold file may use; any other label is ignored.
LABELS: tuple[str, ...] = tuple(t.value for t in EntityType)


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """One annotated entity: character offsets into ``GoldDoc.text``."""

    start: int
    end: int
    label: str
    text: str
    canonical: str | None = None


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """One annotated document: the text extraction runs on and its gold spans.

    ``ignore`` holds ``(start, end)`` ranges where a prediction is neither right nor
    wrong (WhiteText's unannotated abbreviations).
    """

    id: str
    text: str
    spans: tuple[GoldSpan, ...] = ()
    title: str | None = None
    ignore: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class PredictedSpan:
    """One predicted entity; ``canonical`` is the linked concept's name, if any."""

    start: int
    end: int
    label: str
    text: str = ""
    canonical: str | None = None


def read_gold(path: Path | str) -> list[GoldDoc]:
    """Read a gold JSONL file (project format or the shared corpora's format).

    Args:
        path: The JSONL file.

    Returns:
        The documents in file order.

    Raises:
        InputError: The file is missing or not UTF-8, a line is not a JSON object, a record
            lacks ``id``/``text``, an id repeats, or an entity's offsets do not slice its text.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(
            "gold file not found; give the path of a JSONL gold file", path=str(path)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read gold file ({exc}); give a UTF-8 JSONL file", path=str(path)
        ) from None
    docs: list[GoldDoc] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"not valid JSON ({exc.msg}); one JSON object per line", path=str(path), line=number
            ) from None
        try:
            doc = parse_gold_record(record)
        except (TypeError, ValueError) as exc:
            raise InputError(str(exc), path=str(path), line=number) from None
        if doc.id in seen:
            raise InputError(
                f"duplicate id {doc.id!r}; give every document its own id",
                path=str(path),
                line=number,
            )
        seen.add(doc.id)
        docs.append(doc)
    return docs


def parse_gold_record(record: object) -> GoldDoc:
    """Turn one gold JSON object into a ``GoldDoc`` (see the module docstring for offsets).

    Raises:
        TypeError: A field has the wrong JSON type (the message says which).
        ValueError: The record is otherwise malformed; the message says what to fix.
    """
    if not isinstance(record, dict):
        raise TypeError("a gold record must be a JSON object with id, text and entities")
    doc_id, body = record.get("id"), record.get("text")
    if not isinstance(doc_id, str) or not doc_id:
        raise TypeError("gold record has no string 'id'; add one")
    if not isinstance(body, str):
        raise TypeError(f"gold record {doc_id!r} has no string 'text'; add the document text")
    title = record.get("title") or None
    if title is not None and not isinstance(title, str):
        raise ValueError(f"gold record {doc_id!r}: 'title' must be a string or null")
    if "entities" not in record:
        raise ValueError(f"gold record {doc_id!r} has no 'entities'; add the list (may be empty)")
    if record.get("title_entities") and title is None:
        raise ValueError(f"gold record {doc_id!r} has title_entities but no title; add the title")
    shift = 0
    text = body
    if title and not body.startswith(title + TITLE_SEPARATOR):
        shift = len(title) + len(TITLE_SEPARATOR)
        text = title + TITLE_SEPARATOR + body
    spans = _spans(record["entities"], text, shift, doc_id, "entities")
    # Title entities refer to the title, which starts the document either way.
    spans += _spans(record.get("title_entities"), title or "", 0, doc_id, "title_entities")
    ignore = tuple(
        (span.start, span.end)
        for span in _spans(
            record.get("unannotated_abbreviations"),
            text,
            shift,
            doc_id,
            "unannotated_abbreviations",
            any_label=True,
        )
    )
    return GoldDoc(
        id=doc_id,
        text=text,
        spans=tuple(sorted(set(spans), key=lambda s: (s.start, s.end, s.label))),
        title=title,
        ignore=ignore,
    )


def _spans(
    items: object, text: str, shift: int, doc_id: str, name: str, *, any_label: bool = False
) -> tuple[GoldSpan, ...]:
    if items is None:
        return ()
    if not isinstance(items, list):
        raise TypeError(f"gold record {doc_id!r}: {name!r} must be a list")
    spans = []
    for item in items:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("start"), int)
            or not isinstance(item.get("end"), int)
        ):
            raise TypeError(
                f"gold record {doc_id!r}: every item of {name!r} needs integer start and end"
            )
        label = item.get("label", "")
        if not any_label and label not in LABELS:
            continue  # another corpus's type (Task, Metric, Generic, ...): not scored
        start, end = item["start"] + shift, item["end"] + shift
        surface = item.get("text")
        if not 0 <= start < end <= len(text) or (
            surface is not None and text[start:end] != surface
        ):
            raise ValueError(
                f"gold record {doc_id!r}: {name} span {item['start']}-{item['end']} does not slice "
                f"{surface!r} out of the text; fix the offsets"
            )
        canonical = item.get("canonical")
        spans.append(
            GoldSpan(
                start,
                end,
                label,
                text[start:end],
                canonical if isinstance(canonical, str) and canonical else None,
            )
        )
    return tuple(spans)


def read_predictions(path: Path | str) -> dict[str, list[PredictedSpan]]:
    """Read predictions saved by ``kg extract`` (``{"id", "entities": [...]}`` per line).

    Each entity needs ``start``, ``end`` and ``label``; its canonical name is ``concept``
    (``kg extract``'s field) or ``canonical``.

    Raises:
        InputError: The file is missing, or a line is not such a record.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read predictions ({exc}); give `kg extract`'s JSONL output", path=str(path)
        ) from None
    found: dict[str, list[PredictedSpan]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            spans = [
                PredictedSpan(
                    int(e["start"]),
                    int(e["end"]),
                    str(e["label"]),
                    str(e.get("text", "")),
                    e.get("concept") or e.get("canonical"),
                )
                for e in record["entities"]
            ]
            found.setdefault(str(record["id"]), []).extend(spans)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"not a prediction record ({exc}); expected {{'id', 'entities': [...]}}",
                path=str(path),
                line=number,
            ) from None
    return found
