"""The text stage: normalisation keeps offsets, obfuscation is undone, words stay apart."""
import pytest

from rasd.text import fold, normalize, sentences, tokenize
from rasd.text.matcher import PhraseMatcher


def roundtrip(text, needle_norm):
    n = normalize(text)
    i = n.text.index(needle_norm)
    start, end = n.original_span(i, i + len(needle_norm))
    return text[start:end]


@pytest.mark.parametrize("raw, folded", [
    ("جبهات القـ.تال في أرياف حماة", "جبهات القتال في ارياف حماه"),
    ("تشهد هجـ.مة شـ.رسة", "تشهد هجمه شرسه"),
    ("بعد قـ ـصف مدفعي", "بعد قصف مدفعي"),
    ("اندلعت ا.ش.تباكات عنيفة", "اندلعت اشتباكات عنيفه"),
    ("مـقـتـل ٣ مدنيين", "مقتل 3 مدنيين"),
    ("قُتِلَ أحمدُ في إدلبَ", "قتل احمد في ادلب"),
    ("مسؤولٌ في الأمم المتّحدة", "مسوول في الامم المتحده"),
    ("\u200fبيان\u200e رسمي", "بيان رسمي"),
])
def test_fold(raw, folded):
    assert normalize(raw).text == folded


@pytest.mark.parametrize("raw", [
    "قال د.محمد إن الوضع خطير",      # an abbreviation stays apart
    "في سوريا.وقال مصدر",             # a missing space is not a filter evasion
    "وصل الوفد إلى جنيف - سويسرا",
])
def test_real_words_are_not_merged(raw):
    assert normalize(raw).text == raw.translate(str.maketrans("إأى", "ااي"))


def test_offsets_point_to_original_characters():
    text = "أخبار: القـ.تال في مـقـتـل قائد “الفرقة” ﻻ يزال"
    n = normalize(text)
    assert len(n.offsets) == len(n.text)
    assert roundtrip(text, "القتال") == "القـ.تال"
    assert roundtrip(text, "مقتل") == "مـقـتـل"
    assert roundtrip(text, "الفرقه") == "الفرقة"


def test_ligature_expands_without_shifting_offsets():
    text = "ﻻ يوجد قصف"
    n = normalize(text)
    assert n.text == "لا يوجد قصف"
    assert roundtrip(text, "قصف") == "قصف"
    assert roundtrip(text, "لا") == "ﻻ"


def test_trailing_marks_stay_with_their_word():
    text = "قَتَلَ الجنودُ"
    assert roundtrip(text, "الجنود") == "الجنودُ"


def test_tokens_split_clitics_and_index_original_text():
    text = "وبالجيش وللمدنيين قتلوهم"
    n = normalize(text)
    toks = tokenize(n)
    assert [t.norm for t in toks] == ["وبالجيش", "وللمدنيين", "قتلوهم"]
    assert toks[0].prefix == "وبال" and toks[0].stem == "جيش"
    assert toks[2].suffix == "هم"
    assert all(text[t.start:t.end] for t in toks)


def test_digits_glued_to_a_word_are_a_word_of_their_own():
    text = "مقتل 17حوثيا في 1436هـ"
    toks = tokenize(normalize(text))
    assert [text[t.start:t.end] for t in toks] == ["مقتل", "17", "حوثيا", "في", "1436", "هـ"]


def test_sentences_and_clauses():
    text = ("قتل 3.5 مدنيين؟ لا. قصفت الطائرات بلدة كفرنبودة، وأصيب عشرة أشخاص.\n"
            "وقال د. أحمد إن القصف مستمر")
    sents = sentences(text)
    assert [text[s.start:s.end] for s in sents] == [
        "قتل 3.5 مدنيين؟", "لا.", "قصفت الطائرات بلدة كفرنبودة، وأصيب عشرة أشخاص.",
        "وقال د. أحمد إن القصف مستمر"]
    third = sents[2]
    assert [text[a:b] for a, b in third.clauses] == ["قصفت الطائرات بلدة كفرنبودة", "وأصيب عشرة أشخاص."]


def test_a_full_stop_after_a_year_ends_the_sentence_after_a_list_number_not():
    text = "دخل الجيش المدينة في يناير 1995. وتسببت المعارك في مقتل المئات.\n1. البند الأول"
    assert [text[s.start:s.end] for s in sentences(text)] == [
        "دخل الجيش المدينة في يناير 1995.", "وتسببت المعارك في مقتل المئات.", "1. البند الأول"]


def test_long_sentence_is_cut_at_clause_boundaries():
    text = "، ".join(["اشتباكات في ريف حماة"] * 200)
    sents = sentences(text, max_chars=300)
    assert all(s.end - s.start <= 300 for s in sents)
    assert len(sents) > 5


def test_matcher_clitics_and_wildcards():
    m = PhraseMatcher()
    m.add("الجيش", "army")
    m.add("قتل*", "kill", verb=True)
    m.add("هيئة تحرير الشام", "hts")
    m.add("مسلح*", "armed")
    n = normalize("وقال للجيش إن مسلحين سيقتلون عناصر من هيئة تحرير الشام والجيشان")
    found = {(x.payload, n.text[x.nstart:x.nend]) for x in m.find(n.text)}
    assert ("army", "للجيش") in found
    assert ("armed", "مسلحين") in found
    assert ("kill", "سيقتلون") in found
    assert ("hts", "هييه تحرير الشام") in found
    assert not any(t == "والجيشان" for _, t in found)  # not a listed ending


def test_matcher_needs_word_boundaries():
    m = PhraseMatcher()
    m.add("حماة", "hama")
    n = normalize("الحماية المدنية في حماة")
    assert [n.text[x.nstart:x.nend] for x in m.find(n.text)] == ["حماه"]


def test_fold_is_idempotent():
    assert fold(fold("هيئةُ تحريرِ الشّام")) == fold("هيئةُ تحريرِ الشّام") == "هييه تحرير الشام"


def test_matcher_lam_with_article_on_a_lam_word():
    m = PhraseMatcher()
    m.add("اللاذقية", "latakia")
    m.add("الجيش", "army")
    n = normalize("وصل للاذقية وللجيش")
    assert [x.payload for x in m.find(n.text)] == ["latakia", "army"]


def test_matcher_affixes_at_their_longest_and_one_letter_more():
    m = PhraseMatcher()
    m.add("مال", "money")
    m.add("قتل*", "kill", verb=True)
    m.add("*ستان", "stan")
    n = normalize("الاستعمال في ماليزيا وبالمال فسيقتلونهم في افغانستان بمالهما")
    found = [(x.payload, n.text[x.nstart:x.nend]) for x in m.find(n.text)]
    assert found == [("money", "وبالمال"), ("kill", "فسيقتلونهم"), ("stan", "افغانستان"),
                     ("money", "بمالهما")]
