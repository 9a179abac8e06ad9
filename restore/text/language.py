"""Is a text English at all? A conservative check made before detection and restoration.

The detector and the restorer were trained on English. Given French or Italian they still find
"spun" words (French shares much of its vocabulary with English thesaurus entries: "touchés",
"reporter", "fin"), and the restorer may rewrite them ("fin" -> "louvre"). So a text that is clearly
not English is not checked: it comes back unchanged, with spun_score 0 and a note saying why.

Three signs, each strong on its own, and nothing else (when in doubt, a text is English):

1. **Other languages' function words.** The commonest short words of 14 languages written in the
   Latin alphabet (French, Spanish, Italian, Portuguese, German, Dutch, Swedish, Danish, Polish,
   Czech, Turkish, Indonesian/Malay, Romanian, Latin), less every word that is also English or
   common in English news ("die", "son", "per", "van", "Dan", "Yang", "com", "os", "NA"),
   and the parts of English contractions ("ve" of "I've"). A text with at
   least ``MIN_FOREIGN`` of them, more of them than English function words, and under
   ``MAX_KNOWN_SHARE_FOREIGN`` of its words (of two letters or more) in the English word counts
   that ship with symspellpy (:mod:`restore.fix.ngrams`) is not English. English text quotes names and
   phrases ("Charles de Gaulle", "Los Angeles", "Le Monde"), but its own function words ("the",
   "of", "and", "to" ...) are 30-50% of its words, so they outnumber the foreign ones many times
   over; the word-count condition keeps a short English paragraph of French names
   ("Caisse Nationale de l'Energie is issuing ...") English.
2. **Words English does not have.** In a text of at least ``MIN_WORDS_UNKNOWN`` words, under
   ``MAX_EN_SHARE`` of them English function words, fewer than ``MIN_KNOWN_SHARE`` of its words
   are in the English word counts. This catches languages the lists do not have (Finnish,
   Swahili, Welsh, Tagalog, Turkish, Vietnamese ...). A list of foreign names is called not
   English by it, which does no harm (nothing in it to restore).
3. **Another script.** Most of at least ``MIN_LETTERS`` letters are not Latin (Cyrillic, Greek,
   Arabic, Hebrew, CJK, Devanagari ...).

Sign 3 is looked at first. Then a text of fewer than ``MIN_WORDS`` words is too short to tell, and
one whose tokens are ``MAX_NUMBER_SHARE`` or more numbers is a table of figures: both count as
English. The Reuters tables of the training corpus ("Shr 14 cts vs 13 cts / Net 2,867,000 vs
2,723,000", "WEEK AGO AGO DEL GRADES 871 1296") have almost no function words of English and
abbreviations that look like other languages' ("NA", "DEL", "UND"), and they are spun like the
rest. Measured in docs/history.md and the README (session 26): no English document of
the shared corpus, the evaluation sets, the out-of-domain sets or the tortured-phrases set is
called not English.

Pure Python; no model.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MIN_WORDS = 8
MIN_LETTERS = 20  # for sign 3: scripts such as Chinese do not put spaces between words
MIN_FOREIGN = 2
MIN_WORDS_UNKNOWN = 12
MAX_EN_SHARE = 0.1
MAX_NUMBER_SHARE = 0.1
MIN_KNOWN_SHARE = 0.4
MAX_KNOWN_SHARE_FOREIGN = 0.6
MAX_OTHER_SCRIPT_SHARE = 0.5

_WORD = re.compile(r"[^\W\d_]+")
_BLOCK = re.compile(r"\S[^\n]*(?:\n[ \t]*\S[^\n]*)*")  # a paragraph: lines up to a blank line
_NUMBER = re.compile(r"\d+")

ENGLISH = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves said says
""".split())

# words of the lists below that are English too, or common in English text (names, abbreviations)
_ALSO_ENGLISH = frozenset("""
ad ale als aus av care com come con cum dan dem den die din door em er ex han ha inter jest lo ma med
met mit na non nos od os para per plus po pro se sed sin son pas till um ut van var yang
""".split())

