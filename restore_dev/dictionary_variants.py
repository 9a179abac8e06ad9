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


class channel_without:
    """A context in which the inverse channel (``restore.fix.channel``) no longer knows the runs of
    two or more words that only the given tortured pairs taught it.

    ``scripts/data/build_channel.py`` mines substitutions from the train part of the tortured list
    (``align_pair``: "savvy cell" -> "smart" of "savvy cell phones" -> "smart phones", and short pairs
    whole: "degree of displacement" -> "shift"). Composing phrase by phrase (``restore.fix.terms``)
    looks such runs up whole, so a record whose phrase is taken out of the list would still find
    its own pair in the channel. Here every (run, original) that ``align_pair`` gets from one of
    ``pairs`` (``(tortured, expected)``) and from no other train pair of ``tortured_path`` is taken
    out of the channel's table; single words stay as they are (they were mined the same way before
    runs were looked up whole; the figures name the records whose expected wording the channel
    never saw). The channel's and the term index's caches are cleared on the way in and out."""

    _support: dict = {}  # tortured list path -> its support map

    def __init__(self, pairs, tortured_path: str | None = None):
        self.pairs = {(_fold(t), _fold(e)) for t, e in pairs}
        self.path = tortured_path

    @classmethod
    def support(cls, path: str | None = None) -> dict:
        """(run, original) -> the train pairs ``align_pair`` gets it from (runs of 2+ words only)."""
        if path not in cls._support:
            import importlib.util
            from pathlib import Path

            root = Path(__file__).resolve().parent.parent
            spec = importlib.util.spec_from_file_location("build_channel", root / "scripts" / "data" / "build_channel.py")
            bc = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(bc)  # type: ignore[union-attr]
            out: dict = {}
            for tort, exp, _n in bc.read_tortured(path or bc.DEFAULT_TORTURED):
                if bc.split_of(exp) != "train":
                    continue
                for _kind, s, o in bc.align_pair(tort, exp):
                    if " " in s.strip() and s != o:
                        out.setdefault((_fold(s), _fold(o)), set()).add((_fold(tort), _fold(exp)))
            cls._support[path] = out
        return cls._support[path]

    def __enter__(self):
        from restore.fix import channel, terms

        masked: dict[str, set[str]] = {}
        for (s, o), who in self.support(self.path).items():
            if who <= self.pairs:
                masked.setdefault(s, set()).add(o)
        table = channel._load()
        self._saved = {}
        for key, origs in masked.items():
            for k in (key, key.replace(" ", "-")):
                field = table.get(k)
                if field is None:
                    continue
                self._saved[k] = field
                keep = [item for item in field.split("|") if _fold(item.rpartition(":")[0]) not in origs]
                if keep:
                    table[k] = "|".join(keep)
                else:
                    del table[k]
        self._clear(channel, terms)
        return self

    def __exit__(self, *exc):
        from restore.fix import channel, terms

        table = channel._load()
        table.update(self._saved)
        self._clear(channel, terms)
        return False

    @staticmethod
    def _clear(channel, terms) -> None:
        channel._parsed.clear()
        terms._origins.cache_clear()
        terms._indexes.clear()
