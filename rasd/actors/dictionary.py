"""The actor dictionary: TSV files of organisations, states, generic nouns, persons,
demonyms and titles (format: ``rasd/data/README.md``, section ``actors/*.tsv``).

The bundled files are every ``rasd/data/actors/*.tsv``; callers may add their own with
``load_actors(extra_files=...)``. A later file wins: an entry with an id already seen
replaces the earlier one, and where two entries share a variant the later one is matched.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable

from rasd.errors import DataFileError
from rasd.text.matcher import PhraseMatcher
from rasd.text.normalize import fold

__all__ = ["ActorEntry", "ActorDictionary", "ActorContext", "load_actors", "load_context",
           "read_actor_file", "COLUMNS", "KINDS"]

log = logging.getLogger(__name__)

COLUMNS = ("id", "name_en", "kind", "country", "sector", "parent", "variants",
           "valid_from", "valid_to", "note")
KINDS = ("org", "state", "generic", "person", "demonym", "title")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One row of an actor dictionary."""
    id: str
    name_en: str
    kind: str  # org | state | generic | person | demonym | title
    country: str | None
    sector: str | None
    parent: str | None
    variants: tuple[str, ...]
    valid_from: date | None = None
    valid_to: date | None = None
    note: str = ""
    where: str = field(default="", compare=False)  # file:line it was read from

    @property
    def name_ar(self) -> str | None:
        """The dictionary's Arabic form (its first variant, without pattern marks)."""
        return self.variants[0].strip("*").strip() if self.variants else None

    def valid_on(self, day: date | None) -> bool:
        """Whether the entry's role holds on ``day`` (no day: always)."""
        if day is None:
            return True
        if self.valid_from is not None and day < self.valid_from:
            return False
        if self.valid_to is not None and day > self.valid_to:
            return False
        return True


@dataclass(frozen=True)
class ActorContext:
    """Small closed word lists the resolver needs (``rasd/data/actors/context.json``)."""
    sectors: frozenset[str]
    pseudo_countries: frozenset[str]
    link_words: frozenset[str]      # may stand between a title and its organisation: في، ب، باسم
    apposition_words: frozenset[str]  # may stand between a name and its title: أحد، وهو
    locative_words: frozenset[str]  # a state after these is a place, not an actor
    locative_proclitics: frozenset[str]
    place_link_words: frozenset[str]  # a generic noun + one of these + a place: الشرطة في بغداد
    place_link_sectors: frozenset[str]
    member_link_words: frozenset[str]  # a member noun + one of these + its group: عناصر من الشرطة
    people_endings: re.Pattern[str]  # a demonym form naming people (plural, dual, accusative)
    office_sectors: frozenset[str]  # a bare title of these sectors names its holder (الرئيس)
    container_generics: frozenset[str]  # دورية للجيش، مسلحين من القاعدة: take the actor's identity
    belonging_words: frozenset[str]  # طائرة تابعة للقوات الأميركية
    instrument_nouns: frozenset[str]  # صاروخ إسرائيلي: the demonym names a military
    instrument_adjectives: frozenset[str]
    pronoun_suffixes: frozenset[str]  # جنوده: the country of the actor named before
    title_modifiers: frozenset[str]  # رئيس الوزراء السابق X
    origin_nouns: frozenset[str] = frozenset()  # من داخل الأراضي اليمنية: fire from a country's soil
    origin_words: frozenset[str] = frozenset()
    main_heads: frozenset[str] = frozenset()  # الشارع الرئيس: after these the title is the adjective "main"
    main_titles: frozenset[str] = frozenset()
    resumptive_pronouns: frozenset[str] = frozenset()  # المشتبه به الرئيس
    facility_generics: frozenset[str] = frozenset()  # a base, a mosque, a hospital: a target, never a doer
    site_homonyms: tuple[tuple[str, str, str], ...] = ()  # (actor id, bare name folded, site id): القاعدة


