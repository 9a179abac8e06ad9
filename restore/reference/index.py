"""The reference archive: an embedded index of source articles (SQLite, no server).

An index is a directory::

    refs.idx/
      index.json          format, version, shards, documents, words, a change counter
      shard-000.sqlite    documents whose id hashes to shard 0 (crc32(id) % shards)
      ...

Each shard is one SQLite database with three tables: ``docs`` (rowid, id, sha256, words, the text
zlib-compressed), ``terms``, an FTS5 full-text table (contentless, ``detail=none``: document
lists only, no positions) over each document's *retrieval terms* (its words lower-cased and
without accents, numbers kept whole: "25.49" is one term, function words left out), and ``df``,
each term's document count, kept as documents are added (FTS5's own vocabulary table counts by
walking the term's whole document list, which grows with the archive). A page is matched by its rarest terms
in the archive (document frequency from a table kept at build time), which are the spinner's
*immutables*: names, numbers, rare words that a spinner leaves alone and that translation keeps
(DSpin, Zhang et al. 2014). The candidates are then aligned with the page
(``restore.reference.align``), which decides.

Shards let the build run in parallel (one writer process per shard, ``jobs``) and keep each
database small; matching asks every shard and merges. Past one machine, shard ``s`` of ``n`` is
built from the documents whose id hashes to ``s`` on whichever machine owns it (docs/design.md).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sqlite3
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from restore.errors import ReferenceIndexError
from restore.reference.align import FUNCTION_WORDS, TERM

FORMAT = "restore-reference-index"
VERSION = 2
_META = "index.json"

QUERY_TERMS = 24  # a page's rarest terms that retrieval asks for
MAX_DF_SHARE, MAX_DF_FLOOR = 0.01, 100  # ... each held by at most this share of documents (or this many)
BATCH = 256  # documents per transaction (and per message to a writer process)


def index_terms(text: str) -> list[str]:
    """The distinct retrieval terms of ``text``, in order of first appearance."""
    seen: dict[str, None] = {}
    for m in TERM.finditer(text):  # "%" is too short to be one
        t = m.group()
        if t[0].isdigit():
            t = "n" + t.replace(",", "").rstrip(".").replace(".", "d")
        else:
            t = t.lower()
            if not t.isascii():  # "Pérez" is "perez", as FTS5's tokenizer folds it
                t = "".join(ch for ch in unicodedata.normalize("NFKD", t) if not unicodedata.combining(ch))
            if len(t) < 2 or t in FUNCTION_WORDS:
                continue
        seen.setdefault(t, None)
    return list(seen)


def shard_of(doc_id: str, shards: int) -> int:
    return zlib.crc32(doc_id.encode("utf-8")) % shards


_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL,
                                 words INTEGER NOT NULL, text BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS terms USING fts5(body, content='', detail=none,
                                                    tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS df (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
"""


def _connect(path: Path, write: bool = False) -> sqlite3.Connection:
    if not write and not path.exists():
        raise ReferenceIndexError(f"{path}: shard missing from the index")
    uri = f"file:{path}?mode={'rwc' if write else 'ro'}"
    con = sqlite3.connect(uri, uri=True, check_same_thread=False)
    if write:
        con.executescript(_SCHEMA)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
    return con


def _count_words(text: str) -> int:
    return sum(1 for _ in re.finditer(r"\w+", text))


