"""Incidents: the mentions of one happening in an article become one event with evidence."""
from rasd.doc import ActorRef, DateRef, Event, Place
from rasd.events.incidents import (compatible_actors, compatible_dates, compatible_places, different_sentences,
                                   compatible_sub_events, same_incident)
from rasd.events.ontology import ontology
from rasd.pipeline import Pipeline

ARTICLE = (
    "مقتل خمسة جنود بانفجار عبوة ناسفة في مدينة الرمادي\n"
    "قتل ثلاثة جنود عراقيين وأصيب أربعة آخرون صباح أمس بانفجار عبوة ناسفة استهدفت دورية للجيش "
    "في مدينة الرمادي غرب العاصمة بغداد، بحسب مصدر أمني.\n"
    "وقال المصدر إن عبوة ناسفة زرعت على جانب الطريق انفجرت لدى مرور الدورية في حي الملعب.\n"
    "وارتفعت حصيلة قتلى الانفجار في وقت لاحق إلى خمسة جنود بعد وفاة اثنين من المصابين في المستشفى.\n"
    "وفي مدينة الموصل، قصفت طائرات التحالف مواقع لتنظيم داعش أمس.\n"
)


def _event(n, **kw):
    base = dict(id=f"e{n}", plover_type="ASSAULT", plover_mode="explosives",
                acled_event_type="Explosions/Remote violence",
                acled_sub_event_type="Remote explosive/landmine/IED", cameo="183",
                trigger="انفجار", trigger_span=(10 * n, 10 * n + 5), sentence=f"s{n}", span=(100 * n, 100 * n + 90))
    base.update(kw)
    return Event(**base)


RAMADI = Place("Ramadi", admin1="Anbar", country="IRQ", precision="town", id="ramadi")
ANBAR = Place("Anbar", admin1="Anbar", country="IRQ", precision="governorate", id="anbar")
MOSUL = Place("Mosul", admin1="Nineveh", country="IRQ", precision="town", id="mosul")
ARMY = ActorRef("Military Forces of Iraq", country="IRQ", sector="MIL", id="irq-mil")
ISIS = ActorRef("Islamic State", sector="IMG", id="isis")


def test_places_in_one_governorate_can_be_one_incident_two_towns_never():
    assert compatible_places(_event(1, location=RAMADI), _event(2, location=ANBAR))
    assert compatible_places(_event(1, location=RAMADI), _event(2))
    assert not compatible_places(_event(1, location=RAMADI), _event(2, location=MOSUL))


def test_two_explicit_days_are_two_happenings():
    monday = DateRef("2024-03-04", "day", "الاثنين")
    tuesday = DateRef("2024-03-05", "day", "الثلاثاء")
    assert not compatible_dates(_event(1, date=monday), _event(2, date=tuesday))
    assert compatible_dates(_event(1, date=monday), _event(2, date=DateRef("2024-03-05", "week")))


def test_different_doers_are_different_acts_unless_the_sides_are_reversed():
    assert not compatible_actors(_event(1, actor1=ARMY), _event(2, actor1=ISIS))
    assert compatible_actors(_event(1, actor1=ARMY, actor2=ISIS), _event(2, actor1=ISIS, actor2=ARMY))
    assert compatible_actors(_event(1, actor1=ARMY), _event(2))


def test_a_casualty_report_fits_any_attack_but_two_kinds_of_attack_do_not_join():
    toll = _event(2, plover_mode="kill", acled_sub_event_type="Attack")
    assert compatible_sub_events(_event(1), toll)
    strike = _event(3, plover_mode="aerial", acled_sub_event_type="Air/drone strike")
    assert not compatible_sub_events(_event(1), strike)


def test_same_incident_needs_every_rule():
    assert same_incident(_event(1, location=RAMADI), _event(2, location=ANBAR))
    assert not same_incident(_event(1), _event(2, plover_type="PROTEST"))
    assert not same_incident(_event(1), _event(2, span=(100, 190)))  # read apart in one sentence
    assert not same_incident(_event(1), _event(2, hypothetical=True))


def test_an_article_gives_one_event_per_incident_with_every_mention_as_evidence():
    doc = Pipeline().run(ARTICLE, published="2024-03-10", title=ARTICLE.split("\n")[0])
    ramadi = [e for e in doc.events if e.plover_type == "ASSAULT" and e.location and e.location.name == "Ramadi"]
    assert len(ramadi) == 1
    event = ramadi[0]
    roles = [m.role for m in event.evidence]
    assert len(event.evidence) >= 3 and "headline" in roles
    assert event.fatalities == 5  # the final toll, not the first
    for mention in event.evidence:
        assert doc.text[mention.span[0]:mention.span[1]] == mention.sentence
    # the strike in another town stays its own event
    assert any(e.location and e.location.name == "Mosul" for e in doc.events if e.plover_type == "ASSAULT")
    record = doc.to_dict()["events"]
    assert all("evidence" in e and "status" in e for e in record)


