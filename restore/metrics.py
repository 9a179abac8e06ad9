"""The project's own evaluation: the shared scorer's figures, computed the same way, plus BLEU/chrF.

Words are ``\\w+`` runs and single punctuation marks, compared case-sensitively. Edits are
ERRANT-style: a word span in the spun text and the words put there; a system edit is right when the
gold has exactly the same one. F0.5 weighs precision twice as much as recall.
"""
from __future__ import annotations

import difflib
import gzip
import json
import re
from dataclasses import asdict, dataclass
from typing import Iterable, Mapping

WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def words(text: str) -> list[str]:
    return WORD.findall(text)


def edit_distance(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def _opcodes(a: list[str], b: list[str]):
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def word_edits(src: list[str], dst: list[str]) -> set[tuple[int, int, tuple[str, ...]]]:
    return {(i1, i2, tuple(dst[j1:j2])) for tag, i1, i2, j1, j2 in _opcodes(src, dst) if tag != "equal"}


def kept_positions(src: list[str], ref: list[str]) -> set[int]:
    out: set[int] = set()
    for tag, i1, i2, _, _ in _opcodes(src, ref):
        if tag == "equal":
            out.update(range(i1, i2))
    return out


@dataclass
class RestoreScores:
    docs: int
    wer_in: float
    wer_out: float
    error_reduction: float
    edit_p: float
    edit_r: float
    edit_f05: float
    damage_per_1k: float
    clean_docs: int
    clean_changed: float
    missing: int
    bleu: float | None = None
    chrf: float | None = None

    def to_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def score_restore(gold: Mapping[str, dict], system: Mapping[str, str], with_bleu: bool = False) -> RestoreScores:
    """``gold``: id -> {spun, original}; ``system``: id -> restored text (missing ids count as unchanged)."""
    errs_in = errs_out = ref_len = tp = sys_n = gold_n = damaged = clean = clean_changed = missing = 0
    hyps, refs = [], []
    for key, g in gold.items():
        restored = system.get(key)
        if restored is None:
            missing += 1
            restored = g["spun"]
        sp, og, rs = words(g["spun"]), words(g["original"]), words(restored)
        if g["spun"] == g["original"]:
            clean += 1
            clean_changed += rs != sp
        errs_in += edit_distance(sp, og)
        errs_out += edit_distance(rs, og)
        ref_len += max(1, len(og))
        ge, se = word_edits(sp, og), word_edits(sp, rs)
        tp += len(ge & se)
        gold_n += len(ge)
        sys_n += len(se)
        damaged += len(kept_positions(sp, og) - kept_positions(sp, rs))
        hyps.append(restored)
        refs.append(g["original"])
    p = tp / sys_n if sys_n else 1.0
    r = tp / gold_n if gold_n else 1.0
    f05 = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
    wer_in, wer_out = errs_in / max(ref_len, 1), errs_out / max(ref_len, 1)
    scores = RestoreScores(
        docs=len(gold), wer_in=wer_in, wer_out=wer_out,
        error_reduction=1 - wer_out / wer_in if wer_in else 0.0,
        edit_p=p, edit_r=r, edit_f05=f05, damage_per_1k=1000 * damaged / max(ref_len, 1),
        clean_docs=clean, clean_changed=clean_changed / clean if clean else 0.0, missing=missing)
    if with_bleu:
        scores.bleu, scores.chrf = bleu_chrf(hyps, refs)
    return scores


RELIABILITY_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


def span_reliability(gold: Mapping[str, dict], spans: Mapping[str, list[dict]],
                     edges: tuple[float, ...] = RELIABILITY_EDGES) -> dict:
    """How well span confidences are calibrated: for spans (``{start, end, confidence}``, offsets
    into the gold "spun" text) binned by confidence, the share that touch a spinner's edit (a gold
    edit's spun characters; an insertion counts at its position), against their mean confidence,
    and the expected calibration error (the bins' gaps weighted by their spans). Not the shared
    scorer's figure, which counts words rather than spans."""
    rows = []
    for key, g in gold.items():
        ranges = [(e[0], e[1]) for e in g.get("edits", [])]
        for s in spans.get(key, []):
            a, b = int(s["start"]), int(s["end"])
            hit = any((x < b and a < y) if y > x else a <= x <= b for x, y in ranges)
            rows.append((float(s["confidence"]), hit))
    bins, gap = [], 0.0
    for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        last = i == len(edges) - 2
        sel = [(c, h) for c, h in rows if lo <= c < hi or (last and c == hi)]
        if not sel:
            continue
        conf = sum(c for c, _ in sel) / len(sel)
        share = sum(h for _, h in sel) / len(sel)
        gap += len(sel) * abs(conf - share)
        bins.append({"from": lo, "to": hi, "spans": len(sel), "mean_confidence": round(conf, 4),
                     "spun_share": round(share, 4)})
    return {"spans": len(rows), "ece": round(gap / len(rows), 4) if rows else None, "bins": bins}


def bleu_chrf(hyps: list[str], refs: list[str]) -> tuple[float | None, float | None]:
    """Corpus BLEU and chrF through the local ``evaluate`` module (offline), or None without it."""
    try:
        import evaluate
        from importlib import resources

        path = str(resources.files("restore.metrics_module").joinpath("restore_bleu_chrf.py"))
        res = evaluate.load(path).compute(predictions=hyps, references=refs)
        return res["bleu"], res["chrf"]
    except ImportError:
        return None, None


def read_jsonl(path: str) -> Iterable[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    from restore.errors import InputError

                    raise InputError(f"malformed JSON: {exc.msg}", str(path), n) from None


def load_gold(path: str) -> dict[str, dict]:
    return {str(r.get("id", i)): r for i, r in enumerate(read_jsonl(path), 1)}


def load_system(path: str, field: str = "restored") -> dict[str, str]:
    return {str(r.get("id", i)): r[field] for i, r in enumerate(read_jsonl(path), 1) if field in r}
