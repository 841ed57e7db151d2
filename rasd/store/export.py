"""Exports of the de-duplicated events: ACLED CSV, PLOVER/POLECAT JSON lines, GeoJSON,
Parquet.

Every format writes one row per event (a cluster of reports). Its id derives from the
cluster id, which does not change when later reports join the cluster, so a re-export
keeps the ids of earlier exports. Flagged (negated/hypothetical/historical) events are left
out unless the query includes them.

The ACLED CSV follows ACLED's codebook meaning for each column, and rasd's own
information goes into ``rasd_*`` columns after ACLED's. The tables behind it (ACLED actor
names and inter codes, regions, outlets, PLOVER modes and quad classes, context cue words)
are data files under ``rasd/data/export/`` (see the README there).
"""
from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

from sqlalchemy import select

from rasd.datafiles import read_tsv, variants
from rasd.errors import DataFileError, StoreError
from rasd.store.acled_naming import NamingRules, naming_rules
from rasd.store.countries import country as country_row
from rasd.store.query import EventQuery
from rasd.store.schema import event_reports

__all__ = ["FORMATS", "ACLED_COLUMNS", "RASD_ACLED_COLUMNS", "ACLED_LABELS", "ExportCount",
           "export_events", "acled_row", "plover_row", "geojson_feature", "interaction",
           "interaction_label", "armed_first", "acled_event_id", "time_precision", "acled_geo_precision",
           "acled_notes", "civilian_targeting", "acled_actor", "state_name", "source_scale",
           "load_sources", "plover_mode", "contexts", "fatality_tags", "codebook"]

FORMATS = ("acled-csv", "plover-jsonl", "geojson", "parquet")
ACLED_LABELS = ("codes", "text")

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
# rasd's own columns, after ACLED's: what the event was read as, in Arabic and per report
RASD_ACLED_COLUMNS = (
    "rasd_event_id", "rasd_actor1", "rasd_actor1_ar", "rasd_actor2", "rasd_actor2_ar",
    "rasd_assoc_actors_ar", "rasd_location_ar", "rasd_date_precision", "rasd_report_fatalities",
    "rasd_report_count", "rasd_outlet_count",
)

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_PRESENTATION_FORMS = re.compile(r"[\uFB50-\uFDFF\uFE70-\uFEFE]+")
_STATE_NAME = re.compile(r"^(Military Forces of|Police Forces of|Government of)\b")
_SCALES = ("Local", "Subnational", "National", "Regional", "International")


class ExportCount(int):
    """How many events were written; ``skipped`` counts those left out, by reason."""
    skipped: dict[str, int]

    def __new__(cls, written: int, skipped: dict[str, int] | None = None) -> "ExportCount":
        obj = super().__new__(cls, written)
        obj.skipped = dict(skipped or {})
        return obj


# --- data tables -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def codebook() -> dict[str, Any]:
    """``rasd/data/export/codebook.json``: disorder types, quad classes, PLOVER modes, and the
    ACLED actor-naming rules by event type (read checked through :func:`_naming`)."""
    return json.loads(files("rasd.data").joinpath("export/codebook.json").read_text("utf-8"))


@dataclass(frozen=True, slots=True)
class _ActorRule:
    template: str
    inter: int
    named_inter: int | None
    armed: bool


@lru_cache(maxsize=1)
def _actor_rules() -> dict[str, _ActorRule]:
    rules = {}
    for row in read_tsv("export/acled_actors.tsv", ("sector", "inter", "armed")):
        inter, named = row.int("inter"), row.int("named_inter")
        if not 1 <= inter <= 8 or named is not None and not 1 <= named <= 8:
            raise DataFileError("inter codes are 1-8", where=row.where)
        rules[row["sector"].upper()] = _ActorRule(row.cells.get("template", ""), inter, named,
                                                  row["armed"].lower() == "yes")
    return rules


@lru_cache(maxsize=1)
def _inter_labels() -> dict[int, str]:
    return {row.int("code"): row["label"] for row in read_tsv("export/acled_inter.tsv", ("code", "label"))}


_YEARS = re.compile(r"(\d{4})-(\d{4})?")
_Period = tuple[date | None, date | None, str]


def _period(row: Any) -> _Period:
    """One state_forces.tsv row: its dates, and years that agree with them (``2014-``
    for an open period from 2014, ``2000-2024`` for one from 2000 to 2024)."""
    try:
        lo = date.fromisoformat(row["valid_from"]) if row.cells.get("valid_from") else None
        hi = date.fromisoformat(row["valid_to"]) if row.cells.get("valid_to") else None
    except ValueError as exc:
        raise DataFileError(f"not a date (YYYY-MM-DD): {exc}", where=row.where) from None
    years = _YEARS.fullmatch(row["years"])
    if years is None:
        raise DataFileError(f"years must read YYYY- or YYYY-YYYY, not {row['years']!r}", where=row.where)
    if lo is not None and hi is not None and hi < lo:
        raise DataFileError("valid_to is before valid_from", where=row.where)
    if lo is not None and int(years[1]) != lo.year or (years[2] is None) != (hi is None) \
            or hi is not None and int(years[2]) != hi.year:
        raise DataFileError(f"years {row['years']!r} do not match the dates", where=row.where)
    return lo, hi, row["years"]


