"""Ending one other session from /account: that browser is signed out, this one and the rest stay."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.testing import login, make_user

from .conftest import db, signed_in

EMAIL = "lezer@example.nl"
END_RE = re.compile(r'action="(/account/sessies/(\d+)/beeindigen)"')


def test_a_user_ends_one_other_session(app):
    from core.identity.models import UserSession

    user_id = make_user(app, EMAIL, org="GM0344", role="viewer")
    here, laptop, phone = app.test_client(), app.test_client(), app.test_client()
    for client in (laptop, phone, here):
        assert login(client, EMAIL).status_code == 302
    page = here.get("/account").get_data(as_text=True)
    buttons = END_RE.findall(page)
    assert len(buttons) == 2 and "(deze sessie)" in page  # no button for this very session
    ids = db(app, lambda s: s.scalars(select(UserSession.id).where(UserSession.user_id == user_id)
                                      .order_by(UserSession.id)).all())
    laptop_id, phone_id, here_id = ids
    assert {int(i) for _url, i in buttons} == {laptop_id, phone_id}

    done = here.post(f"/account/sessies/{laptop_id}/beeindigen")
    assert done.status_code == 302 and done.headers["Location"] == "/account"
    assert not signed_in(laptop)
    assert signed_in(here) and signed_in(phone)
    assert len(END_RE.findall(here.get("/account").get_data(as_text=True))) == 1
    # Again, this very session, or another user's session: 404, and nothing ends.
    assert here.post(f"/account/sessies/{laptop_id}/beeindigen").status_code == 404
    assert here.post(f"/account/sessies/{here_id}/beeindigen").status_code == 404
    other_id = make_user(app, "ander@example.nl", org="GM0344", role="viewer")
    other = app.test_client()
    login(other, "ander@example.nl")
    theirs = db(app, lambda s: s.scalar(select(UserSession.id).where(UserSession.user_id == other_id)))
    assert here.post(f"/account/sessies/{theirs}/beeindigen").status_code == 404
    assert signed_in(other) and signed_in(here) and signed_in(phone)
    # Signed out: to the sign-in page.
    response = app.test_client().post(f"/account/sessies/{phone_id}/beeindigen")
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen")
    assert signed_in(phone)


def test_ending_a_session_needs_a_csrf_token(csrf_app):
    from core.identity.models import UserSession

    user_id = make_user(csrf_app, EMAIL, org="GM0344", role="viewer")
    other = csrf_app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      other.get("/inloggen").get_data(as_text=True)).group(1)
    other.post("/inloggen", data={"email": EMAIL, "password": "correct-horse-battery-staple", "csrf_token": token})
    here = csrf_app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      here.get("/inloggen").get_data(as_text=True)).group(1)
    here.post("/inloggen", data={"email": EMAIL, "password": "correct-horse-battery-staple", "csrf_token": token})
    first = db(csrf_app, lambda s: s.scalar(select(UserSession.id).where(UserSession.user_id == user_id)
                                            .order_by(UserSession.id)))
    url = f"/account/sessies/{first}/beeindigen"
    assert here.post(url).status_code == 400
    assert signed_in(other)
    page = here.get("/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert here.post(url, data={"csrf_token": token}).status_code == 302
    assert not signed_in(other) and signed_in(here)
