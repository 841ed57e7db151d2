"""Status before type: does the clause report that the event took place?

Most violent words in news are not reports of a new event: a reference to an earlier
attack, a generic statement, a metaphor, an accusation, a warning, a motive, a running
total, a seized weapon, speculation. This stage gives each candidate event a ``status``
and keeps only those that report a happening (``reported``; ``recalled`` ones carry
``historical``).

Evidence is weighed in this order, for every trigger word of the event:
1. **rules** (:data:`STATUS_RULES` for the violent types, :data:`GENERAL_RULES` for every
   type, :data:`NON_VIOLENT_RULES` for the others): small named functions over cue phrases
   of ``rasd/data/events/status.tsv`` (users add their own with ``Options.status_files``);
   each returns a status or ``None``;
2. **confirming rules** (:data:`CONFIRMING_RULES`): an agent phrase naming the doer, a
   sufferer named as suffering the act — the event is reported;
3. **a learned model** (:class:`StatusModel`, ``rasd/data/events/status_model.json``):
   logistic regression over features of the candidate and its sentence, trained by
   ``scripts/train_status.py`` on the project's labelled dev data; it screens the violent
   types only. It is deterministic and small; ``Options.status_model`` replaces it and
   ``EventStatus(options, model=False)`` runs without it.

Dropped candidates can be kept for analysis with ``Options.keep_unreported_events``.
"""
from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from itertools import repeat
from pathlib import Path
from typing import Callable

from rasd.actors import sectors
from rasd.actors.dictionary import load_actors
from rasd.datafiles import read_tsv
from rasd.doc import Document, Event, Token
from rasd.errors import DataFileError
from rasd.events.lexicon import load_lexicon
from rasd.events.ontology import ontology
from rasd.options import Options
from rasd.text.matcher import PhraseMatcher
from rasd.text.tokenize import token_starts

__all__ = ["StatusCue", "StatusModel", "EventStatus", "Candidate", "candidate_features", "rule_status",
           "STATUS_RULES", "GENERAL_RULES", "NON_VIOLENT_RULES", "CONFIRMING_RULES", "TYPE_RULES", "retype", "load_status_cues", "load_status_model",
           "KEPT_STATUSES"]

KEPT_STATUSES = ("reported", "recalled")
WINDOW = 4            # tokens each side of the trigger that describe it
CUE_REACH = 6         # tokens from a `before` cue to the trigger it governs
QUOTES = ("«", "“", '"')
CASES_REACH = 3       # حالات اختطاف واعتداء واعتقال: the list of kinds counted
AGENT_REACH = 12      # tokens from a trigger to the agent phrase naming its doer (the event's other words lie between)
MAX_READINGS = 6      # trigger words of one event read for its status
MODEL_MIN_TOKENS = 15  # shorter sentences with a named doer are left to the rules
AIM_REACH = 2     # لبدء المفاوضات، من أجل ضرب المتظاهرين
CALL_REACH = 10   # دعا أمس الحكومة وحزب العمال إلى وقف العنف وبدء مفاوضات: the addressee stands between
OBJECT_REACH = 4  # استدعت الخارجية المصرية السفير: the subject may stand between
SUBJECT_GAP = 4   # tokens from a verb to its doer's name: a title between (وزير الخارجية الإيراني)
HOSTAGE_REACH = 6  # the held stand between the verb and رهائن


@dataclass(frozen=True, slots=True)
class StatusCue:
    pattern: str
    status: str     # the status a candidate takes when the cue governs it
    scope: str      # before | after | sentence


@dataclass(frozen=True)
class StatusLexicon:
    matcher: PhraseMatcher[StatusCue]


def _status_sources(extra: tuple[Path, ...]) -> list[str | Path]:
    return ["events/status.tsv"] + [Path(p) for p in extra]


@lru_cache(maxsize=8)
def load_status_cues(extra: tuple[Path, ...] = ()) -> StatusLexicon:
    matcher: PhraseMatcher[StatusCue] = PhraseMatcher()
    for source in _status_sources(extra):
        for row in read_tsv(source, ("pattern", "status", "scope")):
            for variant in row["pattern"].split("|"):
                if variant.strip():
                    matcher.add(variant, StatusCue(variant.strip(), row["status"], row["scope"]),
                                verb=len(variant.strip()) >= 3)
    return StatusLexicon(matcher)


# ---------------------------------------------------------------- the candidate's surroundings

INSTRUMENT_PREFIXES = ("ب", "بال")  # هجوم بسيارة مفخخة، هجمات بالصواريخ: what the act was done with


@dataclass
class Candidate:
    """What the status rules and the model look at for one event."""
    event: Event
    tokens: list[Token]                     # the sentence's tokens
    trigger_index: int                      # index in ``tokens`` of the trigger's first token
    # (index of the cue's first token, of its last token, the cue)
    cues: list[tuple[int, int, StatusCue]] = field(default_factory=list)
    trigger_indexes: list[int] = field(default_factory=list)  # every trigger word of the event, main first
    shared: dict = field(default_factory=dict)  # what all readings of the candidate share (sentence features)
    act_tokens: frozenset[int] = frozenset()  # words right before a trigger word that name an attack (parts of an attack only)
    simile_tokens: frozenset[int] = frozenset()  # trigger words the lexicon read with the simile ك (كتعزيزات)

    def at(self, index: int) -> "Candidate":
        """The same candidate read from another of its trigger words."""
        return replace(self, trigger_index=index)

    def readings(self) -> list["Candidate"]:
        """The candidate read from each of its trigger words (a bounded number: a sentence of
        nothing but trigger words must not cost the square of its length). A word that hangs
        on the trigger word before it (``وراء اغتيال وقتل``, ``قتل في انفجار سيارة``) shares
        that word's governor, so it is no reading of its own: the chain is read from its head."""
        indexes = list(dict.fromkeys(self.trigger_indexes or [self.trigger_index]))
        own = set(indexes)
        heads = dict.fromkeys(self._head(i, own) for i in indexes)
        return [self.at(i) for i in list(heads)[:MAX_READINGS]]

    def _head(self, i: int, own: set[int]) -> int:
        """The trigger word that word ``i`` hangs on, through the words it is joined to by و
        (``خطفه وقتله``), as their genitive (``انفجار سيارة``) or after في (``قتل في انفجار``)."""
        while 0 < i < len(self.tokens):
            bare = not self.tokens[i].prefix
            # a genitive follows a noun without the article (انفجار سيارة; القصف استهدف is a clause)
            genitive = bare and "ال" not in self.tokens[i - 1].prefix
            # the instrument right after an act (هجمات بسيارات مفخخة) is part of it; not past a
            # word (قامت امرأتان بتفجير: the verbal noun of قامت, an act of its own)
            instrument = self.tokens[i].prefix in INSTRUMENT_PREFIXES
            if i - 1 in own and (genitive or instrument or self.tokens[i].prefix.startswith("و")):
                i -= 1
            elif i - 2 in own and bare and self.tokens[i - 1].norm == "في":
                i -= 2
            else:
                break
        return i

    def cue_before(self, status: str, reach: int = CUE_REACH) -> bool:
        """A cue of ``status`` ends at most ``reach`` tokens before the trigger."""
        return any(c.status == status and c.scope in ("before", "sentence")
                   and (c.scope == "sentence" or 0 <= self.trigger_index - last <= reach)
                   for first, last, c in self.cues)

    def cue_after(self, status: str, reach: int = CUE_REACH) -> bool:
        """A cue of ``status`` starts at most ``reach`` tokens after the trigger."""
        return any(c.status == status and c.scope in ("after", "sentence")
                   and (c.scope == "sentence" or 0 < first - self.trigger_index <= reach)
                   for first, last, c in self.cues)


