"""Split news text into sentences with exact character offsets.

A small rule-based splitter, tuned for news prose: every line is a boundary, and a
terminal mark (``.``, ``?``, ``!``, an ellipsis) plus any closing quotes or brackets
ends a sentence only when whitespace follows and the next word can start a sentence.
A quotation closed by a comma (``“We see posturing. We see no offer,” Price said.``) is not
split inside, so its attribution stays with it. The spans partition the non-whitespace
text: nothing is dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ingest.model import Span

# The line breaks of ``str.splitlines``; all of them are whitespace, so trimming drops them.
_LINE_BREAK_CHARS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK = re.compile(f"[{_LINE_BREAK_CHARS}]")

# A terminal run glued to the word before it, its closing quotes/brackets, then whitespace.
_TERMINAL = re.compile(r"(?<=[^\s.?!…])(?P<stop>[.?!…]+)(?P<close>[\"'”’»)\]}]*)(?=\s|\Z)")
_NON_SPACE = re.compile(r"\S")
_UP_TO_LAST_SPACE = re.compile(r".*\s", re.S)
_NEXT_WORD = re.compile(r"(?P<open>[\"'“‘«„(\[{¿¡]*)(?P<word>\w*)")
_WORD_BEFORE = re.compile(r"[\w.’'-]+\Z")
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")  # U.S, a.m, e.g, J
_PIECES = re.compile(r"[.’'-]")
# Double quotes and line breaks, scanned together so a quotation never spans two lines.
_QUOTE_OR_BREAK = re.compile(f'["“”«»„{_LINE_BREAK_CHARS}]')
_ATTRIBUTION = re.compile(
    r"(?:[A-Z][\w’'.-]*\s+){1,4}(?:said|says|asked|asks|added|adds|told|wrote|replied|"
    r"shouted|noted|insisted|explained|continued|recalled)\b"
)

# A character after the whitespace that shows the sentence goes on ("end. ... And").
_CONTINUES = frozenset(",;:%/&)]}.?!…")

# Always followed by a name: never a boundary ("Mr. Rex Tillerson", "Lt.-Gen. Kellogg").
_TITLES = frozenset(
    "Mr Mrs Ms Messrs Mme Mmes Dr Prof Rev Hon Rt Sen Sens Rep Reps Gov Govs Lt Lieut Gen Gens "
    "Col Capt Cmdr Cdr Comdr Sgt Maj Adm Brig Cpl Pvt Amb Atty Supt Insp Det Msgr Fr Pres".split()
)
# Followed by a number: "Jan. 20", "No. 10", "pp. 4-5".
_BEFORE_NUMBER = frozenset(
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec No Nos no nos Art Vol vol Vols p pp "
    "Fig fig Ch ch Sec sec Para para Nr Op Pt".split()
)
# Abbreviations that may also end a sentence; see ``_starts_sentence``.
_AMBIGUOUS = frozenset(
    "St Ste Mt Ft Jr Sr Inc Corp Co Cos Ltd Bros Plc Ave Blvd Rd Hwy Sq vs etc approx est dept "
    "Dept govt Univ Assn Intl Natl al cf ca Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan "
    "Ky La Md Mass Mich Minn Miss Mo Mont Neb Nev Okla Ore Pa Tenn Vt Va Wash Wis Wyo".split()
)
# Words that often open a news sentence; after an ambiguous abbreviation or an ellipsis,
# only these (or an opening quote) make a boundary: "in the U.S. The ..." but "U.S. Army".
_STARTERS = frozenset(
    "A An The This That These Those There Then Thus He She It I We You They His Her Its Our "
    "Their My Your But And Or So Yet Nor In On At By As After Before During Since Until When "
    "While Where Why How What Who Which If Although Though Because However Meanwhile Moreover "
    "Still Also Instead Now Today Yesterday Earlier Later Last Next Some Many Most Both Each "
    "All Several Other Others No Not Yes According Such One Two Three Neither Either Despite "
    "Under Over With Without From To Like Unlike Even Only Just Perhaps Asked Officials".split()
)


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of ``text``, sorted, trimmed, covering every non-whitespace character."""
    cuts = {0, len(text)}
    cuts.update(m.start() for m in _LINE_BREAK.finditer(text))
    quotes = _comma_quotes(text)
    cuts.update(m.end() for m in _TERMINAL.finditer(text) if _ends_sentence(text, m, quotes))
    spans: list[Span] = []
    bounds = sorted(cuts)
    for start, end in zip(bounds, bounds[1:], strict=False):
        piece = text[start:end]
        stripped = piece.lstrip()
        if stripped:
            first = start + len(piece) - len(stripped)
            spans.append(Span(first, first + len(stripped.rstrip())))
    return spans


