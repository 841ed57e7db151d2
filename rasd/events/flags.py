"""Denied, conditional, future and recalled events.

A flag is set from cue words (``rasd/data/events/cues.tsv``) in a scope around the
trigger: a negation governs only the next word or two (``لم يجد … بعد هجوم`` does not
deny the attack); a denial verb governs what follows it in the sentence; conditions,
future markers and recall markers govern their clause.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rasd.events.context import Hit, SentenceContext

__all__ = ["Flags", "flags_for"]

NEGATION_REACH = 2      # tokens between a negation word and the trigger it negates
RECALL_AGE_DAYS = 14    # an event dated this long before publication is a recalled one (a daily's news is this fortnight's)
RECENT_DAYS = 7         # an event dated at most this long before publication is news
FUTURE_AFTER_REACH = 4  # معركة استعادة مدينة الفلوجة ستبدأ: the act noun's genitives stand between


@dataclass
class Flags:
    negated: bool = False
    hypothetical: bool = False
    historical: bool = False


def flags_for(ctx: SentenceContext, main: Hit, clause: tuple[int, int],
              event_date: str | None, published: date | None, date_span: tuple[int, int] | None = None,
              date_precision: str | None = None) -> Flags:
    """Flags of the event led by ``main``. ``date_span``/``date_precision`` locate the
    event's own date: a day named in the trigger's clause, at most a week before
    publication (``أمس``), keeps later recall words from making the event historical."""
    flags = Flags()
    age = _age_days(event_date, published)
    recent_day = (date_precision == "day" and date_span is not None and clause[0] <= date_span[0] < clause[1]
                  and age is not None and 0 <= age <= RECENT_DAYS)
    c_start, c_end = clause
    for cue in ctx.cues:
        kind = cue.cue.cue
        before = cue.end <= main.start
        in_clause = c_start <= cue.start < c_end
        if kind == "negation" and before and ctx.distance(cue.end, main.start) < NEGATION_REACH:
            flags.negated = True
        elif kind == "denial" and before:
            flags.negated = True
        elif kind == "condition" and before and in_clause:
            flags.hypothetical = True
        elif kind == "future" and in_clause and before:
            flags.hypothetical = True
        elif kind == "future" and cue.cue.scope == "after" and in_clause and cue.start >= main.end \
                and ctx.distance(main.end, cue.start) < FUTURE_AFTER_REACH:
            flags.hypothetical = True  # معركة تحرير المدينة ستبدأ: the act noun's own future
        elif kind == "recall" and (in_clause or cue.cue.scope == "sentence"):
            if recent_day and cue.cue.scope in ("after", "sentence"):
                continue  # ``يذكر أن الجيش قصف البلدة صباح أمس``: the clause's own recent day wins
            if cue.cue.scope == "after" and cue.start < main.end:
                continue  # a recall marker that follows its noun (اتفاق X الموقع) must come after it
            if cue.cue.scope == "before" and not before:
                continue
            flags.historical = True
    if _reference(ctx, main):
        flags.historical = True
    if main.trigger.pos == "verb" and main.prefix.lstrip("وف").startswith("س") and len(main.prefix) >= 2:
        flags.hypothetical = True  # سيقصف، ستشن: the future prefix
    if ctx.text.rstrip("\"'”» ").endswith(("?", "؟")):
        flags.hypothetical = True  # a question reports nothing
    if _kana_qad(ctx, clause, main) and (age is None or age > RECALL_AGE_DAYS):
        # ``وكانت X قد …`` recalls background, unless a recent date says it is this week's news
        flags.historical = True
    if age is not None and age > RECALL_AGE_DAYS:
        flags.historical = True
    if age is not None and age < -1:
        flags.hypothetical = True  # dated after its own report: planned, expected, not happened
    return flags


def _age_days(event_date: str | None, published: date | None) -> int | None:
    if not event_date or not published:
        return None
    try:
        return (published - date.fromisoformat(event_date)).days
    except ValueError:
        return None


def _reference(ctx: SentenceContext, main: Hit) -> bool:
    """``خرقاً لاتفاق …``, ``الاتفاق الموقع``: the noun names an earlier event, not a new one.

    ``الجنود الذين قتلوا``: a verb in a plural relative clause describes people by what befell them.
    """
    if any(c.end <= main.start and ctx.distance(c.end, main.start) <= 0 for c in ctx.cues_of("relative")):
        return True
    if main.trigger.pos == "verb":
        return False
    for cue in ctx.cues_of("reference"):
        if cue.cue.scope == "before" and cue.end <= main.start and ctx.distance(cue.end, main.start) <= 0:
            return True
        if cue.cue.scope == "after" and cue.start >= main.end and ctx.distance(main.end, cue.start) <= 1:
            return True
    return False


def _kana_qad(ctx: SentenceContext, clause: tuple[int, int], main: Hit) -> bool:
    """``وكانت X قد شهدت …``: the pluperfect recalls an earlier period."""
    words = ctx.doc.normalized.text
    norm = ctx.doc.normalized
    ns, ne = norm.normalized_start(clause[0]), norm.normalized_start(main.start)
    tokens = words[ns:ne].split()
    if "قد" not in tokens:
        return False
    qad = tokens.index("قد")
    return any(t.lstrip("وف") in ("كان", "كانت", "كانوا") for t in tokens[:qad])