def _overlaps(a: _Period, b: _Period) -> bool:
    return (a[0] is None or b[1] is None or a[0] <= b[1]) and (b[0] is None or a[1] is None or b[0] <= a[1])


@lru_cache(maxsize=1)
def _state_years() -> dict[str, list[_Period]]:
    """state_forces.tsv by country; a row whose period overlaps an earlier one of the same
    country is an error (the event's date must pick one name)."""
    out: dict[str, list[_Period]] = {}
    for row in read_tsv("export/state_forces.tsv", ("iso3", "years")):
        period, periods = _period(row), out.setdefault(row["iso3"].upper(), [])
        if any(_overlaps(period, other) for other in periods):
            raise DataFileError(f"the period of {row['iso3']} overlaps another", where=row.where)
        periods.append(period)
    return out


@lru_cache(maxsize=1)
def _plover_modes() -> dict[tuple[str, str], str | None]:
    """(PLOVER type, rasd mode) → PLOVER codebook mode or None; checked against the codebook."""
    allowed = codebook()["plover_modes_by_type"]
    out: dict[tuple[str, str], str | None] = {}
    for row in read_tsv("export/plover_modes.tsv", ("plover_type", "rasd_mode")):
        ptype, mode = row["plover_type"].upper(), row["rasd_mode"].lower()
        target = row.cells.get("plover_mode", "").lower() or None
        types = [t for t, modes in allowed.items() if target in modes] if ptype == "*" else [ptype]
        for t in types:
            if target is not None and target not in allowed.get(t, ()):
                raise DataFileError(f"{target!r} is not a PLOVER mode of {t}", where=row.where)
            out[(t, mode)] = target
    return out


@lru_cache(maxsize=1)
def _context_matcher() -> tuple[Any, list[str]]:
    """The cue-word matcher of contexts.tsv and the contexts in the table's order."""
    from rasd.text.matcher import PhraseMatcher
    matcher: PhraseMatcher[str] = PhraseMatcher()
    order: list[str] = []
    for row in read_tsv("export/contexts.tsv", ("pattern", "context")):
        for key in variants(row["pattern"]):
            matcher.add(key, row["context"])
        if row["context"] not in order:
            order.append(row["context"])
    return matcher, order


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    scale: str | None


def _outlet_key(text: str) -> str:
    from rasd.text.normalize import fold
    return " ".join(fold(text).lower().split())


@lru_cache(maxsize=8)
def load_sources(extra_files: tuple[Path, ...] = ()) -> dict[str, Outlet]:
    """Outlets by folded slug, name and alias: ``rasd/data/export/sources.tsv``, then the
    user's files (later rows win).

    Raises:
        DataFileError: a file is missing or a row has a scale ACLED does not use.
    """
    table: dict[str, Outlet] = {}
    for source in ("export/sources.tsv", *extra_files):
        if isinstance(source, Path) and not source.is_file():
            raise DataFileError("sources file not found", where=str(source))
        for row in read_tsv(source, ("source", "name")):
            scale = row.cells.get("scale", "").strip().capitalize() or None
            if scale is not None and scale not in _SCALES:
                raise DataFileError(f"scale must be one of {', '.join(_SCALES)}, not {scale!r}",
                                    where=f"{row.where}:scale")
            outlet = Outlet(row["name"], scale)
            for key in (row["source"], row["name"], *row.cells.get("aliases", "").split("|")):
                if key.strip():
                    table[_outlet_key(key)] = outlet
    return table


# --- rules -------------------------------------------------------------------------------

def interaction(inter1: int, inter2: int) -> str:
    """ACLED interaction: the two codes, the smaller first; a lone actor gives ``N0``."""
    low, high = sorted((inter1, inter2))
    if low == 0:
        return f"{high}0" if high else ""
    return f"{low}{high}"


def interaction_label(inter1: int, inter2: int) -> str:
    """ACLED's text interaction: ``State forces-Civilians``, ``Protesters only``."""
    labels = _inter_labels()
    low, high = sorted((inter1, inter2))
    if low == 0:
        return f"{labels[high]} only" if high else ""
    return f"{labels[low]}-{labels[high]}"


def acled_event_id(cluster_id: str, iso3: str) -> str:
    """ISO3 + a number that is the cluster id's own (``ev`` + 16 hex digits read as one
    decimal number): unique because cluster ids are, and the same on every re-export."""
    hexpart = cluster_id[2:] if cluster_id.startswith("ev") else ""
    if not re.fullmatch(r"[0-9a-f]{1,16}", hexpart):
        import hashlib
        hexpart = hashlib.sha1(cluster_id.encode("utf-8")).hexdigest()[:16]
    return f"{iso3.upper()}{int(hexpart, 16)}"


def time_precision(explicit_precision: str | None) -> int:
    """ACLED time_precision from the precision of a date the text states: 1 a day, 2 a
    week, 3 a month or more, and 3 when no date was stated (the publication day stands in)."""
    return {"day": 1, "week": 2}.get(explicit_precision or "", 3)


_GEO = {"point": 1, "neighbourhood": 1, "neighborhood": 1, "town": 1, "city": 1, "village": 1,
        "district": 2, "subdistrict": 2, "governorate": 3, "region": 3}


def acled_geo_precision(ev: dict[str, Any]) -> int | None:
    """ACLED geo_precision, or None when the event has no place at admin1 level or finer
    with coordinates (ACLED places every event; a country centroid is no place)."""
    if ev.get("lat") is None or ev.get("lon") is None or not ev.get("country"):
        return None
    precision = _GEO.get((ev.get("location_precision") or "").lower())
    if precision is None and ev.get("admin1") and (ev.get("location_precision") or "") not in ("country",):
        return 3
    return precision


def acled_notes(text: str | None) -> str:
    """The sentence in NFC with Arabic presentation forms (ﻗﺎﻝ) unfolded to letters and
    whitespace runs squeezed: NFKC on the presentation-form characters only, then NFC."""
    if not text:
        return ""
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return " ".join(unicodedata.normalize("NFC", text).replace("\ufeff", "").split())


def civilian_targeting(event_type: str | None, sub_event_type: str | None, inter2: int) -> str:
    """ACLED's rule (codebook.json ``acled_civilian_targeting_*``): every Violence against
    civilians event, explosions/remote violence whose target is civilians, and excessive
    force against protesters; never battles."""
    rules = _naming()
    if sub_event_type in rules.civilian_targeting_sub_event_types \
            or event_type in rules.civilian_targeting_event_types \
            or inter2 in rules.civilian_targeting_by_actor2_inter.get(event_type or "", ()):
        return "Civilian targeting"
    return ""


def state_name(iso3: str, day: str | date | None) -> str:
    """``Syria (2000-2024)``: the country as ACLED writes it in actor names (``the United
    States``) and the years of the government in office on ``day`` (state_forces.tsv); the
    bare name where the table has no period."""
    c = country_row(iso3)
    name = c.in_actor_names if c else iso3
    when = date.fromisoformat(day[:10]) if isinstance(day, str) and day else day
    for lo, hi, years in _state_years().get(iso3.upper(), ()):
        if when is None and hi is None or when is not None and (lo is None or lo <= when) and (hi is None or when <= hi):
            return f"{name} ({years})"
    return name


@dataclass(slots=True)
class AcledActor:
    name: str
    inter: int
    assoc: list[str] = field(default_factory=list)


def _english(name: str | None) -> str | None:
    return name if name and not _ARABIC.search(name) else None


def _entry(actor_id: str | None) -> Any:
    if not actor_id:
        return None
    from rasd.actors.dictionary import load_actors
    dictionary = load_actors()
    entry = dictionary.get(actor_id.split("@")[0])
    if entry is not None and entry.kind == "person" and entry.parent:
        return dictionary.get(entry.parent) or entry
    return entry


@dataclass(frozen=True, slots=True)
class _Actor:
    """What the naming rules need to know of a rasd actor in an event."""
    actor: dict[str, Any]
    sector: str | None
    rule: _ActorRule | None
    home: str | None          # the actor's own country, when it is a known one
    where: str                # the country in its name: its own, else the event's
    cname: str
    named: bool               # a named organisation (or a person's) of the dictionary
    english: str | None
    label: str | None         # the name an associated actor would have

    @property
    def present(self) -> bool:
        return bool(self.actor.get("name") or self.actor.get("id") or self.sector)

    @property
    def state(self) -> bool:
        return self.rule is not None and self.rule.inter == _naming().state_inter

    def assoc(self) -> list[str]:
        """The actor's own name for ``assoc_actor_N`` when a generic name stands for it."""
        if not self.label or self.rule is not None and self.rule.armed and not self.named:
            return []  # an unnamed armed actor: the template says all ACLED would
        if self.named:
            return [self.label]
        if self.label.lower() in _naming().generic_names | {self.cname.lower()}:
            return []
        return [f"{self.label} ({self.cname})"]

    def assoc_if_present(self) -> list[str]:
        return self.assoc() if self.present else []


