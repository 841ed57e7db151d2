"""From a contract record (``Document.to_dict()``) to the rows the store writes.

:func:`prepare` validates a record and flattens it; anything malformed raises
:class:`rasd.errors.InputError` (E105) naming the field, before the database is touched.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from typing import Any

from rasd.errors import InputError
from rasd.store import dedup

__all__ = ["DocFeatures", "features", "PreparedDoc", "PreparedReport", "prepare", "document_id"]


@dataclass(slots=True)
class DocFeatures:
    """What the store computes from a record's text before writing it: the
    de-duplication hash and MinHash signature, and the folded event sentences for text
    search. Computed where the text is at hand (a Dask worker that just ran the
    pipeline), so that the single writer does not have to."""
    content_hash: str
    signature: bytes | None
    bands: list[int]
    sentence_folds: list[str] | None = None   # folded sentence of each event, in order


def features(text: str, folded: str | None = None, record: dict[str, Any] | None = None) -> DocFeatures:
    """Features of ``text``; ``folded`` (``rasd.text.fold(text)``, e.g. ``doc.normalized.text``
    after the pipeline) saves folding it again; with ``record`` the event sentences are
    folded too."""
    words = dedup.folded_words(text) if folded is None else dedup.WORD.findall(folded.lower())
    sig = dedup.signature(words)
    folds = None
    if record is not None and isinstance(record.get("events"), list):
        folds = [_fold(ev.get("sentence")) if isinstance(ev, dict) and isinstance(ev.get("sentence"), str)
                 else "" for ev in record["events"]]
    return DocFeatures(dedup.content_hash(words), sig, dedup.band_keys(sig) if sig else [], folds)


@dataclass(slots=True)
class PreparedReport:
    index: int
    row: dict[str, Any]          # event_reports columns, less document_id and cluster_id
    flagged: bool
    key: dedup.EventKey
    search_text: str
    actor_text: str


@dataclass(slots=True)
class PreparedDoc:
    id: str
    url_key: str | None
    features: DocFeatures
    row: dict[str, Any]          # documents columns (near-duplicate fields filled later)
    raw: str | None
    reports: list[PreparedReport] = field(default_factory=list)


def _clean(value: Any) -> Any:
    # PostgreSQL text cannot hold NUL; U+FFFD keeps every offset where it was.
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def _str(value: Any, where: str, *, required: bool = False, max_len: int | None = None) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            raise InputError("missing", where=where, code="E105")
        return None
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise InputError(f"expected a string, got {type(value).__name__}", where=where, code="E105")
    if max_len is not None and len(value) > max_len:
        raise InputError(f"longer than {max_len} characters", where=where, code="E105")
    return _clean(value)


def _iso_date(value: Any, where: str) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise InputError(f"not a date (want YYYY-MM-DD): {value!r}", where=where, code="E105") from None


def _int(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 0:
        raise InputError(f"expected a non-negative integer, got {value!r}", where=where, code="E105")
    return int(value)


def _float(value: Any, where: str, lo: float, hi: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise InputError(f"expected a number in [{lo}, {hi}], got {value!r}", where=where, code="E105")
    return float(value)


def _dict(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"expected an object, got {type(value).__name__}", where=where, code="E105")
    return value


def document_id(doc: dict[str, Any], url_key: str | None) -> str:
    """The record's id; else one derived from its URL; else from its text."""
    given = _str(doc.get("id"), "document.id", max_len=255)
    if given:
        return given.strip()
    if url_key:
        return "u" + url_key[:16]
    from rasd.doc import content_id
    return content_id(doc["text"])


def _fold(text: str | None) -> str:
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    if len(text) <= 64:
        return _fold_short(text)
    from rasd.text import fold
    return fold(text).lower()


@lru_cache(maxsize=65536)
def _fold_short(text: str) -> str:
    # names, triggers and places repeat across documents: fold each once
    from rasd.text import fold
    return fold(text).lower()


def prepare(record: Any, raw: str | None = None, feats: DocFeatures | None = None,
            where: str = "record") -> PreparedDoc:
    """Validate and flatten one contract record.

    Raises:
        InputError: E105 with ``where`` naming the bad field (``record:events[2].location.lat``).
    """
    if not isinstance(record, dict):
        raise InputError(f"expected a record object, got {type(record).__name__}", where=where, code="E105")
    doc = _dict(record.get("document"), f"{where}:document")
    text = doc.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("the document has no text", where=f"{where}:document.text", code="E105")
    text = _clean(text)
    url = _str(doc.get("url"), f"{where}:document.url")
    ukey = dedup.url_key(url)
    doc_id = document_id(doc, ukey)
    published = _iso_date(doc.get("published"), f"{where}:document.published")
    source = _str(doc.get("source"), f"{where}:document.source")
    entities = record.get("entities") or []
    events = record.get("events") or []
    if not isinstance(entities, list):
        raise InputError("expected a list", where=f"{where}:entities", code="E105")
    if not isinstance(events, list):
        raise InputError("expected a list", where=f"{where}:events", code="E105")
    meta = {k: v for k, v in doc.items() if k not in ("text",)}
    meta["id"] = doc_id
    feats = feats or features(text)
    row = {
        "id": doc_id, "url": url, "url_key": ukey, "content_hash": feats.content_hash,
        "title": _str(doc.get("title"), f"{where}:document.title"), "source": source,
        "published": published, "language": _str(doc.get("language"), f"{where}:document.language"),
        "text": text, "meta_json": json.dumps(meta, ensure_ascii=False, default=str),
        "entities_json": json.dumps(entities, ensure_ascii=False, default=str),
        "minhash": feats.signature, "near_duplicate_of": None, "similarity": None,
        "event_count": len(events), "added_at": time.time(),
    }
    prepared = PreparedDoc(doc_id, ukey, feats, row, _clean(raw))
    folds = feats.sentence_folds if feats.sentence_folds and len(feats.sentence_folds) == len(events) else None
    for i, ev in enumerate(events):
        prepared.reports.append(_prepare_event(ev, i, f"{where}:events[{i}]", source, published,
                                               folds[i] if folds else None))
    return prepared


