"""Readers for the kinds of input rasd takes: files, folders, stdin; text, HTML, JSON lines,
RSS/Atom, WARC and Telegram Desktop exports.

Every reader streams: a JSON lines file or a WARC is read one record at a time, so a
500 MB batch never sits in memory. Each document comes out as a :class:`ReadItem`; a bad
record gives a ReadItem with a coded :class:`~rasd.errors.InputError` that names the file
and the line (or entry), and reading goes on with the next one.
"""
from __future__ import annotations

import io
import json
import logging
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from rasd.doc import Document, content_id
from rasd.errors import InputError
from rasd.ingest.decode import check_size
from rasd.ingest.document import build_document, parse_date, url_id
from rasd.options import DEFAULT_OPTIONS, Options

__all__ = ["InputFormat", "ReadItem", "ReadPosition", "read_path", "read_stream", "input_size",
           "detect_format", "load_json", "escape_controls", "MAX_JSON_DEPTH"]

log = logging.getLogger(__name__)

_SNIFF = 8192
_GZIP_MAGIC = b"\x1f\x8b"
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF|channel)\b", re.I)
_JSONL_KNOWN = ("id", "text", "html", "date", "published", "title", "url", "source")
# deeper JSON is refused before parsing: article records are flat, and the standard
# parser recurses once per level (100,000 levels would overflow the stack)
MAX_JSON_DEPTH = 100
KNOWN_KINDS = ".txt, .html, .jsonl, .xml/.rss/.atom, .warc, result.json (each also .gz)"


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


class ReadPosition:
    """How far :func:`read_path` has read, in bytes of the files on disk (for progress):
    the sizes of the files finished plus the offset in the file being read. A gzipped
    file counts its compressed bytes, as :func:`input_size` does."""

    def __init__(self) -> None:
        self.finished = 0
        self._stream: IO[bytes] | None = None

    @property
    def bytes(self) -> int:
        current = 0
        if self._stream is not None:
            try:
                current = self._stream.tell()
            except (OSError, ValueError):  # a pipe, or a file already closed
                current = 0
        return self.finished + current

    def start(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def finish(self, size: int | None) -> None:
        """The current file is done: count all of it (``size``), even when reading
        stopped early on an error, so that the position reaches the total."""
        self.finished += size or 0
        self._stream = None


def input_size(paths: Iterable[str | Path], *, input_format: str | InputFormat | None = None) -> int | None:
    """The bytes on disk of the files :func:`read_path` reads for ``paths`` (the same
    folder walk and file kinds), or None when it cannot be known: standard input, or a
    pipe or device named as a path. A path that cannot be read counts 0 bytes."""
    fmt = _as_format(input_format)
    total = 0
    for path in paths:
        if str(path) == "-":
            return None
        try:
            info = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            total += info.st_size
        elif not stat.S_ISDIR(info.st_mode):
            return None
        else:
            total += _folder_size(Path(path), fmt)
    return total


def _folder_size(folder: Path, fmt: InputFormat | None) -> int:
    total = 0
    for found in _walk(folder):
        if isinstance(found, ReadItem) or (fmt is None and _format_from_name(found) is None):
            continue
        try:
            total += found.stat().st_size
        except OSError:
            continue
    return total


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
              options: Options | None = None,
              position: ReadPosition | None = None) -> Iterator[ReadItem]:
    """Read the documents of a file, a folder or stdin.

    Args:
        path: a file; a folder (read recursively in sorted order, hidden files and
            folders skipped, files of unknown kind skipped); or ``"-"`` for stdin.
        input_format: force a format (txt, html, jsonl, rss, warc, telegram); detected
            from the extension and the first bytes when None.
        options: ``max_input_bytes`` bounds each document (and each whole feed or
            Telegram export, which are parsed at once); ``remove_boilerplate`` as usual.
        position: updated with the bytes read so far (progress), when given.

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
    try:
        is_dir = stat.S_ISDIR(os.stat(path).st_mode)
    except OSError as exc:
        yield _error(str(path), _os_reason(exc), "E107")
        return
    if not is_dir:
        # a pipe or device named on the command line is read: the user asked for it
        # (``<(zcat a.gz)``); inside folders only regular files are
        yield from _read_file(path, fmt, options, position)
        return
    files = unknown = 0
    for found in _walk(path):
        if isinstance(found, ReadItem):
            yield found
            continue
        if fmt is None and _format_from_name(found) is None:
            unknown += 1
            log.debug("%s: skipped (unknown kind of file)", found)
            continue
        files += 1
        yield from _read_file(found, fmt, options, position)
    if files == 0:
        skipped = f" ({unknown:,} files of other kinds skipped)" if unknown else ""
        yield _error(str(path), f"no input files in this folder{skipped}; rasd reads "
                     f"{KNOWN_KINDS}; hidden files are skipped", "E101")


def _walk(folder: Path) -> Iterator[Path | ReadItem]:
    """Regular files under ``folder``, depth first in sorted order, hidden names skipped;
    a folder that cannot be listed and a FIFO, socket or device become error items (a
    FIFO would block the reader for ever)."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield _error(str(current), f"cannot list folder: {_os_reason(exc)}", "E107")
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            entry_path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry_path)
                    continue
                mode = entry.stat().st_mode  # follows a symbolic link to its target
            except OSError as exc:
                yield _error(str(entry_path), _os_reason(exc), "E107")
                continue
            if stat.S_ISREG(mode):
                yield entry_path
            elif not stat.S_ISDIR(mode):  # a link to a folder is not followed, as os.walk
                yield _error(str(entry_path), f"skipped: not a regular file ({_file_kind(mode)})",
                             "E107")
        stack.extend(reversed(subfolders))


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "not found"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


