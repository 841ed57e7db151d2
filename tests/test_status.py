"""The status stage: only candidates the clause reports as having happened become events."""
import json

import pytest

from rasd.events.status import (EventStatus, StatusModel, load_status_model)
from rasd.options import Options
from rasd.pipeline import Pipeline

PUBLISHED = "2024-03-10"


def statuses(text: str, plover: str = "ASSAULT", model=False) -> list[str]:
    """Statuses of the candidates of ``plover``, with the rules only unless a model is given."""
    options = Options(keep_unreported_events=True)
    pipe = Pipeline(options)
    pipe.replace("status", EventStatus(options, model=model))
    pipe.remove("incidents")
    return [e.status for e in pipe.run(text, published=PUBLISHED).events if e.plover_type == plover]


@pytest.mark.parametrize("text, status", [
    ("اتهمت منظمة حقوقية دولية الأجهزة الأمنية بتعذيب المعتقلين في السجون المركزية", "accusation"),
    ("حذر وزير الداخلية من هجمات محتملة على الكنائس خلال الأعياد المقبلة", "warning"),
    ("ونظم أنصار الحركة مسيرة حاشدة في المدينة، انتقاما لاغتيال قائدها", "motive"),
    ("وقتل أكثر من ثلاثمئة مدني في الغارات الجوية على المدينة منذ بداية العام", "aggregate"),
    ("وكتب الصحفي مقالا بعنوان اغتيال الحقيقة في زمن الحرب", "metaphor"),
    ("وأعلنت الشرطة ضبط حزام ناسف وأسلحة في مخبأ بضواحي المدينة", "seized"),
    ("وتعيش المدينة هدوءا حذرا منذ تفجيرات الصيف التي هزت وسطها", "reference"),
    ("وأشار التقرير إلى أن ظاهرة الاغتيالات تراجعت في المحافظة", "generic"),
    ("وأعيد فتح الأسواق بعد أكثر من أسبوع على أعمال عنف شهدتها الضاحية الجنوبية", "reference"),
    ("وهذا رابع هجوم بعبوة ناسفة تشهده المدينة منذ مطلع الشهر", "reference"),
    ("وذكر شهود أن وحدات من الشرطة أغلقت موقع الهجوم ومنعت الصحفيين من الاقتراب", "reference"),
    ("وقالت النقابة في بيانها إن اغتيال المراسل يمثل ضربة لحرية الصحافة في البلاد", "talked_about"),
    ("وسجلت المنظمة أكثر من 230 هجوما مسلحا على المدارس في العام الماضي وحده", "aggregate"),
    ("وبلغ عدد الضربات الجوية 65 ضربة في تلك المحافظة وفق تقرير شهري للتحالف", "aggregate"),
    ("وتساءل الكاتب عن المستفيد مما يجري من تفجيرات في المدن الكبرى", "generic"),
    ("وكثيرا ما تشهد أحياء العاصمة الشرقية، وخاصة قرب الأسواق، اشتباكات بين عصابات مسلحة", "habitual"),
    ("وقتل أكثر من 300 شخص في هجمات شنها المتمردون في الإقليم بحسب تعداد لوكالة أنباء محلية", "aggregate"),
    ("وقال المرصد إن الغارات قتلت 1250 من عناصر التنظيم والفصائل المتحالفة معه بينهم عشرات القادة خلال 8 أشهر",
     "aggregate"),
    ("وانتهت المباراة بتعادل سلبي وسط أجواء متوترة واشتباك لفظي بين مدربي الفريقين", "metaphor"),
    ("وتمكن خبراء المتفجرات صباح اليوم من إبطال مفعول عبوة ناسفة وضعت قرب مدخل السوق", "seized"),
    ("وقطعت الحكومة علاقاتها مع الجارة غداة الهجوم الذي شنه المتمردون على العاصمة", "reference"),
    ("وحذرت الشرطة الاتحادية في العاصمة من هجمات بسيارات مفخخة على الحواجز", "warning"),
    ("وبحسب التقرير فإن قوات النظام قتلت 87 مدنيا بينهم 20 طفلا", "aggregate"),  # the report's own count  # the instrument is the act's
])
def test_rules_name_what_a_non_report_is(text, status):
    assert status in statuses(text)


@pytest.mark.parametrize("text", [
    "قصفت طائرات حربية بلدة في ريف المحافظة أمس ما أدى إلى مقتل ثلاثة مدنيين",
    "قتل جنديان وأصيب خمسة آخرون في هجوم بعبوة ناسفة استهدف دورية للجيش صباح اليوم",
    "تعرضت قافلة مساعدات لهجوم مسلح على الطريق الدولي مساء أمس",
    "وقتل خمسة أشخاص في ثاني هجوم انتحاري يستهدف العاصمة خلال أسبوع",
])
def test_reports_keep_their_status(text):
    assert statuses(text) and set(statuses(text)) == {"reported"}


