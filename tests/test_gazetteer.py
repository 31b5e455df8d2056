"""The gazetteer file format and its run-time index (kg.gazetteer)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kg.errors import ExtractionError
from kg.gazetteer import load_gazetteer, parse_gazetteer, read_gazetteer
from kg.models import EntityType
from kg.surface import pluralise

HEADER = {"kind": "header", "format": "neurokg-gazetteer", "format_version": 1}
CONCEPT = {
    "kind": "concept",
    "id": "hardware/spinnaker",
    "type": "HARDWARE",
    "label": "SpiNNaker",
    "alt_labels": ["SpiNNaker1"],
    "notations": [],
    "exact_matches": [],
    "scheme": "hardware",
    "patterns": [["SpiNNaker", "LOWER", 1.0], ["SpiNNaker1", "LOWER", 0.9], ["SPNK", "ORTH", 0.8]],
}


def lines(*records: dict[str, object]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def test_parse_indexes_concepts_and_surface_forms() -> None:
    gazetteer = parse_gazetteer(
        lines(HEADER, CONCEPT, {"kind": "block", "patterns": [["Lava", "LOWER"]]})
    )
    assert len(gazetteer) == 1
    concept = gazetteer.concept("hardware/spinnaker")
    assert (
        concept is not None
        and concept.alt_labels == ("SpiNNaker1",)
        and concept.scheme == "hardware"
    )
    assert gazetteer.lookup("spinnaker", EntityType.HARDWARE) == "hardware/spinnaker"
    assert gazetteer.lookup("SpiNNaker", EntityType.METHOD) is None
    assert gazetteer.lookup("SPNK", EntityType.HARDWARE) == "hardware/spinnaker"
    assert gazetteer.lookup("spnk", EntityType.HARDWARE) is None  # exact-case pattern
    assert [p.text for p in gazetteer.blocked] == ["Lava"]


def test_score_reflects_pattern_kind_and_case() -> None:
    gazetteer = parse_gazetteer(lines(HEADER, CONCEPT))
    assert gazetteer.score("hardware/spinnaker", "SpiNNaker") == 1.0
    assert gazetteer.score("hardware/spinnaker", "SPINNAKER") == 0.9
    assert gazetteer.score("hardware/spinnaker", "SpiNNaker1") == 0.9
    assert gazetteer.score("hardware/spinnaker", "SPNK") == 0.8
    assert gazetteer.score("hardware/spinnaker", "Loihi") == 0.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "is empty", id="empty"),
        pytest.param(lines(CONCEPT), "no header line", id="no-header"),
        pytest.param(lines({**HEADER, "format_version": 99}), "is not", id="future-format"),
        pytest.param(lines(HEADER) + "{oops\n", r"gazetteer:2: malformed", id="bad-json"),
        pytest.param(lines(HEADER, {**CONCEPT, "type": "GENE"}), "malformed", id="bad-type"),
        pytest.param(
            lines(HEADER, {**CONCEPT, "patterns": [["x", "UPPER", 1.0]]}),
            "malformed",
            id="bad-attr",
        ),
        pytest.param(lines(HEADER, CONCEPT, CONCEPT), "twice", id="duplicate"),
    ],
)
def test_malformed_gazetteers_say_how_to_fix_them(text: str, message: str) -> None:
    with pytest.raises(ExtractionError, match=message) as info:
        parse_gazetteer(text)
    assert "kg vocab" in str(info.value)


def test_read_gazetteer_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="cannot read gazetteer"):
        read_gazetteer(tmp_path / "missing.jsonl")
    path = tmp_path / "g.jsonl"
    path.write_text(lines(HEADER, CONCEPT), encoding="utf-8")
    assert len(read_gazetteer(path)) == 1


def test_packaged_gazetteer_loads_once_and_fast() -> None:
    start = time.perf_counter()
    first = load_gazetteer()
    assert load_gazetteer() is first
    assert time.perf_counter() - start < 10
    assert len(first) > 5000
    assert first.concept("brain-region/hippocampus") is not None


def test_hyphenated_forms_compare_equal_to_their_pattern() -> None:
    record = {
        **CONCEPT,
        "id": "hardware/brainscales-2",
        "label": "BrainScaleS-2",
        "patterns": [["BrainScaleS-2", "LOWER", 1.0], ["BSS-2", "ORTH", 0.8]],
    }
    gazetteer = parse_gazetteer(lines(HEADER, record))
    assert gazetteer.score("hardware/brainscales-2", "BrainScaleS-2") == 1.0
    assert gazetteer.score("hardware/brainscales-2", "BrainScaleS\u20112") == 1.0
    assert gazetteer.score("hardware/brainscales-2", "Brainscales 2") == 0.9
    assert gazetteer.lookup("BSS\u20132", EntityType.HARDWARE) == "hardware/brainscales-2"
    assert gazetteer.lookup("bss-2", EntityType.HARDWARE) is None


@pytest.mark.parametrize(
    ("pattern", "attr", "plural"),
    [
        ("spiking neural network", "LOWER", "spiking neural networks"),
        ("Gaussian process", "LOWER", "Gaussian processes"),  # "-ss" takes "-es"
        ("neural ODE", "LOWER", "neural ODEs"),  # a final acronym takes "s"
        ("SNN", "ORTH", "SNNs"),
        ("ReLU", "ORTH", "ReLUs"),  # a mixed-case short form ending in a capital
        ("spin-torque nano-oscillator", "LOWER", "spin-torque nano-oscillators"),
        ("leaky integrate-and-fire", "LOWER", None),  # a hyphenated phrase, no noun
        ("Hodgkin-Huxley", "LOWER", None),  # a name
        ("SpiNNaker", "ORTH", None),
        ("Loihi 2", "ORTH", None),
        ("hippocampus", "LOWER", None),
        ("principal component analysis", "LOWER", None),
        ("SpiNNaker", "LOWER", None),
    ],
)
def test_patterns_are_inflected_by_their_last_word(
    pattern: str, attr: str, plural: str | None
) -> None:
    assert pluralise(pattern, attr) == plural
