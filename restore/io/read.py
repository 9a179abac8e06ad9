"""Reading inputs: files, directories, stdin, JSONL and JSONL.gz, and PDFs (their text layer,
``restore.io.pdf``).

Nothing here raises on a bad record: ``iter_inputs`` yields an ``InputError`` in its place (naming
the file and line, with a hint) so that a batch goes on and the caller decides the exit code.
Text is decoded as strict UTF-8 and otherwise kept byte for byte: line endings are not normalised,
so offsets into ``Document.text`` are offsets into the file's text. A leading UTF-8 BOM is not part
of the text (offsets start after it); ``Document.bom`` records it so that a restored text file is
written back with it.
No torch, no rich.
"""
from __future__ import annotations

import errno
import gzip
import json
import os
import stat
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator, Sequence

from restore.errors import InputError

DEFAULT_MAX_BYTES = 50_000_000
STDIN = "-"
STDIN_NAME = "<stdin>"
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
PDF_SUFFIXES = (".pdf",)
INPUT_FORMATS = ("auto", "text", "jsonl", "pdf")
# what a directory walk takes by default: text files and PDFs ({a,b} is a choice of a or b)
DEFAULT_GLOB = "*.{txt,pdf}"
_SNIFF = 8192
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_BOM = "\ufeff"
_GZIP_MAGIC = b"\x1f\x8b"


class InputWarning(InputError):
    """Input that is not wrong but worth a word (a path a directory walk skips, a duplicate id, a
    text not checked): reported, not an error."""

    exit_code = 0
    severity = "warning"


def severity(err: InputError) -> str:
    """"error", or "warning" for an ``InputWarning``."""
    return getattr(err, "severity", "error")


@dataclass(frozen=True)
class Document:
    """One text to work on.

    ``id``: the ``--id-field`` value, else ``path:line`` for a JSONL record, else the path.
    ``path``: the file it came from as given (``<stdin>`` for standard input); ``line``: its line in
    a JSONL file (None for a whole text file); ``record``: the JSON object of a JSONL line (None for
    text input); ``root``: the directory argument the file was found under (None for a file named
    directly), which ``output_path_for`` mirrors; ``kind``: "text", "jsonl" or "pdf"; ``bom``: the
    text file started with a UTF-8 byte order mark (not part of ``text``); ``pages``: for a PDF, the
    offset in ``text`` where each page starts (``restore.io.pdf.page_of`` gives an offset's page).
    """

    id: str
    text: str
    path: str
    line: int | None = None
    record: dict[str, Any] | None = None
    root: str | None = None
    kind: str = "text"
    bom: bool = False
    pages: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Source:
    """One input file (or stdin) found by ``expand_paths``; ``error`` set when it cannot be used."""

    path: str
    root: str | None = None
    kind: str = "text"
    error: InputError | None = None


# ------------------------------------------------------------------ finding inputs
def is_jsonl_path(path: str) -> bool:
    return str(path).lower().endswith(JSONL_SUFFIXES)


def is_pdf_path(path: str) -> bool:
    return str(path).lower().endswith(PDF_SUFFIXES)


def _kind(path: str, input_format: str) -> str:
    if input_format in ("text", "jsonl", "pdf"):
        return input_format
    return "jsonl" if is_jsonl_path(path) else "pdf" if is_pdf_path(path) else "text"


def glob_patterns(glob: str) -> list[str]:
    """``glob`` with each ``{a,b,...}`` expanded: ``*.{txt,pdf}`` is ``*.txt`` and ``*.pdf``; a pattern
    without braces is itself."""
    open_ = glob.find("{")
    close = glob.find("}", open_ + 1)
    if open_ < 0 or close < 0:
        return [glob]
    head, tail = glob[:open_], glob[close + 1:]
    return [p for alt in glob[open_ + 1:close].split(",") for p in glob_patterns(head + alt + tail)]


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


_FILE_TYPES = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
               (stat.S_ISBLK, "block device"))


def _not_readable(f: Path) -> str | None:
    """Why a path cannot be read as a file: a broken symbolic link, a loop, a FIFO, a device; None for a
    regular file or a directory."""
    try:
        mode = os.stat(f).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        if os.path.islink(f):
            return "broken symbolic link"
        return f"cannot read: {exc.strerror or exc}"
    for test, name in _FILE_TYPES:
        if test(mode):
            return f"not a regular file ({name})"
    return None


