"""`rasd eval`: score the pipeline (or saved predictions) against gold data."""
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


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("eval")(evaluate)


def evaluate(
    gold: Path = typer.Argument(..., help="Sentence gold records (.jsonl), an article gold file (*.gold.json) or a directory of them."),
    pred: Optional[Path] = typer.Option(None, "--pred", help="Saved predictions instead of running the pipeline: JSON lines of records for sentence gold; one JSON record (or a directory of NAME.json) for article gold."),
    errors: bool = typer.Option(False, "--errors", help="List what the system gets wrong, grouped by cause."),
    output_format: EvalFormat = typer.Option(EvalFormat.text, "--format", "-f", help="text (figures and a summary line) or json (the reference scorer's report)."),
) -> None:
    """Score extraction against gold data: recall per category, actor accuracy, article events."""
    from rasd.errors import RasdError
    from rasd import evaluate as ev

    try:
        if ev.is_article_gold(gold):
            report, lines = _articles(gold, pred, errors)
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


def _sentences(gold_path: Path, pred_path: Optional[Path], errors: bool):
    from rasd import evaluate as ev

    gold = ev.load_gsr(gold_path)
    preds = ev.load_predictions(pred_path) if pred_path else ev.predict_gsr(gold)
    report = ev.score_gsr(preds, gold)
    lines: list[str] = []
    if errors:
        for cause in ev.CAUSES:
            cases = report.errors.get(cause) or []
            if not cases:
                continue
            lines.append(f"== {cause}: {len(cases)}")
            for c in cases:
                lines.append(f"[{c.id}] {c.category} — {c.detail}")
                lines.append(f"    {c.text}")
                for p in c.predicted:
                    lines.append(f"    → {p}")
    return report, lines


def _articles(gold_path: Path, pred_path: Optional[Path], errors: bool):
    from rasd import evaluate as ev
    from rasd.errors import InputError

    golds = ev.find_article_golds(gold_path)
    if not golds:
        raise InputError("no *.gold.json files", where=str(gold_path), code="E107")
    triples = []
    for path in golds:
        name = ev.gold_name(path)
        gold, text = ev.load_article_gold(path)
        if pred_path is None:
            pred = ev.predict_article(gold, text, name)
        else:
            file = pred_path / f"{name}.json" if pred_path.is_dir() else pred_path
            pred = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else None
        triples.append((path.name, pred, gold))
    report = ev.score_articles(triples)
    lines: list[str] = []
    if errors:
        for name, res in report.articles.items():
            lines.append(f"== {name}")
            lines.extend(f"  {d}" for d in res.details)
    return report, lines


def _text(report) -> list[str]:
    from rasd.evaluate import ArticlesReport

    if isinstance(report, ArticlesReport):
        t = report.total
        rows = [f"articles {t['articles']}  required events {t['required']}  missing output {t['missing_output']}",
                f"{'':14}{'found':>8}{'type ok':>9}{'actor1':>8}{'place':>8}{'false+':>8}{'unmatched':>10}"]
        for name, r in report.articles.items():
            rows.append(f"{name[:14]:14}{r.found:>8}{r.type_ok:>9}{r.actor1_ok:>8}{r.location_ok:>8}"
                        f"{r.false_positive:>8}{r.unmatched_pred:>10}")
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
