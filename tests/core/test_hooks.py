"""One test per hook, through the app, using the test-only plugin tests/plugins/hello.

hello lives only in tests/ and is registered with `create_app(extra_plugins=...)`;
it is enabled in rmc-19 (greeting "Goedemorgen") and rmc-29 (default
greeting), not in rmc-12. test_hookspecs.py checks that every hook has a
`test_hook_<name>` here.

The second half shows that the core refuses to start, with a one-line
`PluginError` naming the plugin and the hook, when a plugin declares
something it cannot accept.
"""
from __future__ import annotations

import io
import re
import shutil
import types
from pathlib import Path

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import func, select, text

from core import create_app, discovery
from core.cli import main as regio
from core.plugins import PluginError
from core.regions.loader import RegionFileError
from core.testing import TEST_CONFIG, login, make_user
from tests.conftest import FIXTURE_REGIONS, PG_URL  # FIXTURE_REGIONS: the fixture files plus what each instrument's tests add
from tests.core.instruments import enabled_in, other_instrument
from tests.interleave import race
from tests.plugins.hello import hooks as hello_hooks
from tests.plugins.hello.models import Greeting
HELLO_MIGRATIONS = Path(hello_hooks.__file__).parent / "migrations"


# --- helpers ----------------------------------------------------------------

def org_id(app, identifier: str) -> int:
    from core.db import db_session
    from core.orgs.models import Organisation

    with app.app_context():
        return db_session().scalar(select(Organisation.id).where(Organisation.identifier == identifier))


def region_id(app, slug: str) -> int:
    from core.db import db_session
    from core.regions.models import Region

    with app.app_context():
        return db_session().scalar(select(Region.id).where(Region.slug == slug))


def add_greetings(app, slug: str, org: str, *texts: str) -> list[int]:
    from core.db import db_session

    with app.app_context():
        session = db_session()
        greetings = [Greeting(region_id=region_id(app, slug), organisation_id=org_id(app, org), text=t) for t in texts]
        session.add_all(greetings)
        session.commit()
        return [g.id for g in greetings]


def signed_in(app, email: str, org: str, role: str):
    make_user(app, email, org=org, role=role)
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def html(response) -> str:
    return response.get_data(as_text=True)


def nav_links(page: str) -> list[str]:
    """The hrefs of the region menu, in order."""
    nav = re.search(r'<nav aria-label="Regio [^"]*" class="region-nav">(.*?)</nav>', page, re.S)
    assert nav, "the page has no region menu"
    return re.findall(r'href="([^"]+)"', nav.group(1))


# --- Phase A: declarations ---------------------------------------------------

def test_hook_instrument_info(app):
    client = signed_in(app, "lezer@utrecht.example", "GM0344", "viewer")
    page = html(client.get("/regio/rmc-19/"))
    # Name and description from hello's Instrument are shown on the region page.
    assert '<h3 id="instrument-hello">Hallo</h3>' in page
    assert "Voorbeeldinstrument voor tests" in page
    # Cards follow Instrument.order (hello 90 comes last), not registration order (hello is registered last).
    cards = re.findall(r'id="instrument-([a-z_]+)"', page)
    assert cards == enabled_in(app, "rmc-19") and cards[-1] == "hello" and len(cards) > 1

    twente = signed_in(app, "rmc@twente.example", "MC12", "admin")
    assert "instrument-hello" not in html(twente.get("/regio/rmc-12/"))


def test_hook_register_blueprint(app):
    # The core chose the URL: /regio/<region>/<key>/, endpoints regio.hello.*.
    rules = {r.endpoint: r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("regio.hello.")}
    assert rules == {
        "regio.hello.index": "/regio/<region>/hello/",
        "regio.hello.show": "/regio/<region>/hello/<int:greeting_id>",
        "regio.hello.new": "/regio/<region>/hello/nieuw",
    }
    client = signed_in(app, "lezer@utrecht.example", "GM0344", "viewer")
    response = client.get("/regio/rmc-19/hello/")
    assert response.status_code == 200
    assert "<title>Groeten – Utrecht · Regioplatform</title>" in html(response)
    # The region guard applies to the plugin's pages: another region is 404 ...
    assert client.get("/regio/rmc-29/hello/").status_code == 404
    # ... and so is a region that does not enable hello, even for its coordinator.
    twente = signed_in(app, "rmc@twente.example", "MC12", "admin")
    assert twente.get(f"/regio/rmc-12/{other_instrument(app, 'rmc-12')}/").status_code == 200
    assert twente.get("/regio/rmc-12/hello/").status_code == 404


