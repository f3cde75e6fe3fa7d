"""Privacy by design: an import that looks like personal data is refused whole, naming the cells."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from plugins.kwetsbare_jongeren.privacy import bsn_eleven_test, looks_like_bsn, screen

from .conftest import BASE, workbook

VALID_BSN = 111222333  # 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66, a multiple of 11
NOT_A_BSN = 123456789  # 9+16+21+24+25+24+21+16-9 = 147, not a multiple of 11
ROW = ["GM0344", "GM0344", "2024-2025", "in beeld", 12]


def test_the_eleven_test():
    assert bsn_eleven_test(str(VALID_BSN))
    assert not bsn_eleven_test(str(NOT_A_BSN))
    assert not bsn_eleven_test("000000000")
    assert looks_like_bsn(float(VALID_BSN)) and looks_like_bsn("111.222.333") and looks_like_bsn("111 22 23 33")
    assert not looks_like_bsn(NOT_A_BSN) and not looks_like_bsn(11122233) and not looks_like_bsn(12.5)
    assert screen("Gemeentenaam", True) is None  # one word: not a personal-data column
    assert screen("Naam jongere", True) and screen("Geboortedatum", True) and screen("BSN", True)


def import_file(world, tmp_path, data, who="utrecht"):
    path = tmp_path / "monitor.xlsx"
    path.write_bytes(data)
    return world.cli("import", "kwetsbare_jongeren", "monitor", path, "--region", "rmc-19", "--as", world.email(who))


def test_a_valid_bsn_is_refused_naming_its_cell_and_nothing_is_stored(world, tmp_path):
    data = workbook([ROW, ["GM0344", "GM0344", "2024-2025", "begeleid naar werk", VALID_BSN]])
    result = import_file(world, tmp_path, data)
    assert result.exit_code == 1
    assert "E3: deze cel bevat een getal van 9 cijfers dat de elfproef voor een burgerservicenummer" in result.stderr
    assert str(VALID_BSN) not in result.stderr  # the message never repeats the number
    assert "er is niets opgeslagen" in result.stderr
    assert world.counts() == {}


def test_a_nine_digit_number_that_fails_the_eleven_test_is_an_ordinary_count(world, tmp_path):
    data = workbook([ROW, ["GM0344", "GM0344", "2024-2025", "begeleid naar werk", NOT_A_BSN]])
    result = import_file(world, tmp_path, data)
    assert result.exit_code == 0, result.stderr
    assert world.counts()[("GM0344", "GM0344", "2024-2025", "begeleid naar werk")] == NOT_A_BSN


def test_personal_data_columns_and_a_date_of_birth_are_named_cell_by_cell(world, tmp_path):
    header = ["Melder", "Gemeente", "Periode", "Categorie", "Aantal", "Naam", "Opmerking"]
    rows = [ROW + ["Jan", None], ROW[:3] + ["begeleid naar werk", 3, None, dt.date(2008, 3, 14)],
            ROW[:3] + ["begeleid naar zorg of dagbesteding", 2, None, "14-03-2008"]]
    result = import_file(world, tmp_path, workbook(rows, header))
    assert result.exit_code == 1
    err = result.stderr
    assert "F1: de kolom 'Naam' lijkt persoonsgegevens te bevatten (naam)" in err
    assert "G3: deze cel bevat een datum, mogelijk een geboortedatum" in err
    assert "G4: deze cel bevat een datum, mogelijk een geboortedatum" in err
    assert world.counts() == {}


@pytest.mark.parametrize("header", ["Geboortedatum", "BSN", "Adres"])
def test_upload_on_the_web_is_refused_and_not_kept(world, header):
    client = world.client("utrecht")
    data = workbook([ROW + ["x"]], ["Melder", "Gemeente", "Periode", "Categorie", "Aantal", header])
    response = client.post(f"{BASE}/excel/monitor/", data={"file": (io.BytesIO(data), "monitor.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    errors = client.get(response.headers["Location"])
    page = errors.get_data(as_text=True)
    assert f"F1: de kolom &#39;{header}&#39; lijkt persoonsgegevens te bevatten" in page or \
        f"de kolom '{header}' lijkt persoonsgegevens te bevatten" in page
    assert "F1" in page
    # the refused file is not kept: there is no marked copy to download
    marked = client.get(response.headers["Location"].replace("/fouten", "/gemarkeerd.xlsx"))
    assert marked.status_code == 404
    assert world.counts() == {}


def test_the_form_refuses_a_bsn_as_a_count(world):
    client = world.client("utrecht")
    response = client.post(f"{BASE}/aantallen/nieuw", data={
        "organisation": world.org_id("GM0344"), "municipality": "GM0344", "period": "2024-2025",
        "cat_0": str(VALID_BSN)})
    assert response.status_code == 400
    assert "elfproef voor een burgerservicenummer" in response.get_data(as_text=True)
    assert world.counts() == {}


def test_an_english_upload_is_refused_in_english(world):
    client = world.client("utrecht")
    assert client.post("/taal", data={"taal": "en", "next": "/"}).status_code == 302
    header = ["Melder", "Gemeente", "Periode", "Categorie", "Aantal", "Naam"]
    rows = [ROW + ["Jan"], ["GM0344", "GM0310", "2024-2025", "begeleid naar werk", VALID_BSN, None],
            ["GM0344", "GM0344", "2025-K1", "begeleid naar werk", 3, None]]
    data = workbook(rows, header)
    response = client.post(f"{BASE}/excel/monitor/", data={"file": (io.BytesIO(data), "monitor.xlsx")},
                           content_type="multipart/form-data")
    page = " ".join(client.get(response.headers["Location"]).get_data(as_text=True).replace("&#39;", "'").split())
    assert ("F1: the column 'Naam' seems to hold personal data (naam); this platform only takes in aggregated "
            "counts. Delete the column") in page
    assert "E3: this cell holds a 9-digit number that passes the eleven-test for a citizen service number" in page
    assert ("B3: GM0344 (Gemeente Utrecht) reports counts about its own municipality only, not about GM0310; "
            "the RMC reports for every municipality of the region") in page
    assert "C4: '2025-K1' is a quarter, but region" in page and "reports per school year" in page
    assert "persoonsgegevens" not in page and str(VALID_BSN) not in page
    assert world.counts() == {}


def test_a_second_sheet_with_names_and_a_bsn_refuses_the_workbook_and_nothing_is_kept(world):
    """A valid monitor sheet, plus a (hidden) sheet "Blad 2" with names and a BSN: refused, naming sheet and cell."""
    import openpyxl
    from sqlalchemy import select

    from core.db import db_session
    from core.excel import stage
    from core.excel.models import StagedImport

    wb = openpyxl.load_workbook(io.BytesIO(workbook([ROW])))
    extra = wb.create_sheet("Blad 2")
    extra.append(["Voornaam", "Woonplaats", "Nummer"])
    extra.append(["Jan", "Utrecht", VALID_BSN])
    extra.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    client = world.client("utrecht")
    response = client.post(f"{BASE}/excel/monitor/", data={"file": (io.BytesIO(out.getvalue()), "monitor.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith("/fouten")
    page = client.get(response.headers["Location"]).get_data(as_text=True).replace("&#39;", "'")
    assert "'Blad 2'!A1: de kolom 'Voornaam' lijkt persoonsgegevens te bevatten" in page
    assert "'Blad 2'!B1: de kolom 'Woonplaats' lijkt persoonsgegevens te bevatten" in page
    assert "'Blad 2'!C2: deze cel bevat een getal van 9 cijfers" in page
    assert str(VALID_BSN) not in page and "Jan" not in page
    assert client.get(response.headers["Location"].replace("/fouten", "/gemarkeerd.xlsx")).status_code == 404
    with world.app.app_context():  # only the error list is stored, never the workbook
        staged = db_session().scalars(select(StagedImport)).all()
        assert [s.upload for s in staged] == [None]
        stored = repr(stage.errors_of(staged[0]))
        assert "'Blad 2'!C2" in stored and str(VALID_BSN) not in stored and "Jan" not in stored
    assert world.counts() == {}


def test_the_platforms_own_export_with_its_explanation_sheets_imports_again(world):
    """Toelichting and Lijsten (header "Naam") are screened as values only: an export reads in unchanged."""
    world.add_counts([("GM0344", "GM0344", "2024-2025", "in beeld", 12)])
    client = world.client("utrecht")
    exported = client.get(f"{BASE}/excel/monitor/export.xlsx").data
    response = client.post(f"{BASE}/excel/monitor/", data={"file": (io.BytesIO(exported), "monitor.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303 and not response.headers["Location"].endswith("/fouten")
