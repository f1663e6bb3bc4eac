"""What a sentence mentions that a claim can get wrong or a question can ask for: names and
times (numbers with their units are in ``quantities``).

General English only: capitalisation and the months of ``ingest.dates``. Whether a
capitalised word that opens a sentence is a name is decided by how the surrounding text
writes it elsewhere (``Casing``), never by a list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ingest.dates import MONTHS, WEEKDAYS, TimeMention, time_mentions
from service.text import STOPWORDS, fold, stem

__all__ = [
    "Casing",
    "Name",
    "TimeMention",
    "mentions_name",
    "names",
    "opens_sentence",
    "time_mentions",
]

# A token: a dotted acronym (U.S., U.N.), or a word with inner apostrophes, hyphens or
# digits (G-20, Zelenskiy's, Lieutenant-General, Q2).
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_][\w'’]*(?:-[\w'’]+)*")
# Lower-case words that may sit inside a name: "Bank of England", "Charles de Gaulle".
_CONNECTORS = frozenset("of de da del della der di du la le van von bin ibn al el dos das".split())
_OPENERS = re.compile(r"(?:^|[.!?:;…\n]|[\"“”‘(\[—–]|\s[-–—])\s*$")
_TIME_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)


@dataclass(frozen=True)
class Name:
    """A run of capitalised words (with connectors), its offsets and its folded tokens."""

    start: int
    end: int
    text: str
    tokens: tuple[str, ...]

    @property
    def key(self) -> str:
        return " ".join(self.tokens)


class Casing:
    """How a body of text capitalises each word away from the start of a sentence: a word
    written capitalised there (and not in lower case) is a name wherever it appears."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        self._upper: Counter[str] = Counter()
        self._lower: Counter[str] = Counter()
        self._lower_stems: Counter[str] = Counter()
        for text in texts:
            self.add(text)

    def add(self, text: str) -> None:
        upper, lower, lower_stems = _casing_counts(text)
        self._upper.update(upper)
        self._lower.update(lower)
        self._lower_stems.update(lower_stems)

    def proper(self, word: str) -> bool | None:
        """True when the text writes ``word`` as a name, False when as a common word, None
        when it does not say (never seen away from a sentence start)."""
        key = fold(word)
        upper, lower = self._upper[key], self._lower[key]
        if upper == lower == 0:
            return None
        return upper > lower

    def inflected(self, word: str) -> bool:
        """Whether the text writes another form of ``word`` in lower case ('premiered' for
        'Premiere' of a label): a name is not inflected like a verb."""
        return self._lower_stems[stem(fold(word))] > 0


@lru_cache(maxsize=1 << 14)
def _casing_counts(text: str) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """One text's counts for ``Casing`` (cached: the same passages and quotes are read by
    every answer that retrieves them; the counters are only ever read)."""
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    lower_stems: Counter[str] = Counter()
    for match in _TOKEN.finditer(text):
        word = match.group()
        if opens_sentence(text, match.start()):
            continue
        key = fold(word)
        if word[0].isupper():
            upper[key] += 1
        elif word[0].isalpha():
            lower[key] += 1
            lower_stems[stem(key)] += 1
    return upper, lower, lower_stems


def opens_sentence(text: str, at: int) -> bool:
    """Whether the word at offset ``at`` opens a sentence (or a quotation, or the text)."""
    return bool(_OPENERS.search(text[max(0, at - 3) : at])) or not text[:at].strip()


@lru_cache(maxsize=1 << 16)
def _norm_token(word: str) -> str:
    """Folded, dots and hyphens gone, possessive dropped: U.S. -> us, G-20 -> g20."""
    key = fold(word).replace("’", "'")
    if key.endswith("'s"):
        key = key[:-2]
    return key.replace(".", "").replace("-", "").replace("'", "")


