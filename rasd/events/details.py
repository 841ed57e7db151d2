"""Attribution (according to whom) and casualty counts of an event."""
from __future__ import annotations

from rasd.doc import Entity
from rasd.events.context import Hit, SentenceContext

__all__ = ["attribution", "casualties"]

COUNT_REACH = 4  # tokens between a casualty word and its number


COMPLEMENTISERS = ("ان", "انه", "انها", "انهم", "بان", "بانه", "بانها")
SPEAKER_REACH = 12  # tokens from a verb of saying to its "إنّ"


def speaker_span(ctx: SentenceContext) -> tuple[int, int] | None:
    """``وقال النقيب X من شرطة كركوك إن …``: from the verb of saying to its complementiser.

    Everyone named there is the source of the report, not a party to the event.
    """
    for cue in ctx.cues_of("attribution"):
        first = ctx.token_index(cue.end) + 1
        for tok in ctx.doc.tokens[first:first + SPEAKER_REACH]:
            if tok.start >= ctx.sentence.end:
                break
            if tok.norm in COMPLEMENTISERS:
                return cue.start, tok.start
    return None


def attribution(ctx: SentenceContext) -> tuple[str, tuple[int, int]] | None:
    """The source a sentence cites (``بحسب المرصد``, ``أفادت مصادر أمنية``), with its span."""
    text = ctx.doc.text
    for cue in ctx.cues_of("attribution"):
        following = [e for e in ctx.entities if e.type in ("ORG", "PERSON") and e.start >= cue.end
                     and ctx.distance(cue.end, e.start) <= 1]
        if following:
            ent = following[0]
            return ent.text, (ent.start, ent.end)
        # no known actor: the noun phrase after the cue, up to punctuation or a complementiser
        start = cue.end
        end = start
        words = 0
        for tok in ctx.doc.tokens[ctx.token_index(cue.end) + 1:]:
            if tok.start >= ctx.sentence.end or words >= 4:
                break
            gap = text[end:tok.start]
            if any(p in gap for p in ",،.:؛;\"“”«»(") or tok.norm in ("ان", "انه", "انها", "بان", "الى", "عن", "في"):
                break
            end = tok.end
            words += 1
        phrase = text[start:end].strip()
        if phrase:
            offset = text.index(phrase, start)
            return phrase, (offset, offset + len(phrase))
    return None


def casualties(ctx: SentenceContext, spans: list[tuple[int, int]]) -> tuple[int | None, int | None]:
    """Fatalities and injuries stated next to casualty words inside ``spans``."""
    numbers = [e for e in ctx.entities if e.type == "NUM" and isinstance(e.attrs.get("value"), int)]
    result: dict[str, int | None] = {"killed": None, "injured": None}
    for kind in result:
        for cue in ctx.cues_of(kind):
            if not any(s <= cue.start < e for s, e in spans):
                continue
            value = _number_near(ctx, cue, numbers)
            if value is not None:
                result[kind] = max(result[kind] or 0, value)
    return result["killed"], result["injured"]


def _number_near(ctx: SentenceContext, cue: Hit, numbers: list[Entity]) -> int | None:
    best = None
    for num in numbers:
        if num.start < cue.end and cue.start < num.end:
            return num.attrs["value"]  # a dual or a number inside the casualty word itself
        if num.start >= cue.end:
            d = ctx.distance(cue.end, num.start)
        elif num.end <= cue.start:
            d = ctx.distance(num.end, cue.start) + 1  # "3 قتلى" is as good as "قتل 3", a bit less
        else:
            continue
        reach = 1 if num.attrs.get("noun") else COUNT_REACH  # a dual counts its own noun: منزلين is not victims
        if d <= reach and (best is None or d < best[0]):
            best = (d, num.attrs["value"])
    return best[1] if best else None
