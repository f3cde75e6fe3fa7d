"""Page weight and time to first byte of the main pages, on the demo served over HTTP.

Run:  .venv/bin/python benchmarks/pages.py [--repeat N]

For each main page, signed in as the demo account that uses it: the bytes of
HTML, CSS, JavaScript and images it loads (SVG charts are inline, so they
count as HTML), and the median time to first byte over N requests. The floor,
measured in the same run against the same server: the time to first byte of
`/gezondheid` (routing, the readiness check: two small queries, no page) and of the
stylesheet (a static file). Budget per page: under 100 kB in all, no
JavaScript, and a time to first byte under 200 ms on the development server
(web.dev calls 800 ms "good"; we want room for an old laptop on a slow line).
"""
from __future__ import annotations

import argparse
import http.client
import re
import statistics
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
REGION = "/regio/rmc-19"
# (page, demo account or None, address)
PAGES = [
    ("inloggen", None, "/inloggen"),
    ("start", "invoer.gemeente-utrecht", "/"),
    ("regio", "coordinator.utrecht", f"{REGION}/"),
    ("vsv-dashboard", "coordinator.utrecht", f"{REGION}/vsv/"),
    ("vsv-cijfers", "coordinator.utrecht", f"{REGION}/vsv/cijfers"),
    ("vsv-invoeren", "invoer.gemeente-utrecht", f"{REGION}/vsv/cijfers/invoeren"),
    ("vsv-excel", "invoer.gemeente-utrecht", f"{REGION}/vsv/excel/vsv-cijfers/"),
    ("rif-aanvragen", "coordinator.utrecht", f"{REGION}/rif/"),
    ("rif-overzicht", "coordinator.utrecht", f"{REGION}/rif/overzicht"),
    ("stagepact-dashboard", "coordinator.utrecht", f"{REGION}/stagepact/"),
    ("kj-dashboard", "coordinator.utrecht", f"{REGION}/kwetsbare_jongeren/"),
    ("afspraken", "coordinator.utrecht", f"{REGION}/afspraken/"),
    ("beheer-audit", "beheerder", "/beheer/audit"),
]
PAGE_BUDGET = 100_000
TTFB_BUDGET = 0.200


class Assets(HTMLParser):
    """The stylesheets, scripts and images a page links to."""

    def __init__(self):
        super().__init__()
        self.css, self.js, self.images = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or ""):
            self.css.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])
        elif tag == "img" and a.get("src") and not a["src"].startswith("data:"):
            self.images.append(a["src"])


class Browser:
    """A minimal HTTP client with a cookie jar, on one keep-alive connection."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes, float, dict]:
        """(status, body, seconds to first byte, headers)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        first_byte = time.perf_counter() - start
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, content, first_byte, dict(response.getheaders())

    def get(self, path: str):
        return self.request("GET", path)

    def submit(self, path: str, fields: dict) -> tuple[int, dict]:
        """GET a form page, then POST `fields` with its CSRF token."""
        _status, page, _t, _h = self.get(path)
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        status, _body, _t, headers = self.request("POST", path, {"csrf_token": token, **fields})
        return status, headers


def sign_in(base_url: str, local: str) -> Browser:
    import pyotp

    from core.demo import DOMAIN, demo_password, demo_totp_secret

    browser = Browser(base_url)
    email = f"{local}@{DOMAIN}"
    status, headers = browser.submit("/inloggen", {"email": email, "password": demo_password(SECRET, email)})
    if status == 302 and "/inloggen/code" in headers.get("Location", ""):
        code = pyotp.TOTP(demo_totp_secret(SECRET, email)).now()
        status, headers = browser.submit("/inloggen/code", {"code": code})
    if status != 302 or "/inloggen" in headers.get("Location", ""):
        raise SystemExit(f"{local} could not sign in ({status})")
    return browser


def ttfb(browser: Browser, path: str, repeat: int) -> tuple[float, bytes]:
    """Median seconds to first byte of `path`, and the body of the last request."""
    samples, body = [], b""
    for _ in range(repeat):
        status, body, first_byte, _headers = browser.get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        samples.append(first_byte)
    return statistics.median(samples), body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    from core.testing import demo_app, serve

    print("Loading the demo (real regions, demo accounts) ...", flush=True)
    app = demo_app(Path(tempfile.mkdtemp()), SECRET, LOGIN_LIMIT="100000 per minute")
    base_url, stop = serve(app)
    sessions = {None: Browser(base_url)}
    try:
        anonymous = sessions[None]
        floor_app, _ = ttfb(anonymous, "/gezondheid", args.repeat)
        floor_static, css = ttfb(anonymous, "/static/style.css", args.repeat)
        print(f"\nFloor (same server, same run): /gezondheid {floor_app * 1000:.1f} ms, "
              f"static stylesheet {floor_static * 1000:.1f} ms ({len(css):,} bytes)")
        print(f"Budget per page: under {PAGE_BUDGET:,} bytes in all, no JavaScript, "
              f"time to first byte under {TTFB_BUDGET * 1000:.0f} ms\n")
        print(f"{'page':<22}{'HTML':>9}{'CSS':>8}{'JS':>5}{'img':>6}{'total':>9}{'TTFB ms':>9}{'x floor':>9}  ok")
        for name, account, path in PAGES:
            if account not in sessions:
                sessions[account] = sign_in(base_url, account)
            browser = sessions[account]
            first_byte, html = ttfb(browser, path, args.repeat)
            assets = Assets()
            assets.feed(html.decode("utf-8"))
            sizes = {kind: sum(len(browser.get(src)[1]) for src in getattr(assets, kind))
                     for kind in ("css", "js", "images")}
            total = len(html) + sum(sizes.values())
            factor = first_byte / floor_app
            ok = total < PAGE_BUDGET and not assets.js and first_byte < TTFB_BUDGET
            print(f"{name:<22}{len(html):>9,}{sizes['css']:>8,}{sizes['js']:>5,}{sizes['images']:>6,}"
                  f"{total:>9,}{first_byte * 1000:>9.1f}{factor:>9.1f}  {'yes' if ok else 'NO'}")
    finally:
        stop()


if __name__ == "__main__":
    main()