def _error(where: str, reason: str, code: str) -> ReadItem:
    return ReadItem(None, InputError(reason, where=where, code=code), where)


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


def _read_file(path: Path, fmt: InputFormat | None, options: Options,
               position: ReadPosition | None = None) -> Iterator[ReadItem]:
    where = str(path)
    try:
        stream = open(path, "rb")
        info = os.fstat(stream.fileno())
    except OSError as exc:
        yield _error(where, f"cannot read: {_os_reason(exc)}", "E107")
        return
    size = info.st_size if stat.S_ISREG(info.st_mode) else None
    if position is not None:
        position.start(stream)
    try:
        with stream:
            yield from read_stream(stream, where=where, input_format=fmt or _format_from_name(path),
                                   options=options, size=size)
    finally:
        if position is not None:
            position.finish(size)


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
    try:
        head, stream = _sniff(stream)
    except OSError as exc:
        yield _error(where, f"cannot read: {_os_reason(exc)}", "E107")
        return
    gz: _GzipReader | None = None
    if head.startswith(_GZIP_MAGIC):
        # decompress here; warcio reads plain WARC as well as gzipped. No seeking back in
        # a gzip stream: its source may be a pipe
        gz = _GzipReader(stream)
        head, stream = _sniff(io.BufferedReader(gz), seek=False)
        if gz.broken and not head:
            yield _error(where, f"broken gzip file: {gz.broken}", "E103")
            return
        size = None
    fmt = fmt or detect_format(head)
    count = _Counter()
    try:
        if fmt is InputFormat.JSONL:
            yield from count(_read_jsonl(stream, where, options, gz))
        elif fmt is InputFormat.WARC:
            yield from count(_read_warc(stream, where, options))
        else:
            data = _read_whole(stream, where, options, size)
            if gz is not None and gz.broken:
                raise InputError(f"{gz.broken} after {gz.produced:,} bytes: the document is "
                                 "incomplete", where=where, code="E103")
            if fmt is InputFormat.RSS:
                yield from count(_read_feed(data, where, options))
            elif fmt is InputFormat.TELEGRAM:
                yield from count(_read_telegram(data, where, options))
            else:
                content_type = "html" if fmt is InputFormat.HTML else None
                yield _item(where, lambda: build_document(data, options=options, where=where,
                                                          content_type=content_type,
                                                          meta={"origin": where, "input_format": fmt.value}))
                return
    except InputError as exc:
        yield ReadItem(None, exc, where)
        return
    except (OSError, EOFError, zlib.error) as exc:  # a read error in the middle of a file
        yield _error(where, f"read error after {count.items:,} documents: {_one_line(exc)}; "
                     "the documents before it were kept", "E107")
        return
    if gz is not None and gz.broken:
        yield _error(gz.cut_at or where, f"{gz.broken} after {gz.produced:,} bytes of data; "
                     f"the {count.items:,} documents read before the cut were kept", "E103")


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
            return InputFormat.JSONL if isinstance(load_json(first, "head"), dict) else InputFormat.TELEGRAM
        except (ValueError, InputError):
            # a first line cut by the sniff window, or a pretty-printed document; a first
            # line that opens and closes an object on its own is a JSON lines record
            return InputFormat.JSONL if first.rstrip().endswith(b"}") else InputFormat.TELEGRAM
    return InputFormat.TXT


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """The nesting depth of the JSON text ``data``, counted exactly only when it may pass
    ``limit`` (otherwise a number at most ``limit``). Linear: brackets inside strings are
    taken out with one regular expression, the rest is a running sum in numpy."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return min(limit, data.count(b"[") + data.count(b"{"))
    import numpy as np

    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    steps = np.frombuffer(brackets, dtype=np.uint8)
    deepest, level = 0, 0
    for start in range(0, len(steps), 1 << 20):  # bounded memory on a 20 MB line
        chunk = steps[start:start + (1 << 20)]
        running = np.cumsum(np.where((chunk == 0x5B) | (chunk == 0x7B), 1, -1).astype(np.int32)) + level
        deepest = max(deepest, int(running.max()))
        level = int(running[-1])
    return deepest


def load_json(data: bytes, where: str, limit: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` with a nesting limit.

    Args:
        data: UTF-8 JSON text.
        where: file:line for error messages.
        limit: the deepest nesting accepted.

    Returns:
        The parsed value.

    Raises:
        InputError: E105 for bad JSON or nesting deeper than ``limit``, E103 when
            ``data`` is not UTF-8.
    """
    if json_depth(data, limit) > limit:
        raise InputError(f"JSON nested deeper than {limit} levels", where=where, code="E105")
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise InputError(f"undecodable JSON (must be UTF-8): {exc.reason}", where=where,
                         code="E103") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"bad JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
                         where=where, code="E105") from None
    except RecursionError:  # a stack smaller than the limit assumes
        raise InputError("JSON nested too deeply", where=where, code="E105") from None


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

