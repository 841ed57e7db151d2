"""rasd.geo: gazetteer, place mentions, resolution (composite mentions, ambiguity)."""
from __future__ import annotations

import pytest

from rasd.doc import Document, Entity, Place
from rasd.errors import DataFileError
from rasd.geo import PlaceResolver, find_place_mentions, load_gazetteer
from rasd.geo.gazetteer import merge_layers, read_places
from rasd.options import Options
from rasd.text import TextAnalyzer

OPTIONS = Options()


def analysed(text: str, entities: list[Entity] | None = None) -> Document:
    doc = TextAnalyzer(OPTIONS)(Document(text))
    doc.entities = list(entities or [])
    return PlaceResolver(OPTIONS)(doc)


def places(doc: Document) -> list[Place]:
    return [e.attrs["place"] for e in doc.entities if e.type == "LOC" and "place" in e.attrs]


def place_named(doc: Document, mention: str) -> Place:
    for p in places(doc):
        if p.mention == mention:
            return p
    raise AssertionError(f"no place {mention!r} in {[p.mention for p in places(doc)]}")


# --- gazetteer -------------------------------------------------------------------------

def test_gazetteer_has_curated_and_geonames_places():
    gaz = load_gazetteer()
    assert len(gaz) > 2000
    hama = gaz.get("syr-hama")
    assert hama is not None and hama.kind == "city" and hama.country == "SYR"
    assert abs(hama.lat - 35.13) < 0.1 and abs(hama.lon - 36.75) < 0.1
    assert hama.geonameid == 170017
    # a GeoNames-only place of the region with an Arabic name
    assert any(e.id.startswith("gn:") and e.country == "SYR" for e in gaz.entries.values())


def test_every_syrian_governorate_is_there():
    gaz = load_gazetteer()
    govs = {e.admin1 for e in gaz.entries.values() if e.country == "SYR" and e.kind == "governorate"}
    assert len(govs) == 14
    assert {"Hama", "Idlib", "Rif Dimashq", "Deir ez-Zor", "Quneitra"} <= govs


def test_curated_row_hides_its_geonames_twin():
    gaz = load_gazetteer()
    ids = [e.id for e in gaz.candidates("الباب")]
    assert ids == ["syr-al-bab"]


def test_candidates_strip_clitics_and_rank_city_first():
    gaz = load_gazetteer()
    assert [e.id for e in gaz.candidates("وحماة")][:2] == ["syr-hama", "syr-gov-hama"]
    tripoli = {e.country for e in gaz.candidates("طرابلس")}
    assert tripoli == {"LBY", "LBN"}
    assert gaz.candidates("كلمةلاتوجد") == []


def test_geonames_names_that_are_common_words_are_left_out():
    gaz = load_gazetteer()
    # سنة (Sanandaj), بيان (Bayan), المائة (Al Mayah) are words before they are places
    for word in ("سنة", "بيان", "المائة", "إطار"):
        assert all(e.curated for e in gaz.candidates(word)), word


def test_read_places_reports_bad_lines():
    lines = ["id\tname_en\tvariants\tkind\tlat\tlon",
             "x-1\tX\tاكس\ttown\t35.0\tnot-a-number"]
    with pytest.raises(DataFileError) as err:
        list(read_places(lines, "mine.tsv"))
    assert err.value.where == "mine.tsv:2:lon"
    with pytest.raises(DataFileError):
        list(read_places(["id\tname_en\tvariants\tkind", "x\tX\tاكس\tplanet"], "k.tsv"))


def test_user_file_overrides_by_id(tmp_path):
    extra = tmp_path / "mine.tsv"
    extra.write_text("id\tname_en\tvariants\tkind\tcountry\tadmin1\tlat\tlon\tsource\n"
                     "syr-x-farm\tAl-Khudra Farm\tمزرعة الخضرة\tvillage\tSYR\tHama\t35.2\t36.6\tme\n",
                     "utf-8")
    gaz = load_gazetteer((extra,))
    assert gaz.get("syr-x-farm").admin1 == "Hama"
    assert gaz is load_gazetteer((extra,))  # cached


