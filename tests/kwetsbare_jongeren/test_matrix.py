"""The responsibility matrix: exactly one eindverantwoordelijke party per task before the approach can be
put to the parties; the co-signed matrix is what the region page shows."""
from __future__ import annotations

import re

from sqlalchemy import select

from plugins.kwetsbare_jongeren import agreement
from plugins.kwetsbare_jongeren.settings import DEFAULT_TASKS
from tests.core.agreements.conftest import add_consortium

from .conftest import BASE

TASKS = list(DEFAULT_TASKS)
AGREEMENTS = "/regio/rmc-19/afspraken/kwetsbare_jongeren"


def test_rule_exactly_one_accountable_party_per_task():
    cells = {"Signaleren": {"MC19": "eindverantwoordelijk", "GM0344": "uitvoerend"},
             "Nazorg": {"MC19": "eindverantwoordelijk", "25LH": "eindverantwoordelijk"},
             "Toeleiden naar onderwijs of werk": {"GM0344": "uitvoerend"}}
    found = agreement.problems(["Signaleren", "Nazorg", "Toeleiden naar onderwijs of werk"], cells,
                               {"MC19": "RMC Utrecht", "25LH": "ROC Midden Nederland"})
    assert set(found) == {"Nazorg", "Toeleiden naar onderwijs of werk"}
    assert found["Nazorg"] == ("taak 'Nazorg' heeft 2 eindverantwoordelijke partijen (ROC Midden Nederland, "
                               "RMC Utrecht); er mag er precies één zijn")
    assert "geen eindverantwoordelijke partij" in found["Toeleiden naar onderwijs of werk"]
    # The term the parties sign reads back to the same matrix; the template refuses a broken one.
    tasks, back = agreement.parse_term(agreement.to_term(["Signaleren", "Nazorg"], cells))
    assert tasks == ["Signaleren", "Nazorg"] and back["Nazorg"] == cells["Nazorg"]
    broken = {agreement.TERM: agreement.to_term(["Nazorg"], cells)}
    assert "precies één" in agreement.TEMPLATE.check(broken)[agreement.TERM]
    assert agreement.TEMPLATE.check({agreement.TERM: agreement.to_term(["Signaleren"], cells)}) == {}


def matrix_form(world, roles: dict[tuple[str, int], str]) -> dict:
    """Form data: {(identifier, task index): role}; all other cells empty; the digest of the stored matrix (as
    the page shows it) in the hidden field basis."""
    return {"basis": stored_basis(world),
            **{f"cel_{world.org_id(org)}_{i}": role for (org, i), role in roles.items()}}


def stored_basis(world, region="rmc-19") -> str:
    from sqlalchemy import select

    from core.db import db_session
    from core.regions.models import Region
    from plugins.kwetsbare_jongeren.models import Responsibility
    from plugins.kwetsbare_jongeren.views import _matrix_digest

    with world.app.app_context():
        session = db_session()
        region_id = session.scalar(select(Region.id).where(Region.slug == region))
        return _matrix_digest(session.scalars(select(Responsibility).where(Responsibility.region_id == region_id)))


