"""The sheet "cofinanciering" follows the workflow: pledges change only in a concept, deliveries only
while the subsidy is granted; checked per cell at the upload and again when the preview is confirmed.
Real .xlsx files (openpyxl) through the web pages, as the penvoerder's editor uses them."""
from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl

from .conftest import BASE, application, create, grant, midterm_open, text, confirm_pledges

SHEET = f"{BASE}/excel/cofinanciering/"
REF = "RIF-MC19-0001"
# Rows of the export: 2 = the penvoerder itself (25LH), 3 = the care provider (90000012).
# Columns: D pledged cash, E pledged in kind, F delivered cash, G delivered in kind.


def exported(client):
    response = client.get(SHEET + "export.xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data))


def upload(client, book) -> str:
    """Upload the workbook; returns where the page sends the user (the preview or the errors)."""
    data = io.BytesIO()
    book.save(data)
    response = client.post(SHEET, data={"file": (io.BytesIO(data.getvalue()), "cofinanciering.xlsx")})
    assert response.status_code == 303, text(response)
    return response.headers["Location"]


def with_cells(client, **cells):
    book = exported(client)
    for ref, value in cells.items():
        book.worksheets[0][ref] = value
    return book


def errors_of(client, location) -> str:
    assert location.endswith("/fouten"), location
    page = text(client.get(location))
    assert "Er is niets opgeslagen" in page
    return page


def confirm(client, location):
    assert not location.endswith("/fouten"), text(client.get(location))
    return client.post(location + "bevestigen")


def test_a_concept_takes_new_pledges_but_no_deliveries_yet(app, as_):
    create(app, as_)
    editor = as_("editor")
    response = confirm(editor, upload(editor, with_cells(editor, D3="1.000,50")))
    assert response.status_code == 303
    assert application(app).partners["90000012"].pledged_cash == D("1000.50")

    page = errors_of(editor, upload(editor, with_cells(editor, G3=50000)))
    assert ("G3: geleverd bedrag kan pas worden ingevuld als de subsidie is toegekend: aanvraag RIF-MC19-0001 "
            "is een concept (opgeslagen leeg, in het bestand € 50.000,00)") in page
    assert application(app).partners["90000012"].delivered_in_kind is None


def test_after_submission_a_changed_pledge_is_refused_on_its_cell_and_nothing_is_written(app, as_):
    app_id = create(app, as_)
    confirm_pledges(app, as_, app_id)
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303
    editor = as_("editor")
    before = application(app).partners
    page = errors_of(editor, upload(editor, with_cells(editor, D3=1000, E2="60.000,00", F2=10)))
    assert ("D3: toegezegd bedrag kan niet meer wijzigen: aanvraag RIF-MC19-0001 is ingediend "
            "(opgeslagen € 0,00, in het bestand € 1.000,00)") in page
    assert ("E2: toegezegd bedrag kan niet meer wijzigen: aanvraag RIF-MC19-0001 is ingediend "
            "(opgeslagen € 50.000,00, in het bestand € 60.000,00)") in page
    assert "F2: geleverd bedrag kan pas worden ingevuld als de subsidie is toegekend" in page
    assert "3 fouten" in page
    assert application(app).partners == before
    # The unchanged export goes through: nothing to write, nothing refused.
    preview = upload(editor, exported(editor))
    assert confirm(editor, preview).status_code == 303
    assert application(app).partners == before


def test_a_granted_application_takes_deliveries_but_still_no_pledge_changes(app, as_):
    app_id = create(app, as_)
    grant(app, as_, app_id)
    editor = as_("editor")
    # One pledge changed among the deliveries: the whole file is refused.
    page = errors_of(editor, upload(editor, with_cells(editor, F2="25.000,00", G3=80000, D2=49999.99)))
    assert ("D2: toegezegd bedrag kan niet meer wijzigen: aanvraag RIF-MC19-0001 is toegekend "
            "(opgeslagen € 50.000,00, in het bestand € 49.999,99)") in page
    assert "1 fout " in page
    assert application(app).partners["25LH"].delivered_cash is None
    # The deliveries alone are stored, and the page compares them with the pledges.
    assert confirm(editor, upload(editor, with_cells(editor, F2="25.000,00", G3=80000))).status_code == 303
    partners = application(app).partners
    assert partners["25LH"].delivered_cash == D("25000.00") and partners["90000012"].delivered_in_kind == D("80000.00")
    assert partners["25LH"].pledged_cash == D("50000.00")
    assert "80,0%" in text(editor.get(f"{BASE}/{app_id}"))


@midterm_open()
def test_after_the_midterm_report_deliveries_are_frozen_too(app, as_):
    app_id = create(app, as_)
    grant(app, as_, app_id)
    editor = as_("editor")
    assert confirm(editor, upload(editor, with_cells(editor, G3=70000))).status_code == 303
    assert editor.post(f"{BASE}/{app_id}/verantwoording", data={
        "reflection": "De zorggroep levert minder uren.", **delivered_fields(app)}).status_code == 303
    assert as_("signatory").post(f"{BASE}/{app_id}/status",
                                 data={"to": "tussentijdse_verantwoording"}).status_code == 303
    page = errors_of(editor, upload(editor, with_cells(editor, G3=90000, F3=None)))
    assert ("G3: geleverd bedrag kan niet meer wijzigen: aanvraag RIF-MC19-0001 heeft de tussentijdse "
            "verantwoording ingediend (opgeslagen € 70.000,00, in het bestand € 90.000,00)") in page
    assert application(app).partners["90000012"].delivered_in_kind == D("70000.00")


def delivered_fields(app) -> dict:
    """The midterm form's delivered fields as they are stored (so the form changes nothing there)."""
    from sqlalchemy import select

    from core.db import db_session
    from plugins.rif.models import Partner

    fields = {}
    with app.app_context():
        for p in db_session().scalars(select(Partner)):
            for key in ("delivered_cash", "delivered_in_kind"):
                value = getattr(p, key)
                fields[f"{key}_{p.id}"] = "" if value is None else f"{value:.2f}".replace(".", ",")
    return fields


def test_a_pledge_previewed_in_a_concept_is_refused_when_confirmed_after_submission(app, as_):
    app_id = create(app, as_)
    editor = as_("editor")
    preview = upload(editor, with_cells(editor, D3=1000))
    assert "1000" in text(editor.get(preview))  # the preview shows the change
    # Meanwhile the signatory submits the application as it is.
    confirm_pledges(app, as_, app_id)
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303
    response = confirm(editor, preview)
    assert response.status_code == 409
    page = text(response)
    assert "niets opgeslagen" in page
    assert "toegezegd bedrag kan niet meer wijzigen: aanvraag RIF-MC19-0001 is ingediend" in page
    assert "90000012" in page  # the row is named by its partner
    assert application(app).partners["90000012"].pledged_cash == D("0.00")
    assert application(app).status == "ingediend"


@midterm_open()
def test_a_delivery_previewed_while_granted_is_refused_when_confirmed_after_the_midterm_report(app, as_):
    app_id = create(app, as_)
    grant(app, as_, app_id)
    editor = as_("editor")
    preview = upload(editor, with_cells(editor, G3=95000))
    assert editor.post(f"{BASE}/{app_id}/verantwoording", data={
        "reflection": "Op schema.", **delivered_fields(app)}).status_code == 303
    assert as_("signatory").post(f"{BASE}/{app_id}/status",
                                 data={"to": "tussentijdse_verantwoording"}).status_code == 303
    response = confirm(editor, preview)
    assert response.status_code == 409
    assert ("geleverd bedrag kan niet meer wijzigen: aanvraag RIF-MC19-0001 heeft de tussentijdse "
            "verantwoording ingediend") in text(response)
    assert application(app).partners["90000012"].delivered_in_kind is None


def test_another_regions_application_reveals_nothing(app, as_):
    """A reference of an application elsewhere gets "bestaat niet", never its state or amounts."""
    from core.db import db_session
    from core.plugin_api import Region
    from plugins.rif import demo

    create(app, as_)
    with app.app_context():
        session = db_session()
        from sqlalchemy import select

        demo.load(session, session.scalars(select(Region).where(Region.slug == "rmc-29")).all())
        session.commit()
    editor = as_("editor")
    page = errors_of(editor, upload(editor, with_cells(editor, A3="RIF-MC29-0001", D3=1)))
    assert "A3: aanvraag RIF-MC29-0001 bestaat niet in deze regio" in page
    assert "tussentijdse verantwoording" not in page and "€ 50.000,00" not in page


def test_in_english_the_workflow_refusals_are_english_with_english_amounts(app, as_):
    app_id = create(app, as_)
    confirm_pledges(app, as_, app_id)
    assert as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"}).status_code == 303
    editor = as_("editor")
    assert editor.post("/taal", data={"taal": "en", "next": "/"}).status_code == 302
    location = upload(editor, with_cells(editor, E2="60.000,00", G3=50))
    assert location.endswith("/fouten")
    page = text(editor.get(location))
    assert ("E2: the pledged amount can no longer change: application RIF-MC19-0001 has been submitted "
            "(stored €50,000.00, in the file €60,000.00)") in page
    assert ("G3: the delivered amount can only be filled in once the subsidy has been granted: application "
            "RIF-MC19-0001 has been submitted (stored empty, in the file €50.00)") in page