def _candidate(doc: Document, event: Event, cue_hits: list[tuple[int, int, StatusCue]],
               cue_starts: list[int], token_starts: list[int]) -> Candidate:
    """``cue_hits`` sorted by start, ``cue_starts`` their starts: each event looks only at
    the cues of its own sentence."""
    lo = bisect.bisect_left(token_starts, event.span[0])
    hi = bisect.bisect_left(token_starts, event.span[1])
    tokens = doc.tokens[lo:hi]
    trigger_spans = event.trigger_spans or [event.trigger_span]
    indexes = [max(bisect.bisect_right(token_starts, t[0]) - 1 - lo, 0) for t in trigger_spans]
    trigger_tokens = set(indexes)
    cues = []
    for s, e, cue in cue_hits[bisect.bisect_left(cue_starts, event.span[0]):bisect.bisect_left(cue_starts, event.span[1])]:
        if e > event.span[1]:
            continue
        first = bisect.bisect_right(token_starts, s) - 1 - lo
        last = bisect.bisect_left(token_starts, e) - 1 - lo
        if not trigger_tokens.intersection(range(first, last + 1)):  # a cue inside a trigger word is the trigger
            cues.append((first, last, cue))
    return Candidate(event, tokens, indexes[0], cues, indexes)


# ---------------------------------------------------------------- rules

LARGE_TOLL = 100  # a toll this large over a span of months is a running total


def aggregate_total(c: Candidate) -> str | None:
    """``منذ بداية العام … قتيلاً``: a running total, not one incident."""
    if c.event.aggregate:
        return "aggregate"  # the casualty step found the count to be a total
    if c.cue_before("cases", reach=CASES_REACH):
        return "aggregate"  # حالات اختطاف واعتداء واعتقال: counted cases
    if c.cue_before("aggregate", reach=12) or c.cue_after("aggregate", reach=8):
        return "aggregate"
    if c.event.fatalities and c.cue_before("report_tally"):
        return "aggregate"  # وبحسب التقرير قتلت القوات 87 شخصا: a report's count
    # قتلت الطائرات 3042 من عناصر التنظيم بينهم عشرات القياديين خلال 10 أشهر: a toll of
    # hundreds is a total when a span of months closes its sentence, however long the victims
    large = (c.event.fatalities or 0) >= LARGE_TOLL
    return "aggregate" if large and c.cue_after("aggregate", reach=len(c.tokens)) else None


def accusation(c: Candidate) -> str | None:
    """``اتهمت المنظمة الأجهزة الأمنية بتعذيب المعتقلين``: a charge (ACCUSE), not the act."""
    return "accusation" if c.cue_before("accusation", reach=8) else None


def warning_or_threat(c: Candidate) -> str | None:
    """``حذّر من هجمات محتملة``: a warning of an act that has not happened."""
    return "warning" if c.cue_before("warning") or c.cue_after("warning", reach=2) else None


def motive(c: Candidate) -> str | None:
    """``انتقاماً لمقتل …``: the cause of another act, reported before."""
    return "motive" if c.cue_before("motive", reach=2) else None


def generic_statement(c: Candidate) -> str | None:
    """``عند وقوع الانفجارات``, ``من حين لآخر``: violence in general, no happening."""
    return "generic" if c.cue_before("generic", reach=3) or c.cue_after("generic", reach=3) else None


def reference(c: Candidate) -> str | None:
    """``منذ تفجيرات العام الماضي``, ``على خلفية اغتيال``: an earlier event named as a landmark."""
    return "reference" if c.cue_before("reference", reach=2) else None


INDEFINITE_REACH = 2


def indefinite(c: Candidate) -> str | None:
    """``لردع أي هجوم``, ``لأي محاولة اعتداء``: any act of the kind, none in particular (a
    noun such as محاولة or نوع may stand between)."""
    return "generic" if c.cue_before("indefinite", reach=INDEFINITE_REACH) else None


def aim(c: Candidate) -> str | None:
    """``لبدء المفاوضات``, ``لاستقبال المساعدات``, ``من أجل ضرب المتظاهرين``: a verbal noun of
    aim governs the trigger; what is to be done has not been done (the trigger's own ل is
    :func:`purpose`). For the non-violent types: after ``لوقف`` a violent trigger often names
    the people stopped (``لوقف متظاهر``)."""
    return "purpose" if c.cue_before("aim", reach=AIM_REACH) else None


