"""`rasd eval`: score the pipeline (or saved predictions) against gold data.

    rasd eval ../shared/eval/gsr_dev.jsonl                    # sentence gold, runs the pipeline
    rasd eval ../shared/eval/detection_dev.jsonl --errors     # yes/no gold, with false alarms
    rasd eval ../shared/gold/real --documents real.jsonl      # article gold on corpus ids
    rasd eval ../shared/gold/real --pred PRED_DIR -f json     # saved output, the reference JSON
"""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

__all__ = ["register"]


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


class GoldKind(str, Enum):
    auto = "auto"
    gsr = "gsr"
    detection = "detection"
    article = "article"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("eval")(evaluate)


def evaluate(
    gold: Path = typer.Argument(..., help="Gold data: sentence records or yes/no detection records (.jsonl), an article gold file (*.gold.json) or a folder of them."),
    pred: Optional[Path] = typer.Option(None, "--pred", help="Saved predictions instead of running the pipeline: JSON lines of records for sentence and detection gold; for article gold a folder of NAME.json, or a file of records matched by document.id."),
    documents: Optional[Path] = typer.Option(None, "--documents", help="Article gold whose 'document' is a corpus id: the articles as JSON lines (id, text, date), e.g. written by tools/corpus.py --gold DIR. Not needed with --pred."),
    kind: GoldKind = typer.Option(GoldKind.auto, "--kind", help="The kind of gold; auto: a folder or *.gold.json is article gold, JSON lines with a 'label' detection gold, other JSON lines sentence gold."),
    errors: bool = typer.Option(False, "--errors", help="List what the system gets wrong: by cause for sentences, false alarms and misses for detection, missed, wrong and unmatched events for articles."),
    output_format: EvalFormat = typer.Option(EvalFormat.text, "--format", "-f", help="text (figures and a summary line) or json (the reference scorer's report and summary line)."),
) -> None:
    """Score extraction against gold data, with the reference scorer's figures and summary line."""
    from rasd.errors import RasdError
    from rasd import evaluate as ev

    try:
        chosen = ev.gold_kind(gold) if kind is GoldKind.auto else kind.value
        if chosen == "article":
            report, lines = _articles(gold, pred, documents, errors)
        elif chosen == "detection":
            report, lines = _detection(gold, pred, errors)
        else:
            report, lines = _sentences(gold, pred, errors)
    except RasdError as exc:
        typer.echo(f"rasd eval: {exc}", err=True)
        raise typer.Exit(2) from None
    if output_format is EvalFormat.json:
        out = report.to_dict()
        if errors:
            out["errors"] = lines
        typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        typer.echo(report.summary())
    else:
        typer.echo("\n".join(_text(report)))
        if errors:
            typer.echo("")
            typer.echo("\n".join(lines) if lines else "no errors")
        typer.echo(report.summary())


def _predictions(gold: list[dict], pred_path: Optional[Path]) -> dict[str, dict]:
    from rasd import evaluate as ev

    return ev.load_predictions(pred_path) if pred_path else ev.predict_gsr(gold)


def _case_lines(errors: dict, causes) -> list[str]:
    lines: list[str] = []
    for cause in causes:
        cases = errors.get(cause) or []
        if not cases:
            continue
        lines.append(f"== {cause}: {len(cases)}")
        for c in cases:
            lines.append(f"[{c.id}] {c.category} — {c.detail}")
            lines.append(f"    {c.text}")
            for p in c.predicted:
                lines.append(f"    → {p}")
    return lines


def _sentences(gold_path: Path, pred_path: Optional[Path], errors: bool):
    from rasd import evaluate as ev

    gold = ev.load_gsr(gold_path)
    report = ev.score_gsr(_predictions(gold, pred_path), gold)
    return report, _case_lines(report.errors, ev.CAUSES) if errors else []


