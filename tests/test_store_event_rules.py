"""Cross-outlet de-duplication rules (rasd.store.dedup.SAME_EVENT_RULES) on realistic
report pairs: what a coder accepts as one event, and what must stay apart."""
from __future__ import annotations

import pytest

from rasd.store import EventQuery
from rasd.store import dedup

ISIS = {"name": "Islamic State", "id": "isis", "country": None, "sector": "REB"}
IRQ_ARMY = {"name": "Iraqi Army", "id": "irq-mil", "country": "IRQ", "sector": "MIL"}
CIVILIANS = {"name": "Civilians", "country": "IRQ", "sector": "CVL"}
MOSUL = {"name": "Mosul", "name_ar": "الموصل", "admin1": "Nineveh", "country": "IRQ",
         "lat": 36.335, "lon": 43.1189, "precision": "city", "geonameid": 99072}
TAL_AFAR = {"name": "Tal Afar", "name_ar": "تلعفر", "admin1": "Nineveh", "country": "IRQ",
            "lat": 36.3741, "lon": 42.4487, "precision": "city", "geonameid": 99131}
NINEVEH = {"name": "Nineveh", "name_ar": "نينوى", "admin1": "Nineveh", "country": "IRQ",
           "lat": 36.0, "lon": 42.5, "precision": "governorate", "geonameid": 99061}
ANBAR = {"name": "Anbar", "name_ar": "الأنبار", "admin1": "Anbar", "country": "IRQ",
         "lat": 33.4, "lon": 42.2, "precision": "governorate", "geonameid": 99592}
IRAQ = {"name": "Iraq", "name_ar": "العراق", "country": "IRQ", "lat": 33.0, "lon": 44.0,
        "precision": "country", "geonameid": 99237}
IED = ("ASSAULT", "Explosions/Remote violence", "Remote explosive/landmine/IED")
AIR = ("ASSAULT", "Explosions/Remote violence", "Air/drone strike")
SHELL = ("ASSAULT", "Explosions/Remote violence", "Shelling/artillery/missile attack")
DAY = {"value": "2015-07-20", "precision": "day", "mention": "أمس"}
FILLER = " وأضافت المصادر أن الأجهزة الأمنية فتحت تحقيقا في ملابسات الحادث رقم {n}."


def report(make_record, doc_id, sentence, *, kind=IED, actor1=ISIS, actor2=CIVILIANS, location=MOSUL,
           date=DAY, source="okaz", published="2015-07-21"):
    ptype, etype, sub = kind
    ev = {"plover": {"type": ptype, "mode": None}, "acled": {"event_type": etype, "sub_event_type": sub},
          "actor1": actor1, "actor2": actor2, "location": location, "date": date,
          "trigger": sentence.split()[0], "sentence": sentence}
    return make_record(doc_id, sentence + FILLER.format(n=doc_id), [ev], published=published, source=source)


def clusters_of(store, *doc_ids):
    return [store.get_document(d)["events"][0]["cluster_id"] for d in doc_ids]


def test_one_bombing_told_by_two_outlets_is_one_event(store, make_record):
    store.add_record(report(make_record, "a", "انفجار عبوة ناسفة زرعها تنظيم داعش في سوق شعبي بالموصل"))
    store.add_record(report(make_record, "b", "مقتل مدنيين بتفجير عبوة ناسفة وسط مدينة الموصل", actor1=None,
                            source="alriyadh"))
    first, second = clusters_of(store, "a", "b")
    assert first == second


def test_the_same_day_in_two_towns_is_two_events(store, make_record):
    store.add_record(report(make_record, "a", "انفجار عبوة ناسفة زرعها تنظيم داعش في سوق شعبي بالموصل"))
    store.add_record(report(make_record, "b", "انفجار عبوة ناسفة زرعها تنظيم داعش قرب سوق تلعفر",
                            location=TAL_AFAR, source="alriyadh"))
    first, second = clusters_of(store, "a", "b")
    assert first != second


