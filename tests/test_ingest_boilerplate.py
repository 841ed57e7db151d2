"""rasd.ingest.boilerplate: furniture lines go, content lines stay."""
from __future__ import annotations

from pathlib import Path

import pytest

from rasd.errors import DataFileError
from rasd.ingest import document_from_string
from rasd.ingest.boilerplate import load_rules, remove_boilerplate

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

FURNITURE = [
    # section headers
    "أخبار سوريا", "عربي ودولي", "أخبار العالم العربي", "محليات", "تقارير وتحليلات",
    "الرئيسية » أخبار » العراق",
    # bylines and credits
    "متابعة الوسيلة:", "كتب: محمود عبد الرحيم", "كتب - سامر الحداد", "بقلم: ريم الخطيب",
    "بقلم د. خالد المصري", "المحرر", "ترجمة: فريق التحرير", "* خدمة «واشنطن بوست»",
    "خاص بـ«الشرق الأوسط»", "المصدر: وكالات",
    # datelines
    "الباب – الفرات اليوم", "سامر الحداد - وكالة الساحل", "صنعاء - خاص",
    # captions
    "صورة من إجتماع قادة الفصائل", "صورة أرشيفية", "(صورة: رويترز)", "(أرشيف)",
    "الصورة: عناصر من الدفاع المدني يبحثون بين الأنقاض", "(أ ف ب)", "صورة تعبيرية",
    # share / related / follow
    "شارك", "شارك:", "شارك الخبر", "اقرأ أيضاً: مقتل عنصرين من الشرطة بهجوم في درعا",
    "إقرأ ايضا", "شاهد أيضا: لحظة سقوط القذائف على الحي", "تابعونا على تلغرام",
    "تابعوا آخر الأخبار عبر قناتنا على يوتيوب", "انضموا إلى قناتنا على تلغرام", "حمّل تطبيق الموقع",
    "للمزيد من الأخبار تابعونا عبر صفحتنا", "نشر في: الخميس 3 يونيو 2020", "صور من موقع الانفجار", "واتساب فيسبوك تويتر", "فيسبوك | تويتر | واتساب",
    "شارك عبر: فيسبوك تويتر", "مواضيع ذات صلة", "أخبار ذات صلة", "...المزيد", "اضغط هنا للمشاهدة",
    "الأكثر قراءة",
    # navigation, comments, tags, ads
    "زر الذهاب إلى الأعلى", "العودة إلى الأعلى", "أضف تعليق", "الوسوم: سوريا، إدلب، قصف",
    "إعلان",
    # copyright
    "جميع الحقوق محفوظة ©", "جميع الحقوق محفوظة لموقع الوسيلة 2019", "© 2023 شبكة الشمال",
    # dates and times
    "2019-05-20", "20/05/2019 10:35", "الإثنين 20 مايو 2019", "الاثنين، 20 أيار 2019 - 10:35 ص",
    "١٢ تشرين الأول ٢٠٢١", "آخر تحديث: 21 أيار 2019 - 08:10", "نشر في: 3 يونيو 2020",
    "منذ 3 ساعات", "10:35", "الأحد 10 شوال 1436",
    # more page and channel furniture
    "بواسطة: هيئة التحرير", "(انتهى)", "مصدر الصورة، Getty Images", "AFP", "قصص مقترحة",
    "تخطى البودكاست وواصل القراءة", "رابط القناة: https://t.me/x",
    "اشترك الآن", "https://t.me/south_news", "news@example.com", "#سوريا #إدلب #عاجل", "A+ A-",
    "الصفحة 1 من 3", "وقت القراءة: 3 دقائق", "مشاهدات: 1,234", "قبل 3 ساعات", "منذ يومين",
    "آخر تحديث منذ 5 دقائق", "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا", "موافق",
    # separators
    "***", "—————",
]

