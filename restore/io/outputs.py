"""Where ``restore fix`` writes: stdout, one file (``-o FILE``), a tree that mirrors the inputs
(``-o DIR/``) or the inputs themselves (``--in-place``), in which format, and with which sinks.

``FixOutput`` settles all of that from the options before any text is read (a bad combination is a
``ConfigError``, a target that cannot be written an ``OutputError``: exit 2 either way), then takes
each restored document (``write``) and each bad input (``error``: an error record in its place in
JSON and JSONL outputs) and, at the end, commits every file atomically (``finish``) or leaves every
target as it was (``abort``). With one output per input file (``-o DIR/``, ``--in-place``) a file that
cannot be written is reported (``report``) and the others go on.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

from restore.errors import ConfigError, InputError, OutputError, RestoreError
from restore.io.formats import Formatter
from restore.io.read import STDIN_NAME, Document, Source, severity
from restore.io.write import Sink, check_writable, output_path_for, same_file

SUFFIX_FORMATS = (((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"), "jsonl"), ((".json",), "json"),
                  ((".html", ".htm"), "html"), ((".diff", ".patch"), "diff"))


def format_from_name(name: str) -> str | None:
    """The format an output file's name asks for (``report.html``: html), else None."""
    low = name.lower()
    for ends, fmt in SUFFIX_FORMATS:
        if low.endswith(ends):
            return fmt
    return None


def suffix_for(fmt: str, kind: str) -> str:
    """What -o DIR appends to an input's name: nothing when the output keeps the input's format (a
    PDF's restored text is a text file: ``paper.pdf`` -> ``paper.pdf.txt``)."""
    if fmt == "jsonl":
        return "" if kind == "jsonl" else ".jsonl"
    if fmt == "text":
        return "" if kind == "text" else ".txt"
    return {"json": ".json", "html": ".html", "diff": ".diff"}[fmt]