def test_hook_migration_location(app):
    from core import migrate
    from core.db import database

    with app.app_context():
        engine = database().engine
        columns = {c["name"] for c in sa_inspect(engine).get_columns("hello_greeting")}
        with engine.connect() as conn:
            versions = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        script = migrate.script_directory(app)
    # hello's revisions are found in the directory its hook returned, on their own line ...
    head = script.get_revision("hello@head")
    line = list(script.walk_revisions("base", "hello@head"))
    own = [r for r in line if Path(r.path).parent == HELLO_MIGRATIONS]
    assert Path(head.path).parent == HELLO_MIGRATIONS
    assert {p.stem.split("_", 1)[0] for p in HELLO_MIGRATIONS.glob("*.py")} == {r.revision for r in own}
    base = next(r for r in own if r.down_revision is None)
    assert base.branch_labels == {"hello"}
    # ... and `upgrade heads` applied them: hello's head is recorded, its table matches its model.
    assert head.revision in versions
    assert columns == {c.name for c in Greeting.__table__.columns}


def test_hook_register_permissions(app):
    registry = app.extensions["regioplatform"]
    assert {"hello.view", "hello.post"} <= set(registry.permissions())

    viewer = signed_in(app, "lezer@utrecht.example", "GM0344", "viewer")
    editor = signed_in(app, "invoerder@utrecht.example", "GM0344", "editor")
    # hello.post goes to editor and admin only (hello's default_roles).
    assert viewer.get("/regio/rmc-19/hello/nieuw").status_code == 403
    assert viewer.post("/regio/rmc-19/hello/nieuw", data={
        "organisation": org_id(app, "GM0344"), "text": "Niet toegestaan"}).status_code == 403
    assert editor.get("/regio/rmc-19/hello/nieuw").status_code == 200
    response = editor.post("/regio/rmc-19/hello/nieuw", data={
        "organisation": org_id(app, "GM0344"), "text": "Goedendag buren"})
    assert response.status_code == 302
    listing = html(viewer.get("/regio/rmc-19/hello/"))
    assert "Goedendag buren" in listing
    assert "Niet toegestaan" not in listing


def test_hook_region_settings_schema(app, tmp_path):
    utrecht = signed_in(app, "lezer@utrecht.example", "GM0344", "viewer")
    rijnmond = signed_in(app, "lezer@rotterdam.example", "GM0599", "viewer")
    # rmc-19.toml sets greeting = "Goedemorgen"; rmc-29.toml keeps HelloSettings' default.
    assert "<h1>Goedemorgen Utrecht</h1>" in html(utrecht.get("/regio/rmc-19/hello/"))
    assert "<h1>Hallo Rijnmond</h1>" in html(rijnmond.get("/regio/rmc-29/hello/"))

    # The region loader validates [instruments.hello] against the schema.
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, regions)
    path = regions / "rmc-19.toml"
    path.write_text(path.read_text().replace('greeting = "Goedemorgen"', "greeting = 42\ngroet = 'hoi'"))
    with pytest.raises(RegionFileError) as caught:
        create_app({**TEST_CONFIG, "DATABASE_URL": app.config["DATABASE_URL"], "REGIONS_DIR": str(regions)},
                   extra_plugins=[hello_hooks])
    lines = [line for line in caught.value.errors if "rmc-19.toml" in line]
    assert any(line.endswith("instruments.hello.greeting: 42 is geen tekst") for line in lines), lines
    assert any("instruments.hello.groet: onbekende instelling" in line for line in lines), lines