@lru_cache(maxsize=None)
def load_context() -> ActorContext:
    path = files("rasd.data").joinpath("actors/context.json")
    raw = json.loads(path.read_text("utf-8"))
    try:
        return ActorContext(
            sectors=frozenset(raw["sectors"]),
            pseudo_countries=frozenset(raw["pseudo_countries"]),
            link_words=frozenset(fold(w) for w in raw["link_words"]),
            apposition_words=frozenset(fold(w) for w in raw["apposition_words"]),
            locative_words=frozenset(fold(w) for w in raw["locative_words"]),
            locative_proclitics=frozenset(fold(w) for w in raw["locative_proclitics"]),
            place_link_words=frozenset(fold(w) for w in raw["place_link_words"]),
            place_link_sectors=frozenset(raw["place_link_sectors"]),
            member_link_words=frozenset(fold(w) for w in raw["member_link_words"]),
            people_endings=re.compile("(?:" + "|".join(fold(e) for e in raw["people_endings"]) + ")$"),
            office_sectors=frozenset(raw["office_sectors"]),
            container_generics=frozenset(raw["container_generics"]),
            belonging_words=frozenset(fold(w) for w in raw["belonging_words"]),
            instrument_nouns=frozenset(fold(w) for w in raw["instrument_nouns"]),
            instrument_adjectives=frozenset(fold(w) for w in raw["instrument_adjectives"]),
            pronoun_suffixes=frozenset(fold(w) for w in raw["pronoun_suffixes"]),
            title_modifiers=frozenset(fold(w) for w in raw["title_modifiers"]),
            origin_nouns=frozenset(fold(w) for w in raw["origin_nouns"]),
            origin_words=frozenset(fold(w) for w in raw["origin_words"]),
            main_heads=frozenset(fold(w) for w in raw["main_heads"]),
            main_titles=frozenset(fold(w) for w in raw["main_titles"]),
            resumptive_pronouns=frozenset(fold(w) for w in raw["resumptive_pronouns"]),
            facility_generics=frozenset(raw["facility_generics"]),
            site_homonyms=tuple((h["actor"], fold(h["word"]), h["site"]) for h in raw["site_homonyms"]),
        )
    except KeyError as exc:
        raise DataFileError(f"missing key {exc.args[0]!r}", where="actors/context.json",
                            code="E201") from exc


class ActorDictionary:
    """Every actor entry, by id, and a matcher over all their variants."""

    def __init__(self, entries: Iterable[ActorEntry]) -> None:
        self._entries: dict[str, ActorEntry] = {}
        for entry in entries:  # later entries replace earlier ones with the same id
            self._entries[entry.id] = entry
        self._check_parents()
        self._by_country: dict[str, list[ActorEntry]] = {}
        self._states: dict[str, ActorEntry] = {}
        self._by_variant: dict[str, list[ActorEntry]] = {}
        for entry in self._entries.values():
            if entry.country:
                self._by_country.setdefault(entry.country, []).append(entry)
                if entry.kind == "state" and entry.country not in self._states:
                    self._states[entry.country] = entry
            for variant in entry.variants:
                self._by_variant.setdefault(_variant_key(variant), []).append(entry)
        # keys of `word*` patterns: what follows them is an ending, not a pronoun
        self._open_keys: set[str] = set()
        for entry in self._entries.values():
            for variant in entry.variants:
                if variant.strip().endswith("*"):
                    key = _variant_key(variant)
                    self._open_keys.update({key, key[1:]} if key.startswith("ال") else {key})
        self.matcher: PhraseMatcher[ActorEntry] = PhraseMatcher()
        # the later an entry was read, the earlier it is added: ties go to the first payload
        for entry in reversed(list(self._entries.values())):
            for variant in entry.variants:
                try:
                    self.matcher.add(variant, entry)
                except ValueError as exc:
                    raise DataFileError(f"bad pattern {variant!r}: {exc}",
                                        where=f"{entry.where}:variants", code="E201") from exc

    def _check_parents(self) -> None:
        for entry in self._entries.values():
            if entry.parent and entry.parent not in self._entries:
                raise DataFileError(f"unknown parent id {entry.parent!r}",
                                    where=f"{entry.where}:parent", code="E201")

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self):
        return iter(self._entries.values())

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._entries

    def get(self, actor_id: str | None) -> ActorEntry | None:
        return self._entries.get(actor_id) if actor_id else None

    def by_country(self, iso3: str) -> tuple[ActorEntry, ...]:
        return tuple(self._by_country.get(iso3, ()))

    def state(self, iso3: str | None) -> ActorEntry | None:
        """The entry of kind ``state`` for a country code, if any."""
        return self._states.get(iso3) if iso3 else None

    def country_name(self, iso3: str | None) -> str | None:
        state = self.state(iso3)
        return state.name_en if state else iso3

    def is_open_ended(self, key: str) -> bool:
        """Whether ``key`` comes from a ``word*`` pattern (any ending allowed)."""
        return key in self._open_keys

    def has_variant_key(self, entry: ActorEntry, key: str) -> bool:
        """Whether one of ``entry``'s variants folds to ``key``."""
        return any(e.id == entry.id for e in self._by_variant.get(key, ()))

    def sharing_variant(self, entry: ActorEntry) -> list[ActorEntry]:
        """Entries with a variant in common with ``entry`` (the same person in two roles)."""
        seen: dict[str, ActorEntry] = {}
        for variant in entry.variants:
            for other in self._by_variant.get(_variant_key(variant), ()):
                seen.setdefault(other.id, other)
        return list(seen.values()) or [entry]


