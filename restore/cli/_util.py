"""What every command shares: the Typer app, exit codes, error handling (``guarded``), the
reporter of input problems, the options several commands take, and input selection.

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
import sys
import traceback
from enum import Enum
from typing import Any, Callable, Iterable, List, Optional

import click
import typer

from restore.config import QUALITIES, Config
from restore.errors import InputError, RestoreError
from restore.io.read import DEFAULT_GLOB, DEFAULT_MAX_BYTES, Source, expand_paths, severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
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


class UsageFailure(Exception):
    """A bad combination of options: one line on stderr, exit 2."""


def stderr(msg: str) -> None:
    sys.stderr.write(msg if msg.endswith("\n") else msg + "\n")
    sys.stderr.flush()


def isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def use_color(stream) -> bool:
    from restore.render.terminal import use_color as wanted

    return wanted(stream)


def quoted(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


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
                stderr(f"restore: warning: {err}")
            return
        self.errors += 1
        if err.path:
            self.bad_paths.add(err.path)
        stderr(f"restore: error: {err}")

    def output_problem(self, err: RestoreError) -> None:
        """An output that could not be written while the run went on (one file of -o DIR/)."""
        self.errors += 1
        stderr(f"restore: error: {err}")

    def info(self, msg: str) -> None:
        if not self.quiet:
            stderr(msg)


def reporting(rep: Reporter, also: Callable[[InputError], None]) -> Callable[[InputError], None]:
    """A report callback: the problem on stderr (``rep``), then ``also`` (a bad input's error record
    in its place in the output)."""
    def report(err: InputError) -> None:
        rep.input_problem(err)
        also(err)
    return report


def error_record_in_place(fmt: str, kept: list, err: InputError) -> None:
    """A bad input's error record in its place in the output: jsonl at once, json in ``kept`` (the
    list the command writes at the end); text and html: stderr only. Warnings get none."""
    if severity(err) != "error":
        return
    if fmt == "jsonl":
        from restore.io.records import error_record, record_json
        from restore.io.write import write_stdout

        write_stdout(record_json(error_record(err)) + "\n")
    elif fmt == "json":
        kept.append(err)


def guarded(fn: Callable) -> Callable:
    """Turn exceptions into exit codes and one-line messages."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except UsageFailure as exc:
            stderr(f"restore: error: {exc}")
            raise typer.Exit(EXIT_USAGE)
        except RestoreError as exc:
            stderr(f"restore: error: {exc}")
            raise typer.Exit(getattr(exc, "exit_code", EXIT_INTERNAL) or EXIT_USAGE)
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(141)
        except KeyboardInterrupt:
            stderr("restore: interrupted")
            raise typer.Exit(130)
        except Exception as exc:  # noqa: BLE001 - the point of this wrapper
            if os.environ.get("RESTORE_DEBUG", "") not in ("", "0"):
                traceback.print_exc(file=sys.stderr)
            msg = str(exc).splitlines()[0] if str(exc) else ""
            stderr(f"restore: internal error: {type(exc).__name__}{': ' + msg if msg else ''} ({REPORT_URL_HINT})")
            raise typer.Exit(EXIT_INTERNAL)

    return wrapper


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def make_config(**kw) -> Config:
    """A Config of the options given (None: the default); a bad --lexicon file fails here, before any input is read."""
    cfg = Config(**{k: v for k, v in kw.items() if v is not None})
    from restore.fix.dictionary import load_lexicon

    load_lexicon(cfg.lexicons, cfg.builtin)
    if cfg.reference is not None:  # a bad index fails here too
        from restore.reference.match import open_index

        open_index(cfg.reference)
    return cfg


def sources_of(paths: Optional[List[str]], glob: str, recursive: bool, input_format: str) -> list[Source]:
    if not paths and isatty(sys.stdin):
        raise UsageFailure("no input: name a file or directory, or pipe text on stdin (use - to read a terminal)")
    if paths and sum(1 for p in paths if p == "-") > 1:
        raise UsageFailure("stdin (-) can be read only once")
    return expand_paths(paths, glob=glob, recursive=recursive, input_format=input_format)


def several(sources: list[Source]) -> bool:
    """True when the input may hold several documents (decides json's object-or-array shape)."""
    return len(sources) > 1 or any(s.root is not None or s.kind == "jsonl" for s in sources)


def progress_total(sources: list[Source]) -> int | None:
    if any(s.kind == "jsonl" for s in sources):
        return None
    return sum(1 for s in sources if s.error is None)


def show_progress(sources: list[Source], quiet: bool, no_progress: bool, stdout_free: bool = False) -> bool:
    """Only for several documents, on a terminal stderr, and never drawn over data going to the same
    terminal on stdout (``stdout_free``: output goes to files, or nowhere)."""
    return (several(sources) and not quiet and not no_progress and isatty(sys.stderr)
            and (stdout_free or not isatty(sys.stdout)))


# ------------------------------------------------------------------ shared options
def choices(name: str, values: Iterable[str]) -> type[Enum]:
    return Enum(name, {v: v for v in values}, type=str)  # type: ignore[return-value]


InputFormat = choices("InputFormat", ["auto", "text", "jsonl", "pdf"])
Quality = choices("Quality", list(QUALITIES))
LexFormat = choices("LexFormat", ["text", "json"])


def value(x: Any) -> Any:
    return x.value if isinstance(x, Enum) else x


paths_arg = typer.Argument(None, metavar="PATHS", show_default=False,
                           help="Files, directories or - (stdin; the default).")
