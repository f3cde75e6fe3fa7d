"""An organisation admin invites a person by e-mail address: the membership exists only once the person accepts;
the admin's pages say the same whether or not the address had an account, and never show its name."""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from sqlalchemy import select, update

from core.testing import login, make_user
from tests.conftest import PG_URL
from tests.interleave import race

from .conftest import db, invitation_ids, outbox


def org_id(app, identifier: str) -> int:
    from core.orgs.models import Organisation

    return db(app, lambda s: s.scalar(select(Organisation.id).where(Organisation.identifier == identifier)))


def memberships(app, email: str) -> list[tuple[str, str]]:
    from core.identity.models import Membership, User
    from core.orgs.models import Organisation

    return db(app, lambda s: s.execute(select(Organisation.identifier, Membership.role)
                                       .join(Organisation, Organisation.id == Membership.organisation_id)
                                       .join(User, User.id == Membership.user_id).where(User.email == email)
                                       .order_by(Organisation.identifier)).all())


def flashed(client) -> str:
    page = client.get("/account").get_data(as_text=True)
    return html_lib.unescape(" ".join(re.findall(r'<div class="flash[^"]*"[^>]*>(.*?)</div>', page, re.S)))


def admin_of_utrecht(app):
    make_user(app, "beheer.utrecht@example.nl", org="GM0344", role="admin")
    client = app.test_client()
    assert login(client, "beheer.utrecht@example.nl").status_code == 302
    return client


def invite(client, org: int, email: str, name: str = "Getypte Naam", role: str = "editor"):
    return client.post(f"/organisaties/{org}/leden", data={"email": email, "name": name, "role": role})


def test_an_existing_account_is_invited_not_attached_and_the_admin_learns_nothing(app):
    make_user(app, "bestaand@example.nl", org="GM0599", role="viewer")  # an account elsewhere, named "bestaand"
    admin = admin_of_utrecht(app)
    utrecht = org_id(app, "GM0344")

    known = invite(admin, utrecht, "Bestaand@Example.nl")
    page_known = admin.get(known.headers["Location"]).get_data(as_text=True)
    unknown = invite(admin, utrecht, "nieuw@example.nl")
    page_unknown = admin.get(unknown.headers["Location"]).get_data(as_text=True)

    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    message = "Die persoon wordt pas lid van Gemeente Utrecht na het accepteren van de uitnodiging."
    for page, email in ((page_known, "bestaand@example.nl"), (page_unknown, "nieuw@example.nl")):
        assert f"Uitnodiging verstuurd aan {email}. {message}" in html_lib.unescape(page)
    # Nobody is attached; the pending list shows the address typed and the role, alike for both.
    assert memberships(app, "bestaand@example.nl") == [("GM0599", "viewer")]
    assert memberships(app, "nieuw@example.nl") == []
    pending = html_lib.unescape(page_unknown.split("Uitnodigingen die op antwoord wachten")[1].split("</table>")[0])
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td>', pending)
    assert rows == [("bestaand@example.nl", "invoerder"), ("nieuw@example.nl", "invoerder")]
    assert ">bestaand<" not in page_unknown and "bestaand (" not in page_unknown  # the account's name is not shown
    # The existing account keeps its name; its owner gets the invitation without a set-password link.
    from core.identity.models import User

    assert db(app, lambda s: s.scalar(select(User.name).where(User.email == "bestaand@example.nl"))) == "bestaand"
    (mail,) = outbox(app, "bestaand@example.nl")
    assert "lid te worden van Gemeente Utrecht" in mail.body and "/account/uitnodigingen" in mail.body
    assert "wachtwoord-instellen" not in mail.body
    assert [m.subject for m in outbox(app, "nieuw@example.nl")] == [
        "Uitnodiging voor het Regioplatform", "Uitnodiging: lid worden van Gemeente Utrecht"]


