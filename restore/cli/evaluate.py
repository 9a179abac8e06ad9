"""``restore eval GOLD SYSTEM``: score a restoration as the shared scorer does."""
from __future__ import annotations

from pathlib import Path

import typer

from restore.cli._util import LexFormat, app, guarded, value


@app.command("eval")
@guarded
def eval_(
    gold: str = typer.Argument(..., help="Gold JSONL(.gz): {id, spun, original} per document."),
    system: str = typer.Argument(..., help="System JSONL: {id, restored} per document."),
    field: str = typer.Option("restored", "--field", help="The system file's field with the restored text."),
    bleu: bool = typer.Option(True, "--bleu/--no-bleu", help="Also BLEU and chrF (needs the [train] extra)."),
    fmt: LexFormat = typer.Option("text", "--format", "-f"),
) -> None:
    """Score a restoration like the shared scorer: WER in/out, edit P/R/F0.5, damage per 1,000 words."""
    from restore import __version__
    from restore.io.records import record_json
    from restore.io.write import write_stdout
    from restore.metrics import load_gold, load_system, score_restore

    scores = score_restore(load_gold(gold), load_system(system, field), with_bleu=bleu).to_dict()
    scores["signature"] = f"restore-eval:{__version__}|gold:{Path(gold).name}|tok:words+punct|case:yes"
    if value(fmt) == "json":
        write_stdout(record_json(scores) + "\n")
        return
    write_stdout("".join(f"{k + ':':<17}{v}\n" for k, v in scores.items() if v is not None))
