"""The shared scorer (``../shared/eval/score.py`` beside the checkout) run as a subprocess.

Every evaluation script (scripts/eval/) reports its figures through this one call, so that they
compare across changes. ``--scorer PATH`` (``add_argument``) points at another copy; a user's
clone without ``../shared`` gets a clear message instead of a traceback.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout (restore_dev/ lies in it)
DEFAULT = ROOT.parent / "shared" / "eval" / "score.py"


def add_argument(ap) -> None:
    ap.add_argument("--scorer", default=str(DEFAULT), help=f"the shared scorer (default {DEFAULT})")


def module(path: str | Path = DEFAULT):
    """The shared scorer imported as a module (its own functions: ``score_restore``,
    ``score_detect``, ``words``, ``edits``), for scripts that score many subsets in one process."""
    import importlib.util

    if not available(path):
        raise SystemExit(f"the shared scorer is not at {path}: pass --scorer PATH")
    spec = importlib.util.spec_from_file_location("shared_score", str(path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def available(path: str | Path = DEFAULT) -> bool:
    return Path(path).is_file()


def score(kind: str, gold: str | Path, system: str | Path, scorer: str | Path = DEFAULT) -> dict:
    """``score.py KIND GOLD SYSTEM --json`` (kind: restore or detect) as a dict."""
    if not available(scorer):
        raise SystemExit(f"the shared scorer is not at {scorer}: pass --scorer PATH")
    p = subprocess.run([sys.executable, str(scorer), kind, str(gold), str(system), "--json"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{scorer} {kind} {gold} {system} failed:\n{p.stderr.strip()}")
    return json.loads(p.stdout)


def select(gold_path: str | Path, rows: list[dict], offset: int, limit: int | None,
           copy_to: str | Path) -> tuple[list[dict], str]:
    """The gold ``rows[offset:offset + limit]`` and the path of a gold file with exactly those
    records for the scorer: ``gold_path`` itself when that is all of them, else a copy written to
    ``copy_to`` (beside the system file, so that the run can be scored again)."""
    picked = rows[max(0, offset):]
    if limit:
        picked = picked[:limit]
    if len(picked) == len(rows):
        return picked, str(gold_path)
    with open(copy_to, "w", encoding="utf-8") as fh:
        for g in picked:
            fh.write(json.dumps(g, ensure_ascii=False) + "\n")
    return picked, str(copy_to)