def _walk(path: Path, p: str, glob: str, recursive: bool, input_format: str) -> list[Source]:
    """The files under directory ``path`` that match ``glob``, sorted, each path it skips (a broken
    link, a loop, a FIFO) as a Source carrying a warning that names it; hidden ones skipped silently."""
    out: list[Source] = []
    found = {f for pat in glob_patterns(glob) for f in (path.rglob(pat) if recursive else path.glob(pat))}
    for f in sorted(found):
        if _hidden(f.relative_to(path)):
            continue
        why = _not_readable(f)
        if why is not None:
            out.append(Source(str(f), p, "text", InputWarning(f"skipped: {why}", str(f))))
        elif f.is_file():
            out.append(Source(str(f), p, _kind(str(f), input_format)))
    if not any(s.error is None for s in out):
        where = "under" if recursive else "in"
        out.append(Source(p, p, "text", InputError(
            f"no files matching {glob!r} {where} this directory", p,
            hint="choose the files with --glob PATTERN, e.g. --glob '*.jsonl'")))
    return out


def expand_paths(paths: Sequence[str] | None, glob: str = DEFAULT_GLOB, recursive: bool = True,
                 input_format: str = "auto") -> list[Source]:
    """The files behind ``paths``: ``-`` (or nothing) is stdin; a directory gives its files that
    match ``glob`` (recursively unless ``recursive=False``; ``{a,b}`` in it is a choice, so the default
    ``*.{txt,pdf}`` takes text files and PDFs), sorted. Hidden files and directories
    are skipped silently; a broken symbolic link, a link loop, a FIFO or a device file found in a
    directory gives a ``Source`` carrying a warning that names it. A path that does not exist (or is
    a broken link or a loop), or a directory with no matching file, gives a ``Source`` carrying the
    error."""
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input_format must be auto, text, jsonl or pdf, not {input_format!r}")
    out: list[Source] = []
    for raw in (list(paths) if paths else [STDIN]):
        p = str(raw)
        if p == STDIN:
            out.append(Source(STDIN_NAME, None, input_format if input_format in ("jsonl", "pdf") else "text"))
            continue
        path = Path(p)
        if path.is_dir():
            out.extend(_walk(path, p, glob, recursive, input_format))
        elif path.exists():
            out.append(Source(p, None, _kind(p, input_format)))
        elif path.is_symlink():
            out.append(Source(p, None, _kind(p, input_format),
                              InputError(_not_readable(path) or "broken symbolic link", p, hint="check the link")))
        else:
            out.append(Source(p, None, _kind(p, input_format),
                              InputError("no such file or directory", p, hint="check the path")))
    return out


# ------------------------------------------------------------------ decoding
def _too_big(size: int, max_bytes: int, what: str = "file") -> str:
    """The limit in the unit it is set in, exact: ``file is 52,428,900 bytes, over --max-bytes 50,000,000``."""
    return f"{what} is {size:,} bytes, over --max-bytes {max_bytes:,}"


def _big_hint() -> str:
    return "split it into smaller files, or raise the limit"


