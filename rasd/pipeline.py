"""The extraction pipeline: stages over a Document, in the order data flows.

Each stage is a callable ``stage(doc) -> doc`` with a ``name`` and declared
``requires``/``assigns`` (the Document fields it reads and writes). The default order:

    text → entities → geo → actors → dates → events → status → incidents

A stage can be swapped (``pipeline.replace("events", MyEvents())``), removed, or added.
"""
from __future__ import annotations

import logging
from datetime import date
from typing import Any, Protocol

from rasd.doc import Document
from rasd.options import DEFAULT_OPTIONS, Options

__all__ = ["Stage", "Pipeline", "default_stages"]

log = logging.getLogger(__name__)


class Stage(Protocol):
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, doc: Document) -> Document: ...


def default_stages(options: Options) -> list[Stage]:
    # Imported here so that `import rasd` stays cheap (start-up time is benchmarked).
    from rasd.actors import ActorResolver
    from rasd.dates import DateResolver
    from rasd.entities import EntityRecognizer
    from rasd.events import EventExtractor
    from rasd.events.incidents import IncidentMerger
    from rasd.events.status import EventStatus
    from rasd.geo import PlaceResolver
    from rasd.text import TextAnalyzer

    return [
        TextAnalyzer(options),
        EntityRecognizer(options),
        PlaceResolver(options),
        ActorResolver(options),
        DateResolver(options),
        EventExtractor(options),
        EventStatus(options),
        IncidentMerger(options),
    ]


class Pipeline:
    """Runs stages over documents.

    Args:
        options: one validated options object shared by every stage.
        stages: the stages to run, in order; the default pipeline when omitted.
    """

    def __init__(self, options: Options | None = None, stages: list[Stage] | None = None) -> None:
        self.options = options or DEFAULT_OPTIONS
        self.stages: list[Stage] = list(stages) if stages is not None else default_stages(self.options)
        self._check_order()

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]

    def get(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(f"no stage named {name!r}; stages are {self.names}")

    def replace(self, name: str, stage: Stage) -> None:
        self.stages[self.names.index(self.get(name).name)] = stage
        self._check_order()

    def remove(self, name: str) -> None:
        self.stages.remove(self.get(name))

    def add(self, stage: Stage, *, after: str | None = None) -> None:
        index = len(self.stages) if after is None else self.names.index(self.get(after).name) + 1
        self.stages.insert(index, stage)
        self._check_order()

    def _check_order(self) -> None:
        available = {"text", "id", "title", "source", "url", "published"}
        for stage in self.stages:
            missing = [r for r in getattr(stage, "requires", ()) if r not in available]
            if missing:
                log.warning("stage %s requires %s, which no earlier stage assigns", stage.name, missing)
            available.update(getattr(stage, "assigns", ()))

    def __call__(self, doc: Document) -> Document:
        for stage in self.stages:
            doc = stage(doc)
        return doc

    def run(self, text: str, *, published: date | str | None = None, **meta: Any) -> Document:
        """Extract from clean text (see :func:`rasd.extract` for HTML and metadata)."""
        return self(Document(text=text, published=_as_date(published), **meta))


def _as_date(value: date | str | None) -> date | None:
    """A publication date from a date, ``YYYY-MM-DD`` or ``YYYYMMDD`` (InputError E105 otherwise)."""
    from rasd.ingest.document import parse_date  # the one date parser of the input side
    return parse_date(value, "published")
