"""BibTeX entries with ``abstract`` fields, read with bibtexparser 1.x (pure; no file I/O).

LaTeX in titles, abstracts, authors and venues becomes plain Unicode text ({\\"o} -> ö,
\\emph{x} -> x, braces dropped); other fields are kept as written, in ``Paper.extra``.
bibtexparser reports no line numbers and skips entries it cannot parse, so entry
starts are found by a scan of the source and every unparsed entry becomes a Problem.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping
from typing import Any

import bibtexparser
from bibtexparser.bparser import BibTexParser

from kg.errors import InputError
from kg.ids import normalise_arxiv
from kg.ingest.records import RawRecord
from kg.models import Problem

_ENTRY_START = re.compile(
    r"(?:^|(?<=[\s}]))@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s{}()]*)", re.MULTILINE
)
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})
# Accent commands: \'e, \"{o}, \c c, \v{S}, \"{\i}. Letter-named ones need a space or braces.
_ACCENT = re.compile(
    r"\\(?:([\"'`^~=.])\s*|([uvHckrdb])(?:\s+|(?=\{)))"  # the accent
    r"(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij]|[A-Za-z]))"  # the letter, braced or not
)
# Accent -> combining mark: acute, grave, circumflex, diaeresis, tilde, macron, dot above,
# breve, caron, double acute, cedilla, ogonek, ring, dot below, macron below.
_COMBINING = dict(
    zip(
        "'`^\"~=.uvHckrdb",
        "\u0301\u0300\u0302\u0308\u0303\u0304\u0307\u0306\u030c\u030b"
        "\u0327\u0328\u030a\u0323\u0331",
        strict=True,
    )
)
_COMMAND = re.compile(r"\\(?:([A-Za-z]+)(\s*)|(.))", re.DOTALL)
# Escaped braces and tildes survive brace removal as private-use characters, restored last.
_ESCAPED = {"{": "\ue000", "}": "\ue001", "~": "\ue002", " ": " ", ",": " ", "\\": " "}
_RESTORE = str.maketrans({"\ue000": "{", "\ue001": "}", "\ue002": "~"})
_SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å",
    "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "textendash": "–", "textemdash": "—",
    "ldots": "…", "dots": "…", "LaTeX": "LaTeX", "TeX": "TeX", "times": "×", "pm": "±",
    "approx": "≈", "sim": "~", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "infty": "∞",
    "to": "→", "rightarrow": "→", "cdot": "·", "deg": "°", "textdegree": "°", "textmu": "µ",
    "euro": "€", "copyright": "©",
}  # fmt: skip
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
_UNESCAPED_TILDE = re.compile(r"(?<!\\)~")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_IDENTIFIER_ESCAPE = re.compile(r"\\([_%&#$])")
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def latex_to_text(value: str) -> str:
    """Plain text of a LaTeX field value, with white space collapsed.

    Accents become precomposed letters, escaped characters lose their backslash,
    formatting commands (``\\emph``, ``\\textbf``...) and braces disappear, Greek
    letters and a few symbols become Unicode; other commands are dropped, keeping
    their argument. (bibtexparser's own ``latex_to_unicode`` turns ``na\\"{i}ve``
    into "näive" and cannot keep an escaped brace.)

    Example:
        >>> latex_to_text(r"{\\"U}ber \\emph{Spiking} {N}etworks~and 50\\% $\\alpha$")
        'Über Spiking Networks and 50% α'
    """
    text = _UNESCAPED_DOLLAR.sub("", value)
    text = _ACCENT.sub(_accent, text)
    text = _COMMAND.sub(_command, text)
    text = _UNESCAPED_TILDE.sub(" ", text)
    text = text.replace("{", "").replace("}", "")
    text = text.translate(_RESTORE)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _accent(match: re.Match[str]) -> str:
    letter = match.group(3) or match.group(4)
    letter = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return letter + _COMBINING[match.group(1) or match.group(2)]


def _command(match: re.Match[str]) -> str:
    word, symbol = match.group(1), match.group(3)
    if symbol is not None:
        return _ESCAPED.get(symbol, symbol)
    if word in _SYMBOLS:
        return _SYMBOLS[word] + match.group(2)
    greek = _greek(word)
    if greek is not None:
        return greek + match.group(2)
    return ""  # \emph, \textbf, \cite...: drop the command, keep its {argument}


def _greek(word: str) -> str | None:
    name = {"lambda": "lamda", "Lambda": "Lamda"}.get(word, word)  # Unicode spells it "lamda"
    case = "CAPITAL" if name[:1].isupper() else "SMALL"
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {name.upper()}")
    except KeyError:
        return None


def split_authors(value: str) -> list[str]:
    """Names of a BibTeX ``author`` field, as "First Last".

    " and " inside braces is part of one name ("{Barnes and Noble}"); "Last, First" and
    "Last, Jr, First" are turned around.
    """
    parts: list[str] = []
    depth = start = index = 0
    while index < len(value):
        char = value[index]
        if char in "{}":
            depth += 1 if char == "{" else -1
        elif depth == 0 and (match := _AND.match(value, index)):
            parts.append(value[start:index])
            start = index = match.end()
            continue
        index += 1
    parts.append(value[start:])
    return [name for name in (_turn_around(part) for part in parts) if name]


def _turn_around(name: str) -> str:
    parts = [latex_to_text(part) for part in _top_level_split(name, ",")]
    if len(parts) == 2:
        return f"{parts[1]} {parts[0]}".strip()
    if len(parts) == 3:
        return f"{parts[2]} {parts[0]} {parts[1]}".strip()
    return latex_to_text(name)


def _top_level_split(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def read_bibtex(text: str, path: str) -> Iterator[RawRecord | Problem]:
    """Yield one record per BibTeX entry, in file order, and a Problem per unparsable entry."""
    starts: dict[str, deque[int]] = defaultdict(deque)
    found: list[tuple[int, str]] = []
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() not in _NOT_ENTRIES:
            line = text.count("\n", 0, match.start()) + 1
            starts[match.group(2)].append(line)
            found.append((line, match.group(2)))
    items: list[tuple[int, RawRecord | Problem]] = []
    for entry in _parse(text, path):
        key = entry.get("ID", "")
        line = starts[key].popleft() if starts[key] else 1
        items.append((line, RawRecord(line, _entry_fields(entry))))
    for line, key in found:
        if line in starts[key]:
            label = f'entry "{key}"' if key else "entry"
            message = f"could not parse BibTeX {label}; check its braces, quotes and commas"
            items.append((line, Problem(path, line, message)))
    for _, item in sorted(items, key=lambda pair: pair[0]):
        yield item


def _parse(text: str, path: str) -> list[dict[str, str]]:
    try:
        # bibtexparser 1.x builds pyparsing grammars that emit diagnostic warnings on
        # pyparsing 3.1+; they are about bibtexparser's grammar, not about the input.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parser = BibTexParser(
                common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True
            )
            database = bibtexparser.loads(text, parser=parser)
    except Exception as exc:  # bibtexparser leaks pyparsing and its own errors
        raise InputError(
            f"could not parse the BibTeX ({type(exc).__name__}: {exc})", path=path
        ) from exc
    return list(database.entries)


def _entry_fields(entry: Mapping[str, str]) -> dict[str, Any]:
    """Map BibTeX fields onto the record conventions of ``kg.ingest.records``."""
    fields: dict[str, Any] = {"id": entry.get("ID"), "entry_type": entry.get("ENTRYTYPE")}
    rest = {k: v for k, v in entry.items() if k not in ("ID", "ENTRYTYPE")}
    for name in ("title", "abstract"):
        if name in rest:
            fields[name] = latex_to_text(rest.pop(name))
    if "author" in rest:
        fields["authors"] = split_authors(rest.pop("author"))
    if "year" in rest:
        fields["year"] = latex_to_text(rest.pop("year"))
    for name in ("doi", "pmid"):
        if name in rest:
            fields[name] = _IDENTIFIER_ESCAPE.sub(r"\1", rest.pop(name).strip("{} "))
    eprint, prefix = (
        rest.get("eprint", "").strip("{} "),
        rest.get("archiveprefix", "").strip("{} ").lower(),
    )
    # Without archivePrefix an eprint may be from another archive (HAL, bioRxiv): only
    # an id that has the shape of an arXiv id is taken as one.
    if eprint and (prefix == "arxiv" or (not prefix and normalise_arxiv(eprint))):
        fields["arxiv"] = eprint
        del rest["eprint"]
        rest.pop("archiveprefix", None)
    if "date" in rest and not _ISO_DATE.fullmatch(rest["date"].strip()):
        rest["bibtex_date"] = rest.pop("date")  # a biblatex range or season: keep it as written
    for name in ("journal", "booktitle"):
        if name in rest and "venue" not in fields:
            fields["venue"] = latex_to_text(rest.pop(name))
    fields.update({name: value for name, value in rest.items() if name not in fields})
    return fields