o_field = typer.Option("text", "--field", help="JSONL: the field that holds the text.")
o_id_field = typer.Option(None, "--id-field", help="JSONL: the field that holds the id (default: path:line).")
o_glob = typer.Option(DEFAULT_GLOB, "--glob",
                      help="Which files to take from a directory ({a,b}: a or b; the default takes text files "
                           "and PDFs).")
o_norec = typer.Option(False, "--no-recursive", help="Do not descend into subdirectories.")
o_infmt = typer.Option("auto", "--input-format",
                       help="auto: .jsonl/.jsonl.gz files are JSONL, .pdf files PDF (their text layer), everything "
                            "else (and stdin) text.")
o_maxb = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", min=1, metavar="N",
                      help="The largest text file, or JSONL line, read: N bytes. See also --max-chars.")
o_maxc = typer.Option(Config.max_chars, "--max-chars", min=1, metavar="N",
                      help="The longest text restored or checked, a whole file or a JSONL record's field: "
                           "N characters. See also --max-bytes.")
o_lex = typer.Option(None, "--lexicon", "-l", help="A TSV dictionary (repeatable; earlier ones win).")
o_nobuiltin = typer.Option(False, "--no-builtin", help="Do not use the built-in dictionaries.")
o_nomodel = typer.Option(False, "--no-model",
                         help="Do not use the seq2seq restorer. The span detector still runs (its spans are "
                              "reported as unrestored); add --no-detector for the dictionary alone, which "
                              "loads no model at all.")
o_nodet = typer.Option(False, "--no-detector", help="Do not use the span detector.")
o_quality = typer.Option("fast", "--quality",
                         help="fast or best: the language model (the [lm] extra) reconsiders the least certain "
                              "choices and, with --domain science, reads each run's term candidates.")
o_models = typer.Option(None, "--models-dir",
                        help="Where the trained models are (default: $RESTORE_MODELS, else the models shipped "
                             "inside the package).")
o_quiet = typer.Option(False, "--quiet", "-q", help="Only errors on stderr.")
o_noprog = typer.Option(False, "--no-progress", help="No progress bar.")
o_anylang = typer.Option(False, "--any-language",
                         help="Check every text as English. By default a text that is clearly not English "
                              "is not checked: it is left as it is, with spun_score 0 and a warning.")
o_reference = typer.Option(None, "--reference", "-r", metavar="INDEX",
                           help="A reference index (`restore index build`): a page whose source is in it is "
                                "restored from the source where the two are sure to be the same sentence "
                                "(edits of source \"reference\"); the usual pipeline does the rest.")
o_jobs = typer.Option(1, "--jobs", "-j", min=0, metavar="N",
                      help="Worker processes, each with the models and one thread (0: one per CPU, as many as "
                           "the free memory holds at ~1 GB each). "
                           "1: this process, torch's own threads. The output is that of a one-thread run.")
Engine = choices("Engine", ["local", "ray"])
o_device = typer.Option("auto", "--device", metavar="DEVICE",
                        help="Where the models run: auto (a CUDA GPU when torch sees one, else the CPU), cpu, "
                             "cuda or cuda:N.")
Domain = choices("Domain", ["auto", "news", "science"])
o_domain = typer.Option("auto", "--domain",
                        help="science: papers. Also restores tortured phrases no list has (each run of 2-4 words "
                             "checked for a scientific term it could be spun from; edits of source \"terms\"), "
                             "and the triage clears nothing. auto: science when every input is a PDF, else news.")


def domain_of(domain: Any, sources: list[Source]) -> str:
    """``--domain``: auto is science when every input file is a PDF, else news."""
    domain = value(domain)
    if domain != "auto":
        return domain
    usable = [s for s in sources if s.error is None]
    return "science" if usable and all(s.kind == "pdf" for s in usable) else "news"


o_no_spinner_vocab = typer.Option(False, "--no-spinner-vocab",
                                  help="Do not weigh real spinners' vocabulary (restore/data/spinner_vocab.tsv): "
                                       "in a text called spun, a wording real spinners write far more often than "
                                       "clean English makes the model's edit of it surer, is asked about even "
                                       "where the detector did not flag it, and is a span of source vocab; so are the filler "
                                       "expansions of a page that writes them far more often than clean news "
                                       "(\"as well as\" for \"and\": restore/data/fillers.tsv).")
o_notriage = typer.Option(False, "--no-triage",
                          help="Run every text through the detector (and the restorer): by default a cheap first "
                               "stage clears text that is clearly not spun, which then loads and runs no model.")
o_engine = typer.Option("local", "--engine",
                        help="local: this process, or --jobs worker processes. ray: Ray actors (--actors), on this "
                             "machine or the cluster at $RAY_ADDRESS; needs pip install 'restore-spun[scale]'. "
                             "The output is that of a one-thread run.")
o_actors = typer.Option(None, "--actors", min=1, metavar="N", show_default=False,
                        help="With --engine ray: Ray actors, each with the models (~1 GB) and one CPU (default 2).")
DEFAULT_ACTORS = 2


def engine_of(engine: Any, actors: Optional[int], jobs: int) -> tuple[str, int]:
    """``(engine, actors)`` of the options, or a UsageFailure for a combination that makes no sense
    (``--actors`` without ``--engine ray``, ``--engine ray`` with ``--jobs`` over 1) or for Ray missing.
    Ray is not imported here (only looked for)."""
    engine = value(engine)
    if engine != "ray":
        if actors is not None:
            raise UsageFailure("--actors works only with --engine ray")
        return engine, DEFAULT_ACTORS
    if jobs != 1:
        raise UsageFailure("use either --engine ray (--actors N) or --jobs N, not both")
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        raise UsageFailure("--engine ray needs Ray, which is not installed: pip install 'restore-spun[scale]'")
    return engine, actors if actors is not None else DEFAULT_ACTORS