def test_merge_keeps_curated_over_geonames_of_same_name_nearby():
    gn = list(read_places(["id\tname_en\tvariants\tkind\tcountry\tlat\tlon\tgeonameid",
                           "gn:1\tKafr\tكفرزيتا\tvillage\tSYR\t35.37\t36.60\t1",
                           "gn:2\tFar\tكفرزيتا\tvillage\tSYR\t33.00\t36.00\t2"], "gn"))
    cur = list(read_places(["id\tname_en\tvariants\tkind\tcountry\tlat\tlon",
                            "kz\tKafr Zita\tكفرزيتا\ttown\tSYR\t35.3736\t36.6011"], "cur"))
    assert sorted(e.id for e in merge_layers(gn, cur)) == ["gn:2", "kz"]


# --- mentions and offsets --------------------------------------------------------------

def test_mentions_keep_original_offsets_through_diacritics_and_tatweel():
    text = "قُتل مدنيان في قصفٍ على مدينـــة حَلَب، وأصيب آخرون في بلدة سراقب."
    doc = TextAnalyzer(OPTIONS)(Document(text))
    ents = find_place_mentions(doc)
    assert [e.text for e in ents] == ["مدينـــة حَلَب", "بلدة سراقب"]
    for e in ents:
        assert text[e.start:e.end] == e.text
        assert e.type == "LOC" and e.country == "SYR"
    assert ents[0].id == "syr-aleppo" and ents[0].canonical == "Aleppo"


def test_ambiguous_mention_lists_candidate_ids():
    doc = TextAnalyzer(OPTIONS)(Document("خرجت مظاهرة في طرابلس بعد صلاة الجمعة"))
    (ent,) = find_place_mentions(doc)
    assert ent.attrs["candidates"][0] == ent.id
    assert set(ent.attrs["candidates"]) == {"lby-tripoli", "lbn-tripoli"}
    assert all(isinstance(c, str) for c in ent.attrs["candidates"])


def test_type_noun_belongs_to_the_mention_and_hints_the_kind():
    doc = analysed("أعلن محافظ المدينة أن محافظة حماة شهدت هدوءا بينما قصفت مدينة حماة ليلا")
    gov = place_named(doc, "محافظة حماة")
    city = place_named(doc, "مدينة حماة")
    assert gov.precision == "governorate" and gov.admin1 == "Hama"
    assert city.precision == "town" and city.name == "Hama"


# --- composite mentions ----------------------------------------------------------------

def test_countryside_with_two_directions():
    doc = analysed("تعرضت قرى ريف حماة الشمالي الغربي لقصف مدفعي عنيف")
    p = place_named(doc, "ريف حماة الشمالي الغربي")
    assert p.name == "Northwestern Hama countryside"
    assert (p.admin1, p.country, p.precision) == ("Hama", "SYR", "region")
    assert p.span is not None and doc.text[p.span[0]:p.span[1]] == "ريف حماة الشمالي الغربي"


def test_countryside_written_after_the_direction():
    doc = analysed("سيطرت القوات على قرى في الريف الشرقي لدير الزور وريف إدلب الجنوبي")
    east = place_named(doc, "الريف الشرقي لدير الزور")
    assert (east.name, east.admin1, east.precision) == ("Eastern Deir ez-Zor countryside", "Deir ez-Zor", "region")
    south = place_named(doc, "ريف إدلب الجنوبي")
    assert (south.name, south.admin1) == ("Southern Idlib countryside", "Idlib")


def test_town_in_countryside_takes_the_governorate():
    doc = analysed("قتل ثلاثة مدنيين في قصف على بلدة كفرنبودة في ريف حماة الشمالي الغربي")
    town = place_named(doc, "بلدة كفرنبودة")
    assert (town.name, town.precision, town.admin1, town.country) == ("Kafr Nabudah", "town", "Hama", "SYR")
    assert abs(town.lat - 35.46) < 0.1 and abs(town.lon - 36.47) < 0.1


