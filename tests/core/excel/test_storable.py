"""Numbers the database cannot hold are named at their cell at validation; a database error at the commit is a
Dutch message and writes nothing (web and `regio import`)."""
from __future__ import annotations

import decimal

import pytest
from sqlalchemy import BigInteger, Integer, Numeric, SmallInteger, String

from core.cli import main
from core.excel.bounds import INT32, INT64, type_bounds

from .conftest import EDITOR, URL, counts, greetings, openpyxl_file, row, upload, xlsxwriter_file
from .test_web import text_of, token_of


def test_type_bounds_follow_the_column_type():
    assert type_bounds(Integer()) == (-INT32 - 1, INT32)
    assert type_bounds(BigInteger()) == (-INT64 - 1, INT64)
    assert type_bounds(SmallInteger()) == (-32768, 32767)
    assert type_bounds(Numeric(12, 2)) == (decimal.Decimal("-9999999999.99"), decimal.Decimal("9999999999.99"))
    assert type_bounds(Numeric()) is None and type_bounds(String(5)) is None


@pytest.mark.parametrize("writer", [openpyxl_file, xlsxwriter_file])
def test_a_count_too_large_for_integer_is_named_at_its_cell(app, editor, writer):
    from .conftest import run_import

    before = counts(app)
    prepared = run_import(app, writer([row("Een"), row("Twee", sent=3_000_000_000)]))
    assert [str(p) for p in prepared.problems] == ["D3: 3.000.000.000 is groter dan het maximum 2.147.483.647"]
    assert counts(app) == before


def test_a_declared_bound_stays_when_it_is_tighter(app, editor):
    from .conftest import run_import

    prepared = run_import(app, openpyxl_file([row("Een", budget=2_000_000)]))
    assert [str(p) for p in prepared.problems] == ["F2: 2000000,00 is groter dan het maximum 1000000"]
    prepared = run_import(app, openpyxl_file([row("Een", sent=-5)]))
    assert [str(p) for p in prepared.problems] == ["D2: -5 is kleiner dan het minimum 0"]


def test_web_preview_names_the_cell_and_nothing_is_written(app, editor_client):
    before = counts(app)
    response = upload(editor_client, openpyxl_file([row("Een", answered=10**19)]))
    assert response.status_code == 303 and response.headers["Location"].endswith("/fouten")
    text = text_of(editor_client.get(response.headers["Location"]))
    assert "E2: 10.000.000.000.000.000.000 is groter dan het maximum 2.147.483.647" in text
    assert counts(app) == before


@pytest.fixture
def unbounded(monkeypatch):
    """Validation without the storage bounds: what reaches the database now is refused there."""
    monkeypatch.setattr("core.excel.validate.storable", lambda spec, col: col)


def test_a_database_error_at_confirm_is_a_dutch_message_and_writes_nothing(app, editor_client, unbounded):
    editor_client.post(URL + f"{token_of(upload(editor_client, openpyxl_file([row('Een')])))}/bevestigen")
    before = counts(app)
    response = upload(editor_client, openpyxl_file([row("Twee", sent=10**19)]))
    assert response.headers["Location"].endswith(f"/{token_of(response)}/")  # the preview: validation let it pass
    refused = editor_client.post(URL + f"{token_of(response)}/bevestigen")
    assert refused.status_code == 409
    assert "Er is niets opgeslagen: de database weigerde een van de waarden" in text_of(refused)
    assert counts(app) == before and [g["text"] for g in greetings(app)] == ["Een"]


def test_cli_reports_a_database_error_without_a_traceback(app, editor, tmp_path, unbounded):
    path = tmp_path / "groot.xlsx"
    path.write_bytes(openpyxl_file([row("Een", sent=10**19)]))
    before = counts(app)
    result = app.test_cli_runner().invoke(main, ["import", "hello", "hello-groeten", str(path), "--region",
                                                 "rmc-19", "--as", EDITOR])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert "Er is niets opgeslagen: de database weigerde een van de waarden" in result.stderr
    assert counts(app) == before


def test_cli_names_the_cell_of_a_number_too_large(app, editor, tmp_path):
    path = tmp_path / "groot.xlsx"
    path.write_bytes(xlsxwriter_file([row("Een", sent=3_000_000_000)]))
    result = app.test_cli_runner().invoke(main, ["import", "hello", "hello-groeten", str(path), "--region",
                                                 "rmc-19", "--as", EDITOR, "--dry-run"])
    assert result.exit_code == 1
    assert "D2: 3.000.000.000 is groter dan het maximum 2.147.483.647" in result.stderr


def test_an_amount_with_more_digits_than_decimal_arithmetic_keeps_is_named_not_a_500(app, editor_client, tmp_path):
    """10^26 with two decimals is 29 digits, beyond Python's default 28: named at its cell on the web and on the
    command line (it raised decimal.InvalidOperation before)."""
    data = openpyxl_file([row("Een", budget="100000000000000000000000000,00")])
    before = counts(app)
    response = upload(editor_client, data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/fouten")
    assert ("F2: 100000000000000000000000000,00 is groter dan het maximum 1000000"
            in text_of(editor_client.get(response.headers["Location"])))
    path = tmp_path / "groot.xlsx"
    path.write_bytes(xlsxwriter_file([row("Een", budget=1e30)]))
    result = app.test_cli_runner().invoke(main, ["import", "hello", "hello-groeten", str(path), "--region", "rmc-19",
                                                 "--as", EDITOR])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "F2: 1000000000000000000000000000000,00 is groter dan het maximum 1000000" in result.stderr
    assert counts(app) == before
