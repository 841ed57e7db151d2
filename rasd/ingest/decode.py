"""Bytes to text: byte-order marks, declared charsets, detection, and the checks at the door.

Arabic news comes as UTF-8, windows-1256 or ISO-8859-6 (and now and then UTF-16 with a
BOM). The order of trust: a BOM; strict UTF-8 (random legacy bytes almost never form
valid UTF-8); the charset the page or the HTTP header declares; charset-normalizer's
guess; the two Arabic legacy code pages. A candidate is only accepted when the text it
gives looks like text — a legacy decoding of the wrong code page scatters Latin accented
letters between Arabic ones (``âتن`` for ``قتل``), and that is what the score punishes.
"""
from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from rasd.errors import InputError

__all__ = ["DecodedText", "decode_bytes", "check_text", "check_size", "ARABIC_LETTER"]

log = logging.getLogger(__name__)

ARABIC_LETTER = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN_EXTENDED = re.compile(r"[\u00c0-\u024f]")
# a Latin accented letter glued to an Arabic one: the mark of a wrong Arabic code page
_MIXED = re.compile(r"[\u0621-\u064a][\u00c0-\u024f]|[\u00c0-\u024f][\u0621-\u064a]")
# control characters other than tab, newlines, form feed
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
_ARABIC_OR_ASCII = re.compile(r"[\u0600-\u06ff\t\n\r\x20-\x7e\u00a0\u200c-\u200f\u2010-\u2027]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ARABIC_LEGACY = ("windows-1256", "iso-8859-6")
_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text decoded from bytes and the encoding that was used (a Python codec name)."""
    text: str
    encoding: str


def check_size(size: int, limit: int, where: str) -> None:
    """Refuse an input of ``size`` bytes when it exceeds ``limit``.

    Args:
        size: the input's size in bytes (for a file, its size on disk).
        limit: ``Options.max_input_bytes``.
        where: its name in error messages.

    Raises:
        InputError: E104 when the input is too large.
    """
    if size > limit:
        raise InputError(f"input too large ({size:,} bytes; the limit is {limit:,}, "
                         "see Options.max_input_bytes)", where=where, code="E104")


def decode_bytes(raw: bytes, *, where: str, declared: str | None = None) -> DecodedText:
    """Decode the bytes of one document.

    Args:
        raw: the document's bytes.
        where: the name used in error messages (file, file:line).
        declared: a charset declared outside the bytes (an HTTP Content-Type header);
            the page's own ``<meta charset>`` / XML declaration is read as well.

    Returns:
        The decoded text (BOM removed, line ends as they were) and the codec used.

    Raises:
        InputError: E101 empty, E102 binary (NUL or control bytes), E103 undecodable.
    """
    if not raw.strip():
        raise InputError("empty input", where=where, code="E101")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return DecodedText(raw[len(bom):].decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"undecodable: starts with a {encoding} byte-order mark "
                                 f"but is not {encoding} ({exc.reason} at byte {exc.start:,})",
                                 where=where, code="E103") from exc
    if b"\x00" in raw[:_SNIFF_BYTES]:
        utf16 = _utf16_without_bom(raw)
        if utf16 is not None:
            return utf16
    _check_binary_bytes(raw, where)
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few broken bytes (a page cut mid-character, one bad byte pasted in):
    # keep it as UTF-8 rather than read the whole page in a legacy code page
    lossy = raw.decode("utf-8", errors="replace")
    broken = lossy.count("\ufffd")
    if broken <= max(3, 0.005 * len(lossy)) and len(lossy) < 0.9 * len(raw):
        log.debug("%s: UTF-8 with %d invalid bytes replaced", where, broken)
        return DecodedText(lossy, "utf-8")
    candidates: list[str] = []
    for name in (declared, _declared_charset(raw)):
        codec = _codec_name(name)
        if codec and codec != "utf-8" and codec not in candidates:
            candidates.append(codec)
    guess = _charset_normalizer_guess(raw)
    if guess and guess not in candidates:
        candidates.append(guess)
    for codec in _ARABIC_LEGACY:
        if _codec_name(codec) not in candidates:
            candidates.append(_codec_name(codec))
    best: tuple[float, str, str] | None = None
    for rank, codec in enumerate(candidates):
        try:
            text = raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _quality(text)
        if score is None:
            continue
        score -= rank * 1e-6  # ties go to the better-trusted candidate
        if best is None or score > best[0]:
            best = (score, text, codec)
    if best is None:
        raise InputError("undecodable: not UTF-8, windows-1256 or ISO-8859-6, and no "
                         "declared or detected encoding gives readable text",
                         where=where, code="E103")
    log.debug("%s: decoded as %s", where, best[2])
    return DecodedText(best[1], best[2])


def check_text(text: str, where: str) -> None:
    """The checks for text that came as ``str``: empty or binary (NUL/control characters).

    Args:
        text: the decoded input.
        where: its name in error messages.

    Raises:
        InputError: E101 empty, E102 binary.
    """
    if not text.strip():
        raise InputError("empty input", where=where, code="E101")
    head = text[:_SNIFF_BYTES]
    if "\x00" in head:
        raise InputError("binary input (contains NUL characters)", where=where, code="E102")
    if _CONTROL.search(head) is None:
        return
    controls = len(_CONTROL.findall(head))
    if controls > 0.1 * len(head):
        raise InputError(f"binary input ({controls:,} control characters in the first "
                         f"{len(head):,})", where=where, code="E102")


def _check_binary_bytes(raw: bytes, where: str) -> None:
    head = raw[:_SNIFF_BYTES]
    if b"\x00" in head:
        raise InputError("binary input (contains NUL bytes)", where=where, code="E102")
    controls = len(_CONTROL_BYTES.findall(head)) if _CONTROL_BYTES.search(head) else 0
    if controls > 0.1 * len(head):
        raise InputError(f"binary input ({controls:,} control bytes in the first "
                         f"{len(head):,})", where=where, code="E102")


def _utf16_without_bom(raw: bytes) -> DecodedText | None:
    """UTF-16 text saved without a byte-order mark (its ASCII spaces hold NUL bytes)."""
    if len(raw) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:4096]
        plain = len(_ARABIC_OR_ASCII.findall(sample))
        if "\x00" not in text and plain > 0.95 * len(sample) and ARABIC_LETTER.search(sample):
            return DecodedText(text, encoding)
    return None


def _declared_charset(raw: bytes) -> str | None:
    head = raw[:4096]
    match = _XML_DECLARED.search(head) or _DECLARED.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _codec_name(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        log.debug("unknown charset %r", name)
        return None


def _charset_normalizer_guess(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:65536]).best()
    return _codec_name(best.encoding) if best is not None else None


def _quality(text: str) -> float | None:
    """How much ``text`` looks like text: None when it is mojibake or binary."""
    sample = text[:65536]
    if not sample:
        return None
    controls = len(_CONTROL.findall(sample))
    mixed = len(_MIXED.findall(sample))
    arabic = len(ARABIC_LETTER.findall(sample))
    latin_ext = len(_LATIN_EXTENDED.findall(sample))
    letters = sum(1 for c in sample if c.isalpha())
    if controls > 0.02 * len(sample) or letters == 0:
        return None
    if arabic and mixed > 0.02 * arabic:
        return None
    # UTF-8 Arabic read as windows-1256 turns every letter into ط or ظ plus another sign
    if arabic > 20 and sample.count("\u0637") + sample.count("\u0638") > 0.3 * arabic:
        return None
    # Latin accented letters next to Arabic ones are suspect; alone they may be French.
    suspect = latin_ext if arabic else 0
    return (arabic - 5 * suspect - 10 * controls) / len(sample)