def test_purpose_and_relative_clause_rules_apply_to_every_type():
    aims = Pipeline(Options(keep_unreported_events=True)).run(
        "وتوجه الوفد إلى العاصمة للتفاوض على الإفراج عن الأسرى", published=PUBLISHED)
    assert any(e.status == "purpose" for e in aims.events)
    # تعرّض + ل-noun is the act suffered, not an aim
    assert statuses("تعرضت دورية للشرطة لهجوم مسلح في وسط المدينة مساء أمس") == ["reported"]


def test_an_agent_phrase_confirms_the_deed():
    found = statuses("وتشهد جبهات القتال في ريف المحافظة هجمة شرسة من قبل قوات النظام منذ أيام")
    assert "reported" in found


def test_unreported_candidates_are_dropped_by_default():
    doc = Pipeline().run("اتهمت منظمة حقوقية دولية الأجهزة الأمنية بتعذيب المعتقلين في السجون المركزية",
                         published=PUBLISHED)
    assert not [e for e in doc.events if e.plover_type == "ASSAULT"]
    assert all(e.status in ("reported", "recalled") for e in doc.events)


def test_user_status_file_adds_cues(tmp_path):
    extra = tmp_path / "status.tsv"
    extra.write_text("pattern\tstatus\tscope\tnote\nفي رواية\tgeneric\tsentence\tin a novel\n", encoding="utf-8")
    options = Options(status_files=(extra,), keep_unreported_events=True)
    pipe = Pipeline(options)
    pipe.replace("status", EventStatus(options, model=False))
    text = "وأطلق القناص النار على الجنود في رواية الكاتب الجديدة"
    assert "generic" not in statuses(text)
    doc = pipe.run(text, published=PUBLISHED)
    assert "generic" in [e.status for e in doc.events if e.plover_type == "ASSAULT"]


def test_the_model_is_a_plain_logistic_regression(tmp_path):
    model = StatusModel({"trig=ASSAULT:قصف": 2.0, "wL=منذ": -4.0}, bias=0.0, thresholds={"*": 0.5})
    assert model.probability(["trig=ASSAULT:قصف"]) > 0.85
    assert not model.reported("ASSAULT", ["trig=ASSAULT:قصف", "wL=منذ"])
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_dict(), ensure_ascii=False), encoding="utf-8")
    assert load_status_model(path) == model


def test_a_users_model_replaces_the_bundled_one(tmp_path):
    # a model that finds nothing reported: every long violent candidate becomes a mention
    path = tmp_path / "never.json"
    path.write_text(json.dumps({"weights": {}, "bias": -10.0, "thresholds": {"*": 0.5}}), encoding="utf-8")
    text = "وقالت مصادر محلية إن قذائف سقطت على حي سكني في المدينة فجر اليوم وأدت إلى أضرار مادية كبيرة في المنازل"
    options = Options(status_model=path, keep_unreported_events=True)
    doc = Pipeline(options).run(text, published=PUBLISHED)
    assert [e.status for e in doc.events if e.plover_type == "ASSAULT"] == ["mention"]
    assert [e.status for e in Pipeline().run(text, published=PUBLISHED).events
            if e.plover_type == "ASSAULT"] == ["reported"]


def test_bundled_model_is_deterministic_and_small():
    model = load_status_model()
    assert model is not None and 0 < len(model.weights) < 50_000
    assert set(model.thresholds) >= {"*", "ASSAULT", "PROTEST"}


def test_a_manner_phrase_is_no_event_but_an_object_is():
    doc = Pipeline(Options(keep_unreported_events=True)).run(
        "وقال المسؤول إن القوات ستعمل بالتنسيق مع الجيش على تأمين الطريق الدولي", published=PUBLISHED)
    assert [e.status for e in doc.events if e.plover_type == "COOPERATE"] == ["manner"]


def test_a_gathering_a_ban_names_was_not_held():
    assert statuses("وأصدرت وزارة الداخلية قرارا بحظر التجمعات العامة في العاصمة حتى إشعار آخر",
                    "PROTEST") == ["topic"]
    assert statuses("ونظمت النقابات أمس تجمعات احتجاجية أمام مقر البرلمان في العاصمة", "PROTEST") == ["reported"]


def test_a_habit_is_no_event_of_any_type():
    doc = Pipeline(Options(keep_unreported_events=True)).run(
        "ولعبت الحكومة مرارا دور الوساطة بين الأطراف المتنازعة في المنطقة", published=PUBLISHED)
    assert doc.events and {e.status for e in doc.events} == {"habitual"}
    # an adverb of habit governs its clause's verb, however long the subject between
    assert statuses("وكثيرا ما تشهد أحياء العاصمة الشرقية، وخاصة قرب الأسواق، مسيرات غاضبة للعاطلين عن العمل",
                    "PROTEST") == ["habitual"]
    assert statuses("واندلعت أمس اشتباكات بين عصابات مسلحة في أحياء العاصمة الشرقية، وخاصة قرب الأسواق") == [
        "reported"]


def test_a_cue_of_several_words_counts_from_its_last_word():
    assert "generic" in statuses("وفي السنوات القليلة الماضية خطف مسلحون عشرات الأجانب في المنطقة")


def test_a_broken_model_file_is_named(tmp_path):
    from rasd.errors import DataFileError
    bad = tmp_path / "bad.json"
    bad.write_text('{"weights": {}}', encoding="utf-8")
    with pytest.raises(DataFileError, match="bad.json"):
        load_status_model(bad)


def test_a_politicians_attack_with_no_casualties_is_words():
    doc = Pipeline().run("وشن رئيس الحزب المعارض هجوما على رئيس الوزراء في مؤتمر صحفي عقده في العاصمة",
                         published=PUBLISHED)
    assert [e.plover_type for e in doc.events if e.trigger.startswith("هجوم")] == ["ACCUSE"]


def test_confrontations_of_armed_groups_are_a_clash_of_protesters_a_riot():
    armed = Pipeline().run("ولقي عشرة مسلحين من الحوثيين مصرعهم في مواجهات عنيفة تشهدها مديريات المحافظة "
                           "منذ يومين بين مليشيات الحوثي والمقاومة الشعبية", published=PUBLISHED)
    clash = [e for e in armed.events if e.plover_type == "ASSAULT"]
    assert len(clash) == 1 and clash[0].acled_sub_event_type == "Armed clash"
    riot = Pipeline().run("واندلعت مواجهات بين عشرات الشبان وقوات الأمن في وسط المدينة أمس", published=PUBLISHED)
    assert [e.plover_type for e in riot.events] == ["PROTEST"]


def test_a_rate_or_a_period_of_months_is_a_total():
    assert "aggregate" in statuses("وقدر المسؤولون أن الغارات الجوية تقتل نحو ألف مقاتل من المتشددين شهريا")
    assert "aggregate" in statuses("وقتل 750 شخصا في معارك المدينة خلال ثلاثة أشهر من الاشتباكات")


def test_counted_cases_and_a_fear_are_no_incidents():
    assert "aggregate" in statuses("ورصد التقرير حالات اختطاف واعتقال تعرض لها صحفيون في البلاد")
    assert "warning" in statuses("ونشرت الشرطة تعزيزات في المدينة القديمة خوفا من اندلاع اشتباكات")
    # a death reported with its cause stays a report
    assert "reported" in statuses("قتل ثلاثة جنود إثر هجوم على نقطة عسكرية في المنطقة صباح اليوم")


@pytest.mark.parametrize("text, plover", [
    ("وقال مدرب الفريق إن المفاوضات مع اللاعب ما زالت متعثرة بسبب قيمة العقد", "CONSULT"),
    ("وتعتمد آلاف الأسر في المخيمات على المساعدات منذ سنوات", "AID"),
])
def test_a_talk_or_an_aid_named_by_a_noun_is_a_topic(text, plover):
    assert statuses(text, plover) == ["topic"]


@pytest.mark.parametrize("text, plover", [
    ("وعقد وزيرا الخارجية اجتماعا مطولا في العاصمة أمس", "CONSULT"),  # a verb of doing governs it
    ("ووقعت الحكومة وجماعة الحوثي اتفاقا لتبادل الأسرى", "AGREE"),    # the subject between
    ("وكشفت مصادر عن اتفاق الحكومة مع المعارضة على تشكيل لجنة", "AGREE"),  # its doer as genitive
    ("واتفقت الحكومة والمعارضة على تشكيل لجنة مشتركة", "AGREE"),       # a verb
])
def test_a_verbal_noun_governed_by_a_deed_or_a_doer_is_reported(text, plover):
    assert "reported" in statuses(text, plover)


def test_an_office_holders_attack_on_a_government_is_words():
    doc = Pipeline().run("من جانبه، شن نائب الرئيس العراقي هجوما على حكومة رئيس الوزراء داعيا البرلمان إلى مساءلتها",
                         published=PUBLISHED)
    assert [e.plover_type for e in doc.events if e.trigger.startswith("هجوم")] == ["ACCUSE"]


@pytest.mark.parametrize("text", [
    "وأدانت الحكومة التفجيرات بشدة ووصفتها بالعمل الجبان",
    "وطالب الادعاء العام بإجراء تحقيقات بشأن اختطاف المواطن في العاصمة",
    "واستنكرت فرنسا وألمانيا وإيطاليا الاعتداءات بشدة",  # the condemners between verb and object
])
def test_an_act_condemned_or_investigated_is_talked_about(text):
    assert statuses(text) == ["talked_about"]