CONTENT = [
    "بعد اجتماعهم الأخير.. هذا ما اتفق عليه قادة الفصائل السورية",
    "قتل ثلاثة مدنيين في قصف مدفعي على بلدة كفرنبودة بريف حماة.",
    "شارك مئات الأشخاص في مظاهرة وسط مدينة إدلب للمطالبة بوقف القصف.",
    "كتب الناشط على صفحته في فيسبوك أن القصف استهدف مدرسة في البلدة.",
    "وكتب صوفان: «إذاً كيف كان سيكون ثناؤه على الذين يتقاسمون كوادرهم؟».",
    "صورة قاتمة يرسمها التقرير الأممي للوضع الإنساني في الشمال السوري.",
    "تابع المتحدث قائلاً إن قواته ستواصل عملياتها حتى تأمين المنطقة.",
    "وفي 20 أيار 2019 قتل خمسة مدنيين في غارة على سوق المدينة.",
    "متابعة الأوضاع الميدانية في ريف حماة الشمالي",
    "محاولات للوصول إلى أوروبا",
    "أخبار سارة للمزارعين في سهل الغاب بعد هطول الأمطار الغزيرة هذا الأسبوع",
    "وأضاف: «لن نسمح بتكرار ما جرى».",
    "المصدر الأمني أكد أن الانفجار نجم عن عبوة ناسفة زرعت في سيارة مدنية.",
    "اقرأوا التاريخ جيداً، قال القيادي في كلمته أمام أنصاره.",
    "الأمم المتحدة تحذر من موجة نزوح جديدة في الشمال السوري",
    "ضحايا القصف",
    "«داعش».. ومصادر تمويله",
    "خدمة المتقاضين والمراجعين",
    "ويعتبر البرنامج هدفاً للانتقاد كونه ينتهك حقوق النشر والملكية الفكرية للمؤلفين",
    "قتل خمسة مدنيين – بينهم طفلان – في القصف.",
    "1 - تعزيز الحواجز الأمنية على مداخل المدينة",
    "متابعة الحسابات المشبوهة التالية:",
    "بواسطة طائرات مسيرة قصفت القوات مواقع المسلحين في الجبل.",
    "شاهد عيان قال إن الانفجار كان قوياً.",
    "قبل ثلاثة أيام قتل مدنيان في قصف على البلدة.",
    "رابطة العلماء تدين الهجوم",
    "موافقة البرلمان على الاتفاق",
    "انتهى الاجتماع دون اتفاق.",
    "#عاجل قصف على إدلب الآن وسقوط جرحى",
    "اشترك مئات المتطوعين في حملة الإغاثة.",
    "تشغيل محطة الكهرباء بعد إصلاحها",
    "صور ناشطون لحظة سقوط القذائف على الحي",
    "الصورة في إدلب أكثر قتامة من أي وقت مضى",
    "عاجل - قصف مدفعي على كفرنبل",
    "إدلب - قصف مدفعي على كفرنبل",
    "شاهد: لحظة استهداف رتل عسكري بطائرة مسيرة في ريف حلب",
    "فيديو: لحظة سقوط صاروخ على مبنى سكني",
    "تابع في بيانه أن القوات ستواصل عملياتها",
    "نزل في الشوارع آلاف المحتجين",
    "انضم إلى المظاهرات مئات الطلاب",
    "نشر 300 جندي على الحدود الشمالية",
    "لمتابعة التطورات الميدانية أرسل الجيش تعزيزات إلى الجبهة",
    "مراسل الجزيرة: القصف مستمر منذ الصباح",
    "تقرير: الأمم المتحدة تحذر من كارثة إنسانية",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_line_is_removed(line: str) -> None:
    assert load_rules().match(line) is not None, line


@pytest.mark.parametrize("line", CONTENT)
def test_content_line_is_kept(line: str) -> None:
    rule = load_rules().match(line)
    assert rule is None, f"{line!r} taken as {rule.kind} by {rule.where}"


def test_matching_ignores_diacritics_tatweel_and_letter_variants() -> None:
    for line in ("شارِكْ", "شـــارك", "إقرأ أيضاً: خبر", "زر الذهاب الى الاعلى", "جميع الحقوق محفوظه ©"):
        assert load_rules().match(line) is not None, line


def test_fixture_page_keeps_body_and_drops_furniture() -> None:
    raw = (FIXTURES / "article-furniture.txt").read_text("utf-8")
    clean = remove_boilerplate(raw)
    paragraphs = clean.text.split("\n\n")
    assert paragraphs[0] == "غارات جوية تستهدف مواقع في محافظة مأرب والحوثيون يعلنون إسقاط طائرة مسيرة"
    assert clean.headline == paragraphs[0]
    assert len(paragraphs) == 5
    assert paragraphs[1].startswith("شنّت طائرات التحالف بقيادة السعودية")
    assert paragraphs[-1].startswith("وتشهد محافظة مأرب منذ مطلع العام")
    assert len(clean.removed) == 15
    assert set(clean.removed_kinds) >= {"header", "breadcrumb", "byline", "date", "caption", "related",
                                        "share", "follow", "copyright", "navigation"}
    for line in clean.removed:
        assert line not in clean.text


def test_document_keeps_removed_lines_and_headline_as_title() -> None:
    raw = (FIXTURES / "article-furniture.txt").read_text("utf-8")
    doc = document_from_string(raw)
    assert doc.title == "غارات جوية تستهدف مواقع في محافظة مأرب والحوثيون يعلنون إسقاط طائرة مسيرة"
    assert doc.meta["removed_lines"][0] == "عربي ودولي"
    assert "زر الذهاب إلى الأعلى" in doc.meta["removed_lines"]
    assert doc.text.startswith(doc.title)  # the headline line stays in the text


def test_dateline_is_removed_and_kept_in_meta() -> None:
    raw = (FIXTURES / "article-wordpress.html").read_bytes()
    doc = document_from_string(raw)
    assert doc.meta["dateline"] == "الباب – الفرات اليوم"
    assert doc.text.startswith("قتل خمسة أشخاص، بينهم عنصران من الشرطة المحلية")
    assert "اقرأ أيضاً: قصف مدفعي يستهدف قرى جبل الزاوية جنوبي إدلب" in doc.meta["removed_lines"]
    for furniture in ("الشأن السوري", "انقطاع المياه", "صورة من موقع الانفجار", "شارك هذا المقال",
                      "الوسوم", "مقالات ذات صلة", "مقتل مدنيين بانفجار دراجة", "الله يرحم",
                      "اترك تعليقاً", "الأكثر قراءة", "أسعار الذهب", "جميع الحقوق", "عاجل"):
        assert furniture not in doc.text, furniture
    assert doc.text.count("\n") == 3  # four body paragraphs
    assert doc.title == "تفجير سيارة مفخخة قرب حاجز أمني في مدينة الباب"
    assert doc.source == "موقع الفرات اليوم" and str(doc.published) == "2020-11-02"


def test_a_dateline_shaped_report_is_never_removed_alone() -> None:
    assert load_rules().match("حلب - قصف عنيف") is not None
    doc = document_from_string("حلب - قصف عنيف")
    assert doc.text == "حلب - قصف عنيف" and doc.meta["removed_lines"] == []


def test_no_headline_when_first_line_is_a_sentence_or_alone() -> None:
    assert remove_boilerplate("قتل مدنيان في قصف على البلدة.\n\nوأصيب آخرون.").headline is None
    assert remove_boilerplate("قصف على ريف إدلب").headline is None


def test_blank_lines_collapse_and_line_ends_normalise() -> None:
    clean = remove_boilerplate("الفقرة الأولى.\r\n\r\nشارك\r\n\r\n\r\nالفقرة الثانية.\rالثالثة.")
    assert clean.text == "الفقرة الأولى.\n\nالفقرة الثانية.\nالثالثة."


def test_extra_rule_file(tmp_path: Path) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text("kind\tmatch\tpattern\tmax_words\tnote\n"
                     "credit\tprefix\tحقوق الصورة لموقع\t10\t\n", "utf-8")
    rules = load_rules((extra,))
    assert rules.match("حقوق الصورة لموقع الشمال").kind == "credit"
    assert load_rules().match("حقوق الصورة لموقع الشمال") is None


@pytest.mark.parametrize("body,field", [
    ("kind\tmatch\tpattern\tmax_words\nbyline\tsomewhere\tكتب\t3\n", "match"),
    ("kind\tmatch\tpattern\tmax_words\nbyline\tline\tكتب\tثلاثة\n", "max_words"),
    ("kind\tmatch\tpattern\tmax_words\nbyline\tregex\t^(كتب\t3\n", "pattern"),
    ("kind\tmatch\tpattern\tmax_words\nbyline\tregex\t{NOPE}\t3\n", None),
    ("byline\tline\tكتب\t3\n", None),
])
def test_bad_rule_file_names_the_line(tmp_path: Path, body: str, field: str | None) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text(body, "utf-8")
    with pytest.raises(DataFileError) as err:
        load_rules((bad,))
    assert str(bad) in str(err.value)
    if field:
        assert err.value.where.endswith(f":2:{field}")
