"""The CLI end to end, offline: build, extract, ingest, query, stats, export, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kg import __version__
from kg.cli import cli
from tests.conftest import DATA

SMALL = DATA / "abstracts.jsonl"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # Keep the "latest build" pointer inside the test's own directory.
    monkeypatch.setenv("KG_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("KG_GRAPH", raising=False)
    # Enrichment has its own tests against the fake server (test_cli_enrich.py); these
    # builds stay offline, and a cache in the test's directory is all they may touch.
    monkeypatch.setenv("KG_ENRICH", "0")
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    return CliRunner()


@pytest.fixture
def built(runner: CliRunner, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(SMALL), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    return out


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_build_writes_every_export_and_reports_skipped_records(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(SMALL), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    for name in ("graph.ttl", "graph.nt", "graph.jsonld", "graph.graphml", "nodes.parquet",
                 "edges.parquet", "mentions.parquet", "graph.html", "build.json"):
        assert (out / name).is_file(), name
        assert (out / name).stat().st_size > 0, name
    # The two malformed records are reported with file and line, the six good ones built.
    assert f"{SMALL}:7:" in result.output
    assert f"{SMALL}:8:" in result.output
    assert "Papers: 6 " in result.output
    assert "SHACL validation: conforms" in result.output
    manifest = json.loads((out / "build.json").read_text())
    assert manifest["counts"]["papers"] == 6
    assert manifest["counts"]["skipped_records"] == 2
    assert [item["path"] for item in manifest["inputs"]] == [str(SMALL)]
    assert len(manifest["inputs"][0]["sha256"]) == 64
    assert {"extract", "rdf", "validate", "export", "total"} <= set(manifest["timings_seconds"])
    assert "rdflib" in manifest["versions"] and "spacy" in manifest["versions"]
    # No temporary files are left behind by the atomic writes.
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_two_builds_give_byte_identical_turtle(runner: CliRunner, tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = runner.invoke(cli, ["build", str(SMALL), "-o", str(out), "--no-progress"])
        assert result.exit_code == 0, result.output
        outs.append((out / "graph.ttl").read_bytes())
    assert outs[0] == outs[1]


def test_turtle_and_jsonld_exports_describe_the_same_graph(built: Path) -> None:
    turtle = Graph().parse(built / "graph.ttl", format="turtle")
    jsonld = Graph().parse(built / "graph.jsonld", format="json-ld")
    ntriples = Graph().parse(built / "graph.nt", format="nt")
    assert len(turtle) > 100
    assert isomorphic(turtle, jsonld)
    assert isomorphic(turtle, ntriples)


def test_strict_makes_a_bad_record_fatal(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", str(SMALL), "-o", str(tmp_path / "o"), "--strict", "--no-progress"])
    assert result.exit_code != 0
    assert f"{SMALL}:7:" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o" / "graph.ttl").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(None, "does not exist", id="missing"),
        pytest.param(b"", "no paper", id="empty"),
        pytest.param(b'{"title": "Caf\xe9 neurons", "abstract": "x"}\n', "UTF-8", id="not-utf8"),
    ],
)
def test_bad_input_files_get_one_clear_line(
    runner: CliRunner, tmp_path: Path, content: bytes | None, expected: str
) -> None:
    path = tmp_path / "papers.jsonl"
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(cli, ["build", str(path), "-o", str(tmp_path / "o"), "--no-progress"])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: ")
    assert expected.lower() in result.output.lower()
    assert "Traceback" not in result.output


def test_extract_writes_offsets_into_the_document(runner: CliRunner, tmp_path: Path) -> None:
    from kg.ingest import read_corpus

    out = tmp_path / "mentions.jsonl"
    result = runner.invoke(cli, ["extract", str(SMALL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    documents = {p.id: p.document for p in read_corpus([SMALL]).papers}
    assert [r["id"] for r in records] == list(documents)
    seen_labels = set()
    for record in records:
        for entity in record["entities"]:
            assert set(entity) == {"start", "end", "label", "text", "concept", "iri", "score"}
            assert documents[record["id"]][entity["start"]:entity["end"]] == entity["text"]
            seen_labels.add(entity["label"])
    assert seen_labels == {"METHOD", "DATASET", "BRAIN_REGION", "HARDWARE"}
    # The Loihi paper's abstract names Loihi, and the mention is linked to its concept IRI.
    loihi = [e for r in records for e in r["entities"] if e["text"] == "Loihi"]
    assert loihi and loihi[0]["iri"].endswith("/concept/hardware/loihi")


def test_ingest_writes_a_deduplicated_corpus(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    result = runner.invoke(cli, ["ingest", str(SMALL), str(SMALL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 6
    assert "6 duplicates merged" in result.output


def test_query_named_with_binding_and_formats(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["query", "--named", "papers-by-hardware", "--bind", "hardware=loihi",
                                 "--graph", str(built), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    titles = {value for row in rows for value in row.values()}
    assert any("Loihi" in (t or "") for t in titles)
    assert not any("SpiNNaker" in (t or "") for t in titles)


def test_query_uses_the_latest_build_by_default(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["query", "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kg:Paper }", "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == 6


def test_query_from_rq_file(runner: CliRunner, built: Path, tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text("SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t LIMIT 2\n")
    result = runner.invoke(cli, ["query", str(query_file), "--graph", str(built / "graph.ttl")])
    assert result.exit_code == 0, result.output
    assert "<script>alert(1)</script>" in result.output or "Convolutional" in result.output


def test_query_syntax_error_says_where(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["query", "SELECT ?x WHERE {\n  ?x ?y \n}}", "--graph", str(built)])
    assert result.exit_code != 0
    assert "line" in result.output and "column" in result.output
    assert "Traceback" not in result.output


def test_query_without_any_build_explains_what_to_do(runner: CliRunner, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["query", "--named", "top-concepts"])
    assert result.exit_code != 0
    assert "kg build" in result.output


def test_query_list_names_every_named_query(runner: CliRunner) -> None:
    from kg.query import list_named_queries

    result = runner.invoke(cli, ["query", "--list"])
    assert result.exit_code == 0
    names = [q.name for q in list_named_queries()]
    assert len(names) >= 8
    for name in names:
        assert name in result.output


def test_stats(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(cli, ["stats", "--graph", str(built)])
    assert result.exit_code == 0, result.output
    for label in ("METHOD", "DATASET", "BRAIN_REGION", "HARDWARE"):
        assert label in result.output
    assert "A note on scientific writing" in result.output  # the paper without any mention


def test_export_rerenders_a_saved_graph(runner: CliRunner, built: Path, tmp_path: Path) -> None:
    out = tmp_path / "views"
    result = runner.invoke(cli, ["export", str(built / "graph.ttl"), "--format", "html", "--format", "graphml",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "graph.html").is_file() and (out / "graph.graphml").is_file()


def test_unknown_export_format_is_one_line(runner: CliRunner, built: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["export", str(built), "--format", "pdf", "-o", str(tmp_path)])
    assert result.exit_code != 0
    assert "pdf" in result.output and "Traceback" not in result.output


def test_bad_base_iri_is_rejected(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["build", str(SMALL), "-o", str(tmp_path / "o"), "--base-iri", "not an iri"])
    assert result.exit_code != 0
    assert "base IRI" in result.output


def test_python_dash_m_kg_runs() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "kg", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert __version__ in done.stdout


def test_eval_scores_the_extractor_on_a_gold_file(runner: CliRunner, tmp_path: Path) -> None:
    from kg.ingest import read_corpus

    paper = read_corpus([SMALL]).papers[0]  # the Loihi paper
    text = paper.document
    start = text.index("Loihi")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "title": paper.title, "text": text, "entities": [
        {"start": start, "end": start + 5, "label": "HARDWARE", "text": "Loihi", "canonical": "loihi"}]}) + "\n")
    result = runner.invoke(cli, ["eval", str(gold), "--types", "HARDWARE", "--format", "json"])
    assert result.exit_code == 0, result.output
    hardware = json.loads(result.output)["per_type"]["HARDWARE"]["strict"]
    # Loihi is found, so recall is 1; the GPU in the same abstract is a false positive here.
    assert hardware["gold"] == 1 and hardware["tp"] == 1 and hardware["recall"] == 1.0
    assert hardware["predicted"] >= 2 and hardware["precision"] < 1.0
    table = runner.invoke(cli, ["eval", str(gold), "--types", "HARDWARE"])
    assert table.exit_code == 0, table.output
    assert "GPU" in table.output


def test_eval_rejects_a_malformed_gold_file(runner: CliRunner, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "x", "text": "abc", "entities": [{"start": 0, "end": 9, "label": "METHOD", "text": "zzz"}]}\n')
    result = runner.invoke(cli, ["eval", str(gold)])
    assert result.exit_code != 0
    assert str(gold) in result.output and "Traceback" not in result.output


def test_export_one_file_format_to_a_file_path(runner: CliRunner, built: Path, tmp_path: Path) -> None:
    target = tmp_path / "maps" / "map.json"
    result = runner.invoke(cli, ["export", str(built), "--format", "vosviewer", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "items" in json.loads(target.read_text())["network"]
    several = runner.invoke(cli, ["export", str(built), "--format", "tables", "-o", str(tmp_path / "t.parquet")])
    assert several.exit_code != 0 and "give -o a directory" in several.output
