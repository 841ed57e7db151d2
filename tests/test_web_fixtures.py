"""Shared fixtures for the API and browser tests: hand-written Arabic articles turned into
contract records (spans computed from the mentions), a seeded store, a live server.

No tests here; ``test_api*.py`` and ``test_web*.py`` import from this module.
"""
from __future__ import annotations

import copy
import os
import socket
import threading
import time
from typing import Any

import pytest

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


# not seeded: what the write tests post
EXTRA_ARTICLES: list[dict[str, Any]] = [
    {
        "id": "sirte-clashes", "title": "اشتباكات قرب سرت", "source": "موقع ليبي",
        "url": "https://news.example/sirte", "published": "2024-06-03",
        "text": ("اندلعت اشتباكات عنيفة بين قوات الجيش الوطني الليبي ومجموعة مسلحة على الطريق الساحلي "
                 "غرب مدينة سرت مساء السبت، أسفرت عن مقتل ثلاثة عناصر، وفق ما أعلن المتحدث باسم الجيش.\n"
                 "وأغلقت السلطات الطريق أمام حركة المسافرين حتى إشعار آخر."),
        "events": [{
            "type": "ASSAULT", "mode": "firearms", "acled": ["Battles", "Armed clash"],
            "sentence": "اندلعت اشتباكات", "sentence_end": "باسم الجيش.",
            "trigger": "اشتباكات",
            "actor1": ("Libyan National Army", "الجيش الوطني الليبي", "LBY", "MIL"),
            "actor2": ("Armed group", "مجموعة مسلحة", "LBY", "UAF"),
            "location": ("Sirte", "سرت", "Sirte", "LBY", 31.2, 16.59),
            "date": ("2024-06-01", "مساء السبت"), "fatalities": ("ثلاثة", 3),
            "attribution": "المتحدث باسم الجيش",
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
    from rasd.store import open_store

    store = open_store(path)
    for article in ARTICLES:
        result = store.add_record(build_record(article))
        assert result.status == "new", result
    return store


# An Aleppo air strike whose actor carries only the dictionary's English name and id (the
# Arabic mention differs from the name a user types), and a clash with no known place.
ALEPPO = {
    "id": "aleppo-strike", "title": "غارة على حلب", "source": "شبكة محلية",
    "url": "https://news.example/aleppo", "published": "2024-06-10",
    "text": ("قُتل ثلاثة مدنيين صباح اليوم الاثنين في غارة جوية نفذها جيش النظام على حي الشعار "
             "في مدينة حلب، بحسب ناشطين محليين."),
    "events": [{
        "type": "ASSAULT", "mode": "aerial", "acled": ["Explosions/Remote violence", "Air/drone strike"],
        "sentence": "قُتل ثلاثة", "sentence_end": "ناشطين محليين.", "trigger": "غارة جوية",
        "actor1": ("Syria Military", "جيش النظام", "SYR", "MIL"),
        "actor2": ("Civilians", "مدنيين", None, "CVL"),
        "location": ("Aleppo", "حلب", "Aleppo", "SYR", 36.2, 37.16),
        "date": ("2024-06-10", "صباح اليوم الاثنين"), "fatalities": ("ثلاثة", 3),
        "attribution": "ناشطين محليين",
    }],
}
LOCATED = 5  # in map_store: the four seeded events and Aleppo


def aleppo_record() -> dict:
    record = build_record(ALEPPO)
    record["events"][0]["actor1"]["id"] = "army@syr"
    record["events"][0]["actor1"]["name_ar"] = None
    return record


def unlocated_record() -> dict:
    record = build_record(copy.deepcopy(EXTRA_ARTICLES[0]))
    record["events"][0]["location"] = None
    return record


def map_store(path: str) -> Any:
    """``seeded_store`` plus the Aleppo strike and the event without a place."""
    store = seeded_store(path)
    for record in (aleppo_record(), unlocated_record()):
        assert store.add_record(record).status == "new"
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



PASTED_ARTICLE = ("أفاد المرصد السوري لحقوق الإنسان بمقتل خمسة مدنيين، بينهم امرأتان، أمس الأربعاء "
                  "جراء قصف مدفعي نفذته قوات النظام على بلدة كفرنبودة في ريف حماة الشمالي.\n"
                  "وأضاف المرصد أن القصف تسبب بدمار واسع في منازل الأهالي.")


def pipeline_or_skip() -> None:
    """Skip when the extraction pipeline cannot be built (a stage not installed yet)."""
    import pytest

    import rasd
    try:
        rasd.default_pipeline()
    except ImportError as exc:
        pytest.skip(f"extraction pipeline unavailable: {exc}")


# ---------------------------------------------------------------- browser fixtures
# Shared by the browser test modules (imported there by name); Playwright is imported
# only when a browser test asks for them, so the API tests need no browser.

@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium not installed (set RASD_CHROMIUM)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    pg = context.new_page()
    pg.problems = []  # console errors (CSP violations show up here) and page errors
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    yield pg
    context.close()


def wait_loaded(page, previous: int = 0) -> None:
    """Wait for the map page's next load (a selector: CSP forbids eval-based polling)."""
    page.wait_for_selector(f"body[data-loaded='{previous + 1}']", state="attached")


def loaded(page) -> int:
    return int(page.evaluate("document.body.dataset.loaded || 0"))
