"""Line-based unified diff (what ``restore diff --format diff`` prints)."""
from __future__ import annotations

import difflib

NO_EOL = "\\ No newline at end of file\n"


def render_unified(a: str, b: str, a_name: str = "a", b_name: str = "b", context: int = 3) -> str:
    """``diff -u``-style text; "" when ``a == b``. A last line without newline is marked like GNU diff."""
    out: list[str] = []
    for line in difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True),
                                     fromfile=a_name, tofile=b_name, n=context):
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n" + NO_EOL)
    return "".join(out)
