"""The event store on SQLite and PostgreSQL: idempotent adds, near duplicates, event
clusters, queries with Arabic folding, statistics."""
from __future__ import annotations

import pytest

from rasd.store import EventQuery, open_store

# --- realistic articles (written for these tests) -------------------------------------

SHELLING = ("أفاد مصدر محلي بأن ثلاثة مدنيين قتلوا صباح اليوم جراء قصف مدفعي لقوات النظام "
            "استهدف بلدة كفرنبل في ريف إدلب الجنوبي، فيما أصيب آخرون بجروح متفاوتة ونقلوا إلى "
            "المشافي القريبة. وقال الدفاع المدني إن فرقه عملت على انتشال الضحايا من تحت الأنقاض.")
SHELLING_SENT = "ثلاثة مدنيين قتلوا صباح اليوم جراء قصف مدفعي لقوات النظام استهدف بلدة كفرنبل"
# another outlet, its own wording and a higher toll
SHELLING_OTHER = ("قصفت قوات النظام السوري بلدة كفرنبل جنوبي إدلب بالمدفعية الثقيلة، ما أسفر عن "
                  "مقتل خمسة مدنيين بينهم طفلان، بحسب ما أعلنه الدفاع المدني في بيان.")
SHELLING_OTHER_SENT = "قصفت قوات النظام السوري بلدة كفرنبل جنوبي إدلب بالمدفعية الثقيلة"
# a syndicated copy of SHELLING: dateline added, one word changed
SHELLING_COPY = "إدلب - وكالات: " + SHELLING.replace("المشافي", "المستشفيات")
ARRESTS = ("اعتقلت قوات الأمن العراقية عشرين متظاهرا في ساحة التحرير وسط بغداد مساء أمس، "
           "بعد ساعات من تجدد الاحتجاجات المطالبة بتحسين الخدمات وتوفير فرص العمل.")
ARRESTS_SENT = "اعتقلت قوات الأمن العراقية عشرين متظاهرا في ساحة التحرير وسط بغداد"

SYR_ARMY = {"name": "Syrian Arab Army", "name_ar": "قوات النظام", "mention": "قوات النظام",
            "id": "syr-mil", "country": "SYR", "sector": "MIL"}
CIVILIANS = {"name": "Civilians", "name_ar": "مدنيين", "mention": "مدنيين", "id": None,
             "country": "SYR", "sector": "CVL"}
KAFRANBEL = {"name": "Kafranbel", "name_ar": "كفرنبل", "mention": "كفرنبل", "admin1": "Idlib",
             "admin2": "Maarrat al-Nu'man", "country": "SYR", "lat": 35.6136, "lon": 36.5617,
             "geonameid": None, "precision": "town"}


IDLIB_GOVERNORATE = {"name": "Idlib", "admin1": "Idlib", "country": "SYR", "lat": 35.93, "lon": 36.63,
                     "precision": "governorate"}


def shelling_event(sentence: str, fatalities: int | None, **over):
    ev = {"plover": {"type": "ASSAULT", "mode": "shelling"},
          "acled": {"event_type": "Explosions/Remote violence",
                    "sub_event_type": "Shelling/artillery/missile attack"},
          "cameo": "195", "actor1": SYR_ARMY, "actor2": CIVILIANS, "location": KAFRANBEL,
          "date": {"value": "2019-05-20", "precision": "day", "mention": "صباح اليوم"},
          "fatalities": fatalities, "trigger": "قصف", "sentence": sentence}
    ev.update(over)
    return ev


def arrest_event(**over):
    ev = {"plover": {"type": "COERCE", "mode": "arrest"},
          "acled": {"event_type": "Strategic developments", "sub_event_type": "Arrests"},
          "actor1": {"name": "Iraqi Security Forces", "id": "irq-cop", "country": "IRQ", "sector": "COP"},
          "actor2": {"name": "Protesters", "id": None, "country": "IRQ", "sector": "CVL",
                     "name_ar": "متظاهرين"},
          "location": {"name": "Baghdad", "name_ar": "بغداد", "admin1": "Baghdad", "country": "IRQ",
                       "lat": 33.3406, "lon": 44.4009, "precision": "city"},
          "date": {"value": "2019-10-06", "precision": "day", "mention": "أمس"},
          "trigger": "اعتقلت", "sentence": ARRESTS_SENT}
    ev.update(over)
    return ev


@pytest.fixture
def shelling(make_record):
    return make_record("sana-1", SHELLING, [shelling_event(SHELLING_SENT, 3)],
                       published="2019-05-20", url="https://www.example-news.sy/article/1?utm_source=tw",
                       source="Example News")


# --- documents ------------------------------------------------------------------------

