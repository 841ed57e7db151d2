"""De-duplication measured on a small labelled set written for it, and (when the shared
corpus is present) on real syndicated news.

The labelled set: 26 event reports of 16 happenings (gold labels), with the difficulties
real reporting has — other wording, a late or vague date, a governorate instead of the
town, an unnamed attacker, the two sides of a battle named in the other order, higher
tolls — and near misses that must stay apart: the same day 30 km away, three days later,
another attacker, a denied report, a report with nothing to compare on. Two reports are
knowingly beyond the rules (see docs/store.md): a report that gives no date and appears
a day after the others, and repeated shellings of one town by the same forces a few
hours apart.
"""
from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rasd.store import EventQuery
from rasd.store import dedup

SYR_ARMY = {"name": "Syrian Arab Army", "id": "syr-mil", "country": "SYR", "sector": "MIL"}
SYR_FORCES = {"name": "Syrian government forces", "id": None, "country": "SYR", "sector": "MIL"}
RUS_AIR = {"name": "Russian Air Force", "id": "rus-mil", "country": "RUS", "sector": "MIL"}
TUR_MIL = {"name": "Turkish Armed Forces", "id": "tur-mil", "country": "TUR", "sector": "MIL"}
SDF = {"name": "Syrian Democratic Forces", "id": "sdf", "country": "SYR", "sector": "REB"}
HTS = {"name": "Hayat Tahrir al-Sham", "id": "hts", "country": "SYR", "sector": "REB"}
CIV = {"name": "Civilians", "country": "SYR", "sector": "CVL"}
LNA = {"name": "Libyan National Army", "id": "lna", "country": "LBY", "sector": "MIL"}
GNA = {"name": "Government of National Accord forces", "id": "gna", "country": "LBY", "sector": "MIL"}
IRQ_COP = {"name": "Iraqi Security Forces", "id": "irq-cop", "country": "IRQ", "sector": "COP"}
IRQ_RIOT = {"name": "Iraqi riot police", "id": "irq-riot-police", "country": "IRQ", "sector": "COP"}
PROTESTERS_IQ = {"name": "Protesters", "country": "IRQ", "sector": "CVL"}
PROTESTERS_LB = {"name": "Protesters", "country": "LBN", "sector": "CVL"}


def place(name, admin1, country, lat, lon, precision="town"):
    return {"name": name, "admin1": admin1, "country": country, "lat": lat, "lon": lon, "precision": precision}


KAFRANBEL = place("Kafranbel", "Idlib", "SYR", 35.6136, 36.5617)
SARAQIB = place("Saraqib", "Idlib", "SYR", 35.8627, 36.8006)
IDLIB_GOV = place("Idlib", "Idlib", "SYR", 35.93, 36.63, "governorate")
MAARRA = place("Maarrat al-Nu'man", "Idlib", "SYR", 35.6441, 36.6722)
BAGHDAD = place("Baghdad", "Baghdad", "IRQ", 33.3406, 44.4009, "city")
BEIRUT = place("Beirut", "Beirut", "LBN", 33.8938, 35.5018, "city")
SIRTE = place("Sirte", "Surt", "LBY", 31.2089, 16.5887, "city")
QAMISHLI = place("Qamishli", "Al-Hasakah", "SYR", 37.0522, 41.2317, "city")
DARAA = place("Daraa", "Daraa", "SYR", 32.6189, 36.1021, "city")
BUSRA = place("Busra al-Sham", "Daraa", "SYR", 32.5170, 36.4817)

SHELL = ("ASSAULT", "Explosions/Remote violence", "Shelling/artillery/missile attack")
AIR = ("ASSAULT", "Explosions/Remote violence", "Air/drone strike")
CLASH = ("ASSAULT", "Battles", "Armed clash")
IED = ("ASSAULT", "Explosions/Remote violence", "Remote explosive/landmine/IED")
ARREST = ("COERCE", "Strategic developments", "Arrests")
PROTEST = ("PROTEST", "Protests", "Peaceful protest")

