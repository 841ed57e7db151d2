"""Shared fixtures for the API and browser tests: hand-written Arabic articles turned into
contract records (spans computed from the mentions), a seeded store, a live server.

No tests here; ``test_api*.py`` and ``test_web*.py`` import from this module.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from typing import Any

ARTICLES: list[dict[str, Any]] = [
    {
        "id": "hama-shelling", "title": "قصف مدفعي على ريف حماة", "source": "مراسل محلي",
        "url": "https://news.example/hama", "published": "2024-03-12",
        "text": ("قُتل أربعة مدنيين، بينهم طفلان، أمس الاثنين في قصف مدفعي لقوات النظام على بلدة "
                 "كفرنبودة في ريف حماة الشمالي، بحسب المرصد السوري لحقوق الإنسان.\n"
                 "وقال المرصد إن القصف استهدف منازل المدنيين وسط البلدة، فيما نزحت عشرات العائلات "
                 "نحو المناطق الحدودية."),
        "events": [{
            "type": "ASSAULT", "mode": "shelling",
            "acled": ["Explosions/Remote violence", "Shelling/artillery/missile attack"],
            "sentence": "قُتل أربعة مدنيين", "sentence_end": "لحقوق الإنسان.",
            "trigger": "قصف مدفعي",
            "actor1": ("Syrian Army", "قوات النظام", "SYR", "MIL"),
            "actor2": ("Civilians", "مدنيين", None, "CVL"),
            "location": ("Kafr Nabudah", "كفرنبودة", "Hama", "SYR", 35.46, 36.47),
            "date": ("2024-03-11", "أمس الاثنين"), "fatalities": ("أربعة", 4),
            "attribution": "المرصد السوري لحقوق الإنسان",
        }],
    },
    {
        "id": "mosul-arrests", "title": "حملة اعتقالات في الموصل", "source": "وكالة محلية",
        "url": "https://news.example/mosul", "published": "2024-04-02",
        "text": ("اعتقلت قوات الأمن العراقية فجر اليوم الثلاثاء سبعة أشخاص يشتبه بانتمائهم إلى خلايا "
                 "مسلحة في حي الزنجيلي بمدينة الموصل، حسبما أفاد مصدر أمني.\n"
                 "وأضاف المصدر أن الحملة جاءت بعد معلومات استخبارية عن تحركات مريبة في المنطقة."),
        "events": [{
            "type": "COERCE", "mode": "arrest", "acled": ["Strategic developments", "Arrests"],
            "sentence": "اعتقلت قوات الأمن", "sentence_end": "مصدر أمني.",
            "trigger": "اعتقلت",
            "actor1": ("Iraqi Security Forces", "قوات الأمن العراقية", "IRQ", "COP"),
            "actor2": None,
            "location": ("Mosul", "الموصل", "Nineveh", "IRQ", 36.34, 43.13),
            "date": ("2024-04-02", "فجر اليوم الثلاثاء"), "fatalities": None,
            "attribution": "مصدر أمني",
        }],
    },
    {
        "id": "taiz-protest", "title": "وقفة احتجاجية في تعز", "source": "صحيفة يمنية",
        "url": "https://news.example/taiz", "published": "2024-05-20",
        "text": ("تظاهر مئات المواطنين في مدينة تعز يوم الأحد احتجاجاً على انقطاع الكهرباء وارتفاع "
                 "الأسعار، ورفع المحتجون لافتات تطالب السلطات المحلية بحلول عاجلة.\n"
                 "ولم تسجل أي مواجهات مع قوات الأمن خلال الوقفة."),
        "events": [{
            "type": "PROTEST", "mode": "demonstrate", "acled": ["Protests", "Peaceful protest"],
            "sentence": "تظاهر مئات", "sentence_end": "بحلول عاجلة.",
            "trigger": "تظاهر",
            "actor1": ("Protesters", "مئات المواطنين", "YEM", "CVL"),
            "actor2": None,
            "location": ("Taiz", "تعز", "Taiz", "YEM", 13.58, 44.02),
            "date": ("2024-05-19", "يوم الأحد"), "fatalities": None, "attribution": None,
        }],
    },
    {
        # hostile metadata and text: must render as text everywhere
        "id": "xss-probe", "title": "<script>window.__pwned=1</script>عنوان <img src=x onerror=\"window.__pwned=2\">",
        "source": "<b>مصدر</b>", "url": "javascript:window.__pwned=3", "published": "2024-05-21",
        "text": ("<script>window.__pwned=4</script> أعلنت مصادر محلية مقتل مسلحَين اثنين في "
                 "اشتباكات مع قوات الجيش في مدينة درعا <img src=x onerror=\"window.__pwned=5\"> أمس."),
        "events": [{
            "type": "ASSAULT", "mode": "firearms", "acled": ["Battles", "Armed clash"],
            "sentence": "أعلنت مصادر", "sentence_end": "أمس.",
            "trigger": "اشتباكات",
            "actor1": ("Syrian Army", "قوات الجيش", "SYR", "MIL"),
            "actor2": None,
            "location": ("Daraa", "درعا", "Daraa", "SYR", 32.62, 36.1),
            "date": ("2024-05-20", "أمس"), "fatalities": ("اثنين", 2),
            "attribution": "مصادر محلية",
        }],
    },
]


def _span(text: str, needle: str, lo: int = 0, hi: int | None = None) -> list[int]:
    at = text.find(needle, lo, hi if hi is not None else len(text))
    assert at >= 0, needle
    return [at, at + len(needle)]


def build_record(article: dict[str, Any]) -> dict[str, Any]:
    """A contract record for one of ``ARTICLES``, spans computed from the mentions."""
    text = article["text"]
    entities: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for i, ev in enumerate(article["events"]):
        s = text.index(ev["sentence"])
        e = text.index(ev["sentence_end"], s) + len(ev["sentence_end"])

        def actor(spec: Any) -> dict[str, Any] | None:
            if not spec:
                return None
            name, mention, country, sector = spec
            span = _span(text, mention, s, e)
            entities.append({"type": "ORG", "text": mention, "span": span, "canonical": name,
                             "id": None, "country": country, "sector": sector})
            return {"name": name, "name_ar": mention, "mention": mention, "id": None,
                    "country": country, "sector": sector, "span": span}

        name, mention, admin1, country, lat, lon = ev["location"]
        loc_span = _span(text, mention, s, e)
        entities.append({"type": "LOC", "text": mention, "span": loc_span, "canonical": name,
                         "id": None, "country": country, "sector": None})
        date_value, date_mention = ev["date"]
        date_span = _span(text, date_mention, s, e)
        entities.append({"type": "DATE", "text": date_mention, "span": date_span, "canonical": None,
                         "id": None, "country": None, "sector": None})
        fatalities = None
        if ev["fatalities"]:
            word, fatalities = ev["fatalities"]
            entities.append({"type": "NUM", "text": word, "span": _span(text, word, s, e),
                             "canonical": None, "id": None, "country": None, "sector": None,
                             "value": fatalities})
        trig = _span(text, ev["trigger"], s, e)
        attribution_span = _span(text, ev["attribution"], s, e) if ev["attribution"] else None
        events.append({
            "id": f"e{i}", "plover": {"type": ev["type"], "mode": ev["mode"]},
            "acled": {"event_type": ev["acled"][0], "sub_event_type": ev["acled"][1]},
            "cameo": None, "actor1": actor(ev["actor1"]), "actor2": actor(ev["actor2"]),
            "associated_actors": [],
            "location": {"name": name, "name_ar": mention, "mention": mention, "admin1": admin1,
                         "admin2": None, "country": country, "lat": lat, "lon": lon,
                         "geonameid": None, "precision": "town", "span": loc_span},
            "date": {"value": date_value, "precision": "day", "mention": date_mention, "span": date_span},
            "fatalities": fatalities, "injuries": None,
            "attribution": ev["attribution"], "attribution_span": attribution_span,
            "trigger": ev["trigger"], "trigger_span": trig,
            "sentence": text[s:e], "span": [s, e],
            "negated": False, "hypothetical": False, "historical": False, "confidence": 0.9,
        })
    entities.sort(key=lambda x: x["span"][0])
    return {
        "document": {"id": article["id"], "title": article["title"], "source": article["source"],
                     "url": article["url"], "published": article["published"], "language": "ar",
                     "text": text},
        "entities": entities, "events": events,
    }


def seeded_store(path: str) -> Any:
    """A sqlite store at ``path`` holding the hand-written ``ARTICLES``."""
    try:
        from rasd.store import open_store
        store = open_store(f"sqlite:///{path}")
    except ImportError:  # TEMPORARY
        store = _FakeStore()
    for article in ARTICLES:
        result = store.add_record(build_record(article))
        assert result.status == "new", result
    return store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """uvicorn in a thread on a free loopback port."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    path = os.environ.get("RASD_CHROMIUM", "/usr/bin/chromium")
    return path if os.path.exists(path) else None


