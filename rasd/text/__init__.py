"""Stage 2 — text: offset-preserving normalisation, tokens, sentences and clauses."""
from __future__ import annotations

from rasd.doc import Document
from rasd.options import Options
from rasd.text.normalize import NormalizedText, fold, normalize
from rasd.text.segment import sentences
from rasd.text.tokenize import tokenize

__all__ = ["TextAnalyzer", "normalize", "fold", "NormalizedText", "tokenize", "sentences"]


class TextAnalyzer:
    name = "text"
    requires = ("text",)
    assigns = ("normalized", "tokens", "sentences")

    def __init__(self, options: Options) -> None:
        self.options = options

    def __call__(self, doc: Document) -> Document:
        doc.normalized = normalize(doc.text)
        doc.tokens = tokenize(doc.normalized)
        doc.sentences = sentences(doc.text, self.options.max_sentence_chars)
        return doc
