"""An institution's editor reports through the form; every rule answers in Dutch next to its field."""
from __future__ import annotations

import html
import re

import pytest

from .conftest import BASE, KINDS_19, counts, form, org_id, reports, row


def test_editor_reports_a_school_year(app, client_of):
    client = client_of("roc")
    page = client.get(f"{BASE}/rapportage/nieuw").get_data(as_text=True)
    assert "ROC Midden Nederland (25LH)" in page
    assert "Yuverta" not in page  # only the institutions the user reports for
    for kind in KINDS_19:  # the region's own measure kinds (fixture rmc-19.toml)
        assert kind in page
    response = client.post(f"{BASE}/rapportage/nieuw", data=form(
        org_id(app, "25LH"), kinds=[KINDS_19[1], KINDS_19[0]], other="Gastles door ervaringsdeskundige\n\n"))
    assert response.status_code == 303
    [stored] = reports(app)
    assert stored["org"] == "25LH" and stored["school_year"] == "2024-2025"
    assert (stored["has_desk"], stored["has_procedure"]) == (True, True)
    assert [stored[k] for k in ("reports_received", "reports_handled", "reports_forwarded", "teams_matching",
                                "teams_total")] == [10, 8, 2, 6, 20]
    assert stored["measures"] == ("Meldpunt bekendgemaakt bij studenten; Training van stagebegeleiders; "
                                  "Gastles door ervaringsdeskundige")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "De rapportage over 2024-2025 is opgeslagen." in shown
    assert "6 van 20" in shown and "(30,0%)" in shown
    assert "<li>Gastles door ervaringsdeskundige</li>" in shown


@pytest.mark.parametrize("changes, field, message", [
    ({"handled": "11"}, "reports_handled", "Meldingen afgehandeld (11) is groter dan meldingen ontvangen (10)."),
    ({"forwarded": "12"}, "reports_forwarded", "Doorgezet naar SBB (12) is groter dan meldingen ontvangen (10)."),
    ({"matching": "21"}, "teams_matching", "Teams met stagematching (21) is groter dan teams totaal (20)."),
    ({"received": "-1", "handled": "0", "forwarded": "0"}, "reports_received",
     "Meldingen ontvangen kan niet negatief zijn."),
    ({"teams": "-3", "matching": "0"}, "teams_total", "Teams totaal kan niet negatief zijn."),
    ({"received": ""}, "reports_received", "Vul een aantal in bij Meldingen ontvangen (0 als er geen zijn)."),
    ({"received": "veel"}, "reports_received", "Ongeldig getal."),
    ({"desk": ""}, "has_desk", "Kies ja of nee bij Meldpunt."),
    ({"other": "x" * 151}, "other_measures", "Regel 1 ('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…') is langer dan 150 tekens"),
])
def test_each_rule_is_refused_with_its_message_at_its_field_and_nothing_is_stored(app, client_of, changes, field,
                                                                                  message):
    client = client_of("roc")
    before = counts(app)
    response = client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"), **changes))
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert 'class="error-summary"' in page
    assert f'href="#{field}"' in page  # the summary links to the field
    assert f'id="{field}-error"' in page and message in page  # and the message stands next to it
    assert counts(app) == before


def test_a_second_report_for_the_same_year_is_refused(app, client_of):
    client = client_of("roc")
    assert client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"))).status_code == 303
    before = counts(app)
    response = client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"), received="99"))
    assert response.status_code == 400
    assert "Er is al een rapportage van deze instelling over 2024-2025" in response.get_data(as_text=True)
    assert counts(app) == before


def test_editor_changes_a_report_and_the_change_is_audited(app, client_of):
    from sqlalchemy import select

    from core.audit.models import AuditEntry
    from core.db import db_session

    client = client_of("roc")
    location = client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"), kinds=[KINDS_19[1]],
                                                                  other="Eigen aanpak")).headers["Location"]
    edit = client.get(location).get_data(as_text=True)
    assert 'value="10"' in edit  # the form is filled with the stored figures
    assert re.search(r'<input checked[^>]*value="Training van stagebegeleiders"', edit)
    assert not re.search(r'<input checked[^>]*value="Afspraken met leerbedrijven"', edit)
    assert re.search(r">\s*Eigen aanpak</textarea>", edit)
    bad = client.post(location, data=form(handled="12"))
    assert bad.status_code == 400 and "Meldingen afgehandeld (12) is groter dan meldingen ontvangen (10)." in \
        bad.get_data(as_text=True)
    assert reports(app)[0]["reports_handled"] == 8
    assert client.post(location, data=form(received="12", handled="12", kinds=[KINDS_19[1]],
                                           other="Eigen aanpak", version="1")).status_code == 303
    stored = reports(app)[0]
    assert (stored["reports_received"], stored["reports_handled"]) == (12, 12)
    with app.app_context():
        actions = db_session().scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "stagepact_report").order_by(AuditEntry.id)).all()
    assert actions == ["create", "update"]


def test_gemeente_editor_cannot_report(app, client_of):
    client = client_of("gemeente_editor")
    page = client.get(f"{BASE}/rapportage/nieuw").get_data(as_text=True)
    assert "U bent geen invoerder van een mbo-instelling" in page
    before = counts(app)
    response = client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH")))
    assert response.status_code == 403
    assert counts(app) == before


def test_editor_cannot_report_for_another_institution(app, client_of):
    before = counts(app)
    response = client_of("roc").post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "01OE")))
    assert response.status_code == 400  # not among the offered institutions
    assert "Ongeldige keuze" in response.get_data(as_text=True) or "ongeldige keuze" in response.get_data(as_text=True)
    assert counts(app) == before


def test_viewer_may_not_report(app, client_of):
    client = client_of("roc_viewer")
    assert client.get(f"{BASE}/rapportage/nieuw").status_code == 403
    assert client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"))).status_code == 403
    assert reports(app) == []


def test_a_change_over_someone_elses_newer_save_is_refused_with_the_stored_report(app, client_of):
    """No lost update: the form carries the version it showed; a save over a newer one changes nothing."""
    client = client_of("roc")
    location = client.post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"))).headers["Location"]
    assert client.post(location, data=form(received="30", handled="20", version="1")).status_code == 303
    refused = client.post(location, data=form(received="12", handled="12", version="1"))
    assert refused.status_code == 409
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", refused.get_data(as_text=True)))
    assert "Iemand anders heeft dit intussen gewijzigd" in page
    assert "Meldingen ontvangen 30 Meldingen afgehandeld 20" in page
    assert (reports(app)[0]["reports_received"], reports(app)[0]["reports_handled"]) == (30, 20)


@pytest.mark.parametrize("year", ["2021-2022", "2099-2100", "2024-2026"])
def test_a_year_outside_the_region_s_set_gets_the_one_message_on_the_form_and_in_the_import(app, client_of, imported,
                                                                                             year):
    """The set: from 2022-2023 (the Stagepact mbo) up to the running school year; the same on both ways in."""
    message = f"'{year}' is geen schooljaar dat u kunt invullen: kies een schooljaar van 2022-2023 tot en met "
    before = counts(app)
    response = client_of("roc").post(f"{BASE}/rapportage/nieuw", data=form(org_id(app, "25LH"), year=year))
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert 'href="#school_year"' in page and message in page
    result = imported([row("25LH", year=year)])
    assert result.exit_code == 1 and f"B2: {message}" in result.stderr
    assert counts(app) == before