def test_type_behaviour_comes_from_the_ontology():
    o = ontology()
    assert o.violent("ASSAULT") and not o.violent("CONSULT")
    assert o.partner("AGREE") and not o.partner("ASSAULT")
    assert o.speech("ACCUSE") and o.kinetic("ASSAULT")
    assert set(o.types) == set(o.modes) | set(o.types)  # every type with modes is described


def test_destruction_an_attack_caused_is_part_of_the_attack():
    doc = Pipeline().run("وقصفت الطائرات الحربية حي الشعار في مدينة حلب أمس ودمرت عددا من المباني السكنية",
                         published="2024-03-10")
    assert [e.plover_type for e in doc.events] == ["ASSAULT"]
    assert any(m.trigger.startswith("ودمر") for m in doc.events[0].evidence)


def test_a_verbal_event_carries_no_toll():
    doc = Pipeline().run("وطالبت الحكومة بتحقيق دولي في مقتل 40 مدنيا في القصف على المدينة أمس",
                         published="2024-03-10")
    assert all(e.fatalities is None for e in doc.events if not ontology().violent(e.plover_type))



def test_mentions_at_one_town_in_two_sentences_are_one_act_whoever_each_names():
    # the second mention names the victims' side as the doer: the place decides
    first = _event(1, actor1=ARMY, location=RAMADI)
    second = _event(2, actor1=ISIS, location=RAMADI)
    assert compatible_actors(first, second)
    # the events stage already told the doers of one sentence apart
    assert not compatible_actors(first, _event(2, actor1=ISIS, location=RAMADI, span=first.span))
    # a town and the governorate it lies in are one known place
    assert compatible_actors(_event(1, actor1=ARMY, location=RAMADI), _event(2, actor1=ISIS, location=ANBAR))
    # a country holds many acts of many doers
    iraq = Place("Iraq", country="IRQ", precision="country", id="irq")
    assert not compatible_actors(_event(1, actor1=ARMY, location=iraq), _event(2, actor1=ISIS, location=iraq))


def test_one_doer_striking_one_town_twice_in_a_sentence_is_one_attack():
    first = _event(1, actor1=ARMY, location=RAMADI)
    assert different_sentences(first, _event(2, actor1=ARMY, location=RAMADI, span=first.span))
    assert not different_sentences(first, _event(2, actor1=ARMY, location=MOSUL, span=first.span))


def test_destruction_told_after_the_strike_is_part_of_it():
    doc = Pipeline().run("شنت طائرات التحالف غارات جوية على مدينة الرمادي صباح أمس.\n"
                         "وقال مسؤول محلي إن الغارات دمرت منازل بأكملها في المدينة.\n", published="2024-03-10")
    assert [e.plover_type for e in doc.events] == ["ASSAULT"]
    assert any("دمرت" in m.trigger for m in doc.events[0].evidence)


def test_a_destruction_before_its_strike_in_one_sentence_is_part_of_it():
    doc = Pipeline().run("نجحت طائرات التحالف في تدمير مواقع للمسلحين في مدينة الرمادي في أول هجوم من نوعه.\n",
                         published="2024-03-10")
    assert [e.plover_type for e in doc.events] == ["ASSAULT"]


def test_two_officials_of_one_government_are_two_sides():
    premier = ActorRef("prime minister", country="IRQ", sector="GOV", id="title-prime-minister")
    deputy = ActorRef("Osama al-Nujaifi", country="IRQ", sector="GOV")
    government = ActorRef("Government", country="IRQ", sector="GOV", id="government")
    first = _event(1, plover_type="ACCUSE", plover_mode="criticize", actor1=premier, actor2=deputy)
    second = _event(2, plover_type="ACCUSE", plover_mode="criticize", actor1=deputy, actor2=government)
    assert not compatible_actors(first, second)
    assert compatible_actors(first, _event(3, plover_type="ACCUSE", plover_mode="criticize", actor1=premier))


def test_a_town_without_a_governorate_lies_in_a_near_one():
    """A village the gazetteer gives no governorate: one incident with the governorate whose
    centre is near it, not with a far one."""
    logar = Place("Logar", admin1="Logar", country="AFG", precision="governorate", id="logar", lat=34.0, lon=69.2)
    village = Place("Baraki", country="AFG", precision="town", id="baraki", lat=33.94, lon=68.92)
    kandahar = Place("Kandahar", admin1="Kandahar", country="AFG", precision="governorate", id="kdh", lat=31.6, lon=65.7)
    assert compatible_places(_event(1, location=village), _event(2, location=logar))
    assert not compatible_places(_event(1, location=village), _event(2, location=kandahar))


