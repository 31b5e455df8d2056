"""Read the vocabulary sources and the curated project vocabulary into ``Term`` values.

One reader per source file of ``shared/vocab`` (UBERON, Allen mouse atlas, Papers with
Code methods and datasets, Open Neuromorphic hardware and software) and one for
``ontology/vocab/curated``. Readers only read and select; merging terms into concepts
and choosing patterns is ``kg.schemes``'s job. Malformed input raises
``VocabularyError`` naming the file and line.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from kg.errors import VocabularyError
from kg.models import EntityType
from kg.surface import is_acronym

OBO: Final = "http://purl.obolibrary.org/obo/"

#: Source files expected in the source directory, by scheme name.
SOURCE_FILES: Final = {
    "uberon-brain": "uberon-brain.jsonl",
    "allen-mouse": "allen-mouse-structures.jsonl",
    "pwc-methods": "pwc-methods.jsonl",
    "pwc-datasets": "pwc-datasets.jsonl",
    "hardware": "neuromorphic-hardware.jsonl",
    "software": "neuromorphic-software.jsonl",
}

# UBERON branches that are not brain regions by the entity guidelines (rule 19: spinal
# cord and fibre bundles are not regions), plus vessels and the ventricular system.
UBERON_EXCLUDED_BRANCHES: Final = frozenset(
    {
        "UBERON:0002240",  # spinal cord
        "UBERON:0000122",  # neuron projection bundle (tracts, fasciculi, nerves)
        "UBERON:0001981",  # blood vessel
        "UBERON:0002049",  # vasculature
        "UBERON:0005281",  # ventricular system of central nervous system
        "UBERON:0005282",  # ventricular system of brain
        "UBERON:0002360",  # meninx
    }
)
UBERON_EXCLUDED_TERMS: Final = frozenset({"UBERON:0001017"})  # central nervous system (rule 19)
# Allen subtrees that are not regions: fiber tracts, ventricular systems, grooves; and the root.
ALLEN_EXCLUDED_BRANCHES: Final = frozenset({"MBA:1009", "MBA:73", "MBA:1024"})
ALLEN_EXCLUDED_TERMS: Final = frozenset({"MBA:997"})
# OBO synonym types that mark a synonym as unreliable.
_BAD_SYNONYM_TYPES: Final = frozenset({"deprecated", "dubious", "inconsistent"})
_CURIE_PREFIXES: Final = ("UBERON:", "MBA:", "pwc-method:", "pwc-dataset:", "onm-hardware:")
_CURATED_KEYS: Final = frozenset(
    {"type", "label", "synonyms", "abbreviations", "source_ids", "case_sensitive", "note"}
)


@dataclass(frozen=True, slots=True)
class Term:
    """One record of one vocabulary, before merging.

    ``label`` is the record's preferred name; ``synonyms`` are exact synonyms and
    ``abbreviations`` short forms (matched case-sensitively). ``same_as`` lists source
    ids of other vocabularies that denote the same thing, so the terms merge.
    """

    scheme: str
    type: EntityType
    notation: str | None
    label: str
    synonyms: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    exact_matches: tuple[str, ...] = ()
    close_matches: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
    curated: bool = False
    case_sensitive: bool = False
    popularity: int | None = None  # Papers with Code paper count, where known
    origin: str = ""  # "file:line" of the record, for error messages


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A string that must not become a pattern, or a source record whose strings must not."""

    text: str | None
    source_id: str | None
    block: bool  # also a blocking pattern: a match consumes the span and is dropped
    origin: str


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise VocabularyError(
            f"cannot read vocabulary file {path}: {exc.strerror or exc}; "
            "pass the directory that holds the shared vocabulary files"
        ) from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise VocabularyError(
                    f"{path}:{number}: not valid JSON ({exc.msg}); fix the line"
                ) from exc
            if not isinstance(record, dict):
                raise VocabularyError(f"{path}:{number}: expected a JSON object; fix the line")
            yield number, record


