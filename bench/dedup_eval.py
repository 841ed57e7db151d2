"""Cross-outlet de-duplication measured on the shared corpus (numbers in docs/store.md).

The labelled pairs are built at run time from ../shared (never stored in the repo):

- **true duplicates**: the reports of one Saudi Press Agency (واس) item reprinted by several
  papers. Two articles of different outlets published the same day whose folded texts
  share at least ``--jaccard`` of their 3-word shingles are one agency item; a report of
  one and a report of the other are the same event when their sentences share at least
  ``SENTENCE_JACCARD`` of their shingles and have the same PLOVER type.
- **true non-duplicates**: reports of the same stated day, the same PLOVER type and ACLED
  sub-event, both placed at town level, in different towns.

The corpus is ingested with ``rasd.batch.run_ingest`` into a temporary SQLite store;
precision is the share of labelled pairs clustered together that are true duplicates,
recall the share of true-duplicate pairs clustered together (also over the pairs whose
two reports both have a stated day and a town/district/governorate place, the reports
``dedup.same_by_place`` can match; the others can only be matched as reprints,
``dedup.same_by_text``). The true duplicates are labelled by sentence similarity, which
is also what the reprint rules read (``dedup.SAME_TEXT_JACCARD`` 0.6 against
``SENTENCE_JACCARD`` 0.5 here): their recall says how many reprints the other rules (type
family, figures, days, places, actors) let through, not that the similarity is right;
read the joined pairs for that (``--show-joined``).

    PYTHONPATH=. python bench/dedup_eval.py --limit 3000
"""
from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

CORPUS_TOOL = Path(__file__).resolve().parents[2] / "shared" / "tools" / "corpus.py"
SHINGLE = 3
SENTENCE_JACCARD = 0.5
TOWN_LEVELS = {"point", "neighbourhood", "neighborhood", "town", "city", "village"}


