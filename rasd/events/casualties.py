"""Casualty counts of an event: which numbers of its sentence are deaths, which injuries.

A number is a fatality count only when a death word (the ``killed`` cues of
``rasd/data/events/cues.tsv``: ``قتل``, ``مقتل``, ``لقي … حتفهم``, ``أودى بحياة``, ``مودية
بـ``…) governs it: it is the word's counted noun (``5 قتلى``) or stands within a few
words of it in the same clause, and no nearer word claims it — an injury word (``وأصيب
ثلاثة``) or a word of ``rasd/data/events/casualties.tsv`` that counts something else
(``اعتقال 20``, ``1,5 مليون مهجر``, ``(35 عاما)``, ``بنسبة 20``). A number that is a year,
a share or part of a date never counts. A count inside a running or historical total
(``منذ بداية العام``, ``منذ عام 2009``, ``خلال الأشهر``) is not one incident's; an earlier
toll (``حصيلة سابقة``, ``بعد أن كانت``) gives way to a later figure. A lone singular
victim counts one (``مقتل شخص``, ``قتل جندي``, ``سقوط قتيل``).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rasd.datafiles import read_tsv
from rasd.doc import Entity
from rasd.entities.numbers import duals_among
from rasd.errors import DataFileError
from rasd.events.context import Hit, SentenceContext
from rasd.text.matcher import PhraseMatcher

__all__ = ["Casualties", "CasualtyWord", "casualties", "load_casualty_words"]

COUNT_REACH = 4  # tokens between a casualty word and a number it may count
# A toll above this is kept only when the number stands right by its death word (``قتل
# 1500 شخص``, ``ألفي قتيل``) unqualified. Larger figures a few words away, or approximate
# (``مقتل نحو 25 ألف``), are national, war-long or historical totals far more often than one
# incident's dead (``إبادة قتل فيها 800 ألف``).
LARGE_TOLL = 1000
# No one incident of the kind reported here leaves this many dead, however the figure is
# written (``أدى القصف إلى مقتل 3870 مدنيا``): a monitor's tally of months, counted as a total.
NO_INCIDENT_TOLL = 2000
AGGREGATE_REACH = 12  # tokens before a count within which a running-total phrase governs it
AGGREGATE_AFTER = 6   # tokens after a count within which one governs it (قتل 700 شخص في هجمات منذ بداية العام)
MIXED_REACH = 2       # tokens from a count to بين قتيل وجريح
EARLIER_REACH = 8     # tokens before a count within which an earlier-toll phrase governs it
COORDINATION_WORDS = 3  # words between two counts joined by و that add up (3 جنود و5 مدنيين)

KINDS = ("victim", "one_dead", "plural_dead", "other_count", "counted_noun", "aggregate", "since", "earlier", "mixed", "comparison")
# a clause ends at punctuation; a comma between digits (1,5 مليون, 12,500) is part of a number
_CLAUSE_BREAK = re.compile(r"(?<!\d)[,،]|[,،](?!\d)|[؛;:.!?؟]|\s[-–—]\s")
_YEAR_RANGES = ((1900, 2100), (1340, 1500))  # Gregorian and Hijri years written as bare digits


@dataclass(frozen=True, slots=True)
class CasualtyWord:
    pattern: str
    kind: str
    value: int | None


@dataclass(frozen=True, slots=True)
class Casualties:
    """What a sentence says of an event's dead and wounded.

    ``earlier_toll``: the fatality figure is one the report itself calls earlier
    (``حصيلة سابقة``) and no later figure was found, so an incident may prefer another
    mention's. ``aggregate``: a death count stood by the event's death word but was a
    running or historical total, so it was not taken.
    Unpacks as ``fatalities, injuries``.
    """
    fatalities: int | None = None
    injuries: int | None = None
    earlier_toll: bool = False
    aggregate: bool = False

    def __iter__(self):
        return iter((self.fatalities, self.injuries))


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    prefix: str
    word: CasualtyWord


@dataclass(frozen=True, slots=True)
class _Head:
    """A word that may govern a number: ``killed``, ``injured`` or ``other``."""
    start: int
    end: int
    kind: str
    prefix: str
    text: str = ""  # the word as written when it carries an ending (قتلوه, مقتلهما)


@lru_cache(maxsize=8)
def load_casualty_words(extra: tuple[Path, ...] = ()) -> PhraseMatcher[CasualtyWord]:
    """The words of ``rasd/data/events/casualties.tsv``, then of the user's ``extra`` files
    (same columns)."""
    matcher: PhraseMatcher[CasualtyWord] = PhraseMatcher()
    rows = [row for source in ("events/casualties.tsv", *extra) for row in read_tsv(source, ("pattern", "kind"))]
    for row in rows:
        kind = row["kind"]
        if kind not in KINDS:
            raise DataFileError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})", where=f"{row.where}:kind")
        value = row.int("value")
        for variant in row["pattern"].split("|"):
            variant = variant.strip()
            if not variant:
                continue
            try:
                # verbs of arrest and flight (نزح → ينزح) take the imperfect prefixes
                matcher.add(variant, CasualtyWord(variant, kind, value),
                            verb=kind == "other_count" and len(variant.strip("*")) >= 3)
            except ValueError as exc:
                raise DataFileError(str(exc), where=f"{row.where}:pattern") from None
    return matcher


def casualties(ctx: SentenceContext, spans: list[tuple[int, int]],
               trigger: tuple[int, int] | None = None) -> Casualties:
    """Fatalities and injuries that casualty words inside ``spans`` (the event's clauses) govern.

    Each number goes to the word that governs it: its counted noun, else the nearest
    casualty word in its clause; in ``قتل شرطيان وأصيب ثلاثة`` the three are wounded.
    When the event's ``trigger`` span is itself a death word with a count (``تبنت الحركة
    قتل شرطيين`` after ``الهجوم الذي أوقع 32 قتيلا``), that count is the event's; otherwise
    the largest figure of the spans is.
    """
    words, heads, governed = _sentence_reading(ctx)

    def in_spans(head: _Head) -> bool:
        return any(s <= head.start < e for s, e in spans)

    counts: dict[str, list[tuple[Entity, _Head, int]]] = {"killed": [], "injured": []}
    earlier: dict[str, list[Entity]] = {"killed": [], "injured": []}
    claimed: set[tuple[int, int]] = set()  # casualty words that had a number, taken or not
    aggregate = False
    totals: set[_Head] = set()  # death words whose count is a total: their other counts are its parts
    for num, head, d in governed:
        if head.kind not in counts:
            continue
        claimed.add((head.start, head.end))
        if not in_spans(head):
            continue
        if _is_aggregate(ctx, num, words) or num.attrs["value"] >= NO_INCIDENT_TOLL:
            aggregate = aggregate or head.kind == "killed"
            totals.add(head)
            continue
        if num.attrs["value"] >= LARGE_TOLL and (d > 0 or num.attrs.get("qualifier")):
            continue  # نحو 25 ألف، أكثر من ألفي: a large round figure is a total
        if _is_earlier(ctx, num, words):
            earlier[head.kind].append(num)
            continue
        counts[head.kind].append((num, head, d))
    result: dict[str, int | None] = {}
    for kind in ("killed", "injured"):
        # مقتل 3870 مدنيا بينهم 912 طفلا: the children are part of the total
        counts[kind] = [c for c in counts[kind] if c[1] not in totals]
        result[kind] = _figure(ctx, counts[kind], words, trigger)
        if result[kind] is None and not earlier[kind]:
            free = [h for h in heads if h.kind == kind and in_spans(h)
                    and not any(s < h.end and h.start < e for s, e in claimed)]
            result[kind] = _single_victim(ctx, free, words)
    earlier_toll = result["killed"] is None and bool(earlier["killed"])
    if earlier_toll:
        result["killed"] = max(n.attrs["value"] for n in earlier["killed"])
    if result["injured"] is None and earlier["injured"]:
        result["injured"] = max(n.attrs["value"] for n in earlier["injured"])
    return Casualties(result["killed"], result["injured"], earlier_toll,
                      aggregate and result["killed"] is None)


def _sentence_reading(ctx: SentenceContext) -> tuple[list[_Word], list[_Head], list[tuple[Entity, _Head, int]]]:
    """The sentence's casualty words, the words that can govern a count, and each count
    with the word that governs it: the same for every event of the sentence, so worked out
    for its first event and kept on ``memo`` (only read)."""
    found = ctx.memo.get("casualty_reading")
    if found is None:
        words = _casualty_words(ctx)
        # the word as written, for its pronoun, where an ending was matched (اصابه for إصابة has none)
        heads = [_Head(c.start, c.end, c.cue.cue, c.prefix, c.text if c.suffix or c.cue.pattern.endswith("*") else "")
                 for c in ctx.cues_of("killed", "injured")
                 if not _inside_name(ctx, c) and not _inside_mixed(c, words)]
        heads += [_Head(w.start, w.end, "other", w.prefix) for w in words if w.word.kind == "other_count"]
        numbers = [e for e in _numbers(ctx) if not _not_a_count(ctx, e, words)]
        found = ctx.memo["casualty_reading"] = (words, heads, _govern(ctx, heads, numbers))
    return found


# -- the rules, one each ---------------------------------------------------------------

def _casualty_words(ctx: SentenceContext) -> list[_Word]:
    """The words of ``casualties.tsv`` in the sentence, in original offsets (matched once
    per sentence, for its first event; the list is only read)."""
    found = ctx.memo.get("casualty_words")
    if found is None:
        found = ctx.memo["casualty_words"] = _match_casualty_words(ctx)
    return found


def _match_casualty_words(ctx: SentenceContext) -> list[_Word]:
    norm = ctx.doc.normalized
    lo, hi = norm.normalized_start(ctx.sentence.start), norm.normalized_start(ctx.sentence.end)
    out = []
    for m in load_casualty_words().find(norm.text, lo, hi):
        start, end = norm.original_span(m.nstart, m.nend)
        out.append(_Word(start, end, m.prefix, m.payload))
    return out


def _inside_name(ctx: SentenceContext, cue: Hit) -> bool:
    """``كتيبة شهداء أبو سليم``, ``ساحة الشهداء``: a casualty word inside a name counts nobody."""
    return any(e.type in ("ORG", "LOC", "PERSON") and e.attrs.get("kind") != "generic"
               and e.start <= cue.start and cue.end <= e.end and (e.end - e.start) > (cue.end - cue.start)
               for e in ctx.entities)


def _inside_mixed(cue: Hit, words: list[_Word]) -> bool:
    return any(w.word.kind == "mixed" and w.start <= cue.start < w.end for w in words)


def _numbers(ctx: SentenceContext) -> list[Entity]:
    """The NUM entities of the sentence, and the duals that the actor dictionary took as
    names (``جنديين`` is the generic actor "soldiers" and two of them)."""
    nums = [e for e in ctx.entities if e.type == "NUM" and isinstance(e.attrs.get("value"), int)]
    first = max(ctx.token_index(ctx.sentence.start), 0)
    last = bisect.bisect_left(ctx.token_starts, ctx.sentence.end, first)
    tokens = ctx.doc.tokens[first:last]
    for k, noun in duals_among([t.norm for t in tokens]):
        tok = tokens[k]
        if not any(n.start < tok.end and tok.start < n.end for n in nums):
            nums.append(Entity("NUM", tok.start, tok.end, ctx.doc.text[tok.start:tok.end],
                               attrs={"value": 2, "noun": noun}))
    return sorted(nums, key=lambda e: e.start)


def _not_a_count(ctx: SentenceContext, num: Entity, words: list[_Word]) -> bool:
    """A year (``في أحداث 2011``), a share (``20%``) or a number whose counted noun is
    something other than people (``72 عاما``, ``100 دولار``, ``1,5 مليون مهجر``)."""
    text = ctx.doc.text
    after = text[num.end:num.end + 3].lstrip()
    if after[:1] in ("%", "٪"):
        return True
    noun = _counted_word(ctx, num, words)
    if noun is not None and noun.word.kind in ("other_count", "counted_noun"):
        return True
    if any(w.word.kind == "mixed" and w.start >= num.end and ctx.distance(num.end, w.start) <= MIXED_REACH
           for w in words):
        return True  # 250 شخصا بين قتيل وجريح
    return _looks_like_year(num) and (noun is None or noun.word.kind not in ("victim", "one_dead")) \
        and not _counted_by_casualty_cue(ctx, num)


def _looks_like_year(num: Entity) -> bool:
    digits = num.text.strip()
    if not (len(digits) == 4 and digits.isdigit()):
        return False
    return any(lo <= num.attrs["value"] <= hi for lo, hi in _YEAR_RANGES)


def _counted_word(ctx: SentenceContext, num: Entity, words: list[_Word]) -> _Word | None:
    """The casualties.tsv word in the token right after ``num`` (its counted noun), if any."""
    following = next((w for w in words if w.start >= num.end), None)
    if following is None or ctx.distance(num.end, following.start) != 0 or following.prefix.startswith(("و", "ف")):
        return None
    return following


def _counted_by_casualty_cue(ctx: SentenceContext, num: Entity) -> bool:
    return any(c.start >= num.end and ctx.distance(num.end, c.start) == 0
               for c in ctx.cues_of("killed", "injured"))


def _govern(ctx: SentenceContext, heads: list[_Head], numbers: list[Entity]) -> list[tuple[Entity, _Head, int]]:
    """Each number with the word that governs it and their distance in tokens.

    A number's counted noun (``5 قتلى``, ``20 معتقلا``) governs it first; otherwise the
    nearest word in reach, a number standing between them counting as a word.
    """
    out: list[tuple[Entity, _Head, int]] = []
    pairs = []
    for num in numbers:
        noun = _counted_head(ctx, num, heads)
        if noun is not None:
            out.append((num, noun, 0))
            continue
        for head in heads:
            d = _distance(ctx, head, num, numbers)
            if d is not None:
                pairs.append((d, head.start, id(num), num, head))
    pairs.sort(key=lambda p: (p[0], p[1]))
    taken = {id(n) for n, _, _ in out}
    for d, _, key, num, head in pairs:
        if key in taken:
            continue
        taken.add(key)
        out.append((num, head, d))
    return out


def _counted_head(ctx: SentenceContext, num: Entity, heads: list[_Head]) -> _Head | None:
    """The casualty word right after a number, unless a conjunction opens it (``مقتل 3
    وإصابة 5``: إصابة counts the five, not the three)."""
    if num.attrs.get("noun"):
        return None  # a dual is its own noun (قتيلين); the word around it is found by distance
    for head in heads:
        if head.start >= num.end and ctx.distance(num.end, head.start) == 0 \
                and not head.prefix.startswith(("و", "ف")) and _no_break(ctx, num.end, head.start):
            return head
    return None


def _distance(ctx: SentenceContext, head: _Head, num: Entity, numbers: list[Entity]) -> int | None:
    """Tokens from a casualty word to a number it may count, or None when out of reach."""
    if num.start < head.end and head.start < num.end:
        return 0  # a dual or a number inside the casualty word itself
    if num.start >= head.end:
        gap = (head.end, num.start)
        d = ctx.distance(head.end, num.start)
    elif num.end <= head.start:
        gap = (num.end, head.start)
        d = ctx.distance(num.end, head.start) + 1  # "3 قتلى" is as good as "قتل 3", a bit less
    else:
        return None
    if not _no_break(ctx, *gap):
        return None
    if num.start >= head.end and _conjoined(ctx, num) and any(
            other is not num and other.end <= head.start and ctx.distance(other.end, head.start) == 0
            for other in numbers):
        return None  # 15 ألف قتيل و1,5 مليون مهجر: قتيل is the noun of the first count only
    # another number between them makes this one the second of a list (قتل 3 و5 آخرون أصيبوا)
    d += sum(1 for other in numbers if other is not num and gap[0] <= other.start and other.end <= gap[1])
    reach = 1 if num.attrs.get("noun") else COUNT_REACH  # a dual counts its own noun: منزلين is not victims
    return d if d <= reach else None


def _conjoined(ctx: SentenceContext, num: Entity) -> bool:
    """The number opens a new conjunct: ``و3``, ``وثلاثة``, ``و 3``."""
    before = ctx.doc.text[max(ctx.sentence.start, num.start - 2):num.start]
    # وأحد folds to واحد ("one") and is read as one number word, و included
    return before.endswith("و") or before == "و " or num.text.startswith(("وأ", "وإ"))


def _no_break(ctx: SentenceContext, start: int, end: int) -> bool:
    """No clause boundary (comma, semicolon, dash) between two offsets of the sentence."""
    return _CLAUSE_BREAK.search(ctx.doc.text, start, end) is None if end > start else True


def _clause(ctx: SentenceContext, offset: int) -> tuple[int, int]:
    """The clause around ``offset``, cut where :data:`_CLAUSE_BREAK` cuts."""
    text = ctx.doc.text
    start, end = ctx.sentence.start, ctx.sentence.end
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        if m.end() <= offset:
            start = m.end()
        elif m.start() >= offset:
            end = m.start()
            break
    return start, end


def _is_aggregate(ctx: SentenceContext, num: Entity, words: list[_Word]) -> bool:
    """A running or historical total: ``منذ بداية العام``, ``خلال الأشهر`` or ``منذ`` with a
    month or a year, before the count in its clause (or a few words back), or just after it."""
    clause = _clause(ctx, num.start)
    compared = [w.end for w in words if w.word.kind == "comparison"]
    for w in words:
        if w.word.kind not in ("aggregate", "since") or _compared(ctx, w, compared):
            continue
        before = w.end <= num.start and (clause[0] <= w.start or _shortly_before(ctx, w, num, AGGREGATE_REACH))
        after = w.start >= num.end and w.start < clause[1] and ctx.distance(num.end, w.start) <= AGGREGATE_AFTER
        if (before or after) and (w.word.kind == "aggregate" or _since_month_or_year(ctx, w)):
            return True
    return False


def _compared(ctx: SentenceContext, w: _Word, comparison_ends: list[int]) -> bool:
    """``الأعنف منذ أشهر``: a period right after a superlative compares, it makes no total."""
    return any(end <= w.start and ctx.distance(end, w.start) == 0 for end in comparison_ends)


def _shortly_before(ctx: SentenceContext, w: _Word, num: Entity, reach: int) -> bool:
    return w.end <= num.start and ctx.distance(w.end, num.start) <= reach


def _since_month_or_year(ctx: SentenceContext, since: _Word) -> bool:
    """``منذ عام 2009``, ``منذ أبريل 2014``, ``منذ 2009``, ``منذ ثلاث سنوات``: a period, not
    the hours of one day (``منذ الصباح``, ``منذ فجر اليوم``)."""
    for e in ctx.entities:
        holds = e.start <= since.start < e.end  # منذ ثلاث سنوات is one DATE
        follows = e.start >= since.end and ctx.distance(since.end, e.start) == 0
        if not (holds or follows):
            continue
        if e.type == "DATE":
            expr = e.attrs.get("expr")
            if getattr(expr, "kind", None) == "ago" and getattr(expr, "offset", None) is not None:
                continue  # منذ شهرين: two months ago, a point in time
            if getattr(expr, "precision", None) in ("month", "year", "unknown") \
                    or getattr(expr, "unit", None) in ("month", "year"):
                return True
        elif e.type == "NUM" and follows and _looks_like_year(e):
            return True
    return False


def _is_earlier(ctx: SentenceContext, num: Entity, words: list[_Word]) -> bool:
    """``حصيلة سابقة``, ``بعد أن كانت``, ``في وقت سابق`` before the count, in its clause or shortly before."""
    clause = _clause(ctx, num.start)
    return any(w.word.kind == "earlier" and w.end <= num.start
               and (clause[0] <= w.start or _shortly_before(ctx, w, num, EARLIER_REACH)) for w in words)


def _figure(ctx: SentenceContext, counts: list[tuple[Entity, _Head, int]], words: list[_Word],
            trigger: tuple[int, int] | None) -> int | None:
    """One figure per casualty word (its counts combined); the trigger's own word wins, else the largest."""
    by_head: dict[_Head, list[tuple[Entity, _Head, int]]] = {}
    for count in counts:
        by_head.setdefault(count[1], []).append(count)
    figures = {head: (_combine(ctx, group, words) or 0) + _leading_victims(ctx, head, group, words)
               for head, group in by_head.items()}
    if not figures:
        return None
    if trigger is not None:
        own = [v for h, v in figures.items() if h.start < trigger[1] and trigger[0] < h.end]
        if own:
            return max(own)
    return max(figures.values())


