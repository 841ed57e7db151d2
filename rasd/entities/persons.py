"""Person names found by rule: titles and ranks, kunyas, quoted names, speakers.

A name starts with a given name (``rasd/data/entities/first_names.tsv``), a kunya
(``أبو``/``أبي``/``أم`` + given name) or an ``عبد الـX`` compound, and runs on over more given
names, ``بن`` chains, one ``الـ`` surname or (in strong contexts) one other word. It is
kept as a PERSON only with evidence:

* ``title``: a title or rank before it (``الرائد``, ``قائد X``, ``الرئيس السوري``);
* ``quote``: it is exactly the quoted text (“جميل الصالح”);
* ``kunya``: it is a kunya (``أبو محمد الجولاني``);
* ``apposition``: a title follows it (``عبد الله المحيسني رئيس …``, ``… أحد القياديين``);
* ``speech``: a verb of saying stands right before it and it has two words or more;
* ``name``: two or more name words starting with an unambiguous given name.

Given names that are also common words (حسن, جميل, علي = على) need one of the first five.
A later bare surname (``وشبه صوفان``) of a name seen earlier is tagged too, with
``attrs["same_as"]`` = the span of the full mention.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasd.doc import Document, Entity
from rasd.datafiles import read_tsv, variants
from rasd.text.matcher import PhraseMatcher
from rasd.text.memo import memo_of
from rasd.text.tokenize import token_starts

__all__ = ["Title", "PersonLexicon", "load_persons", "find_persons"]


@dataclass(frozen=True, slots=True)
class Title:
    pattern: str
    role: str | None
    sector: str | None
    complement: str  # none | optional | required


@dataclass(frozen=True)
class PersonLexicon:
    first_names: dict[str, bool]  # folded name → ambiguous
    kunya: frozenset[str]
    kunya_f: frozenset[str]
    links: frozenset[str]
    compound: frozenset[str]
    suffixes: frozenset[str]
    stopwords: dict[str, bool]  # folded word → also a name (علي)
    speech: frozenset[str]
    blockers: frozenset[str]
    titles: PhraseMatcher[Title]
    title_words: frozenset[str]
    starters: frozenset[str]  # words a name can begin with
    compound_tails: frozenset[str]  # الدين, الله: second halves of given names
    complement_links: frozenset[str]  # في, باسم inside a title's complement
    speech_end: frozenset[str]  # إن, أن after a speaker's name
    verb_like: tuple[str, ...]  # beginnings of verb forms: not an unknown surname


@lru_cache(maxsize=None)
def load_persons() -> PersonLexicon:
    first: dict[str, bool] = {}
    for row in read_tsv("entities/first_names.tsv", ("name", "ambiguous")):
        for key in variants(row["name"]):
            first[key] = first.get(key, False) or row["ambiguous"] == "1"
    particles: dict[str, set[str]] = {}
    for row in read_tsv("entities/name_particles.tsv", ("pattern", "kind")):
        particles.setdefault(row["kind"], set()).update(variants(row["pattern"]))
    stop: dict[str, bool] = {}
    for row in read_tsv("entities/stopwords.tsv", ("pattern",)):
        for key in variants(row["pattern"]):
            stop[key] = row["also_name"] == "1"
    speech = {k for row in read_tsv("entities/speech_verbs.tsv", ("pattern",)) for k in variants(row["pattern"])}
    blockers = {k for row in read_tsv("entities/blockers.tsv", ("pattern",)) for k in variants(row["pattern"])}
    titles: PhraseMatcher[Title] = PhraseMatcher()
    title_words: set[str] = set()
    for row in read_tsv("entities/titles.tsv", ("pattern", "complement")):
        for key in variants(row["pattern"]):
            titles.add(key, Title(key, row["role"] or None, row["sector"] or None, row["complement"]))
            title_words.add(key)
    return PersonLexicon(first, frozenset(particles.get("kunya", ())), frozenset(particles.get("kunya_f", ())),
                         frozenset(particles.get("link", ())), frozenset(particles.get("compound", ())),
                         frozenset(particles.get("suffix", ())), stop, frozenset(speech), frozenset(blockers),
                         titles, frozenset(title_words),
                         frozenset(first) | particles.get("kunya", set()) | particles.get("kunya_f", set())
                         | particles.get("compound", set()),
                         frozenset(particles.get("compound_tail", ())),
                         frozenset(particles.get("complement_link", ())),
                         frozenset(particles.get("speech_end", ())),
                         tuple(sorted(particles.get("not_surname_prefix", ()))))


# How many tokens may stand between a title that needs a complement and the name
# (قائد هيئة تحرير الشام “أبو محمد الجولاني”).
_MAX_COMPLEMENT = 6
_MAX_NAME = 4
_CLITICS = ("وب", "فب", "ول", "فل", "و", "ف", "ب", "ل")
_QUOTE = '"'


@dataclass(slots=True)
class _TitleHit:
    first: int  # token indices
    last: int
    title: Title
    start: int  # original span of the title itself (clitics left out)
    end: int
    prefix: str = ""  # the clitic written before it (و in وقائد)


_QUOTES = re.compile('"')
_TWO_LETTER_CLITICS = frozenset(("وب", "فب", "ول", "فل"))


class _Gaps:
    """The normalised text between token i and token i+1, computed when asked."""

    def __init__(self, text: str, tokens: list) -> None:
        self.text = text
        self.tokens = tokens

    def __getitem__(self, i: int) -> str:
        return self.text[self.tokens[i].nend:self.tokens[i + 1].nstart]


def _core(word: str, starters: frozenset[str]) -> str:
    if word in starters or len(word) < 4 or word[0] not in "وفبل":
        return word
    for rest in (word[1:], word[2:]) if word[:2] in _TWO_LETTER_CLITICS else (word[1:],):
        if rest in starters or rest.startswith("عبدال"):
            return rest
    return word


class _Scan:
    """Per-document state: tokens, gaps, entity coverage, title hits."""

    def __init__(self, doc: Document, lex: PersonLexicon, dict_entities: list[Entity],
                 taken: list[Entity]) -> None:
        self.doc = doc
        self.lex = lex
        self.tokens = doc.tokens
        self.words = [t.norm for t in doc.tokens]
        text = doc.normalized.text
        self.text = text
        self.gaps = _Gaps(text, doc.tokens)
        self.starts = token_starts(doc.tokens)  # shared, read only
        self.quotes = [m.start() for m in _QUOTES.finditer(text)] if _QUOTE in text else []
        n = len(doc.tokens)
        # token → the dictionary entity covering it (ORG/LOC/PERSON, helpers included)
        self.entity_at: list[Entity | None] = [None] * n
        for ent in dict_entities:
            for i in self._token_range(ent.start, ent.end):
                self.entity_at[i] = ent
        self.blocked = [False] * n  # inside a DATE or NUM
        for ent in taken:
            for i in self._token_range(ent.start, ent.end):
                self.blocked[i] = True
        self.title_end: dict[int, list[_TitleHit]] = {}
        self.title_start: dict[int, list[_TitleHit]] = {}
        norm = doc.normalized
        for m in lex.titles.find(text):
            if "." in m.pattern and m.prefix:
                continue  # د. only as a word of its own
            start, end = norm.original_span(m.core_start, m.core_end)
            rng = self._token_range(start, end)
            if not rng:
                continue
            hit = _TitleHit(rng[0], rng[-1], m.payload, start, end, m.prefix)
            self.title_end.setdefault(hit.last, []).append(hit)
            self.title_start.setdefault(hit.first, []).append(hit)
        for ent in dict_entities:  # the actor dictionary's role nouns (وزير الدفاع) count as titles
            if ent.attrs.get("kind") == "title":
                rng = self._token_range(ent.start, ent.end)
                if rng:
                    hit = _TitleHit(rng[0], rng[-1], Title(ent.text, ent.attrs.get("role"), ent.sector, "optional"),
                                    ent.start, ent.end)
                    self.title_end.setdefault(hit.last, []).append(hit)
                    self.title_start.setdefault(hit.first, []).append(hit)

    def _token_range(self, start: int, end: int) -> range:
        i = bisect.bisect_left(self.starts, start)
        if i > 0 and self.tokens[i - 1].end > start:
            i -= 1
        j = i
        while j < len(self.tokens) and self.tokens[j].start < end:
            j += 1
        return range(i, j)

    # -- token classes -------------------------------------------------------------
    def core(self, i: int) -> str:
        """The word without a leading clitic when the rest is a name word."""
        return _core(self.words[i], self.lex.starters)

    def space_after(self, i: int) -> bool:
        """Only spaces (no line break) between token i and the next."""
        if i + 1 >= len(self.words):
            return False
        gap = self.gaps[i]
        return gap.strip() == "" and "\n" not in gap

    def quote_after(self, i: int) -> bool:
        if i + 1 >= len(self.words):
            return False
        gap = self.gaps[i]
        return _QUOTE in gap and gap.replace(_QUOTE, "").strip() == "" and "\n" not in gap

    def free(self, i: int) -> bool:
        ent = self.entity_at[i]
        return not self.blocked[i] and (ent is None or ent.type == "PERSON" or ent.attrs.get("kind") == "demonym")

    def opens_quote(self, i: int) -> bool:
        """A quotation mark opens right before token ``i`` (quotes are paired in order)."""
        if i == 0 or _QUOTE not in self.gaps[i - 1]:
            return False
        return bisect.bisect_left(self.quotes, self.tokens[i].nstart) % 2 == 1

    def is_al_word(self, w: str) -> bool:
        """A word that can be an الـ surname: not a feminine or plural adjective (العالمية),
        not a verbal noun of a derived form (الإسكان)."""
        if not w.startswith("ال") or len(w) < 4 or w.endswith(("يه", "ات")):
            return False
        stem = w[2:]
        if (len(stem) == 5 and stem[0] == "ا" and stem[3] == "ا") or stem.startswith("است"):
            return False  # a verbal noun: الإسكان, الاتحاد, الاستثمار
        return w not in self.lex.stopwords and w not in self.lex.title_words


def find_persons(doc: Document, dict_entities: list[Entity], taken: list[Entity]) -> list[Entity]:
    """PERSON entities found by rule (see the module docstring).

    Args:
        doc: a document whose text stage has run.
        dict_entities: dictionary entities (actors, places): names do not run into them.
        taken: DATE and NUM entities: names do not run into them either.
    """
    lex = load_persons()
    scan = _Scan(doc, lex, dict_entities, taken)
    found: list[tuple[int, int, dict[str, Any]]] = []
    starters = lex.starters
    # only words that can begin a name (with or without a clitic) are looked at closely
    starting = memo_of(_STARTING, starters, lambda w: _may_start(w, starters))
    candidates = [i for i, w in enumerate(scan.words) if starting[w]]
    after = -1
    for i in candidates:
        if i <= after:
            continue
        result = _name_at(scan, i)
        if result is not None:
            last, attrs = result
            found.append((i, last, attrs))
            after = last
    persons = [_entity(scan, first, last, attrs) for first, last, attrs in found]
    _link_repeats(scan, found, persons)
    persons.extend(_surname_references(scan, found, persons))
    persons.sort(key=lambda e: e.start)
    return persons


# for each word seen, whether it may begin a name against the starters in use
_STARTING: list = []


def _may_start(w: str, starters: frozenset[str]) -> bool:
    """A word that can begin a name, with or without a clitic."""
    return (w in starters or "عبدال" in w
            or (len(w) > 3 and w[0] in "وفبل" and (w[1:] in starters or (
                w[:2] in _TWO_LETTER_CLITICS and w[2:] in starters))))


def _entity(scan: _Scan, first: int, last: int, attrs: dict[str, Any]) -> Entity:
    start = scan.tokens[first].start
    word = scan.words[first]
    core = scan.core(first)
    if core != word:  # leave the clitic (و, ل …) out of the name
        start = scan.doc.normalized.original_start(scan.tokens[first].nstart + len(word) - len(core))
    end = scan.tokens[last].end
    return Entity("PERSON", start, end, scan.doc.text[start:end], attrs=attrs)


def _name_at(scan: _Scan, i: int) -> tuple[int, dict[str, Any]] | None:
    lex = scan.lex
    w = scan.core(i)
    if w not in lex.starters and not w.startswith("عبدال"):
        return None
    if not scan.free(i):
        return None
    kunya = w in lex.kunya or w in lex.kunya_f
    compound = w in lex.compound or w.startswith("عبدال")
    if _blocked_before(scan, i):
        return None
    title = _title_before(scan, i)
    if title is not None and _blocked_before(scan, title[0].first):
        return None  # مطار الملك عبد العزيز, جائزة الملك فيصل
    if lex.stopwords.get(w) and (_preposition_spelling(scan, i) or title is None and not scan.opens_quote(i)):
        return None  # على, folded to علي
    if lex.first_names.get(w) and i in scan.title_start and title is None and not scan.opens_quote(i):
        return None  # أمين الأحساء: a title, not the given name أمين
    quoted = scan.opens_quote(i)
    speech = i > 0 and scan.space_after(i - 1) and _bare(scan.words[i - 1], lex.speech)
    strong = title is not None or quoted or speech
    last, words, unknown = _extend(scan, i, strong, quoted)
    if last is None:
        return None
    if kunya and not _kunya_ok(scan, i, last, w, strong):
        return None
    if quoted and not (last + 1 >= len(scan.words) or _QUOTE in scan.gaps[last]):
        quoted = False  # the quote holds more than the name
        if title is None and not speech:
            return None
    size = last - i + 1
    after = _title_after(scan, last)
    ambiguous = not kunya and not compound and lex.first_names.get(w, False)
    attrs: dict[str, Any] = {}
    if title is not None:
        rule = "title"
    elif quoted and 2 <= size <= _MAX_NAME:
        rule = "quote"
    elif kunya and size >= 2:
        rule = "kunya"
    elif after is not None and size >= 2:
        rule = "apposition"
    elif speech and size >= 2 and _speech_end_ok(scan, last):
        rule = "speech"
    elif not ambiguous and size >= 2 and words >= 2 and not unknown:
        rule = "name"
    else:
        return None
    if size == 1 and (ambiguous or title is None or title[0].title.complement == "required"):
        return None
    attrs["rule"] = rule
    if kunya:
        attrs["kunya"] = True
    if quoted:
        attrs["quoted"] = True
    _describe(scan, attrs, title, after)
    return last, attrs


def _preposition_spelling(scan: _Scan, i: int) -> bool:
    """The original token ends in alef maqsura (على), so it is not the name علي."""
    tok = scan.tokens[i]
    return scan.doc.text[tok.start:tok.end].rstrip()[-1:] == "ى"


def _bare(word: str, words: frozenset[str]) -> bool:
    return word in words or (word[:1] in "وف" and word[1:] in words)


def _blocked_before(scan: _Scan, i: int) -> bool:
    if i == 0 or not (scan.space_after(i - 1) or scan.quote_after(i - 1)):
        return False
    prev = scan.words[i - 1]
    lex = scan.lex
    if prev in lex.kunya or prev in lex.kunya_f or prev in lex.compound or prev in lex.links:
        return True  # the name began at the particle (أبو بكر): not a new one at بكر
    if _bare(prev, scan.lex.blockers) or (prev[:1] in "وفبل" and _bare(prev[1:], scan.lex.blockers)):
        return True
    return i > 1 and scan.space_after(i - 2) and f"{scan.words[i - 2]} {prev}" in scan.lex.blockers


def _extend(scan: _Scan, i: int, strong: bool, quoted: bool) -> tuple[int | None, int, bool]:
    """The last token of the name starting at ``i``, the count of name words, whether it
    used a word that is not a known name part."""
    lex = scan.lex
    w = scan.core(i)
    n = len(scan.words)
    last = i
    words = 1
    unknown = False
    if w in lex.kunya or w in lex.kunya_f or w in lex.compound:
        # the particle needs its name: أبو محمد, عبد الله
        if not scan.space_after(i) or not scan.free(i + 1):
            return None, 0, False
        nxt = scan.words[i + 1]
        if lex.stopwords.get(nxt) and _preposition_spelling(scan, i + 1):
            return None, 0, False  # أم على …: "or on", not a kunya
        if w in lex.compound:
            if not (nxt.startswith("ال") and len(nxt) >= 4):
                return None, 0, False
        elif not (nxt in lex.first_names or nxt in lex.compound or nxt.startswith("عبدال")
                  or (strong and w in lex.kunya and scan.is_al_word(nxt))):
            return None, 0, False
        last = i + 1
        if nxt in lex.compound:
            if not (scan.space_after(last) and scan.free(last + 1) and scan.words[last + 1].startswith("ال")):
                return None, 0, False
            last += 1
    limit = _MAX_NAME + (1 if w in lex.kunya or w in lex.kunya_f else 0)
    while last + 1 < n and last - i + 1 < limit and scan.space_after(last) and scan.free(last + 1):
        j = last + 1
        word = scan.words[j]
        if (j in scan.title_start and not quoted) or _bare(word, lex.speech):
            break
        if word in lex.stopwords:
            # علي inside a name (جابر علي باشا) only before another non-article name word
            if not (lex.stopwords[word] and not _preposition_spelling(scan, j) and scan.space_after(j) and scan.free(j + 1)
                    and not scan.words[j + 1].startswith("ال") and scan.words[j + 1] not in lex.stopwords
                    and last - i + 2 < limit):
                break
            last, words = j, words + 1
            continue
        if word in lex.kunya:  # a family name made of a kunya: محمد أبو زيد
            if scan.space_after(j) and scan.free(j + 1) and last - i + 2 < limit \
                    and scan.words[j + 1] not in lex.stopwords and (
                    scan.words[j + 1] in lex.first_names or scan.is_al_word(scan.words[j + 1])
                    or (strong and _plausible_unknown(scan.words[j + 1], lex))):
                last, words = j + 1, words + 2
                continue
            break
        if word in lex.links:
            if scan.space_after(j) and scan.free(j + 1) and (scan.words[j + 1] in lex.first_names
                                                             or scan.words[j + 1].startswith("ال")):
                last, words = j + 1, words + 2
                continue
            break
        if word in lex.compound:
            if scan.space_after(j) and scan.free(j + 1) and scan.words[j + 1].startswith("ال"):
                last, words = j + 1, words + 1
                continue
            break
        if unknown and not quoted:
            if word in lex.suffixes:
                last = j
            break  # after a word we could not place (مقاليد), only an honorific may follow
        if word in lex.first_names or word.startswith("عبدال"):
            if lex.first_names.get(word) and _preposition_spelling(scan, j):
                break  # على, not the name علي
            last, words = j, words + 1
            continue
        if word == "الله" or word in lex.suffixes:
            last = j
            break
        if unknown:
            break  # an الـ word after an unplaced word (نزول التوراة) is no surname
        if scan.is_al_word(word) or (quoted and word.startswith("ال") and word not in lex.stopwords):
            last, words = j, words + 1
            if scan.space_after(j) and j + 1 < n and scan.words[j + 1] in lex.suffixes:
                last = j + 1
            break
        if strong and _plausible_unknown(word, lex) and (quoted or (last == i and words == 1)):
            last, unknown = j, True
            continue
        break
    return last, words, unknown


# beginnings of words that are not surnames: the article, verb forms (استقبل, يقول)
def _plausible_unknown(word: str, lex: PersonLexicon) -> bool:
    """A word outside the name lists that may still be a surname (صوفان, لافروف): not a
    word with the article or a conjunction, not a verb form, not a preposition on a
    verbal noun (بإصدار)."""
    if len(word) < 2 or word.isdigit() or word.startswith("ال") or word.startswith(lex.verb_like) \
            or word[0] in "وف":
        return False
    rest = word[1:]
    # ب/ل on a verbal noun of a derived form: بإصدار, لإنهاء, لاتفاق, لاستعادة (not لافروف)
    return not (word[0] in "بل" and rest[:1] == "ا" and ("ا" in rest[3:5] or rest.startswith("است")))


def _kunya_ok(scan: _Scan, i: int, last: int, w: str, strong: bool) -> bool:
    nxt = scan.words[i + 1]
    if w in scan.lex.kunya_f:  # أم is also "or": it needs a given name and more, or context
        return strong or (nxt in scan.lex.first_names and last > i + 1)
    return True


def _speech_end_ok(scan: _Scan, last: int) -> bool:
    if last + 1 >= len(scan.words):
        return True
    if not scan.space_after(last):
        return True  # punctuation or a quote follows
    nxt = scan.words[last + 1]
    return nxt in scan.lex.speech_end or (last + 1) in scan.title_start


def _title_before(scan: _Scan, i: int) -> tuple[_TitleHit, _TitleHit | None] | None:
    """The title introducing a name at token ``i``: (nearest title, an outer title that
    gives the role when the nearest is only a rank), walking back over complements."""
    nearest = _walk_back(scan, i)
    if nearest is None:
        return None
    outer = None
    if nearest.title.role in (None, "officer"):
        outer = _walk_back(scan, nearest.first)
        if outer is not None and outer.title.role in (None, "officer"):
            outer = None
    return nearest, outer


def _walk_back(scan: _Scan, i: int) -> _TitleHit | None:
    j = i - 1
    skipped = 0
    only_al = True
    while j >= 0 and skipped <= _MAX_COMPLEMENT:
        if not (scan.space_after(j) or scan.quote_after(j) or _abbreviation_gap(scan, j)):
            return None
        for hit in scan.title_end.get(j, ()):
            comp = hit.title.complement
            if (comp == "none" and skipped == 0) or (comp == "optional" and only_al) \
                    or (comp == "required" and skipped > 0):
                return hit
        ent = scan.entity_at[j]
        if ent is not None and ent.type in ("ORG", "LOC"):
            j = scan._token_range(ent.start, ent.end)[0] - 1
            skipped += 1
            only_al = only_al and ent.attrs.get("kind") == "demonym"
            continue
        word = scan.words[j]
        if j in scan.title_end:  # a title that does not fit: stop
            return None
        if word in scan.lex.complement_links or word.startswith("لل"):
            skipped += 1
            only_al = False
            j -= 1
            continue
        if (word in scan.lex.stopwords and not word.startswith("ال")) or _bare(word, scan.lex.speech) \
                or scan.blocked[j] or word in scan.lex.first_names:
            return None  # a function word, a verb, a number or another name: no title reaches over it
        only_al = only_al and word.startswith("ال")
        skipped += 1
        j -= 1
    return None


def _abbreviation_gap(scan: _Scan, j: int) -> bool:
    """Token ``j`` is an abbreviated title (د.) whose dot stands between it and the name."""
    return scan.gaps[j].strip() == "." and any(h.title.pattern.endswith(".") for h in scan.title_end.get(j, ()))


def _title_after(scan: _Scan, last: int) -> _TitleHit | None:
    """A title in apposition right after a name: ``… المحيسني رئيس مركز …``, ``، أحد القياديين``."""
    j = last + 1
    if j >= len(scan.words):
        return None
    gap = scan.gaps[last].replace(_QUOTE, "")
    if gap.strip() not in ("", ","):
        return None
    for hit in scan.title_start.get(j, ()):
        if hit.prefix == "" and hit.title.role and hit.title.complement in ("required", "optional") \
                and hit.title.role not in ("victim",):
            return hit
    return None


def _describe(scan: _Scan, attrs: dict[str, Any], title: tuple[_TitleHit, _TitleHit | None] | None,
              after: _TitleHit | None) -> None:
    """Fill ``title``, ``role``, ``title_sector``, ``title_span``, ``affiliation_span``."""
    text = scan.doc.text
    hits = [h for h in (title[0] if title else None, title[1] if title else None, after) if h is not None]
    if not hits:
        return
    nearest = hits[0]
    attrs["title"] = text[nearest.start:nearest.end]
    attrs["title_span"] = (nearest.start, nearest.end)
    role_hit = next((h for h in hits if h.title.role and h.title.role != "officer"), None) \
        or next((h for h in hits if h.title.role), None)
    if role_hit is not None:
        attrs["role"] = role_hit.title.role
    sector = next((h.title.sector for h in hits if h.title.sector), None)
    if sector:
        attrs["title_sector"] = sector
    for hit in ([title[1], title[0]] if title else []) + [after]:
        if hit is None:
            continue
        org = _org_after(scan, hit.last)
        if org is not None:
            attrs["affiliation_span"] = (org.start, org.end)
            break


def _org_after(scan: _Scan, j: int) -> Entity | None:
    """The dictionary organisation that completes a title ending at token ``j``."""
    for k in range(j + 1, min(j + 4, len(scan.words))):
        ent = scan.entity_at[k]
        if ent is not None and ent.type == "ORG" and ent.attrs.get("kind") not in ("demonym", "title"):
            return ent
        if not (scan.space_after(k - 1) or scan.quote_after(k - 1)) or scan.words[k] in scan.lex.stopwords \
                and scan.words[k] not in scan.lex.complement_links:
            return None
    return None


def _link_repeats(scan: _Scan, found: list[tuple[int, int, dict[str, Any]]], persons: list[Entity]) -> None:
    """A full name said again (أبو محمد الجولاني … أبي محمد الجولاني) points to its first mention."""
    first_seen: dict[tuple[str, ...], Entity] = {}
    for (first, last, attrs), person in zip(found, persons):
        words = [scan.core(first)] + scan.words[first + 1:last + 1]
        if words[0] in scan.lex.kunya:
            words[0] = "ابو"
        key = tuple(words)
        if len(key) < 2:
            continue
        if key in first_seen:
            attrs["same_as"] = (first_seen[key].start, first_seen[key].end)
        else:
            first_seen[key] = person


def _surname_references(scan: _Scan, found: list[tuple[int, int, dict[str, Any]]],
                        persons: list[Entity]) -> list[Entity]:
    """Later bare mentions of the surname of a name seen earlier (وشبه صوفان)."""
    lex = scan.lex
    surnames: dict[str, tuple[int, Entity]] = {}
    for (first, last, _), person in zip(found, persons):
        if last == first:
            continue
        word = scan.words[last]
        if word in lex.suffixes and last - 1 > first:
            word = scan.words[last - 1]
        if scan.words[last - 1] in lex.compound or word in lex.compound_tails:
            continue  # العزيز of عبد العزيز, الدين of نور الدين: part of the given name
        if (len(word) < 3 or word in lex.first_names or word in lex.stopwords or word in lex.title_words
                or word in lex.kunya or word in lex.blockers or word == "الله"):
            continue
        surnames.setdefault(word, (last, person))
    if not surnames:
        return []
    covered = set()
    for first, last, _ in found:
        covered.update(range(first, last + 1))
    out = []
    hits = [j for j, word in enumerate(scan.words)
            if word in surnames or (word[:1] in "وف" and word[1:] in surnames)]
    for j in hits:
        word = scan.words[j]
        key = word if word in surnames else word[1:]
        if j in covered or not scan.free(j) or scan.entity_at[j] is not None:
            continue
        last, person = surnames[key]
        if j <= last:
            continue
        if scan.space_after(j) and scan.words[j + 1].startswith("ال"):
            continue  # الصالح العام: an adjective phrase, not the man
        start = scan.doc.normalized.original_start(scan.tokens[j].nstart + len(word) - len(key))
        end = scan.tokens[j].end
        out.append(Entity("PERSON", start, end, scan.doc.text[start:end],
                          attrs={"rule": "surname", "same_as": (person.start, person.end)}))
    return out
