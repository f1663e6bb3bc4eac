"""Metadata stated in an article's own text: headline, outlet, byline, dateline, date.

Everything here is conservative: a field that is not clearly stated stays ``None``
(or ``()`` for authors). Only the first few and the last few non-empty lines are
looked at, because that is where headlines, bylines, datelines and footers live;
the body mentions outlets and dates all the time and must not be mistaken for them.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ingest.dates import DATE, MONTH, full_dates
from ingest.model import Metadata

HEAD_LINES = 8  # headline, byline, dateline and "Published" lines are searched here
TAIL_LINES = 3  # "X is a reporter for Y." footers are searched here

# Whole lines that sit above a headline on scraped pages and are never the headline.
BOILERPLATE = frozenset(
    {
        "all news",
        "news",
        "latest news",
        "top stories",
        "advertisement",
        "skip to content",
        "skip to main content",
        "menu",
        "share",
        "share this article",
        "home",
    }
)

# Agencies that may close a byline ("By Jane Doe, Reuters"); an outlet, not a person.
BYLINE_OUTLETS = frozenset(
    {
        "Reuters",
        "AP",
        "Associated Press",
        "The Associated Press",
        "AFP",
        "Agence France-Presse",
        "TASS",
        "Bloomberg",
        "Bloomberg News",
        "UPI",
    }
)
# Job titles that may close a byline ("By Jane Doe, Staff Writer"); dropped.
_ROLE_WORDS = re.compile(r"\b(?:staff|writer|reporter|correspondent|editor|contributor)s?\b", re.I)

_NAME_WORD = r"[A-Z\u00c0-\u00de][A-Za-z\u00c0-\u024f'’.\-]*"
_PARTICLE = r"(?:de|da|del|della|der|di|du|la|le|van|von|bin|al|el|ibn|dos|das)"
_NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)*{_NAME_WORD}){{1,4}}")

_PLACE = r"(?P<place>[A-Z][A-Za-z.'’\-]*(?:,?\s+[A-Z][A-Za-z.'’\-]*){0,4})"
_SOURCE = r"(?P<source>[A-Z][A-Za-z0-9&.'’\-]*(?:\s+[A-Za-z][A-Za-z0-9&.'’\-]*){0,4})"
_DASH = r"[-–—]"
_DATELINES = (
    # MOSCOW (Reuters) -   /   WASHINGTON, Dec. 26, 2024 (AP) —   /   KYIV, Ukraine (AP) —
    re.compile(rf"^{_PLACE}(?:,\s*(?P<date>[^()]{{3,30}}?))?\s*\({_SOURCE}\)\s*(?P<dash>{_DASH})?"),
    # MOSCOW, March 29. /TASS/.
    re.compile(rf"^{_PLACE},\s*(?P<date>[^/]{{3,30}}?)\.?\s*/{_SOURCE}/"),
    # (AP) —
    re.compile(rf"^\({_SOURCE}\)\s*(?P<dash>{_DASH})"),
    # WASHINGTON, Dec. 26, 2024 —   (no outlet: needs an all-caps place and a date)
    re.compile(rf"^{_PLACE},\s*(?P<date>[^()]{{3,30}}?)\s*(?P<dash>[–—])\s"),
)
_BYLINE = re.compile(r"^(?:By|BY)\s+(?P<names>\S.*?)\s*$")
_TIMESTAMP_LINE = re.compile(
    r"^(?P<kind>Published|Updated|Last updated|Posted)\b:?\s*(?P<rest>.*\d.*)$", re.I
)
# Lines that open like a timestamp are never a headline, date or no date.
_TIMESTAMP_START = re.compile(
    r"^(?:(?:Published|Posted|Last updated)\b"
    rf"|Updated\b:?\s*(?:on\b|at\b|\d|today\b|yesterday\b|{MONTH}\b"
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b))",
    re.I,
)
_FOOTER = re.compile(
    rf"^(?P<names>{_NAME.pattern}(?:(?:,\s*|,?\s+and\s+){_NAME.pattern})*)\s+(?:is|are)\s+"
    r"(?:an?\s+)?(?:[\w’'\-]+\s+){0,5}?"
    r"(?:reporter|correspondent|editor|writer|journalist|columnist|contributor)s?\b"
    r"[^.]*?\s+(?:for|at|with)\s+"
    r"(?P<outlet>(?:[Tt]he\s+)?[A-Z][\w&’'\-]*(?:\s+[A-Z][\w&’'\-]*){0,4})\.?\s*$"
)


def extract_metadata(text: str) -> Metadata:
    """Metadata clearly stated in ``text``; anything not stated stays unset."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head, tail = lines[:HEAD_LINES], lines[-TAIL_LINES:]
    place, dateline, source = _dateline(head)
    byline_authors, byline_source = _byline(head)
    footer_authors, footer_source = _footer(tail)
    authors = tuple(dict.fromkeys(byline_authors + footer_authors))
    return Metadata(
        title=_title(head),
        source=source or footer_source or byline_source,
        authors=authors,
        place=place,
        dateline=dateline,
        published=_published(head, dateline),
    )


