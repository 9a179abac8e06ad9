"""The span detector's training examples: spun documents cut into chunks of whole sentences, with
a label per word (scripts/train/train_detector.py trains on them; the calibration's three-class
labels use ``edit_parts``).

Gold: a word of the spun text is 1 if it overlaps a SpinEdit's [spun_start, spun_end); with the
original text, three classes: 1 where the edit changed the word, 2 where it kept it ("video" of
"video clip" for "video"). Each chunk is <= 128 wordpieces of whole sentences; the first wordpiece
of each word is labelled, the others -100. The uncased model also gets each word's case class
through the token-type embedding.
"""
from __future__ import annotations

import difflib
import random
import re

from restore.detect.chunks import MAX_LEN, Chunk, pack, sentence_groups
from restore.text.tokenize import tokenize

PRESETS = ("light", "medium", "heavy")


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
