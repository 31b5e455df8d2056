"""Every tunable of kg, its default, its environment variable and its help text, as data.

Precedence (defaults < environment < command-line flags) is resolved only in ``kg.cli``;
library functions receive explicit keyword arguments and never read ``os.environ``.
``tests/test_docs.py`` checks that every field and env name is in the README.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kg.ids import DEFAULT_BASE_IRI


def setting(default: Any, *, help: str, env: str | None = None) -> Any:  # noqa: A002
    """A dataclass field that carries its help text and environment variable."""
    return field(default=default, metadata={"help": help, "env": env})


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Resolved settings of one kg invocation."""

    base_iri: str = setting(
        DEFAULT_BASE_IRI, env="KG_BASE_IRI", help="Prefix of every minted instance IRI; ends with / or #"
    )
    out_dir: Path = setting(
        Path("exports"), env="KG_OUT_DIR", help="Directory `kg build` writes its exports to"
    )
    graph: Path | None = setting(
        None,
        env="KG_GRAPH",
        help="Graph `kg query`/`kg stats` read: a build directory or a Turtle file (default: the latest build)",
    )
    state_dir: Path | None = setting(
        None,
        env="KG_STATE_DIR",
        help="Where kg remembers the latest build (default: $XDG_STATE_HOME/neurokg or ~/.local/state/neurokg)",
    )
    strict: bool = setting(False, env="KG_STRICT", help="Treat any malformed input record as fatal")
    enrich: bool = setting(
        True, env="KG_ENRICH", help="Enrich papers through Semantic Scholar during `kg build` (off: --no-enrich)"
    )
    offline: bool = setting(
        False, env="KG_OFFLINE", help="Never touch the network: enrich from the cache only"
    )
    s2_api_url: str = setting(
        "https://api.semanticscholar.org/graph/v1", env="S2_API_URL", help="Semantic Scholar Graph API root"
    )
    s2_api_key: str | None = setting(
        None, env="S2_API_KEY", help="Semantic Scholar API key, sent as x-api-key (optional; anonymous is slower)"
    )
    s2_min_interval: float = setting(
        1.0, env="KG_S2_MIN_INTERVAL", help="Seconds between Semantic Scholar requests (the public rate is 1/s)"
    )
    cache_dir: Path | None = setting(
        None,
        env="KG_CACHE_DIR",
        help="Cache of Semantic Scholar answers (default: $XDG_CACHE_HOME/neurokg/s2 or ~/.cache/neurokg/s2)",
    )
    validate: bool = setting(True, help="Validate every build against ontology/shapes.ttl (SHACL)")
    progress: bool = setting(True, env="KG_PROGRESS", help="Show progress bars on long work (stderr only)")


def describe_settings() -> list[tuple[str, str | None, str, str]]:
    """``(name, env, default, help)`` for every setting, for the README table and `--help`."""
    rows = []
    for f in fields(Settings):
        default = f.default
        rows.append((f.name, f.metadata.get("env"), repr(default), f.metadata["help"]))
    return rows
