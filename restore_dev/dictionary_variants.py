"""Variants of the built-in dictionaries for evaluation runs (scripts/eval/eval_restore.py,
eval_quality.py): extra packaged dictionaries among the built-ins, and the tortured-phrase
dictionary without the phrases of the gold set being scored (so that a restorer must generalise).

Both change restore.fix.dictionary for this process only and clear its lexicon cache.
"""
from __future__ import annotations


def insert_builtins(extra: list[str]) -> None:
    """Put restore/data/NAME.tsv for each NAME of ``extra`` among the built-in dictionaries, right
    after "news" (the first of them when "news" is not built in); a name already built in moves there."""
    from restore.fix import dictionary as lexmod

    if extra:
        base = [b for b in lexmod.BUILTIN if b not in extra]
        at = base.index("news") + 1 if "news" in base else 0
        lexmod.BUILTIN = tuple(base[:at] + extra + base[at:])
    lexmod.load_lexicon.cache_clear()


def exclude_tortured_phrases(gold: list[dict]) -> None:
    """Drop the gold records' tortured phrases from the built-in ``tortured`` dictionary (for this
    process), so that a restorer must generalise to them; callers clear the lexicon cache."""
    from restore.fix import dictionary as lexmod
    from restore.text.tokenize import split_phrase

    drop = {split_phrase(g["phrase"]) for g in gold if g.get("phrase")}
    orig_text = lexmod.builtin_text

    def builtin_text(name: str, _orig=orig_text) -> str:
        text = _orig(name)
        if name != "tortured":
            return text
        keep = [ln for ln in text.splitlines()
                if ln.startswith("#") or not ln.strip() or split_phrase(ln.split("\t")[0]) not in drop]
        return "\n".join(keep) + "\n"

    lexmod.builtin_text = builtin_text
    lexmod.load_lexicon.cache_clear()


class tortured_without:
    """A context in which the built-in ``tortured`` dictionary lacks some entries: those whose spun
    side (``by="spun"``) or expected side (``by="expected"``) is one of ``phrases``, hyphens and case
    folded. The lexicon cache is cleared on the way in and out."""

    def __init__(self, phrases, by: str = "spun"):
        self.col = 0 if by == "spun" else 1
        self.drop = {_fold(p) for p in phrases}

    def __enter__(self):
        from restore.fix import dictionary as lexmod

        self._orig = orig = lexmod.builtin_text
        col, drop = self.col, self.drop

        def builtin_text(name: str) -> str:
            text = orig(name)
            if name != "tortured":
                return text
            keep = [ln for ln in text.splitlines()
                    if ln.startswith("#") or not ln.strip() or len(ln.split("\t")) <= col
                    or _fold(ln.split("\t")[col]) not in drop]
            return "\n".join(keep) + "\n"

        lexmod.builtin_text = builtin_text
        lexmod.load_lexicon.cache_clear()
        return self

    def __exit__(self, *exc):
        from restore.fix import dictionary as lexmod

        lexmod.builtin_text = self._orig
        lexmod.load_lexicon.cache_clear()
        return False


def _fold(s: str) -> str:
    return " ".join(s.lower().replace("-", " ").split())
