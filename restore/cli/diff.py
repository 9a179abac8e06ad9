"""``restore diff A B``: compare two texts word by word."""
from __future__ import annotations

import sys

import typer

from restore.cli._util import EXIT_FINDINGS, UsageFailure, app, choices, guarded, isatty, o_maxb, use_color, value

DiffFormat = choices("DiffFormat", ["text", "json", "html", "diff"])


@app.command()
@guarded
def diff(
    a: str = typer.Argument(..., metavar="A", help="The first text file (- for stdin)."),
    b: str = typer.Argument(..., metavar="B", help="The second text file (- for stdin)."),
    fmt: DiffFormat = typer.Option("text", "--format", "-f",
                                   help="text: word diff (coloured on a terminal, else [-old-]{+new+}); "
                                        "json: segments; html: a page; diff: line-based unified diff."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when the texts differ."),
    max_bytes: int = o_maxb,
) -> None:
    """Compare two texts word by word."""
    from restore.edits.diff import diff as word_diff
    from restore.io.read import STDIN_NAME, read_text_source
    from restore.io.write import write_stdout

    if a == "-" and b == "-":
        raise UsageFailure("only one of A and B can be stdin (-)")
    ta = read_text_source(a, max_bytes, allow_empty=True).text
    tb = read_text_source(b, max_bytes, allow_empty=True).text
    na = STDIN_NAME if a == "-" else a
    nb = STDIN_NAME if b == "-" else b
    write_stdout(_render(value(fmt), word_diff(ta, tb), ta, tb, na, nb))
    if exit_code and ta != tb:
        raise typer.Exit(EXIT_FINDINGS)


def _render(fmt: str, segs, ta: str, tb: str, na: str, nb: str) -> str:
    if fmt == "text":
        from restore.render.terminal import render_terminal

        body = render_terminal(segs, color=use_color(sys.stdout))
        return body + "\n" if isatty(sys.stdout) and body and not body.endswith("\n") else body
    if fmt == "json":
        from restore.io.records import diff_record, record_json

        return record_json({"a": na, "b": nb, **diff_record(segs)}, indent=2) + "\n"
    if fmt == "html":
        from restore.render.html import render_html

        return render_html(segs, title=f"{na} → {nb}", meta={"a": na, "b": nb})
    from restore.render.unified import render_unified

    return render_unified(ta, tb, na, nb)
