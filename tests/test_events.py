"""The events stage on sentences written for these tests.

Entities are given by a small stand-in stage so that these tests pin the event logic
(grouping, roles, flags, casualties, attribution) whatever the dictionaries hold.
"""
import pytest

from rasd.doc import Entity, Place
from rasd.events import EventExtractor
from rasd.options import Options
from rasd.pipeline import Pipeline
from rasd.text import TextAnalyzer

ACTORS = {
    "قوات النظام": ("Military Forces of Syria", "SYR", "MIL", "org"),
    "الجيش": ("Army", None, "MIL", "generic"),
    "مدنيين": ("Civilians", None, "CVL", "generic"),
    "أشخاص": ("Civilians", None, "CVL", "generic"),
    "فصائل المعارضة": ("Opposition factions", None, "REB", "generic"),
    "مسلحون": ("Gunmen", None, "UAF", "generic"),
    "الشرطة": ("Police", None, "COP", "generic"),
    "متظاهرين": ("Protesters", None, "CVL", "generic"),
    "قادة الفصائل": ("Faction leaders", None, "REB", "generic"),
    "المرصد السوري لحقوق الإنسان": ("Syrian Observatory for Human Rights", "GBR", "NGO", "org"),
    "الفريق": ("Team", None, "BUS", "generic"),
    "الحكومة السورية": ("Government of Syria", "SYR", "GOV", "org"),
    "قائد الشرطة": ("Police chief", None, "COP", "generic"),
}
PLACES = {
    "كفرنبودة": Place("Kafr Nabudah", "كفرنبودة", admin1="Hama", country="SYR", lat=35.46, lon=36.47, precision="town"),
    "دمشق": Place("Damascus", "دمشق", admin1="Damascus", country="SYR", lat=33.51, lon=36.29, precision="town"),
}
NUMBERS = {"ثلاثة": 3, "خمسة": 5, "عشرة": 10, "12": 12}


class GivenEntities:
    """Marks every occurrence of the mentions above (longest first, no overlaps)."""
    name = "entities"
    requires = ("text",)
    assigns = ("entities",)

    def __call__(self, doc):
        taken, ents = [], []
        table = [(k, "ORG") for k in ACTORS] + [(k, "LOC") for k in PLACES] + [(k, "NUM") for k in NUMBERS]
        for mention, kind in sorted(table, key=lambda kv: -len(kv[0])):
            start = doc.text.find(mention)
            while start >= 0:
                end = start + len(mention)
                if not any(s < end and start < e for s, e in taken):
                    taken.append((start, end))
                    ents.append(self._entity(kind, mention, start, end))
                start = doc.text.find(mention, end)
        doc.entities = sorted(ents, key=lambda e: e.start)
        return doc

    @staticmethod
    def _entity(kind, mention, start, end):
        if kind == "ORG":
            name, country, sector, akind = ACTORS[mention]
            return Entity("ORG", start, end, mention, name, mention, country, sector, {"kind": akind})
        if kind == "LOC":
            place = PLACES[mention]
            return Entity("LOC", start, end, mention, place.name, None, place.country, None, {"place": place})
        return Entity("NUM", start, end, mention, attrs={"value": NUMBERS[mention]})


@pytest.fixture(scope="module")
def run():
    options = Options()
    pipe = Pipeline(options, stages=[TextAnalyzer(options), GivenEntities(), EventExtractor(options)])

    def _run(text, published="2019-05-20"):
        return pipe.run(text, published=published)
    return _run


def real(doc):
    return [e for e in doc.events if not (e.negated or e.hypothetical or e.historical)]


def test_shelling_with_actors_place_and_casualties(run):
    doc = run("قصفت قوات النظام بلدة كفرنبودة، ما أسفر عن مقتل ثلاثة مدنيين.")
    events = real(doc)
    assert len(events) == 1
    ev = events[0]
    assert ev.plover_type == "ASSAULT"
    assert ev.acled_sub_event_type == "Shelling/artillery/missile attack"
    assert (ev.actor1.country, ev.actor1.sector) == ("SYR", "MIL")
    assert ev.actor2.sector == "CVL" and ev.actor2.country == "SYR"  # an unnamed group takes the event's country
    assert ev.fatalities == 3
    assert doc.text[ev.trigger_span[0]:ev.trigger_span[1]] == ev.trigger
    assert doc.text[ev.span[0]:ev.span[1]] == ev.sentence


