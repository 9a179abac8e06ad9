"""Out-of-domain evaluation sets: clean English the models never saw, spun the way the in-domain
sets are (scripts/data/make_ood_sets.py says what each source and set is).

Sources: ``pydoc`` (prose paragraphs of Python's reference documentation, ``pydoc_data.topics``)
and ``lee`` (the Lee corpus: one news article a line of ``lee_background.cor`` and ``lee.cor``).
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

from restore.io.write import atomic_write
from restore_dev.gold_sets import spin_file

MIN_WORDS = 40
# spin_file's seed for each gold set; a clean share of 1.0 spins nothing
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
        spin_file(str(src), str(out / f"{name}_{set_name}.jsonl"), preset, seed, clean_share=clean_share)


def write_sets(out: Path, lee: Path | None = None, max_docs: int | None = None) -> None:
    """Each source as ``SOURCE.jsonl`` and ``SOURCE_long.jsonl`` ({id, text, source}) under ``out``,
    spun into the gold sets of SETS and LONG_SETS; ``max_docs``: the first N documents of each source."""
    sources = {"pydoc": pydoc_docs()}
    if lee:
        sources["lee"] = lee_docs(lee)
    sources = {name: docs[:max_docs] for name, docs in sources.items()}
    out.mkdir(parents=True, exist_ok=True)
    for name, docs in sources.items():
        for src_name, src_docs, sets in ((name, docs, SETS), (f"{name}_long", long_docs(docs, name), LONG_SETS)):
            src = out / f"{src_name}.jsonl"
            atomic_write(src, "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in src_docs))
            spin_sets(src, out, name, sets)
