"""Exceptions raised by kg.

* KGError                 base class; its message is one line that names the fix
  x InputError            a corpus file is missing, unreadable or malformed (.path, .line)
  x VocabularyError       a vocabulary source or concept scheme is missing or malformed
  x ExtractionError       spaCy pipeline or gazetteer problem
  x EnrichmentError       Semantic Scholar enrichment failed as a whole
  x ValidationError       the graph breaks the SHACL shapes (.report)
  x QueryError            a SPARQL query could not be run
    + QuerySyntaxError    SPARQL did not parse (.line, .column)
  x ExportError           unknown format or unwritable destination

A malformed record is *not* an error unless ``--strict`` is given: it is reported as a
``kg.models.Problem`` and skipped. The CLI translates ``KGError`` into one line on
stderr and a non-zero exit, exactly once (``kg.cli.KGGroup``).
"""

from __future__ import annotations


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class InputError(KGError):
    """A corpus file is missing, unreadable or malformed."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        location = ""
        if path is not None:
            location = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{location}{message}")
        self.path = path
        self.line = line


class VocabularyError(KGError):
    """A vocabulary source or a generated concept scheme is missing or malformed."""


class ExtractionError(KGError):
    """The extraction pipeline could not be built or run."""


class EnrichmentError(KGError):
    """Enrichment from Semantic Scholar failed as a whole."""


class ValidationError(KGError):
    """The graph does not conform to the SHACL shapes in ``ontology/shapes.ttl``."""

    def __init__(self, message: str, *, report: str = "") -> None:
        super().__init__(message)
        self.report = report


class QueryError(KGError):
    """A SPARQL query could not be run."""


class QuerySyntaxError(QueryError):
    """A SPARQL query did not parse."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class ExportError(KGError):
    """An export format is unknown or its destination cannot be written."""
