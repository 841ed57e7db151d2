"""Finding place mentions in a document and reading the words around them.

A mention is a gazetteer name together with the words that belong to it: a type noun
before it (``بلدة كفرنبودة``), ``ريف`` and direction adjectives (``ريف حماة الشمالي
الغربي``, ``الريف الشرقي لدير الزور``), a direction (``شمال حماة``). The words governing
it (a locative preposition, the clitic ب) are recorded but stay outside its span.

Names that are also common words (``rasd/data/geo/ambiguous.tsv``) are kept only with the
context their level asks for; a name written with tanween (``درعاً``) is a common noun.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from rasd.doc import Document
from rasd.geo.context import stands_as_dateline
from rasd.geo.gazetteer import Gazetteer, PlaceEntry, load_gazetteer, prior
from rasd.geo.lexicon import ContextWord, load_lexicon
from rasd.text.normalize import NormalizedText, normalize

__all__ = ["Word", "Hit", "Mention", "Analysis", "analyze"]

_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3\w]+")
_TANWEEN = re.compile("[\u064b\u064c\u064d]")
_B_CLITICS = frozenset({"ب", "وب", "فب", "بال", "وبال", "فبال"})
_FREE_PREFIXES = frozenset({"", "ال"})


@dataclass(slots=True)
class Word:
    nstart: int
    nend: int
    start: int  # original offsets
    end: int
    norm: str  # normalised (the attribute names of rasd.doc.Token)


@dataclass(slots=True)
class Hit:
    """A context word (``geo/context.tsv``) found in the text, by word index."""
    ws: int
    we: int
    word: ContextWord
    prefix: str
    suffix: str
    core_nstart: int
    core_nend: int

    @property
    def role(self) -> str:
        return self.word.role


@dataclass(slots=True)
class Mention:
    ws: int  # word index range of the whole mention, inclusive
    we: int
    name_ws: int
    name_we: int
    nstart: int  # normalised span of the mention (clitics outside)
    nend: int
    name: str  # the folded name matched
    prefix: str  # proclitics on the mention's first word
    entries: list[PlaceEntry]
    hint: str | None = None  # the kind a type noun asks for
    type_word: str | None = None
    countryside: bool = False
    plural: bool = False  # أرياف: the qualifier carries over to a list
    direction: str | None = None  # north, north-west …
    direction_before: bool = False  # شمال X (a direction before the name)
    country_hint: str | None = None  # طرابلس اللبنانية
    parts: bool = False  # a plural type noun before it (أحياء حلب)
    governor: str | None = None  # type | countryside | direction | prep | clitic | coord | dateline
    prep: str | None = None  # the preposition before the mention, folded
    start: int = 0  # original span
    end: int = 0
    rejected: list[PlaceEntry] = field(default_factory=list)  # kept out for lack of context


@dataclass(slots=True)
class Analysis:
    norm: NormalizedText
    words: list[Word]
    hits_by_end: dict[int, list[Hit]]  # multi-word context phrases, by word index
    hits_by_start: dict[int, list[Hit]]
    mentions: list[Mention]
    covered: set[int] = field(default_factory=set)  # words inside a multi-word phrase
    _single: dict[int, list[Hit]] = field(default_factory=dict)
    _mention_starts: list[int] = field(default_factory=list)
    _word_ends: list[int] = field(default_factory=list)

    def mentions_overlapping(self, start: int, end: int) -> list[Mention]:
        """The mentions overlapping original span ``[start, end)`` (mentions do not overlap
        one another and come in text order)."""
        if len(self._mention_starts) != len(self.mentions):
            self._mention_starts = [m.start for m in self.mentions]
        starts = self._mention_starts
        i = max(bisect_right(starts, start) - 1, 0)
        # the mentions from i that start before ``end``: a bisect, not a copy of the list's tail
        return [m for m in self.mentions[i:bisect_left(starts, end, i)] if m.end > start]

    def single(self, wi: int) -> list[Hit]:
        """One-word context words at word ``wi`` (looked up once, on demand)."""
        found = self._single.get(wi)
        if found is None:
            found = []
            if 0 <= wi < len(self.words) and wi not in self.covered:
                w = self.words[wi]
                for prefix, cw, suffix in load_lexicon().lookup(w.norm):
                    found.append(Hit(wi, wi, cw, prefix, suffix, w.nstart + len(prefix),
                                     w.nend - len(suffix)))
            self._single[wi] = found
        return found

    def starting_at(self, wi: int) -> list[Hit]:
        """Context words starting at word ``wi`` (a list shared with later calls: read it,
        do not change it)."""
        multi = self.hits_by_start.get(wi)
        one = self._single.get(wi)
        if one is None:
            one = self.single(wi)
        return multi + one if multi else one

    def ending_at(self, wi: int) -> list[Hit]:
        """Context words ending at word ``wi`` (shared, as for :meth:`starting_at`)."""
        multi = self.hits_by_end.get(wi)
        one = self._single.get(wi)
        if one is None:
            one = self.single(wi)
        return multi + one if multi else one

    def word_index_at(self, offset: int) -> int | None:
        """Index of the word containing original ``offset`` (or the next one)."""
        if len(self._word_ends) != len(self.words):
            self._word_ends = [w.end for w in self.words]
        lo = bisect_right(self._word_ends, offset)
        return lo if lo < len(self.words) else None

    def adjacent(self, wi: int, wj: int) -> bool:
        """Are words ``wi`` and ``wj`` (wi < wj) separated by spaces only?"""
        if wi < 0 or wj >= len(self.words):
            return False
        return not self.norm.text[self.words[wi].nend:self.words[wj].nstart].strip()

    def hits_before(self, wi: int, *roles: str) -> list[Hit]:
        """Context words ending right before word ``wi`` (spaces between, no punctuation)."""
        if not self.adjacent(wi - 1, wi):
            return []
        return [h for h in self.ending_at(wi - 1) if not roles or h.role in roles]

    def hits_after(self, wi: int, *roles: str) -> list[Hit]:
        """Context words starting right after word ``wi`` (spaces between, no punctuation)."""
        if not self.adjacent(wi, wi + 1):
            return []
        return [h for h in self.starting_at(wi + 1) if not roles or h.role in roles]


def _words(doc: Document, norm: NormalizedText) -> tuple[list[Word], dict[int, int], dict[int, int]]:
    """The words of the normalised text (the text stage's tokens when it ran)."""
    words: list = []
    if doc.tokens and doc.normalized is norm:
        words = doc.tokens  # Token has the attributes of Word
    else:
        for m in _WORD.finditer(norm.text):
            start, end = norm.original_span(m.start(), m.end())
            words.append(Word(m.start(), m.end(), start, end, m.group()))
    indices = range(len(words))  # dict(zip()) builds in C what a comprehension would loop over
    by_start = dict(zip([w.nstart for w in words], indices))
    by_end = dict(zip([w.nend for w in words], indices))
    return words, by_start, by_end


_COMPASS = {
    frozenset({"north"}): "north", frozenset({"south"}): "south", frozenset({"east"}): "east",
    frozenset({"west"}): "west", frozenset({"north", "west"}): "north-west",
    frozenset({"north", "east"}): "north-east", frozenset({"south", "west"}): "south-west",
    frozenset({"south", "east"}): "south-east", frozenset({"central"}): "central",
}


def _compass(values: list[str]) -> str | None:
    return _COMPASS.get(frozenset(values)) if values else None


class _LastAnalysis:
    """The analysis of the last text analysed, with the gazetteer that made it: the
    entities and geo stages read the same document one after the other, so they share
    it. One entry, checked by identity (the same normalised text, the same gazetteer)."""
    __slots__ = ("norm", "gazetteer", "analysis")

    def __init__(self) -> None:
        self.norm = self.gazetteer = self.analysis = None

    def get(self, norm: NormalizedText, gazetteer: Gazetteer) -> Analysis | None:
        entry = (self.norm, self.gazetteer, self.analysis)  # read once: another thread may write
        return entry[2] if entry[0] is norm and entry[1] is gazetteer else None

    def put(self, norm: NormalizedText, gazetteer: Gazetteer, analysis: Analysis) -> None:
        self.norm, self.gazetteer, self.analysis = norm, gazetteer, analysis


_LAST = _LastAnalysis()


def analyze(doc: Document, gazetteer: Gazetteer | None = None) -> Analysis:
    """The words, context hits and place mentions of ``doc`` found with ``gazetteer``
    (the bundled one when None)."""
    norm = doc.normalized if doc.normalized is not None else normalize(doc.text)
    gaz = gazetteer or load_gazetteer()
    found = _LAST.get(norm, gaz)
    if found is not None:
        return found
    words, by_start, by_end = _words(doc, norm)
    hits_by_end: dict[int, list[Hit]] = {}
    hits_by_start: dict[int, list[Hit]] = {}
    for m in load_lexicon().matcher.find(norm.text):  # overlaps removed, longest first
        ws, we = by_start.get(m.nstart), by_end.get(m.nend)
        if ws is None or we is None:
            continue
        hit = Hit(ws, we, m.payload, m.prefix, m.suffix, m.core_start, m.core_end)
        hits_by_end.setdefault(we, []).append(hit)
        hits_by_start.setdefault(ws, []).append(hit)
    an = Analysis(norm, words, hits_by_end, hits_by_start, [])
    for hits in hits_by_start.values():
        for h in hits:
            an.covered.update(range(h.ws, h.we + 1))
    an.mentions = _mentions(an, gaz, by_start, by_end)
    _LAST.put(norm, gaz, an)
    return an


def _name_affixes_ok(prefix: str, suffix: str) -> bool:
    """Place names take prepositions and و/ف, never a pronoun suffix (``صورة`` is not
    ``صور`` + ه, ``مصري`` not ``مصر`` + ي), the future ``س`` (``سنوي``), or an article
    of their own (``السلوك``: the names that have one are written with it)."""
    return not suffix and "س" not in prefix and "ال" not in prefix and not prefix.endswith("ي")


def _place_groups(an: Analysis, gaz: Gazetteer, by_start: dict[int, int], by_end: dict[int, int]):
    """Gazetteer matches grouped by span, overlaps removed (longest first)."""
    groups: dict[tuple[int, int], dict] = {}
    for m in gaz.matcher.iter_all(an.norm.text):
        ws, we = by_start.get(m.nstart), by_end.get(m.nend)
        if ws is None or we is None or not _name_affixes_ok(m.prefix, m.suffix):
            continue
        key = (m.core_start, m.core_end)
        g = groups.get(key)
        if g is None:  # the span's first match (one per entry of the name follows)
            g = groups[key] = {
                "ws": ws, "we": we, "prefix": m.prefix, "pattern": m.pattern, "entries": {},
                # the matcher dropped the preposition ل from the prefix (لليمن = ل + اليمن)
                "lam": m.core_start - m.nstart == len(m.prefix) + 1}
        g["entries"].setdefault(m.payload.id, m.payload)
    for m in gaz.blockers.iter_all(an.norm.text):
        if by_start.get(m.nstart) is not None and by_end.get(m.nend) is not None:
            groups.setdefault((m.core_start, m.core_end), {"blocker": True})
    # kept spans marked character by character: each candidate costs its own length
    taken = bytearray(max((ce for _, ce in groups), default=0))
    out = []
    for (cs, ce), g in sorted(groups.items(), key=lambda kv: (-(kv[0][1] - kv[0][0]), kv[0][0])):
        if taken.find(1, cs, ce) != -1:
            continue
        taken[cs:ce] = b"\x01" * (ce - cs)
        if not g.get("blocker"):
            out.append((cs, ce, g))
    out.sort()
    return out


def _mentions(an: Analysis, gaz: Gazetteer, by_start: dict[int, int], by_end: dict[int, int]) -> list[Mention]:
    mentions: list[Mention] = []
    text = an.norm.original
    claimed = -1  # the last word index taken by a mention
    for cs, ce, g in _place_groups(an, gaz, by_start, by_end):
        ws, we = g["ws"], g["we"]
        if ws <= claimed:
            continue
        starting = an.starting_at(ws)
        if starting and any(h.we == we for h in starting):
            continue  # a context word (مدينة، شمال) that GeoNames also knows as a village
        if g["lam"]:  # للاذقية، لليمن: the preposition and the article share the lam
            cs -= 1
        m = Mention(ws=ws, we=we, name_ws=ws, name_we=we, nstart=cs, nend=ce, name=g["pattern"],
                    prefix=g["prefix"], entries=list(g["entries"].values()))
        _extend_left(an, m, claimed)
        _extend_right(an, m)
        m.start, m.end = an.norm.original_span(m.nstart, m.nend)
        name_start, name_end = an.norm.original_span(cs, ce)
        if _TANWEEN.search(text, name_start, an.words[we].end):
            continue
        mentions.append(m)
        claimed = m.we
    _coordination(an, mentions)
    kept = []
    for m in mentions:
        if m.governor is None and m.prep is None and m.ws < 12 and stands_as_dateline(text, m.start, m.end):
            m.governor = "dateline"  # عدن - «الشرق الأوسط»: the dateline makes it a place
        ok, rejected = [], []
        for e in m.entries:
            level = max(gaz.context_level(e, m.name), gaz.context_level(e, "ا" + m.name))
            if m.name.startswith("لل") and m.prefix == "" and not m.prep:
                m.prep = "ل"  # للاذقية: the preposition is inside the matched word
            (ok if _satisfied(m, level) else rejected).append(e)
        m.entries, m.rejected = ok, rejected
        kept.append(m)
    # a name without context next to an accepted place in a list (حلب وحماة) is a place too
    for _ in range(2):
        for i, m in enumerate(kept):
            if m.entries or not m.rejected:
                continue
            prev_ok = i > 0 and kept[i - 1].entries and kept[i - 1].we + 1 == m.ws and m.prefix.startswith("و")
            next_ok = (i + 1 < len(kept) and kept[i + 1].entries and m.we + 1 == kept[i + 1].ws
                       and kept[i + 1].prefix.startswith("و"))
            if prev_ok or next_ok:
                level_ok = [e for e in m.rejected
                            if max(gaz.context_level(e, m.name), gaz.context_level(e, "ا" + m.name)) <= 1]
                if level_ok:
                    m.entries = level_ok
                    m.rejected = [e for e in m.rejected if e not in level_ok]
                    m.governor = m.governor or "coord"
    return [m for m in kept if m.entries]


def _extend_left(an: Analysis, m: Mention, claimed: int) -> None:
    left_prefix = m.prefix
    inner = [h for h in an.starting_at(m.ws) if h.role == "type" and h.we < m.we]
    if inner:  # a name written with its type noun (مدينة عدن، مخيم اليرموك)
        m.type_word = inner[0].word.pattern
        m.hint = inner[0].word.value or None
    for _ in range(4):
        if left_prefix not in _FREE_PREFIXES or m.ws - 1 <= claimed:
            break
        hits = [h for h in an.hits_before(m.ws, "type", "parts", "countryside", "direction")
                if not h.suffix]
        if not hits:
            break  # مدنها تكريت: a noun with a pronoun is not the name's type noun
        h = hits[0]
        if h.role == "parts":  # أحياء حلب، مدينتي الرمادي: context, not the mention
            if m.ws == m.name_ws:
                m.hint = m.hint or h.word.value or None
                m.type_word = m.type_word or h.word.pattern
                m.governor = m.governor or "parts"
                m.parts = True
            break
        if h.role == "type" and ("ال" in h.prefix or m.countryside or m.direction_before):
            # المدينة المطلة على …: an adjective follows, not a name;
            # قرى ريف حماة: the villages are not the mention, the countryside is
            break
        m.ws, m.nstart, left_prefix = h.ws, h.core_nstart, h.prefix
        if h.prefix.endswith("ال"):
            m.nstart -= 2
        if h.role == "type":
            if m.hint is None and h.word.value:
                m.hint = h.word.value
            m.type_word = m.type_word or h.word.pattern
        elif h.role == "countryside":
            m.countryside = True
            m.plural = h.word.value == "many"
        else:
            directions = [h.word.value]
            more = an.hits_before(m.ws, "direction")
            if more and h.prefix == "":
                directions.insert(0, more[0].word.value)
                m.ws, m.nstart, left_prefix = more[0].ws, more[0].core_nstart, more[0].prefix
            m.direction = _compass(directions)
            m.direction_before = True
        m.governor = m.governor or h.role
    # الريف الشرقي لدير الزور / الريف الشمالي الغربي لمحافظة حماة
    if left_prefix.endswith("ل") and not m.countryside:
        adjs: list[Hit] = []
        wi = m.ws
        while len(adjs) < 2:
            found = an.hits_before(wi, "direction_adj")
            if not found:
                break
            adjs.insert(0, found[0])
            wi = found[0].ws
        rural = an.hits_before(wi, "countryside") if adjs else []
        if rural and rural[0].prefix.endswith("ال"):
            h = rural[0]
            m.countryside, m.plural = True, h.word.value == "many"
            m.direction = _compass([a.word.value for a in adjs])
            m.ws, m.nstart, left_prefix = h.ws, h.core_nstart - 2, h.prefix
            m.governor = "countryside"
    m.prefix = left_prefix
    if left_prefix in _B_CLITICS:
        m.prep = "ب"
        m.governor = m.governor or "clitic"
    else:
        preps = an.hits_before(m.ws, "prep")
        if preps and preps[0].prefix in ("", "و", "ف", "ب", "وب"):  # في وسط، بوسط المدينة
            m.prep = preps[0].word.pattern
            m.governor = m.governor or "prep"


def _extend_right(an: Analysis, m: Mention) -> None:
    """A demonym (طرابلس اللبنانية) and direction adjectives (ريف حماة الشمالي, حلب
    الشرقية) after the name; after a type noun the adjective describes the town
    (مدينة عدن الجنوبية: the southern city of Aden), and is left out."""
    adjs: list[str] = []
    wi = m.we
    demonym = [h for h in an.hits_after(wi, "demonym") if h.prefix == ""]
    if demonym:  # طرابلس اللبنانية
        m.country_hint = demonym[0].word.value
        wi = m.we = demonym[0].we
        m.nend = demonym[0].core_nend
    while len(adjs) < 2 and (m.countryside or m.parts or not m.type_word):
        found = [h for h in an.hits_after(wi, "direction_adj") if h.prefix == ""]
        if not found:
            break
        adjs.append(found[0].word.value)
        wi = found[0].we
        m.we, m.nend = wi, found[0].core_nend
    if adjs:
        m.direction = _compass(adjs) or m.direction
        m.direction_before = False


def _coordination(an: Analysis, mentions: list[Mention]) -> None:
    """أرياف حماة واللاذقية وإدلب: the countryside carries over the list."""
    for prev, m in zip(mentions, mentions[1:]):
        if (prev.countryside and not m.countryside and m.prefix.startswith("و")
                and prev.we + 1 == m.ws and m.ws == m.name_ws and an.adjacent(prev.we, m.ws)):
            m.countryside, m.plural = True, prev.plural
            m.direction = m.direction or prev.direction
            m.governor = m.governor or "countryside"


def _satisfied(m: Mention, level: int) -> bool:
    if level == 0:
        return True
    if m.hint is not None or m.type_word or m.countryside:
        return True
    if level >= 2:
        return False
    return m.governor is not None or m.prep is not None


# --- choosing among candidates ------------------------------------------------------

_HINT_KINDS = {
    "governorate": {"governorate"}, "city": {"city", "town", "village"},
    "town": {"city", "town", "village"}, "village": {"village", "town", "city"},
    "neighbourhood": {"neighbourhood"}, "camp": {"camp"}, "district": {"district", "subdistrict"},
    "subdistrict": {"subdistrict", "district"}, "point": {"point"}, "region": {"region"},
    "country": {"country"},
}
_RANK = {"point": 0, "neighbourhood": 0, "camp": 0, "village": 1, "town": 1, "city": 2,
         "subdistrict": 2.5, "district": 3, "region": 3.5, "governorate": 4, "country": 5}


def kind_rank(m: Mention, e: PlaceEntry) -> float:
    if m.countryside or m.direction:
        return max(_RANK.get(e.kind, 1), 3.5)
    return _RANK.get(e.kind, 1)


def score_entry(m: Mention, e: PlaceEntry, countries: dict[str, int],
                parent: PlaceEntry | None, consistent) -> float:
    s = prior(e)
    if parent is not None and consistent(e, parent):
        s += 10
    if e.country and countries.get(e.country):
        s += 3
    if m.country_hint:
        s += 6 if e.country == m.country_hint else -6
    if m.hint:
        s += 2 if e.kind in _HINT_KINDS.get(m.hint, {m.hint}) else -2
    if m.countryside:
        s += {"governorate": 5, "city": 1, "region": 1}.get(e.kind, 0)
    return s


def preliminary_entry(m: Mention) -> PlaceEntry:
    return max(m.entries, key=lambda e: score_entry(m, e, {}, None, lambda a, b: False))
