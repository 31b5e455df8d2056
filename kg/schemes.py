"""Generate the SKOS concept schemes and the compiled gazetteer from the vocabularies.

``generate_vocabulary`` reads the shared vocabulary files and the curated project
vocabulary, merges records that denote the same thing into one concept (UBERON with
its Allen equivalent, curated records with the source ids they name), and returns the
Turtle of one ``skos:ConceptScheme`` per source plus the gazetteer JSONL that
extraction loads. It is pure apart from reading its inputs, and deterministic: the
same inputs give byte-identical output. ``write_vocabulary`` is the only writer.
The pattern rules (which strings become patterns, and how they match) are described
in ``ontology/vocab/README.md``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from kg.atomic import write_atomic
from kg.errors import VocabularyError
from kg.ids import DEFAULT_BASE_IRI, check_base_iri, concept_id, slugify
from kg.models import ConceptId, EntityType
from kg.pattern_rules import PatternChoice, blocking_patterns, choose_patterns
from kg.skos_turtle import GENERATED_HEADER, SchemeInfo, render_scheme
from kg.surface import MatchAttr
from kg.vocab_sources import (
    SOURCE_FILES,
    Exclusion,
    Term,
    read_allen,
    read_curated,
    read_english_words,
    read_hardware,
    read_pwc_datasets,
    read_pwc_methods,
    read_software_names,
    read_uberon,
)

GAZETTEER_FORMAT: Final = "neurokg-gazetteer"
GAZETTEER_FORMAT_VERSION: Final = 1
GAZETTEER_FILENAME: Final = "gazetteer.jsonl"

# Order in which sources give a merged concept its label and scheme.
SCHEME_PRIORITY: Final = ("uberon-brain", "allen-mouse", "pwc-methods", "pwc-datasets", "hardware")
CURATED_SCHEMES: Final = {
    EntityType.METHOD: "curated-methods",
    EntityType.DATASET: "curated-datasets",
    EntityType.BRAIN_REGION: "curated-brain-regions",
    EntityType.HARDWARE: "hardware",
}


@dataclass(frozen=True, slots=True)
class VocabularyBuild:
    """Everything ``write_vocabulary`` writes, as text, plus a summary of the build."""

    schemes: tuple[tuple[str, str], ...]  # (scheme name, Turtle text), sorted by name
    gazetteer: str  # JSONL text of kg/data/gazetteer.jsonl
    concept_counts: tuple[tuple[str, int], ...]  # (scheme name, number of concepts)
    pattern_count: int
    # Surface forms (form keys) dropped because two concepts claim them equally.
    ambiguous: tuple[str, ...]


@dataclass(slots=True)
class _Draft:
    """A concept being assembled from the terms that denote it."""

    terms: list[Term]
    id: str = ""
    scheme: str = ""
    label: str = ""
    type: EntityType = EntityType.METHOD
    patterns: dict[str, PatternChoice] = field(default_factory=dict)


def generate_vocabulary(
    source_dir: Path, curated_dir: Path, *, base_iri: str = DEFAULT_BASE_IRI
) -> VocabularyBuild:
    """Build the concept schemes and the gazetteer from the vocabulary sources.

    Args:
        source_dir: Directory with the shared vocabulary files (``uberon-brain.jsonl``...).
        curated_dir: ``ontology/vocab/curated``: curated records, exclusions, English words.
        base_iri: Prefix of concept and scheme IRIs.

    Returns:
        The Turtle of every scheme and the gazetteer JSONL; nothing is written.

    Raises:
        VocabularyError: A file is missing or malformed, or curated records contradict
            the sources (unknown source id, two types or two curated labels for one concept).
        ValueError: If ``base_iri`` is not an absolute IRI ending with "/" or "#".
    """
    check_base_iri(base_iri)
    terms, exclusions, software, english = _read_all(source_dir, curated_dir)
    drafts = _merge(terms)
    _name(drafts)
    chosen, ambiguous = choose_patterns([d.terms for d in drafts], exclusions, software, english)
    for draft, patterns in zip(drafts, chosen, strict=True):
        draft.patterns = patterns
    blocked = blocking_patterns(exclusions, software, {key for d in drafts for key in d.patterns})
    by_scheme: dict[str, list[_Draft]] = defaultdict(list)
    for draft in drafts:
        by_scheme[draft.scheme].append(draft)
    schemes = []
    for name in sorted(by_scheme):
        members = sorted(by_scheme[name], key=lambda d: d.id)
        schemes.append(
            (
                name,
                render_scheme(SCHEME_INFO[name], [_concept_fields(d) for d in members], base_iri),
            )
        )
    gazetteer, pattern_count = _render_gazetteer(drafts, blocked)
    return VocabularyBuild(
        schemes=tuple(schemes),
        gazetteer=gazetteer,
        concept_counts=tuple((name, len(by_scheme[name])) for name in sorted(by_scheme)),
        pattern_count=pattern_count,
        ambiguous=tuple(sorted(ambiguous)),
    )


def write_vocabulary(build: VocabularyBuild, scheme_dir: Path, data_dir: Path) -> list[Path]:
    """Write ``scheme_dir/<scheme>.ttl`` (``ontology/vocab``) and ``data_dir/gazetteer.jsonl``.

    Generated scheme files that the build no longer contains are removed (only files
    that start with the generated-file header, never hand-written ones).

    Returns:
        The paths written, schemes first.

    Raises:
        ExportError: If a file cannot be written.
    """
    written = [write_atomic(scheme_dir / f"{name}.ttl", text) for name, text in build.schemes]
    for stale in sorted(scheme_dir.glob("*.ttl")):
        if stale not in written and stale.read_text(encoding="utf-8").startswith(GENERATED_HEADER):
            stale.unlink()
    written.append(write_atomic(data_dir / GAZETTEER_FILENAME, build.gazetteer))
    return written


# -- reading and merging ---------------------------------------------------------------


def _read_all(
    source_dir: Path, curated_dir: Path
) -> tuple[list[Term], list[Exclusion], list[str], frozenset[str]]:
    missing = [name for name in SOURCE_FILES.values() if not (source_dir / name).is_file()]
    if missing:
        raise VocabularyError(
            f"{source_dir} lacks {', '.join(missing)}; "
            "pass the shared vocabulary directory (shared/vocab)"
        )
    uberon, replaced = read_uberon(source_dir / SOURCE_FILES["uberon-brain"])
    uberon_labels = {t.notation: t.label for t in uberon if t.notation}
    terms = uberon + read_allen(source_dir / SOURCE_FILES["allen-mouse"], uberon_labels, replaced)
    terms += read_pwc_methods(source_dir / SOURCE_FILES["pwc-methods"])
    terms += read_pwc_datasets(source_dir / SOURCE_FILES["pwc-datasets"])
    terms += read_hardware(source_dir / SOURCE_FILES["hardware"])
    software = read_software_names(source_dir / SOURCE_FILES["software"])
    curated, exclusions = read_curated(curated_dir)
    english = read_english_words(curated_dir)
    known = {t.notation for t in terms}
    for term in curated:
        for sid in term.same_as:
            if replaced.get(sid, sid) not in known:
                raise VocabularyError(
                    f"{term.origin}: source id {sid!r} is not in the vocabularies "
                    "(or was excluded); fix the id or remove it"
                )
    # A curated record may name a deprecated UBERON id: follow it to the replacement.
    curated = [replace(t, same_as=tuple(replaced.get(i, i) for i in t.same_as)) for t in curated]
    return terms + curated, exclusions, software, english


def _merge(terms: list[Term]) -> list[_Draft]:
    """Group terms that share a source id (union-find over notations and same_as links)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def key(term: Term) -> str:
        return term.notation or f"curated:{term.origin}"

    for term in terms:
        for other in term.same_as:
            parent[find(key(term))] = find(other)
    groups: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        groups[find(key(term))].append(term)
    drafts = []
    for members in groups.values():
        types = {t.type for t in members}
        curated = [t for t in members if t.curated]
        if len(types) > 1:
            where = ", ".join(t.origin for t in members)
            raise VocabularyError(
                f"one concept gets several types {sorted(types)} from {where}; fix the curated type"
            )
        if len(curated) > 1:
            where = ", ".join(t.origin for t in curated)
            raise VocabularyError(
                f"curated records {where} name the same concept; merge them into one record"
            )
        drafts.append(_Draft(terms=sorted(members, key=_term_rank)))
    return drafts


