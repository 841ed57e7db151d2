"""Names in the store's filters: an Arabic place or actor name resolved to the English
names and ids the events carry (through the gazetteer and the actor dictionary), and a
country's name in English and Arabic."""
from __future__ import annotations

import re
import threading
from functools import lru_cache

__all__ = ["has_arabic", "actor_alternatives", "admin1_alternatives", "country_names"]

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")


def has_arabic(text: str | None) -> bool:
    return bool(text and _ARABIC.search(text))


_EXTRACT_LOCK = threading.Lock()


@lru_cache(maxsize=256)
def _resolved_actors(text: str) -> tuple[tuple[str, str], ...]:
    """(id, canonical name) of the actors the extractor reads in ``text`` alone: the
    dictionary's entries and its compositions (``الجيش السوري`` → army@syr)."""
    import rasd
    from rasd.errors import RasdError
    try:
        with _EXTRACT_LOCK:  # one shared pipeline
            doc = rasd.extract(text)
    except RasdError:
        return ()
    found: list[tuple[str, str]] = []
    for entity in doc.entities:
        if entity.type in ("ORG", "PERSON") and entity.canonical:
            pair = (entity.id or "", entity.canonical)
            if pair not in found:
                found.append(pair)
    return tuple(found)


def actor_alternatives(text: str) -> list[str]:
    """What an actor filter may match: the text itself, then, for an Arabic name, the id
    and English name of each actor the extractor resolves it to (through the actor
    dictionary), so that ``الجيش السوري`` finds the events of ``Syria Military``."""
    out = [text]
    if has_arabic(text):
        for actor_id, name in _resolved_actors(" ".join(text.split())):
            for alt in (actor_id, name):
                if alt and alt not in out:
                    out.append(alt)
    return out


def admin1_alternatives(text: str) -> list[str]:
    """What a province filter may match: the text itself, then, for an Arabic name the
    gazetteer knows as a governorate (``حلب``, ``ريف دمشق``), its English admin1 name."""
    out = [text]
    if has_arabic(text):
        from rasd.geo.gazetteer import load_gazetteer
        for entry in load_gazetteer().candidates(text):
            if entry.kind == "governorate" and entry.admin1 and entry.admin1 not in out:
                out.append(entry.admin1)
    return out


@lru_cache(maxsize=512)
def country_names(iso3: str) -> tuple[str, str]:
    """(English, Arabic) name of an ISO3 code: the country table's (ACLED's) or pycountry's
    English name, the gazetteer's Arabic one; the code itself where a name is unknown."""
    import pycountry

    from rasd.geo.gazetteer import load_gazetteer
    from rasd.store.countries import country
    code = iso3.strip().upper()
    row = country(code)
    known = pycountry.countries.get(alpha_3=code) if len(code) == 3 else None
    english = row.name if row else (getattr(known, "common_name", None) or known.name if known else code)
    place = load_gazetteer().country(code)
    return english, (place.name_ar if place and place.name_ar else english)
