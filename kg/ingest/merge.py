"""Find papers that are the same paper and merge them, in first-seen order (pure).

Two records are one paper when they share a DOI, an arXiv id or a normalised title.
Linear in the number of papers: keys go through dictionaries and a union-find, so a
100k-record corpus costs no more per record than a ten-record one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from kg.ids import normalise_title, paper_id
from kg.models import Author, Paper, PaperId

# Fields whose first non-empty value wins; the abstract (longest wins), authors, extra,
# sources and the id are merged separately.
_FIRST_NON_EMPTY = (
    "text", "year", "date", "doi", "arxiv", "pmid", "s2_id", "venue", "author_count",
    "fields_of_study", "citation_count", "reference_count", "influential_citation_count",
    "open_access_pdf",
)  # fmt: skip


def title_key(title: str) -> str | None:
    """The duplicate-finding key of a title, or None when the title is too short to trust.

    ``normalise_title`` keeps only ASCII letters and digits, so a Chinese or Greek title
    would fold to almost nothing and collide with unrelated papers; those titles are
    compared by their case-folded text instead.
    """
    folded = normalise_title(title)
    if title.isascii():  # nothing to lose: every ASCII letter and digit is kept
        return folded or None
    letters = sum(map(str.isalnum, unicodedata.normalize("NFKD", title)))
    if folded and sum(map(str.isalnum, folded)) * 2 >= letters:
        return folded
    exact = " ".join(unicodedata.normalize("NFKC", title).casefold().split())
    return f"raw:{exact}" if exact else None


class _Groups:
    """Union-find over paper indices; each root remembers its group's DOIs and arXiv ids."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.parent = list(range(len(papers)))
        self.dois = [{p.doi} if p.doi else set() for p in papers]
        self.arxivs = [{p.arxiv} if p.arxiv else set() for p in papers]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def conflict(self, a: int, b: int) -> bool:
        """Whether two groups have different DOIs (or arXiv ids): different papers, titled alike."""
        ra, rb = self.find(a), self.find(b)
        return bool(
            (self.dois[ra] and self.dois[rb] and not self.dois[ra] & self.dois[rb])
            or (self.arxivs[ra] and self.arxivs[rb] and not self.arxivs[ra] & self.arxivs[rb])
        )

    def union(self, a: int, b: int) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        if ra != rb:  # the smaller index stays the root, so groups keep first-seen order
            self.parent[rb] = ra
            self.dois[ra] |= self.dois[rb]
            self.arxivs[ra] |= self.arxivs[rb]


def merge_duplicates(papers: Sequence[Paper]) -> tuple[tuple[Paper, ...], int]:
    """Merge papers that share a DOI, an arXiv id or a normalised title.

    A merged paper keeps the first non-empty value of each field, the longest abstract,
    the union of authors, extra fields and sources in first-seen order; its id is chosen
    again from the merged DOI/arXiv id/record id/title. Papers with the same title but
    different DOIs (an "Editorial", a "Reply") are not merged.

    Returns:
        The papers in first-seen order, and how many records were merged into another.
    """
    groups = _Groups(papers)
    owners: dict[tuple[str, str], int] = {}
    for index, paper in enumerate(papers):
        keys = [("doi", paper.doi), ("arxiv", paper.arxiv), ("title", title_key(paper.title))]
        for kind, value in keys:
            if not value:
                continue
            owner = owners.setdefault((kind, value), index)
            if owner != index and not (kind == "title" and groups.conflict(owner, index)):
                groups.union(owner, index)
    members: dict[int, list[Paper]] = {}
    for index, paper in enumerate(papers):
        members.setdefault(groups.find(index), []).append(paper)
    merged = tuple(_merge(group) for group in members.values())
    return merged, len(papers) - len(merged)


def _first(group: Sequence[Paper], name: str) -> Any:
    for paper in group:
        value = getattr(paper, name)
        if value not in (None, "", ()):
            return value
    return getattr(group[0], name)


def _merge(group: Sequence[Paper]) -> Paper:
    if len(group) == 1:
        return group[0]
    first = group[0]
    values = {name: _first(group, name) for name in _FIRST_NON_EMPTY}
    record_ids = [p.id.removeprefix("id:") for p in group if p.id.startswith("id:")]
    extra: dict[str, str] = {}
    for paper in group:
        for key, value in paper.extra:
            extra.setdefault(key, value)
    new_id: PaperId = paper_id(
        doi=values["doi"],
        arxiv=values["arxiv"],
        record_id=next(iter(record_ids), None),
        title=first.title,
    )
    return Paper(
        id=new_id,
        title=first.title,
        abstract=max((p.abstract for p in group), key=len),  # max() keeps the first of equals
        authors=_merge_authors(group),
        extra=tuple(sorted(extra.items())),
        sources=tuple(dict.fromkeys(source for paper in group for source in paper.sources)),
        is_stub=all(paper.is_stub for paper in group),
        **values,
    )


def _merge_authors(group: Sequence[Paper]) -> tuple[Author, ...]:
    """Union of the authors by name, in first-seen order; a later S2 author id fills a gap."""
    authors: dict[str, Author] = {}
    for paper in group:
        for author in paper.authors:
            key = normalise_title(author.name) or author.name.casefold()
            known = authors.get(key)
            if known is None or (known.s2_id is None and author.s2_id is not None):
                authors[key] = (
                    author if known is None else Author(name=known.name, s2_id=author.s2_id)
                )
    return tuple(authors.values())
