"""``restore match``: find each page's source in a reference index (JSONL on stdout)."""
from __future__ import annotations

import functools
from typing import List, Optional

import typer

from restore.cli._util import (EXIT_FINDINGS, EXIT_USAGE, InputFormat, Reporter, app, choices, error_record_in_place,
                               guarded, o_field, o_glob, o_id_field, o_infmt, o_maxb, o_norec, o_quiet, paths_arg,
                               reporting, sources_of, value)

MatchFormat = choices("MatchFormat", ["jsonl", "text"])
o_reference = typer.Option(..., "--reference", "-r", metavar="INDEX", help="A reference index (`restore index build`).")


@app.command()
@guarded
def match(
    paths: Optional[List[str]] = paths_arg,
    reference: str = o_reference,
    top: int = typer.Option(3, "--top", "-k", min=1, help="Candidates listed per page, best first."),
    fmt: MatchFormat = typer.Option("jsonl", "--format", "-f",
                                    help="jsonl: a record per page; text: one line per page."),
    field: str = o_field, id_field: Optional[str] = o_id_field, glob: str = o_glob, no_recursive: bool = o_norec,
    input_format: InputFormat = o_infmt, max_bytes: int = o_maxb, quiet: bool = o_quiet,
) -> None:
    """Find each page's source in a reference index; exit 1 if any page is a copy of one."""
    from restore.io.read import iter_inputs
    from restore.io.records import record_json
    from restore.io.write import write_stdout
    from restore.reference.match import find_source, open_index

    fmt = value(fmt)
    rep = Reporter(quiet)
    idx = open_index(reference)
    problem = reporting(rep, functools.partial(error_record_in_place, fmt, []))
    sources = sources_of(paths, glob, not no_recursive, value(input_format))
    copies = 0
    for doc in iter_inputs(field=field, id_field=id_field, max_bytes=max_bytes, sources=sources):
        if isinstance(doc, Exception):
            problem(doc)
            continue
        found = find_source(doc.text, idx, k=max(top, 5))
        best = found.best if found.sure else None
        copies += best is not None
        if fmt == "jsonl":
            write_stdout(record_json({"id": doc.id, "source": best.id if best else None,
                                      "matches": [m.to_dict() for m in found.matches[:top]],
                                      "signature": idx.signature}) + "\n")
            continue
        where = doc.path if doc.kind == "text" else doc.id
        if best is not None:
            write_stdout(f"{where}: copy of {best.id} (score {best.score:.2f}, coverage {best.coverage:.2f})\n")
        else:
            near = f" (nearest: {found.best.id}, score {found.best.score:.2f})" if found.best else ""
            write_stdout(f"{where}: no source in the index{near}\n")
    if rep.errors:
        raise typer.Exit(EXIT_USAGE)
    if copies:
        raise typer.Exit(EXIT_FINDINGS)