def _actor(ev: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    actor = _dict(ev.get(key), f"{where}.{key}")
    return {
        "name": _str(actor.get("name"), f"{where}.{key}.name"),
        "id": _str(actor.get("id"), f"{where}.{key}.id", max_len=255),
        "country": _str(actor.get("country"), f"{where}.{key}.country", max_len=8),
        "sector": _str(actor.get("sector"), f"{where}.{key}.sector", max_len=8),
        "name_ar": _str(actor.get("name_ar"), f"{where}.{key}.name_ar"),
        "mention": _str(actor.get("mention"), f"{where}.{key}.mention"),
    }


def _prepare_event(ev: Any, index: int, where: str, source: str | None,
                   published: str | None, sentence_fold: str | None) -> PreparedReport:
    ev = _dict(ev, where)
    plover = _dict(ev.get("plover"), f"{where}.plover")
    ptype = _str(plover.get("type"), f"{where}.plover.type", required=True, max_len=16)
    acled = _dict(ev.get("acled"), f"{where}.acled")
    a1, a2 = _actor(ev, "actor1", where), _actor(ev, "actor2", where)
    loc = _dict(ev.get("location"), f"{where}.location")
    when = _dict(ev.get("date"), f"{where}.date")
    span = ev.get("span") or [None, None]
    if not (isinstance(span, (list, tuple)) and len(span) == 2):
        raise InputError("expected [start, end]", where=f"{where}.span", code="E105")
    geonameid = loc.get("geonameid")
    if geonameid is not None and (isinstance(geonameid, bool) or not isinstance(geonameid, int)):
        geonameid = None
    sentence = _str(ev.get("sentence"), f"{where}.sentence")
    trigger = _str(ev.get("trigger"), f"{where}.trigger")
    flags = {k: bool(ev.get(k)) for k in ("negated", "hypothetical", "historical")}
    confidence = ev.get("confidence")
    row = {
        "event_index": index,
        "event_id": _str(ev.get("id"), f"{where}.id", max_len=255),
        "plover_type": ptype.upper(),
        "plover_mode": _str(plover.get("mode"), f"{where}.plover.mode", max_len=64),
        "acled_event_type": _str(acled.get("event_type"), f"{where}.acled.event_type", max_len=64),
        "acled_sub_event_type": _str(acled.get("sub_event_type"), f"{where}.acled.sub_event_type",
                                     max_len=128),
        "cameo": _str(ev.get("cameo"), f"{where}.cameo", max_len=8),
        "date": _iso_date(when.get("value"), f"{where}.date.value"),
        "date_precision": _str(when.get("precision"), f"{where}.date.precision", max_len=16),
        **{f"actor1_{k}": a1[k] for k in ("name", "id", "country", "sector")},
        **{f"actor2_{k}": a2[k] for k in ("name", "id", "country", "sector")},
        "location_name": _str(loc.get("name"), f"{where}.location.name"),
        "location_name_ar": _str(loc.get("name_ar"), f"{where}.location.name_ar"),
        "admin1": _str(loc.get("admin1"), f"{where}.location.admin1"),
        "admin2": _str(loc.get("admin2"), f"{where}.location.admin2"),
        "country": _str(loc.get("country"), f"{where}.location.country", max_len=8),
        "lat": _float(loc.get("lat"), f"{where}.location.lat", -90, 90),
        "lon": _float(loc.get("lon"), f"{where}.location.lon", -180, 180),
        "geonameid": geonameid,
        "location_precision": _str(loc.get("precision"), f"{where}.location.precision", max_len=16)
        if loc else None,
        "fatalities": _int(ev.get("fatalities"), f"{where}.fatalities"),
        "injuries": _int(ev.get("injuries"), f"{where}.injuries"),
        "trigger": trigger, "sentence": sentence,
        **flags,
        "confidence": confidence if isinstance(confidence, (int, float)) and not isinstance(confidence, bool) else None,
        "span_start": span[0] if isinstance(span[0], int) else None,
        "span_end": span[1] if isinstance(span[1], int) else None,
        "source": source, "published": published,
        "record_json": json.dumps(ev, ensure_ascii=False, default=str),
    }
    if (row["lat"] is None) != (row["lon"] is None):
        raise InputError("lat and lon must both be given or both be null", where=f"{where}.location",
                         code="E105")
    search = " ".join(filter(None, (sentence_fold if sentence_fold is not None else _fold(sentence), _fold(trigger), _fold(row["location_name"]),
                                    _fold(row["location_name_ar"]), _fold(loc.get("mention")),
                                    _fold(row["admin1"]))))
    actor_text = " | ".join(filter(None, (_fold(a.get(k)) for a in (a1, a2)
                                          for k in ("name", "id", "name_ar", "mention"))))
    key = dedup.EventKey.from_row(row)  # a report's publication day is its "published"
    return PreparedReport(index, row, any(flags.values()), key, search, actor_text)
