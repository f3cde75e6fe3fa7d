"""The security log a platform admin filters at /beheer/beveiliging: every security event stored, filtered by
kind, account, dates and address, a page at a time; nobody else reads it."""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re

from sqlalchemy import select, update

from core.testing import login, make_user

ADMIN = "beheer@example.nl"


def rows(page: str) -> list[list[str]]:
    """The cells of the security log table's body rows (text only)."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    return [[html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def admin_client(app):
    make_user(app, ADMIN, platform_admin=True)
    client = app.test_client()
    assert login(client, ADMIN).status_code == 302
    return client


def test_sign_ins_refusals_and_sign_outs_are_listed_for_the_platform_admin(app):
    make_user(app, "lezer@example.nl", org="MC19", role="viewer")
    reader = app.test_client()
    assert login(app.test_client(), "lezer@example.nl", "fout-wachtwoord").status_code == 200
    assert login(reader, "lezer@example.nl").status_code == 302
    assert reader.get("/beheer/beveiliging").status_code == 403
    assert reader.post("/uitloggen").status_code in (302, 303)
    admin = admin_client(app)

    page = admin.get("/beheer/beveiliging?email=lezer@")
    assert page.status_code == 200
    listed = [(r[1], r[2], r[3]) for r in rows(page.get_data(as_text=True))]
    assert listed == [("Uitgelogd", "lezer@example.nl", "127.0.0.1"),
                      ("Toegang geweigerd", "lezer@example.nl", "127.0.0.1"),
                      ("Ingelogd", "lezer@example.nl", "127.0.0.1"),
                      ("Inloggen mislukt", "lezer@example.nl", "127.0.0.1")]
    assert "fout-wachtwoord" not in page.get_data(as_text=True)

    refused = rows(admin.get("/beheer/beveiliging?kind=access.forbidden").get_data(as_text=True))
    assert [(r[1], r[2], r[4]) for r in refused] == [("Toegang geweigerd", "lezer@example.nl", "/beheer/beveiliging")]
    assert "Ingelogd" in admin.get("/beheer/beveiliging").get_data(as_text=True)  # the admin's own sign-in


def test_filters_by_date_and_address_and_refuses_a_reversed_range(app):
    from core.db import db_session
    from core.operations.security_log import SecurityEvent

    make_user(app, "lezer@example.nl", org="MC19", role="viewer")
    for _ in range(2):
        login(app.test_client(), "lezer@example.nl", "fout-wachtwoord")
    with app.app_context():
        session = db_session()
        first = session.scalar(select(SecurityEvent.id).order_by(SecurityEvent.id))
        session.execute(update(SecurityEvent).where(SecurityEvent.id == first).values(
            at=dt.datetime(2026, 1, 5, 12, tzinfo=dt.timezone.utc), address="10.1.2.3"))
        session.commit()
    admin = admin_client(app)

    old = rows(admin.get("/beheer/beveiliging?date_from=2026-01-05&date_to=2026-01-05").get_data(as_text=True))
    assert [(r[1], r[3]) for r in old] == [("Inloggen mislukt", "10.1.2.3")]
    assert [r[3] for r in rows(admin.get("/beheer/beveiliging?address=10.1.").get_data(as_text=True))] == ["10.1.2.3"]
    assert len(rows(admin.get("/beheer/beveiliging?kind=signin.failure&date_from=2026-02-01")
                    .get_data(as_text=True))) == 1
    reversed_range = admin.get("/beheer/beveiliging?date_from=2026-02-01&date_to=2026-01-01")
    assert reversed_range.status_code == 400
    assert "De einddatum ligt vóór de begindatum." in html_lib.unescape(reversed_range.get_data(as_text=True))


def test_the_log_is_read_a_page_at_a_time(app_factory):
    from core.db import db_session
    from core.operations.security_log import SecurityEvent

    app = app_factory(LIST_PAGE_SIZE=3)
    with app.app_context():
        db_session().add_all([SecurityEvent(kind="signin.failure", email=f"p{i}@example.nl", address="10.0.0.1",
                                            path="/inloggen", detail="password", request_id="")
                              for i in range(7)])
        db_session().commit()
    admin = admin_client(app)
    seen, url = [], "/beheer/beveiliging?kind=signin.failure"
    while url:
        page = admin.get(url).get_data(as_text=True)
        found = rows(page)
        assert len(found) <= 3
        seen += [r[2] for r in found]
        following = re.search(r'href="([^"]+)" rel="next"', page)
        url = html_lib.unescape(following.group(1)) if following else None
    assert seen == [f"p{i}@example.nl" for i in reversed(range(7))]


def test_two_factor_and_password_changes_are_security_events(app):
    from core.db import db_session
    from core.operations.security_log import SecurityEvent

    person = make_user(app, "teken@example.nl", org="GM0344", role="signatory", two_factor=True)
    admin = admin_client(app)
    assert admin.post(f"/beheer/gebruikers/{person}/tweestapsverificatie-herstellen").status_code == 302
    with app.app_context():
        (event,) = db_session().scalars(select(SecurityEvent).where(SecurityEvent.kind == "twofactor.reset")).all()
        assert (event.email, event.user_id, event.detail) == ("teken@example.nl", person, f"door {ADMIN}")
