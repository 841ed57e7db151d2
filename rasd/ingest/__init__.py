"""Stage 0 — ingest: from bytes on disk or on the wire to clean Documents.

    >>> from rasd.ingest import document_from_string, read_path
    >>> doc = document_from_string("أخبار سوريا\\n\\nقتل مدنيان في قصف على بلدة كفرنبل.")
    >>> doc.text
    'قتل مدنيان في قصف على بلدة كفرنبل.'
    >>> doc.meta["removed_lines"]
    ['أخبار سوريا']

Modules: :mod:`~rasd.ingest.decode` (bytes → str), :mod:`~rasd.ingest.html` (trafilatura),
:mod:`~rasd.ingest.boilerplate` (furniture lines), :mod:`~rasd.ingest.document` (one input →
one Document), :mod:`~rasd.ingest.readers` (files, folders, stdin; txt, html, jsonl, rss,
warc, telegram).
"""
from __future__ import annotations

from rasd.ingest.document import document_from_string
from rasd.ingest.readers import InputFormat, ReadItem, read_path, read_stream

__all__ = ["document_from_string", "read_path", "read_stream", "ReadItem", "InputFormat"]
