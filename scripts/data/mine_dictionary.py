#!/usr/bin/env python3
"""Mine a news dictionary of spun phrases: frequent clean phrases x the spinner's substitutions.

    python3 scripts/data/mine_dictionary.py --corpus ../shared/data/corpus --splits data/splits \\
        --out restore/data/news_mined.tsv [--absent-from all|train] [--cap 30000]

1. Originals: frequent 2-4 word phrases of the TRAIN split's clean text (names, idioms,
   collocations: "White House", "according to", "human rights", "prime minister"), counted over
   contiguous word tokens (restore.text.tokenize.tokenize, as the matcher sees them), that neither start
   nor end with a function word (the spinner's stop list) unless the spinner has an idiom for the
   whole phrase ("last week", "according to"); plus SEEDED below: modern names and collocations
   that the 1987-2006 corpus lacks.
2. Variants: each original with one word (or two) swapped for the spinner's forward substitutes
   (restore_dev.spin.Spinner().substitutes: its thesaurus table, idioms, re-inflected forms), and
   with a sub-phrase swapped when the spinner has a phrase entry for it ("last week" -> "very last
   7 days").
3. A variant is kept only if clean English does not use it:
   - it never occurs (as a token sequence) in the shared corpus (--absent-from all: every split and
     source; --absent-from train: the train split only, to measure false alarms honestly on dev/test);
   - every new bigram it creates at a swapped word (not inside a multi-word substitute) is absent
     from that corpus and from symspellpy's bigram list (the most frequent 242k English bigrams,
     which include e.g. "security services" and "security solutions": such a variant is a normal
     phrase and is dropped);
   - its absence is informative: E = count(original) x prod(10 ** (zipf(substitute) -
     zipf(replaced word))) (wordfreq), capped per word at 1, is the number of times the variant
     would have been seen if it were as usual as the words in it (reported in the evidence; with
     --min-expected > 0 also a filter, a quarter of it for a capitalised name);
   - it is unlikely to be ordinary English that the corpus merely never happened to contain: the
     rate at which its rarest new bigram (x, y) would occur in clean text, estimated from the train
     split with Witten-Bell/Kneser-Ney statistics (P(x) x followers(x) / (count(x) + followers(x))
     x predecessors(y) / bigram types), must be <= --max-risk per 1,000 words. "consumer rates"
     (two words that combine freely) is dropped, "white dwelling" (rare, choosy neighbours) kept.
     A variant of a capitalised name ("White House", "Revolutionary Guards": its words are fixed)
     may have --max-risk-name, a SEEDED phrase --max-risk-seed. The defaults (3e-8, 1e-6, 3e-6)
     were chosen on the dev split with --absent-from train, per class (common phrases: false
     alarms on dev 0.005 per 1,000 words at 3e-8, 0.014 at 1e-7, 0.10 at 1e-6; names: 0.005 at
     1e-6, 0.019 at 3e-6; seeded: 0 at 3e-6, 0.010 at 1e-5); the test split confirmed them.
4. Confidence = (0.75 + 0.2 * (1 - exp(-count(original) / 30))) x share, where share = the
   original's count over the counts of all originals that produce the same variant; entries below
   0.3 are dropped. (An E-based confidence under-rated variants with rare substitutes: on dev,
   applying those too raised recall at the same precision.) The
   rest are ranked by how often a spinner would produce them from news (confidence x count of the
   original x prod 1 / (1 + rank of the substitute among the spinner's)) and capped at --cap.

Output (restore.fix.dictionary format): ``spun<TAB>canonical<TAB>mined:<evidence><TAB>confidence`` with a
header line and a comment line crediting the sources; spun side lower-cased, canonical in its
most frequent corpus casing.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from collections import Counter, defaultdict

from wordfreq import zipf_frequency

from restore.metrics import read_jsonl as iter_docs  # names the file and line of a bad record
from restore.text.tokenize import tokenize
from restore_dev.spin import Spinner

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the checkout

# Modern names and collocations (mostly after 2006, so missing from the corpus) that spun news
# copied from the web keeps hitting. Chosen from general knowledge of what recent English news
# names most often: major news organisations and agencies, international bodies and NGOs, tech
# companies' fixed names, political offices/administrations of 2008-2025 and common modern
# collocations; not read off the shared spun/clean samples. Each gets a pseudo corpus count.
SEEDED = """
Human Rights Watch|Amnesty International|Getty Images|Associated Press|Agence France-Presse|
NBC News|CBS News|ABC News|CNN International|Fox News|Sky News|BBC News|Al Jazeera|Washington Post|
New York Times|Wall Street Journal|Financial Times|The Guardian|Los Angeles Times|USA Today|
Bloomberg News|Reuters news agency|news agency|press release|press conference|press secretary|
social media|social network|social networking|mobile phone|smart phone|search engine|
artificial intelligence|machine learning|climate change|global warming|renewable energy|
electric vehicles|electric car|supply chain|supply chains|think tank|think tanks|
Revolutionary Guards|Revolutionary Guard|Islamic State|Biden administration|Trump administration|
Obama administration|White House|Supreme Court|Federal Reserve|Justice Department|State Department|
Defense Department|Pentagon officials|Homeland Security|European Union|European Commission|
United Nations|Security Council|World Health Organization|International Monetary Fund|
World Bank|Red Cross|Doctors Without Borders|Black Lives Matter|Silicon Valley|Wall Street|
Middle East|Gaza Strip|West Bank|North Korea|South Korea|Saudi Arabia|United Arab Emirates|
Hong Kong|New Delhi|Prime Minister|foreign minister|defence minister|defense secretary|
Secretary of State|national security|national security adviser|intelligence agency|
intelligence services|law enforcement|human rights|civil rights|civil war|cease-fire|ceasefire|
peace talks|nuclear weapons|nuclear deal|sanctions relief|military exercises|air strikes|
drone strike|drone strikes|missile test|ballistic missile|death toll|humanitarian aid|
refugee camp|asylum seekers|border security|public health|health care|healthcare system|
vaccine rollout|mental health|stock market|stock exchange|interest rates|central bank|
inflation rate|unemployment rate|real estate|private equity|venture capital|hedge fund|
cryptocurrency exchange|data breach|cyber attack|cyberattack|ransomware attack|software update|
video game|video games|streaming service|live stream|opinion poll|election campaign|
presidential election|midterm elections|polling station|Electoral College|House of Representatives|
Senate Majority Leader|House Speaker|Labour Party|Conservative Party|Democratic Party|
Republican Party|Green Party|chief executive|chief executive officer|spokesman said|
spokeswoman said|told reporters|according to|last week|last month|last year|next week|
earlier this year|earlier this month|at least|more than|in order to|as well as
"""

MIN_COUNT = 8          # an original must occur this often in the train split
SEED_COUNT = 60        # pseudo count of a seeded phrase (on top of its corpus count)
MAX_ORIGINALS = 20000
SUBS_PER_WORD = 8      # the spinner's top substitutes tried per word
SUBS_DOUBLE = 3        # ... per word when two words are swapped at once


def norm_tok(t: str) -> str:
    return t.lower().replace("\u2019", "'")




def word_runs(text: str):
    """Runs of contiguous word tokens (lower-cased) with their surface forms."""
    run, surf = [], []
    for t in tokenize(text):
        if t.is_word:
            run.append(norm_tok(t.text))
            surf.append(t.text)
        else:
            if run:
                yield run, surf
            run, surf = [], []
    if run:
        yield run, surf


def load_bigrams_symspell() -> set[tuple[str, str]]:
    import symspellpy

    path = os.path.join(os.path.dirname(symspellpy.__file__), "frequency_bigramdictionary_en_243_342.txt")
    out = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            p = line.split()
            if len(p) >= 3:
                out.add((p[0].lower(), p[1].lower()))
    return out


_ZC: dict[str, float] = {}


def zipf(p: str) -> float:
    v = _ZC.get(p)
    if v is None:
        parts = p.replace("-", " ").split()
        v = _ZC[p] = min(zipf_frequency(x, "en") for x in parts) if parts else 0.0
    return v


def is_wordy(tok: str) -> bool:
    return tok.replace("-", "").replace("'", "").isalpha()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "data", "corpus"))
    ap.add_argument("--splits", default=os.path.join(ROOT, "data", "splits"))
    ap.add_argument("--out", default=os.path.join(ROOT, "restore", "data", "news_mined.tsv"))
    ap.add_argument("--absent-from", choices=("all", "train"), default="all")
    ap.add_argument("--cap", type=int, default=30000)
    ap.add_argument("--min-expected", type=float, default=0.0,
                    help="drop variants whose absence says little (E below this); off by default: the"
                         " smoothed-rate test below predicts false alarms better (measured on dev)")
    ap.add_argument("--max-risk", type=float, default=3e-8,
                    help="drop variants whose smoothed clean-text rate (per 1,000 words) is above this")
    ap.add_argument("--max-risk-name", type=float, default=1e-6, help="... for a capitalised name")
    ap.add_argument("--max-risk-seed", type=float, default=3e-6, help="... for a SEEDED phrase")
    args = ap.parse_args(argv)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731

    sp = Spinner()
    stop = set(sp.stop)

    # ---- 1. count n-grams in the train split (apriori: longer n-grams only over frequent shorter ones)
    train_path = os.path.join(args.splits, "train.jsonl")
    runs = []
    for d in iter_docs(train_path):
        runs.extend(word_runs(d.get("text", "")))
    log(f"train: {len(runs)} word runs, {sum(len(r) for r, _ in runs)} words")
    counts: dict[int, Counter] = {1: Counter(), 2: Counter()}
    for r, _ in runs:
        counts[1].update(r)
        counts[2].update(zip(r, r[1:]))
    for n in (3, 4):
        prev = {k for k, c in counts[n - 1].items() if c >= MIN_COUNT}
        cn = Counter()
        for r, _ in runs:
            for i in range(len(r) - n + 1):
                g = tuple(r[i:i + n])
                if g[:-1] in prev and g[1:] in prev:
                    cn[g] += 1
        counts[n] = cn
    surface: dict[tuple, Counter] = defaultdict(Counter)
    # Witten-Bell / Kneser-Ney statistics of the train split, to predict how often an unseen bigram
    # would turn up in clean text: followers per word, predecessors per word
    n_tokens = sum(counts[1].values())
    followers: Counter = Counter()
    preceders: Counter = Counter()
    for (x, y) in counts[2]:
        followers[x] += 1
        preceders[y] += 1
    n_bigram_types = max(1, len(counts[2]))

    def unseen_rate(x: str, y: str) -> float:
        """Predicted share of clean-text bigram positions that are (x, y), for an unseen pair."""
        cx = counts[1].get(x, 0)
        if cx:
            px = cx / n_tokens
            lam = followers[x] / (cx + followers[x])
        else:
            px, lam = 10 ** (zipf(x) - 9), 0.5
        py = preceders[y] / n_bigram_types if preceders[y] else 10 ** (zipf(y) - 9)
        return px * lam * py

    idiom_keys = {tuple(k.split()) for k in sp._phrases_raw}  # the spinner's phrase entries (read-only)
    originals: dict[tuple, int] = {}
    for n in (2, 3, 4):
        for g, c in counts[n].items():
            if c < MIN_COUNT or not all(is_wordy(t) for t in g):
                continue
            if g not in idiom_keys and (g[0] in stop or g[-1] in stop):
                continue
            if not any(sp.substitutes(t) for t in g) and not any(
                    tuple(g[i:j]) in idiom_keys for i in range(n) for j in range(i + 2, n + 1)):
                continue
            originals[g] = c
    seeded = set()
    for item in SEEDED.replace("\n", "").split("|"):
        item = item.strip()
        if not item:
            continue
        g = tuple(norm_tok(t.text) for t in tokenize(item) if t.is_word)
        if len(g) >= 2:
            seeded.add(g)
            originals[g] = originals.get(g, counts.get(len(g), {}).get(g, 0)) + SEED_COUNT
            surface[g][item] += SEED_COUNT
    top = sorted(originals.items(), key=lambda x: -x[1])[:MAX_ORIGINALS]
    originals = dict(top)
    log(f"originals: {len(originals)} (seeded {len(seeded)})")
    # canonical casing: the most frequent surface form in the train split
    want = set(originals)
    maxn = max(len(g) for g in want)
    initial: dict[tuple, Counter] = defaultdict(Counter)  # forms at the start of a run (often a sentence)
    for r, s in runs:
        for i in range(len(r)):
            for n in range(2, min(maxn, len(r) - i) + 1):
                g = tuple(r[i:i + n])
                if g in want:
                    (surface if i else initial)[g][" ".join(s[i:i + n])] += 1
    for g, forms in initial.items():
        if not surface[g]:  # only ever seen run-initially: keep inner capitals, not the first one
            f = forms.most_common(1)[0][0]
            w0 = f.split(" ", 1)
            if len(w0) > 1 and w0[1] == w0[1].lower() and (w0[0][1:].islower() or len(w0[0]) == 1):
                w0[0] = w0[0].lower()
            surface[g][" ".join(w0)] += 1
    del runs

    # ---- 2. variants
    def subs(tok: str, k: int) -> list[str]:
        return [s for s in sp.substitutes(tok)[:k] if s.lower() != tok]

    variants: dict[tuple, list] = defaultdict(list)  # variant tokens -> [(orig, swaps)]
    for g in originals:
        n = len(g)
        # one word swapped
        for i, t in enumerate(g):
            for r, s in enumerate(subs(t, SUBS_PER_WORD)):
                variants[g[:i] + tuple(s.split()) + g[i + 1:]].append((g, ((i, i + 1, s, r),)))
        # two words swapped (top few each)
        for i in range(n):
            for j in range(i + 1, n):
                for r1, s1 in enumerate(subs(g[i], SUBS_DOUBLE)):
                    for r2, s2 in enumerate(subs(g[j], SUBS_DOUBLE)):
                        v = g[:i] + tuple(s1.split()) + g[i + 1:j] + tuple(s2.split()) + g[j + 1:]
                        variants[v].append((g, ((i, i + 1, s1, r1), (j, j + 1, s2, r2))))
        # a sub-phrase the spinner has an idiom for
        for i in range(n):
            for j in range(i + 2, n + 1):
                key = " ".join(g[i:j])
                for r, s in enumerate(sp.substitutes(key)[:SUBS_PER_WORD]):
                    if s.lower() != key:
                        variants[g[:i] + tuple(s.split()) + g[j:]].append((g, ((i, j, s, r),)))
    variants = {v: o for v, o in variants.items()
                if v not in originals and all(t.replace("-", "").replace("'", "").isalnum() for t in v)}
    log(f"variants: {len(variants)}")

    # ---- 3. absence from clean text
    new_bigrams: dict[tuple, list] = {}
    for v, olist in variants.items():
        g, swaps = olist[0]
        new_bigrams[v] = boundary_bigrams(g, swaps)
    need_bi = {b for bs in new_bigrams.values() for b in bs}
    need_bi.update(b for olist in variants.values() for g, sw in olist if len(sw) > 1 for b in partial_bigrams(g, sw))
    first_lens: dict[str, set[int]] = defaultdict(set)
    for v in variants:
        first_lens[v[0]].add(len(v))
    seen_var: set[tuple] = set()
    bi_count: Counter = Counter()
    uni: Counter = Counter()
    files = [os.path.join(args.splits, "train.jsonl")] if args.absent_from == "train" else [
        os.path.join(args.corpus, f) for f in sorted(os.listdir(args.corpus)) if f.endswith((".jsonl", ".jsonl.gz"))]
    for path in files:
        for d in iter_docs(path):
            for field in ("title", "text"):
                for r, _ in word_runs(d.get(field) or ""):
                    uni.update(r)
                    for i, t in enumerate(r):
                        if i + 1 < len(r) and (t, r[i + 1]) in need_bi:
                            bi_count[(t, r[i + 1])] += 1
                        ls = first_lens.get(t)
                        if ls:
                            for n in ls:
                                if i + n <= len(r):
                                    g = tuple(r[i:i + n])
                                    if g in variants:
                                        seen_var.add(g)
    log(f"absence scan over {len(files)} file(s): {len(seen_var)} variants occur in clean text")
    sym = load_bigrams_symspell()

    kept = []
    dropped = Counter()
    for v, olist in variants.items():
        if v in seen_var:
            dropped["in corpus"] += 1
            continue
        bs = new_bigrams[v]
        if not bs:
            dropped["no new bigram"] += 1
            continue
        if any(b in sym for b in bs):
            dropped["normal bigram (symspell)"] += 1
            continue
        if any(bi_count[b] for b in bs):
            dropped["bigram in corpus"] += 1
            continue
        # the variant can only occur where all its new bigrams do: its predicted clean-text rate per
        # 1,000 words is at most the rarest one's (smoothed) rate. That is the entry's expected
        # false-alarm rate if it is in fact ordinary English nobody happened to write in 4M words.
        risk = 1000.0 * min(unseen_rate(x, y) for x, y in bs)
        g0 = max(olist, key=lambda o: originals[o[0]])[0]
        canon0 = surface[g0].most_common(1)[0][0] if surface[g0] else " ".join(g0)
        limit = (args.max_risk_seed if g0 in seeded else
                 args.max_risk_name if all(w[:1].isupper() for w in canon0.split()) else args.max_risk)
        if risk > limit:
            dropped["could be ordinary English (smoothed rate)"] += 1
            continue
        # pick the most frequent original; evidence per original
        best = None
        tot = 0
        for g, swaps in olist:
            c = originals[g]
            tot += c
            e = c
            pick = 1.0  # how likely the spinner makes this variant: its substitutes come ranked
            for i, j, s, r in swaps:
                e *= min(1.0, 10 ** (zipf(s) - zipf(" ".join(g[i:j]))))
                pick /= 1.0 + r
            if best is None or c > best[1]:
                best = (g, c, e, swaps, pick)
        g, c, e, swaps, pick = best
        canon = surface[g].most_common(1)[0][0] if surface[g] else " ".join(g)
        name = all(w[:1].isupper() for w in canon.split())  # a fixed name: any swap inside is odd
        if e < (args.min_expected / 4 if name else args.min_expected):
            dropped["uninformative absence (E low)"] += 1
            continue
        share = c / tot
        conf = (0.75 + 0.2 * (1 - math.exp(-c / 30))) * share
        if partly_ordinary(g, swaps, lambda b: b in sym or bi_count[b] > 0):
            # "spokesperson mentioned" <- "spokesman said": "spokesperson said" is ordinary English,
            # so the entry may also undo a word that was never spun: report it, do not apply it
            conf = min(conf, 0.5)
            dropped["several swaps, one of them ordinary (reported only)"] += 1
        if conf < 0.3:
            dropped["ambiguous"] += 1
            continue
        ev = f"mined:{'seed+' if g in seeded else ''}n={c},E={e:.1f},risk={risk:.1e}"
        kept.append((conf * c * pick, conf, " ".join(v), canon, ev, risk))
    log("dropped: " + ", ".join(f"{k} {n}" for k, n in dropped.most_common()))
    # keep the variants a spinner would make most often from news: frequent originals, the
    # spinner's preferred substitutes, confident entries
    kept.sort(key=lambda x: (-x[0], x[2]))
    log(f"{len(kept)} variants pass the filters; keeping the {min(len(kept), args.cap)} most useful")
    kept = kept[: args.cap]
    log(f"predicted false alarms of the kept entries: {sum(k[-1] for k in kept):.4f} per 1,000 words")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write("spun\tcanonical\tsource\tconfidence\n")
        fh.write("# mined by scripts/data/mine_dictionary.py: phrases counted in the restore train split of the"
                 " shared news corpus (Reuters-21578, BBC News 2004-05, ABC rural/science 2006, US State of"
                 " the Union 1945-2006) plus a seeded list of modern names; variants from the restore"
                 " spinner's table (Moby Thesaurus II, MyThes, WordNet 3.0, tortured-phrase swaps);"
                 " filtered with wordfreq (CC BY-SA 4.0) and symspellpy's bigram list (MIT)."
                 f" absent-from={args.absent_from}\n")
        for _, conf, spun, canon, ev, _risk in sorted(kept, key=lambda x: x[2]):
            fh.write(f"{spun}\t{canon}\t{ev}\t{conf:.3f}\n")
    log(f"wrote {args.out}: {len(kept)} entries")
    return 0


def partial_bigrams(g: tuple, swaps) -> list[tuple[str, str]]:
    """Bigrams of a swapped word beside its neighbour's original: what undoing only the neighbour leaves."""
    out = []
    for i, j, s, _r in swaps:
        sw = [norm_tok(w) for w in s.split()]
        if sw and i > 0:
            out.append((norm_tok(g[i - 1]), sw[0]))
        if sw and j < len(g):
            out.append((sw[-1], norm_tok(g[j])))
    return out


def partly_ordinary(g: tuple, swaps, known) -> bool:
    """True if one of several swapped words, next to an original neighbour, makes a normal bigram."""
    return len(swaps) > 1 and any(known(b) for b in partial_bigrams(g, swaps))


def boundary_bigrams(g: tuple, swaps) -> list[tuple[str, str]]:
    """Bigrams of the variant that touch a swapped word, are not inside one substitute and are new."""
    toks: list[tuple[str, int]] = []  # (token, id of the substitute it belongs to or -1)
    pos = 0
    for k, (i, j, s, _r) in enumerate(sorted(swaps)):
        toks += [(t, -1) for t in g[pos:i]]
        toks += [(t, k) for t in s.split()]
        pos = j
    toks += [(t, -1) for t in g[pos:]]
    orig_bi = set(zip(g, g[1:]))
    out = []
    for (a, ka), (b, kb) in zip(toks, toks[1:]):
        if ka == kb:
            continue  # two unchanged words, or inside one substitute
        if (a, b) not in orig_bi:
            out.append((a, b))
    return out


if __name__ == "__main__":
    sys.exit(main())
