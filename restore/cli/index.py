"""``restore index build|add|info``: the reference archive (``restore.reference.index``)."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import List, Optional

import typer

from restore.cli._util import (EXIT_USAGE, InputFormat, Reporter, UsageFailure, app, guarded, o_field, o_id_field,
                               o_infmt, o_maxb, o_norec, o_quiet, plural, sources_of, value)

index_app = typer.Typer(help="Build and grow a reference index: an archive of source articles that "
                             "`restore match`, `fix --reference` and `detect --reference` look pages up in.",
                        no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                        context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(index_app, name="index")

o_archive_glob = typer.Option("*", "--glob", help="Which files to take from a directory (default: all).")
o_shards = typer.Option(1, "--shards", min=1, metavar="N",
                        help="Split the index into N SQLite shards (by a hash of the id), written in parallel "
                             "with --jobs; worth it from a few million documents.")
o_jobs = typer.Option(1, "--jobs", "-j", min=1, metavar="N", help="Processes writing the shards.")


def _documents(rep: Reporter, paths: List[str], field: str, id_field: Optional[str], glob: str, recursive: bool,
               input_format: str, max_bytes: int):
    """(id, text) of every readable input; each bad one reported on stderr (the build goes on)."""
    from restore.io.read import iter_inputs

    sources = sources_of(paths, glob, recursive, input_format)
    for item in iter_inputs(field=field, id_field=id_field, max_bytes=max_bytes, sources=sources):
        if isinstance(item, Exception):
            rep.input_problem(item)
            continue
        yield item.id, item.text


def _added(rep: Reporter, path: str, report, idx, seconds: float) -> None:
    rep.info(f"restore index: {plural(report.added, 'document')} ({report.words:,} words) added to {path} "
             f"in {seconds:.1f} s" + (f", {report.duplicates} already there (left as they were)"
                                     if report.duplicates else "")
             + f"; it holds {plural(len(idx), 'document')}, {idx.size_bytes() / 1e6:.1f} MB")


@index_app.command("build")
@guarded
def build(
    paths: List[str] = typer.Argument(..., metavar="ARCHIVE...", help="Text files, directories, JSONL(.gz) files."),
    output: str = typer.Option(..., "--output", "-o", metavar="DIR", help="The index to make (a new directory)."),
    field: str = o_field, id_field: Optional[str] = o_id_field, glob: str = o_archive_glob,
    no_recursive: bool = o_norec, input_format: InputFormat = o_infmt, max_bytes: int = o_maxb,
    shards: int = o_shards, jobs: int = o_jobs, quiet: bool = o_quiet,
) -> None:
    """Make a reference index of source articles (a new directory; written aside and moved in place)."""
    from restore.reference.index import ReferenceIndex

    if os.path.exists(output):
        raise UsageFailure(f"{output} already exists: grow it with `restore index add {output} ...`, "
                           "or pick a new path")
    rep = Reporter(quiet)
    tmp = Path(output).parent / f".{Path(output).name}.building-{os.getpid()}"
    t0 = time.perf_counter()
    try:
        idx = ReferenceIndex.create(tmp, shards=shards)
        report = idx.add(_documents(rep, paths, field, id_field, glob, not no_recursive, value(input_format),
                                    max_bytes), jobs=jobs)
        idx.close()
        os.replace(tmp, output)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    idx = ReferenceIndex.open(output)
    _added(rep, output, report, idx, time.perf_counter() - t0)
    if rep.errors:
        raise typer.Exit(EXIT_USAGE)


@index_app.command("add")
@guarded
def add(
    index: str = typer.Argument(..., metavar="INDEX", help="An index made by `restore index build`."),
    paths: List[str] = typer.Argument(..., metavar="ARCHIVE...", help="Text files, directories, JSONL(.gz) files."),
    field: str = o_field, id_field: Optional[str] = o_id_field, glob: str = o_archive_glob,
    no_recursive: bool = o_norec, input_format: InputFormat = o_infmt, max_bytes: int = o_maxb,
    jobs: int = o_jobs, quiet: bool = o_quiet,
) -> None:
    """Add documents to an index; an id already in it is left as it was."""
    from restore.reference.index import ReferenceIndex

    rep = Reporter(quiet)
    idx = ReferenceIndex.open(index)
    t0 = time.perf_counter()
    report = idx.add(_documents(rep, paths, field, id_field, glob, not no_recursive, value(input_format), max_bytes),
                     jobs=jobs)
    _added(rep, index, report, idx, time.perf_counter() - t0)
    if rep.errors:
        raise typer.Exit(EXIT_USAGE)


@index_app.command("info")
@guarded
def info(index: str = typer.Argument(..., metavar="INDEX")) -> None:
    """What an index holds (JSON on stdout)."""
    from restore.io.records import record_json
    from restore.io.write import write_stdout
    from restore.reference.index import ReferenceIndex

    idx = ReferenceIndex.open(index)
    write_stdout(record_json({"index": index, "signature": idx.signature, "documents": len(idx), "words": idx.words,
                              "shards": idx.shards, "bytes": idx.size_bytes()}, indent=2) + "\n")
