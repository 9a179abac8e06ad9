"""Text no edit may touch, and text the detector does not read as prose.

``protected_ranges``: numbers, URLs, e-mail addresses, <TICKERS> and markup, handles, paths, file
names, inline code. ``not_prose_ranges``: the same less numbers and tickers, the stretches that
are not prose at all. Offsets are code points into the input, half-open.
"""
from __future__ import annotations

import re

# Stretches that are not prose: HTML/XML markup, addresses, handles, paths, code. The detector
# does not read them as text (``not_prose_ranges``) and no edit may touch them.
_SCRIPT = r"<(?i:script|style)\b.*?</(?i:script|style)\s*>|<!--.*?-->"
_HTML_TAG = (r"</?(?i:html|head|body|title|meta|link|div|span|p|a|img|br|hr|ul|ol|li|table|thead|tbody|tr|td|th"
             r"|h[1-6]|em|strong|b|i|u|small|sup|sub|blockquote|pre|code|section|article|header|footer|nav"
             r"|aside|main|figure|figcaption|form|input|button|label|select|option|iframe|noscript|source|video"
             r"|audio|picture|time|abbr|cite|q|dl|dt|dd|svg|path|\?xml|!doctype)(?=[\s/>])[^<>]{0,2000}>")
_ADDRESS = r"https?://\S+|www\.\S+|\S+@\S+\.\w+"
_HANDLE = r"(?<![\w@#])[@#][A-Za-z_]\w*"
_PATH = r"\b[A-Za-z]:\\\S*|(?<![\w/~.])(?:~|\.{1,2})?/[\w.-]+(?:/[\w.-]*)+|~/[\w.-]+"
_FILE = (r"[\w-]+\.(?:pdf|docx?|txt|md|rtf|odt|csv|tsv|xlsx?|json|jsonl|xml|html?|jpe?g|png|gif|svg|mp[34]|wav"
         r"|zip|gz|tar|py|js|exe)\b")
_CODE = r"`[^`\n]{1,200}`"
NOT_PROSE_RE = re.compile("|".join((_SCRIPT, _HTML_TAG, _ADDRESS, _HANDLE, _PATH, _FILE, _CODE)), re.UNICODE | re.DOTALL)
# text the pipeline must never touch: the above, any tag (Reuters' <TICKER>s too) and numbers
PROTECTED_RE = re.compile("|".join((_SCRIPT, r"</?[A-Za-z!][^<>]{0,2000}>", _ADDRESS, r"<[^<>\n]{1,40}>",
                                    r"\b\d[\d,.:/%-]*\b", _HANDLE, _PATH, _FILE, _CODE)), re.UNICODE | re.DOTALL)


def protected_ranges(text: str) -> list[tuple[int, int]]:
    """Spans (numbers, URLs, e-mails, <TICKERS>, markup, handles, paths, code) that restoration must leave alone."""
    return [(m.start(), m.end()) for m in PROTECTED_RE.finditer(text)]


def not_prose_ranges(text: str) -> list[tuple[int, int]]:
    """Spans that are not prose (HTML markup, addresses, handles, paths, code): the detector gives
    their words no probability and leaves them out of the document score."""
    return [(m.start(), m.end()) for m in NOT_PROSE_RE.finditer(text)]
