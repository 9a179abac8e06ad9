"""Regular English inflection (-s, -ed, -ing) shared by the table builders
(scripts/data/build_spin_table.py, build_channel.py)."""
from __future__ import annotations

VOWELS = set("aeiou")


def cvc(w: str) -> bool:
    return (len(w) >= 3 and w[-1] not in VOWELS and w[-1] not in "wxy" and w[-2] in VOWELS
            and w[-3] not in VOWELS and len(w) <= 4)


def inflect_word(w: str, tag: str, exc: dict[str, dict[str, str]]) -> str:
    """``w`` (a lemma) in form ``tag``: an irregular form from ``exc`` (lemma -> {tag: form}), else the rules."""
    e = exc.get(w)
    if e and tag in e:
        return e[tag]
    if tag == "s":
        if w.endswith(("s", "x", "z", "ch", "sh")):
            return w + "es"
        if w.endswith("y") and len(w) > 1 and w[-2] not in VOWELS:
            return w[:-1] + "ies"
        return w + "s"
    if tag == "ed":
        if w.endswith("e"):
            return w + "d"
        if w.endswith("y") and len(w) > 1 and w[-2] not in VOWELS:
            return w[:-1] + "ied"
        if cvc(w):
            return w + w[-1] + "ed"
        return w + "ed"
    if tag == "ing":
        if w.endswith("ie"):
            return w[:-2] + "ying"
        if w.endswith("e") and not w.endswith(("ee", "ye", "oe")) and len(w) > 2:
            return w[:-1] + "ing"
        if cvc(w):
            return w + w[-1] + "ing"
        return w + "ing"
    return w