def _write_shard(path: Path, docs: Iterable[tuple[str, str]]) -> tuple[int, int, int]:
    """Add ``docs`` to one shard; returns (added, already there, words added)."""
    con = _connect(path, write=True)
    added = dup = words = 0
    try:
        batch: list[tuple[str, str]] = []

        def flush() -> None:
            nonlocal added, dup, words
            counts: Counter = Counter()
            with con:
                for doc_id, text in batch:
                    n = _count_words(text)
                    cur = con.execute("INSERT OR IGNORE INTO docs(id, sha256, words, text) VALUES (?, ?, ?, ?)",
                                      (doc_id, hashlib.sha256(text.encode("utf-8")).hexdigest(), n,
                                       zlib.compress(text.encode("utf-8"), 6)))
                    if cur.rowcount == 0:
                        dup += 1
                        continue
                    found = index_terms(text)
                    con.execute("INSERT INTO terms(rowid, body) VALUES (?, ?)", (cur.lastrowid, " ".join(found)))
                    counts.update(found)
                    added += 1
                    words += n
                con.executemany("INSERT INTO df(term, n) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET n = n + excluded.n",
                                counts.items())
            batch.clear()

        for d in docs:
            batch.append(d)
            if len(batch) >= BATCH:
                flush()
        flush()
    finally:
        con.close()
    return added, dup, words


def _checked(doc_id: object, text: object) -> tuple[str, str]:
    """``(doc_id, text)`` when both are strings of valid Unicode, else a ReferenceIndexError naming it."""
    if not isinstance(doc_id, str) or not isinstance(text, str):
        raise ReferenceIndexError(f"document {doc_id!r}: the id and the text must be strings "
                                  f"(got {type(doc_id).__name__}, {type(text).__name__})")
    try:
        text.encode("utf-8")
        doc_id.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ReferenceIndexError(f"document {doc_id!r}: not valid Unicode text ({exc.reason} at {exc.start})") from None
    return doc_id, text


@dataclass(frozen=True)
class AddReport:
    """What ``ReferenceIndex.add`` did: documents added, documents whose id was already there
    (left as they were), words added."""

    added: int
    duplicates: int
    words: int


@dataclass(frozen=True)
class Candidate:
    id: str
    votes: float  # the rare terms it shares with the page, weighted by their idf
    shard: int
    rowid: int


