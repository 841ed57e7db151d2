#!/usr/bin/env python3
"""Gazetteer coverage: how many of the places real articles name does rasd know?

    python bench/gazetteer_coverage.py [--limit 3000] [--top 40] [--place-file F ...]

Two figures, both read from ../shared at run time (skipped when it is absent):

1. **gold places**: the LOCATION entities annotated in ../shared/gold/real; one counts as
   known when the gazetteer finds a place in its mention whose English name matches the
   annotated one (the reference scorer's spelling-tolerant keys) or that lies within the
   annotated tolerance (25 km when none is given).
2. **typed mentions in the corpus**: in the first ``--limit`` SaudiNewsNet articles, every
   name after a place type noun that is nearly always followed by a proper name
   (``مدينة``, ``بلدة``, ``قرية``, ``مديرية``, ``محافظة``, ``حي``, ``مخيم``, ``ناحية``,
   ``قضاء``, ``مركز`` …; see TYPE_NOUNS); one counts as known when the gazetteer has its
   first word, or its first two words, as a name. ``--top`` lists the commonest unknown
   names: candidates for ``rasd/data/geo/places.tsv``.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
GOLD_DIR = SHARED / "gold" / "real"
CORPUS_TOOL = SHARED / "tools" / "corpus.py"
SCORER = SHARED / "tools" / "score.py"

# type nouns after which a proper place name nearly always follows
TYPE_NOUNS = ("مدينة", "بلدة", "قرية", "مديرية", "محافظة", "حي", "مخيم", "ناحية", "قضاء",
              "مركز", "ولاية", "إقليم", "منفذ", "معبر", "جبل", "وادي")
_TYPED = re.compile(r"(?:^|[\s«\"(])(?:و|ف)?(?:في|ب|من|إلى|الى|قرب|على)\s*((?:ال)?(?:%s))\s+([^\s،,.:؛«»\"()]+)"
                    r"(?:\s+([^\s،,.:؛«»\"()]+))?" % "|".join(TYPE_NOUNS))
_CLITIC_B = re.compile(r"(?:^|[\s«\"(])(?:و|ف)?ب((?:ال)?(?:%s))\s+([^\s،,.:؛«»\"()]+)"
                       r"(?:\s+([^\s،,.:؛«»\"()]+))?" % "|".join(TYPE_NOUNS))
DEFAULT_TOLERANCE_KM = 25.0
# words after a type noun that are no name (مدينة أخرى، المدينة التي، الحي الأول): not counted
NOT_NAMES = frozenset("""على في من إلى الى التي الذي التى أخرى اخرى واحدة ثانية خامسة الأول الاول الثاني
الثالث الرابع الخامس السادس نفسها بالكامل كان لا لكن منذ تحت أنه مدينة""".split())
# generic English words of annotated names (Homs governorate = Homs)
_GENERIC_EN = re.compile(r"\b(governorate|province|region|district|subdistrict|area|city|town|village|"
                         r"camp|base|countryside|eastern|western|northern|southern|central)\b", re.I)


def _place_keys():
    """The reference scorer's spelling-tolerant name keys (``Idleb`` = ``Idlib``)."""
    spec = importlib.util.spec_from_file_location("rasd_reference_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.place_keys


def _km(lat1, lon1, lat2, lon2) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def gold_coverage(gaz) -> tuple[int, int, list[str]]:
    """(known, total, the unknown mentions) over the gold LOCATION entities."""
    from rasd.doc import Document
    from rasd.geo import find_place_mentions
    keys = _place_keys()
    known = total = 0
    unknown: list[str] = []
    for path in sorted(GOLD_DIR.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        for loc in gold.get("entities", {}).get("LOCATION", []):
            mention, name = loc.get("mention"), loc.get("name_en")
            if not mention or not name:
                continue
            total += 1
            # the mention alone, read as a place after a locative preposition
            doc = Document(text="في " + mention)
            entries = []
            for ent in find_place_mentions(doc, gaz):
                entries += [gaz.get(i) for i in ent.attrs.get("candidates", [ent.id])]
            want = keys(name) | keys(_GENERIC_EN.sub(" ", name))
            tol = loc.get("tolerance_km") or DEFAULT_TOLERANCE_KM
            ok = any(e is not None and (keys(e.name_en) & want or (
                loc.get("lat") is not None and e.lat is not None
                and _km(loc["lat"], loc["lon"], e.lat, e.lon) <= tol)) for e in entries)
            known += ok
            if not ok:
                unknown.append(f"{mention} ({name})")
    return known, total, unknown


def corpus_coverage(gaz, limit: int) -> tuple[int, int, Counter]:
    """(known, total, unknown name counts) over typed mentions in corpus articles."""
    from rasd.text.normalize import fold
    out = subprocess.run([sys.executable, str(CORPUS_TOOL), "--limit", str(limit)],
                         capture_output=True, text=True, check=True).stdout
    known = total = 0
    unknown: Counter[str] = Counter()
    for line in out.splitlines():
        if not line.strip():
            continue
        text = json.loads(line).get("text", "")
        for rx in (_TYPED, _CLITIC_B):
            for m in rx.finditer(text):
                typed, first, second = m.group(1), m.group(2), m.group(3)
                if first in NOT_NAMES:
                    continue
                total += 1
                names = [first, f"{typed} {first}"] + ([f"{first} {second}"] if second else [])
                if any(gaz.is_name(fold(n)) or gaz.is_name(fold("ا" + n)) for n in names):
                    known += 1
                else:
                    unknown[first] += 1
    return known, total, unknown


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=3000, help="corpus articles to read")
    ap.add_argument("--top", type=int, default=0, help="list the commonest unknown names")
    ap.add_argument("--place-file", type=Path, action="append", default=[],
                    help="extra gazetteer files (as Options.place_files)")
    args = ap.parse_args()
    from rasd.geo import load_gazetteer
    gaz = load_gazetteer(tuple(args.place_file))
    print(f"gazetteer: {len(gaz)} places")
    if GOLD_DIR.is_dir() and SCORER.is_file():
        known, total, unknown = gold_coverage(gaz)
        print(f"gold places known: {known}/{total} = {known / max(total, 1):.1%}")
        if args.top:
            print("  unknown:", "; ".join(unknown[: args.top]))
    else:
        print(f"no gold at {GOLD_DIR}: gold figure skipped")
    if CORPUS_TOOL.is_file():
        known, total, unknown = corpus_coverage(gaz, args.limit)
        print(f"typed mentions known in {args.limit} corpus articles: {known}/{total} = {known / max(total, 1):.1%}")
        for name, n in unknown.most_common(args.top):
            print(f"  {n:5d} {name}")
    else:
        print(f"no corpus tool at {CORPUS_TOOL}: corpus figure skipped")


if __name__ == "__main__":
    main()
