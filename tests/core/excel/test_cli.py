"""`regio import` and `regio export`: the same engine from the command line."""
from __future__ import annotations

import openpyxl
import pytest

from core.cli import main
from core.testing import make_user

from .conftest import EDITOR, counts, greetings, openpyxl_file, row


def regio(app, *args):
    return app.test_cli_runner().invoke(main, [str(a) for a in args])


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "groeten.xlsx"
    path.write_bytes(openpyxl_file([row("Een"), row("Twee")]))
    return path


def test_import_prints_the_changes_and_commits(app, editor, good_file):
    result = regio(app, "import", "hello", "hello-groeten", good_file, "--region", "rmc-19", "--as", EDITOR)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["2 wijzigingen: 2 nieuw, 0 gewijzigd, 0 ongewijzigd.",
                                          "Opgeslagen in Groeten (Utrecht)."]
    assert [g["text"] for g in greetings(app)] == ["Een", "Twee"]
    again = regio(app, "import", "hello", "hello-groeten", good_file, "--region", "MC19", "--as", EDITOR)
    assert again.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 2 ongewijzigd."


def test_import_audits_as_the_named_user(app, editor, good_file):
    from sqlalchemy import select

    from core.audit.models import AuditEntry
    from core.db import db_session

    regio(app, "import", "hello", "hello-groeten", good_file, "--region", "rmc-19", "--as", EDITOR)
    with app.app_context():
        entries = db_session().scalars(select(AuditEntry).where(AuditEntry.object_type == "hello_greeting")).all()
        assert [(e.actor, e.object_id) for e in entries] == [(EDITOR, "2 rijen")]  # both rows in one bulk entry


def test_dry_run_writes_nothing(app, editor, good_file):
    before = counts(app)
    result = regio(app, "import", "hello", "hello-groeten", good_file, "--region", "rmc-19", "--as", EDITOR,
                   "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["2 wijzigingen: 2 nieuw, 0 gewijzigd, 0 ongewijzigd.",
                                          "Proefrun: er is niets opgeslagen."]
    assert counts(app) == before


def test_errors_are_printed_with_their_cells_and_exit_non_zero(app, editor, tmp_path):
    path = tmp_path / "fout.xlsx"
    path.write_bytes(openpyxl_file([row("Een", sent="abc"), row("Twee", org="GM0310")]))
    before = counts(app)
    result = regio(app, "import", "hello", "hello-groeten", path, "--region", "rmc-19", "--as", EDITOR)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "D2: 'abc' is geen geheel getal",
        "A3: u mag geen groeten invoeren voor GM0310 (Gemeente De Bilt)",
        "2 fouten in fout.xlsx; er is niets opgeslagen.",
    ]
    assert counts(app) == before


def test_hostile_file_is_refused_on_the_command_line(app, editor, tmp_path):
    path = tmp_path / "macro.xlsm"
    path.write_bytes(openpyxl_file([row()]))
    result = regio(app, "import", "hello", "hello-groeten", path, "--region", "rmc-19", "--as", EDITOR)
    assert result.exit_code == 1
    assert "Bestanden met macro's (.xlsm) worden niet geaccepteerd" in result.stderr


def test_disabled_instrument_unknown_names_and_missing_rights(app, editor, good_file):
    make_user(app, "twente@example.nl", org="MC12", role="admin")
    cases = [
        (("hello", "hello-groeten", "--region", "rmc-12", "--as", "twente@example.nl"),
         "instrument 'hello' staat niet aan in regio Twente"),
        (("hello", "bestaat-niet", "--region", "rmc-19", "--as", EDITOR),
         "instrument 'hello' heeft geen werkblad 'bestaat-niet' (wel: hello-groeten)"),
        (("nope", "x", "--region", "rmc-19", "--as", EDITOR), "instrument 'nope' bestaat niet"),
        (("hello", "hello-groeten", "--region", "rmc-99", "--as", EDITOR), "regio 'rmc-99' bestaat niet"),
        (("hello", "hello-groeten", "--region", "rmc-19", "--as", "niemand@example.nl"),
         "er is geen actieve gebruiker met e-mailadres niemand@example.nl"),
        (("hello", "hello-groeten", "--region", "rmc-19", "--as", "twente@example.nl"),
         "twente@example.nl mag 'Groeten' niet importeren in regio Utrecht"),
    ]
    before = counts(app)
    for args, message in cases:
        instrument, sheet, *options = args
        result = regio(app, "import", instrument, sheet, good_file, *options)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
    assert counts(app) == before
    result = regio(app, "export", "hello", "hello-groeten", "--region", "rmc-12", "--as", "twente@example.nl",
                   "-o", good_file.parent / "x.xlsx")
    assert result.exit_code == 1 and "staat niet aan in regio Twente" in result.stderr


def test_export_writes_what_the_user_may_see(app, editor, good_file, tmp_path):
    regio(app, "import", "hello", "hello-groeten", good_file, "--region", "rmc-19", "--as", EDITOR)
    target = tmp_path / "uit.xlsx"
    result = regio(app, "export", "hello", "hello-groeten", "--region", "rmc-19", "--as", EDITOR, "-o", target)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"2 rijen geschreven naar {target}."
    ws = openpyxl.load_workbook(target)["Groeten"]
    assert [r[2] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]] == ["Een", "Twee"]
    again = regio(app, "import", "hello", "hello-groeten", target, "--region", "rmc-19", "--as", EDITOR)
    assert again.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 2 ongewijzigd."