def test_hook_register_sheets(app):
    import openpyxl

    entries = app.extensions["regioplatform"].entries
    spec = next(s for s in entries["hello"].sheets if s.name == "hello-groeten")
    assert spec.model is Greeting
    assert spec.permission == "hello.post"
    # Attributed to hello alone, although pluggy's bare call would mix all plugins.
    assert [key for key, e in entries.items() if any(s.name == spec.name for s in e.sheets)] == ["hello"]

    # The core's Excel engine serves the declared sheet under hello's pages.
    client = signed_in(app, "lezer@utrecht.example", "GM0344", "viewer")
    page = client.get("/regio/rmc-19/hello/excel/hello-groeten/")
    assert page.status_code == 200
    assert spec.title in html(page)
    template = client.get("/regio/rmc-19/hello/excel/hello-groeten/sjabloon.xlsx")
    assert template.status_code == 200
    assert template.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(template.data)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == [c.header for c in spec.columns]


def test_hook_agreement_templates(app):
    entries = app.extensions["regioplatform"].entries
    templates = entries["hello"].agreement_templates
    assert [(t.key, t.title) for t in templates] == [("hello-afspraak", "Groetafspraak")]
    assert all(t.key != "hello-afspraak" for key, e in entries.items() if key != "hello"
               for t in e.agreement_templates)


