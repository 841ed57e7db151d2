"""Readers for the kinds of input rasd takes: files, folders, stdin; text, HTML, JSON lines,
RSS/Atom, WARC and Telegram Desktop exports.

Every reader streams: a JSON lines file or a WARC is read one record at a time, so a
500 MB batch never sits in memory. Each document comes out as a :class:`ReadItem`; a bad
record gives a ReadItem with a coded :class:`~rasd.errors.InputError` that names the file
and the line (or entry), and reading goes on with the next one.
"""
from __future__ import annotations

import gzip
import io
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import IO, Any

from rasd.doc import Document
from rasd.errors import InputError
from rasd.ingest.decode import check_size
from rasd.ingest.document import build_document, parse_date, url_id
from rasd.options import DEFAULT_OPTIONS, Options

__all__ = ["InputFormat", "ReadItem", "read_path", "read_stream", "detect_format"]

log = logging.getLogger(__name__)

_SNIFF = 8192
_GZIP_MAGIC = b"\x1f\x8b"
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF|channel)\b", re.I)
_JSONL_KNOWN = ("id", "text", "html", "date", "published", "title", "url", "source")


class InputFormat(str, Enum):
    """The input formats :func:`read_path` understands (``input_format`` values)."""
    TXT = "txt"
    HTML = "html"
    JSONL = "jsonl"
    RSS = "rss"
    WARC = "warc"
    TELEGRAM = "telegram"


_EXTENSIONS = {
    ".txt": InputFormat.TXT, ".text": InputFormat.TXT,
    ".html": InputFormat.HTML, ".htm": InputFormat.HTML, ".xhtml": InputFormat.HTML,
    ".jsonl": InputFormat.JSONL, ".ndjson": InputFormat.JSONL,
    ".xml": InputFormat.RSS, ".rss": InputFormat.RSS, ".atom": InputFormat.RSS,
    ".warc": InputFormat.WARC, ".arc": InputFormat.WARC,
}


@dataclass(slots=True)
class ReadItem:
    """One result of reading: a document, or the error that kept one from being read.

    Attributes:
        document: the Document, or None when ``error`` is set.
        error: the coded InputError, or None.
        where: where the item came from: ``file``, ``file.jsonl:LINE``, ``feed.xml#ENTRY``,
            ``crawl.warc.gz#RECORD``, ``result.json#MESSAGE_ID``, ``<stdin>``.
    """
    document: Document | None
    error: InputError | None
    where: str

    @property
    def ok(self) -> bool:
        return self.error is None


def _as_format(value: str | InputFormat | None) -> InputFormat | None:
    if value is None or isinstance(value, InputFormat):
        return value
    try:
        return InputFormat(str(value).lower().lstrip("."))
    except ValueError:
        raise InputError(f"unsupported input format {value!r}; use one of "
                         f"{', '.join(f.value for f in InputFormat)}",
                         where="input_format", code="E106") from None


def read_path(path: str | Path, *, input_format: str | InputFormat | None = None,
              options: Options | None = None) -> Iterator[ReadItem]:
    """Read the documents of a file, a folder or stdin.

    Args:
        path: a file; a folder (read recursively in sorted order, hidden files and
            folders skipped, files of unknown kind skipped); or ``"-"`` for stdin.
        input_format: force a format (txt, html, jsonl, rss, warc, telegram); detected
            from the extension and the first bytes when None.
        options: ``max_input_bytes`` bounds each document (and each whole feed or
            Telegram export, which are parsed at once); ``remove_boilerplate`` as usual.

    Returns:
        An iterator of :class:`ReadItem`, one per document or failed record, in input order.

    Raises:
        InputError: E106 when ``input_format`` is not a known format (a bad file or
            record is reported as a ReadItem instead).
    """
    options = options or DEFAULT_OPTIONS
    fmt = _as_format(input_format)
    if str(path) == "-":
        yield from read_stream(sys.stdin.buffer, where="<stdin>", input_format=fmt, options=options)
        return
    path = Path(path)
    if path.is_dir():
        for file in _walk(path):
            if fmt is None and _format_from_name(file) is None:
                log.debug("%s: skipped (unknown kind of file)", file)
                continue
            yield from _read_file(file, fmt, options)
        return
    yield from _read_file(path, fmt, options)


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root) / name


