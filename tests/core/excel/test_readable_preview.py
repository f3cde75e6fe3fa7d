"""The preview's stored side: a stored row the user may neither see nor import shows only its natural key."""
from __future__ import annotations

from sqlalchemy import select

from core.testing import make_user

from .conftest import EDITOR, greetings, openpyxl_file, row, run_import


def shown_for(app, email, greeting, new_text_row):
    from core.db import db_session
    from core.excel import engine
    from core.excel.readable import shown_old
    from core.identity.models import User
    from core.regions.models import Region

    spec = engine.find_sheet(app.extensions["regioplatform"], "hello", "hello-groeten")
    keys = ["organisation_id", "school_year", "text", "sent"]
    old = tuple(greeting[k] for k in keys)
    with app.test_request_context():
        session = db_session()
        user = session.scalar(select(User).where(User.email == email))
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        return shown_old(session, spec, region, user, keys, [(greeting["id"], old, new_text_row)])[0]


def test_a_stored_row_of_another_organisation_shows_only_its_key(app, editor):
    assert run_import(app, openpyxl_file([row(text="Hallo", sent=7)])).ok
    greeting = greetings(app)[0]
    make_user(app, "zeist@example.org", org="GM0355", role="editor")
    new = (greeting["organisation_id"], "2024-2025", "Hallo", 8)
    org, year, text, sent = shown_for(app, "zeist@example.org", greeting, new)
    assert (org, year, text) == (greeting["organisation_id"], "2024-2025", "Hallo")
    assert sent == "(niet zichtbaar voor u)"
    # the organisation's own editor reads it as stored
    assert shown_for(app, EDITOR, greeting, new)[3] == 7
