"""Hardware naming rules (kg.hardware_rules) on plain strings and inside extraction."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kg.extract import build_nlp, extract_mentions
from kg.hardware_rules import described_as_hardware, device_names, names_hardware
from kg.models import Corpus, Paper, PaperId


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp(model=False)


def tags(nlp: Language, text: str, title: str = "") -> list[tuple[str, str]]:
    paper = Paper(id=PaperId("id:1"), title=title, text=f"{title}\n\n{text}" if title else text)
    return [(m.text, m.label.value) for m in extract_mentions(Corpus(papers=(paper,)), nlp).mentions]


@pytest.mark.parametrize(
    ("long_form", "expected"),
    [
        ("ferroelectric field-effect transistors", True),
        ("Dynamic Neuromorphic Asynchronous Processors", True),
        ("High Input Count Analog Neural Network", False),
        ("Neural Processing Unit", True),
        ("resistive random-access memory", True),
        ("long short-term memory", False),
        ("spiking neural network", False),
    ],
)
def test_names_hardware(long_form: str, expected: bool) -> None:
    assert names_hardware(long_form) is expected


@pytest.mark.parametrize(
    ("document", "name", "expected"),
    [
        ("Darwin: A neuromorphic hardware co-processor\n\nWe present it.", "Darwin", True),
        ("ISAAC: A Convolutional Neural Network Accelerator\n\nISAAC is fast.", "ISAAC", True),
        ("T\n\nWe present the Darwin Neural Processing Unit (NPU).", "Darwin", True),
        ("T\n\nEach wafer holds 384 HICANN chips.", "HICANN", True),
        ("T\n\nWe propose Foo, a low-power spiking processor for robots.", "Foo", True),
        # No article, a comma inside the description, a memory head.
        ("T\n\nEach chip holds FooCores, dataflow processors for embeddings.", "FooCores", True),
        ("T\n\nWe present Foo, a massively parallel, spike-based hardware system.", "Foo", True),
        ("T\n\nWe present Foo-RAM, an energy-efficient SRAM macro.", "Foo-RAM", True),
        ("T\n\nFoo macro-F1 is high.", "Foo", False),
        # A method that runs on hardware is still a method.
        ("Foo: An Efficient Method for Neuromorphic Hardware\n\nFoo is fast.", "Foo", False),
        ("T\n\nWe propose Foo, a learning rule for chips.", "Foo", False),
        ("T\n\nFoo improves accuracy on CIFAR-10.", "Foo", False),
    ],
)
def test_described_as_hardware(document: str, name: str, expected: bool) -> None:
    assert described_as_hardware(document, name) is expected


def test_new_hardware_names_are_hardware(nlp: Language) -> None:
    found = tags(
        nlp,
        "We present the Darwin Neural Processing Unit (NPU). Darwin supports 2048 neurons.",
        title="Darwin: A neuromorphic hardware co-processor based on spiking neural networks",
    )
    assert ("Darwin", "HARDWARE") in found
    assert ("Darwin", "METHOD") not in found
    found = tags(
        nlp,
        "The synapse uses ferroelectric field-effect transistors (FeFETs). FeFETs are dense.",
        title="Analog synapses",
    )
    assert ("FeFETs", "HARDWARE") in found and ("FeFETs", "METHOD") not in found


def test_classes_of_neuromorphic_hardware_with_words_inside(nlp: Language) -> None:
    found = tags(
        nlp,
        "SNNs run on neuromorphic spiking neuron chips, neuromorphic accelerators and "
        "spike-based processors, not on neuromorphic systems or a neuromorphic platform.",
    )
    hardware = [text for text, label in found if label == "HARDWARE"]
    assert hardware == [
        "neuromorphic spiking neuron chips",
        "neuromorphic accelerators",
        "spike-based processors",
    ]


@pytest.mark.parametrize(
    ("document", "names"),
    [
        ("It runs on a ZC706 embedded FPGA platform.", ["ZC706"]),
        ("The Xilinx VC707 board and an STM32F746G-DISCO development board.",
         ["VC707", "STM32F746G-DISCO"]),
        # Capitals alone name the workload; a title's capitalised words describe the chip.
        ("A DNN accelerator and an SNN processor.", []),
        ("MorphIC: A Quad-Core Binary-Weight Digital Neuromorphic Processor", []),
    ],
)
def test_device_names_modify_a_hardware_noun(document: str, names: list[str]) -> None:
    assert device_names(document) == names


def test_board_codes_devices_as_synapses_and_versions_are_hardware(nlp: Language) -> None:
    found = tags(
        nlp,
        "AlexNet ran on a ZC706 embedded FPGA platform and on TPU v4. Neurons are connected "
        "through 10,000 PCM synapses and memristor synapses; ODIN+MorphIC reach 89%.",
    )
    hardware = [text for text, label in found if label == "HARDWARE"]
    assert hardware == [
        "ZC706", "FPGA", "TPU v4", "PCM synapses", "memristor synapses", "ODIN", "MorphIC"
    ]


@pytest.mark.parametrize(
    "surface",
    ["IoT devices", "wearable devices", "mobile phones", "VLSI", "spin-torque nano-oscillators",
     "floating-gate memory", "spiking hardware", "SDRAM"],
)
def test_deployment_targets_and_device_technologies_are_hardware(
    nlp: Language, surface: str
) -> None:
    # Guidelines 20 and 21: physical deployment targets and device technologies.
    assert (surface, "HARDWARE") in tags(nlp, f"The model runs on {surface} at low power.")


def test_a_device_technology_drops_devices_but_a_deployment_target_keeps_it(nlp: Language) -> None:
    found = tags(nlp, "Weights sit in resistive switching devices and phase-change memory "
                      "devices; the model runs on edge devices.")
    hardware = [text for text, label in found if label == "HARDWARE"]
    assert hardware == ["resistive switching", "phase-change memory", "edge devices"]
