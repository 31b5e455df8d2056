"""Exceptions raised by kg.

* KGError                 base class; its message is one line that names the fix
  x InputError            a corpus file is missing, unreadable or malformed (.path, .line)
  x VocabularyError       a vocabulary source or concept scheme is missing or malformed
  x ExtractionError       spaCy pipeline or gazetteer problem
  x EnrichmentError       Semantic Scholar enrichment failed as a whole
    + S2Error             a Semantic Scholar request failed (.url)
      - S2HTTPError       a non-2xx answer kg cannot treat as data (.status, .api_message)
        . S2AuthError     401/403: the API key was rejected; never retried
        . S2RateLimited   429 still after every retry (also an S2Unavailable)
        . S2ServerError   500/502/503/504 still after every retry (also an S2Unavailable)
      - S2Unavailable     the service could not be reached or kept failing: an outage
      - S2ResponseError   a 2xx answer whose JSON has an unexpected shape
  x ValidationError       the graph breaks the SHACL shapes (.report)
  x QueryError            a SPARQL query could not be run
    + QuerySyntaxError    SPARQL did not parse (.line, .column)
  x ExportError           unknown format or unwritable destination

A paper Semantic Scholar does not know is *not* an error either: it is reported in
``kg.enrich.EnrichReport.unresolved``. ``kg.enrich.enrich`` turns an ``S2Unavailable`` into a
run cut short (``EnrichReport.cut_short``) that keeps everything fetched so far.

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


class S2Error(EnrichmentError):
    """A request to Semantic Scholar failed."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class S2HTTPError(S2Error):
    """Semantic Scholar answered with a status kg cannot treat as data."""

    def __init__(
        self, message: str, *, status: int, url: str | None = None, api_message: str | None = None
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.api_message = api_message  # the body's "error" or "message" text


class S2AuthError(S2HTTPError):
    """Semantic Scholar rejected the API key (401/403); retrying cannot help."""


class S2Unavailable(S2Error):
    """Semantic Scholar could not be reached, or kept failing after every retry (an outage)."""


class S2RateLimited(S2HTTPError, S2Unavailable):
    """Semantic Scholar still answered 429 Too Many Requests after every retry."""


class S2ServerError(S2HTTPError, S2Unavailable):
    """Semantic Scholar still answered 500/502/503/504 after every retry."""


class S2ResponseError(S2Error):
    """A successful answer from Semantic Scholar had an unexpected JSON shape."""


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