def _read_actor(actor: dict[str, Any], event_country: str) -> _Actor:
    entry = _entry(actor.get("id"))
    sector = (actor.get("sector") or (entry.sector if entry else None) or "").upper() or None
    home = actor.get("country") if country_row(actor.get("country")) else None
    where = home or event_country
    cname = country_row(where).name if country_row(where) else where
    named = entry is not None and entry.kind == "org"  # a person without an organisation: by sector
    # a named organisation (or a person's) by its dictionary name
    english = (entry.name_en if named else None) or _english(actor.get("name")) or (entry.name_en if entry else None)
    # a generic noun by its dictionary name ("Journalists and media", not the composed
    # "Saudi Arabia Journalists and media"); states and demonyms add nothing to the template
    kind_label = {"generic": entry.name_en if entry and entry.sector else None, "state": None,
                  "demonym": None, "person": None}
    label = kind_label.get(entry.kind, english) if entry is not None else english
    return _Actor(actor, sector, _actor_rules().get(sector or ""), home, where, cname, named, english, label)


@lru_cache(maxsize=1)
def _naming() -> NamingRules:
    """The codebook's actor-naming rules, checked once (:mod:`rasd.store.acled_naming`)."""
    return naming_rules(codebook(), frozenset(_actor_rules()))


def _unidentified(country: str, assoc: list[str] | None = None) -> AcledActor:
    rule = _naming().unidentified
    return AcledActor(rule.of(country), rule.inter, assoc or [])


def acled_actor(actor: dict[str, Any] | None, slot: int, event_type: str | None,
                event_country: str, day: str | None) -> AcledActor | None:
    """ACLED's name and inter code for a rasd actor (``name``, ``id``, ``country``,
    ``sector``) in slot 1 or 2 of an event: state forces as ``Military Forces of X (years)``,
    protesters, rioters and civilians as ``Protesters (X)``…, unnamed armed actors as
    ``Unidentified Armed Group (X)``, named groups by their English name; a named body the
    template stands for (a party that protests, a unit of an army) goes to ``assoc``. The
    rules that depend on the event type are keys of ``codebook.json``."""
    a = _read_actor(actor or {}, event_country)
    by_role = _role_actor(a, slot, event_type, event_country)
    if by_role is not None:
        return by_role
    if not a.present:
        return _unknown_actor(slot, event_type, event_country)
    if a.rule is None:  # no sector, or one without an ACLED kind: an armed actor ACLED cannot name
        if a.english and a.named:
            return AcledActor(a.english, _naming().sectorless_named_inter)
        return _unidentified(a.cname, a.assoc())
    if a.named and a.rule.named_inter is not None:
        return AcledActor(a.english or a.actor.get("id") or "", a.rule.named_inter)
    if a.state:
        return _state_forces(a, a.rule, event_type, event_country, day)
    if not a.rule.template:
        return AcledActor(a.english, a.rule.inter) if a.english else None
    if event_type in _naming().unarmed_unidentified_event_types and not a.rule.armed:
        return _unidentified(a.cname, a.assoc())
    return AcledActor(a.rule.template.format(state=state_name(a.where, day), country=a.cname), a.rule.inter,
                      a.assoc())


def _role_actor(a: _Actor, slot: int, event_type: str | None, event_country: str) -> AcledActor | None:
    """A non-state actor the event type names by its role: the crowd of a protest or riot
    as actor 1 (named after the event's country), the victims as actor 2 (after their own)."""
    if a.state:
        return None
    rules = _naming()
    if slot == 1 and event_type in rules.crowd_actor1:
        crowd = rules.crowd_actor1[event_type]
        return AcledActor(crowd.of(country_name(event_country)), crowd.inter, a.assoc_if_present())
    if slot == 2 and event_type in rules.victim_actor2:
        victim = rules.victim_actor2[event_type]
        return AcledActor(victim.of(a.cname), victim.inter, a.assoc_if_present())
    return None


def _unknown_actor(slot: int, event_type: str | None, event_country: str) -> AcledActor | None:
    """No actor read: actor 1 of the event types that always have a perpetrator is an
    unidentified armed group; otherwise none."""
    if slot == 1 and event_type in _naming().unknown_actor1_event_types:
        return _unidentified(country_name(event_country))
    return None