def test_a_condemned_act_with_its_toll_is_still_reported():
    assert "reported" in statuses("وأدانت الحكومة الهجوم الذي أسفر عن مقتل خمسة جنود في المدينة أمس")


@pytest.mark.parametrize("text, status", [
    ("وأكد الوزير أن بلاده مستعدة لردع أي هجوم على حدودها الشمالية", "generic"),       # any attack
    ("وتتضمن الدورة التدرب على القيام باختطاف جنود العدو", "generic"),        # training for it
    ("وقال الطبيب إن السجين أضرب عن الطعام لتجنب التعرض للتعذيب", "generic"),  # exposure in general
    ("وقال محللون إن المدينة ستتعرض لقصف عنيف إذا انهارت الهدنة", "generic"),       # in the future
    ("وزار المحافظ البلدة التي تتعرض دائما لقذائف المسلحين", "habitual"),
    ("ويعتقد محققون أن غارة جوية قبل أسابيع أصابت مخبأ القائد الميداني", "speculation"),
    ("وأكد الوزير ضرورة وقف القصف على الأحياء السكنية فورا", "speculation"),       # an obligation
    ("وقال الخبير إن الحرب الأهلية في البلاد مغامرة انتحارية بكل المقاييس", "metaphor"),
    ("ويرى الكاتب أن الاغتيالات السياسية ظاهرة قديمة في تاريخ البلاد", "generic"),
    ("وقتل عدد من قادة التنظيم في الأشهر الأخيرة في غارات جوية", "aggregate"),   # over months
    ("وقال إن 400 شخص قتلوا في معارك المدينة خلال 3 أشهر", "aggregate"),          # a span in figures
    ("وأسفرت الهجمات عن مقتل أكثر من 500 شخص وفقا لحصيلة أعدتها وكالة أنباء", "aggregate"),  # a compiled tally
    ("وعاد الكاهن إلى منزله بعد أسبوعين من خطفه", "reference"),                   # a landmark in time
    ("وجاء قرار المحكمة العليا في ضربة لسلطة سليمان ونفوذه", "metaphor"),  # a setback
])
def test_an_act_of_no_one_time_is_no_report(text, status):
    assert statuses(text) == [status]


@pytest.mark.parametrize("text, plover", [
    ("ودعا زعيم الحزب أمس الحكومة والمتمردين إلى وقف القتال وبدء مفاوضات مباشرة", "CONSULT"),
    ("وطالب أهالي المعتقلين بالإفراج عن أبنائهم المحتجزين منذ أشهر", "RETREAT"),
    ("ودعت النقابة العمال إلى التظاهر أمام مبنى الوزارة يوم الأحد المقبل", "PROTEST"),
])
def test_what_a_call_asks_for_has_not_happened(text, plover):
    assert statuses(text, plover) == ["requested"]


def test_the_callers_of_a_call_can_be_the_event():
    """Protesters who call for something are protesting: they are the callers, not the content."""
    assert "reported" in statuses("وطالب محتجون تجمعوا صباح الأحد قرب مبنى المحكمة بالإفراج عن زملائهم الموقوفين", "PROTEST")


@pytest.mark.parametrize("text, plover", [
    ("واشترط الدائنون إصلاحات جديدة لبدء المفاوضات مع الحكومة حول الديون", "CONSULT"),
    ("وقال المسؤول إنهم سيعملون على فتح الميناء لاستقبال المساعدات الإنسانية", "AID"),
])
def test_a_talk_or_an_aid_named_as_an_aim_has_not_happened(text, plover):
    assert statuses(text, plover) == ["purpose"]


def test_people_held_as_hostages_are_abducted():
    text = "وقال مسؤول في الشرطة إن مسلحين احتجزوا أربعة من رجال الأمن رهائن منذ مساء الأحد"
    assert statuses(text, "ASSAULT") == ["reported"] and statuses(text, "COERCE") == []


@pytest.mark.parametrize("text", [
    "ولزم الوزراء الصمت طوال محنة الرهائن الأخيرة",
    "وقال المتظاهر إن سكان الحي يشعرون أنهم رهائن بيد المسؤولين",
])
def test_the_word_hostages_alone_reports_no_taking(text):
    assert statuses(text) == []


def test_what_someone_used_to_do_is_background():
    """``كانا يتعاونان مع``: كان with a present verb is background, not a deed."""
    assert statuses("وقال البيان إن العملية استهدفت شرطيين كانا يتعاونان مع التنظيم في المدينة",
                    "COOPERATE") == ["habitual"]


def test_a_noun_with_ka_says_what_something_is_like():
    assert statuses("واعتبر المراقبون اللقاء كالمفاوضات الرسمية بين الطرفين", "CONSULT") == ["description"]
    # the tokenizer leaves a bare ك on its word; the lexicon read the trigger past it
    assert statuses("وقال المصدر إن القافلة كانت متجهة نحو الجبهة الغربية كتعزيزات للمقاتلين المحاصرين",
                    "MOBILIZE") == ["description"]
    assert statuses("ونصب المسلحون كمينا لدورية الجيش قرب المدينة أمس") == ["reported"]  # كمين is the word


