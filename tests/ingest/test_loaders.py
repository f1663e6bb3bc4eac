"""Tests for ingest/loaders.py: formats, sidecars, refusals with exact reasons, file discovery."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from ingest.errors import BadInput
from ingest.loaders import (
    SUPPORTED_SUFFIXES,
    find_files,
    load_bytes,
    load_file,
)
from ingest.model import Article, Metadata

MB = 1024 * 1024
LIMIT = 10 * MB
SUPPORTED = ".htm, .html, .json, .jsonl, .md, .txt"

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Lavrov says Moscow open to talks | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-12-26T10:00:00Z">
</head><body>
<header><nav><ul>
<li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/subscribe">Subscribe now</a></li>
</ul></nav></header>
<main><article>
<h1>Lavrov says Moscow open to talks</h1>
<p>MOSCOW (Reuters) - Russia is willing to work with the incoming administration to improve
relations, Foreign Minister Sergei Lavrov said on Thursday, according to officials.</p>
<p>"If the signals are serious, of course, we will respond to them," Lavrov told reporters
in Moscow during a long press conference.</p>
<p>The West says the invasion of Ukraine was an imperial-style land grab that has strengthened
the NATO military alliance and weakened Russia.</p>
</article></main>
<footer><p>Copyright 2024 Example News. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>
"""

BARE_PAGE = """<html><body>
<div class="menu"><a href="/">Home</a> <a href="/world">World</a></div>
<div><p>WASHINGTON, Dec. 26, 2024 (AP) — The president said on Thursday that talks would go on.</p>
<p>Officials gave no further details about the talks.</p></div>
</body></html>
"""


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def refusal(path: Path, max_bytes: int = LIMIT) -> BadInput:
    with pytest.raises(BadInput) as caught:
        load_file(path, max_bytes)
    return caught.value


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == {".txt", ".md", ".html", ".htm", ".json", ".jsonl"}


# --- plain text and markdown -------------------------------------------------------------


def test_txt_keeps_bytes_exactly(tmp_path: Path) -> None:
    raw = "By Jane Doe\r\nMOSCOW (Reuters) - Text with trailing spaces.   \r\n\r\n  Indented.\t\n\n"
    path = write(tmp_path, "story.txt", raw)
    assert load_file(path, LIMIT) == [
        Article(
            doc_id="story",
            text=raw,
            meta=Metadata(source="Reuters", authors=("Jane Doe",), place="Moscow"),
            path=str(path),
        )
    ]


def test_txt_drops_only_the_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbfHello\r\nworld  \r\n")
    assert [a.text for a in load_file(path, LIMIT)] == ["Hello\r\nworld  \r\n"]


def test_cp1252_fallback(tmp_path: Path) -> None:
    path = write(tmp_path, "cp.txt", b"caf\xe9 \x93quoted\x94")
    assert [a.text for a in load_file(path, LIMIT)] == ["café “quoted”"]


def test_corpus_file_loads_as_is() -> None:
    path = Path(__file__).resolve().parents[2] / "data" / "corpus" / "000_e62ddbb625dbe803.txt"
    [article] = load_file(path, LIMIT)
    assert article.doc_id == "000_e62ddbb625dbe803"
    assert article.text == path.read_bytes().decode("utf-8")
    assert article.meta.source == "Reuters"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "# Talks resume in Geneva\n\nGENEVA (Reuters) - Talks resumed.\n",
            "Talks resume in Geneva",
        ),
        ("Intro line.\n\n# Closed heading #\n\nBody.\n", "Closed heading"),
        ("```\n# not a heading\n```\n# Real heading\n", "Real heading"),
        ("## Only a subheading\n\nBody.\n", None),
        ("A plain headline line\n\nBody.\n", "A plain headline line"),
    ],
)
def test_markdown_title(tmp_path: Path, text: str, title: str | None) -> None:
    [article] = load_file(write(tmp_path, "x.md", text), LIMIT)
    assert (article.doc_id, article.text, article.meta.title) == ("x", text, title)


