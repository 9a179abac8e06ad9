"""Documents through ``restore_batch`` or ``detect_batch`` in windows, in order, in this process or in
worker processes (``--jobs N``).

For machines with more cores than torch's intra-op threads use well (the models are small); on
the 2-core machine of the README's figures two workers ran about as fast as one process with two
threads. Each worker loads the models once and computes with one thread (``RESTORE_THREADS=1``
unless set), so its output is the same as a one-thread run in this process: same windows, same
padding, same arithmetic. Workers are started with "spawn" (fork after torch has started its
thread pools can hang), results come back in the order of the windows, and only a few windows are
in flight at a time, so memory stays bounded on a long stream. No torch here: the workers import the pipeline, this module does not.

``engine="ray"`` runs the same windows in ``actors`` Ray actors instead (``restore.integrations.ray``,
imported only then: a local Ray instance, or the cluster at ``RAY_ADDRESS``), with the same output.
"""
from __future__ import annotations

import os
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from restore.errors import ConfigError, InputError, RestoreError
from restore.io.read import InputWarning

BatchFn = Callable[[Sequence[str], Any], list]
W = TypeVar("W")


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# a worker with the detector and the restorer loaded peaked at ~0.8 GB (RSS) here
WORKER_BYTES = 1 << 30


def available_bytes() -> int | None:
    """MemAvailable from /proc/meminfo (None where there is none)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def resolve_jobs(jobs: int) -> int:
    """``jobs`` worker processes; 0 means one per usable CPU, as many as the available memory holds
    (WORKER_BYTES each, at least one)."""
    if jobs < 0:
        raise ConfigError(f"jobs must be 0 (one per CPU) or more, got {jobs}")
    if jobs:
        return jobs
    mem = available_bytes()
    return max(1, min(usable_cpus(), mem // WORKER_BYTES if mem is not None else usable_cpus()))


def _init_worker() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops the workers
    os.environ.setdefault("RESTORE_THREADS", "1")


ENGINES = ("local", "ray")
RAY_HINT = "pip install 'restore-spun[scale]'"


def ray_engine() -> Callable:
    """``restore.integrations.ray.map_windows_ray``; ConfigError (exit 2) naming the install where Ray is missing."""
    try:
        from restore.integrations.ray import map_windows_ray
    except ImportError as exc:
        if not (exc.name or "").startswith("ray") and "needs Ray" not in str(exc):
            raise
        raise ConfigError(f"--engine ray needs Ray, which is not installed: {RAY_HINT}") from None
    return map_windows_ray


def map_windows(batch_fn: BatchFn, windows: Iterable[W], cfg, jobs: int = 1,
                texts: Callable[[W], Sequence[str]] = list, engine: str = "local",
                actors: int = 2) -> Iterator[tuple[W, list]]:
    """``(window, batch_fn(texts(window), cfg))`` for each window, in order (a window without
    texts gets ``[]`` and no call). ``jobs`` <= 1 runs them here; more spreads them over that many
    worker processes, at most ``2 * jobs`` windows in flight. ``batch_fn`` must be importable by
    name (``restore.restore_batch``, ``restore.detect_batch``). A worker that dies (killed, out of
    memory) raises RestoreError; an error raised inside ``batch_fn`` comes back as it is.
    ``engine="ray"``: in ``actors`` Ray actors instead (``map_windows_ray``; ``jobs`` is not used),
    with the same contract."""
    if engine not in ENGINES:
        raise ConfigError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "ray":
        yield from ray_engine()(batch_fn, windows, cfg, actors=actors, texts=texts)
        return
    if jobs <= 1:
        for w in windows:
            t = list(texts(w))
            yield w, batch_fn(t, cfg) if t else []
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    done: Future = Future()
    done.set_result([])
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker)
    pending: deque = deque()
    finished = False
    try:
        for w in windows:
            t = list(texts(w))
            pending.append((w, pool.submit(batch_fn, t, cfg) if t else done))
            while len(pending) > 2 * jobs:
                w0, f = pending.popleft()
                yield w0, f.result()
        while pending:
            w0, f = pending.popleft()
            yield w0, f.result()
        finished = True
    except BrokenProcessPool as exc:
        raise RestoreError(f"a worker process stopped unexpectedly ({exc}); "
                           "it may have run out of memory: try fewer --jobs") from None
    finally:
        for _w, f in pending:
            f.cancel()
        if not finished:  # an error, Ctrl-C or a consumer that stopped early: no window is worth finishing
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------- documents in windows, in order
# documents processed together (the models batch across them: ~1.3x faster restoring, ~1.5x detecting).
# bf16 arithmetic depends a hair on the batch a text is padded into, so a confidence near a threshold
# can tip differently than with one document at a time: RESTORE_BATCH_DOCS=1 for that.
BATCH_DOCS = max(1, int(os.environ.get("RESTORE_BATCH_DOCS", "16") or 16))
BATCH_CHARS = 200_000
ANY_LANGUAGE_HINT = "--any-language checks it anyway"


def windows(items: Iterable) -> Iterator[list]:
    """Up to BATCH_DOCS items (BATCH_CHARS characters of text) at a time, in order."""
    window: list = []
    size = 0
    for item in items:
        window.append(item)
        size += 0 if isinstance(item, InputError) else len(item.text)
        if len(window) >= BATCH_DOCS or size >= BATCH_CHARS:
            yield window
            window, size = [], 0
    if window:
        yield window


def _texts(window: list) -> list[str]:
    return [it.text for it in window if not isinstance(it, InputError)]


def batched(items: Iterable, cfg, batch_fn: BatchFn, jobs: int = 1, engine: str = "local",
            actors: int = 2) -> Iterator[tuple[Any, Any]]:
    """``(item, result)`` in input order, running ``batch_fn`` (``restore_batch`` or ``detect_batch``)
    on windows of documents (``windows``), in ``jobs`` worker processes when more than one, or in
    ``actors`` Ray actors with ``engine="ray"`` (``map_windows``); an input problem passes through
    with result None."""
    for window, results in map_windows(batch_fn, windows(items), cfg, jobs, texts=_texts, engine=engine,
                                       actors=actors):
        it = iter(results)
        for item in window:
            yield item, None if isinstance(item, InputError) else next(it)


def located(exc: InputError, doc) -> InputError:
    """An error raised while processing ``doc``: it names the document's file and line unless it names its own."""
    return exc if exc.path is not None else InputError(exc.message, doc.path, doc.line, exc.hint)


