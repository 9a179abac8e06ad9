"""Give a replacement the case pattern of the words it replaces."""
from __future__ import annotations


def _pattern(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return "none"
    if all(c.isupper() for c in letters):
        return "upper" if len(letters) > 1 else "title"
    if letters[0].isupper():
        return "title"
    if all(c.islower() for c in letters):
        return "lower"
    return "mixed"


def _apply(pattern: str, word: str) -> str:
    if pattern == "upper":
        return word.upper()
    if pattern == "title":
        return word[:1].upper() + word[1:] if word[:1].islower() else word
    return word


def transfer_case(source: str, replacement: str) -> str:
    """``transfer_case("Innovative Guards", "revolutionary guards") == "Revolutionary Guards"``.

    Word by word where the word counts line up; otherwise the first word's pattern decides the
    first word (a sentence-initial capital is kept) and an all-caps source makes everything upper.
    Words of the replacement with capitals inside ("NBC", "iPhone") keep them. A capitalised word
    of the replacement ("Foreign Ministry") keeps its capital unless the source says otherwise: a
    spinner keeps the case of what it replaces and of the words it leaves, so the word lined up with
    a lower-case (all-caps) source word is lower case (all caps), and so is any word when the whole
    source is lower case ("unfamiliar ministry" -> "foreign ministry", "Exchequer secretary" ->
    "Treasury secretary", "British Telecoms PLC" -> "British Telecommunications PLC").
    """
    src = source.split()
    rep = replacement.split(" ")
    if not src or not replacement:
        return replacement
    pats = [_pattern(w) for w in src]
    if all(p == "upper" for p in pats) and any(len([c for c in w if c.isalpha()]) > 1 for w in src):
        return replacement.upper()
    aligned = len(src) == len(rep)
    all_lower = all(p in ("lower", "none") for p in pats)
    out = []
    for i, w in enumerate(rep):
        if w != w.lower():  # the dictionary spelled its own case
            title = _pattern(w) == "title" and w[1:] == w[1:].lower()
            if title and aligned and pats[i] in ("lower", "upper"):
                w = w.lower() if pats[i] == "lower" else w.upper()
            elif title and not aligned and all_lower:
                w = w.lower()
            out.append(w)
            continue
        if len(src) == len(rep):
            p = pats[i]
        elif i == 0:
            p = pats[0]
        else:
            # all-title source ("Human Legal Rights Observe") -> title every word
            p = "title" if _name_like(pats) else "lower"
        out.append(_apply(p if p != "upper" else "upper", w))
    return " ".join(out)


def _name_like(pats: list[str]) -> bool:
    """A capitalised name with a lower-case word slipped in ("Human Legal rights Observe")."""
    caps = sum(p in ("title", "upper") for p in pats)
    return pats[0] in ("title", "upper") and pats[-1] in ("title", "upper") and caps * 2 > len(pats)


_AN_DESPITE_CONSONANT = ("hour", "honest", "honor", "honour", "heir")
_A_DESPITE_VOWEL = ("uni", "use", "usu", "eu", "one", "once", "ura", "uti")


def wants_an(word: str) -> bool:
    """Whether the indefinite article before ``word`` is "an" (by its first sound, roughly)."""
    w = word.lower()
    if w.startswith(_AN_DESPITE_CONSONANT):
        return True
    if w.startswith(_A_DESPITE_VOWEL):
        return False
    return w[:1] in "aeiou"