def test_hook_register_commands(app):
    runner = app.test_cli_runner()
    listing = runner.invoke(regio, ["--help"])
    assert listing.exit_code == 0
    assert re.search(r"^\s+hello\s+Commands of the hello test instrument", listing.output, re.M), listing.output

    result = runner.invoke(regio, ["hello", "count"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0 groeten"
    add_greetings(app, "rmc-19", "GM0344", "Hoi", "Dag")
    result = runner.invoke(regio, ["hello", "count"])
    assert result.output.strip() == "2 groeten"


# --- Phase B: region-scoped contributions --------------------------------------

def test_hook_navigation_items(app):
    viewer = signed_in(app, "lezer@utrecht.example", "GM0344", "viewer")
    editor = signed_in(app, "invoerder@utrecht.example", "GM0344", "editor")
    twente = signed_in(app, "rmc@twente.example", "MC12", "admin")

    links = nav_links(html(viewer.get("/regio/rmc-19/")))
    assert "/regio/rmc-19/hello/" in links
    assert "/regio/rmc-19/hello/nieuw" not in links  # needs hello.post, which a viewer lacks

    links = nav_links(html(editor.get("/regio/rmc-19/")))
    # Grouped per instrument in instrument order (hello 90 last), items in their own order.
    instruments = []
    assert links[1] == "/regio/rmc-19/kalender"  # the core's region calendar, before the instruments' items
    for link in links[2:]:
        key = link.split("/")[3]
        if not instruments or instruments[-1] != key:
            instruments.append(key)
    assert links[0] == "/regio/rmc-19/"
    with_menu = [key for key in enabled_in(app, "rmc-19") if key in instruments]
    assert instruments == with_menu and instruments[-1] == "hello" and len(instruments) > 1
    assert links[-2:] == ["/regio/rmc-19/hello/", "/regio/rmc-19/hello/nieuw"]
    # The menu is on instrument pages too, and never links into a disabled instrument.
    other = other_instrument(app)
    assert "/regio/rmc-19/hello/nieuw" in nav_links(html(editor.get(f"/regio/rmc-19/{other}/")))
    links = nav_links(html(twente.get("/regio/rmc-12/")))
    assert f"/regio/rmc-12/{other_instrument(app, 'rmc-12')}/" in links
    assert not [link for link in links if "/hello/" in link]


def test_hook_dashboard_widgets(app):
    add_greetings(app, "rmc-19", "GM0344", "Hoi", "Dag")
    add_greetings(app, "rmc-29", "GM0599", "Moi")
    utrecht = signed_in(app, "lezer@utrecht.example", "GM0310", "viewer")
    rijnmond = signed_in(app, "lezer@rotterdam.example", "GM0599", "viewer")
    twente = signed_in(app, "rmc@twente.example", "MC12", "admin")

    assert '<p class="hello-widget">2 groeten in deze regio</p>' in html(utrecht.get("/regio/rmc-19/"))
    assert '<p class="hello-widget">1 groet in deze regio</p>' in html(rijnmond.get("/regio/rmc-29/"))  # ngettext
    page = html(twente.get("/regio/rmc-12/"))
    assert "hello-widget" not in page
    assert "Deelnemende organisaties" in page  # the overview itself did render


def test_hook_national_overview(app):
    """hello's national section: its chart text and its table per region on /landelijk/ for the ministry, the
    same table as a typed .xlsx; a regional coordinator gets 403 on both."""
    import openpyxl

    add_greetings(app, "rmc-19", "GM0344", "Hoi", "Dag")
    add_greetings(app, "rmc-29", "GM0599", "Moi")
    make_user(app, "bureau@ministerie.example", platform_role="ministry")
    ministry = app.test_client()
    assert login(ministry, "bureau@ministerie.example").status_code == 302
    page = html(ministry.get("/landelijk/"))
    assert '<p class="hello-national">3 groeten in het hele land</p>' in page
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)</td>', page))
    assert rows["Utrecht"] == "2" and rows["Rijnmond"] == "1"
    assert "waar groeten aan staat." in page  # the completeness note under the table
    book = ministry.get("/landelijk/hello-0.xlsx")
    assert book.status_code == 200 and book.headers["Content-Disposition"].startswith("attachment")
    ws = openpyxl.load_workbook(io.BytesIO(book.data)).active
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert values["Utrecht"] == 2 and values["Rijnmond"] == 1
    assert ministry.get("/landelijk/hello-1.xlsx").status_code == 404
    coordinator = signed_in(app, "rmc@twente.example", "MC12", "admin")
    assert coordinator.get("/landelijk/").status_code == 403
    assert coordinator.get("/landelijk/hello-0.xlsx").status_code == 403


def test_hook_register_aggregates(app):
    """hello's sums per region follow every write of its greetings in the same transaction: a new greeting,
    a changed one, one moved to another region, a deleted one; the table never holds what the rows do not."""
    from core.aggregates.maintain import recomputed, stored
    from core.db import db_session

    first, second = add_greetings(app, "rmc-19", "GM0344", "Hoi", "Dag")
    utrecht, rijnmond = region_id(app, "rmc-19"), region_id(app, "rmc-29")
    with app.app_context():
        session = db_session()
        assert stored(session)[("hello", "greetings", utrecht, "all", "greetings")] == 2
        greeting = session.get(Greeting, first)
        greeting.sent, greeting.school_year, greeting.mood = 7, "2024-2025", "blij"
        session.flush()  # not yet committed: the sums changed in the same transaction
        assert stored(session)[("hello", "by_year", utrecht, "2024-2025", "sent:blij")] == 7
        session.rollback()
        assert ("hello", "by_year", utrecht, "2024-2025", "sent:blij") not in stored(session)
        greeting = session.get(Greeting, first)
        greeting.region_id = rijnmond
        session.delete(session.get(Greeting, second))
        session.commit()
        sums = stored(session)
        assert ("hello", "greetings", utrecht, "all", "greetings") not in sums
        assert sums[("hello", "greetings", rijnmond, "all", "greetings")] == 1
        assert sums == recomputed(session)
        moved = session.get(Greeting, first)
        session.commit()  # expires `moved`: its deletion must still find the region it counted in
        session.delete(moved)
        session.commit()
        assert ("hello", "greetings", rijnmond, "all", "greetings") not in stored(session)


def test_hook_retention_rules(app_factory, tmp_path):
    """rmc-19 keeps greetings 12 months (retention_months in its [instruments.hello]): `regio purge` removes
    the older ones, keeps the younger and the unsent, leaves every national sum as it was (also after a later
    write and a rebuild), and audits the removal on the chain that still verifies; rmc-29 sets nothing and keeps
    everything."""
    import datetime as dt

    from core.aggregates.read import aggregate_table
    from core.audit.models import AuditEntry
    from core.db import db_session

    regions = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, regions)
    path = regions / "rmc-19.toml"
    path.write_text(path.read_text().replace('greeting = "Goedemorgen"', 'greeting = "Goedemorgen"\nretention_months = 12'))
    app = app_factory(REGIONS_DIR=str(regions))
    with app.app_context():  # what `regio regions sync` does after a region file changed
        from core.regions.sync import sync_regions

        sync_regions(db_session(), app.extensions["regioplatform.regions"])
        db_session().commit()
    today = dt.date.today()
    old, young = today - dt.timedelta(days=400), today - dt.timedelta(days=300)
    utrecht, rijnmond = region_id(app, "rmc-19"), region_id(app, "rmc-29")
    with app.app_context():
        session = db_session()
        for region, org, text, sent_on, sent in [(utrecht, "GM0344", "Oud", old, 3), (utrecht, "GM0344", "Jong", young, 4),
                                                 (utrecht, "GM0344", "Nooit", None, 5),
                                                 (rijnmond, "GM0599", "Oud", old, 6)]:
            session.add(Greeting(region_id=region, organisation_id=org_id(app, "GM0344" if region == utrecht else org),
                                 text=text, sent_on=sent_on, sent=sent))
        session.commit()

    def sums():
        with app.app_context():
            table = aggregate_table("hello", "greetings", db_session())
            return {(r, m): table.value(r, "all", m) for r in (utrecht, rijnmond) for m in ("greetings", "sent")}

    def texts(region):
        with app.app_context():
            return sorted(db_session().scalars(select(Greeting.text).where(Greeting.region_id == region)))

    before = sums()
    assert before[(utrecht, "greetings")] == 3 and before[(utrecht, "sent")] == 12
    result = app.test_cli_runner().invoke(regio, ["purge"])
    assert result.exit_code == 0, result.output
    assert "Bewaartermijn hello in rmc-19: 1 uit hello_greeting" in result.output
    assert texts(utrecht) == ["Jong", "Nooit"]
    assert texts(rijnmond) == ["Oud"]
    assert sums() == before
    with app.app_context():
        entry = db_session().scalars(select(AuditEntry).where(AuditEntry.action == "retention")).one()
        assert (entry.object_type, entry.region_id, entry.actor) == ("hello", utrecht, "regio purge")
        assert entry.after["removed"] == {"hello_greeting": 1} and entry.after["period"] == "12 maanden"
    assert app.test_cli_runner().invoke(regio, ["audit", "verify"]).exit_code == 0
    again = app.test_cli_runner().invoke(regio, ["purge"])  # twice: nothing more, no second entry
    assert "Bewaartermijn" not in again.output
    add_greetings(app, "rmc-19", "GM0344", "Nieuw")  # a later write recomputes rmc-19: the removed part stays
    assert sums()[(utrecht, "greetings")] == 4
    assert app.test_cli_runner().invoke(regio, ["db", "rebuild-aggregates"]).exit_code == 0
    assert sums() == {**before, (utrecht, "greetings"): 4}
    with app.app_context():
        assert db_session().scalar(select(func.count()).where(AuditEntry.action == "retention")) == 1


def test_hook_public_figures(app):
    """hello's school years on the coordinators' publish page; an incomplete year is refused with the reason;
    a complete one is published as a snapshot (small counts suppressed by hello's rule) and only then shows on
    /openbaar/rmc-19/, which answers 404 until the coordinators switch it on, and needs no login."""
    from core.consortia.models import ConsortiumMember
    from core.db import db_session

    utrecht = region_id(app, "rmc-19")
    with app.app_context():
        session = db_session()
        for org in ("GM0344", "GM0310"):
            session.add(ConsortiumMember(region_id=utrecht, instrument_key="hello", organisation_id=org_id(app, org),
                                         role="deelnemer"))
        session.add_all([Greeting(region_id=utrecht, organisation_id=org_id(app, "GM0344"), text=f"Hoi {i}",
                                  school_year="2024-2025") for i in range(4)])
        session.commit()
    anonymous = app.test_client()
    assert anonymous.get("/openbaar/rmc-19/").status_code == 404  # off until the coordinators switch it on
    coordinator = signed_in(app, "rmc@utrecht.example", "MC19", "admin")
    page = html(coordinator.get("/regio/rmc-19/openbaar"))
    assert "2024-2025" in page and "nog geen groet van Gemeente De Bilt" in page
    refused = coordinator.post("/regio/rmc-19/openbaar/hello/publiceren", data={"school_year": "2024-2025"})
    assert refused.status_code == 400
    assert "2024-2025 is niet compleet en kan niet gepubliceerd worden: nog geen groet van Gemeente De Bilt" in html(refused)
    with app.app_context():
        session = db_session()
        session.add(Greeting(region_id=utrecht, organisation_id=org_id(app, "GM0310"), text="Dag",
                             school_year="2024-2025"))
        session.commit()
    assert coordinator.post("/regio/rmc-19/openbaar/hello/publiceren",
                            data={"school_year": "2024-2025"}).status_code == 302
    assert coordinator.post("/regio/rmc-19/openbaar/schakelaar", data={"enabled": "1"}).status_code == 302
    public = anonymous.get("/openbaar/rmc-19/")
    assert public.status_code == 200 and public.headers["Cache-Control"] == "public, max-age=300"
    text_ = html(public)
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">([^<]+)</td>', text_))
    assert rows == {"Gemeente Utrecht": "4", "Gemeente De Bilt": "&lt;3"}
    with app.app_context():  # a later change is not on the public page until it is published again
        session = db_session()
        session.add(Greeting(region_id=utrecht, organisation_id=org_id(app, "GM0344"), text="Later",
                             school_year="2024-2025"))
        session.commit()
    assert '<td class="num">5</td>' not in html(anonymous.get("/openbaar/rmc-19/"))
    assert anonymous.get("/openbaar/rmc-29/").status_code == 404