@pytest.mark.parametrize("text, status", [
    ("واستدعت الخارجية المصرية سفير إسرائيل أمس للاحتجاج على الانتهاكات", "reported"),  # an envoy recalled
    ("وانقلبت المركبة مما استدعى تدخل فرق الدفاع المدني", "generic"),                   # "required"
])
def test_a_recall_needs_an_envoy_as_its_object(text, status):
    assert statuses(text, "SANCTION") == [status]


def test_a_non_violent_act_named_after_after_is_a_landmark():
    assert statuses("وبعد انسحاب القوات الأجنبية من البلاد بقي آلاف المدربين", "RETREAT") == ["reference"]


def test_a_counted_noun_is_no_act():
    """``يدرس بالجامعة 39500 طالب``: students counted, no demand."""
    assert "reported" not in statuses("ويدرس بالجامعة أكثر من 39500 طالب في الكليات العلمية", "REQUEST")


@pytest.mark.parametrize("text", [
    "وتطلبت الاختبارات المقدمة في معظم المدارس جهدا كبيرا",           # to require
    "وتنقل القنوات قدوم القبائل في دعوات الزواج وما يصاحبها",          # wedding invitations
    "وتقدم اللاجئون بطلب لجوء لدى السلطات المختصة",                  # an asylum application
])
def test_words_of_requiring_inviting_or_applying_are_no_demand(text):
    assert statuses(text, "REQUEST") == []


def test_an_inquiry_needs_what_it_is_into():
    assert statuses("وفتحت النيابة العامة تحقيقا في ملابسات الحادث أمس", "ACCUSE") == ["reported"]
    assert "reported" not in statuses("ونجح المكتب في تحقيق عدد من الإنجازات خلال الشهر", "ACCUSE")  # achieving


def test_an_act_under_inquiry_is_talked_about():
    assert statuses("وفتحت النيابة تحقيقا في اختطاف الصحفي من منزله") == ["talked_about"]


def test_people_seized_are_arrested():
    """ضبط takes anything; with people as its object it is an arrest."""
    text = "وأعلنت مديرية الأمن أن دورياتها تمكنت فجر اليوم من ضبط 12 من المطلوبين في حي الزهور"
    assert statuses(text, "COERCE") == ["reported"]
    ev = [e for e in Pipeline().run(text, published=PUBLISHED).events if e.plover_type == "COERCE"]
    assert [(e.plover_mode, e.acled_sub_event_type) for e in ev] == [("arrest", "Arrests")]


@pytest.mark.parametrize("text", [
    "وقال الوزير إن ضبط الأسعار في الأسواق أولوية الحكومة هذا العام",
    "ويساعد الجهاز على ضبط درجة الحرارة داخل المنزل",
])
def test_seizing_what_is_no_person_is_no_arrest(text):
    assert statuses(text, "COERCE") and all(s not in ("reported", "recalled") for s in statuses(text, "COERCE"))
    assert not [e for e in Pipeline().run(text, published=PUBLISHED).events if e.plover_type == "COERCE"]


def test_the_alternative_to_an_aim_is_an_aim_too():
    """``للضغط … لتزويدهم بخدمات أو الإفراج عن``: the release is what was sought."""
    text = "وخطف مسلحون مهندسين أجانب للضغط على السلطات لتوفير وظائف لهم أو الإفراج عن أقارب معتقلين"
    assert statuses(text, "RETREAT") == ["purpose"]


def test_a_denial_of_a_claim_is_a_rejection_past_a_titled_subject():
    text = "نفى وزير الخارجية الإيراني محمد جواد ظريف أمس الاتهامات بتزويد المتمردين بالسلاح"
    assert statuses(text, "REJECT") == ["reported"]
    assert statuses("ونفى المتحدث أن تكون الطائرات قد قصفت السوق", "REJECT") == ["generic"]


def test_an_agreement_named_as_a_landmark_is_a_reference():
    assert statuses("وصوت المجلس على القانون بعد يومين على إبرام اتفاق مع الدائنين", "AGREE") == ["reference"]


@pytest.mark.parametrize("text, plover", [
    ("وأدت السيول إلى قطع الطريق واحتجاز عشرات المركبات على الجسر", "COERCE"),
    ("وانسحب هذا الوضع على المدن المجاورة التي شهدت نقصا في الوقود", "RETREAT"),
])
def test_words_of_force_in_another_sense_are_no_candidates(text, plover):
    assert statuses(text, plover) == []


def test_demands_named_as_what_someone_supports_are_talked_about():
    assert statuses("وقال النائب إنه يؤيد مطالب المعتصمين في الساحة", "REQUEST") == ["topic"]


