"""Values passed between pipeline stages: frozen, hashable, no I/O.

Each stage takes a ``Corpus`` and returns a new one (``dataclasses.replace``), so a
later stage cannot corrupt an earlier stage's output and every stage can be called on
its own in a test. After ``kg.rdf.to_rdf`` the RDF graph is the only model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NewType

PaperId = NewType("PaperId", str)  # "doi:10.1038/nn.4238", "arxiv:2101.00001", "id:W42", "title:3f2a9c0d1e2b"
ConceptId = NewType("ConceptId", str)  # "hardware/loihi", "brain-region/hippocampus"

#: The separator between title and abstract in a document text (see ``Paper.document``).
TITLE_SEPARATOR = "\n\n"


class EntityType(StrEnum):
    """The four entity types of ``shared/reference/entity-guidelines.md``."""

    METHOD = "METHOD"
    DATASET = "DATASET"
    BRAIN_REGION = "BRAIN_REGION"
    HARDWARE = "HARDWARE"

    @property
    def slug(self) -> str:
        """IRI path segment for the type: ``brain-region`` for BRAIN_REGION."""
        return self.value.lower().replace("_", "-")


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a record came from: a file and the 1-based line its record starts on."""

    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Author:
    """A paper's author: a name, and Semantic Scholar's author id once enriched."""

    name: str
    s2_id: str | None = None


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper of the corpus, as read from an input file (and later enriched).

    ``extra`` keeps every input field neurokg does not model, as sorted
    ``(name, json-encoded value)`` pairs, so nothing a user supplied is lost.
    """

    id: PaperId
    title: str
    abstract: str = ""
    text: str | None = None  # the record's own document text, when it had one
    year: int | None = None
    date: str | None = None  # ISO 8601 date (listing or publication date) when known
    doi: str | None = None
    arxiv: str | None = None
    pmid: str | None = None
    s2_id: str | None = None
    venue: str | None = None
    authors: tuple[Author, ...] = ()
    author_count: int | None = None  # when a listing gives a count but no names
    fields_of_study: tuple[str, ...] = ()
    citation_count: int | None = None
    reference_count: int | None = None
    influential_citation_count: int | None = None
    open_access_pdf: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    sources: tuple[SourceRef, ...] = ()
    is_stub: bool = False  # a cited/citing paper outside the corpus (added by enrichment)

    @property
    def document(self) -> str:
        """The text that extraction offsets refer to.

        The record's ``text`` field when present, else the title, a blank line and the
        abstract. The same rule holds in every stage, in ``kg extract`` and in ``kg eval``.
        """
        if self.text is not None:
            return self.text
        if not self.abstract:
            return self.title
        return f"{self.title}{TITLE_SEPARATOR}{self.abstract}"


@dataclass(frozen=True, slots=True)
class Concept:
    """A linked concept: a node of one of the SKOS concept schemes (or a new one).

    ``id`` is base-independent (``hardware/loihi``); ``kg.ids.concept_iri`` turns it
    into an IRI under the configured base.
    """

    id: ConceptId
    type: EntityType
    label: str  # canonical, preferred label
    alt_labels: tuple[str, ...] = ()
    notations: tuple[str, ...] = ()  # source identifiers, e.g. "UBERON:0002421", "pwc:transformer"
    exact_matches: tuple[str, ...] = ()  # IRIs of the same concept in other vocabularies
    scheme: str | None = None  # concept scheme name, e.g. "uberon-brain"
    in_vocabulary: bool = True  # False for concepts minted from the text itself


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mention with character offsets into ``Paper.document``."""

    paper_id: PaperId
    start: int
    end: int
    text: str
    label: EntityType
    concept_id: ConceptId | None = None
    extractor: str = "gazetteer"
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class Citation:
    """``citing`` cites ``cited`` (both paper ids), with Semantic Scholar's annotations."""

    citing: PaperId
    cited: PaperId
    intents: tuple[str, ...] = ()  # S2's "methodology", "background", "result"
    contexts: tuple[str, ...] = ()
    is_influential: bool | None = None
    source: str = "semantic-scholar"
    retrieved: str | None = None  # ISO 8601 time the answer was fetched (from the cache entry)


@dataclass(frozen=True, slots=True)
class Problem:
    """A record that was skipped, and why: reported, never silently dropped."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything known about a set of papers at one point of the pipeline."""

    papers: tuple[Paper, ...]
    mentions: tuple[Mention, ...] = ()
    concepts: tuple[Concept, ...] = ()
    citations: tuple[Citation, ...] = ()
    problems: tuple[Problem, ...] = ()
    duplicates_merged: int = 0
    sources: tuple[str, ...] = field(default=())  # input paths, in the order read
