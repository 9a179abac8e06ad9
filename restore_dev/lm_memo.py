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


def install(path: str, scorer_class=None) -> dict:
    """Patch ``score_ids`` of ``scorer_class`` (``restore.fix.lm.LMScorer``) to read and extend the
    memo at ``path``; returns counters (hits, misses) and the plain method (``"plain"``)."""
    if scorer_class is None:
        from restore.fix.lm import LMScorer as scorer_class

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
    cut = False
    if os.path.exists(path) and os.path.getsize(path):
        with open(path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            cut = fh.read(1) != b"\n"
    out = open(path, "a", encoding="utf-8")  # open while the patch lives
    if cut:
        out.write("\n")  # after a line cut short, the next one starts on its own
    plain = scorer_class.score_ids
    stats = {"hits": 0, "misses": 0, "plain": plain}

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

    scorer_class.score_ids = score_ids
    return stats
