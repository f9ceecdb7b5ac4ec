"""The one browser of a test run: Debian's Chromium (never a downloaded one) driven by Playwright's sync API, which
allows one instance per process, so the browser and system tests share it (a fixture of tests/conftest.py)."""

import shutil
from pathlib import Path

import pytest

from tests.requirements import require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (apt-get install chromium)")
    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(), "chromium missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
