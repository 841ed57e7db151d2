"""One input (text or HTML, str or bytes) to one clean :class:`~rasd.doc.Document`."""
from __future__ import annotations

import hashlib
import logging
import re
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rasd.doc import Document, content_id
from rasd.errors import InputError
from rasd.ingest.boilerplate import load_rules, remove_boilerplate
from rasd.ingest.decode import ARABIC_LETTER, check_size, check_text, decode_bytes
from rasd.options import DEFAULT_OPTIONS, Options

__all__ = ["document_from_string", "build_document", "url_id", "parse_date"]

log = logging.getLogger(__name__)

_LETTER_RUN = re.compile(r"[^\W\d_]+")
_ARABIC_RUN = re.compile(ARABIC_LETTER.pattern + "+")
_ARABIC_SAMPLE = 20_000
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ref_src)$", re.I)
MIN_ARABIC_SHARE = 0.25


def document_from_string(raw: str | bytes, *, published: date | str | None = None,
                         source: str | None = None, url: str | None = None,
                         title: str | None = None, id: str | None = None,
                         options: Options | None = None, meta: dict[str, Any] | None = None,
                         where: str = "input") -> Document:
    """Read one article given as text or HTML into a clean Document.

    Bytes are decoded (BOM, declared charset, detection: UTF-8, windows-1256,
    ISO-8859-6 …). HTML goes through trafilatura for the main text and the page's
    metadata; plain text loses its page-furniture lines (``rasd/data/ingest/boilerplate.tsv``)
    when ``options.remove_boilerplate`` is set. Metadata the caller gives wins over what
    the page says.

    Args:
        raw: the article, plain text or HTML, as str or bytes.
        published: publication date (a date, or ``YYYY-MM-DD``/``YYYYMMDD``); else the
            page's date (HTML) or None.
        source: the outlet; else the page's site name (HTML) or None.
        url: the address; else the page's canonical URL (HTML) or None.
        title: the title; else the page's title, or the text's headline line.
        id: the document id; else a hash of the normalised URL, else of the text.
        options: the pipeline options (``max_input_bytes``, ``remove_boilerplate``).
        meta: extra fields kept in ``Document.meta``.
        where: the name of the input in error messages (a file name, ``file:line``).

    Returns:
        The Document; ``text`` is the clean body, ``meta["removed_lines"]`` lists the
        furniture lines taken out, ``meta["dateline"]`` the first "place – outlet" line
        among them (the place a report was filed from), ``meta["encoding"]`` the encoding
        of bytes input.

    Raises:
        InputError: E101 empty (or nothing left after removing furniture), E102 binary,
            E103 undecodable, E104 too large, E105 bad ``published``, E108 no Arabic text.
    """
    return build_document(raw, published=published, source=source, url=url, title=title,
                          id=id, options=options, meta=meta, where=where)