def decode_text(raw: bytes, path: str, line: int | None = None, line_offset: int = 0) -> str:
    """Strict UTF-8 (BOM dropped); raises ``InputError`` saying where the first bad byte is."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start:exc.start + 1].hex()
        if line is None:
            ln = raw.count(b"\n", 0, exc.start) + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise InputError(f"byte 0x{bad} at byte offset {exc.start} (column {col}) is not UTF-8",
                             path, ln, hint="re-save the file as UTF-8, e.g. iconv -f latin1 -t utf-8") from None
        raise InputError(f"byte 0x{bad} at byte {exc.start + 1} of this line is not UTF-8",
                         path, line + line_offset,
                         hint="re-save the file as UTF-8, e.g. iconv -f latin1 -t utf-8") from None


def _binary_error(raw: bytes, path: str) -> InputError | None:
    nul = raw.find(b"\x00")
    if nul < 0:
        return None
    if raw[:2] == _GZIP_MAGIC:
        return InputError("this is a gzip-compressed file", path,
                          hint="decompress it, or name it .jsonl.gz if it holds JSONL")
    if raw[:2] in _UTF16_BOMS:
        return InputError("this looks like UTF-16 text, not UTF-8", path,
                          hint="re-save it as UTF-8, e.g. iconv -f utf-16 -t utf-8")
    return InputError(f"binary file (NUL byte at offset {nul})", path,
                      hint="restore reads UTF-8 text files and JSONL")


def _read_bounded(f: IO[bytes], max_bytes: int) -> bytes:
    return f.read(max_bytes + 1)


def _read_bytes(path: str, max_bytes: int, stdin: IO[bytes] | None) -> tuple[str, bytes]:
    """``(path, the bytes of the file)`` (``<stdin>`` for standard input), at most ``max_bytes``;
    raises ``InputError``."""
    try:
        if path == STDIN_NAME or path == STDIN:
            path = STDIN_NAME
            raw = _read_bounded(stdin or _stdin_bytes(), max_bytes)
        else:
            try:
                size = os.stat(path).st_size
            except FileNotFoundError:
                raise InputError("no such file or directory", path, hint="check the path") from None
            if size > max_bytes:
                raise InputError(_too_big(size, max_bytes), path, hint=_big_hint())
            with open(path, "rb") as f:
                raw = _read_bounded(f, max_bytes)
    except IsADirectoryError:
        raise InputError("is a directory", path) from None
    except PermissionError:
        raise InputError("cannot read: permission denied", path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    if len(raw) > max_bytes:  # stdin, a pipe, or a file that grew while we read it
        raise InputError(f"input is more than {max_bytes:,} bytes, over --max-bytes {max_bytes:,}", path,
                         hint=_big_hint())
    return path, raw


def read_text_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES, stdin: IO[bytes] | None = None,
                     root: str | None = None, allow_empty: bool = True) -> Document:
    """A whole text file (or stdin) as one Document; raises ``InputError``. An empty (or all-blank)
    text is a Document like any other: it comes back as it is (``allow_empty`` is kept for old
    callers and has no effect)."""
    path, raw = _read_bytes(path, max_bytes, stdin)
    if raw[:5] == b"%PDF-":
        raise InputError("this is a PDF", path, hint="name it .pdf, or use --input-format pdf")
    err = _binary_error(raw, path)
    if err:
        raise err
    text = decode_text(raw, path)
    return Document(id=path, text=text, path=path, line=None, record=None, root=root, kind="text",
                    bom=raw.startswith(UTF8_BOM.encode()))


def read_pdf_source(path: str, max_bytes: int = DEFAULT_MAX_BYTES, stdin: IO[bytes] | None = None,
                    root: str | None = None) -> Document:
    """A PDF (or stdin, with ``--input-format pdf``) as one Document: its text layer as ``text``
    (``restore.io.pdf``) and the offset where each page starts as ``pages``; raises ``InputError``
    (an encrypted, image-only or damaged PDF). ``max_bytes`` limits the PDF file."""
    from restore.io.pdf import read_pdf

    path, raw = _read_bytes(path, max_bytes, stdin)
    extracted = read_pdf(path, raw)
    return Document(id=path, text=extracted.text, path=path, line=None, record=None, root=root, kind="pdf",
                    pages=extracted.pages)


def _stdin_bytes() -> IO[bytes]:
    return getattr(sys.stdin, "buffer", sys.stdin)


# ------------------------------------------------------------------ JSONL
def _open_jsonl(path: str, stdin: IO[bytes] | None) -> IO[bytes]:
    if path == STDIN_NAME:
        f = stdin or _stdin_bytes()
        return f
    f = open(path, "rb")
    if path.lower().endswith(".gz") or f.peek(2)[:2] == _GZIP_MAGIC:  # type: ignore[attr-defined]
        return gzip.GzipFile(fileobj=f, mode="rb")  # (closing it does not close f: see _close)
    return f


def _close(f: IO[bytes]) -> None:
    inner = getattr(f, "fileobj", None)
    f.close()
    if inner is not None:
        inner.close()


def _lines(f: IO[bytes], max_bytes: int) -> Iterator[tuple[bytes, bool]]:
    """Lines with a length cap: (line, too_long). A too-long line is skipped to its end."""
    while True:
        line = f.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            total = len(line)
            while True:  # skip the rest of the line without holding it
                more = f.readline(1 << 20)
                total += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield b"%d" % total, True
            continue
        yield line, False


def _type_name(v: Any) -> str:
    return {dict: "an object", list: "a list", int: "a number", float: "a number", bool: "a boolean",
            type(None): "null"}.get(type(v), type(v).__name__)


def iter_jsonl(path: str, field: str = "text", id_field: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, stdin: IO[bytes] | None = None,
               root: str | None = None) -> Iterator[Document | InputError]:
    """One Document per JSON object line, an InputError per bad line, in order; blank lines are not
    records and are skipped. With ``id_field``, a record whose id an earlier line of the file has
    is preceded by an ``InputWarning`` naming both lines (the first MAX_IDS ids of a file are kept).

    ``max_bytes`` caps each line (a JSONL file is streamed, so its total size is not limited)."""
    try:
        f = _open_jsonl(path, stdin)
    except FileNotFoundError:
        yield InputError("no such file or directory", path, hint="check the path")
        return
    except OSError as exc:
        yield InputError(f"cannot read: {exc.strerror or exc}", path)
        return
    ids: dict[str, int] = {}
    lineno = 0
    try:
        for raw, too_long in _lines(f, max_bytes):
            lineno += 1
            if lineno == 1:
                err = _binary_error(raw[:_SNIFF], path)
                if err:
                    yield err
                    return
            item = _parse_line(raw, too_long, path, lineno, field, id_field, max_bytes, root)
            if item is None:
                continue
            if id_field is not None and isinstance(item, Document):
                dup = _duplicate(ids, item, id_field)
                if dup is not None:
                    yield dup
            yield item
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield InputError(f"not a valid gzip file ({exc})", path, lineno + 1 if lineno else None,
                         hint="check the file is complete, or drop the .gz suffix if it is not compressed")
        return
    except OSError as exc:
        yield InputError(f"cannot read: {exc.strerror or exc}", path, lineno + 1 if lineno else None)
        return
    finally:
        if path != STDIN_NAME:
            _close(f)


MAX_IDS = 1_000_000  # ids of one JSONL file kept to find duplicates (~100 MB at most)


def _duplicate(ids: dict[str, int], doc: Document, id_field: str) -> InputWarning | None:
    """A warning when ``doc``'s id (compared as JSON: 1 and "1" differ) was on an earlier line."""
    key = json.dumps(doc.record[id_field], ensure_ascii=False, sort_keys=True)  # type: ignore[index]
    first = ids.get(key)
    if first is not None:
        return InputWarning(f"duplicate id {key} (first on line {first})", doc.path, doc.line)
    if len(ids) < MAX_IDS:
        ids[key] = doc.line  # type: ignore[assignment]
    return None


