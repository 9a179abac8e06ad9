"""Ray: restore a ``ray.data.Dataset`` with an actor pool (``restore_dataset``, ``RestoreBatch``), and
run the CLI's windows of documents in Ray actors (``map_windows_ray``: ``restore fix/detect --engine
ray --actors N``).

>>> import ray
>>> from restore.integrations.ray import restore_dataset
>>> ds = ray.data.read_json("pages.jsonl")                                  # doctest: +SKIP
>>> restore_dataset(ds, text_column="text", actors=4).write_json("out/")    # doctest: +SKIP

Each actor is one Ray worker process holding the models (loaded on its first batch, once: the
pipeline's own lazy loading; ~1 GB each) and computing with one thread (``RESTORE_THREADS=1`` unless
the driver sets it, as the ``--jobs`` workers of ``restore.batch``), so its results are those of a
one-thread run in one process. The restore ``Config`` travels as a dict of its fields.

Ray is started here only when it is not running yet: ``ray.init(address="local", num_cpus=...)``, a
new local instance, or, when ``RAY_ADDRESS`` is set (``HEAD:6379``), a connection to that cluster
(``ray start --head`` on one machine, ``ray start --address=HEAD:6379`` on the others; every node
needs ``restore-spun`` installed, and the models when ``models_dir`` or ``RESTORE_MODELS`` names
them). Every actor asks for one CPU: a pool larger than the cluster's CPUs is refused, not queued.

Written against Ray 2.60: the actor pool of ``map_batches`` is ``compute=ray.data.ActorPoolStrategy(
size=N)`` (the ``concurrency=`` argument is deprecated there), and order is kept by
``execution_options.preserve_order`` on the dataset's own ``DataContext`` (``ds.context``), not the
process-wide one.
"""
from __future__ import annotations

import logging
import os
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

try:
    import ray
    import ray.data
    import ray.exceptions
except ImportError as exc:  # pragma: no cover - exercised only without ray
    raise ImportError("restore.integrations.ray needs Ray: pip install 'restore-spun[scale]'") from exc

from restore.config import Config
from restore.errors import ConfigError, InputError, RestoreError
from restore.io.records import detection_record, record_json, result_record
from restore.integrations._config import config_dict  # noqa: F401  (part of this module's API)

MODES = ("fix", "detect")
FIX_COLUMNS = ("restored", "edits", "spun_score", "spans", "changed", "error")
DETECT_COLUMNS = ("spun_score", "spans", "spinner", "error")
W = TypeVar("W")


def actor_env() -> dict[str, str]:
    """The environment of an actor: the driver's ``RESTORE_*`` settings (models, threads, bf16), and
    ``RESTORE_THREADS=1`` unless the driver sets it (one thread per actor, as a ``--jobs`` worker)."""
    env = {k: v for k, v in os.environ.items() if k.startswith("RESTORE_")}
    env.setdefault("RESTORE_THREADS", "1")
    return env


def _missing(value: Any) -> Any:
    """None for a null cell (pandas' NA or NaN, numpy's None); the value otherwise."""
    if value is None or isinstance(value, str):
        return value
    try:
        import pandas as pd

        if pd.api.types.is_scalar(value) and pd.isna(value):
            return None
    except (ImportError, TypeError, ValueError):  # pragma: no cover
        pass
    return value


def _text(value: Any) -> Any:
    """A cell of the text column as the pipeline takes it: a str as a plain str (numpy's str_
    too), a null as None (which the pipeline rejects: "expected text (str), got NoneType")."""
    value = _missing(value)
    return str(value) if isinstance(value, str) else value


def _json(obj: Any) -> str:
    return record_json(obj)


