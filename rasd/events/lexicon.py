"""Loading the event lexicons (``rasd/data/events/``) into matchers.

``triggers.tsv`` maps words to event types, ``cues.tsv`` holds the words that flag,
attribute or count events, and ``roles.tsv`` the words that tell who did what to whom.
Formats: ``rasd/data/README.md``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from rasd.datafiles import read_tsv
from rasd.errors import DataFileError
from rasd.text.matcher import PhraseMatcher

__all__ = ["Trigger", "Cue", "EventLexicon", "load_lexicon"]



@dataclass(frozen=True, slots=True)
class Trigger:
    pattern: str
    pos: str
    plover: str
    mode: str | None
    acled_event_type: str | None
    acled_sub_event_type: str | None
    cameo: str | None
    weight: float


@dataclass(frozen=True, slots=True)
class Cue:
    pattern: str
    cue: str
    scope: str


@dataclass
class EventLexicon:
    triggers: PhraseMatcher[Trigger]
    cues: PhraseMatcher[Cue]


def _sources(name: str, extra: tuple[Path, ...] = ()) -> list[str | Path]:
    """The bundled file (when there is one) and the user's files, in that order."""
    bundled = [f"events/{name}"] if files("rasd.data").joinpath(f"events/{name}").is_file() else []
    return bundled + [Path(p) for p in extra]


def _blank(value: str) -> str | None:
    return value or None


@lru_cache(maxsize=8)
def load_lexicon(extra_triggers: tuple[Path, ...] = (), extra_cues: tuple[Path, ...] = ()) -> EventLexicon:
    triggers: PhraseMatcher[Trigger] = PhraseMatcher()
    for source in _sources("triggers.tsv", extra_triggers):
        for row in read_tsv(source, ("pattern", "plover")):
            try:
                weight = float(row.cells.get("weight") or 0.7)
            except ValueError:
                raise DataFileError(f"weight is not a number: {row['weight']!r}", where=f"{row.where}:weight") from None
            pos = row.cells.get("pos") or "noun"
            for variant in row["pattern"].split("|"):
                if not variant.strip():
                    continue
                trig = Trigger(variant.strip(), pos, row["plover"].upper(), _blank(row.cells.get("mode", "")),
                               _blank(row.cells.get("acled_event_type", "")),
                               _blank(row.cells.get("acled_sub_event_type", "")),
                               _blank(row.cells.get("cameo", "")), weight)
                try:
                    triggers.add(variant, trig, verb=pos == "verb")
                except ValueError as exc:
                    raise DataFileError(str(exc), where=f"{row.where}:pattern") from None
    cues: PhraseMatcher[Cue] = PhraseMatcher()
    for source in _sources("cues.tsv", extra_cues) + _sources("roles.tsv"):
        for row in read_tsv(source, ("pattern", "cue")):
            for variant in row["pattern"].split("|"):
                if variant.strip():
                    try:
                        # imperfect prefixes only on real verbs: a particle (نوى in نينوى) must stand alone
                        cues.add(variant, Cue(variant.strip(), row["cue"], row.cells.get("scope") or "sentence"),
                                 verb=len(variant.strip().strip("*")) >= 3)
                    except ValueError as exc:
                        raise DataFileError(str(exc), where=f"{row.where}:pattern") from None
    return EventLexicon(triggers, cues)