def called_for(c: Candidate) -> str | None:
    """``دعا الطرفين إلى وقف العنف وبدء مفاوضات``, ``طالبوا بالإفراج عن المعتقلين``: the content
    of a call or a demand is asked for, not done; the call itself is the event (REQUEST).
    A toll in the clause still reports a violent act (``طالب بمحاسبة المسؤولين عن الهجوم
    الذي أودى بحياة …``)."""
    ev = c.event
    if ontology().speech(ev.plover_type) or ev.fatalities or ev.injuries:
        return None
    return "requested" if any(_asked_for(c, last) for first, last, cue in c.cues
                              if cue.status == "call" and 0 <= c.trigger_index - last <= CALL_REACH) else None


CALL_LINKS = frozenset({"الي", "الى"})  # دعا … إلى: what is called for follows
CALL_PREFIXES = ("ب", "وب", "بال", "وبال")  # طالبوا بالإفراج، نطالب حزب العمال بإخراج قواعده


def _asked_for(c: Candidate, call_end: int) -> bool:
    """The trigger stands in what the call asks for (after إلى or a ب-noun), not in who calls
    (``ودعا متظاهرون … إلى الإفراج``: the protesters are the callers)."""
    between = c.tokens[call_end + 1:c.trigger_index + 1]
    return any(t.norm in CALL_LINKS or t.prefix in CALL_PREFIXES for t in between)


SIMILE_PREFIXES = ("ك", "وك", "كال", "وكال")


def as_what(c: Candidate) -> str | None:
    """``في طريقها كتعزيزات للمسلحين``, ``وصفه كهجوم``: a noun with كـ says what something is
    or is like, not that the act took place."""
    toks, i = c.tokens, c.trigger_index
    ok = 0 <= i < len(toks) and c.event.trigger_pos != "verb" and (
        toks[i].prefix in SIMILE_PREFIXES or i in c.simile_tokens)
    return "description" if ok else None


def counted_noun(c: Candidate) -> str | None:
    """``يدرس بالجامعة 39500 طالب``, ``ثلاث زيارات``: a count right before the word makes it a
    noun counted (students, visits), not an act reported. For the non-violent types (a count
    before a violent noun is its toll or its number of strikes)."""
    toks, i = c.tokens, c.trigger_index
    if not (0 < i < len(toks)):
        return None
    before = toks[i - 1]
    return "generic" if any(ch.isdigit() for ch in before.norm) else None


def landmark_noun(c: Candidate) -> str | None:
    """``وبعد انسحاب القوات الأطلسية من أفغانستان``: a talk, a withdrawal or an aid named by a
    noun right after "after" or "before" dates something else by it; it was reported before.
    For the non-violent types (``بعد هجوم`` often reports the attack itself). A verb cannot
    follow بعد directly (بعد أن انسحبت), so the word there is the noun whatever its lexicon row."""
    return "reference" if c.cue_before("landmark", reach=1) else None


IMPERFECT_PREFIXES = ("ي", "ت")


def past_habit(c: Candidate) -> str | None:
    """``شرطيين كانا يتعاونان مع التنظيم``: كان with a present verb tells what someone used to
    do or was doing, background to the news, not a report of a deed. For the non-violent types."""
    toks, i = c.tokens, c.trigger_index
    if not (0 <= i < len(toks)) or c.event.trigger_pos != "verb" or not toks[i].norm.startswith(IMPERFECT_PREFIXES):
        return None
    return "habitual" if c.cue_before("was", reach=1) else None


def object_missing(c: Candidate) -> str | None:
    """``مما استدعى تدخل فرق الدفاع المدني``: a word whose sense depends on its object (to
    recall an envoy, not to require help; an inquiry into something, not achieving it) is an
    event only with that object after it; the ontology names the types and modes that need one."""
    kind = ontology().object_cue(c.event.plover_type, c.event.plover_mode)
    if kind is None or _object_follows(c, kind):
        return None
    return "generic"


def _object_follows(c: Candidate, kind: str) -> bool:
    """A cue of ``kind`` stands where the verb's object does: within reach past its doer."""
    return c.cue_after(kind, reach=OBJECT_REACH + _subject_length(c))


def _subject_length(c: Candidate) -> int:
    """Tokens from the verb to the end of its doer's name (VSO: ``نفى الرئيس التركي رجب طيب
    أردوغان الاتهامات``, a title between): the object's reach counts from past the doer."""
    doer = c.event.actor1
    if doer is None or doer.span is None:
        return 0
    inside = [k for k, tok in enumerate(c.tokens) if doer.span[0] <= tok.start < doer.span[1]]
    return inside[-1] - c.trigger_index if inside and 0 < inside[0] - c.trigger_index <= SUBJECT_GAP else 0


CONDEMNED_OBJECT_REACH = 5


def condemned(c: Candidate) -> str | None:
    """``تدين التفجيرات``, ``تحقيقات بشأن اختطاف``, ``تداعيات اغتيال``: an act named by a
    noun as the object of a condemnation, an inquiry or an aftermath is talked about, not
    reported; a toll in the clause still reports it (``دان الهجوم الذي أودى بحياة …``)."""
    ev, toks, i = c.event, c.tokens, c.trigger_index
    if ev.fatalities or ev.injuries:
        return None
    if c.cue_before("talked_about", reach=2):
        return "talked_about"
    # استنكرت أوروبا والولايات المتحدة الاعتداءات: a definite object past the verb's subject
    definite = 0 <= i < len(toks) and toks[i].prefix.endswith("ال")
    return "talked_about" if definite and c.cue_before("talked_about", reach=CONDEMNED_OBJECT_REACH) else None


EVALUATION_REACH = 2  # اغتيال المراسل يمثل: the victim stands between


def evaluated(c: Candidate) -> str | None:
    """``اغتيال المراسل يمثل ضربة لحرية الصحافة``: an act noun as the subject of
    a verb that judges it is talked about, not reported; a toll in the clause still reports it."""
    ev = c.event
    if ev.fatalities or ev.injuries or ev.trigger_pos == "verb":
        return None
    return "talked_about" if c.cue_after("evaluation", reach=EVALUATION_REACH) else None


COUNTED_ACTS_MIN = 10  # شنت الطائرات ثلاث غارات is one raid's strikes; 140 هجوما a statistic
YEAR_LIKE = 1000  # في ديسمبر 2005 بخطف: a year before the act, no count of acts
STATISTIC_PERIODS = ("month", "year")
TALLY_REACH = 6  # بلغ عدد الضربات 65 ضربة، العمليات البالغ عددها 14 عملية


