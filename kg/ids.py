"""Identifier normalisation and IRI minting: the IRI policy, in one place.

Instance IRIs are ``{base}paper/{key}``, ``{base}concept/{type}/{slug}``,
``{base}mention/{paper-key}/{start}-{end}``, ``{base}author/{slug}`` and
``{base}venue/{slug}``. They depend only on the input, never on time or order, so two
builds of the same corpus give byte-identical Turtle. No blank nodes are minted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

from kg.models import Author, ConceptId, EntityType, PaperId

DEFAULT_BASE_IRI = "https://w3id.org/neurokg/id/"

_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_ARXIV_PREFIXES = re.compile(
    r"^(?:https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/|arxiv:\s*)", re.IGNORECASE
)
# New-style (2007+) ids, optionally versioned; old-style "hep-th/9901001".
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_doi(value: str) -> str | None:
    """Return the DOI in lower case without resolver prefix, or None if it is not a DOI.

    DOIs are case-insensitive (DOI Handbook 2.4), so lower case is the canonical form.

    Example:
        >>> normalise_doi("https://doi.org/10.1038/NN.4238")
        '10.1038/nn.4238'
    """
    text = unicodedata.normalize("NFKC", value).strip().translate(_DASHES)
    text = _DOI_PREFIXES.sub("", text).strip().rstrip(".").lower()
    return text if _DOI_SHAPE.match(text) else None


def normalise_arxiv(value: str) -> str | None:
    """Return the arXiv id without prefix and version, or None if it is not one.

    The version is dropped because every version is the same paper for deduplication.

    Example:
        >>> normalise_arxiv("arXiv:2101.00001v3")
        '2101.00001'
    """
    text = unicodedata.normalize("NFKC", value).strip()
    text = _ARXIV_PREFIXES.sub("", text).strip()
    text = re.sub(r"\.pdf$", "", text)
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.match(text)
        if match:
            return match.group(1)
    return None


def normalise_title(title: str) -> str:
    """Fold a title to the key used to find duplicates.

    Case, accents, punctuation, Unicode dashes and runs of white space are ignored, so
    "Spiking  Neural-Networks!" and "spiking neural networks" compare equal. Idempotent.
    """
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_DASHES)
    return " ".join(_NON_WORD.split(text)).strip()


def slugify(text: str) -> str:
    """Lower-case ASCII slug: "Loihi 2" -> "loihi-2", "Ammon's horn" -> "ammon-s-horn"."""
    folded = normalise_title(text)
    return folded.replace(" ", "-") or "x"


def paper_id(
    *, doi: str | None = None, arxiv: str | None = None, record_id: str | None = None, title: str = ""
) -> PaperId:
    """Choose the stable key of a paper: DOI, else arXiv id, else the record's id, else its title.

    The key decides the paper's IRI, so it uses only what the input gives: enrichment
    that later finds a DOI does not change the IRI of a paper read without one.
    """
    if doi:
        return PaperId(f"doi:{doi}")
    if arxiv:
        return PaperId(f"arxiv:{arxiv}")
    if record_id:
        return PaperId(f"id:{record_id.strip()}")
    digest = hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:16]
    return PaperId(f"title:{digest}")


def concept_id(entity_type: EntityType, name: str) -> ConceptId:
    """The base-independent id of a concept: ``{type-slug}/{slug(name)}``."""
    return ConceptId(f"{entity_type.slug}/{slugify(name)}")


def _iri_segment(text: str) -> str:
    # Keep ids readable in IRIs but percent-encode anything outside the unreserved set,
    # so a DOI's slashes, angle brackets or spaces can never break the IRI.
    return quote(text, safe="-._~")


def check_base_iri(base_iri: str) -> str:
    """Return ``base_iri`` if it can prefix instance IRIs, else raise ValueError."""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:", base_iri) or not base_iri.endswith(("/", "#")):
        raise ValueError(
            f"base IRI {base_iri!r} must be an absolute IRI ending with '/' or '#', "
            f"for example {DEFAULT_BASE_IRI!r}"
        )
    return base_iri


def paper_key(pid: PaperId) -> str:
    """IRI path for a paper id: ``doi:10.1/x`` -> ``doi/10.1%2Fx``."""
    scheme, _, value = pid.partition(":")
    return f"{scheme}/{_iri_segment(value)}"


def paper_iri(base_iri: str, pid: PaperId) -> str:
    """IRI of a paper under ``base_iri``."""
    return f"{base_iri}paper/{paper_key(pid)}"


def concept_iri(base_iri: str, cid: ConceptId) -> str:
    """IRI of a concept under ``base_iri``."""
    return f"{base_iri}concept/{'/'.join(_iri_segment(part) for part in cid.split('/'))}"


def mention_iri(base_iri: str, pid: PaperId, start: int, end: int) -> str:
    """IRI of the mention at ``[start, end)`` of a paper's document."""
    return f"{base_iri}mention/{paper_key(pid)}/{start}-{end}"


def author_iri(base_iri: str, author: Author) -> str:
    """IRI of an author: by Semantic Scholar author id when known, else by name.

    Two different people with the same name and no S2 id share an IRI; enrichment
    separates them by their ids.
    """
    if author.s2_id:
        return f"{base_iri}author/s2/{_iri_segment(author.s2_id)}"
    return f"{base_iri}author/{slugify(author.name)}"


def venue_iri(base_iri: str, name: str) -> str:
    """IRI of a venue, from its name."""
    return f"{base_iri}venue/{slugify(name)}"


def citation_iri(base_iri: str, citing: PaperId, cited: PaperId) -> str:
    """IRI of the ``cito:Citation`` resource that annotates ``citing`` cites ``cited``."""
    return f"{base_iri}citation/{paper_key(citing)}/{paper_key(cited)}"


def scheme_iri(base_iri: str, name: str) -> str:
    """IRI of a SKOS concept scheme (one per vocabulary source)."""
    return f"{base_iri}scheme/{slugify(name)}"


def extractor_iri(base_iri: str, name: str) -> str:
    """IRI of the software agent (an extractor) that produced mentions."""
    return f"{base_iri}agent/{slugify(name)}"
