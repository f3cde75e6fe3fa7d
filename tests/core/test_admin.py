"""The platform admin section: users, memberships and organisations; bad input; access."""
from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import func, select

from core.testing import login, make_user

ADMIN = "beheer@example.nl"


# --- helpers ----------------------------------------------------------------------

def run(app, fn):
    from core.db import db_session

    with app.app_context():
        return fn(db_session())


def org_id(app, identifier: str) -> int:
    from core.orgs.models import Organisation

    return run(app, lambda s: s.scalar(select(Organisation.id).where(Organisation.identifier == identifier)))


def table_counts(app) -> dict[str, int]:
    """Rows per table, but for the security log (where a refusal records itself)."""
    from core.db import Base

    return run(app, lambda s: {t.name: s.scalar(select(func.count()).select_from(t))
                               for t in Base.metadata.sorted_tables if t.name != "security_event"})


def memberships_of(app, user_id: int) -> list[tuple[str, str]]:
    from core.identity.models import Membership
    from core.orgs.models import Organisation

    return run(app, lambda s: s.execute(
        select(Organisation.identifier, Membership.role).join(Organisation, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user_id).order_by(Organisation.identifier)).all())


def field_errors(html: str, field: str) -> list[str]:
    found = re.findall(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", m)).replace("Fout:", "", 1).strip() for m in found]


def summary_errors(html: str) -> list[tuple[str, str]]:
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert block, "no error summary at the top of the page"
    return [(target, html_lib.unescape(text))
            for target, text in re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', block.group(0))]


@pytest.fixture
def admin(app, client):
    make_user(app, ADMIN, platform_admin=True)
    assert login(client, ADMIN).status_code == 302
    return client


# --- users and memberships ---------------------------------------------------------

def test_admin_creates_a_user_and_gets_an_invite_link(app, admin):
    from core.identity.models import User

    page = admin.post("/beheer/gebruikers/nieuw", data={"email": "Nieuw@Example.nl", "name": "Nieuwe Collega"})
    assert page.status_code == 302
    user = run(app, lambda s: s.scalar(select(User).where(User.email == "nieuw@example.nl")))
    assert (user.name, user.is_platform_admin, user.password_hash) == ("Nieuwe Collega", False, None)
    assert page.headers["Location"] == f"/beheer/gebruikers/{user.id}"

    detail = admin.get(page.headers["Location"]).get_data(as_text=True)
    (link,) = re.findall(r"Uitnodigingslink: (http://localhost/wachtwoord-instellen/[^\s<]+)", detail)
    assert app.test_client().get(link.removeprefix("http://localhost")).status_code == 200
    assert "nieuw@example.nl" in admin.get("/beheer/gebruikers").get_data(as_text=True)


def test_admin_creates_a_platform_admin(app, admin):
    from core.identity.models import User

    page = admin.post("/beheer/gebruikers/nieuw",
                      data={"email": "tweede@example.nl", "name": "Tweede Beheerder", "is_platform_admin": "y"})
    assert page.status_code == 302
    assert run(app, lambda s: s.scalar(select(User.is_platform_admin).where(User.email == "tweede@example.nl")))


def test_admin_adds_changes_and_removes_a_membership(app, admin):
    from core.identity.models import Membership

    person = make_user(app, "persoon@example.nl", two_factor=True)  # a signatory below: two-factor required
    url = f"/beheer/gebruikers/{person}"

    assert admin.post(url, data={"organisation": org_id(app, "GM0344"), "role": "editor"}).status_code == 302
    assert memberships_of(app, person) == [("GM0344", "editor")]
    page = admin.get(url).get_data(as_text=True)
    assert "Gemeente Utrecht (GM0344)</th><td>invoerder</td>" in page

    # a change of a membership the form did not show is refused with the stored one; saved again, it applies
    shown = admin.post(url, data={"organisation": org_id(app, "GM0344"), "role": "admin"})
    assert shown.status_code == 409
    assert "Rol invoerder" in " ".join(re.sub(r"<[^>]+>", " ", shown.get_data(as_text=True)).split())
    assert memberships_of(app, person) == [("GM0344", "editor")]
    version = re.search(r'name="version"[^>]*value="([^"]*)"', shown.get_data(as_text=True)).group(1)
    assert admin.post(url, data={"organisation": org_id(app, "GM0344"), "role": "admin",
                                 "version": version}).status_code == 302
    assert admin.post(url, data={"organisation": org_id(app, "25LH"), "role": "signatory"}).status_code == 302
    assert memberships_of(app, person) == [("25LH", "signatory"), ("GM0344", "admin")]

    membership = run(app, lambda s: s.scalar(select(Membership.id).where(
        Membership.user_id == person, Membership.organisation_id == org_id(app, "GM0344"))))
    removed = admin.post(f"{url}/lidmaatschap/{membership}/verwijderen")
    assert removed.status_code == 302
    assert memberships_of(app, person) == [("25LH", "signatory")]

    # The person feels it: the Utrecht municipality's region is gone, the school's is not.
    signed_in = app.test_client()
    login(signed_in, "persoon@example.nl")
    assert signed_in.get("/regio/rmc-19/").status_code == 200  # 25LH is in rmc-19 too
    assert signed_in.get("/regio/rmc-29/").status_code == 404


def test_removing_a_membership_of_another_user_is_404(app, admin):
    from core.identity.models import Membership

    first = make_user(app, "een@example.nl", org="GM0344", role="viewer")
    second = make_user(app, "twee@example.nl")
    membership = run(app, lambda s: s.scalar(select(Membership.id).where(Membership.user_id == first)))
    assert admin.post(f"/beheer/gebruikers/{second}/lidmaatschap/{membership}/verwijderen").status_code == 404
    assert memberships_of(app, first) == [("GM0344", "viewer")]


def test_admin_creates_an_organisation(app, admin):
    from core.orgs.models import Organisation

    page = admin.post("/beheer/organisaties/nieuw",
                      data={"kind": "mbo", "identifier": " 99zz ", "name": "Vakschool Voorbeeld"})
    assert page.status_code == 302
    org = run(app, lambda s: s.scalar(select(Organisation).where(Organisation.identifier == "99ZZ")))
    assert (org.kind, org.name) == ("mbo", "Vakschool Voorbeeld")
    listing = admin.get("/beheer/organisaties").get_data(as_text=True)
    assert "<th scope=\"row\">Vakschool Voorbeeld</th><td>mbo-instelling</td><td>99ZZ</td>" in listing


def test_the_organisations_list_is_searchable_and_shown_a_page_at_a_time(app, admin):
    import html

    from core.orgs.models import Organisation

    found = admin.get("/beheer/organisaties?q=utRECHT").get_data(as_text=True)
    assert "Gemeente Utrecht" in found and "Gemeente De Bilt" not in found
    by_code = admin.get("/beheer/organisaties?q=gm0310").get_data(as_text=True)
    assert "Gemeente De Bilt" in by_code and "Gemeente Utrecht" not in by_code
    mbo = admin.get("/beheer/organisaties?kind=mbo").get_data(as_text=True)
    assert "mbo-instelling" in mbo and "<td>gemeente</td>" not in mbo
    assert "Geen organisaties gevonden." in admin.get("/beheer/organisaties?q=%25_").get_data(as_text=True)

    app.config["LIST_PAGE_SIZE"] = 7
    total = run(app, lambda s: s.scalar(select(func.count()).select_from(Organisation)))
    seen, url = [], "/beheer/organisaties"
    while url:
        page = admin.get(url)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        rows = re.findall(r'<th scope="row">(.*?)</th><td>.*?</td><td>(.*?)</td>', text)
        assert 0 < len(rows) <= 7
        seen += [code for _name, code in rows]
        following = re.search(r'<a href="([^"]+)" rel="next">', text)
        url = html.unescape(following.group(1)) if following else None
    assert len(seen) == len(set(seen)) == total  # every organisation once, over several pages


# --- bad input: Dutch message next to the field and in the summary; nothing written -------

BAD_INPUT = [
    pytest.param("/beheer/gebruikers/nieuw", {"email": "geen-adres", "name": "X"},
                 "email", "Dit is geen geldig e-mailadres.", id="invalid-email"),
    pytest.param("/beheer/gebruikers/nieuw", {"email": "Bestaand@Example.nl", "name": "X"},
                 "email", "Er bestaat al een gebruiker met dit e-mailadres.", id="duplicate-email"),
    pytest.param("/beheer/gebruikers/nieuw", {"email": "nieuw@example.nl", "name": ""},
                 "name", "Vul een naam in.", id="missing-name"),
    pytest.param("/beheer/organisaties/nieuw", {"kind": "mbo", "identifier": "1234", "name": "X"},
                 "identifier", "'1234' is geen BRIN (twee cijfers en twee hoofdletters, bv. 25LP).", id="brin"),
    pytest.param("/beheer/organisaties/nieuw", {"kind": "gemeente", "identifier": "GM9999", "name": "X"},
                 "identifier", "Gemeente GM9999 bestaat niet (CBS-code zoals GM0363).", id="cbs-code"),
    pytest.param("/beheer/organisaties/nieuw", {"kind": "werkgever", "identifier": "1234567", "name": "X"},
                 "identifier", "'1234567' is geen KvK-nummer (8 cijfers).", id="kvk-7-digits"),
    pytest.param("/beheer/organisaties/nieuw", {"kind": "gemeente", "identifier": "GM0344", "name": "X"},
                 "identifier", "Er bestaat al een organisatie met deze identificatie.", id="duplicate-organisation"),
    pytest.param("/beheer/organisaties/nieuw", {"kind": "bakkerij", "identifier": "12345678", "name": "X"},
                 "kind", "Ongeldige keuze.", id="unknown-kind"),
    pytest.param("/beheer/gebruikers/{person}", {"organisation": "{GM0344}", "role": "baas"},
                 "role", "Ongeldige keuze.", id="unknown-role"),
    pytest.param("/beheer/gebruikers/{person}", {"organisation": "999999", "role": "viewer"},
                 "organisation", "Ongeldige keuze.", id="unknown-organisation"),
]


@pytest.mark.parametrize("url, form, field, message", BAD_INPUT)
def test_bad_input_is_explained_in_dutch_and_nothing_is_written(app, admin, url, form, field, message):
    make_user(app, "bestaand@example.nl")
    person = make_user(app, "persoon@example.nl")
    url = url.format(person=person)
    form = {k: v.format(GM0344=org_id(app, "GM0344")) for k, v in form.items()}
    before = table_counts(app)

    page = admin.post(url, data=form)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert field_errors(html, field) == [message]
    assert any(target == field and text.endswith(f": {message}") for target, text in summary_errors(html)), \
        summary_errors(html)
    assert "Not a valid" not in html and "This field" not in html
    assert table_counts(app) == before


def test_several_errors_are_all_listed_in_the_summary(app, admin):
    page = admin.post("/beheer/organisaties/nieuw", data={"kind": "werkgever", "identifier": "12", "name": ""})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert [target for target, _ in summary_errors(html)] == ["identifier", "name"]
    assert "Er zijn 2 problemen" in html


# --- access ----------------------------------------------------------------------------

ADMIN_PAGES = ["/beheer/", "/beheer/gebruikers", "/beheer/gebruikers/nieuw", "/beheer/gebruikers/{person}",
               "/beheer/organisaties", "/beheer/organisaties/nieuw", "/beheer/audit"]


@pytest.mark.parametrize("org, role", [("GM0344", "viewer"), ("GM0344", "admin"), ("MC19", "admin"),
                                       ("25LH", "signatory")])
def test_non_admins_get_403_on_every_admin_page_and_cannot_write(app, client, org, role):
    from core.identity.models import Membership

    person = make_user(app, "persoon@example.nl", org="GM0356", role="viewer")
    make_user(app, "iemand@example.nl", org=org, role=role)
    login(client, "iemand@example.nl")
    membership = run(app, lambda s: s.scalar(select(Membership.id).where(Membership.user_id == person)))
    before = table_counts(app)

    for url in ADMIN_PAGES:
        page = client.get(url.format(person=person))
        assert page.status_code == 403, url
        assert "Geen toegang" in page.get_data(as_text=True)
    posts = {
        "/beheer/gebruikers/nieuw": {"email": "indringer@example.nl", "name": "Indringer"},
        f"/beheer/gebruikers/{person}": {"organisation": org_id(app, "MC19"), "role": "admin"},
        f"/beheer/gebruikers/{person}/lidmaatschap/{membership}/verwijderen": {},
        "/beheer/organisaties/nieuw": {"kind": "werkgever", "identifier": "12345678", "name": "Indringer BV"},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    assert table_counts(app) == before
    assert 'href="/beheer/"' not in client.get("/").get_data(as_text=True)


def test_admin_pages_send_anonymous_visitors_to_login(client):
    for url in ADMIN_PAGES:
        page = client.get(url.format(person=1))
        assert page.status_code == 302, url
        assert page.headers["Location"].startswith("/inloggen?next=")


def test_platform_admin_sees_every_admin_page(app, admin):
    person = make_user(app, "persoon@example.nl")
    for url in ADMIN_PAGES:
        assert admin.get(url.format(person=person)).status_code == 200, url
    assert 'href="/beheer/"' in admin.get("/").get_data(as_text=True)
