"""The ``restore`` command line: fix, detect, diff, lexicon.

Data goes to stdout, messages and progress to stderr. Exit codes: 0 ok; 1 findings (``detect``
found a document at or over ``--doc-threshold``, ``fix --check`` would change something, ``diff
--exit-code`` texts differ, ``lexicon PHRASE`` not found); 2 usage or input error (a batch goes on
past bad records and exits 2 at the end); 3 internal error (one line; the traceback with
``RESTORE_DEBUG=1``). Renderers, rich and the models are imported only when used.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import sys
import traceback
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, List, Optional

import click
import typer

from . import __version__
from .config import QUALITIES, Config
from .errors import InputError, RestoreError
from .output import Formatter, Sink, detect_record, record_json, write_stdout
from .parallel import map_windows, resolve_jobs
from .progress import progress_bar
from .io import (DEFAULT_MAX_BYTES, STDIN_NAME, Document, InputWarning, Source, expand_paths,
                 iter_inputs, output_path_for, read_text_source, same_file, severity)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
ANY_LANGUAGE_HINT = "--any-language checks it anyway"
REPORT_URL_HINT = ("this is a bug in restore: please report it with the command line; "
                   "RESTORE_DEBUG=1 shows the traceback")

app = typer.Typer(
    name="restore",
    help="Find and undo spun English text (article-spinner output).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# ------------------------------------------------------------------ small helpers
class UsageFailure(Exception):
    """A bad combination of options: one line on stderr, exit 2."""


def _stderr(msg: str) -> None:
    sys.stderr.write(msg if msg.endswith("\n") else msg + "\n")
    sys.stderr.flush()


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _use_color(stream) -> bool:
    from .render.terminal import use_color

    return use_color(stream)


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


class Reporter:
    """Counts problems and prints them: ``restore: error: FILE:LINE: message (hint)``."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.errors = 0
        self.warnings = 0
        self.bad_paths: set[str] = set()

    def input_problem(self, err: InputError) -> None:
        if severity(err) == "warning":
            self.warnings += 1
            if not self.quiet:
                _stderr(f"restore: warning: {err}")
            return
        self.errors += 1
        if err.path:
            self.bad_paths.add(err.path)
        _stderr(f"restore: error: {err}")

    def info(self, msg: str) -> None:
        if not self.quiet:
            _stderr(msg)


def _located(exc: InputError, doc: Document) -> InputError:
    """An error raised while processing ``doc``: it names the document's file and line unless it names its own."""
    return exc if exc.path is not None else InputError(exc.message, doc.path, doc.line, exc.hint)


