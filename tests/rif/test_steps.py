"""The stepwise application (issue 25): the real form's steps, each saved on its own and working without
JavaScript; attachments are PDF or .xlsx only, size-limited, checked for being what their extension says,
kept with the application and only ever downloaded."""
from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import select

from .conftest import BASE, application, confirm_pledges, create, org_id, text

STEPS = ("Start", "Project", "Documenten", "Samenwerking", "Financieel", "Ondertekenen", "Verzenden")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Begroting"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, app_id, name, content, kind="overig"):
    return client.post(f"{BASE}/{app_id}/bijlagen", data={"attachment_kind": kind, "stap": "documenten",
                                                          "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def stored_attachments(app) -> list[tuple[str, int]]:
    from core.db import db_session
    from plugins.rif.models import Attachment

    with app.app_context():
        return [(a.filename, a.size) for a in db_session().scalars(select(Attachment).order_by(Attachment.id))]


def test_the_steps_of_the_real_form_each_save_and_come_back(app, as_):
    editor = as_("editor")
    created = editor.post(f"{BASE}/nieuw", data={
        "title": "Stapsgewijs", "description": "Eerst het project.", "sectors": ["ict"], "target_groups": ["2"],
        "start": "2026-09-01", "end": "2028-08-31", "requested_subsidy": "10.000,00",
        "organisation": org_id(app, "25LH")})
    assert created.status_code == 303 and created.headers["Location"].endswith("/stap/project")
    app_id = int(re.search(r"/rif/(\d+)/", created.headers["Location"]).group(1))
    page = text(editor.get(f"{BASE}/{app_id}/stap/project"))
    nav = re.search(r'<nav aria-label="Stappen van de aanvraag".*?</nav>', page, re.S).group(0)
    assert [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", nav)][:7] == list(STEPS)
    assert 'aria-current="step">Project</a>' in nav
    assert "<script" not in page  # no JavaScript needed
    # Financieel: a cost item saved there returns to Financieel
    saved = editor.post(f"{BASE}/{app_id}/begroting", data={"category": "personeel", "amount": "30.000,00",
                                                            "stap": "financieel"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/stap/financieel")
    assert "€ 30.000,00" in words(editor.get(saved.headers["Location"]))
    # Samenwerking: a partner
    saved = editor.post(f"{BASE}/{app_id}/partners", data={"partner": org_id(app, "90000012"), "pledged_cash": "0",
                                                           "pledged_in_kind": "20.000,00", "stap": "samenwerking"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/stap/samenwerking")
    # a refused form shows its own step again, with the error at the field
    refused = editor.post(f"{BASE}/{app_id}/begroting", data={"category": "personeel", "amount": "-1",
                                                              "stap": "financieel"})
    assert refused.status_code == 400 and 'aria-current="step">Financieel' in text(refused)
    # Project: the edit form keeps the step
    edit = text(editor.get(f"{BASE}/{app_id}/bewerken?stap=project"))
    assert '<input type="hidden" name="stap" value="project">' in edit
    # Verzenden lists what is missing: the partner's confirmation
    check = words(as_("signatory").get(f"{BASE}/{app_id}/stap/verzenden"))
    assert "Controle vóór het indienen" in check
    assert "De toezegging van Zorggroep Vecht en Rijn (fictieve demowerkgever) is nog niet bevestigd" in check
    confirm_pledges(app, as_, app_id)
    check = words(as_("signatory").get(f"{BASE}/{app_id}/stap/verzenden"))
    assert "Alles is compleet" in check and "Aanvraag indienen" in check
    sent = as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend", "stap": "verzenden"})
    assert sent.status_code == 303
    assert application(app).status == "ingediend"
    assert editor.get(f"{BASE}/{app_id}/stap/onbekend").status_code == 404


def test_attachments_are_checked_kept_and_only_downloaded(app, as_):
    app_id = create(app, as_)
    editor = as_("editor")
    assert upload(editor, app_id, "overeenkomst.pdf", PDF, "samenwerkingsovereenkomst").status_code == 303
    assert upload(editor, app_id, "begroting.xlsx", xlsx_bytes(), "begroting").status_code == 303
    for name, content, message in (
            ("virus.exe", b"MZ\x90\x00", "virus.exe is geen PDF- of .xlsx-bestand"),
            ("nep.pdf", b"<html><script>alert(1)</script></html>", "nep.pdf heet een PDF, maar is er geen."),
            ("nep.xlsx", b"PK\x03\x04 geen werkmap", "nep.xlsx heet een .xlsx-bestand, maar Excel kan het niet openen"),
            ("leeg.pdf", b"", "leeg.pdf is leeg.")):
        refused = upload(editor, app_id, name, content)
        assert refused.status_code == 400, name
        shown = words(refused)
        assert message in shown, name
        assert 'aria-current="step">Documenten' in text(refused)
    assert [n for n, _s in stored_attachments(app)] == ["overeenkomst.pdf", "begroting.xlsx"]
    page = text(as_("partner").get(f"{BASE}/{app_id}/stap/documenten"))
    link = re.search(r'href="(/regio/rmc-19/rif/\d+/bijlagen/(\d+))" download>overeenkomst.pdf', page)
    assert link
    downloaded = as_("partner").get(link.group(1))
    assert downloaded.status_code == 200 and downloaded.data == PDF
    assert downloaded.headers["Content-Disposition"].startswith("attachment;")
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"
    # someone who does not see the application does not get its files
    assert as_("other_mbo").get(link.group(1)).status_code == 404
    assert as_("rijnmond_coordinator").get(link.group(1)).status_code == 404
    # removed with its application's line removal form
    assert editor.post(f"{BASE}/{app_id}/verwijderen", data={"line": f"attachment-{link.group(2)}"}).status_code == 303
    assert [n for n, _s in stored_attachments(app)] == ["begroting.xlsx"]


def test_an_attachment_over_the_regions_limit_is_refused_and_nothing_is_stored(app, as_):
    from core.db import db_session
    from core.regions.models import Region, RegionInstrument

    with app.app_context():
        session = db_session()
        row = session.scalar(select(RegionInstrument).join(Region, Region.id == RegionInstrument.region_id)
                             .where(Region.slug == "rmc-19", RegionInstrument.instrument_key == "rif"))
        row.settings = {**row.settings, "attachment_max_mb": 1}
        session.commit()
    app_id = create(app, as_)
    big = PDF + b"0" * (1024 * 1024)
    refused = upload(as_("editor"), app_id, "groot.pdf", big)
    assert refused.status_code == 400 and "groot.pdf is groter dan 1 MB." in words(refused)
    assert stored_attachments(app) == []
    # a macro workbook is refused too
    book = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx_bytes())) as source, zipfile.ZipFile(book, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"macro")
    refused = upload(as_("editor"), app_id, "macro.xlsx", book.getvalue())
    assert refused.status_code == 400 and "macro.xlsx bevat macro's" in words(refused)
    assert stored_attachments(app) == []