def test_the_invited_person_accepts_or_declines(app):
    make_user(app, "een@example.nl", org="GM0599", role="viewer")
    make_user(app, "twee@example.nl", org="GM0599", role="viewer")
    admin = admin_of_utrecht(app)
    utrecht = org_id(app, "GM0344")
    assert invite(admin, utrecht, "een@example.nl", role="editor").status_code == 302
    assert invite(admin, utrecht, "twee@example.nl").status_code == 302

    one, two = app.test_client(), app.test_client()
    assert login(one, "een@example.nl").status_code == 302 and login(two, "twee@example.nl").status_code == 302
    (first,) = invitation_ids(one)
    (second,) = invitation_ids(two)
    page = one.get("/account/uitnodigingen").get_data(as_text=True)
    assert "Gemeente Utrecht" in page and "invoerder" in page and "beheer.utrecht" in page
    # Nobody accepts or declines another person's invitation.
    assert one.post(f"/account/uitnodigingen/{second}/accepteren").status_code == 404
    assert one.post(f"/account/uitnodigingen/{second}/weigeren").status_code == 404
    assert memberships(app, "twee@example.nl") == [("GM0599", "viewer")]

    assert one.post(f"/account/uitnodigingen/{first}/accepteren").status_code == 302
    assert "U bent nu invoerder bij Gemeente Utrecht." in flashed(one)
    assert memberships(app, "een@example.nl") == [("GM0344", "editor"), ("GM0599", "viewer")]
    assert invitation_ids(one) == []
    assert one.post(f"/account/uitnodigingen/{first}/accepteren").status_code == 404  # used

    assert two.post(f"/account/uitnodigingen/{second}/weigeren").status_code == 302
    assert memberships(app, "twee@example.nl") == [("GM0599", "viewer")]
    page = admin.get(f"/organisaties/{utrecht}/leden").get_data(as_text=True)
    members, pending = page.split("Alle leden")[1].split("Uitnodigingen die op antwoord wachten")
    assert "een@example.nl" in members and "twee@example.nl" not in members
    assert "Geen openstaande uitnodigingen." in pending


def test_an_expired_invitation_cannot_be_accepted(app):
    from core.identity.models import MembershipInvitation

    make_user(app, "laat@example.nl", org="GM0599", role="viewer")
    admin = admin_of_utrecht(app)
    utrecht = org_id(app, "GM0344")
    assert invite(admin, utrecht, "laat@example.nl").status_code == 302
    late = app.test_client()
    assert login(late, "laat@example.nl").status_code == 302
    (invitation,) = invitation_ids(late)
    db(app, lambda s: (s.execute(update(MembershipInvitation).values(
        expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1))), s.commit()))
    assert invitation_ids(late) == []
    assert late.post(f"/account/uitnodigingen/{invitation}/accepteren").status_code == 404
    assert memberships(app, "laat@example.nl") == [("GM0599", "viewer")]
    assert "(verlopen)" in admin.get(f"/organisaties/{utrecht}/leden").get_data(as_text=True)
    # Inviting again renews it.
    assert invite(admin, utrecht, "laat@example.nl").status_code == 302
    assert len(invitation_ids(late)) == 1


def test_regio_purge_removes_expired_invitations(app):
    from core.cli import main
    from core.identity.models import MembershipInvitation

    make_user(app, "laat@example.nl", org="GM0599", role="viewer")
    make_user(app, "op.tijd@example.nl", org="GM0599", role="viewer")
    admin = admin_of_utrecht(app)
    utrecht = org_id(app, "GM0344")
    for email in ("laat@example.nl", "op.tijd@example.nl"):
        assert invite(admin, utrecht, email).status_code == 302
    db(app, lambda s: (s.execute(update(MembershipInvitation).where(MembershipInvitation.email == "laat@example.nl")
                                 .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1))),
                       s.commit()))
    result = app.test_cli_runner().invoke(main, ["purge"])
    assert result.exit_code == 0 and "1 verlopen uitnodigingen" in result.output
    assert db(app, lambda s: s.scalars(select(MembershipInvitation.email)).all()) == ["op.tijd@example.nl"]