def guarded(fn: Callable) -> Callable:
    """Turn exceptions into exit codes and one-line messages."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except UsageFailure as exc:
            _stderr(f"restore: error: {exc}")
            raise typer.Exit(EXIT_USAGE)
        except RestoreError as exc:
            _stderr(f"restore: error: {exc}")
            raise typer.Exit(getattr(exc, "exit_code", EXIT_INTERNAL) or EXIT_USAGE)
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(141)
        except KeyboardInterrupt:
            _stderr("restore: interrupted")
            raise typer.Exit(130)
        except Exception as exc:  # noqa: BLE001 - the point of this wrapper
            if os.environ.get("RESTORE_DEBUG", "") not in ("", "0"):
                traceback.print_exc(file=sys.stderr)
            msg = str(exc).splitlines()[0] if str(exc) else ""
            _stderr(f"restore: internal error: {type(exc).__name__}{': ' + msg if msg else ''} ({REPORT_URL_HINT})")
            raise typer.Exit(EXIT_INTERNAL)

    return wrapper


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _make_config(**kw) -> Config:
    cfg = Config(**{k: v for k, v in kw.items() if v is not None})
    from .lexicon import load_lexicon

    load_lexicon(cfg.lexicons, cfg.builtin)  # a bad --lexicon file fails here, before any input is read
    return cfg


def _sources(paths: Optional[List[str]], glob: str, recursive: bool, input_format: str) -> list[Source]:
    if not paths and _isatty(sys.stdin):
        raise UsageFailure("no input: name a file or directory, or pipe text on stdin (use - to read a terminal)")
    if paths and sum(1 for p in paths if p == "-") > 1:
        raise UsageFailure("stdin (-) can be read only once")
    return expand_paths(paths, glob=glob, recursive=recursive, input_format=input_format)


def _several(sources: list[Source]) -> bool:
    """True when the input may hold several documents (decides json's object-or-array shape)."""
    return len(sources) > 1 or any(s.root is not None or s.kind == "jsonl" for s in sources)


def _progress_total(sources: list[Source]) -> int | None:
    if any(s.kind == "jsonl" for s in sources):
        return None
    return sum(1 for s in sources if s.error is None)


def _show_progress(sources: list[Source], quiet: bool, no_progress: bool, stdout_free: bool = False) -> bool:
    """Only for several documents, on a terminal stderr, and never drawn over data going to the same
    terminal on stdout (``stdout_free``: output goes to files, or nowhere)."""
    return (_several(sources) and not quiet and not no_progress and _isatty(sys.stderr)
            and (stdout_free or not _isatty(sys.stdout)))


# ------------------------------------------------------------------ shared options
def _choices(name: str, values: Iterable[str]) -> type[Enum]:
    return Enum(name, {v: v for v in values}, type=str)  # type: ignore[return-value]


FixFormat = _choices("FixFormat", ["auto", "text", "json", "jsonl", "html", "diff"])
DetectFormat = _choices("DetectFormat", ["auto", "text", "json", "jsonl", "html"])
DiffFormat = _choices("DiffFormat", ["text", "json", "html", "diff"])
LexFormat = _choices("LexFormat", ["text", "json"])
InputFormat = _choices("InputFormat", ["auto", "text", "jsonl"])
Show = _choices("Show", ["diff", "text"])
Quality = _choices("Quality", list(QUALITIES))


def _v(x: Any) -> Any:
    return x.value if isinstance(x, Enum) else x

_paths_arg = typer.Argument(None, metavar="PATHS", show_default=False,
                            help="Files, directories or - (stdin; the default).")
_o_field = typer.Option("text", "--field", help="JSONL: the field that holds the text.")
_o_id_field = typer.Option(None, "--id-field", help="JSONL: the field that holds the id (default: path:line).")
_o_glob = typer.Option("*.txt", "--glob", help="Which files to take from a directory.")
_o_norec = typer.Option(False, "--no-recursive", help="Do not descend into subdirectories.")
_o_infmt = typer.Option("auto", "--input-format",
                        help="auto: .jsonl/.jsonl.gz files are JSONL, everything else (and stdin) text.")
_o_maxb = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", min=1,
                       help="Largest text file (or JSONL line) read, in bytes.")
_o_lex = typer.Option(None, "--lexicon", "-l", help="A TSV dictionary (repeatable; earlier ones win).")
_o_nobuiltin = typer.Option(False, "--no-builtin", help="Do not use the built-in dictionaries.")
_o_nomodel = typer.Option(False, "--no-model", help="Do not use the seq2seq restorer.")
_o_nodet = typer.Option(False, "--no-detector", help="Do not use the span detector.")
_o_quality = typer.Option("fast", "--quality", help="fast or best.")
_o_models = typer.Option(None, "--models-dir", help="Where the trained models are (default: the package's models/).")
_o_quiet = typer.Option(False, "--quiet", "-q", help="Only errors on stderr.")
_o_noprog = typer.Option(False, "--no-progress", help="No progress bar.")
_o_anylang = typer.Option(False, "--any-language",
                          help="Check every text as English. By default a text that is clearly not English "
                               "is not checked: it is left as it is, with spun_score 0 and a warning.")
_o_jobs = typer.Option(1, "--jobs", "-j", min=0, metavar="N",
                       help="Worker processes, each with the models and one thread (0: one per CPU, as many as "
                            "the free memory holds at ~1 GB each). "
                            "1: this process, torch's own threads. The output is that of a one-thread run.")


def _version_cb(value: bool) -> None:
    if not value:
        return
    try:
        from .pipeline import signature_of

        sig = signature_of(Config())
    except Exception as exc:  # noqa: BLE001 - --version must work even when a model is broken
        sig = f"(signature unavailable: {exc})"
    write_stdout(f"restore {__version__}\n{sig}\n")
    raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", "-V", callback=_version_cb, is_eager=True,
                                       help="Print the version and the default signature, then exit.")) -> None:
    """restore: find and undo spun English text (thesaurus-substituted article-spinner output).

    Exit codes: 0 ok, 1 findings, 2 usage or input error, 3 internal error.
    """


