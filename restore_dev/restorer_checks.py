"""Checks of a trained span restorer: greedy exact match on dev examples, and the calibration of its
own confidence (calibration.json: a logistic regression over the model's scores) that ships with it
(scripts/train/train_restorer.py).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from restore.fix import encoding as E
from restore.fix import restorer as S
from restore.fix import wording as W


def greedy_em(model, tok, exs, bf16: bool, bs: int = 64) -> dict:
    """Greedy exact match of the decoded span against the target, positives and negatives apart."""
    import torch

    model.eval()
    enc = E.encode_inputs(tok, [e[0] for e in exs], [e[1] for e in exs], [e[2] for e in exs])
    tgt = E.encode_targets(tok, [e[3] for e in exs])
    hits = {0: [0, 0], 1: [0, 0]}
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        for b in range(0, len(exs), bs):
            ids = enc[b:b + bs]
            n = max(map(len, ids))
            x = torch.tensor([s + [0] * (n - len(s)) for s in ids])
            m = (x != 0).long()
            g = model.generate(input_ids=x, attention_mask=m, num_beams=1, do_sample=False,
                               max_new_tokens=E.MAX_TARGET + 1, decoder_start_token_id=E.CLS,
                               eos_token_id=E.SEP, pad_token_id=E.PAD).tolist()
            for j, s in enumerate(g):
                s = s[1:]
                if E.SEP in s:
                    s = s[:s.index(E.SEP)]
                s = [t for t in s if t != E.PAD]
                pos = exs[b + j][4]
                hits[pos][1] += 1
                hits[pos][0] += int(s == tgt[b + j])
    model.train()
    tot = hits[0][1] + hits[1][1]
    return {"em": (hits[0][0] + hits[1][0]) / max(1, tot), "em_spun": hits[1][0] / max(1, hits[1][1]),
            "keep_clean": hits[0][0] / max(1, hits[0][1]), "n": tot}


def fit_logreg(X, y, l2: float = 1e-2, iters: int = 50):
    """Newton's method on standardised features; returns weights/bias in raw feature units."""
    import numpy as np

    X = np.asarray(X, float)
    y = np.asarray(y, float)
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Z = np.hstack([(X - mu) / sd, np.ones((len(X), 1))])
    w = np.zeros(Z.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-Z @ w))
        g = Z.T @ (p - y) + l2 * np.r_[w[:-1], 0]
        H = (Z * (p * (1 - p))[:, None]).T @ Z + l2 * np.diag(np.r_[np.ones(len(w) - 1), 0])
        w -= np.linalg.solve(H, g)
    wr = w[:-1] / sd
    b = w[-1] - (w[:-1] * mu / sd).sum()
    return wr.tolist(), float(b)


def calibrate(ship: Path, cal_exs, say, feats=("lp_best", "margin", "n_words")) -> dict:
    """Fit ``ship``/calibration.json (the restorer's own confidence) on ``cal_exs``; ``say``: a log line."""
    import numpy as np

    res = S.SpanRestorer(ship)
    t0 = time.time()
    items = [(e[0], e[1], e[2]) for e in cal_exs]
    rs = res.infill(items)
    dt = time.time() - t0
    X, y, rows = [], [], []
    n_keep_right = 0
    for e, r in zip(cal_exs, rs):
        if r["best"] == 0:
            n_keep_right += int(e[4] == 0)
            continue
        f = W.features(r["lps"][r["best"]], r["keep_lp"], len(e[1].split()))
        X.append([f[k] for k in feats])
        right = e[4] == 1 and r["best_text"].lower() == e[3].lower()
        y.append(int(right))
        rows.append((e[4], right))
    w, b = fit_logreg(X, y)
    cal = {"features": list(feats), "weights": w, "bias": b, "n": len(y), "positive_rate": float(np.mean(y)),
           "fitted_on": f"{len(cal_exs)} dev spans ({sum(e[4] for e in cal_exs)} spun, "
                        f"{sum(1 - e[4] for e in cal_exs)} untouched) from data/splits/dev.jsonl"}
    (ship / "calibration.json").write_text(json.dumps(cal, indent=2) + "\n")
    # precision / recall of proposals at a few thresholds
    confs = [W.confidence_of(cal, dict(zip(feats, x))) for x in X]
    n_spun = sum(e[4] for e in cal_exs)
    n_clean = len(cal_exs) - n_spun
    table = {}
    for thr in (0.3, 0.5, 0.6, 0.7, 0.8, 0.9):
        sel = [(p, r) for c, (p, r) in zip(confs, rows) if c >= thr]
        tp = sum(r for _, r in sel)
        fp_clean = sum(1 for p, _ in sel if p == 0)
        table[thr] = {"precision": tp / max(1, len(sel)), "recall_spun": tp / max(1, n_spun),
                      "clean_changed": fp_clean / max(1, n_clean)}
    say(f"calibration on {len(cal_exs)} spans ({dt:.0f}s, {len(cal_exs) / dt:.1f} spans/s): w={w} b={b:.3f}")
    for thr, v in table.items():
        say(f"  thr {thr:.1f}: precision {v['precision']:.3f} recall(spun) {v['recall_spun']:.3f} "
            f"clean spans changed {v['clean_changed']:.3f}")
    cal["table"] = {str(k): v for k, v in table.items()}
    (ship / "calibration.json").write_text(json.dumps(cal, indent=2) + "\n")
    return cal