@pytest.mark.parametrize("text, plover", [
    ("وبدأت المفاوضات بين الحكومة والدائنين بشأن حزمة جديدة من المساعدات المالية", "AID"),
    ("وأقر البرلمان خطة تتضمن مساعدات مالية للمزارعين المتضررين", "AID"),
])
def test_what_a_talk_or_a_deal_is_about_is_its_topic(text, plover):
    found = statuses(text, plover)
    assert found and all(s == "topic" for s in found)


def test_people_seized_past_a_long_subject_are_arrested_too():
    """The object of ضبط is looked for past its doer's name, for the arrest as for the event."""
    text = "وضبطت الأجهزة الأمنية السعودية أمس 12 متهما بتهريب السلاح"
    ev = [e for e in Pipeline().run(text, published=PUBLISHED).events if e.plover_type == "COERCE"]
    assert [e.plover_mode for e in ev] == ["arrest"]


def test_a_word_joined_to_a_governed_trigger_word_shares_its_governor():
    # وراء governs اغتيال, and the قتل joined to it by و: neither is reported
    assert "reported" not in statuses("وتساءل الكاتب هل كان التنظيم حقا وراء اغتيال وقتل الكوادر الحزبية")


def test_without_the_model_the_main_word_status_stands_over_an_undecided_word():
    # read from الغارات the strikes are undecided; read from استهدفت they are described
    assert statuses("ولم يشر البيان إلى الغارات الثلاث التي استهدفت مواقع التنظيم") == ["description"]
    # a toll reports the act whatever word names it
    assert statuses("وأدانت الحكومة الهجوم الذي أسفر عن مقتل خمسة جنود") == ["reported"]


@pytest.mark.parametrize("text, expected", [
    ("وتوترت العلاقات بين البلدين إثر الهجوم الذي شنه متمردون على العاصمة الشهر الماضي", "reference"),
    ("وقتل خمسة جنود إثر الهجوم الذي شنه مسلحون على الحاجز فجر اليوم", "reported"),
])
def test_a_known_act_described_after_after_dates_something_else(text, expected):
    assert statuses(text)[0] == expected


def test_suffering_in_a_relative_clause_is_not_confirmed():
    assert "reported" not in statuses("وقال المتحدث إن المنظمتين اللتين تعرضتا لهجوم في كانون الأول ستبقيان في البلاد")
    assert "reported" in statuses("وتعرضت المنظمتان لهجوم في العاصمة صباح أمس")


@pytest.mark.parametrize("text", [
    "وأرسل الجيش تعزيزات عسكرية إلى الحدود لشن هجوم على المسلحين",
    "واستدعي الجيش إلى المدينة لخوض معركة ضد المتطرفين",
])
def test_an_act_carried_by_a_verb_of_aim_is_aimed_at(text):
    assert statuses(text) == ["purpose"]



@pytest.mark.parametrize("text", [
    "وقالت المرأة إنها حاولت قتل نفسها مرات عدة بعد وفاة زوجها",
    "وكان أكثر من ألفي شخص قد قتلوا في كارثة تسونامي التي ضربت السواحل",
])
def test_a_death_by_one_own_hand_or_by_nature_is_no_attack(text):
    assert statuses(text) == []


def test_a_short_report_that_gives_its_toll_is_left_to_the_rules():
    # eleven words, no doer: the bundled model is not asked
    assert statuses("أصيب سفير بولندا في هجوم بعدة قنابل على قافلته وسط بغداد.", model=None) == ["reported"]


def test_what_a_visit_or_an_inspection_is_of_is_seen_not_done():
    assert statuses("وتفقد المحافظ موقع الانفجار الذي هز المدينة") == ["talked_about"]


@pytest.mark.parametrize("text, plover", [
    ("واحتشد آلاف المواطنين في الشوارع لمشاهدة الألعاب النارية ليلة العيد", "PROTEST"),
    ("وأطلقت البلدية قذائف ملونة أضاءت سماء الحديقة", "ASSAULT"),
    ("وأنهت شركات العمرة ترحيل معتمريها إلى بلدانهم", "COERCE"),
])
def test_fireworks_and_carrying_pilgrims_are_no_events(text, plover):
    assert statuses(text, plover=plover) == []


def test_an_act_named_as_the_object_of_praise_is_talked_about():
    assert statuses("وأشاد بإحباط العمليات الإرهابية ووصفه بالإنجاز الكبير", plover="COERCE") == ["talked_about"]


def test_a_count_over_a_counted_period_is_a_total():
    assert statuses("وتشير الإحصائيات إلى أن أكثر من 3500 شخص قتلوا على يد المسلحين خلال الأربعة الأشهر الماضية") \
        == ["aggregate"]


