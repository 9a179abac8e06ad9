"""The span restorer's training examples: one marked span of a spun document in its sentence, with
the original wording as the target (scripts/train/train_restorer.py).

Documents are spun by restore_dev.spin.Spinner (presets light/medium/heavy drawn per document, a
new seed per document and round). Positive: the spun side of a SpinEdit (or of a run of adjacent
edits, as the detector reports them; optionally widened over unspun neighbour words), target =
the original side (lower case). Negative: an untouched 1-3 word span, target = the same words.
An example is (left context, span, right context, target, is_positive).
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

from restore.fix import encoding as E
from restore.text.protect import protected_ranges
from restore.text.tokenize import sentences, tokenize

PRESETS = ("light", "medium", "heavy")


def detector_runs(spun: str, original: str, edits) -> list[tuple[int, int, int, int]]:
    """The spans a word-level detector reports where spun words are adjacent: each maximal run of
    two or more gold edits separated by a single space (on both sides, so the run's original is the
    originals of its edits with those spaces), as (spun_start, spun_end, orig_start, orig_end).

    The detector flags words and merges adjacent flagged words into one span ("caller claimed"
    for "company said"); a restorer trained on single edits only had never seen such a span."""
    es = sorted((e for e in edits if e.spun_end > e.spun_start), key=lambda e: e.spun_start)
    runs, cur = [], es[:1]
    for e in es[1:]:
        p = cur[-1]
        if spun[p.spun_end:e.spun_start] == " " and original[p.orig_end:e.orig_start] == " ":
            cur.append(e)
        else:
            runs.append(cur)
            cur = [e]
    if cur:
        runs.append(cur)
    return [(r[0].spun_start, r[-1].spun_end, r[0].orig_start, r[-1].orig_end) for r in runs if len(r) > 1]


_LEFT_WORD = re.compile(r"(\w+) $")
_RIGHT_WORD = re.compile(r" (\w+)")


def widened(spun: str, original: str, span: tuple[int, int, int, int], edits, rng: random.Random
            ) -> tuple[int, int, int, int] | None:
    """``span`` (spun_start, spun_end, orig_start, orig_end) taken one or two words further to the
    left, the right or both, over words the spinner left as they were (the same text on both sides,
    a single space between, in no edit): the region a detector reports when it also flags an
    unspun neighbour ("rightly comprehended" for "rightly understood"). None when no neighbour fits."""
    ss, se, os_, oe = span
    sides = rng.choice((("left",), ("left",), ("right",), ("right",), ("left", "right")))
    k = 1 if rng.random() < 0.75 else 2
    busy = [(e.spun_start, e.spun_end) for e in edits if e.spun_end > e.spun_start]
    grown = False
    for side in sides:
        for _ in range(k):
            if side == "left":
                m = _LEFT_WORD.search(spun, max(0, ss - 40), ss)
                if not m or m.end() != ss:
                    break
                a, n = m.start(1), ss - m.start(1)
                if os_ < n or original[os_ - n:os_] != spun[a:ss] or any(x < ss and a < y for x, y in busy):
                    break
                ss, os_ = a, os_ - n
            else:
                m = _RIGHT_WORD.match(spun, se)
                if not m:
                    break
                b, n = m.end(), m.end() - se
                if original[oe:oe + n] != spun[se:b] or any(x < b and se < y for x, y in busy):
                    break
                se, oe = b, oe + n
            grown = True
    return (ss, se, os_, oe) if grown else None


def doc_examples(spinner, text: str, preset: str, seed: int, rng: random.Random, neg_frac: float,
                 max_pos: int, merge_runs: bool = False, widen: float = 0.0) -> list[tuple[str, str, str, str, int]]:
    """(left, span, right, target, is_positive) examples of one spun document; ``merge_runs``: runs
    of adjacent edits (``detector_runs``) are positive spans too, besides each edit alone;
    ``widen``: the share of positive spans taken over unspun neighbour words too (``widened``)."""
    r = spinner.spin(text, preset, seed)
    spun = r.spun
    sents = sentences(spun)
    out = []
    edits = list(r.edits)
    spans = [(e.spun_start, e.spun_end, e.orig_start, e.orig_end) for e in edits]
    rng.shuffle(spans)
    if merge_runs:  # up to half of the document's positives are runs (they are 6-15% of the edits)
        runs = detector_runs(spun, r.original, edits)
        rng.shuffle(runs)
        spans = runs[:max_pos // 2] + spans
    for span in spans[:max_pos]:
        if widen and rng.random() < widen:
            span = widened(spun, r.original, span, edits, rng) or span
        ss, se, os_, oe = span
        left, right = E.context_of(spun, ss, se, sents)
        out.append((left, spun[ss:se], right, r.original[os_:oe].lower(), 1))
    n_pos = len(out)
    n_neg = int(round(n_pos * neg_frac / (1 - neg_frac))) if n_pos else rng.randint(1, 3)
    busy = [(e.spun_start, e.spun_end) for e in r.edits] + protected_ranges(spun)
    words = [t for t in tokenize(spun) if t.is_word]
    tries = 0
    while n_neg > 0 and words and tries < 10 * (n_neg + 1):
        tries += 1
        k = rng.choice((1, 1, 1, 2, 2, 3))
        i = rng.randrange(len(words))
        ws = words[i:i + k]
        a, b = ws[0].start, ws[-1].end
        if any(x < b and a < y for x, y in busy) or "\n" in spun[a:b]:
            continue
        # only spans within one sentence and of plain words / spaces between them
        if any(spun[ws[j].end:ws[j + 1].start] != " " for j in range(len(ws) - 1)):
            continue
        left, right = E.context_of(spun, a, b, sents)
        out.append((left, spun[a:b], right, spun[a:b].lower(), 0))
        busy.append((a, b))
        n_neg -= 1
    return out


def build_examples(docs: list[str], rounds: int, seed: int, neg_frac: float, max_pos: int, limit: int,
                   merge_runs: bool = False, widen: float = 0.0, spinner_mixture: str | None = None):
    from restore_dev.families import spinner_for

    spinner = spinner_for(spinner_mixture)
    rng = random.Random(seed)
    exs = []
    for rd in range(rounds):
        order = list(range(len(docs)))
        rng.shuffle(order)
        for i in order:
            preset = rng.choice(PRESETS)
            exs.extend(doc_examples(spinner, docs[i], preset, seed * 1_000_003 + rd * 100_000 + i, rng, neg_frac,
                                    max_pos, merge_runs, widen))
            if len(exs) >= limit:
                return exs
    return exs


def tokenize_examples(tok, exs):
    enc, tgt = [], []
    B = 4096
    for b in range(0, len(exs), B):
        chunk = exs[b:b + B]
        enc += E.encode_inputs(tok, [e[0] for e in chunk], [e[1] for e in chunk], [e[2] for e in chunk])
        tgt += E.encode_targets(tok, [e[3] for e in chunk])
    return enc, tgt


def load_docs(path: Path) -> list[str]:
    with open(path) as fh:
        return [json.loads(l)["text"] for l in fh if l.strip()]
