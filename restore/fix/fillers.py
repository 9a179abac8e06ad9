"""Filler expansions: a page that writes "as well as" where clean news writes "and".

Phrase spinners swap function words for longer wordings: "as well as" or "and also" for "and", "or
even" for "or", "due to the fact that" for "because". Any one of them is ordinary English, so
neither the detector (trained on synthetic spinners) nor a list can call it spun where it stands.
A page can: a spinner applies its database to every occurrence it picks, so on its pages the
expansions crowd out their head word, at a rate clean text never shows. ``restore/data/fillers.tsv``
(``scripts/data/build_fillers.py``) lists such expansions with how often clean news writes each
for every time it writes its head word ("as well as": 0.0085 per "and", in the shared corpus).

For one page, per head word: ``n`` occurrences of the head and its expansions, ``k`` of them
expansions; under clean English ``k`` is binomial with the clean rate. The page is filler-spun when
the heads' tail probabilities together are under ``ALPHA`` and it has at least ``MIN_EXPANSIONS``
expansions. Then the expansions of each head word written at least ``MIN_PER_HEAD`` times, whose
own tail probability is at most ``HEAD_ALPHA``, on a page that the other head words alone also show
filler-spun (a writer may repeat one word, "inside the yard" three times, but not crowd out many),
become wordings of the page's own vocabulary
(``page_entries``) with ``rho``, how many times more often the page writes them than clean text
would: the spinner's share of the head's places (its expansions less those clean text would have
written, over the head and its expansions) over the expansion's clean share. So the page, not the model, says that such a wording is spun (at least ``1 - 1/rho``);
the restorer says which original it was ("together with" may be "with" or "including";
``restore.fix.restorer.Restorer.vocab_edits``).

Pure Python; the table is read once, on first use, and only for texts the detector calls spun.
"""
from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from typing import NamedTuple

from restore.data import shipped_text

TABLE = "fillers.tsv"
ALPHA = 1e-4  # the page's heads' tail probabilities together, under clean English, at most this
MIN_EXPANSIONS = 3  # and at least this many expansions on the page
MIN_PER_HEAD = 2  # a head word's expansions are the page's wordings when it has at least this many
HEAD_ALPHA = 1e-3  # and its own tail probability is at most this


class Filler(NamedTuple):
    expansion: tuple[str, ...]  # lower-case words ("as", "well", "as")
    head: tuple[str, ...]  # ("and",)
    ratio: float  # clean news: occurrences of the expansion per occurrence of the head


class Fillers(NamedTuple):
    rows: tuple[Filler, ...]
    signature: str


_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")


def words(text: str) -> tuple[str, ...]:
    return tuple(w.lower().replace("\u2019", "'") for w in _WORD.findall(text))


def parse(text: str, name: str = "fillers") -> Fillers:
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("expansion\t"):
            continue
        expansion, head, _e, _h, ratio = line.split("\t")
        rows.append(Filler(words(expansion), words(head), float(ratio)))
    return Fillers(tuple(rows), f"{name}@{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}")


@lru_cache(maxsize=1)
def load() -> Fillers | None:
    """The shipped table, read once; None without one."""
    text = shipped_text(TABLE)
    return None if text is None else parse(text)


def _positions(ws: list[str], at: dict[str, list[int]], phrase: tuple[str, ...]) -> list[int]:
    """Where ``phrase`` starts in ``ws`` (``at``: each word's positions)."""
    n = len(phrase)
    return [i for i in at.get(phrase[0], ()) if tuple(ws[i:i + n]) == phrase]


def log_tail(k: int, n: int, q: float) -> float:
    """log P(X >= k) for X ~ Binomial(n, q)."""
    if k <= 0:
        return 0.0
    if q <= 0.0:
        return -math.inf
    terms = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * math.log(q)
             + (n - i) * math.log1p(-q) for i in range(k, n + 1)]
    top = max(terms)
    return top + math.log(sum(math.exp(t - top) for t in terms))


class PageReading(NamedTuple):
    """What ``read_page`` found: per head word (n, k, clean share q, its log tail probability), the
    log tail probability of all of them (``log_p``), whether the page is filler-spun, and the
    ``rho`` of each expansion the page's wordings take."""
    heads: dict
    log_p: float
    spun: bool
    rho: dict


def read_page(text: str, table: Fillers | None = None) -> PageReading:
    table = table if table is not None else load()
    if table is None:
        return PageReading({}, 0.0, False, {})
    ws = list(words(text))
    at: dict[str, list[int]] = {}
    for i, w in enumerate(ws):
        at.setdefault(w, []).append(i)
    by_head: dict[tuple[str, ...], list[Filler]] = {}
    for f in table.rows:
        by_head.setdefault(f.head, []).append(f)
    heads, log_p, total, expected, seen = {}, 0.0, 0, 0.0, 0
    for head, fs in by_head.items():
        inside: set[int] = set()
        k = 0
        for f in fs:
            for i in _positions(ws, at, f.expansion):
                if not inside.intersection(range(i, i + len(f.expansion))):
                    inside.update(range(i, i + len(f.expansion)))
                    k += 1
        if not k:
            continue
        bare = sum(1 for i in _positions(ws, at, head) if not inside.intersection(range(i, i + len(head))))
        r = sum(f.ratio for f in fs)
        q = r / (1.0 + r)
        n = bare + k
        heads[head] = (n, k, q, log_tail(k, n, q))
        log_p += heads[head][3]
        total += k
        expected += q * n
        seen += n
    spun = total >= MIN_EXPANSIONS and log_p <= math.log(ALPHA)
    rho: dict = {}
    if spun:
        for head, (n, k, q, own) in heads.items():
            if k < MIN_PER_HEAD:  # one "or even" on a filler-spun page may still be the writer's
                continue
            if log_p - own > math.log(ALPHA):  # the rest of the page alone must say filler-spun:
                continue  # a writer may repeat one word ("inside the yard" three times), not many
            if own > math.log(HEAD_ALPHA):  # and the head word's own count must be unusual too: a
                continue  # science story may write "and also" twice among eleven "and"s
            share = max(k - q * n, 0.0) / n  # of this head's places, the spinner's share
            for f in by_head[head]:
                clean = f.ratio / (1.0 + f.ratio)
                rho[f.expansion] = max(rho.get(f.expansion, 0.0), share / clean if clean > 0 else math.inf)
    return PageReading(heads, log_p, spun, rho)


def page_entries(text: str, table: Fillers | None = None) -> dict:
    """For a filler-spun page: ``spinner_vocab.Vocabulary`` entries (expansion words -> (its heads,
    rho)); an expansion with several heads in the table ("along with": "and", "with") lists them
    all, the commonest first. Empty for any other page."""
    table = table if table is not None else load()
    t = read_page(text, table)
    if not t.spun:
        return {}
    heads: dict[tuple[str, ...], list[tuple[float, tuple[str, ...]]]] = {}
    for f in table.rows:  # type: ignore[union-attr]
        if f.expansion in t.rho:
            heads.setdefault(f.expansion, []).append((f.ratio, f.head))
    return {e: (tuple(h for _, h in sorted(hs)), t.rho[e]) for e, hs in heads.items()}