def _read_jsonl(stream: IO[bytes], where: str, options: Options,
                gz: "_GzipReader | None" = None) -> Iterator[ReadItem]:
    limit = options.max_input_bytes
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        line_where = f"{where}:{number}"
        if gz is not None and gz.broken and not line.endswith(b"\n"):
            gz.cut_at = line_where  # a record cut in two: the caller reports it
            return
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
        record = load_json(line.rstrip(b"\r\n"), where)
    except InputError as exc:
        return ReadItem(None, exc, where)
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

    try:
        parsed = feedparser.parse(data)
    except Exception as exc:  # noqa: BLE001 — feedparser fails in many ways on damaged XML
        raise InputError(f"not a readable RSS/Atom feed ({type(exc).__name__}: {_one_line(exc)})",
                         where=where, code="E105") from None
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

    limit = options.max_input_bytes
    records = ArchiveIterator(stream)
    records.loader = _tolerant_loader_class()(verify_http=False, arc2warc=False)
    number = 0
    while True:
        try:
            record = next(records, None)
        except Exception as exc:  # noqa: BLE001 — warcio raises many kinds on a damaged file
            yield _error(f"{where}#{number + 1}", f"not a readable WARC record "
                         f"({type(exc).__name__}: {_one_line(exc)}); reading stopped there, "
                         f"the {number:,} records before it were kept", "E105")
            return
        if record is None:
            return
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
        # no WARC-Target-URI: the document id falls back to a hash of the text
        url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip() or None
        try:
            body = record.content_stream().read(limit + 1)
        except Exception as exc:  # noqa: BLE001 — a broken chunked or compressed body
            yield _error(record_where, f"unreadable record body ({type(exc).__name__}: "
                         f"{_one_line(exc)})", "E105")
            continue
        if len(body) > limit:
            yield _error(record_where, f"record too large (more than {limit:,} bytes, "
                         "see Options.max_input_bytes)", "E104")
            continue
        if getattr(record.raw_stream, "limit", 0) and not record.raw_stream.read(1):
            # the file ends before the record's Content-Length
            yield _error(record_where, "record cut by the end of the file (truncated WARC)", "E103")
            continue
        charset = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.I)
        captured = _warc_date(record.rec_headers.get_header("WARC-Date"))
        yield _item(record_where, lambda: build_document(
            body, url=url, options=options, where=record_where, content_type=kind,
            charset=charset.group(1) if charset else None, fallback_published=captured,
            meta={"origin": record_where, "input_format": InputFormat.WARC.value}))