def _state_forces(a: _Actor, rule: _ActorRule, event_type: str | None, event_country: str,
                  day: str | None) -> AcledActor:
    """A state's body by the template of its sector, or of the sector it acts as in political
    violence (a government at war acts through its military); external forces outside home."""
    rules = _naming()
    if event_type in rules.violent_event_types and a.sector in rules.violent_sector_as:
        rule = _actor_rules()[rules.violent_sector_as[a.sector]]
    name = rule.template.format(state=state_name(a.where, day), country=a.cname)
    foreign = a.home and event_country and a.home != event_country
    inter = rules.foreign_state_inter if foreign else rules.state_inter
    unit = a.named and a.english and not _STATE_NAME.match(a.english)  # a named unit, not the state itself
    return AcledActor(name, inter, [a.english] if unit else [])


def armed_first(a1: AcledActor, a2: AcledActor | None, event_type: str | None,
                country: str) -> tuple[AcledActor, AcledActor | None]:
    """In political violence ACLED's actor 1 is the side that used force. Civilians or
    protesters read as actor 1 are the target (``acled_target_inter_codes``): with an armed
    actor 2 (not of ``acled_unarmed_inter_codes``) the sides swap; without one, actor 1 is
    an unidentified armed group and the unarmed actor becomes actor 2."""
    rules = _naming()
    if event_type not in rules.violent_event_types or a1.inter not in rules.target_inters:
        return a1, a2
    if a2 is not None and a2.inter not in rules.unarmed_inters:
        return a2, a1
    return _unidentified(country_name(country)), a2 or a1


def country_name(iso3: str) -> str:
    c = country_row(iso3)
    return c.name if c else iso3


def source_scale(outlets: Iterable[Outlet]) -> str:
    """ACLED's source_scale of the outlets together: one scale, or the narrowest and the
    widest joined (``National-International``); empty when no outlet's scale is known."""
    scales = sorted({o.scale for o in outlets if o.scale}, key=_SCALES.index)
    if not scales:
        return ""
    return scales[0] if len(scales) == 1 else f"{scales[0]}-{scales[-1]}"


def plover_mode(plover_type: str | None, rasd_mode: str | None) -> str | None:
    """The PLOVER codebook mode for rasd's mode under that type (plover_modes.tsv); a mode
    that already is one of the type's PLOVER modes stays; anything else gives None."""
    if not plover_type or not rasd_mode:
        return None
    ptype, mode = plover_type.upper(), rasd_mode.lower()
    table = _plover_modes()
    if (ptype, mode) in table:
        return table[(ptype, mode)]
    return mode if mode in codebook()["plover_modes_by_type"].get(ptype, ()) else None


def contexts(text: str | None) -> list[str]:
    """POLECAT contexts the sentence states (contexts.tsv), in the table's order."""
    if not text:
        return []
    from rasd.text.normalize import fold
    matcher, order = _context_matcher()
    found = {m.payload for m in matcher.find(fold(text))}
    return sorted(found, key=order.index)


def fatality_tags(fatalities: int | None, threshold: int | None = None) -> list[str]:
    """A review tag for a single-event toll above the threshold (codebook.json
    ``fatality_review_threshold``): kept, but marked for a person to check."""
    limit = codebook()["fatality_review_threshold"] if threshold is None else threshold
    if fatalities is not None and fatalities > limit:
        return [f"rasd: fatalities above {limit} in one event, check the reports"]
    return []


# --- per-event details from the reports --------------------------------------------------

@dataclass(slots=True)
class _Reports:
    count: int = 0
    explicit_precision: str | None = None     # best precision of a stated date equal to the event's
    actor_ar: dict[int, str] = field(default_factory=dict)
    associated: list[dict[str, Any]] = field(default_factory=list)
    figures: list[int | None] = field(default_factory=list)
    location_ar: str | None = None


_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def _same_actor(a: dict[str, Any], ev: dict[str, Any], slot: int) -> bool:
    if a.get("id") and a.get("id") == ev.get(f"actor{slot}_id"):
        return True
    return bool(a.get("name")) and a.get("name") == ev.get(f"actor{slot}_name")


def _reports(store: Any, events: list[dict[str, Any]]) -> dict[str, _Reports]:
    by_id = {ev["id"]: ev for ev in events}
    out = {cid: _Reports() for cid in by_id}
    with store.engine.connect() as conn:
        ids = list(by_id)
        for i in range(0, len(ids), 500):
            rows = conn.execute(select(event_reports.c.cluster_id, event_reports.c.record_json)
                                .where(event_reports.c.cluster_id.in_(ids[i:i + 500]))
                                .order_by(event_reports.c.published.nulls_last(), event_reports.c.document_id,
                                          event_reports.c.event_index))
            for cluster_id, record_json in rows:
                _add_report(out[cluster_id], by_id[cluster_id], json.loads(record_json))
    return out


