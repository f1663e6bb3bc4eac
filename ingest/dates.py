"""Dates as news text writes them, for both sides: the one table of month and weekday names,
full dates ("Dec. 26, 2024", "29 March 2017", "2024-12-26") and partial time mentions
("Dec. 18", "mid-February", "the end of March", "2014", "on Thursday", "last year")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_FULL_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)"
)
_ORD = r"(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]\d\d|20\d\d)"
# A date as written: "Dec. 26, 2024", "March 29", "29 March 2017", "2024-12-26".
DATE = re.compile(
    rf"\b(?P<md>(?P<m1>{MONTH})\.?\s+(?P<d1>\d{{1,2}}){_ORD}(?:,?\s+(?P<y1>\d{{4}}))?)(?!\d)"
    rf"|(?<!\d)(?P<dm>(?P<d2>\d{{1,2}}){_ORD}\s+(?P<m2>{MONTH})\b\.?(?:,?\s+(?P<y2>\d{{4}}))?)"
    r"|(?<!\d)(?P<iso>(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2}))(?!\d)"
)


def month_number(name: str) -> int | None:
    """1..12 for a month name or its abbreviation ('Sept.', 'december'); None otherwise."""
    return MONTHS.get(name.lower().rstrip("."))


def full_dates(text: str) -> Iterator[date]:
    """Every full date (day, month and year) written in ``text``, in order."""
    for match in DATE.finditer(text):
        day = _full_date(match)
        if day is not None:
            yield day


def _full_date(match: re.Match[str]) -> date | None:
    if match["iso"]:
        year, month, day = int(match["y3"]), int(match["m3"]), int(match["d3"])
    else:
        raw_year = match["y1"] or match["y2"]
        if raw_year is None:
            return None  # "March 29" says nothing about the year: never guess it
        year, day = int(raw_year), int(match["d1"] or match["d2"])
        month = MONTHS[(match["m1"] or match["m2"]).lower()[:3]]
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class TimeMention:
    """A time expression in a text, with what it fixes (``None``: not stated)."""

    start: int
    end: int
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: str | None = None
    part: str | None = None  # "early", "mid", "late", "end", "start" of the month or year
    relative: str | None = None  # "last year", "this week", "yesterday", ...

    @property
    def fields(self) -> dict[str, object]:
        """The stated fields only."""
        names = ("year", "month", "day", "weekday", "relative")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}

    def fits(self, other: TimeMention) -> bool:
        """Whether ``other`` states nothing that contradicts this mention and states at least
        what this one fixes (a claim's 'February' fits a quote's 'mid-February 2017'; its
        'Dec. 28' does not fit 'Dec. 18')."""
        mine, theirs = self.fields, other.fields
        if self.part and other.part and self.part != other.part:
            return False
        return bool(mine) and all(theirs.get(k) == v for k, v in mine.items())

    def fits_day(self, day: date) -> bool:
        """Whether a calendar day (an article's publication date) is what this mentions."""
        if self.relative is not None or not self.fields:
            return False
        if self.weekday is not None and WEEKDAYS[day.weekday()] != self.weekday:
            return False
        return (
            (self.year is None or self.year == day.year)
            and (self.month is None or self.month == day.month)
            and (self.day is None or self.day == day.day)
        )


_PART = r"(?:early|mid|late|the\s+(?:end|start|beginning|middle)\s+of)"
_RELATIVE = (
    r"(?:yesterday|today|tomorrow|tonight|(?:last|this|next|past)\s+(?:week|month|year|weekend)"
    r"|(?:earlier|later)\s+this\s+(?:week|month|year)|a\s+(?:week|month|year)\s+ago)"
)
_TIME = re.compile(
    rf"(?P<date>{DATE.pattern})"
    rf"|\b(?P<part>{_PART})[-\s]+(?P<pm>{_FULL_MONTH}|{YEAR})\b(?:,?\s+(?P<py>{YEAR}))?"
    rf"|\b(?P<my_m>{_FULL_MONTH}|{MONTH}\.)\s+(?P<my_y>{YEAR})\b"
    rf"|\b(?P<wd>{'|'.join(w.capitalize() for w in WEEKDAYS)})\b"
    rf"|\b(?P<rel>{_RELATIVE})\b"
    rf"|\b(?P<mo>{_FULL_MONTH})\b"
    rf"|(?<![\d.,$£€-])\b(?P<yr>{YEAR})\b(?![\d%]|[.,]\d|\s*(?:percent|per cent))",
    re.IGNORECASE,
)


def time_mentions(text: str) -> list[TimeMention]:
    """Every time expression of ``text``, in order, with the fields it states.

    A bare capitalised month or weekday counts ('in March', 'on Thursday'); 'may' in lower
    case is the verb, not the month. Cached: answering reads the same passages' sentences
    again and again.
    """
    return list(_time_mentions(text))


@lru_cache(maxsize=1 << 16)
def _time_mentions(text: str) -> tuple[TimeMention, ...]:
    found: list[TimeMention] = []
    for m in _TIME.finditer(text):
        raw = m.group(0)
        if m["date"]:
            mention = _date_mention(m, raw)
        elif m["part"]:
            part = m["part"].lower().split()[-1]
            value, year = m["pm"], m["py"]
            if value.isdigit():
                mention = TimeMention(m.start(), m.end(), raw, year=int(value), part=part)
            else:
                mention = TimeMention(
                    m.start(), m.end(), raw, year=int(year) if year else None,
                    month=month_number(value), part=part,
                )  # fmt: skip
        elif m["my_m"]:
            mention = TimeMention(
                m.start(), m.end(), raw, year=int(m["my_y"]), month=month_number(m["my_m"])
            )
        elif m["wd"]:
            if not m["wd"][0].isupper():
                continue
            mention = TimeMention(m.start(), m.end(), raw, weekday=m["wd"].lower())
        elif m["rel"]:
            mention = TimeMention(m.start(), m.end(), raw, relative=" ".join(raw.lower().split()))
        elif m["mo"]:
            if not m["mo"][0].isupper():
                continue  # 'may' the verb, 'march' the verb
            mention = TimeMention(m.start(), m.end(), raw, month=month_number(m["mo"]))
        else:
            mention = TimeMention(m.start(), m.end(), raw, year=int(m["yr"]))
        found.append(mention)
    return tuple(found)


def _date_mention(m: re.Match[str], raw: str) -> TimeMention:
    if m["iso"]:
        return TimeMention(
            m.start(), m.end(), raw, year=int(m["y3"]), month=int(m["m3"]), day=int(m["d3"])
        )
    year = m["y1"] or m["y2"]
    month_name = m["m1"] or m["m2"]
    return TimeMention(
        m.start(),
        m.end(),
        raw,
        year=int(year) if year else None,
        month=month_number(month_name[:3]),
        day=int(m["d1"] or m["d2"]),
    )
