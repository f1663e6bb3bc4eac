"""Turn files and uploaded bytes into ``Article`` objects, refusing bad input with a reason.

Text is kept exactly as decoded (no newline normalisation, no stripping) because every
citation is a character offset into it. Decoding is UTF-8 (a BOM is dropped), then
cp1252. Plain text, Markdown and HTML are read here; JSON, JSON Lines and sidecars in
``json_records``; the id rules are ``doc_ids``.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path, PurePath

import trafilatura

from ingest.doc_ids import validate_doc_id
from ingest.errors import BadInput
from ingest.json_records import json_articles, sidecar_fields
from ingest.metadata import extract_metadata, full_dates
from ingest.model import Article, Metadata

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".json", ".jsonl"})
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_OWNERS = frozenset({".txt", ".md", ".html", ".htm"})  # files a sidecar may describe
BINARY_CONTROL_SHARE = 0.10  # more control bytes than this and it is not text
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_MD_HEADING = re.compile(r"#[ \t]+(?P<title>.+?)(?:[ \t]+#+)?[ \t]*")
_MIB = 1024 * 1024


def find_files(paths: Sequence[Path]) -> tuple[list[Path], list[BadInput]]:
    """Supported files under ``paths`` in a stable order, and the paths refused."""
    files: list[Path] = []
    bad: list[BadInput] = []
    seen: set[str] = set()
    for path in paths:
        if path.is_dir():
            found = _walk(path, bad)
        elif not path.exists() and not path.is_symlink():
            bad.append(BadInput(str(path), "no such file or directory"))
            continue
        elif _is_sidecar(path.name):
            continue  # read together with the file it describes
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            bad.append(BadInput(str(path), _unsupported(path.suffix)))
            continue
        else:
            found = [path]
        for file in found:
            key = os.path.abspath(file)
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files, bad


def load_file(path: Path, max_bytes: int) -> list[Article]:
    """The articles in one file, with any ``<stem>.meta.json`` sidecar applied."""
    articles = load_bytes(str(path), _read(path, max_bytes), max_bytes)
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if path.suffix.lower() in SIDECAR_OWNERS and (sidecar.exists() or sidecar.is_symlink()):
        where = str(sidecar)
        doc_id, meta = sidecar_fields(where, _decode(where, _read(sidecar, max_bytes), max_bytes))
        articles = [
            replace(a, doc_id=doc_id or a.doc_id, meta=a.meta.merged(meta)) for a in articles
        ]
    return [replace(a, path=str(path)) for a in articles]


def load_bytes(name: str, data: bytes, max_bytes: int) -> list[Article]:
    """The articles in an uploaded file; ``name`` gives the format and the default id."""
    suffix, stem = PurePath(name).suffix.lower(), PurePath(name).stem
    if suffix not in SUPPORTED_SUFFIXES:
        raise BadInput(name, _unsupported(suffix))
    text = _decode(name, data, max_bytes)
    if suffix in (".json", ".jsonl"):
        return json_articles(name, stem, text, lines=suffix == ".jsonl")
    if suffix in (".html", ".htm"):
        text, meta = _html(name, text)
    else:
        meta = extract_metadata(text)
        if suffix == ".md":
            meta = replace(meta, title=_md_title(text) or meta.title)
    return [Article(doc_id=_checked_id(name, "", stem), text=text, meta=meta)]


def _walk(root: Path, bad: list[BadInput]) -> list[Path]:
    """Supported, visible, non-sidecar files: a folder's files by name, then its subfolders."""

    def report(error: OSError) -> None:
        bad.append(BadInput(str(error.filename), _os_reason(error)))

    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=report):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or _is_sidecar(name):
                continue
            if PurePath(name).suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(Path(dirpath, name))
    return found


def _is_sidecar(name: str) -> bool:
    return name.lower().endswith(SIDECAR_SUFFIX)


def _unsupported(suffix: str) -> str:
    supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
    if not suffix:
        return f"no file extension (supported: {supported})"
    return f"unsupported file type {suffix!r} (supported: {supported})"


def _os_reason(error: OSError) -> str:
    text = error.strerror or str(error)
    return f"cannot read: {text[:1].lower()}{text[1:]}"


def _size(n: int) -> str:
    if n >= _MIB:
        return f"{n / _MIB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def _too_big(n: int, max_bytes: int) -> str:
    size, limit = _size(n), _size(max_bytes)
    if size == limit:  # rounding hid the difference: show exact counts
        size, limit = f"{n:,} bytes", f"{max_bytes:,} bytes"
    return f"file is {size}, over the {limit} limit"


def _read(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing directories, special files and oversize files unread."""
    where = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", where)
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(where, "not a regular file")
        if info.st_size > max_bytes:
            raise BadInput(where, _too_big(info.st_size, max_bytes))
        return path.read_bytes()
    except OSError as e:
        raise BadInput(where, _os_reason(e)) from None


def _decode(where: str, data: bytes, max_bytes: int) -> str:
    """Bytes to text, unchanged except for a dropped UTF-8 BOM."""
    if len(data) > max_bytes:
        raise BadInput(where, _too_big(len(data), max_bytes))
    if not data:
        raise BadInput(where, "empty file")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if b"\x00" in data or controls > BINARY_CONTROL_SHARE * len(data):
        raise BadInput(where, "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise BadInput(where, "not UTF-8 or cp1252 text") from None
    if not text.strip():
        raise BadInput(where, "empty file")
    return text


def _checked_id(where: str, label: str, doc_id: str) -> str:
    try:
        return validate_doc_id(doc_id)
    except ValueError as e:
        raise BadInput(where, f"{label}{e}") from None


def _md_title(text: str) -> str | None:
    """The first level-one ATX heading outside code fences."""
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (match := _MD_HEADING.fullmatch(line.strip())):
            return match["title"].strip()
    return None


def _html(where: str, html: str) -> tuple[str, Metadata]:
    """Article text without boilerplate, and metadata from the page or else the text."""
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,  # drops menus and link lists that recall mode keeps
        prune_xpath="//nav",  # a page of nothing but navigation has no article text
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None or isinstance(doc, dict) or not doc.text or not doc.text.strip():
        raise BadInput(where, "no article text found")
    text = doc.text
    page = Metadata(
        title=doc.title or None,
        source=doc.sitename or None,
        authors=tuple(a.strip() for a in (doc.author or "").split(";") if a.strip()),
        published=_stated_date(doc.date, html),
        url=doc.url or None,
    )
    return text, extract_metadata(text).merged(page)


def _stated_date(value: str | None, html: str) -> date | None:
    """trafilatura's date, kept only if the page states that full date somewhere."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    if day is None or day.isoformat() in html or day in full_dates(html):
        return day
    return None
