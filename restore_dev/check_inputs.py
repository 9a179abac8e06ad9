"""The inputs of the behaviour checks (``scripts/eval/unchanged.py``, ``scripts/eval/idempotence.py``):
the shared samples, every row of ``../shared/data/real/*.jsonl`` and N spun documents of the test
split (the corpus's test side in its hash order, cut to 400 words, spun with the mixture preset,
seed 5), each as ``{"id", "text"}``. Nothing of ``../shared`` is copied into the project."""
from __future__ import annotations

import json
import os
import random
from pathlib import Path

SHARED = Path(os.environ.get("RESTORE_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
REAL_FIELDS = {"pairs.jsonl": "spun", "spun_pages.jsonl": "text", "clean_news.jsonl": "text"}
SETS = ("samples", "real", "test")


def test_docs(n: int) -> list[dict]:
    """``n`` spun documents of the test split (deterministic)."""
    from restore_dev.gold_sets import doc_seed, truncate_paragraphs
    from restore_dev.spin import Spinner
    from restore_dev.splits import make_splits, read_corpus

    spinner, out = Spinner(None), []
    for r in make_splits(read_corpus(str(SHARED / "data" / "corpus")))["test"]:
        text = truncate_paragraphs(r["text"], 400)
        if not text.strip():
            continue
        spun = spinner.spin(text, "mixture", random.Random(doc_seed(5, r["id"], 0))).spun
        out.append({"id": f"test/{r['id']}", "text": spun})
        if len(out) >= n:
            break
    return out


def inputs(sets: tuple[str, ...], n_test: int) -> list[dict]:
    recs: list[dict] = []
    if "samples" in sets:
        for p in sorted((SHARED / "samples").glob("*.txt")):
            recs.append({"id": f"samples/{p.name}", "text": p.read_text(encoding="utf-8")})
    if "real" in sets:
        for name, field in REAL_FIELDS.items():
            with open(SHARED / "data" / "real" / name, encoding="utf-8") as f:
                recs += [{"id": f"real/{r['id']}", "text": r[field]} for r in map(json.loads, filter(str.strip, f))]
    if "test" in sets:
        recs += test_docs(n_test)
    return recs