def test_the_coordinators_public_page_says_whether_it_is_on_and_which_years_are_published(app):
    """The switch and each offered year's publication as they stand: off with nothing published, on with
    nothing published, on with the year published, off again with the year still published."""
    from core.consortia.models import ConsortiumMember
    from core.db import db_session

    utrecht = region_id(app, "rmc-19")
    with app.app_context():
        session = db_session()
        session.add(ConsortiumMember(region_id=utrecht, instrument_key="hello",
                                     organisation_id=org_id(app, "GM0344"), role="deelnemer"))
        session.add(Greeting(region_id=utrecht, organisation_id=org_id(app, "GM0344"), text="Hoi",
                             school_year="2024-2025"))
        session.commit()
    coordinator = signed_in(app, "rmc@utrecht.example", "MC19", "admin")

    def state() -> tuple[bool, bool]:
        page = html(coordinator.get("/regio/rmc-19/openbaar"))
        assert ("De openbare pagina staat aan" in page) != ("De openbare pagina staat uit" in page)
        assert ("Opnieuw publiceren: 2024-2025" in page) != ("Publiceren: 2024-2025" in page.replace(
            "Opnieuw publiceren: 2024-2025", ""))
        return "De openbare pagina staat aan" in page, "Opnieuw publiceren: 2024-2025" in page

    assert state() == (False, False)
    assert coordinator.post("/regio/rmc-19/openbaar/schakelaar", data={"enabled": "1"}).status_code == 302
    assert state() == (True, False)
    assert coordinator.post("/regio/rmc-19/openbaar/hello/publiceren",
                            data={"school_year": "2024-2025"}).status_code == 302
    assert state() == (True, True)
    assert coordinator.post("/regio/rmc-19/openbaar/schakelaar", data={"enabled": "0"}).status_code == 302
    assert state() == (False, True)

def test_hook_deadlines(app):
    """hello's deadline (its [instruments.hello] deadline setting) in the region calendar and on the home page's
    task list, where hello is enabled, for the people it concerns; a region without hello never asks it."""
    from core.db import db_session
    from core.regions.models import Region, RegionInstrument

    with app.app_context():
        session = db_session()
        for row in session.scalars(select(RegionInstrument).join(Region, Region.id == RegionInstrument.region_id)
                                   .where(RegionInstrument.instrument_key == "hello")):
            row.settings = {**row.settings, "deadline": "2099-06-30"}
        session.commit()
    editor = signed_in(app, "invoerder@utrecht.example", "GM0344", "editor")
    viewer = signed_in(app, "lezer@utrecht.example", "GM0344", "viewer")
    twente = signed_in(app, "rmc@twente.example", "MC12", "admin")
    calendar = html(viewer.get("/regio/rmc-19/kalender"))
    assert "Groeten plaatsen" in calendar and 'href="/regio/rmc-19/hello/nieuw"' in calendar
    assert "In te vullen vóór 30 juni 2099:" in html(editor.get("/"))  # hello names editors and admins
    assert "Groeten plaatsen" not in html(viewer.get("/"))  # a viewer has nothing to do
    assert "Groeten plaatsen" not in html(twente.get("/regio/rmc-12/kalender"))  # rmc-12 has no hello


