#!/usr/bin/env python3
"""Extraction time and memory on hostile and oversized input.

    python bench/adversarial.py            # the full set (a few minutes)
    python bench/adversarial.py --quick    # the same kinds, 1/20 of the sizes
    python bench/adversarial.py --only nospace dense

Each input runs in a fresh process (`rasd.extract`: ingest, budget, every stage), so that
its peak resident memory is its own. Kinds:

* ``nospace``: Arabic letters without a single space (``قتل`` repeated), 10 KB, 100 KB, 1 MB;
* ``page``: a realistic news page (generated report sentences, paragraphs, datelines, tolls,
  quotes; varied, not one line repeated), 1, 5 and 20 MB (just under the 20 MB input limit);
* ``dense``: trigger words back to back (قتل قصف اشتباكات غارة …), 1 MB;
* ``jsonl``: one JSON line holding a 19 MB page, through ``rasd extract -f jsonl``.

Prints, per input: UTF-8 size, seconds, seconds per 100 KB, peak RSS, RSS per MB of input,
the budget warnings the document got, and whether it meets the target (under 1 s per
100 KB and under 500 MB RSS).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
TARGET_S_PER_100KB = 1.0
TARGET_RSS_MB = 500

# Report pieces written for this benchmark (none taken from any corpus).
_PLACES = ["بلدة كفرنبودة", "مدينة معرة النعمان", "قرية التمانعة", "حي الشعار في حلب", "مدينة دوما",
           "بلدة خان شيخون", "مدينة الرستن", "قرية اللطامنة", "مدينة سراقب", "بلدة الهبيط"]
_ACTORS = ["قوات النظام", "الطيران الحربي الروسي", "فصائل المعارضة", "هيئة تحرير الشام",
           "قوات سوريا الديمقراطية", "الجيش التركي", "مسلحون مجهولون", "تنظيم الدولة الإسلامية"]
_REGIONS = ["بريف حماة الشمالي", "بريف إدلب الجنوبي", "في ريف حلب الغربي", "في الغوطة الشرقية",
            "بريف حمص الشمالي"]
_NUMBERS = ["ثلاثة", "خمسة", "سبعة", "عشرة", "12", "أربعة عشر", "عشرات", "27"]
_DAYS = ["أمس الخميس", "صباح اليوم", "فجر الجمعة", "مساء الثلاثاء الماضي", "في 12 أيار/مايو 2019"]
_TEMPLATES = [
    "قتل {n} مدنيين وأصيب آخرون {d} في قصف مدفعي لـ{a} على {p} {r}، بحسب ما أفاد المرصد السوري لحقوق الإنسان.",
    "وقال مصدر محلي إن {a} استهدفت {p} بعدة غارات جوية {d}، ما أدى إلى دمار واسع في المنازل.",
    "اندلعت اشتباكات عنيفة بين {a} و{b} على أطراف {p} {r}، وسط أنباء عن خسائر في صفوف الطرفين.",
    "وأكد الدفاع المدني انتشال {n} جثث من تحت الأنقاض في {p}، مشيرا إلى أن فرقه ما زالت تعمل.",
    "خرج العشرات من الأهالي في مظاهرة في {p} {d} للمطالبة بالإفراج عن المعتقلين.",
    "ونفى مسؤول في {a} أي علاقة لقواته بالهجوم، متهما {b} بالوقوف وراءه.",
    "وتشهد المنطقة هدوءا حذرا منذ التوصل إلى اتفاق وقف إطلاق النار في شهر آذار الماضي.",
    "وأضاف أن الأوضاع الإنسانية في {p} تزداد سوءا مع استمرار موجات النزوح نحو الحدود.",
    "\u201cلم يبق لنا شيء\u201d، قال أحد سكان {p} لمراسلنا، مضيفا أن المدارس أغلقت أبوابها.",
    "دمشق - أعلنت وزارة الدفاع أن وحداتها تصدت لهجوم شنه {b} على نقاط عسكرية {r}.",
]
_TRIGGERS = ["قتل", "قصف", "اشتباكات", "غارة", "هجوم", "تفجير", "اغتيال", "مظاهرة", "اعتقال", "استهداف"]


def realistic_page(size_bytes: int, seed: int = 7) -> str:
    """Varied report sentences in paragraphs, up to ``size_bytes`` of UTF-8."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while True:
        para = " ".join(rng.choice(_TEMPLATES).format(
            n=rng.choice(_NUMBERS), d=rng.choice(_DAYS), a=rng.choice(_ACTORS), b=rng.choice(_ACTORS),
            p=rng.choice(_PLACES), r=rng.choice(_REGIONS)) for _ in range(rng.randint(2, 5))) + "\n\n"
        size = len(para.encode("utf-8"))
        if total + size > size_bytes:
            return "".join(parts)
        parts.append(para)
        total += size


