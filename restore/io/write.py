"""Writing outputs: stdout as UTF-8 whatever the locale, and files written atomically (``Sink``,
``AtomicWriter``: a temporary file in the same directory, fsynced, then renamed over the target).
No torch, no rich."""
from __future__ import annotations

import gzip
import os
import sys
import tempfile
from pathlib import Path
from typing import IO


def write_stdout(s: str) -> None:
    """Write data to stdout as UTF-8 whatever the locale."""
    if not s:
        return
    buf = getattr(sys.stdout, "buffer", None)
    if buf is not None:
        sys.stdout.flush()
        buf.write(s.encode("utf-8"))
        buf.flush()
    else:
        sys.stdout.write(s)
        sys.stdout.flush()


class Sink:
    """One destination (stdout, a file) that chunks of output go to, written atomically for files."""

    def __init__(self, path: Path | None, dry: bool = False):
        self.path = path
        self.dry = dry
        self._writer: AtomicWriter | None = None
        self._f = None
        self.chunks = 0

    def write(self, s: str) -> None:
        if self.dry or not s:
            return
        self.chunks += 1
        if self.path is None:
            write_stdout(s)
            return
        if self._writer is None:
            self._writer = AtomicWriter(self.path)
            self._f = self._writer.__enter__()
        self._f.write(s.encode("utf-8"))

    def commit(self) -> bool:
        """Finish: a file appears (replacing any old one) only now. True when something was written."""
        if self._writer is not None:
            w, self._writer = self._writer, None
            w.__exit__(None, None, None)
            return True
        return False

    def abort(self) -> None:
        if self._writer is not None:
            w, self._writer = self._writer, None
            w.__exit__(RuntimeError, RuntimeError("aborted"), None)


class AtomicWriter:
    """``with AtomicWriter(path) as f: f.write(b"...")``: the data lands in a temporary file in the
    same directory, is fsynced, then ``os.replace``d onto ``path``; on an exception the temporary
    file is removed and ``path`` is left as it was. A path ending in ``.gz`` is gzip-compressed.
    Parent directories are created. The file gets the mode of the file it replaces (else 0644
    minus the umask). A symbolic link is written through, as shell redirection does: the file it
    points to is replaced and the link stays a link."""

    def __init__(self, path: str | os.PathLike, compress: bool | None = None):
        self.path = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
        self.compress = str(self.path).endswith(".gz") if compress is None else compress
        self._fd: int | None = None
        self._tmp: str | None = None
        self._f: IO[bytes] | None = None
        self._gz: gzip.GzipFile | None = None

    def __enter__(self) -> IO[bytes]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self._f = os.fdopen(fd, "wb")
        if self.compress:
            self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._f, mtime=0)
            return self._gz  # type: ignore[return-value]
        return self._f

    def __exit__(self, exc_type, exc, tb) -> bool:
        assert self._f is not None and self._tmp is not None
        try:
            if exc_type is None:
                if self._gz is not None:
                    self._gz.close()
                self._f.flush()
                os.fsync(self._f.fileno())
                self._f.close()
                _copy_mode(self.path, self._tmp)
                os.replace(self._tmp, self.path)
                _fsync_dir(self.path.parent)
                self._tmp = None
            return False
        finally:
            if self._tmp is not None:  # failed: leave nothing behind
                try:
                    self._f.close()
                except Exception:
                    pass
                try:
                    os.unlink(self._tmp)
                except FileNotFoundError:
                    pass


def _copy_mode(target: Path, tmp: str) -> None:
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` (str is UTF-8 encoded) to ``path`` atomically: temp file, fsync, os.replace."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with AtomicWriter(path) as f:
        f.write(payload)


def output_path_for(doc_path: str | os.PathLike, input_root: str | os.PathLike | None,
                    out_dir: str | os.PathLike, suffix: str = "") -> Path:
    """Where the output for ``doc_path`` goes under ``out_dir``: its path relative to
    ``input_root`` (the directory argument it was found under), or just its name when it was named
    directly (``input_root`` None) or lies outside the root; ``suffix`` is appended to the name
    (``a.txt`` + ``.html`` -> ``a.txt.html``)."""
    doc = Path(doc_path)
    rel: Path
    if input_root is None:
        rel = Path(doc.name)
    else:
        try:
            rel = doc.resolve().relative_to(Path(input_root).resolve())
        except ValueError:
            rel = Path(doc.name)
    if suffix:
        rel = rel.with_name(rel.name + suffix)
    return Path(out_dir) / rel


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when ``a`` and ``b`` name the same file (existing: by inode; else by resolved path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()