def test_hook_demo_data(app):
    """`regio demo --load-only` lets hello add its demo greeting where it is enabled, once."""
    from core.db import db_session
    from core.regions.models import Region
    from tests.plugins.hello.models import Greeting

    def greetings_per_region():
        with app.app_context():
            rows = db_session().execute(select(Region.slug, Greeting.text).join(Greeting, Greeting.region_id == Region.id))
            return sorted(rows)

    def consortium_seats():
        from core.consortia.models import ConsortiumMember
        from core.orgs.models import Organisation

        with app.app_context():
            return sorted(db_session().execute(
                select(Region.slug, Organisation.kind, ConsortiumMember.role)
                .join(ConsortiumMember, ConsortiumMember.region_id == Region.id)
                .join(Organisation, Organisation.id == ConsortiumMember.organisation_id)
                .where(ConsortiumMember.instrument_key == "hello")).all())

    runner = app.test_cli_runner()
    assert consortium_seats() == []
    first = runner.invoke(regio, ["demo", "--load-only"])
    assert first.exit_code == 0, first.output
    expected = [("rmc-19", "Welkom (demo)"), ("rmc-29", "Welkom (demo)")]  # rmc-12 has no hello
    assert greetings_per_region() == expected
    seats = consortium_seats()
    assert seats and {kind for _slug, kind, _role in seats} == {"gemeente"}  # what hello's demo_data returned
    assert {slug for slug, _kind, _role in seats} == {"rmc-19", "rmc-29"}
    again = runner.invoke(regio, ["demo", "--load-only"])
    assert again.exit_code == 0, again.output
    assert greetings_per_region() == expected
    assert consortium_seats() == seats  # seated once


# --- startup validation: the app refuses to start -----------------------------

def fake_plugin(key: str, *, info_key: str | None = None, order: int = 100, **hooks) -> types.ModuleType:
    """A plugin module built in the test; `hooks` maps attribute names to functions."""
    from core.hookspecs import hookimpl
    from core.instruments import Instrument

    module = types.ModuleType(f"fake_{key}")
    module.KEY = key

    def instrument_info():
        return Instrument(key=info_key or key, name=f"Nep {key}", order=order)

    hooks.setdefault("instrument_info", instrument_info)
    for name, function in hooks.items():
        if function is not None:
            setattr(module, name, hookimpl(function))
    return module


def boot(tmp_path, monkeypatch, *plugins, load_entry_points=True):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    config = {**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'boot.db'}", "REGIONS_DIR": str(FIXTURE_REGIONS)}
    return create_app(config, extra_plugins=[hello_hooks, *plugins], load_entry_points=load_entry_points)


def refused(tmp_path, monkeypatch, *plugins) -> str:
    with pytest.raises(PluginError) as caught:
        boot(tmp_path, monkeypatch, *plugins)
    message = str(caught.value)
    assert "\n" not in message, "startup errors are one line"
    return message


def test_startup_accepts_a_valid_extra_plugin(tmp_path, monkeypatch):
    # Control for the refusals below: the same helper boots when nothing is wrong.
    from core.instruments import Permission

    good = fake_plugin("goed", register_permissions=lambda: [Permission("goed.view", "Bekijken", {"viewer"})])
    app = boot(tmp_path, monkeypatch, good)
    installed = {ep.name for ep in discovery.installed_entry_points()}
    assert len(installed) >= 4 and set(app.extensions["regioplatform"].entries) == installed | {"hello", "goed"}


def test_startup_refuses_instrument_key_that_differs_from_plugin_name(tmp_path, monkeypatch):
    message = refused(tmp_path, monkeypatch, fake_plugin("alfa", info_key="beta"))
    assert message.startswith("plugin 'alfa', hook instrument_info: ")
    assert "'beta'" in message


def test_startup_refuses_a_plugin_without_instrument_info(tmp_path, monkeypatch):
    message = refused(tmp_path, monkeypatch, fake_plugin("alfa", instrument_info=None,
                                                         register_permissions=lambda: []))
    assert message.startswith("plugin 'alfa', hook instrument_info: ")


def test_startup_refuses_a_misspelt_hook(tmp_path, monkeypatch):
    message = refused(tmp_path, monkeypatch, fake_plugin("alfa", navigation_item=lambda region: []))
    assert message.startswith("plugin 'alfa', hook navigation_item: unknown hook")


