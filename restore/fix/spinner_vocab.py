"""Real spinners' vocabulary: how sure a wording is spun, from what real spinners write.

A real spinner applies a fixed database to every page it spins: its head words almost vanish from
its pages and its own wordings surge ("12 months" for "year", "buying and selling" for "trading",
"inventory" for "stock"). ``restore/data/spinner_vocab.tsv`` lists such wordings, mined from real
spun pages (``scripts/data/build_spinner_vocab.py``), each with ``rho``: how many times more often
it occurs there than in clean English. At most one in ``rho`` of its occurrences in a spun page can
be a writer's own words, so in a document the detector calls spun it is spun with probability at
least ``1 - 1/rho``: far surer than the detector, which learned synthetic spinners, is of fluent
real substitutions ("firms", "inventory").

The restorer still chooses the wording: its own calibrated confidence (fitted on spans known to be
spun: the probability that its wording is right given that the span is spun) times ``1 - 1/rho``
is the edit's confidence when that is higher than the pipeline's (``vocab_confidence``); a listed
wording the restorer was not asked about (the detector did not flag it) is asked about too, with
the table's originals among the candidates (``restore.fix.restorer.Restorer.vocab_edits``).

Pure Python and lazy: the table is read on the first call.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from restore.data import shipped_text

TABLE = "spinner_vocab.tsv"
CAP = 0.95  # an edit's confidence from the table at most
FLOOR = 0.5  # the restorer's own confidence a wording it was not asked about needs to be proposed
MIN_RHO = 20.0  # wordings this much more frequent in real spun pages than in clean text
ORIGINALS = 5  # the table's first originals of a wording, scored as candidates
_WORD = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
_TEXT_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019\-][A-Za-z0-9]+)*")


def _joined(text: str, ws) -> bool:
    """The words follow each other with only spaces between them (no punctuation, no line break)."""
    return all(text[a[1]:b[0]] == " " for a, b in zip(ws, ws[1:]))


def words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower().replace("\u2019", "'")))


@dataclass(frozen=True)
class Vocabulary:
    """``entries``: wording (lower-case words) -> (its originals, the channel's order; rho);
    ``page``: the wordings among them that one page's own statistics put there
    (``restore.fix.fillers``), for which the page, not the model, says that they are spun."""

    entries: dict
    signature: str
    page: frozenset = frozenset()

    def rho_of(self, span: str) -> float | None:
        """The highest ``rho`` of a listed wording (at least ``MIN_RHO``) made of whole words of
        ``span``, or None."""
        ws = words(span)
        best = None
        for i in range(len(ws)):
            for n in range(1, min(3, len(ws) - i) + 1):
                got = self.entries.get(ws[i:i + n])
                if got is not None and got[1] >= MIN_RHO and (best is None or got[1] > best):
                    best = got[1]
        return best

    def occurrences(self, text: str, max_words: int = 3, outside: Sequence[tuple[int, int]] | None = None
                    ) -> list[tuple[int, int, tuple[str, ...], float]]:
        """Each listed wording in ``text`` (rho at least ``MIN_RHO``; the longest at each word, left
        to right, not overlapping): (start, end, its first ``ORIGINALS`` originals, rho). With
        ``outside`` (character ranges), only those the pipeline may act on: touching none of the
        ranges, and with no digit (a wording with a number is never read)."""
        ws = [(m.start(), m.end(), m.group().lower().replace("\u2019", "'")) for m in _TEXT_WORD.finditer(text)]
        out, i = [], 0
        while i < len(ws):
            for n in range(min(max_words, len(ws) - i), 0, -1):
                got = self.entries.get(tuple(w for _a, _b, w in ws[i:i + n]))
                if got is not None and got[1] >= MIN_RHO and _joined(text, ws[i:i + n]):
                    out.append((ws[i][0], ws[i + n - 1][1], tuple(" ".join(o) for o in got[0][:ORIGINALS]), got[1]))
                    i += n
                    break
            else:
                i += 1
        if outside is not None:
            out = [o for o in out if not any(x < o[1] and o[0] < y for x, y in outside)
                   and not any(c.isdigit() for c in text[o[0]:o[1]])]
        return out


def parse(text: str, name: str = "spinner_vocab") -> Vocabulary:
    entries = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        spun, originals, _count, _sites, rho = line.split("\t")
        entries[words(spun)] = (tuple(words(o) for o in originals.split("|")), float(rho))
    return Vocabulary(entries, f"{name}@{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}")


@lru_cache(maxsize=1)
def load() -> Vocabulary | None:
    """The shipped table, read once; None without one."""
    text = shipped_text(TABLE)
    return None if text is None else parse(text)


def with_entries(vocab: Vocabulary | None, entries: dict) -> Vocabulary | None:
    """``vocab`` with more entries (one page's own: ``restore.fix.fillers.page_entries``); a wording
    in both keeps the higher ``rho``. The signature stays the table's: the entries are a function of
    the page and of tables the run signature names."""
    if not entries:
        return vocab
    merged = dict(vocab.entries) if vocab is not None else {}
    for k, v in entries.items():
        if k not in merged or v[1] > merged[k][1]:
            merged[k] = v
    return Vocabulary(merged, vocab.signature if vocab is not None else "", frozenset(entries))


def is_page_wording(vocab: Vocabulary, span: str) -> bool:
    """Whether ``span`` is one of the wordings ``vocab`` holds for its page alone (``with_entries``)."""
    return words(span) in vocab.page


def vocab_confidence(conf: float, own: float, rho: float) -> float:
    """An edit's confidence with the table's say: ``conf`` (the pipeline's), or the restorer's own
    confidence ``own`` times ``1 - 1/rho`` (at most ``CAP``) when that is higher."""
    return round(max(conf, min(CAP, own * (1.0 - 1.0 / rho))), 4)