# --- HTML ---------------------------------------------------------------------------------


def test_html_drops_boilerplate_and_reads_page_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, "page.html", PAGE)
    [article] = load_file(path, LIMIT)
    assert article.doc_id == "page"
    assert article.path == str(path)
    assert article.text.startswith("Lavrov says Moscow open to talks\nMOSCOW (Reuters) - Russia")
    assert article.text.endswith("weakened Russia.")
    for boilerplate in ("Home", "Subscribe now", "Copyright", "Privacy policy"):
        assert boilerplate not in article.text
    assert article.meta == Metadata(
        title="Lavrov says Moscow open to talks",
        source="Example News",
        authors=("Jane Doe",),
        place="Moscow",
        published=date(2024, 12, 26),
    )


def test_html_without_page_metadata_falls_back_to_the_text(tmp_path: Path) -> None:
    [article] = load_file(write(tmp_path, "bare.htm", BARE_PAGE), LIMIT)
    assert article.text == (
        "WASHINGTON, Dec. 26, 2024 (AP) — The president said on Thursday that talks would go on.\n"
        "Officials gave no further details about the talks."
    )
    assert article.meta == Metadata(
        source="AP", place="Washington", dateline="Dec. 26, 2024", published=date(2024, 12, 26)
    )


@pytest.mark.parametrize(
    "html",
    [
        "<html><body></body></html>",
        "<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav></body></html>",
    ],
)
def test_html_without_article_text(tmp_path: Path, html: str) -> None:
    path = write(tmp_path, "empty.html", html)
    error = refusal(path)
    assert (error.where, error.reason) == (str(path), "no article text found")


# --- JSON and JSON Lines ------------------------------------------------------------------


def test_json_object(tmp_path: Path) -> None:
    record = {
        "text": "MOSCOW (Reuters) - Russia said.\r\n",
        "title": " Russia speaks ",
        "author": "Jane Doe",
        "published": "2024-12-26T10:00:00+03:00",
        "url": "https://example.com/a",
        "category": "ignored",
    }
    path = write(tmp_path, "one.json", json.dumps(record))
    assert load_file(path, LIMIT) == [
        Article(
            doc_id="one",
            text="MOSCOW (Reuters) - Russia said.\r\n",
            meta=Metadata(
                title="Russia speaks",
                source="Reuters",
                authors=("Jane Doe",),
                place="Moscow",
                published=date(2024, 12, 26),
                url="https://example.com/a",
            ),
            path=str(path),
        )
    ]


def test_json_list(tmp_path: Path) -> None:
    records = [
        {"text": "First."},
        {"id": "custom", "text": "Second.", "source": "TASS", "author": ["A B", "C D"]},
        {"text": "Third.", "id": 7},
    ]
    articles = load_file(write(tmp_path, "many.json", json.dumps(records)), LIMIT)
    assert [(a.doc_id, a.text, a.meta.source, a.meta.authors) for a in articles] == [
        ("many-1", "First.", None, ()),
        ("custom", "Second.", "TASS", ("A B", "C D")),
        ("7", "Third.", None, ()),
    ]


def test_jsonl(tmp_path: Path) -> None:
    data = '{"text": "One."}\n\n{"text": "Two.", "title": "Second story"}\r\n'
    articles = load_file(write(tmp_path, "feed.jsonl", data), LIMIT)
    assert [(a.doc_id, a.text, a.meta.title) for a in articles] == [
        ("feed-1", "One.", None),
        ("feed-2", "Two.", "Second story"),
    ]


# --- refusals -----------------------------------------------------------------------------

