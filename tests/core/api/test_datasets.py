"""A declared sheet as a dataset: the rows the token's organisation may see (as its Excel export holds them),
keyed by column key, paged with a cursor and filtered by column; nothing for another organisation's token."""
from __future__ import annotations

import datetime as dt
import decimal

import pytest
from sqlalchemy import select

from tests.plugins.hello.models import Greeting
from tests.plugins.hello.sheets import GREETINGS

from .conftest import make_token
from .test_read import bearer

URL = f"/api/v1/datasets/hello/{GREETINGS.name}"


@pytest.fixture
def greetings(world):
    """Three greetings of Utrecht (two school years) and one of De Bilt, in rmc-19."""
    from core.db import db_session
    from core.regions.models import Region

    with world.app.app_context():
        session = db_session()
        region = session.scalar(select(Region.id).where(Region.slug == "rmc-19"))
        utrecht, debilt = world.org_id("GM0344"), world.org_id("GM0310")
        for org, year, text in ((utrecht, "2024-2025", "Goedemorgen"), (utrecht, "2024-2025", "Hallo"),
                                (utrecht, "2025-2026", "Dag"), (debilt, "2025-2026", "Hoi")):
            session.add(Greeting(region_id=region, organisation_id=org, school_year=year, text=text, sent=10,
                                 budget=decimal.Decimal("12.50"), sent_on=dt.date(2025, 3, 1)))
        session.commit()


def test_a_token_reads_its_organisations_rows_page_by_page_and_filtered(world, greetings):
    secret = make_token(world, "beheer-utrecht@example.nl", "GM0344", scopes={"hello": "read"})
    client = world.app.test_client()
    rows, url = [], URL + "?limit=2"
    while url:
        body = client.get(url, headers=bearer(secret)).get_json()
        assert body["region"] == "rmc-19" and len(body["data"]) <= 2
        rows += body["data"]
        url = body["next"]
    assert sorted(r["text"] for r in rows) == ["Dag", "Goedemorgen", "Hallo"]  # not De Bilt's
    first = rows[0]
    assert (first["organisation_id"], first["budget"], first["sent_on"]) == ("GM0344", "12.50", "2025-03-01")
    filtered = client.get(URL + "?school_year=2025-2026", headers=bearer(secret)).get_json()["data"]
    assert [r["text"] for r in filtered] == ["Dag"]
    assert client.get(URL + "?region=rmc-29", headers=bearer(secret)).status_code == 404
    assert client.get(URL + "?cursor=bm9wZQ", headers=bearer(secret)).status_code == 400


def test_a_token_without_the_instrument_or_of_another_region_gets_404(world, greetings):
    from core.api.views import organisation_instruments

    with world.app.test_request_context():
        other = next(k for k, _ in organisation_instruments(world.org_id("GM0344")) if k != "hello")
        twente_key = organisation_instruments(world.org_id("MC12"))[0][0]
    no_scope = make_token(world, "beheer-utrecht@example.nl", "GM0344", scopes={other: "write"})
    twente = make_token(world, "beheer-twente@example.nl", "MC12", scopes={twente_key: "write"})
    client = world.app.test_client()
    for secret in (no_scope, twente):
        response = client.get(URL, headers=bearer(secret))
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert client.get("/api/v1/datasets/hello/onbekend", headers=bearer(no_scope)).status_code == 404