def _format_from_name(path: Path) -> InputFormat | None:
    name = path.name.lower()
    if name == "result.json":
        return InputFormat.TELEGRAM
    if name.endswith((".warc.gz", ".arc.gz")):
        return InputFormat.WARC
    if name.endswith(".gz"):
        return _format_from_name(Path(name[:-3]))
    if name.endswith(".json"):
        return InputFormat.TELEGRAM
    return _EXTENSIONS.get(Path(name).suffix)


def _read_file(path: Path, fmt: InputFormat | None, options: Options) -> Iterator[ReadItem]:
    where = str(path)
    try:
        stream = open(path, "rb")
        size = os.fstat(stream.fileno()).st_size
    except OSError as exc:
        yield ReadItem(None, InputError(f"cannot read: {exc.strerror or exc}", where=where,
                                        code="E107"), where)
        return
    with stream:
        yield from read_stream(stream, where=where, input_format=fmt or _format_from_name(path),
                               options=options, size=size)


def read_stream(stream: IO[bytes], *, where: str, input_format: str | InputFormat | None = None,
                options: Options | None = None, size: int | None = None) -> Iterator[ReadItem]:
    """Read the documents of a binary stream (an open file, stdin, an upload).

    Args:
        stream: a binary stream, read from its current position.
        where: its name in ReadItems and error messages.
        input_format: as for :func:`read_path`; sniffed from the first bytes when None.
        options: as for :func:`read_path`.
        size: the stream's size in bytes when known (a file's size on disk): a
            single-document input over the limit is then refused without reading it.

    Returns:
        An iterator of :class:`ReadItem`.

    Raises:
        InputError: E106 when ``input_format`` is not a known format.
    """
    options = options or DEFAULT_OPTIONS
    fmt = _as_format(input_format)
    head, stream = _sniff(stream)
    if head.startswith(_GZIP_MAGIC):
        # decompress here; warcio reads plain WARC as well as gzipped
        try:
            # no seeking back in a gzip stream: its source may be a pipe
            head, stream = _sniff(gzip.GzipFile(fileobj=stream, mode="rb"), seek=False)
        except (OSError, EOFError) as exc:
            yield ReadItem(None, InputError(f"broken gzip file: {_one_line(exc)}", where=where, code="E103"), where)
            return
        size = None
    fmt = fmt or detect_format(head)
    try:
        if fmt is InputFormat.JSONL:
            yield from _read_jsonl(stream, where, options)
        elif fmt is InputFormat.WARC:
            yield from _read_warc(stream, where, options)
        elif fmt is InputFormat.RSS:
            yield from _read_feed(_read_whole(stream, where, options, size), where, options)
        elif fmt is InputFormat.TELEGRAM:
            yield from _read_telegram(_read_whole(stream, where, options, size), where, options)
        else:
            content_type = "html" if fmt is InputFormat.HTML else None
            raw = _read_whole(stream, where, options, size)
            yield _item(where, lambda: build_document(raw, options=options, where=where,
                                                      content_type=content_type,
                                                      meta={"origin": where, "input_format": fmt.value}))
    except InputError as exc:
        yield ReadItem(None, exc, where)


def detect_format(head: bytes) -> InputFormat:
    """The format of an input from its first bytes.

    Args:
        head: the first few KB (gzip already undone).

    Returns:
        ``WARC/`` → warc; an XML feed root (rss, feed, rdf:RDF) → rss; another ``<`` →
        html; a first line that is a JSON object → jsonl; another JSON document →
        telegram (whose reader also takes a JSON array of article records); else txt.
    """
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"WARC/"):
        return InputFormat.WARC
    if text.startswith(b"<"):
        return InputFormat.RSS if _FEED_ROOT.search(text[:2048]) else InputFormat.HTML
    if text.startswith(b"["):
        return InputFormat.TELEGRAM  # the JSON reader also takes an array of article records
    if text.startswith(b"{"):
        first = text.split(b"\n", 1)[0]
        try:
            return InputFormat.JSONL if isinstance(json.loads(first), dict) else InputFormat.TELEGRAM
        except ValueError:
            return InputFormat.TELEGRAM
    return InputFormat.TXT


def _item(where: str, make: Any) -> ReadItem:
    try:
        return ReadItem(make(), None, where)
    except InputError as exc:
        return ReadItem(None, exc, where)


def _read_whole(stream: IO[bytes], where: str, options: Options, size: int | None) -> bytes:
    """All of a single-document stream, refused (E104) before reading when too large."""
    limit = options.max_input_bytes
    if size is not None:
        check_size(size, limit, where)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"input too large (more than {limit:,} bytes, see "
                         "Options.max_input_bytes)", where=where, code="E104")
    return data