# ------------------------------------------------------------------ fix
@app.command()
@guarded
def fix(
    paths: Optional[List[str]] = _paths_arg,
    fmt: FixFormat = typer.Option("auto", "--format", "-f",
                            help="auto: jsonl for JSONL input, else text. text: the restored text "
                                 "(a coloured diff on a terminal, see --show); json; jsonl; html; diff (unified)."),
    show: Optional[Show] = typer.Option(None, "--show",
                                       help="For --format text: print the word diff or the restored text. "
                                            "Default: diff on a terminal, text otherwise (and for files)."),
    field: str = _o_field,
    id_field: Optional[str] = _o_id_field,
    output_field: str = typer.Option("restored", "--output-field", help="JSONL: the field the restored text goes to."),
    output_arg: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE|DIR/",
                                             help="A file, or a directory (existing, or ending in /) "
                                                  "that mirrors the input tree (each file keeps its format unless --format is given)."),
    in_place: bool = typer.Option(False, "--in-place", "-i", help="Rewrite the inputs (needs --backup)."),
    backup: Optional[str] = typer.Option(None, "--backup", help="With --in-place: keep the original as PATH+SUFFIX."),
    threshold: float = typer.Option(Config.threshold, "--threshold", min=0.0, max=1.0,
                                    help="Apply edits at least this confident."),
    model_threshold: float = typer.Option(Config.model_threshold, "--model-threshold", min=0.0, max=1.0,
                                          help="Model edits must also clear this."),
    refine_threshold: Optional[float] = typer.Option(
        None, "--refine-threshold", min=0.0, max=1.0, metavar="P",
        help="Off by default. When the model has no confident wording for a detector span, ask it again "
             "about the span's sub-runs of words the detector gives at least P (e.g. 0.75): more spun "
             "words restored, lower edit precision (README)."),
    lexicon: Optional[List[str]] = _o_lex,
    no_builtin: bool = _o_nobuiltin,
    no_model: bool = _o_nomodel,
    no_detector: bool = _o_nodet,
    quality: Quality = _o_quality,
    lm_spans: int = typer.Option(40, "--lm-spans", min=1, help="--quality best: spans per document the LM reconsiders."),
    lm_candidates: int = typer.Option(10, "--lm-candidates", min=1, help="--quality best: candidates per span."),
    lm_margin: float = typer.Option(2.0, "--lm-margin", help="--quality best: margin over the spun wording."),
    lm_separation: float = typer.Option(2.0, "--lm-separation",
                                        help="--quality best: margin over the runner-up candidate."),
    models_dir: Optional[str] = _o_models,
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if anything would change."),
    explain: bool = typer.Option(False, "--explain", help="Also show the diff and every edit on stderr."),
    quiet: bool = _o_quiet,
    no_progress: bool = _o_noprog,
    max_bytes: int = _o_maxb,
    glob: str = _o_glob,
    no_recursive: bool = _o_norec,
    input_format: InputFormat = _o_infmt,
    any_language: bool = _o_anylang,
    jobs: int = _o_jobs,
) -> None:
    """Restore spun text: print (or write) it with the spinner's substitutions undone."""
    from .pipeline import restore_batch

    fmt, show, quality, input_format = _v(fmt), _v(show), _v(quality), _v(input_format)
    output = Path(output_arg) if output_arg else None
    rep = Reporter(quiet)
    if backup is not None and not in_place:
        raise UsageFailure("--backup works only with --in-place")
    if in_place and not backup:
        raise UsageFailure("--in-place needs --backup SUFFIX (e.g. --in-place --backup .orig), "
                           "so the original is kept")
    if in_place and output is not None:
        raise UsageFailure("use either --in-place or --output, not both")
    if show is not None and fmt not in ("auto", "text"):
        raise UsageFailure("--show works only with --format text")
    cfg = _make_config(threshold=threshold, model_threshold=model_threshold, lexicons=tuple(lexicon or ()),
                       builtin=not no_builtin, use_model=not no_model, use_detector=not no_detector,
                       refine_threshold=refine_threshold, quality=quality, models_dir=models_dir, lm_max_spans=lm_spans,
                       lm_max_candidates=lm_candidates, lm_margin=lm_margin, lm_separation=lm_separation,
                       check_language=not any_language)
    sources = _sources(paths, glob, not no_recursive, input_format)
    several = _several(sources)
    has_jsonl = any(s.kind == "jsonl" for s in sources)
    if in_place:
        if any(s.path == STDIN_NAME for s in sources):
            raise UsageFailure("--in-place cannot rewrite stdin")
        if fmt != "auto" and fmt != ("jsonl" if has_jsonl else "text"):
            raise UsageFailure("--in-place keeps each file's format: leave out --format "
                               "(text files stay text, JSONL stays JSONL)")
    fmt_auto = fmt == "auto"
    if fmt == "auto" and output is not None and not output.is_dir() and not output_arg.endswith(("/", os.sep)):
        fmt = _format_from_name(output.name) or "auto"  # -o report.html means --format html
    if fmt == "auto":
        fmt = "jsonl" if has_jsonl else "text"
    good = [s for s in sources if s.error is None]
    several_files = len(good) > 1 or any(s.root is not None for s in sources)
    if fmt == "html" and (has_jsonl or (several_files and output is None)):
        raise UsageFailure("--format html writes one page per text file: give a single text file, or -o DIR")

    # where the output goes: stdout, one file (-o FILE), or a mirrored tree (-o DIR)
    out_dir: Path | None = None
    out_file: Path | None = None
    if output is not None and not check:
        wants_dir = output.is_dir() or output_arg.endswith(("/", os.sep))
        if not wants_dir and several_files and fmt not in ("jsonl", "json"):
            if output.exists():
                raise UsageFailure(f"{output}: several inputs go to one file only as --format jsonl "
                                   "(or json); to write one file per input give a directory")
            wants_dir = True
        if wants_dir:
            out_dir = output
        else:
            out_file = output
    # --in-place, and -o DIR without --format, keep each file's format: text stays text, JSONL stays JSONL
    keep_kind = in_place or (fmt_auto and out_dir is not None)

    def format_of(kind: str) -> str:
        return ("jsonl" if kind == "jsonl" else "text") if keep_kind else fmt

    if output is not None and not check:
        _refuse_own_input(sources, out_file, out_dir, format_of)

    color_out = False
    if fmt == "text":
        to_terminal = output is None and not in_place and not check and _isatty(sys.stdout)
        if show is None:
            show = "diff" if to_terminal else "text"
        color_out = show == "diff" and to_terminal and _use_color(sys.stdout)
    else:
        show = "text"
    headers = fmt == "text" and (out_file is not None or (out_dir is None and not in_place)) and \
        (len(sources) > 1 or any(s.root or s.kind == "jsonl" for s in sources))
    json_several = several

    def new_formatter() -> Formatter:
        return Formatter(fmt, show, color_out, json_several, output_field, headers)

    # one sink for stdout / -o FILE; one per input file for -o DIR and --in-place
    shared: tuple[Sink, Formatter] | None = None
    if out_dir is None and not in_place:
        shared = (Sink(out_file, dry=check), new_formatter())
    per_file: dict[str, tuple[Sink, Formatter, Source | None]] = {}
    changed_in: dict[str, int] = {}

    def sink_for(doc: Document) -> tuple[Sink, Formatter]:
        if shared is not None:
            return shared
        if doc.path not in per_file:
            _close_files(exclude=None)
            doc_fmt = format_of(doc.kind)
            target = Path(doc.path) if in_place else output_path_for(doc.path, doc.root, out_dir,
                                                                     _suffix_for(doc_fmt, doc.kind))
            f = Formatter(doc_fmt, show, color_out, doc.kind == "jsonl", output_field,
                          headers=doc_fmt == "text" and doc.kind == "jsonl")
            per_file[doc.path] = (Sink(target, dry=check), f, None)
        s, f, _ = per_file[doc.path]
        return s, f

    written: list[str] = []

    def _close_files(exclude: str | None) -> None:
        for pth in list(per_file):
            if pth == exclude:
                continue
            s, f, _ = per_file.pop(pth)
            s.write(f.finish())
            if in_place and (pth in rep.bad_paths or not changed_in.get(pth)):
                s.abort()
                if pth in rep.bad_paths and changed_in.get(pth):
                    rep.info(f"restore: {pth}: not rewritten because some of its records are bad")
                continue
            if in_place and s.chunks:
                shutil.copy2(pth, pth + backup)
            if s.commit():
                written.append(str(s.path))

    n_docs = n_changed = n_edits = 0
    show_diff_on_stdout = fmt == "text" and show == "diff" and shared is not None and out_file is None
    try:
        stdout_free = check or in_place or output is not None
        with progress_bar(_progress_total(sources), _show_progress(sources, quiet, no_progress, stdout_free)) as prog:
            items = iter_inputs(field=field, id_field=id_field, max_bytes=max_bytes, sources=sources)
            for doc, result in _processed(items, cfg, restore_batch, rep, resolve_jobs(jobs)):
                n_docs += 1
                n_edits += len(result.applied)
                if result.changed:
                    n_changed += 1
                    changed_in[doc.path] = changed_in.get(doc.path, 0) + 1
                    if check:
                        rep.info(f"would change: {doc.id} ({len(result.applied)} edit"
                                 f"{'s' if len(result.applied) != 1 else ''})")
                if not check:
                    sink, formatter = sink_for(doc)
                    sink.write(formatter.chunk(doc, result))
                if explain:
                    _explain(doc, result, several and not show_diff_on_stdout, show_diff_on_stdout)
                prog.advance(doc.id)
        _close_files(exclude=None)
        if shared is not None:
            shared[0].write(shared[1].finish())
            if shared[0].commit():
                written.append(str(shared[0].path))
    except BaseException:
        for s, _f, _ in per_file.values():
            s.abort()
        if shared is not None:
            shared[0].abort()
        raise

    # summary on stderr
    if check:
        rep.info(f"restore: {n_changed} of {n_docs} document{'s' if n_docs != 1 else ''} would change")
    elif not quiet and (_isatty(sys.stderr) or written) and (n_docs or written):
        bits = [f"{n_docs} document{'s' if n_docs != 1 else ''}", f"{n_changed} changed", f"{n_edits} edits applied"]
        if written:
            bits.append(f"{len(written)} file{'s' if len(written) != 1 else ''} written")
        _stderr("restore: " + ", ".join(bits))
    if rep.errors:
        raise typer.Exit(EXIT_USAGE)
    if check and n_changed:
        raise typer.Exit(EXIT_FINDINGS)


