"""Windows of texts through ``restore_batch`` or ``detect_batch`` in worker processes (``--jobs N``).

For machines with more cores than torch's intra-op threads use well (the models are small); on
the 2-core machine of the README's figures two workers ran about as fast as one process with two
threads. Each worker loads the models once and computes with one thread (``RESTORE_THREADS=1``
unless set), so its output is the same as a one-thread run in this process: same windows, same
padding, same arithmetic. Workers are started with "spawn" (fork after torch has started its
thread pools can hang), results come back in the order of the windows, and only a few windows are
in flight at a time, so memory stays bounded on a long stream. No torch here: the workers import the pipeline, this module does not.
"""
from __future__ import annotations

import os
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from .errors import ConfigError, RestoreError

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


def map_windows(batch_fn: BatchFn, windows: Iterable[W], cfg, jobs: int = 1,
                texts: Callable[[W], Sequence[str]] = list) -> Iterator[tuple[W, list]]:
    """``(window, batch_fn(texts(window), cfg))`` for each window, in order (a window without
    texts gets ``[]`` and no call). ``jobs`` <= 1 runs them here; more spreads them over that many
    worker processes, at most ``2 * jobs`` windows in flight. ``batch_fn`` must be importable by
    name (``restore.restore_batch``, ``restore.detect_batch``). A worker that dies (killed, out of
    memory) raises RestoreError; an error raised inside ``batch_fn`` comes back as it is."""
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
