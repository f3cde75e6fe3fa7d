"""An id in a URL beyond the database's integer range is a 404, like any unknown id (never a 500)."""
from __future__ import annotations

import pytest

from core.testing import login, make_user

HUGE = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("number", HUGE)
def test_huge_ids_are_not_found(app, number):
    make_user(app, "beheer@example.nl", platform_admin=True)
    make_user(app, "coord@example.nl", org="MC19", role="admin")
    admin, coord = app.test_client(), app.test_client()
    assert login(admin, "beheer@example.nl").status_code == 302
    assert login(coord, "coord@example.nl").status_code == 302
    assert admin.get(f"/beheer/gebruikers/{number}").status_code == 404
    assert coord.get(f"/organisaties/{number}/leden").status_code == 404
    assert coord.post(f"/account/sessies/{number}/beeindigen").status_code in (400, 404)  # CSRF or not found


def test_the_largest_stored_id_still_matches(app):
    make_user(app, "beheer@example.nl", platform_admin=True)
    admin = app.test_client()
    assert login(admin, "beheer@example.nl").status_code == 302
    assert admin.get(f"/beheer/gebruikers/{2**31 - 1}").status_code == 404  # matched the route: no such user
