"""New-name and span-boundary rules (kg.new_names, kg.span_rules) on plain strings, inside
extraction with the packaged gazetteer and the model off, so the rules alone decide."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kg.extract import build_nlp, extract_mentions
from kg.models import Corpus, Paper, PaperId
from kg.name_shape import english_words, is_coined_word, is_standalone_name
from kg.span_rules import url_ranges


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp(model=False)


def tags(nlp: Language, text: str, title: str = "") -> list[tuple[str, str]]:
    paper = Paper(id=PaperId("id:1"), title=title, text=f"{title}\n\n{text}" if title else text)
    corpus = extract_mentions(Corpus(papers=(paper,)), nlp)
    return [(m.text, m.label.value) for m in corpus.mentions]


# -- guideline 6: nothing inside a URL ------------------------------------------------------


def test_url_ranges_stop_before_sentence_punctuation() -> None:
    text = "See https://github.com/x/FlowCut. Or www.example.org/a, then github.com/b/c)"
    assert [text[s:e] for s, e in url_ranges(text)] == [
        "https://github.com/x/FlowCut", "www.example.org/a", "github.com/b/c",
    ]


def test_names_inside_urls_are_not_entities(nlp: Language) -> None:
    found = tags(nlp, "We propose FlowCut. Code: https://github.com/TungChintao/FlowCut.")
    assert found == [("FlowCut", "METHOD")]
    assert tags(nlp, "Data at https://example.org/MNIST/SpiNNaker") == []


# -- boundaries: hyphenated names, versions, descriptors ------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We accelerate RT-NeRF on chips.", ("RT-NeRF", "METHOD")),
        ("The Chrono-LSTM keeps time.", ("Chrono-LSTM", "METHOD")),
        ("It learns by anti-Hebbian learning.", ("anti-Hebbian learning", "METHOD")),
        ("We prompt Llama 3.1 8B and more.", ("Llama 3.1 8B", "METHOD")),
        ("We ask GPT 3.5 Turbo twice.", ("GPT 3.5 Turbo", "METHOD")),
        ("It uses LLaVA-1.5-7B as judge.", ("LLaVA-1.5-7B", "METHOD")),
    ],
)
def test_a_name_grows_over_parts_that_make_another_name(
    nlp: Language, text: str, expected: tuple[str, str]
) -> None:
    assert expected in tags(nlp, text)


def test_hyphenated_pairs_and_lower_case_words_stay_apart(nlp: Language) -> None:
    assert tags(nlp, "A CNN-SVM pipeline.") == [("CNN", "METHOD"), ("SVM", "METHOD")]
    assert tags(nlp, "An SNN-based chip.") == [("SNN", "METHOD")]


def test_a_count_after_a_name_is_not_a_version(nlp: Language) -> None:
    assert ("ResNet", "METHOD") in tags(nlp, "We ran ResNet 3 times.")


def test_a_vendor_name_is_part_of_a_product_name(nlp: Language) -> None:
    found = tags(nlp, "It ran on an NVIDIA Titan Xp and a Xilinx Zynq board, not on Intel's Loihi.")
    assert ("NVIDIA Titan Xp", "HARDWARE") in found
    assert ("Xilinx Zynq", "HARDWARE") in found
    assert ("Loihi", "HARDWARE") in found  # a possessive vendor stays out
    # A device class is no product: the vendor stays out of "GPUs".
    assert tags(nlp, "We trained on NVIDIA GPUs.") == [("GPUs", "HARDWARE")]


def test_a_hardware_family_takes_its_model_code(nlp: Language) -> None:
    found = tags(nlp, "We used Nvidia's Jetson TX1 and the Jetson Nano.")
    assert ("Jetson TX1", "HARDWARE") in found and ("Jetson Nano", "HARDWARE") in found


def test_survey_titles_name_no_system(nlp: Language) -> None:
    assert tags(nlp, "Event cameras are sensors.", title="Event-Based Vision: A Survey") == []


def test_a_name_followed_by_benchmark_is_a_dataset(nlp: Language) -> None:
    found = tags(nlp, "We present MLPerf Tiny, the first industry-standard benchmark suite.")
    assert found == [("MLPerf Tiny", "DATASET")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Participants heard stories from the Narratives dataset.", [("Narratives", "DATASET")]),
        ("Models were tuned on the Full dataset.", []),  # a description, not a name
        ("The Narratives dataset is large.", []),  # a sentence's first words prove nothing
    ],
)
def test_a_capitalised_word_before_dataset_mid_sentence_is_a_dataset(
    nlp: Language, text: str, expected: list[tuple[str, str]]
) -> None:
    assert tags(nlp, text) == expected


def test_a_title_name_with_its_own_modifiers_is_kept_whole(nlp: Language) -> None:
    found = tags(
        nlp,
        "We follow the conditional graph information bottleneck. The information bottleneck "
        "alone is weaker.",
        title="Conditional Graph Information Bottleneck for Molecular Learning",
    )
    assert ("Conditional Graph Information Bottleneck", "METHOD") in found
    assert ("conditional graph information bottleneck", "METHOD") in found
    assert ("information bottleneck", "METHOD") in found
    # Descriptive modifiers and title verbs stay out (guideline 1).
    found = tags(
        nlp,
        "Deep convolutional neural networks are common. We study decomposing MLP layers.",
        title="Deep Convolutional Neural Networks and Decomposing MLP Activations",
    )
    assert ("Convolutional Neural Networks", "METHOD") in found and ("MLP", "METHOD") in found


def test_a_list_of_names_before_benchmarks_is_a_list_of_datasets(nlp: Language) -> None:
    found = tags(
        nlp,
        "When evaluated on the popular Linemod, Linemod-O, and YCB-V object pose estimation "
        "benchmarks, it wins.",
    )
    assert found == [("Linemod", "DATASET"), ("Linemod-O", "DATASET"), ("YCB-V", "DATASET")]
    assert ("TREC-DL", "DATASET") in tags(nlp, "Results on the TREC-DL collection improve.")


def test_a_list_after_a_colon_that_datasets_announce_is_a_list_of_datasets(nlp: Language) -> None:
    found = tags(
        nlp,
        "We present seven datasets categorized by size into three categories: ToyMix, "
        "LargeMix and UltraLarge.",
    )
    assert found == [("ToyMix", "DATASET"), ("LargeMix", "DATASET"), ("UltraLarge", "DATASET")]


def test_neuron_models_leave_out_the_head_noun(nlp: Language) -> None:
    # Guideline 2.
    found = tags(nlp, "Networks of Izhikevich model neurons and Hodgkin-Huxley neurons.")
    assert ("Izhikevich", "METHOD") in found and ("Hodgkin-Huxley", "METHOD") in found
    assert tags(nlp, "Leaky integrate-and-fire (LIF) neurons spike.")[0] == (
        "Leaky integrate-and-fire",
        "METHOD",
    )


def test_a_task_defined_with_an_acronym_is_no_method(nlp: Language) -> None:
    found = tags(nlp, "GPT-2 performs a task called Indirect Object Identification (IOI) well.")
    assert [t for t, _ in found] == ["GPT-2"]


def test_names_coordinated_with_known_names_take_their_type(nlp: Language) -> None:
    found = tags(nlp, "It beats offline methods such as BEAR, BRAC, AWR and CQL by far.")
    assert ("BEAR", "METHOD") in found and ("BRAC", "METHOD") in found
    # Two phrases joined by "and" are no list.
    found = tags(nlp, "Using LeNet on MNIST and BinaryNet on CIFAR-10 as examples.")
    assert ("BinaryNet", "DATASET") not in found
    # English words stay out even in a list of datasets.
    found = tags(nlp, "Studies on Amazon, Steam and MovieLens-1M show gains.")
    assert [t for t, _ in found] == ["MovieLens-1M"]


def test_trailing_descriptor_leaves_the_known_name(nlp: Language) -> None:
    assert tags(nlp, "A self-attention mechanism helps.") == [("self-attention", "METHOD")]
    assert tags(nlp, "The softmax function classifies.") == [("softmax", "METHOD")]


# -- long forms of abbreviations ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "long_form", "short"),
    [
        ("Here we propose counter-current learning (CCL), a rule. CCL works.",
         "counter-current learning", "CCL"),
        ("We present a platform named digital twin brain (DTB). The DTB runs.",
         "digital twin brain", "DTB"),
        ("Nets optimise the Information Bottleneck (IB) tradeoff. The IB explains it.",
         "Information Bottleneck", "IB"),
        ("Scaling Neural Network Interatomic Potentials (NNIPs) is hard. NNIPs help.",
         "Neural Network Interatomic Potentials", "NNIPs"),
        ("It relies on dynamic sparse training (DST) throughout. DST prunes.",
         "dynamic sparse training", "DST"),
    ],
)
def test_long_forms_that_name_a_method(nlp: Language, text: str, long_form: str, short: str) -> None:
    found = tags(nlp, text)
    assert (long_form, "METHOD") in found and (short, "METHOD") in found


@pytest.mark.parametrize(
    "text",
    [
        "We report the feature interaction score (FIS) of each pair. FIS is high.",
        "Here we introduce the feature interaction score (FIS). The FIS is high.",
        "Activity in the default mode network (DMN) rose. The DMN is large.",
        "Context-sensitive layer 5 pyramidal cells (L5PCs) fire. L5PCs are neurons.",
        "The Remote Associates Test (RAT) was given. RAT scores rose.",
    ],
)
def test_long_forms_of_measures_networks_cells_and_tests_are_not_methods(
    nlp: Language, text: str
) -> None:
    assert tags(nlp, text) == []


def test_a_method_named_after_a_region_is_a_method_only(nlp: Language) -> None:
    found = tags(nlp, "We propose LLM-assisted Visual Cortex Captioning (LaVCa). LaVCa works.")
    assert ("LLM-assisted Visual Cortex Captioning", "METHOD") in found
    assert all(label != "BRAIN_REGION" for _, label in found)


# -- names from cues ------------------------------------------------------------------------


def test_coined_words() -> None:
    assert "network" in english_words() and "gorilla" in english_words()
    assert is_coined_word("Sparsey") and not is_coined_word("Network")


def test_a_coined_word_after_a_cue_or_leading_a_title_is_a_name(nlp: Language) -> None:
    assert tags(nlp, "We describe Sparsey, an unsupervised model. Sparsey is fast.") == [
        ("Sparsey", "METHOD"), ("Sparsey", "METHOD"),
    ]
    assert ("Tryage", "METHOD") in tags(nlp, "Tryage routes prompts.", title="Tryage: Routing")


def test_a_multi_word_title_lead_is_a_name_when_the_abstract_uses_it(nlp: Language) -> None:
    title = "Neural Brain: A Framework for Agents"
    assert ("Neural Brain", "METHOD") in tags(nlp, "We define the Neural Brain here.", title)
    assert tags(nlp, "We study memory here.", "Long Term Memory: A View") == []


def test_a_name_before_a_method_word_is_a_method(nlp: Language) -> None:
    assert ("TARS", "METHOD") in tags(nlp, "The TARS method removes knowledge.")


def test_names_listed_after_datasets_are_datasets(nlp: Language) -> None:
    found = tags(nlp, "We test on the localization datasets Nordland and Oxford RobotCar.")
    assert ("Nordland", "DATASET") in found and ("Oxford RobotCar", "DATASET") in found


def test_a_new_name_built_on_a_dataset_is_a_dataset(nlp: Language) -> None:
    found = tags(nlp, "MLPs reach 93% on CIFAR10 and 69% on TinyImageNet overall.")
    assert ("TinyImageNet", "DATASET") in found


@pytest.mark.parametrize(
    ("token", "expected"), [("IRCoT", True), ("LoRA", True), ("CO2RR", False), ("PhD", False)]
)
def test_standalone_mixed_case_names(token: str, expected: bool) -> None:
    assert is_standalone_name(token) is expected


@pytest.mark.parametrize(
    "text",
    [
        "We selected the task of Human Activity Recognition (HAR). HAR is hard.",
        "Continual learning (CL) aims to keep skills. CL is studied.",
        "Brain simulation and brain-inspired computing (BIC) meet. BIC grows.",
    ],
)
def test_long_forms_of_tasks_settings_and_fields_are_not_methods(nlp: Language, text: str) -> None:
    assert tags(nlp, text) == []


def test_authors_cited_after_a_dataset_are_not_datasets(nlp: Language) -> None:
    found = tags(nlp, "We use the MNIST dataset (LeCun, Cortes, and Burges, 2010) here.")
    assert found == [("MNIST", "DATASET")]


def test_a_title_case_phrase_after_a_cue_is_one_name_used_everywhere(nlp: Language) -> None:
    title = "Cognitively Inspired Energy-Based World Models"
    text = "Instead, we introduce Energy-Based World Models (EBWM). EBWM predicts."
    found = tags(nlp, text, title)
    assert found.count(("Energy-Based World Models", "METHOD")) == 2
    assert ("Energy-Based", "METHOD") not in found and found.count(("EBWM", "METHOD")) == 2


def test_a_short_form_defined_as_cells_is_never_a_name_singular_or_plural(nlp: Language) -> None:
    text = "Layer 5 pyramidal cells (L5PCs) fire. One L5PC receives input. Image-fMRI pairs."
    assert tags(nlp, text) == []


def test_the_noun_after_a_definition_types_the_long_form(nlp: Language) -> None:
    found = tags(nlp, "We present the Only Connect Wall (OCW) dataset. OCW is hard.")
    assert ("Only Connect Wall", "DATASET") in found and ("OCW", "DATASET") in found
    assert tags(nlp, "We use the Indirect Object Identification (IOI) task. IOI is easy.") == []


def test_a_name_in_apposition_to_a_dataset_is_a_dataset(nlp: Language) -> None:
    found = tags(nlp, "We have developed AVIDa-hIL6, a large-scale dataset of pairs. AVIDa-hIL6 helps.")
    assert found == [("AVIDa-hIL6", "DATASET"), ("AVIDa-hIL6", "DATASET")]


def test_a_name_after_a_comma_following_benchmarks_is_not_listed_as_a_dataset(nlp: Language) -> None:
    text = "We propose an algorithm named CheckerPose. On benchmarks, CheckerPose wins."
    assert set(tags(nlp, text)) == {("CheckerPose", "METHOD")}


def test_automated_deep_learning_is_a_field(nlp: Language) -> None:
    assert tags(nlp, "We review automated deep learning (AutoDL). AutoDL grows.") == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Existing offline RL methods such as BEAR, BRAC and behavior cloning often fail.",
         ["BEAR", "BRAC"]),
        ("We compare with baselines such as SNFS and SET. They lose.", ["SNFS", "SET"]),
        ("Tasks such as MNIST and CIFAR-10 are easy.", []),  # no method noun introduces them
    ],
)
def test_names_a_plural_method_noun_introduces_are_methods(text: str, names: list[str]) -> None:
    from kg.coordination import introduced_methods

    assert introduced_methods(text) == names


def test_introduced_methods_are_tagged(nlp: Language) -> None:
    found = tags(nlp, "Existing offline RL methods such as BEAR, BRAC and behavior cloning fail.")
    assert ("BEAR", "METHOD") in found and ("BRAC", "METHOD") in found

