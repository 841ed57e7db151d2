"""Which numbers of a sentence are its dead and wounded (rasd.events.casualties).

Sentences are run through the real text, entities and dates stages, then each sentence's
casualties are read over the whole sentence, so these tests pin the counting rules
themselves, not the grouping of triggers into events.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rasd.doc import Document
from rasd.errors import DataFileError
from rasd.events.casualties import LARGE_TOLL, Casualties, casualties, load_casualty_words
from rasd.events.context import build_contexts
from rasd.events.lexicon import load_lexicon
from rasd.options import Options
from rasd.pipeline import Pipeline, default_stages
from rasd.text.normalize import normalize

OPTIONS = Options()
BEFORE_EVENTS = Pipeline(OPTIONS, stages=[s for s in default_stages(OPTIONS)
                                          if s.name in ("text", "entities", "dates")])


def read(text: str, published: str = "2015-07-20") -> Casualties:
    """The casualties of the first sentence of ``text`` that has any."""
    doc = BEFORE_EVENTS(Document(text, published=date.fromisoformat(published)))
    found = Casualties()
    for ctx in build_contexts(doc, load_lexicon()):
        found = casualties(ctx, [(ctx.sentence.start, ctx.sentence.end)])
        if found.fatalities is not None or found.injuries is not None or found.aggregate:
            return found
    return found


@pytest.mark.parametrize("text, killed", [
    ("أسفر القصف عن مقتل شخص في حي الصالحين.", 1),
    ("قتل جندي برصاص قناص على الطريق الدولي.", 1),
    ("أعلن الجيش مقتل جنديين في هجوم على حاجز قرب المدينة.", 2),
    ("أفادت مصادر محلية بسقوط قتيل في الاشتباكات.", 1),
    ("لقي سائق حتفه عندما استهدفت طائرة مسيرة شاحنته.", 1),
    ("أسفر هجوم انتحاري عن مقتل أحد عناصر الشرطة عند نقطة تفتيش.", 1),
    ("أطلق مسلحون النار على محام في السوق وقتلوه.", 1),      # they killed him
    ("أطلق مسلح النار على محام في السوق وقتله.", 1),
    ("أعلنت الشرطة مقتلهما في تبادل لإطلاق النار.", 2),        # the two of them
    ("اعترض مسلحون القافلة وقتلهم.", None),                  # them: how many is not said
])
def test_a_singular_or_dual_victim_is_counted_without_a_number(text, killed):
    assert read(text).fatalities == killed


@pytest.mark.parametrize("text, killed", [
    ("لقي تسعة أشخاص حتفهم في غارة جوية على سوق شعبي.", 9),
    ("انفجرت سيارة مفخخة قرب مسجد مودية بخمسة أشخاص.", 5),
    ("أودى القصف بحياة سبعة مدنيين بينهم طفلان.", 7),
    ("قتل ما لا يقل عن 28 شخصا في تفجير استهدف سوقا.", 28),
])
def test_death_idioms_govern_their_count(text, killed):
    assert read(text).fatalities == killed


def test_an_injury_word_takes_the_number_nearest_to_it():
    assert tuple(read("أسفر القصف عن مقتل شخص وإصابة ثلاثة آخرين بجروح.")) == (1, 3)
    assert tuple(read("خلفت المواجهات 5 قتلى و3 جرحى في صفوف المحتجين.")) == (5, 3)


@pytest.mark.parametrize("text, killed", [
    ("اعتقلت الشرطة 20 شخصا بعد مقتل شرطي في هجوم مسلح.", 1),           # the twenty are arrested
    ("أسفرت المعارك عن 40 قتيلا و1,5 مليون مهجر في الإقليم.", 40),      # the million and a half are displaced
    ("قتل شاب (17 عاما) برصاص قوات الأمن خلال المظاهرة.", 1),           # an age
    ("وقتل طفل يبلغ من العمر 12 عاما برصاص قناص.", 1),
    ("أعلنت الداخلية مقتل مسلح، واعتقلت 12 آخرين من أفراد الخلية.", 1),  # another clause, another count
])
def test_numbers_that_count_something_else_are_not_deaths(text, killed):
    assert read(text).fatalities == killed


@pytest.mark.parametrize("text, killed", [
    ("قتلت الغارات 17 مدنيا في أحياء المدينة الشمالية.", 17),   # the strikes before the count count nothing
    ("وقتلت غارة 3 أشخاص كانوا على دراجة نارية.", 3),
    ("شنت الطائرات 17 غارة على المدينة وقتلت 4 مدنيين.", 4),     # the seventeen are strikes
])
def test_an_object_noun_counts_only_the_number_before_it(text, killed):
    assert read(text).fatalities == killed


def test_money_and_shares_are_not_deaths():
    assert read("خصصت الحكومة 500 دولار لكل عائلة من عائلات القتلى.").fatalities is None
    assert read("تراجع عدد القتلى بنسبة 30 في المئة عن العام الماضي.").fatalities is None


def test_dates_and_years_are_never_counts():
    # a Hijri date read as a number used to give 1,436 dead
    assert read("أطلق مسلحون النار على دورية بتاريخ 19/6/1436 واستشهد قائدها.").fatalities == 1
    assert read("هاجم مسلحون دورية للشرطة بتاريخ 15 رمضان 1436 هـ وقتلوا جنديين.").fatalities == 2
    assert read("قتل في أحداث 2011 عدد كبير من المحتجين.").fatalities is None


@pytest.mark.parametrize("text", [
    "قتلت الجماعة أكثر من 14 ألف شخص منذ عام 2009 في شمال البلاد.",
    "وارتفع عدد القتلى منذ بداية العام إلى 300 قتيل.",
    "قتل أكثر من 600 شخص في هجمات التنظيم خلال الأشهر الماضية.",
    "وأسفرت الحرب عن 40 ألف قتيل خلال فترة حكمه.",
    "وبذلك يرتفع إلى 600 عدد قتلى الهجمات في الولاية.",
])
def test_running_and_historical_totals_are_not_one_incidents_toll(text):
    found = read(text)
    assert found.fatalities is None and found.aggregate


def test_a_count_since_this_morning_is_still_the_days_toll():
    assert read("قتل خمسة أشخاص منذ فجر اليوم في قصف متواصل على المدينة.").fatalities == 5
    assert read("قتل 12 شخصا خلال شهر رمضان في هجوم على قرية نائية.").fatalities == 12


def test_a_period_after_a_superlative_compares_the_act_and_makes_no_total():
    assert read("وأدى الهجوم الذي يعد الأعنف منذ أشهر إلى مقتل عشرة جنود.").fatalities == 10
    assert read("قتل 15 شخصا في التفجير الأكثر دموية منذ سنوات في العاصمة.").fatalities == 15
    assert read("وأدى القصف إلى مقتل عشرة جنود منذ أشهر.").aggregate  # no superlative: a total


def test_an_earlier_toll_gives_way_to_the_later_one():
    found = read("ارتفعت حصيلة قتلى التفجير إلى 30 قتيلا بعد أن كانت 12 قتيلا.")
    assert (found.fatalities, found.earlier_toll) == (30, False)


def test_an_earlier_toll_alone_is_kept_and_flagged():
    found = read("وكانت حصيلة سابقة أفادت بمقتل 12 شخصا في التفجير.")
    assert (found.fatalities, found.earlier_toll) == (12, True)


def test_a_large_toll_needs_its_death_word_right_by_it():
    assert LARGE_TOLL == 1000
    assert read("وكانت البلاد ضحية إبادة جماعية قتل فيها 800 ألف شخص.").fatalities is None
    assert read("وقتل في الحرب الأهلية التي اندلعت في البلاد 300 ألف شخص.").fatalities is None
    assert read("أسفر الزلزال المدمر عن مقتل 1500 شخص في الإقليم.").fatalities == 1500
    assert read("أسفر الهجوم عن مقتل 900 شخص في الإقليم وفق مصادر طبية.").fatalities == 900
    # an approximate large figure is a war-long total
    assert read("وتسببت المعارك في مقتل نحو 25 ألف شخص في الإقليم.").fatalities is None
    assert read("أسفر الهجوم عن مقتل نحو 90 شخصا في الإقليم.").fatalities == 90


def test_a_toll_no_incident_reaches_is_a_total_however_written():
    found = read("وقال المرصد إن الغارات أسفرت عن مقتل 3870 مدنيا بينهم 912 طفلا.")
    assert found.fatalities is None and found.aggregate


@pytest.mark.parametrize("text, killed", [
    ("شنت الطائرات غارة على البلدة أسفرت عن مقتل 5 مدنيين و3 أطفال.", 8),
    ("أعلن الجيش مقتل أربعة مدنيين وجندي في القصف.", 5),
    ("أدى الهجوم إلى مقتل مواطن فرنسي وضابط أمن.", 2),
    ("قتل قائد ميداني وأحد العناصر خلال الاشتباكات.", 2),
    ("قتل خمسة أشخاص بينهم ثلاثة أطفال في القصف.", 5),
])
def test_counts_joined_by_and_add_up_a_subset_does_not(text, killed):
    assert read(text).fatalities == killed


def test_dead_and_wounded_together_is_no_death_count():
    assert read("سقط في الهجوم أكثر من 250 شخصا بين قتيل وجريح.").fatalities is None


def test_a_plural_death_noun_in_a_name_is_nobody_killed():
    assert read("تشهد المدينة اقتتالا بين كتيبة شهداء أبو سليم ومجلس الشورى.").fatalities is None


def test_casualties_unpack_as_fatalities_and_injuries():
    killed, injured = read("قتل خمسة أشخاص وأصيب عشرة آخرون في تفجير سيارة مفخخة.")
    assert (killed, injured) == (5, 10)


def test_a_users_casualty_file_with_an_unknown_kind_names_file_line_and_column(tmp_path: Path):
    bad = tmp_path / "casualties.tsv"
    bad.write_text("pattern\tkind\tvalue\tnote\nحتفه\tdeadly\t1\t\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"casualties\.tsv:2:kind"):
        load_casualty_words((bad,))


def test_a_users_casualty_file_adds_words(tmp_path: Path):
    extra = tmp_path / "casualties.tsv"
    extra.write_text("pattern\tkind\tvalue\tnote\nحمامة\tvictim\t1\t\n", encoding="utf-8")
    words = load_casualty_words((extra,))
    assert [m.payload.kind for m in words.find(normalize("قتلت حمامة").text)] == ["victim"]


def test_a_death_word_trigger_owns_its_count():
    text = "وبعد يومين على الهجوم الذي أوقع 32 قتيلا تبنت الحركة قتل شرطيين قرب الحدود."
    doc = BEFORE_EVENTS(Document(text, published=date(2015, 7, 20)))
    [ctx] = build_contexts(doc, load_lexicon())
    whole = [(ctx.sentence.start, ctx.sentence.end)]
    trigger = text.index("قتل شرطيين")
    assert casualties(ctx, whole, trigger=(trigger, trigger + 3)).fatalities == 2
    assert casualties(ctx, whole).fatalities == 32  # without a trigger: the largest figure
