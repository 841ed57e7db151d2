"""Actor resolution: composition with demonyms and places, persons and their roles."""
from __future__ import annotations

import json
from datetime import date

from rasd.actors import ActorResolver, actor_ref, find_actor_mentions
from rasd.doc import Document, Entity, Place
from rasd.options import Options
from rasd.text import TextAnalyzer


def resolved(text: str, published: date | None = None, persons: tuple[str, ...] = (),
             places: dict[str, str] | None = None) -> Document:
    """Run text → dictionary mentions (+ the persons and places the entities and geo stages
    would add) → the actors stage."""
    doc = TextAnalyzer(Options())(Document(text=text, published=published))
    extra = []
    for name in persons:
        start = text.index(name)
        extra.append(Entity("PERSON", start, start + len(name), name))
    for name, country in (places or {}).items():
        start = text.index(name)
        extra.append(Entity("LOC", start, start + len(name), name,
                            attrs={"place": Place(name=name, name_ar=name, country=country)}))
    doc.entities = find_actor_mentions(doc) + extra
    return ActorResolver(Options())(doc)


def actor(doc: Document, text: str) -> Entity:
    found = [e for e in doc.entities if e.text == text]
    assert found, f"no entity {text!r} in {[e.text for e in doc.entities]}"
    return found[0]


def person(doc: Document, name: str) -> Entity:
    return next(e for e in doc.entities if e.type == "PERSON" and e.text == name)


# -- composition --------------------------------------------------------------

def test_army_and_demonym_make_one_actor():
    doc = resolved("قصف الجيش العراقي مواقع المسلحين قرب الموصل")
    army = actor(doc, "الجيش العراقي")
    assert (army.type, army.country, army.sector) == ("ORG", "IRQ", "MIL")
    assert army.canonical == "Iraq Military"
    assert not any(e.attrs.get("kind") == "demonym" for e in doc.entities)


def test_security_forces_soldiers_and_police_with_nationality():
    doc = resolved("فرقت قوات الأمن المصرية المتظاهرين، وقتل جنود أمريكيين، "
                   "واعتقلت الشرطة الباكستانية مشتبها به")
    assert (actor(doc, "قوات الأمن المصرية").country, actor(doc, "قوات الأمن المصرية").sector) == ("EGY", "COP")
    assert (actor(doc, "جنود أمريكيين").country, actor(doc, "جنود أمريكيين").sector) == ("USA", "MIL")
    assert (actor(doc, "الشرطة الباكستانية").country, actor(doc, "الشرطة الباكستانية").sector) == ("PAK", "COP")


def test_clitics_do_not_stop_composition():
    doc = resolved("وجهت رسالة وللجيش العراقي وبالشرطة الباكستانية")
    army = actor(doc, "للجيش العراقي")
    assert army.country == "IRQ" and army.attrs["name_ar"] == "الجيش العراقي"
    assert actor(doc, "الشرطة الباكستانية").country == "PAK"


def test_generic_noun_and_place():
    doc = resolved("اعتقلت شرطة بغداد ثلاثة أشخاص، وقال محافظ نينوى إن الوضع مستقر",
                   places={"بغداد": "IRQ", "نينوى": "IRQ"})
    police = actor(doc, "شرطة بغداد")
    assert (police.country, police.sector) == ("IRQ", "COP")
    governor = actor(doc, "محافظ نينوى")
    assert (governor.country, governor.sector, governor.attrs["kind"]) == ("IRQ", "GOV", "office")
    # the places stay locations
    assert {e.text for e in doc.entities if e.type == "LOC"} == {"بغداد", "نينوى"}


def test_generic_in_place_gets_country_but_keeps_its_span():
    doc = resolved("انتشرت الشرطة في بغداد", places={"بغداد": "IRQ"})
    police = actor(doc, "الشرطة")
    assert police.country == "IRQ"


def test_generic_without_modifier_has_no_country():
    doc = resolved("قصف الجيش مواقع للمسلحين وقتل مدنيين")
    assert actor(doc, "الجيش").country is None
    assert actor(doc, "للمسلحين").sector == "UAF"
    assert actor(doc, "مدنيين").sector == "CVL"


def test_conjunction_separates_actors():
    doc = resolved("تصعيد الحكومة وروسيا على المدنيين")
    assert actor(doc, "الحكومة").country is None
    assert actor(doc, "روسيا").country == "RUS"


