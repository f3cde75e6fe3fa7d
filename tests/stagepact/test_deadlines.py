"""The stagepact report date: taken from the signed regional agreement, shown in the calendar and the task list
of the institutions' editors, and enforced like the vsv deadline (a frozen clock)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from .conftest import BASE, USERS, form, org_id, reports

NL = ZoneInfo("Europe/Amsterdam")


def at(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=NL))


def sign_stagepact(app, report_deadline: str) -> None:
    """The regional stagepact, drafted from the plugin's template and signed by its one party (the RMC)."""
    from core.agreements import service
    from core.db import db_session
    from core.identity.models import User
    from core.orgs.models import Organisation
    from core.regions.models import Region
    from plugins.stagepact import hooks
    from plugins.stagepact.agreement import TARGET_YEARS

    template = hooks.agreement_templates()[0]
    terms = {"target_matching_share": {year: 50 for year in TARGET_YEARS}, "every_institution_desk": True,
             "report_deadline": report_deadline}
    with app.test_request_context():
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        org = session.scalar(select(Organisation).where(Organisation.identifier == "MC19"))
        user = session.scalar(select(User).where(User.email == USERS["coordinator"][0]))
        made = service.create_agreement(session, region=region, instrument_key="stagepact", template=template,
                                        title="Stagepact Utrecht", text_=template.text, terms=terms, parties=[org],
                                        user=user)
        version = made.latest
        service.send_for_signing(session, made, basis=version.fingerprint, user=user)
        service.sign(session, made, organisation_id=org.id, fingerprint=version.fingerprint, user=user)
        session.commit()


def signed_in(app, name):
    from core.testing import login

    client = app.test_client()
    assert login(client, USERS[name][0]).status_code == 302
    return client


def page(client, url) -> str:
    """The page's text, tags left out."""
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", client.get(url).get_data(as_text=True)).split())


def test_the_report_date_of_the_signed_agreement_is_a_task_for_the_institutions_editors(app, users):
    with at(dt.date(2025, 9, 20)):
        assert "Stagepactrapportage" not in page(signed_in(app, "roc"), "/")  # no agreement yet: no date
        sign_stagepact(app, "2025-10-01")
        assert ("In te vullen vóór 1 oktober 2025: Stagepactrapportage schooljaar 2024-2025 (Utrecht)"
                in page(signed_in(app, "roc"), "/"))
        for name in ("gemeente_editor", "roc_viewer", "zadkine"):  # not an institution; a viewer; another region
            assert "Stagepactrapportage" not in page(signed_in(app, name), "/"), name
        calendar = page(signed_in(app, "gemeente"), "/regio/rmc-19/kalender?instrument=stagepact")
        assert "Stagepactrapportage schooljaar 2024-2025" in calendar and "daarna vergrendeld" in calendar


def test_after_the_report_date_the_closed_school_year_is_locked_except_for_the_coordinator(app, users):
    roc_id = org_id(app, "25LH")
    with at(dt.date(2025, 9, 20)):
        sign_stagepact(app, "2025-10-01")
    with at(dt.date(2025, 10, 1)):  # the date itself is still open
        assert signed_in(app, "roc").post(f"{BASE}/rapportage/nieuw", data=form(roc_id)).status_code == 303
    [stored] = reports(app)
    with at(dt.date(2025, 10, 2)):
        roc = signed_in(app, "roc")
        refused = roc.post(f"{BASE}/rapportage/{stored['id']}", data=form(received="12"))
        assert refused.status_code == 400
        assert "De rapportages over 2024-2025 zijn vergrendeld sinds de rapportagedatum van 1 oktober 2025" in \
            " ".join(refused.get_data(as_text=True).split())
        assert reports(app)[0]["reports_received"] == 10  # nothing written
        # A new report on the closed year is refused too; a later school year is still open.
        late = roc.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"), year="2023-2024"))
        assert late.status_code == 400 and "De rapportages over 2023-2024 zijn vergrendeld" in late.get_data(as_text=True)
        assert roc.post(f"{BASE}/rapportage/nieuw", data=form(roc_id, year="2025-2026")).status_code == 303


def test_a_report_date_in_the_past_is_refused_with_the_reason_when_drafting(app, users):
    from tests.core.agreements.conftest import add_consortium

    add_consortium(app, "rmc-19", "stagepact", ["MC19"])
    with at(dt.date(2026, 12, 10)):
        coordinator = signed_in(app, "coordinator")
        data = {"title": "Regionaal stagepact Utrecht", "text": "Wij werken samen tegen stagediscriminatie.",
                "parties": [org_id(app, "MC19")], "term_0_0": "20", "term_0_1": "30", "term_0_2": "40",
                "term_0_3": "50", "term_1_0": "y", "term_2_0": "2026-12-09"}
        refused = coordinator.post("/regio/rmc-19/afspraken/stagepact/nieuw", data=data)
        assert refused.status_code == 400
        assert "9 december 2026 ligt in het verleden" in page_text(refused)
        data["term_2_0"] = "2026-12-10"
        assert coordinator.post("/regio/rmc-19/afspraken/stagepact/nieuw", data=data).status_code == 302


def page_text(response) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_after_the_report_date_an_excel_import_of_the_closed_year_is_refused(app, users, tmp_path):
    from .conftest import regio, row, xlsx

    with at(dt.date(2025, 9, 20)):
        sign_stagepact(app, "2025-10-01")
    both, open_year = tmp_path / "beide.xlsx", tmp_path / "open.xlsx"
    both.write_bytes(xlsx([row("25LH", "2024-2025"), row("25LH", "2025-2026")]))
    open_year.write_bytes(xlsx([row("25LH", "2025-2026")]))
    with at(dt.date(2025, 10, 2)):
        refused = regio(app, "import", "stagepact", "stagepact", both, "--region", "rmc-19", "--as", users["roc"])
        assert refused.exit_code == 1
        message = " ".join(refused.stderr.split())
        assert "B2: De rapportages over 2024-2025 zijn vergrendeld sinds de rapportagedatum van 1 oktober 2025" in message
        assert "B3" not in message  # the open year is fine; the file as a whole is refused
        assert reports(app) == []
        stored = regio(app, "import", "stagepact", "stagepact", open_year, "--region", "rmc-19", "--as", users["roc"])
        assert stored.exit_code == 0, stored.output
        assert [r["school_year"] for r in reports(app)] == ["2025-2026"]