PUBLISHED_HELP = "expected an ISO date like 2024-12-26 or an ISO datetime like 2024-12-26T10:00:00Z"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \r\n\t \n", "empty file"),
        ("bom-only.md", b"\xef\xbb\xbf\n", "empty file"),
        ("nul.txt", b"text\x00more text", "binary file, not text"),
        ("controls.txt", bytes(range(1, 8)) * 4 + b"some text", "binary file, not text"),
        ("mixed.txt", b"abc \x81\x8d\x8f more", "not UTF-8 or cp1252 text"),
        ("big.txt", b"x" * 101, "file is 101 bytes, over the 100 bytes limit"),
        ("bad.json", b'{"text": ', "invalid JSON: Expecting value (line 1, column 10)"),
        ("num.json", b"3", "expected a JSON object or a list of objects, got number"),
        ("none.json", b"[]", "no records (empty list)"),
        ("str.json", b'["a"]', "record 1: expected a JSON object, got string"),
        (
            "missing.json",
            b'[{"text": "a"}, {"id": "z"}]',
            "record 2: 'text' is required and must be a non-empty string",
        ),
        ("slash.json", b'{"text": "a", "id": "a/b"}', "doc id 'a/b' must not contain '/'"),
        (
            "date.json",
            b'[{"text": "a", "published": "yesterday"}]',
            f"record 1: invalid published date 'yesterday': {PUBLISHED_HELP}",
        ),
        (
            "lines.jsonl",
            b'{"text": "a"}\n\n{oops}\n',
            "line 3: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        ),
        (
            "notext.jsonl",
            b'{"text": "a"}\n{"text": 1}\n',
            "line 2: 'text' is required and must be a non-empty string",
        ),
        (
            "dup.jsonl",
            b'{"text": "a", "id": "x"}\n{"text": "b"}\n{"text": "c", "id": "x"}\n',
            "line 3: duplicate id 'x' (also line 1)",
        ),
        ("list.jsonl", b'["text"]\n', "line 1: expected a JSON object, got array"),
    ],
)
def test_refusals(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = write(tmp_path, name, data)
    error = refusal(path, max_bytes=100)
    assert (error.where, error.reason) == (str(path), reason)


def test_oversize_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(int(12.3 * MB))  # sparse: the limit is checked before reading
    error = refusal(path)
    assert (error.where, error.reason) == (str(path), "file is 12.3 MB, over the 10.0 MB limit")


def test_broken_symlink(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    path.symlink_to(tmp_path / "nowhere.txt")
    error = refusal(path)
    assert (error.where, error.reason) == (str(path), "cannot read: no such file or directory")


def test_directory_named_like_a_file(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.mkdir()
    error = refusal(path)
    assert (error.where, error.reason) == (str(path), "cannot read: is a directory")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("report.pdf", f"unsupported file type '.pdf' (supported: {SUPPORTED})"),
        ("README", f"no file extension (supported: {SUPPORTED})"),
    ],
)
def test_load_bytes_unsupported(name: str, reason: str) -> None:
    with pytest.raises(BadInput) as caught:
        load_bytes(name, b"text", LIMIT)
    assert (caught.value.where, caught.value.reason) == (name, reason)


def test_load_bytes_matches_load_file(tmp_path: Path) -> None:
    data = b"By Jane Doe\r\nMOSCOW (Reuters) - Text.\r\n"
    path = write(tmp_path, "up.txt", data)
    [from_file] = load_file(path, LIMIT)
    [uploaded] = load_bytes("up.txt", data, LIMIT)
    assert uploaded.path is None
    assert uploaded == Article(doc_id=from_file.doc_id, text=from_file.text, meta=from_file.meta)
    with pytest.raises(BadInput) as caught:
        load_bytes("up.txt", b"x" * (LIMIT + 1), LIMIT)
    assert caught.value.reason == "file is 10,485,761 bytes, over the 10,485,760 bytes limit"


# --- sidecars -----------------------------------------------------------------------------


def test_sidecar_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, "story.txt", "By Jane Doe\nMOSCOW (Reuters) - Russia said.\n")
    sidecar = {
        "id": "custom-id",
        "title": "Supplied title",
        "source": "Supplied Source",
        "author": ["Ann Lee"],
        "published": "2024-12-26",
        "url": "https://example.com/story",
    }
    write(tmp_path, "story.meta.json", json.dumps(sidecar))
    assert load_file(path, LIMIT) == [
        Article(
            doc_id="custom-id",
            text="By Jane Doe\nMOSCOW (Reuters) - Russia said.\n",
            meta=Metadata(
                title="Supplied title",
                source="Supplied Source",
                authors=("Ann Lee",),
                place="Moscow",  # not in the sidecar: kept from the text
                published=date(2024, 12, 26),
                url="https://example.com/story",
            ),
            path=str(path),
        )
    ]


