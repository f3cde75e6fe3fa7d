"""The read endpoints of /api/v1/: a bearer token sees what its organisation may see, pages through lists with a
cursor, and gets problem+json (Dutch or English) errors; another organisation's token gets 404/403."""
from __future__ import annotations

import pytest

from .conftest import make_token


def bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}


@pytest.fixture
def utrecht(world):
    return make_token(world, "beheer-utrecht@example.nl", "GM0344", scopes={"hello": "read"})


@pytest.fixture
def twente(world):
    from core.api.views import organisation_instruments

    with world.app.test_request_context():
        first = organisation_instruments(world.org_id("MC12"))[0][0]  # rmc-12 has no hello
    return make_token(world, "beheer-twente@example.nl", "MC12", scopes={first: "write"})


def test_without_a_valid_token_every_endpoint_answers_401_problem_json(world, utrecht):
    client = world.app.test_client()
    for headers in ({}, {"Authorization": "Bearer rp_onzin"}, {"Authorization": f"Basic {utrecht}"}):
        response = client.get("/api/v1/regions", headers=headers)
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
        body = response.get_json(force=True)
        assert body["status"] == 401 and body["title"] == "Geen geldige API-sleutel"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    english = client.get("/api/v1/regions", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.get_json(force=True)["title"] == "No valid API key"
    assert english.headers["Content-Language"] == "en"


def test_a_token_reads_its_regions_organisations_and_instruments_and_its_use_is_shown(world, utrecht):
    client = world.app.test_client()
    regions = client.get("/api/v1/regions", headers=bearer(utrecht, **{"X-Forwarded-For": "x"}))
    assert regions.status_code == 200
    assert [r["slug"] for r in regions.get_json()["data"]] == ["rmc-19"]
    instruments = client.get("/api/v1/instruments", headers=bearer(utrecht)).get_json()["data"]
    assert [(i["key"], i["scope"]) for i in instruments] == [("hello", "read")]  # only what the token reaches
    org = client.get(f"/api/v1/organisations/{world.org_id('GM0344')}", headers=bearer(utrecht)).get_json()
    assert (org["identifier"], org["name"]) == ("GM0344", "Gemeente Utrecht")
    listing = world.client("beheer-utrecht@example.nl").get(f"/organisaties/{world.org_id('GM0344')}/api-sleutels")
    assert "vanaf 127.0.0.1" in listing.get_data(as_text=True)


def make_agreements(world, count: int) -> list[str]:
    """`count` hello agreements in rmc-19 (concepts, made by its coordinator through the service); their titles."""
    from sqlalchemy import select

    from core.agreements import service
    from core.db import db_session
    from core.identity.models import User
    from core.orgs.models import Organisation
    from core.regions.models import Region
    from core.testing import make_user
    from tests.core.test_route_matrix import hello_template, sample_terms

    coordinator = make_user(world.app, "coord-api@example.nl", org="MC19", role="admin")
    template = hello_template()
    titles = [f"Groetafspraak {n}" for n in range(count)]
    with world.app.app_context():
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        parties = [session.scalar(select(Organisation).where(Organisation.identifier == i)) for i in ("MC19", "GM0344")]
        for title in titles:
            service.create_agreement(session, region=region, instrument_key="hello", template=template, title=title,
                                     text_="Wij groeten elkaar.", terms=sample_terms(template, form_fields=False),
                                     parties=parties, user=session.get(User, coordinator))
        session.commit()
    return titles


def test_lists_page_with_a_cursor_filter_and_check_their_parameters(world, utrecht, twente):
    titles = make_agreements(world, 5)
    client = world.app.test_client()
    seen, url = [], "/api/v1/agreements?limit=2"
    while url:
        body = client.get(url, headers=bearer(utrecht)).get_json()
        assert len(body["data"]) <= 2
        seen += [(a["title"], a["status"], len(a["fingerprint"])) for a in body["data"]]
        url = body["next"]
    assert seen == [(t, "concept", 64) for t in titles]
    assert client.get("/api/v1/agreements?instrument=onbekend", headers=bearer(utrecht)).get_json()["data"] == []
    # rmc-12 has no hello: none of Utrecht's agreements.
    assert client.get("/api/v1/agreements", headers=bearer(twente)).get_json()["data"] == []
    one = client.get("/api/v1/agreements?limit=1", headers=bearer(utrecht)).get_json()["data"][0]
    assert client.get(f"/api/v1/agreements/{one['id']}", headers=bearer(utrecht)).get_json() == one
    assert client.get(f"/api/v1/agreements/{one['id']}", headers=bearer(twente)).status_code == 404
    gemeenten = client.get("/api/v1/organisations?kind=gemeente", headers=bearer(utrecht)).get_json()
    assert [o["identifier"] for o in gemeenten["data"]] == ["GM0344"]
    assert client.get("/api/v1/organisations?kind=mbo", headers=bearer(utrecht)).get_json()["data"] == []
    for bad in ("limit=0", "limit=abc", "limit=501", "cursor=%%%", "cursor=eyJ4IjoxfQ"):
        response = client.get(f"/api/v1/agreements?{bad}", headers=bearer(utrecht))
        assert response.status_code == 400 and response.mimetype == "application/problem+json"
        assert "parameter" in response.get_json(force=True)["detail"]


def test_another_organisations_token_gets_404_or_403_and_sees_none_of_it(world, utrecht, twente):
    client = world.app.test_client()
    utrecht_id = world.org_id("GM0344")
    assert client.get(f"/api/v1/organisations/{utrecht_id}", headers=bearer(twente)).status_code == 404
    twente_regions = client.get("/api/v1/regions", headers=bearer(twente)).get_json()["data"]
    assert [r["slug"] for r in twente_regions] == ["rmc-12"]
    twente_orgs = {o["identifier"] for o in client.get("/api/v1/organisations?limit=500",
                                                       headers=bearer(twente)).get_json()["data"]}
    assert "GM0344" not in twente_orgs
    utrecht_orgs = {o["identifier"] for o in client.get("/api/v1/organisations?limit=500",
                                                        headers=bearer(utrecht)).get_json()["data"]}
    assert utrecht_orgs == {"GM0344"}  # a municipality sees itself, not its neighbours
    assert client.get(f"/api/v1/organisations/{world.org_id('MC12')}", headers=bearer(utrecht)).status_code == 404
    assert client.get("/api/v1/agreements/999999", headers=bearer(utrecht)).status_code == 404


def test_each_token_has_its_own_rate_limit(world, utrecht, twente):
    world.app.config["API_RATE_LIMIT"] = "3/minute"
    client = world.app.test_client()
    answers = [client.get("/api/v1/regions", headers=bearer(utrecht)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/regions", headers=bearer(utrecht, **{"Accept-Language": "en"}))
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json(force=True)["title"] == "Too many requests"
    assert client.get("/api/v1/regions", headers=bearer(twente)).status_code == 200  # another token: its own count


def test_a_nul_character_in_a_parameter_is_a_400_problem_not_a_server_error(world, utrecht):
    response = world.app.test_client().get("/api/v1/organisations?kind=a%00b", headers=bearer(utrecht))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_an_unknown_api_url_and_a_wrong_method_answer_problem_json(world):
    client = world.app.test_client()
    missing = client.get("/api/v1/bestaat-niet")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert missing.get_json()["status"] == 404 and missing.get_json()["instance"] == "/api/v1/bestaat-niet"
    assert client.get("/api/v2/regions").mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/regions")
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json"
    assert "GET" in wrong.headers["Allow"]
    assert client.get("/bestaat-niet").mimetype == "text/html"  # pages keep the HTML error page
