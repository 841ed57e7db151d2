"""Exports: ACLED CSV (ACLED's columns with ACLED's meaning, read back by pandas and the
`acled` package), PLOVER JSON lines (POLECAT's fields, PLOVER codebook modes), GeoJSON,
Parquet; event ids stay stable when a cluster grows."""
from __future__ import annotations

import builtins
import csv
import io
import json
import re

import pytest

from rasd.errors import DataFileError, StoreError
from rasd.store import EventQuery
from rasd.store.export import (
    ACLED_COLUMNS, RASD_ACLED_COLUMNS, acled_actor, acled_event_id, acled_notes, civilian_targeting,
    codebook, contexts, export_events, fatality_tags, interaction, interaction_label, load_sources,
    plover_mode, source_scale, state_name, time_precision,
)

TEXT_1 = ("قال المرصد السوري لحقوق الإنسان إن طائرات حربية روسية شنت غارات على مدينة معرة النعمان "
          "في ريف إدلب الجنوبي أمس، ما أدى إلى مقتل سبعة مدنيين بينهم امرأتان.")
SENT_1 = "طائرات حربية روسية شنت غارات على مدينة معرة النعمان"
TEXT_2 = ("أعلنت مديرية الدفاع المدني أن ستة مدنيين لقوا حتفهم في غارات جوية روسية استهدفت أحياء "
          "سكنية في معرة النعمان، وأن فرق الإنقاذ ما زالت تبحث عن مفقودين.")
SENT_2 = "ستة مدنيين لقوا حتفهم في غارات جوية روسية استهدفت أحياء سكنية في معرة النعمان"
TEXT_3 = ("تظاهر مئات الطلاب أمام مبنى البرلمان في بيروت الأسبوع الماضي احتجاجا على رفع رسوم الجامعة "
          "اللبنانية، ورفعوا لافتات تطالب بإصلاح التعليم العام.")
SENT_3 = "تظاهر مئات الطلاب أمام مبنى البرلمان في بيروت الأسبوع الماضي"
TEXT_4 = "وأكد المتحدث باسم الحكومة أن الوزير سيلتقي نظيره التركي الأسبوع المقبل لبحث ملف المعابر."
SENT_4 = "الوزير سيلتقي نظيره التركي الأسبوع المقبل"
TEXT_5 = "قتل مسلحون مجهولون ثلاثة أشخاص في هجوم على حاجز في محافظة ديالى، بحسب مصدر أمني."
SENT_5 = "قتل مسلحون مجهولون ثلاثة أشخاص في هجوم على حاجز في محافظة ديالى"
TEXT_6 = "أفادت مصادر بوقوع اشتباكات عنيفة في سوريا دون أن تحدد مكانها."
SENT_6 = "وقوع اشتباكات عنيفة في سوريا"

RUSSIA = {"name": "Military Forces of Russia", "id": "rus-mil", "country": "RUS", "sector": "MIL"}
CIVILIANS = {"name": "Civilians", "id": "civilians", "country": "SYR", "sector": "CVL"}
MAARRA = {"name": "Maarrat al-Nu'man", "name_ar": "معرة النعمان", "admin1": "Idlib",
          "admin2": "Maarrat al-Nu'man", "country": "SYR", "lat": 35.6441, "lon": 36.6722,
          "precision": "town"}
DIYALA = {"name": "Diyala", "name_ar": "ديالى", "admin1": "Diyala", "country": "IRQ",
          "lat": 33.75, "lon": 45.0, "precision": "governorate"}


