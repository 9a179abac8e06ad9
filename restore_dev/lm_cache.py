"""A disk memo of the language model's scores, for evaluations that run the same sentences again
(``scripts/eval/tortured_unlisted.py --lm-cache``): ``LMScorer.score_ids`` answers a (prefix,
continuation) pair it has scored before from the file, and appends what it scores. Development
only; a cached value can differ from a fresh one in the last digits (it was scored in another
batch)."""
from __future__ import annotations

import hashlib
import json
import os


def _key(prefix, cont) -> str:
    return hashlib.blake2b(json.dumps([list(prefix), list(cont)]).encode(), digest_size=12).hexdigest()


def install(path: str) -> dict:
    """Patch ``restore.fix.lm.LMScorer.score_ids`` to read and extend the memo at ``path``;
    returns counters (hits, misses)."""
    from restore.fix import lm

    memo: dict[str, list[float]] = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    k, v = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a stopped run
                memo[k] = v
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    out = open(path, "a", encoding="utf-8")
    stats = {"hits": 0, "misses": 0}
    plain = lm.LMScorer.score_ids

    def score_ids(self, prefix_ids, conts):
        keys = [_key(prefix_ids, c) for c in conts]
        todo = [i for i, k in enumerate(keys) if k not in memo]
        stats["hits"] += len(keys) - len(todo)
        stats["misses"] += len(todo)
        if todo:
            got = plain(self, prefix_ids, [conts[i] for i in todo])
            for i, v in zip(todo, got):
                memo[keys[i]] = v
                out.write(json.dumps([keys[i], v]) + "\n")
            out.flush()
        return [list(memo[k]) for k in keys]

    lm.LMScorer.score_ids = score_ids
    return stats