def _term_rank(term: Term) -> tuple[int, int, str]:
    scheme_rank = (
        SCHEME_PRIORITY.index(term.scheme)
        if term.scheme in SCHEME_PRIORITY
        else len(SCHEME_PRIORITY)
    )
    return (0 if term.curated else 1, scheme_rank, term.notation or term.origin)


def _name(drafts: list[_Draft]) -> None:
    """Give each draft its label, type, scheme and a unique concept id."""
    for draft in drafts:
        first = draft.terms[0]
        draft.label, draft.type = first.label, first.type
        sources = [t for t in draft.terms if not t.curated]
        draft.scheme = sources[0].scheme if sources else CURATED_SCHEMES[first.type]
    by_id: dict[ConceptId, list[_Draft]] = defaultdict(list)
    for draft in drafts:
        by_id[concept_id(draft.type, draft.label)].append(draft)
    for cid, claimants in by_id.items():
        claimants.sort(key=lambda d: _term_rank(d.terms[0]))
        claimants[0].id = cid
        for other in claimants[1:]:
            notation = next((t.notation for t in other.terms if t.notation), None)
            if notation is None:
                raise VocabularyError(
                    f"curated records {claimants[0].terms[0].origin} and {other.terms[0].origin} "
                    f"have the same concept id {cid}; give them distinct labels"
                )
            other.id = ConceptId(f"{cid}-{slugify(notation)}")


