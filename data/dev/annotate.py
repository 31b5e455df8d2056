"""Turn hand-written span lists (data/dev/spans.txt) into the gold file neuro-ai-dev.jsonl.

Not part of the package: a helper for the people who annotate. The annotator reads each
document and writes, under ``## <paper id>``, one line per entity:

    LABEL<TAB>canonical<TAB>surface | surface | ...

A surface that is all lower case matches any case; one with a capital matches exactly;
``(s)`` marks an optional plural ending. Every occurrence is located with word boundaries
(letters and digits), longest surface first, without overlaps ("annotate every
occurrence"). A line ``-<TAB>context`` blocks every candidate inside an occurrence of that
exact context string (an occurrence the annotator judged not to be an entity).

    python data/dev/annotate.py            # writes data/dev/neuro-ai-dev.jsonl
    python data/dev/annotate.py --show ID  # prints one document's located spans
    python data/dev/annotate.py --spans data/test/spans-2.txt --spans data/test/spans-3.txt \
        --out data/test/neuro-ai-test.jsonl  # another set, from several span files
    python data/dev/annotate.py --papers data/written/neuro-papers.jsonl --spans ... --out ...
        # documents that are not in the example corpus
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from kg.ingest import read_corpus
from kg.models import Paper

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LABELS = {"METHOD", "DATASET", "BRAIN_REGION", "HARDWARE"}


def parse_spec(text: str) -> dict[str, tuple[list[tuple[str, str, str]], list[str]]]:
    docs: dict[str, tuple[list[tuple[str, str, str]], list[str]]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line or line.startswith("#!"):
            continue
        if line.startswith("## "):
            current = line[3:].strip()
            if current in docs:
                sys.exit(f"spans.txt:{number}: {current} listed twice")
            docs[current] = ([], [])
            continue
        if current is None:
            sys.exit(f"spans.txt:{number}: entry before any '## id' header")
        fields = line.split("\t")
        if fields[0] == "-" and len(fields) == 2:
            docs[current][1].append(fields[1])
            continue
        if len(fields) != 3 or fields[0] not in LABELS:
            sys.exit(f"spans.txt:{number}: expected LABEL<TAB>canonical<TAB>surfaces, got {line!r}")
        label, canonical, surfaces = fields
        for surface in surfaces.split(" | "):
            docs[current][0].append((label, canonical.strip(), surface.strip()))
    return docs


def _pattern(surface: str) -> re.Pattern[str]:
    body = re.escape(surface).replace(r"\(s\)", "s?")
    flags = re.IGNORECASE if surface == surface.lower() else 0
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", flags)


def locate(
    text: str, entries: list[tuple[str, str, str]], blocks: list[str]
) -> list[dict[str, object]]:
    blocked = [
        (m.start(), m.end()) for context in blocks for m in re.finditer(re.escape(context), text)
    ]
    for context in blocks:
        if context not in text:
            sys.exit(f"block context {context!r} not found")
    candidates = []
    for label, canonical, surface in entries:
        hits = list(_pattern(surface).finditer(text))
        if not hits:
            sys.exit(f"surface {surface!r} ({label}) not found")
        for m in hits:
            candidates.append((m.start(), m.end(), label, canonical))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = []
    spans = []
    for start, end, label, canonical in candidates:
        if any(bs <= start and end <= be for bs, be in blocked):
            continue
        if any(start < te and ts < end for ts, te in taken):
            continue
        taken.append((start, end))
        spans.append(
            {
                "start": start,
                "end": end,
                "label": label,
                "text": text[start:end],
                "canonical": canonical,
            }
        )
    return sorted(spans, key=lambda s: (s["start"], s["end"]))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", action="append", type=Path, help="span file(s) to read")
    parser.add_argument("--out", type=Path, default=HERE / "neuro-ai-dev.jsonl")
    parser.add_argument("--show", metavar="ID", help="print one document's located spans")
    parser.add_argument(
        "--papers",
        action="append",
        type=Path,
        help="where the documents' texts come from (default: the bundled example corpus); "
        "each file is read on its own, so papers of two files never merge",
    )
    args = parser.parse_args(argv)
    spec: dict[str, tuple[list[tuple[str, str, str]], list[str]]] = {}
    for path in args.spans or [HERE / "spans.txt"]:
        for doc_id, entry in parse_spec(path.read_text(encoding="utf-8")).items():
            if doc_id in spec:
                sys.exit(f"{path}: {doc_id} listed twice")
            spec[doc_id] = entry
    papers: dict[str, Paper] = {
        p.id: p
        for source in args.papers or [ROOT / "examples" / "papers.jsonl"]
        for p in read_corpus(source).papers
    }
    records: list[dict[str, Any]] = []
    for doc_id, (entries, blocks) in spec.items():
        if doc_id not in papers:
            sys.exit(f"unknown paper id {doc_id}")
        paper = papers[doc_id]
        try:
            spans = locate(paper.document, entries, blocks)
        except SystemExit as exc:
            sys.exit(f"{doc_id}: {exc}")
        records.append(
            {"id": doc_id, "title": paper.title, "text": paper.document, "entities": spans}
        )
    if args.show:
        # Records carry the reader's "id:" prefix; accept the id with or without it.
        wanted = {args.show, f"id:{args.show}"}
        shown = [record for record in records if record["id"] in wanted]
        if not shown:
            sys.exit(f"--show {args.show}: no such document (ids look like {records[0]['id']})")
        for s in shown[0]["entities"]:
            print(s["start"], s["end"], s["label"], repr(s["text"]), s["canonical"])
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    print(f"{len(records)} documents, {sum(len(r['entities']) for r in records)} spans -> {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
