"""Writing outputs: stdout as UTF-8 whatever the locale, and files written atomically (``Sink``,
``AtomicWriter``: a temporary file in the same directory, fsynced, then renamed over the target).
No torch, no rich."""
from __future__ import annotations

import errno
import gzip
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Callable

from restore.errors import OutputError


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
    """One destination (stdout, a file) that chunks of output go to, written atomically for files.

    A file that cannot be written (its directory cannot be made, the disk is full, its name is a
    directory) gives an ``OutputError`` naming it and the reason: passed to ``on_error`` when given
    (the sink then ignores what follows and commits nothing; the caller goes on with its other
    outputs), else raised. Either way no temporary file is left behind."""

    def __init__(self, path: Path | None, dry: bool = False,
                 on_error: Callable[[OutputError], None] | None = None):
        self.path = path
        self.dry = dry
        self.on_error = on_error
        self._writer: AtomicWriter | None = None
        self._f: IO[bytes] | None = None
        self.chunks = 0
        self.touched = False
        self.error: OutputError | None = None

    def touch(self) -> None:
        """This sink owes its file even when nothing but empty text is written to it (an empty input)."""
        self.touched = True

    def write(self, s: str) -> None:
        if self.dry or not s or self.error is not None:
            return
        self.chunks += 1
        if self.path is None:
            write_stdout(s)
            return
        try:
            self._open().write(s.encode("utf-8"))
        except OSError as exc:
            self._fail(exc)

    def _open(self) -> IO[bytes]:
        if self._writer is None:
            w = AtomicWriter(self.path)  # type: ignore[arg-type]
            self._f = w.__enter__()  # a failed enter leaves nothing to clean up, and no writer set
            self._writer = w
        assert self._f is not None
        return self._f

    def commit(self) -> bool:
        """Finish: a file appears (replacing any old one) only now. True when a file was written."""
        if self.dry or self.path is None or self.error is not None:
            return False
        if self._writer is None and not self.touched:
            return False
        try:
            self._open()
            w, self._writer, self._f = self._writer, None, None
            w.__exit__(None, None, None)  # type: ignore[union-attr]
        except OSError as exc:
            self._fail(exc)
            return False
        return True

    def abort(self) -> None:
        """Drop what was written; the target stays as it was."""
        if self._writer is not None:
            w, self._writer, self._f = self._writer, None, None
            w.__exit__(RuntimeError, RuntimeError("aborted"), None)

    def _fail(self, exc: OSError) -> None:
        self.abort()
        self.error = OutputError.of(self.path, exc)
        if self.on_error is None:
            raise self.error from None
        self.on_error(self.error)


class AtomicWriter:
    """``with AtomicWriter(path) as f: f.write(b"...")``: the data lands in a temporary file in the
    same directory, is fsynced, then ``os.replace``d onto ``path``; on an exception the temporary
    file is removed and ``path`` is left as it was. A path ending in ``.gz`` is gzip-compressed.
    Parent directories are created. The file gets the mode of the file it replaces (else 0644
    minus the umask). A symbolic link is written through, as shell redirection does: the file it
    points to is replaced and the link stays a link. An ``__enter__`` that fails (the directory
    cannot be made, the temporary file cannot be created) leaves nothing behind, and ``__exit__``
    after it does nothing."""

    def __init__(self, path: str | os.PathLike, compress: bool | None = None):
        self.path = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
        self.compress = str(self.path).endswith(".gz") if compress is None else compress
        self._tmp: str | None = None
        self._f: IO[bytes] | None = None
        self._gz: gzip.GzipFile | None = None

    def __enter__(self) -> IO[bytes]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError as exc:  # a regular file where a directory should be
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), exc.filename) from None
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            f = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            os.unlink(tmp)
            raise
        self._f, self._tmp = f, tmp
        if self.compress:
            self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._f, mtime=0)
            return self._gz  # type: ignore[return-value]
        return self._f

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self._f is None or self._tmp is None:  # never entered, entering failed, or already done
            return False
        f, tmp, gz = self._f, self._tmp, self._gz
        self._f = self._tmp = self._gz = None
        try:
            if exc_type is None:
                if gz is not None:
                    gz.close()
                f.flush()
                os.fsync(f.fileno())
                f.close()
                _copy_mode(self.path, tmp)
                os.replace(tmp, self.path)
                _fsync_dir(self.path.parent)
                tmp = None
            return False
        finally:
            if tmp is not None:  # failed: leave nothing behind
                _discard(f, tmp)


def _discard(f: IO[bytes], tmp: str) -> None:
    try:
        f.close()
    except Exception:  # noqa: BLE001 - a close that fails (disk full) must not hide the first error
        pass
    try:
        os.unlink(tmp)
    except OSError:
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


def check_writable(directory: str | os.PathLike, name: str | os.PathLike) -> None:
    """Raise ``OutputError`` (naming ``name``) unless files can be made in ``directory``: its nearest
    existing ancestor must be a directory this process may write, and a file must be creatable in
    it (a probe, created and removed at once: root passes every permission check, and some file
    systems, such as /proc, refuse files whatever the permissions say)."""
    d = Path(directory)
    while not d.exists() and d != d.parent:
        if d.is_symlink():  # a dangling link where a directory should be
            raise OutputError(str(name), "broken symbolic link", f"{d} points to nothing")
        d = d.parent
    if not d.is_dir():
        raise OutputError(str(name), os.strerror(errno.ENOTDIR), f"{d} is a file")
    if not os.access(d, os.W_OK | os.X_OK):
        raise OutputError(str(name), os.strerror(errno.EACCES), f"{d} is not writable")
    try:
        fd, probe = tempfile.mkstemp(prefix=".restore-probe.", dir=d)
    except OSError as exc:
        raise OutputError.of(name, exc, f"no file can be created in {d}") from None
    os.close(fd)
    os.unlink(probe)