def parse_published(value: object) -> date | None:
    """A supplied publication date: an ISO date or datetime (its own date); empty -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        raw = value.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                return date.fromisoformat(raw)
            if re.match(r"\d{4}-\d{2}-\d{2}[T ]\d", raw):
                return datetime.fromisoformat(raw).date()
        except ValueError:
            pass
    raise ValueError(
        f"invalid published date {value!r}: expected an ISO date like 2024-12-26 "
        "or an ISO datetime like 2024-12-26T10:00:00Z"
    )


def full_date(text: str) -> date | None:
    """The first full date (day, month and year) written in ``text``, if any."""
    return next(full_dates(text), None)


def _title(head: list[str]) -> str | None:
    for line in head:
        if line.lower().rstrip(".:") in BOILERPLATE:
            continue
        return line if _is_headline(line) else None
    return None


def _is_headline(line: str) -> bool:
    words = line.split()
    return (
        3 <= len(words) <= 25
        and len(line) <= 200
        and not line.rstrip("\"'”’»)").endswith((".", ":", ";", ","))
        and (line[0].isupper() or line[0].isdigit() or line[0] in "\"'“‘")
        and "://" not in line
        and _BYLINE.match(line) is None
        and _TIMESTAMP_START.match(line) is None
        and _dateline([line]) == (None, None, None)
    )


def _dateline(head: list[str]) -> tuple[str | None, str | None, str | None]:
    """(place, date text, outlet) from the first dateline found in ``head``."""
    for line in head:
        for pattern in _DATELINES:
            match = pattern.match(line)
            if match is None:
                continue
            groups = match.groupdict()
            raw_place, raw_date, source = (
                groups.get("place"),
                groups.get("date"),
                groups.get("source"),
            )
            if raw_date is not None and DATE.fullmatch(raw_date.strip()) is None:
                continue  # "PLACE, <not a date> (X)": not a dateline we understand
            if groups.get("dash") is None and raw_place and not _is_caps(raw_place):
                continue  # "John Kirby (NSC) said" is a name, not a dateline
            if source is None and not (raw_place and _is_caps(raw_place)):
                continue
            place = _place(raw_place) if raw_place else None
            return place, raw_date.strip() if raw_date else None, source
    return None, None, None


def _is_caps(words: str) -> bool:
    return any(c.isalpha() for c in words) and words.split(",")[0].upper() == words.split(",")[0]


def _place(raw: str) -> str:
    """ "NEW YORK" -> "New York"; words already in mixed case are kept as written."""
    return " ".join(word.title() if word.isupper() else word for word in raw.split())


def _byline(head: list[str]) -> tuple[tuple[str, ...], str | None]:
    """(authors, outlet) from a "By A, B and C" line in ``head``."""
    for line in head:
        match = _BYLINE.match(line)
        if match is None:
            continue
        parts = re.split(r"\s*(?:[,;|&]|\band\b)\s*", match["names"])
        authors: list[str] = []
        outlet = None
        for part in filter(None, (p.strip() for p in parts)):
            if part in BYLINE_OUTLETS:
                outlet = part
            elif _ROLE_WORDS.search(part):
                continue
            elif _NAME.fullmatch(part):
                authors.append(part)
            else:
                return (), None  # not a plain list of names: do not guess
        return tuple(authors), outlet
    return (), None


def _footer(tail: list[str]) -> tuple[tuple[str, ...], str | None]:
    """(authors, outlet) from a "Jane Doe is a reporter for the Daily Planet." footer."""
    for line in reversed(tail):
        match = _FOOTER.match(line)
        if match is None:
            continue
        names = tuple(n for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", match["names"]) if n)
        outlet = match["outlet"]
        if outlet.startswith("the "):
            outlet = "The " + outlet[4:]
        return names, outlet
    return (), None


def _published(head: list[str], dateline: str | None) -> date | None:
    """A "Published" line wins, then the dateline, then an "Updated" line."""
    published = updated = None
    for line in head:
        match = _TIMESTAMP_LINE.match(line)
        if match is None:
            continue
        day = full_date(match["rest"])
        if match["kind"].lower() in ("published", "posted"):
            published = published or day
        else:
            updated = updated or day
    from_dateline = full_date(dateline) if dateline else None
    return published or from_dateline or updated