class RestoreBatch:
    """A callable class for ``Dataset.map_batches``: each batch's ``text_column`` through
    ``restore_batch`` (``mode="fix"``) or ``detect_batch`` (``mode="detect"``), the results added as
    columns. ``config``: a dict of ``Config`` fields (or a Config), built into a Config here.

    fix adds ``restored`` (str), ``edits`` (JSON: the edit records of ``restore fix --format json``,
    applied and only reported, ``start``/``end`` into the text and ``out_start``/``out_end`` into
    the restored text), ``spun_score`` (float), ``spans`` (JSON: the spans that still look spun with
    no edit, the record's ``unrestored_spans``), ``changed`` (bool) and ``error``; detect adds
    ``spun_score``, ``spans`` (JSON: the spans that look spun), ``spinner`` (JSON of the spinner
    family guess, None for a text not called spun) and ``error``. ``error`` is None, or the message
    of a text the pipeline cannot take (not a string, a null, longer than ``max_chars``): that row's
    other new columns are None and the batch goes on. A text that is not English comes back
    unchanged with spun_score 0 (``Config.check_language``).

    Batches are pandas DataFrames (``batch_format="pandas"``) or dicts of numpy arrays; the same
    kind comes back. The models load on the first call, once per actor process."""

    def __init__(self, text_column: str = "text", mode: str = "fix", config: dict | Config | None = None):
        if mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.text_column = text_column
        self.mode = mode
        self.config = Config(**config_dict(config))

    def columns(self, texts: Sequence[Any]) -> dict[str, list]:
        """The new columns for ``texts``, in order."""
        from restore.pipeline import detect_batch, restore_batch

        batch_fn = restore_batch if self.mode == "fix" else detect_batch
        names = FIX_COLUMNS if self.mode == "fix" else DETECT_COLUMNS
        out: dict[str, list] = {n: [] for n in names}
        for r in batch_fn([_text(t) for t in texts], self.config) if len(texts) else []:
            row = self._row(r)
            for n in names:
                out[n].append(row.get(n))
        return out

    def _row(self, r) -> dict[str, Any]:
        if isinstance(r, InputError):
            return {"error": str(r)}
        if self.mode == "fix":
            rec = result_record(r)
            return {"restored": rec["restored"], "edits": _json(rec["edits"]), "spun_score": rec["spun_score"],
                    "spans": _json(rec["unrestored_spans"]), "changed": rec["changed"], "error": None}
        rec = detection_record(r)
        return {"spun_score": rec["spun_score"], "spans": _json(rec["spans"]),
                "spinner": _json(rec["spinner"]) if rec["spinner"] is not None else None, "error": None}

    def __call__(self, batch):
        if self.text_column not in batch:
            raise ConfigError(f"no column {self.text_column!r} in the dataset (columns: {', '.join(map(str, batch))})")
        texts = list(batch[self.text_column])
        new = self.columns(texts)
        if isinstance(batch, dict):  # numpy batches
            import numpy as np

            out = dict(batch)
            for name, values in new.items():
                out[name] = np.array(values, dtype=object)
            return out
        import pandas as pd

        out = batch.copy()  # pandas: the batch may be a read-only view of the object store
        for name, values in new.items():  # object columns keep None as None (a str column would make it NaN)
            out[name] = pd.Series(values, index=out.index, dtype=float if name == "spun_score" else object)
        return out


