"""Platform tokens, made on /beheer/api-sleutels by a platform admin or the ministry: read every region through the
same authorize() path, write nothing; other admins and national assessors cannot make one and an organisation
admin's page never shows it."""
from __future__ import annotations

import datetime as dt

from core.testing import make_user
from tests.plugins.hello.sheets import GREETINGS

from .conftest import SECRET_RE
from .test_read import bearer
from .test_write import ROWS, URL

PAGE = "/beheer/api-sleutels"


def make_platform_token(world) -> str:
    make_user(world.app, "platform@example.nl", platform_admin=True)
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = world.client("platform@example.nl").post(PAGE, data={"name": "Ministerie", "expires_on": expires})
    assert response.status_code == 200, response.get_data(as_text=True)
    return SECRET_RE.search(response.get_data(as_text=True)).group(1)


def test_a_platform_token_reads_every_region_and_writes_nothing(world):
    secret = make_platform_token(world)
    client = world.app.test_client()
    slugs = [r["slug"] for r in client.get("/api/v1/regions?limit=500", headers=bearer(secret)).get_json()["data"]]
    assert {"rmc-19", "rmc-12"} <= set(slugs)  # Utrecht and Twente: more than one organisation's regions
    twente = client.get(f"/api/v1/organisations/{world.org_id('MC12')}", headers=bearer(secret))
    assert twente.status_code == 200 and twente.get_json()["identifier"] == "MC12"
    assert ("hello", "read") in [(i["key"], i["scope"]) for i in
                                 client.get("/api/v1/instruments", headers=bearer(secret)).get_json()["data"]]
    read = client.get(f"/api/v1/datasets/hello/{GREETINGS.name}?region=rmc-19", headers=bearer(secret))
    assert read.status_code == 200, read.get_data(as_text=True)
    write = client.post(URL + "?region=rmc-19", json={"rows": ROWS}, headers=bearer(secret))
    assert write.status_code == 404 and write.mimetype == "application/problem+json"
    listing = world.client("platform@example.nl").get(PAGE).get_data(as_text=True)
    assert "Ministerie" in listing and "vanaf 127.0.0.1" in listing


def test_only_a_platform_admin_makes_platform_tokens_and_a_revoked_one_reads_nothing(world):
    secret = make_platform_token(world)
    admin = world.client("beheer-utrecht@example.nl")  # an organisation admin, no platform admin
    assert admin.get(PAGE).status_code == 403
    assert admin.post(PAGE, data={"name": "Stiekem", "expires_on": "2030-01-01"}).status_code == 403
    own_page = admin.get(f"/organisaties/{world.org_id('GM0344')}/api-sleutels").get_data(as_text=True)
    assert "Ministerie" not in own_page
    from core.api.models import ApiToken
    from core.db import db_session

    with world.app.app_context():
        token_id = db_session().query(ApiToken.id).filter(ApiToken.organisation_id.is_(None)).scalar()
    platform = world.client("platform@example.nl")
    assert platform.post(f"{PAGE}/{token_id}/intrekken").status_code == 303
    assert world.app.test_client().get("/api/v1/regions", headers=bearer(secret)).status_code == 401


def test_the_ministry_makes_and_revokes_platform_read_tokens_like_a_platform_admin(world):
    from core.testing import login

    make_user(world.app, "bureau@ministerie.example", platform_role="ministry")
    ministry = world.app.test_client()
    assert login(ministry, "bureau@ministerie.example").status_code == 302
    assert 'href="/beheer/api-sleutels"' in ministry.get("/account").get_data(as_text=True)
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    made = ministry.post(PAGE, data={"name": "Landelijk dashboard", "expires_on": expires})
    assert made.status_code == 200, made.get_data(as_text=True)
    secret = SECRET_RE.search(made.get_data(as_text=True)).group(1)
    client = world.app.test_client()
    read = client.get(f"/api/v1/datasets/hello/{GREETINGS.name}?region=rmc-19", headers=bearer(secret))
    assert read.status_code == 200
    slugs = {r["slug"] for r in client.get("/api/v1/regions?limit=500", headers=bearer(secret)).get_json()["data"]}
    assert {"rmc-12", "rmc-19", "rmc-29"} <= slugs  # every region
    assert client.post(URL + "?region=rmc-19", json={"rows": ROWS}, headers=bearer(secret)).status_code == 404
    from core.api.models import ApiToken
    from core.db import db_session

    with world.app.app_context():
        token_id = db_session().query(ApiToken.id).filter(ApiToken.name == "Landelijk dashboard").scalar()
    assert ministry.post(f"{PAGE}/{token_id}/intrekken").status_code == 303
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 401
    assert ministry.get("/beheer/").status_code == 403  # the rest of platform management stays the admins'


def test_the_ministry_neither_sees_nor_revokes_a_platform_token_it_did_not_make(world):
    from core.api.models import ApiToken
    from core.db import db_session
    from core.testing import login

    secret = make_platform_token(world)  # made by a platform admin, named "Ministerie"
    make_user(world.app, "bureau@ministerie.example", platform_role="ministry")
    ministry = world.app.test_client()
    assert login(ministry, "bureau@ministerie.example").status_code == 302
    with world.app.app_context():
        token_id = db_session().query(ApiToken.id).filter(ApiToken.organisation_id.is_(None)).scalar()
    assert "Ministerie" not in ministry.get(PAGE).get_data(as_text=True)
    assert ministry.post(f"{PAGE}/{token_id}/intrekken").status_code == 404
    assert world.app.test_client().get("/api/v1/regions", headers=bearer(secret)).status_code == 200  # still works
    assert "Ministerie" in world.client("platform@example.nl").get(PAGE).get_data(as_text=True)


def test_a_national_assessor_and_an_organisation_admin_make_no_platform_token(world):
    from core.testing import login

    make_user(world.app, "lid@commissie.example", platform_role="assessor")
    assessor = world.app.test_client()
    assert login(assessor, "lid@commissie.example").status_code == 302
    for client in (assessor, world.client("beheer-utrecht@example.nl")):
        assert client.get(PAGE).status_code == 403
        assert client.post(PAGE, data={"name": "Stiekem", "expires_on": "2030-01-01"}).status_code == 403
        assert 'href="/beheer/api-sleutels"' not in client.get("/account").get_data(as_text=True)
