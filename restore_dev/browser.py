"""Headless Chromium driven by Selenium, for the review page's browser tests and its screenshot.

The browser and its driver are the ones on PATH (``chromium``, ``chromedriver``), never one that
Selenium Manager would download; ``missing()`` says what is lacking instead of failing.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser")


def _binary() -> str | None:
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def missing() -> str | None:
    """Why a headless Chromium cannot be driven here (None when it can)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if _binary() is None:
        return "chromium is not on PATH (apt-get install chromium)"
    if shutil.which("chromedriver") is None:
        return "chromedriver is not on PATH (apt-get install chromium-driver)"
    return None


def chromium(size: tuple[int, int] = (1280, 900), downloads: Path | None = None) -> Any:
    """A headless Chromium WebDriver with a ``size`` window; ``downloads``: where downloads go
    (without asking). Call ``.quit()`` when done."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = _binary()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={size[0]},{size[1]}"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service(shutil.which("chromedriver")))
    # the window size counts the browser's frame: make the page itself ``size``
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False})
    if downloads is not None:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver
