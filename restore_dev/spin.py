"""A synthetic article spinner: makes spun text (with exact gold edits) for training and testing.

It imitates blind thesaurus substitution as real spinners do it: context-blind word and phrase
swaps at a preset share of content words ("capital" -> "funds", "White House" -> "White
Dwelling"), function-word idioms ("may" -> "may possibly", "last week" -> "very last 7 days"),
word -> phrase expansions ("video" -> "video clip"), re-inflected substitutes ("tries" ->
"attempts"), and the case pattern of the replaced word kept. Numbers, URLs, e-mail addresses and
<ticker> markup are never touched, and everything outside the edits is byte-identical.

Pure Python: the substitutions come from a compiled table (restore_dev/data/spin_table.json.gz,
built by scripts/data/build_spin_table.py), read once per Spinner.

Offsets are half-open code-point offsets: ``spun[e.spun_start:e.spun_end]`` replaced
``original[e.orig_start:e.orig_end]``.
"""
from __future__ import annotations

import bisect
import functools
import gzip
import json
import os
import random
import re
from dataclasses import dataclass

__all__ = ["PRESETS", "SpinPreset", "SpinEdit", "SpinResult", "Spinner", "spin_text",
           "apply_spin_edits", "invert_spin_edits", "DEFAULT_TABLE"]

DEFAULT_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "spin_table.json.gz")


@dataclass(frozen=True)
class SpinPreset:
    """How hard to spin.

    rate: target share of content words (non-function words) replaced.
    skip_sentence: probability that a sentence is left untouched entirely.
    idiom_factor: how often function-word idioms fire, relative to content-word swaps.
    phrase_factor: how often a multi-word original (a phrase entry) is swapped, relative to words.
    """
    name: str
    rate: float
    skip_sentence: float = 0.1
    idiom_factor: float = 0.6
    phrase_factor: float = 1.0
    jitter: float = 0.2          # per-document rate multiplier drawn from [1-jitter, 1+jitter]


PRESETS: dict[str, SpinPreset] = {
    "light": SpinPreset("light", rate=0.10, skip_sentence=0.30, idiom_factor=0.5),
    "medium": SpinPreset("medium", rate=0.25, skip_sentence=0.12, idiom_factor=0.6),
    "heavy": SpinPreset("heavy", rate=0.40, skip_sentence=0.04, idiom_factor=0.7),
    # "mixture" draws one of the three per document (half the time) or per paragraph
    "mixture": SpinPreset("mixture", rate=0.25, skip_sentence=0.12),
}
_LEVELS = ("light", "medium", "heavy")


@dataclass(frozen=True)
class SpinEdit:
    spun_start: int
    spun_end: int
    orig_start: int
    orig_end: int

    def as_list(self) -> list[int]:
        return [self.spun_start, self.spun_end, self.orig_start, self.orig_end]


@dataclass(frozen=True)
class SpinResult:
    original: str
    spun: str
    preset: str
    edits: tuple[SpinEdit, ...]

    def to_dict(self) -> dict:
        return {"spun": self.spun, "original": self.original, "preset": self.preset,
                "edits": [e.as_list() for e in self.edits]}


def apply_spin_edits(original: str, spun: str, edits) -> str:
    """Rebuild the spun text from the original plus the edits (the spun pieces come from `spun`)."""
    out, pos = [], 0
    for e in edits:
        out.append(original[pos:e.orig_start])
        out.append(spun[e.spun_start:e.spun_end])
        pos = e.orig_end
    out.append(original[pos:])
    return "".join(out)


def invert_spin_edits(original: str, spun: str, edits) -> str:
    """Rebuild the original from the spun text plus the edits."""
    out, pos = [], 0
    for e in edits:
        out.append(spun[pos:e.spun_start])
        out.append(original[e.orig_start:e.orig_end])
        pos = e.spun_end
    out.append(spun[pos:])
    return "".join(out)


# Protected material first (never touched), then words. A token containing a digit is protected
# whole ("22year-old", "$1.13bn", "3D").
_TOKEN = re.compile(
    r"(?P<p>(?:https?://|ftp://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|<[^<>\n]{0,80}>"
    r"|[@#]\w+"
    r"|[^\s\d]*\d\S*)"
    r"|(?P<w>[A-Za-z]+(?:['\u2019][A-Za-z]+)?)"
)
_SENT_END = re.compile(r"[.!?]['\"\u201d\u2019)]*\s|\n")


