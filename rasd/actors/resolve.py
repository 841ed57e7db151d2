"""Actor resolution: compose generic nouns with the country that qualifies them, and link
persons to the organisation and role the text gives them.

The stage runs after ``entities`` (which adds the dictionary mentions found by
:func:`rasd.actors.find_actor_mentions`, and persons found by rule) and ``geo`` (which puts
a :class:`rasd.doc.Place` in ``attrs["place"]`` of LOC entities). It works on the
entities alone, in text order, and only on what stands next to each other:

1. A state name used as a place (``في روسيا``, ``بالعراق``) is not an actor: dropped.
2. Composition. A generic noun or a title followed by a demonym (``الجيش العراقي``,
   ``الرئيس السوري``), a state (``حكومة العراق``, ``سفير بولندا``) or a place
   (``شرطة بغداد``, ``محافظ نينوى``) takes that country; the entity grows to cover both and
   the demonym/state entity is removed (a place stays: it is still a location). A title
   with no sector before a state or place governs it (``رئيس تيمور الشرقية`` → GOV).
   A member noun (``عناصر``, ``أفراد``: a generic entry with no sector), a container
   (``دورية للجيش الأميركي``, ``مسلحين من القاعدة``, ``متطوعا في الجيش العراقي``) or an
   armed noun before an organisation (``مسلحو حماس``) takes the identity of the actor it
   belongs to; ``طائرة تابعة للقوات الأميركية`` and ``الشرطة في بغداد`` (local bodies
   only) take its country without merging. A conjunction or preposition glued to the
   next word ends the phrase (``الحكومة وروسيا`` are two actors). The country of a
   generic noun with no such modifier stays null: never guessed.
3. Persons. A PERSON entity preceded by a title chain (``قائد هيئة تحرير الشام X``,
   ``القيادي في جبهة تحرير سوريا X``, ``وزير الدفاع العراقي X``, ``رئيسة الوزراء
   السابقة، X``) or followed by one (``X قائد جيش العزة``, ``X، أحد القياديين في …``,
   ``X رئيس مركز …``) gets the organisation's country and sector (else the title's),
   ``attrs["affiliation"]`` (the organisation's id), ``attrs["affiliation_name"]`` and
   ``attrs["role"]``. A person found in the dictionary keeps the role of the entry valid
   on ``doc.published``, or the one the text names when it has several. A later mention
   by the family name alone (``وأضاف صوفان``) shares the role of the person named before.
4. Possessives and instruments. A generic noun with a possessive pronoun (``قال الجيش
   الأميركي إن جنوده``) takes the country of the nearest actor before it in the sentence;
   a lone demonym after a weapon or an operation (``صاروخ إسرائيلي``, ``ضربة جوية
   أميركية``) names that country's military (MIL).
5. Clean-up. Titles merged into a person are removed. A title left alone stays an actor
   only if it carries a country or names an office (GOV, LEG, JUD, COP, SPY, REL:
   ``الرئيس``, ``رئيس الوزراء``): its ``attrs["kind"]`` becomes ``office``. A demonym left
   alone that names people (``عراقيين``, ``عراقيا``) becomes an actor with the country
   only (``attrs["kind"] = "people"``); other lone demonyms keep ``kind="demonym"``
   (helpers that event extraction ignores). Member nouns left alone are removed.

The word lists these rules use are in ``rasd/data/actors/context.json``.
"""
from __future__ import annotations

import bisect
import itertools
import logging
import re

from rasd.actors.dictionary import ActorDictionary, load_actors, load_context
from rasd.actors.memory import (PAIR_ID, SHORT_FORM_WORDS, VICTIM_SECTORS, ActorMemory, Description,
                                short_form_keys)
from rasd.actors.mentions import choose_person_entry, entity_for
from rasd.doc import ActorRef, Document, Entity
from rasd.options import Options
from rasd.text.normalize import fold
from rasd.text.tokenize import word_stem

__all__ = ["ActorResolver", "actor_ref", "HELPER_KINDS", "ACTOR_KINDS"]

log = logging.getLogger(__name__)

