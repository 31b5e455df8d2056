"""The data side of the fake Semantic Scholar: papers, edges, id resolution, field projection.

Shapes follow ``shared/reference/semantic-scholar-api.md`` (§2 ids, §3 fields, §8 payloads).
Edges are stored once, as references; a paper's citations are the references pointing at
it plus any explicit ``citations`` of its seed (citing papers that are not in the store).
An edge's other end is projected from the store when its paperId is there, else from the
inline object the seed gives (which may have ``paperId: null``, as real answers do).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

PAPER_FIELDS = frozenset(
    [
        "paperId",
        "corpusId",
        "externalIds",
        "url",
        "title",
        "abstract",
        "venue",
        "publicationVenue",
        "year",
        "referenceCount",
        "citationCount",
        "influentialCitationCount",
        "isOpenAccess",
        "openAccessPdf",
        "fieldsOfStudy",
        "s2FieldsOfStudy",
        "publicationTypes",
        "publicationDate",
        "journal",
        "citationStyles",
        "authors",
        "citations",
        "references",
        "embedding",
        "tldr",
        "textAvailability",
    ]
)
AUTHOR_FIELDS = frozenset(
    [
        "authorId",
        "externalIds",
        "url",
        "name",
        "affiliations",
        "homepage",
        "paperCount",
        "citationCount",
        "hIndex",
        "papers",
    ]
)
EDGE_FIELDS = frozenset({"contexts", "intents", "contextsWithIntent", "isInfluential"})
NESTED_CAP = 1000  # nested citations/references inside a paper object stop at 1000 (reference §4.1)
_ID_PREFIXES = {"corpusid", "doi", "arxiv", "mag", "acl", "pmid", "pmcid", "url"}


class FieldError(ValueError):
    """Unknown names in a ``fields`` parameter (the server answers 400)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(f"Unrecognized or unsupported fields: [{', '.join(names)}]")


