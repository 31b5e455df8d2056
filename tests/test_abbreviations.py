"""The abbreviation detector (kg.abbreviations) on plain strings."""

from __future__ import annotations

import pytest

from kg.abbreviations import Abbreviation, best_long_form, find_abbreviations, is_short_form


def pairs(text: str) -> list[tuple[str, str]]:
    return [(a.short, a.long) for a in find_abbreviations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We use spiking neural networks (SNNs) here.", [("SNNs", "spiking neural networks")]),
        ("a spiking neural network (SNN) model", [("SNN", "spiking neural network")]),
        (
            "rules such as spike-timing-dependent plasticity (STDP) apply",
            [("STDP", "spike-timing-dependent plasticity")],
        ),
        (
            "the medial prefrontal cortex (mPFC) and",
            [("mPFC", "medial prefrontal cortex")],
        ),
        # The long form starts at a word's start, prefix included.
        (
            "factors found by non-negative tensor factorization (NTF) show",
            [("NTF", "non-negative tensor factorization")],
        ),
        ("Leaky Integrate-and-Fire (LIF) neurons", [("LIF", "Leaky Integrate-and-Fire")]),
        (
            "spike\u2010timing\u2013dependent plasticity (STDP)",
            [("STDP", "spike\u2010timing\u2013dependent plasticity")],
        ),
        (
            "tumour necrosis factor alpha (TNF-\u03b1) levels",
            [("TNF-\u03b1", "tumour necrosis factor alpha")],
        ),
        # Reverse order: the short form before the parentheses.
        (
            "we train an SNN (spiking neural network) on",
            [("SNN", "spiking neural network")],
        ),
        # An opening quote is not part of the long form.
        (
            'we introduce "Realtime Cerebellum (RC)", a model',
            [("RC", "Realtime Cerebellum")],
        ),
        # The shortest long form: only the words the letters need.
        (
            "Results with a large language model (LLM) were",
            [("LLM", "large language model")],
        ),
    ],
)
def test_definitions_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert pairs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "as reported before (Smith et al., 2003).",
        "in the cortex (see Fig. 2)",
        "of neurons (n = 12)",
        "the results (p < 0.05) show",
        "the hippocampus (hippocampal formation) is",
        "a network (CNN) was",  # letters not in the long form
        "dataset (2019)",
        "in mice (Mus musculus)",
        # A name that extends the short form is not its long form ("ColBERTer" is not
        # what "ColBERT" abbreviates), nor is an appositive clause.
        "we propose ColBERTer, a neural retrieval model using contextualized late "
        "interaction (ColBERT) with",
        "We present Hopper, a model with delays (HMD) and",
    ],
)
def test_non_definitions_are_ignored(text: str) -> None:
    assert pairs(text) == []


def test_offsets_slice_the_text() -> None:
    text = "Title.\n\nWe study the anterior cingulate cortex (ACC) and the dorsal striatum (DS)."
    found = find_abbreviations(text)
    assert [a.short for a in found] == ["ACC", "DS"]
    for a in found:
        assert text[a.short_start : a.short_end] == a.short
        assert text[a.long_start : a.long_end] == a.long
    assert found[1] == Abbreviation("DS", "dorsal striatum", 78, 80, 61, 76)


def test_long_form_stays_in_its_sentence() -> None:
    assert pairs("It is a network. Deep Q (DQ) learners") == [("DQ", "Deep Q")]


def test_text_after_a_separator_in_the_parentheses_is_not_part_of_the_short_form() -> None:
    assert pairs("long short-term memory (LSTM; Hochreiter 1997)") == [
        ("LSTM", "long short-term memory")
    ]


def test_short_form_shape() -> None:
    assert is_short_form("CA1") and is_short_form("SNNs")
    assert not is_short_form("hippocampal") and not is_short_form("ABCDEFGHIJKL")


def test_plural_short_form_needs_a_plural_long_form() -> None:
    assert best_long_form("SNNs", "spiking neural network") is None
    assert best_long_form("SNNs", "spiking neural networks") == 0


def test_first_letter_must_start_a_word() -> None:
    # "P" may not match the "p" inside "spiking": the first letter starts a word.
    assert best_long_form("PN", "spiking network") is None
