"""What the event stage knows about one sentence: its triggers, cues and entities,
all in original-text offsets, with token positions for distance reasoning."""
from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field

from rasd.doc import Document, Entity, Sentence
from rasd.events.lexicon import Cue, EventLexicon, Trigger
from rasd.text.tokenize import token_starts

__all__ = ["Hit", "SentenceContext", "build_contexts", "whole_sentences", "ACTOR_TYPES"]

ACTOR_TYPES = ("ORG", "PERSON")
_HELPER_KINDS = ("demonym", "title")


@dataclass(slots=True)
class Hit:
    """A lexicon match: ``start``/``end`` cover the whole word(s), clitics included."""
    start: int
    end: int
    text: str
    prefix: str
    suffix: str
    trigger: Trigger | None = None
    cue: Cue | None = None


@dataclass
class SentenceContext:
    doc: Document
    sentence: Sentence
    triggers: list[Hit]
    cues: list[Hit]
    entities: list[Entity]
    token_starts: list[int] = field(repr=False)
    # the whole sentence as written: the text stage cuts "، و…" chains into report-sized
    # pieces, but an event's `sentence` is the sentence (contract)
    whole: tuple[int, int] | None = None
    # what a rule reads from the sentence alone, worked out for its first event and kept
    # for the others (the sentence and the document do not change during the events stage)
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    # cues_of's selections, by kinds (a dict of their own: no key tuple to build per call)
    cue_memo: dict[tuple[str, ...], tuple[Hit, ...]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.doc.text[self.sentence.start:self.sentence.end]

    def token_index(self, offset: int) -> int:
        """Index of the token containing or following ``offset``."""
        return bisect.bisect_right(self.token_starts, offset) - 1

    def distance(self, a_end: int, b_start: int) -> int:
        """Number of tokens between a span ending at ``a_end`` and one starting at ``b_start``."""
        return self.token_index(b_start) - self.token_index(max(a_end - 1, 0)) - 1

    def clause_of(self, offset: int) -> tuple[int, int]:
        for start, end in self.sentence.clauses:
            if start <= offset < end:
                return start, end
        return self.sentence.start, self.sentence.end

    def cues_of(self, *kinds: str) -> tuple[Hit, ...]:
        """The sentence's cues of ``kinds``, in text order (selected once per sentence and
        kinds, kept on ``cue_memo`` and shared by later calls: a tuple, read only)."""
        found = self.cue_memo.get(kinds)
        if found is None:
            found = self.cue_memo[kinds] = tuple(c for c in self.cues if c.cue is not None and c.cue.cue in kinds)
        return found

    def actors(self, start: int | None = None, end: int | None = None) -> list[Entity]:
        start = self.sentence.start if start is None else start
        end = self.sentence.end if end is None else end
        return [e for e in self.entities if e.type in ACTOR_TYPES and start <= e.start and e.end <= end
                and e.attrs.get("kind") not in _HELPER_KINDS]


def build_contexts(doc: Document, lexicon: EventLexicon) -> list[SentenceContext]:
    """One context per sentence; the lexicons are matched once over the whole document."""
    norm = doc.normalized
    text = doc.text
    triggers = []
    for m in lexicon.triggers.find(norm.text):
        if m.payload.weight <= 0:
            continue  # a blocker: it only keeps a longer word (وزارة) from reading as a trigger (زار)
        start, end = norm.original_span(m.nstart, m.nend)
        triggers.append(Hit(start, end, text[start:end], m.prefix, m.suffix, trigger=m.payload))
    cues = []
    seen = set()
    for m in lexicon.cues.iter_all(norm.text):
        key = (m.nstart, m.nend, m.payload.cue)
        if key in seen:
            continue
        seen.add(key)
        start, end = norm.original_span(m.nstart, m.nend)
        cues.append(Hit(start, end, text[start:end], m.prefix, m.suffix, cue=m.payload))
    # a cue word inside a fixed phrase that means something else (لا يزال، ما لا يقل عن) is no cue
    masks = sorted((c.start, c.end) for c in cues if c.cue.cue == "mask")
    if masks:
        # a bisect over the masks by start, with the furthest end reached so far
        mask_starts = [s for s, _ in masks]
        reach = list(itertools.accumulate((e for _, e in masks), max))

        def masked(c: Hit) -> bool:
            k = bisect.bisect_right(mask_starts, c.start)
            return k > 0 and reach[k - 1] >= c.end

        cues = [c for c in cues if c.cue.cue != "mask" and not masked(c)]
    cues.sort(key=lambda h: h.start)
    triggers.sort(key=lambda h: h.start)
    starts = token_starts(doc.tokens)  # shared, read only
    entities = sorted(doc.entities, key=lambda e: e.start)
    trigger_starts = [h.start for h in triggers]
    cue_starts = [h.start for h in cues]
    entity_starts = [e.start for e in entities]
    contexts = []
    for sentence, whole in zip(doc.sentences, whole_sentences(doc.sentences)):
        start, end = sentence.start, sentence.end
        contexts.append(SentenceContext(
            doc, sentence,
            _within(triggers, trigger_starts, start, end),
            _within(cues, cue_starts, start, end),
            _within(entities, entity_starts, start, end),
            starts, whole))
    return contexts


def whole_sentences(sentences: list[Sentence]) -> list[tuple[int, int]]:
    """For each sentence, the span of the written sentence it is a piece of: a ``chained``
    sentence continues the one before it."""
    spans: list[tuple[int, int]] = []
    group: list[int] = []
    for i, sentence in enumerate(sentences):
        if not sentence.chained and group:
            spans += [(sentences[group[0]].start, sentences[group[-1]].end)] * len(group)
            group = []
        group.append(i)
    if group:
        spans += [(sentences[group[0]].start, sentences[group[-1]].end)] * len(group)
    return spans


def _within(items: list, starts: list[int], start: int, end: int) -> list:
    """Items (sorted by ``start``, ``starts`` their starts) lying wholly inside ``[start, end)``."""
    lo = bisect.bisect_left(starts, start)
    hi = bisect.bisect_left(starts, end, lo)
    return [x for x in items[lo:hi] if x.end <= end]