@lru_cache(maxsize=1)
def _tolerant_loader_class() -> type:
    from warcio.recordloader import ArcWarcRecordLoader

    class TolerantWarcLoader(ArcWarcRecordLoader):
        """warcio's record loader, reading the HTTP head of a record without a
        WARC-Target-URI (warcio decides from the URI's scheme and fails on None)."""

        def load_http_headers(self, rec_type: str, uri: str | None, stream: Any, length: Any) -> Any:
            return super().load_http_headers(rec_type, uri if uri else "http:", stream, length)

    return TolerantWarcLoader


def _warc_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


# --- Telegram Desktop export --------------------------------------------------------------

def _read_telegram(data: bytes, where: str, options: Options) -> Iterator[ReadItem]:
    export = load_json(data, where)
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
    for position, message in enumerate(export["messages"], 1):
        if not isinstance(message, dict) or message.get("type") != "message":
            continue
        text = _telegram_text(message.get("text"))
        if not text.strip():
            continue
        message_id = message.get("id")
        if isinstance(message_id, (str, int)) and not isinstance(message_id, bool) and str(message_id).strip():
            message_where = f"{where}#{message_id}"
            doc_id = f"tg-{channel_key}-{message_id}"
            url = f"https://t.me/{username}/{message_id}" if username else None
        else:  # no usable id: the message's date and text name it
            message_where = f"{where}#message-{position}"
            doc_id = f"tg-{channel_key}-h{content_id(str(message.get('date')) + chr(31) + text)}"
            url = None
        yield _item(message_where, lambda: build_document(
            text, published=parse_date(message.get("date"), f"{message_where}:date"),
            source=channel, id=doc_id, url=url,
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


def escape_controls(text: str) -> str:
    """``text`` with control characters, line separators and backslashes escaped
    (``\\n``, ``\\t``, ``\\x1b``, ``\\u2028``), so a file name stays on one line of a log."""
    return _CONTROLS.sub(_escape_one, text)


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")
_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\"}


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED_ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


class _Counter:
    """Passes items through, counting the documents (for "N were kept" messages)."""

    def __init__(self) -> None:
        self.items = 0

    def __call__(self, items: Iterator[ReadItem]) -> Iterator[ReadItem]:
        for item in items:
            self.items += item.error is None
            yield item


class _GzipReader(io.RawIOBase):
    """Gzip decompression that hands out every byte before a cut or a damaged block.

    ``gzip.GzipFile`` raises EOFError on a truncated file and the data it had decoded is
    lost with it; here the stream just ends, and ``broken`` says why (the reader reports
    it after the records it could read). Concatenated members are read one after another.
    """
    CHUNK = 1 << 16
    STEP = 1 << 12

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._input = b""          # compressed bytes read but not yet decompressed
        self._pending = b""        # decompressed bytes not yet handed out, from _offset
        self._offset = 0
        self._done = False
        self.broken: str | None = None
        self.produced = 0  # decompressed bytes handed out
        self.cut_at: str | None = None  # the record the cut fell in, when a reader knows

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._offset >= len(self._pending) and not self._done:
            self._fill()
        n = min(len(buffer), len(self._pending) - self._offset)
        buffer[:n] = memoryview(self._pending)[self._offset:self._offset + n]
        self._offset += n
        self.produced += n
        return n

    def _fill(self) -> None:
        """Decompress the next small step of input (what was decoded before a damaged
        block is then kept, and the output of one step stays bounded)."""
        if not self._input:
            try:
                self._input = self._source.read(self.CHUNK)
            except OSError as exc:
                self._stop(f"read error ({exc.strerror or exc})")
                return
            if not self._input:
                if self._inflate.eof:
                    self._done = True
                else:
                    self._stop("compressed data ends early (truncated file)")
                return
        if self._inflate.eof:  # the next member of a concatenated gzip file
            if not self._input.startswith(_GZIP_MAGIC):
                if self._input.strip(b"\x00"):  # zero padding after the last member is common
                    self._stop("data after the end of the gzip stream is not gzip")
                else:
                    self._done = True
                return
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        piece, self._input = self._input[:self.STEP], self._input[self.STEP:]
        try:
            self._pending = self._inflate.decompress(piece)
        except zlib.error as exc:
            self._stop(f"damaged compressed data ({exc})")
            return
        self._offset = 0
        if self._inflate.eof:
            self._input = self._inflate.unused_data + self._input

    def _stop(self, reason: str) -> None:
        self.broken = reason
        self._done = True


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