def _ancestors(record: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> set[str]:
    found = set(record.get("ancestors_2026") or {})
    if found:
        return found
    # Terms absent from the 2026 release carry only their 2022 edges: walk them.
    stack = list(record.get("is_a", [])) + list(record.get("part_of", []))
    while stack:
        parent = stack.pop()
        if parent not in found:
            found.add(parent)
            upper = by_id.get(parent)
            if upper:
                stack.extend(upper.get("is_a", []) + upper.get("part_of", []))
    return found


def read_uberon(path: Path) -> tuple[list[Term], dict[str, str]]:
    """Brain-region terms of ``uberon-brain.jsonl`` and the map deprecated id -> replacement.

    Deprecated terms are skipped (their id maps to the replacement), as are the branches
    in ``UBERON_EXCLUDED_BRANCHES``. Only EXACT synonyms (and plural forms) are kept.
    """
    records = {r["id"]: r for _, r in _read_jsonl(path)}
    replaced = {
        i: r["replaced_by"]
        for i, r in records.items()
        if r.get("deprecated") and r.get("replaced_by")
    }
    terms = []
    for uid in sorted(records):
        record = records[uid]
        if record.get("deprecated") or uid in UBERON_EXCLUDED_TERMS:
            continue
        if (
            uid in UBERON_EXCLUDED_BRANCHES
            or _ancestors(record, records) & UBERON_EXCLUDED_BRANCHES
        ):
            continue
        synonyms, abbreviations = [], []
        for synonym in record.get("synonyms", []):
            if synonym.get("type") in _BAD_SYNONYM_TYPES:
                continue
            if synonym.get("scope") != "EXACT" and synonym.get("type") != "plural":
                continue
            text = synonym["text"]
            if synonym.get("type") == "abbreviation" or is_acronym(text):
                abbreviations.append(text)
            else:
                synonyms.append(text)
        terms.append(
            Term(
                scheme="uberon-brain",
                type=EntityType.BRAIN_REGION,
                notation=uid,
                label=record["label"],
                synonyms=tuple(synonyms),
                abbreviations=tuple(abbreviations),
                exact_matches=(OBO + uid.replace(":", "_"),),
                origin=f"{path.name}:{uid}",
            )
        )
    return terms, replaced


def read_allen(path: Path, uberon_labels: dict[str, str], replaced: dict[str, str]) -> list[Term]:
    """Structures of the Allen mouse atlas; each merges with its UBERON equivalent.

    An Allen structure merges with a UBERON term only when the link is one to one (one
    UBERON id for the structure, or one whose label equals the structure's name, and no
    other structure claims that id); other links become ``skos:closeMatch``.

    Args:
        path: ``allen-mouse-structures.jsonl``.
        uberon_labels: Label of every UBERON term kept by ``read_uberon``, by id.
        replaced: Deprecated UBERON id -> replacement, from ``read_uberon``.
    """
    records = [r for _, r in _read_jsonl(path)]
    links: dict[str, list[str]] = {}
    claims: dict[str, str | None] = {}
    for record in records:
        ids = sorted({replaced.get(u, u) for u in record.get("uberon", [])} & uberon_labels.keys())
        links[record["id"]] = ids
        if len(ids) > 1:  # several links: only one whose label is the structure's name counts
            ids = [u for u in ids if uberon_labels[u].casefold() == record["name"].casefold()]
        claims[record["id"]] = ids[0] if len(ids) == 1 else None
    claimed = Counter(u for u in claims.values() if u)
    terms = []
    for record in records:
        mid = record["id"]
        path_ids = set(record.get("structure_id_path", []))
        if mid in ALLEN_EXCLUDED_TERMS or path_ids & ALLEN_EXCLUDED_BRANCHES:
            continue
        claim = claims[mid]
        same = (claim,) if claim and claimed[claim] == 1 else ()
        close = tuple(OBO + u.replace(":", "_") for u in links[mid] if u not in same)
        acronym = record.get("acronym") or ""
        terms.append(
            Term(
                scheme="allen-mouse",
                type=EntityType.BRAIN_REGION,
                notation=mid,
                label=record["name"],
                abbreviations=(acronym,) if acronym and acronym != record["name"] else (),
                exact_matches=(OBO + mid.replace(":", "_"),),
                close_matches=close,
                same_as=same,
                origin=f"{path.name}:{mid}",
            )
        )
    return terms


def _pwc_terms(path: Path, scheme: str, entity_type: EntityType, prefix: str) -> list[Term]:
    terms = []
    for _, record in _read_jsonl(path):
        name = (record.get("name") or "").strip()
        full = (record.get("full_name") or "").strip()
        if not name:
            continue
        # Some full names are descriptions ("An open-source corpus for machine learning.").
        if full.endswith(".") or len(full.split()) > 10 or full.casefold() == name.casefold():
            full = ""
        synonyms: tuple[str, ...] = ()
        abbreviations: tuple[str, ...] = ()
        if is_acronym(name) and full:
            label, abbreviations = full, (name,)
        else:
            label, synonyms = name, ((full,) if full else ())
        terms.append(
            Term(
                scheme=scheme,
                type=entity_type,
                notation=f"{prefix}:{record['id']}",
                label=label,
                synonyms=synonyms,
                abbreviations=abbreviations,
                exact_matches=(record["url"],) if record.get("url") else (),
                popularity=record.get("num_papers"),
                origin=f"{path.name}:{record['id']}",
            )
        )
    return terms


def read_pwc_methods(path: Path) -> list[Term]:
    """Methods of the Papers with Code dump; an acronym name becomes the abbreviation."""
    return _pwc_terms(path, "pwc-methods", EntityType.METHOD, "pwc-method")


def read_pwc_datasets(path: Path) -> list[Term]:
    """Datasets of the Papers with Code dump (name and full name; variants are not kept)."""
    return _pwc_terms(path, "pwc-datasets", EntityType.DATASET, "pwc-dataset")


def read_hardware(path: Path) -> list[Term]:
    """Neuromorphic platforms of Open Neuromorphic (names without their maker)."""
    terms = []
    for _, record in _read_jsonl(path):
        names = [n for n in record.get("names", []) if " by " not in n and " \u2014 " not in n]
        synonyms = tuple(n for n in names if n != record["name"])
        terms.append(
            Term(
                scheme="hardware",
                type=EntityType.HARDWARE,
                notation=record["id"],
                label=record["name"],
                synonyms=synonyms,
                exact_matches=(record["source_page"],) if record.get("source_page") else (),
                origin=f"{path.name}:{record['id']}",
            )
        )
    return terms


def read_software_names(path: Path) -> list[str]:
    """Names (and PyPI names) of neuromorphic software: never entities (guideline 12)."""
    names = set()
    for _, record in _read_jsonl(path):
        names.add(record["name"])
        if record.get("pypi_id"):
            names.add(record["pypi_id"])
    return sorted(names)


def _string_list(record: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise VocabularyError(
            f"{where}: {key!r} must be a list of non-empty strings; fix the record"
        )
    return tuple(v.strip() for v in value)


def read_curated(curated_dir: Path) -> tuple[list[Term], list[Exclusion]]:
    """The hand-written records of ``curated_dir`` (see ontology/vocab/README.md)."""
    if not curated_dir.is_dir():
        raise VocabularyError(
            f"curated vocabulary directory {curated_dir} not found; pass ontology/vocab/curated"
        )
    terms: list[Term] = []
    exclusions: list[Exclusion] = []
    for path in sorted(curated_dir.glob("*.jsonl")):
        for number, record in _read_jsonl(path):
            where = f"{path.name}:{number}"
            if path.name == "exclusions.jsonl":
                exclusions.append(_exclusion(record, where))
            else:
                terms.append(_curated_term(record, where))
    return terms, exclusions


def _exclusion(record: dict[str, Any], where: str) -> Exclusion:
    text, source_id = record.get("text"), record.get("source_id")
    if (text is None) == (source_id is None) or set(record) - {
        "text",
        "source_id",
        "block",
        "note",
    }:
        raise VocabularyError(
            f"{where}: an exclusion has exactly one of 'text' or 'source_id' (+ 'block', 'note')"
        )
    return Exclusion(
        text=text, source_id=source_id, block=bool(record.get("block", False)), origin=where
    )


def _curated_term(record: dict[str, Any], where: str) -> Term:
    unknown = set(record) - _CURATED_KEYS
    if unknown:
        raise VocabularyError(
            f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(_CURATED_KEYS)}"
        )
    try:
        entity_type = EntityType(str(record.get("type")))
    except ValueError:
        raise VocabularyError(
            f"{where}: 'type' must be one of {[t.value for t in EntityType]}, "
            f"not {record.get('type')!r}"
        ) from None
    label = record.get("label")
    if not isinstance(label, str) or not label.strip():
        raise VocabularyError(f"{where}: 'label' must be a non-empty string; fix the record")
    source_ids = _string_list(record, "source_ids", where)
    for sid in source_ids:
        if not sid.startswith(_CURIE_PREFIXES):
            raise VocabularyError(
                f"{where}: source id {sid!r} must start with one of {list(_CURIE_PREFIXES)}"
            )
    return Term(
        scheme="",
        type=entity_type,
        notation=None,
        label=label.strip(),
        synonyms=_string_list(record, "synonyms", where),
        abbreviations=_string_list(record, "abbreviations", where),
        same_as=source_ids,
        curated=True,
        case_sensitive=bool(record.get("case_sensitive", False)),
        origin=where,
    )


def read_english_words(curated_dir: Path) -> frozenset[str]:
    """Lower-case English words: ``english-words.txt`` (SCOWL) plus ``common-words.txt``.

    Lines starting with ``#`` are comments.
    """
    words: set[str] = set()
    for name in ("english-words.txt", "common-words.txt"):
        path = curated_dir / name
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise VocabularyError(
                f"cannot read {path}: {exc.strerror or exc}; see ontology/vocab/README.md"
            ) from exc
        words.update(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return frozenset(words)