def counted_acts(c: Candidate) -> str | None:
    """``سجلت المنظمة 230 هجوما في العام الماضي``, ``بلغ عدد الضربات 65 ضربة``:
    many acts counted over a month or a year, or as a tally, are a statistic, not an incident
    (``سقط 15 صاروخا على المدينة``, ``شنت الطائرات 30 غارة``: one barrage, one raid)."""
    toks, i, ev = c.tokens, c.trigger_index, c.event
    if ev.trigger_pos == "verb" or not (0 < i < len(toks)) or not toks[i - 1].norm.isdigit():
        return None
    if not COUNTED_ACTS_MIN <= int(toks[i - 1].norm) < YEAR_LIKE or c.cue_before("doing", reach=DOING_REACH):
        return None
    over_a_period = ev.date is not None and bool(ev.date.mention) and ev.date.precision in STATISTIC_PERIODS
    return "aggregate" if over_a_period or c.cue_before("tally", reach=TALLY_REACH) else None


def known_event_landmark(c: Candidate) -> str | None:
    """``إثر الهجوم الذي شنه متمردو دارفور على أم درمان``, ``غداة الهجوم الذي``: an act
    named by a definite noun that a relative clause describes, right after "after" or "the
    day after", is a known event that dates something else; it was reported before. A toll
    in the clause still reports it. (An indefinite one, ``بعد غارات شنتها الطائرات``,
    is most often the news itself.)"""
    ev, toks, i = c.event, c.tokens, c.trigger_index
    if ev.fatalities or ev.injuries or ev.trigger_pos != "noun" or not (0 <= i < len(toks) - 1):
        return None
    definite = toks[i].prefix.endswith("ال")
    described = any(cue.status == "relative" and first == i + 1 for first, _, cue in c.cues)
    return "reference" if definite and described and c.cue_before("landmark", reach=1) else None


SEEN_REACH = 3  # زار سمو ولي العهد وحدات المدفعية: the visitor's name stands between


def seen_not_done(c: Candidate) -> str | None:
    """``زار وحدات المدفعية وراجمات الصواريخ``, ``تفقد موقع الانفجار``: what a visit, an
    inspection or a show is of is seen, not done. For act nouns."""
    return "talked_about" if _act_noun_after(c, "seen", SEEN_REACH) else None


def metaphor(c: Candidate) -> str | None:
    """``اغتيال الحقيقة``, ``قصف إعلامي``: violence words used of ideas."""
    return "metaphor" if c.cue_after("metaphor", reach=1) or c.cue_before("metaphor", reach=1) else None


def seized_weapon(c: Candidate) -> str | None:
    """``ضبط حزام ناسف``, ``قامت قوة بتفجيرها في مكانها``: a weapon found, or destroyed
    where it was found, is no attack."""
    return "seized" if c.cue_before("seized", reach=3) or c.cue_after("seized", reach=2) else None


def speculation(c: Candidate) -> str | None:
    """``يُرجَّح أن``, ``ربما``: a guess about what may happen or have happened."""
    return "speculation" if c.cue_before("speculation", reach=8) else None


PURPOSE_PREFIXES = ("ل", "لل", "ول", "ولل", "فل", "فلل")
UNDERGO_REACH = 8  # تعرضت بلدات حدودية في جنوب لبنان لقصف: the sufferer and its place stand between


ALTERNATIVE_REACH = 3  # للضغط لتزويدهم بخدمات أو الإفراج عن: the aim's object stands between


def purpose(c: Candidate) -> str | None:
    """``للإفراج عن``, ``لتحقيق``, ``ليقتل``: an act named as an aim has not happened; nor has
    its alternative (``لتزويدهم بخدمات أو الإفراج عن``), an act joined to an aim (``للتصدي
    والقبض على``) nor an act carried by a verb of aim (``لشن هجوم``, ``لخوض معركة``)."""
    toks, i = c.tokens, c.trigger_index
    if not (0 <= i < len(toks)):
        return None
    aimed = toks[i].prefix in PURPOSE_PREFIXES or _alternative_to_an_aim(c) or c.cue_before("carried_aim", reach=1) \
        or _joined_to_an_aim(c)
    if not aimed:
        return None
    return None if c.cue_before("undergo", reach=UNDERGO_REACH) else "purpose"


def _joined_to_an_aim(c: Candidate) -> bool:
    """``للتصدي والقبض على``: an act noun joined by و to a verbal noun of aim, nothing
    between, is aimed at too (not ``عضو اللجنة لفتح، وقتلوا``)."""
    toks, i = c.tokens, c.trigger_index
    if not (0 < i < len(toks)) or not toks[i].prefix.startswith("و"):
        return False
    if c.event.trigger_pos == "verb" and not toks[i].prefix.endswith("ال"):
        return False  # وقتلوا is a verb; والقبض على, with its article, the verbal noun
    gap = c.event.sentence[toks[i - 1].end - c.event.span[0]:toks[i].start - c.event.span[0]]
    return toks[i - 1].prefix in PURPOSE_PREFIXES and not gap.strip()


def _alternative_to_an_aim(c: Candidate) -> bool:
    """The act right after an "or" (status.tsv ``alternative``) with an aim just before it."""
    toks, i = c.tokens, c.trigger_index
    if i == 0 or not c.cue_before("alternative", reach=1):
        return False
    return any(t.prefix in PURPOSE_PREFIXES for t in toks[max(i - 1 - ALTERNATIVE_REACH, 0):i - 1])


def relative_clause(c: Candidate) -> str | None:
    """``الميليشيات التي ترفض واشنطن التنسيق معها``: a description, not a report."""
    toks, i = c.tokens, c.trigger_index
    if 0 <= i < len(toks) and toks[i].prefix in ("", "و") and c.cue_before("relative", reach=1):
        return "description"
    return None


def _suffered_in_relative_clause(c: Candidate) -> bool:
    """A relative pronoun right before the undergo verb that governs the trigger
    (``الوكالتين اللتين تعرضتا لاعتداء``)."""
    relative_ends = {last for _, last, cue in c.cues if cue.status == "relative"}
    return any(cue.status == "undergo" and first - 1 in relative_ends
               and 0 <= c.trigger_index - last <= UNDERGO_REACH for first, last, cue in c.cues)


