"""Whether a token reads as a name: the shape tests the new-name rules share.

A system's name looks unlike an English word: inner capitals ("LaVCa", "TriAdaptLoRA"),
capitals with digits ("GPT-4", "VGG-16"), or a capitalised coinage no dictionary lists
("Sparsey"). Generic acronyms, modalities and field names ("AI", "fMRI", "LLM") are not
names. The English word list is SCOWL, shipped as package data.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources
from typing import Final

from kg.surface import has_inner_capital

# Acronyms that are fields, modalities (and recording probes), units or generic model classes,
# never a paper's name.
NOT_NAMES: Final = frozenset(
    """AI ML DL NN NNs DNN DNNs ANN ANNs RNN RNNs API APIs GPU GPUs CPU CPUs SOTA EEG MEG
    fMRI MRI BCI BCIs BMI LLM LLMs RGB USA UK EU US IoT NLP CV RL II III IV VI ECoG LFP
    LFPs iEEG sEEG SEEG EMG ECG EKG NIRS fNIRS CT DTI BOLD PET DOI URL HTML TBD COVID COVID-19
    SARS-CoV-2 DNA RNA mRNA ATP AGI XAI HCI IQ FPS FLOPs AUC ROC MSE RMSE SNR SoTA ERP ERPs
    EPSP EPSPs IPSP IPSPs LTP LTD VEP VEPs SSVEP MEP MEPs CSF Neuropixels NoGo""".split()
)
_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[\-\.][A-Za-z0-9]+)*$")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words (SCOWL; package data ``kg/data/english-words.txt.gz``)."""
    path = resources.files("kg") / "data" / "english-words.txt.gz"
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_name(token: str) -> bool:
    """Whether ``token`` reads as a proper name of a system, not a word or generic acronym.

    Example:
        >>> [is_name(t) for t in ("LaVCa", "TriAdaptLoRA", "SHD", "GPT-4", "model", "AI", "SNNs")]
        [True, True, True, True, False, False, False]
    """
    if len(token) < 3 or token in NOT_NAMES or not _NAME.match(token):
        return False
    parts = re.split(r"[\-.]", token)
    if len(parts) > 1 and any(p.isalpha() and p.islower() and len(p) >= 3 for p in parts):
        return False  # "EEG-based", "human-AI": a word joined to a name, not a name
    letters = [c for c in token if c.isalpha()]
    if re.fullmatch(r"[A-Z]{2,}s", token):
        return False  # a plural acronym is a common noun ("CNNs")
    capitals = sum(c.isupper() for c in letters)
    has_digit = any(c.isdigit() for c in token)
    if has_inner_capital(token):
        return True
    if capitals == len(letters) and len(letters) >= 2:
        return True
    return has_digit and capitals >= 1


def is_coined_word(token: str) -> bool:
    """A capitalised word that no English dictionary lists ("Sparsey", "Tryage"): after a
    naming cue or as a title's lead it is a name.

    Example:
        >>> [is_coined_word(t) for t in ("Sparsey", "Tryage", "Gorilla", "Network", "sparsey")]
        [True, True, False, False, False]
    """
    return (
        len(token) >= 4
        and token[0].isupper()
        and token[1:].islower()
        and token.isalpha()
        and token.lower() not in english_words()
    )


_FREE_NAME: Final = re.compile(
    r"(?<![\w\-./@])[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+|\.\d+)*(?![\w/@]|-\w|\.\d)"
)
# Shapes of gene, protein and chemical names in neuroscience text ("GluN2B", "CaMKII").
_BIOCHEMICAL: Final = re.compile(
    r"Glu|GABA|NMDA|AMPA|CaMK|Ca2|Na[Vv]|K[Vv]\d|Cre|mRNA|PSD|Fos|CO2|H2O|O2", re.IGNORECASE
)
#: Makers of computing hardware: no system's name themselves, they lead a product's name
#: ("NVIDIA Titan Xp", "Apple M1").
HARDWARE_MAKERS: Final = frozenset(
    """NVIDIA Nvidia Intel AMD Xilinx Altera IBM Qualcomm BrainChip SynSense iniVation GrAI
    SambaNova GlobalFoundries Samsung Apple Arm ARM Google Lattice Microchip""".split()
)
_BRANDS: Final = HARDWARE_MAKERS | frozenset(
    """DeepMind OpenAI GitHub GitLab YouTube LinkedIn PhD MHz GHz MATLAB PubMed BioRxiv ArXiv
    TeX LaTeX LeCun JavaScript TypeScript PowerPoint WeChat TikTok McGill MacArthur
    McDonald MathWorks HuggingFace OpenReview""".split()
)


def is_standalone_name(token: str) -> bool:
    """Whether a token names a system wherever it occurs: CamelCase ("CORnet-S", "DINOv2",
    "InstructGPT", "IRCoT") or capitals with digits ("VGG-16", "GPT2"); not brands or gene
    names.

    Example:
        >>> [is_standalone_name(t) for t in ("ResNet50", "VGG-16", "GluN2B", "GitHub", "Tanh")]
        [True, True, False, False, False]
    """
    if token in _BRANDS or _BIOCHEMICAL.search(token) or not is_name(token):
        return False
    parts = token.split("-")
    if len(parts) > 1 and all(p in NOT_NAMES or p.lower() in english_words() for p in parts):
        return False  # "Image-fMRI", "Real-Time": words and modalities joined, no name
    if token.isalpha() and token.lower() in english_words():
        return False  # "UNderstanding", "EXtending": the letters of an acronym picked out
    letters = [c for c in token if c.isalpha()]
    lower = sum(c.islower() for c in letters)
    upper = len(letters) - lower
    if any(has_inner_capital(part) for part in token.split("-")):  # not "Real-Time"
        return (lower >= 2 or upper >= 3 or any(c.isdigit() for c in token)) and len(token) >= 4
    return any(c.isdigit() for c in token) and upper >= 2 and len(letters) >= 3


def is_brand(token: str) -> bool:
    """Whether ``token`` is a maker, company or product brand rather than a system's name
    ("NVIDIA", "GitHub", "MHz")."""
    return token in _BRANDS


def standalone_names(document: str) -> list[str]:
    """The tokens of ``document`` that name a system wherever they occur (``is_standalone_name``).
    """
    return [m.group() for m in _FREE_NAME.finditer(document) if is_standalone_name(m.group())]