HELPER_KINDS = ("demonym", "title")
ACTOR_KINDS = ("org", "state", "generic", "person", "office", "people")
# Sectors of bodies that bear arms: an armed noun before an organisation of one of these
# takes the organisation's sector, otherwise it keeps its own.
_ARMED = frozenset({"MIL", "REB", "UAF", "COP", "SPY", "IMG", "CRM", "INS", "SEP"})
_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3\w]+")
_LAST_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3\w]+$")
_SOFT_GAP = frozenset(" \t\u00a0\"'“”«»‘’")  # may stand between words of one phrase
_COMMA_GAP = _SOFT_GAP | frozenset("،,:-–—")


def _kind(e: Entity) -> str | None:
    return e.attrs.get("kind")


def _is_mine(e: Entity) -> bool:
    return e.type in ("ORG", "PERSON") and "base" in e.attrs


class ActorResolver:
    """Pipeline stage ``actors``: see the module documentation."""
    name = "actors"
    requires = ("entities",)
    assigns = ("entities",)

    def __init__(self, options: Options, dictionary: ActorDictionary | None = None) -> None:
        self.options = options
        self._dictionary = dictionary

    @property
    def dictionary(self) -> ActorDictionary:
        if self._dictionary is None:
            self._dictionary = load_actors(tuple(self.options.actor_files))
        return self._dictionary

    def __call__(self, doc: Document) -> Document:
        if not doc.entities:
            return doc
        run = _Run(doc, self.dictionary)
        run.site_homonyms()
        run.drop_locative_states()
        run.compose()
        run.link_persons()
        run.possessives()
        run.instruments()
        run.clean_up()
        memory = ActorMemory(doc, run.live())
        run.refer_back(memory)
        run.short_names(memory)
        doc.entities = run.result()
        return doc


