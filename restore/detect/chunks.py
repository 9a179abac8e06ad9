"""The detector's input: a text cut into sentences, sentences packed into chunks of at most
``MAX_LEN`` wordpieces, each wordpiece with its word's case class as its token type (the model is
uncased: "Innovative Guards" must look different from "innovative guards"). Shared with training.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from restore.text.tokenize import Token, sentences

MAX_LEN = 128          # wordpieces per chunk, [CLS] and [SEP] included
MAX_PIECES_PER_WORD = 16
CASE_TYPES = 4


def case_class(word: str) -> int:
    """0 lower-case, 1 Capitalised, 2 ALL CAPS (two letters or more), 3 no letters."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return 3
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return 2
    return 1 if letters[0].isupper() else 0


@dataclass
class Chunk:
    """One model input: wordpiece ids, their case types, and for each word its first piece."""

    ids: list[int]
    types: list[int]
    words: list[int]      # indices (into the caller's token list) of the words in this chunk
    first: list[int]      # position of each word's first wordpiece in ``ids`` (-1: no wordpiece)


def word_pieces(tok, words: Sequence[str]) -> list[list[int]]:
    """Wordpiece ids of each word (possibly empty, e.g. for a zero-width space)."""
    if not words:
        return []
    enc = tok.encode(list(words), is_pretokenized=True, add_special_tokens=False)
    out: list[list[int]] = [[] for _ in words]
    for pid, wid in zip(enc.ids, enc.word_ids):
        if wid is not None and len(out[wid]) < MAX_PIECES_PER_WORD:
            out[wid].append(pid)
    return out


def pack(tok, sents: Sequence[Sequence[int]], words: Sequence[str], max_len: int = MAX_LEN,
         cls_id: int = 101, sep_id: int = 102) -> list[Chunk]:
    """Pack sentences (lists of word indices into ``words``) into chunks of <= max_len wordpieces.

    Whole sentences go together while they fit; a sentence longer than a chunk is cut at word
    boundaries. Every word of every sentence lands in exactly one chunk.
    """
    flat = [i for s in sents for i in s]
    pieces_all = word_pieces(tok, [words[i] for i in flat])
    pieces = dict(zip(flat, pieces_all))
    budget = max_len - 2
    chunks: list[Chunk] = []
    cur: list[int] = []
    cur_len = 0

    def flush() -> None:
        nonlocal cur, cur_len
        if cur:
            ids, types, first = [cls_id], [0], []
            for i in cur:
                p = pieces[i]
                first.append(len(ids) if p else -1)
                ids.extend(p)
                types.extend([case_class(words[i])] * len(p))
            ids.append(sep_id)
            types.append(0)
            chunks.append(Chunk(ids, types, list(cur), first))
        cur, cur_len = [], 0

    for s in sents:
        n = sum(len(pieces[i]) for i in s)
        if cur and cur_len + n > budget:
            flush()
        if n <= budget:
            cur.extend(s)
            cur_len += n
            continue
        for i in s:  # a sentence longer than a chunk: cut it at word boundaries
            k = len(pieces[i])
            if cur and cur_len + k > budget:
                flush()
            cur.append(i)
            cur_len += k
        flush()
    flush()
    return chunks


def sentence_groups(text: str, tokens: Sequence[Token]) -> list[list[int]]:
    """Indices of ``tokens`` grouped by sentence (a token outside every sentence is its own group)."""
    keys: list[int] = []
    groups: list[list[int]] = []
    spans = sentences(text)
    j = 0
    for i, t in enumerate(tokens):
        while j < len(spans) and spans[j][1] <= t.start:
            j += 1
        key = j if j < len(spans) and spans[j][0] <= t.start < spans[j][1] else -1 - i
        if keys and keys[-1] == key:
            groups[-1].append(i)
        else:
            keys.append(key)
            groups.append([i])
    return groups


def load_tokenizer(path: str | Path):
    """The WordPiece tokenizer with its built-in padding/truncation switched off."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(path) / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok
