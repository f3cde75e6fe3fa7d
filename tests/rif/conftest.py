"""Fixtures of the rif tests: users of rmc-19 (Utrecht) and rmc-29 (Rijnmond), and a helper
that walks an application through the web pages as its users would."""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from core.testing import DEFAULT_PASSWORD, login, make_user

USERS = {  # name: (organisation identifier, role)
    "editor": ("25LH", "editor"),  # ROC Midden Nederland, the penvoerder
    "signatory": ("25LH", "signatory"),
    "partner": ("90000012", "admin"),  # the care provider, a partner
    "other_mbo": ("30RN", "editor"),  # MBO Utrecht, not involved
    "assessor": ("GM0310", "viewer"),  # gemeente De Bilt; appointed assessor in rmc-19
    "assessor_partner": ("90000012", "viewer"),  # appointed assessor, but works at the partner
    "coordinator": ("MC19", "admin"),
    "rijnmond_assessor": ("MC29", "viewer"),  # appointed assessor in rmc-29 only
    "rijnmond_coordinator": ("MC29", "admin"),
}


def email(name: str) -> str:
    return f"{name}@rif.example"


# Above the regions (User.platform_role): the national assessment committee and the ministry.
PLATFORM_USERS = {"committee": "assessor", "ministry": "ministry"}


@pytest.fixture
def users(app):
    for name, (org, role) in USERS.items():
        make_user(app, email(name), org=org, role=role)
    for name, platform_role in PLATFORM_USERS.items():
        make_user(app, email(name), platform_role=platform_role)
    return USERS


@pytest.fixture
def as_(app, users):
    clients = {}

    def client(name):
        if name not in clients:
            clients[name] = app.test_client()
            assert login(clients[name], email(name)).status_code == 302
        return clients[name]

    return client


def org_id(app, identifier):
    from core.db import db_session
    from core.plugin_api import Organisation

    with app.app_context():
        return db_session().scalar(select(Organisation.id).where(Organisation.identifier == identifier))


def by_id(app, app_id):
    from core.db import db_session
    from plugins.rif.models import Application

    with app.app_context():
        return application(app, db_session().get(Application, app_id).reference)


def application(app, reference=None):
    from core.db import db_session
    from plugins.rif.models import Application

    with app.app_context():
        session = db_session()
        stmt = select(Application).order_by(Application.id.desc())
        if reference:
            stmt = select(Application).where(Application.reference == reference)
        a = session.scalar(stmt)
        if a is None:
            return None
        return SimpleNamespace(id=a.id, reference=a.reference, title=a.title, status=a.status, subsidy=a.requested_subsidy,
                               reflection=a.reflection,
                               partners={p.partner.identifier: SimpleNamespace(
                                   pledged_cash=p.pledged_cash, pledged_in_kind=p.pledged_in_kind,
                                   delivered_cash=p.delivered_cash, delivered_in_kind=p.delivered_in_kind, mkb=p.mkb)
                                   for p in a.partners},
                               scores={s.criterion: s.score for s in a.scores})


FORM = {"title": "Zorgtechnologie in de wijk", "description": "Studenten en zorgmedewerkers leren samen.",
        "sectors": ["zorg_welzijn"], "target_groups": ["entree", "3"], "start": "2026-02-01",
        "end": "2028-01-31", "requested_subsidy": "100.000,00"}
BASE = "/regio/rmc-19/rif"


def create(app, as_, *, subsidy="100.000,00", costs=("200.000,00", "100.000,00"),
           partners=(("25LH", "50.000,00", "50.000,00", False), ("90000012", "0", "100.000,00", False))):
    """The penvoerder's editor makes a concept with its budget and partners; returns its id."""
    editor = as_("editor")
    response = editor.post(f"{BASE}/nieuw", data={**FORM, "requested_subsidy": subsidy,
                                                 "organisation": org_id(app, "25LH")})
    assert response.status_code == 303, response.get_data(as_text=True)
    app_id = int(re.search(r"/rif/(\d+)", response.headers["Location"]).group(1))
    for amount in costs:
        r = editor.post(f"{BASE}/{app_id}/begroting", data={"category": "personeel", "amount": amount})
        assert r.status_code == 303, r.get_data(as_text=True)
    for identifier, cash, in_kind, mkb in partners:
        data = {"partner": org_id(app, identifier), "pledged_cash": cash, "pledged_in_kind": in_kind}
        if mkb:
            data["mkb"] = "y"
        r = editor.post(f"{BASE}/{app_id}/partners", data=data)
        assert r.status_code == 303, r.get_data(as_text=True)
    return app_id


def appoint(as_, *names, region="rmc-19", by="coordinator"):
    for name in names:
        r = as_(by).post(f"/regio/{region}/rif/beoordelaars", data={"email": email(name)})
        assert r.status_code == 303, r.get_data(as_text=True)


CRITERIA_KEYS = ("samenwerking", "arbeidsmarkt", "onderwijs", "duurzaamheid", "entree")


def submit(app, as_, app_id):
    """The penvoerder's signatory submits (the partners confirmed their pledges first: `confirm_pledges`)."""
    response = as_("signatory").post(f"{BASE}/{app_id}/status", data={"to": "ingediend"})
    assert response.status_code == 303, text(response)


def assess(as_, app_id, score="3", who="committee"):
    """The national committee starts the assessment and scores every criterion."""
    assert as_(who).post(f"{BASE}/{app_id}/status", data={"to": "in_beoordeling"}).status_code == 303
    response = as_(who).post(f"{BASE}/{app_id}/beoordeling", data={f"score_{k}": score for k in CRITERIA_KEYS})
    assert response.status_code == 303, text(response)