class _Run:
    """The resolution of one document (keeps the entity list and what was removed)."""

    def __init__(self, doc: Document, dictionary: ActorDictionary) -> None:
        self.doc = doc
        self.text = doc.text
        self.d = dictionary
        self.ctx = load_context()
        self.entities = sorted(doc.entities, key=lambda e: (e.start, -(e.end - e.start)))
        self.removed: set[int] = set()
        self._live: list[Entity] | None = None
        self._starts: list[int] = []

    # -- helpers ------------------------------------------------------------------
    def live(self) -> list[Entity]:
        if self._live is None:
            self._live = [e for e in self.entities if id(e) not in self.removed]
            self._starts = [e.start for e in self._live]
        return self._live

    def remove(self, e: Entity) -> None:
        self.removed.add(id(e))
        if self._live is not None:
            # a new list without it (callers may be iterating over the old one); a slice copy,
            # not the filtered rebuild of every entity, per removal
            i = bisect.bisect_left(self._starts, e.start)
            while i < len(self._live) and self._starts[i] == e.start:
                if self._live[i] is e:
                    self._live = self._live[:i] + self._live[i + 1:]
                    self._starts = self._starts[:i] + self._starts[i + 1:]
                    break
                i += 1

    def result(self) -> list[Entity]:
        return sorted(self.live(), key=lambda e: (e.start, e.end))

    def gap(self, start: int, end: int, allowed: frozenset[str]) -> list[str] | None:
        """The words between two entities, or None if the gap holds other characters."""
        if end < start:
            return None
        gap = self.text[start:end]
        if "\n" in gap or len(gap) > 40:
            return None
        words = _WORD.findall(fold(gap))
        rest = _WORD.sub("", gap)
        if any(ch not in allowed for ch in rest):
            return None
        return words

    def next_of(self, e: Entity, kinds: tuple[str, ...] = ("ORG", "PERSON", "LOC")) -> Entity | None:
        """The first entity starting at or after the end of ``e`` (the longest on a tie)."""
        live = self.live()
        for i in range(bisect.bisect_left(self._starts, e.end), len(live)):
            other = live[i]
            if other.start > e.end + 40:
                return None
            if other is not e and other.type in kinds:
                return other  # sorted by (start, -length): the first is the best
        return None

    def prev_of(self, e: Entity, kinds: tuple[str, ...] = ("ORG", "PERSON", "LOC")) -> Entity | None:
        """The entity ending closest before the start of ``e`` (the longest on a tie)."""
        live = self.live()
        best = None
        for i in range(bisect.bisect_left(self._starts, e.start) - 1, -1, -1):
            other = live[i]
            if other.start < e.start - 200:
                break
            if other is e or other.end > e.start or other.type not in kinds:
                continue
            if best is None or (other.end, other.end - other.start) > (best.end, best.end - best.start):
                best = other
        return best

    def place_country(self, e: Entity) -> str | None:
        place = e.attrs.get("place")
        return getattr(place, "country", None) if place is not None else None

    # -- 0. a bare name that is also a site's noun ----------------------------------
    def site_homonyms(self) -> None:
        """``قصفت المقاتلات القاعدة`` after ``قاعدة العند``: in an article that
        names a site of the kind and names the actor in no fuller form, the bare name is the site."""
        for actor_id, word, site_id in self.ctx.site_homonyms:
            site_entry = self.d.get(site_id)
            if site_entry is None:
                continue
            stem = word_stem(word)  # clitics off as the tokenizer splits them: وللقاعدة → قاعد
            named = [e for e in self.live() if actor_id in (e.attrs.get("base"), e.attrs.get("parent"))]
            bare = [e for e in named if word_stem(fold(e.text)) == stem]
            if not bare or len(bare) < len(named):
                continue
            # the same noun naming a site: قاعدة العند (a place), القاعدة الجوية (a base), not a barracks
            sites = [e for e in self.live() if (e.type == "LOC" or e.attrs.get("base") == site_id)
                     and stem in fold(e.text)]
            if not sites:
                continue
            for e in bare:
                found = entity_for(site_entry, e.start, e.end, e.text, self.doc.published, self.d)
                e.id, e.canonical, e.country, e.sector = found.id, found.canonical, found.country, found.sector
                e.attrs.update(found.attrs)
                e.attrs.pop("parent", None)

    # -- 1. states used as places -------------------------------------------------
    def drop_locative_states(self) -> None:
        for e in self.live():
            if not _is_mine(e) or _kind(e) != "state":
                continue
            if e.attrs.get("proclitic", "") in self.ctx.locative_proclitics:
                self.remove(e)
                continue
            window = fold(self.text[max(0, e.start - 25):e.start]).rstrip(" \t\u00a0\"'“”«»")
            last = _LAST_WORD.search(window)
            if last and last.group() in self.ctx.locative_words:
                self.remove(e)

    # -- 2. composition -----------------------------------------------------------
    def compose(self) -> None:
        # right to left, so that what follows is whole before it qualifies what precedes:
        # دورية للجيش الأميركي = دورية + (الجيش + الأميركي)
        for a in reversed(self.live()):
            if id(a) in self.removed or not _is_mine(a) or _kind(a) not in ("generic", "title", "org"):
                continue
            for _ in range(4):
                if not self._compose_step(a):
                    break

    def _compose_step(self, a: Entity) -> bool:
        b = self.next_of(a)
        if b is None:
            return False
        tight = self.gap(a.end, b.start, _SOFT_GAP)
        if tight is None:
            return False
        kind_a, kind_b = _kind(a), (_kind(b) if _is_mine(b) else None)
        container = kind_a == "generic" and a.country is None and \
            a.attrs.get("base") in self.ctx.container_generics
        b_proclitic = b.attrs.get("proclitic", "") if _is_mine(b) else ""
        if container and tight == [] and b_proclitic in ("ل", "لل") and \
                kind_b in ("generic", "org", "state") and (b.country or b.sector):
            self._take_identity(a, b, b.sector or a.sector)  # دورية للجيش الأميركي
            return True
        if kind_a == "generic" and a.country is None and len(tight) == 1 and \
                tight[0] in self.ctx.belonging_words and b_proclitic.startswith(("ل", "لل")) and b.country:
            self._set_country(a, b.country, a.end)  # طائرة تابعة للقوات الأميركية
            return False
        if not self._continues_phrase(b):
            return False
        if tight == []:
            if _complete_construct(a) and (kind_b in ("generic", "org") or b.type == "LOC"):
                return False  # فصائل المعارضة قوات النظام: two actors side by side, not one genitive
            if kind_b == "demonym" and a.country is None:
                self._set_country(a, b.country, b.end)
                self._absorb(b)
                return True
            if kind_a == "generic" and a.sector is None and a.country is None and \
                    kind_b in ("generic", "org", "state"):
                self._take_identity(a, b, b.sector)
                return True
            if kind_a == "generic" and a.country is None and kind_b == "org" and b.country:
                sector = b.sector if (a.sector in _ARMED and b.sector in _ARMED) or a.sector is None \
                    else a.sector
                if a.sector in _ARMED and b.sector not in _ARMED:
                    sector = a.sector
                self._take_identity(a, b, sector)
                return True
            if kind_a in ("generic", "title") and kind_b == "state" and a.country is None:
                self._set_country(a, b.country, b.end)
                self.remove(b)
                if kind_a == "title" and a.sector is None:
                    a.sector = "GOV"  # رئيس تيمور الشرقية: the head of a state governs it
                return True
            if kind_a in ("generic", "title") and b.type == "LOC" and a.country is None:
                country = self.place_country(b)
                if country:
                    self._set_country(a, country, b.end)
                    if kind_a == "title" and a.sector is None:
                        a.sector = "GOV"
                    return True
            if kind_a == "generic" and a.sector == "GOV" and b.type == "PERSON" and \
                    a.country is None and b.country:
                self._set_country(a, b.country, a.end)
                return False
            return False
        if (container or (kind_a == "generic" and a.sector is None and a.country is None)) and \
                len(tight) == 1 and tight[0] in self.ctx.member_link_words and \
                kind_b in ("generic", "org", "state") and (b.country or a.sector is None):
            if kind_b == "state" and a.sector is not None:
                self._set_country(a, b.country, b.end)  # متطوعا من كوريا الجنوبية
                self.remove(b)
                return True
            self._take_identity(a, b, b.sector)  # عناصر من الشرطة
            return True
        if kind_a == "generic" and a.country is None and len(tight) == 1 and \
                tight[0] in self.ctx.place_link_words and b.type == "LOC" and \
                a.sector in self.ctx.place_link_sectors:
            country = self.place_country(b)
            if country:
                self._set_country(a, country, a.end)
        return False

    def _continues_phrase(self, b: Entity) -> bool:
        """Whether ``b`` can qualify the word before it: an adjective or a genitive takes
        no conjunction or preposition (``النظام وروسيا`` is two actors)."""
        if _is_mine(b):
            return b.attrs.get("proclitic", "") in ("", "ال")
        if b.type == "LOC":
            place = b.attrs.get("place")
            name = fold(getattr(place, "name_ar", None) or "")
            word = fold(b.text)
            return not word[:1] in ("و", "ف", "ب", "ل", "ك") or (bool(name) and word.startswith(name[:2]))
        return True

    def _set_country(self, a: Entity, country: str | None, end: int) -> None:
        if not country:
            return
        base = self.d.get(a.attrs.get("base"))
        a.country = country
        a.end = max(a.end, end)
        a.text = self.text[a.start:a.end]
        a.attrs["name_ar"] = _clean_mention(a.text, a.attrs.get("proclitic", ""))
        a.attrs["composed"] = True
        if _kind(a) == "generic" and base is not None:
            a.id = f"{base.id}@{country.lower()}"
            a.canonical = f"{self.d.country_name(country)} {base.name_en}"
        elif _kind(a) == "title" and base is not None:
            a.canonical = f"{base.name_en} ({self.d.country_name(country)})"

    def _absorb(self, b: Entity) -> None:
        """Remove a demonym merged into the actor before it, and any place read inside it
        (``العراقي`` is not the place ``العراق``)."""
        self.remove(b)
        for e in self.live():
            if e.type == "LOC" and e.start >= b.start and e.end <= b.end:
                self.remove(e)

    def _take_identity(self, a: Entity, b: Entity, sector: str | None) -> None:
        a.id, a.canonical, a.country, a.sector = b.id, b.canonical, b.country, sector
        for key in ("kind", "base", "parent"):
            if key in b.attrs:
                a.attrs[key] = b.attrs[key]
        a.end = max(a.end, b.end)
        a.text = self.text[a.start:a.end]
        a.attrs["name_ar"] = _clean_mention(a.text, a.attrs.get("proclitic", ""))
        self.remove(b)

    # -- 3. persons ---------------------------------------------------------------
    def link_persons(self) -> None:
        persons = [p for p in self.live() if p.type == "PERSON"]
        linked: dict[str, str] = {}  # any id of a person's entries -> the entry the text chose
        for p in persons:
            if p.id is None:
                self._lookup_person(p)
            chain = self._chain_before(p) or self._chain_after(p)
            if chain:
                self._apply_chain(p, chain)
                entry = self.d.get(p.id)
                if entry is not None and entry.kind == "person":
                    for other in self.d.sharing_variant(entry):
                        linked[other.id] = entry.id
        self._same_person(persons)
        # later (and earlier) mentions of a person whose role the text gave keep that role
        for p in persons:
            chosen = self.d.get(linked.get(p.id or ""))
            if chosen is not None and chosen.id != p.id and "affiliation_from_text" not in p.attrs:
                org = self.d.get(chosen.parent)
                if org is not None:
                    self._switch_role(p, Entity("ORG", 0, 0, "", attrs={"base": org.id}))

    def _same_person(self, persons: list[Entity]) -> None:
        """``وأضاف صوفان``: a later mention by the family name alone (or the full name
        again) is the person named earlier, with the same country, sector and role."""
        known: dict[str, Entity] = {}
        for p in persons:
            words = _WORD.findall(fold(_clean_mention(p.text)))
            if not words:
                continue
            described = p.country or p.sector or p.attrs.get("affiliation")
            key_full, key_last = " ".join(words), words[-1]
            earlier = known.get(key_full) or (known.get(key_last) if len(words) == 1 else None)
            if earlier is not None and not described:
                p.id = p.id or earlier.id
                p.canonical = p.canonical or earlier.canonical
                p.country, p.sector = earlier.country, earlier.sector
                for key in ("affiliation", "affiliation_name", "role"):
                    if key in earlier.attrs:
                        p.attrs.setdefault(key, earlier.attrs[key])
            elif described and len(words) > 1:
                known.setdefault(key_full, p)
                if len(key_last) > 2:
                    known.setdefault(key_last, p)

    def _lookup_person(self, p: Entity) -> None:
        """A person found by rule whose name is in the dictionary gets its entry."""
        for m in self.d.matcher.find(fold(p.text)):
            if m.payload.kind == "person":
                entry = choose_person_entry(self.d, m.payload, self.doc.published)
                found = entity_for(entry, p.start, p.end, p.text, self.doc.published, self.d)
                p.id, p.canonical = found.id, found.canonical
                p.country = p.country or found.country
                p.sector = p.sector or found.sector
                for key, value in found.attrs.items():
                    if key != "kind":
                        p.attrs.setdefault(key, value)
                return

    def _chain_before(self, p: Entity) -> list[Entity]:
        chain: list[Entity] = []
        cur = p
        while len(chain) < 4:
            q = self.prev_of(cur)
            if q is None or not _is_mine(q) or _kind(q) not in ("title", "org", "state", "generic"):
                break
            allowed = _SOFT_GAP | (frozenset(":،,") if cur is p else frozenset())
            words = self.gap(q.end, cur.start, allowed)
            if words is None:
                break
            if cur is p:
                # رئيسة الوزراء السابقة، X: adjectives of the title may come first
                if any(w not in self.ctx.title_modifiers for w in words) or len(words) > 1:
                    break
            elif words and not (_kind(q) == "title" and
                                all(w in self.ctx.link_words for w in words) and len(words) == 1):
                break
            chain.insert(0, q)
            cur = q
        # the chain must hold a title; what stands before the first title is not part of it
        while chain and _kind(chain[0]) != "title":
            chain.pop(0)
        return chain

    def _chain_after(self, p: Entity) -> list[Entity]:
        q = self.next_of(p)
        if q is None or not _is_mine(q) or _kind(q) != "title":
            return []
        words = self.gap(p.end, q.start, _COMMA_GAP)
        if words is None or len(words) > 1 or any(w not in self.ctx.apposition_words for w in words):
            return []
        chain = [q]
        cur = q
        while len(chain) < 3:
            r = self.next_of(cur)
            if r is None or not _is_mine(r) or _kind(r) not in ("org", "state", "generic", "title"):
                break
            words = self.gap(cur.end, r.start, _SOFT_GAP)
            if words is None or len(words) > 1 or any(w not in self.ctx.link_words for w in words):
                break
            chain.append(r)
            cur = r
        return chain

    def _apply_chain(self, p: Entity, chain: list[Entity]) -> None:
        titles = [e for e in chain if _kind(e) == "title"]
        orgs = [e for e in chain if _kind(e) in ("org", "state", "generic")]
        if not titles:
            return
        base = self.d.get(titles[0].attrs.get("base"))
        org = orgs[0] if orgs else None
        if org is not None and p.id is not None:
            self._switch_role(p, org)
        country = (org.country if org else None) or next((t.country for t in titles if t.country), None)
        sector = (org.sector if org and org.sector else None) or \
            next((t.sector for t in titles if t.sector), None)
        has_role = p.id is not None and not p.attrs.get("role_expired") and p.sector
        if not has_role:
            p.country = p.country or country
            p.sector = sector or p.sector
        if org is not None and "affiliation" not in p.attrs:
            p.attrs["affiliation"] = org.id
            p.attrs["affiliation_name"] = org.canonical
        p.attrs["affiliation_from_text"] = True
        if base is not None:
            p.attrs.setdefault("role", base.name_en)
        for t in titles:
            self.remove(t)

    def _switch_role(self, p: Entity, org: Entity) -> None:
        """A dictionary person with several roles takes the one the text names
        (``قائد هيئة تحرير الشام أبو محمد الجولاني``), if it holds on the document's date."""
        entry = self.d.get(p.id)
        if entry is None or entry.kind != "person" or entry.parent == org.attrs.get("base"):
            return
        for other in self.d.sharing_variant(entry):
            if other.kind == "person" and other.parent == org.attrs.get("base") and \
                    other.valid_on(self.doc.published):
                found = entity_for(other, p.start, p.end, p.text, self.doc.published, self.d)
                p.id, p.canonical, p.country, p.sector = found.id, found.canonical, found.country, found.sector
                for key in ("parent", "affiliation", "affiliation_name", "role", "role_expired"):
                    p.attrs.pop(key, None)
                    if key in found.attrs:
                        p.attrs[key] = found.attrs[key]
                return

    # -- 3b. possessives and instruments ----------------------------------------
    def possessives(self) -> None:
        """``قال الجيش الأميركي إن جنوده``: a generic noun with a pronoun suffix takes the
        country of the nearest actor before it in the same sentence."""
        for e in self.live():
            if not _is_mine(e) or _kind(e) != "generic" or e.country is not None or \
                    e.attrs.get("enclitic") not in self.ctx.pronoun_suffixes:
                continue
            start = self.sentence_start(e.start)
            before = [o for o in self.live() if _is_mine(o) and o.end <= e.start and o.start >= start
                      and o.country and _kind(o) in ("org", "state", "generic", "office")]
            if before:
                self._set_country(e, before[-1].country, e.end)

    def sentence_start(self, offset: int) -> int:
        for s in self.doc.sentences:
            if s.start <= offset < s.end:
                return s.start
        return max(0, offset - 200)

    def instruments(self) -> None:
        """``صاروخ إسرائيلي``, ``قصف جوي روسي``: a demonym after a weapon or an operation
        names the military of that country; ``من داخل الأراضي اليمنية``: fire from a
        country's territory, with nobody named, comes from an unidentified armed group of
        that country. Both are marked ``attrs["instrument"]``: they only ever do the act."""
        for e in self.live():
            if not _is_mine(e) or _kind(e) != "demonym":
                continue
            window = fold(self.text[max(0, e.start - 40):e.start]).rstrip(" \u00a0")
            if not _LAST_WORD.search(window):
                continue  # punctuation before the demonym: it qualifies nothing here
            words = _WORD.findall(window)
            last = [_strip_article(w) for w in words[-2:]]
            hit = bool(last) and (last[-1] in self.ctx.instrument_nouns or (
                len(last) == 2 and last[-1] in self.ctx.instrument_adjectives and
                last[0] in self.ctx.instrument_nouns))
            origin = bool(last) and last[-1] in self.ctx.origin_nouns and len(words) >= 2 and \
                words[-2] in self.ctx.origin_words
            if hit:
                e.attrs["kind"] = "generic"
                e.sector = "MIL"
                e.id = f"forces@{e.country.lower()}" if e.country else None
                e.canonical = f"{self.d.country_name(e.country)} Military"
                e.attrs["instrument"] = True
            elif origin and e.country:
                e.attrs["kind"] = "generic"
                e.sector = "UAF"
                e.id = f"unidentified@{e.country.lower()}"
                e.canonical = f"Unidentified Armed Group ({self.d.country_name(e.country)})"
                e.attrs["instrument"] = True

    # -- 3c. references back (the document actor memory) ---------------------------
    def refer_back(self, memory: ActorMemory) -> None:
        """Resolve what refers back to an actor named before (see :mod:`rasd.actors.memory`):
        definite descriptions (``الجماعة``, ``الطرفان``), pronoun suffixes whose owner
        stands in an earlier sentence (``مقاتلاتها``), bare nouns repeating an actor
        named with its country (``الجيش`` after ``الجيش الإسرائيلي``), and generic nouns
        whose country the article implies (``قوات الاحتلال``)."""
        for start, end, desc in memory.find_descriptions():
            self._description(memory, start, end, desc)
        for e in self.live():
            if not _is_mine(e) or _kind(e) != "generic" or e.country is not None:
                continue
            if e.attrs.get("enclitic") in self.ctx.pronoun_suffixes:
                # سكانها، ركابها: a victim's pronoun mostly stands for a place or a vehicle
                owner = memory.owner(e.start) if e.sector not in VICTIM_SECTORS else None
                if owner is not None:
                    self._set_country(e, owner.country, e.end)
                    e.attrs["refers_to"] = [owner.start, owner.end]
                continue
            earlier = memory.same_kind(e) if e.sector in _ARMED else None
            country = earlier.country if earlier is not None else memory.implied_country(e.attrs.get("base"))
            if country:
                self._set_country(e, country, e.end)
                if earlier is not None:
                    e.attrs["refers_to"] = [earlier.start, earlier.end]

    def short_names(self, memory: ActorMemory) -> None:
        """``حزب العمال`` after ``حزب العمال الكردستاني``: the first words of an organisation's
        name, where the text holds only nouns without a country there, are that organisation."""
        forms = memory.short_forms(self.d)
        if not forms:
            return
        tokens = self.doc.tokens
        live = self.live()
        starts = [e.start for e in live]
        longest = max((e.end - e.start for e in live), default=0)
        found = []
        keys = short_form_keys(tokens)
        # only the starts whose words are a short form are looked at in Python
        for i in itertools.compress(range(len(keys)), map(forms.__contains__, keys)):
            full = forms[keys[i]]
            if full is None:
                continue
            start, end = tokens[i].start, tokens[i + SHORT_FORM_WORDS - 1].end
            if start < full.end or "\n" in self.text[start:end]:
                continue
            # the entities overlapping the span: those starting in it or at most `longest` before
            near = live[bisect.bisect_left(starts, start - longest):bisect.bisect_left(starts, end)]
            covering = [e for e in near if e.start < end and start < e.end]
            if any(e.type not in ("ORG", "PERSON") or _kind(e) != "generic" or e.country is not None
                   or e.start < start or e.end > end for e in covering):
                continue  # a name, a place or a noun tied to a country is already there
            if any((e.start, e.end) == (start, end) for e in covering):
                continue  # a noun phrase of its own (وزارة الخارجية): any country's
            found.append((start, end, full, covering))
        for start, end, full, covering in found:
            ref = Entity(full.type, start, end, self.text[start:end], canonical=full.canonical, id=full.id,
                         country=full.country, sector=full.sector,
                         attrs={k: v for k, v in full.attrs.items() if k in ("kind", "base", "parent", "name_ar")})
            ref.attrs["refers_to"] = [full.start, full.end]
            for e in covering:
                self.remove(e)
            self.entities.append(ref)
        if found:
            self.entities.sort(key=lambda e: (e.start, -(e.end - e.start)))
            self._live = None

    def _demonym_after(self, end: int) -> Entity | None:
        for e in self.live():
            if e.start >= end and _kind(e) == "demonym" and self.gap(end, e.start, _SOFT_GAP) == []:
                return e
        return None

    def _description(self, memory: ActorMemory, start: int, end: int, desc: Description) -> None:
        covering = [e for e in self.live() if e.start <= start and end <= e.end and e.type in ("ORG", "PERSON")]
        if any(_kind(e) != "generic" or e.country is not None or (e.end - e.start) > (end - start)
               for e in covering):
            return  # part of a name (الجماعة الإسلامية) or of a qualified noun: not a reference
        if desc.pair:
            pair = memory.pair(start)
            if pair is None:
                return
            ref = Entity("ORG", start, end, self.text[start:end], canonical="both parties", id=PAIR_ID,
                         attrs={"kind": "pair", "refers_to": [[p.start, p.end] for p in pair]})
        else:
            antecedent = memory.antecedent(desc, start)
            if antecedent is None:
                return
            qualifier = self._demonym_after(end)
            if qualifier is not None and qualifier.country != antecedent.country:
                return  # الحركة الكردية after تنظيم داعش: a description of someone else
            ref = Entity(antecedent.type, start, end, self.text[start:end], canonical=antecedent.canonical,
                         id=antecedent.id, country=antecedent.country, sector=antecedent.sector,
                         attrs={k: v for k, v in antecedent.attrs.items()
                                if k in ("kind", "base", "parent", "affiliation", "affiliation_name", "role", "name_ar")})
            ref.attrs["refers_to"] = [antecedent.start, antecedent.end]
            ref.attrs["description"] = desc.cls
        for e in covering:
            self.remove(e)
        self.entities.append(ref)
        self.entities.sort(key=lambda e: (e.start, -(e.end - e.start)))
        self._live = None

    def _adjective_main(self, e: Entity) -> bool:
        """A bare الرئيس right after a noun of ``main_heads`` qualifies it (الشارع الرئيس)."""
        if fold(e.text).strip() not in self.ctx.main_titles:
            return False
        before = _WORD.findall(fold(self.text[max(0, e.start - 40):e.start]))
        if before and before[-1] in self.ctx.resumptive_pronouns:
            before = before[:-1]  # المشتبه به الرئيس
        return bool(before) and before[-1] in self.ctx.main_heads

    # -- 4. clean-up --------------------------------------------------------------
    def clean_up(self) -> None:
        for e in self.live():
            if not _is_mine(e):
                continue
            kind = _kind(e)
            if kind == "title":
                if self._adjective_main(e):
                    self.remove(e)  # الشارع الرئيس: the main street, no president
                elif e.attrs.get("composed") or e.sector in self.ctx.office_sectors:
                    e.attrs["kind"] = "office"
                else:
                    self.remove(e)
            elif kind == "demonym":
                word = _WORD.findall(fold(e.text))
                if word and self.ctx.people_endings.search(word[-1]):
                    e.attrs["kind"] = "people"
            elif kind == "generic" and e.sector is None and e.country is None:
                self.remove(e)




