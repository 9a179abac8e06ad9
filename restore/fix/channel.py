"""The spinner's inverse channel: for a spun word or short phrase, the originals it could come from.

    >>> from restore.fix.channel import candidates
    >>> candidates("dwelling", k=3)          # doctest: +SKIP
    [('house', 0.17...), ('home', 0.09...), ('living', 0.08...)]

The table (``restore/data/channel.tsv.gz``, built by ``scripts/data/build_channel.py`` from inverted
Moby, MyThes, WordNet, the spinner's hand-written idioms and substitutions mined from real spinner
output) is read lazily, once, on first use. Weights are a normalised score (they sum to at most
1 over a key's candidates), best first. Pure Python; nothing here needs the build dependencies.
"""
from __future__ import annotations

import gzip
import threading
from importlib import resources
from typing import Sequence

from restore.fix import ngrams

TABLE = "channel.tsv.gz"

_lock = threading.Lock()
_table: dict[str, str] | None = None  # spun -> the raw candidate field, parsed on demand
_parsed: dict[str, tuple[tuple[str, float], ...]] = {}


def _load() -> dict[str, str]:
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = read_table(resources.files("restore.data").joinpath(TABLE).read_bytes())
    return _table


def read_table(raw: bytes) -> dict[str, str]:
    """A channel table's gzip bytes (what ``scripts/data/build_channel.py`` writes): spun key -> its
    raw candidate field, parsed on demand."""
    t: dict[str, str] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, rest = line.partition("\t")
        if rest:
            t[key] = rest
    return t


def _norm(spun: str) -> str:
    return " ".join(spun.strip().lower().replace("’", "'").split())


def _parse(field: str) -> tuple[tuple[str, float], ...]:
    out = []
    for item in field.split("|"):
        orig, _, w = item.rpartition(":")
        if orig:
            out.append((orig, float(w)))
    out.sort(key=lambda x: -x[1])
    return tuple(out)


KEEP = 0.5  # weight of "this word was left alone" when composing a phrase word by word


def _compose(key: str, per_word: int = 6, limit: int = 30) -> tuple[tuple[str, float], ...]:
    """Unknown phrase ("actual-time", "profound learning"): undo a swap in one or two of its words."""
    sep = "-" if "-" in key and " " not in key else " "
    parts = key.split(sep)
    if not 2 <= len(parts) <= 4:
        return ()
    table = _load()
    options = []
    for w in parts:
        f = table.get(w)
        alts = [(w, KEEP)] + [(o, p) for o, p in (_parse(f)[:per_word] if f else ()) if o != w]
        options.append(alts)
    combos: list[tuple[list[str], float, int]] = [([], 1.0, 0)]  # (words so far, weight, words undone)
    for i, alts in enumerate(options):
        nxt = []
        for ws, p, n in combos:
            for o, q in alts:
                m = n + (o != parts[i])
                if m <= 2:
                    nxt.append((ws + [o], p * q, m))
        nxt.sort(key=lambda c: -c[1])
        combos = nxt[: limit * 4]
    out = [(sep.join(ws), p) for ws, p, n in combos if n >= 1][:limit]
    tot = sum(p for _, p in out) or 1.0
    return tuple((o, p / tot) for o, p in out)


def candidates(spun: str, k: int | None = None) -> list[tuple[str, float]]:
    """The originals a spinner could have turned into ``spun`` (1-3 words), best first.

    Returns ``[(original, weight), ...]`` (at most ``k``), or ``[]`` for an unknown word. A phrase
    the table does not list is composed from its words' candidates (one or two words undone).
    """
    key = _norm(spun)
    if not key:
        return []
    got = _parsed.get(key)
    if got is None:
        field = _load().get(key)
        if field is None and "-" in key:
            field = _load().get(key.replace("-", " "))
        got = _parse(field) if field else _compose(key)
        _parsed[key] = got
    return list(got if k is None else got[: max(0, k)])


def known(spun: str) -> bool:
    """Whether the table has candidates for ``spun``."""
    return _norm(spun) in _load()


