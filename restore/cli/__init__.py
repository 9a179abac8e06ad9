"""The ``restore`` command line: one small module per command (``fix``, ``detect``, ``diff``,
``lexicon``, ``evaluate``, ``index``, ``match``, ``apply``) over the library's functions; what they share is in ``_util``.

Importing it loads neither torch nor a model: ``restore --version``, ``--help``, ``diff`` and
``lexicon`` start in well under a second.
"""
from __future__ import annotations

import sys

import typer

from restore import __version__
from restore.cli import apply, detect, diff, evaluate, fix, index, lexicon, match  # noqa: F401  (each registers its command)
from restore.cli._util import app, stderr

__all__ = ["app", "main"]


def _version_cb(show: bool) -> None:
    if not show:
        return
    from restore.io.write import write_stdout
    from restore.signature import default_signature

    try:
        sig = default_signature()
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


def main() -> None:
    """Console-script entry point (``restore = "restore.cli:main"``)."""
    try:
        app(prog_name="restore")
    except KeyboardInterrupt:  # pragma: no cover - outside a command
        stderr("restore: interrupted")
        sys.exit(130)