def _add_report(acc: _Reports, ev: dict[str, Any], record: dict[str, Any]) -> None:
    acc.count += 1
    when = record.get("date") if isinstance(record.get("date"), dict) else {}
    if when.get("mention") and when.get("value") == ev["date"]:
        precision = when.get("precision")
        if _RANK.get(precision, 9) < _RANK.get(acc.explicit_precision or "", 9):
            acc.explicit_precision = precision
    for slot in (1, 2):
        a = record.get(f"actor{slot}")
        if isinstance(a, dict) and slot not in acc.actor_ar and _same_actor(a, ev, slot):
            arabic = a.get("name_ar") or a.get("mention")
            if arabic:
                acc.actor_ar[slot] = arabic
    for a in record.get("associated_actors") or []:
        if isinstance(a, dict) and (a.get("name") or a.get("id")) and a not in acc.associated:
            acc.associated.append(a)
    figure = record.get("fatalities")
    acc.figures.append(figure if isinstance(figure, int) and not isinstance(figure, bool) else None)
    loc = record.get("location") if isinstance(record.get("location"), dict) else {}
    if acc.location_ar is None and loc.get("name_ar") and loc.get("name") == ev["location_name"]:
        acc.location_ar = loc["name_ar"]


# --- rows --------------------------------------------------------------------------------

def _actor_of(ev: dict[str, Any], slot: int) -> dict[str, Any] | None:
    actor = {k: ev[f"actor{slot}_{k}"] for k in ("name", "id", "country", "sector")}
    return actor if any(actor.values()) else None


def acled_row(ev: dict[str, Any], reports: _Reports | None = None, *, labels: str = "codes",
              outlets: dict[str, Outlet] | None = None,
              fatality_review: int | None = None) -> dict[str, Any] | None:
    """One ACLED CSV row for an event dict of :meth:`Store.query_events`, or None where
    ACLED would not code it (no ACLED event type) or could not place it (no place at
    admin1 level or finer: see :func:`acled_geo_precision`)."""
    reports = reports or _Reports()
    etype, sub = ev["acled_event_type"], ev["acled_sub_event_type"]
    geo = acled_geo_precision(ev)
    c = country_row(ev["country"])
    if not etype or geo is None or c is None:
        return None
    day = ev["date"] or ev["published"] or ""
    explicit = reports.explicit_precision if ev["date"] else None
    a1 = acled_actor(_actor_of(ev, 1), 1, etype, c.iso3, day)
    a2 = acled_actor(_actor_of(ev, 2), 2, etype, c.iso3, day)
    if a1 is None and a2 is not None:          # ACLED always has an actor1
        a1, a2 = a2, None
    if a1 is None:
        a1 = _unidentified(c.name)
    a1, a2 = armed_first(a1, a2, etype, c.iso3)
    assoc1 = list(a1.assoc)
    ar_assoc: list[str] = []
    for extra in reports.associated:
        # an associated actor by its ACLED name, as it would be named in a neutral event
        named = acled_actor(extra, 1, None, c.iso3, day)
        if named is not None and named.name not in assoc1 and named.name != a1.name:
            assoc1.append(named.name)
        arabic = extra.get("name_ar") or (extra.get("name") if _ARABIC.search(extra.get("name") or "") else None)
        if arabic:
            ar_assoc.append(arabic)
    inter1, inter2 = a1.inter, (a2.inter if a2 else 0)
    table = codebook()
    disorder = table["acled_disorder_by_sub_event_type"].get(sub) or \
        table["acled_disorder_by_event_type"].get(etype, "")
    outlets = outlets if outlets is not None else load_sources()
    found = [outlets.get(_outlet_key(s)) or Outlet(s, None) for s in ev["sources"]]
    fatalities = ev["fatalities"] or 0
    text_labels = labels == "text"
    return {
        "event_id_cnty": acled_event_id(ev["id"], c.iso3),
        "event_date": day,
        "year": int(day[:4]),
        "time_precision": time_precision(explicit),
        "disorder_type": disorder,
        "event_type": etype,
        "sub_event_type": sub or "",
        "actor1": a1.name, "assoc_actor_1": "; ".join(assoc1),
        "inter1": _inter_labels()[inter1] if text_labels else inter1,
        "actor2": a2.name if a2 else "", "assoc_actor_2": "; ".join(a2.assoc) if a2 else "",
        "inter2": (_inter_labels()[inter2] if inter2 else "") if text_labels else inter2,
        "interaction": interaction_label(inter1, inter2) if text_labels else int(interaction(inter1, inter2)),
        "civilian_targeting": civilian_targeting(etype, sub, inter2),
        "iso": c.iso_numeric,
        "region": c.region,
        "country": c.name,
        "admin1": ev["admin1"] or "", "admin2": ev["admin2"] or "", "admin3": "",
        "location": ev["location_name"] or ev["admin2"] or ev["admin1"] or "",
        "latitude": f"{ev['lat']:.4f}",
        "longitude": f"{ev['lon']:.4f}",
        "geo_precision": geo,
        "source": "; ".join(dict.fromkeys(o.name for o in found)),
        "source_scale": source_scale(found),
        "notes": acled_notes(ev["sentence"]),
        "fatalities": fatalities,
        "tags": "; ".join(fatality_tags(ev["fatalities"], fatality_review)),
        "timestamp": int(ev["updated_at"]),
        "rasd_event_id": ev["id"],
        "rasd_actor1": ev["actor1_name"] or "", "rasd_actor1_ar": reports.actor_ar.get(1, ""),
        "rasd_actor2": ev["actor2_name"] or "", "rasd_actor2_ar": reports.actor_ar.get(2, ""),
        "rasd_assoc_actors_ar": "; ".join(ar_assoc),
        "rasd_location_ar": reports.location_ar or ev["location_name_ar"] or "",
        "rasd_date_precision": (ev["date_precision"] or "") if ev["date"] else "publication",
        "rasd_report_fatalities": "; ".join("" if f is None else str(f) for f in reports.figures),
        "rasd_report_count": ev["report_count"],
        "rasd_outlet_count": ev["source_count"],
    }