def airstrike(sentence, fatalities, day="2019-12-24", mention="أمس"):
    return {"plover": {"type": "ASSAULT", "mode": "aerial"},
            "acled": {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"},
            "actor1": RUSSIA, "actor2": CIVILIANS, "location": MAARRA,
            "associated_actors": [{"name": "Syria Military", "id": "army@syr", "country": "SYR", "sector": "MIL"},
                                  {"name": "قوات النمر", "name_ar": "قوات النمر", "country": "SYR", "sector": "MIL"}],
            "date": {"value": day, "precision": "day", "mention": mention}, "fatalities": fatalities,
            "trigger": "غارات", "sentence": sentence}


@pytest.fixture
def exported_store(store, make_record):
    store.add_record(make_record("sohr-1", TEXT_1, [airstrike(SENT_1, 7)], published="2019-12-25",
                                 source="SOHR"))
    protest = {"plover": {"type": "PROTEST", "mode": "demonstrate"},
               "acled": {"event_type": "Protests", "sub_event_type": "Peaceful protest"},
               "actor1": {"name": "Students and teachers", "id": "students", "country": "LBN", "sector": "EDU"},
               "location": {"name": "Beirut", "admin1": "Beirut", "country": "LBN", "lat": 33.8938,
                            "lon": 35.5018, "precision": "city"},
               "date": {"value": "2019-11-04", "precision": "week", "mention": "الأسبوع الماضي"},
               "trigger": "تظاهر", "sentence": SENT_3}
    store.add_record(make_record("nna-9", TEXT_3, [protest], published="2019-11-09", source="nna"))
    meeting = {"plover": {"type": "CONSULT", "mode": "visit"}, "acled": {"event_type": None, "sub_event_type": None},
               "actor1": {"name": "Government of Syria", "country": "SYR", "sector": "GOV"},
               "location": None, "date": None, "trigger": "سيلتقي", "sentence": SENT_4,
               "hypothetical": True}
    store.add_record(make_record("sana-4", TEXT_4, [meeting], published="2019-12-01"))
    gunmen = {"plover": {"type": "ASSAULT", "mode": "kill"},
              "acled": {"event_type": "Violence against civilians", "sub_event_type": "Attack"},
              "actor1": {"name": "Unidentified armed group", "id": "gunmen", "country": "IRQ", "sector": "UAF"},
              "location": DIYALA, "date": {"value": "2019-12-10", "precision": "day", "mention": None},
              "fatalities": 3, "trigger": "قتل", "sentence": SENT_5}
    store.add_record(make_record("alsumaria-3", TEXT_5, [gunmen], published="2019-12-10", source="aawsat"))
    nowhere = {"plover": {"type": "ASSAULT", "mode": "clash"},
               "acled": {"event_type": "Battles", "sub_event_type": "Armed clash"},
               "location": {"name": "Syria", "country": "SYR", "lat": 35.0, "lon": 38.5, "precision": "country"},
               "date": None, "trigger": "اشتباكات", "sentence": SENT_6}
    store.add_record(make_record("src-6", TEXT_6, [nowhere], published="2019-12-12", source="okaz"))
    return store


def _export(store, **kwargs) -> tuple[str, object]:
    buf = io.StringIO()
    n = export_events(store, "acled-csv", buf, **kwargs)
    return buf.getvalue(), n


def _acled(store, **kwargs) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_export(store, **kwargs)[0])))


