"""A disk memo of the language model's scores, for evaluations that run the same sentences again
(``scripts/eval/tortured_unlisted.py --lm-cache``): ``LMScorer.score_ids`` answers a (prefix,
continuation) pair it has scored before from the file, and appends what it scores. Development
only: a cached value can differ from a fresh one (it was scored in another batch, and the LM runs
in bf16 where the CPU has it); on the 1,142 records of the best-mode evaluation, 20 records' edits
differed in confidence (one edit changed sides of the threshold), the figures not."""
from __future__ import annotations

import hashlib
import json
import os


def _key(prefix, cont) -> str:
    return hashlib.blake2b(json.dumps([list(prefix), list(cont)]).encode(), digest_size=12).hexdigest()


def install(path: str, scorer_class=None) -> dict:
    """Patch ``score_ids`` of ``scorer_class`` (``restore.fix.lm.LMScorer``) to read and extend the
    memo at ``path``; returns its counters (hits, misses)."""
    if scorer_class is None:
        from restore.fix.lm import LMScorer as scorer_class

    memo: dict[str, list[float]] = {}
    cut = False  # the file's last line was cut short by a stopped run
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                cut = not line.endswith("\n")
                try:
                    k, v = json.loads(line)
                except ValueError:
                    continue
                memo[k] = v
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    out = open(path, "a", encoding="utf-8")  # open while the patch lives
    if cut:
        out.write("\n")  # the next line starts on its own
    plain = scorer_class.score_ids
    stats = {"hits": 0, "misses": 0}

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