# --- JSON lines -------------------------------------------------------------------------

def _read_jsonl(stream: IO[bytes], where: str, options: Options) -> Iterator[ReadItem]:
    limit = options.max_input_bytes
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        line_where = f"{where}:{number}"
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the long line
                line = stream.readline(1 << 20)
            yield ReadItem(None, InputError(f"record too large (more than {limit:,} bytes, see "
                                            "Options.max_input_bytes)", where=line_where,
                                            code="E104"), line_where)
            continue
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if not line.strip():
            continue
        yield _jsonl_item(line, line_where, options)


def _jsonl_item(line: bytes, where: str, options: Options) -> ReadItem:
    try:
        record = json.loads(line.rstrip(b"\r\n"))
    except UnicodeDecodeError as exc:
        return ReadItem(None, InputError(f"undecodable line (JSON lines must be UTF-8): {exc.reason}",
                                         where=where, code="E103"), where)
    except json.JSONDecodeError as exc:
        return ReadItem(None, InputError(f"bad JSON: {exc.msg} (column {exc.colno})",
                                         where=where, code="E105"), where)
    return _record_item(record, where, options, InputFormat.JSONL)


def _record_item(record: object, where: str, options: Options, fmt: InputFormat) -> ReadItem:
    """A document from one article record ``{"id", "text" or "html", "date", "title", "url", "source"}``."""
    if not isinstance(record, dict):
        return ReadItem(None, InputError(f"a record must be a JSON object, not {type(record).__name__}",
                                         where=where, code="E105"), where)
    try:
        body, content_type = _jsonl_body(record, where)
        published = parse_date(record.get("date", record.get("published")), f"{where}:date")
        fields = {}
        for key in ("title", "url", "source", "id"):
            value = record.get(key)
            if value is not None and not isinstance(value, (str, int)):
                raise InputError(f"{key} must be a string", where=f"{where}:{key}", code="E105")
            fields[key] = str(value) if value is not None and value != "" else None
        meta = {k: v for k, v in record.items() if k not in _JSONL_KNOWN}
        meta.update(origin=where, input_format=fmt.value)
        doc = build_document(body, published=published, options=options, where=where,
                             content_type=content_type, meta=meta, **fields)
    except InputError as exc:
        return ReadItem(None, exc, where)
    return ReadItem(doc, None, where)


def _jsonl_body(record: dict[str, Any], where: str) -> tuple[str, str | None]:
    for key, content_type in (("text", None), ("html", "html")):
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InputError(f"{key} must be a string, not {type(value).__name__}",
                             where=f"{where}:{key}", code="E105")
        if not value.strip():
            raise InputError(f"empty {key}", where=f"{where}:{key}", code="E101")
        return value, content_type
    raise InputError('missing "text" (or "html")', where=f"{where}:text", code="E105")


# --- RSS / Atom -------------------------------------------------------------------------

def _read_feed(data: bytes, where: str, options: Options) -> Iterator[ReadItem]:
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = f": {_one_line(parsed.bozo_exception)}" if parsed.get("bozo") else " (no entries)"
        raise InputError(f"not a readable RSS/Atom feed{reason}", where=where, code="E105")
    feed_title = (parsed.feed.get("title") or "").strip() or None
    for number, entry in enumerate(parsed.entries, 1):
        entry_where = f"{where}#{number}"
        yield _item(entry_where, lambda: _feed_document(entry, feed_title, entry_where, options))


def _feed_document(entry: Any, feed_title: str | None, where: str, options: Options) -> Document:
    body, mime = "", ""
    if entry.get("content"):
        body, mime = entry.content[0].get("value", ""), entry.content[0].get("type", "")
    if not body.strip() and entry.get("summary"):
        body = entry.summary
        mime = (entry.get("summary_detail") or {}).get("type", "text/html")
    if not body.strip():
        raise InputError("entry has no content or summary", where=where, code="E101")
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    published = date(*stamp[:3]) if stamp else None
    link = (entry.get("link") or "").strip() or None
    if link and not link.lower().startswith(("http://", "https://")):
        link = None  # feedparser falls back to a non-URL entry id (tag:…)
    entry_id = (entry.get("id") or "").strip() or None
    return build_document(
        body, published=published, source=feed_title, url=link,
        title=(entry.get("title") or "").strip() or None,
        id=None if link else (url_id(entry_id) if entry_id else None),
        options=options, where=where, content_type="html" if "html" in mime else "text",
        meta={"origin": where, "input_format": InputFormat.RSS.value, "entry_id": entry_id})


