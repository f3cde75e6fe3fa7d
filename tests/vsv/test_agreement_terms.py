"""The vsv agreement template offers its targets on the core's drafting page (moved from tests/core/agreements)."""
from __future__ import annotations

from html import unescape

from core.testing import login, make_user


def test_the_drafting_page_offers_the_vsv_targets(app, client):
    make_user(app, "coord@example.nl", org="MC19", role="admin")
    login(client, "coord@example.nl")
    page = unescape(client.get("/regio/rmc-19/afspraken/vsv/nieuw").get_data(as_text=True))
    assert "Ten hoogste nieuwe vsv'ers (2025-2026), in jongeren" in page