def _strip_article(word: str) -> str:
    for prefix in ("وال", "بال", "فال", "لل", "ال"):
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            return word[len(prefix):]
    return word


def _clean_mention(text: str, proclitic: str = "") -> str:
    """The mention without quotes, and with the article restored where a preposition
    absorbed it (``للجيش العراقي`` → ``الجيش العراقي``)."""
    text = text.strip(" \"'“”«»")
    if proclitic.endswith("لل") and text.startswith("لل"):
        text = "ال" + text[2:]
    return text


def actor_ref(entity: Entity, dictionary: ActorDictionary | None = None) -> ActorRef:
    """The event-actor record of an entity (a dictionary actor, a composed one, a person)."""
    name_ar = entity.attrs.get("name_ar")
    if name_ar is None and entity.id:
        entry = (dictionary or load_actors()).get(entity.id)
        if entry is not None:
            name_ar = entry.name_ar
    if name_ar is None and entity.type == "PERSON":
        name_ar = _clean_mention(entity.text)
    return ActorRef(name=entity.canonical or _clean_mention(entity.text), name_ar=name_ar,
                    mention=entity.text, id=entity.id, country=entity.country,
                    sector=entity.sector, span=(entity.start, entity.end),
                    parent=entity.attrs.get("parent") or entity.attrs.get("affiliation"))


def _complete_construct(a: Entity) -> bool:
    """``فصائل المعارضة``, ``الطائرات``: a noun phrase closed by a definite word takes no
    (second) genitive: ``قصفت الطائرات مدينة عدن`` names two things, not Aden's aircraft."""
    words = fold(a.text).split()
    return bool(words) and words[-1].startswith("ال")
