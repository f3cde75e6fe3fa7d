"""Personal data has no place in a quality agenda: texts and Excel cells that hold it are refused, nothing written."""
from __future__ import annotations

import html

import pytest

from .conftest import BASE, GOAL, counts, regio, xlsx

SHEET = "kwaliteitsagenda-realisatie"


@pytest.mark.parametrize("text, problem", [
    ("Bel Jan op 06-12345678 voor uitleg.", "bevat een telefoonnummer"),
    ("Mail j.jansen@example.nl", "bevat een e-mailadres"),
    ("Student 111222333 viel uit", "op een burgerservicenummer lijkt"),
])
def test_a_response_with_personal_data_is_refused(app, client_of, agenda, text, problem):
    from .conftest import org_id, stored

    client_of("roc").post(f"{BASE}/agenda/{agenda}/uitnodigen", data={"organisation": org_id(app, "GM0344")})
    response_id = stored(app, "Response")[0]["id"]
    before = counts(app)
    page = client_of("gemeente").post(f"{BASE}/reactie/{response_id}", data={"decision": "opmerkingen", "text": text})
    assert page.status_code == 400
    body = html.unescape(page.get_data(as_text=True))
    assert problem in body and text not in body.split("<textarea")[0]  # the message does not repeat the value
    assert counts(app) == before


def test_a_goal_title_with_personal_data_is_refused(app, client_of, agenda):
    before = counts(app)
    page = client_of("roc").post(f"{BASE}/agenda/{agenda}/doel/nieuw",
                                 data={**GOAL, "code": "K2", "title": "Begeleiding door p.de.vries@rocmn.nl"})
    assert page.status_code == 400 and "Doel bevat een e-mailadres" in page.get_data(as_text=True)
    assert counts(app) == before


def test_an_upload_with_personal_data_is_refused_whole(app, users, agenda, tmp_path):
    path = tmp_path / "realisatie.xlsx"
    path.write_bytes(xlsx([["25LH", "2024-2027", "K1", 2024, 8.9, "Student 111222333 stopte"]]))
    before = counts(app)
    result = regio(app, "import", "kwaliteitsagenda", SHEET, path, "--region", "rmc-19", "--as", users["roc"])
    assert result.exit_code == 1
    assert "F2: " in result.stderr and "burgerservicenummer" in result.stderr and "111222333" not in result.stderr
    path.write_bytes(xlsx([["25LH", "2024-2027", "K1", 2024, 8.9, None]],
                          header=["Instelling", "Periode", "Doel", "Jaar", "Realisatie", "Toelichting", "Naam"]))
    header = regio(app, "import", "kwaliteitsagenda", SHEET, path, "--region", "rmc-19", "--as", users["roc"])
    assert header.exit_code == 1 and "persoonsgegevens" in header.stderr
    assert counts(app) == before