def test_killed_and_injured_in_one_bombing_is_one_event(run):
    doc = run("قتل خمسة أشخاص وأصيب عشرة آخرون في تفجير سيارة مفخخة وسط دمشق.")
    events = real(doc)
    assert [e.plover_type for e in events] == ["ASSAULT"]
    assert events[0].fatalities == 5 and events[0].injuries == 10


def test_passive_casualty_verb_makes_the_counted_victims_the_target(run):
    ev = real(run("قتل 12 من مدنيين برصاص مسلحون مجهولين."))[0]
    assert ev.actor1.sector == "UAF"
    assert ev.actor2.sector == "CVL"


def test_two_clauses_with_their_own_doers_are_two_events(run):
    doc = run("استعادت قوات النظام بلدة كفرنبودة، وشنت فصائل المعارضة هجوما معاكسا على قوات النظام.")
    events = real(doc)
    assert len(events) == 2
    assert events[0].actor1.sector == "MIL"
    assert events[1].actor1.sector == "REB" and events[1].actor2.sector == "MIL"


def test_denied_event_is_flagged(run):
    ev = run("نفى الجيش أن يكون قد قصف بلدة كفرنبودة.").events
    assert ev and all(e.negated for e in ev if e.plover_type == "ASSAULT")


def test_negation_reaches_only_the_next_words(run):
    doc = run("ولم يجد قادة الفصائل بعد هجوم قوات النظام على بلدة كفرنبودة إلا الاجتماع.")
    attacks = [e for e in doc.events if e.plover_type == "ASSAULT"]
    assert attacks and not attacks[0].negated


def test_condition_and_future_are_hypothetical(run):
    cond = run("وفي حال هاجمت قوات النظام بلدة كفرنبودة فإن الفصائل سترد.").events
    assert cond and all(e.hypothetical for e in cond if e.plover_type == "ASSAULT")
    future = run("ومن المقرر أن يعقد قادة الفصائل اجتماعا في دمشق الأسبوع المقبل.").events
    assert future and all(e.hypothetical for e in future)


def test_an_act_noun_followed_by_its_future_is_hypothetical(run):
    ev = [e for e in run("وأعلنت الوزارة أن معركة استعادة مدينة الفلوجة ستبدأ خلال الأيام القادمة.").events
          if e.plover_type == "ASSAULT"]
    assert ev and all(e.hypothetical for e in ev)
    done = [e for e in run("وقصفت الطائرات مواقع المسلحين أمس في ريف المدينة.").events if e.plover_type == "ASSAULT"]
    assert done and not any(e.hypothetical for e in done)


@pytest.mark.parametrize("text", [
    "وهدمت لجنة التعديات في البلدية سورا أقامه مواطن على أرض حكومية.",
    "وأعلنت الوزارة تنفيذ حكم القتل قصاصا بجان أدين بقتل مواطن.",
    "وأكد أن الجيش مستعد لصد أي محاولة اعتداء على الحدود.",
])
def test_land_encroachment_a_sentence_and_any_attack_are_no_assault(text):
    doc = Pipeline().run(text, published="2015-07-20")  # with the status stage
    assert not [e for e in doc.events if e.plover_type == "ASSAULT" and not (e.negated or e.hypothetical)]


def test_pluperfect_recall_is_historical(run):
    ev = run("وكانت بلدة كفرنبودة قد شهدت اشتباكات عنيفة بين فصائل المعارضة وقوات النظام.").events
    assert ev and all(e.historical for e in ev)