def test_add_and_get_document_round_trip(store, shelling):
    result = store.add_record(shelling, raw="<html>…</html>")
    assert (result.status, result.document_id, result.events_added) == ("new", "sana-1", 1)
    assert store.has_document("sana-1") and not store.has_document("nope")
    got = store.get_document("sana-1")
    assert got["document"]["text"] == SHELLING
    assert got["document"]["published"] == "2019-05-20"
    ev = got["events"][0]
    assert ev["plover"]["type"] == "ASSAULT" and ev["fatalities"] == 3
    assert got["document"]["text"][ev["span"][0]:ev["span"][1]] == SHELLING_SENT
    assert ev["cluster_id"].startswith("ev")
    assert store.get_raw("sana-1") == "<html>…</html>"
    assert store.get_document("missing") is None


def test_same_document_twice_is_stored_once(store, shelling, make_record):
    assert store.add_record(shelling).status == "new"
    again = store.add_record(shelling)
    assert (again.status, again.document_id, again.events_added) == ("duplicate", "sana-1", 0)
    # same article under another id, reached through an equivalent URL
    same_url = make_record("other-id", SHELLING + " ", url="http://example-news.sy/article/1/#top")
    assert store.add_record(same_url).document_id == "sana-1"
    # same text, spelled with diacritics, tatweel and other spacing: normalised content hash
    respelled = SHELLING.replace("قتلوا", "قُتِلوا").replace("قصف", "قـصف").replace("، ", " ،  ")
    dup = store.add_record(make_record("third-id", respelled))
    assert (dup.status, dup.document_id) == ("duplicate", "sana-1")
    assert store.find_duplicate(url="https://example-news.sy/article/1") == "sana-1"
    assert store.find_duplicate(text=respelled) == "sana-1"
    assert store.find_duplicate(url="https://example-news.sy/article/2") is None
    s = store.stats()
    assert (s["documents"], s["events"], s["clusters"]) == (1, 1, 1)


def test_document_without_id_gets_one_from_url_or_text(store, make_record):
    by_url = store.add_record(make_record(None, ARRESTS, url="https://news.example.iq/a/77"))
    by_text = store.add_record(make_record(None, SHELLING))
    assert by_url.status == by_text.status == "new"
    assert by_url.document_id.startswith("u") and len(by_url.document_id) == 17
    assert len(by_text.document_id) == 16 and by_text.document_id != by_url.document_id
    assert store.get_document(by_text.document_id)["document"]["text"] == SHELLING


def test_syndicated_copy_is_linked_as_near_duplicate(store, shelling, make_record):
    store.add_record(shelling)
    copy = make_record("okaz-7", SHELLING_COPY, [shelling_event(SHELLING_SENT, 3)],
                       published="2019-05-20", source="Okaz")
    result = store.add_record(copy)
    assert result.status == "new" and result.near_duplicate_of == "sana-1"
    assert store.get_document("okaz-7")["document"]["near_duplicate_of"] == "sana-1"
    unrelated = store.add_record(make_record("x-1", ARRESTS))
    assert unrelated.near_duplicate_of is None
    # the copy's event joins the cluster; sources count outlets (two papers printed it)
    [event] = store.query_events(EventQuery(type="ASSAULT"))
    assert event["report_count"] == 2 and event["source_count"] == event["outlet_count"] == 2
    assert store.stats()["near_duplicates"] == 1


def test_malformed_record_fails_alone_and_writes_nothing(store, shelling, make_record):
    bad = make_record("bad-1", ARRESTS, [arrest_event(location={"lat": 95.0, "lon": 44.0})])
    results = store.add_records([shelling, bad, {"document": {"id": "x"}}, "not a record"])
    assert [r.status for r in results] == ["new", "failed", "failed", "failed"]
    assert results[1].code == "E105" and "events[0].location.lat" in results[1].error
    assert "document.text" in results[2].error
    assert not store.has_document("bad-1")
    assert store.stats()["documents"] == 1


# --- event clusters -------------------------------------------------------------------