def fold(text: str) -> str:
    """Case-, accent- and punctuation-free form of a title (for matching)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.split(r"[^0-9a-z]+", text.casefold())).strip()


def synthetic_id(*parts: object) -> str:
    """A 40-hex paperId derived from ``parts`` (stable across runs)."""
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


@dataclass
class Selection:
    """A parsed ``fields`` parameter: top-level names and dotted sub-fields per prefix."""

    top: list[str]
    nested: dict[str, list[str]] = field(default_factory=dict)


def parse_fields(
    raw: str | None,
    *,
    allowed: frozenset[str],
    default: list[str],
    extra: frozenset[str] = frozenset(),
) -> Selection:
    """Parse ``fields`` (one comma-separated string); raise FieldError on unknown names."""
    if raw is None or not raw.strip():
        return Selection(top=list(default))
    selection = Selection(top=[])
    unknown = []
    for name in (n.strip() for n in raw.split(",") if n.strip()):
        head, _, sub = name.partition(".")
        if head not in allowed and head not in extra:
            unknown.append(name)
            continue
        if sub:
            if head == "authors" and sub not in AUTHOR_FIELDS - {"papers"}:
                unknown.append(name)
                continue
            if head in ("citations", "references", "papers") and sub not in PAPER_FIELDS - {
                "citations",
                "references",
            }:
                unknown.append(name)
                continue
            selection.nested.setdefault(head, []).append(sub)
        if head not in selection.top:
            selection.top.append(head)
    if unknown:
        raise FieldError(unknown)
    return selection


class Store:
    """Papers and edges of the fake, with S2's id forms and projection rules."""

    def __init__(self) -> None:
        self.papers: dict[str, dict[str, Any]] = {}
        self.removed: set[str] = set()
        self.references: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.cited_by: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.explicit_citations: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._index: dict[tuple[str, str], str] = {}

    # -- loading -------------------------------------------------------------------------

    def load_dir(self, directory: Path) -> None:
        """Load every ``*.json`` seed of a directory (see tests/data/s2/README.md)."""
        for path in sorted(directory.glob("*.json")):
            self.add_seed(json.loads(path.read_text(encoding="utf-8")))

    def add_seed(self, seed: dict[str, Any]) -> None:
        """Add one seed: ``{"paper": {...}, "references": [...], "citations": [...], ...}``."""
        paper = seed["paper"]
        self.add_paper(
            paper, references=seed.get("references", ()), citations=seed.get("citations", ())
        )
        if seed.get("removed"):
            self.removed.add(paper["paperId"])
        if seed.get("synthetic_citations"):
            self.add_synthetic_citations(paper["paperId"], int(seed["synthetic_citations"]))

    def add_paper(
        self, paper: dict[str, Any], *, references: Any = (), citations: Any = ()
    ) -> None:
        """Add a paper record, its references (``citedPaper`` edges) and extra citations."""
        pid = paper["paperId"]
        self.papers[pid] = paper
        external = paper.get("externalIds") or {}
        for name, value in external.items():
            if value is not None:
                self._index[(name.lower(), str(value).lower())] = pid
        if paper.get("corpusId") is not None:
            self._index[("corpusid", str(paper["corpusId"]))] = pid
        for edge in references:
            stored = {
                "citing": {"paperId": pid},
                "cited": edge.get("citedPaper") or {"paperId": None},
                "props": {k: v for k, v in edge.items() if k in EDGE_FIELDS},
            }
            self.references[pid].append(stored)
            cited_id = stored["cited"].get("paperId")
            if cited_id:
                self.cited_by[cited_id].append(stored)
        for edge in citations:
            self.explicit_citations[pid].append(
                {
                    "citing": edge.get("citingPaper") or {"paperId": None},
                    "cited": {"paperId": pid},
                    "props": {k: v for k, v in edge.items() if k in EDGE_FIELDS},
                }
            )

    def add_synthetic_citations(self, pid: str, count: int, *, null_every: int = 0) -> None:
        """Give ``pid`` ``count`` extra citing papers that exist only inline (for paging tests)."""
        start = len(self.explicit_citations[pid])
        for i in range(start, start + count):
            citing: dict[str, Any] = {
                "paperId": None,
                "title": f"Unresolved citing work {i}",
                "externalIds": None,
            }
            if not null_every or i % null_every:
                citing = {
                    "paperId": synthetic_id(pid, "citation", i),
                    "title": f"Synthetic citing paper {i} of {pid[:8]}",
                    "year": 2015 + i % 10,
                    "externalIds": {"DOI": f"10.5555/synthetic.{pid[:8]}.{i}"},
                }
            self.explicit_citations[pid].append(
                {
                    "citing": citing,
                    "cited": {"paperId": pid},
                    "props": {
                        "intents": ["background"] if i % 3 else [],
                        "contexts": [],
                        "isInfluential": i % 50 == 0,
                    },
                }
            )

    # -- lookups -------------------------------------------------------------------------

    def resolve(self, raw: str) -> str | None:
        """The paperId an id in any documented form names (prefixes case-insensitive), or None."""
        ident = raw.strip()
        pid: str | None = None
        if re.fullmatch(r"[0-9a-f]{40}", ident):
            pid = ident
        elif ident.startswith("10."):  # a bare DOI works (reference §2)
            pid = self._index.get(("doi", ident.lower()))
        else:
            prefix, sep, value = ident.partition(":")
            kind = prefix.lower()
            if sep and kind in _ID_PREFIXES:
                pid = self._by_prefix(kind, value.strip())
        if pid is None or pid not in self.papers or pid in self.removed:
            return None
        return pid

    def _by_prefix(self, kind: str, value: str) -> str | None:
        if kind == "url":
            match = re.search(r"arxiv\.org/(?:abs|pdf)/([^/?#]+?)(?:v\d+)?(?:\.pdf)?$", value)
            if match:
                return self._index.get(("arxiv", match.group(1).lower()))
            match = re.search(r"semanticscholar\.org/paper/(?:[^/]+/)?([0-9a-f]{40})", value)
            return match.group(1) if match else None
        if kind == "arxiv":
            value = re.sub(r"v\d+$", "", value)
        names = {
            "doi": "doi",
            "arxiv": "arxiv",
            "mag": "mag",
            "acl": "acl",
            "pmid": "pubmed",
            "pmcid": "pubmedcentral",
            "corpusid": "corpusid",
        }
        return self._index.get((names[kind], value.lower()))

    def citations_of(self, pid: str) -> list[dict[str, Any]]:
        return self.explicit_citations.get(pid, []) + self.cited_by.get(pid, [])

    def references_of(self, pid: str) -> list[dict[str, Any]]:
        return self.references.get(pid, [])

    def best_title_match(self, query: str) -> tuple[str, float] | None:
        target = fold(query)
        best: tuple[str, float] | None = None
        for pid, paper in self.papers.items():
            if pid in self.removed or not paper.get("title"):
                continue
            score = SequenceMatcher(None, target, fold(paper["title"]), autojunk=False).ratio()
            if best is None or score > best[1]:
                best = (pid, score)
        return best

    def authors(self) -> dict[str, dict[str, Any]]:
        """Author records derived from the papers' author lists (ids that are not null)."""
        found: dict[str, dict[str, Any]] = {}
        for pid, paper in self.papers.items():
            for author in paper.get("authors") or []:
                aid = author.get("authorId")
                if not aid:
                    continue
                record = found.setdefault(
                    aid,
                    {
                        "authorId": aid,
                        "name": author.get("name"),
                        "externalIds": {},
                        "affiliations": [],
                        "url": f"https://www.semanticscholar.org/author/{aid}",
                        "homepage": None,
                        "paperCount": 0,
                        "citationCount": 0,
                        "hIndex": 0,
                        "papers": [],
                    },
                )
                record["paperCount"] += 1
                record["citationCount"] += paper.get("citationCount") or 0
                record["papers"].append(pid)
        return found

    # -- projection ----------------------------------------------------------------------

    def project_paper(
        self, obj: dict[str, Any], selection: Selection, *, nested_ok: bool = True
    ) -> dict[str, Any]:
        """Only the requested fields plus ``paperId``; requested-but-absent fields are null."""
        record = self.papers.get(obj.get("paperId") or "", obj)
        out: dict[str, Any] = {"paperId": record.get("paperId")}
        for name in selection.top:
            if name == "paperId":
                continue
            if name == "authors":
                subs = selection.nested.get("authors") or ["name"]
                out["authors"] = [
                    self._project_author_inline(a, subs) for a in record.get("authors") or []
                ]
            elif name in ("citations", "references") and nested_ok:
                pid = record.get("paperId") or ""
                edges = self.citations_of(pid) if name == "citations" else self.references_of(pid)
                side = "citing" if name == "citations" else "cited"
                sub = Selection(top=selection.nested.get(name) or ["title"])
                out[name] = [
                    self.project_paper(e[side], sub, nested_ok=False) for e in edges[:NESTED_CAP]
                ]
            elif name == "url" and record.get("paperId") and "url" not in record:
                out["url"] = f"https://www.semanticscholar.org/paper/{record['paperId']}"
            else:
                out[name] = record.get(name)
        return out

    def _project_author_inline(self, author: dict[str, Any], subs: list[str]) -> dict[str, Any]:
        full = (
            self.authors().get(author.get("authorId") or "", {})
            if set(subs) - {"name", "authorId"}
            else {}
        )
        out = {"authorId": author.get("authorId")}
        for sub in subs:
            if sub != "authorId":
                out[sub] = author.get(sub, full.get(sub))
        return out

    def project_author(self, record: dict[str, Any], selection: Selection) -> dict[str, Any]:
        out: dict[str, Any] = {"authorId": record["authorId"]}
        for name in selection.top:
            if name == "papers":
                sub = Selection(top=selection.nested.get("papers") or ["title"])
                out["papers"] = [
                    self.project_paper(self.papers[p], sub, nested_ok=False)
                    for p in record["papers"]
                ]
            elif name != "authorId":
                out[name] = record.get(name)
        return out

    def project_edge(self, edge: dict[str, Any], side: str, selection: Selection) -> dict[str, Any]:
        """One /citations or /references entry: edge fields beside the wrapped paper."""
        wrapper = "citingPaper" if side == "citing" else "citedPaper"
        paper_sel = Selection(
            top=[n for n in selection.top if n not in EDGE_FIELDS] or ["title"],
            nested=selection.nested,
        )
        out: dict[str, Any] = {}
        for name in selection.top:
            if name in EDGE_FIELDS:
                default: Any = False if name == "isInfluential" else []
                out[name] = edge["props"].get(name, default)
        out[wrapper] = self.project_paper(edge[side], paper_sel, nested_ok=False)
        return out
