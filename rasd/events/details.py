"""Attribution (according to whom) and casualty counts of an event.

The casualty rules live in :mod:`rasd.events.casualties`; :func:`casualties` is
re-exported here for the events stage.
"""
from __future__ import annotations

from rasd.events.casualties import Casualties, casualties
from rasd.events.context import SentenceContext

__all__ = ["attribution", "casualties", "Casualties", "speaker_span"]


COMPLEMENTISERS = ("ان", "انه", "انها", "انهم", "انهما", "اننا", "انني", "بان", "بانه", "بانها", "باننا")
OPENING_QUOTES = ('"', "«", "“")
SPEAKER_REACH = 18  # tokens from a verb of saying to its "إنّ" (المتحدث الرسمي لهيئة … بمنطقة … الرائد فلان أن)


def speaker_span(ctx: SentenceContext) -> tuple[int, int] | None:
    """``وقال النقيب X من شرطة كركوك إن …``: from the verb of saying to its complementiser.

    Everyone named there is the source of the report, not a party to the event.
    """
    text = ctx.doc.text
    for cue in ctx.cues_of("attribution"):
        first = ctx.token_index(cue.end) + 1
        end = cue.end
        for tok in ctx.doc.tokens[first:first + SPEAKER_REACH]:
            if tok.start >= ctx.sentence.end:
                break
            if tok.norm in COMPLEMENTISERS or any(q in text[end:tok.start] for q in OPENING_QUOTES):
                return cue.start, tok.start  # إنّ …, or the words quoted: «…», "…"
            end = tok.end
    return None


def _complementiser_between(ctx: SentenceContext, start: int, end: int) -> bool:
    """``وقال إن رئاسة الإقليم طالبت``: what follows إن is what was said, not who said it."""
    return any(tok.norm in COMPLEMENTISERS for tok in ctx.doc.tokens[ctx.token_index(start) + 1:ctx.token_index(end)])


def attribution(ctx: SentenceContext) -> tuple[str, tuple[int, int]] | None:
    """The source a sentence cites (``بحسب المرصد``, ``أفادت مصادر أمنية``), with its span."""
    text = ctx.doc.text
    for cue in ctx.cues_of("attribution"):
        following = [e for e in ctx.entities if e.type in ("ORG", "PERSON") and e.start >= cue.end
                     and ctx.distance(cue.end, e.start) <= 1 and not _complementiser_between(ctx, cue.end, e.start)]
        if following:
            ent = following[0]
            return ent.text, (ent.start, ent.end)
        # no known actor: the noun phrase after the cue, up to punctuation or a complementiser
        start = cue.end
        end = start
        words = 0
        dates = [(e.start, e.end) for e in ctx.entities if e.type == "DATE"]
        for tok in ctx.doc.tokens[ctx.token_index(cue.end) + 1:]:
            if tok.start >= ctx.sentence.end or words >= 4:
                break
            if any(s <= tok.start < e for s, e in dates):
                if words:
                    break
                start = end = tok.end  # أعلن أمس …: the day, not the source
                continue
            gap = text[end:tok.start]
            if any(p in gap for p in ",،.:؛;\"“”«»(") or tok.norm in ("ان", "انه", "انها", "بان", "الى", "عن", "في") \
                    or any(t.start <= tok.start < t.end for t in ctx.triggers):
                break  # أعلن الجيش مقتل …: the act announced is no source
            end = tok.end
            words += 1
        phrase = text[start:end].strip()
        if phrase:
            offset = text.index(phrase, start)
            return phrase, (offset, offset + len(phrase))
    return None