def test_coordinator_cannot_put_an_incomplete_matrix_to_signing_and_then_can(world):
    add_consortium(world.app, "rmc-19", "kwetsbare_jongeren", ["MC19", "GM0344"])
    coord = world.client("coord")
    incomplete = {("MC19", 0): "eindverantwoordelijk", ("GM0344", 0): "eindverantwoordelijk",
                  ("GM0344", 1): "uitvoerend", ("MC19", 2): "eindverantwoordelijk",
                  ("MC19", 3): "eindverantwoordelijk"}
    assert coord.post(f"{BASE}/aanpak", data=matrix_form(world, incomplete)).status_code == 303
    page = coord.get(f"{BASE}/aanpak").get_data(as_text=True)
    assert "taak &#39;Signaleren&#39; heeft 2 eindverantwoordelijke partijen" in page
    assert "taak &#39;Toeleiden naar onderwijs of werk&#39; heeft geen eindverantwoordelijke partij" in page
    assert "Vastleggen als concept-afspraak" not in page
    # Posting the broken matrix to the agreement form anyway is refused by the template's rule.
    term = "\n".join(["Signaleren: eindverantwoordelijk GM0344, MC19", "Nazorg: uitvoerend GM0344"])
    response = coord.post(f"{AGREEMENTS}/nieuw", data={
        "title": "Aanpak", "text": "Tekst", "parties": [world.org_id("MC19")], "term_0_0": term})
    assert response.status_code == 400
    assert "2 eindverantwoordelijke partijen" in response.get_data(as_text=True)

    complete = {**incomplete, ("GM0344", 0): "uitvoerend", ("GM0344", 1): "eindverantwoordelijk"}
    assert coord.post(f"{BASE}/aanpak", data=matrix_form(world, complete)).status_code == 303
    page = coord.get(f"{BASE}/aanpak").get_data(as_text=True)
    assert "Vastleggen als concept-afspraak" in page
    # The proposal form carries the matrix; posting it makes the concept agreement.
    term = re.search(r'<textarea name="term_0_0" hidden>(.*?)</textarea>', page, re.S).group(1)
    text = re.search(r'<textarea name="text" hidden>(.*?)</textarea>', page, re.S).group(1)
    parties = re.findall(r'name="parties" value="(\d+)"', page)
    assert sorted(map(int, parties)) == sorted([world.org_id("MC19"), world.org_id("GM0344")])
    import html as html_lib

    response = coord.post(f"{AGREEMENTS}/nieuw?sjabloon=aanpak", data={
        "title": "Regionale aanpak kwetsbare jongeren Utrecht", "text": html_lib.unescape(text),
        "term_0_0": html_lib.unescape(term), "parties": parties})
    assert response.status_code == 302, response.get_data(as_text=True)
    agreement_id = int(re.search(r"/(\d+)/$", response.headers["Location"]).group(1))

    # Not yet signed: the region page says so.
    assert "nog geen ondertekende aanpak" in coord.get(f"{BASE}/").get_data(as_text=True)
    from core.agreements.models import Agreement
    from core.db import db_session

    with world.app.app_context():
        fingerprint = db_session().get(Agreement, agreement_id).latest.fingerprint
    assert coord.post(f"{AGREEMENTS}/{agreement_id}/versturen", data={"basis": fingerprint}).status_code == 302
    for who, org in (("coord", "MC19"), ("utrecht_signatory", "GM0344")):
        response = world.client(who).post(f"{AGREEMENTS}/{agreement_id}/ondertekenen", data={
            "organisation": world.org_id(org), "fingerprint": fingerprint, "agree": "y",
            "password": "correct-horse-battery-staple"})
        assert response.status_code == 302, response.get_data(as_text=True)

    # Signed by all: every member of the region sees the signed matrix.
    page = world.client("debilt").get(f"{BASE}/").get_data(as_text=True)
    assert "Verantwoordelijkhedenmatrix: Regionale aanpak kwetsbare jongeren Utrecht (versie 1, van kracht)" in page
    row = page[page.index("Gemeente Utrecht <span"):]
    row = row[:row.index("</tr>")]
    assert row.count("Eindverantwoordelijk") == 1 and row.count("Uitvoerend") == 1
    # Changing the working matrix later does not change what was signed.
    coord.post(f"{BASE}/aanpak", data=matrix_form(world, {("MC19", i): "eindverantwoordelijk" for i in range(4)}))
    page = world.client("debilt").get(f"{BASE}/").get_data(as_text=True)
    after = page[page.index("Gemeente Utrecht <span"):]
    assert after[:after.index("</tr>")] == row


def test_only_the_coordinator_maintains_the_matrix(world):
    from plugins.kwetsbare_jongeren.models import Responsibility

    add_consortium(world.app, "rmc-19", "kwetsbare_jongeren", ["MC19", "GM0344"])
    data = matrix_form(world, {("MC19", 0): "eindverantwoordelijk"})
    assert world.client("utrecht").post(f"{BASE}/aanpak", data=data).status_code == 403
    assert world.client("utrecht_viewer").get(f"{BASE}/aanpak").status_code == 403
    assert world.client("rotterdam").get(f"{BASE}/aanpak").status_code == 404
    bad = world.client("coord").post(f"{BASE}/aanpak", data={**data, f"cel_{world.org_id('GM0344')}_1": "baas"})
    assert bad.status_code == 400
    assert "Ongeldige keuze" in bad.get_data(as_text=True) or "Geen geldige keuze" in bad.get_data(as_text=True)
    from core.db import db_session

    with world.app.app_context():
        assert db_session().scalars(select(Responsibility)).all() == []


def test_a_matrix_save_over_someone_elses_is_refused_with_the_stored_cells(world):
    """No lost update: the form carries the digest of the matrix it showed; a save after another one changes
    nothing and shows the cells as stored now; saved again, it replaces them knowingly."""
    import re

    add_consortium(world.app, "rmc-19", "kwetsbare_jongeren", ["MC19", "GM0344"])
    coord, other = world.client("coord"), world.client("coord")
    shown = matrix_form(world, {("MC19", 0): "uitvoerend"})  # the form as this coordinator opened it
    assert other.post(f"{BASE}/aanpak", data=matrix_form(world, {("GM0344", 0): "eindverantwoordelijk"})) \
        .status_code == 303
    refused = coord.post(f"{BASE}/aanpak", data=shown)
    assert refused.status_code == 409
    page = " ".join(re.sub(r"<[^>]+>", " ", refused.get_data(as_text=True)).split())
    assert "Iemand anders heeft dit intussen gewijzigd" in page
    assert re.search(r"Nu opgeslagen .*Gemeente Utrecht Eindverantwoordelijk", page)
    basis = re.search(r'name="basis"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="basis"',
                      refused.get_data(as_text=True))
    assert coord.post(f"{BASE}/aanpak", data={**shown, "basis": basis.group(1) or basis.group(2)}).status_code == 303


def test_the_matrix_lists_only_the_consortiums_organisations(world):
    coord = world.client("coord")
    assert f"cel_{world.org_id('GM0344')}_0" not in coord.get(f"{BASE}/aanpak").get_data(as_text=True)
    add_consortium(world.app, "rmc-19", "kwetsbare_jongeren", ["MC19", "GM0344"])
    page = coord.get(f"{BASE}/aanpak").get_data(as_text=True)
    assert f"cel_{world.org_id('GM0344')}_0" in page and f"cel_{world.org_id('MC19')}_0" in page
    assert f"cel_{world.org_id('GM0356')}_0" not in page  # Nieuwegein: a member of the region, not of the consortium