def test_sidecar_for_html(tmp_path: Path) -> None:
    path = write(tmp_path, "page.html", PAGE)
    write(tmp_path, "page.meta.json", '{"source": "Reuters"}')
    [article] = load_file(path, LIMIT)
    assert (article.doc_id, article.meta.source, article.meta.authors) == (
        "page",
        "Reuters",
        ("Jane Doe",),
    )


@pytest.mark.parametrize(
    ("sidecar", "reason"),
    [
        (
            b"{oops",
            "invalid JSON: Expecting property name enclosed in double quotes (line 1, column 2)",
        ),
        (b"[]", "expected a JSON object, got array"),
        (b"", "empty file"),
        (
            b'{"autor": "x"}',
            "unknown key 'autor' (allowed: author, id, published, source, title, url)",
        ),
        (
            b'{"text": "x"}',
            "unknown key 'text' (allowed: author, id, published, source, title, url)",
        ),
        (b'{"published": "26/12/2024"}', f"invalid published date '26/12/2024': {PUBLISHED_HELP}"),
        (b'{"id": "a\\nb"}', "doc id 'a\\nb' holds the control character U+000A at character 1"),
    ],
)
def test_bad_sidecar(tmp_path: Path, sidecar: bytes, reason: str) -> None:
    path = write(tmp_path, "story.txt", "Body.")
    side = write(tmp_path, "story.meta.json", sidecar)
    error = refusal(path)
    assert (error.where, error.reason) == (str(side), reason)


def test_file_stem_is_validated(tmp_path: Path) -> None:
    path = write(tmp_path, "a\x01b.txt", "Body.")
    error = refusal(path)
    assert (error.where, error.reason) == (
        str(path),
        "doc id 'a\\x01b' holds the control character U+0001 at character 1",
    )


# --- finding files ------------------------------------------------------------------------


def test_find_files(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for name in [
        "b.txt",
        "a.md",
        "a.meta.json",
        "notes.pdf",
        ".hidden.txt",
        "sub/z.html",
        "sub/c.jsonl",
        "sub/deeper/d.htm",
        ".git/config.txt",
        "A.json",
    ]:
        write(root, name, "Body.")
    (root / "empty-dir").mkdir()
    single = write(tmp_path, "single.txt", "Body.")
    pdf = write(tmp_path, "report.pdf", "x")
    sidecar = write(tmp_path, "single.meta.json", "{}")
    hidden = write(tmp_path, ".explicit.txt", "Body.")
    files, bad = find_files(
        [single, root, tmp_path / "missing.txt", pdf, sidecar, root / "b.txt", hidden]
    )
    assert files == [
        single,
        root / "A.json",
        root / "a.md",
        root / "b.txt",
        root / "sub" / "c.jsonl",
        root / "sub" / "z.html",
        root / "sub" / "deeper" / "d.htm",
        hidden,
    ]
    assert [(b.where, b.reason) for b in bad] == [
        (str(tmp_path / "missing.txt"), "no such file or directory"),
        (str(pdf), f"unsupported file type '.pdf' (supported: {SUPPORTED})"),
    ]


def test_find_files_keeps_broken_links_for_load_file_to_report(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    assert find_files([tmp_path]) == ([link], [])
    assert find_files([link]) == ([link], [])


def test_find_files_is_deterministic(tmp_path: Path) -> None:
    for name in ["c.txt", "a/b.txt", "a.txt", "a-b.txt"]:
        write(tmp_path, name, "Body.")
    files, _ = find_files([tmp_path])
    assert [os.path.relpath(f, tmp_path) for f in files] == ["a-b.txt", "a.txt", "c.txt", "a/b.txt"]
    assert find_files([tmp_path]) == (files, [])
