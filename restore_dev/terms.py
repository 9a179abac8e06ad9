"""Training data for ``restore.fix.terms.TermModel``: every window of the tortured-in-context
sentences (and of their originals) with its best candidate term, labelled.

Leave-one-out in folds, as ``scripts/eval/tortured_unlisted.py`` measures: a record's fold is
restored with the fold's tortured phrases taken out of the list, so its own phrase is unlisted and
its term's variant count is what the rest of the list says. A window's best candidate is right when
the window is the record's phrase and the candidate its expected wording; every other window (the
rest of the spun sentence, every window of the original) has no tortured phrase, so any candidate
there is wrong.
"""
from __future__ import annotations

import gzip
import json
import zlib
from typing import Iterable

from restore.fix.terms import TermIndex, features, fold, scan


def read_gold(path: str) -> list[dict]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def fold_of(g: dict, folds: int, group: str = "phrase") -> int:
    return zlib.crc32(fold(g["phrase" if group == "phrase" else "expected"]).encode("utf-8")) % folds


def by_fold(gold: list[dict], folds: int, group: str = "phrase") -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for g in gold:
        out.setdefault(fold_of(g, folds, group), []).append(g)
    return out


def detector_probs(texts: list[str]):
    """For each text, a function (start, end) -> the detector's highest calibrated word
    probability in that range (the shipped detector, as the pipeline reads)."""
    from restore.detect.detector import load_detector
    from restore.fix.terms import highest_prob
    from restore.text.tokenize import tokenize

    det = load_detector()
    toks = [tokenize(t) for t in texts]
    logits = det.token_logits_many(texts, toks)
    return [highest_prob(tk, det.read(t, tk, (), lg).probs) for t, tk, lg in zip(texts, toks, logits)]


def _words(s: str) -> list[str]:
    return fold(s).replace(",", " ,").split()


def _distance(a: list[str], b: list[str]) -> int:
    import difflib

    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal")


def good_edit(text: str, start: int, end: int, term: str, original: str) -> bool:
    """Putting ``term`` in for ``text[start:end]`` is a right edit: the text comes closer to
    ``original`` (word distance, case and hyphens folded) and the term's words are the original's
    there. The whole phrase need not be done: "brain organization" -> "neural network" of "feed-forward
    brain organization" is right."""
    new = text[:start] + term + text[end:]
    o = _words(original)
    if _distance(_words(new), o) >= _distance(_words(text), o):
        return False
    where = fold(original).find(fold(term))
    return where >= 0 and abs(where - len(fold(text[:start]))) <= 40


def labelled_candidates(gold: list[dict], folds: int = 10, group: str = "phrase",
                        compose_at: float | None = None, phrases: bool = False) -> Iterable[dict]:
    """One row per candidate of each window (``restore.fix.terms.scan``, the detector's
    probabilities as the pipeline reads them; ``phrases``: composed phrase by phrase too, as
    ``--quality best`` does): record id, side (spun / original), fold, span, the candidate, its
    features and its label (``good_edit``)."""
    from restore.fix import dictionary as lexmod
    from restore_dev.dictionary_variants import channel_without, tortured_without

    for k, rows in sorted(by_fold(gold, folds, group).items()):
        drop = [g["phrase" if group == "phrase" else "expected"] for g in rows]
        # the channel without the runs only this fold's pairs taught it (composing phrase by phrase)
        with channel_without([(g["phrase"], g["expected"]) for g in rows]):
            with tortured_without(drop, by="spun" if group == "phrase" else "expected"):
                index = TermIndex.from_lexicon(lexmod.load_lexicon())
            texts = [g["spun"] for g in rows] + [g["original"] for g in rows]
            probs = detector_probs(texts)
            for n, (text, prob) in enumerate(zip(texts, probs)):
                g, side = rows[n % len(rows)], ("spun" if n < len(rows) else "original")
                target = None
                if side == "spun" and (i := text.find(g["phrase"])) >= 0:
                    target = (i, i + len(g["phrase"]))
                for win in scan(text, index, detector_prob=prob, phrases=phrases,
                                **({} if compose_at is None else {"compose_at": compose_at})):
                    for c in win.cands:
                        # right when putting the term in gives the original sentence (case and hyphens
                        # folded): a window inside a longer phrase ("brain organization" of
                        # "convolutional brain organization") is right too
                        right = side == "spun" and good_edit(text, win.start, win.end, c.term, g["original"])
                        yield {"id": g["id"], "side": side, "fold": k, "start": win.start, "end": win.end,
                               "window": text[win.start:win.end], "term": c.term,
                               "x": features(win.words, c, win.cands, win.det, index=index), "y": int(right),
                               "is_phrase": target == (win.start, win.end)}