def test_a_current_member_is_not_invited_again(app):
    make_user(app, "lid@example.nl", org="GM0344", role="viewer")
    admin = admin_of_utrecht(app)
    page = invite(admin, org_id(app, "GM0344"), "lid@example.nl")
    assert page.status_code == 400
    assert "Deze persoon is al lid van uw organisatie." in html_lib.unescape(page.get_data(as_text=True))


def test_an_organisation_admin_removes_a_member_but_not_themselves_nor_another_organisations(app):
    from core.audit.models import AuditEntry
    from core.identity.models import Membership, User

    make_user(app, "lid@example.nl", org="GM0344", role="editor")
    make_user(app, "elders@example.nl", org="GM0599", role="editor")
    admin = admin_of_utrecht(app)
    utrecht, rotterdam = org_id(app, "GM0344"), org_id(app, "GM0599")

    def membership_of(email):
        return db(app, lambda s: s.scalar(select(Membership.id).join(User).where(User.email == email)))

    elsewhere = membership_of("elders@example.nl")
    assert admin.post(f"/organisaties/{utrecht}/leden/{elsewhere}/verwijderen").status_code == 404
    assert admin.post(f"/organisaties/{rotterdam}/leden/{elsewhere}/verwijderen").status_code == 404
    own = membership_of("beheer.utrecht@example.nl")
    assert admin.post(f"/organisaties/{utrecht}/leden/{own}/verwijderen").status_code == 302
    assert memberships(app, "beheer.utrecht@example.nl") == [("GM0344", "admin")]

    removed = admin.post(f"/organisaties/{utrecht}/leden/{membership_of('lid@example.nl')}/verwijderen")
    assert removed.status_code == 302
    assert "lid@example.nl is geen lid meer van Gemeente Utrecht." in html_lib.unescape(
        admin.get(removed.headers["Location"]).get_data(as_text=True))
    assert memberships(app, "lid@example.nl") == [] and memberships(app, "elders@example.nl") == [("GM0599", "editor")]
    entry = db(app, lambda s: s.scalars(select(AuditEntry).where(AuditEntry.object_type == "membership",
                                                                 AuditEntry.action == "delete")).one())
    assert entry.actor == "beheer.utrecht@example.nl" and entry.before["role"] == "editor"


@pytest.mark.skipif(not PG_URL.startswith("postgresql"),
                    reason="needs PostgreSQL for real concurrent transactions: set TEST_DATABASE_URL=postgresql://…")
def test_accepting_and_declining_one_invitation_at_once_never_fails(app):
    """A double click on accept and a click on decline in another tab, at the same moment: each request ends in a
    page with a message (never a 500), and the person ends as a member exactly when an accept won."""
    make_user(app, "dubbel@example.nl", org="GM0599", role="viewer")
    admin = admin_of_utrecht(app)
    assert invite(admin, org_id(app, "GM0344"), "dubbel@example.nl").status_code == 302
    tabs = []
    for _ in range(4):
        tab = app.test_client()
        assert login(tab, "dubbel@example.nl").status_code == 302
        tabs.append(tab)
    (invitation,) = invitation_ids(tabs[0])
    actions = ["accepteren", "accepteren", "accepteren", "weigeren"]
    answers = race(lambda i: tabs[i].post(f"/account/uitnodigingen/{invitation}/{actions[i]}"), len(tabs))
    statuses = [getattr(a, "status_code", a) for a in answers]
    assert set(statuses) <= {302, 404}, statuses  # 404: the invitation was already gone when the page looked
    assert statuses.count(302) >= 1
    assert [m for m in memberships(app, "dubbel@example.nl") if m[0] == "GM0344"] in ([], [("GM0344", "editor")])
    assert invitation_ids(tabs[0]) == []  # accepted or declined: it is gone, never left half-done