class _FakeStore:  # TEMPORARY until rasd.store lands
    def __init__(self) -> None:
        self.docs: dict[str, Any] = {}
        self.rows: list[dict[str, Any]] = []

    def add_record(self, record: dict[str, Any], *, raw: str | None = None) -> Any:
        from types import SimpleNamespace
        doc_id = record["document"]["id"]
        if doc_id in self.docs:
            return SimpleNamespace(document_id=doc_id, status="duplicate", events_added=0, error=None)
        self.docs[doc_id] = record
        for i, ev in enumerate(record["events"]):
            loc = ev.get("location") or {}
            a1, a2 = ev.get("actor1") or {}, ev.get("actor2") or {}
            self.rows.append({
                "id": f"{doc_id}:{i}", "plover_type": ev["plover"]["type"], "plover_mode": ev["plover"]["mode"],
                "acled_event_type": ev["acled"]["event_type"], "acled_sub_event_type": ev["acled"]["sub_event_type"],
                "date": (ev.get("date") or {}).get("value"), "date_precision": "day",
                "actor1_name": a1.get("name"), "actor1_country": a1.get("country"), "actor1_sector": a1.get("sector"),
                "actor2_name": a2.get("name"), "actor2_country": a2.get("country"), "actor2_sector": a2.get("sector"),
                "location_name": loc.get("name"), "admin1": loc.get("admin1"), "country": loc.get("country"),
                "lat": loc.get("lat"), "lon": loc.get("lon"), "geo_precision": loc.get("precision"),
                "fatalities": ev.get("fatalities"), "source_count": 1, "document_ids": [doc_id],
                "trigger": ev["trigger"], "sentence": ev["sentence"], "negated": False,
                "hypothetical": False, "historical": False, "_i": i,
            })
        return SimpleNamespace(document_id=doc_id, status="new", events_added=len(record["events"]), error=None)

    def _match(self, q: Any) -> list[dict[str, Any]]:
        out = []
        for r in self.rows:
            if q.type and r["plover_type"] != q.type: continue
            if q.country and r["country"] != q.country: continue
            if q.admin1 and r["admin1"] != q.admin1: continue
            if q.actor and q.actor not in f"{r['actor1_name']} {r['actor2_name']}": continue
            if q.since and (r["date"] or "") < q.since: continue
            if q.until and (r["date"] or "9") > q.until: continue
            if q.text and q.text not in r["sentence"]: continue
            out.append(r)
        out.sort(key=lambda r: r["date"] or "", reverse=q.order != "date_asc")
        return out

    def query_events(self, q: Any) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "_i"} for r in self._match(q)[q.offset:q.offset + q.limit]]

    def count_events(self, q: Any) -> int:
        return len(self._match(q))

    def get_document(self, doc_id: str) -> Any:
        return self.docs.get(doc_id)

    def get_event(self, event_id: str) -> Any:
        for r in self.rows:
            if r["id"] == event_id:
                doc = self.docs[r["document_ids"][0]]
                ev = doc["events"][r["_i"]]
                out = {k: v for k, v in r.items() if k != "_i"}
                out["reports"] = [{"document_id": doc["document"]["id"], "event_index": r["_i"],
                                   "source": doc["document"]["source"], "published": doc["document"]["published"],
                                   "sentence": ev["sentence"], "span": ev["span"], "trigger": ev["trigger"],
                                   "fatalities": ev["fatalities"], "record": ev}]
                return out
        return None

    def stats(self) -> dict[str, Any]:
        from collections import Counter
        return {"documents": len(self.docs), "events": len(self.rows), "clusters": len(self.rows),
                "by_type": dict(Counter(r["plover_type"] for r in self.rows)),
                "by_country": dict(Counter(r["country"] for r in self.rows if r["country"])),
                "by_month": dict(Counter((r["date"] or "")[:7] for r in self.rows))}

    def actors(self, limit: int = 200) -> list[dict[str, Any]]:
        from collections import Counter
        c = Counter(r["actor1_name"] for r in self.rows if r["actor1_name"])
        return [{"name": n, "country": None, "sector": None, "events": k} for n, k in c.most_common(limit)]


def _ensure_event_query() -> None:  # TEMPORARY until rasd.store lands
    import dataclasses
    import rasd.store as st
    if not hasattr(st, "EventQuery"):
        @dataclasses.dataclass
        class EventQuery:
            since: Any = None; until: Any = None; type: Any = None; actor: Any = None
            country: Any = None; admin1: Any = None; near: Any = None; text: Any = None
            limit: int = 100; offset: int = 0; order: str = "date_desc"
        st.EventQuery = EventQuery


_ensure_event_query()
