"""``restore apply``: write the texts exactly as a review decided (``decisions.json``)."""
from __future__ import annotations

import sys
from typing import Optional

import typer

from restore.cli._util import EXIT_USAGE, Reporter, app, choices, guarded, isatty, o_noprog, o_quiet, plural, \
    progress_total, reporting, show_progress, sources_of, stderr, use_color, value

ApplyFormat = choices("ApplyFormat", ["auto", "text", "json", "jsonl", "html", "diff"])

o_format = typer.Option("auto", "--format", "-f",
                        help="auto: each input's own format (JSONL stays JSONL), else as `restore fix --format`.")
o_output = typer.Option(None, "--output", "-o", metavar="FILE|DIR/",
                        help="A file, or a directory (existing, or ending in /) that mirrors the input tree.")
o_output_field = typer.Option("restored", "--output-field", help="JSONL: the field the restored text goes to.")


@app.command()
@guarded
def apply(
    decisions: str = typer.Argument(..., metavar="DECISIONS", help="A decisions file: the review page's export, "
                                                                  "or `restore fix --decisions FILE`."),
    fmt: ApplyFormat = o_format, output: Optional[str] = o_output, output_field: str = o_output_field,
    quiet: bool = o_quiet, no_progress: bool = o_noprog,
) -> None:
    """Apply a review's decisions: each input with the edits accepted and nothing else.

    The inputs are read again as `restore fix --review` read them (run it from the same directory).
    A document whose input changed since the review (its sha256), that the decisions do not name, or
    whose accepted edits cannot be placed exactly is refused with its name (exit 2); the others are
    written.
    """
    from restore.cli.progress import progress_bar
    from restore.errors import InputError
    from restore.io.outputs import FixOutput
    from restore.io.read import DEFAULT_GLOB, DEFAULT_MAX_BYTES, iter_inputs
    from restore.review.decisions import DecisionError, decided_result, load_decisions

    data = load_decisions(decisions)
    inp = data.get("inputs") or {}
    paths = inp.get("paths") or ["-"]
    if paths == ["-"] and isatty(sys.stdin):
        raise DecisionError("its documents came from stdin: pipe the same text in again", decisions)
    rep = Reporter(quiet)
    sources = sources_of([p for p in paths if p != "-"] or None, inp.get("glob", DEFAULT_GLOB),
                         inp.get("recursive", True), inp.get("input_format", "auto"))
    out = FixOutput(sources, fmt=value(fmt), output=output, output_field=output_field, stdout_tty=isatty(sys.stdout),
                    color=lambda: use_color(sys.stdout), bad_paths=rep.bad_paths, info=rep.info,
                    report=rep.output_problem)
    problem = reporting(rep, out.error)
    docs = {d["id"]: d for d in data["documents"]}
    signature = f"{data.get('signature', '')}|review:{data['run'][:8]}"
    done: set[str] = set()
    n_docs = n_edits = 0
    busy = show_progress(sources, quiet, no_progress, stdout_free=output is not None)
    try:
        with progress_bar(progress_total(sources), busy) as prog:
            for item in iter_inputs(field=inp.get("field", "text"), id_field=inp.get("id_field"),
                                    max_bytes=inp.get("max_bytes") or DEFAULT_MAX_BYTES, sources=sources):
                if isinstance(item, InputError):
                    problem(item)
                    continue
                d = docs.get(item.id)
                if d is None:
                    problem(DecisionError("not in the decisions: it was not reviewed (added since the review?)",
                                          item.path, item.line))
                    continue
                done.add(item.id)
                try:
                    result = decided_result(item.text, d, signature, where=item.id)
                except DecisionError as err:
                    problem(err if err.path else DecisionError(err.message, item.path, item.line, err.hint))
                    continue
                n_docs, n_edits = n_docs + 1, n_edits + len(result.applied)
                out.write(item, result)
                prog.advance(item.id)
        for doc_id in docs:
            if doc_id not in done and docs[doc_id].get("path", doc_id) not in rep.bad_paths:
                problem(DecisionError("unknown document: the decisions name it, but it is not among the inputs "
                                      f"{', '.join(paths)}", doc_id,
                                      hint="run restore apply from the directory restore fix ran in"))
        written = out.finish()
    except BaseException:
        out.abort()
        raise
    if not quiet and (written or isatty(sys.stderr)):
        bits = [plural(n_docs, "document"), f"{n_edits} edits applied"]
        if written:
            bits.append(plural(len(written), "file") + " written")
        stderr("restore: " + ", ".join(bits))
    if rep.errors:
        raise typer.Exit(EXIT_USAGE)