@functools.lru_cache(maxsize=4)
def _load_table(path: str) -> dict:
    """Read a compiled table once per process (Spinners built on the same file share it)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


class Spinner:
    """Loads the compiled table once; `spin` is then pure dictionary work (>20k words/s)."""

    def __init__(self, table_path: str | os.PathLike | None = None):
        path = os.fspath(table_path) if table_path is not None else DEFAULT_TABLE
        table = _load_table(os.path.abspath(path))
        self._vocab: list[str] = table["vocab"]
        self._words_raw: dict[str, list] = table["words"]
        self._phrases_raw: dict[str, list] = table["phrases"]
        self.stop: frozenset[str] = frozenset(table["stop"])
        self._cache: dict[str, tuple[tuple[str, ...], list[float]] | None] = {}
        self.max_phrase = max((k.count(" ") + 1 for k in self._phrases_raw), default=1)
        self._phrase_pairs = frozenset(" ".join(k.split(" ")[:2]) for k in self._phrases_raw)

    # -- table access -------------------------------------------------------------------
    def _entry(self, key: str, raw: dict, cache_key: str | None = None):
        """(substitutes, cumulative weights) for `key` in `raw`, or None; parsed once."""
        cache_key = key if cache_key is None else cache_key
        ent = self._cache.get(cache_key, False)
        if ent is False:
            rows = raw.get(key)
            if rows:
                subs = tuple(self._vocab[i] for i, _ in rows)
                cum, acc = [], 0.0
                for _, w in rows:
                    acc += w
                    cum.append(acc)
                ent = (subs, cum)
            else:
                ent = None
            self._cache[cache_key] = ent
        return ent

    def substitutes(self, word: str) -> tuple[str, ...]:
        """The substitutes the spinner may put for `word` (lower case; for inspection/tests)."""
        key = word.lower()
        ent = (self._entry(key, self._words_raw) if " " not in key
               else self._entry(key, self._phrases_raw, "p:" + key))
        return ent[0] if ent else ()

    def _draw(self, ent, rng: random.Random, avoid: str) -> str | None:
        subs, cum = ent
        for _ in range(3):
            s = subs[bisect.bisect_right(cum, rng.random() * cum[-1])] if len(subs) > 1 else subs[0]
            if s != avoid:
                return s
        return None

    # -- tokens -------------------------------------------------------------------------
    def _tokens(self, text: str):
        """Word tokens with sentence and paragraph numbers.

        Each token is (start, end, lower, is_content); lower is "" for protected material
        (numbers, URLs, e-mails, <markup>, contractions), which is never spun and breaks phrases.
        A possessive's "'s" is left outside the token.
        """
        toks: list[tuple[int, int, str, bool]] = []
        sent_of: list[int] = []
        para_of: list[int] = []
        sent = para = 0
        prev_end = 0
        stop = self.stop
        for m in _TOKEN.finditer(text):
            s, e = m.span()
            gap = text[prev_end:s]
            if gap:
                if gap.count("\n") >= 2:
                    para += 1
                    sent += 1
                elif _SENT_END.search(gap + " "):
                    sent += 1
            prev_end = e
            w = m.group("w")
            low = ""
            if w is not None:
                if "'" in w or "\u2019" in w:
                    stem, _, suf = w.replace("\u2019", "'").partition("'")
                    if suf.lower() == "s":
                        e = s + len(stem)
                        low = stem.lower()
                else:
                    low = w.lower()
            toks.append((s, e, low, bool(low) and low not in stop and len(low) > 1))
            sent_of.append(sent)
            para_of.append(para)
        return toks, sent_of, para_of

    def content_spans(self, text: str) -> list[tuple[int, int]]:
        """Offsets of the content words of `text` (what the presets' rates are shares of)."""
        return [(s, e) for s, e, _low, c in self._tokens(text)[0] if c]

    # -- spinning -----------------------------------------------------------------------
    def spin(self, text: str, preset: str = "medium", seed: int | random.Random = 0) -> SpinResult:
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose from {sorted(PRESETS)}")
        rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        if not text:
            return SpinResult(text, text, preset, ())

        toks, sent_of, para_of = self._tokens(text)
        if not toks:
            return SpinResult(text, text, preset, ())

        # spin probabilities: the preset's rate is a share of content words, so scale it by the
        # share of content words the table can spin (coverage) and by the untouched sentences
        n_content = sum(1 for t in toks if t[3])
        words_raw = self._words_raw
        n_elig = sum(1 for t in toks if t[3] and t[2] in words_raw)
        coverage = max(0.3, n_elig / n_content) if n_content else 1.0

        def probs(p: SpinPreset, mult: float) -> tuple[float, float, float, float]:
            r = p.rate * mult
            pw = min(0.97, r / ((1.0 - p.skip_sentence) * coverage))
            return p.skip_sentence, pw, min(0.97, pw * p.idiom_factor), min(0.97, pw * p.phrase_factor)

        if preset == "mixture":
            if rng.random() < 0.5:
                lv = PRESETS[rng.choice(_LEVELS)]
                mult = 1.0 + lv.jitter * (2 * rng.random() - 1)
                para_probs = None
                doc_probs = probs(lv, mult)
            else:
                n_para = para_of[-1] + 1
                para_probs = []
                for _ in range(n_para):
                    lv = PRESETS[rng.choice(_LEVELS)]
                    para_probs.append(probs(lv, 1.0 + lv.jitter * (2 * rng.random() - 1)))
                doc_probs = None
        else:
            p = PRESETS[preset]
            doc_probs = probs(p, 1.0 + p.jitter * (2 * rng.random() - 1))
            para_probs = None

        # walk the tokens, replacing as drawn
        n_sent = sent_of[-1] + 1
        skip_draw = [rng.random() for _ in range(n_sent)]
        out: list[str] = []
        edits: list[SpinEdit] = []
        pos = 0            # next unconsumed original offset
        delta = 0          # len(spun so far) - len(original so far)

        def emit(s: int, e: int, sub: str) -> None:
            nonlocal pos, delta
            sub = spinner_case(text[s:e], sub)
            out.append(text[pos:s])
            out.append(sub)
            edits.append(SpinEdit(s + delta, s + delta + len(sub), s, e))
            delta += len(sub) - (e - s)
            pos = e
        phr_raw = self._phrases_raw
        phrase_pairs = self._phrase_pairs
        max_phrase = self.max_phrase
        i, n = 0, len(toks)
        while i < n:
            s, e, low, content = toks[i]
            if not low:
                i += 1
                continue
            pr = doc_probs if para_probs is None else para_probs[para_of[i]]
            if skip_draw[sent_of[i]] < pr[0]:
                i += 1
                continue
            # phrase entries (multi-token originals), longest first
            done = False
            if (i + 1 < n and f"{low} {toks[i + 1][2]}" in phrase_pairs
                    and text[e:toks[i + 1][0]] == " "):
                for k in range(min(max_phrase, n - i), 1, -1):
                    j = i + k
                    if any(not toks[t][2] or text[toks[t - 1][1]:toks[t][0]] != " " for t in range(i + 1, j)):
                        continue
                    key = " ".join(toks[t][2] for t in range(i, j))
                    if key in phr_raw:
                        if rng.random() < pr[3]:
                            sub = self._draw(self._entry(key, phr_raw, "p:" + key), rng, key)
                            if sub is not None:
                                emit(s, toks[j - 1][1], sub)
                                i = j
                                done = True
                        break
            if done:
                continue
            if low in words_raw and rng.random() < (pr[1] if content else pr[2]):
                ent = self._entry(low, words_raw)
                sub = self._draw(ent, rng, low) if ent else None
                if sub is not None:
                    emit(s, e, sub)
            i += 1
        if not edits:
            return SpinResult(text, text, preset, ())
        out.append(text[pos:])
        return SpinResult(text, "".join(out), preset, tuple(edits))


def spinner_case(orig: str, sub: str) -> str:
    """Carry the case pattern of `orig` over to `sub` (UPPER, Title, lower) as a spinner does: a
    one-word Title source capitalises only the first word of its substitute ("Baker" -> "Bread
    maker"). Not ``restore.text.casing.transfer_case`` on purpose: that one restores a name's case
    ("Bread Maker"); they differ on 2% of substitutions (428 of 20,783 on 400 dev documents), and
    using it here would change every synthetic training and evaluation set."""
    if len(orig) > 1 and orig.isupper():
        return sub.upper()
    if orig[:1].isupper():
        words = orig.split(" ")
        if len(words) > 1 and all(w[:1].isupper() for w in words):
            return " ".join(w[:1].upper() + w[1:] for w in sub.split(" "))
        return sub[:1].upper() + sub[1:]
    return sub


@functools.lru_cache(maxsize=4)
def _spinner(table_path: str | None = None) -> Spinner:
    return Spinner(table_path)


def spin_text(text: str, preset: str = "medium", seed: int | random.Random = 0) -> SpinResult:
    """Spin `text` with a cached default Spinner."""
    return _spinner().spin(text, preset, seed)