# (gold happening, kind, actor1, actor2, place, date, date precision, published, deaths, sentence, flags)
REPORTS = [
    ("H1", SHELL, SYR_ARMY, CIV, KAFRANBEL, "2019-05-20", "day", "2019-05-20", 3,
     "قتل ثلاثة مدنيين في قصف مدفعي لقوات النظام على بلدة كفرنبل", {}),
    ("H1", SHELL, None, CIV, KAFRANBEL, "2019-05-20", "day", "2019-05-20", 5,
     "قصف مدفعي يستهدف كفرنبل ويوقع خمسة قتلى من المدنيين", {}),
    ("H1", SHELL, SYR_FORCES, None, IDLIB_GOV, None, None, "2019-05-20", None,
     "قوات الحكومة تقصف ريف إدلب الجنوبي بالمدفعية الثقيلة", {}),
    ("H1", SHELL, SYR_ARMY, CIV, KAFRANBEL, None, None, "2019-05-21", 4,         # beyond the rules
     "ارتفاع حصيلة القصف على كفرنبل إلى أربعة قتلى", {}),
    ("H2", SHELL, SYR_ARMY, CIV, SARAQIB, "2019-05-20", "day", "2019-05-20", 2,  # ~35 km from H1
     "مقتل مدنيين اثنين بقصف لقوات النظام على مدينة سراقب", {}),
    ("H2", SHELL, SYR_ARMY, None, SARAQIB, "2019-05-21", "day", "2019-05-21", 2,
     "تجدد القصف المدفعي على سراقب شرقي إدلب", {}),
    ("H3", AIR, RUS_AIR, CIV, MAARRA, "2019-12-24", "day", "2019-12-25", 7,
     "طائرات حربية روسية تشن غارات على معرة النعمان", {}),
    ("H3", AIR, RUS_AIR, CIV, MAARRA, "2019-12-24", "day", "2019-12-24", 6,
     "ستة قتلى في غارات روسية على أحياء معرة النعمان", {}),
    ("H3", AIR, None, None, MAARRA, "2019-12-24", "day", "2019-12-24", None,
     "غارات جوية تستهدف معرة النعمان", {}),
    ("H4", ARREST, IRQ_COP, PROTESTERS_IQ, BAGHDAD, "2019-10-06", "day", "2019-10-07", None,
     "اعتقلت قوات الأمن العراقية عشرين متظاهرا في ساحة التحرير", {}),
    ("H4", ARREST, IRQ_RIOT, PROTESTERS_IQ, BAGHDAD, "2019-10-06", "day", "2019-10-06", None,
     "شرطة مكافحة الشغب تعتقل محتجين وسط بغداد", {}),
    ("H5", ARREST, IRQ_COP, PROTESTERS_IQ, BAGHDAD, "2019-10-09", "day", "2019-10-09", None,
     "حملة اعتقالات جديدة في صفوف المحتجين ببغداد", {}),
    ("H6", PROTEST, PROTESTERS_LB, None, BEIRUT, "2019-10-17", "day", "2019-10-18", None,
     "تظاهر الآلاف في وسط بيروت احتجاجا على الضرائب الجديدة", {}),
    ("H6", PROTEST, PROTESTERS_LB, None, place("Beirut", "Beirut", "LBN", 33.89, 35.50, "governorate"),
     "2019-10-17", "day", "2019-10-17", None, "احتجاجات غاضبة في العاصمة اللبنانية", {}),
    ("H7", CLASH, LNA, GNA, SIRTE, "2020-01-12", "day", "2020-01-12", 4,
     "اشتباكات بين قوات حفتر وقوات الوفاق على أطراف سرت", {}),
    ("H7", CLASH, GNA, LNA, SIRTE, "2020-01-12", "day", "2020-01-13", 6,          # sides swapped
     "قوات الوفاق تصد هجوما لقوات حفتر قرب سرت", {}),
    ("H8", IED, None, CIV, DARAA, "2020-03-01", "day", "2020-03-01", 1,
     "انفجار عبوة ناسفة في مدينة درعا يقتل مدنيا", {}),
    ("H9", IED, None, CIV, BUSRA, "2020-03-01", "day", "2020-03-01", 2,           # 40 km from H8
     "عبوة ناسفة تنفجر بسيارة في بصرى الشام", {}),
    ("H10", SHELL, SYR_ARMY, CIV, KAFRANBEL, "2019-05-20", "day", "2019-05-20", None,
     "نفت وزارة الدفاع قصف بلدة كفرنبل", {"negated": True}),
    ("H11", AIR, TUR_MIL, SDF, QAMISHLI, "2021-06-10", "day", "2021-06-10", 2,
     "طائرة مسيرة تركية تستهدف سيارة لقسد في القامشلي", {}),
    ("H11", AIR, TUR_MIL, None, QAMISHLI, "2021-06-10", "day", "2021-06-11", 2,
     "قتيلان بضربة مسيرة تركية في القامشلي", {}),
    ("H12", SHELL, SDF, None, QAMISHLI, "2021-06-10", "day", "2021-06-10", None,   # other attacker
     "قسد تقصف مواقع في ريف القامشلي", {}),
    ("H13", SHELL, None, None, None, None, None, "2019-05-20", 1,                  # nothing to compare
     "مقتل مدني بقصف مجهول المصدر", {}),
    ("H14", SHELL, HTS, None, KAFRANBEL, "2019-05-20", "day", "2019-05-20", None,  # another attacker, same town
     "هيئة تحرير الشام تقصف مواقع للنظام قرب كفرنبل", {}),
    # beyond the rules: a second, evening shelling of a town shelled that day, and the
    # shelling of the evening before; both fall into the day's cluster
    ("H15", SHELL, SYR_ARMY, CIV, SARAQIB, "2019-05-20", "day", "2019-05-20", 1,
     "قصف مسائي جديد على سراقب يقتل مدنيا", {}),
    ("H16", SHELL, SYR_ARMY, None, KAFRANBEL, "2019-05-19", "day", "2019-05-20", None,
     "قوات النظام قصفت كفرنبل مساء أمس في هجوم منفصل", {}),
]