@pytest.mark.parametrize("text, plover", [
    ("وعرضت تسجيلات كانت تبثها قناة المسيرة التابعة للجماعة", "PROTEST"),
    ("وتنتظر الشرطة نتيجة تشريح جثة الرجل لمعرفة سبب الوفاة", "ASSAULT"),
])
def test_a_channel_name_and_an_autopsy_are_no_events(text, plover):
    assert statuses(text, plover=plover) == []


def test_an_act_noun_joined_to_an_aim_is_aimed_at_a_verb_after_a_name_is_not():
    assert statuses("ونعمل مع وزارة الداخلية للتصدي والقبض على المعتدين", plover="COERCE") == ["purpose"]
    assert "reported" in statuses("واقتحم المسلحون منزل عضو اللجنة المركزية لفتح، وقتلوا قائدا للحركة")


@pytest.mark.parametrize("text, plover", [
    ("ويعاني الشباب من الاكتئاب والإحباط بسبب البطالة", "COERCE"),
    ("وصادرت البلدية خمسة أطنان من الحلويات التالفة", "COERCE"),
])
def test_frustration_and_confiscated_goods_are_no_events(text, plover):
    assert statuses(text, plover=plover) == []


def test_worshippers_gathering_are_no_protest():
    assert statuses("وفي صبيحة يوم العيد يحتشد المصلون في الجوامع لأداء الصلاة", plover="PROTEST") == []
    assert statuses("واحتشد المتظاهرون أمام البرلمان للمطالبة بالإصلاح", plover="PROTEST")


@pytest.mark.parametrize("text, expected", [
    ("وكان الجنود ينصبون قواعد لاطلاق قذائف هاون على الحدود", "purpose"),
    ("واعتمد المجلس قائمة اغتيالات تشمل عددا من القيادات", "generic"),
])
def test_launching_pads_and_lists_of_targets_are_no_attacks(text, expected):
    assert statuses(text) == [expected]


def test_damaged_houses_are_no_confiscated_goods():
    assert statuses("قصفت الطائرات الحي وأصبحت المنازل تالفة بالكامل")


def test_a_chain_of_trigger_words_is_read_from_its_head():
    # انفجار hangs on قتل (after في), سيارة on انفجار (its genitive): all three are the
    # relative clause that describes the leader
    found = statuses("وقال مصدر إن القيادي الذي قتل في انفجار سيارة مفخخة بدمشق كان يعقد اجتماعا قبل أيام")
    assert found and "reported" not in found
    # a verb after a noun with the article is a clause of its own, no genitive
    from rasd.events.status import Candidate
    doc = Pipeline().run("فإن القصف استهدف معسكرات وقتل في انفجار سيارة مفخخة", published=PUBLISHED)
    c = Candidate(None, doc.tokens, 1, trigger_indexes=[1, 2, 4, 6, 7])  # the rules read only the words
    assert [r.trigger_index for r in c.readings()] == [1, 2, 4]



@pytest.mark.parametrize("text", [
    "وشنت الطائرات الحربية 30 غارة على ريف المحافظة في الشهر الماضي",  # one raid's strikes
    "وقامت الجماعة في ديسمبر 2005 بخطف تسعة جنود قرب الحدود",  # a year, no count of acts
])
def test_acts_done_or_dated_by_a_year_are_no_statistic(text):
    assert statuses(text) and set(statuses(text)) <= {"reported", "recalled"}


NEVER = StatusModel({}, -30.0, {"*": 0.5})  # a model that finds nothing reported


@pytest.mark.parametrize("plover, confirmed, left_to_the_model", [
    # a crowd that did the deed, its perfect verb before it (not a crowd as the object of a
    # noun, nor a verb in the imperfect)
    ("PROTEST", "واحتشدت مجموعات كبيرة من المتظاهرين أمام مبنى السفارة في وسط العاصمة صباح أمس "
                "ورددوا هتافات غاضبة ضد الحكومة ورفعوا صور المعتقلين",
     "ويتجمع عشرات المتظاهرين كل يوم جمعة أمام مبنى السفارة في وسط العاصمة للمطالبة بالإفراج عن "
     "المعتقلين"),
    ("PROTEST", "واحتشدت مجموعات كبيرة من المتظاهرين أمام مبنى السفارة في وسط العاصمة صباح أمس "
                "ورددوا هتافات غاضبة ضد الحكومة ورفعوا صور المعتقلين",
     "وتعمل وحدات الشرطة منذ ساعات الصباح الأولى على تفريق المتظاهرين في وسط العاصمة بالغاز المسيل "
     "للدموع وخراطيم المياه"),
    # a crowd's act organised in the perfect, not planned
    ("PROTEST", "وكانت نقابات المعلمين نظمت يوم الأحد الماضي مسيرات رافضة لقرار تجميد الرواتب في ثلاث "
                "مدن ورفعت شعارات تطالب الوزير بالاستقالة",
     "وتنظم نقابات المعلمين يوم الأحد المقبل مسيرات رافضة لقرار تجميد الرواتب في ثلاث مدن "
     "للمطالبة باستقالة الوزير"),
    # what an operation resulted in; a toll after أسفر عن is the model's to weigh
    ("COERCE", "وأسفرت حملة مداهمات نفذتها الشرطة فجر الثلاثاء عن ضبط 17 من المطلوبين في أحياء متفرقة "
               "من العاصمة بعد تحريات استمرت شهرا", None),
    ("ASSAULT", None, "وانفجرت سيارة مفخخة قرب سوق شعبي في وسط المدينة صباح أمس ما أسفر عن مقتل خمسة "
                      "أشخاص وإصابة عشرة آخرين بجروح"),
    # a destruction wrought by an attack named right before its verb, not by a flood
    ("COERCE", "وأكد رئيس البلدية في اتصال هاتفي مع الصحيفة أن الغارات دمرت مدرسة ومستوصفا في الحي "
               "القديم من البلدة",
     "وأكد رئيس البلدية في اتصال هاتفي مع الصحيفة أن السيول دمرت مدرسة ومستوصفا في الحي القديم "
     "من البلدة"),
])
def test_confirming_rules_report_what_the_clause_says_was_done(plover, confirmed, left_to_the_model):
    if confirmed is not None:
        assert "reported" in statuses(confirmed, plover, model=NEVER)
    if left_to_the_model is not None:
        assert "reported" not in statuses(left_to_the_model, plover, model=NEVER)