# documents processed together (the models batch across them: ~1.3x faster restoring, ~1.5x detecting).
# bf16 arithmetic depends a hair on the batch a text is padded into, so a confidence near a threshold
# can tip differently than with one document at a time: RESTORE_BATCH_DOCS=1 for that.
BATCH_DOCS = max(1, int(os.environ.get("RESTORE_BATCH_DOCS", "16") or 16))
BATCH_CHARS = 200_000


def _windows(items: Iterable) -> Iterator[list]:
    """Up to BATCH_DOCS items (BATCH_CHARS characters of text) at a time, in order."""
    window: list = []
    size = 0
    for item in items:
        window.append(item)
        size += 0 if isinstance(item, InputError) else len(item.text)
        if len(window) >= BATCH_DOCS or size >= BATCH_CHARS:
            yield window
            window, size = [], 0
    if window:
        yield window


def _texts(window: list) -> list[str]:
    return [it.text for it in window if not isinstance(it, InputError)]


def _batched(items: Iterable, cfg: Config, batch_fn, jobs: int = 1) -> Iterator[tuple[Any, Any]]:
    """``(item, result)`` in input order, running ``batch_fn`` (``restore_batch`` or ``detect_batch``)
    on windows of documents (``_windows``), in ``jobs`` worker processes when more than one
    (``restore.parallel``); an input problem passes through with result None."""
    for window, results in map_windows(batch_fn, _windows(items), cfg, jobs, texts=_texts):
        it = iter(results)
        for item in window:
            yield item, None if isinstance(item, InputError) else next(it)


