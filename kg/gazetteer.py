"""The compiled gazetteer at run time: concepts, their patterns and blocking patterns.

``kg/data/gazetteer.jsonl`` is written by ``kg.schemes.write_vocabulary`` (``kg vocab``)
and shipped as package data, so extraction never needs the vocabulary sources. Its
lines are a header, one ``concept`` line per concept that has patterns, and one
``block`` line (strings that consume a span and yield no mention, such as software
names). ``load_gazetteer`` parses the packaged file once per process.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from kg.errors import ExtractionError
from kg.models import Concept, ConceptId, EntityType
from kg.surface import (
    CASE_MISMATCH_FACTOR,
    LOWER,
    ORTH,
    MatchAttr,
    form_key,
    has_inner_capital,
    normalise_for_matching,
)

GAZETTEER_RESOURCE: Final = "gazetteer.jsonl"
SUPPORTED_FORMAT: Final = ("neurokg-gazetteer", 1)


@dataclass(frozen=True, slots=True)
class Pattern:
    """One surface form of a concept: its text, how it matches, and its score."""

    text: str
    attr: MatchAttr
    score: float


@dataclass(frozen=True, slots=True)
class Entry:
    """A concept and the patterns that find it."""

    concept: Concept
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class Gazetteer:
    """Concepts by id, with an index from surface forms to concepts.

    Build it with ``parse_gazetteer`` or ``load_gazetteer``; the mappings are read-only.
    """

    entries: Mapping[ConceptId, Entry]
    blocked: tuple[Pattern, ...] = ()
    _forms: Mapping[tuple[ConceptId, str], Pattern] = field(
        default_factory=dict, repr=False, compare=False
    )
    _by_form: Mapping[tuple[EntityType, str], ConceptId] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def from_entries(cls, entries: Iterable[Entry], blocked: Iterable[Pattern] = ()) -> Gazetteer:
        """Index ``entries`` by concept id and by surface form."""
        by_id: dict[ConceptId, Entry] = {}
        forms: dict[tuple[ConceptId, str], Pattern] = {}
        by_form: dict[tuple[EntityType, str], ConceptId] = {}
        for entry in entries:
            cid = entry.concept.id
            if cid in by_id:
                raise ExtractionError(
                    f"gazetteer lists concept {cid} twice; regenerate it with `kg vocab`"
                )
            by_id[cid] = entry
            for pattern in entry.patterns:
                key = form_key(pattern.text)
                forms[(cid, key)] = pattern
                by_form.setdefault((entry.concept.type, key), cid)
        return cls(
            entries=MappingProxyType(by_id),
            blocked=tuple(blocked),
            _forms=MappingProxyType(forms),
            _by_form=MappingProxyType(by_form),
        )

    def __len__(self) -> int:
        return len(self.entries)

    def concept(self, cid: str) -> Concept | None:
        """The concept with id ``cid``, or None."""
        entry = self.entries.get(ConceptId(cid))
        return entry.concept if entry else None

    def lookup(self, text: str, label: EntityType) -> ConceptId | None:
        """The concept of type ``label`` that ``text`` names (a pattern, up to case and dashes)."""
        cid = self._by_form.get((label, form_key(text)))
        if cid is None:
            return None
        pattern = self._forms[(cid, form_key(text))]
        return cid if pattern.attr == LOWER or _squash(pattern.text) == _squash(text) else None

    def score(self, cid: str, surface: str) -> float:
        """Confidence that ``surface`` denotes concept ``cid``; 0.0 if no pattern of it matches.

        The pattern's score (1.0 preferred label, 0.9 synonym, 0.8 abbreviation), times
        0.9 when a product-like name ("SpiNNaker") was matched in another case.
        """
        pattern = self._forms.get((ConceptId(cid), form_key(surface)))
        if pattern is None:
            return 0.0
        if (
            pattern.attr == LOWER
            and has_inner_capital(pattern.text)
            and _squash(surface) != _squash(pattern.text)
        ):
            return round(pattern.score * CASE_MISMATCH_FACTOR, 4)
        return pattern.score


def _squash(text: str) -> str:
    return " ".join(normalise_for_matching(text).split())


def parse_gazetteer(text: str, *, source: str = "gazetteer") -> Gazetteer:
    """Parse gazetteer JSONL text (the format ``kg.schemes`` writes).

    Raises:
        ExtractionError: If the text is not a gazetteer of a supported format version.
    """
    entries: list[Entry] = []
    blocked: list[Pattern] = []
    lines = text.splitlines()
    if not lines:
        raise ExtractionError(
            f"{source} is empty; regenerate it with `kg vocab --source ../shared/vocab`"
        )
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
            kind = record["kind"]
            if kind == "header":
                found = (record.get("format"), record.get("format_version"))
                if found != SUPPORTED_FORMAT:
                    raise ExtractionError(
                        f"{source}: format {found} is not {SUPPORTED_FORMAT}; "
                        "regenerate it with `kg vocab`"
                    )
            elif kind == "concept":
                entries.append(_entry(record))
            elif kind == "block":
                blocked.extend(
                    Pattern(text=t, attr=_attr(a), score=0.0) for t, a in record["patterns"]
                )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ExtractionError(
                f"{source}:{number}: malformed gazetteer line ({exc}); "
                "regenerate it with `kg vocab`"
            ) from exc
        if number == 1 and kind != "header":
            raise ExtractionError(f"{source}: no header line; regenerate it with `kg vocab`")
    return Gazetteer.from_entries(entries, blocked)


def _attr(value: str) -> MatchAttr:
    if value == LOWER:
        return LOWER
    if value == ORTH:
        return ORTH
    raise ValueError(f"unknown match attribute {value!r}")


def _entry(record: Mapping[str, Any]) -> Entry:
    concept = Concept(
        id=ConceptId(record["id"]),
        type=EntityType(record["type"]),
        label=record["label"],
        alt_labels=tuple(record.get("alt_labels", ())),
        notations=tuple(record.get("notations", ())),
        exact_matches=tuple(record.get("exact_matches", ())),
        scheme=record.get("scheme"),
        in_vocabulary=True,
    )
    patterns = tuple(
        Pattern(text=t, attr=_attr(a), score=float(s)) for t, a, s in record["patterns"]
    )
    return Entry(concept=concept, patterns=patterns)


def read_gazetteer(path: Path) -> Gazetteer:
    """Read a gazetteer file (for a gazetteer other than the packaged one)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExtractionError(f"cannot read gazetteer {path}: {exc.strerror or exc}") from exc
    return parse_gazetteer(text, source=str(path))


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer shipped in ``kg/data`` (parsed once per process).

    Raises:
        ExtractionError: If the package data is missing or malformed (reinstall neurokg
            or regenerate with ``kg vocab``).
    """
    resource = resources.files("kg") / "data" / GAZETTEER_RESOURCE
    try:
        text = resource.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExtractionError(
            f"the packaged gazetteer kg/data/{GAZETTEER_RESOURCE} is missing ({exc}); "
            "reinstall neurokg or run `kg vocab --source ../shared/vocab`"
        ) from exc
    return parse_gazetteer(text, source=f"kg/data/{GAZETTEER_RESOURCE}")
