"""What ``restore fix --review`` and ``--decisions`` write: the review page (one page for every
document) and the starting decisions, each committed atomically at the end of the run, or neither
(``abort``). No torch."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from restore.errors import OutputError
from restore.io.write import Sink, atomic_write, check_writable
from restore.review.decisions import DecisionsBuilder


class ReviewOutput:
    """Collects the run's documents and results. ``page``: write the review page (to ``page_path``,
    stdout when None); ``decisions_path``: also write the starting decisions there; ``inputs``: how
    the inputs were chosen, so that ``restore apply`` reads them again the same way."""

    def __init__(self, page: bool, page_path: str | None, decisions_path: str | None, inputs: dict[str, Any]):
        self.page, self.page_path, self.decisions_path = page, page_path, decisions_path
        self.builder = DecisionsBuilder(inputs=inputs)
        self.texts: list[str] = []
        for target in (page_path if page else None, decisions_path):
            if target is not None:
                p = Path(target)
                check_writable(p.parent, p)

    def add(self, doc, result) -> None:
        self.builder.add(doc.id, result, path=doc.path, line=doc.line)
        self.texts.append(doc.text)

    def finish(self) -> list[str]:
        """Write the page and the decisions; the paths of the files written."""
        data = self.builder.build()
        written: list[str] = []
        if self.decisions_path is not None:
            try:
                atomic_write(self.decisions_path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
            except OSError as exc:
                raise OutputError.of(self.decisions_path, exc) from None
            written.append(self.decisions_path)
        if self.page:
            from restore.render.review import render_review

            sink = Sink(Path(self.page_path) if self.page_path is not None else None)
            sink.touch()
            sink.write(render_review(data, self.texts))
            if sink.commit():
                written.append(str(sink.path))
        return written
