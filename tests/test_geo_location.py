"""rasd.geo.event_location: one place per event, chosen among the sentence's places."""
from __future__ import annotations

from rasd.doc import Document, Entity
from rasd.geo import PlaceResolver, event_location
from rasd.options import Options
from rasd.text import TextAnalyzer

OPTIONS = Options()


def locate(text: str, trigger: str, *, orgs: tuple[str, ...] = (), nth: int = 0):
    doc = TextAnalyzer(OPTIONS)(Document(text))
    for name in orgs:
        i = text.index(name)
        doc.entities.append(Entity("ORG", i, i + len(name), name))
    doc = PlaceResolver(OPTIONS)(doc)
    start = -1
    for _ in range(nth + 1):
        start = text.index(trigger, start + 1)
    sentence = next(s for s in doc.sentences if s.start <= start < s.end)
    return event_location(doc, (sentence.start, sentence.end), (start, start + len(trigger)))


def test_airstrike_on_a_town_reported_by_a_source_in_another_city():
    text = ("قال مصدر عسكري في دمشق إن الطائرات الحربية قصفت مدينة خان شيخون "
            "بريف إدلب الجنوبي، ما أدى إلى مقتل خمسة مدنيين")
    place = locate(text, "قصفت")
    assert place is not None
    assert (place.name, place.precision, place.admin1) == ("Khan Shaykhun", "town", "Idlib")
    assert text[place.span[0]:place.span[1]] == "مدينة خان شيخون"


def test_meeting_abroad_about_fighting_elsewhere():
    text = "بحث وزراء الخارجية خلال اجتماع في أنقرة المعارك الدائرة في إدلب"
    assert locate(text, "المعارك").name == "Idlib"
    # the meeting itself took place in Ankara
    assert locate(text, "اجتماع").name == "Ankara"


def test_most_specific_place_when_nested():
    text = "قتل ثلاثة مدنيين في قصف مدفعي على بلدة كفرنبودة في ريف حماة الشمالي الغربي"
    place = locate(text, "قصف")
    assert (place.name, place.admin1, place.precision) == ("Kafr Nabudah", "Hama", "town")


def test_place_naming_an_actor_is_ignored():
    text = "أعلن محافظ نينوى أن انفجارا وقع في سوق شعبي بمدينة الموصل"
    assert locate(text, "انفجارا").name == "Mosul"
    text = "قال سفير العراق إن مسلحين هاجموا حاجزا للجيش"
    assert locate(text, "هاجموا") is None


def test_base_of_a_local_actor_when_the_sentence_names_no_other_place():
    text = "اعتقلت شرطة بغداد ثلاثة مطلوبين"
    place = locate(text, "اعتقلت")
    assert (place.name, place.mention) == ("Baghdad", "بغداد")
    # a place naming an agreement is no base
    assert locate("خرقت الفصائل اتفاق أستانة", "خرقت") is None


def test_place_inside_an_organisation_name_is_ignored():
    text = "هاجمت قوات سوريا الديمقراطية مواقع التنظيم في بلدة هجين شرق دير الزور"
    place = locate(text, "هاجمت", orgs=("قوات سوريا الديمقراطية",))
    assert place.name == "Hajin"


def test_country_as_actor_is_not_the_location():
    text = "قصفت روسيا مواقع للمعارضة في ريف اللاذقية"
    place = locate(text, "قصفت")
    assert place.name == "Latakia countryside" and place.precision == "region"


def test_dateline_is_not_the_location():
    text = "بيروت - قتل جنديان في انفجار عبوة ناسفة بمدينة صيدا"
    assert locate(text, "انفجار").name == "Sidon"
    text = "دمشق (رويترز) - قتل خمسة أشخاص في انفجار سيارة مفخخة"
    # with no other place the dateline is where it happened: the span is the dateline's
    place = locate(text, "انفجار")
    assert (place.name, place.span) == ("Damascus", (0, 4))


def test_source_abroad_only_gives_none():
    text = "أفادت وكالة الأنباء الرسمية من بيروت بأن مسلحين هاجموا حاجزا للجيش"
    assert locate(text, "هاجموا") is None


def test_nearest_place_in_the_same_clause():
    text = ("سقطت قذائف على حي الشيخ مقصود في حلب، بينما تظاهر المئات في مدينة "
            "إدلب ضد الفصائل")
    assert locate(text, "سقطت").name == "Sheikh Maqsoud"
    assert locate(text, "تظاهر").name == "Idlib"


def test_no_place_in_the_sentence():
    text = "قتل ثلاثة مدنيين. وأصيب آخرون في قصف على مدينة درعا"
    assert locate(text, "قتل") is None  # a later sentence's place is not carried back
    assert locate(text, "قصف").name == "Daraa"


def test_place_carried_over_from_earlier_sentences():
    text = ("سقطت قذائف على مدينة درعا صباح اليوم. وقال ناشطون إن القصف تواصل. "
            "وأصيب ثلاثة مدنيين بجروح")
    place = locate(text, "القصف")
    assert place.name == "Daraa" and text[place.span[0]:place.span[1]] == "مدينة درعا"
    assert locate(text, "وأصيب").name == "Daraa"  # the place the article was last at
    text = "سقطت قذائف على مدينة درعا. واعتقلت قوات الأمن عشرة أشخاص في مدينة حمص. وأصيب آخرون"
    assert locate(text, "وأصيب").name == "Homs"


def test_carried_place_skips_sources_and_venues():
    text = "قتل جنديان في انفجار بمدينة صيدا. وقال مصدر أمني في بيروت إن التحقيق جار. وأصيب ثلاثة"
    assert locate(text, "وأصيب").name == "Sidon"


def test_destination_of_a_visit_is_not_the_location():
    text = "وصل الوفد إلى عمان لإجراء محادثات حول وقف إطلاق النار في درعا"
    assert locate(text, "إطلاق").name == "Daraa"


def test_location_phrase_swallowed_by_an_organisation_span_is_kept():
    text = "أطلق مسلحون النار على دورية الأمن العام شرق مدينة الرياض"
    place = locate(text, "أطلق", orgs=("الأمن العام شرق مدينة الرياض",))
    assert place is not None and place.country == "SAU" and place.mention == "شرق مدينة الرياض"


def test_attack_on_a_meeting_happens_where_the_meeting_is():
    text = "وجهت طائرات التحالف ضربة جوية استهدفت اجتماعا لقادة التنظيم بمدينة المقدادية"
    assert locate(text, "ضربة").name == "Al-Muqdadiyah"


def test_meeting_place_is_next_to_the_meeting():
    text = ("عقد قادة الفصائل اجتماعا جرى خلاله بحث تطورات الأوضاع العسكرية في ظل "
            "الحملة الشرسة التي تشنها قوات النظام على أرياف حماة واللاذقية وإدلب")
    assert locate(text, "اجتماعا") is None
    assert locate(text, "الحملة").admin1 == "Hama"


def test_countries_between_parties_are_actors():
    text = "خرقت القوات اتفاق أستانة الموقع بين تركيا وروسيا"
    assert locate(text, "خرقت") is None


def test_governorate_inside_a_part_of_the_country():
    text = "اندلعت مظاهرة احتجاجية في مدينة عتق بمحافظة شبوة شرق اليمن"
    assert (locate(text, "مظاهرة").name, locate(text, "مظاهرة").precision) == ("Ataq", "town")
    text = "اندلعت مظاهرة احتجاجية في محافظة شبوة شرق اليمن"
    place = locate(text, "مظاهرة")
    assert (place.name, place.precision) == ("Shabwah", "governorate")


def test_town_of_the_clause_over_the_town_it_lies_near():
    text = "استهدفت غارة جوية بلدة كفرنبل قرب مدينة معرة النعمان بريف إدلب"
    assert locate(text, "غارة").name == "Kafr Nabl"


def test_town_of_the_clause_over_a_region_named_nearer_the_trigger():
    text = "قتل خمسة مدنيين، في ريف إدلب الجنوبي، بقصف مدفعي على مدينة سراقب"
    assert locate(text, "بقصف").name == "Saraqib"


def test_a_city_abroad_after_a_place_word_with_its_clitic():
    """بوسط أثينا: وسط with ب governs the city as في وسط does."""
    text = "وتجمع المحتجون في ساعات الصباح في شارع تجاري شهير بوسط أثينا ورفعوا لافتات"
    place = locate(text, "وتجمع")
    assert place is not None and place.name == "Athens"


def test_a_place_noun_with_a_demonym_is_a_place_in_that_country():
    from rasd.pipeline import Pipeline
    doc = Pipeline().run("واندلعت مواجهات بين قوى الأمن ومحتجين في مناطق بحرينية عدة أمس.", published="2007-12-23")
    area = next(e for e in doc.entities if e.type == "LOC")
    assert (area.text, area.country, area.attrs["place"].precision) == ("مناطق بحرينية", "BHR", "country")
    protest = next(e for e in doc.events if e.plover_type == "PROTEST")
    assert protest.location.country == "BHR" and protest.actor2.country == "BHR"


def test_a_name_known_only_abroad_inside_a_city_of_the_text_is_that_city():
    from rasd.pipeline import Pipeline
    pipe = Pipeline()
    doc = pipe.run("ودارت معارك عنيفة ليلة الأحد في حي الخالدية شمال حلب بين وحدات الجيش ومقاتلين معارضين.",
                   published="2015-08-01")
    place = next(e for e in doc.events if e.plover_type == "ASSAULT").location
    assert (place.name, place.country) == ("Aleppo", "SYR")
    # with no larger unit of another country, the name keeps its one entry
    doc = pipe.run("وقتل ثلاثة جنود في هجوم على مدينة الخالدية في محافظة الأنبار.", published="2015-08-01")
    place = next(e for e in doc.events if e.plover_type == "ASSAULT").location
    assert (place.name, place.country) == ("Khalidiya", "IRQ")


def test_towns_of_the_2000s_wars_are_in_the_gazetteer():
    from rasd.pipeline import Pipeline
    pipe = Pipeline()
    for town, country in (("ديرا إسماعيل خان", "PAK"), ("بيداوة", "SOM"), ("تسخينفالي", "GEO"), ("سريناجار", "IND")):
        doc = pipe.run(f"وقتل خمسة جنود في هجوم انتحاري في {town} صباح أمس.", published="2008-05-01")
        assert [e.location.country for e in doc.events if e.location] == [country], town