def processed(items: Iterable, cfg, batch_fn: BatchFn, report: Callable[[InputError], None],
              jobs: int = 1, engine: str = "local", actors: int = 2) -> Iterator[tuple[Any, Any]]:
    """``(document, result)`` in input order (see ``batched``: ``jobs``, ``engine``, ``actors``); a bad
    record, or a document its run rejects, goes to ``report`` (naming its file and line) and is
    skipped, and the batch goes on. A document that was not checked (not English) is yielded as it
    came back, with a warning to ``report``, and so is each paragraph of a document that was not
    checked."""
    for item, result in batched(items, cfg, batch_fn, jobs, engine, actors):
        if isinstance(item, InputError):
            report(item)
        elif isinstance(result, InputError):
            report(located(result, item))
        else:
            if result.skipped is not None:
                report(InputWarning(f"not checked: {result.skipped}", item.path, item.line, hint=ANY_LANGUAGE_HINT))
            for start, _end, why in result.unchecked:
                line = item.text.count("\n", 0, start) + 1
                # a text file names the paragraph's own line; a JSONL record its line, then the paragraph's
                where, what = ((line, "paragraph") if item.line is None
                               else (item.line, f"paragraph at line {line} of its text"))
                report(InputWarning(f"{what} not checked: {why}", item.path, where, hint=ANY_LANGUAGE_HINT))
            yield item, result
