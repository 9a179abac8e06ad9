#!/usr/bin/env python3
"""Calibrate the trained span detector on the dev split and ship it to restore/models/detector/.

1. Converts the trained weights (runs/detector/final, fp32) to fp16 safetensors in a staging
   directory, with the tokenizer files; inference loads them back as float32, so calibration
   sees exactly what ships.
2. Builds a dev set from data/splits/dev.jsonl: ~40% of documents left clean, the rest spun with
   restore_dev.spin (presets light/medium/heavy/mixture) with seeds the training never used, plus
   --short excerpts of them (headlines, lone sentences, fragments), clean or spun the same way. It
   is written in the scorer's gold format to dev_gold.jsonl beside --stage.
3. Token calibration: Platt scaling (logistic regression of the gold label on the model's logit
   difference, numpy Newton steps) over every word token of the dev documents.
4. Threshold, doc-score gate and (three-class detector) the kept threshold: the best token F1
   against the words the spinner changed (the shared scorer's spun words) among the settings at
   which clean dev documents get at most --max-clean-fp flagged words per 1,000 words.
5. Document score: logistic regression (numpy) on restore.detect.document.doc_features (top-5 mean word
   probability, mean word probability, spans and dictionary hits per 1k words, length and the
   absolute amount of evidence; see DOC_FEATURES), fitted on the dev documents plus --long
   documents made of 3 to --long-parts whole dev documents of one kind end to end (dev has few
   long documents), with a 2-fold AUROC estimate on the dev documents. The features' range is
   stored too: inference clamps to it instead of extrapolating.
6. Writes calibration.json (+ dev figures) and copies everything to restore/models/detector/.

    python3 scripts/train/calibrate_detector.py [--trained runs/detector/final] [--limit N]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import NamedTuple

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

from restore.config import Config
from restore.detect.chunks import sentence_groups
from restore.detect.detector import SpanDetector
from restore.detect.document import DOC_FEATURES, count_runs, doc_features
from restore.fix.dictionary import dictionary_edits, load_lexicon
from restore.paths import PACKAGE_MODELS
from restore.text.tokenize import tokenize
from restore_dev.detector_examples import edit_parts  # the three-class labels
from restore_dev.spin import SpinEdit

ROOT = Path(__file__).resolve().parents[2]  # the checkout

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")


def logreg(X: np.ndarray, y: np.ndarray, l2: float = 1e-3, iters: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method; X gets an intercept column; returns [w..., b]."""
    Xb = np.hstack([X, np.ones((len(X), 1))])
    w = np.zeros(Xb.shape[1])
    reg = l2 * np.eye(Xb.shape[1])
    reg[-1, -1] = 0.0
    for _ in range(iters):
        z = np.clip(Xb @ w, -30, 30)
        p = 1.0 / (1.0 + np.exp(-z))
        g = Xb.T @ (p - y) + reg @ w
        H = (Xb * (p * (1 - p))[:, None]).T @ Xb + reg + 1e-9 * np.eye(Xb.shape[1])
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def auroc(pos, neg) -> float:
    s = np.array(list(pos) + list(neg))
    y = np.array([1] * len(pos) + [0] * len(neg))
    order = s.argsort(kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    for v in np.unique(s):  # average ties
        m = s == v
        ranks[m] = ranks[m].mean()
    n1, n0 = len(pos), len(neg)
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


class DocRow(NamedTuple):
    """What the document score is fitted on, for one (dev or long) document."""
    probs: list[float]  # calibrated probability of each word
    words: int
    spans: int  # runs of words at the threshold
    dict_hits: int
    clean: bool
    preset: str


def ship_weights(trained: Path, stage: Path) -> None:
    import torch
    from transformers import BertForTokenClassification

    if stage.exists():
        shutil.rmtree(stage)
    model = BertForTokenClassification.from_pretrained(str(trained), dtype=torch.float32)
    model.half().save_pretrained(stage, safe_serialization=True)
    for name in TOKENIZER_FILES:
        if (trained / name).is_file():
            shutil.copy(trained / name, stage / name)
    if (trained / "train_info.json").is_file():
        shutil.copy(trained / "train_info.json", stage / "train_info.json")


def make_dev(dev_path: Path, p_clean: float, seed: int, limit: int | None, short: int = 0,
             spinner_mixture: str | None = None) -> list[dict]:
    """The dev documents (clean with probability ``p_clean``, else spun with a random preset), then
    ``short`` excerpts of random dev documents (``gold_sets.snippet``: 1-3 sentences or their first
    words), clean or spun the same way, so that the document score also learns what a headline or
    a lone sentence looks like instead of extrapolating from articles."""
    from restore_dev.families import spinner_for
    from restore_dev.gold_sets import snippet

    spinner = spinner_for(spinner_mixture)
    docs = [json.loads(line) for line in open(dev_path, encoding="utf-8") if line.strip()]
    rng = random.Random(seed)
    rng.shuffle(docs)
    if limit:
        docs = docs[:limit]
    out = []

    def add(doc_id: str, text: str, i: int) -> None:
        if rng.random() < p_clean:
            out.append({"id": doc_id, "spun": text, "original": text, "preset": "clean", "edits": []})
        else:
            preset = rng.choice(("light", "medium", "heavy", "mixture"))
            rec = spinner.spin(text, preset, seed * 100_003 + i).to_dict()
            rec["id"] = doc_id
            out.append(rec)

    for i, d in enumerate(docs):
        add(d["id"], d["text"], i)
    for j in range(short):
        d = docs[rng.randrange(len(docs))]
        text = snippet(d["text"], rng)
        if text:
            add(f"{d['id']}#short{j}", text, len(docs) + j)
    return out


def overlap_labels(toks, spans) -> list[int]:
    """1 for a token overlapping one of the (start, end) ``spans``, else 0."""
    return [int(any(a < t.end and t.start < b for a, b in spans)) for t in toks]


def token_labels(toks, edits) -> list[int]:
    return overlap_labels(toks, [(e[0], e[1]) for e in edits if e[1] > e[0]])


def changed_labels(toks, rec) -> list[int]:
    """1 for a token overlapping a word that an edit changed (the shared scorer's spun words), 0 for
    clean words and for words an edit kept ("video" of "video clip")."""
    return overlap_labels(toks, [(a, b) for e in rec["edits"] if e[1] > e[0]
                                 for a, b, y in edit_parts(rec["spun"], rec["original"], SpinEdit(*e[:4])) if y == 1])


def dev_inference(det, dev):
    lex = load_lexicon((), True)
    cfg = Config()
    docs = []
    n_words_total = 0
    t1 = time.time()
    for rec in dev:
        text = rec["spun"]
        toks = tokenize(text)
        toks, z, kz = det.token_logits(text, toks)
        y = token_labels(toks, rec["edits"])
        sent_of = [0] * len(toks)
        for g, grp in enumerate(sentence_groups(text, toks)):
            for i in grp:
                sent_of[i] = g
        de = [e for e in dictionary_edits(text, toks, lex, cfg) if e.end > e.start]
        is_word = [t.is_word and not math.isnan(v) for t, v in zip(toks, z)]
        n_words_total += sum(is_word)
        docs.append({"z": np.array(z), "y": np.array(y), "yc": np.array(changed_labels(toks, rec), dtype=int),
                     "kept": np.nan_to_num(1 / (1 + np.exp(-np.array(kz, dtype=float))), nan=0.0), "word": np.array(is_word, dtype=bool), "toks": toks,
                     "sent_of": sent_of, "n_dict": len(de), "clean": rec["spun"] == rec["original"],
                     "preset": rec["preset"]})
    return docs, n_words_total, time.time() - t1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trained", default=str(ROOT / "runs/detector/final"))
    ap.add_argument("--dev", default=str(ROOT / "data/splits/dev.jsonl"))
    ap.add_argument("--stage", default=str(ROOT / "runs/detector/ship"))
    ap.add_argument("--dest", default=str(PACKAGE_MODELS / "detector"))
    ap.add_argument("--p-clean", type=float, default=0.4)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--limit", type=int, default=0, help="use only N dev documents")
    ap.add_argument("--spinner", default=None, metavar="MIXTURE",
                    help="spin the dev set with these spinner families (restore_dev.families), as in training")
    ap.add_argument("--short", type=int, default=400,
                    help="short excerpts of dev documents added to the dev set (headlines, lone sentences)")
    ap.add_argument("--long", type=int, default=300,
                    help="long documents (whole dev documents end to end) added to the document score's fit")
    ap.add_argument("--long-parts", type=int, default=16, help="at most this many dev documents in a long one")
    ap.add_argument("--max-clean-fp", type=float, default=1.0,
                    help="flagged words per 1,000 words of clean dev text allowed at the default threshold")
    ap.add_argument("--dtype", default="bf16", choices=["bf16", "fp32"], help="inference precision to calibrate")
    ap.add_argument("--gate", default="0", help="doc-score gate for model spans: a number, or 'auto'")
    ap.add_argument("--cache", default=str(ROOT / "runs/detector/dev_cache.pkl"),
                    help="dev logits cache (reused when it was made with the same weights)")
    ap.add_argument("--no-ship", action="store_true", help="stop before copying to --dest")
    ap.add_argument("--reuse-stage", action="store_true", help="keep the staged fp16 weights")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(int(os.environ.get("RESTORE_THREADS", "1")))
    t0 = time.time()
    trained, stage = Path(args.trained), Path(args.stage)
    if not (args.reuse_stage and (stage / "model.safetensors").is_file()):
        ship_weights(trained, stage)
    cal_path = stage / "calibration.json"
    if cal_path.exists():
        cal_path.unlink()
    det = SpanDetector(stage, dtype=args.dtype)

    dev = make_dev(Path(args.dev), args.p_clean, args.seed, args.limit or None, args.short, args.spinner)
    gold_path = Path(args.stage).parent / "dev_gold.jsonl"
    gold_path.parent.mkdir(parents=True, exist_ok=True)
    with open(gold_path, "w", encoding="utf-8") as fh:
        for rec in dev:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    cache = Path(args.cache) if args.cache else None
    cached = None
    if cache and cache.is_file():
        import pickle

        cached = pickle.loads(cache.read_bytes())
        if len(cached) != 4 or cached[3] != det.signature or "yc" not in (cached[0] or [{}])[0]:
            print(f"cache {cache} is for other weights: recomputing", flush=True)
            cached = None
    if cached:
        docs, n_words_total, t_inf, _sig = cached
        print(f"dev: {len(docs)} docs from cache {cache}", flush=True)
        # the logits are cached; the dictionary hits are recounted with the current lexicon
        lex = load_lexicon((), True)
        cfg = Config()
        for d, rec in zip(docs, dev):
            toks = tokenize(rec["spun"])
            if len(toks) != len(d["toks"]) or (toks and toks[-1] != d["toks"][-1]):
                sys.exit(f"cache {cache} does not match the dev set (spinner changed?): delete it")
            d["n_dict"] = len([e for e in dictionary_edits(rec["spun"], toks, lex, cfg) if e.end > e.start])
    else:
        docs, n_words_total, t_inf = dev_inference(det, dev)
        if cache:
            import pickle

            cache.write_bytes(pickle.dumps((docs, n_words_total, t_inf, det.signature)))
    print(f"dev: {len(docs)} docs, {n_words_total} words, inference {t_inf:.0f}s "
          f"({n_words_total / t_inf:.0f} words/s, {args.dtype})", flush=True)

    # ---- token calibration (Platt) over word tokens
    Z = np.concatenate([d["z"][d["word"]] for d in docs])
    Y = np.concatenate([d["y"][d["word"]] for d in docs])
    w = logreg(Z[:, None], Y.astype(float), l2=0.0)
    a, b = float(w[0]), float(w[1])
    P = 1 / (1 + np.exp(-(a * Z + b)))
    bins = np.linspace(0, 1, 11)
    ece = 0.0
    for lo, hi in zip(bins[:-1], bins[1:]):
        m = (P >= lo) & (P < hi if hi < 1 else P <= hi)
        if m.any():
            ece += m.mean() * abs(P[m].mean() - Y[m].mean())
    brier = float(((P - Y) ** 2).mean())
    print(f"platt a={a:.4f} b={b:.4f}  ECE {ece:.4f}  Brier {brier:.4f}  base rate {Y.mean():.4f}", flush=True)
    for d in docs:
        d["p"] = np.nan_to_num(1 / (1 + np.exp(-(a * d["z"] + b))), nan=0.0)

    # ---- threshold sweep
    clean = [d for d in docs if d["clean"]]
    spun = [d for d in docs if not d["clean"]]
    clean_words = sum(int(d["word"].sum()) for d in clean)
    # flagged words are scored against the words an edit changed (the shared scorer's spun words);
    # a three-class detector leaves out the words it thinks an edit kept (P(kept | spun) >= kthr)
    three = det.n_labels == 3
    kept_grid = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95] if three else [1.01]
    k_default = 0.5 if three else 1.01

    def flagged(d, thr: float, kthr: float):
        return (d["p"] >= thr) & d["word"] & ~(d["kept"] >= kthr)

    def prf(pairs) -> tuple[float, float, float]:
        """Token precision, recall and F1 of (flagged, document) pairs."""
        tp = fp = fn = 0
        for f, d in pairs:
            yy = (d["yc"] == 1) & d["word"]
            tp += int((f & yy).sum())
            fp += int((f & ~yy).sum())
            fn += int((~f & yy).sum())
        prec, rec = tp / max(1, tp + fp), tp / max(1, tp + fn)
        return prec, rec, 2 * prec * rec / max(1e-9, prec + rec)

    sweep = []
    for thr in [round(float(x), 2) for x in np.arange(0.05, 0.96, 0.05)] + [0.96, 0.97, 0.98, 0.99, 0.995]:
        fp_clean = sum(int(flagged(d, thr, k_default).sum()) for d in clean)
        docs_hit = sum(int(flagged(d, thr, k_default).any()) for d in clean)
        prec, rec, f1 = prf((flagged(d, thr, k_default), d) for d in spun)
        sweep.append({"threshold": thr, "clean_fp_per_1k": round(1000 * fp_clean / max(1, clean_words), 3),
                      "clean_docs_with_span": round(docs_hit / max(1, len(clean)), 4),
                      "spun_p": round(prec, 4), "spun_r": round(rec, 4), "spun_f1": round(f1, 4)})
        print(sweep[-1], flush=True)

    full = [i for i, rec in enumerate(dev) if "#short" not in rec["id"]]  # whole documents, not excerpts

    def doc_rows(thr: float) -> list[DocRow]:
        """One row per dev document, with its spans at ``thr``."""
        return [DocRow(d["p"][d["word"]].tolist(), int(d["word"].sum()),
                       count_runs(d["p"].tolist(), d["toks"], d["sent_of"], thr), d["n_dict"], d["clean"], d["preset"])
                for d in docs]

    def long_rows(rows: list[DocRow], pool: list[int], n: int, seed: int) -> list[DocRow]:
        """``n`` long documents, each 3 to ``--long-parts`` whole dev documents of one kind (clean,
        or spun with one preset) put end to end: dev has few documents over 700 words, and the
        document score must not take a long clean text's handful of odd words for a spun text."""
        rng = random.Random(seed)
        groups: dict[str, list[int]] = {}
        for i in pool:
            groups.setdefault("clean" if rows[i].clean else rows[i].preset, []).append(i)
        kinds = sorted(groups)
        out = []
        for _ in range(n):
            kind = "clean" if rng.random() < 0.5 else rng.choice([k for k in kinds if k != "clean"])
            parts = [rows[i] for i in rng.sample(groups[kind], min(rng.randint(3, args.long_parts), len(groups[kind])))]
            out.append(DocRow([p for r in parts for p in r.probs], sum(r.words for r in parts),
                              sum(r.spans for r in parts), sum(r.dict_hits for r in parts), parts[0].clean, kind))
        return out

    def features_of(rows: list[DocRow]) -> tuple[np.ndarray, np.ndarray]:
        """Document features and labels (1: spun)."""
        return (np.array([doc_features(r.probs, r.words, r.spans, r.dict_hits) for r in rows]),
                np.array([0.0 if r.clean else 1.0 for r in rows]))

    def fit_doc(thr: float, rows=None):
        """The document score fitted on the dev documents and ``--long`` concatenations of them;
        returns the fit and the scores of the dev documents."""
        rows = rows if rows is not None else doc_rows(thr)
        F, L = features_of(rows + long_rows(rows, full, args.long, args.seed))
        mu, sd = F.mean(0), F.std(0) + 1e-9
        wd = logreg((F - mu) / sd, L, l2=1.0)
        Fd = F[:len(rows)]  # the dev documents come first
        S = 1 / (1 + np.exp(-(((Fd - mu) / sd) @ wd[:-1] + wd[-1])))
        return F, L, mu, sd, wd, S

    def gated(thr: float, gate: float, S, kthr: float) -> dict:
        pairs = [(flagged(d, thr, kthr) if sc >= gate else np.zeros_like(d["word"]), d) for d, sc in zip(docs, S)]
        fp_clean = sum(int(f.sum()) for f, d in pairs if d["clean"])
        hit_clean = sum(int(f.any()) for f, d in pairs if d["clean"])
        prec, rec, f1 = prf(pairs)
        return {"threshold": thr, "gate": gate, "kept_threshold": kthr, "p": round(prec, 4), "r": round(rec, 4),
                "f1": round(f1, 4),
                "clean_fp_per_1k": round(1000 * fp_clean / max(1, clean_words), 3),
                "clean_docs_with_span": round(hit_clean / max(1, len(clean)), 4)}

    # ---- joint choice of threshold and doc-score gate: best token F1 over all dev documents
    # (clean ones included) among the settings whose clean-text false alarms stay <= --max-clean-fp
    gate_grid = [0.0] if args.gate == "0" else [0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9]
    grid = []
    for srow in sweep:
        t = srow["threshold"]
        if srow["spun_r"] == 0:
            continue
        S_t = fit_doc(t)[-1]
        for g in gate_grid:
            for k in kept_grid:
                grid.append(gated(t, g, S_t, k))
    ok = [g for g in grid if g["clean_fp_per_1k"] <= args.max_clean_fp]
    if args.gate not in ("0", "auto"):
        ok = [g for g in ok if g["gate"] == float(args.gate)] or ok
    best = max(ok, key=lambda g: (g["f1"], -g["gate"])) if ok else max(grid, key=lambda g: g["threshold"])
    thr, gate, kthr = best["threshold"], best["gate"], best["kept_threshold"]
    chosen = next(srow for srow in sweep if srow["threshold"] == thr)
    print(f"chosen threshold {thr} gate {gate}: {best}", flush=True)
    for g in sorted(ok, key=lambda g: -g["f1"])[:8]:
        print("  ok:", g, flush=True)
    gates = [g for g in grid if g["threshold"] == thr and g["kept_threshold"] == kthr]

    # ---- document score at the chosen threshold
    rows = doc_rows(thr)
    F, L, mu, sd, wd, S = fit_doc(thr, rows)
    Fd, Ld = F[:len(rows)], L[:len(rows)]  # the dev documents, without the long ones
    # 2-fold estimate of the doc AUROC on the dev documents (fit on one half and long documents
    # made from it, score the other half)
    idx = np.arange(len(rows))
    rng = np.random.default_rng(0)
    rng.shuffle(idx)
    halves = [idx[::2], idx[1::2]]
    cv_scores = np.zeros(len(rows))
    is_full = set(full)
    for k in (0, 1):
        tr, te = halves[1 - k], halves[k]
        F2, L2 = features_of([rows[i] for i in tr] + long_rows(rows, [i for i in tr if i in is_full], args.long // 2,
                                                                 args.seed + k))
        m2, s2 = F2.mean(0), F2.std(0) + 1e-9
        w2 = logreg((F2 - m2) / s2, L2, l2=1.0)
        cv_scores[te] = ((Fd[te] - m2) / s2) @ w2[:-1] + w2[-1]
    doc_auc = auroc(S[Ld == 1], S[Ld == 0])
    doc_auc_cv = auroc(cv_scores[Ld == 1], cv_scores[Ld == 0])
    by_preset = {}
    for pr in sorted({d["preset"] for d in docs}):
        m = np.array([d["preset"] == pr for d in docs])
        by_preset[pr] = {"docs": int(m.sum()), "mean_score": round(float(S[m].mean()), 4)}
    print(f"doc AUROC in-sample {doc_auc:.4f}, 2-fold {doc_auc_cv:.4f}; coef {wd.round(3).tolist()}", flush=True)
    print(by_preset, flush=True)

    cal = {
        "version": 1,
        "dtype": args.dtype,
        "threshold": thr,
        "gate": gate,
        **({"kept_threshold": kthr} if three else {}),
        "lexicon": load_lexicon((), True).signature,
        "token": {"method": "platt", "a": a, "b": b, "ece": round(ece, 4), "brier": round(brier, 4)},
        "doc": {"features": list(DOC_FEATURES),
                "mean": mu.tolist(), "std": sd.tolist(), "min": F.min(0).tolist(), "max": F.max(0).tolist(), "coef": wd[:-1].tolist(), "intercept": float(wd[-1]),
                "auroc_in_sample": round(doc_auc, 4), "auroc_2fold": round(doc_auc_cv, 4)},
        "dev": {"docs": len(docs), "clean_docs": len(clean), "words": n_words_total, "short": args.short, "long": args.long, "long_parts": args.long_parts,
                "p_clean": args.p_clean, "seed": args.seed, "max_clean_fp_per_1k": args.max_clean_fp,
                "at_threshold": chosen, "chosen": best, "sweep": sweep, "gate_sweep": gates, "doc_mean_score_by_preset": by_preset,
                "inference_words_per_s": round(n_words_total / t_inf)},
    }
    cal_path.write_text(json.dumps(cal, indent=1))
    print(f"wrote {cal_path} ({time.time() - t0:.0f}s)", flush=True)
    if not args.no_ship:
        dest = Path(args.dest)
        if dest.exists():
            keep = dest / "README.md"
            readme = keep.read_text() if keep.is_file() else None
            shutil.rmtree(dest)
        else:
            readme = None
        shutil.copytree(stage, dest)
        if readme is not None:
            (dest / "README.md").write_text(readme)
        print(f"shipped to {dest}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
