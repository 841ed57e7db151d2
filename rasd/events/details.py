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
    """Fatalities and injuries stated next to casualty words inside ``spans``.

    Each number goes to the casualty word nearest to it: in ``قتل شرطيان وأصيب ثلاثة``
    the three are wounded, not killed.
    """
    numbers = [e for e in ctx.entities if e.type == "NUM" and isinstance(e.attrs.get("value"), int)]
    cues = [c for c in ctx.cues_of("killed", "injured") if any(s <= c.start < e for s, e in spans)]
    # every (distance, cue, number) pairing within reach, nearest first
    pairs = []
    for cue in ctx.cues_of("killed", "injured"):
        for num in numbers:
            d = _distance(ctx, cue, num)
            if d is not None:
                pairs.append((d, cue.start, cue, num))
    pairs.sort(key=lambda p: (p[0], p[1]))
    taken_numbers: set[int] = set()
    result: dict[str, int | None] = {"killed": None, "injured": None}
    for d, _, cue, num in pairs:
        if id(num) in taken_numbers:
            continue
        taken_numbers.add(id(num))
        if cue in cues:
            kind = cue.cue.cue
            result[kind] = max(result[kind] or 0, num.attrs["value"])
    return result["killed"], result["injured"]


def _distance(ctx: SentenceContext, cue: Hit, num: Entity) -> int | None:
    """Tokens from a casualty word to a number it may count, or None when out of reach."""
    if num.start < cue.end and cue.start < num.end:
        return 0  # a dual or a number inside the casualty word itself
    if num.start >= cue.end:
        d = ctx.distance(cue.end, num.start)
    elif num.end <= cue.start:
        d = ctx.distance(num.end, cue.start) + 1  # "3 قتلى" is as good as "قتل 3", a bit less
    else:
        return None
    reach = 1 if num.attrs.get("noun") else COUNT_REACH  # a dual counts its own noun: منزلين is not victims
    return d if d <= reach else None
