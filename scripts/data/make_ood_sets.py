#!/usr/bin/env python3
"""Out-of-domain evaluation sets: clean English the models never saw, spun the way the in-domain
sets are, to measure how detection and restoration generalize beyond the training corpus.

    python3 scripts/make_ood_sets.py --out data/eval/ood [--lee DIR]

Two sources, each written as ``SOURCE.jsonl`` ({id, text, source}) and spun into gold sets with
scripts/spin.py (the shared scorer's format):

- ``pydoc``: paragraphs of 40 or more words of plain prose from Python's reference documentation
  (``pydoc_data.topics``, shipped with every CPython): technical English, far from news.
- ``lee`` (with ``--lee``): the Lee corpus (Lee, Pincombe and Welsh 2005): 350 Australian news
  articles from 2001 (``lee_background.cor``, ``lee.cor``), a news source absent from the shared
  corpus. It ships inside gensim's wheel; nothing here downloads it:

      pip download gensim==4.4.0 --no-deps -d /tmp/gensim
      unzip -j /tmp/gensim/gensim-4.4.0-*.whl 'gensim/test/test_data/lee*.cor' -d ../lee

Gold sets per source: ``SOURCE_clean`` (all clean: false alarms and damage), ``SOURCE_clean_mixed``
(mixture preset, 40% left clean: document AUROC), ``SOURCE_mixture`` and ``SOURCE_light``. Then
``SOURCE_long.jsonl``: LONG_DOCS long texts, each 4 to 12 random documents of the source joined
by blank lines (1,000-2,500 words for Lee), spun into ``SOURCE_long_light`` and
``SOURCE_long_mixture`` with half of them left clean: the document score on texts longer than
most of what calibration saw.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from spin import main as spin_main  # noqa: E402  (scripts/spin.py, which puts the repo on the path)

from restore.io.write import atomic_write  # noqa: E402

MIN_WORDS = 40
# spin.py --seed for each gold set; a clean share of 1.0 spins nothing
SETS = (("clean", "mixture", 1.0, 401), ("clean_mixed", "mixture", 0.4, 402),
        ("mixture", "mixture", 0.0, 403), ("light", "light", 0.0, 404))
LONG_SETS = (("long_light", "light", 0.5, 405), ("long_mixture", "mixture", 0.5, 406))
LONG_DOCS, LONG_PARTS, LONG_SEED = 100, (4, 12), 407


def prose(paragraph: str) -> str | None:
    """The paragraph on one line if it is plain prose of MIN_WORDS words or more (no code, markup or
    tables), else None."""
    p = " ".join(paragraph.split())
    if len(p.split()) < MIN_WORDS or re.search(r"[{}=<>\[\]|`#]|\*\*|>>>|::|https?:", p):
        return None
    letters = sum(c.isalpha() or c in " ,.;:'\"()-" for c in p)
    return p if letters / len(p) >= 0.95 else None


def pydoc_docs() -> list[dict]:
    from pydoc_data.topics import topics

    docs = []
    for key in sorted(topics):
        for j, para in enumerate(re.split(r"\n\s*\n", topics[key])):
            p = prose(para)
            if p:
                docs.append({"id": f"pydoc:{key}:{j}", "text": p, "source": "pydoc"})
    return docs


def lee_docs(lee_dir: Path) -> list[dict]:
    """One document a line of ``lee_background.cor`` and ``lee.cor`` (latin-1: lee.cor has a pound
    sign that is not UTF-8)."""
    docs = []
    for name in ("lee_background.cor", "lee.cor"):
        path = lee_dir / name
        if not path.is_file():
            raise SystemExit(f"make_ood_sets: {path} not found (see --help for where the Lee corpus is)")
        for i, line in enumerate(path.read_text(encoding="latin-1").splitlines()):
            if len(line.split()) >= MIN_WORDS:
                docs.append({"id": f"lee:{name}:{i}", "text": " ".join(line.split()), "source": "lee"})
    return docs


def long_docs(docs: list[dict], name: str) -> list[dict]:
    """LONG_DOCS texts of LONG_PARTS random documents of ``docs`` each, joined by blank lines."""
    rng = random.Random(LONG_SEED)
    out = []
    for i in range(LONG_DOCS):
        parts = rng.sample(docs, min(rng.randint(*LONG_PARTS), len(docs)))
        out.append({"id": f"{name}:long:{i}", "text": "\n\n".join(d["text"] for d in parts), "source": name})
    return out


def spin_sets(src: Path, out: Path, name: str, sets) -> None:
    for set_name, preset, clean_share, seed in sets:
        spin_main(["--input", str(src), "--out", str(out / f"{name}_{set_name}.jsonl"), "--preset", preset,
                   "--seed", str(seed), "--clean-share", str(clean_share)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("data/eval/ood"))
    ap.add_argument("--lee", type=Path, default=None, help="a directory holding lee_background.cor and lee.cor")
    ap.add_argument("--max-docs", type=int, default=None, help="the first N documents of each source only")
    args = ap.parse_args(argv)

    sources = {"pydoc": pydoc_docs()}
    if args.lee:
        sources["lee"] = lee_docs(args.lee)
    sources = {name: docs[:args.max_docs] for name, docs in sources.items()}
    args.out.mkdir(parents=True, exist_ok=True)
    for name, docs in sources.items():
        for src_name, src_docs, sets in ((name, docs, SETS), (f"{name}_long", long_docs(docs, name), LONG_SETS)):
            src = args.out / f"{src_name}.jsonl"
            atomic_write(src, "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in src_docs))
            spin_sets(src, args.out, name, sets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
