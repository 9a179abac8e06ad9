"""Hugging Face ``datasets``: restore or detect a text column with ``Dataset.map`` (batched).

>>> from datasets import load_dataset
>>> from restore.integrations.datasets import restore_map
>>> ds = restore_map(load_dataset("json", data_files="pages.jsonl", split="train"),
...                  mode="fix", batch_size=32, num_proc=4)  # doctest: +SKIP
>>> clean = ds.filter(lambda row: row["spun_score"] is not None and row["spun_score"] < 0.9)  # doctest: +SKIP

Columns added (the edits and spans as JSON strings, in the schema of ``restore.io.records``):

- ``mode="fix"``: ``restored`` (the restored text; the input's own for a row with an error),
  ``edits`` (every edit, applied or only reported, with its ``applied`` flag, ``start``/``end``
  into the input and ``out_start``/``out_end`` into ``restored``, as ``restore fix --format json``),
  ``spun_score``, ``spans`` (every span that looks spun, offsets into the input), ``changed``,
  ``restore_error``;
- ``mode="detect"`` (or ``"tag"``): ``spun_score``, ``spans``, ``spinner`` (the spinner family's name, None for a
  document not called spun), ``restore_error``.

``restore_error`` is None, or the message of the ``InputError`` a row's text gave (not a str, longer
than ``max_chars``): that row's ``spun_score`` is None, its ``spans``/``edits`` ``"[]"``, and the
map goes on. The models load once per process, on the first batch (``num_proc`` processes each
load their own). The run's signature (``restore.signature_of``) is part of the map function, so a
cached map of the same data is not reused after the models or dictionaries change.
"""
from __future__ import annotations

import json
from functools import partial
from typing import Any

try:
    import datasets
except ImportError as exc:  # pragma: no cover - exercised only without datasets
    raise ImportError("restore.integrations.datasets needs datasets: pip install 'restore-spun[scale]'") from exc

from restore.config import Config
from restore.integrations._config import config_dict
from restore.errors import ConfigError, InputError
from restore.io.records import result_record, span_record

MODES = ("fix", "detect")
ALIASES = {"tag": "detect"}  # the name of RestoreStep's detection mode (restore.integrations.datatrove)


def _config(config: Config | dict | None) -> Config:
    return config if isinstance(config, Config) else Config(**config_dict(config))


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _fix_rows(batch: dict[str, list], text_column: str, config: Config, signature: str) -> dict[str, list]:
    from restore.pipeline import restore_batch

    texts = batch[text_column]
    cols: dict[str, list] = {k: [] for k in ("restored", "edits", "spun_score", "spans", "changed", "restore_error")}
    for text, r in zip(texts, restore_batch(texts, config)):
        if isinstance(r, InputError):
            row = {"restored": text if isinstance(text, str) else None, "edits": "[]", "spun_score": None,
                   "spans": "[]", "changed": False, "restore_error": str(r)}
        else:
            row = {"restored": r.text, "edits": _json(result_record(r)["edits"]), "spun_score": r.spun_score,
                   "spans": _json([span_record(s) for s in r.spans]), "changed": r.changed,
                   "restore_error": None}
        for k, v in row.items():
            cols[k].append(v)
    return cols


def _detect_rows(batch: dict[str, list], text_column: str, config: Config, signature: str) -> dict[str, list]:
    from restore.pipeline import detect_batch

    cols: dict[str, list] = {k: [] for k in ("spun_score", "spans", "spinner", "restore_error")}
    for d in detect_batch(batch[text_column], config):
        if isinstance(d, InputError):
            row = {"spun_score": None, "spans": "[]", "spinner": None, "restore_error": str(d)}
        else:
            row = {"spun_score": d.spun_score, "spans": _json([span_record(s) for s in d.spans]),
                   "spinner": d.spinner.family if d.spinner is not None else None, "restore_error": None}
        for k, v in row.items():
            cols[k].append(v)
    return cols


def _features(mode: str) -> dict[str, Any]:
    s, f, b = datasets.Value("string"), datasets.Value("float64"), datasets.Value("bool")
    if mode == "fix":
        return {"restored": s, "edits": s, "spun_score": f, "spans": s, "changed": b, "restore_error": s}
    return {"spun_score": f, "spans": s, "spinner": s, "restore_error": s}


def restore_map(ds, text_column: str = "text", mode: str = "fix", config: Config | dict | None = None,
                batch_size: int = 16, num_proc: int | None = None):
    """``ds`` (a ``datasets.Dataset`` or ``IterableDataset``) with the columns of ``mode`` added
    (module docstring), by ``ds.map(batched=True, batch_size=batch_size, num_proc=num_proc)``;
    ``config``: a ``restore.Config`` or a dict of its fields (None: the defaults). ``num_proc`` is
    for a ``Dataset`` only (an ``IterableDataset`` maps lazily, as it is read)."""
    from restore.pipeline import signature_of

    mode = ALIASES.get(mode, mode)
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ConfigError(f"batch_size must be a whole number of at least 1, got {batch_size!r}")
    cfg = _config(config)
    columns = getattr(ds, "column_names", None)
    if columns is not None and text_column not in columns:
        raise ConfigError(f"no column {text_column!r} in the dataset (columns: {', '.join(columns)})")
    fn = partial(_fix_rows if mode == "fix" else _detect_rows, text_column=text_column, config=cfg,
                 signature=signature_of(cfg))
    features = None
    if getattr(ds, "features", None) is not None:
        features = datasets.Features({**ds.features, **_features(mode)})
    if isinstance(ds, datasets.IterableDataset):
        if num_proc not in (None, 1):
            raise ConfigError("num_proc is for a datasets.Dataset; an IterableDataset is mapped as it is read")
        return ds.map(fn, batched=True, batch_size=batch_size, features=features)
    return ds.map(fn, batched=True, batch_size=batch_size, num_proc=num_proc, features=features)
