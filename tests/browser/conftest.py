"""Browser tests: the demo served on 127.0.0.1, driven by Playwright in Debian's Chromium.

No browser is downloaded: the tests use the Chromium at $CHROMIUM (default
/usr/bin/chromium; `.ci/run` installs Debian's `chromium` where it is missing)
and skip, saying why, where there is none. Screenshots go to `screenshots/`
in the project root (see README).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = PROJECT_ROOT / "screenshots"
SECRET = "browser-test-secret-key-long-enough-0123456789abcdef"
# --disable-dev-shm-usage: CI containers often have a 64 MB /dev/shm, where Chromium's renderers stall or
# crash; Debian's wrapper means to add the flag then, but its check of the free space fails where
# findmnt reports /dev/shm twice ("[: ...: unexpected operator"), so it is given here.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the [test] extra installs it
    sync_playwright = None

if sync_playwright is None:
    pytest.skip("Playwright for Python is not installed (pip install -e '.[test]'): browser tests skipped",
                allow_module_level=True)
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM=/path): "
                "browser tests skipped", allow_module_level=True)


@dataclass
class Demo:
    """The served demo: its address and how to sign in as each demo account."""

    base_url: str
    app: object

    def password(self, local: str) -> str:
        from core.demo import DOMAIN, demo_password

        return demo_password(SECRET, f"{local}@{DOMAIN}")

    def email(self, local: str) -> str:
        from core.demo import DOMAIN

        return f"{local}@{DOMAIN}"

    def totp(self, local: str) -> str:
        import pyotp

        from core.demo import demo_totp_secret

        return pyotp.TOTP(demo_totp_secret(SECRET, self.email(local))).now()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The platform with the demo data (real regions), served on a free port of 127.0.0.1."""
    from core.testing import demo_app, serve

    app = demo_app(tmp_path_factory.mktemp("browser"), SECRET)
    base_url, stop = serve(app)
    yield Demo(base_url, app)
    stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        # No chromium.close(): leaving sync_playwright() ends the driver, which ends the browser.


@pytest.fixture(scope="session")
def signed_in(browser, demo_server):
    """A browser context per demo account, signed in once (two-factor codes are single-use)."""
    contexts = {}

    def context_for(local: str):
        if local not in contexts:
            context = browser.new_context(base_url=demo_server.base_url, locale="nl-NL")
            page = context.new_page()
            sign_in(page, demo_server, local)
            leave(page)
            contexts[local] = context
        return contexts[local]

    yield context_for
    for context in contexts.values():
        leave(context)


def leave(target) -> None:
    """Close a page (or every page of a context) without waiting for Chromium to confirm.

    Waiting for the close was seen to hang for good with Debian's Chromium 156
    (newer than the one this Playwright was built for); the browser ends with
    the session anyway.
    """
    from playwright.sync_api import Error

    pages = target.pages if hasattr(target, "pages") else [target]
    for page in pages:
        try:
            page.close(run_before_unload=True)
        except Error:  # already closing: it was left before
            pass


def sign_in(page, demo, local: str) -> None:
    """Sign in through the login form (and the code step for accounts with two-factor)."""
    page.goto("/inloggen")
    page.locator("#email").fill(demo.email(local))
    page.locator("#password").fill(demo.password(local))
    page.locator("main form button[type=submit]").click()
    if "/inloggen/code" in page.url:
        page.locator("#code").fill(demo.totp(local))
        page.locator("main form button[type=submit]").click()
    assert "/inloggen" not in page.url, f"{local} could not sign in: {page.url}"


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot for people to look at (screenshots/<name>.png)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
