"""Stage 1, ingest: every format, every malformed record, dedup, the round trip, the seeds."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ids import normalise_title
from kg.ingest import SUPPORTED_EXTENSIONS, corpus_to_jsonl, parse_record, read_corpus
from kg.ingest.bibtex import latex_to_text, split_authors
from kg.ingest.listing import parse_listing_meta
from kg.ingest.merge import merge_duplicates
from kg.models import Author, Corpus, Paper, SourceRef

DATA = Path(__file__).resolve().parent / "data" / "ingest"
ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FIXTURES = [
    DATA / name
    for name in ("papers.jsonl", "papers.csv", "papers.tsv", "papers.bib", "listing.txt")
]


def line_of(path: Path, text: str) -> int:
    """1-based number of the first line of ``path`` that contains ``text``."""
    return next(n for n, line in enumerate(path.read_text("utf-8").split("\n"), 1) if text in line)


def by_title(corpus: Corpus) -> dict[str, Paper]:
    return {paper.title: paper for paper in corpus.papers}


def problems_of(corpus: Corpus) -> list[tuple[str, int, str]]:
    return [(Path(p.path).name, p.line, p.message) for p in corpus.problems]


def assert_problems(corpus: Corpus, expected: list[tuple[int, str]]) -> None:
    found = [(line, message) for _, line, message in problems_of(corpus)]
    assert [line for line, _ in found] == [line for line, _ in expected], found
    for (_, message), (_, needle) in zip(found, expected, strict=True):
        assert needle in message, (message, needle)


# --- JSON Lines ---------------------------------------------------------------------------


def test_jsonl_reads_and_normalises_a_record() -> None:
    corpus = read_corpus([DATA / "papers.jsonl"])
    paper = by_title(corpus)["Spiking neural networks on Loihi"]
    assert paper.id == "doi:10.1234/snn.1"
    assert paper.doi == "10.1234/snn.1"
    # Abstracts keep their inner line break; only the ends are stripped.
    assert (
        paper.abstract
        == "We deploy spiking neural networks on the Loihi chip.\nEnergy drops tenfold."
    )
    assert paper.year == 2021 and paper.venue == "NeurIPS"
    assert paper.authors == (Author("Ada Lovelace"), Author("Alan Turing", s2_id="42"))
    # Unknown fields are kept, sorted, JSON-encoded; null ones are dropped.
    assert paper.extra == (("keywords", '["snn", "loihi"]'), ("score", "0.5"))
    assert paper.sources == (SourceRef(str(DATA / "papers.jsonl"), 1),)
    replay = by_title(corpus)["Hippocampal replay in rats"]
    assert (replay.id, replay.arxiv, replay.date, replay.year, replay.pmid) == (
        "arxiv:2101.00001", "2101.00001", "2020-03-04", 2020, "12345",
    )  # fmt: skip


def test_jsonl_bad_records_are_problems_with_lines_and_the_rest_is_read() -> None:
    corpus = read_corpus([DATA / "papers.jsonl"])
    assert len(corpus.papers) == 2
    assert_problems(corpus, [
        (3, "not valid JSON"),
        (4, "no title"),
        (5, '"title" must be a string, got a list'),
        (6, '"year" must be a year from 1000 to 2100'),
        (7, '"doi" is not a valid DOI: "10.12/abc"'),
        (8, "holds an array, not a JSON object"),
    ])  # fmt: skip
    assert all(Path(p.path) == DATA / "papers.jsonl" for p in corpus.problems)
    assert 'add a "title" field' in corpus.problems[1].message


# --- CSV and TSV --------------------------------------------------------------------------


def test_csv_quoting_keeps_commas_quotes_and_line_breaks_in_a_field() -> None:
    corpus = read_corpus([DATA / "papers.csv"])
    paper = by_title(corpus)["Spiking networks, revisited"]
    assert paper.abstract == 'An abstract with a comma, a "quoted" word and\na line break.'
    assert paper.authors == (Author("Grace Hopper"), Author("Alan Turing"))
    assert (paper.year, paper.doi, paper.id) == (2019, "10.1234/csv.1", "doi:10.1234/csv.1")
    assert paper.extra == (("keywords", '"snn"'),)


def test_csv_bad_rows_are_problems_on_the_line_where_the_row_starts() -> None:
    corpus = read_corpus([DATA / "papers.csv"])
    # The first data row spans lines 2-3, so the row with too many columns starts on line 4.
    assert_problems(corpus, [
        (4, "row has 8 fields but the header has 7 columns"),
        (5, "no title"),
        (6, '"year" must be a year such as 2021, got "twenty"'),
    ])  # fmt: skip
    assert len(corpus.papers) == 2


def test_tsv_reads_rows_and_reports_a_short_row() -> None:
    corpus = read_corpus([DATA / "papers.tsv"])
    assert [p.title for p in corpus.papers] == [
        "Dendritic computation in pyramidal neurons", 'Grid cells in the "entorhinal" cortex',
    ]  # fmt: skip
    assert corpus.papers[0].venue == "Neuron" and corpus.papers[1].year == 2005
    assert_problems(corpus, [(3, "row has 2 fields but the header has 4 columns")])


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        pytest.param("name,abstract\nx,y\n", 'no "title" column', id="no-title-column"),
        pytest.param("title;abstract\nx;y\n", "check the delimiter", id="semicolons"),
        pytest.param("title,Title\nx,y\n", "twice", id="repeated-column"),
        pytest.param('title,abstract\n"unclosed,x\n', "", id="unclosed-quote-swallows-the-file"),
    ],
)
def test_csv_header_problems_are_fatal_one_liners(
    tmp_path: Path, content: str, needle: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_corpus([path])
    assert needle in str(info.value) and "\n" not in str(info.value)
    assert str(path) in str(info.value)


# --- BibTeX -------------------------------------------------------------------------------


def test_bibtex_entries_become_papers_with_plain_text() -> None:
    corpus = read_corpus([DATA / "papers.bib"])
    paper = by_title(corpus)["Über Spiking Networks on Loihi"]
    assert paper.id == "arxiv:2101.00001"
    assert (
        paper.abstract
        == "We study α-waves in the hippocampus. Half of the spikes are fast: 50% of them."
    )
    assert [a.name for a in paper.authors] == ["Hans Müller", "Jane Smith", "Barnes and Noble"]
    assert paper.venue == "Advances in Neural Information Processing Systems"  # the @string macro
    assert paper.year == 2020
    assert dict(paper.extra) == {
        "entry_type": '"inproceedings"',
        "url": '"https://example.org/a\\\\_b"',
    }
    second = by_title(corpus)["A second BibTeX entry"]
    assert (second.doi, second.venue) == ("10.5555/bib.2", "Journal of Tests")


def test_bibtex_entry_without_title_and_unparsable_entry_are_problems() -> None:
    path = DATA / "papers.bib"
    corpus = read_corpus([path])
    assert_problems(corpus, [
        (line_of(path, "@article{notitle"), "no title"),
        (line_of(path, "@article{broken"), 'could not parse BibTeX entry "broken"'),
    ])  # fmt: skip
    assert len(corpus.papers) == 2


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        pytest.param(r"Caf{\'e} na\"{i}ve {\ss}", "Café naïve ß", id="accents"),
        pytest.param(r"\textbf{Bold} and \emph{it}", "Bold and it", id="formatting"),
        pytest.param(r"10\% of \$5 and a~tie", "10% of $5 and a tie", id="escapes"),
        pytest.param("{{Nested}} {Braces}\n   and lines", "Nested Braces and lines", id="braces"),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


def test_split_authors_respects_braces_and_turns_names_around() -> None:
    assert split_authors(r"Doe, Jane and {Barnes and Noble} AND King, Jr, Martin") == [
        "Jane Doe", "Barnes and Noble", "Martin King Jr",
    ]  # fmt: skip


# --- the plain-text listing ---------------------------------------------------------------


def test_listing_reads_titles_abstracts_and_the_author_date_block() -> None:
    path = DATA / "listing.txt"
    corpus = read_corpus([path])
    papers = by_title(corpus)
    assert list(papers) == [
        "Spiking Networks, Revisited!",
        "Learning dynamic representations of the functional connectome",
        "The Dragon Hatchling: a missing link between the Transformer and the brain",
        "A paper without an author or date block",
        "NeuRBF: A Neural Fields Representation with Adaptive Radial Basis Functions",
    ]  # the page header (new, Subscribe, Daily Papers, "Nov 10", ...) is not a paper
    first = papers["Spiking Networks, Revisited!"]
    assert first.abstract.startswith("We revisit") and first.abstract.endswith("event cameras.")
    assert (first.author_count, first.date, first.year, dict(first.extra)) == (
        5,
        None,
        None,
        {"listed": '"Sep 25"'},
    )
    assert first.sources == (SourceRef(str(path), line_of(path, "Spiking Networks, Revisited!")),)
    dated = papers["Learning dynamic representations of the functional connectome"]
    assert (dated.author_count, dated.date, dated.year) == (3, "2024-02-21", 2024)
    org = papers["The Dragon Hatchling: a missing link between the Transformer and the brain"]
    assert org.author_count is None
    assert dict(org.extra) == {
        "listed": '"Sep 30"',
        "organisation": '"pathwaycom Pathway"',
        "upvotes": "25",
    }
    bare = papers["A paper without an author or date block"]
    assert (bare.author_count, bare.date, bare.extra) == (None, None, ())
    last = papers["NeuRBF: A Neural Fields Representation with Adaptive Radial Basis Functions"]
    assert (last.date, dict(last.extra)) == ("2023-09-27", {"upvotes": "2"})


def test_listing_abstract_without_title_is_reported_and_reading_goes_on() -> None:
    path = DATA / "listing.txt"
    corpus = read_corpus([path])
    line = line_of(path, "An abstract whose title line is empty")
    assert_problems(corpus, [(line, "abstract without a title")])
    assert "add the title line above the abstract" in corpus.problems[0].message
    # Its author/date lines are not attached to any other paper.
    assert all(p.author_count != 6 for p in corpus.papers)


def test_listing_title_without_abstract_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "listing.txt"
    path.write_text(
        "Orphan title\n\nA real title\n\nIts abstract has two sentences. Here is the second.\n",
        encoding="utf-8",
    )
    corpus = read_corpus([path])
    assert [p.title for p in corpus.papers] == ["A real title"]
    assert_problems(corpus, [(1, 'title "Orphan title" has no abstract')])


def test_listing_author_date_lines_right_below_the_abstract(tmp_path: Path) -> None:
    # No blank line between the abstract and its block: the block is still recognised.
    path = tmp_path / "listing.txt"
    path.write_text(
        "First title\n\nFirst abstract. It has two sentences.\nAcme Lab\n·\nJan 2, 2020\n\n"
        "Second title\n\nSecond abstract. Also two sentences.\n  • 4 authors\n·\nMar 3\n",
        encoding="utf-8",
    )
    first, second = read_corpus([path]).papers
    assert (first.abstract, first.date, dict(first.extra)) == (
        "First abstract. It has two sentences.",
        "2020-01-02",
        {"organisation": '"Acme Lab"'},
    )
    assert (second.abstract, second.author_count, second.sources[0].line) == (
        "Second abstract. Also two sentences.",
        4,
        8,
    )


@pytest.mark.parametrize(
    ("lines", "fields"),
    [
        pytest.param(
            ["• 1 author", "·", "Feb 29"], {"author_count": 1, "listed": "Feb 29"}, id="leap-day"
        ),
        pytest.param(
            ["• 2 authors", "·", "May 15 2"],
            {"author_count": 2, "listed": "May 15", "upvotes": 2},
            id="upvotes",
        ),
        pytest.param(
            ["SakanaAI Sakana AI", "·", "May 8"],
            {"organisation": "SakanaAI Sakana AI", "listed": "May 8"},
            id="organisation",
        ),
        pytest.param(
            ["• 3 authors", "·", "Feb 30, 2024"],
            {"author_count": 3, "listed": "Feb 30, 2024"},
            id="impossible-date-kept-as-text",
        ),
    ],
)
def test_listing_meta_blocks(lines: list[str], fields: dict[str, object]) -> None:
    assert parse_listing_meta(lines) == fields


# --- strict mode and fatal input errors ---------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_strict_raises_on_the_first_bad_record(path: Path) -> None:
    first = read_corpus([path]).problems[0]
    with pytest.raises(InputError) as info:
        read_corpus([path], strict=True)
    assert (info.value.path, info.value.line) == (first.path, first.line)
    assert str(info.value) == str(first)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("empty.jsonl", "", id="jsonl"),
        pytest.param("blank.jsonl", "\n  \n\n", id="blank-jsonl"),
        pytest.param("header-only.csv", "title,abstract\n", id="csv-header-only"),
        pytest.param("empty.tsv", "", id="tsv"),
        pytest.param("comments.bib", "% nothing but a comment\n", id="bib"),
        pytest.param("header-only.txt", "new\n\nSubscribe\n\nNov 10\n", id="listing-header-only"),
    ],
)
def test_a_file_without_records_is_an_error(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(
        InputError, match="contains no paper records; expected JSONL/CSV/BibTeX/listing"
    ):
        read_corpus([path])


def test_only_bad_records_is_an_error_naming_the_first(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"abstract": "no title"}\n{oops\n', encoding="utf-8")
    with pytest.raises(
        InputError, match=r"no paper could be read: all 2 records were skipped.*bad.jsonl:1: "
    ):
        read_corpus([path])


def test_missing_file_directory_and_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing.jsonl: file does not exist; check the path$"):
        read_corpus([tmp_path / "missing.jsonl"])
    with pytest.raises(InputError, match="is a directory; pass the corpus files in it"):
        read_corpus([tmp_path])
    other = tmp_path / "papers.xml"
    other.write_text("<papers/>", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_corpus([other])
    assert "unsupported file type '.xml'; supported: " + ", ".join(SUPPORTED_EXTENSIONS) in str(
        info.value
    )
    with pytest.raises(InputError, match="no input files given"):
        read_corpus([])


def test_a_missing_file_is_reported_before_its_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.xml: file does not exist"):
        read_corpus([tmp_path / "missing.xml"])


def test_permission_denied_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, who can read a chmod-0 file; simulate the OS refusing instead.
    path = tmp_path / "secret.jsonl"
    path.write_text('{"title": "x"}\n', encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(
        InputError, match=r"secret.jsonl: cannot be read \(permission denied\); check"
    ):
        read_corpus([path])


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root can read files without permission"
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.jsonl"
    path.write_text('{"title": "x"}\n', encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            read_corpus([path])
    finally:
        path.chmod(0o600)


def test_non_utf8_file_names_the_line_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"title": "Neurons"}\n{"title": "Café neurons"}\n'.encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_corpus([path])
    message = str(info.value)
    assert message.startswith(f"{path}:2: is not UTF-8 (byte 0xe9")
    assert "iconv -f latin1 -t utf-8" in message and "\n" not in message
    assert info.value.line == 2


def test_utf16_and_byte_order_mark(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("title\nx\n".encode("utf-16"))
    with pytest.raises(InputError, match="is UTF-16, not UTF-8; convert it with `iconv -f utf-16"):
        read_corpus([utf16])
    bom = tmp_path / "bom.csv"
    bom.write_bytes("title,abstract\nA title,An abstract.\n".encode("utf-8-sig"))
    assert [p.title for p in read_corpus([bom]).papers] == ["A title"]


def test_a_single_path_and_crlf_line_endings(tmp_path: Path) -> None:
    jsonl = tmp_path / "crlf.jsonl"
    jsonl.write_bytes(b'{"title": "One"}\r\n{"title": "Two"}\r\n')
    listing = tmp_path / "crlf.txt"
    listing.write_text(
        "A title\r\n\r\nIts abstract. Two sentences.\r\n\r\n"
        "  \u2022 2 authors\r\n\u00b7\r\nMay 8\r\n",
        encoding="utf-8",
        newline="",
    )
    assert [p.title for p in read_corpus(jsonl).papers] == ["One", "Two"]
    paper = read_corpus(str(listing)).papers[0]
    assert (paper.abstract, paper.author_count) == ("Its abstract. Two sentences.", 2)
    assert dict(paper.extra) == {"listed": '"May 8"'}


# --- parse_record -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "needle"),
    [
        pytest.param({}, "neither a title nor an abstract", id="empty"),
        pytest.param(
            {"title": "  ", "abstract": None}, "neither a title nor an abstract", id="blank"
        ),
        pytest.param({"title": 42}, '"title" must be a string, got a number', id="title-number"),
        pytest.param({"title": "x", "year": True}, '"year" must be a year', id="year-bool"),
        pytest.param({"title": "x", "year": 999}, "from 1000 to 2100", id="year-too-early"),
        pytest.param(
            {"title": "x", "date": "10/09/2023"}, '"date" must be an ISO date', id="date-format"
        ),
        pytest.param(
            {"title": "x", "date": "2023-02-30"}, '"date" must be an ISO date', id="date-impossible"
        ),
        pytest.param(
            {"title": "x", "arxiv": "not-an-id"}, '"arxiv" is not a valid arXiv id', id="arxiv"
        ),
        pytest.param({"title": "x", "pmid": "PM12"}, '"pmid" must be a PubMed id', id="pmid"),
        pytest.param(
            {"title": "x", "authors": [1, 2]}, '"authors" must be a list of names', id="authors"
        ),
        pytest.param(
            {"title": "x", "author_count": -1}, '"author_count" must be a whole number', id="count"
        ),
        pytest.param(
            {"title": "a", "Title": "b"},
            'fields "title" and "Title" both give the title',
            id="twice",
        ),
    ],
)
def test_parse_record_rejects_with_a_precise_reason(record: dict[str, object], needle: str) -> None:
    with pytest.raises(InputError) as info:
        parse_record(record, source=SourceRef("in.jsonl", 7))
    assert str(info.value).startswith("in.jsonl:7: ") and needle in str(info.value)
    assert (info.value.path, info.value.line) == ("in.jsonl", 7)


def test_parse_record_conventions() -> None:
    source = SourceRef("in.csv", 2)
    paper = parse_record(
        {"Title": "A\n title", "YEAR": "2020", "paperId": "abc", "authors": "A. One;  B. Two ;",
         "author_count": "2", "date": "2020-05", "id": 17, "Extra Column": "kept"},
        source=source,
    )  # fmt: skip
    assert (paper.id, paper.title, paper.year, paper.s2_id) == ("id:17", "A title", 2020, "abc")
    assert [a.name for a in paper.authors] == ["A. One", "B. Two"] and paper.author_count == 2
    assert paper.date is None and dict(paper.extra) == {
        "Extra Column": '"kept"',
        "partial_date": '"2020-05"',
    }
    assert (
        parse_record({"title": "x", "date": "2021-07-01T10:00:00Z"}, source=source).date
        == "2021-07-01"
    )
    # arXiv's own DOI also gives the arXiv id, so DOI-only and arXiv-only records meet.
    assert (
        parse_record({"title": "x", "doi": "10.48550/arXiv.2101.00001"}, source=source).arxiv
        == "2101.00001"
    )
    titled = parse_record({"title": "Only a title"}, source=source)
    assert titled.id.startswith("title:") and titled.abstract == ""


# --- deduplication ------------------------------------------------------------------------


def test_dedup_across_formats_by_doi_arxiv_and_title() -> None:
    corpus = read_corpus(FIXTURES)
    assert corpus.sources == tuple(str(p) for p in FIXTURES)
    assert corpus.duplicates_merged == 3
    papers: dict[str, Paper] = {p.id: p for p in corpus.papers}
    # DOI: the JSONL record and the CSV copy (whose DOI differs in case only).
    by_doi = papers["doi:10.1234/snn.1"]
    assert by_doi.title == "Spiking neural networks on Loihi"  # the first title wins
    assert [Path(s.path).suffix for s in by_doi.sources] == [".jsonl", ".csv"]
    assert [a.name for a in by_doi.authors] == ["Ada Lovelace", "Alan Turing"]  # union, no repeat
    # arXiv: "arXiv:2101.00001v2" in JSONL and eprint 2101.00001v3 in BibTeX.
    by_arxiv = papers["arxiv:2101.00001"]
    assert by_arxiv.title == "Hippocampal replay in rats"
    assert by_arxiv.abstract.startswith("We study α-waves")  # the longest abstract wins
    assert (
        by_arxiv.year == 2020
        and by_arxiv.venue == "Advances in Neural Information Processing Systems"
    )
    # Title: "Spiking networks, revisited" (CSV) and "Spiking Networks, Revisited!" (listing).
    by_title_key = papers["doi:10.1234/csv.1"]
    assert [Path(s.path).suffix for s in by_title_key.sources] == [".csv", ".txt"]
    assert by_title_key.author_count == 5 and dict(by_title_key.extra)["listed"] == '"Sep 25"'
    assert len({normalise_title(p.title) for p in corpus.papers}) == len(corpus.papers)


def _paper(title: str, **fields: object) -> Paper:
    return parse_record({"title": title, **fields}, source=SourceRef("t.jsonl", 1))


def test_merge_keeps_first_seen_order_and_rechooses_the_id() -> None:
    papers = [
        _paper("Alpha", abstract="short"),
        _paper("Beta"),
        _paper("alpha!", abstract="the longer abstract", doi="10.1000/alpha", year=2020),
    ]
    merged, count = merge_duplicates(papers)
    assert count == 1 and [p.title for p in merged] == ["Alpha", "Beta"]
    assert (merged[0].id, merged[0].abstract, merged[0].year) == (
        "doi:10.1000/alpha",
        "the longer abstract",
        2020,
    )


def test_merge_is_transitive() -> None:
    # a~b by DOI, b~c by arXiv id: all three are one paper, even though a and c share nothing.
    papers = [
        _paper("A", doi="10.1000/x"),
        _paper("B", doi="10.1000/x", arxiv="2101.00002"),
        _paper("C", arxiv="2101.00002"),
    ]
    merged, count = merge_duplicates(papers)
    assert count == 2 and len(merged) == 1


def test_same_title_with_different_dois_is_not_merged() -> None:
    papers = [
        _paper("Editorial", doi="10.1000/a"),
        _paper("Editorial", doi="10.1000/b"),
        _paper("editorial"),
    ]
    merged, _ = merge_duplicates(papers)
    assert [p.id for p in merged] == ["doi:10.1000/a", "doi:10.1000/b"]


def test_titles_in_other_scripts_do_not_collide() -> None:
    # normalise_title keeps only ASCII letters, so both would fold to "" without a guard.
    merged, count = merge_duplicates(
        [_paper("脉冲神经网络"), _paper("海马体的记忆"), _paper("脉冲神经网络 ")]
    )
    assert count == 1 and [p.title for p in merged] == ["脉冲神经网络", "海马体的记忆"]


def test_reading_10000_records_is_fast_and_linear(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    lines = [
        json.dumps({"id": f"r{i}", "title": f"Paper number {i % 8000} on spiking networks",
                    "abstract": "An abstract of about twenty words. " * 4, "year": 2000 + i % 20})
        for i in range(10_000)
    ]  # fmt: skip
    path.write_text("\n".join(lines), encoding="utf-8")
    start = time.perf_counter()
    corpus = read_corpus([path])
    elapsed = time.perf_counter() - start
    assert len(corpus.papers) == 8000 and corpus.duplicates_merged == 2000
    assert elapsed < 3.0, f"reading 10k records took {elapsed:.2f}s"


# --- corpus_to_jsonl and the round trip ---------------------------------------------------


def _without_sources(corpus: Corpus) -> list[Paper]:
    return [dataclasses.replace(paper, sources=()) for paper in corpus.papers]


def test_round_trip_of_every_fixture(tmp_path: Path) -> None:
    corpus = read_corpus(FIXTURES)
    text = corpus_to_jsonl(corpus)
    assert text == corpus_to_jsonl(read_corpus(FIXTURES))  # deterministic
    assert str(DATA) not in text and "sources" not in text
    out = tmp_path / "out.jsonl"
    out.write_text(text, encoding="utf-8")
    again = read_corpus([out])
    assert _without_sources(again) == _without_sources(corpus)
    assert not again.problems and again.duplicates_merged == 0
    assert corpus_to_jsonl(again) == text


def test_corpus_to_jsonl_key_order_and_omitted_empties() -> None:
    paper = _paper(
        "T", abstract="A", year=2020, authors=[{"name": "N", "s2_id": 5}, "M"], zeta=1, alpha=[]
    )
    record = json.loads(corpus_to_jsonl(Corpus(papers=(paper,))))
    assert list(record) == ["id", "title", "abstract", "year", "authors", "zeta"]
    assert record["authors"] == [{"name": "N", "s2_id": "5"}, "M"]


def test_record_id_round_trips() -> None:
    paper = _paper("T", id="W42")
    assert paper.id == "id:W42"
    record = json.loads(corpus_to_jsonl(Corpus(papers=(paper,))))
    assert parse_record(record, source=SourceRef("x", 1)).id == "id:W42"


@given(st.text())
def test_normalise_title_is_idempotent(title: str) -> None:
    once = normalise_title(title)
    assert normalise_title(once) == once


_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcXYZ 019\"'<>&\\\n\t,;{}") + ["é", "ß", "脳", "\u2028", "—", "🧠"]
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(titles=st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=5))
def test_round_trip_property(
    titles: list[tuple[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    records = [{"title": title, "abstract": abstract} for title, abstract in titles]
    path = tmp_path_factory.mktemp("rt") / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    try:
        corpus = read_corpus([path])
    except InputError:  # every generated record was blank: nothing to round-trip
        assert all(not title.strip() for title, _ in titles)
        return
    out = path.with_name("out.jsonl")
    out.write_text(corpus_to_jsonl(corpus), encoding="utf-8")
    assert _without_sources(read_corpus([out])) == _without_sources(corpus)


# --- the bundled example corpus -----------------------------------------------------------


def test_examples_papers_jsonl_is_the_ingested_seeds() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"the seed listings are not at {SEEDS}")
    expected = corpus_to_jsonl(read_corpus(sorted(SEEDS.glob("*.txt"))))
    actual = (ROOT / "examples" / "papers.jsonl").read_text(encoding="utf-8")
    assert actual == expected, (
        "regenerate with: kg ingest ../shared/seeds/*.txt -o examples/papers.jsonl"
    )
    records = [json.loads(line) for line in actual.splitlines()]
    assert records and all(r.get("title") and r.get("abstract") for r in records)
    assert "/work/" not in actual and "seeds/" not in actual