def test_reports_of_one_happening_form_one_cluster(store, shelling, make_record):
    store.add_record(shelling)
    first_id = store.query_events()[0]["id"]
    other = make_record("enab-3", SHELLING_OTHER,
                        [shelling_event(SHELLING_OTHER_SENT, 5,
                                        date={"value": "2019-05-20", "precision": "day", "mention": "أمس"})],
                        published="2019-05-21", source="Enab Baladi")
    store.add_record(other)
    store.add_record(make_record("iq-1", ARRESTS, [arrest_event()], published="2019-10-07"))
    events = store.query_events(EventQuery(order="date_asc"))
    assert len(events) == 2
    cluster = events[0]
    assert cluster["id"] == first_id                     # the id survives growth
    assert cluster["document_ids"] == ["sana-1", "enab-3"]
    assert cluster["source_count"] == 2 and cluster["report_count"] == 2
    assert cluster["fatalities"] == 3                    # the lowest figure, as ACLED does
    full = store.get_event(first_id)
    assert sorted(r["fatalities"] for r in full["reports"]) == [3, 5]   # each report keeps its own
    assert {r["document_id"] for r in full["reports"]} == {"sana-1", "enab-3"}
    assert full["reports"][0]["record"]["plover"]["type"] == "ASSAULT"
    s = store.stats()
    assert (s["documents"], s["events"], s["clusters"]) == (3, 3, 2)
    assert s["by_type"] == {"ASSAULT": 1, "COERCE": 1}
    assert s["by_country"] == {"IRQ": 1, "SYR": 1}
    assert s["by_month"] == {"2019-05": 1, "2019-10": 1}


@pytest.mark.parametrize("change", [
    {"actor1": {"name": "Turkish Armed Forces", "id": "tur-mil", "country": "TUR", "sector": "MIL"}},
    {"location": {**KAFRANBEL, "name": "Jisr al-Shughur", "lat": 35.8126, "lon": 36.3176}},  # ~31 km
    {"date": {"value": "2019-05-23", "precision": "day"}},
    {"plover": {"type": "COERCE", "mode": None}},
], ids=["other-actor", "31km-away", "3-days-later", "other-type"])
def test_different_happenings_stay_apart(store, shelling, make_record, change):
    store.add_record(shelling)
    store.add_record(make_record("enab-3", SHELLING_OTHER, [shelling_event(SHELLING_OTHER_SENT, 5, **change)],
                                 published="2019-05-21"))
    assert store.stats()["clusters"] == 2


def test_a_report_with_an_unknown_attacker_joins_at_the_same_town_and_day(store, shelling, make_record):
    store.add_record(shelling)
    unnamed = shelling_event(SHELLING_OTHER_SENT, None, actor1=None)
    store.add_record(make_record("enab-3", SHELLING_OTHER, [unnamed], published="2019-05-20"))
    [event] = store.query_events()
    assert event["report_count"] == 2
    assert event["location_precision"] == "town" and event["actor1_name"] == "Syrian Arab Army"
    assert event["fatalities"] == 3


def test_a_governorate_or_undated_report_does_not_join_a_town_event(store, shelling, make_record):
    store.add_record(shelling)
    # the governorate of the shelled town, and the town itself with no stated day: a coder
    # cannot tell either is the same shelling
    province = shelling_event(SHELLING_OTHER_SENT, None, actor1=None, location=IDLIB_GOVERNORATE)
    undated = shelling_event(SHELLING_OTHER_SENT, 5, date=None)
    store.add_record(make_record("enab-3", SHELLING_OTHER, [province], published="2019-05-20"))
    store.add_record(make_record("enab-4", SHELLING_OTHER + " وقال ناشطون إن القصف تجدد.", [undated],
                                 published="2019-05-20"))
    town = store.get_document("sana-1")["events"][0]["cluster_id"]
    assert store.get_event(town)["report_count"] == 1
    # the two later reports give one sentence the same day: one item printed twice
    assert sorted(e["report_count"] for e in store.query_events()) == [1, 2]


def test_flagged_events_are_kept_out_of_real_events(store, shelling, make_record):
    store.add_record(shelling)
    denied = shelling_event(SHELLING_OTHER_SENT, 5, negated=True)
    store.add_record(make_record("enab-3", SHELLING_OTHER, [denied], published="2019-05-20"))
    assert store.stats()["clusters"] == 1 and store.stats()["flagged"] == 1
    [real] = store.query_events()
    assert real["report_count"] == 1 and not real["negated"]
    both = store.query_events(EventQuery(include_flagged=True))
    assert len(both) == 2 and sum(e["negated"] for e in both) == 1


# --- queries --------------------------------------------------------------------------

@pytest.fixture
def loaded(store, shelling, make_record):
    store.add_record(shelling)
    store.add_record(make_record("iq-1", ARRESTS, [arrest_event()], published="2019-10-07"))
    return store


