"""`kg build` and `kg enrich` with Semantic Scholar, end to end over loopback HTTP to the fake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDF

from kg.cli import cli
from kg.vocab import CITO, KG
from tests.conftest import DATA, ROOT


def _seed_titles() -> set[str]:
    titles = set()
    for path in (DATA / "s2").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        titles.add(record["paper"]["title"])
    return titles


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The example papers the fake knows by title, plus two it does not."""
    from kg.ids import normalise_title

    known = {normalise_title(t) for t in _seed_titles()}
    lines = (ROOT / "examples" / "papers.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = [line for line in lines if normalise_title(json.loads(line)["title"]) in known]
    unknown = [line for line in lines if normalise_title(json.loads(line)["title"]) not in known][:2]
    assert len(chosen) >= 5
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(chosen + unknown) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def env(s2, tmp_path: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "S2_API_URL": s2.base_url,
        "KG_CACHE_DIR": str(tmp_path / "cache"),
        "KG_STATE_DIR": str(tmp_path / "state"),
        "KG_S2_MIN_INTERVAL": "0",
        "KG_ENRICH": "1",
        "KG_OFFLINE": "0",
    }


def test_build_enriches_then_a_rerun_costs_nothing(s2, corpus: Path, env: dict[str, str],  # type: ignore[no-untyped-def]
                                                   tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    first = runner.invoke(cli, ["build", str(corpus), "-o", str(out), "--no-progress"], env=env)
    assert first.exit_code == 0, first.output
    assert "Semantic Scholar:" in first.output and "resolved" in first.output
    made = len(s2.fake.requests())
    assert made > 0

    graph = Graph().parse(out / "graph.ttl")
    assert any(graph.triples((None, CITO.cites, None)))
    assert any(graph.triples((None, RDF.type, CITO.Citation)))
    stubs = set(graph.subjects(KG.isStub, None))
    assert any(graph.value(s, KG.isStub).toPython() for s in stubs)
    people = set(graph.subjects(RDF.type, FOAF.Person))
    assert any(graph.value(p, KG.s2AuthorId) is not None for p in people)
    manifest = json.loads((out / "build.json").read_text())
    assert manifest["enrichment"]["requests"] == made

    second = runner.invoke(cli, ["build", str(corpus), "-o", str(tmp_path / "again"), "--no-progress"], env=env)
    assert second.exit_code == 0, second.output
    assert len(s2.fake.requests()) == made, "a second complete run must make zero requests"
    assert (tmp_path / "again" / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()

    enriched = runner.invoke(cli, ["enrich", "--graph", str(out), "--no-progress"], env=env)
    assert enriched.exit_code == 0, enriched.output
    assert len(s2.fake.requests()) == made
    # The rebuilt directory holds the same, enriched graph (every answer came from the cache).
    assert (out / "graph.ttl").read_bytes() == (tmp_path / "again" / "graph.ttl").read_bytes()
    assert isinstance(next(Graph().parse(out / "graph.ttl").objects(None, CITO.cites)), URIRef)


def test_offline_build_uses_only_the_cache(s2, corpus: Path, env: dict[str, str],  # type: ignore[no-untyped-def]
                                           tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(corpus), "-o", str(tmp_path / "o"), "--offline", "--no-progress"],
                                env=env)
    assert result.exit_code == 0, result.output
    assert s2.fake.requests() == []
    assert "not available offline" in result.output


def test_unreachable_api_still_builds_and_says_so(corpus: Path, env: dict[str, str], tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**env, "S2_API_URL": f"http://127.0.0.1:{port}/graph/v1"}
    result = CliRunner().invoke(cli, ["build", str(corpus), "-o", str(tmp_path / "o"), "--no-progress"], env=env)
    assert result.exit_code == 0, result.output
    assert "cut short" in result.output
    assert "connection refused" in result.output
    assert (tmp_path / "o" / "graph.ttl").is_file()


def test_rejected_api_key_is_one_clear_error(s2, corpus: Path, env: dict[str, str],  # type: ignore[no-untyped-def]
                                             tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(corpus), "-o", str(tmp_path / "o"), "--no-progress",
                                      "--s2-api-key", "bad-key"], env=env)
    assert result.exit_code != 0
    assert "key" in result.output.lower() and "Traceback" not in result.output