def no_space(size_bytes: int) -> str:
    return "قتل" * (size_bytes // 6)  # three two-byte letters


def dense(size_bytes: int, seed: int = 11) -> str:
    rng = random.Random(seed)
    words = [rng.choice(_TRIGGERS) for _ in range(size_bytes // 9)]
    return " ".join(words)


CASES = {  # name → (kind, size in bytes)
    "nospace-10KB": ("nospace", 10 * 1024),
    "nospace-100KB": ("nospace", 100 * 1024),
    "nospace-1MB": ("nospace", MB),
    "page-1MB": ("page", MB),
    "page-5MB": ("page", 5 * MB),
    "page-20MB": ("page", 20 * MB - 64 * 1024),
    "dense-1MB": ("dense", MB),
    "jsonl-19MB": ("jsonl", 19 * MB),
}

_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import rasd
rasd.extract("قتل ثلاثة مدنيين في قصف على بلدة كفرنبودة", published="2019-05-20")  # load lexicons
text = open(sys.argv[2], encoding="utf-8").read()
start = time.perf_counter()
record = rasd.extract(text, published="2019-05-20").to_dict()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "events": len(record["events"]), "entities": len(record["entities"]),
                  "warnings": [w["code"] for w in record["warnings"]]}))
"""

_CLI_CHILD = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
out = subprocess.run([sys.executable, "-m", "rasd.cli", "extract", sys.argv[2], "-f", "jsonl"],
                     capture_output=True, text=True, cwd=sys.argv[1])
seconds = time.perf_counter() - start
if out.returncode != 0:
    sys.exit(out.stderr[-2000:])
record = json.loads(out.stdout.splitlines()[0])
print(json.dumps({"seconds": seconds, "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "events": len(record["events"]), "entities": len(record["entities"]),
                  "warnings": [w["code"] for w in record.get("warnings", [])]}))
"""


def make_input(kind: str, size: int, folder: Path) -> Path:
    if kind == "jsonl":
        path = folder / "page.jsonl"
        line = json.dumps({"id": "big", "text": realistic_page(size), "date": "2019-05-20"}, ensure_ascii=False)
        path.write_text(line + "\n", encoding="utf-8")
        return path
    text = {"nospace": no_space, "page": realistic_page, "dense": dense}[kind](size)
    path = folder / f"{kind}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def run_case(name: str, kind: str, size: int, folder: Path, timeout: int) -> dict:
    path = make_input(kind, size, folder)
    code = _CLI_CHILD if kind == "jsonl" else _CHILD
    started = time.perf_counter()
    try:
        out = subprocess.run([sys.executable, "-c", code, str(ROOT), str(path)], capture_output=True,
                             text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"name": name, "bytes": path.stat().st_size, "error": f"over {timeout} s"}
    finally:
        wall = time.perf_counter() - started
    if out.returncode != 0:
        return {"name": name, "bytes": path.stat().st_size, "error": out.stderr.strip()[-300:]}
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.update(name=name, bytes=path.stat().st_size, wall=wall)
    path.unlink()
    return result


def report(r: dict) -> str:
    mb = r["bytes"] / MB
    if "error" in r:
        return f"{r['name']:<15} {mb:8.2f} MB  FAILED: {r['error']}"
    per_100kb = r["seconds"] / (r["bytes"] / (100 * 1024))
    rss_mb = r["rss_kb"] / 1024
    ok = per_100kb < TARGET_S_PER_100KB and rss_mb < TARGET_RSS_MB
    return (f"{r['name']:<15} {mb:8.2f} MB {r['seconds']:8.2f} s {per_100kb:8.3f} s/100KB "
            f"{rss_mb:8.0f} MB RSS {rss_mb / max(mb, 1e-9):8.1f} MB/MB  {r['events']:>5} ev "
            f"{','.join(sorted(set(r['warnings']))) or '-':<12} {'ok' if ok else 'MISSES TARGET'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="every size divided by 20")
    ap.add_argument("--only", nargs="*", help="case names or kinds (nospace page dense jsonl)")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per case")
    ap.add_argument("--json", action="store_true", help="print one JSON line per case")
    args = ap.parse_args()
    print(f"{'input':<15} {'size':>11} {'time':>10} {'per 100 KB':>13} {'peak':>12} {'RSS/input':>13}"
          f"  {'events':>8} {'warnings':<12} target (< {TARGET_S_PER_100KB:g} s/100KB, < {TARGET_RSS_MB} MB)")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (kind, size) in CASES.items():
            if args.only and name not in args.only and kind not in args.only:
                continue
            if args.quick:
                size //= 20
            r = run_case(name, kind, size, Path(tmp), args.timeout)
            print(json.dumps(r, ensure_ascii=False) if args.json else report(r), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