def test_countryside_carries_over_a_list():
    doc = analysed("صعدت الطائرات غاراتها على أرياف حماة واللاذقية وإدلب")
    got = [(p.admin1, p.precision) for p in places(doc)]
    assert got == [("Hama", "region"), ("Latakia", "region"), ("Idlib", "region")]


def test_direction_before_a_name():
    doc = analysed("دارت اشتباكات عنيفة شمال حماة")
    p = place_named(doc, "شمال حماة")
    assert p.precision == "region" and p.admin1 == "Hama" and p.name.startswith("North")


# --- disambiguation --------------------------------------------------------------------

def test_country_named_elsewhere_decides():
    doc = analysed("شهدت طرابلس اشتباكات بين مسلحين، وقال الجيش اللبناني إن الوضع في لبنان تحت السيطرة")
    assert place_named(doc, "طرابلس").country == "LBN"
    doc = analysed("شهدت طرابلس اشتباكات بين مسلحين في ليبيا")
    assert place_named(doc, "طرابلس").country == "LBY"


def test_hierarchy_in_the_text_decides():
    doc = analysed("سقطت قذيفة على مدينة أريحا في محافظة إدلب")
    p = place_named(doc, "مدينة أريحا")
    assert (p.country, p.admin1) == ("SYR", "Idlib")
    doc = analysed("اقتحمت القوات مدينة أريحا في الضفة الغربية")
    assert place_named(doc, "مدينة أريحا").country == "PSE"


def test_demonym_after_the_name_decides():
    doc = analysed("أصيب عشرة أشخاص في قصف على طرابلس اللبنانية")
    assert place_named(doc, "طرابلس اللبنانية").country == "LBN"


# --- ambiguous words -------------------------------------------------------------------

def test_pictures_are_not_tyre():
    doc = analysed("نشر ناشطون صور الدمار الذي خلفه القصف")
    assert places(doc) == []
    doc = analysed("نشر ناشطون صور الدمار في مدينة صور جنوب لبنان")
    tyre = place_named(doc, "مدينة صور")
    assert (tyre.name, tyre.country) == ("Tyre", "LBN")
    assert doc.text[tyre.span[0]:tyre.span[1]] == "مدينة صور"


def test_picture_singular_is_not_tyre_plus_pronoun():
    doc = analysed("تظهر صورة نشرتها الوكالة آثار الدمار")
    assert places(doc) == []


def test_door_and_protectors_are_not_places():
    doc = analysed("فتح الباب أمام حماة الديار للدفاع عن الوطن")
    assert places(doc) == []
    doc = analysed("سيطرت فصائل المعارضة على مدينة الباب بعد معارك")
    assert place_named(doc, "مدينة الباب").name == "Al-Bab"
    doc = analysed("تجددت الاشتباكات في حماة")
    assert place_named(doc, "حماة").name == "Hama"


def test_names_needing_a_preposition():
    doc = analysed("قال الرمادي إن اللون الرمادي يناسب المكان")
    assert places(doc) == []
    doc = analysed("انفجرت عبوة ناسفة في الرمادي")
    assert place_named(doc, "الرمادي").name == "Ramadi"
    # in a list with another place
    doc = analysed("شهدت الفلوجة والرمادي موجة نزوح")
    assert [p.name for p in places(doc)] == ["Fallujah", "Ramadi"]


def test_the_city_is_not_medina_and_tanween_is_a_common_noun():
    doc = analysed("قصفت الطائرات المدينة بعنف وجعلت الأهالي درعاً بشرياً")
    assert places(doc) == []
    doc = analysed("زار الحجاج المدينة المنورة")
    assert place_named(doc, "المدينة المنورة").name == "Medina"


def test_month_names_are_not_places():
    doc = analysed("وقع الهجوم في تموز الماضي بينما انسحبت القوات في آب")
    assert places(doc) == []


def test_resolver_keeps_entity_spans_from_the_entity_stage():
    text = "قصفت طائرات حربية بلدة كفرزيتا صباح اليوم"
    start = text.index("كفرزيتا")
    ent = Entity("LOC", start, start + len("كفرزيتا"), "كفرزيتا")
    doc = analysed(text, [ent])
    assert len(doc.entities) == 1
    p = ent.attrs["place"]
    assert p.name == "Kafr Zita" and p.span == (ent.start, ent.end) and p.mention == "كفرزيتا"
    assert ent.canonical == "Kafr Zita" and ent.id == "syr-kafr-zita"