OTHER = frozenset("""
le la les de des du une est et au aux pour par dans sur avec qui que ne ces cette sont ont été sera être
leur leurs mais ou où nous vous ils elles lui ses sa cela comme très aussi entre après avant selon alors
donc
el los las del y es por una uno su sus como pero más muy sobre también tras hasta desde según porque
cuando donde fue ser está están
il di della delle dei degli nel nella che non gli alla alle dal dalla anche più questo questa loro
essere stato hanno tra dopo secondo
da das dos nas no um uma não pelo pela ao aos foi são mais seu sua ainda já após
der und ist nicht mit dem ein eine einen einem einer zu auf für von sich auch nach wird werden wurde
sind bei wie oder aber noch nur über vor
het een van en niet voor zijn werd worden naar ook maar nog bij uit deze wel heeft hebben
och att det som för inte på är med av ett om jag vid efter eller också ska
og af ikke fra blev også skal
się nie jest że jak ale za przez dla oraz który która które jego jej tym tego być są został
je že ve ze který která které jeho její byl být jsou také
bir bu ile için olarak olan gibi daha çok sonra kadar ancak ise
yang dan di ke dari untuk dengan ini itu tidak akan pada juga dalam oleh karena bahwa sudah
și în cu pe din care nu este sunt pentru sau mai că fost după
quae quod sunt erat esse
""".split()) - ENGLISH - _ALSO_ENGLISH


@dataclass(frozen=True)
class LanguageCheck:
    """What the check saw: ``english`` is the verdict, ``reason`` says why when it is False."""

    english: bool
    words: int
    english_words: int
    other_words: int
    reason: str = ""


def _letters(words: list[str]) -> tuple[int, int]:
    """(letters, letters of a script other than Latin) in ``words`` (``_WORD`` matches, which hold
    every letter of their text): an ASCII word is all Latin letters, so only the others are looked
    at letter by letter."""
    letters = other = 0
    for w in words:
        if w.isascii():
            letters += len(w)
            continue
        for ch in w:
            if ch.isalpha():
                letters += 1
                if ch > "\u024f" and not unicodedata.name(ch, "").startswith("LATIN"):
                    other += 1
    return letters, other


def check_language(text: str) -> LanguageCheck:
    """Does ``text`` look English (see the module's docstring)? Cheap: one pass over its words."""
    raw = _WORD.findall(text)
    ws = [w.lower() for w in raw]
    n = len(ws)
    # a lower-case "i" is a word of Danish, Swedish, Polish, Italian ..., not the English pronoun
    en = sum(w in ENGLISH and r != "i" for w, r in zip(ws, raw))
    fx = sum(w in OTHER for w in ws)
    letters, other = _letters(raw)
    if letters >= MIN_LETTERS and other > MAX_OTHER_SCRIPT_SHARE * letters:
        return LanguageCheck(False, n, en, fx, f"not English: {other / letters:.0%} of its letters are not Latin")
    numbers = len(_NUMBER.findall(text))
    if n < MIN_WORDS or numbers >= MAX_NUMBER_SHARE * (n + numbers):  # too short, or a table of figures
        return LanguageCheck(True, n, en, fx)
    sign1 = fx >= MIN_FOREIGN and fx > en
    sign2 = n >= MIN_WORDS_UNKNOWN and en < MAX_EN_SHARE * n
    if not (sign1 or sign2):
        return LanguageCheck(True, n, en, fx)
    known, longer = _known(ws)
    if sign1 and known < MAX_KNOWN_SHARE_FOREIGN * longer:
        return LanguageCheck(False, n, en, fx, f"not English: {fx} function words of other languages, "
                                               f"{en} of English, in {n} words")
    if sign2 and known < MIN_KNOWN_SHARE * longer:
        return LanguageCheck(False, n, en, fx, f"not English: {known} of {longer} words in the English "
                                               f"word counts, {en} English function words")
    return LanguageCheck(True, n, en, fx)


def _known(ws: list[str]) -> tuple[int, int]:
    """(words of two letters or more in the English word counts, words of two letters or more)."""
    from restore.fix.ngrams import log_count  # the counts load once, and only for texts that get this far

    longer = [w for w in ws if len(w) > 1]
    return sum(log_count(w) > 0 for w in longer), len(longer)


def foreign_paragraphs(text: str) -> list[tuple[int, int, str]]:
    """The paragraphs (blocks of lines between blank lines) of an English ``text`` that are not
    English, as ``(start, end, reason)``: a French paragraph in a Canadian page, a quotation left in
    its language. Only a text of two or more paragraphs has any (a text of one is judged whole, by
    :func:`check_language`). In the shared corpus 31 of 118,186 paragraphs are: 27 rugby team sheets
    (French and Italian players' names) and 4 Reuters sentences made mostly of French or German
    institutions' names; none of the evaluation sets' 16,184 paragraphs is."""
    blocks = list(_BLOCK.finditer(text))
    if len(blocks) < 2:
        return []
    out = []
    for m in blocks:
        c = check_language(m.group())
        if not c.english:
            out.append((m.start(), m.end(), c.reason))
    return out