class FixOutput:
    """The outputs of one ``restore fix`` run. ``fmt``: auto, text, json, jsonl, html or diff;
    ``show``: diff or text for the text format (None: diff on a terminal); ``output``: the -o
    argument as given (a trailing slash asks for a directory); ``stdout_tty`` and ``color`` (asked
    only when a coloured diff would go to the terminal) describe stdout; ``bad_paths``: the inputs
    with bad records, which --in-place does not rewrite; ``info``: where notes go; ``report``: where
    an output that cannot be written goes when the run goes on past it (-o DIR/, --in-place)."""

    def __init__(self, sources: list[Source], *, fmt: str = "auto", show: str | None = None,
                 output: str | None = None, in_place: bool = False, backup: str | None = None,
                 check: bool = False, output_field: str = "restored", stdout_tty: bool = False,
                 color: Callable[[], bool] = lambda: False, bad_paths: set[str] | None = None,
                 info: Callable[[str], None] = lambda msg: None,
                 report: Callable[[RestoreError], None] | None = None):
        self.sources, self.in_place, self.backup, self.check = sources, in_place, backup, check
        self.output_field, self.info, self.report = output_field, info, report
        self._src = {s.path: s for s in sources}
        self._seen: set[str] = set()  # input paths that have an output (-o DIR/, --in-place)
        self.bad_paths = bad_paths if bad_paths is not None else set()
        out = Path(output) if output else None
        has_jsonl = any(s.kind == "jsonl" for s in sources)
        if in_place:
            if any(s.path == STDIN_NAME for s in sources):
                raise ConfigError("--in-place cannot rewrite stdin")
            pdf = next((s.path for s in sources if s.kind == "pdf" and s.error is None), None)
            if pdf is not None:
                raise ConfigError(f"--in-place cannot rewrite a PDF ({pdf}): restore writes text; write it "
                                  "with -o DIR/ (PATH.pdf.txt) or to stdout")
            if fmt != "auto" and fmt != ("jsonl" if has_jsonl else "text"):
                raise ConfigError("--in-place keeps each file's format: leave out --format "
                                  "(text files stay text, JSONL stays JSONL)")
        fmt_auto = fmt == "auto"
        if fmt == "auto" and out is not None and not out.is_dir() and not output.endswith(("/", os.sep)):
            fmt = format_from_name(out.name) or "auto"  # -o report.html means --format html
        if fmt == "auto":
            fmt = "jsonl" if has_jsonl else "text"
        several_files = sum(1 for s in sources if s.error is None) > 1 or any(s.root is not None for s in sources)
        if fmt == "html" and (has_jsonl or (several_files and out is None)):
            raise ConfigError("--format html writes one page per text file: give a single text file, or -o DIR")
        self.fmt = fmt
        self.out_dir, self.out_file = self._targets(out, output, several_files)
        # --in-place, and -o DIR without --format, keep each file's format: text stays text, JSONL stays JSONL
        self.keep_kind = in_place or (fmt_auto and self.out_dir is not None)
        if out is not None and not check:
            self._refuse_own_input()
        if not check:
            self._check_writable()
        self.color = False
        if fmt == "text":
            to_terminal = out is None and not in_place and not check and stdout_tty
            show = show or ("diff" if to_terminal else "text")
            self.color = show == "diff" and to_terminal and color()
        else:
            show = "text"
        self.show = show
        self.headers = fmt == "text" and (self.out_file is not None or (self.out_dir is None and not in_place)) and \
            (len(sources) > 1 or any(s.root or s.kind == "jsonl" for s in sources))
        several = len(sources) > 1 or any(s.root is not None or s.kind == "jsonl" for s in sources)
        # one sink for stdout / -o FILE; one per input file for -o DIR and --in-place
        self.shared: tuple[Sink, Formatter] | None = None
        if self.out_dir is None and not in_place:
            self.shared = (Sink(self.out_file, dry=check),
                           Formatter(fmt, show, self.color, several, output_field, self.headers))
        self.per_file: dict[str, tuple[Sink, Formatter]] = {}
        self.changed_in: dict[str, int] = {}
        self.written: list[str] = []

    @property
    def diff_on_stdout(self) -> bool:
        """The word diff itself goes to stdout (so --explain need not show it again)."""
        return self.fmt == "text" and self.show == "diff" and self.shared is not None and self.out_file is None

    def _targets(self, out: Path | None, output: str | None, several_files: bool) -> tuple[Path | None, Path | None]:
        """(out_dir, out_file): at most one of them."""
        if out is None or self.check:
            return None, None
        wants_dir = out.is_dir() or output.endswith(("/", os.sep))  # type: ignore[union-attr]
        if not wants_dir and several_files and self.fmt not in ("jsonl", "json"):
            if out.exists():
                raise ConfigError(f"{out}: several inputs go to one file only as --format jsonl "
                                  "(or json); to write one file per input give a directory")
            wants_dir = True
        return (out, None) if wants_dir else (None, out)

    def format_of(self, kind: str) -> str:
        return ("jsonl" if kind == "jsonl" else "text") if self.keep_kind else self.fmt

    def _refuse_own_input(self) -> None:
        for s in self.sources:
            if s.error is not None or s.path == STDIN_NAME:
                continue
            target = self.out_file if self.out_file is not None else \
                output_path_for(s.path, s.root, self.out_dir, suffix_for(self.format_of(s.kind), s.kind))
            if target is not None and (target.exists() or self.out_file is None) and same_file(target, s.path):
                raise ConfigError(f"{target}: refusing to write the output onto its own input "
                                  "(use --in-place --backup SUFFIX to rewrite inputs)")

    def _check_writable(self) -> None:
        """Refuse, before any work, a target whose directory cannot take a file (OutputError, exit 2)."""
        if self.out_file is not None:
            check_writable(self.out_file.parent, self.out_file)
        elif self.out_dir is not None:
            check_writable(self.out_dir, self.out_dir)
        elif self.in_place:
            dirs: dict[str, str] = {}  # the backup's directory, and the directory of the file a link points to
            for s in self.sources:
                if s.error is None:
                    for d in (os.path.dirname(s.path), os.path.dirname(os.path.realpath(s.path))):
                        dirs.setdefault(d or ".", s.path)
            for d, first in dirs.items():
                check_writable(d, first)

    def _sink_for(self, path: str, kind: str) -> tuple[Sink, Formatter]:
        if self.shared is not None:
            return self.shared
        if path not in self.per_file:
            self._close_files()
            self._seen.add(path)
            src = self._src.get(path)
            doc_fmt = self.format_of(kind)
            target = Path(path) if self.in_place else output_path_for(path, src.root if src else None, self.out_dir,
                                                                      suffix_for(doc_fmt, kind))
            f = Formatter(doc_fmt, self.show, self.color, kind == "jsonl", self.output_field,
                          headers=doc_fmt == "text" and kind == "jsonl")
            self.per_file[path] = (Sink(target, dry=self.check, on_error=self._failed(path, target)), f)
        return self.per_file[path]

    def _failed(self, path: str, target: Path) -> Callable[[OutputError], None]:
        """What a per-file sink does with its failure: report it (naming the input) and let the run go on."""
        def on_error(err: OutputError) -> None:
            if self.report is None:
                raise err
            self.report(OutputError(err.path, err.reason, None if self.in_place else f"the output of {path}"))
        return on_error

    def write(self, doc: Document, result) -> None:
        """One restored document (nothing is written with ``check``). An empty text is written too."""
        if result.changed:
            self.changed_in[doc.path] = self.changed_in.get(doc.path, 0) + 1
        if not self.check:
            sink, formatter = self._sink_for(doc.path, doc.kind)
            sink.touch()
            sink.write(formatter.chunk(doc, result))

    def error(self, err: InputError) -> None:
        """An input that could not be restored: in JSON and JSONL output an error record takes its
        place (stdout and -o FILE: every error; one file per input: a bad line of a JSONL file)."""
        if self.check or severity(err) != "error":
            return
        if self.shared is not None:
            if self.fmt in ("json", "jsonl"):
                self.shared[0].write(self.shared[1].error(err))
            return
        src = self._src.get(err.path or "")
        if src is None or src.kind != "jsonl" or err.line is None or self.format_of("jsonl") not in ("json", "jsonl"):
            return
        sink, formatter = self._sink_for(src.path, src.kind)
        sink.write(formatter.error(err))

    def _close_files(self) -> None:
        for pth in list(self.per_file):
            s, f = self.per_file.pop(pth)
            s.write(f.finish())
            if self.in_place and (pth in self.bad_paths or not self.changed_in.get(pth)):
                s.abort()
                if pth in self.bad_paths and self.changed_in.get(pth):
                    self.info(f"restore: {pth}: not rewritten because some of its records are bad")
                continue
            if self.in_place and s.chunks and s.error is None and not self._backed_up(pth, s):
                continue
            if s.commit():
                self.written.append(str(s.path))

    def _backed_up(self, pth: str, sink: Sink) -> bool:
        """--in-place: copy the original to PATH+SUFFIX; False (reported, the input left as it is) when that fails."""
        try:
            shutil.copy2(pth, pth + self.backup)  # type: ignore[operator]
            return True
        except OSError as exc:
            sink.abort()
            backup = pth + self.backup  # type: ignore[operator]
            err = OutputError.of(backup, exc, f"the backup of {pth}, which is left as it was")
            if self.report is None:
                raise err from None
            self.report(err)
            return False

    def _empty_outputs(self) -> None:
        """-o DIR/: an input file that gave no record (an empty JSONL file) still gets its output."""
        if self.out_dir is None or self.in_place:
            return
        for s in self.sources:
            if s.error is None and s.path != STDIN_NAME and s.path not in self._seen and s.path not in self.bad_paths:
                self._sink_for(s.path, s.kind)[0].touch()
        self._close_files()

    def finish(self) -> list[str]:
        """Commit every output; the paths of the files written."""
        self._close_files()
        self._empty_outputs()
        if self.shared is not None:
            sink, formatter = self.shared
            sink.write(formatter.finish())
            if any(s.error is None and s.path not in self.bad_paths for s in self.sources):
                sink.touch()  # every input had something to say, even if it said nothing
            if sink.commit():
                self.written.append(str(sink.path))
        return self.written

    def abort(self) -> None:
        """Leave every target as it was."""
        for s, _f in self.per_file.values():
            s.abort()
        if self.shared is not None:
            self.shared[0].abort()