def shingles(text: str) -> frozenset[int]:
    from rasd.store.dedup import folded_words
    words = folded_words(text)
    return frozenset(hash(" ".join(words[i:i + SHINGLE])) for i in range(len(words) - SHINGLE + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def write_corpus(limit: int, path: Path) -> list[dict]:
    out = subprocess.run([sys.executable, str(CORPUS_TOOL), "--limit", str(limit)], capture_output=True,
                         text=True, check=True).stdout
    articles = [json.loads(line) for line in out.splitlines()]
    articles = [a for a in articles if a["text"].strip()]
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return articles


def agency_items(articles: list[dict], threshold: float) -> list[tuple[str, str]]:
    """Pairs of article ids of different outlets, the same day, near-identical texts."""
    by_day: dict[str, list[tuple[dict, frozenset]]] = defaultdict(list)
    for a in articles:
        by_day[a["date"]].append((a, shingles(a["text"])))
    pairs = []
    for day_articles in by_day.values():
        for (a, sa), (b, sb) in itertools.combinations(day_articles, 2):
            if a["source"] != b["source"] and jaccard(sa, sb) >= threshold:
                pairs.append((a["id"], b["id"]))
    return pairs


def ingest(corpus: Path, db: Path, batch_size: int) -> float:
    from rasd.batch import run_ingest
    from rasd.store import open_store
    start = time.perf_counter()
    with open_store(db) as store:
        run_ingest([corpus], store, batch_size=batch_size)
    return time.perf_counter() - start


def load_reports(db: Path) -> list[dict]:
    import sqlite3
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute(
        "SELECT document_id, event_index, cluster_id, plover_type, acled_sub_event_type, date, "
        "date_precision, location_precision, location_name, geonameid, sentence, negated, "
        "hypothetical, historical FROM event_reports")]
    conn.close()
    return [r for r in rows if not (r["negated"] or r["hypothetical"] or r["historical"])]


def cluster_sizes(db: Path) -> dict:
    """Events with several reports, and the largest: its reports, outlets and sentence."""
    import sqlite3
    conn = sqlite3.connect(db)
    multi = conn.execute("SELECT count(*) FROM event_clusters WHERE NOT flagged AND report_count > 1").fetchone()[0]
    top = conn.execute("SELECT report_count, sources, location_name, plover_type FROM event_clusters "
                       "WHERE NOT flagged ORDER BY report_count DESC, id LIMIT 1").fetchone()
    conn.close()
    return {"events_with_several_reports": multi,
            "largest_event": {"reports": top[0], "outlets": len(json.loads(top[1])), "place": top[2],
                              "type": top[3]} if top else None}


def clusterable(r: dict) -> bool:
    return r["date_precision"] == "day" and (r["location_precision"] or "") in (
        TOWN_LEVELS | {"district", "subdistrict", "governorate"})


def true_duplicates(reports: list[dict], items: list[tuple[str, str]]) -> list[tuple[dict, dict]]:
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in reports:
        by_doc[r["document_id"]].append(r)
    sent = {}
    pairs = []
    for a_id, b_id in items:
        for ra in by_doc.get(a_id, ()):
            for rb in by_doc.get(b_id, ()):
                if ra["plover_type"] != rb["plover_type"]:
                    continue
                for r in (ra, rb):
                    key = (r["document_id"], r["event_index"])
                    if key not in sent:
                        sent[key] = shingles(r["sentence"] or "")
                if jaccard(sent[(ra["document_id"], ra["event_index"])],
                           sent[(rb["document_id"], rb["event_index"])]) >= SENTENCE_JACCARD:
                    pairs.append((ra, rb))
    return pairs


def true_non_duplicates(reports: list[dict], sources: dict[str, str]) -> list[tuple[dict, dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in reports:
        if r["date_precision"] == "day" and (r["location_precision"] or "") in TOWN_LEVELS:
            groups[(r["date"], r["plover_type"], r["acled_sub_event_type"])].append(r)
    pairs = []
    for members in groups.values():
        for ra, rb in itertools.combinations(members, 2):
            town_a = ra["geonameid"] or ra["location_name"]
            town_b = rb["geonameid"] or rb["location_name"]
            if town_a and town_b and town_a != town_b:
                pairs.append((ra, rb))
    return pairs


def measure(dups, nondups) -> dict:
    joined = lambda p: p[0]["cluster_id"] == p[1]["cluster_id"]  # noqa: E731
    tp = sum(map(joined, dups))
    fp = sum(map(joined, nondups))
    known = [p for p in dups if clusterable(p[0]) and clusterable(p[1])]
    return {"duplicate_pairs": len(dups), "non_duplicate_pairs": len(nondups),
            "duplicates_joined": tp, "non_duplicates_joined": fp,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / len(dups), 3) if dups else None,
            "clusterable_duplicate_pairs": len(known),
            "recall_clusterable": round(sum(map(joined, known)) / len(known), 3) if known else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=3000, help="corpus articles (corpus.py --limit)")
    ap.add_argument("--jaccard", type=float, default=0.8, help="3-word shingle Jaccard of one agency item")
    ap.add_argument("--batch-size", type=int, default=100)
    ap.add_argument("--show", type=int, default=0, help="print this many true-duplicate pairs left apart")
    ap.add_argument("--show-joined", type=int, default=0,
                    help="print this many events joined from reports the place rules cannot match")
    args = ap.parse_args()
    if not CORPUS_TOOL.exists():
        sys.exit(f"the shared corpus is not here: {CORPUS_TOOL}")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        articles = write_corpus(args.limit, corpus)
        items = agency_items(articles, args.jaccard)
        seconds = ingest(corpus, Path(tmp) / "store.sqlite", args.batch_size)
        reports = load_reports(Path(tmp) / "store.sqlite")
        sizes = cluster_sizes(Path(tmp) / "store.sqlite")
    sources = {a["id"]: a["source"] for a in articles}
    dups = true_duplicates(reports, items)
    nondups = true_non_duplicates(reports, sources)
    result = {"articles": len(articles), "agency_article_pairs": len(items), "reports": len(reports),
              "ingest_seconds": round(seconds, 1), **measure(dups, nondups), **sizes,
              "events_joined_as_reprints": len(text_joined(reports))}
    print(json.dumps(result, indent=1))
    for ra, rb in [p for p in dups if p[0]["cluster_id"] != p[1]["cluster_id"]][:args.show]:
        for r in (ra, rb):
            print_report(r, sources)
        print()
    for members in text_joined(reports)[:args.show_joined]:
        for r in members:
            print_report(r, sources)
        print()


def print_report(r: dict, sources: dict[str, str]) -> None:
    print(sources[r["document_id"]], r["plover_type"], r["acled_sub_event_type"], r["date"],
          r["date_precision"], r["location_precision"], r["location_name"], (r["sentence"] or "")[:90],
          sep=" | ")


def text_joined(reports: list[dict]) -> list[list[dict]]:
    """Events of several reports, one of them not clusterable by place: joined as reprints."""
    by_cluster: dict[str, list[dict]] = defaultdict(list)
    for r in reports:
        by_cluster[r["cluster_id"]].append(r)
    return [m for _, m in sorted(by_cluster.items())
            if len(m) > 1 and not all(clusterable(r) for r in m)]


if __name__ == "__main__":
    main()
