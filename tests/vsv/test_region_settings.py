"""vsv's settings in a region file, through the installed `regio` command (moved from tests/core/test_regions.py:
the core's tests name no instrument)."""
from __future__ import annotations

from tests.region_files import sync_edited_copies


def test_a_wrong_deadline_date_stops_regio_with_code_2(tmp_path):
    done = sync_edited_copies(tmp_path, [("rmc-19.toml", '"2025-2026" = 2026-12-15', "\"2025-2026\" = 'morgen'"),
                                         ("rmc-29.toml", '"GM0599",  # Rotterdam', '"GM0000",')])
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "De regiobestanden bevatten fouten; het platform start niet:",
        "  regions/rmc-19.toml: instruments.vsv.deadlines.2025-2026: 'morgen' is geen datum (JJJJ-MM-DD)",
        "  regions/rmc-29.toml: members.gemeente[5]: gemeente GM0000 bestaat niet (CBS-code zoals GM0363)",
    ]
    assert not (tmp_path / "regio.db").exists() or (tmp_path / "regio.db").stat().st_size == 0