def test_a_recall_marker_after_the_act_holds_for_its_later_words(run):
    # آنذاك follows مقتل and precedes ضربة, another word of the same event
    ev = [e for e in run("ووصف البيت الأبيض مقتل القيادي آنذاك بأنه ضربة قوية للتنظيم.").events
          if e.plover_type == "ASSAULT"]
    assert ev and all(e.historical for e in ev)


def test_meeting_mentioned_again_is_one_event(run):
    doc = run("عقد قادة الفصائل اجتماعا في دمشق. وقالت مصادر إن الاجتماع بحث التطورات العسكرية.")
    assert [e.plover_type for e in real(doc)] == ["CONSULT"]


def test_football_attack_is_not_violence(run):
    doc = run("شن الفريق هجوما قويا على مرمى الخصم في الشوط الثاني من المباراة وسدد اللاعب قذيفة صاروخية.")
    assert not [e for e in doc.events if e.plover_type in ("ASSAULT", "PROTEST")]


def test_attribution_names_the_source(run):
    ev = real(run("قتل خمسة مدنيين في قصف على بلدة كفرنبودة، بحسب المرصد السوري لحقوق الإنسان."))[0]
    assert ev.attribution == "المرصد السوري لحقوق الإنسان"
    assert ev.actor1 is None or ev.actor1.sector != "NGO"  # the source is not a party


def test_government_doer_of_violence_is_coded_military(run):
    ev = real(run("شنت الحكومة السورية غارات جوية على بلدة كفرنبودة."))[0]
    assert (ev.actor1.country, ev.actor1.sector) == ("SYR", "MIL")


def test_protest_has_the_protesters_as_actor1(run):
    ev = real(run("تظاهر مئات متظاهرين في دمشق ضد الحكومة السورية."))[0]
    assert ev.plover_type == "PROTEST"
    assert ev.actor1.sector == "CVL"


def test_question_reports_nothing(run):
    doc = run("هل قصفت قوات النظام بلدة كفرنبودة؟")
    assert all(e.hypothetical for e in doc.events)


def test_dropping_flagged_events_is_an_option():
    options = Options(keep_flagged_events=False)
    pipe = Pipeline(options, stages=[TextAnalyzer(options), GivenEntities(), EventExtractor(options)])
    events = pipe.run("نفى الجيش أن يكون قد قصف بلدة كفرنبودة.").events
    assert [e for e in events if e.plover_type == "ASSAULT"] == []


def test_drowning_is_not_political_violence(run):
    doc = run("ولقي عشرات المهاجرين حتفهم غرقا قبالة السواحل.")
    assert not real(doc)


def test_relative_clause_describes_rather_than_reports(run):
    doc = run("تظاهر مئات متظاهرين أمام البرلمان في دمشق، بينهم عائلات الجنود الذين قتلوا العام الماضي.")
    assert [e.plover_type for e in real(doc)] == ["PROTEST"]


def test_object_pronoun_points_back_to_the_victims(run):
    ev = real(run("وكان مدنيين خطفهم مسلحون مجهولون قرب دمشق أمس."))[0]
    assert ev.actor1.sector == "UAF" and ev.actor2.sector == "CVL"


def test_survivor_is_the_target(run):
    ev = real(run("نجا قائد الشرطة من محاولة اغتيال نفذها مسلحون في دمشق."))[0]
    assert ev.actor1.sector == "UAF"


def test_event_dated_after_its_report_is_not_real():
    doc = Pipeline().run("تنظم نقابة المعلمين مظاهرة أمام وزارة التربية في عمان يوم 20 أيلول 2019.", published="2019-09-01")
    protests = [e for e in doc.events if e.plover_type == "PROTEST"]
    assert protests and all(e.hypothetical for e in protests)


