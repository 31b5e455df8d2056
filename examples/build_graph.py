"""Library walkthrough: ingest -> extract -> link -> RDF -> query -> exports, offline.

    python examples/build_graph.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import kg

HERE = Path(__file__).resolve().parent


def main(out_dir: Path) -> None:
    corpus = kg.read_corpus([HERE / "papers.jsonl"])
    print(f"read {len(corpus.papers)} papers ({len(corpus.problems)} skipped)")

    gazetteer = kg.load_gazetteer()
    result = kg.build(corpus, nlp=kg.build_nlp(gazetteer), gazetteer=gazetteer)
    print(f"{len(result.corpus.mentions)} mentions of {len(result.corpus.concepts)} concepts, "
          f"{len(result.graph)} triples")

    # Which hardware do the papers use, and how often?
    answer = kg.run_query(result.graph, """
        SELECT ?label (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
            ?paper kg:usesHardware ?hw . ?hw skos:prefLabel ?label .
        } GROUP BY ?label ORDER BY DESC(?papers) ?label LIMIT 5""")
    for label, papers in answer.rows:
        print(f"  {label}: {papers} papers")

    # The NetworkX projection: papers, concepts and authors with typed, weighted edges.
    nx_graph = kg.project(result.graph)
    print(f"projection: {nx_graph.number_of_nodes()} nodes, {nx_graph.number_of_edges()} edges")

    written = kg.export_all(result.graph, out_dir, formats=("turtle", "html"))
    for name, path in sorted(written.items()):
        print(f"wrote {name}: {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("exports"))