def test_startup_refuses_a_hook_argument_the_spec_does_not_offer(tmp_path, monkeypatch):
    message = refused(tmp_path, monkeypatch, fake_plugin("alfa", navigation_items=lambda regio: []))
    assert message.startswith("plugin 'alfa', hook navigation_items: ")
    assert "regio" in message


def test_startup_refuses_a_key_taken_by_a_built_in(tmp_path, monkeypatch):
    built_in = sorted(ep.name for ep in discovery.installed_entry_points())[0]
    message = refused(tmp_path, monkeypatch, fake_plugin(built_in))
    assert message.startswith(f"plugin '{built_in}', hook instrument_info: ")


def test_startup_refuses_permission_without_key_prefix(tmp_path, monkeypatch):
    from core.instruments import Permission

    plugin = fake_plugin("alfa", register_permissions=lambda: [Permission("hello.view", "Bekijken", {"viewer"})])
    message = refused(tmp_path, monkeypatch, plugin)
    assert message == "plugin 'alfa', hook register_permissions: permission 'hello.view' must start with 'alfa.'"


def test_startup_refuses_duplicate_sheet_name_across_plugins(tmp_path, monkeypatch):
    from core.excel.spec import Column, SheetSpec

    copy = SheetSpec(name="hello-groeten", title="Kopie", columns=(Column("text", "Groet"),))
    message = refused(tmp_path, monkeypatch, fake_plugin("alfa", register_sheets=lambda: [copy]))
    assert message.startswith("plugin 'alfa', hook register_sheets: duplicate sheet 'hello-groeten'")
    assert "'hello'" in message  # names the other plugin too


def test_startup_refuses_missing_migration_directory(tmp_path, monkeypatch):
    missing = tmp_path / "bestaat-niet"
    message = refused(tmp_path, monkeypatch, fake_plugin("alfa", migration_location=lambda: missing))
    assert message.startswith("plugin 'alfa', hook migration_location: ")
    assert str(missing) in message


def test_startup_refuses_a_retention_rule_without_an_age(tmp_path, monkeypatch):
    from core.plugin_api import RetentionRule

    message = refused(tmp_path, monkeypatch, fake_plugin("alfa", retention_rules=lambda: [RetentionRule(Greeting)]))
    assert message == ("plugin 'alfa', hook retention_rules: retention rule for hello_greeting: give either date or "
                       "period (with period_end)")
    message = refused(tmp_path, monkeypatch, fake_plugin(
        "alfa", retention_rules=lambda: [RetentionRule(Greeting, date="verzonden")]))
    assert message.endswith("the model has no column 'verzonden'")


@pytest.mark.skipif(not PG_URL.startswith("postgresql"),
                    reason="needs PostgreSQL for real concurrent transactions: set TEST_DATABASE_URL=postgresql://…")
def test_coordinators_publishing_and_switching_at_once_never_clash(app):
    """Six coordinators publish the same complete year and switch the public page on at the same moment: every
    request ends in the confirmation (no unique clash, never a 500) and one publication and one switch are stored."""
    from core.consortia.models import ConsortiumMember
    from core.db import db_session
    from core.public.models import PublicPage, PublishedFigures

    utrecht = region_id(app, "rmc-19")
    with app.app_context():
        session = db_session()
        for org in ("GM0344", "GM0310"):
            session.add(ConsortiumMember(region_id=utrecht, instrument_key="hello", organisation_id=org_id(app, org),
                                         role="deelnemer"))
            session.add(Greeting(region_id=utrecht, organisation_id=org_id(app, org), text=f"Hoi {org}",
                                 school_year="2024-2025"))
        session.commit()
    coordinators = [signed_in(app, f"rmc{i}@utrecht.example", "MC19", "admin") for i in range(6)]
    published = race(lambda i: coordinators[i].post("/regio/rmc-19/openbaar/hello/publiceren",
                                                    data={"school_year": "2024-2025"}), len(coordinators))
    switched = race(lambda i: coordinators[i].post("/regio/rmc-19/openbaar/schakelaar", data={"enabled": "1"}),
                    len(coordinators))
    assert [getattr(r, "status_code", r) for r in published + switched] == [302] * 12
    with app.app_context():
        session = db_session()
        assert len(session.scalars(select(PublishedFigures).where(PublishedFigures.region_id == utrecht)).all()) == 1
        assert session.get(PublicPage, utrecht).enabled