def _leading_victims(ctx: SentenceContext, head: _Head, group: list[tuple[Entity, _Head, int]],
                     words: list[_Word]) -> int:
    """``قتل قائد عسكري وأحد العناصر``, ``مقتل ضابط و3 جنود``: singular victims named
    between the death word and a count joined to them by و."""
    first = min((c[0] for c in group), key=lambda n: n.start)
    if first.start < head.end or not _conjoined(ctx, first):
        return 0
    lead = next((w for w in words if w.word.kind == "victim" and _right_after(ctx, head, w.start)
                 and not w.prefix.startswith(("و", "ف"))), None)
    if lead is None or lead.end > first.start:
        return 0
    return 1 + _and_more(ctx, lead.end, [w for w in words if w.end <= first.start])


def _combine(ctx: SentenceContext, counts: list[tuple[Entity, _Head, int]], words: list[_Word]) -> int | None:
    """One figure from the counts of one kind: counts joined by و add up (``3 جنود و5
    مدنيين``, ``أربعة مدنيين وجندي``); otherwise the largest (``5 أشخاص بينهم 3 أطفال``)."""
    if not counts:
        return None
    ordered = sorted(counts, key=lambda c: c[0].start)
    best = 0
    run = ordered[0][0].attrs["value"]
    for (prev, prev_head, _), (num, head, _) in zip(ordered, ordered[1:]):
        if head == prev_head and _coordinated(ctx, prev, num):
            run += num.attrs["value"]
        else:
            best = max(best, run + _and_more(ctx, prev.end, words))
            run = num.attrs["value"]
    return max(best, run + _and_more(ctx, ordered[-1][0].end, words))


