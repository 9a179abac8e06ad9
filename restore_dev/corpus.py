"""Count how often given phrases occur in a clean corpus (shared helper for the dictionary builders)."""
from __future__ import annotations

import gzip
import json
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
