"""Issue 21: one GET of every main page issues a fixed number of SQL statements, whatever the data.

Counted with a SQLAlchemy event listener (no timing), with the demo data and again after ten times its rows
were added in bulk (tests/core/perf/bulk.py and each instrument's `multiply_rows`): the count must be the same
at both sizes (nothing per row) and at most LIMIT, or the ceiling a page still has (CORE_PAGES here, an
instrument's MAIN_PAGES in its matrix.py; a ratchet: lower a ceiling when a page gets cheaper, never raise it).

Two statements of every signed-in region page are the user with their memberships, their organisations' regions,
session and two-factor state (core.identity.sessions.load_signed_in), and the region with its members and
instruments (core.regions.guard).
"""
from __future__ import annotations

from sqlalchemy import func, select

from core.testing import login, make_user
from tests import plugin_matrix
from tests.core.perf.bulk import multiply
from tests.core.perf.statements import statements_of_get
from tests.core.test_demo import load_demo

LIMIT = 10
REGION = "/regio/rmc-19/"
# A region coordinator's core pages (path under REGION, or absolute) and their ceilings (none above LIMIT now). Before issue
# 21's first fixes: home 18, region page 26, agreements 13; before the signed-in user, session and two-factor
# state came in one statement and the region with its members and instruments in another: home 20, region 20;
# before the home page read its regions and the agreements' versions with in-force events in one statement each: 16.
# The public page's coordinators' page (openbaar): 36 before it called each instrument's public_figures hook once
# instead of once per instrument, and read the page switch with the published tables; now one statement per
# instrument that offers figures (five in these tests) plus five.
CORE_PAGES = {"/": LIMIT, "": LIMIT, "afspraken/": LIMIT, "openbaar": LIMIT}
# A platform admin's pages.
ADMIN_PAGES = {"/beheer/": LIMIT, "/beheer/gebruikers": LIMIT, "/beheer/organisaties": LIMIT, "/beheer/audit": LIMIT,
               "/beheer/mandaten": LIMIT, "/beheer/outbox": LIMIT}


def _url(path: str) -> str:
    return path if path.startswith("/") else REGION + path


def _region_pages(app, modules) -> dict[str, int]:
    """Every page a coordinator of rmc-19 opens: the core's, every instrument's agreements, their MAIN_PAGES."""
    pages = {_url(path): ceiling for path, ceiling in CORE_PAGES.items()}
    for key in app.extensions["regioplatform"].entries:
        pages.setdefault(_url(f"afspraken/{key}/"), LIMIT)
    for module in modules.values():
        pages.update({_url(path): ceiling for path, ceiling in getattr(module, "MAIN_PAGES", {}).items()})
        if hasattr(module, "main_pages"):  # pages of demo rows (their ids), after load_demo
            pages.update({_url(path): ceiling for path, ceiling in module.main_pages(app).items()})
    return pages


def _rows(app) -> dict[str, int]:
    from core.db import Base

    with app.extensions["regioplatform.db"].engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def test_every_main_page_issues_the_same_few_statements_with_ten_times_the_rows(app):
    load_demo(app)
    make_user(app, "coordinator@statements.example.nl", org="MC19", role="admin")
    make_user(app, "beheer@statements.example.nl", platform_admin=True)
    coordinator, admin = app.test_client(), app.test_client()
    assert login(coordinator, "coordinator@statements.example.nl").status_code == 302
    assert login(admin, "beheer@statements.example.nl").status_code == 302
    modules = plugin_matrix.matrix_modules()
    ceilings = {**_region_pages(app, modules), **ADMIN_PAGES}
    who = {url: admin if url in ADMIN_PAGES else coordinator for url in ceilings}

    small = {url: len(statements_of_get(app, who[url], url)) for url in ceilings}
    before = _rows(app)
    multiply(app, modules, 10)
    after = _rows(app)
    multiplied = [name for name, count in before.items() if count and after[name] == 10 * count]
    assert "user_account" in multiplied and len(multiplied) > 2, multiplied
    large = {url: len(statements_of_get(app, who[url], url)) for url in ceilings}

    growing = {url: (small[url], large[url]) for url in small if small[url] != large[url]}
    assert not growing, f"statements per page grow with the data (demo, 10x): {growing}"
    over = {url: (n, ceilings[url]) for url, n in small.items() if n > ceilings[url]}
    assert not over, f"pages over their statement ceiling (count, ceiling): {over}"


def test_the_national_overview_issues_the_same_few_statements_with_ten_times_the_rows(app):
    """Issue 20: /landelijk/ reads the maintained sums (one statement) and the regions (one), not the rows."""
    from core.aggregates.maintain import rebuild
    from core.db import db_session

    load_demo(app)
    make_user(app, "ministerie@statements.example.nl", platform_role="ministry")
    ministry = app.test_client()
    assert login(ministry, "ministerie@statements.example.nl").status_code == 302
    small = len(statements_of_get(app, ministry, "/landelijk/"))
    multiply(app, plugin_matrix.matrix_modules(), 10)
    with app.app_context():  # the bulk tool writes below the app: the sums are brought up to date once
        rebuild(db_session())
        db_session().commit()
    large = len(statements_of_get(app, ministry, "/landelijk/"))
    assert small == large <= LIMIT, (small, large)