# --- WARC -------------------------------------------------------------------------------

_WARC_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}


def _read_warc(stream: IO[bytes], where: str, options: Options) -> Iterator[ReadItem]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    limit = options.max_input_bytes
    number = 0
    try:
        for record in ArchiveIterator(stream):
            number += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if record.http_headers.get_statuscode() != "200":
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            mime, _, params = content_type.partition(";")
            kind = _WARC_TYPES.get(mime.strip().lower())
            if kind is None:
                continue
            record_where = f"{where}#{number}"
            url = record.rec_headers.get_header("WARC-Target-URI")
            body = record.content_stream().read(limit + 1)
            if len(body) > limit:
                yield ReadItem(None, InputError(f"record too large (more than {limit:,} bytes, "
                                                "see Options.max_input_bytes)",
                                                where=record_where, code="E104"), record_where)
                continue
            charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.I)
            captured = _warc_date(record.rec_headers.get_header("WARC-Date"))
            yield _item(record_where, lambda: build_document(
                body, url=url, options=options, where=record_where, content_type=kind,
                charset=charset.group(1) if charset else None, fallback_published=captured,
                meta={"origin": record_where, "input_format": InputFormat.WARC.value}))
    except ArchiveLoadFailed as exc:
        yield ReadItem(None, InputError(f"not a readable WARC file: {_one_line(exc)}",
                                        where=f"{where}#{number + 1}", code="E105"), where)


def _warc_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# --- Telegram Desktop export --------------------------------------------------------------

def _read_telegram(data: bytes, where: str, options: Options) -> Iterator[ReadItem]:
    try:
        export = json.loads(data)
    except UnicodeDecodeError as exc:
        raise InputError(f"undecodable JSON (must be UTF-8): {exc.reason}", where=where,
                         code="E103") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"bad JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                         where=f"{where}:{exc.lineno}", code="E105") from exc
    if isinstance(export, list):  # a JSON array of article records, as in JSON lines
        for number, record in enumerate(export, 1):
            yield _record_item(record, f"{where}#{number}", options, InputFormat.JSONL)
        return
    if not isinstance(export, dict) or not isinstance(export.get("messages"), list):
        raise InputError('not a Telegram Desktop export (no "messages" list) nor a list of '
                         'article records', where=where,
                         code="E106")
    channel = export.get("name")
    channel_key = export.get("id") or channel or "channel"
    username = (export.get("username") or "").lstrip("@") or None
    for message in export["messages"]:
        if not isinstance(message, dict) or message.get("type") != "message":
            continue
        text = _telegram_text(message.get("text"))
        if not text.strip():
            continue
        message_id = message.get("id")
        message_where = f"{where}#{message_id}"
        yield _item(message_where, lambda: build_document(
            text, published=parse_date(message.get("date"), f"{message_where}:date"),
            source=channel, id=f"tg-{channel_key}-{message_id}",
            url=f"https://t.me/{username}/{message_id}" if username else None,
            options=options, where=message_where, content_type="text",
            meta={"origin": message_where, "input_format": InputFormat.TELEGRAM.value}))


def _telegram_text(value: Any) -> str:
    """A message's text: a string, or a list of strings and ``{"type", "text"}`` entities."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(part if isinstance(part, str)
                       else str(part.get("text", "")) if isinstance(part, dict) else ""
                       for part in value)
    return ""


# --- plumbing ----------------------------------------------------------------------------

def _one_line(exc: object, limit: int = 200) -> str:
    """A library's error text, on one line and not too long."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _sniff(stream: IO[bytes], *, seek: bool = True) -> tuple[bytes, IO[bytes]]:
    """The first bytes of ``stream`` and a stream that still starts at them."""
    if seek and stream.seekable():
        start = stream.tell()
        head = stream.read(_SNIFF)
        stream.seek(start)
        return head, stream
    head = stream.read(_SNIFF)
    return head, io.BufferedReader(_Prefixed(head, stream))


class _Prefixed(io.RawIOBase):
    """A raw stream that gives back the sniffed head, then the rest of the underlying stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._pos = 0
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._pos < len(self._head):
            chunk = self._head[self._pos:self._pos + len(buffer)]
            self._pos += len(chunk)
        else:
            chunk = self._rest.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)
