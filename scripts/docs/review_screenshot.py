"""The review page's screenshot for the docs: a review page of the start of a spun sample, opened in
headless Chromium at 1280x900 with one edit selected and accepted (so the selection's toolbar and a
decision show), saved as docs/img/review.png.

    python3 scripts/docs/review_screenshot.py [--sample samples/spun_news_tiandy.txt] [--out docs/img/review.png]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from restore import restore_and_explain
from restore.render.review import render_review
from restore.review import DecisionsBuilder
from restore_dev.browser import chromium, missing


def start_of(text: str, chars: int) -> str:
    """The text's first ``chars`` characters or so, cut at a paragraph break."""
    cut = text[:chars]
    return cut[:cut.rfind("\n\n")].rstrip() + "\n" if "\n\n" in cut else cut


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=Path, default=Path("samples/spun_news_tiandy.txt"))
    ap.add_argument("--chars", type=int, default=900, help="how much of the sample (cut at a paragraph)")
    ap.add_argument("--keys", default="jjjjja", help="keys pressed on the page before the screenshot "
                                                     "(default: the fifth entry selected and accepted)")
    ap.add_argument("--out", type=Path, default=Path("docs/img/review.png"))
    args = ap.parse_args()
    if (why := missing()) is not None:
        raise SystemExit(f"cannot take the screenshot: {why}")
    text = start_of(args.sample.read_text(encoding="utf-8"), args.chars)
    builder = DecisionsBuilder(inputs={"paths": [args.sample.name]})
    builder.add(args.sample.name, restore_and_explain(text))
    page = render_review(builder.build(), [text], title=f"restore review: {args.sample.name}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "review.html"
        path.write_text(page, encoding="utf-8")
        driver = chromium((1280, 900))
        try:
            driver.get(path.as_uri())
            driver.find_element("tag name", "body").send_keys(args.keys)
            time.sleep(0.3)  # the scroll settles
            args.out.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.out))
        finally:
            driver.quit()
    print(f"{args.out}: {args.out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