def test_state_as_place_is_not_an_actor():
    doc = resolved("عقد مؤتمر في روسيا، وقالت روسيا إنها ترفض، ووصل الوفد بالعراق")
    states = [e for e in doc.entities if e.attrs.get("kind") == "state"]
    assert len(states) == 1 and states[0].start == doc.text.index("روسيا إنها")


def test_a_bare_name_is_the_site_an_article_names():
    base = "وسيطرت المقاومة على التلال القريبة من قاعدة العند الجوية، وقصفت القاعدة بالصواريخ"
    doc = resolved(base, places={"قاعدة العند": "YEM"})
    assert actor(doc, "القاعدة").attrs["base"] == "military-base"
    # the same article naming the group in full: the bare name is the group
    doc = resolved(base + "، وقال مسؤول إن عناصر من تنظيم القاعدة شاركوا", places={"قاعدة العند": "YEM"})
    assert actor(doc, "القاعدة").attrs["base"] == "al-qaeda"
    # no site named: the group
    assert actor(resolved("وتبنت القاعدة الهجوم على الثكنة"), "القاعدة").attrs["base"] == "al-qaeda"


def test_members_take_the_identity_of_their_group():
    doc = resolved("قتل عشرة عناصر من الشرطة العراقية واعتقل أنصار التيار الصدري")
    police = actor(doc, "عناصر من الشرطة العراقية")
    assert (police.country, police.sector) == ("IRQ", "COP")
    sadrists = actor(doc, "أنصار التيار الصدري")
    assert (sadrists.id, sadrists.sector) == ("sadrists", "PTY")
    assert not any(e.text == "عناصر" for e in doc.entities)


def test_armed_noun_before_a_group():
    doc = resolved("أطلق مسلحو حماس صواريخ")
    hamas = actor(doc, "مسلحو حماس")
    assert (hamas.id, hamas.country, hamas.sector) == ("hamas", "PSE", "REB")


def test_title_with_nationality_alone_is_an_office():
    doc = resolved("ندد الرئيس الأمريكي بالهجوم، وقال رئيس الوزراء إن الحكومة ستحقق")
    president = actor(doc, "الرئيس الأمريكي")
    assert (president.country, president.sector, president.attrs["kind"]) == ("USA", "GOV", "office")
    assert actor(doc, "رئيس الوزراء").sector == "GOV"


def test_lone_plural_demonym_names_people_and_adjective_stays_helper():
    doc = resolved("قتل ثلاثة عراقيين، حسب مصادر أمنية عراقية")
    people = actor(doc, "عراقيين")
    assert (people.country, people.sector, people.attrs["kind"]) == ("IRQ", None, "people")
    assert actor(doc, "عراقية").attrs["kind"] == "demonym"


# -- persons ------------------------------------------------------------------

def test_commander_before_name_with_rank():
    text = "حضر الاجتماع قائد جيش العزة الرائد “جميل الصالح” وقائد هيئة تحرير الشام “مصطفى الحسن”."
    doc = resolved(text, persons=("جميل الصالح", "مصطفى الحسن"))
    p = person(doc, "جميل الصالح")
    assert (p.country, p.sector) == ("SYR", "REB")
    assert p.attrs["affiliation"] == "jaysh-al-izza"
    assert p.attrs["affiliation_name"] == "Jaysh al-Izza"
    assert p.attrs["role"] == "commander"
    assert person(doc, "مصطفى الحسن").attrs["affiliation"] == "hts"
    # the titles were used up; the organisations stay actors
    assert not any(e.attrs.get("kind") in ("title", "office") for e in doc.entities)
    assert {"jaysh-al-izza", "hts"} <= {e.id for e in doc.entities if e.type == "ORG"}


def test_leader_in_organisation_before_name():
    text = "وقال القيادي في جبهة تحرير سوريا “سامر العلي” إن المعارك مستمرة"
    p = person(resolved(text, persons=("سامر العلي",)), "سامر العلي")
    assert (p.attrs["affiliation"], p.sector, p.attrs["role"]) == ("slf", "REB", "leader")


def test_title_after_name():
    text = "وأكد “خالد المصري” قائد أحرار الشام أن الهجوم فشل"
    p = person(resolved(text, persons=("خالد المصري",)), "خالد المصري")
    assert (p.attrs["affiliation"], p.country, p.sector) == ("ahrar-al-sham", "SYR", "REB")


def test_apposition_after_name():
    text = "وأشاد “عمر الحلبي”، أحد القياديين في الجبهة الوطنية للتحرير، بالاجتماع"
    p = person(resolved(text, persons=("عمر الحلبي",)), "عمر الحلبي")
    assert p.attrs["affiliation"] == "nfl" and p.sector == "REB"


