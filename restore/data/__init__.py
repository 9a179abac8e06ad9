"""The tables that ship with restore (dictionaries, counts, the models' small companions)."""
from __future__ import annotations

from importlib import resources


def shipped_text(name: str) -> str | None:
    """The text of the shipped table ``name`` (UTF-8), or None when this installation lacks it."""
    try:
        return (resources.files(__name__) / name).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
