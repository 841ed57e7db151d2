"""Every tunable default of the pipeline, declared once."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

__all__ = ["Options"]


@dataclass(frozen=True, kw_only=True)
class Options:
    """Options for :class:`rasd.pipeline.Pipeline` and :func:`rasd.extract`.

    Attributes:
        max_input_bytes: larger inputs are refused with a clear error (20 MB by default).
        max_sentence_chars: longer sentences are cut at clause boundaries.
        max_token_chars: a run of letters longer than this (no Arabic word is) gets no token
            (warning W101); dictionaries never match inside a run of more than
            ``rasd.text.matcher.MAX_WORD_CHARS`` (64) letters, whatever this is set to.
        max_sentence_tokens: longer sentences are split into pieces of this many tokens
            (warning W102).
        max_document_sentences: only the first this many sentences are extracted from; the
            rest of the text stays in the record but is not read (warning W103). The three
            budgets keep every stage's time and memory bounded on hostile input; real news
            articles stay far inside them (the longest of 31,000 corpus articles has 549
            sentences, and none has a run of letters over 40).
        actor_files: extra actor dictionaries (TSV, format in rasd/data/README.md) loaded
            after the bundled ones; later entries win.
        place_files: extra gazetteer files (TSV, same format as the bundled one).
        trigger_files: extra event trigger lexicons (TSV, format of events/triggers.tsv).
        cue_files: extra cue lists (TSV, format of events/cues.tsv).
        keep_flagged_events: keep denied/conditional/future/recalled events with their flag
            set (True) or drop them (False).
        min_confidence: events scored below this are dropped.
        remove_boilerplate: strip page furniture lines (bylines, share lines, captions).
        status_files: extra status cue lists (TSV, format of events/status.tsv).
        status_model: a status model (JSON, as ``scripts/train_status.py`` writes it) to use
            instead of the bundled one.
        keep_unreported_events: keep the candidates the status stage finds not to be
            reports (references, accusations, …) with their ``status`` set, for analysis.
    """
    max_input_bytes: int = 20 * 1024 * 1024
    max_sentence_chars: int = 1500
    max_token_chars: int = 64
    max_sentence_tokens: int = 400
    max_document_sentences: int = 1000
    actor_files: tuple[Path, ...] = ()
    place_files: tuple[Path, ...] = ()
    trigger_files: tuple[Path, ...] = ()
    cue_files: tuple[Path, ...] = ()
    keep_flagged_events: bool = True
    min_confidence: float = 0.0
    remove_boilerplate: bool = True
    status_files: tuple[Path, ...] = ()
    status_model: Path | None = None
    keep_unreported_events: bool = False

    def with_(self, **changes: Any) -> "Options":
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return replace(self, **changes)


DEFAULT_OPTIONS = Options()
