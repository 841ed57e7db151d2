"""Stage 2 — text: offset-preserving normalisation, tokens, sentences and clauses.

The stage also applies the per-document budget of :class:`rasd.options.Options`, so
that no later stage sees unbounded input: runs of letters longer than
``max_token_chars`` get no token (W101), sentences of more than ``max_sentence_tokens``
tokens are cut (W102), and only the first ``max_document_sentences`` sentences are
normalised, tokenised and read by the later stages (W103). Each cut leaves an
:class:`rasd.errors.ExtractionWarning` on ``doc.warnings``; ``doc.text`` is never changed.
"""
from __future__ import annotations

from rasd.doc import Document
from rasd.errors import ExtractionWarning
from rasd.options import Options
from rasd.text.normalize import NormalizedText, fold, normalize
from rasd.text.segment import sentences, split_long
from rasd.text.tokenize import token_starts, tokenize

__all__ = ["TextAnalyzer", "normalize", "fold", "NormalizedText", "tokenize", "sentences"]


class TextAnalyzer:
    name = "text"
    requires = ("text",)
    assigns = ("normalized", "tokens", "sentences", "warnings")

    def __init__(self, options: Options) -> None:
        self.options = options

    def __call__(self, doc: Document) -> Document:
        opts = self.options
        text = doc.text
        sents = sentences(text, opts.max_sentence_chars, limit=opts.max_document_sentences)
        if len(sents) > opts.max_document_sentences:
            sents = sents[:opts.max_document_sentences]
            read = sents[-1].end
            doc.warnings.append(_truncated(opts.max_document_sentences, read, len(text)))
            text = text[:read]  # a prefix: every offset stays an offset into doc.text
        doc.normalized = normalize(text)
        skipped: list[tuple[int, int]] = []
        doc.tokens = tokenize(doc.normalized, opts.max_token_chars, skipped)
        if skipped:
            doc.warnings.append(_long_runs(doc.normalized, skipped, opts.max_token_chars))
        sents, cut = split_long(doc.text, sents, token_starts(doc.tokens), opts.max_sentence_tokens)
        if cut:
            doc.warnings.append(ExtractionWarning(
                "W102", f"{len(cut)} sentence(s) of more than {opts.max_sentence_tokens} tokens "
                        f"cut into pieces of {opts.max_sentence_tokens}",
                (cut[0].start, cut[0].end), len(cut)))
        doc.sentences = sents
        return doc


def _truncated(limit: int, read: int, total: int) -> ExtractionWarning:
    return ExtractionWarning(
        "W103", f"the text has more than {limit} sentences: only its first {read:,} of {total:,} "
                f"characters were read", (read, total))


def _long_runs(norm: NormalizedText, skipped: list[tuple[int, int]], limit: int) -> ExtractionWarning:
    first = norm.original_span(*skipped[0])
    return ExtractionWarning(
        "W101", f"{len(skipped)} run(s) of more than {limit} letters without a space skipped "
                f"(no word is that long)", first, len(skipped))
