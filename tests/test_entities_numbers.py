"""NUM entities: digits (Arabic-Indic too), number words, duals, vague counts, qualifiers."""
from __future__ import annotations

import pytest

from rasd.doc import Document
from rasd.entities import EntityRecognizer
from rasd.entities.numbers import dual_noun, parse_number_words
from rasd.options import Options
from rasd.text import TextAnalyzer, fold

OPTIONS = Options()
RECOGNIZER = EntityRecognizer(OPTIONS, actor_finder=lambda doc: [], place_finder=lambda doc: [])


def numbers(text: str) -> list[tuple[str, dict]]:
    doc = RECOGNIZER(TextAnalyzer(OPTIONS)(Document(text)))
    for e in doc.entities:
        assert doc.text[e.start:e.end] == e.text
    return [(e.text, e.attrs) for e in doc.entities if e.type == "NUM"]


def test_arabic_indic_digits_with_at_least():
    [(text, attrs)] = numbers("وقتل ما لا يقل عن ٢٨ متطوعا في الهجوم")
    assert text == "ما لا يقل عن ٢٨"
    assert attrs == {"value": 28, "qualifier": "at_least"}


def test_thousands_separator_and_digit_with_multiplier():
    found = numbers("نزح 12,500 شخص بعد أن فر 3 آلاف آخرون")
    assert [(t, a["value"]) for t, a in found] == [("12,500", 12500), ("3 آلاف", 3000)]


def test_number_words_compound_teen_and_hundreds():
    found = numbers("قتل خمسة وعشرون شخصا وأصيب ثلاثة عشر آخرون واعتقل مئة وخمسون")
    assert [(t, a["value"]) for t, a in found] == [
        ("خمسة وعشرون", 25), ("ثلاثة عشر", 13), ("مئة وخمسون", 150)]


def test_separate_counts_joined_by_and_are_two_numbers():
    found = numbers("قتل ثلاثة وخمسة جرحى")
    assert [a["value"] for _, a in found] == [3, 5]


def test_duals_count_two_but_sound_plurals_do_not():
    found = numbers("أسفر القصف عن مقتل جنديين وجرح مدنيين ومواطنين")
    assert found == [("جنديين", {"value": 2, "noun": "جندي"})]


def test_dual_with_article_leaves_the_clitic_out():
    [(text, attrs)] = numbers("وأكد أن القتيلين من عناصر الشرطة")
    assert text == "قتيلين" and attrs["value"] == 2


def test_vague_counts_follow_the_documented_convention():
    found = numbers("قتل عشرات المدنيين ونزح مئات الآلاف وأصيب بضعة عناصر")
    assert [(t, a["value"], a.get("approximate")) for t, a in found] == [
        ("عشرات", 12, True), ("مئات الآلاف", 100000, True), ("بضعة", 3, True)]


@pytest.mark.parametrize("text, value, qualifier", [
    ("أطلق أكثر من عشرين قذيفة هاون", 20, "more_than"),
    ("قتل نحو 40 مسلحا", 40, "about"),
    ("وأصيب 15 شخصا على الأقل", 15, "at_least"),
])
def test_qualifiers(text, value, qualifier):
    [(_, attrs)] = numbers(text)
    assert attrs["value"] == value and attrs["qualifier"] == qualifier


def test_between_gives_lower_value_and_upper_bound():
    found = numbers("قتل ما بين 5 و10 أشخاص")
    assert found[0][1]["value"] == 5 and found[0][1]["upper"] == 10 and found[0][1]["qualifier"] == "between"


def test_weekday_monday_and_one_of_are_not_numbers():
    assert numbers("وقال أحد القياديين يوم الاثنين إن الوضع هادئ") == []


def test_numbers_inside_dates_belong_to_the_date():
    assert numbers("وقع الهجوم في 15 تشرين الثاني 2019 قبل ثلاثة أيام") == []


def test_parse_number_words():
    assert parse_number_words(fold("ثلاثة آلاف ومئتين وخمسين")) == 3250
    assert parse_number_words(fold("سبعة")) == 7
    assert parse_number_words(fold("عشرات")) == 12
    assert parse_number_words(fold("قتلى")) is None


def test_decimal_comma_before_a_multiplier_is_a_fraction_of_it():
    found = numbers("وأدى القتال إلى نزوح 1,5 مليون شخص وتشريد 12,500 آخرين")
    assert [(t, a["value"]) for t, a in found] == [("1,5 مليون", 1500000), ("12,500", 12500)]


def test_digits_joined_by_a_slash_are_never_counts():
    # a date the dates stage cannot read (day 40) and a fraction
    assert numbers("وقع الحادث بتاريخ 40/6/1436 وأتلف 3/4 المحصول") == []


def test_a_hijri_date_is_a_date_not_three_numbers():
    assert numbers("هاجم مسلحون دورية بتاريخ 19/6/1436هـ وقتلوا جنديا") == []


def test_dual_noun_reads_clitics_and_rejects_plurals():
    assert dual_noun(fold("وجنديين")) == "جندي"
    assert dual_noun(fold("القتيلين")) == "قتيل"
    assert dual_noun(fold("جنود")) is None
