"""Headless Chromium for the HTML tests (Debian's ``chromium`` + ``chromium-driver``).

``.ci/run`` installs both with apt-get. :func:`open_browser` returns a Selenium driver
whose console log can be read with :func:`console_errors`, so every page test can assert
that the page's scripts ran without an error.
"""

from __future__ import annotations

import shutil

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

__all__ = ["open_browser", "console_errors"]


def open_browser(width: int = 1280, height: int = 900) -> webdriver.Chrome:
    """A headless Chromium driven by chromedriver, console logging enabled."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        raise RuntimeError("chromium and chromium-driver are needed: apt-get install chromium "
                           "chromium-driver")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--allow-file-access-from-files"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=opts)


def console_errors(driver: webdriver.Chrome) -> list[str]:
    """Console messages of level SEVERE since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
