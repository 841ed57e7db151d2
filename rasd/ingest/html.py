"""HTML to text: trafilatura for whole pages, a small structural converter for fragments.

A whole page goes through trafilatura, which finds the article body among navigation,
sidebars and footers and reads the page's metadata (title, date, site name, canonical
URL). A fragment — an RSS item's content, a page trafilatura finds no article in — is
converted directly: scripts, styles and navigation elements are dropped and every block
element becomes its own line, so the line-level furniture rules can still work on it.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["HtmlText", "looks_like_html", "html_to_text", "fragment_to_text"]

log = logging.getLogger(__name__)

_PAGE_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.I | re.S)
_TAG = re.compile(r"</?(?:p|div|br|span|a|article|section|h[1-6]|li|ul|ol|table|tr|td|body|html|head|"
                  r"meta|title|script|style|img|strong|em|b|i|blockquote|figure|nav|header|footer)\b[^>]*>",
                  re.I)
_BLOCK = frozenset("""address article aside blockquote body br dd details dialog div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre
    section summary table tbody thead tfoot tr td th ul""".split())
_DROP = ("script", "style", "noscript", "template", "iframe", "svg", "canvas", "object",
         "embed", "nav", "header", "footer", "aside", "form", "button", "select", "textarea",
         "input", "head")
# the publication date the page declares, not one guessed from any date in the text
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
_BLANKS = re.compile(r"[ \t\u00a0]+")
_MANY_LINES = re.compile(r"\n\s*\n\s*(?:\n\s*)+")


@dataclass(slots=True)
class HtmlText:
    """Text read from HTML, with the page's metadata where it had any."""
    text: str
    title: str | None = None
    published: date | None = None
    sitename: str | None = None
    url: str | None = None
    author: str | None = None
    extractor: str = "trafilatura"


def looks_like_html(text: str) -> bool:
    """Whether decoded input is HTML.

    Args:
        text: the decoded input.

    Returns:
        True for a page (doctype, ``<html>``, ``<head>``, ``<body>`` first) or a fragment
        with at least three common tags in its first 4 KB; False for plain text.
    """
    head = text[:4096]
    if _PAGE_START.match(head):
        return True
    return len(_TAG.findall(head)) >= 3


def is_fragment(text: str) -> bool:
    """Whether HTML is a fragment (an RSS item's content) rather than a whole page.

    Args:
        text: decoded HTML.

    Returns:
        True when it has no ``<html>``/``<body>`` tag.
    """
    return re.search(r"<(?:html|body)\b", text[:8192], re.I) is None


def html_to_text(html: str, *, url: str | None = None) -> HtmlText:
    """The main text and metadata of an HTML page.

    Args:
        html: the decoded page (or a fragment: it is converted directly).
        url: the page's address when known (helps trafilatura's metadata).

    Returns:
        The body text, one block per line, and the title, publication date, site name,
        canonical URL (``<link rel=canonical>``/``og:url``) and author the page declares.
        Script and style content never appears in the text. When trafilatura finds no
        article the whole page is converted (``extractor == "fallback"``).
    """
    if is_fragment(html):
        return HtmlText(fragment_to_text(html), extractor="fragment")
    import trafilatura

    result = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_images=False,
        include_links=False, include_formatting=False, favor_precision=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if result is None or not (result.text or "").strip():
        log.debug("trafilatura found no article body; converting the whole page")
        out = HtmlText(fragment_to_text(html), extractor="fallback")
        if result is None:
            from trafilatura.metadata import extract_metadata

            result = extract_metadata(html, default_url=url, date_config=_DATE_PARAMS, extensive=False)
        if result is not None:
            _copy_metadata(result, out)
        out.title = out.title or _page_title(html)
        return out
    out = HtmlText(_tidy(result.text))
    _copy_metadata(result, out)
    return out


def _copy_metadata(result: object, out: HtmlText) -> None:
    out.title = _clean(getattr(result, "title", None))
    out.sitename = _clean(getattr(result, "sitename", None))
    out.url = _clean(getattr(result, "url", None))
    out.author = _clean(getattr(result, "author", None))
    value = getattr(result, "date", None)
    if value:
        try:
            out.published = date.fromisoformat(str(value)[:10])
        except ValueError:
            log.debug("unreadable page date %r", value)


def fragment_to_text(html: str) -> str:
    """Text of an HTML fragment or page without article extraction.

    Args:
        html: decoded HTML.

    Returns:
        The text, one block element per line, paragraphs separated by a blank line.
        Scripts, styles, forms and navigation/header/footer/aside elements are dropped;
        unparseable input gives "".
    """
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for element in root.iter(*_DROP):
        element.drop_tree() if element.getparent() is not None else element.clear()
    for comment in root.iter(etree.Comment, etree.ProcessingInstruction):
        if comment.getparent() is not None:
            comment.drop_tree()
    parts: list[str] = []
    _walk(root, parts)
    return _tidy("".join(parts))


def _walk(element: object, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""  # type: ignore[attr-defined]
    block = tag.lower() in _BLOCK
    if block:
        parts.append("\n")
    if element.text and tag:  # type: ignore[attr-defined]
        parts.append(element.text)  # type: ignore[attr-defined]
    for child in element:  # type: ignore[attr-defined]
        _walk(child, parts)
    if block:
        parts.append("\n")
    if element.tail:  # type: ignore[attr-defined]
        parts.append(element.tail)  # type: ignore[attr-defined]


def _page_title(html: str) -> str | None:
    match = re.search(r"<title[^>]*>(.*?)</title>", html, re.I | re.S)
    if not match:
        return None
    import html as html_lib
    return _clean(html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(1))))


def _tidy(text: str) -> str:
    lines = [_BLANKS.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_LINES.sub("\n\n", "\n".join(lines)).strip()


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = _BLANKS.sub(" ", str(value)).strip()
    return text or None
