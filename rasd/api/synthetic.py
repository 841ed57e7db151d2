"""Synthetic contract records for load tests and demos (``bench/api_load.py``).

Sentences are assembled from ``synthetic.json`` with every span computed, so the records
obey the output contract (``document.text[start:end]`` is the mention) without running
extraction. Not realistic as a corpus; realistic enough in shape and size.
"""
from __future__ import annotations

import functools
import importlib.resources
import json
import random
from datetime import date, timedelta
from typing import Any, Iterator

from rasd.events.ontology import ontology

__all__ = ["synthetic_record", "synthetic_records"]


@functools.lru_cache(maxsize=1)
def _vocab() -> dict[str, Any]:
    return json.loads(importlib.resources.files("rasd.api").joinpath("synthetic.json").read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def _filler_words() -> tuple[str, ...]:
    """Every Arabic word of the vocabulary: filler that keeps documents from looking alike."""
    words: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            words.update(w for w in value.replace("{", " ").replace("}", " ").split()
                         if ":" not in w and any("\u0600" <= ch <= "\u06ff" for ch in w))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    walk(_vocab())
    return tuple(sorted(words))


def synthetic_record(index: int, rng: random.Random, *, start: date = date(2024, 1, 1),
                     days: int = 365, events: int = 2, jitter: float = 0.0,
                     filler: int = 0) -> dict[str, Any]:
    """One document record with ``events`` events (one sentence each).

    ``jitter`` moves each place up to that many degrees (so that events at one town do
    not all merge into one cluster); ``filler`` appends that many random words.
    """
    vocab = _vocab()
    published = start + timedelta(days=rng.randrange(days))
    text_parts: list[str] = []
    entities: list[dict[str, Any]] = []
    out_events: list[dict[str, Any]] = []
    pos = 0
    for k in range(events):
        kind = rng.choice(vocab["kinds"])
        actor1, actor2 = rng.sample(vocab["actors"], 2)
        place = dict(rng.choice(vocab["places"]))
        if jitter:
            place["lat"] = round(place["lat"] + rng.uniform(-jitter, jitter), 4)
            place["lon"] = round(place["lon"] + rng.uniform(-jitter, jitter), 4)
        when, offset, precision = rng.choice(vocab["dates"])
        num_ar, num = rng.choice(vocab["numbers"])
        attribution = rng.choice(vocab["attributions"])
        spans: dict[str, tuple[int, int]] = {}
        sentence_start = pos
        trigger = ""
        for part in kind["parts"]:
            if part.startswith("{") and part.endswith("}"):
                slot = part[1:-1]
                if slot.startswith("trigger:"):
                    slot, surface = "trigger", slot.split(":", 1)[1]
                    trigger = surface
                else:
                    surface = {"actor1": actor1["name_ar"], "actor2": actor2["name_ar"],
                               "location": place["name_ar"], "date": when, "num": num_ar,
                               "attribution": attribution}[slot]
                spans[slot] = (pos, pos + len(surface))
                text_parts.append(surface)
                pos += len(surface)
            else:
                text_parts.append(part)
                pos += len(part)
        sentence_end = pos
        text_parts.append(" ")
        pos += 1
        day = (published + timedelta(days=offset)).isoformat()
        for slot, etype in (("actor1", "ORG"), ("actor2", "ORG"), ("location", "LOC"),
                            ("date", "DATE"), ("num", "NUM")):
            if slot in spans:
                s, e = spans[slot]
                entities.append({"type": etype, "text": None, "span": [s, e], "canonical": None,
                                 "id": None, "country": None, "sector": None,
                                 **({"value": num} if slot == "num" else {})})

        def actor(a: dict[str, Any], slot: str) -> dict[str, Any] | None:
            if slot not in spans:
                return None
            return {"name": a["name"], "name_ar": a["name_ar"], "mention": a["name_ar"],
                    "id": None, "country": a["country"], "sector": a["sector"],
                    "span": list(spans[slot])}

        out_events.append({
            "id": f"e{k}",
            "plover": {"type": kind["type"], "mode": kind["mode"]},
            "acled": {"event_type": kind["acled"][0], "sub_event_type": kind["acled"][1]},
            "cameo": kind["cameo"],
            "actor1": actor(actor1, "actor1"), "actor2": actor(actor2, "actor2"),
            "associated_actors": [],
            "location": {"name": place["name"], "name_ar": place["name_ar"], "mention": place["name_ar"],
                         "admin1": place["admin1"], "admin2": None, "country": place["country"],
                         "lat": place["lat"], "lon": place["lon"], "geonameid": None,
                         "precision": "town", "span": list(spans["location"])},
            "date": {"value": day, "precision": precision, "mention": when, "span": list(spans["date"])},
            "fatalities": num if "num" in spans and ontology().kinetic(kind["type"]) else None,
            "injuries": None,
            "attribution": attribution if "attribution" in spans else None,
            "attribution_span": list(spans["attribution"]) if "attribution" in spans else None,
            "trigger": trigger, "trigger_span": list(spans["trigger"]),
            "sentence": None, "span": [sentence_start, sentence_end],
            "negated": False, "hypothetical": False, "historical": False, "confidence": 0.8,
        })
    if filler:
        text_parts.append(" ".join(rng.choices(_filler_words(), k=filler)) + ".")
    text = "".join(text_parts).rstrip()
    for ent in entities:
        ent["text"] = text[ent["span"][0]:ent["span"][1]]
    for ev in out_events:
        ev["sentence"] = text[ev["span"][0]:ev["span"][1]]
    return {
        "document": {"id": f"syn-{index:07d}", "title": f"تقرير ميداني رقم {index}",
                     "source": rng.choice(vocab["sources"]), "url": f"https://news.example/{index}",
                     "published": published.isoformat(), "language": "ar", "text": text},
        "entities": entities,
        "events": out_events,
    }


def synthetic_records(n: int, *, seed: int = 0, events: int = 2, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """``n`` records with ``events`` events each, reproducible from ``seed``."""
    rng = random.Random(seed)
    for i in range(n):
        yield synthetic_record(i, rng, events=events, **kwargs)
