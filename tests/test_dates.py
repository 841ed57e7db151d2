"""Date mentions and their resolution against the publication date."""
from __future__ import annotations

from datetime import date

import pytest

from rasd.dates import DateResolver, event_date, publication_date
from rasd.doc import DateRef, Document
from rasd.entities import EntityRecognizer
from rasd.options import Options
from rasd.text import TextAnalyzer

OPTIONS = Options()
RECOGNIZER = EntityRecognizer(OPTIONS, actor_finder=lambda doc: [], place_finder=lambda doc: [])
RESOLVER = DateResolver(OPTIONS)
THURSDAY = date(2019, 11, 14)


def analyse(text: str, published: date | None = THURSDAY) -> Document:
    return RESOLVER(RECOGNIZER(TextAnalyzer(OPTIONS)(Document(text, published=published))))


def dates(text: str, published: date | None = THURSDAY) -> list[tuple[str, str | None, str]]:
    doc = analyse(text, published)
    out = []
    for e in doc.entities:
        if e.type == "DATE":
            ref = e.attrs["date"]
            assert isinstance(ref, DateRef)
            assert doc.text[e.start:e.end] == e.text == ref.mention
            assert ref.span == (e.start, e.end)
            out.append((e.text, ref.value, ref.precision))
    return out


@pytest.mark.parametrize("text, mention, value, precision", [
    ("قتل ثلاثة مدنيين أمس في قصف مدفعي", "أمس", "2019-11-13", "day"),
    ("وقتل شاب بالأمس برصاص قناص", "الأمس", "2019-11-13", "day"),
    ("اندلعت اشتباكات أمس الأول في المدينة", "أمس الأول", "2019-11-12", "day"),
    ("سقطت قذيفتان أول من أمس على الحي", "أول من أمس", "2019-11-12", "day"),
    ("شنت الطائرات غارات فجر اليوم", "فجر اليوم", "2019-11-14", "day"),
    ("وكانت القوات قد انسحبت صباح أمس", "صباح أمس", "2019-11-13", "day"),
    ("تعرضت البلدة للقصف الليلة الماضية", "الليلة الماضية", "2019-11-13", "day"),
    ("وقع الانفجار الخميس الماضي", "الخميس الماضي", "2019-11-07", "day"),
    ("خرجت مظاهرة يوم الخميس", "يوم الخميس", "2019-11-14", "day"),
    ("واعتقل الناشط يوم الأربعاء", "يوم الأربعاء", "2019-11-13", "day"),
    ("سقط صاروخ مساء الخميس", "مساء الخميس", "2019-11-14", "day"),
    ("تظاهر المئات الجمعة الماضية", "الجمعة الماضية", "2019-11-08", "day"),
    ("وصل الوفد السبت المقبل", "السبت المقبل", "2019-11-16", "day"),
    ("استعادت القوات البلدة قبل أيام", "قبل أيام", "2019-11-11", "week"),
    ("قتل قبل يومين في غارة", "قبل يومين", "2019-11-12", "day"),
    ("اختطف قبل ثلاثة أيام", "قبل ثلاثة أيام", "2019-11-11", "day"),
    ("بدأ الهجوم منذ 5 أيام", "منذ 5 أيام", "2019-11-09", "day"),
    ("انسحبت القوات قبل نحو أسبوعين", "قبل نحو أسبوعين", "2019-10-31", "week"),
    ("اعتقل قبل شهرين", "قبل شهرين", "2019-09-14", "month"),
    ("تصاعد القصف الأسبوع الماضي", "الأسبوع الماضي", "2019-11-07", "week"),
    ("بدأت المعارك في تشرين الثاني", "تشرين الثاني", "2019-11-01", "month"),
    ("بدأت المعارك في كانون الأول", "كانون الأول", "2018-12-01", "month"),
    ("جرت الانتخابات نوفمبر الماضي", "نوفمبر الماضي", "2018-11-01", "month"),
    ("اعتقل في نوفمبر 2019", "نوفمبر 2019", "2019-11-01", "month"),
    ("وقع الهجوم في 15 تشرين الثاني 2019", "15 تشرين الثاني 2019", "2019-11-15", "day"),
    ("وقع الهجوم بتاريخ 15/11/2019", "15/11/2019", "2019-11-15", "day"),
    ("وقع الهجوم في 2019-11-05", "2019-11-05", "2019-11-05", "day"),
    ("تم توقيع الاتفاق الشهر الماضي", "الشهر الماضي", "2019-10-01", "month"),
    ("انهارت الهدنة مطلع الشهر الجاري", "مطلع الشهر الجاري", "2019-11-01", "month"),
    ("قتل العام الماضي", "العام الماضي", "2018-01-01", "year"),
    ("اندلعت الاحتجاجات أواخر العام الماضي", "أواخر العام الماضي", "2018-01-01", "year"),
    ("اعتقل في جانفي 2020", "جانفي 2020", "2020-01-01", "month"),
    ("اختطف في أوت الماضي", "أوت الماضي", "2019-08-01", "month"),
    ("اختطف في غشت الماضي", "غشت الماضي", "2019-08-01", "month"),
    ("قتل في يوليوز الماضي", "يوليوز الماضي", "2019-07-01", "month"),
    ("جرى ذلك في 3 آب", "3 آب", "2019-08-03", "day"),
    ("جرت المظاهرة الأحد 10 تشرين الثاني", "الأحد 10 تشرين الثاني", "2019-11-10", "day"),
    ("أعلنت الوزارة أمس (الأربعاء) مقتل جنديين", "أمس (الأربعاء)", "2019-11-13", "day"),
    ("اندلعت الاشتباكات في العاشر من تشرين الثاني", "العاشر من تشرين الثاني", "2019-11-10", "day"),
    ("اعتقل في الحادي والعشرين من الشهر الماضي", "الحادي والعشرين من الشهر الماضي", "2019-10-21", "day"),
    ("وقع التفجير في الثالث عشر من أيار 2018", "الثالث عشر من أيار 2018", "2018-05-13", "day"),
])
def test_resolved_against_a_thursday(text, mention, value, precision):
    assert dates(text) == [(mention, value, precision)]