def names(text: str, casing: Casing | None = None) -> list[Name]:
    """The names of ``text``: runs of capitalised words, connectors allowed inside.

    A leading stopword is dropped ('The Kremlin' -> 'Kremlin'); months and weekdays are times,
    not names. A single capitalised word opening a sentence is a name when ``casing`` (or the
    text itself) writes it capitalised elsewhere, or when nothing says otherwise and it is
    neither a stopword nor followed by a comma ('However, ...').
    """
    local = Casing([text])
    tokens = list(_TOKEN.finditer(text))
    out: list[Name] = []
    i = 0
    while i < len(tokens):
        if not _capitalised(tokens[i].group()):
            i += 1
            continue
        j = i + 1
        while j < len(tokens):
            word = tokens[j].group()
            gap = text[tokens[j - 1].end() : tokens[j].start()]
            if gap.strip() not in ("", "&") or "\n" in gap:
                break
            if _capitalised(word):
                j += 1
            elif (
                word.lower() in _CONNECTORS
                and j + 1 < len(tokens)
                and _capitalised(tokens[j + 1].group())
            ):
                j += 2
            else:
                break
        run = tokens[i:j]
        while run and (run[0].group().lower() in STOPWORDS or fold(run[0].group()) in _TIME_WORDS):
            run = run[1:]
        while run and fold(run[-1].group()) in _TIME_WORDS:
            run = run[:-1]
        if run and _keep(text, run, tokens[i].start(), casing, local):
            start, end = run[0].start(), run[-1].end()
            words = tuple(
                _norm_token(t.group()) for t in run if t.group().lower() not in _CONNECTORS
            )
            out.append(Name(start, end, text[start:end], tuple(w for w in words if w)))
        i = j
    return out


def _capitalised(word: str) -> bool:
    return word[0].isupper() and word not in ("I",)


def _keep(
    text: str,
    run: Sequence[re.Match[str]],
    group_start: int,
    casing: Casing | None,
    local: Casing,
) -> bool:
    if len(run) > 1 or run[0].start() != group_start or not opens_sentence(text, group_start):
        return True
    word = run[0].group()
    if len(word) > 1 and (word.isupper() or "." in word):
        return True  # an acronym: NATO, U.S.
    for lexicon in (local, casing):
        verdict = lexicon.proper(word) if lexicon is not None else None
        if verdict is not None:
            return verdict
    follows = text[run[0].end() : run[0].end() + 1]
    return word.lower() not in STOPWORDS and follows != ","


def mentions_name(name: Name | str, text: str) -> bool:
    """Whether ``text`` mentions ``name``: each of its words written alike (accents, dots,
    hyphens and case aside; one letter off in a long word: Zelenskiy = Zelenskyy), 'G20' as
    'Group of 20', or an acronym spelled out by initials ('US' = 'United States')."""
    wanted = name.tokens if isinstance(name, Name) else tuple(
        _norm_token(t.group()) for t in _TOKEN.finditer(name)
        if t.group().lower() not in _CONNECTORS
    )  # fmt: skip
    wanted = tuple(w for w in wanted if w)
    if not wanted:
        return False
    if all(_has_word(w, text) for w in wanted):
        return True
    if len(wanted) == 1:
        return _spelled_out(wanted[0], text)
    return False


@lru_cache(maxsize=1 << 16)
def _has_word(word: str, text: str) -> bool:
    """Whether one of ``text``'s words is ``word`` in some spelling (cached: each claim's and
    question's names are looked for in the same quotes again and again)."""
    vocabulary = _vocabulary(text)
    return word in vocabulary or any(_same_word(word, p) for p in vocabulary)


@lru_cache(maxsize=4096)
def _vocabulary(text: str) -> frozenset[str]:
    """The normalised words of ``text`` (cached: a quote is checked against many claims)."""
    return frozenset(_norm_token(t.group()) for t in _TOKEN.finditer(text))


_DERIVED = frozenset("ians ian ans an ns n ish ese ean eans ern erns ic i is al ial s".split())


def _same_word(a: str, b: str) -> bool:
    """One name's word in two spellings: equal, one letter off in a long word, or a place
    and its adjective ('Ukraine' ~ 'Ukrainian', 'Sweden' ~ 'Swedish', 'West' ~ 'Western')."""
    if a == b:
        return True
    if min(len(a), len(b)) >= 5 and abs(len(a) - len(b)) <= 1 and _edit_distance_at_most_one(a, b):
        return True
    short, long_ = sorted((a, b), key=len)
    common = 0
    for x, y in zip(short, long_, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and len(short) - common <= 2 and long_[common:] in _DERIVED


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    if len(a) < len(b):
        a, b = b, a
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    for k in range(len(a)):
        if a[:k] + a[k + 1 :] == b:
            return True
    return False


_GROUP_OF = re.compile(r"^g(\d{1,2})$")


def _spelled_out(token: str, text: str) -> bool:
    group = _GROUP_OF.match(token)
    if group and re.search(rf"\bgroup of {group.group(1)}\b", fold(text)):
        return True
    if not (2 <= len(token) <= 6 and token.isalpha()):
        return False
    for found in names(text):
        initials = "".join(w[0] for w in found.tokens if w)
        if initials == token and len(found.tokens) == len(token):
            return True
    return False