def test_two_counts_of_people_arrested_are_two_batches():
    text = ("وأعلنت وزارة الداخلية أن قوات الأمن تمكنت أمس من اعتقال 9 من عناصر الخلية في المدينة.\n"
            "كما تمكنت قوات الأمن من اعتقال 4 من عناصر الخلية في المدينة نفسها.\n"
            "وتمكنت قوات الأمن من اعتقال 9 من عناصر الخلية بعد مطاردة.\n")
    arrests = [e for e in Pipeline().run(text, published="2024-03-10").events if e.plover_mode == "arrest"]
    assert len(arrests) == 2  # nine (told twice) and four
    assert sorted(len(e.evidence) for e in arrests) == [1, 2]


def test_counts_of_the_dead_do_not_split_an_incident():
    """A toll grows with updates; only the count of people taken tells batches apart."""
    a = _event(1, plover_mode="kill", trigger="مقتل", sentence="مقتل 5 جنود", span=(0, 11), trigger_span=(0, 4))
    b = _event(2, plover_mode="kill", trigger="مقتل", sentence="مقتل 7 جنود", span=(20, 31), trigger_span=(20, 24))
    assert same_incident(a, b)


def test_an_unnamed_doer_takes_the_name_another_mention_gives():
    text = ("أصيب ثلاثة مدنيين في مدينة الحرث أمس جراء سقوط مقذوفات من داخل الأراضي اليمنية على حي سكني.\n"
            "وقال المتحدث إن ميليشيا الحوثي أطلقت المقذوفات على حي سكني في مدينة الحرث.\n")
    strikes = [e for e in Pipeline().run(text, published="2015-08-07").events if e.plover_type == "ASSAULT"]
    assert len(strikes) == 1 and strikes[0].actor1.id == "houthis"


def test_the_demands_of_a_protest_are_part_of_it_a_governments_are_not():
    text = ("وتظاهر مئات الطلاب أمام مبنى المحافظة في مدينة الحلة أمس احتجاجا على انقطاع الكهرباء.\n"
            "وطالب الطلاب بإقالة مدير الكهرباء في المدينة.\n")
    events = Pipeline().run(text, published="2015-08-02").events
    assert [e.plover_type for e in events] == ["PROTEST"] and len(events[0].evidence) == 2
    text += "وطالبت الحكومة المتظاهرين بالتهدئة.\n"
    assert [e.plover_type for e in Pipeline().run(text, published="2015-08-02").events] == ["PROTEST", "REQUEST"]


def test_a_weapons_depot_an_air_strike_hit_is_its_target_not_a_seizure():
    text = "وقصفت طائرات التحالف مخزن أسلحة للمسلحين في معسكر قرب المدينة."
    assert [e.plover_type for e in Pipeline().run(text, published="2015-08-02").events] == ["ASSAULT"]



def test_two_mentions_of_an_unknown_doer_are_one_doer():
    gunmen = ActorRef("Unidentified armed group", country="PSE", sector="UAF", id="gunmen")
    unclaimed = ActorRef("Unidentified Armed Group", sector="UAF", id="unidentified-armed-group")
    assert compatible_actors(_event(1, actor1=gunmen), _event(2, actor1=unclaimed))
    assert not compatible_actors(_event(1, actor1=gunmen), _event(2, actor1=ISIS))


def test_a_mention_of_another_happening_of_the_kind_stays_apart():
    text = ("اندلعت اشتباكات عنيفة بين المقاومة الشعبية والحوثيين في محافظة مأرب أمس. "
            "كما وقعت اشتباكات مماثلة في محافظة مأرب تمكنت المقاومة بعدها من السيطرة على مواقع الحوثيين.")
    doc = Pipeline().run(text, published="2015-07-21")
    assert len([e for e in doc.events if e.plover_type == "ASSAULT"]) == 2



def test_another_wounded_is_a_toll_of_the_same_act_another_clash_is_not():
    from rasd.events.incidents import not_another_of_its_kind
    wounded = _event(2, plover_mode="kill", trigger="أصيب", trigger_pos="verb",
                     sentence="وأصيب آخر بجروح", span=(200, 215), trigger_span=(201, 205))
    clash = _event(3, plover_mode="clash", trigger="اشتباكات", trigger_pos="noun",
                   sentence="ووقعت اشتباكات مماثلة", span=(300, 321), trigger_span=(306, 314))
    assert not_another_of_its_kind(_event(1), wounded)
    assert not not_another_of_its_kind(_event(1), clash)


def test_a_sentences_dead_are_counted_once_by_its_act_of_force():
    doc = Pipeline().run("وقالت وزارة الدفاع إن الجيش قتل 27 مسلحا واعتقل 140 آخرين خلال اشتباكات في ولاية "
                         "سيبيتوكي شمال البلاد.", published="2015-07-01")
    tolls = {e.plover_type: e.fatalities for e in doc.events}
    assert tolls.get("ASSAULT") == 27 and tolls.get("COERCE") is None
    assert sum(e.fatalities or 0 for e in doc.events) == 27