def _records(make_record):
    out = []
    for i, (gold, kind, a1, a2, loc, day, precision, published, deaths, sentence, flags) in enumerate(REPORTS):
        ptype, etype, sub = kind
        ev = {"plover": {"type": ptype, "mode": None}, "acled": {"event_type": etype, "sub_event_type": sub},
              "actor1": a1, "actor2": a2, "location": loc,
              "date": {"value": day, "precision": precision} if day else None,
              "fatalities": deaths, "trigger": sentence.split()[0], "sentence": sentence, **flags}
        text = f"{sentence}. وأفادت مصادر محلية بمزيد من التفاصيل حول الحادثة رقم {i} في بيان."
        out.append((gold, make_record(f"r{i:02d}", text, [ev], published=published, source=f"outlet-{i % 5}")))
    return out


def pairwise(gold: dict[str, str], found: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering against gold labels."""
    ids = sorted(gold)
    same_gold = {(a, b) for a, b in itertools.combinations(ids, 2) if gold[a] == gold[b]}
    same_found = {(a, b) for a, b in itertools.combinations(ids, 2) if found[a] == found[b]}
    tp = len(same_gold & same_found)
    return (tp / len(same_found) if same_found else 1.0), (tp / len(same_gold) if same_gold else 1.0)


def test_event_clustering_on_the_labelled_set(store, make_record):
    gold, found = {}, {}
    for label, record in _records(make_record):
        assert store.add_record(record).status == "new"
        doc_id = record["document"]["id"]
        gold[doc_id] = label
        found[doc_id] = store.get_document(doc_id)["events"][0]["cluster_id"]
    precision, recall = pairwise(gold, found)
    print(f"labelled set: {len(gold)} reports, {len(set(gold.values()))} happenings, "
          f"{len(set(found.values()))} clusters; pairwise precision {precision:.2f}, recall {recall:.2f}")
    # measured: pairwise precision 0.88, recall 0.50 (docs/store.md): a governorate, a
    # missing day or a day off by one keeps a report out of the town's event by design; the
    # lost precision is the second shelling of Saraqib the same day (beyond the rules)
    assert precision >= 0.85 and recall >= 0.45
    # the cases the rules are built for
    assert found["r00"] == found["r01"]                           # unknown attacker, same town and day
    assert found["r02"] != found["r00"] and found["r03"] != found["r00"]   # governorate; no day
    assert found["r14"] == found["r15"]                           # battle sides swapped
    assert found["r09"] == found["r10"]                           # riot police = security forces (IRQ COP)
    assert len({found["r00"], found["r04"], found["r18"], found["r22"], found["r23"]}) == 5
    assert found["r11"] != found["r09"] and found["r16"] != found["r17"] and found["r19"] != found["r21"]
    [h3] = [e for e in store.query_events(EventQuery(limit=None)) if e["id"] == found["r06"]]
    assert (h3["report_count"], h3["fatalities"]) == (3, 6)


def test_near_duplicate_threshold_on_labelled_pairs():
    """Syndicated copies (a dateline, a changed word, a trimmed ending) are linked; two
    outlets' own write-ups of the same news are not."""
    base = ("أعلنت وزارة الصحة في بيان اليوم أن حصيلة ضحايا الانفجار الذي وقع في مستودع للوقود "
            "بالمنطقة الصناعية ارتفعت إلى اثني عشر قتيلا وأكثر من أربعين جريحا، مشيرة إلى أن فرق "
            "الإسعاف نقلت المصابين إلى ثلاثة مستشفيات في المدينة وأن عددا منهم في حالة حرجة. وأضاف "
            "البيان أن فرق الدفاع المدني تمكنت من السيطرة على الحريق بعد ساعات من العمل المتواصل، "
            "وأن لجنة فنية شكلت للتحقيق في أسباب الحادث ورفع تقرير عاجل إلى الجهات المختصة.")
    copies = [
        "الرياض - واس: " + base,
        base.replace("ارتفعت إلى", "بلغت").replace("المتواصل", "المستمر"),
        base.rsplit(" وأن لجنة", 1)[0] + ".",
    ]
    others = [
        ("قالت مصادر طبية إن اثني عشر شخصا لقوا حتفهم وأصيب العشرات في حريق اندلع في مستودع وقود "
         "بالمنطقة الصناعية، فيما واصلت فرق الإطفاء عملها حتى ساعة متأخرة من الليل للسيطرة على "
         "النيران، وسط مطالبات بمحاسبة المسؤولين عن إهمال إجراءات السلامة في المستودعات."),
        base.replace("الانفجار الذي وقع في مستودع للوقود", "الحريق").split("، مشيرة")[0]
        + "، في حين تحدثت مصادر أخرى عن أرقام أعلى لم يتسن التأكد منها من جهات مستقلة.",
    ]
    sig = dedup.signature(dedup.folded_words(base))
    for text in copies:
        assert dedup.similarity(sig, dedup.signature(dedup.folded_words(text))) >= dedup.NEAR_DUP_THRESHOLD
    for text in others:
        assert dedup.similarity(sig, dedup.signature(dedup.folded_words(text))) < dedup.NEAR_DUP_THRESHOLD


CORPUS_TOOL = Path(__file__).resolve().parents[2] / "shared" / "tools" / "corpus.py"


@pytest.mark.slow
def test_near_duplicates_in_the_real_corpus(tmp_path):
    """Syndicated Saudi Press Agency stories in the shared corpus are linked (numbers in
    docs/store.md); skipped where the corpus is absent."""
    if not CORPUS_TOOL.exists():
        pytest.skip("the shared corpus is not here")
    out = subprocess.run([sys.executable, str(CORPUS_TOOL), "--limit", "3000"], capture_output=True,
                         text=True, check=True).stdout
    records = []
    for line in out.splitlines():
        a = json.loads(line)
        if a["text"].strip():
            records.append({"document": {"id": a["id"], "url": a["url"], "source": a["source"],
                                         "published": a["date"], "text": a["text"]},
                            "entities": [], "events": []})
    from rasd.store import open_store
    with open_store(tmp_path / "c.sqlite") as store:
        results = store.add_records(records)
        near = [r for r in results if r.near_duplicate_of]
        dup = [r for r in results if r.status == "duplicate"]
        sources = {r["document"]["id"]: r["document"]["source"] for r in records}
        cross = [r for r in near if sources[r.document_id] != sources.get(r.near_duplicate_of)]
        print(f"{len(records)} articles: {len(dup)} exact duplicates, {len(near)} near-duplicates "
              f"({len(cross)} across outlets)")
        assert len(near) >= 100 and len(cross) >= 50
