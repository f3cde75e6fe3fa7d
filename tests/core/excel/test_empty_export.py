"""Export and import are symmetric: an export with no rows re-imports as "0 wijzigingen"."""
from __future__ import annotations

from core.cli import main
from core.testing import make_user

from .conftest import EDITOR, counts, export_bytes, openpyxl_file, run_import, upload
from .test_web import text_of


def test_an_empty_export_re_imports_as_0_wijzigingen(app, editor):
    before = counts(app)
    prepared = run_import(app, export_bytes(app))
    assert [str(p) for p in prepared.problems] == []
    assert prepared.diff.change_count == 0 and prepared.diff.unchanged == 0
    assert counts(app) == before


def test_web_upload_of_an_empty_export_previews_0_wijzigingen(app, editor_client):
    export = editor_client.get("/regio/rmc-19/hello/excel/hello-groeten/export.xlsx")
    assert export.status_code == 200
    before = counts(app)
    response = upload(editor_client, export.data)
    preview = editor_client.get(response.headers["Location"])
    assert "0 wijzigingen" in text_of(preview)
    assert "bevestigen" not in preview.get_data(as_text=True)
    assert counts(app) == before


def test_cli_empty_export_then_import_is_0_wijzigingen(app, editor, tmp_path):
    path = tmp_path / "leeg.xlsx"
    runner = app.test_cli_runner()
    exported = runner.invoke(main, ["export", "hello", "hello-groeten", "--region", "rmc-19", "--as", EDITOR,
                                    "-o", str(path)])
    assert exported.exit_code == 0, exported.output
    result = runner.invoke(main, ["import", "hello", "hello-groeten", str(path), "--region", "rmc-19", "--as",
                                  EDITOR])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 0 ongewijzigd."


def test_a_hand_made_file_with_only_a_header_is_still_an_error(app, editor):
    prepared = run_import(app, openpyxl_file([]))
    assert [str(p) for p in prepared.problems] == ["Het werkblad bevat geen rijen met gegevens onder de kopregel."]


def _every_sheet(app) -> list[tuple[str, str]]:
    registry = app.extensions["regioplatform"]
    return [(entry.key, sheet.name) for entry in registry.ordered() for sheet in entry.sheets]


def test_every_sheet_of_every_instrument_re_imports_its_empty_export_as_0_wijzigingen(app, tmp_path):
    """The promise holds for each installed instrument's sheets, not only the test plugin's: exported (empty,
    in a region without rows) and imported again on the command line, nothing changes."""
    make_user(app, "beheer@platform.example", platform_admin=True)
    sheets = _every_sheet(app)
    assert ("hello", "hello-groeten") in sheets and len(sheets) > 1
    runner = app.test_cli_runner()
    before = counts(app)
    for instrument, sheet in sheets:
        path = tmp_path / f"{sheet}.xlsx"
        exported = runner.invoke(main, ["export", instrument, sheet, "--region", "rmc-19", "--as",
                                        "beheer@platform.example", "-o", str(path)])
        assert exported.exit_code == 0, (sheet, exported.output)
        result = runner.invoke(main, ["import", instrument, sheet, str(path), "--region", "rmc-19", "--as",
                                      "beheer@platform.example"])
        assert result.exit_code == 0, (sheet, result.output)
        assert result.stdout.splitlines()[0] == "0 wijzigingen: 0 nieuw, 0 gewijzigd, 0 ongewijzigd.", (
            sheet, result.output)
    assert counts(app)[0] == before[0]
