"""A whole ``kg build`` job: pipeline, exports, ``build.json``, and the summary to print.

This is the one library call behind the command; notebooks can call it too. Every file is
written atomically, and ``build.json`` last, so a directory whose manifest exists holds a
complete build.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.atomic import write_atomic
from kg.export import DEFAULT_FORMATS, export_all
from kg.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, build_nlp
from kg.gazetteer import load_gazetteer
from kg.manifest import build_manifest, hash_file
from kg.models import Corpus, EntityType
from kg.pipeline import BuildResult, ProgressCallback, build
from kg.projection import graph_summary
from kg.settings import Settings
from kg.store import STORE_DIR, build_store

MANIFEST_NAME = "build.json"


@dataclass(frozen=True)
class BuildOutcome:
    """The pipeline's result, the files written and the summary text for the terminal."""

    result: BuildResult
    outputs: dict[str, Path]
    counts: dict[str, Any]
    timings: dict[str, float]
    summary: str


def run_build(
    corpus: Corpus,
    *,
    inputs: Sequence[Path],
    settings: Settings,
    formats: Sequence[str] | None = None,
    title: str = "neurokg",
    source: Any = None,
    enrich_options: Mapping[str, Any] | None = None,
    on_progress: ProgressCallback | None = None,
) -> BuildOutcome:
    """Build ``corpus`` and write every export of ``formats`` into ``settings.out_dir``.

    Raises:
        kg.errors.ValidationError: The graph breaks the shapes; nothing is written.
        kg.errors.ExportError: An output cannot be written.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    tick = time.perf_counter()
    gazetteer = load_gazetteer()
    nlp = build_nlp(gazetteer)
    timings["load_pipeline"] = round(time.perf_counter() - tick, 4)
    result = build(
        corpus, nlp=nlp, gazetteer=gazetteer, source=source, enrich_options=dict(enrich_options or {}),
        base_iri=settings.base_iri, validate=settings.validate, on_progress=on_progress,
    )
    timings.update(result.timings)
    tick = time.perf_counter()
    outputs = export_all(result.graph, settings.out_dir, formats=tuple(formats or DEFAULT_FORMATS), title=title)
    # The SPARQL store `kg query` and `kg serve` use; written whatever the formats.
    outputs[STORE_DIR] = build_store(result.graph, settings.out_dir / STORE_DIR)
    timings["export"] = round(time.perf_counter() - tick, 4)
    counts = _counts(result)
    timings["total"] = round(time.perf_counter() - started, 4)
    manifest_path = settings.out_dir / MANIFEST_NAME
    write_atomic(
        manifest_path,
        build_manifest(
            inputs=[hash_file(path) for path in inputs],
            counts=counts,
            timings=timings,
            outputs=outputs,
            settings={"base_iri": settings.base_iri, "strict": settings.strict, "validate": settings.validate,
                      "formats": list(formats or DEFAULT_FORMATS), "title": title,
                      "enrich": source is not None, "offline": settings.offline},
            problems=result.corpus.problems,
            extractor={"name": EXTRACTOR_NAME, "version": EXTRACTOR_VERSION},
            enrichment=None if result.enrich_report is None else _report_dict(result.enrich_report),
        ),
    )
    outputs = {**outputs, "manifest": manifest_path}
    return BuildOutcome(result=result, outputs=outputs, counts=counts, timings=timings,
                        summary=format_summary(counts, outputs, timings, validated=settings.validate))


def rerun_build(
    build_dir: Path,
    *,
    settings: Settings,
    source: Any,
    enrich_options: Mapping[str, Any] | None = None,
    on_progress: ProgressCallback | None = None,
) -> BuildOutcome:
    """Rebuild ``build_dir`` from the inputs its ``build.json`` names, enriching through ``source``.

    The new build is made beside the old one and moved in only when enrichment was not cut
    short, so an outage never replaces a good build with a poorer one.

    Raises:
        kg.errors.InputError: If the directory has no ``build.json`` or an input is gone.
    """
    import json
    import os
    import shutil
    from dataclasses import replace

    from kg.errors import InputError
    from kg.ingest import read_corpus

    if build_dir.is_file():
        build_dir = build_dir.parent
    manifest_path = build_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        raise InputError(f"{build_dir} has no {MANIFEST_NAME}; run `kg build INPUT -o {build_dir}` first")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    inputs = [Path(item.get("resolved") or item["path"]) for item in manifest.get("inputs", [])]
    missing = [str(path) for path in inputs if not path.is_file()]
    if missing:
        raise InputError(f"the inputs of {build_dir} are gone: {', '.join(missing)}; rebuild with `kg build`")
    recorded = manifest.get("settings", {})
    corpus = read_corpus(inputs, strict=bool(recorded.get("strict", False)))
    staging = build_dir.parent / f".{build_dir.name}.enrich-tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staged_settings = replace(
        settings, out_dir=staging, base_iri=recorded.get("base_iri", settings.base_iri),
        strict=bool(recorded.get("strict", False)), validate=bool(recorded.get("validate", True)),
    )
    try:
        outcome = run_build(
            corpus, inputs=inputs, settings=staged_settings, formats=recorded.get("formats"),
            title=recorded.get("title", "neurokg"), source=source, enrich_options=enrich_options,
            on_progress=on_progress,
        )
        report = outcome.result.enrich_report
        if report is not None and report.cut_short:
            return outcome  # the previous build stays; the staging copy is removed below
        moved = {}
        for name, path in outcome.outputs.items():
            target = build_dir / path.name
            if path.is_dir() and target.is_dir():  # the store: swap directories, drop the old one
                old = build_dir / f".{path.name}.old"
                shutil.rmtree(old, ignore_errors=True)
                os.replace(target, old)
                os.replace(path, target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(path, target)  # same filesystem: each file switches atomically
            moved[name] = target
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary = outcome.summary.replace(str(staging), str(build_dir))
    return replace(outcome, outputs=moved, summary=summary)


def _report_dict(report: Any) -> dict[str, Any]:
    from dataclasses import asdict, is_dataclass

    return asdict(report) if is_dataclass(report) else {"report": str(report)}


def _counts(result: BuildResult) -> dict[str, Any]:
    corpus = result.corpus
    per_type: dict[str, dict[str, int]] = {
        t.value: {"mentions": 0, "concepts": 0} for t in EntityType
    }
    for mention in corpus.mentions:
        per_type[mention.label.value]["mentions"] += 1
    for concept in corpus.concepts:
        per_type[concept.type.value]["concepts"] += 1
    summary = graph_summary(result.graph)
    return {
        "papers": sum(1 for p in corpus.papers if not p.is_stub),
        "stub_papers": sum(1 for p in corpus.papers if p.is_stub),
        "skipped_records": len(corpus.problems),
        "duplicates_merged": corpus.duplicates_merged,
        "mentions": len(corpus.mentions),
        "linked_mentions": sum(1 for m in corpus.mentions if m.concept_id is not None),
        "concepts": len(corpus.concepts),
        "papers_without_mentions": len({p.id for p in corpus.papers if not p.is_stub}
                                       - {m.paper_id for m in corpus.mentions}),
        "per_type": per_type,
        "citations": len(corpus.citations),
        "graph": summary,
    }


def format_summary(
    counts: Mapping[str, Any], outputs: Mapping[str, Path], timings: Mapping[str, float], *, validated: bool
) -> str:
    """The few lines ``kg build`` prints: what went in, what came out, where it is."""
    lines = [
        f"Papers: {counts['papers']:,} ({counts['duplicates_merged']:,} duplicates merged, "
        f"{counts['skipped_records']:,} records skipped)",
        f"Mentions: {counts['mentions']:,} of {counts['concepts']:,} concepts "
        f"(papers without any mention: {counts['papers_without_mentions']:,})",
    ]
    for name, row in counts["per_type"].items():
        lines.append(f"  {name:<13} {row['mentions']:>7,} mentions {row['concepts']:>6,} concepts")
    graph = counts["graph"]
    edge_text = ", ".join(f"{key} {value:,}" for key, value in sorted(graph.get("edges", {}).items()))
    lines.append(f"Graph: {graph.get('triples', 0):,} triples; edges: {edge_text or 'none'}")
    if counts.get("stub_papers") or counts.get("citations"):
        lines.append(f"Citations: {counts['citations']:,} ({counts['stub_papers']:,} papers outside the corpus)")
    lines.append("SHACL validation: conforms" if validated else "SHACL validation: skipped (--no-validate)")
    lines.append(f"Built in {timings.get('total', 0.0):.1f} s. Wrote:")
    for name, path in sorted(outputs.items(), key=lambda item: str(item[1])):
        size = (sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir()
                else path.stat().st_size if path.exists() else 0)
        lines.append(f"  {str(path):<40} {_human_bytes(size):>9}")
    return "\n".join(lines)


def _human_bytes(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover

