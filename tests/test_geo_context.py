"""rasd.geo.DocumentPlaces: the article's dateline, its country and its sentence places,
built once by the geo stage and read by event_location."""
from __future__ import annotations

from rasd.doc import Document
from rasd.geo import DocumentPlaces, PlaceResolver, event_location
from rasd.options import Options
from rasd.pipeline import Pipeline
from rasd.text import TextAnalyzer

OPTIONS = Options()


def read(text: str, options: Options = OPTIONS) -> Document:
    doc = TextAnalyzer(options)(Document(text))
    return PlaceResolver(options)(doc)


def locate(doc: Document, trigger: str):
    start = doc.text.index(trigger)
    sentence = next(s for s in doc.sentences if s.start <= start < s.end)
    return event_location(doc, (sentence.start, sentence.end), (start, start + len(trigger)))


def test_the_geo_stage_declares_and_fills_its_context():
    assert "geo_context" in PlaceResolver.assigns
    doc = read("قتل ثلاثة مدنيين في قصف على مدينة درعا")
    assert isinstance(doc.geo_context, DocumentPlaces)
    out = doc.geo_context.to_dict()
    assert set(out) == {"dateline", "main_country", "countries", "sentence_places"}
    assert out["main_country"] == "SYR" and out["sentence_places"][0]["name"] == "Daraa"
    assert "geo_context" not in str(doc.meta)  # nothing hidden in doc.meta


def test_dateline_before_the_outlet():
    doc = read("عدن - «الشرق الأوسط»: اندلعت اشتباكات عنيفة بين الطرفين صباح أمس")
    assert doc.geo_context.dateline.name == "Aden"
    assert locate(doc, "اشتباكات").name == "Aden"


def test_dateline_with_an_agency():
    doc = read("الرياض - واس\nأعلنت وزارة الداخلية القبض على خلية إرهابية")
    assert doc.geo_context.dateline.name == "Riyadh"
    assert doc.geo_context.dateline.span == (0, 6)


def test_dateline_after_the_outlet_name():
    doc = read("عين اليوم – جاكرتا\nنفى الرئيس الاتهامات خلال زيارته")
    assert doc.geo_context.dateline.name == "Jakarta"


def test_a_place_opening_a_sentence_is_no_dateline():
    doc = read("حلب تشهد قصفا عنيفا منذ الصباح")
    assert doc.geo_context.dateline is None


def test_main_country_is_the_most_mentioned():
    doc = read("قصفت الطائرات مدينة تعز. وسقطت قذائف على عدن. وقال مسؤول في واشنطن إن الوضع خطير.")
    assert doc.geo_context.main_country == "YEM"
    assert doc.geo_context.countries["YEM"] == 2


def test_a_name_of_two_countries_takes_the_article_country():
    oman = read("وصل الوزير إلى مسقط أمس. وقال إن المحادثات في عمان تناولت الأزمة.")
    place = next(e for e in oman.entities if e.text == "عمان").attrs["place"]
    assert place.country == "OMN"
    jordan = read("تظاهر المئات في عمان احتجاجا على الغلاء، وقالت الحكومة الأردنية إن الشرطة فرقتهم.")
    place = next(e for e in jordan.entities if e.text == "عمان").attrs["place"]
    assert (place.name, place.country) == ("Amman", "JOR")


def test_town_of_the_clause_over_its_governorate_and_country():
    doc = read("قتل خمسة في غارة على مديرية حيران بمحافظة حجة في اليمن")
    place = locate(doc, "غارة")
    assert place.admin1 == "Hajjah" and place.precision in ("town", "district")


def test_sentence_without_place_inherits_then_falls_back_to_the_dateline():
    doc = read("صنعاء - «الشرق الأوسط»: دارت اشتباكات عنيفة. "
               "وسقطت قذائف على مدينة تعز. وأصيب ثلاثة مدنيين")
    assert locate(doc, "اشتباكات").name == "Sanaa"  # nothing before it but the dateline
    assert locate(doc, "وأصيب").name == "Taiz"  # the place the article was last at


def test_saudi_border_towns_are_known():
    doc = read("أصيب مقيمان بمقذوفات عسكرية سقطت على محافظة الحرث. "
               "وتعرضت قرية في ظهران الجنوب لقصف من داخل الأراضي اليمنية")
    names = {e.attrs["place"].name: e.attrs["place"].admin1 for e in doc.entities if e.type == "LOC"}
    assert names["Al-Harth"] == "Jazan" and names["Dhahran al-Janub"] == "Asir"


def test_a_common_word_is_not_read_as_a_border_town():
    doc = read("حملت الرسالة الخبر إلى مدارس البنين")
    assert [e for e in doc.entities if e.type == "LOC"] == []
    doc = read("انفجرت عبوة ناسفة في مدينة الخبر")
    assert locate(doc, "عبوة").name == "Al-Khobar"


def test_user_place_files_are_honoured_through_the_pipeline(tmp_path):
    places = tmp_path / "villages.tsv"
    places.write_text(
        "id\tname_en\tvariants\tkind\tcountry\tadmin1\tadmin2\tlat\tlon\tgeonameid\tpopulation\tsource\n"
        "yem-test-qaryat-al-sawmaah\tQaryat al-Sawmaah\tقرية الصومعة الغربية\tvillage\tYEM\tAl Bayda\t\t14.1\t45.3\t\t\tcurated\n",
        encoding="utf-8")
    text = "قتل ثلاثة مسلحين في اشتباكات داخل قرية الصومعة الغربية. وأصيب آخرون"
    plain = Pipeline(OPTIONS).run(text)
    assert all(e.location is None or e.location.name != "Qaryat al-Sawmaah" for e in plain.events)
    doc = Pipeline(OPTIONS.with_(place_files=(places,))).run(text)
    located = {e.location.name for e in doc.events if e.location}
    assert located == {"Qaryat al-Sawmaah"}


def test_the_country_word_means_the_article_country_only_when_governed():
    doc = read("قصفت الطائرات التركية مواقع في شمال العراق. وأوقفت الشرطة 250 شخصا في أنحاء "
               "البلاد. وقال مسؤول في أنقرة إن تركيا ستواصل الحملة، وغادر ثلاثون أجنبيا البلاد.")
    assert doc.geo_context.main_country == "TUR"
    place = locate(doc, "وأوقفت")
    assert (place.name, place.precision, place.mention) == ("Turkey", "country", "أنحاء البلاد")
    # "left the country": no locative word, so the word is no place of the event
    left = locate(doc, "وغادر")
    assert left is not None and left.mention != "البلاد"


def test_stands_as_dateline_forms():
    from rasd.geo.context import stands_as_dateline
    text = "بيروت (رويترز) - قتل ثلاثة"
    assert stands_as_dateline(text, 0, 5)
    text = "صحيفة الحياة - بغداد\nقال مسؤول"
    assert stands_as_dateline(text, text.index("بغداد"), text.index("بغداد") + 5)
    text = "قال مسؤول في بغداد - وهو غاضب - إن"
    assert not stands_as_dateline(text, text.index("بغداد"), text.index("بغداد") + 5)
    text = "بغداد تستعد للانتخابات"
    assert not stands_as_dateline(text, 0, 5)


def test_main_country_tie_is_settled_by_the_dateline_or_left_open():
    from rasd.doc import Place
    from rasd.geo.context import main_country
    doc = read("التقى وفد من صنعاء وفدا من دمشق")
    assert main_country(doc)[0] is None
    dateline = Place(name="Damascus", country="SYR", precision="town")
    assert main_country(doc, dateline)[0] == "SYR"


def test_english_key_matches_geonames_spellings():
    from rasd.geo.build import english_key
    assert english_key("Şāmitah") == english_key("Samitah")
    assert english_key("Al Līth") == english_key("Lith") == "lith"


def test_a_place_far_back_is_not_carried():
    from rasd.geo.context import CARRY_SENTENCES
    filler = " ".join("وقال المتحدث إن الوضع صعب." for _ in range(CARRY_SENTENCES))
    doc = read(f"سقطت قذائف على مدينة درعا. {filler} وأصيب ثلاثة مدنيين")
    assert locate(doc, "وأصيب") is None
    near = read("سقطت قذائف على مدينة درعا. وقال المتحدث إن الوضع صعب. وأصيب ثلاثة مدنيين")
    assert locate(near, "وأصيب").name == "Daraa"


def test_the_carried_place_is_the_sentence_main_place():
    doc = read("استهدف هجوم انتحاري بلدة القديح في محافظة القطيف تضامنا مع أهالي نجران. "
               "وأسفر عن مقتل عشرين شخصا")
    assert doc.geo_context.sentence_places[0].name == "Al-Qudaih"
    assert locate(doc, "وأسفر").name == "Al-Qudaih"


def test_a_shared_name_leans_to_a_neighbour_of_the_article_country():
    syria = read("قصفت قوات النظام مدينة حمص وريف حماة. وفي طرابلس تظاهر المئات تضامنا مع حمص.")
    libya = read("اشتبكت ميليشيات في بنغازي وسرت. وفي طرابلس تظاهر المئات.")
    yemen = read("فر مسلحون من حضرموت والمهرة إلى عمان عبر الحدود.")

    def country_of(doc, name):
        return next(e for e in doc.entities if e.text == name).attrs["place"].country
    assert country_of(syria, "طرابلس") == "LBN"
    assert country_of(libya, "طرابلس") == "LBY"
    assert country_of(yemen, "عمان") == "OMN"


def test_neighbours_of_the_region_are_known_both_ways():
    from rasd.geo.gazetteer import load_neighbours
    near = load_neighbours()
    assert {"LBN", "TUR", "IRQ", "JOR", "ISR"} <= near["SYR"] and "SAU" in near["YEM"]
    region = ("SYR", "IRQ", "YEM", "SAU", "LBY", "EGY", "JOR", "LBN", "TUR", "IRN", "SDN")
    assert [(a, b) for a in region for b in near[a] if a not in near.get(b, ())] == []


def test_the_country_word_of_the_last_sentence_is_read_too():
    doc = read("أعلنت الحكومة التركية في أنقرة أن الطائرات قصفت مواقع في شمال العراق. وقال مسؤول في "
               "إسطنبول إن تركيا ستواصل الحملة. وأوقفت الشرطة 250 شخصا في 13 محافظة في البلاد.")
    assert doc.geo_context.main_country == "TUR"
    place = locate(doc, "وأوقفت")
    assert (place.name, place.mention) == ("Turkey", "البلاد")


def test_the_dominant_country_of_places_needs_its_share_when_one_is_asked():
    from rasd.doc import Entity
    from rasd.geo.context import dominant_country

    def loc(text, country):
        return Entity("LOC", 0, len(text), text, text, None, country, None, {})
    places = [loc("حلب", "SYR"), loc("بغداد", "IRQ"), loc("الموصل", "IRQ"), loc("عمان", "JOR"), loc("دمشق", "SYR")]
    assert dominant_country(places) == "SYR"  # a plurality, ties to the first
    assert dominant_country(places, min_share=0.5) is None  # two of five is no majority
    assert dominant_country(places[1:3] + places[:1], min_share=0.5) == "IRQ"
    assert dominant_country([]) is None