def known_whole(word: str) -> bool:
    """Whether the table lists a hyphenated ``word`` whole, hyphenated or spaced, as
    :func:`candidates` looks it up ("get-up-and-go", "open-end"): then it is a spinner's own word."""
    return known(word) or known(word.replace("-", " "))


KEPT_WEIGHT = 0.3  # chosen on dev_mixture (0.2 / 0.3 / 0.4): detection token F1 0.834 -> 0.843 (session 23, README)
KEPT_RATIO = 2.0  # chosen on dev_mixture (1.5 / 2 / 3 / 4 / 6): 0.850 -> 0.852 (session 24)


def kept_words(words: Sequence[str], min_weight: float = KEPT_WEIGHT, max_words: int = 5,
               min_ratio: float = KEPT_RATIO) -> set[int]:
    """Which of ``words`` (adjacent words that all look spun) a spinner's edit left as they were.

    The run is cut into the table's phrases, longest first; where a phrase's most likely original
    (weight >= ``min_weight``, or ``min_ratio`` times the next one's) begins or ends with the same
    words as the phrase, those words are the original's, not the spinner's: "police officer" (most
    likely "officer") keeps 1, "a lot more than" ("more than") keeps 2 and 3, "drop by" ("come by")
    keeps 1, "calendar year" ("year" 0.20, then "civil year" 0.05) keeps 1; "break away" keeps
    nothing ("break" 0.25, then "secede" 0.21), and never every word of a phrase. Case counts: in
    "Calendar year" for "Year" the spinner moved the capital to its own word, so "year" changed too.
    ``restore detect`` reports only the other words as spun."""
    kept: set[int] = set()
    low = [_norm(w) for w in words]
    i = 0
    while i < len(low):
        step = 1
        for n in range(min(max_words, len(low) - i), 1, -1):
            phrase = " ".join(low[i:i + n])
            if not known(phrase):
                continue
            step = n
            best = candidates(phrase, 2)
            if best and (best[0][1] >= min_weight or len(best) < 2 or best[0][1] >= min_ratio * best[1][1]):
                orig, seg = best[0][0].lower().split(), low[i:i + n]
                m = min(len(orig), n)
                a = 0
                while a < m and orig[a] == seg[a]:
                    a += 1
                b = 0
                while b < m - a and orig[-1 - b] == seg[-1 - b]:
                    b += 1
                if a + b < n:
                    kept.update(range(i, i + a))
                    # "Calendar year" for "Year": the spinner wrote the original's capital on its own
                    # first word, so the kept word's case changed and it is not the original's
                    if not (a == 0 and b == len(orig) and words[i][:1].isupper() and not words[i + n - b][:1].isupper()):
                        kept.update(range(i + n - b, i + n))
            break
        i += step
    return kept


SWAP_GAIN = 2.0  # chosen on dev_mixture with SWAP_MARGIN: detection token F1 0.843 -> 0.847 (session 23)
SWAP_MARGIN = 0.5


def swapped_part(first: str, second: str, min_gain: float = SWAP_GAIN, margin: float = SWAP_MARGIN) -> int | None:
    """Of the two words of a hyphenated word that looks spun ("year-stop"), the one the spinner
    swapped (0 or 1), or None when English usage does not tell: putting one of a word's candidate
    originals back must make the pair much more usual (``restore.fix.ngrams`` bigram counts: "year end"
    is common, "year stop" is not, so 1) by at least ``min_gain`` (log counts), and by ``margin``
    more than the other word's best. A hyphenated word the table lists as a whole is left alone."""
    a, b = _norm(first), _norm(second)
    if not a or not b or known_whole(f"{a}-{b}"):
        return None

    def pair(x: str, y: str) -> float:
        return ngrams.bigram_fit([y], x, None)

    base = pair(a, b)
    gains = [max((pair(c, b) for c, _ in candidates(a, 10) if c.isalpha()), default=0.0) - base,
             max((pair(a, c) for c, _ in candidates(b, 10) if c.isalpha()), default=0.0) - base]
    for k in (0, 1):
        if gains[k] >= min_gain and gains[1 - k] < gains[k] - margin:
            return k
    return None


def size() -> int:
    """Number of spun keys in the table."""
    return len(_load())