def test_resolver_does_not_add_places_inside_organisations():
    text = "اتهمت قوات سوريا الديمقراطية الفصائل بقصف تل تمر"
    org = Entity("ORG", text.index("قوات"), text.index("الديمقراطية") + len("الديمقراطية"),
                 "قوات سوريا الديمقراطية")
    doc = analysed(text, [org])
    assert [e.text for e in doc.entities if e.type == "LOC"] == ["تل تمر"]
    assert doc.entities[0] is org


def test_place_to_dict_is_the_contract_location():
    doc = analysed("قتل مدني في بلدة خان شيخون")
    d = place_named(doc, "بلدة خان شيخون").to_dict()
    assert d["name"] == "Khan Shaykhun" and d["name_ar"] == "خان شيخون"
    assert d["admin1"] == "Idlib" and d["country"] == "SYR" and d["precision"] == "town"
    assert d["admin2"] == "Maarrat al-Numan"
    assert isinstance(d["geonameid"], int) and isinstance(d["lat"], float)
    ent_dict = doc.entities[0].to_dict()
    assert ent_dict["type"] == "LOC" and ent_dict["place"]["name"] == "Khan Shaykhun"


def test_adjective_after_a_type_noun_describes_the_town():
    doc = analysed("عقد الوزراء اجتماعا داخل مدينة عدن الجنوبية")
    aden = place_named(doc, "مدينة عدن")
    assert (aden.name, aden.precision) == ("Aden", "town")
    doc = analysed("اشتد القصف على أحياء حلب الشرقية")
    assert place_named(doc, "حلب الشرقية").name == "Eastern Aleppo"


def test_words_across_punctuation_are_not_joined():
    doc = analysed("وقع الانفجار قرب بلدة عين العرب (كوباني) السورية")
    assert [p.mention for p in places(doc)] == ["بلدة عين العرب", "كوباني"]
    assert all(p.country == "SYR" for p in places(doc))


def test_preposition_lam_merged_with_the_article():
    text = "أرسل الجيش تعزيزات للاذقية ووصلت مساعدات لليمن"
    doc = analysed(text)
    got = [(e.text, e.attrs["place"].name) for e in doc.entities]
    assert got == [("للاذقية", "Latakia"), ("لليمن", "Yemen")]
    for e in doc.entities:
        assert text[e.start:e.end] == e.text


def test_direction_of_a_country():
    doc = analysed("نفذ التحالف غارات في شمال سوريا")
    p = place_named(doc, "شمال سوريا")
    assert (p.name, p.precision, p.country) == ("Northern Syria", "region", "SYR")


def test_candidates_after_a_type_noun():
    gaz = load_gazetteer()
    assert [e.id for e in gaz.candidates("بلدة كفرنبودة")] == ["syr-kafr-nabudah"]
    assert [e.id for e in gaz.candidates("للاذقية")][0] == "syr-latakia"


def test_loc_entity_from_elsewhere_is_looked_up():
    text = "وصلت تعزيزات إلى بلدة كفرنبودة"
    start = text.index("بلدة")
    ent = Entity("LOC", start, len(text), "بلدة كفرنبودة")
    doc = TextAnalyzer(OPTIONS)(Document(text))
    doc.entities = [ent]
    doc.normalized = None  # analysis from scratch works too
    PlaceResolver(OPTIONS)(doc)
    assert ent.attrs["place"].name == "Kafr Nabudah" and ent.attrs["place"].span == (start, len(text))


def test_loc_entity_the_context_rules_left_out_is_still_resolved():
    text = "حماة تشهد هدوءا حذرا"
    ent = Entity("LOC", 0, 4, "حماة")
    doc = analysed(text, [ent])
    assert doc.entities == [ent]
    assert ent.attrs["place"].name == "Hama" and ent.id == "syr-hama"
