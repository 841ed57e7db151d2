"""Dictionary matching of actor mentions (called by the entities stage)."""
from __future__ import annotations

import functools
from datetime import date
from typing import Any, Callable

from rasd.actors.dictionary import ActorDictionary, ActorEntry, load_actors
from rasd.doc import Document, Entity
from rasd.entities.persons import load_persons
from rasd.options import Options
from rasd.text.matcher import Match, longest_first
from rasd.text.normalize import normalize

__all__ = ["find_actor_mentions", "mention_finder", "entity_for", "choose_person_entry"]


def find_actor_mentions(doc: Document, dictionary: ActorDictionary | None = None) -> list[Entity]:
    """Every mention of a dictionary actor in ``doc``, as entities on original offsets.

    Runs the dictionary's matcher over ``doc.normalized.text`` (normalising the text first
    if the text stage has not run). The span starts after a conjunction or preposition
    glued to the first word (``والجيش`` → ``الجيش``; ``وللجيش`` → ``للجيش``, where the
    lam stands for the article) and keeps pronoun suffixes (``جيشه``); the clitics are in
    ``attrs["proclitic"]``. Entities of kind org/state/generic have type ORG, persons PERSON; demonyms
    and titles are ORG with ``attrs["kind"]`` ``demonym``/``title``: they are helpers that
    :class:`rasd.actors.ActorResolver` merges into the actor they qualify (see its docs).

    Args:
        doc: the document (``doc.published`` picks between a person's dated roles).
        dictionary: the actor dictionary; the bundled one when omitted.
    """
    dictionary = dictionary or load_actors()
    norm = doc.normalized if doc.normalized is not None else normalize(doc.text)
    found = []
    for m in _best_matches(dictionary, norm.text):
        entry = m.payload
        if entry.kind in ("title", "person") and _names_a_place(norm.text, m.nstart):
            continue  # مستشفى الملك خالد، مطار الملك عبدالعزيز: a place named after a person
        proclitic = norm.text[m.nstart:m.core_start]
        nstart = m.core_start
        if proclitic.endswith("ل") and dictionary.has_variant_key(entry, "ا" + m.pattern):
            # للجيش: the key dropped the article's alef; its lam stands for the article
            proclitic += "ل"
            nstart -= 1
        elif proclitic.endswith(("ال", "لل")):
            nstart -= 2  # the article is part of the name: الأمريكي، للمسلحين
        start, end = norm.original_span(nstart, m.nend)
        if entry.kind == "person":
            entry = choose_person_entry(dictionary, entry, doc.published)
        entity = entity_for(entry, start, end, doc.text[start:end], doc.published, dictionary)
        if proclitic:
            entity.attrs["proclitic"] = proclitic
        if m.suffix and entry.kind == "generic" and not m.pattern.endswith(m.suffix):
            entity.attrs["enclitic"] = m.suffix  # جنوده: whose soldiers the resolver may tell
        found.append(entity)
    return found


def _names_a_place(text: str, start: int) -> bool:
    """The word before ``start`` is a facility or place noun (``entities/blockers.tsv``):
    the name after it is part of that place's name, not an actor."""
    words = text[max(0, start - 40):start].split()
    if not words:
        return False
    blockers = load_persons().blockers
    prev = words[-1]
    return prev in blockers or (prev[:1] in "وفبل" and prev[1:] in blockers)


def mention_finder(options: Options) -> Callable[[Document], list[Entity]]:
    """``find_actor_mentions`` bound to the dictionary of ``options`` (bundled files plus
    ``options.actor_files``), for the entities stage."""
    dictionary = load_actors(tuple(options.actor_files))
    return functools.partial(find_actor_mentions, dictionary=dictionary)


def _acceptable(m: Match[ActorEntry], dictionary: ActorDictionary) -> bool:
    entry = m.payload
    if m.suffix == "ي" and entry.kind != "demonym":
        return False  # العسكري، الشعبي، العراقي: a nisba adjective, not "my army"
    if m.prefix.endswith("س") or m.prefix.endswith("لي"):
        return False  # the future sa- and li- + verb prefix stand before verbs, not names
    if entry.kind in ("state", "org", "person") and m.prefix.endswith(("ال", "لل")) \
            and not m.pattern.startswith(("ال", "ل")):
        return False  # a name takes no article: السورية is not سورية, الحماس not حماس
    if m.suffix and entry.kind != "demonym" and not dictionary.is_open_ended(m.pattern):
        # ة folds to ه, which is also the pronoun "his": المحافظة is not "his governor",
        # المسؤولية not "his officials", السياحة not "his tourists". A noun with the
        # article takes no pronoun; a title or a noun ending in ي never takes ه here.
        if m.prefix.endswith(("ال", "لل")) or m.pattern.startswith("ال"):
            return False
        if m.suffix == "ه" and (entry.kind == "title" or m.pattern.endswith("ي")):
            return False
    return True


def _best_matches(dictionary: ActorDictionary, text: str) -> list[Match[ActorEntry]]:
    """Acceptable matches without overlaps: the longest wins, then the leftmost, then the
    entry read last (user files before bundled ones)."""
    return longest_first([m for m in dictionary.matcher.iter_all(text) if _acceptable(m, dictionary)])


def choose_person_entry(dictionary: ActorDictionary, entry: ActorEntry,
                        published: date | None) -> ActorEntry:
    """Among the entries sharing ``entry``'s name, the one whose role holds on ``published``.

    With no date, an entry with an open end (the current role) is preferred. When no
    entry's window holds, ``entry`` is returned (the caller drops its role).
    """
    candidates = [e for e in dictionary.sharing_variant(entry) if e.kind == "person"]
    if published is None:
        open_ended = [e for e in candidates if e.valid_to is None]
        return open_ended[0] if open_ended else entry
    valid = [e for e in candidates if e.valid_on(published)]
    return valid[0] if valid else entry


def entity_for(entry: ActorEntry, start: int, end: int, text: str,
               published: date | None = None, dictionary: ActorDictionary | None = None) -> Entity:
    """The entity for a dictionary match; a person outside their validity window keeps the
    name and nationality but not the role (sector, affiliation)."""
    dictionary = dictionary or load_actors()
    attrs: dict[str, Any] = {"kind": entry.kind, "base": entry.id}
    if entry.parent:
        attrs["parent"] = entry.parent
    country, sector = entry.country, entry.sector
    if entry.kind == "person":
        if entry.valid_on(published):
            if entry.parent:
                attrs["affiliation"] = entry.parent
                parent = dictionary.get(entry.parent)
                if parent is not None:
                    attrs["affiliation_name"] = parent.name_en
            if entry.note.startswith("role:"):
                attrs["role"] = entry.note[5:].split(";")[0].strip()
        else:
            sector = None
            attrs.pop("parent", None)
            attrs["role_expired"] = True
    return Entity(type="PERSON" if entry.kind == "person" else "ORG", start=start, end=end,
                  text=text, canonical=entry.name_en, id=entry.id, country=country,
                  sector=sector, attrs=attrs)
