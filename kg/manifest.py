"""``build.json``: what a build read (with hashes), what it made, with which versions, how fast.

The manifest is how a researcher tells two builds apart and reproduces one: the input
hashes and the versions of every library that shapes the output are recorded beside the
counts and the per-stage timings.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from kg.models import Problem

#: Libraries whose version changes what a build produces.
_TRACKED = ("neurokg", "spacy", "rdflib", "networkx", "polars", "pyvis", "pyshacl")


@dataclass(frozen=True, slots=True)
class InputFile:
    """One input file as the build read it."""

    path: str  # as given on the command line
    sha256: str
    bytes: int
    resolved: str = ""  # absolute path, so `kg enrich` finds the inputs from any directory


def hash_file(path: Path) -> InputFile:
    """Hash a file in 1 MiB chunks (inputs can be large)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return InputFile(path=str(path), sha256=digest.hexdigest(), bytes=size, resolved=str(path.resolve()))


def library_versions() -> dict[str, str]:
    """Versions of Python and of every tracked library that is installed."""
    versions = {"python": platform.python_version()}
    for name in _TRACKED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def build_manifest(
    *,
    inputs: Sequence[InputFile],
    counts: Mapping[str, Any],
    timings: Mapping[str, float],
    outputs: Mapping[str, Path],
    settings: Mapping[str, Any],
    problems: Sequence[Problem] = (),
    extractor: Mapping[str, Any] | None = None,
    enrichment: Mapping[str, Any] | None = None,
) -> str:
    """Return the JSON text of ``build.json`` (pretty-printed, keys sorted)."""
    document: dict[str, Any] = {
        "inputs": [asdict(item) for item in inputs],
        "counts": dict(counts),
        "skipped_records": [{"path": p.path, "line": p.line, "message": p.message} for p in problems],
        "timings_seconds": dict(timings),
        "outputs": {name: str(path) for name, path in sorted(outputs.items())},
        "settings": dict(settings),
        "versions": library_versions(),
    }
    if extractor is not None:
        document["extractor"] = dict(extractor)
    if enrichment is not None:
        document["enrichment"] = dict(enrichment)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