def test_a_town_without_gazetteer_ids_is_matched_by_name_never_by_distance_alone(make_record):
    base = {"plover_type": "ASSAULT", "date": "2015-07-20", "date_precision": "day",
            "acled_event_type": IED[1], "acled_sub_event_type": IED[2], "location_precision": "town",
            "country": "IRQ", "admin1": "Nineveh"}
    mosul = dedup.EventKey.from_row({**base, "location_name_ar": "الموصل", "lat": 36.335, "lon": 43.119})
    mosul_again = dedup.EventKey.from_row({**base, "location_name_ar": "الموصل", "lat": 36.34, "lon": 43.12})
    bartella = dedup.EventKey.from_row({**base, "location_name_ar": "برطلة", "lat": 36.352, "lon": 43.379})
    assert dedup.same_place(mosul, mosul_again)
    assert not dedup.same_place(mosul, bartella)        # 23 km away: another town


def test_reports_without_a_known_place_are_never_clustered(store, make_record):
    # the same attacker on the same day, but no town: the Mosul bug joined such sentences
    for i, location in enumerate((None, IRAQ, None)):
        store.add_record(report(make_record, f"x{i}", f"تنظيم داعش يعلن مسؤوليته عن تفجير جديد {i}",
                                actor2=ISIS, location=location, source=f"outlet{i}"))
    assert len(set(clusters_of(store, "x0", "x1", "x2"))) == 3


def test_reports_without_a_stated_day_are_never_clustered(store, make_record):
    store.add_record(report(make_record, "a", "تفجير عبوة ناسفة في الموصل", date=None))
    store.add_record(report(make_record, "b", "عبوة ناسفة تنفجر في الموصل", date=None, source="alriyadh"))
    first, second = clusters_of(store, "a", "b")
    assert first != second


@pytest.mark.parametrize("other, joins", [(NINEVEH, True), (ANBAR, False), (MOSUL, False)])
def test_a_governorate_event_joins_only_the_same_governorate(store, make_record, other, joins):
    store.add_record(report(make_record, "a", "الجيش العراقي يقصف مواقع لداعش في محافظة نينوى",
                            kind=SHELL, actor1=IRQ_ARMY, actor2=ISIS, location=NINEVEH))
    store.add_record(report(make_record, "b", "قصف مدفعي للجيش على مواقع التنظيم في المحافظة", kind=SHELL,
                            actor1=IRQ_ARMY, actor2=ISIS, location=other, source="alriyadh"))
    first, second = clusters_of(store, "a", "b")
    assert (first == second) is joins


def test_another_sub_event_of_one_family_is_another_event(store, make_record):
    store.add_record(report(make_record, "a", "غارة جوية للتحالف على مواقع داعش في الموصل", kind=AIR,
                            actor1=None, actor2=ISIS))
    store.add_record(report(make_record, "b", "قصف مدفعي يستهدف مواقع داعش في الموصل", kind=SHELL,
                            actor1=None, actor2=ISIS, source="alriyadh"))
    first, second = clusters_of(store, "a", "b")
    assert first != second


def test_contradicting_attackers_are_two_events(store, make_record):
    store.add_record(report(make_record, "a", "داعش يقصف أحياء في الموصل بقذائف الهاون", kind=SHELL))
    store.add_record(report(make_record, "b", "الجيش العراقي يقصف أحياء في الموصل", kind=SHELL,
                            actor1=IRQ_ARMY, source="alriyadh"))
    first, second = clusters_of(store, "a", "b")
    assert first != second


def test_sources_count_outlets_with_the_report_count_beside(store, make_record):
    store.add_record(report(make_record, "a", "انفجار عبوة ناسفة زرعها تنظيم داعش في سوق شعبي بالموصل"))
    store.add_record(report(make_record, "b", "مقتل مدنيين بتفجير عبوة ناسفة وسط مدينة الموصل", source="okaz"))
    store.add_record(report(make_record, "c", "تفجير إرهابي يضرب سوقا في الموصل", source="alriyadh"))
    [event] = store.query_events(EventQuery(type="ASSAULT"))
    assert (event["source_count"], event["outlet_count"], event["report_count"]) == (2, 2, 3)
    assert sorted(event["sources"]) == ["alriyadh", "okaz"]