def agent_named(c: Candidate) -> str | None:
    """``هجمة شرسة من قبل النظام``, ``تفجير تبنته الجماعة``: naming the doer of a deed with an
    agent phrase asserts that the deed was done. A confirming rule: it runs after the
    rules that find non-reports and before the model."""
    return "reported" if c.event.actor1 is not None and c.cue_after("agent", reach=AGENT_REACH) else None


HABIT_CLAUSE_REACH = 10  # غالبا ما تشهد مدن في جنوبي ليبيا، خاصة سبها، مواجهات: the verb's subject between


def habitual(c: Candidate) -> str | None:
    """``لعبت السلطنة مراراً دور الوساطة``, ``يتعرض من حين لآخر لقصف``, ``غالبا ما تشهد
    المدينة مواجهات``: a habit, no happening."""
    if c.cue_before("habitual", reach=CUE_REACH) or c.cue_before("habit_clause", reach=HABIT_CLAUSE_REACH):
        return "habitual"
    return None


MANNER_PREFIXES = ("ب", "وب", "فب")


def manner_phrase(c: Candidate) -> str | None:
    """``بالتنسيق مع``, ``بالتعاون مع``, ``بالاتفاق مع``: how something else was done, not an
    event of its own. For the non-violent types only: ``قتل بقصف`` names the attack."""
    toks, i = c.tokens, c.trigger_index
    if ontology().violent(c.event.plover_type) or not _bi_noun(c):
        return None
    with_follows = i + 1 < len(toks) and toks[i + 1].norm == "مع"  # not أوعز بالتحقيق (the object)
    return "manner" if with_follows else None


def _bi_noun(c: Candidate) -> bool:
    """The trigger word carries the preposition ب (بالتنسيق، بهدم، بخطف)."""
    i = c.trigger_index
    return 0 <= i < len(c.tokens) and c.tokens[i].prefix.removesuffix("ال") in MANNER_PREFIXES


DOING_REACH = 6  # tokens from a verb of doing to the verbal noun it governs, its subject between (وقعت الحكومة وجماعة الحوثي اتفاقا)


def topic_noun(c: Candidate) -> str | None:
    """``المفاوضات``, ``بالاتفاق``, ``المساعدات``: a talk, a deal or an aid named by a noun is
    what the article is about, not a report that it took place, unless a verb of doing
    governs the noun (``عقد اجتماعا``, ``تقدم بطلب``, ``خلال زيارته``). For the non-violent
    types: a violent noun (``غارة``) reports the strike by itself."""
    if c.event.trigger_pos != "noun" or c.cue_before("doing", reach=DOING_REACH) or _doer_follows(c):
        return None
    return "topic"


def _act_noun_after(c: Candidate, kind: str, reach: int) -> bool:
    return c.event.trigger_pos == "noun" and c.cue_before(kind, reach=reach)


def stance_object(c: Candidate) -> str | None:
    """``يؤيد مطالب المتظاهرين``, ``رفض الدعوات``: a demand or a call named by a noun as the
    object of support or refusal is talked about; the stance is the event."""
    return "topic" if _act_noun_after(c, "stance", 1) else None


ABOUT_REACH = 4  # بشأن حزمة ثالثة من المساعدات: the words of a quantity stand between


def about_what(c: Candidate) -> str | None:
    """``المفاوضات بشأن حزمة من المساعدات``, ``اتفاق حول وقف إطلاق النار``: the act noun a
    talk or a deal is about is its subject matter, not an event of its own."""
    return "topic" if _act_noun_after(c, "about", ABOUT_REACH) else None


def _doer_follows(c: Candidate) -> bool:
    """``اتفاق الجولاني مع الفصائل``: the noun's doer stands right after it, as its genitive."""
    doer = c.event.actor1
    if doer is None or doer.span is None or not c.tokens:
        return False
    i = c.trigger_index
    after = next((k for k, tok in enumerate(c.tokens) if tok.start >= doer.span[0]), len(c.tokens))
    return 0 < after - i <= 2 and c.tokens[i].end <= doer.span[0]


def banned_gathering(c: Candidate) -> str | None:
    """``أصدرت الحكومة قرارا بحظر التجمعات العامة``: the crowd's act a ban names is
    the ban's object, not a gathering that took place (the ban is the event)."""
    return "topic" if ontology().crowd(c.event.plover_type) and _act_noun_after(c, "ban", 1) else None


def decided(c: Candidate) -> str | None:
    """``أصدرت المحكمة قرارا بهدم القرية``, ``أمر بإعدامه``: an act a decision or an order
    names with ب has been decided, not done (the decision is the event)."""
    return "decided" if _bi_noun(c) and c.cue_before("decision", reach=1) else None


def pretended(c: Candidate) -> str | None:
    """``فتظاهرت بأنني مريضة``, ``يتظاهر بالتدين``, ``احتج بأنه``: a crowd's verb with
    what one pretends or argues right after it is no protest."""
    ev = c.event
    if not ontology().crowd(ev.plover_type) or ev.trigger_pos != "verb":
        return None
    return "metaphor" if c.cue_after("pretend", reach=1) else None


CELEBRATION_REACH = 6  # احتشد المئات من أهالي الحي للاحتفال: the crowd stands between


def celebrated(c: Candidate) -> str | None:
    """``احتشد المئات للاحتفال بالعيد``: a crowd gathered to celebrate or to welcome
    someone is no protest."""
    if not ontology().crowd(c.event.plover_type):
        return None
    return "celebration" if c.cue_after("celebration", reach=CELEBRATION_REACH) else None


def state_as_crowd(c: Candidate) -> str | None:
    """``تثير الشغب في دول الجوار`` (of a state): a state is said to make unrest,
    it does not riot or march; the crowd's act is a figure of an accusation."""
    ev = c.event
    if not ontology().crowd(ev.plover_type) or ev.actor1 is None or not ev.actor1.id:
        return None
    entry = load_actors().get(ev.actor1.id)
    return "metaphor" if entry is not None and entry.kind == "state" else None


