"""RIF on the national overview (issue 25): per region the ministry's decisions, the subsidy granted and the
co-financing pledged against delivered; the ministry reads it, a region's user does not."""
from __future__ import annotations

import io
import re

import openpyxl

from .conftest import BASE, create, decide, grant, midterm_open, org_id, text, assess, confirm_pledges, submit


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def test_the_national_overview_shows_decisions_and_co_financing_per_region(app, as_):
    granted = create(app, as_)
    grant(app, as_, granted, amount="90.000,00")
    refused = create(app, as_)
    confirm_pledges(app, as_, refused)
    submit(app, as_, refused)
    assess(as_, refused)
    assert decide(as_, refused, outcome="afgewezen", reasons="Te weinig mkb.").status_code == 303
    # before the partners report, the table says that "delivered" is not complete yet
    assert "€ 0,00 0,0% 0 van 2" in words(as_("ministry").get("/landelijk/"))
    with midterm_open():
        from core.testing import login

        from .conftest import email

        editor = app.test_client()
        assert login(editor, email("editor")).status_code == 302
        from core.db import db_session
        from plugins.rif.models import Partner

        with app.app_context():
            lines = {p.partner_id: p.id for p in db_session().query(Partner).filter(
                Partner.application_ref == "RIF-MC19-0001")}
        assert editor.post(f"{BASE}/{granted}/verantwoording", data={
            "reflection": "Op schema.", f"delivered_cash_{lines[org_id(app, '25LH')]}": "50.000,00",
            f"delivered_in_kind_{lines[org_id(app, '25LH')]}": "50.000,00",
            f"delivered_in_kind_{lines[org_id(app, '90000012')]}": "60.000,00"}).status_code == 303
    page = as_("ministry").get("/landelijk/")
    assert page.status_code == 200
    shown = words(page)
    assert "Regionaal Investeringsfonds mbo" in shown
    assert "Tot nu toe: 1 toegekend en 1 afgewezen, samen € 90.000,00 subsidie." in shown
    # Utrecht: 2 submitted, 1 granted, 1 refused, 90.000 granted, 200.000 pledged, 160.000 delivered (80,0%)
    assert "Utrecht 2 1 1 € 90.000,00 € 200.000,00 € 160.000,00 80,0%" in shown
    assert "80,0% 2 van 2" in shown  # both partners with a pledge in the granted project have reported
    assert "Rijnmond 0 0 0 € 0,00 € 0,00 € 0,00 geen gegevens" in shown
    link = re.search(r'href="(/landelijk/rif-\d+\.xlsx)"', text(page)).group(1)
    book = openpyxl.load_workbook(io.BytesIO(as_("ministry").get(link).data), read_only=True)
    values = [[c for c in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert any(row and row[0] == "Utrecht" and row[1] == 2 for row in values), values
    # a region's coordinator does not see the national overview
    assert as_("coordinator").get("/landelijk/").status_code == 403
