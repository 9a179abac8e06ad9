"""Clean English as evidence: the texts of a clean corpus, how often given phrases occur in them,
web bigram counts, and a sample of its paragraphs.

Used by the dictionary builders (scripts/data/build_news_lexicon.py, build_tortured_lexicon.py,
corpus_ngrams.py), scripts/eval/clean_paragraphs.py and tests/test_clean_corpus.py.
"""
from __future__ import annotations

import gzip
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from restore.text.tokenize import split_phrase, tokenize


def iter_corpus_texts(corpus: str | Path) -> Iterator[str]:
    """Texts of every document in ``corpus`` (a directory of .jsonl/.jsonl.gz files, or one file)."""
    p = Path(corpus)
    files = sorted(p.glob("*.jsonl*")) if p.is_dir() else [p]
    for f in files:
        opener = gzip.open if f.suffix == ".gz" else open
        with opener(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)["text"]


def count_phrases(phrases: Iterable[str], texts: Iterable[str]) -> Counter:
    """Occurrences of each phrase (lower-cased token sequence, on word boundaries) in ``texts``."""
    keys = {split_phrase(p): p for p in phrases}
    keys.pop((), None)
    maxlen: dict[str, int] = {}
    for k in keys:
        maxlen[k[0]] = max(maxlen.get(k[0], 0), len(k))
    counts: Counter = Counter()
    for text in texts:
        low = [t.text.lower().replace("’", "'") for t in tokenize(text)]
        for i, w in enumerate(low):
            m = maxlen.get(w)
            if not m:
                continue
            for n in range(1, m + 1):
                k = tuple(low[i:i + n])
                if len(k) == n and k in keys:
                    counts[keys[k]] += 1
    return counts


def bigram_counts() -> dict[str, int]:
    """symspellpy's web bigram counts ("a b" -> count); empty, with a warning, without symspellpy."""
    try:
        from importlib import resources

        path = resources.files("symspellpy").joinpath("frequency_bigramdictionary_en_243_342.txt")
        out = {}
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                a, b, c = line.split()
                out[f"{a} {b}"] = int(c)
        return out
    except Exception as exc:  # symspellpy not installed: only the corpus decides
        print(f"warning: no bigram counts ({exc})", file=sys.stderr)
        return {}


def sample_paragraphs(corpus: Path, n: int, seed: int, min_words: int = 12) -> list[str]:
    """``n`` paragraphs (``min_words`` words or more) drawn from every 7th document of each file."""
    paras: list[str] = []
    for f in sorted(Path(corpus).glob("*.jsonl.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i % 7 == 0:  # a spread over each file, cheaply
                    paras += [p for p in json.loads(line)["text"].split("\n\n") if len(p.split()) >= min_words]
    if len(paras) < n:
        raise SystemExit(f"clean_paragraphs: {corpus} has {len(paras)} paragraphs, fewer than --n {n}")
    return random.Random(seed).sample(paras, n)