def plover_row(ev: dict[str, Any], reports: _Reports | None = None) -> dict[str, Any]:
    """One PLOVER record with POLECAT's field names where they apply; ``event_mode`` is a
    PLOVER codebook mode or null, ``rasd_mode`` rasd's own finer mode."""
    explicit = (reports.explicit_precision if reports else None) if ev["date"] else None
    return {
        "event_id": ev["id"],
        "event_date": ev["date"] or ev["published"],
        "event_date_precision": explicit or "publication",
        "event_type": ev["plover_type"],
        "event_mode": plover_mode(ev["plover_type"], ev["plover_mode"]),
        "rasd_mode": ev["plover_mode"],
        "quad_code": codebook()["polecat_quad_by_plover"].get(ev["plover_type"]),
        "contexts": contexts(ev["sentence"]),
        "actor_name": ev["actor1_name"], "actor_id": ev["actor1_id"],
        "actor_country": ev["actor1_country"],
        "actor_sectors": [ev["actor1_sector"]] if ev["actor1_sector"] else [],
        "recipient_name": ev["actor2_name"], "recipient_id": ev["actor2_id"],
        "recipient_country": ev["actor2_country"],
        "recipient_sectors": [ev["actor2_sector"]] if ev["actor2_sector"] else [],
        "placename": ev["location_name"], "placename_ar": ev["location_name_ar"],
        "province": ev["admin1"], "district": ev["admin2"], "country": ev["country"],
        "latitude": ev["lat"], "longitude": ev["lon"], "geonames_id": ev["geonameid"],
        "feature_type": ev["location_precision"],
        "fatalities": ev["fatalities"], "injuries": ev["injuries"],
        "cameo": ev["cameo"], "acled_event_type": ev["acled_event_type"],
        "acled_sub_event_type": ev["acled_sub_event_type"],
        "story_ids": ev["document_ids"], "sources": ev["sources"], "source_count": ev["source_count"],
        "report_count": ev["report_count"],
        "publication_date": ev["published"], "language": "ar",
        "event_text": ev["sentence"], "trigger": ev["trigger"],
        "negated": ev["negated"], "hypothetical": ev["hypothetical"], "historical": ev["historical"],
    }


def geojson_feature(ev: dict[str, Any]) -> dict[str, Any] | None:
    if ev["lat"] is None or ev["lon"] is None:
        return None
    props = {k: v for k, v in ev.items() if k not in ("lat", "lon")}
    return {"type": "Feature", "id": ev["id"],
            "geometry": {"type": "Point", "coordinates": [ev["lon"], ev["lat"]]},
            "properties": props}