# rules for every type, then those for the violent types the ontology names, then those
# for the others
GENERAL_RULES: tuple[Callable[[Candidate], str | None], ...] = (
    purpose, called_for, indefinite, as_what, object_missing, relative_clause, manner_phrase, habitual, reference,
    speculation)
STATUS_RULES: tuple[Callable[[Candidate], str | None], ...] = (
    aggregate_total, counted_acts, accusation, warning_or_threat, motive, generic_statement,
    condemned, evaluated, known_event_landmark, seen_not_done, metaphor, seized_weapon,
    banned_gathering, decided, pretended, celebrated, state_as_crowd,
)
NON_VIOLENT_RULES: tuple[Callable[[Candidate], str | None], ...] = (
    aim, past_habit, landmark_noun, counted_noun, stance_object, about_what, topic_noun)


def undergone(c: Candidate) -> str | None:
    """``تعرضت قافلة لهجوم``: the one who suffered an act is named as suffering it; not in a
    relative clause (``الوكالتين اللتين تعرضتا لاعتداء`` describes them; the model decides)."""
    toks, i = c.tokens, c.trigger_index
    if 0 <= i < len(toks) and toks[i].prefix in PURPOSE_PREFIXES and c.cue_before("undergo", reach=UNDERGO_REACH) \
            and not _suffered_in_relative_clause(c):
        return "reported"
    return None


IMPERFECT_ONLY = ("ي", "تت")  # a bare ت or ن begins perfects too (تظاهر، تجمع، نظمت)
CROWD_SUBJECT_REACH = 6  # تظاهر أمس عشرات من أعضاء حزب: the day and the count stand between


def crowd_deed(c: Candidate) -> str | None:
    """``احتشد مئات المتظاهرين``, ``تظاهر أمس عشرات من أعضاء الحزب``, ``رفع
    المتظاهرون لافتات``: a verb in the perfect whose subject, right after it, is a crowd that
    protests reports the deed (not a noun: ``تفريق المتظاهرين``, ``مقتل متظاهرين``)."""
    ev, toks, i = c.event, c.tokens, c.trigger_index
    if ev.trigger_pos != "verb" or not (0 <= i < len(toks)) or toks[i].stem.startswith(IMPERFECT_ONLY):
        return None
    doer = ev.actor1
    if doer is None or doer.span is None or doer.sector not in sectors.PROTESTER or doer.span[0] < toks[i].end:
        return None
    after = next((k for k, tok in enumerate(toks) if tok.start >= doer.span[0]), len(toks))
    return "reported" if 0 < after - i <= CROWD_SUBJECT_REACH else None


ORGANISE_IMPERFECT = ("ي", "ت")  # no verb of organising begins so in the perfect (نظم، سير، نفذ، بدأ)


def organised(c: Candidate) -> str | None:
    """``نظمت النقابات أمس مسيرات``, ``سيّر المئات مظاهرة``: a crowd's
    act named by a noun that a verb of organising in the perfect carries took place."""
    ev, toks, i = c.event, c.tokens, c.trigger_index
    if not ontology().crowd(ev.plover_type) or ev.trigger_pos == "verb" or not (0 <= i < len(toks)):
        return None
    return "reported" if any(
        cue.status == "organise" and 0 < i - last <= DOING_REACH
        and not toks[first].stem.startswith(ORGANISE_IMPERFECT)
        for first, last, cue in c.cues) else None


def wrought_by_an_act(c: Candidate) -> str | None:
    """``وأكد أن الغارات دمرت مدرسة``: a part of an attack (a destruction) whose
    subject, right before its verb, names the attack took place with it."""
    ev, i = c.event, c.trigger_index
    if ev.trigger_pos != "verb" or ontology().folds_into(ev.plover_type, ev.plover_mode) is None:
        return None
    return "reported" if i - 1 in c.act_tokens else None


OUTCOME_REACH = 10  # أسفرت حملة نفذتها الشرطة فجر الثلاثاء عن ضبط: the operation and its day between
OUTCOME_LINKS = frozenset({"عن"})  # أسفر … عن: the outcome follows


def outcome(c: Candidate) -> str | None:
    """``أسفرت حملة الشرطة أمس عن ضبط 17 مطلوبا``: what an operation resulted
    in took place. For the acts that take no life (arrests); a toll after أسفر عن is the
    model's to weigh, like any other."""
    ev, toks, i = c.event, c.tokens, c.trigger_index
    if ontology().kinetic(ev.plover_type) or not (0 < i < len(toks)) or toks[i - 1].norm not in OUTCOME_LINKS:
        return None
    return "reported" if c.cue_before("outcome", reach=OUTCOME_REACH) else None


def carried_out(c: Candidate) -> str | None:
    """``قام مسلحون ملثمون بخطف موظف في البلدية``: a verb of doing in the perfect that
    governs a ب-noun (its subject between) reports the deed of the doer it names (not
    ``قامت فرق الإنقاذ بانتشال جثة``, whose rescuers are no party)."""
    i = c.trigger_index
    if c.event.actor1 is None or not _bi_noun(c):
        return None
    return "reported" if any(
        cue.status == "carried_out" and 0 < i - last <= DOING_REACH and not _described_doer(c, first)
        for first, last, cue in c.cues) else None


def _described_doer(c: Candidate, verb: int) -> bool:
    """``كل من قام بالاعتداء على المنشآت``, ``الذين قاموا بخطفه``: the verb describes someone
    by a deed, it does not report one."""
    return verb > 0 and (c.tokens[verb - 1].norm == "من" or any(
        cue.status == "relative" and last == verb - 1 for _, last, cue in c.cues))


# rules that find a violent candidate reported, whatever the model would say
CONFIRMING_RULES: tuple[Callable[[Candidate], str | None], ...] = (agent_named, undergone, crowd_deed, organised,
                                                                   outcome, wrought_by_an_act, carried_out)


# ---------------------------------------------------------------- type from the sides

POLITICAL_SECTORS = frozenset({"PTY", "LEG", "OPP"})


def _retype_applies(rule: str, ev: Event) -> bool:
    spec = ontology().retypes.get(rule)
    return spec is not None and ev.plover_type == spec["from"] and ev.plover_mode in spec["modes"]


