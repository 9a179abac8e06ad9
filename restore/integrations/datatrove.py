"""datatrove steps: restore or tag each ``Document`` (``RestoreStep``) and keep or drop documents by
their spun score (``SpunScoreFilter``).

>>> from datatrove.executor import LocalPipelineExecutor
>>> from datatrove.pipeline.readers import JsonlReader
>>> from datatrove.pipeline.writers import JsonlWriter
>>> from restore.integrations.datatrove import RestoreStep, SpunScoreFilter
>>> LocalPipelineExecutor(pipeline=[JsonlReader("in/"), RestoreStep(mode="fix"), SpunScoreFilter(),
...                                 JsonlWriter("out/")], tasks=4).run()  # doctest: +SKIP

The restore ``Config`` travels as a dict of its fields (it pickles and logs simply) and is built on
the worker; the models load there on the first batch, once per process (``restore.pipeline``), and
each batch of ``batch_size`` documents goes through ``restore_batch``/``detect_batch`` together.
A document the pipeline cannot take (``InputError``: e.g. longer than ``max_chars``) passes through
unchanged with ``metadata["restore_error"]``; it never stops the pipeline.

Metadata written (``restore.io.records`` is the schema of the edits and spans):

- mode ``"fix"``: ``restore_spun_score`` (the input's score), ``restore_changed``, ``restore_edits``
  (every edit, applied or only reported, each with its ``applied`` flag, ``start``/``end`` into the
  original text and ``out_start``/``out_end`` into the restored one, as ``restore fix --format
  json``), and ``restore_original`` (the text before restoration) when ``keep_original`` and the
  text changed (an unchanged document's original is its text);
- mode ``"tag"`` (detection only, text untouched): ``restore_spun_score``, ``restore_spans`` and
  ``restore_spinner`` (the spinner family's name, None for a document not called spun);
- either mode: ``restore_skipped`` (why the text was not checked: it is not English) when it was not.
"""
from __future__ import annotations

from itertools import islice
from typing import Any, Iterable, Iterator

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
    from datatrove.pipeline.filters.base_filter import BaseFilter
except ImportError as exc:  # pragma: no cover - exercised only without datatrove
    raise ImportError("restore.integrations.datatrove needs datatrove: pip install 'restore-spun[scale]'") from exc

from restore.config import Config
from restore.errors import ConfigError, InputError
from restore.io.records import result_record, span_record
from restore.integrations._config import config_dict  # noqa: F401  (part of this module's API)

MODES = ("fix", "tag")
ALIASES = {"detect": "tag"}  # the name restore_map and the CLI give detection
SCORE = "restore_spun_score"
ERROR = "restore_error"