class ReferenceIndex:
    """An index directory (see the module's docstring). Open one with ``ReferenceIndex.open`` or
    make one with ``ReferenceIndex.create``; ``add`` grows it, ``candidates`` and ``get`` read it."""

    def __init__(self, path: str | os.PathLike, meta: dict):
        self.path = Path(path)
        self.meta = meta
        self._cons: dict[int, sqlite3.Connection] = {}

    # -- life cycle
    @classmethod
    def create(cls, path: str | os.PathLike, shards: int = 1) -> "ReferenceIndex":
        p = Path(path)
        if shards < 1:
            raise ReferenceIndexError(f"{p}: shards must be at least 1, got {shards}")
        if (p / _META).exists():
            raise ReferenceIndexError(f"{p}: an index is already there", hint="grow it with `restore index add`")
        if p.exists() and (not p.is_dir() or any(p.iterdir())):
            raise ReferenceIndexError(f"{p}: exists and is not an empty directory")
        p.mkdir(parents=True, exist_ok=True)
        meta = {"format": FORMAT, "version": VERSION, "shards": shards, "documents": 0, "words": 0, "changes": 0}
        idx = cls(p, meta)
        for s in range(shards):
            _connect(idx._shard_path(s), write=True).close()
        idx._save_meta()
        return idx

    @classmethod
    def open(cls, path: str | os.PathLike) -> "ReferenceIndex":
        p = Path(path)
        try:
            meta = json.loads((p / _META).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ReferenceIndexError(f"{p}: not a reference index (no {_META})",
                              hint="make one with `restore index build`") from None
        except (OSError, ValueError) as exc:
            raise ReferenceIndexError(f"{p / _META}: cannot be read ({exc})") from None
        if meta.get("format") != FORMAT or meta.get("version") != VERSION:
            raise ReferenceIndexError(f"{p}: not a reference index of this version "
                              f"(format {meta.get('format')!r} version {meta.get('version')!r})")
        return cls(p, meta)

    def close(self) -> None:
        for con in self._cons.values():
            con.close()
        self._cons.clear()

    def __enter__(self) -> "ReferenceIndex":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- facts
    @property
    def shards(self) -> int:
        return int(self.meta["shards"])

    def __len__(self) -> int:
        return int(self.meta["documents"])

    @property
    def words(self) -> int:
        return int(self.meta["words"])

    @property
    def signature(self) -> str:
        """``refs@<8 hex>``: changes whenever the index does (documents added), so a record says
        which archive it was restored against."""
        key = json.dumps({k: self.meta[k] for k in ("shards", "documents", "words", "changes")}, sort_keys=True)
        return f"refs@{hashlib.sha256((self.meta.get('uid', '') + key).encode()).hexdigest()[:8]}"

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())

    # -- writing
    def add(self, docs: Iterable[tuple[str, str]], jobs: int = 1) -> AddReport:
        """Add ``(id, text)`` pairs; an id already in the index is left as it was (counted in
        ``duplicates``). ``jobs`` > 1 writes the shards in that many processes."""
        self.close()
        docs = (_checked(doc_id, text) for doc_id, text in docs)
        try:
            if jobs <= 1 or self.shards == 1:
                routed: list[list[tuple[str, str]]] = [[] for _ in range(self.shards)]
                res = [0, 0, 0]
                for doc_id, text in docs:
                    routed[shard_of(doc_id, self.shards)].append((doc_id, text))
                    if sum(map(len, routed)) >= BATCH * self.shards:
                        res = self._flush(routed, res)
                res = self._flush(routed, res)
            else:
                res = self._add_parallel(docs, jobs)
        finally:  # index.json says what the shards hold, even after a failure part of the way
            self._recount()
            self.meta["changes"] = int(self.meta.get("changes", 0)) + 1
            self._save_meta()
        return AddReport(res[0], res[1], res[2])

    def _flush(self, routed: list[list[tuple[str, str]]], res: list[int]) -> list[int]:
        for s, batch in enumerate(routed):
            if batch:
                a, d, w = _write_shard(self._shard_path(s), batch)
                res = [res[0] + a, res[1] + d, res[2] + w]
                batch.clear()
        return res

    def _add_parallel(self, docs: Iterable[tuple[str, str]], jobs: int) -> list[int]:
        import multiprocessing as mp

        ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context("spawn")
        jobs = min(jobs, self.shards)
        queues = [ctx.Queue(maxsize=8) for _ in range(self.shards)]
        results = ctx.Queue()
        owners = [[s for s in range(self.shards) if s % jobs == w] for w in range(jobs)]
        procs = [ctx.Process(target=_shard_worker, args=([str(self._shard_path(s)) for s in own],
                                                          [queues[s] for s in own], results), daemon=True)
                 for own in owners]
        for p in procs:
            p.start()
        pending: list[list[tuple[str, str]]] = [[] for _ in range(self.shards)]
        failed: BaseException | None = None
        try:
            for doc_id, text in docs:
                s = shard_of(doc_id, self.shards)
                pending[s].append((doc_id, text))
                if len(pending[s]) >= BATCH:
                    queues[s].put(pending[s])
                    pending[s] = []
        except BaseException as exc:  # the writers still finish what they were given, then we re-raise
            failed = exc
        for s, batch in enumerate(pending):
            if batch and failed is None:
                queues[s].put(batch)
            queues[s].put(None)
        got = [results.get() for _ in procs]
        for p in procs:
            p.join()
        if failed is not None:
            raise failed
        errors = [g for g in got if isinstance(g, str)]
        if errors:
            raise ReferenceIndexError(f"{self.path}: a writer failed: {errors[0]}")
        return [sum(g[i] for g in got) for i in range(3)]

    def _recount(self) -> None:
        """Documents and words from the shards themselves (right even after an interrupted add)."""
        docs = words = 0
        for s in range(self.shards):
            con = _connect(self._shard_path(s))
            try:
                n, w = con.execute("SELECT count(*), coalesce(sum(words), 0) FROM docs").fetchone()
            finally:
                con.close()
            docs, words = docs + n, words + w
        self.meta["documents"], self.meta["words"] = docs, words

    def _save_meta(self) -> None:
        if "uid" not in self.meta:
            self.meta["uid"] = os.urandom(8).hex()
        tmp = self.path / f".{_META}.tmp"
        tmp.write_text(json.dumps(self.meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.path / _META)

    # -- reading
    def _shard_path(self, s: int) -> Path:
        return self.path / f"shard-{s:03d}.sqlite"

    def _con(self, s: int) -> sqlite3.Connection:
        if s not in self._cons:
            self._cons[s] = _connect(self._shard_path(s))
        return self._cons[s]

    def document_frequency(self, terms: list[str]) -> dict[str, int]:
        """How many documents hold each term (0 for a term no document holds)."""
        df = dict.fromkeys(terms, 0)
        for s in range(self.shards):
            con = self._con(s)
            for k in range(0, len(terms), 500):
                chunk = terms[k:k + 500]
                q = f"SELECT term, n FROM df WHERE term IN ({','.join('?' * len(chunk))})"
                for term, n in con.execute(q, chunk):
                    df[term] = df.get(term, 0) + n
        return df

    def candidates(self, text: str, k: int = 5) -> list[Candidate]:
        """The ``k`` documents that share most of ``text``'s rarest terms: each of the page's
        ``QUERY_TERMS`` rarest terms (held by at most ``max_df`` documents) votes for the documents
        that hold it with its inverse document frequency."""
        terms = index_terms(text)
        n_docs = len(self)
        if not terms or not n_docs:
            return []
        df = self.document_frequency(terms)
        cap = max(MAX_DF_FLOOR, int(n_docs * MAX_DF_SHARE))
        rare = sorted((n, t) for t, n in df.items() if 0 < n <= cap)[:QUERY_TERMS]
        votes: dict[tuple[int, int], float] = {}
        for n, t in rare:
            w = math.log((n_docs + 1) / n)
            for s in range(self.shards):
                for (rowid,) in self._con(s).execute("SELECT rowid FROM terms WHERE terms MATCH ?", (f'"{t}"',)):
                    votes[s, rowid] = votes.get((s, rowid), 0.0) + w
        best = sorted(votes.items(), key=lambda kv: -kv[1])[:k]
        out = []
        for (s, rowid), v in best:
            (doc_id,) = self._con(s).execute("SELECT id FROM docs WHERE rowid = ?", (rowid,)).fetchone()
            out.append(Candidate(doc_id, round(v, 4), s, rowid))
        return out

    def text_of(self, c: Candidate) -> str:
        (blob,) = self._con(c.shard).execute("SELECT text FROM docs WHERE rowid = ?", (c.rowid,)).fetchone()
        return zlib.decompress(blob).decode("utf-8")

    def get(self, doc_id: str) -> str | None:
        """The text of the document ``doc_id``, or None."""
        row = self._con(shard_of(doc_id, self.shards)).execute("SELECT text FROM docs WHERE id = ?",
                                                                (doc_id,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None


def _shard_worker(paths: list[str], queues: list, results) -> None:  # pragma: no cover - child process
    """Write the shards ``paths`` from their queues (one batch at a time, round robin)."""
    try:
        import threading

        totals = [0, 0, 0]
        lock = threading.Lock()

        errors: list[str] = []

        def run(path: str, q) -> None:
            def docs() -> Iterator[tuple[str, str]]:
                while (batch := q.get()) is not None:
                    yield from batch

            try:
                got = _write_shard(Path(path), docs())
            except Exception as exc:  # noqa: BLE001 - reported; the queue is drained so the parent never blocks
                errors.append(f"{Path(path).name}: {type(exc).__name__}: {exc}")
                while q.get() is not None:
                    pass
                return
            with lock:
                for i in range(3):
                    totals[i] += got[i]

        threads = [threading.Thread(target=run, args=(p, q)) for p, q in zip(paths, queues)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        results.put(errors[0] if errors else tuple(totals))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises
        results.put(f"{type(exc).__name__}: {exc}")