def _parse_line(raw: bytes, too_long: bool, path: str, lineno: int, field: str, id_field: str | None,
                max_bytes: int, root: str | None) -> Document | InputError | None:
    if too_long:
        return InputError(_too_big(int(raw), max_bytes, "line"), path, lineno, hint=_big_hint())
    try:
        line = decode_text(raw, path, lineno)
    except InputError as exc:
        return exc
    if not line.strip():
        return None
    try:
        rec = json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        return InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path, lineno,
                          hint="each line must be one JSON object")
    if not isinstance(rec, dict):
        return InputError(f"expected a JSON object, got {_type_name(rec)}", path, lineno,
                          hint="each line must be one JSON object")
    if field not in rec:
        names = ", ".join(list(rec)[:8]) or "none"
        return InputError(f"no field {field!r} in this record", path, lineno,
                          hint=f"its fields: {names}; choose one with --field")
    text = rec[field]
    if not isinstance(text, str):
        return InputError(f"field {field!r} is {_type_name(text)}, not a string", path, lineno,
                          hint="the text field must hold a JSON string")
    if id_field is not None:
        if rec.get(id_field) is None:
            return InputError(f"no id field {id_field!r} in this record", path, lineno,
                              hint="add it, or leave out --id-field to use path:line")
        doc_id = rec[id_field] if isinstance(rec[id_field], str) else json.dumps(rec[id_field])
    else:
        doc_id = f"{path}:{lineno}"
    return Document(id=doc_id, text=text, path=path, line=lineno, record=rec, root=root, kind="jsonl")


def iter_inputs(paths: Sequence[str] | None = None, field: str = "text", id_field: str | None = None,
                glob: str = DEFAULT_GLOB, recursive: bool = True, max_bytes: int = DEFAULT_MAX_BYTES,
                input_format: str = "auto", stdin: IO[bytes] | None = None,
                sources: Sequence[Source] | None = None) -> Iterator[Document | InputError]:
    """Every Document behind ``paths``, in order, with an ``InputError`` in place of each bad one.

    ``-`` or no path is stdin (text, unless ``input_format="jsonl"``); ``.jsonl``/``.jsonl.gz``
    files give one Document per line (``field`` names the text, ``id_field`` the id); ``.pdf`` files
    are one Document each, their text layer (``read_pdf_source``); other files are one Document
    each; directories are searched for ``glob``. Pass ``sources`` (from
    ``expand_paths``) to reuse an expansion already made.
    """
    for src in (sources if sources is not None else expand_paths(paths, glob, recursive, input_format)):
        if src.error is not None:
            yield src.error
            continue
        if src.kind == "jsonl":
            yield from iter_jsonl(src.path, field, id_field, max_bytes, stdin, src.root)
            continue
        try:
            if src.kind == "pdf":
                yield read_pdf_source(src.path, max_bytes, stdin, src.root)
            else:
                yield read_text_source(src.path, max_bytes, stdin, src.root)
        except InputError as exc:
            yield exc