def _chunked(events: Iterable[dict[str, Any]], size: int = 1000) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for ev in events:
        chunk.append(ev)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def export_events(store: Any, fmt: str, out: str | Path | TextIO | None = None,
                  query: EventQuery | None = None, *, acled_labels: str = "codes",
                  sources_files: tuple[Path, ...] = (),
                  fatality_review: int | None = None) -> ExportCount:
    """Write the events matching ``query`` (all real events by default, oldest first) in
    ``fmt`` to ``out`` (a path, a text stream, or stdout). Returns how many were written,
    with ``.skipped`` counting those left out by reason.

    ``acled-csv`` leaves out events ACLED would not code (``no_acled_type``) and events
    without a place at admin1 level or finer (``no_place``); ``acled_labels`` ``text``
    writes ACLED's text labels for inter1/inter2/interaction instead of the codes.
    ``geojson`` leaves out events without coordinates.

    Raises:
        StoreError: E304 for Parquet without pyarrow, or Parquet to a stream.
        DataFileError: a bad sources file.
        ValueError: an unknown format or label kind.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if acled_labels not in ACLED_LABELS:
        raise ValueError(f"unknown ACLED label kind {acled_labels!r}; use one of {', '.join(ACLED_LABELS)}")
    outlets = load_sources(tuple(Path(p) for p in sources_files))
    query = query or EventQuery(order="date_asc")
    events = store.iter_events(query)
    if fmt == "parquet":
        return _parquet(events, out)
    own = isinstance(out, (str, Path))
    stream: TextIO = open(out, "w", encoding="utf-8", newline="") if own else (out or sys.stdout)
    try:
        if fmt == "acled-csv":
            return _acled(store, events, stream, acled_labels, outlets, fatality_review)
        if fmt == "plover-jsonl":
            n = 0
            for chunk in _chunked(events):
                details = _reports(store, chunk)
                for ev in chunk:
                    stream.write(json.dumps(plover_row(ev, details[ev["id"]]), ensure_ascii=False) + "\n")
                    n += 1
            return ExportCount(n)
        return _geojson(events, stream)
    finally:
        if own:
            stream.close()


def _acled(store: Any, events: Iterable[dict[str, Any]], stream: TextIO, labels: str,
           outlets: dict[str, Outlet], fatality_review: int | None) -> ExportCount:
    writer = csv.DictWriter(stream, fieldnames=[*ACLED_COLUMNS, *RASD_ACLED_COLUMNS], lineterminator="\n")
    writer.writeheader()
    n = 0
    skipped = {"no_acled_type": 0, "no_place": 0}
    for chunk in _chunked(events):
        coded = [ev for ev in chunk if ev["acled_event_type"]]
        skipped["no_acled_type"] += len(chunk) - len(coded)
        details = _reports(store, coded)
        for ev in coded:
            row = acled_row(ev, details[ev["id"]], labels=labels, outlets=outlets,
                            fatality_review=fatality_review)
            if row is None:
                skipped["no_place"] += 1
                continue
            writer.writerow(row)
            n += 1
    return ExportCount(n, skipped)


def _geojson(events: Iterable[dict[str, Any]], stream: TextIO) -> ExportCount:
    # streamed: one feature per line inside the collection
    stream.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for ev in events:
        feature = geojson_feature(ev)
        if feature is None:
            continue
        stream.write((",\n" if n else "") + json.dumps(feature, ensure_ascii=False))
        n += 1
    stream.write("\n]}\n")
    return ExportCount(n)


def _parquet(events: Iterable[dict[str, Any]], out: Any) -> ExportCount:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise StoreError("the Parquet export needs pyarrow: pip install 'rasd[parquet]'",
                         code="E304") from exc
    if not isinstance(out, (str, Path)):
        raise StoreError("the Parquet export writes a file: give --out FILE", code="E304")
    schema = _parquet_schema(pa)
    n = 0
    with pq.ParquetWriter(str(out), schema) as writer:
        for chunk in _chunked(events, 5000):
            writer.write_table(pa.Table.from_pylist([_parquet_values(ev) for ev in chunk], schema=schema))
            n += len(chunk)
    return ExportCount(n)


_PARQUET_TYPES = {
    "float": ("lat", "lon"),
    "int": ("geonameid", "fatalities", "injuries", "source_count", "report_count", "document_count",
            "geo_precision"),
    "bool": ("negated", "hypothetical", "historical", "flagged"),
    "list": ("document_ids", "sources"),
    "date": ("date", "published"),
    "timestamp": ("created_at", "updated_at"),
}
_PARQUET_STRINGS = (
    "id", "plover_type", "plover_mode", "acled_event_type", "acled_sub_event_type", "cameo",
    "date_precision", "actor1_name", "actor1_id", "actor1_country", "actor1_sector", "actor2_name",
    "actor2_id", "actor2_country", "actor2_sector", "location_name", "location_name_ar", "admin1",
    "admin2", "country", "location_precision", "trigger", "sentence",
)


def _parquet_values(ev: dict[str, Any]) -> dict[str, Any]:
    row = dict(ev)
    for name in _PARQUET_TYPES["date"]:
        row[name] = date.fromisoformat(row[name]) if row.get(name) else None
    for name in _PARQUET_TYPES["timestamp"]:
        row[name] = datetime.fromtimestamp(row[name], tz=timezone.utc) if row.get(name) is not None else None
    return row


def _parquet_schema(pa: Any) -> Any:
    kinds = {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_(), "list": pa.list_(pa.string()),
             "date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC")}
    fields = [pa.field(name, pa.string()) for name in _PARQUET_STRINGS]
    fields += [pa.field(name, kinds[kind]) for kind, names in _PARQUET_TYPES.items() for name in names]
    return pa.schema(fields)