def _and_more(ctx: SentenceContext, end: int, words: list[_Word]) -> int:
    """Singular victims joined by و right after a count or a victim: ``وجندي``, ``ورجل``."""
    extra = 0
    for w in words:
        if w.start < end:
            continue
        if not (w.word.kind == "victim" and w.prefix.startswith("و") and ctx.distance(end, w.start) <= 1
                and _no_break(ctx, end, w.start)):
            break
        extra += 1
        end = w.end
    return extra


def _coordinated(ctx: SentenceContext, first: Entity, second: Entity) -> bool:
    """``3 جنود و5 مدنيين``: و as the clitic of the second count, a counted noun or two before it."""
    between = ctx.doc.text[first.end:second.start]
    if not (between.endswith("و") and (len(between) == 1 or between[-2].isspace())):
        return False
    return _no_break(ctx, first.end, second.start) and len(between[:-1].split()) <= COORDINATION_WORDS


def _single_victim(ctx: SentenceContext, cues: list[_Head], words: list[_Word]) -> int | None:
    """One victim, when no number is given: ``سقوط قتيل``, ``لقي حتفه``, ``مقتل شخص``,
    ``قتل جندي``, ``مقتل أحد الجنود``, a named person right after the death word, or a
    singular pronoun on it (``أطلق النار عليه وقتله``)."""
    for cue in cues:
        if any(w.word.kind == "plural_dead" and w.start < cue.end and cue.start < w.end for w in words):
            continue
        pronoun = _object_pronoun_count(cue.text)
        if pronoun:
            return pronoun
        for w in words:
            if w.word.kind == "one_dead" and w.start < cue.end and cue.start < w.end:
                return 1
            if w.word.kind == "victim" and _right_after(ctx, cue, w.start) and not w.prefix.startswith(("و", "ف")):
                return 1 + _and_more(ctx, w.end, words)
        if any(e.type == "PERSON" and e.attrs.get("kind") != "generic" and _right_after(ctx, cue, e.start)
               for e in ctx.entities):
            return 1
    return None


def _object_pronoun_count(word: str) -> int | None:
    """``قتله``, ``قتلوه``, ``مقتلها``: one victim; ``مقتلهما``: two; ``قتلهم``: not said.
    Read on the word as written: ``قتلة`` (killers) ends in ة, not in the pronoun ه."""
    if word.endswith("هما"):
        return 2
    if word.endswith(("ه", "ها")):
        return 1
    return None


def _right_after(ctx: SentenceContext, cue: _Head, start: int) -> bool:
    return start >= cue.end and ctx.distance(cue.end, start) == 0 and _no_break(ctx, cue.end, start)