def _variant_key(variant: str) -> str:
    return " ".join(fold(variant.strip().strip("*")).split())


def _parse_date(value: str, where: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DataFileError(f"not an ISO date (YYYY-MM-DD): {value!r}", where=where,
                            code="E201") from exc


def read_actor_file(path: Path | Any, label: str | None = None) -> list[ActorEntry]:
    """Read one actor TSV file.

    Args:
        path: a filesystem path or an importlib resource.
        label: the name used in error messages (the path by default).

    Raises:
        DataFileError: the file is unreadable or a line is malformed; ``where`` names
            ``file:line:column``.
    """
    label = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"cannot read actor file: {exc}", where=label, code="E201") from exc
    ctx = load_context()
    entries: list[ActorEntry] = []
    seen: dict[str, int] = {}
    header_seen = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if not header_seen:
            if tuple(cells[: len(COLUMNS)]) != COLUMNS:
                raise DataFileError(f"header must be {' '.join(COLUMNS)!r}, got {' '.join(cells)!r}",
                                    where=f"{label}:{lineno}", code="E201")
            header_seen = True
            continue
        if not 7 <= len(cells) <= len(COLUMNS):
            raise DataFileError(f"expected {len(COLUMNS)} tab-separated columns, got {len(cells)}",
                                where=f"{label}:{lineno}", code="E201")
        cells += [""] * (len(COLUMNS) - len(cells))
        row = dict(zip(COLUMNS, cells))
        where = f"{label}:{lineno}"
        entries.append(_entry(row, where, ctx))
        if row["id"] in seen:
            raise DataFileError(f"duplicate id {row['id']!r} (first on line {seen[row['id']]})",
                                where=f"{where}:id", code="E201")
        seen[row["id"]] = lineno
    if not header_seen:
        raise DataFileError("empty actor file (no header line)", where=label, code="E201")
    return entries


def _entry(row: dict[str, str], where: str, ctx: ActorContext) -> ActorEntry:
    def bad(column: str, message: str) -> DataFileError:
        return DataFileError(message, where=f"{where}:{column}", code="E201")

    if not _ID.match(row["id"]):
        raise bad("id", f"id must be a lower-case ASCII slug, got {row['id']!r}")
    if not row["name_en"]:
        raise bad("name_en", "empty English name")
    kind = row["kind"]
    if kind not in KINDS:
        raise bad("kind", f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    country = row["country"] or None
    if country is not None and not (_COUNTRY.match(country) or country in ctx.pseudo_countries):
        raise bad("country", f"country must be ISO 3166 alpha-3 or a CAMEO code, got {country!r}")
    if kind == "generic" and country:
        raise bad("country", "a generic noun takes its country from context: leave it empty")
    if kind in ("state", "demonym") and not country:
        raise bad("country", f"a {kind} entry needs a country")
    sector = row["sector"] or None
    if sector is not None and sector not in ctx.sectors:
        raise bad("sector", f"unknown sector code {sector!r}")
    variants = tuple(v.strip() for v in row["variants"].split("|") if v.strip())
    if not variants:
        raise bad("variants", "no Arabic variants")
    for variant in variants:
        if not fold(variant.strip("*")).strip():
            raise bad("variants", f"empty pattern in {row['variants']!r}")
    valid_from = _parse_date(row["valid_from"], f"{where}:valid_from")
    valid_to = _parse_date(row["valid_to"], f"{where}:valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise bad("valid_to", f"valid_to {valid_to} is before valid_from {valid_from}")
    if row["parent"] and not _ID.match(row["parent"]):
        raise bad("parent", f"parent must be an actor id, got {row['parent']!r}")
    return ActorEntry(row["id"], row["name_en"], kind, country, sector, row["parent"] or None,
                      variants, valid_from, valid_to, row["note"], where)


def _bundled_files() -> list[tuple[Any, str]]:
    folder = files("rasd.data").joinpath("actors")
    found = sorted((p for p in folder.iterdir() if p.name.endswith(".tsv")), key=lambda p: p.name)
    return [(p, f"actors/{p.name}") for p in found]


@lru_cache(maxsize=8)
def load_actors(extra_files: tuple[Path, ...] = ()) -> ActorDictionary:
    """The actor dictionary: the bundled files, then ``extra_files`` (later entries win).

    Raises:
        DataFileError: a file is missing, unreadable or has a bad line.
    """
    entries: list[ActorEntry] = []
    for resource, label in _bundled_files():
        entries.extend(read_actor_file(resource, label))
    for extra in extra_files:
        path = Path(extra)
        if not path.is_file():
            raise DataFileError("actor file not found", where=str(path), code="E201")
        entries.extend(read_actor_file(path, str(path)))
    dictionary = ActorDictionary(entries)
    log.debug("loaded %d actor entries", len(dictionary))
    return dictionary
