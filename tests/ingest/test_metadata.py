"""Tests for ingest/metadata.py: metadata stated in the text, and supplied dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ingest.metadata import extract_metadata, full_date, parse_published
from ingest.model import Metadata

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "000_e62ddbb625dbe803.txt",
            Metadata(
                source="Reuters",
                authors=("Guy Faulconbridge", "Vladimir Soldatkin"),
                place="Moscow",
            ),
        ),
        (
            "001_ac9b4e7fea30a9ad.txt",
            Metadata(
                title="Russian top diplomat says Moscow ready to develop relations with Washington",
                source="TASS",
                place="Moscow",
                dateline="March 29",
            ),
        ),
        ("002_9337bddef5a72965.txt", Metadata()),
        ("003_10bd731a7649f7ed.txt", Metadata()),
        (
            "004_bd199c581121c6a7.txt",
            Metadata(
                title="Talk It Out: Russia Rebuffs U.S. Claim It Won’t Negotiate",
                source="The National Interest",
                authors=("Mark Episkopos",),
            ),
        ),
    ],
)
def test_corpus_articles(name: str, expected: Metadata) -> None:
    text = (CORPUS / name).read_text(encoding="utf-8")
    assert extract_metadata(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Datelines: place, outlet and the date as written; a full date is also "published".
        (
            "WASHINGTON, Dec. 26, 2024 (AP) — The president said things.",
            Metadata(
                source="AP",
                place="Washington",
                dateline="Dec. 26, 2024",
                published=date(2024, 12, 26),
            ),
        ),
        (
            "MOSCOW, 29 March 2017. /TASS/. Moscow is ready.",
            Metadata(
                source="TASS",
                place="Moscow",
                dateline="29 March 2017",
                published=date(2017, 3, 29),
            ),
        ),
        (
            "MOSCOW, March 29, 2017. /TASS/. Moscow is ready.",
            Metadata(
                source="TASS",
                place="Moscow",
                dateline="March 29, 2017",
                published=date(2017, 3, 29),
            ),
        ),
        (
            "LONDON, 2024-12-26 (Reuters) - Britain said.",
            Metadata(
                source="Reuters",
                place="London",
                dateline="2024-12-26",
                published=date(2024, 12, 26),
            ),
        ),
        (
            "LONDON, March 29, 2017 — Britain said.",
            Metadata(place="London", dateline="March 29, 2017", published=date(2017, 3, 29)),
        ),
        (
            "WASHINGTON, Dec. 26 (AP) — No year, so no date.",
            Metadata(source="AP", place="Washington", dateline="Dec. 26"),
        ),
        (
            "WASHINGTON, Feb. 30, 2024 (AP) — No such day.",
            Metadata(source="AP", place="Washington", dateline="Feb. 30, 2024"),
        ),
        ("WASHINGTON (AFP) Officials said.", Metadata(source="AFP", place="Washington")),
        ("(AP) — Officials said.", Metadata(source="AP")),
        ("Moscow (Reuters) - Russia said.", Metadata(source="Reuters", place="Moscow")),
        (
            "KYIV, Ukraine (AP) — Russia struck.",
            Metadata(source="AP", place="Kyiv, Ukraine"),
        ),
        (
            "NEW YORK (Reuters) - Stocks fell.",
            Metadata(source="Reuters", place="New York"),
        ),
        # Not datelines: a person with a parenthesis, a body line mentioning outlets.
        ("John Kirby (NSC) said things.", Metadata()),
        ("Lavrov told Russian state-run outlet Tass that talks were over.", Metadata()),
        ("Kellogg told Fox News on Dec. 18, 2024 that both sides were ready.", Metadata()),
        # Bylines.
        (
            "By Jane Doe, John Roe and Ann Lee\nText.",
            Metadata(authors=("Jane Doe", "John Roe", "Ann Lee")),
        ),
        ("By Jane Doe, Staff Writer\nText.", Metadata(authors=("Jane Doe",))),
        ("By Jane Doe | Reuters\nText.", Metadata(source="Reuters", authors=("Jane Doe",))),
        ("By The Associated Press\nText.", Metadata(source="The Associated Press")),
        ("By the way, this is text.", Metadata()),
        ("Text.\n(Additional reporting by Dmitry Antonov; editing by Mark Heinrich)", Metadata()),
        # Footers.
        (
            "Body.\nJane Doe and John Roe are correspondents for Reuters.",
            Metadata(source="Reuters", authors=("Jane Doe", "John Roe")),
        ),
        (
            "Body.\nAnn Lee is a senior editor at the Daily Planet.\nImage: Reuters.",
            Metadata(source="The Daily Planet", authors=("Ann Lee",)),
        ),
        # Headlines and "Published" / "Updated" lines.
        (
            "Headline here for you\nBy Jane Doe, Reuters\n"
            "Published Dec. 26, 2024 10:00 a.m. ET\nLONDON - body text.",
            Metadata(
                title="Headline here for you",
                source="Reuters",
                authors=("Jane Doe",),
                published=date(2024, 12, 26),
            ),
        ),
        (
            "Some headline words\nUpdated 2024-12-26T10:00:00Z\nBody.",
            Metadata(title="Some headline words", published=date(2024, 12, 26)),
        ),
        (
            "Updated Dec. 27, 2024\nWASHINGTON, Dec. 26, 2024 (AP) - Text.",
            Metadata(
                source="AP",
                place="Washington",
                dateline="Dec. 26, 2024",
                published=date(2024, 12, 26),
            ),
        ),
        ("Posted on Thursday\nText.", Metadata()),
        ("Published yesterday at 10:00\nText.", Metadata()),
        (
            "Updated guidance on visas released\nText.",
            Metadata(title="Updated guidance on visas released"),
        ),
        (
            "All news\n\nA headline after boilerplate\n\nBody.",
            Metadata(title="A headline after boilerplate"),
        ),
        ("Two words\nBody.", Metadata()),
        ("A lead sentence that ends with a period.\nBody.", Metadata()),
        ("", Metadata()),
    ],
)
def test_synthetic(text: str, expected: Metadata) -> None:
    assert extract_metadata(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thursday, Dec. 26, 2024", date(2024, 12, 26)),
        ("December 26th, 2024", date(2024, 12, 26)),
        ("26 Dec 2024", date(2024, 12, 26)),
        ("on 2024-12-26T10:00", date(2024, 12, 26)),
        ("Sept. 3, 2022", date(2022, 9, 3)),
        ("March 29", None),
        ("Feb. 30, 2024", None),
        ("Thursday", None),
        ("Summary 12, 2024", None),
    ],
)
def test_full_date(text: str, expected: date | None) -> None:
    assert full_date(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-12-26", date(2024, 12, 26)),
        (" 2024-12-26 ", date(2024, 12, 26)),
        ("2024-12-26T10:00:00", date(2024, 12, 26)),
        ("2024-12-26T10:00:00Z", date(2024, 12, 26)),
        ("2024-12-26T23:30:00-05:00", date(2024, 12, 26)),
        ("2024-12-26 10:00", date(2024, 12, 26)),
        (date(2024, 12, 26), date(2024, 12, 26)),
        (datetime(2024, 12, 26, 23, 0, tzinfo=UTC), date(2024, 12, 26)),
        (None, None),
        ("", None),
    ],
)
def test_parse_published(value: object, expected: date | None) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    "value",
    ["yesterday", "Dec. 26, 2024", "26/12/2024", "2024-13-01", "2024-12-26T99", 20241226, True, []],
)
def test_parse_published_refuses(value: object) -> None:
    with pytest.raises(ValueError) as caught:
        parse_published(value)
    assert str(caught.value) == (
        f"invalid published date {value!r}: expected an ISO date like 2024-12-26 "
        "or an ISO datetime like 2024-12-26T10:00:00Z"
    )