def test_mid_month_with_parenthetical_name_keeps_month_precision():
    doc = analyse("وقتل 28 متطوعا منتصف يوليو (تموز) الحالي", published=date(2008, 7, 31))
    [entity] = [e for e in doc.entities if e.type == "DATE"]
    assert entity.text == "منتصف يوليو (تموز) الحالي"
    assert entity.attrs["date"].value == "2008-07-01"
    assert entity.attrs["date"].precision == "month"
    assert entity.attrs["expr"].part == "middle"


def test_day_and_month_late_in_year_read_in_the_previous_year_in_january():
    assert dates("قتل في 28 كانون الأول", published=date(2020, 1, 5)) == [
        ("28 كانون الأول", "2019-12-28", "day")]


def test_without_publication_date_relative_dates_stay_unresolved():
    found = dates("قتل ثلاثة أمس وجرح آخرون الخميس الماضي في هجوم 15 تشرين الثاني 2019", published=None)
    assert found == [("أمس", None, "day"), ("الخميس الماضي", None, "day"),
                     ("15 تشرين الثاني 2019", "2019-11-15", "day")]


def test_month_without_year_and_without_anchor_is_unresolved():
    assert dates("في تشرين الثاني", published=None) == [("تشرين الثاني", None, "month")]


@pytest.mark.parametrize("text", [
    "وقال أب لثلاثة أطفال إن منزله دمر",  # أب "father" is not the month آب
    "ويمارس الجيش ضغوطا على الأهالي",  # مارس the verb
    "وتقاسم الاثنين المسؤولية",  # الاثنين alone
    "وتنتشر قوات الأمن في المدينة",
    "احتفلت المملكة باليوم الوطني",
    "وتوفي الجريح في اليوم التالي متأثرا بجراحه",
])
def test_not_a_date(text):
    assert dates(text) == []


def test_ago_with_vague_years_has_no_value():
    assert dates("بدأ النزاع منذ سنوات") == [("منذ سنوات", None, "unknown")]


def test_year_mentions():
    assert dates("منذ عام 2011 والحرب مستمرة") == [("عام 2011", "2011-01-01", "year")]


def test_publication_date_from_a_dateline():
    text = "أخبار سوريا\nالأحد 15 تشرين الثاني 2020\nقتل ثلاثة مدنيين أمس في قصف."
    assert publication_date(text) == date(2020, 11, 15)


def test_publication_date_from_a_publication_cue():
    text = "قتل ثلاثة مدنيين أمس في قصف على البلدة.\nتاريخ النشر: 2019-11-14"
    assert publication_date(text) == date(2019, 11, 14)


def test_no_publication_date_is_none():
    assert publication_date("قتل ثلاثة مدنيين أمس في قصف على البلدة في 15 تشرين الثاني 2019 وهو تاريخ ضمن جملة طويلة جدا تتجاوز سطر التاريخ المعتاد") is None


def test_event_date_prefers_the_event_clause_over_the_attribution_date():
    text = "وقال المرصد السوري أمس إن الطائرات قصفت البلدة الخميس الماضي."
    doc = analyse(text)
    trigger = text.index("قصفت")
    ref = event_date(doc, (0, len(text)), (trigger, trigger + 4))
    assert ref is not None and ref.mention == "الخميس الماضي" and ref.value == "2019-11-07"


def test_event_date_prefers_the_trigger_clause():
    text = "قتل ثلاثة مدنيين أمس في قصف على البلدة، بينما انسحبت القوات الأسبوع الماضي."
    doc = analyse(text)
    trigger = text.index("قصف")
    assert event_date(doc, (0, len(text)), (trigger, trigger + 3)).mention == "أمس"
    trigger = text.index("انسحبت")
    assert event_date(doc, (0, len(text)), (trigger, trigger + 6)).mention == "الأسبوع الماضي"