def verbal_attack(c: Candidate) -> str | None:
    """``شن رئيس الوزراء هجوماً على المعارضة``: a politician's attack with no casualties is
    words (ACCUSE), not violence."""
    ev = c.event
    if not _retype_applies("verbal_attack", ev) or ev.fatalities or ev.injuries or ev.actor1 is None:
        return None
    politician = ev.actor1.sector in POLITICAL_SECTORS | {"GOV"} or sectors.is_individual(ev.actor1.id)
    return "verbal_attack" if politician and (ev.actor2 is None or ev.actor2.sector not in sectors.VICTIM) else None


def armed_confrontation(c: Candidate) -> str | None:
    """``لقي 15 مسلحاً مصرعهم في مواجهات``: confrontations of armed groups are a clash, not a riot."""
    ev = c.event
    if not _retype_applies("armed_confrontation", ev):
        return None
    sides = [a.sector for a in (ev.actor1, ev.actor2) if a is not None]
    non_state = [s for s in sides if s in sectors.ARMED - sectors.STATE]
    return "armed_confrontation" if non_state and not any(s in sectors.PROTESTER for s in sides) else None


def hostage_taking(c: Candidate) -> str | None:
    """``احتجزوا أربعة من الشرطة رهائن``: people held as hostages are abducted, not arrested."""
    return "hostage_taking" if _retype_applies("hostage_taking", c.event) and c.cue_after("hostage", reach=HOSTAGE_REACH) else None


def people_captured(c: Candidate) -> str | None:
    """``ضبطت الشرطة 12 متهما``: ضبط seizes anything; with people as its object it is an arrest.
    Without them ``object_missing`` leaves it no event (ضبط الأسعار)."""
    return "people_captured" if _retype_applies("people_captured", c.event) and _object_follows(c, "captive") else None


TYPE_RULES: tuple[Callable[[Candidate], str | None], ...] = (verbal_attack, armed_confrontation, hostage_taking,
                                                             people_captured)


def retype(c: Candidate) -> None:
    """Recode the candidate by the first type rule that applies (the codes come from the ontology)."""
    for rule in TYPE_RULES:
        name = rule(c)
        if name is not None:
            to = ontology().retypes[name]["to"]
            ev = c.event
            ev.plover_type, ev.plover_mode, ev.cameo = to["plover"], to["mode"], to["cameo"]
            ev.acled_event_type, ev.acled_sub_event_type = to["acled_event_type"], to["acled_sub_event_type"]
            return


# ---------------------------------------------------------------- the learned model

_DIGITS = re.compile(r"\d")


def candidate_features(c: Candidate) -> list[str]:
    """Sparse binary features of a candidate: its trigger, the words around it, its fields."""
    ev = c.event
    t = ev.plover_type
    toks = c.tokens
    i = c.trigger_index
    trig = toks[i] if 0 <= i < len(toks) else None
    feats = [f"type={t}", f"mode={t}:{ev.plover_mode}", f"sub={ev.acled_sub_event_type}"]
    if trig is not None:
        feats += [f"trig={t}:{trig.stem}", f"prefix={trig.prefix}", f"suffix={bool(trig.suffix)}"]
    for k in range(max(0, i - WINDOW), min(len(toks), i + WINDOW + 1)):
        if k == i:
            continue
        word = _DIGITS.sub("0", toks[k].stem)
        side = "L" if k < i else "R"
        feats.append(f"w{side}={word}")
        if abs(k - i) == 1:
            feats.append(f"w{side}1={word}")
    head = len(feats)
    sentence, typed_sentence = _sentence_features(c, t)
    feats += sentence
    tail = [f"cue={cue.status}" for _, _, cue in c.cues]
    tail += [
        f"actor1={ev.actor1 is not None}", f"actor2={ev.actor2 is not None}",
        f"a1sector={ev.actor1.sector if ev.actor1 else None}",
        f"place={ev.location.precision if ev.location else None}",
        f"deaths={ev.fatalities is not None}", f"hurt={ev.injuries is not None}",
        f"dated={bool(ev.date and ev.date.mention)}", f"attrib={ev.attribution is not None}",
        f"confidence={int(ev.confidence * 10)}",  # the lexicon's own weight: a prior for unseen triggers
        f"position={min(i * 4 // max(len(toks), 1), 3)}", f"length={min(len(toks) // 10, 5)}",
        f"quoted={any(q in ev.sentence for q in QUOTES)}",
    ]
    feats += tail
    # each feature also as a feature of the type: a context word can mean one thing for a
    # protest and another for an attack
    return (feats + [f"{t}|{f}" for f in feats[:head]] + typed_sentence
            + [f"{t}|{f}" for f in tail])


def _sentence_features(c: Candidate, plover_type: str) -> tuple[list[str], list[str]]:
    """The words of the candidate's sentence as features, plain and of ``plover_type``:
    built once for all the readings of the candidate (kept on ``c.shared``)."""
    if "sentence" not in c.shared:
        c.shared["sentence"] = [f"s={_DIGITS.sub('0', tok.stem)}" for tok in c.tokens]
    key = ("sentence", plover_type)
    if key not in c.shared:
        c.shared[key] = [f"{plover_type}|{f}" for f in c.shared["sentence"]]
    return c.shared["sentence"], c.shared[key]