def build_document(raw: str | bytes, *, published: date | str | None = None, source: str | None = None,
                   url: str | None = None, title: str | None = None, id: str | None = None,
                   options: Options | None = None, meta: dict[str, Any] | None = None,
                   where: str = "input", content_type: str | None = None,
                   charset: str | None = None, fallback_published: date | None = None) -> Document:
    """:func:`document_from_string` with what the readers know besides the bytes.

    Args:
        content_type: ``"html"`` or ``"text"`` when the container says which (a file
            extension, a WARC record's Content-Type); sniffed when None.
        charset: a charset declared outside the bytes (HTTP header).
        fallback_published: a date used when neither the caller nor the page gives one
            (a WARC record's capture date).
        Other arguments as for :func:`document_from_string`.

    Returns:
        The Document, as for :func:`document_from_string`.

    Raises:
        InputError: as for :func:`document_from_string`.
    """
    options = options or DEFAULT_OPTIONS
    meta = dict(meta or {})
    if published is not None and not isinstance(published, date):
        published = parse_date(published, f"{where}:published")
    limit = options.max_input_bytes
    if isinstance(raw, (bytearray, memoryview)):
        raw = bytes(raw)
    if isinstance(raw, bytes):
        check_size(len(raw), limit, where)
        decoded = decode_bytes(raw, where=where, declared=charset)
        text = decoded.text
        meta.setdefault("encoding", decoded.encoding)
    elif isinstance(raw, str):
        if len(raw) > limit or (4 * len(raw) > limit and len(raw.encode("utf-8")) > limit):
            check_size(len(raw.encode("utf-8")), limit, where)
        text = raw.lstrip("\ufeff")
    else:
        raise TypeError(f"expected str or bytes, not {type(raw).__name__}")
    check_text(text, where)

    from rasd.ingest.html import html_to_text, looks_like_html

    is_html = content_type == "html" or (content_type is None and looks_like_html(text))
    if is_html:
        page = html_to_text(text, url=url)
        body = page.text
        title = title or page.title
        published = published or page.published
        source = source or page.sitename
        url = url or page.url
        meta.setdefault("extractor", page.extractor)
        if page.author:
            meta.setdefault("author", page.author)
        if not body.strip():
            raise InputError("no article text found in the HTML page", where=where, code="E101")
    else:
        body = text
    removed: list[str] = []
    if options.remove_boilerplate:
        clean = remove_boilerplate(body, load_rules())
        body = clean.text
        removed = clean.removed
        if clean.dateline:
            meta.setdefault("dateline", clean.dateline)
        if title is None:
            title = clean.headline
    else:
        body = body.strip()
    meta["removed_lines"] = removed
    if not body.strip():
        raise InputError(f"empty after removing page furniture ({len(removed)} lines removed)",
                         where=where, code="E101")
    _check_arabic(body, where)
    if id is None:
        id = url_id(url) if url else content_id(body)
    published = published or fallback_published
    if published is None:
        # a page that gives no date in its metadata often states it in a byline or date line
        from rasd.dates import publication_date
        published = publication_date("\n".join(removed[:20] + [body[:3000]]))
        if published is not None:
            meta["published_from"] = "text"
    return Document(text=body, id=str(id), title=title, source=source, url=url,
                    published=published, meta=meta)


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))


def _check_arabic(text: str, where: str) -> None:
    # fast path: in UTF-8 the Arabic block starts with bytes D8-DB; a clear majority of
    # them over ASCII letters is Arabic text (the exact count below is for the rest)
    head = text[:_ARABIC_SAMPLE].encode("utf-8")
    block = head.count(b"\xd8") + head.count(b"\xd9") + head.count(b"\xda") + head.count(b"\xdb")
    ascii_letters = len(head) - len(head.translate(None, _ASCII_LETTERS))
    if block > 20 and block >= 2 * ascii_letters:
        return
    # the share is stable long before the end of a long page: count a sample first
    for sample in (text[:_ARABIC_SAMPLE], text) if len(text) > _ARABIC_SAMPLE else (text,):
        arabic = sum(map(len, _ARABIC_RUN.findall(sample)))
        letters = sum(map(len, _LETTER_RUN.findall(sample)))
        if arabic and arabic >= MIN_ARABIC_SHARE * letters:
            return
    raise InputError(f"not Arabic text ({arabic:,} Arabic letters in {len(text):,} characters)",
                     where=where, code="E108")


def normalise_url(url: str) -> str:
    """The form of a URL used for ids.

    Args:
        url: an absolute URL.

    Returns:
        The URL with lower-case scheme and host, without fragment, default port,
        tracking parameters (``utm_*``, ``fbclid`` …) or trailing slash.

    Raises:
        ValueError: ``url`` cannot be split (a broken IPv6 host, a port out of range).
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and not ((parts.scheme == "http" and parts.port == 80)
                           or (parts.scheme == "https" and parts.port == 443)):
        host = f"{host}:{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def url_id(url: str) -> str:
    """A stable document id from a URL.

    Args:
        url: the article's address.

    Returns:
        The first 16 hex digits of the SHA-1 of :func:`normalise_url` (url), so the same
        article read twice (from a feed and from a crawl) gets the same id.
    """
    try:
        key = normalise_url(url)
    except ValueError:  # not parseable as a URL (``http://[broken``, a bad port): as given
        key = url.strip()
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def parse_date(value: object, where: str) -> date | None:
    """A date from ``YYYYMMDD``, ``YYYY-MM-DD`` or an ISO date-time.

    Args:
        value: the value read (str, date, datetime, None).
        where: file:line:field for the error message.

    Returns:
        The date, or None for None or an empty string.

    Raises:
        InputError: E105 for anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise InputError(f"not a date (want YYYY-MM-DD or YYYYMMDD): {value!r}",
                         where=where, code="E105") from exc