# -- rendering -------------------------------------------------------------------------


def _alt_labels(draft: _Draft) -> list[str]:
    """Every other name of the concept, once each ignoring case (curated spellings first)."""
    seen = {draft.label.casefold()}
    out = []
    for term in draft.terms:
        for text in (term.label, *term.synonyms, *term.abbreviations):
            text = " ".join(text.split())
            if text and text.casefold() not in seen:
                seen.add(text.casefold())
                out.append(text)
    return sorted(out, key=lambda s: (s.casefold(), s))


def _concept_fields(draft: _Draft) -> dict[str, object]:
    notations = sorted({t.notation for t in draft.terms if t.notation})
    exact = sorted({m for t in draft.terms for m in t.exact_matches})
    close = sorted({m for t in draft.terms for m in t.close_matches} - set(exact))
    return {
        "id": draft.id,
        "type": draft.type.value,
        "label": draft.label,
        "alt_labels": _alt_labels(draft),
        "notations": notations,
        "exact_matches": exact,
        "close_matches": close,
        "scheme": draft.scheme,
    }


def _render_gazetteer(
    drafts: list[_Draft], blocked: list[tuple[str, MatchAttr]]
) -> tuple[str, int]:
    lines = []
    count = 0
    for draft in sorted(drafts, key=lambda d: d.id):
        if not draft.patterns:
            continue
        fields = _concept_fields(draft)
        del fields["close_matches"]
        patterns = sorted((p.text, p.attr, p.score) for p in draft.patterns.values())
        fields["patterns"] = [list(p) for p in patterns]
        count += len(patterns)
        lines.append(_json_line({"kind": "concept", **fields}))
    lines.append(_json_line({"kind": "block", "patterns": [list(p) for p in blocked]}))
    header = {
        "kind": "header",
        "format": GAZETTEER_FORMAT,
        "format_version": GAZETTEER_FORMAT_VERSION,
        "concepts": len(lines) - 1,
        "patterns": count,
        "generator": "kg.schemes.generate_vocabulary",
    }
    return "".join([_json_line(header), *lines]), count


def _json_line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


_CC_BY_SA: Final = "https://creativecommons.org/licenses/by-sa/4.0/"
_MIT: Final = "https://opensource.org/licenses/MIT"
_PROJECT: Final = "https://w3id.org/neurokg/"


def _github(repo: str, commit: str, path: str = "") -> str:
    if path:
        return f"https://github.com/{repo}/blob/{commit}/{path}"
    return f"https://github.com/{repo}/tree/{commit}"


def _curated(name: str, what: str, comment: str) -> SchemeInfo:
    return SchemeInfo(
        name=f"curated-{name}",
        title=f"neurokg curated {what}",
        sources=(_PROJECT,),
        license=_MIT,
        rights=f"Curated by the neurokg developers (ontology/vocab/curated/{name}.jsonl), "
        "MIT licence.",
        comment=comment,
    )


