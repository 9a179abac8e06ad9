"""Rules that shape detection spans: a dictionary edit's span(s) (``dictionary_spans``), and the
words a spinner's edit left as they were, which a span narrows away (``expansion_kept``: "video" of
"video clip"; ``swapped_parts``: "stop" of "stop-gap")."""
from __future__ import annotations

import re
from typing import Sequence

from restore.edits.diff import changed_parts
from restore.fix import channel
from restore.text.tokenize import Token, strip_range
from restore.types import Edit, Span


def dictionary_spans(text: str, e: Edit, confidence: float, changed_only: bool = False) -> list[Span]:
    """The detection span(s) of a dictionary edit: its whole span, or with ``changed_only`` each run
    of its words that the replacement changes ("legal" of "human legal rights" -> "human rights",
    suggestion ""), the whole span when the replacement only adds words."""
    parts = changed_parts(e.original, e.replacement) if changed_only else []
    if not parts:
        return [Span(e.start, e.end, text[e.start:e.end], confidence, e.replacement, source="dictionary")]
    return [Span(e.start + a, e.start + b, text[e.start + a:e.start + b], confidence, rep, source="dictionary")
            for a, b, rep in parts]


def expansion_kept(text: str, toks: Sequence[Token], hit: Sequence[bool], kept: Sequence[bool],
                   sent_of: Sequence[int]) -> list[bool]:
    """``kept`` plus, in each run of adjacent hit words (one sentence, nothing but spaces between
    them), the words a spinner's edit left as they were (``restore.fix.channel.kept_words``: "officer"
    of "police officer", "more than" of "a lot more than")."""
    out = list(kept)
    run: list[int] = []

    def close() -> None:
        if len(run) >= 2:
            for k in channel.kept_words([toks[i].text for i in run]):
                out[run[k]] = True
        run.clear()

    for i, t in enumerate(toks):
        if run and (not hit[i] or not t.is_word or sent_of[i] != sent_of[run[-1]]
                    or text[toks[run[-1]].end:t.start].strip()):
            close()
        if hit[i] and t.is_word:
            run.append(i)
    close()
    return out


COMPOUND = re.compile(r"(?<![\w-])[^\W_]+(?:-[^\W_]+)+(?![\w-])")  # words joined by single hyphens


def swapped_parts(text: str, span: Span) -> list[Span]:
    """``span`` without what a spinner left of each hyphenated word in it that the table does not
    list whole (a spinner's hyphenated substitute, "get-up-and-go", is listed): its hyphens, and of
    a two-part word the half the spinner left as it was (``restore.fix.channel.swapped_part``: "stop" of
    "year-stop", neither "year" nor "-"); the pieces keep the span's confidence."""
    cut: list[tuple[int, int]] = []
    for m in COMPOUND.finditer(text, span.start, span.end):
        parts = m.group().split("-")
        if channel.known_whole(m.group()):
            continue
        k = channel.swapped_part(*parts) if len(parts) == 2 else None
        if k is not None:
            cut.append((m.start() + len(parts[0]), m.end()) if k == 0 else (m.start(), m.end() - len(parts[1])))
            continue
        pos = m.start()
        for part in parts[:-1]:
            pos += len(part)
            cut.append((pos, pos + 1))
            pos += 1
    if not cut:
        return [span]
    out, pos = [], span.start
    for a, b in cut + [(span.end, span.end)]:
        a, e = strip_range(text, pos, a)
        if a < e:
            out.append(Span(a, e, text[a:e], span.confidence, span.suggestion, span.source))
        pos = b
    return out