@dataclass(frozen=True)
class StatusModel:
    """Logistic regression: P(reported) = σ(bias + Σ weights[f]); kept when ≥ threshold."""
    weights: dict[str, float]
    bias: float
    thresholds: dict[str, float]
    version: str = "0"

    def probability(self, features: list[str]) -> float:
        z = self.bias + sum(map(self.weights.get, set(features), repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def reported(self, plover: str, features: list[str]) -> bool:
        return self.probability(features) >= self.thresholds.get(plover, self.thresholds.get("*", 0.5))

    @classmethod
    def from_dict(cls, data: dict) -> "StatusModel":
        return cls(dict(data["weights"]), float(data["bias"]), dict(data["thresholds"]), str(data.get("version", "0")))

    def to_dict(self) -> dict:
        return {"version": self.version, "bias": self.bias, "thresholds": self.thresholds,
                "weights": self.weights}


@lru_cache(maxsize=4)
def load_status_model(path: Path | None = None) -> StatusModel | None:
    """The bundled model, or the user's (``Options.status_model``); None when there is none."""
    if path is not None:
        try:
            return StatusModel.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DataFileError(f"not a status model ({exc.__class__.__name__}: {exc})", where=str(path)) from None
    bundled = files("rasd.data").joinpath("events/status_model.json")
    if not bundled.is_file():
        return None
    return StatusModel.from_dict(json.loads(bundled.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- the stage

def rule_status(c: Candidate, violent: bool = True) -> str | None:
    """The first status a rule finds: the violent types' own non-report rules, those of every
    type, then the confirming rules; None when no rule speaks."""
    rules = (STATUS_RULES + GENERAL_RULES + CONFIRMING_RULES) if violent else GENERAL_RULES + NON_VIOLENT_RULES
    for rule in rules:
        found = rule(c)
        if found is not None:
            return found
    return None


class EventStatus:
    """Pipeline stage: sets ``event.status`` and keeps the events that report a happening.

    Args:
        options: ``status_files`` add cue rows; ``keep_unreported_events`` keeps every
            candidate with its status (for error analysis).
        model: a :class:`StatusModel` to use instead of the bundled one (``False``: rules only).
    """
    name = "status"
    requires = ("events", "tokens")
    assigns = ("events",)

    def __init__(self, options: Options, model: StatusModel | None | bool = None) -> None:
        self.options = options
        self.cues = load_status_cues(tuple(map(Path, options.status_files)))
        self.lexicon = load_lexicon(tuple(map(Path, options.trigger_files)), tuple(map(Path, options.cue_files)))
        if model is None:
            model = load_status_model(options.status_model)
        self.model: StatusModel | None = model or None
        self.screened = ontology().of_kind("violent")

    def candidates(self, doc: Document) -> list[Candidate]:
        norm = doc.normalized
        hits = []
        for m in self.cues.matcher.iter_all(norm.text):
            start, end = norm.original_span(m.nstart, m.nend)
            hits.append((start, end, m.payload))
        hits.sort(key=lambda h: h[0])
        cue_starts = [h[0] for h in hits]
        starts = token_starts(doc.tokens)  # shared, read only
        out = [_candidate(doc, ev, hits, cue_starts, starts) for ev in doc.events]
        out = [replace(c, act_tokens=self._act_tokens(c)) if self._part_of_an_attack(c.event) else c for c in out]
        return [self._with_similes(c) for c in out]

    def _with_similes(self, c: Candidate) -> Candidate:
        """The tokenizer leaves ك on its word (كتب is a verb); the lexicon knows when the
        trigger word was read past it (``كتعزيزات``)."""
        similes = set()
        for k in c.trigger_indexes or [c.trigger_index]:
            tok = c.tokens[k] if 0 <= k < len(c.tokens) else None
            if tok is None or tok.prefix or not tok.norm.startswith(SIMILE_PREFIXES):
                continue
            if any(m.prefix in SIMILE_PREFIXES and m.nstart == 0 and m.nend == len(tok.norm)
                   for m in self.lexicon.triggers.find(tok.norm)):
                similes.add(k)
        return replace(c, simile_tokens=frozenset(similes)) if similes else c

    @staticmethod
    def _part_of_an_attack(ev: Event) -> bool:
        return ontology().folds_into(ev.plover_type, ev.plover_mode) is not None

    def _act_tokens(self, c: Candidate) -> frozenset[int]:
        """Of the words right before the candidate's trigger words, those that are a kinetic
        trigger word, the ones the events stage folded away included (``الغارات دمرت``)."""
        found = set()
        for k in {i - 1 for i in (c.trigger_indexes or [c.trigger_index]) if 0 < i <= len(c.tokens)}:
            word = c.tokens[k].norm
            if any(m.payload.weight > 0 and ontology().kinetic(m.payload.plover) and m.nstart == 0
                   and m.nend == len(word) for m in self.lexicon.triggers.find(word)):
                found.add(k)
        return frozenset(found)

    def status_of(self, c: Candidate) -> str:
        """Each trigger word of the event is read (``استهدفت … بالصواريخ … ردا على القصف``:
        the motive governs القصف, not the strike): a confirming rule on any word makes the
        event reported; otherwise the words no rule speaks of go to the model; when a rule
        speaks of every word, the main word's status stands."""
        ev = c.event
        violent = ev.plover_type in self.screened
        readings = c.readings()
        found = [rule_status(r, violent) for r in readings]
        if "aggregate" in found:
            return "aggregate"  # a total counts all its words' victims, whichever word names it
        if "reported" not in found:
            open_ = [r for r, f in zip(readings, found) if f is None]
            if not open_:
                return found[0]
            screened = violent and self.model is not None and self._model_applies(c)
            if screened and not any(self.model.reported(ev.plover_type, candidate_features(r)) for r in open_):
                return "mention"
            if violent and not screened and found[0] is not None and not (ev.fatalities or ev.injuries):
                # no model to weigh the other words of a violent act: the main word's status
                # stands (``الغارات الثلاث التي استهدفت`` read from الغارات is still a
                # description), unless a toll reports the act whatever word names it
                return found[0]
        return "recalled" if ev.historical else "reported"

    @staticmethod
    def _model_applies(c: Candidate) -> bool:
        """The model learned from long newswire sentences: on a short sentence that names its
        doer or gives its toll (a one-line brief, a finished sentence or one with its day) it
        has too little to go on, and the rules decide. A list of tags is no sentence."""
        ev = c.event
        whole_sentence = ev.sentence.rstrip(" \"'”»)").endswith((".", "!", "؟", "?"))  # not a tag line
        told = ev.actor1 is not None or ev.fatalities is not None or ev.injuries is not None
        return len(c.tokens) >= MODEL_MIN_TOKENS or not told or not (
            whole_sentence or (ev.date and ev.date.mention))

    def __call__(self, doc: Document) -> Document:
        keep_all = self.options.keep_unreported_events
        kept = []
        for c in self.candidates(doc):
            retype(c)
            c.event.status = self.status_of(c)
            if c.event.status == "aggregate":
                c.event.aggregate = True
            if keep_all or c.event.status in KEPT_STATUSES:
                kept.append(c.event)
        doc.events = kept
        return doc