def _processed(items: Iterable, cfg: Config, batch_fn, rep: Reporter, jobs: int = 1) -> Iterator[tuple[Document, Any]]:
    """``(document, result)`` in input order (see ``_batched``); a bad record, or a document its
    run rejects, is reported (naming its file and line) and skipped, and the batch goes on. A
    document that was not checked (not English) is yielded as it came back, with a warning, and so
    is each paragraph of a document that was not checked."""
    for item, result in _batched(items, cfg, batch_fn, jobs):
        if isinstance(item, InputError):
            rep.input_problem(item)
        elif isinstance(result, InputError):
            rep.input_problem(_located(result, item))
        else:
            if result.skipped is not None:
                rep.input_problem(InputWarning(f"not checked: {result.skipped}", item.path, item.line,
                                               hint=ANY_LANGUAGE_HINT))
            for start, _end, why in result.unchecked:
                line = item.text.count("\n", 0, start) + 1
                # a text file names the paragraph's own line; a JSONL record its line, then the paragraph's
                where, what = ((line, "paragraph") if item.line is None
                               else (item.line, f"paragraph at line {line} of its text"))
                rep.input_problem(InputWarning(f"{what} not checked: {why}", item.path, where, hint=ANY_LANGUAGE_HINT))
            yield item, result