def _batches(data: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(data)
    while batch := list(islice(it, size)):
        yield batch


def _check_batch_size(batch_size: int) -> int:
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ConfigError(f"batch_size must be a whole number of at least 1, got {batch_size!r}")
    return batch_size


class RestoreStep(PipelineStep):
    """Restore (``mode="fix"``) or tag (``mode="tag"`` or ``"detect"``: detection only) each document, in batches of
    ``batch_size``; ``config``: a dict of ``restore.Config`` fields (None: the defaults).
    Stats: ``documents``, ``changed``, ``edits_applied``, ``spans`` (tag), ``restore_errors``,
    ``not_english``, and the time per batch."""

    name = "♻️ Restore spun text"
    type = "✂️ - FORMAT"

    def __init__(self, mode: str = "fix", config: Config | dict | None = None, batch_size: int = 16,
                 keep_original: bool = True):
        super().__init__()
        mode = ALIASES.get(mode, mode)
        if mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.mode = mode
        self.config = config_dict(config)
        self.batch_size = _check_batch_size(batch_size)
        self.keep_original = keep_original

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        cfg = Config(**self.config)  # built here, on the worker; the models load with the first batch
        for batch in _batches(data, self.batch_size):
            self.stat_update("batches")
            with self.track_time("batch"):
                if self.mode == "fix":
                    self._fix(batch, cfg)
                else:
                    self._tag(batch, cfg)
            yield from batch

    def _error(self, doc: Document, err: InputError) -> None:
        doc.metadata[ERROR] = str(err)
        self.stat_update("restore_errors")

    def _counted(self, doc: Document, out: Any) -> bool:
        """Counts ``doc``; False (with ``restore_error`` set) when ``out`` is an InputError."""
        self.stat_update("documents")
        if isinstance(out, InputError):
            self._error(doc, out)
            return False
        if out.skipped is not None:
            doc.metadata["restore_skipped"] = out.skipped
            self.stat_update("not_english")
        return True

    def _fix(self, batch: list[Document], cfg: Config) -> None:
        from restore.pipeline import restore_batch

        for doc, r in zip(batch, restore_batch([d.text for d in batch], cfg)):
            if not self._counted(doc, r):
                continue
            rec = result_record(r)
            doc.metadata[SCORE] = r.spun_score
            doc.metadata["restore_changed"] = r.changed
            doc.metadata["restore_edits"] = rec["edits"]
            if r.changed:
                if self.keep_original:
                    doc.metadata["restore_original"] = doc.text
                doc.text = r.text
                self.stat_update("changed")
            if n := len(r.applied):
                self.stat_update("edits_applied", value=n)

    def _tag(self, batch: list[Document], cfg: Config) -> None:
        from restore.pipeline import detect_batch

        for doc, d in zip(batch, detect_batch([doc.text for doc in batch], cfg)):
            if not self._counted(doc, d):
                continue
            doc.metadata[SCORE] = d.spun_score
            doc.metadata["restore_spans"] = [span_record(s) for s in d.spans]
            doc.metadata["restore_spinner"] = d.spinner.family if d.spinner is not None else None
            if d.spans:
                self.stat_update("spans", value=len(d.spans))


class SpunScoreFilter(BaseFilter):
    """Keep the documents whose spun score is below ``max_score`` (``keep_spun=True``: only those at
    or above it), dropping the others with reason ``spun`` (or ``not_spun``) to the
    ``exclusion_writer`` as every datatrove filter does.

    The score is ``metadata["restore_spun_score"]`` when an earlier step (``RestoreStep``) put it
    there, else computed with ``detect_batch`` in batches of ``batch_size`` and written there.
    ``max_score`` None: the detector's calibrated gate for ``config``
    (``restore.pipeline.doc_threshold_of``: ``doc_threshold`` if set, else the detector's own, 0.5
    without a detector), found on the worker. A document that cannot be scored (``InputError``) gets
    ``restore_error`` and is kept when ``keep_errors``, else dropped with reason ``restore_error``."""

    name = "🌀 Spun score"

    def __init__(self, max_score: float | None = None, keep_spun: bool = False,
                 config: Config | dict | None = None, batch_size: int = 16, keep_errors: bool = True,
                 exclusion_writer=None):
        super().__init__(exclusion_writer, _check_batch_size(batch_size))
        if max_score is not None and (not isinstance(max_score, (int, float)) or not 0.0 <= max_score <= 1.0):
            raise ConfigError(f"max_score must be a number in [0, 1] or None, got {max_score!r}")
        self.max_score = max_score
        self.keep_spun = keep_spun
        self.config = config_dict(config)
        self.keep_errors = keep_errors
        self._gate: float | None = None

    def threshold(self) -> float:
        """``max_score``, else the calibrated gate of the config (loads the detector once)."""
        if self.max_score is not None:
            return float(self.max_score)
        if self._gate is None:
            from restore.pipeline import doc_threshold_of

            self._gate = doc_threshold_of(Config(**self.config))
        return self._gate

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        todo = [d for d in batch if not isinstance(d.metadata.get(SCORE), (int, float))]
        if todo:
            from restore.pipeline import detect_batch

            for doc, det in zip(todo, detect_batch([d.text for d in todo], Config(**self.config))):
                if isinstance(det, InputError):
                    doc.metadata[ERROR] = str(det)
                    self.stat_update("restore_errors")
                else:
                    doc.metadata[SCORE] = det.spun_score
        gate = self.threshold()
        out: list[bool | tuple[bool, str]] = []
        for doc in batch:
            score = doc.metadata.get(SCORE)
            if not isinstance(score, (int, float)):
                out.append(True if self.keep_errors else (False, "restore_error"))
            elif (score >= gate) == self.keep_spun:
                out.append(True)
            else:
                out.append((False, "not_spun" if self.keep_spun else "spun"))
        return out