def _rule_on_readings(rule, text: str) -> list:
    """What ``rule`` says of each reading of each ASSAULT candidate of ``text``."""
    options = Options(keep_unreported_events=True)
    pipe = Pipeline(options)
    pipe.remove("incidents")
    pipe.remove("status")
    doc = pipe.run(text, published=PUBLISHED)
    return [rule(r) for c in EventStatus(options, model=False).candidates(doc)
            if c.event.plover_type == "ASSAULT" for r in c.readings()]


@pytest.mark.parametrize("text, found", [
    ("وقام مسلحون ملثمون بخطف موظف في البلدية من سيارته قرب السوق", "reported"),
    ("وردت القوات الحكومية بقصف مواقع المسلحين في التلال المحيطة", "reported"),  # a verb of answering
    ("وقامت دورية للجيش أمس بمداهمة منزل واعتقال ثلاثة شبان", None),  # the arrest is no ASSAULT
    ("ويحال إلى القضاء كل من قام بالاعتداء على المنشآت العامة", None),  # whoever did: a description
    ("وأكد الضابط أن الذين قاموا بتفجير السيارة فروا إلى الجبال", None),
])
def test_a_perfect_of_doing_with_a_bi_noun_reports_the_deed(text, found):
    from rasd.events.status import carried_out
    readings = _rule_on_readings(carried_out, text)
    assert (found in readings) if found else not any(readings)


def test_a_bomb_detonated_where_it_was_found_is_seized():
    assert statuses("وقام خبراء المتفجرات بتفجير القنبلة في مكانها بعد إخلاء الشارع") == ["seized"]


def test_a_nuclear_test_is_no_attack():
    assert statuses("وأجرت كوريا الشمالية تفجيرا نوويا تحت الأرض في موقع للتجارب") == []


def test_an_act_a_decision_names_is_decided_not_done():
    assert statuses("وأصدرت المحكمة العليا قرارا بهدم عشرات المنازل في القرية", "COERCE") == ["decided"]
    assert statuses("وأصدرت محكمة عسكرية حكما بإعدام ثلاثة متهمين بالانتماء إلى الخلية") == ["decided"]
    assert statuses("وهدمت الجرافات عشرات المنازل في القرية صباح أمس", "COERCE") == ["reported"]


@pytest.mark.parametrize("text, status", [
    ("فقالت إنها تظاهرت بأنها نائمة حتى غادر المسلحون المنزل", "metaphor"),        # pretend
    ("وأكد الوزير أن إيران تخلق الشغب في المنطقة", "metaphor"),  # a state's "riot"
    ("واحتشد المئات من أهالي الحي للاحتفال بعيد الفطر في ساحات مدينة الدوحة", "celebration"),
])
def test_a_crowd_word_that_reports_no_protest(text, status):
    assert status in statuses(text, "PROTEST")


def test_a_protest_near_an_embassy_is_still_a_protest():
    assert statuses("وتظاهر المئات بالقرب من السفارة احتجاجا على القرار", "PROTEST") == ["reported"]


def test_a_guess_or_an_obligation_is_no_event_of_any_type():
    assert statuses("ومن المتوقع أن يزور الرئيس الأمريكي العاصمة الإثيوبية خلال جولته", "CONSULT") == ["speculation"]
    assert statuses("وأكد الوزير أنه لا بد من زيارة المكتب لإتمام المعاملة", "CONSULT") == ["speculation"]