def decide(as_, app_id, outcome="toegekend", amount="100.000,00", on="2026-12-01", reasons="Past bij de regeling.",
           who="ministry"):
    return as_(who).post(f"{BASE}/{app_id}/besluit", data={
        "outcome": outcome, "decided_on": on, "granted_subsidy": amount if outcome == "toegekend" else "",
        "reasons": reasons})


def grant(app, as_, app_id, amount=None):
    """Confirm the pledges, submit, assess (the committee scores 3 everywhere) and grant (the ministry: the
    requested subsidy unless `amount` says otherwise)."""
    confirm_pledges(app, as_, app_id)
    submit(app, as_, app_id)
    assess(as_, app_id)
    if amount is None:
        amount = str(by_id(app, app_id).subsidy)
    response = decide(as_, app_id, amount=amount)
    assert response.status_code == 303, text(response)


AGREEMENTS = "/regio/rmc-19/afspraken/rif"
FINGERPRINT = re.compile(r'name="fingerprint" type="hidden" value="([0-9a-f]{64})"')
BASIS = re.compile(r'name="basis" value="([0-9a-f]{64})"')
# who signs for an organisation in these tests (others get a signatory made on the spot: signer_for)
SIGNERS = {"25LH": "signatory", "90000012": "partner"}


def join_consortium(app, as_, *identifiers):
    """The coordinator seats organisations in rmc-19's RIF consortium (an agreement's parties come from it)."""
    from core.consortia.models import ConsortiumMember
    from core.db import db_session

    with app.app_context():
        seated = set(db_session().scalars(select(ConsortiumMember.organisation_id).where(
            ConsortiumMember.instrument_key == "rif")))
    for identifier in identifiers:
        if org_id(app, identifier) in seated:
            continue
        response = as_("coordinator").post("/regio/rmc-19/consortium/rif", data={
            "instrument": "rif", "organisation": org_id(app, identifier), "role": "partner"})
        assert response.status_code == 302, text(response)


def ensure_signer(app, identifier) -> str | None:
    """The e-mail address of a signatory made on the spot for an organisation without one in USERS."""
    if identifier in SIGNERS:
        return None
    address = f"teken-{identifier.lower()}@rif.example"
    from core.db import db_session
    from core.identity.models import User

    with app.app_context():
        known = db_session().scalar(select(User.id).where(User.email == address))
    if known is None:
        make_user(app, address, org=identifier, role="signatory")
    return address


def signer_for(app, as_, identifier):
    address = ensure_signer(app, identifier)
    if address is None:
        return as_(SIGNERS[identifier])
    client = app.test_client()
    assert login(client, address).status_code == 302
    return client


def draft_and_send(app, as_, app_id) -> int:
    """The penvoerder's signatory drafts the samenwerkingsovereenkomst; the coordinator sends it for signing."""
    response = as_("signatory").post(f"{BASE}/{app_id}/overeenkomst")
    assert response.status_code == 303, text(response)
    agreement_id = int(re.search(r"/afspraken/rif/(\d+)/", response.headers["Location"]).group(1))
    for identifier in partner_identifiers(app, app_id):
        ensure_signer(app, identifier)  # the core sends only when every party has a signatory
    page = as_("coordinator").get(f"{AGREEMENTS}/{agreement_id}/").get_data(as_text=True)
    sent = as_("coordinator").post(f"{AGREEMENTS}/{agreement_id}/versturen", data={"basis": BASIS.search(page).group(1)})
    assert sent.status_code == 302
    return agreement_id


def sign(app, as_, agreement_id, identifier):
    """The organisation's signatory co-signs the version out for signing (confirming its pledge)."""
    client = signer_for(app, as_, identifier)
    page = client.get(f"{AGREEMENTS}/{agreement_id}/").get_data(as_text=True)
    response = client.post(f"{AGREEMENTS}/{agreement_id}/ondertekenen", data={
        "organisation": org_id(app, identifier), "fingerprint": FINGERPRINT.search(page).group(1), "agree": "y",
        "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, text(response)


def partner_identifiers(app, app_id) -> list[str]:
    from core.db import db_session
    from plugins.rif.models import Application

    with app.app_context():
        return [p.partner.identifier for p in db_session().get(Application, app_id).partners]


def confirm_pledges(app, as_, app_id, only=None):
    """Every partner (or those in `only`) confirms its pledge: the penvoerder and the partners join the consortium,
    the agreement is drafted and sent, and each partner's signatory co-signs it. Returns the agreement's id."""
    partners = partner_identifiers(app, app_id)
    join_consortium(app, as_, *dict.fromkeys(["25LH", *partners]))
    agreement_id = draft_and_send(app, as_, app_id)
    for identifier in partners if only is None else only:
        sign(app, as_, agreement_id, identifier)
    return agreement_id


def text(response) -> str:
    """The page's HTML, entities decoded; the no-break space the core puts between € and the amount
    (€\xa01.234,50, so the two never part at a line end) read as a plain space."""
    from html import unescape

    return unescape(response.get_data(as_text=True)).replace("\xa0", " ")


def midterm_open():
    """A clock inside the midterm window of the project `create` makes (2026-02-01 to 2028-01-31: halfway is
    2027-01-31): the midterm account cannot be filed before it."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    return time_machine.travel(dt.datetime(2027, 2, 1, 9, 0, tzinfo=ZoneInfo("Europe/Amsterdam")))



def set_status(app, app_id, status, **values):
    """Put an application in a state directly (test setup for pages that read that state, not the flow)."""
    from core.db import db_session
    from plugins.rif.models import Application

    with app.app_context():
        row = db_session().get(Application, app_id)
        row.status = status
        for key, value in values.items():
            setattr(row, key, value)
        db_session().commit()
