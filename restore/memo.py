"""Results kept across the passes over one batch of texts (``restore.pipeline.restore_batch``
passes a text's output through again): what a model already read is not read again."""
from __future__ import annotations

from typing import Callable, Hashable, Sequence


def recalled(keys: Sequence[Hashable], memo: dict | None, compute: Callable[[list], list]) -> list:
    """``compute(keys)``, but a key found in ``memo`` is not computed again (and each computed one
    is kept there). The keys computed are computed as one list, in their order, as without a memo."""
    if memo is None:
        return compute(keys)
    missing = [j for j, k in enumerate(keys) if k not in memo]
    out = [memo.get(k) for k in keys]
    for j, r in zip(missing, compute([keys[j] for j in missing]) if missing else []):
        out[j] = memo[keys[j]] = r
    return out
