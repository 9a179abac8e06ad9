"""Real web pages found with the stored-pages search (``data/real_more/``, git-ignored): which of
them a builder may read. The sites and articles of ``../shared/data/real/EXCLUDED.txt`` are kept
aside for judging, and the development set's own sites (``../shared/data/real/*.jsonl``) measure
what the builders make, so neither may be mined."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit


def host(url: str) -> str:
    """The lower-case host of ``url`` without a leading ``www.``."""
    h = (urlsplit(url).hostname or "").lower()
    return h[4:] if h.startswith("www.") else h


def excluded_rules(real_dir: str | Path) -> list[str]:
    """The rules of ``real_dir``'s ``EXCLUDED.txt`` (``read_rules``)."""
    return read_rules(Path(real_dir) / "EXCLUDED.txt")


def read_rules(path: str | Path) -> list[str]:
    """The lines of an exclusion file: hosts (a host and its subdomains) and article URLs."""
    return [ln.strip() for ln in open(path, encoding="utf-8") if ln.strip() and not ln.startswith("#")]


def kept_aside(url: str, rules: list[str]) -> bool:
    """Whether ``url`` is one of the excluded articles or on an excluded host."""
    h = host(url)
    for e in rules:
        if e.startswith("http"):
            if url.rstrip("/") == e.rstrip("/"):
                return True
        elif h == e or h.endswith("." + e):
            return True
    return False


def development_hosts(real_dir: str | Path) -> set[str]:
    """The hosts of every URL in the development set's files."""
    out = set()
    for f in Path(real_dir).glob("*.jsonl"):
        for line in open(f, encoding="utf-8"):
            r = json.loads(line)
            out.update(host(r[k]) for k in ("spun_url", "original_url", "url") if r.get(k))
    return out