def test_user_trigger_file_extends_the_lexicon_and_bad_lines_name_their_place(tmp_path):
    from rasd.errors import DataFileError
    from rasd.events.lexicon import load_lexicon

    header = "pattern\tpos\tplover\tmode\tacled_event_type\tacled_sub_event_type\tcameo\tweight\tnote\n"
    good = tmp_path / "more-triggers.tsv"
    good.write_text(header + "سحل*\tverb\tASSAULT\tbeat\tViolence against civilians\tAttack\t180\t0.8\tdragging\n",
                    encoding="utf-8")
    lexicon = load_lexicon((good,))
    from rasd.text import normalize
    hits = lexicon.triggers.find(normalize("وسحل عناصر الأمن المعتقل في الشارع").text)
    assert [h.payload.mode for h in hits if h.payload.pattern.startswith("سحل")] == ["beat"]
    assert not [h for h in load_lexicon().triggers.find(normalize("وسحل عناصر الأمن").text)
                if h.payload.pattern.startswith("سحل")]
    doc = Pipeline(Options(trigger_files=(good,))).run("وسحل عناصر الأمن المعتقل في الشارع أمس")
    assert any(e.trigger == "وسحل" for e in doc.events)

    bad = tmp_path / "bad-triggers.tsv"
    bad.write_text(header + "سحل*\tverb\tASSAULT\t\t\t\t\tmuch\t\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_lexicon((bad,))
    assert "bad-triggers.tsv:2" in str(err.value) and "weight" in str(err.value)


def test_speakers_own_forces_and_the_object_of_an_svo_verb():
    doc = Pipeline().run("قال الجيش التركي في بيان أمس ان طائراته قصفت مجموعة من المتمردين الاكراد في شمال العراق.",
                         published="2008-01-15")
    ev = real(doc)[0]
    assert (ev.actor1.country, ev.actor1.sector) == ("TUR", "MIL")
    assert ev.actor2.sector == "REB"
    assert ev.attribution == "الجيش التركي"


def test_state_announcing_its_arrests_is_the_doer():
    ev = [e for e in Pipeline().run("أعلنت وزارة الداخلية العراقية اعتقال خمسة متهمين في بغداد.").events
          if e.plover_type == "COERCE"][0]
    assert (ev.actor1.country, ev.actor1.sector) == ("IRQ", "GOV")
    assert ev.actor2.sector == "UAF"


def test_signatories_are_the_parties_and_the_broker_is_not():
    ev = [e for e in Pipeline().run("وقعت الحكومة اليمنية وجماعة الحوثي اتفاقا لتبادل الأسرى بوساطة الأمم المتحدة.").events
          if e.plover_type == "AGREE"][0]
    assert (ev.actor1.country, ev.actor1.sector) == ("YEM", "GOV")
    assert ev.actor2.sector == "REB"


def test_force_against_protesters_is_the_protest_not_a_second_event():
    doc = Pipeline().run("أطلقت الشرطة الرصاص الحي على المتظاهرين في البصرة فقتلت ثلاثة منهم.", published="2019-10-05")
    events = real(doc)
    assert [e.plover_type for e in events] == ["PROTEST"]
    ev = events[0]
    assert ev.acled_sub_event_type == "Excessive force against protesters"
    assert ev.actor1.sector == "CVL" and ev.actor2.sector == "COP" and ev.fatalities == 3


def test_each_number_counts_for_its_nearest_casualty_word():
    ev = real(Pipeline().run("قتل شرطيان وأصيب ثلاثة آخرون بجروح، مساء الخميس، إثر انفجار عبوة ناسفة "
                             "استهدفت دورية للشرطة في بغداد.", published="2019-05-20"))
    assert len(ev) == 1  # the deaths and their cause are one happening
    assert ev[0].acled_sub_event_type == "Remote explosive/landmine/IED"
    assert ev[0].fatalities == 2 and ev[0].injuries == 3  # شرطيان: two dead, the three wounded
    assert ev[0].actor2.sector == "COP"


def test_an_office_named_without_its_country_takes_the_events_country():
    doc = Pipeline().run("واغتال مسلحون مجهولون حاكم الإقليم في مدينة قندهار جنوب أفغانستان أمس",
                         published="2008-05-01")
    target = [e.actor2 for e in doc.events if e.plover_type == "ASSAULT"][0]
    assert (target.sector, target.country) == ("GOV", "AFG")


def test_an_act_dated_weeks_before_the_report_is_recalled():
    pipe = Pipeline()
    old = pipe.run("وفي منتصف الشهر الماضي قتل قائد التنظيم في غارة شنتها طائرة أميركية.", published="2015-08-03")
    assert old.events and all(e.historical for e in old.events)
    new = real(pipe.run("وقتل قائد التنظيم أمس في غارة شنتها طائرة أميركية.", published="2015-08-03"))
    assert new and not any(e.historical for e in new)


def test_an_office_holder_stays_a_person_when_the_state_strikes():
    from rasd.events import _as_military
    from rasd.doc import ActorRef
    premier = _as_military(ActorRef("prime minister", country="IRQ", sector="GOV", id="title-prime-minister"))
    assert (premier.sector, premier.name) == ("GOV", "prime minister")
    state = _as_military(ActorRef("Government of Iraq", country="IRQ", sector="GOV", id="government"))
    assert (state.sector, state.name) == ("MIL", "Military Forces of Iraq")


def test_the_hurt_named_after_a_time_and_a_count_are_the_target():
    doc = Pipeline().run("أصيب فجر أمس ثلاثة من عناصر الشرطة الفلسطينية في انفجار عبوة جانبية وسط مدينة غزة.",
                         published="2008-01-10")
    blast = [e for e in doc.events if e.plover_type == "ASSAULT"][0]
    assert blast.actor2 is not None and blast.actor2.sector == "COP"
    assert blast.actor1 is None or blast.actor1.sector != "COP"


def test_a_weak_trigger_with_a_place_in_its_clause_is_an_event():
    """``بعد استعادة قاعدة العند الجوية أول من أمس``: a weak word (استعادة) with the place it
    names is a report, as with an actor or a casualty word."""
    doc = Pipeline().run("وتواصل القوات تقدمها في المحافظة، بعد استعادة قاعدة العند الجوية أول من أمس.",
                         published="2015-08-06")
    assert any(e.acled_sub_event_type == "Government regains territory" or "استعادة" in e.trigger
               for e in doc.events)


@pytest.mark.parametrize("text, found", [
    ("وقال البيان إن الحكومة تتقدم باحتجاج على هذا العمل الاستفزازي.", [("ACCUSE", "تتقدم باحتجاج")]),  # a formal protest
    ("واستطاع رجال الدفاع المدني بمساعدة أهالي الحي نقله إلى المستشفى.", []),                 # with the help of
    ("وتبدأ فرق شكلتها هيئة الرقابة والتحقيق غدا متابعة دوام الموظفين.", []),                 # a body's name
])
def test_words_that_name_no_street_protest_aid_or_inquiry(text, found):
    doc = Pipeline().run(text, published="2015-07-01")
    assert [(e.plover_type, e.trigger) for e in doc.events] == found


def test_a_sports_article_reports_no_deal_of_clubs():
    """A transfer agreed between two clubs in a sports report is no political agreement."""
    text = ("أعلن نادي الهلال أمس تعاقده مع لاعب الوسط البرازيلي لمدة ثلاثة مواسم، بعد أن سجل اللاعب "
            "عشرة أهداف في الدوري الموسم الماضي.\n"
            "وتوصل النادي إلى اتفاق مع ناديه السابق على قيمة انتقال اللاعب قبل انطلاق الدوري والمباراة الأولى.\n"
            "ويخوض الفريق مباراته المقبلة أمام النصر في الملعب الرئيسي، ويأمل المدرب في تحقيق الفوز والبطولة.")
    doc = Pipeline().run(text, published="2015-07-01")
    assert [e for e in doc.events if e.plover_type == "AGREE"] == []


@pytest.mark.parametrize("text", [
    "وذهب الباحث في رحلة بحث عن مخطوطات قديمة في المكتبات.",
    "وأظهر بحث أجرته الجامعة أن الأطفال أكثر عرضة للمرض.",
])
def test_searching_and_research_are_no_talks(text):
    assert [e for e in Pipeline().run(text, published="2015-07-01").events if e.plover_type == "CONSULT"] == []


@pytest.mark.parametrize("text, plover", [
    ("ووصل عددها هذا العام إلى مئتي شركة عارضة في المعرض.", "REJECT"),   # exhibitors
    ("هي الرائحة الدافئة التي تريح صدورنا عندما نتنشقها.", "RETREAT"),   # to inhale
])
def test_words_that_only_contain_a_trigger(text, plover):
    assert [e for e in Pipeline().run(text, published="2015-07-01").events if e.plover_type == plover] == []


def test_clashes_of_a_crowd_are_a_riot_and_saddam_is_a_name():
    doc = Pipeline().run("واندلعت صدامات بين الشرطة ومئات الشبان في ساحة المسجد صباح اليوم", published="2024-03-10")
    assert [(e.plover_type, e.acled_sub_event_type) for e in real(doc)] == [("PROTEST", "Violent demonstration")]
    assert not Pipeline().run("وقال إن صدام حسين حكم العراق بالحديد", published="2024-03-10").events


def test_a_column_about_stories_reports_no_violence():
    """Words of fiction all through the document: its kidnapping is a plot device."""
    text = ("ينصح الروائي المعروف الكتّاب الشباب بتجنب البدايات المستهلكة في القصة القصيرة.\n"
            "ويقول المؤلف إن بطل الرواية يستيقظ غالبا في مكان مظلم، وإن الحبكة تتكرر في كل قصة قصيرة.\n"
            "خطف مسلحون الطبيب من منزله في القرية ليلا.\n"
            "ويرى الروائي أن على الكتّاب البحث عن حبكة جديدة، كما يفعل المؤلف في كل قصة قصيرة يكتبها.\n")
    assert [e for e in Pipeline().run(text, published="2024-03-10").events if e.plover_type == "ASSAULT"] == []
    news = "خطف مسلحون الطبيب من منزله في القرية ليلا، وقال المؤلف إن الحبكة تتكرر."
    assert [e.plover_type for e in Pipeline().run(news, published="2024-03-10").events] == ["ASSAULT"]


def test_the_official_account_is_no_story():
    text = ("قتل ثلاثة جنود في هجوم بعبوة ناسفة على دورية قرب مدينة الرمادي أمس.\n"
            "وتشكك الرواية الرسمية في رواية الأهالي عن الهجوم، فيما ترفض الرواية الأخرى بيان الجيش.\n")
    assert [e.plover_type for e in Pipeline().run(text, published="2024-03-10").events].count("ASSAULT") == 1



def test_a_date_right_after_another_events_verb_is_that_events():
    pipe = Pipeline()
    doc = pipe.run("وقال البيان إن فرنسية كانت خطفت في اليمن في فبراير أطلق سراحها وستعود إلى بلادها.",
                   published="2015-08-07")
    release = [e for e in doc.events if e.plover_type == "RETREAT"]
    assert release and not release[0].historical
    assert release[0].date is None or release[0].date.mention != "فبراير"
    # a verb joined by و shares the date of the one before
    mentions = Pipeline(Options(keep_unreported_events=True))
    mentions.remove("incidents")
    doc = mentions.run("وقصفت الطائرات الحربية حي الشعار في مدينة حلب أمس ودمرت عددا من المباني السكنية.",
                       published="2024-03-10")
    assert len(doc.events) == 2 and all(e.date and e.date.mention == "أمس" for e in doc.events)


def test_supporters_of_two_sides_fighting_is_mob_violence_an_armed_group_a_clash():
    pipe = Pipeline()
    riot = pipe.run("واندلعت اشتباكات بين أنصار الحزبين في وسط العاصمة بعد إعلان النتائج.", published="2015-07-20")
    assert [(e.plover_type, e.acled_sub_event_type) for e in riot.events] == [("PROTEST", "Mob violence")]
    clash = pipe.run("ودارت اشتباكات بين أنصار الشريعة وقوات الجيش في مدينة بنغازي.", published="2015-07-20")
    assert [e.plover_type for e in clash.events] == ["ASSAULT"]
