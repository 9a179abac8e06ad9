"""The progress bar of a batch: rich on stderr when asked for, else a stand-in that does nothing."""
from __future__ import annotations

__all__ = ["progress_bar"]


def progress_bar(total: int | None, enabled: bool):
    """A rich progress bar on stderr, or a stand-in that does nothing."""
    if not enabled:
        return _NoProgress()
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                               TimeElapsedColumn)

    cols = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn()] if total else [SpinnerColumn(), TextColumn("{task.description}"),
                                                TextColumn("{task.completed} documents"), TimeElapsedColumn()]
    return _RichProgress(Progress(*cols, console=Console(stderr=True), transient=True,
                                  redirect_stdout=False, redirect_stderr=True), total)


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def advance(self, label: str = "") -> None:
        pass


class _RichProgress:
    def __init__(self, progress, total):
        self.p = progress
        self.total = total

    def __enter__(self):
        self.p.__enter__()
        self.task = self.p.add_task("restore", total=self.total)
        return self

    def __exit__(self, *a):
        return self.p.__exit__(*a)

    def advance(self, label: str = "") -> None:
        self.p.update(self.task, advance=1, description=label[-40:] if label else "restore")