def test_head_of_centre_after_name():
    text = "واعتبر الشيخ “يوسف الأحمد” رئيس مركز دعاة الجهاد هذه الخطوة مهمة"
    p = person(resolved(text, persons=("يوسف الأحمد",)), "يوسف الأحمد")
    assert (p.attrs["affiliation"], p.sector, p.attrs["role"]) == ("duat-al-jihad", "REL", "leader")


def test_minister_with_nationality_before_name():
    text = "وصرح وزير الدفاع العراقي سعد الجبوري بأن القوات تقدمت"
    p = person(resolved(text, persons=("سعد الجبوري",)), "سعد الجبوري")
    assert (p.country, p.sector, p.attrs["role"]) == ("IRQ", "GOV", "minister of defence")
    assert "affiliation" not in p.attrs


def test_name_with_no_title_is_left_alone():
    text = "التقى سعد الجبوري بوفد من العشائر"
    p = person(resolved(text, persons=("سعد الجبوري",)), "سعد الجبوري")
    assert p.country is None and p.sector is None and "affiliation" not in p.attrs


def test_dictionary_person_takes_the_role_the_text_names():
    text = "وقال قائد هيئة تحرير الشام “أبو محمد الجولاني” إن الفصائل اتفقت، وأكد الجولاني ذلك"
    doc = resolved(text, persons=("أبو محمد الجولاني",))
    mentions_ = [e for e in doc.entities if e.type == "PERSON"]
    assert mentions_ and all(e.attrs.get("affiliation") == "hts" for e in mentions_)
    assert all(e.sector == "REB" for e in mentions_)


def test_validity_window_of_dictionary_person():
    in_role = person(resolved("ألقى بشار الأسد خطابا", date(2016, 1, 10)), "بشار الأسد")
    assert (in_role.sector, in_role.attrs["affiliation"]) == ("GOV", "syr")
    out_of_role = person(resolved("ألقى بشار الأسد خطابا", date(2025, 2, 1)), "بشار الأسد")
    assert out_of_role.sector is None and "affiliation" not in out_of_role.attrs
    undated = person(resolved("ألقى بشار الأسد خطابا"), "بشار الأسد")
    assert undated.sector == "GOV"


def test_rule_found_person_is_looked_up_in_the_dictionary():
    text = "واستقبل “نوري المالكي” الوفد"
    doc = TextAnalyzer(Options())(Document(text=text, published=date(2008, 5, 1)))
    start = text.index("نوري المالكي")
    doc.entities = [Entity("PERSON", start, start + len("نوري المالكي"), "نوري المالكي")]
    doc = ActorResolver(Options())(doc)
    p = doc.entities[0]
    assert (p.id, p.country, p.sector) == ("person-maliki", "IRQ", "GOV")


# -- actor_ref and output -----------------------------------------------------

def test_actor_ref_of_dictionary_and_composed_actors():
    doc = resolved("قصفت قوات النظام بلدة، ورد الجيش التركي")
    regime = actor_ref(actor(doc, "قوات النظام"))
    assert (regime.name, regime.id, regime.country, regime.sector) == (
        "Military Forces of Syria", "syr-regime-forces", "SYR", "MIL")
    assert regime.name_ar == "قوات النظام" and regime.mention == "قوات النظام"
    assert doc.text[regime.span[0]:regime.span[1]] == "قوات النظام"
    turkish = actor_ref(actor(doc, "الجيش التركي"))
    assert (turkish.country, turkish.sector, turkish.name_ar) == ("TUR", "MIL", "الجيش التركي")


def test_resolved_document_serialises():
    doc = resolved("وقال وزير الدفاع العراقي سعد الجبوري إن الجيش العراقي قتل مسلحين في بغداد",
                   persons=("سعد الجبوري",), places={"بغداد": "IRQ"})
    json.dumps(doc.to_dict(), ensure_ascii=False)
    for e in doc.entities:
        assert doc.text[e.start:e.end] == e.text


def test_family_name_alone_is_the_person_named_before():
    text = "وقال قائد أحرار الشام “خالد المصري” إن الهجوم فشل. وأضاف المصري أن القوات انسحبت."
    doc = resolved(text, persons=("خالد المصري",))
    start = text.index("وأضاف المصري") + len("وأضاف ")
    later = Entity("PERSON", start, start + len("المصري"), "المصري")
    doc.entities.append(later)
    doc = ActorResolver(Options())(doc)
    assert later.attrs.get("affiliation") == "ahrar-al-sham" and later.sector == "REB"