@pytest.mark.parametrize("query, expected", [
    (EventQuery(), {"ASSAULT", "COERCE"}),
    (EventQuery(since="2019-06-01"), {"COERCE"}),
    (EventQuery(until="2019-05-20"), {"ASSAULT"}),
    (EventQuery(since="2019-10"), {"COERCE"}),             # a month: from its first day
    (EventQuery(until="2019-05"), {"ASSAULT"}),            # … to its last
    (EventQuery(since="2019", until="2019"), {"ASSAULT", "COERCE"}),
    (EventQuery(until="2018"), set()),
    (EventQuery(type="assault"), {"ASSAULT"}),
    (EventQuery(type="Strategic developments"), {"COERCE"}),
    (EventQuery(type="Shelling/artillery/missile attack"), {"ASSAULT"}),
    (EventQuery(actor="syrian arab"), {"ASSAULT"}),
    (EventQuery(actor="متظاهرين"), {"COERCE"}),
    (EventQuery(actor="irq-cop"), {"COERCE"}),
    (EventQuery(country="irq"), {"COERCE"}),
    (EventQuery(admin1="idlib"), {"ASSAULT"}),
    (EventQuery(near=(35.70, 36.60, 25)), {"ASSAULT"}),
    (EventQuery(near=(35.70, 36.60, 5)), set()),
    (EventQuery(text="ادلب"), set()),                   # not in the sentence
    (EventQuery(text="كفرنبل"), {"ASSAULT"}),
    (EventQuery(text="مدفعى قصف"), {"ASSAULT"}),         # folded ى/ي, any word order
    (EventQuery(text="ساحة التحرير"), {"COERCE"}),
    (EventQuery(text="ساحه"), {"COERCE"}),               # folded ة/ه
    (EventQuery(text="قـصـف"), {"ASSAULT"}),             # tatweel in the query
    (EventQuery(text="100%_"), set()),                   # LIKE wildcards are literal
], ids=lambda v: repr(v) if not isinstance(v, EventQuery) else "")
def test_query_filters(loaded, query, expected):
    assert {e["plover_type"] for e in loaded.query_events(query)} == expected
    assert loaded.count_events(query) == len(expected)


def test_query_paging_and_order(loaded):
    newest, oldest = loaded.query_events(), loaded.query_events(EventQuery(order="date_asc"))
    assert [e["plover_type"] for e in newest] == ["COERCE", "ASSAULT"]
    assert [e["plover_type"] for e in oldest] == ["ASSAULT", "COERCE"]
    assert [e["id"] for e in loaded.query_events(EventQuery(limit=1, offset=1))] == [newest[1]["id"]]
    assert [e["plover_type"] for e in loaded.query_events(EventQuery(document_id="iq-1"))] == ["COERCE"]
    with pytest.raises(ValueError):
        EventQuery(order="random")
    with pytest.raises(ValueError):
        EventQuery(near=(35.0, 36.0, 0))


def test_event_row_fields(loaded):
    [ev] = loaded.query_events(EventQuery(type="ASSAULT"))
    assert ev["date"] == "2019-05-20" and ev["date_precision"] == "day"
    assert (ev["actor1_name"], ev["actor1_country"], ev["actor1_sector"]) == ("Syrian Arab Army", "SYR", "MIL")
    assert (ev["location_name"], ev["admin1"], ev["country"]) == ("Kafranbel", "Idlib", "SYR")
    assert ev["geo_precision"] == 1 and ev["trigger"] == "قصف" and ev["sentence"] == SHELLING_SENT
    assert ev["document_ids"] == ["sana-1"] and ev["source_count"] == 1
    assert ev["negated"] is False and ev["hypothetical"] is False and ev["historical"] is False
    assert loaded.get_event("nope") is None


def test_actors(loaded):
    actors = {(a["name"], a["country"], a["sector"]): a["events"] for a in loaded.actors()}
    assert actors[("Syrian Arab Army", "SYR", "MIL")] == 1
    assert actors[("Protesters", "IRQ", "CVL")] == 1
    assert len(loaded.actors(limit=1)) == 1


# --- schema ---------------------------------------------------------------------------

def test_schema_head_matches_migrations():
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from rasd.store.schema import HEAD
    cfg = Config()
    cfg.set_main_option("script_location", "rasd.store:migrations")
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD


def test_reopening_keeps_data_and_schema(store_url, shelling):
    with open_store(store_url) as first:
        first.add_record(shelling)
    with open_store(store_url) as second:
        assert second.has_document("sana-1")
        from rasd.store.schema import current_revision, HEAD
        with second.engine.connect() as conn:
            assert current_revision(conn) == HEAD


def test_open_store_resolves_urls(tmp_path, monkeypatch):
    from rasd.store.db import resolve_url
    assert resolve_url(str(tmp_path / "x.sqlite")) == f"sqlite:///{tmp_path / 'x.sqlite'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("RASD_DB", str(tmp_path / "env.sqlite"))
    assert resolve_url(None).endswith("env.sqlite")
    monkeypatch.delenv("RASD_DB")
    assert resolve_url(None).endswith("rasd.sqlite")