def _many_reports(make_record):
    """Twelve reports of five happenings and three loners, in an order that interleaves them."""
    towns = (MOSUL, TAL_AFAR, NINEVEH)
    out = []
    for i in range(12):
        location = towns[i % 3] if i < 9 else None
        out.append(report(make_record, f"d{i:02d}", f"تفجير عبوة ناسفة في سوق المدينة يوقع ضحايا {i}",
                          location=location, source=("okaz", "alriyadh", "alwatan", "aleqtisadiya")[i % 4],
                          actor1=ISIS if i % 2 else None))
    return out


def _clusters_after(open_one, records, batch_size):
    with open_one() as store:
        for i in range(0, len(records), batch_size):
            store.add_records(records[i:i + batch_size])
        return {r["document"]["id"]: clusters_of(store, r["document"]["id"])[0] for r in records}


def test_clusters_do_not_depend_on_the_batch_size(tmp_path, make_record):
    from rasd.store import open_store
    records = _many_reports(make_record)
    results = []
    for size in (1, 10, 100):
        path = tmp_path / f"b{size}.sqlite"
        results.append(_clusters_after(lambda: open_store(path), records, size))
    assert results[0] == results[1] == results[2]
    assert len(set(results[0].values())) == 6      # three places, and three reports with none


# --- reprints of one wire item (dedup.REPRINT_RULES) ------------------------------------

# an agency item as two papers print it: one with "و" and hamza-less spelling, one without
WIRE = "أعلنت وزارة الداخلية أن الجهات الأمنية أحبطت محاولة تهريب أسلحة عبر المنفذ الحدودي وضبطت 3 متهمين"
WIRE_REPRINT = "وأعلنت وزارة الداخلية ان الجهات الامنية احبطت محاولة تهريب اسلحة عبر المنفذ الحدودي وضبطت 3 متهمين"
# the same template, another seizure
WIRE_OTHER_COUNT = WIRE.replace("3 متهمين", "7 متهمين")
ARREST = ("COERCE", "Strategic developments", "Arrests")
INTERIOR = {"name": "Ministry of Interior", "id": None, "country": "SAU", "sector": "GOV"}
PUBLICATION_WEEK = {"value": "2015-07-20", "precision": "week", "mention": None}
JAZAN = {"name": "Jazan", "name_ar": "جازان", "admin1": "Jazan", "country": "SAU",
         "lat": 16.8892, "lon": 42.5511, "precision": "city", "geonameid": 105298}
NAJRAN = {"name": "Najran", "name_ar": "نجران", "admin1": "Najran", "country": "SAU",
          "lat": 17.4924, "lon": 44.1277, "precision": "city", "geonameid": 103630}
JAZAN_REGION = {"name": "Jazan Region", "name_ar": "منطقة جازان", "admin1": "Jazan", "country": "SAU",
                "lat": 17.2, "lon": 42.7, "precision": "governorate"}


def wire_key(sentence=WIRE, *, published="2015-07-20", day=None, location=None, kind=ARREST):
    ptype, etype, sub = kind
    loc = location or {}
    return dedup.EventKey.from_row({
        "plover_type": ptype, "acled_event_type": etype, "acled_sub_event_type": sub, "sentence": sentence,
        "published": published, "date": day or published, "date_precision": "day" if day else "week",
        "location_name": loc.get("name"), "location_name_ar": loc.get("name_ar"), "admin1": loc.get("admin1"),
        "country": loc.get("country"), "lat": loc.get("lat"), "lon": loc.get("lon"),
        "geonameid": loc.get("geonameid"), "location_precision": loc.get("precision")})


def test_same_text_accepts_a_reprint_and_refuses_another_item():
    assert dedup.text_jaccard(wire_key(), wire_key(WIRE_REPRINT)) >= dedup.SAME_TEXT_JACCARD
    assert dedup.same_text(wire_key(), wire_key(WIRE_REPRINT))
    other = "أعلنت وزارة الداخلية أن دوريات الأمن ضبطت كميات من المخدرات في منطقة جازان"
    assert not dedup.same_text(wire_key(), wire_key(other))      # shares its opening words only
    short = "قتل 3 مدنيين"                                         # too short to tell two items apart
    assert not dedup.same_text(wire_key(short), wire_key(short))