def _detection(gold_path: Path, pred_path: Optional[Path], errors: bool):
    from rasd import evaluate as ev

    gold = ev.load_detection(gold_path)
    report = ev.score_detection(_predictions(gold, pred_path), gold)
    return report, _case_lines(report.errors, ev.DETECTION_CAUSES) if errors else []


def _articles(gold_path: Path, pred_path: Optional[Path], documents_path: Optional[Path], errors: bool):
    from rasd import default_pipeline
    from rasd import evaluate as ev
    from rasd.errors import InputError

    paths = ev.find_article_golds(gold_path)
    if not paths:
        raise InputError("no *.gold.json files", where=str(gold_path), code="E107")
    golds = [(path, ev.load_article_gold(path)) for path in paths]
    if pred_path is not None:
        preds = ev.article_predictions(pred_path, golds)
    else:
        pipeline = default_pipeline()
        documents = None
        if documents_path:
            wanted = [str(gold["document"]) for _, gold in golds]
            documents = ev.load_documents(documents_path, wanted, pipeline.options)
        preds = [ev.predict_document(ev.article_document(gold, path, documents, pipeline.options), pipeline)
                 for path, gold in golds]
    report = ev.score_articles([(path.name, p, gold) for (path, gold), p in zip(golds, preds)])
    lines: list[str] = []
    if errors:
        for (path, _), p in zip(golds, preds):
            res = report.articles[path.name]
            lines.append(f"== {path.name}" + (" (no output)" if p is None else f" precision {_f(res.precision)}"))
            lines.extend(f"  {d}" for d in res.details)
    return report, lines


def _text(report) -> list[str]:
    from rasd.evaluate import ArticlesReport, DetectionReport

    if isinstance(report, ArticlesReport):
        t = report.total
        names = {name: name.removesuffix(".gold.json") for name in report.articles}
        width = min(40, max([len(n) for n in names.values()] + [7])) + 2
        rows = [f"articles {t['articles']}  required events {t['required']}  missing output {t['missing_output']}"
                f"  predicted real events {t['live_pred']}  matched {t['matched_pred']}"
                f"  precision {_f(report.precision)}",
                f"{'article':{width}}{'found':>6}{'type ok':>9}{'actor1':>8}{'place':>7}{'false+':>8}"
                f"{'unmatched':>11}{'precision':>11}"]
        for name, r in report.articles.items():
            rows.append(f"{names[name][:width - 2]:{width}}{r.found:>6}{r.type_ok:>9}{r.actor1_ok:>8}"
                        f"{r.location_ok:>7}{r.false_positive:>8}{r.unmatched_pred:>11}{_f(r.precision):>11}")
        return rows
    if isinstance(report, DetectionReport):
        rows = [f"records {report.records}  missing output {report.missing_output}",
                f"{'category':10}{'label':>14}{'n':>6}{'fired':>7}{'rate':>8}"]
        for cat, v in report.categories.items():
            for label, n in v["n"].items():
                rows.append(f"{cat:10}{label:>14}{n:>6}{v['fired'][label]:>7}{_f(v['fire_rate'][label]):>8}")
            rows.append(f"{cat:10}  precision {_f(v['precision'])}  recall {_f(v['recall'])}  F1 {_f(v['f1'])}")
        return rows
    rows = [f"records {report.records}  missing output {report.missing_output}",
            f"{'category':10}{'n':>5}{'recall':>8}{'other':>8}{'no event':>10}"]
    for c, v in report.categories.items():
        rows.append(f"{c:10}{v['n']:>5}{_f(v['recall']):>8}{_f(v['other_category']):>8}{_f(v['no_event']):>10}")
    rows.append(f"{'actor':10}{'n':>5}{'acc':>8}{'country':>8}{'sector':>10}")
    for role, r in report.roles.items():
        rows.append(f"{role:10}{r['n']:>5}{_f(r['accuracy']):>8}{_f(r['country']):>8}{_f(r['sector']):>10}")
    return rows


def _f(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"