def _format_from_name(name: str) -> str | None:
    low = name.lower()
    for ends, fmt in (((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"), "jsonl"), ((".json",), "json"),
                      ((".html", ".htm"), "html"), ((".diff", ".patch"), "diff")):
        if low.endswith(ends):
            return fmt
    return None


def _suffix_for(fmt: str, kind: str) -> str:
    """What -o DIR appends to an input's name: nothing when the output keeps the input's format."""
    if fmt == "jsonl":
        return "" if kind == "jsonl" else ".jsonl"
    if fmt == "text":
        return ".txt" if kind == "jsonl" else ""
    return {"json": ".json", "html": ".html", "diff": ".diff"}[fmt]


def _refuse_own_input(sources: list[Source], out_file: Path | None, out_dir: Path | None,
                      format_of: Callable[[str], str]) -> None:
    for s in sources:
        if s.error is not None or s.path == STDIN_NAME:
            continue
        target = out_file if out_file is not None else \
            output_path_for(s.path, s.root, out_dir, _suffix_for(format_of(s.kind), s.kind))
        if target is not None and (target.exists() or out_file is None) and same_file(target, s.path):
            raise UsageFailure(f"{target}: refusing to write the output onto its own input "
                               "(use --in-place --backup SUFFIX to rewrite inputs)")


def _explain(doc: Document, result, several: bool, diff_on_stdout: bool) -> None:
    from .align import segments_from_edits
    from .render.terminal import render_edit_list, render_terminal

    parts = []
    if several:
        parts.append(f"==> {doc.id} <==\n")
    if not diff_on_stdout and result.edits:
        body = render_terminal(segments_from_edits(doc.text, result.edits), color=_use_color(sys.stderr),
                               spans=result.unrestored)
        parts.append(body if body.endswith("\n") else body + "\n")
    parts.append(render_edit_list(result))
    n_left = len(result.unrestored)
    parts.append(f"{len(result.applied)} edit{'s' if len(result.applied) != 1 else ''} applied, "
                 f"{len(result.reported)} reported, {n_left} span{'s' if n_left != 1 else ''} unrestored; "
                 f"spun_score {result.spun_score:.2f}\n")
    sys.stderr.write("".join(parts))
    sys.stderr.flush()


# ------------------------------------------------------------------ detect
@app.command()
@guarded
def detect(
    paths: Optional[List[str]] = _paths_arg,
    fmt: DetectFormat = typer.Option("auto", "--format", "-f",
                            help="auto: jsonl for JSONL input, else text (lint-style lines). html: one self-contained page, "
                                 "the spans marked by confidence (a table of documents when there are several)."),
    field: str = _o_field,
    id_field: Optional[str] = _o_id_field,
    min_score: float = typer.Option(0.0, "--min-score", min=0.0, max=1.0,
                                    help="List only documents whose spun_score is at least this."),
    doc_threshold: Optional[float] = typer.Option(None, "--doc-threshold", min=0.0, max=1.0,
                                        help="A document at or over this spun_score is spun (exit 1); default: the detector's calibrated gate."),
    span_threshold: Optional[float] = typer.Option(None, "--span-threshold", min=0.0, max=1.0,
                                         help="The detector reports spans at least this likely; default: its calibrated operating point."),
    suggest: bool = typer.Option(False, "--suggest",
                                 help="Ask the restorer model for the original wording of the detector's spans: a span "
                                      "it has a wording for narrows to the words that wording changes, with it as the "
                                      "suggestion (~5x slower)."),
    lexicon: Optional[List[str]] = _o_lex,
    no_builtin: bool = _o_nobuiltin,
    no_detector: bool = _o_nodet,
    models_dir: Optional[str] = _o_models,
    quiet: bool = _o_quiet,
    no_progress: bool = _o_noprog,
    max_bytes: int = _o_maxb,
    glob: str = _o_glob,
    no_recursive: bool = _o_norec,
    input_format: InputFormat = _o_infmt,
    any_language: bool = _o_anylang,
    jobs: int = _o_jobs,
) -> None:
    """Find spun phrases: lint-style lines, a spun_score per document; exit 1 if any is spun."""
    from .pipeline import detect_batch, doc_threshold_of

    fmt, input_format = _v(fmt), _v(input_format)
    rep = Reporter(quiet)
    cfg = _make_config(lexicons=tuple(lexicon or ()), builtin=not no_builtin, use_detector=not no_detector,
                       use_model=suggest, detect_suggest=suggest, detect_threshold=span_threshold,
                       doc_threshold=doc_threshold, models_dir=models_dir, check_language=not any_language)
    doc_thr = doc_threshold_of(cfg)
    sources = _sources(paths, glob, not no_recursive, input_format)
    several = _several(sources)
    if fmt == "auto":
        fmt = "jsonl" if any(s.kind == "jsonl" for s in sources) else "text"
    records: list[dict] = []
    marked: list[tuple] = []  # --format html: (name, detection, spun)
    scores: list[float] = []
    n_spun = 0
    with progress_bar(_progress_total(sources), _show_progress(sources, quiet, no_progress)) as prog:
        items = iter_inputs(field=field, id_field=id_field, max_bytes=max_bytes, sources=sources)
        for doc, det in _processed(items, cfg, detect_batch, rep, resolve_jobs(jobs)):
            prog.advance(doc.id)
            scores.append(det.spun_score)
            spun = det.spun_score >= doc_thr
            n_spun += spun
            if det.spun_score < min_score:
                continue
            if fmt == "text":
                write_stdout(_lint_lines(doc, det, spun))
            elif fmt == "jsonl":
                write_stdout(record_json(detect_record(doc, det)) + "\n")
            elif fmt == "html":
                marked.append((doc.path if doc.kind == "text" else doc.id, det, spun))
            else:
                records.append(detect_record(doc, det))
    if fmt == "json":
        obj: Any = records if several else (records[0] if records else None)
        if obj is not None:
            write_stdout(record_json(obj, indent=2) + "\n")
    elif fmt == "html" and marked:
        from .render.html import render_detection_html

        title = f"restore detect: {marked[0][0]}" if len(marked) == 1 else f"restore detect: {len(marked)} documents"
        meta = {"signature": marked[0][1].signature, "doc_threshold": doc_thr, "min_score": min_score}
        write_stdout(render_detection_html(marked, title=title, meta=meta))
    if len(scores) > 1 and not quiet:
        _summary_table(len(scores), n_spun, sum(scores) / len(scores))
    if rep.errors:
        raise typer.Exit(EXIT_USAGE)
    if n_spun:
        raise typer.Exit(EXIT_FINDINGS)


def _lint_lines(doc: Document, det, spun: bool) -> str:
    """``path:line:col: spun(0.91) "Information" -> "News"`` per span (``-> (delete)`` for a word
    the suggestion drops: "legal" of "human legal rights"), then the score line.
    For a JSONL record the location is its id and line:col count inside its text field."""
    where = doc.path if doc.kind == "text" else doc.id
    lines = []
    for s in det.spans:
        line, col = _line_col(doc.text, s.start)
        if s.suggestion is None:
            sug = ""
        elif s.suggestion == "":
            sug = " -> (delete)"
        else:
            sug = f" -> {_q(s.suggestion)}"
        lines.append(f"{where}:{line}:{col}: spun({s.confidence:.2f}) {_q(s.text)}{sug}\n")
    verdict = "not checked: " + det.skipped if det.skipped is not None else "spun" if spun else "clean"
    lines.append(f"{where}: spun_score {det.spun_score:.2f} ({verdict})\n")
    return "".join(lines)


def _summary_table(n: int, n_spun: int, mean: float) -> None:
    if _isatty(sys.stderr):
        from rich.console import Console
        from rich.table import Table

        t = Table(title="restore detect", title_justify="left")
        for c in ("documents", "spun", "mean score"):
            t.add_column(c, justify="right")
        t.add_row(str(n), str(n_spun), f"{mean:.2f}")
        Console(stderr=True).print(t)
        return
    _stderr(f"{'documents':>9}  {'spun':>5}  {'mean score':>10}\n{n:>9}  {n_spun:>5}  {mean:>10.2f}")


# ------------------------------------------------------------------ diff
@app.command()
@guarded
def diff(
    a: str = typer.Argument(..., metavar="A", help="The first text file (- for stdin)."),
    b: str = typer.Argument(..., metavar="B", help="The second text file (- for stdin)."),
    fmt: DiffFormat = typer.Option("text", "--format", "-f",
                            help="text: word diff (coloured on a terminal, else [-old-]{+new+}); "
                                 "json: segments; html: a page; diff: line-based unified diff."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 1 when the texts differ."),
    max_bytes: int = _o_maxb,
) -> None:
    """Compare two texts word by word."""
    from .align import diff as word_diff

    fmt = _v(fmt)
    if a == "-" and b == "-":
        raise UsageFailure("only one of A and B can be stdin (-)")
    ta = read_text_source(a, max_bytes, allow_empty=True).text
    tb = read_text_source(b, max_bytes, allow_empty=True).text
    na = STDIN_NAME if a == "-" else a
    nb = STDIN_NAME if b == "-" else b
    segs = word_diff(ta, tb)
    if fmt == "text":
        from .render.terminal import render_terminal

        color = _use_color(sys.stdout)
        body = render_terminal(segs, color=color)
        if _isatty(sys.stdout) and body and not body.endswith("\n"):
            body += "\n"
        write_stdout(body)
    elif fmt == "json":
        from .render.jsonout import diff_record

        rec = {"a": na, "b": nb, **diff_record(segs)}
        write_stdout(record_json(rec, indent=2) + "\n")
    elif fmt == "html":
        from .render.html import render_html

        write_stdout(render_html(segs, title=f"{na} → {nb}", meta={"a": na, "b": nb}))
    else:
        from .render.unified import render_unified

        write_stdout(render_unified(ta, tb, na, nb))
    if exit_code and ta != tb:
        raise typer.Exit(EXIT_FINDINGS)


# ------------------------------------------------------------------ lexicon
@app.command()
@guarded
def lexicon(
    phrase: Optional[str] = typer.Argument(None, help="A spun phrase to look up; without it: statistics."),
    lexicons: Optional[List[str]] = _o_lex,
    no_builtin: bool = _o_nobuiltin,
    fmt: LexFormat = typer.Option("text", "--format", "-f"),
) -> None:
    """Look a phrase up in the merged dictionaries, or show what they hold."""
    from .lexicon import load_lexicon

    fmt = _v(fmt)
    lex = load_lexicon(tuple(lexicons or ()), not no_builtin)
    if phrase is None:
        per = [{"dictionary": name, "hash": h, "entries": n} for name, h, n in lex.sources]
        if fmt == "json":
            write_stdout(record_json({"dictionaries": per, "merged_entries": len(lex), "signature": lex.signature},
                              indent=2) + "\n")
            return
        if not per:
            write_stdout("no dictionaries loaded\n")
            return
        w = max(len("dictionary"), *(len(p["dictionary"]) for p in per))
        rows = [f"{'dictionary':<{w}}  {'entries':>8}  hash"]
        rows += [f"{p['dictionary']:<{w}}  {p['entries']:>8}  {p['hash']}" for p in per]
        rows.append(f"{'merged':<{w}}  {len(lex):>8}  {lex.signature}")
        write_stdout("\n".join(rows) + "\n")
        return
    entry = lex.lookup(phrase)
    if entry is None:
        if fmt == "json":
            write_stdout(record_json({"phrase": phrase, "found": False}) + "\n")
        _stderr(f"restore: {_q(phrase)} is in none of the dictionaries")
        raise typer.Exit(EXIT_FINDINGS)
    rec = {"phrase": phrase, "found": True, "entry": entry.spun, "canonical": entry.canonical,
           "dictionary": entry.dictionary, "confidence": entry.confidence}
    if entry.note:
        rec["note"] = entry.note
    if fmt == "json":
        write_stdout(record_json(rec) + "\n")
        return
    keys = ["entry", "canonical", "dictionary", "confidence"] + (["note"] if entry.note else [])
    write_stdout("".join(f"{k + ':':<12}{rec[k]}\n" for k in keys))


# ------------------------------------------------------------------ eval
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
    from .metrics import load_gold, load_system, score_restore

    scores = score_restore(load_gold(gold), load_system(system, field), with_bleu=bleu).to_dict()
    scores["signature"] = f"restore-eval:{__version__}|gold:{Path(gold).name}|tok:words+punct|case:yes"
    if _v(fmt) == "json":
        write_stdout(record_json(scores) + "\n")
        return
    write_stdout("".join(f"{k + ':':<17}{v}\n" for k, v in scores.items() if v is not None))




def main() -> None:
    """Console-script entry point (``restore = "restore.cli:main"``)."""
    try:
        app(prog_name="restore")
    except KeyboardInterrupt:  # pragma: no cover - outside a command
        _stderr("restore: interrupted")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
