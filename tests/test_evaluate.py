"""kg.evaluate and kg.gold: scoring predicted spans against gold spans, reading gold files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kg.errors import InputError
from kg.evaluate import (
    Counts,
    EvalReport,
    PredictedSpan,
    evaluate_extractor,
    format_report,
    report_to_json,
    score,
)
from kg.gold import LABELS, GoldDoc, GoldSpan, read_gold, read_predictions
from kg.ingest import read_corpus

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path(__file__).resolve().parent / "data" / "eval"
DEV = ROOT / "data" / "dev" / "neuro-ai-dev.jsonl"

TEXT = "SNNs run on Loihi chips and SpiNNaker; hippocampal CA3 too."
#       0123456789012345678901234567890123456789012345678901234567
#       SNNs 0-4, Loihi 12-17, Loihi chips 12-23, SpiNNaker 28-37, hippocampal 39-50, CA3 51-54


def gold_doc(
    *spans: tuple[int, int, str, str | None], ignore: tuple[tuple[int, int], ...] = ()
) -> GoldDoc:
    return GoldDoc(
        id="d1",
        text=TEXT,
        spans=tuple(
            GoldSpan(s, e, label, TEXT[s:e], canonical) for s, e, label, canonical in spans
        ),
        ignore=ignore,
    )


def pred(start: int, end: int, label: str, canonical: str | None = None) -> PredictedSpan:
    return PredictedSpan(start, end, label, TEXT[start:end], canonical)


def by_type(report: EvalReport) -> dict[str, tuple[Counts, Counts]]:
    return {t.label: (t.strict, t.overlap) for t in report.per_type}


def kinds(report: EvalReport) -> Counter[str]:
    return Counter(error.kind for error in report.errors)


# -- counts and P/R/F1 ---------------------------------------------------------------------------


def test_counts_precision_recall_f1() -> None:
    c = Counts(tp=2, predicted=4, gold=8)
    assert (c.precision, c.recall) == (0.5, 0.25)
    assert c.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_counts_are_zero_not_nan_when_undefined() -> None:
    assert (Counts().precision, Counts().recall, Counts().f1) == (0.0, 0.0, 0.0)
    assert Counts(0, 3, 0).precision == 0.0 and Counts(0, 0, 3).recall == 0.0


# -- strict and overlap matching ---------------------------------------------------------------


def test_exact_match_is_strict_and_overlap_correct() -> None:
    gold = gold_doc((0, 4, "METHOD", "spiking neural network"))
    report = score([gold], {"d1": [pred(0, 4, "METHOD", "spiking neural network")]})
    strict, overlap = by_type(report)["METHOD"]
    assert strict == Counts(1, 1, 1) and overlap == Counts(1, 1, 1)
    assert report.errors == ()


def test_boundary_error_counts_in_overlap_only() -> None:
    gold = gold_doc((12, 17, "HARDWARE", "loihi"))
    report = score([gold], {"d1": [pred(12, 23, "HARDWARE")]})
    strict, overlap = by_type(report)["HARDWARE"]
    assert strict == Counts(0, 1, 1)
    assert overlap == Counts(1, 1, 1)
    assert kinds(report) == Counter({"boundary": 1})
    error = report.errors[0]
    assert error.gold == (12, 17, "HARDWARE", "Loihi")
    assert error.predicted == (12, 23, "HARDWARE", "Loihi chips")
    assert "[[Loihi chips]]" in error.context


def test_type_error_is_reported_and_is_neither_strict_nor_overlap() -> None:
    gold = gold_doc((28, 37, "HARDWARE", "spinnaker"))
    report = score([gold], {"d1": [pred(28, 37, "METHOD")]}, types=["METHOD", "HARDWARE"])
    counts = by_type(report)
    assert counts["HARDWARE"] == (Counts(0, 0, 1), Counts(0, 0, 1))
    assert counts["METHOD"] == (Counts(0, 1, 0), Counts(0, 1, 0))
    assert kinds(report) == Counter({"type": 1})  # not also an fp and an fn
    assert report.errors[0].detail == "METHOD -> HARDWARE"


def test_partial_overlaps_count_in_overlap_but_not_strict() -> None:
    gold = gold_doc((39, 50, "BRAIN_REGION", None), (51, 54, "BRAIN_REGION", None))
    # "hippocampal C" and "A3 too" overlap one gold span each, by part.
    report = score([gold], {"d1": [pred(39, 52, "BRAIN_REGION"), pred(52, 58, "BRAIN_REGION")]})
    strict, overlap = by_type(report)["BRAIN_REGION"]
    assert strict == Counts(0, 2, 2)
    assert overlap == Counts(2, 2, 2)


def test_overlap_needs_the_same_label() -> None:
    gold = gold_doc((12, 17, "HARDWARE", None))
    report = score([gold], {"d1": [pred(12, 23, "METHOD")]}, types=["METHOD", "HARDWARE"])
    assert by_type(report)["HARDWARE"][1] == Counts(0, 0, 1)
    assert kinds(report) == Counter({"fp": 1, "fn": 1})


def test_duplicate_predictions_count_once() -> None:
    gold = gold_doc((0, 4, "METHOD", None))
    report = score([gold], {"d1": [pred(0, 4, "METHOD")] * 3})
    assert by_type(report)["METHOD"] == (Counts(1, 1, 1), Counts(1, 1, 1))


def test_a_gold_span_is_matched_once_in_overlap_mode() -> None:
    gold = gold_doc((12, 23, "HARDWARE", None))  # "Loihi chips"
    report = score([gold], {"d1": [pred(12, 17, "HARDWARE"), pred(18, 23, "HARDWARE")]})
    strict, overlap = by_type(report)["HARDWARE"]
    assert overlap == Counts(1, 2, 1)  # the second prediction is a false positive
    assert strict == Counts(0, 2, 1)
    assert kinds(report) == Counter({"boundary": 1, "fp": 1})


def test_a_prediction_is_matched_once_in_overlap_mode() -> None:
    gold = gold_doc((39, 50, "BRAIN_REGION", None), (51, 54, "BRAIN_REGION", None))
    report = score([gold], {"d1": [pred(39, 54, "BRAIN_REGION")]})
    assert by_type(report)["BRAIN_REGION"][1] == Counts(1, 1, 2)
    assert kinds(report) == Counter({"boundary": 1, "fn": 1})


def test_strict_pairs_are_matched_before_partial_overlaps() -> None:
    gold = gold_doc((12, 17, "HARDWARE", None))
    # The wide prediction comes first in offset order; the exact one must still get the gold.
    report = score([gold], {"d1": [pred(12, 23, "HARDWARE"), pred(12, 17, "HARDWARE")]})
    strict, overlap = by_type(report)["HARDWARE"]
    assert strict == Counts(1, 2, 1) and overlap == Counts(1, 2, 1)
    assert kinds(report) == Counter({"fp": 1})


def test_predictions_on_ignored_spans_are_dropped() -> None:
    gold = gold_doc((39, 50, "BRAIN_REGION", None), ignore=((51, 54),))
    predictions = {"d1": [pred(39, 50, "BRAIN_REGION"), pred(51, 54, "BRAIN_REGION")]}
    report = score([gold], predictions)
    assert by_type(report)["BRAIN_REGION"][0] == Counts(1, 1, 1)
    assert report.ignored_predictions == 1
    # Only an exact hit is ignored: a prediction that merely overlaps still counts.
    report = score([gold], {"d1": [pred(51, 58, "BRAIN_REGION")]})
    assert report.ignored_predictions == 0
    assert kinds(report) == Counter({"fp": 1, "fn": 1})


# -- types -------------------------------------------------------------------------------------


def test_types_default_to_those_present_in_gold() -> None:
    gold = gold_doc((39, 50, "BRAIN_REGION", None))
    report = score([gold], {"d1": [pred(39, 50, "BRAIN_REGION"), pred(0, 4, "METHOD")]})
    assert report.types == ("BRAIN_REGION",)
    assert report.micro.strict == Counts(1, 1, 1)  # the METHOD prediction is not a false positive
    assert report.errors == ()


def test_types_filter_restricts_gold_and_predictions() -> None:
    gold = gold_doc((0, 4, "METHOD", None), (12, 17, "HARDWARE", None))
    report = score(
        [gold], {"d1": [pred(0, 4, "METHOD"), pred(28, 37, "HARDWARE")]}, types=["HARDWARE"]
    )
    assert report.types == ("HARDWARE",)
    assert report.micro.strict == Counts(0, 1, 1)


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown entity type.*TASK"):
        score([gold_doc()], {}, types=["TASK"])


# -- empty input -------------------------------------------------------------------------------


def test_empty_predictions_give_zero_scores_with_counts() -> None:
    gold = gold_doc((0, 4, "METHOD", None), (12, 17, "HARDWARE", None))
    report = score([gold], {})
    assert report.micro.strict == Counts(0, 0, 2)
    assert report.micro.strict.f1 == 0.0
    assert kinds(report) == Counter({"fn": 2})


def test_empty_gold_counts_predictions_as_false_positives() -> None:
    report = score([gold_doc()], {"d1": [pred(0, 4, "METHOD")]})
    assert report.types == LABELS
    assert report.micro.strict == Counts(0, 1, 0)
    assert report.micro.strict.precision == 0.0 and report.micro.strict.recall == 0.0


def test_no_documents_at_all() -> None:
    report = score([], {})
    assert report.documents == 0 and report.micro.strict == Counts()
    assert "micro" in format_report(report)


def test_predictions_for_unknown_documents_are_ignored() -> None:
    report = score([gold_doc((0, 4, "METHOD", None))], {"other": [pred(0, 4, "METHOD")]})
    assert report.micro.strict == Counts(0, 0, 1)


# -- averaging ---------------------------------------------------------------------------------


def test_micro_average_pools_counts_across_types() -> None:
    # METHOD: 1 of 1 right (P=R=1); BRAIN_REGION: 1 of 3 predicted right, 1 of 2 gold found.
    gold = gold_doc(
        (0, 4, "METHOD", None), (39, 50, "BRAIN_REGION", None), (51, 54, "BRAIN_REGION", None)
    )
    predictions = {
        "d1": [
            pred(0, 4, "METHOD"),
            pred(39, 50, "BRAIN_REGION"),
            pred(12, 17, "BRAIN_REGION"),
            pred(28, 37, "BRAIN_REGION"),
        ]
    }
    report = score([gold], predictions)
    counts = by_type(report)
    assert counts["METHOD"][0].f1 == 1.0
    region = counts["BRAIN_REGION"][0]
    assert region.precision == pytest.approx(1 / 3) and region.recall == 0.5
    micro = report.micro.strict
    assert micro == Counts(2, 4, 3)
    assert micro.precision == 0.5 and micro.recall == pytest.approx(2 / 3)
    assert micro.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    macro_f1 = (1.0 + region.f1) / 2
    assert micro.f1 != pytest.approx(macro_f1)  # micro is not the mean of the per-type F1s


def test_counts_sum_over_documents() -> None:
    a = gold_doc((0, 4, "METHOD", None))
    b = GoldDoc(id="d2", text=TEXT, spans=(GoldSpan(12, 17, "METHOD", "Loihi"),))
    report = score([a, b], {"d1": [pred(0, 4, "METHOD")], "d2": [pred(0, 4, "METHOD")]})
    assert report.micro.strict == Counts(1, 2, 2)
    assert report.documents == 2


# -- linking -----------------------------------------------------------------------------------


def test_linking_accuracy_over_strictly_correct_spans() -> None:
    gold = gold_doc(
        (0, 4, "METHOD", "spiking neural network"),
        (12, 17, "HARDWARE", "Loihi"),
        (28, 37, "HARDWARE", "spinnaker"),
        (39, 50, "BRAIN_REGION", None),
        (51, 54, "BRAIN_REGION", "CA3"),
    )
    predictions = {
        "d1": [
            pred(0, 4, "METHOD", "Spiking  Neural Network"),  # case and spacing do not matter
            pred(12, 17, "HARDWARE", "loihi"),
            pred(28, 37, "HARDWARE", "spinnaker 2"),  # wrong concept
            pred(39, 50, "BRAIN_REGION", "hippocampus"),  # gold has no canonical: not counted
            pred(51, 58, "BRAIN_REGION", "ca3"),  # boundary error: not counted
        ]
    }
    report = score([gold], predictions)
    assert (report.linking.correct, report.linking.total) == (2, 3)
    assert report.linking.accuracy == pytest.approx(2 / 3)
    assert report.linking.gold_without_canonical == 1
    linking = [e for e in report.errors if e.kind == "linking"]
    assert [e.detail for e in linking] == ["spinnaker 2 -> spinnaker"]


def test_unlinked_prediction_is_a_linking_error() -> None:
    report = score(
        [gold_doc((0, 4, "METHOD", "spiking neural network"))], {"d1": [pred(0, 4, "METHOD")]}
    )
    assert (report.linking.correct, report.linking.total) == (0, 1)
    assert report.errors[0].detail == "(unlinked) -> spiking neural network"


# -- reports -----------------------------------------------------------------------------------


def sample_report() -> EvalReport:
    gold = gold_doc((0, 4, "METHOD", "spiking neural network"), (12, 17, "HARDWARE", "loihi"))
    return score([gold], {"d1": [pred(0, 4, "METHOD", "snn"), pred(28, 37, "HARDWARE")]})


def test_format_report_is_an_aligned_table_with_errors() -> None:
    text = format_report(sample_report(), errors=1)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["type", "gold", "pred"]
    table = lines[: lines.index("")]
    assert len({len(line) for line in table}) == 1  # every row has the same width
    assert any(line.startswith("METHOD") and "1.000" in line for line in table)
    assert "linking accuracy: 0.000 (0/1 strictly correct spans; 0 more" in text
    assert "errors: fp 1, fn 1, boundary 0, type 0, linking 1" in text
    assert len([line for line in lines if line.startswith("  ")]) == 1


def test_format_report_lists_no_errors_when_asked() -> None:
    assert not [
        line
        for line in format_report(sample_report(), errors=0).splitlines()
        if line.startswith("  ")
    ]


def test_report_to_json_round_trips() -> None:
    data = json.loads(report_to_json(sample_report()))
    assert data["per_type"]["METHOD"]["strict"] == {
        "tp": 1,
        "predicted": 1,
        "gold": 1,
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
    }
    assert data["micro"]["strict"]["gold"] == 2
    assert data["linking"]["total"] == 1
    assert {e["kind"] for e in data["errors"]} == {"fp", "fn", "linking"}
    fp = next(e for e in data["errors"] if e["kind"] == "fp")
    assert fp["gold"] is None and fp["predicted"]["text"] == "SpiNNaker"


# -- read_gold ---------------------------------------------------------------------------------


def write_lines(path: Path, *records: object) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def test_read_gold_project_format(tmp_path: Path) -> None:
    text = "SNNs on Loihi\n\nWe run SNNs."
    record = {
        "id": "p1",
        "title": "SNNs on Loihi",
        "text": text,
        "entities": [
            {
                "start": 0,
                "end": 4,
                "label": "METHOD",
                "text": "SNNs",
                "canonical": "spiking neural network",
            },
            {"start": 8, "end": 13, "label": "HARDWARE", "text": "Loihi", "canonical": "loihi"},
            {
                "start": 22,
                "end": 26,
                "label": "METHOD",
                "text": "SNNs",
                "canonical": "spiking neural network",
            },
        ],
    }
    (doc,) = read_gold(write_lines(tmp_path / "g.jsonl", record, ""))
    assert doc.text == text  # already title + blank line + abstract: not shifted
    assert [(s.start, s.end, s.label, s.canonical) for s in doc.spans][1] == (
        8,
        13,
        "HARDWARE",
        "loihi",
    )


def test_read_gold_whitetext_shifts_abstract_spans_and_keeps_title_spans() -> None:
    docs = read_gold(EVAL / "whitetext.jsonl")
    raw = [json.loads(line) for line in (EVAL / "whitetext.jsonl").read_text().splitlines()]
    for doc, record in zip(docs, raw, strict=True):
        assert doc.text == record["title"] + "\n\n" + record["text"]
        assert len(doc.spans) == len(record["entities"]) + len(record["title_entities"])
        for span in doc.spans:
            assert doc.text[span.start : span.end] == span.text
            assert span.label == "BRAIN_REGION" and span.canonical is None
        shift = len(record["title"]) + 2
        assert len(doc.ignore) == len(record["unannotated_abbreviations"])
        for (start, end), abbr in zip(doc.ignore, record["unannotated_abbreviations"], strict=True):
            assert (start, end) == (abbr["start"] + shift, abbr["end"] + shift)
            assert doc.text[start:end] == abbr["text"]
    assert any(doc.ignore for doc in docs)
    title_spans = [s for s in docs[-1].spans if s.end <= len(docs[-1].title or "")]
    assert [s.text for s in title_spans] == ["ventral posterolateral nucleus", "thalamus"]


def test_read_gold_scirex_keeps_only_project_labels() -> None:
    docs = read_gold(EVAL / "scirex.jsonl")
    assert {s.label for doc in docs for s in doc.spans} == {"METHOD", "DATASET"}  # no Task, Metric
    titled, untitled = docs[0], docs[-1]
    assert titled.text.startswith(titled.title + "\n\n")  # type: ignore[operator]
    assert titled.spans[0].text == "Full-Resolution Residual Networks"  # a title entity
    assert untitled.title is None and not untitled.text.startswith("\n")
    for doc in docs:
        assert all(doc.text[s.start : s.end] == s.text for s in doc.spans)


@pytest.mark.parametrize(
    "name, labels", [("scierc", {"METHOD", "DATASET"}), ("tdmsci", {"DATASET"})]
)
def test_read_gold_untitled_corpora(name: str, labels: set[str]) -> None:
    docs = read_gold(EVAL / f"{name}.jsonl")
    raw = [json.loads(line) for line in (EVAL / f"{name}.jsonl").read_text().splitlines()]
    assert [doc.text for doc in docs] == [r["text"] for r in raw]  # no title, no shift
    assert {s.label for doc in docs for s in doc.spans} == labels
    assert sum(len(doc.spans) for doc in docs) == sum(
        1 for r in raw for e in r["entities"] if e["label"] in LABELS
    )


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        (json.dumps({"text": "x", "entities": []}), "no string 'id'"),
        (json.dumps({"id": "a", "entities": []}), "no string 'text'"),
        (
            json.dumps(
                {
                    "id": "a",
                    "text": "abc",
                    "entities": [{"start": 0, "end": 2, "label": "METHOD", "text": "xy"}],
                }
            ),
            "does not slice 'xy'",
        ),
        (
            json.dumps(
                {"id": "a", "text": "abc", "entities": [{"start": 2, "end": 9, "label": "METHOD"}]}
            ),
            "does not slice",
        ),
        (
            json.dumps(
                {
                    "id": "a",
                    "text": "abc",
                    "entities": [{"start": "0", "end": 1, "label": "METHOD"}],
                }
            ),
            "integer start",
        ),
        (json.dumps({"id": "a", "text": "abc", "entities": {}}), "must be a list"),
        (json.dumps({"id": "a", "text": "abc"}), "no 'entities'"),
        (
            json.dumps(
                {
                    "id": "a",
                    "text": "abc",
                    "entities": [],
                    "title_entities": [{"start": 0, "end": 1, "label": "METHOD"}],
                }
            ),
            "title_entities but no title",
        ),
        (
            json.dumps(
                {
                    "id": "a",
                    "title": "SNN",
                    "text": "SNN rules",
                    "entities": [],
                    "title_entities": [{"start": 5, "end": 9, "label": "METHOD", "text": "rule"}],
                }
            ),
            "title_entities span 5-9 does not slice",
        ),
    ],
)
def test_read_gold_rejects_malformed_records(tmp_path: Path, line: str, message: str) -> None:
    path = write_lines(tmp_path / "bad.jsonl", {"id": "ok", "text": "fine", "entities": []}, line)
    with pytest.raises(InputError, match=message) as info:
        read_gold(path)
    assert info.value.line == 2 and "\n" not in str(info.value)


def test_read_gold_rejects_duplicate_ids(tmp_path: Path) -> None:
    record = {"id": "a", "text": "x", "entities": []}
    with pytest.raises(InputError, match="duplicate id 'a'"):
        read_gold(write_lines(tmp_path / "dup.jsonl", record, record))


def test_read_gold_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="gold file not found"):
        read_gold(tmp_path / "nope.jsonl")


# -- evaluate_extractor ------------------------------------------------------------------------


def test_evaluate_extractor_scores_a_small_gazetteer(tmp_path: Path) -> None:
    from kg.extract import build_nlp
    from kg.gazetteer import Entry, Gazetteer, Pattern
    from kg.models import Concept, ConceptId, EntityType

    loihi = Concept(ConceptId("hardware/loihi"), EntityType.HARDWARE, "Loihi")
    snn = Concept(ConceptId("method/snn"), EntityType.METHOD, "spiking neural network")
    gazetteer = Gazetteer.from_entries(
        [
            Entry(loihi, (Pattern("Loihi", "ORTH", 1.0),)),
            Entry(snn, (Pattern("SNNs", "ORTH", 1.0),)),
        ]
    )
    title = "SNNs on Loihi"
    gold = {
        "id": "p1",
        "title": title,
        "text": "Loihi runs them.",  # corpus format: the title is prepended, offsets shift
        "entities": [
            {"start": 0, "end": 5, "label": "HARDWARE", "text": "Loihi", "canonical": "loihi"}
        ],
        "title_entities": [
            {
                "start": 0,
                "end": 4,
                "label": "METHOD",
                "text": "SNNs",
                "canonical": "spiking neural network",
            },
            {"start": 8, "end": 13, "label": "HARDWARE", "text": "Loihi", "canonical": "loihi"},
        ],
    }
    report = evaluate_extractor(
        write_lines(tmp_path / "g.jsonl", gold), nlp=build_nlp(gazetteer), gazetteer=gazetteer
    )
    assert report.micro.strict == Counts(3, 3, 3)
    assert (report.linking.correct, report.linking.total) == (3, 3)


# -- the development set -----------------------------------------------------------------------


EXAMPLES = ["examples/papers.jsonl"]
WRITTEN = [f"data/written/{name}-papers.jsonl" for name in ("neuro", "hardware", "snn", "ml")]
# name: (gold file, span files, where the texts come from)
GOLD_SETS = {
    "dev": (DEV, ["data/dev/spans.txt"], EXAMPLES),
    "dev-2": (ROOT / "data" / "dev" / "neuro-ai-dev-2.jsonl", ["data/dev/spans-2.txt"], EXAMPLES),
    "test": (
        ROOT / "data" / "test" / "neuro-ai-test.jsonl",
        ["data/test/spans-2.txt", "data/test/spans-3.txt"],
        EXAMPLES,
    ),
    "written-dev": (
        ROOT / "data" / "dev" / "written-dev.jsonl",
        [f"data/dev/spans-{name}.txt" for name in ("neuro", "hardware", "snn", "ml")],
        WRITTEN,
    ),
    "written-test": (
        ROOT / "data" / "test" / "written-test.jsonl",
        [f"data/test/spans-{name}.txt" for name in ("neuro", "hardware", "snn", "ml")],
        WRITTEN,
    ),
}


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def dev_set() -> list[dict[str, Any]]:
    return _records(DEV)


@pytest.mark.parametrize("name", sorted(GOLD_SETS))
def test_gold_set_spans_are_valid(name: str) -> None:
    records = _records(GOLD_SETS[name][0])
    assert len(records) >= 40
    assert len({r["id"] for r in records}) == len(records)
    for record in records:
        assert record["text"].startswith(record["title"] + "\n\n")
        previous_end = 0
        for entity in sorted(record["entities"], key=lambda e: (e["start"], e["end"])):
            assert entity["label"] in LABELS
            assert record["text"][entity["start"] : entity["end"]] == entity["text"], record["id"]
            assert entity["text"] == entity["text"].strip() and entity["text"]
            assert entity["start"] >= previous_end, (
                f"overlap in {record['id']} at {entity['start']}"
            )
            previous_end = entity["end"]
            assert entity["canonical"] and entity["canonical"] == entity["canonical"].lower()


@pytest.mark.parametrize("name", sorted(GOLD_SETS))
def test_gold_set_texts_are_their_papers_documents(name: str) -> None:
    papers = {p.id: p for source in GOLD_SETS[name][2] for p in read_corpus(ROOT / source).papers}
    for record in _records(GOLD_SETS[name][0]):
        assert record["id"] in papers
        assert record["text"] == papers[record["id"]].document


def test_gold_sets_are_disjoint() -> None:
    ids = [{r["id"] for r in _records(path)} for path, _, _ in GOLD_SETS.values()]
    assert sum(len(s) for s in ids) == len(set().union(*ids))


@pytest.mark.parametrize("name", sorted(GOLD_SETS))
def test_gold_set_is_what_its_span_files_give(name: str, tmp_path: Path) -> None:
    path, spans, sources = GOLD_SETS[name]
    out = tmp_path / "gold.jsonl"
    args = [arg for span in spans for arg in ("--spans", str(ROOT / span))]
    args += [arg for source in sources for arg in ("--papers", str(ROOT / source))]
    subprocess.run(
        [sys.executable, str(ROOT / "data" / "dev" / "annotate.py"), *args, "--out", str(out)],
        check=True, capture_output=True, cwd=ROOT,
    )
    assert out.read_bytes() == path.read_bytes()


def test_dev_set_covers_every_type(dev_set: list[dict[str, Any]]) -> None:
    counts = Counter(e["label"] for r in dev_set for e in r["entities"])
    docs = Counter(label for r in dev_set for label in {e["label"] for e in r["entities"]})
    assert counts["METHOD"] >= 300 and counts["BRAIN_REGION"] >= 50
    assert counts["DATASET"] >= 30 and counts["HARDWARE"] >= 20
    assert min(docs[label] for label in LABELS) >= 10


def test_dev_set_reads_as_gold() -> None:
    docs = read_gold(DEV)
    assert all(doc.text.startswith((doc.title or "") + "\n\n") for doc in docs)
    assert sum(len(doc.spans) for doc in docs) == sum(
        len(json.loads(line)["entities"]) for line in DEV.read_text().splitlines()
    )


# -- read_predictions --------------------------------------------------------------------------


def test_read_predictions_reads_kg_extract_output(tmp_path: Path) -> None:
    record = {
        "id": "d1",
        "entities": [
            {
                "start": 0,
                "end": 4,
                "label": "METHOD",
                "text": "SNNs",
                "concept": "spiking neural network",
            },
            {"start": 12, "end": 17, "label": "HARDWARE", "text": "Loihi", "concept": None},
        ],
    }
    found = read_predictions(write_lines(tmp_path / "p.jsonl", record, ""))
    assert found == {
        "d1": [
            PredictedSpan(0, 4, "METHOD", "SNNs", "spiking neural network"),
            PredictedSpan(12, 17, "HARDWARE", "Loihi", None),
        ]
    }
    report = score([gold_doc((0, 4, "METHOD", "spiking neural network"))], found)
    assert report.linking.correct == 1


def test_read_predictions_rejects_other_records(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a prediction record") as info:
        read_predictions(
            write_lines(tmp_path / "p.jsonl", {"id": "d1", "entities": []}, {"id": "x"})
        )
    assert info.value.line == 2
    with pytest.raises(InputError, match="cannot read predictions"):
        read_predictions(tmp_path / "missing.jsonl")
