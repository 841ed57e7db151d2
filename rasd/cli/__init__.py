"""The `rasd` command. Each group of sub-commands lives in its own module here."""
from __future__ import annotations

import typer

from rasd.cli import extract_cmd, eval_cmd, gazetteer_cmd, serve_cmd, store_cmds

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="rasd — Arabic conflict-event extraction, storage and analysis.",
                  pretty_exceptions_enable=False)

for module in (extract_cmd, store_cmds, serve_cmd, eval_cmd, gazetteer_cmd):
    module.register(app)


def main() -> None:
    app()
