"""Roles above the regions (User.platform_role): the ministry reads every region and writes nothing; a national
assessor holds only what instruments grant it (hello: reading greetings everywhere); a platform admin sets them."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from core.cli import main as regio
from core.testing import login, make_user
from tests.core.test_hooks import add_greetings, html, signed_in
from tests.plugins.hello.models import Greeting


def ministry_client(app, email="bureau@ministerie.example", role="ministry"):
    make_user(app, email, platform_role=role)
    client = app.test_client()
    assert login(client, email).status_code == 302  # two-factor is required and passed
    return client


def greetings(app) -> int:
    from core.db import db_session

    with app.app_context():
        return db_session().scalar(select(func.count(Greeting.id)))


def test_the_ministry_reads_every_region_without_a_membership(app):
    (greeting,) = add_greetings(app, "rmc-29", "GM0599", "Moi")
    ministry = ministry_client(app)
    home = html(ministry.get("/"))
    for name in ("Utrecht", "Rijnmond", "Twente"):
        assert f">{name}</a>" in home
    assert 'href="/landelijk/"' in home
    for slug in ("rmc-12", "rmc-19", "rmc-29"):
        assert ministry.get(f"/regio/{slug}/").status_code == 200
    assert "Moi" in html(ministry.get("/regio/rmc-29/hello/"))
    assert ministry.get(f"/regio/rmc-29/hello/{greeting}").status_code == 200
    assert ministry.get("/landelijk/").status_code == 200


def test_the_ministry_writes_nothing(app):
    ministry = ministry_client(app)
    before = greetings(app)
    assert ministry.post("/regio/rmc-19/hello/nieuw", data={"text": "Van het ministerie"}).status_code == 403
    assert greetings(app) == before
    assert ministry.get("/beheer/").status_code == 403
    assert ministry.get("/beheer/audit").status_code == 403


def test_an_assessor_holds_only_what_instruments_grant_it(app):
    (greeting,) = add_greetings(app, "rmc-29", "GM0599", "Moi")
    assessor = ministry_client(app, "lid@commissie.example", "assessor")
    assert assessor.get("/regio/rmc-29/").status_code == 200
    assert "Moi" in html(assessor.get("/regio/rmc-29/hello/"))  # hello.view names the assessor
    assert assessor.get(f"/regio/rmc-29/hello/{greeting}").status_code == 200
    before = greetings(app)
    assert assessor.post("/regio/rmc-29/hello/nieuw", data={"text": "Oordeel"}).status_code == 403
    assert greetings(app) == before
    assert assessor.get("/landelijk/").status_code == 403  # the national overview is the ministry's


def test_a_regional_user_sees_neither_other_regions_nor_the_national_overview(app):
    viewer = signed_in(app, "lezer@utrecht.example", "GM0344", "viewer")
    assert viewer.get("/regio/rmc-29/").status_code == 404
    assert viewer.get("/landelijk/").status_code == 403
    assert 'href="/landelijk/"' not in html(viewer.get("/"))


def test_a_platform_admin_gives_and_takes_the_ministry_role(app):
    from core.db import db_session
    from core.identity.models import User

    person = make_user(app, "nieuw@ministerie.example")
    make_user(app, "beheer@platform.example", platform_admin=True)
    admin = app.test_client()
    assert login(admin, "beheer@platform.example").status_code == 302
    page = html(admin.get(f"/beheer/gebruikers/{person}"))
    assert "Landelijke rol (zonder organisatie)" in page
    answer = admin.post(f"/beheer/gebruikers/{person}/landelijke-rol", data={"platform_role": "ministry"})
    assert answer.status_code == 302
    with app.app_context():
        assert db_session().get(User, person).platform_role == "ministry"
    assert admin.post(f"/beheer/gebruikers/{person}/landelijke-rol",
                      data={"platform_role": "koning"}).status_code == 302  # refused with a message
    with app.app_context():
        assert db_session().get(User, person).platform_role == "ministry"
    admin.post(f"/beheer/gebruikers/{person}/landelijke-rol", data={"platform_role": ""})
    with app.app_context():
        assert db_session().get(User, person).platform_role is None


def test_two_admins_changing_one_platform_role_do_not_overwrite_each_other_unseen(app):
    """Both pages showed "geen"; the first save stores its role, the second is refused (409) and shows it."""
    from core.db import db_session
    from core.identity.models import User

    person = make_user(app, "wissel@ministerie.example")
    admins = []
    for email in ("een@platform.example", "twee@platform.example"):
        make_user(app, email, platform_admin=True)
        client = app.test_client()
        assert login(client, email).status_code == 302
        page = html(client.get(f"/beheer/gebruikers/{person}"))
        assert re.search(r'name="shown"[^>]*value=""', page) or re.search(r'value=""[^>]*name="shown"', page)
        admins.append(client)
    first = admins[0].post(f"/beheer/gebruikers/{person}/landelijke-rol", data={"platform_role": "ministry", "shown": ""})
    assert first.status_code == 302
    second = admins[1].post(f"/beheer/gebruikers/{person}/landelijke-rol", data={"platform_role": "assessor", "shown": ""})
    assert second.status_code == 409
    text = " ".join(re.sub(r"<[^>]+>", " ", html(second)).split())
    assert "Iemand anders heeft dit intussen gewijzigd" in text and "Nu opgeslagen Landelijke rol (zonder organisatie) ministerie (landelijk, alleen lezen)" in text
    with app.app_context():
        assert db_session().get(User, person).platform_role == "ministry"
    # Saving the shown form again (it now carries the stored role) replaces it knowingly.
    again = admins[1].post(f"/beheer/gebruikers/{person}/landelijke-rol",
                           data={"platform_role": "assessor", "shown": "ministry"})
    assert again.status_code == 302
    with app.app_context():
        assert db_session().get(User, person).platform_role == "assessor"


def test_the_cli_creates_a_ministry_user(app):
    from core.db import db_session
    from core.identity.models import User

    result = app.test_cli_runner().invoke(regio, ["users", "add", "analist@ministerie.example", "--name", "Ana Analist",
                                                  "--platform-role", "ministry"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db_session().scalar(select(User).where(User.email == "analist@ministerie.example"))
        assert user.platform_role == "ministry" and not user.is_platform_admin