def _comma_quotes(text: str) -> tuple[list[int], list[int]]:
    """Opening and closing offsets of quotations that close with a comma (``“...,” he said``)."""
    opens: list[int] = []
    closes: list[int] = []
    open_at: int | None = None
    for m in _QUOTE_OR_BREAK.finditer(text):
        char, pos = m.group(), m.start()
        if char in _LINE_BREAK_CHARS:
            open_at = None
        elif char in "“«„" or (char == '"' and _opens(text, pos)):
            open_at = pos
        elif open_at is not None:
            if text[pos - 1] == ",":
                opens.append(open_at)
                closes.append(pos)
            open_at = None
    return opens, closes


def _opens(text: str, pos: int) -> bool:
    """Whether the straight quote at ``pos`` opens a quotation (it follows a space or bracket)."""
    return pos == 0 or text[pos - 1].isspace() or text[pos - 1] in "([{—–-/"


def _ends_sentence(text: str, m: re.Match[str], quotes: tuple[list[int], list[int]]) -> bool:
    """Whether the terminal run ``m`` ends a sentence."""
    found = _NON_SPACE.search(text, m.end())
    after = found.start() if found else len(text)
    if after == len(text) or _LINE_BREAK.search(text, m.end(), after):
        return True
    opens, closes = quotes
    i = bisect_right(opens, m.start()) - 1
    if i >= 0 and m.start() < closes[i]:
        return False  # inside a quotation that the comma shows goes on
    if text[after] in _CONTINUES:
        return False
    nxt = _NEXT_WORD.match(text, after)
    assert nxt is not None  # only optional groups
    word = nxt["word"]
    if word[:1].islower():
        return False
    stop, close = m["stop"], m["close"]
    if "?" in stop or "!" in stop:
        # “Why?” Lavrov asked.
        return not (close and _ATTRIBUTION.match(text, after))
    if stop != ".":
        return _starts_sentence(nxt["open"], word)  # an ellipsis
    if close:
        return True
    before = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
    if before is None:
        return True
    token = before.group()
    if _INITIALISM.fullmatch(token):
        return _starts_sentence(nxt["open"], word)
    last = _PIECES.split(token)[-1]
    if last in _TITLES:
        return False
    if last in _BEFORE_NUMBER:
        return not word[:1].isdigit()
    if last in _AMBIGUOUS:
        return _starts_sentence(nxt["open"], word)
    return True


def _starts_sentence(opening: str, word: str) -> bool:
    """Whether the next word surely opens a sentence: an opening quote or a common first word."""
    return any(c in "\"'“‘«„" for c in opening) or word in _STARTERS


def bound_spans(text: str, spans: list[Span] | tuple[Span, ...], max_chars: int) -> list[Span]:
    """``spans`` with every span longer than ``max_chars`` cut into pieces of at most
    ``max_chars``, at the last whitespace that fits (mid-word only when a single word is
    longer than that). Pieces are trimmed like sentences, so ``text[start:end]`` stays exact
    and nothing but whitespace is dropped."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be >= 1, got {max_chars}")
    out: list[Span] = []
    for span in spans:
        start = span.start
        while span.end - start > max_chars:
            limit = start + max_chars
            cut = _last_space(text, start + 1, limit + 1)
            end = cut if cut is not None else limit
            piece_end = end
            while piece_end > start and text[piece_end - 1].isspace():
                piece_end -= 1
            out.append(Span(start, piece_end))
            found = _NON_SPACE.search(text, end, span.end)
            start = found.start() if found else span.end
        if start < span.end:
            out.append(Span(start, span.end))
    return out


def _last_space(text: str, lo: int, hi: int) -> int | None:
    """Offset of the last whitespace character in ``text[lo:hi]``, if any."""
    found = _UP_TO_LAST_SPACE.match(text, lo, hi)
    return found.end() - 1 if found else None