def test_acled_csv_columns_and_codes(exported_store):
    text, n = _export(exported_store)
    header = text.splitlines()[0].split(",")
    assert header == [*ACLED_COLUMNS, *RASD_ACLED_COLUMNS]
    rows = list(csv.DictReader(io.StringIO(text)))
    # the hypothetical, uncoded meeting and the clash placed only in "Syria" are left out
    assert n == len(rows) == 3
    assert n.skipped == {"no_acled_type": 0, "no_place": 1}  # the meeting is flagged: not queried
    protest, gunmen, strike = rows              # oldest first
    assert strike["event_date"] == "2019-12-24" and strike["year"] == "2019"
    assert strike["disorder_type"] == "Political violence"
    assert (strike["event_type"], strike["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    # Russian forces in Syria are external forces (8); civilians 7
    assert (strike["actor1"], strike["actor2"]) == ("Military Forces of Russia (2000-)", "Civilians (Syria)")
    assert (strike["inter1"], strike["inter2"], strike["interaction"]) == ("8", "7", "78")
    assert strike["civilian_targeting"] == "Civilian targeting"
    assert strike["assoc_actor_1"] == "Military Forces of Syria (2000-2024)"
    assert strike["rasd_assoc_actors_ar"] == "قوات النمر"
    assert (strike["iso"], strike["country"], strike["region"]) == ("760", "Syria", "Middle East")
    assert (strike["admin1"], strike["location"]) == ("Idlib", "Maarrat al-Nu'man")
    assert (strike["latitude"], strike["longitude"], strike["geo_precision"]) == ("35.6441", "36.6722", "1")
    assert strike["fatalities"] == "7" and strike["notes"] == SENT_1
    assert (strike["source"], strike["source_scale"]) == ("Syrian Observatory for Human Rights", "National")
    assert int(strike["timestamp"]) > 1_500_000_000
    # students protesting: protesters (6) alone, the students as the associated actor
    assert (protest["actor1"], protest["assoc_actor_1"]) == ("Protesters (Lebanon)", "Students and teachers (Lebanon)")
    assert (protest["disorder_type"], protest["inter1"], protest["inter2"], protest["interaction"]) == \
        ("Demonstrations", "6", "0", "60")
    assert (protest["iso"], protest["country"], protest["civilian_targeting"]) == ("422", "Lebanon", "")
    assert protest["source"] == "National News Agency (Lebanon)"
    # gunmen killing people at a checkpoint: an unidentified armed group, civilians as victims
    assert (gunmen["actor1"], gunmen["inter1"], gunmen["actor2"], gunmen["inter2"]) == \
        ("Unidentified Armed Group (Iraq)", "3", "Civilians (Iraq)", "7")
    assert (gunmen["geo_precision"], gunmen["region"], gunmen["location"]) == ("3", "Middle East", "Diyala")
    assert gunmen["civilian_targeting"] == "Civilian targeting"
    assert (gunmen["source"], gunmen["source_scale"]) == ("Asharq Al-Awsat", "Regional")


def test_time_precision_is_one_only_for_a_stated_day(exported_store):
    rows = {r["event_type"]: r for r in _acled(exported_store)}
    assert rows["Explosions/Remote violence"]["time_precision"] == "1"    # أمس
    assert rows["Protests"]["time_precision"] == "2"                      # الأسبوع الماضي
    assert rows["Violence against civilians"]["time_precision"] == "3"    # no date in the text
    assert rows["Violence against civilians"]["rasd_date_precision"] == "day"


@pytest.mark.parametrize("precision, code", [("day", 1), ("week", 2), ("month", 3), ("year", 3), (None, 3)])
def test_time_precision_codes(precision, code):
    assert time_precision(precision) == code


def test_no_acled_column_holds_arabic(exported_store):
    arabic = re.compile(r"[\u0600-\u06FF]")
    for row in _acled(exported_store):
        for column in ACLED_COLUMNS:
            if column != "notes":
                assert not arabic.search(row[column]), (column, row[column])


def test_pandas_reads_typed_columns(exported_store):
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(io.StringIO(_export(exported_store)[0]))
    for column in ("interaction", "iso", "geo_precision", "inter1", "inter2", "time_precision",
                   "fatalities", "year", "timestamp"):
        assert pd.api.types.is_integer_dtype(frame[column]), (column, frame[column].dtype)
    assert pd.api.types.is_float_dtype(frame["latitude"]) and frame["latitude"].notna().all()
    assert frame["event_id_cnty"].str.fullmatch(r"[A-Z]{3}\d+").all()


def test_acled_package_parses_every_row(exported_store):
    module = pytest.importorskip("acled.clients.acled_data_client")
    client = module.AcledDataClient.__new__(module.AcledDataClient)  # the parser needs no credentials
    rows = _acled(exported_store)
    parsed = [client._parse_event(dict(row)) for row in rows]
    assert len(parsed) == len(rows) == 3
    assert all(isinstance(p["latitude"], float) and isinstance(p["time_precision"], int) for p in parsed)


def test_text_labels(exported_store):
    rows = {r["event_type"]: r for r in _acled(exported_store, acled_labels="text")}
    strike, protest = rows["Explosions/Remote violence"], rows["Protests"]
    assert (strike["inter1"], strike["inter2"]) == ("External/Other forces", "Civilians")
    assert strike["interaction"] == "Civilians-External/Other forces"
    assert (protest["inter1"], protest["inter2"], protest["interaction"]) == ("Protesters", "", "Protesters only")
    with pytest.raises(ValueError):
        export_events(exported_store, "acled-csv", io.StringIO(), acled_labels="words")


def test_event_id_stays_when_cluster_grows(exported_store, make_record):
    before = {r["event_type"]: r for r in _acled(exported_store)}
    strike_id = before["Explosions/Remote violence"]["event_id_cnty"]
    assert re.fullmatch(r"SYR\d+", strike_id)
    assert before["Protests"]["event_id_cnty"].startswith("LBN")
    assert len({r["event_id_cnty"] for r in before.values()}) == len(before)
    exported_store.add_record(make_record("civdef-2", TEXT_2, [airstrike(SENT_2, 6, mention="اليوم")],
                                          published="2019-12-24", source="Civil Defence"))
    after = {r["event_type"]: r for r in _acled(exported_store)}
    grown = after["Explosions/Remote violence"]
    assert grown["event_id_cnty"] == strike_id
    assert grown["fatalities"] == "6"                   # the lowest report
    assert grown["rasd_report_fatalities"] == "6; 7"    # each report's own figure, oldest first
    assert grown["source"] == "Syrian Observatory for Human Rights; Civil Defence"
    assert grown["source_scale"] == "National"          # the unknown outlet has no scale
    assert len(after) == len(before)


def test_event_id_is_the_cluster_number():
    assert acled_event_id("ev00000000000000ff", "syr") == "SYR255"
    assert acled_event_id("ev0c43a1b2c3d4e5f6", "IRQ") == f"IRQ{int('0c43a1b2c3d4e5f6', 16)}"
    assert acled_event_id("custom-id", "YEM") == acled_event_id("custom-id", "YEM")


def test_a_toll_above_the_threshold_is_tagged(store, make_record):
    text = "أعلنت السلطات مقتل مئتين وخمسين شخصا في تفجير سوق مدينة الصدر."
    sentence = "مقتل مئتين وخمسين شخصا في تفجير سوق مدينة الصدر"
    bomb = {"plover": {"type": "ASSAULT", "mode": "explosives"},
            "acled": {"event_type": "Explosions/Remote violence", "sub_event_type": "Remote explosive/landmine/IED"},
            "location": {"name": "Sadr City", "admin1": "Baghdad", "country": "IRQ", "lat": 33.38,
                         "lon": 44.46, "precision": "district"},
            "fatalities": 250, "sentence": sentence, "trigger": "تفجير"}
    store.add_record(make_record("b-1", text, [bomb], published="2016-07-03", source="alriyadh"))
    [row] = _acled(store)
    assert row["fatalities"] == "250" and "fatalities above 100" in row["tags"]
    assert row["geo_precision"] == "2" and row["time_precision"] == "3"
    assert row["event_date"] == "2016-07-03"            # only the publication day is known
    assert fatality_tags(100) == [] and fatality_tags(12, threshold=10)
    assert codebook()["fatality_review_threshold"] == 100


# --- the rules, one by one ----------------------------------------------------------------

@pytest.mark.parametrize("a, b, code", [(1, 7, "17"), (7, 1, "17"), (2, 0, "20"), (0, 0, ""), (3, 3, "33")])
def test_interaction_codes(a, b, code):
    assert interaction(a, b) == code


def test_interaction_labels():
    assert interaction_label(1, 7) == "State forces-Civilians"
    assert interaction_label(0, 6) == "Protesters only"


@pytest.mark.parametrize("actor, slot, event_type, country, name, inter", [
    ({"name": "Syria Military", "id": "army@syr", "country": "SYR", "sector": "MIL"}, 1,
     "Battles", "SYR", "Military Forces of Syria (2000-2024)", 1),
    ({"name": "Turkey Police", "id": "police@tur", "country": "TUR", "sector": "COP"}, 1,
     "Strategic developments", "TUR", "Police Forces of Turkey (2016-)", 1),
    ({"name": "Russia", "id": "rus", "country": "RUS", "sector": "GOV"}, 1,
     "Explosions/Remote violence", "SYR", "Military Forces of Russia (2000-)", 8),
    ({"name": "Hayat Tahrir al-Sham", "id": "hts", "country": "SYR", "sector": "REB"}, 1,
     "Battles", "SYR", "Hayat Tahrir al-Sham", 2),
    ({"name": "Unidentified armed group", "id": "gunmen", "sector": "UAF"}, 1,
     "Battles", "YEM", "Unidentified Armed Group (Yemen)", 3),
    ({"name": "Suicide bomber", "id": "suicide-bomber", "country": "IRQ", "sector": "CRM"}, 1,
     "Explosions/Remote violence", "IRQ", "Unidentified Armed Group (Iraq)", 3),
    ({"name": "Civilians", "id": "civilians", "country": "YEM", "sector": "CVL"}, 2,
     "Explosions/Remote violence", "YEM", "Civilians (Yemen)", 7),
    ({"name": "Workers and unions", "id": "labour", "sector": "LAB"}, 1, "Riots", "IRQ", "Rioters (Iraq)", 5),
    (None, 1, "Protests", "IRQ", "Protesters (Iraq)", 6),
    (None, 1, "Explosions/Remote violence", "SYR", "Unidentified Armed Group (Syria)", 3),
    ({"name": "مجموعة مسلحة"}, 1, "Battles", "LBY", "Unidentified Armed Group (Libya)", 3),
])
def test_acled_actor_names(actor, slot, event_type, country, name, inter):
    got = acled_actor(actor, slot, event_type, country, "2019-06-01")
    assert (got.name, got.inter) == (name, inter)
    assert not re.search(r"[\u0600-\u06FF]", got.name + "".join(got.assoc))


def test_state_names_and_their_units():
    us = acled_actor({"name": "United States", "id": "usa", "country": "USA", "sector": "GOV"}, 1,
                     "Explosions/Remote violence", "SYR", "2015-08-01")
    assert (us.name, us.inter, us.assoc) == ("Military Forces of the United States (2009-2017)", 8, [])
    # the state's own body adds nothing; a named unit is associated
    regime = acled_actor({"name": "Military Forces of Syria", "id": "syr-regime-forces", "country": "SYR",
                          "sector": "MIL"}, 2, "Battles", "SYR", "2015-08-01")
    assert (regime.name, regime.assoc) == ("Military Forces of Syria (2000-2024)", [])
    shin_bet = acled_actor({"name": "Shin Bet", "id": "isr-shin-bet", "country": "ISR", "sector": "SPY"}, 1,
                           "Strategic developments", "ISR", "2015-08-01")
    assert (shin_bet.name, shin_bet.assoc) == ("Military Forces of Israel (2009-2021)", ["Shin Bet"])
    # a person stands for the organisation the dictionary gives them
    person = acled_actor({"name": "Qassem Soleimani", "id": "person-qassem-soleimani", "country": "IRN",
                          "sector": "MIL"}, 1, "Battles", "IRQ", "2015-08-01")
    assert person.inter == 8 and "Soleimani" not in person.name + "".join(person.assoc)


def test_actor1_of_political_violence_is_the_armed_side():
    from rasd.store.export import AcledActor, armed_first
    civilians = AcledActor("Civilians (Iraq)", 7)
    police = AcledActor("Police Forces of Iraq (2022-)", 1)
    assert armed_first(civilians, police, "Violence against civilians", "IRQ") == (police, civilians)
    first, second = armed_first(civilians, None, "Explosions/Remote violence", "IRQ")
    assert (first.name, first.inter, second) == ("Unidentified Armed Group (Iraq)", 3, civilians)
    assert armed_first(civilians, police, "Strategic developments", "IRQ") == (civilians, police)


def test_a_named_party_protesting_is_associated():
    got = acled_actor({"name": "Students and teachers", "id": "students", "country": "IRQ", "sector": "EDU"},
                      1, "Protests", "IRQ", "2020-01-01")
    assert (got.name, got.assoc) == ("Protesters (Iraq)", ["Students and teachers (Iraq)"])
    assert acled_actor(None, 2, "Battles", "SYR", None) is None


def test_state_forces_years_follow_the_event_date():
    assert state_name("SYR", "2019-12-24") == "Syria (2000-2024)"
    assert state_name("SYR", "2025-03-01") == "Syria (2024-)"
    assert [state_name("EGY", day) for day in ("2010-05-01", "2013-01-10", "2014-06-07", "2014-06-08")] == \
        ["Egypt (1981-2011)", "Egypt (2012-2013)", "Egypt (2013-2014)", "Egypt (2014-)"]
    assert state_name("TUN", "2023-01-01") == "Tunisia (2021-)"
    assert state_name("LBY", "2019-04-04") == "Libya (2016-2021)"
    assert state_name("USA", "2025-06-01") == "the United States (2025-)"
    assert state_name("RUS", None) == "Russia (2000-)"           # no date: the open period
    # a country without rows, and a day before a country's first row: the name alone
    assert state_name("NOR", "2019-12-24") == "Norway"
    assert state_name("EGY", "1975-01-01") == "Egypt"


def test_state_forces_years_are_acleds_where_checked():
    # the years ACLED's own data write (state_forces.tsv notes "checked:" say where)
    assert state_name("IRQ", "2025-05-16") == "Iraq (2022-)"
    assert state_name("IRN", "2025-05-23") == "Iran (1989-)"
    assert state_name("TUR", "2019-06-01") == "Turkey (2016-)"
    assert state_name("KWT", "2024-06-01") == "Kuwait (2020-)"           # not a new period in 2023
    assert state_name("LBN", "2023-11-01") == "Lebanon (2021-)"          # through the presidential vacancy
    assert state_name("PSE", "2023-11-01") == "Palestine (1994-)"
    assert state_name("YEM", "2021-06-01") == "Yemen (2012-2022)"
    assert state_name("YEM", "2023-06-01") == "Yemen (2022-)"
    assert state_name("GBR", "2023-06-01") == "the United Kingdom (2010-2024)"
    assert state_name("ARE", "2025-01-01") == "the United Arab Emirates (2022-)"


@pytest.mark.parametrize("iso3", ["SYR", "IRQ", "YEM", "LBN", "JOR", "PSE", "ISR", "SAU", "ARE", "QAT", "KWT",
                                  "BHR", "OMN", "IRN", "TUR", "EGY", "LBY", "TUN", "DZA", "MAR", "MRT", "SDN",
                                  "SSD", "SOM", "DJI", "ETH", "ERI", "MLI", "NER", "TCD", "NGA", "AFG", "PAK",
                                  "RUS", "USA", "FRA", "GBR"])
def test_state_forces_table_covers_the_region_and_news_countries(iso3):
    from rasd.store.countries import country
    assert country(iso3) is not None
    name = state_name(iso3, "2025-06-01")
    assert re.fullmatch(r".+ \(\d{4}-\)", name), name      # an open current period


def test_state_forces_rows_agree_with_their_dates():
    from rasd.datafiles import Row
    from rasd.store.export import _overlaps, _period, _state_years
    for iso3, periods in _state_years().items():
        for i, a in enumerate(periods):
            assert not any(_overlaps(a, b) for b in periods[i + 1:]), iso3
        assert sum(hi is None for _, hi, _ in periods) <= 1, iso3
    row = {"iso3": "EGY", "valid_from": "2014-06-08", "valid_to": "", "note": ""}
    assert _period(Row({**row, "years": "2014-"}, "t:1"))[2] == "2014-"
    for years, valid_to in (("2013-", ""), ("2014", ""), ("2014-2015", ""), ("2014-", "2015-01-01")):
        with pytest.raises(DataFileError) as info:
            _period(Row({**row, "years": years, "valid_to": valid_to}, "t:9"))
        assert info.value.where == "t:9"


def test_acled_csv_names_the_egyptian_army_with_its_years(store, make_record):
    text = "قتل الجيش المصري خمسة مسلحين في اشتباكات في مدينة العريش بشمال سيناء يوم الثلاثاء."
    clash = {"plover": {"type": "ASSAULT", "mode": "clash"},
             "acled": {"event_type": "Battles", "sub_event_type": "Armed clash"},
             "actor1": {"name": "Egypt Military", "name_ar": "الجيش المصري", "id": "army@egy", "country": "EGY",
                        "sector": "MIL"},
             "actor2": {"name": "Unidentified armed group", "name_ar": "مسلحون", "id": "gunmen", "country": "EGY",
                        "sector": "UAF"},
             "location": {"name": "Arish", "name_ar": "العريش", "admin1": "North Sinai", "country": "EGY",
                          "lat": 31.1316, "lon": 33.7984, "precision": "town"},
             "date": {"value": "2024-03-05", "precision": "day", "mention": "يوم الثلاثاء"}, "fatalities": 5,
             "trigger": "اشتباكات", "sentence": text}
    store.add_record(make_record("ahram-1", text, [clash], published="2024-03-06", source="ahram"))
    [row] = _acled(store)
    assert (row["actor1"], row["inter1"]) == ("Military Forces of Egypt (2014-)", "1")
    assert (row["actor2"], row["inter2"], row["interaction"]) == ("Unidentified Armed Group (Egypt)", "3", "13")
    assert (row["country"], row["rasd_actor1_ar"]) == ("Egypt", "الجيش المصري")


@pytest.mark.parametrize("event_type, sub, inter2, expected", [
    ("Battles", "Armed clash", 7, ""),
    ("Violence against civilians", "Attack", 0, "Civilian targeting"),
    ("Explosions/Remote violence", "Air/drone strike", 7, "Civilian targeting"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 1, ""),
    ("Protests", "Excessive force against protesters", 6, "Civilian targeting"),
    ("Protests", "Peaceful protest", 0, ""),
])
def test_civilian_targeting(event_type, sub, inter2, expected):
    assert civilian_targeting(event_type, sub, inter2) == expected


def test_notes_are_nfc_without_presentation_forms():
    assert acled_notes("\ufed7\ufe8e\ufedd  المتحدث") == "قال المتحدث"     # ﻗﺎﻝ
    assert acled_notes("\ufefb \u0627\u0653") == "لا آ"                  # lam-alef ligature; alef + madda composes
    assert acled_notes("الفقرة ①") == "الفقرة ①"                          # other compatibility characters stay


def test_sources_table(tmp_path):
    table = load_sources()
    assert table["aawsat"].name == "Asharq Al-Awsat" and table["aawsat"].scale == "Regional"
    for slug in ("alriyadh", "okaz", "aljazirah", "alwatan", "almadina", "alyaum", "alweeam", "3alyoum",
                 "aleqtisadiya", "arreyadi", "arriyadiyah", "sabq", "was"):
        assert table[slug].scale, slug
    assert source_scale([table["okaz"], table["aawsat"], table["reuters"]]) == "National-International"
    mine = tmp_path / "outlets.tsv"
    mine.write_text("source\tname\tscale\nokaz\tOkaz daily\tnational\nbaladi-news\tBaladi News\tlocal\n", "utf-8")
    extended = load_sources((mine,))
    assert (extended["okaz"].name, extended["baladi-news"].scale) == ("Okaz daily", "Local")
    bad = tmp_path / "bad.tsv"
    bad.write_text("source\tname\tscale\nx\tX\tplanetary\n", "utf-8")
    with pytest.raises(DataFileError) as info:
        load_sources((bad,))
    assert "bad.tsv:2:scale" in info.value.where


def test_user_sources_file_in_export(exported_store, tmp_path):
    mine = tmp_path / "outlets.tsv"
    mine.write_text("source\tname\tscale\nSOHR\tSOHR (UK)\tInternational\n", "utf-8")
    rows = {r["event_type"]: r for r in _acled(exported_store, sources_files=(mine,))}
    assert rows["Explosions/Remote violence"]["source_scale"] == "International"


def test_country_table_covers_every_country():
    import pycountry
    from rasd.store.countries import countries, country
    table = countries()
    assert {c.alpha_3 for c in pycountry.countries} <= set(table)
    assert country("AFG").region == "Caucasus and Central Asia"
    assert (country("NLD").name, country("NLD").iso_numeric) == ("Netherlands", 528)
    assert (country("CHN").region, country("BEL").region, country("ITA").region) == ("East Asia", "Europe", "Europe")
    assert (country("TUR").name, country("PSE").name, country("SYR").iso_numeric) == ("Turkey", "Palestine", 760)
    # pycountry's formal names ("Iran, Islamic Republic of") are not ACLED's
    assert not [c.name for c in table.values() if re.search(r", (The )?(\w+ )*(Republic|State|Province)\b", c.name)]


# --- PLOVER / POLECAT ------------------------------------------------------------------

def test_plover_jsonl_follows_polecat_fields(exported_store):
    buf = io.StringIO()
    n = export_events(exported_store, "plover-jsonl", buf, EventQuery(order="date_asc", include_flagged=True))
    rows = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert n == len(rows) == 5
    strike = next(r for r in rows if r["acled_sub_event_type"] == "Air/drone strike")
    assert (strike["event_mode"], strike["rasd_mode"], strike["quad_code"]) == ("aerial", "aerial", "Material Conflict")
    assert strike["event_date_precision"] == "day"
    assert strike["contexts"] == ["military"]          # طائرات حربية
    assert (strike["actor_name"], strike["actor_country"], strike["actor_sectors"]) == \
        ("Military Forces of Russia", "RUS", ["MIL"])
    assert (strike["recipient_country"], strike["recipient_sectors"]) == ("SYR", ["CVL"])
    assert (strike["placename"], strike["province"], strike["country"]) == ("Maarrat al-Nu'man", "Idlib", "SYR")
    assert strike["story_ids"] == ["sohr-1"] and strike["event_text"] == SENT_1
    gunmen = next(r for r in rows if r["acled_event_type"] == "Violence against civilians")
    assert (gunmen["event_mode"], gunmen["rasd_mode"]) == (None, "kill")   # no PLOVER mode says "kill"
    assert gunmen["event_date_precision"] == "publication"                # the text states no day
    protest = next(r for r in rows if r["event_type"] == "PROTEST")
    assert (protest["event_mode"], protest["event_date_precision"]) == ("demo", "week")
    meeting = next(r for r in rows if r["event_type"] == "CONSULT")
    assert meeting["hypothetical"] is True and meeting["event_date"] == "2019-12-01"
    assert (meeting["event_date_precision"], meeting["event_mode"]) == ("publication", "visit")
    assert meeting["quad_code"] == "Verbal Cooperation"


@pytest.mark.parametrize("ptype, mode, expected", [
    ("ASSAULT", "shelling", "heavy-weapons"), ("ASSAULT", "clash", "firearms"), ("ASSAULT", "kill", None),
    ("PROTEST", "demonstrate", "demo"), ("PROTEST", "sit-in", "demo"), ("COERCE", "arrest", "arrest"),
    ("ACCUSE", "denounce", "disapprove"), ("SUPPORT", "praise", None), ("CONCEDE", "release", None),
    ("RETREAT", "release", "release"), ("ASSAULT", "drone", "drone"), ("ASSAULT", "demo", None),
    ("PROTEST", None, None),
])
def test_plover_modes(ptype, mode, expected):
    assert plover_mode(ptype, mode) == expected


def test_every_lexicon_mode_is_mapped_or_a_plover_mode():
    """A mode added to the trigger lexicon must be mapped to PLOVER's on purpose."""
    from rasd.datafiles import read_tsv
    from rasd.store.export import _plover_modes
    allowed = codebook()["plover_modes_by_type"]
    table = _plover_modes()
    missing = sorted({(r["plover"], r["mode"]) for r in read_tsv("events/triggers.tsv", ("pattern", "plover"))
                      if r.cells.get("mode") and (r["plover"], r["mode"]) not in table
                      and r["mode"] not in allowed.get(r["plover"], ())})
    assert missing == []
    assert all(v is None or v in allowed[t] for (t, _m), v in table.items())


def test_quad_codes_follow_the_plover_manual():
    quads = codebook()["polecat_quad_by_plover"]
    assert quads["CONCEDE"] == "Verbal Cooperation" and quads["REQUEST"] == "Verbal Conflict"
    assert {t for t, q in quads.items() if q == "Material Cooperation"} == {"COOPERATE", "AID", "RETREAT"}
    assert len(quads) == 16


def test_contexts_from_cue_words():
    assert contexts("فجر انتحاري نفسه قرب مركز للاقتراع خلال الانتخابات البلدية") == ["terrorism", "election"]
    assert contexts("وثقت منظمات حقوق الإنسان اعتقال عشرات اللاجئين") == ["human_rights", "migration"]
    assert contexts("التقى الوزير نظيره في العاصمة") == []


def test_geojson_is_a_feature_collection_of_located_events(exported_store):
    buf = io.StringIO()
    n = export_events(exported_store, "geojson", buf, EventQuery(order="date_asc", include_flagged=True))
    data = json.loads(buf.getvalue())
    assert data["type"] == "FeatureCollection" and n == len(data["features"]) == 4
    strike = next(f for f in data["features"] if f["properties"]["acled_sub_event_type"] == "Air/drone strike")
    assert strike["geometry"] == {"type": "Point", "coordinates": [36.6722, 35.6441]}
    assert strike["id"] == strike["properties"]["id"]


def test_parquet_round_trip(exported_store, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import datetime as dt

    import pyarrow.parquet as pq
    out = tmp_path / "events.parquet"
    assert export_events(exported_store, "parquet", out) == 4
    table = pq.read_table(out)
    assert table.schema.field("date").type == pa.date32()
    assert table.schema.field("published").type == pa.date32()
    assert pa.types.is_timestamp(table.schema.field("created_at").type)
    rows = table.to_pylist()
    strike = next(r for r in rows if r["acled_sub_event_type"] == "Air/drone strike")
    assert strike["document_ids"] == ["sohr-1"] and strike["lat"] == pytest.approx(35.6441)
    assert strike["fatalities"] == 7 and strike["negated"] is False
    assert strike["date"] == dt.date(2019, 12, 24) and strike["created_at"].year >= 2024
    nowhere = next(r for r in rows if r["acled_event_type"] == "Battles")
    assert nowhere["date"] is None and nowhere["published"] == dt.date(2019, 12, 12)


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
