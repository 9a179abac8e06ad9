"""Typed errors raised by the library. The CLI turns them into exit codes and one-line messages."""
from __future__ import annotations


class RestoreError(Exception):
    """Base class of every error this package raises on purpose."""

    exit_code = 3


class ConfigError(RestoreError, ValueError):
    """A setting is out of range or names something that does not exist."""

    exit_code = 2


class InputError(RestoreError):
    """Input that cannot be read as text: names the file (and line) and says how to fix it."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None, line: int | None = None, hint: str | None = None):
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class OutputError(RestoreError):
    """An output that cannot be written (``-o`` under a regular file, a read-only directory, a full
    disk): names the path and the operating system's reason, e.g. ``out/a.txt: cannot write: Not a
    directory``. A usage error (exit 2), not a bug."""

    exit_code = 2

    def __init__(self, path: str, reason: str, hint: str | None = None):
        self.path = path
        self.reason = reason
        self.hint = hint
        super().__init__(self.__str__())

    @classmethod
    def of(cls, path: object, exc: OSError, hint: str | None = None) -> "OutputError":
        """The error for ``path`` from the OSError that stopped its writing."""
        return cls(str(path), exc.strerror or str(exc), hint)

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.path}: cannot write: {self.reason}{hint}"


class LexiconError(InputError):
    """A dictionary file is malformed."""


class ModelError(RestoreError):
    """A model is missing, broken, or its optional dependencies are not installed."""

    exit_code = 2


class ReferenceIndexError(RestoreError):
    """A reference index that cannot be opened, made or written: names the path and says why."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message