def test_same_figures_tells_one_template_with_two_counts_apart():
    assert dedup.same_figures(wire_key(), wire_key(WIRE_REPRINT))
    assert dedup.same_text(wire_key(), wire_key(WIRE_OTHER_COUNT))  # nearly the same words…
    assert not dedup.same_figures(wire_key(), wire_key(WIRE_OTHER_COUNT))  # …another count


def test_close_publication_allows_the_next_day_only():
    assert dedup.close_publication(wire_key(), wire_key(published="2015-07-21"))
    assert not dedup.close_publication(wire_key(), wire_key(published="2015-07-22"))
    assert not dedup.close_publication(wire_key(), wire_key(published=None))


def test_days_agree_unless_two_stated_days_differ():
    assert dedup.days_agree(wire_key(), wire_key(day="2015-07-19"))         # one states none
    assert dedup.days_agree(wire_key(day="2015-07-19"), wire_key(day="2015-07-19"))
    assert not dedup.days_agree(wire_key(day="2015-07-19"), wire_key(day="2015-07-18"))


@pytest.mark.parametrize("a, b, agree", [
    (None, None, True),              # no place on either side
    (JAZAN, None, True),             # one gives none: nothing contradicts
    (JAZAN, JAZAN, True),
    (JAZAN, NAJRAN, False),          # two towns
    (JAZAN, JAZAN_REGION, True),     # the town and its own governorate
    (NAJRAN, JAZAN_REGION, False),   # a town of another governorate
    (JAZAN, {"name": "Yemen", "country": "YEM", "precision": "country"}, False),
])
def test_places_agree_never_across_two_known_places(a, b, agree):
    assert dedup.places_agree(wire_key(location=a), wire_key(location=b)) is agree


def test_a_reprint_without_stated_day_or_town_is_one_event(store, make_record):
    store.add_record(report(make_record, "spa-1", WIRE, kind=ARREST, actor1=INTERIOR, actor2=None,
                            location=None, date=PUBLICATION_WEEK, source="alriyadh", published="2015-07-20"))
    store.add_record(report(make_record, "spa-2", WIRE_REPRINT, kind=ARREST, actor1=None, actor2=None,
                            location=None, date=PUBLICATION_WEEK, source="okaz", published="2015-07-21"))
    first, second = clusters_of(store, "spa-1", "spa-2")
    assert first == second
    event = store.get_event(first)
    assert (event["source_count"], event["report_count"]) == (2, 2)
    assert event["location_name"] is None          # no place is made up for it


@pytest.mark.parametrize("change, joins", [
    ({}, True),                                                 # states less: nothing contradicts
    ({"location": JAZAN_REGION}, True),                         # the town's own governorate
    ({"published": "2015-07-23"}, False),                       # three days later: another print run
    ({"location": NAJRAN}, False),                              # the first print says Jazan
    ({"date": {"value": "2015-07-18", "precision": "day", "mention": "السبت"}}, False),  # another day
    ({"sentence": WIRE_OTHER_COUNT}, False),                    # another count
    ({"kind": ("ASSAULT", "Violence against civilians", "Attack")}, False),
])
def test_a_reprint_joins_the_first_print_unless_they_contradict(store, make_record, change, joins):
    store.add_record(report(make_record, "spa-1", WIRE, kind=ARREST, actor1=INTERIOR, actor2=None,
                            location=JAZAN, date={"value": "2015-07-19", "precision": "day", "mention": "أمس"},
                            source="alriyadh", published="2015-07-20"))
    fields = {"kind": ARREST, "actor1": None, "actor2": None, "location": None, "date": PUBLICATION_WEEK,
              "source": "okaz", "published": "2015-07-21", **change}
    sentence = fields.pop("sentence", WIRE_REPRINT)
    store.add_record(report(make_record, "spa-2", sentence, **fields))
    first, second = clusters_of(store, "spa-1", "spa-2")
    assert (first == second) is joins
