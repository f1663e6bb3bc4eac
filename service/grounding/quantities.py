"""Quantities: the numbers a sentence states, with their value and kind (a count, money,
a percent, an ordinal, a score), written in digits or in words ('three', 'a fifth',
'$1.2 billion'). Years and dates are times, not quantities (``ingest.dates``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.dates import time_mentions

_UNITS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9,
          "m": 1e6, "k": 1e3, "hundred": 1e2}  # fmt: skip
_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}  # fmt: skip
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}  # fmt: skip
_ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
    "twentieth".split())}  # fmt: skip
_FRACTIONS = {"half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0}
_NUMBER_WORD = "|".join(sorted([*_SMALL, *_TENS, "hundred", "dozen"], key=len, reverse=True))
_VAGUE = {"dozens": 12.0, "scores": 20.0, "tens": 10.0, "hundreds": 1e2, "thousands": 1e3,
          "millions": 1e6, "billions": 1e9}  # fmt: skip
_QUANTITY = re.compile(
    # a round amount in words: 'tens of thousands', 'millions of (people)'
    r"\b(?P<vague>(?:tens|hundreds|dozens|scores)\s+of\s+(?:thousands|millions|billions)\b"
    r"|(?:dozens|hundreds|thousands|millions|billions)(?=\s+of\b))"
    r"|(?<![\w.,-])(?P<score>\d{1,3})\s?[-–]\s?(?P<score2>\d{1,3})(?![\w%-])"
    rf"|(?P<cur>[$€£¥])\s?(?P<cnum>\d[\d,]*(?:\.\d+)?)(?:\s*(?P<cscale>thousand|million|billion|trillion|bn|m|k)\b)?"
    rf"|(?<![\w.,-])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+)(?P<dec>\.\d+)?(?P<ordsuf>st|nd|rd|th)?"
    rf"(?:\s*(?P<pct>%|percent\b|per cent\b|percentage points?\b)"
    rf"|(?:\s+|-)(?P<scale>thousand|million|billion|trillion|hundred)\b)?(?![\w-])"
    rf"|\b(?:(?P<frac_n>a|one|two|three)[\s-](?P<frac>halves|half|thirds?|quarters?|fifths?|tenths?)\b)"
    rf"|\b(?P<word>(?:{_NUMBER_WORD})(?:-(?:{_NUMBER_WORD}))?)(?P<plus>-plus)?s?\b"
    rf"(?:(?:\s+|-)(?P<wscale>thousand|million|billion)\b)?"
    rf"|\b(?P<ordw>{'|'.join(_ORDINALS)})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    """A number as written, its value and its kind (percent, money, count or ordinal)."""

    start: int
    end: int
    text: str
    value: float
    kind: str
    unit: str | None = None

    def same(self, other: Quantity) -> bool:
        """Whether two quantities state the same amount (an ordinal and a count of the same
        value agree: 'eighth month' = 'eight month'; a fifth = 20%)."""
        if abs(self.value - other.value) > 1e-6 * max(1.0, abs(self.value)):
            return False
        kinds = {self.kind, other.kind}
        if "percent" in kinds or "score" in kinds:
            return len(kinds) == 1
        if kinds == {"money"}:
            return self.unit is None or other.unit is None or self.unit == other.unit
        return True


def quantities(text: str) -> list[Quantity]:
    """Every number of ``text`` but years and the digits inside names (G-20, Q2)."""
    return list(_quantities(text))


@lru_cache(maxsize=1 << 16)
def _quantities(text: str) -> tuple[Quantity, ...]:
    """``quantities``, cached: each quote is checked against many claims, in many answers."""
    times = [(t.start, t.end) for t in time_mentions(text) if t.year is not None or t.day]
    out: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        if any(a <= m.start() < b for a, b in times) and not (m["cur"] or m["pct"]):
            continue
        quantity = _quantity(m)
        if quantity is not None:
            out.append(quantity)
    return tuple(out)


def _quantity(m: re.Match[str]) -> Quantity | None:
    raw = m.group(0)
    if m["vague"]:
        parts = m["vague"].lower().split()
        value = _VAGUE[parts[0]] * (_VAGUE[parts[-1]] if len(parts) > 1 else 1.0)
        return Quantity(m.start(), m.end(), raw, value, "count")
    if m["score"]:  # a vote or a result: 7-2, 6–3
        result = float(int(m["score"]) * 1000 + int(m["score2"]))
        return Quantity(m.start(), m.end(), raw, result, "score")
    if m["cur"]:
        value = float(m["cnum"].replace(",", "")) * _UNITS.get((m["cscale"] or "").lower(), 1)
        return Quantity(m.start(), m.end(), raw, value, "money", m["cur"])
    if m["num"]:
        value = float(m["num"].replace(",", "") + (m["dec"] or ""))
        if m["pct"]:
            return Quantity(m.start(), m.end(), raw, value, "percent")
        if m["ordsuf"]:
            return Quantity(m.start(), m.end(), raw, value, "ordinal")
        value *= _UNITS.get((m["scale"] or "").lower(), 1)
        return Quantity(m.start(), m.end(), raw, value, "count")
    if m["frac"]:
        numerator = {"a": 1, "one": 1, "two": 2, "three": 3}[m["frac_n"].lower()]
        share = _FRACTIONS[m["frac"].lower().rstrip("s").replace("halve", "half")]
        return Quantity(m.start(), m.end(), raw, numerator * share, "percent")
    if m["word"]:
        counted = _word_value(m["word"].lower())
        if counted is None:
            return None
        counted *= _UNITS.get((m["wscale"] or "").lower(), 1)
        return Quantity(m.start(), m.end(), raw, counted, "count")
    if m["ordw"]:
        return Quantity(m.start(), m.end(), raw, float(_ORDINALS[m["ordw"].lower()]), "ordinal")
    return None


def _word_value(word: str) -> float | None:
    if word in ("one", "zero"):
        return None  # 'one of them', 'no one': a pronoun far more often than a count
    total = 0
    for part in word.split("-"):
        if part in _SMALL:
            total += _SMALL[part]
        elif part in _TENS:
            total += _TENS[part]
        elif part == "hundred":
            total = max(total, 1) * 100
        elif part == "dozen":
            total += 12
        else:
            return None
    return float(total)