def restore_dataset(ds: "ray.data.Dataset", text_column: str = "text", mode: str = "fix",
                    config: dict | Config | None = None, actors: int = 2, batch_size: int = 16) -> "ray.data.Dataset":
    """``ds`` with the restore columns added (``RestoreBatch``: fix adds restored, edits, spun_score,
    spans, changed, error; detect adds spun_score, spans, spinner, error), lazily, like any
    ``map_batches``. ``actors`` Ray actors (a fixed pool, ``ray.data.ActorPoolStrategy(size=actors)``,
    one CPU each) each load the models once and take ``batch_size`` rows at a time (the documents of
    one ``restore_batch`` call, as the CLI's windows of 16). Rows keep their order: this sets
    ``preserve_order`` on ``ds.context`` (the DataContext the dataset and those made from it share).

    A batch's results equal ``restore_batch``/``detect_batch`` on the same texts serially; the model
    pads a text with the others of its batch, so with the models a confidence can differ in the last
    bits from a run over other batches (``batch_size=1``: each text alone, as ``restore_text``)."""
    if not isinstance(actors, int) or actors < 1:
        raise ConfigError(f"actors must be a whole number of at least 1, got {actors!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ConfigError(f"batch_size must be a whole number of at least 1, got {batch_size!r}")
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    kwargs = {"text_column": text_column, "mode": mode, "config": config_dict(config)}
    ds.context.execution_options.preserve_order = True
    return ds.map_batches(RestoreBatch, fn_constructor_kwargs=kwargs, batch_size=batch_size, batch_format="pandas",
                          compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=1,
                          runtime_env={"env_vars": actor_env()})


# ---------------------------------------------------------------- the CLI's windows in Ray actors
def ensure_ray(cpus: int) -> None:
    """Start Ray unless it is running: a new local instance of ``cpus`` CPUs, or the cluster at
    ``RAY_ADDRESS`` when that is set. No dashboard, no worker logs on this process's stderr."""
    if ray.is_initialized():
        return
    kw: dict[str, Any] = {"ignore_reinit_error": True, "log_to_driver": False, "logging_level": logging.ERROR}
    address = os.environ.get("RAY_ADDRESS", "").strip()
    if address:
        ray.init(address=address, **kw)
    else:
        ray.init(address="local", num_cpus=cpus, include_dashboard=False, **kw)


class _Worker:
    """One actor: ``batch_fn(texts, cfg)`` for each window it is given (the models stay loaded)."""

    def run(self, batch_fn, texts, cfg):
        return batch_fn(texts, cfg)


_RemoteWorker = ray.remote(num_cpus=1, max_restarts=0)(_Worker)


def _cause(exc: BaseException) -> BaseException:
    """The exception raised inside an actor's ``batch_fn``, as it was raised."""
    cause = getattr(exc, "cause", None)
    return cause if isinstance(cause, BaseException) else exc


def map_windows_ray(batch_fn: Callable[[Sequence[str], Any], list], windows: Iterable[W], cfg, actors: int = 2,
                    texts: Callable[[W], Sequence[str]] = list) -> Iterator[tuple[W, list]]:
    """``restore.batch.map_windows`` in Ray actors: ``(window, batch_fn(texts(window), cfg))`` for each
    window, in order (a window without texts gets ``[]`` and no call), at most ``2 * actors`` windows
    in flight, each sent to the actor with the fewest unfinished windows. Each actor loads the models
    once and computes with one thread (``actor_env``), so the results are those of a one-thread
    serial run with the same windows. An error raised inside ``batch_fn`` comes back as it is; an
    actor that dies (killed, out of memory) raises RestoreError. The actors are killed when the
    windows are done, or the consumer stops, or on an error (their models go with them)."""
    if not isinstance(actors, int) or actors < 1:
        raise ConfigError(f"actors must be a whole number of at least 1, got {actors!r}")
    from restore.batch import usable_cpus

    ensure_ray(max(actors, usable_cpus()))
    cpus = ray.cluster_resources().get("CPU", 0)
    if cpus < actors:
        raise ConfigError(f"{actors} Ray actors need {actors} CPUs, the Ray cluster has {cpus:g}: use fewer --actors")
    pool = [_RemoteWorker.options(runtime_env={"env_vars": actor_env()}).remote() for _ in range(actors)]
    pending: deque = deque()  # (window, ObjectRef or None, actor index)

    def least_busy() -> int:
        refs = [ref for _w, ref, _i in pending if ref is not None]
        done = set(ray.wait(refs, num_returns=len(refs), timeout=0)[0]) if refs else set()
        busy = [0] * actors
        for _w, ref, i in pending:
            if ref is not None and ref not in done:
                busy[i] += 1
        return min(range(actors), key=busy.__getitem__)

    def result(ref) -> list:
        if ref is None:
            return []
        try:
            return ray.get(ref)
        except ray.exceptions.RayTaskError as exc:
            raise _cause(exc) from None
        except ray.exceptions.RayError as exc:
            raise RestoreError(f"a Ray actor stopped unexpectedly ({type(exc).__name__}); "
                               "it may have run out of memory: try fewer --actors") from None

    try:
        for w in windows:
            t = list(texts(w))
            if t:
                i = least_busy()
                pending.append((w, pool[i].run.remote(batch_fn, t, cfg), i))
            else:
                pending.append((w, None, -1))
            while len(pending) > 2 * actors:
                w0, ref, _i = pending.popleft()
                yield w0, result(ref)
        while pending:
            w0, ref, _i = pending.popleft()
            yield w0, result(ref)
    finally:  # the windows still in flight go with their actors
        for actor in pool:
            ray.kill(actor, no_restart=True)
