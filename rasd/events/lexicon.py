"""Loading the event lexicons (``rasd/data/events/``) into matchers.

``triggers.tsv`` maps words to event types, ``cues.tsv`` holds the words that flag,
attribute or count events, and ``roles.tsv`` the words that tell who did what to whom.
Formats: ``rasd/data/README.md``.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from rasd.errors import DataFileError
from rasd.text.matcher import PhraseMatcher

__all__ = ["Trigger", "Cue", "EventLexicon", "load_lexicon"]

TRIGGER_COLUMNS = ["pattern", "pos", "plover", "mode", "acled_event_type",
                   "acled_sub_event_type", "cameo", "weight", "note"]
CUE_COLUMNS = ["pattern", "cue", "scope", "note"]


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


def _rows(text: str, name: str, columns: list[str]):
    """Data rows of a TSV file as dicts, with their line numbers; comments skipped."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return
    header = lines[0][1].rstrip("\n").split("\t")
    if header[: len(columns) - 1] != columns[: len(columns) - 1]:
        raise DataFileError(f"header must start with {columns}, found {header}", where=f"{name}:{lines[0][0]}")
    for n, line in lines[1:]:
        cells = next(csv.reader(io.StringIO(line), delimiter="\t", quoting=csv.QUOTE_NONE))
        cells += [""] * (len(header) - len(cells))
        yield n, {h: c.strip() for h, c in zip(header, cells)}


def _read(name: str, extra: tuple[Path, ...] = ()) -> list[tuple[str, str]]:
    texts = []
    resource = files("rasd.data").joinpath(f"events/{name}")
    if resource.is_file():
        texts.append((f"rasd/data/events/{name}", resource.read_text("utf-8")))
    for path in extra:
        texts.append((str(path), Path(path).read_text("utf-8")))
    return texts


def _blank(value: str) -> str | None:
    return value or None


@lru_cache(maxsize=8)
def load_lexicon(extra_triggers: tuple[Path, ...] = (), extra_cues: tuple[Path, ...] = ()) -> EventLexicon:
    triggers: PhraseMatcher[Trigger] = PhraseMatcher()
    for name, text in _read("triggers.tsv", extra_triggers):
        for n, row in _rows(text, name, TRIGGER_COLUMNS):
            try:
                weight = float(row["weight"] or 0.7)
            except ValueError:
                raise DataFileError(f"weight is not a number: {row['weight']!r}", where=f"{name}:{n}:weight") from None
            if not row["plover"]:
                raise DataFileError("plover type is empty", where=f"{name}:{n}:plover")
            pos = row["pos"] or "noun"
            for variant in row["pattern"].split("|"):
                if not variant.strip():
                    continue
                trig = Trigger(variant.strip(), pos, row["plover"].upper(), _blank(row["mode"]),
                               _blank(row["acled_event_type"]), _blank(row["acled_sub_event_type"]),
                               _blank(row["cameo"]), weight)
                try:
                    triggers.add(variant, trig, verb=pos == "verb")
                except ValueError as exc:
                    raise DataFileError(str(exc), where=f"{name}:{n}:pattern") from None
    cues: PhraseMatcher[Cue] = PhraseMatcher()
    for fname in ("cues.tsv", "roles.tsv"):
        for name, text in _read(fname, extra_cues if fname == "cues.tsv" else ()):
            for n, row in _rows(text, name, CUE_COLUMNS):
                for variant in row["pattern"].split("|"):
                    if variant.strip():
                        try:
                            cues.add(variant, Cue(variant.strip(), row["cue"], row["scope"] or "sentence"),
                                     verb=True)
                        except ValueError as exc:
                            raise DataFileError(str(exc), where=f"{name}:{n}:pattern") from None
    return EventLexicon(triggers, cues)
