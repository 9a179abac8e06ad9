"""Hard-wrapping a text at a width and unwrapping it again (scripts/eval/eval_wrapped.py: does
wrapped text restore as well as the same text unwrapped?)."""
from __future__ import annotations

import re
import textwrap


def wrap(text: str, width: int) -> str:
    return "\n\n".join("\n".join(textwrap.wrap(p, width, break_long_words=False, break_on_hyphens=False))
                       for p in text.split("\n\n"))


def unwrap(text: str) -> str:
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text)
