"""Exports: ACLED CSV (ACLED's columns and codes), PLOVER JSON lines (POLECAT's fields),
GeoJSON, Parquet; event ids stay stable when a cluster grows."""
from __future__ import annotations

import builtins
import csv
import io
import json

import pytest

from rasd.errors import StoreError
from rasd.store import EventQuery
from rasd.store.export import ACLED_COLUMNS, export_events, interaction

TEXT_1 = ("قال المرصد السوري لحقوق الإنسان إن طائرات حربية روسية شنت غارات على مدينة معرة النعمان "
          "في ريف إدلب الجنوبي أمس، ما أدى إلى مقتل سبعة مدنيين بينهم امرأتان.")
SENT_1 = "طائرات حربية روسية شنت غارات على مدينة معرة النعمان"
TEXT_2 = ("أعلنت مديرية الدفاع المدني أن ستة مدنيين لقوا حتفهم في غارات جوية روسية استهدفت أحياء "
          "سكنية في معرة النعمان، وأن فرق الإنقاذ ما زالت تبحث عن مفقودين.")
SENT_2 = "ستة مدنيين لقوا حتفهم في غارات جوية روسية استهدفت أحياء سكنية في معرة النعمان"
TEXT_3 = ("تظاهر مئات الطلاب أمام مبنى البرلمان في بيروت احتجاجا على رفع رسوم الجامعة اللبنانية، "
          "ورفعوا لافتات تطالب بإصلاح التعليم العام.")
SENT_3 = "تظاهر مئات الطلاب أمام مبنى البرلمان في بيروت"
TEXT_4 = "وأكد المتحدث باسم الحكومة أن الوزير سيلتقي نظيره التركي الأسبوع المقبل لبحث ملف المعابر."
SENT_4 = "الوزير سيلتقي نظيره التركي الأسبوع المقبل"

RUSSIA = {"name": "Military Forces of Russia", "id": "rus-mil", "country": "RUS", "sector": "MIL"}
CIVILIANS = {"name": "Civilians", "country": "SYR", "sector": "CVL"}
MAARRA = {"name": "Maarrat al-Nu'man", "name_ar": "معرة النعمان", "admin1": "Idlib",
          "admin2": "Maarrat al-Nu'man", "country": "SYR", "lat": 35.6441, "lon": 36.6722,
          "precision": "town"}