def test_event_date_none_without_a_date_in_the_sentence():
    text = "قتل ثلاثة مدنيين في قصف على البلدة. وكان ذلك أمس."
    doc = analyse(text)
    trigger = text.index("قصف")
    assert event_date(doc, (0, text.index(".") + 1), (trigger, trigger + 3)) is None


def test_stage_contract():
    assert RESOLVER.name == "dates"
    assert RESOLVER.assigns == ("entities",)


def test_event_date_after_the_complementizer_is_the_event_date():
    text = "وقال المرصد السوري لحقوق الإنسان إن قصفا مدفعيا استهدف البلدة أمس، مضيفا أن الهدوء عاد اليوم."
    doc = analyse(text)
    trigger = text.index("قصفا")
    assert event_date(doc, (0, len(text)), (trigger, trigger + 4)).mention == "أمس"


def test_event_date_skips_a_long_attribution():
    text = "وأعلن المرصد السوري لحقوق الإنسان اليوم مقتل ثلاثة مدنيين في غارة جوية الخميس الماضي."
    doc = analyse(text)
    trigger = text.index("غارة")
    assert event_date(doc, (0, len(text)), (trigger, trigger + 4)).mention == "الخميس الماضي"


@pytest.mark.parametrize("text, mention", [
    ("في 31 شباط", "31 شباط"),
    ("بتاريخ 31/02/2019", "31/02/2019"),
    ("قبل 100000000 عام", "قبل 100000000 عام"),
])
def test_impossible_dates_are_unknown(text, mention):
    assert dates(text) == [(mention, None, "unknown")]


@pytest.mark.parametrize("text, mention, value, precision", [
    ("أطلق مسلحون النار على دورية بتاريخ 19/6/1436", "19/6/1436", "2015-04-08", "day"),
    ("وقع الحادث بتاريخ 19/6/1436هـ في الرياض", "19/6/1436هـ", "2015-04-08", "day"),
    ("صدر القرار وتاريخ 4 - 7 - 1432هـ", "4 - 7 - 1432هـ", "2011-06-06", "day"),
    ("هاجم مسلحون الحاجز في 15 رمضان 1436 هـ وقتلوا جنديين", "15 رمضان 1436 هـ", "2015-07-02", "day"),
    ("وانتهى الحصار في شعبان 1436هـ", "شعبان 1436هـ", "2015-05-19", "month"),
    ("ولد في مدينة الرياض عام 1396هـ", "عام 1396هـ", "1976-01-02", "year"),
    # no Hijri year: the publication's (Rabi al-Awwal 1441), or the year before when it would be
    # far ahead
    ("اقتحم مسلحون القرية في العاشر من محرم", "العاشر من محرم", "2019-09-09", "day"),
    ("وقع الهجوم في 15 رمضان", "15 رمضان", "2019-05-20", "day"),
    ("قتل خلال شهر ذي الحجة", "شهر ذي الحجة", "2019-08-02", "month"),
])
def test_hijri_dates_resolve_to_gregorian(text, mention, value, precision):
    assert (mention, value, precision) in dates(text)


def test_hijri_year_outside_the_table_resolves_to_its_gregorian_year():
    # 626 AH began in late 1228 and runs mostly through 1229
    assert dates("توفي الحموي عام 626هـ") == [("عام 626هـ", "1229-01-01", "year")]


def test_hijri_month_names_need_a_day_a_year_or_shahr():
    assert dates("قال رمضان إن الوضع هادئ في الحي") == []


def test_the_hijri_era_mark_does_not_glue_to_the_next_word():
    doc = analyse("هاجم مسلحون الحاجز في 15 رمضان 1436 هـ وقتلوا جنديين")
    assert "وقتلوا" in [t.norm for t in doc.tokens]


@pytest.mark.parametrize("text, mention, value", [
    ("سقطت قذائف على الحي مساء أمس", "مساء أمس", "2019-11-13"),
    ("وقتل شاب فجر أمس برصاص قناص", "فجر أمس", "2019-11-13"),
    ("اعتقلت الشرطة الناشط صباح اليوم", "صباح اليوم", "2019-11-14"),
])
def test_times_of_yesterday_and_today_are_recent_days(text, mention, value):
    assert dates(text) == [(mention, value, "day")]


def test_how_long_a_state_lasted_is_not_the_date_of_an_act_beside_it():
    text = "وقصف الطيران الحربي مناطق في محيط المطار العسكري المحاصر من قبل الفصائل منذ أكثر من عامين."
    doc = analyse(text)
    trigger = text.index("وقصف") + 1
    assert event_date(doc, (0, len(text)), (trigger, trigger + 3)) is None
    # right after its act, منذ is "ago": the act's own date
    text = "وقتل ثلاثة جنود منذ يومين في هجوم على حاجز للجيش."
    doc = analyse(text)
    trigger = text.index("وقتل") + 1
    assert event_date(doc, (0, len(text)), (trigger, trigger + 3)).mention.startswith("منذ")
