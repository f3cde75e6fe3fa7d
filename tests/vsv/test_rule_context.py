"""The sheet's rules get the region, the acting user and today from the engine's context, on the command line too.

`regio import ... --region X --as EMAIL` runs without any request: the rules are told the region given with
--region and the user given with --as (nothing is read from flask.g or guessed from a membership), and the
same context on the web.
"""
from __future__ import annotations

import datetime as dt

from .conftest import COORD, UTRECHT, figures, regio, signed_in, upload, workbook


def spy_on_the_lock(monkeypatch):
    """Record what the deadline rule is told each time it asks whether a school year is locked."""
    from flask import has_request_context

    from plugins.vsv import sheets

    seen = []
    original = sheets.locked_for

    def spy(school_year, context):
        seen.append({"request": has_request_context(), "region": context.region.slug,
                     "user": getattr(context.user, "email", None), "today": context.today})
        return original(school_year, context)

    monkeypatch.setattr(sheets, "locked_for", spy)
    return seen


def test_cli_import_rules_get_region_user_and_today_without_a_request(users, clock, tmp_path, monkeypatch):
    app = users
    seen = spy_on_the_lock(monkeypatch)
    clock(dt.date(2026, 12, 1))  # rmc-19 locked 2024-2025 on 1 November 2026
    path = tmp_path / "cijfers.xlsx"
    path.write_bytes(workbook([["2024-2025", "GM0344", 1000, 20]]))

    refused = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", UTRECHT)
    assert refused.exit_code == 1
    assert "vergrendeld sinds de deadline van 1 november 2026" in refused.stderr
    assert figures(app) == []
    # The region's admin may still change a locked year: the rule knows who imports (the --as user), also
    # on the command line, where there is no signed-in user.
    done = regio(app, "import", "vsv", "vsv-cijfers", path, "--region", "rmc-19", "--as", COORD)
    assert done.exit_code == 0, done.output
    assert figures(app) == [("2024-2025", "GM0344", None, 1000, 20)]

    assert [(s["request"], s["region"], s["user"], s["today"]) for s in seen] == [
        (False, "rmc-19", UTRECHT, dt.date(2026, 12, 1)),
        (False, "rmc-19", COORD, dt.date(2026, 12, 1)),
    ]


def test_web_upload_rules_get_the_same_context(users, clock, tmp_path, monkeypatch):
    app = users
    seen = spy_on_the_lock(monkeypatch)
    clock(dt.date(2026, 12, 1))
    client = signed_in(app, UTRECHT)
    location, _page = upload(client, workbook([["2024-2025", "GM0344", 1000, 20]]))
    assert "fouten" in location
    assert [(s["region"], s["user"], s["today"]) for s in seen] == [("rmc-19", UTRECHT, dt.date(2026, 12, 1))]
