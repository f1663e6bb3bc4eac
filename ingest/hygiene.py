"""Text hygiene: the one check of what text may hold, used by the loaders, the CLI and the API.

Three kinds of text, three rules:

* ``free_text`` (article text, questions, messages): no lone surrogate (it cannot be encoded
  as UTF-8, so no store, log or reply can hold it) and no NUL (text never holds one; a file
  with one is refused as binary).
* ``name`` (a title, an outlet, an author, a URL, a filter value, a model name): the same,
  and no control character at all (C0, DEL, C1): a name is one line of printable text.
* ``identifier`` (a document id): a name, and no bidirectional control (U+202E and its kin
  make an id display as another one).

Each check returns ``None`` or a short reason naming the first bad character and where it is,
e.g. ``"holds a lone surrogate U+D800 at character 12"``. Nothing is cleaned: text is kept
exactly, since citations are offsets into it. ``json_depth`` bounds the nesting of a JSON
text before it is parsed (Python's parser recurses, and a deep document overflows it).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate

MAX_JSON_DEPTH = 32  # a list of records, each with an author list, is 3 levels deep

_SURROGATE = "\ud800-\udfff"
_CONTROLS = "\x00-\x1f\x7f-\x9f"
# Embedding, override and isolate controls, and the implicit marks (LRM, RLM, ALM).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"

_FREE_TEXT_BAD = re.compile(f"[{_SURROGATE}\x00]")
_NAME_BAD = re.compile(f"[{_SURROGATE}{_CONTROLS}]")
_IDENTIFIER_BAD = re.compile(f"[{_SURROGATE}{_CONTROLS}{_BIDI}]")

# A JSON string (escapes included) or one bracket; strings are skipped when counting depth.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def free_text(text: str) -> str | None:
    """Why ``text`` cannot be stored as article text or asked as a question, or ``None``."""
    return _first(_FREE_TEXT_BAD, text)


def name(text: str) -> str | None:
    """Why ``text`` cannot be a one-line name (title, outlet, filter value), or ``None``."""
    return _first(_NAME_BAD, text)


def identifier(text: str) -> str | None:
    """Why ``text`` cannot be a document id's characters, or ``None``."""
    return _first(_IDENTIFIER_BAD, text)


def describe(char: str) -> str:
    """'a lone surrogate U+D800', 'a NUL character (U+0000)', 'the control character U+001B',
    'the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE)'."""
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"a lone surrogate {code}"
    if char == "\x00":
        return f"a NUL character ({code})"
    if unicodedata.category(char) == "Cc":
        return f"the control character {code}"
    return f"the bidirectional control {code} ({unicodedata.name(char, 'unnamed')})"


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    if found is None:
        return None
    return f"holds {describe(found.group())} at character {found.start()}"


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in a JSON text (0 for a scalar), without parsing it.

    Linear and iterative: strings are cut out first (brackets inside them do not count), so
    a malformed text gets a number too and the parser reports what is wrong with it.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if not brackets:
        return 0
    steps = (1 if c in "[{" else -1 for c in brackets)
    return max(0, max(accumulate(steps)))


def too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> str | None:
    """Why a JSON text nests too deeply to be parsed, or ``None``."""
    depth = json_depth(text)
    if depth > limit:
        return f"JSON nested {depth} levels deep, over the limit of {limit}"
    return None
