"""Regenerate the generated blocks of README.md from a real run on the example corpus.

Blocks sit between ``<!-- BEGIN name ... -->`` and ``<!-- END name -->`` markers: the
settings table (from ``kg.settings``), the demo summary and the output of every named
query (from a build of ``examples/papers.jsonl``). The benchmark block is left alone unless
``--benchmarks FILE`` gives a JSONL written by ``benchmarks/bench_build.py``.

    python docs/refresh_readme.py [--benchmarks benchmarks/results/build.jsonl]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MAX_ROWS = 8


def replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- BEGIN {re.escape(name)} [^\n]*-->\n).*?(<!-- END {re.escape(name)} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no block named {name!r}")
    return pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + "\n" + m.group(2), text)


def settings_table() -> str:
    from kg.settings import describe_settings

    rows = ["| setting | environment | default | meaning |", "| --- | --- | --- | --- |"]
    for name, env, default, help_text in describe_settings():
        rows.append(f"| `{name}` | {f'`{env}`' if env else '(flag only)'} | `{default}` | {help_text} |")
    return "\n".join(rows)


def _clip(output: str) -> str:
    lines = output.rstrip("\n").splitlines()
    if len(lines) > MAX_ROWS + 2:
        lines = [*lines[: MAX_ROWS + 2], f"... ({len(lines) - 2} rows in all)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--benchmarks", type=Path, default=None)
    args = parser.parse_args(argv)

    from kg.cli import cli
    from kg.query import list_named_queries

    text = README.read_text(encoding="utf-8")
    text = replace_block(text, "settings", settings_table())
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "exports"
        # --offline: the README's demo never touches the network (an empty cache answers nothing).
        env = {"KG_STATE_DIR": str(Path(tmp) / "state"), "KG_PROGRESS": "0", "KG_CACHE_DIR": str(Path(tmp) / "cache")}
        built = runner.invoke(cli, ["build", "examples/papers.jsonl", "-o", str(out), "--offline"], env=env)
        if built.exit_code != 0:
            raise SystemExit(built.output)
        summary = built.output.replace(str(out), "exports")
        text = replace_block(text, "demo", f"```text\n$ kg build examples/papers.jsonl -o exports/ --offline\n{summary}```")
        sections = []
        for query in list_named_queries():
            command = ["query", "--named", query.name, "--graph", str(out)]
            shown = f"kg query --named {query.name}"
            for var, value in query.examples.items():
                command += ["--bind", f"{var}={value}"]
                shown += f" --bind {var}={value}"
            answer = runner.invoke(cli, command, env=env)
            if answer.exit_code != 0:
                raise SystemExit(f"{query.name}: {answer.output}")
            binds = f" Bind: {', '.join('?' + b for b in query.bind)}." if query.bind else ""
            sections.append(
                f"### `{query.name}`\n\n{query.title}. {query.description}{binds}\n\n"
                f"```text\n$ {shown}\n{_clip(answer.output)}\n```\n"
            )
        text = replace_block(text, "named-queries", "\n".join(sections))
    if args.benchmarks is not None:
        rows = [json.loads(line) for line in args.benchmarks.read_text().splitlines() if line.strip()]
        text = replace_block(text, "benchmarks", benchmark_table(rows))
    README.write_text(text, encoding="utf-8")
    return 0


def benchmark_table(rows: list[dict[str, object]]) -> str:
    header = next((r["header"] for r in reversed(rows) if "header" in r), {})
    body = [r for r in rows if "papers" in r]
    lines = [
        f"Measured with `make bench` on {header.get('cpu', '?')} ({header.get('cores', '?')} cores), "
        f"Python {header.get('python', '?')}, spaCy {header.get('spacy', '?')}, rdflib {header.get('rdflib', '?')}.",
        "",
        "| papers | total s | papers/s | peak RSS MB | extraction words/s | tokenizer-only words/s | triples |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in body:
        lines.append(
            f"| {r['papers']:,} | {r['total_s']} | {r['papers_per_s']} | {r['peak_rss_mb']} | "
            f"{r['extract_words_per_s']:,.0f} | {r['peer_tokenizer_words_per_s']:,.0f} | {r['triples']:,} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