#: Title, sources, licence and attribution of every scheme (from shared/vocab/README.md).
SCHEME_INFO: Final = {
    "uberon-brain": SchemeInfo(
        name="uberon-brain",
        title="UBERON brain, central nervous system and retina terms (neurokg selection)",
        sources=(
            _github("obophenotype/uberon", "6072d071ee8aa6526623a5a4cc7c7605bb90bd29"),
            _github(
                "chanzuckerberg/cellxgene-ontology-guide",
                "a2a31b73c9213c2afb01ce60e041d39b28ed2261",
            ),
            _github("obophenotype/uberon", "52817eeaa3b960e923df7a275fa533bdc3bdefe1"),
        ),
        license="https://creativecommons.org/licenses/by/3.0/",
        rights=(
            "UBERON (Uber-anatomy ontology), obophenotype/uberon, CC BY 3.0 Unported; releases "
            "2022-02-21 (subsets/nervous-minimal.obo) and v2026-04-01 (via chanzuckerberg/"
            "cellxgene-ontology-guide, and the UBERON bridge files to MBA, DHBA, HBA, PBA and "
            "NCIT)."
        ),
        comment=(
            "Terms under brain, central nervous system or retina, without the spinal cord, "
            "fibre bundles, vessels, meninges and ventricles; deprecated terms are left out. "
            "EXACT synonyms only. Labels and synonyms may be overlaid by the neurokg curated "
            "vocabulary."
        ),
    ),
    "allen-mouse": SchemeInfo(
        name="allen-mouse",
        title="Allen Mouse Brain Atlas structure ontology (neurokg selection)",
        sources=(
            _github(
                "int-brain-lab/iblatlas",
                "52083adf44825d0622a503705e095699a5957587",
                "iblatlas/allen_structure_tree.csv",
            ),
            _github(
                "obophenotype/uberon",
                "52817eeaa3b960e923df7a275fa533bdc3bdefe1",
                "src/ontology/bridge/uberon-bridge-to-mba.owl",
            ),
        ),
        license=(
            "Allen Institute for Brain Science terms of use "
            "(attribution to the Allen Mouse Brain Atlas)"
        ),
        rights=(
            "Allen Mouse Brain Atlas structure ontology, Allen Institute for Brain Science, used "
            "under the Allen Institute's terms of use with attribution; CSV mirror by "
            "int-brain-lab/iblatlas (MIT)."
        ),
        comment=(
            "Structures without fiber tracts, ventricular systems, grooves and the root. A "
            "structure with a one-to-one UBERON equivalent is merged into the UBERON concept "
            "(uberon-brain scheme)."
        ),
    ),
    "pwc-methods": SchemeInfo(
        name="pwc-methods",
        title="Papers with Code methods (mid-2022 dump)",
        sources=(
            "https://paperswithcode.com/",
            _github(
                "mariaayuso/topic-modeling-on-software", "93b8bffee2a87c0ff64bee77be81d51a6af378e7"
            ),
        ),
        license=_CC_BY_SA,
        rights=(
            "Papers with Code methods data, CC BY-SA 4.0 (paperswithcode/paperswithcode-data); "
            "copy of methods.json.gz from mariaayuso/topic-modeling-on-software."
        ),
        comment=(
            "One concept per Papers with Code method; neurokg curated labels and synonyms overlaid."
        ),
    ),
    "pwc-datasets": SchemeInfo(
        name="pwc-datasets",
        title="Papers with Code datasets (early-2022 dump)",
        sources=(
            "https://paperswithcode.com/",
            _github("GaganSD/ttds-cw3-research-team", "44b37314c1845dc3f356b8babe7ffceec69f7e6b"),
            _github("viswavi/datafinder", "18444c67611c1729af702faa79128a402a1643b2"),
        ),
        license=_CC_BY_SA,
        rights=(
            "Papers with Code datasets data, CC BY-SA 4.0 (paperswithcode/paperswithcode-data); "
            "re-exports by GaganSD/ttds-cw3-research-team and viswavi/datafinder."
        ),
        comment="One concept per Papers with Code dataset (name and full name; variants not kept).",
    ),
    "hardware": SchemeInfo(
        name="hardware",
        title="Computing hardware: Open Neuromorphic platforms and the neurokg hardware vocabulary",
        sources=(
            "https://open-neuromorphic.org/neuromorphic-computing/hardware/",
            _github(
                "open-neuromorphic/open-neuromorphic.github.io",
                "28f50836c0c144032accd7b22c7ef3f0b5d96437",
            ),
        ),
        license=_CC_BY_SA,
        rights=(
            "Neuromorphic hardware pages of Open Neuromorphic (open-neuromorphic.org), CC BY-SA "
            "4.0; device classes and platforms not listed there curated by the neurokg developers."
        ),
        comment="Neuromorphic platforms, processors and device technologies (type HARDWARE).",
    ),
    "curated-methods": _curated(
        "methods",
        "methods",
        "Methods, model families and learning rules of neuro-AI writing absent from Papers "
        "with Code.",
    ),
    "curated-datasets": _curated(
        "datasets",
        "datasets",
        "Datasets and benchmarks of neuroscience and neuromorphic computing absent from Papers "
        "with Code.",
    ),
    "curated-brain-regions": _curated(
        "brain-regions",
        "brain regions",
        "Functionally defined regions (for example V4, ventral visual stream) with no UBERON term.",
    ),
}