def test_container_takes_the_identity_of_its_owner():
    doc = resolved("انفجرت عبوة لدى مرور دورية للجيش الأميركي، وقتل 11 مسلحا من تنظيم القاعدة")
    patrol = actor(doc, "دورية للجيش الأميركي")
    assert (patrol.country, patrol.sector) == ("USA", "MIL")
    gunmen = actor(doc, "مسلحا من تنظيم القاعدة")
    assert (gunmen.id, gunmen.country) == ("al-qaeda", "IMG")


def test_volunteers_of_an_army_and_from_a_country():
    doc = resolved("قتل 28 متطوعا في الجيش العراقي، وخطف متطوعا من كوريا الجنوبية")
    assert (actor(doc, "متطوعا في الجيش العراقي").country, actor(doc, "متطوعا في الجيش العراقي").sector) == ("IRQ", "MIL")
    korean = actor(doc, "متطوعا من كوريا الجنوبية")
    assert (korean.country, korean.sector) == ("KOR", "CVL")


def test_belonging_gives_the_country_only():
    doc = resolved("قتل ثلاثة في غارة شنتها طائرة بدون طيار تابعة للقوات الأميركية")
    drone = actor(doc, "طائرة بدون طيار")
    assert (drone.country, drone.sector) == ("USA", "MIL")
    assert actor(doc, "للقوات الأميركية").country == "USA"


def test_possessive_takes_the_country_of_the_actor_before():
    doc = resolved("وقال الجيش الأميركي إن جنوده قتلوا خمسة مسلحين")
    soldiers = actor(doc, "جنوده")
    assert (soldiers.country, soldiers.sector) == ("USA", "MIL")
    # across sentences the document actor memory reaches back two sentences ...
    doc = resolved("تحدث الجيش الأميركي عن العملية.\nوقال إن جنوده انسحبوا")
    assert actor(doc, "جنوده").country == "USA"
    assert actor(doc, "جنوده").attrs["refers_to"] == [5, 19]
    # ... and no further
    doc = resolved("تحدث الجيش الأميركي عن العملية.\nوانتهى الاجتماع.\nوعاد الوفد.\nوقيل إن جنوده انسحبوا")
    assert actor(doc, "جنوده").country is None


def test_demonym_after_a_weapon_names_a_military():
    doc = resolved("أصاب صاروخ إسرائيلي السيارة، وقتل ثمانية في ضربة جوية أميركية")
    israeli = actor(doc, "إسرائيلي")
    assert (israeli.country, israeli.sector, israeli.attrs["kind"]) == ("ISR", "MIL", "generic")
    assert (actor(doc, "أميركية").country, actor(doc, "أميركية").sector) == ("USA", "MIL")
    # a source is not a weapon
    assert actor(resolved("وقالت مصادر عسكرية عراقية إن الهجوم فشل"), "عراقية").sector is None


def test_head_of_a_state_governs_it():
    doc = resolved("أطلق جنود النار على رئيس تيمور الشرقية في منزله")
    head = actor(doc, "رئيس تيمور الشرقية")
    assert (head.country, head.sector) == ("TLS", "GOV")


def test_a_definite_noun_takes_no_place_as_its_genitive():
    """``قصفت الطائرات مدينة عدن``: the aircraft are not Aden's; ``شرطة بغداد`` is Baghdad's police."""
    doc = resolved("وقصفت الطائرات مدينة عدن أمس، وقالت شرطة بغداد إن الهجوم فشل.",
                   places={"مدينة عدن": "YEM", "بغداد": "IRQ"})
    by_text = {e.text: e for e in doc.entities if e.type == "ORG"}
    assert by_text["الطائرات"].country is None and by_text["شرطة بغداد"].country == "IRQ"


def test_the_main_street_has_no_president():
    doc = resolved("وأغلق المتظاهرون الشارع الرئيس في قلب المدينة، وهاجموا الرئيس في هتافاتهم")
    offices = [e for e in doc.entities if e.attrs.get("kind") == "office"]
    assert [e.text for e in offices] == ["الرئيس"]
    assert offices[0].start > doc.text.index("هتافاتهم") - 15
    suspect = resolved("وألقت الشرطة القبض على المشتبه به الرئيس في القضية")
    assert not [e for e in suspect.entities if e.attrs.get("kind") == "office"]