def airstrike(sentence, fatalities, day="2019-12-24"):
    return {"plover": {"type": "ASSAULT", "mode": "aerial"},
            "acled": {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"},
            "actor1": RUSSIA, "actor2": CIVILIANS, "location": MAARRA,
            "associated_actors": [{"name": "Military Forces of Syria", "country": "SYR", "sector": "MIL"}],
            "date": {"value": day, "precision": "day"}, "fatalities": fatalities,
            "trigger": "غارات", "sentence": sentence}


@pytest.fixture
def exported_store(store, make_record):
    store.add_record(make_record("sohr-1", TEXT_1, [airstrike(SENT_1, 7)], published="2019-12-25",
                                 source="SOHR"))
    protest = {"plover": {"type": "PROTEST", "mode": "demonstrate"},
               "acled": {"event_type": "Protests", "sub_event_type": "Peaceful protest"},
               "actor1": {"name": "Students", "country": "LBN", "sector": "EDU"},
               "location": {"name": "Beirut", "admin1": "Beirut", "country": "LBN", "lat": 33.8938,
                            "lon": 35.5018, "precision": "city"},
               "date": {"value": "2019-11-04", "precision": "week"},
               "trigger": "تظاهر", "sentence": SENT_3}
    store.add_record(make_record("nna-9", TEXT_3, [protest], published="2019-11-05", source="NNA"))
    meeting = {"plover": {"type": "CONSULT", "mode": None}, "acled": {"event_type": None, "sub_event_type": None},
               "actor1": {"name": "Government of Syria", "country": "SYR", "sector": "GOV"},
               "location": None, "date": None, "trigger": "سيلتقي", "sentence": SENT_4,
               "hypothetical": True}
    store.add_record(make_record("sana-4", TEXT_4, [meeting], published="2019-12-01"))
    return store


def _acled(store) -> list[dict]:
    buf = io.StringIO()
    export_events(store, "acled-csv", buf)
    return list(csv.DictReader(io.StringIO(buf.getvalue())))


def test_acled_csv_columns_and_codes(exported_store):
    buf = io.StringIO()
    n = export_events(exported_store, "acled-csv", buf)
    header = buf.getvalue().splitlines()[0].split(",")
    assert header == list(ACLED_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert n == len(rows) == 2          # the hypothetical, uncoded meeting is left out
    protest, strike = rows              # oldest first
    assert strike["event_date"] == "2019-12-24" and strike["year"] == "2019"
    assert strike["time_precision"] == "1" and protest["time_precision"] == "2"
    assert strike["disorder_type"] == "Political violence"
    assert (strike["event_type"], strike["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    # Russian forces in Syria are external forces (8); civilians 7
    assert (strike["inter1"], strike["inter2"], strike["interaction"]) == ("8", "7", "78")
    assert strike["civilian_targeting"] == "Civilian targeting"
    assert strike["assoc_actor_1"] == "Military Forces of Syria"
    assert (strike["iso"], strike["country"], strike["region"]) == ("760", "Syria", "Middle East")
    assert (strike["admin1"], strike["location"]) == ("Idlib", "Maarrat al-Nu'man")
    assert (strike["latitude"], strike["longitude"], strike["geo_precision"]) == ("35.6441", "36.6722", "1")
    assert strike["fatalities"] == "7" and strike["source"] == "SOHR" and strike["notes"] == SENT_1
    assert int(strike["timestamp"]) > 1_500_000_000
    # students protesting: protesters (6) alone
    assert (protest["disorder_type"], protest["inter1"], protest["inter2"], protest["interaction"]) == \
        ("Demonstrations", "6", "0", "60")
    assert (protest["iso"], protest["country"]) == ("422", "Lebanon")
    assert protest["civilian_targeting"] == ""


@pytest.mark.parametrize("a, b, code", [(1, 7, "17"), (7, 1, "17"), (2, 0, "20"), (0, 0, ""), (3, 3, "33")])
def test_interaction_codes(a, b, code):
    assert interaction(a, b) == code


def test_event_id_stays_when_cluster_grows(exported_store, make_record):
    before = {r["event_type"]: r for r in _acled(exported_store)}
    strike_id = before["Explosions/Remote violence"]["event_id_cnty"]
    exported_store.add_record(make_record("civdef-2", TEXT_2, [airstrike(SENT_2, 6, day="2019-12-24")],
                                          published="2019-12-24", source="Civil Defence"))
    after = {r["event_type"]: r for r in _acled(exported_store)}
    grown = after["Explosions/Remote violence"]
    assert grown["event_id_cnty"] == strike_id
    assert grown["fatalities"] == "6"                   # the lowest report
    assert grown["source"] == "SOHR; Civil Defence"
    assert len(after) == len(before)


def test_plover_jsonl_follows_polecat_fields(exported_store):
    buf = io.StringIO()
    n = export_events(exported_store, "plover-jsonl", buf, EventQuery(order="date_asc", include_flagged=True))
    rows = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert n == len(rows) == 3
    strike = next(r for r in rows if r["event_type"] == "ASSAULT")
    assert (strike["event_mode"], strike["quad_code"]) == ("aerial", "Material Conflict")
    assert (strike["actor_name"], strike["actor_country"], strike["actor_sectors"]) == \
        ("Military Forces of Russia", "RUS", ["MIL"])
    assert (strike["recipient_country"], strike["recipient_sectors"]) == ("SYR", ["CVL"])
    assert (strike["placename"], strike["province"], strike["country"]) == ("Maarrat al-Nu'man", "Idlib", "SYR")
    assert strike["story_ids"] == ["sohr-1"] and strike["event_text"] == SENT_1
    meeting = next(r for r in rows if r["event_type"] == "CONSULT")
    assert meeting["hypothetical"] is True and meeting["event_date"] == "2019-12-01"
    assert meeting["event_date_precision"] == "publication"


def test_geojson_is_a_feature_collection_of_located_events(exported_store):
    buf = io.StringIO()
    n = export_events(exported_store, "geojson", buf, EventQuery(order="date_asc", include_flagged=True))
    data = json.loads(buf.getvalue())
    assert data["type"] == "FeatureCollection" and n == len(data["features"]) == 2
    strike = next(f for f in data["features"] if f["properties"]["plover_type"] == "ASSAULT")
    assert strike["geometry"] == {"type": "Point", "coordinates": [36.6722, 35.6441]}
    assert strike["id"] == strike["properties"]["id"]


def test_parquet_round_trip(exported_store, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "events.parquet"
    assert export_events(exported_store, "parquet", out) == 2
    table = pq.read_table(out)
    rows = table.to_pylist()
    assert {r["plover_type"] for r in rows} == {"ASSAULT", "PROTEST"}
    strike = next(r for r in rows if r["plover_type"] == "ASSAULT")
    assert strike["document_ids"] == ["sohr-1"] and strike["lat"] == pytest.approx(35.6441)
    assert strike["fatalities"] == 7 and strike["negated"] is False


def test_parquet_without_pyarrow_says_what_to_install(exported_store, tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.startswith("pyarrow"):
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    with pytest.raises(StoreError) as info:
        export_events(exported_store, "parquet", tmp_path / "x.parquet")
    assert info.value.code == "E304" and "rasd[parquet]" in str(info.value)


def test_unknown_format_is_refused(exported_store):
    with pytest.raises(ValueError):
        export_events(exported_store, "xlsx", io.StringIO())
