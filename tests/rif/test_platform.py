"""The platform-wide RIF page: every region's submitted applications, each chart beside a table with
the same numbers; platform admins only."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.testing import login, make_user

from tests.chart_geometry import assert_all_text_inside

from .conftest import BASE, text

PAGE = f"{BASE}/landelijk"


def load_demo(app):
    from core.db import db_session
    from core.plugin_api import Region
    from plugins.rif import demo

    with app.app_context():
        session = db_session()
        demo.load(session, session.scalars(select(Region).where(Region.slug.in_(["rmc-19", "rmc-29"]))).all())
        session.commit()


def platform_admin(app):
    make_user(app, "beheer@rif.example", platform_admin=True)
    client = app.test_client()
    assert login(client, "beheer@rif.example").status_code == 302
    return client


def visible(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def block(html: str, caption: str) -> str:
    """The chart-with-table block whose table has this caption."""
    for part in html.split('<div class="chart-with-table">')[1:]:
        if f"<caption>{caption}</caption>" in part:
            return part.split("</div>")[0]
    raise AssertionError(f"no chart with a table '{caption}'")


def test_platform_admins_see_every_region_with_a_table_beside_each_chart(app, as_):
    load_demo(app)
    admin = platform_admin(app)
    assert "Landelijk overzicht van alle regio's" in text(admin.get(f"{BASE}/"))
    response = admin.get(PAGE)
    assert response.status_code == 200
    html = text(response)
    page = visible(html)
    assert "uit 2 regio's" in page and "bevat demogegevens" in page

    # Applications and granted subsidy per sector: techniek has three submitted applications in two
    # regions, one of them granted (RIF-MC29-0001, € 200.000); energie two, one granted (€ 140.000).
    counts = block(html, "Ingediende aanvragen per sector")
    assert 'role="img"' in counts and "Techniek 3" in visible(counts) and "Energie en duurzaamheid 2" in visible(counts)
    subsidy = block(html, "Toegekende subsidie per sector")
    assert 'role="img"' in subsidy
    assert "Techniek € 200.000,00" in visible(subsidy) and "Energie en duurzaamheid € 140.000,00" in visible(subsidy)
    assert "Zorg en welzijn € 230.000,00" in visible(subsidy)

    # Mkb among the partner lines and projects with the entree target group, per region and in total.
    mix = visible(block(html, "Mkb-partners en projecten met de entree-doelgroep per regio"))
    assert "Utrecht 8 1 12,5% 3 1 33,3%" in mix
    assert "Rijnmond 5 2 40,0% 2 1 50,0%" in mix
    assert "Alle regio's 13 3 23,1% 5 2 40,0%" in mix  # 3 of 13 = 23,08: rounded half-up
    assert "Landelijk is 23,1% van de 13 partnerregels een mkb-bedrijf" in page

    # Delivered against pledged in kind per granted project; below 80% marked with words, not colour only.
    delivery = block(html, "In natura per toegekend project")
    assert 'role="img"' in delivery
    assert "<mark>73,0% (onder 80%)</mark>" in delivery  # 197.000 of 270.000 = 72,96: rounded half-up
    rows = visible(delivery)
    assert ("RIF-MC19-0001 Zorgtechnologie in de wijk (demo) 2 van de 2 partners € 270.000,00 € 197.000,00 "
            "73,0% (onder 80%)") in rows
    assert ("RIF-MC29-0001 Haven Werkt: logistiek en automatisering (demo) 3 van de 3 partners € 290.000,00 "
            "€ 240.000,00 82,8%") in rows
    assert "82,8% (onder" not in rows
    assert ("RIF-MC19-0002 Bouwhub Domstad: circulair bouwen (demo) 0 van de 2 partners € 180.000,00 – "
            "nog niet verantwoord") in rows
    # how complete the delivered figures are over every region (core's completeness), as the region overview
    assert "Levering in natura verantwoord door 5 van de 7 partners met een toezegging: nog niet compleet." in page
    assert html.count('role="img"') == 4  # every chart is one of the blocks above, each with its table

    # The per-region totals that `regio rif overzicht` prints.
    assert "Rijnmond (bevat demogegevens) 2 € 200.000,00 € 400.000,00" in page


def test_a_project_whose_partners_did_not_all_report_is_not_judged(app, as_):
    from core.db import db_session
    from plugins.rif.models import Application

    load_demo(app)
    with app.app_context():  # one of the two partners of RIF-MC19-0001 has not reported what it delivered
        session = db_session()
        project = session.scalar(select(Application).where(Application.reference == "RIF-MC19-0001"))
        line = next(p for p in project.partners if p.pledged_in_kind and p.delivered_in_kind is not None)
        missing = line.partner.name
        line.delivered_in_kind = None
        session.commit()
    html = text(platform_admin(app).get(PAGE))
    rows = visible(block(html, "In natura per toegekend project"))
    row = rows.split("RIF-MC19-0001 Zorgtechnologie in de wijk (demo)")[1].split("RIF-MC19-0002")[0]
    assert row.startswith(" 1 van de 2 partners ")
    assert f"nog niet compleet (Ontbreekt: {missing})" in row and "onder 80%" not in row
    assert "Levering in natura verantwoord door 4 van de 7 partners met een toezegging: nog niet compleet." in \
        visible(html)


def test_everyone_else_gets_403_and_no_link(app, as_):
    load_demo(app)
    for name in ("coordinator", "editor", "assessor"):
        assert as_(name).get(PAGE).status_code == 403, name
        assert "landelijk" not in text(as_(name).get(f"{BASE}/"))
        assert "Landelijk overzicht" not in text(as_(name).get(f"{BASE}/overzicht"))
    assert as_("rijnmond_coordinator").get("/regio/rmc-29/rif/landelijk").status_code == 403
    assert as_("rijnmond_coordinator").get(PAGE).status_code == 404  # not their region: the guard's 404
    assert app.test_client().get(PAGE).status_code == 302  # signed out: to the sign-in page


def test_every_chart_label_fits_its_box_and_amounts_are_dutch_money(app):
    load_demo(app)
    html = platform_admin(app).get(PAGE).get_data(as_text=True)
    charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart".*?</svg>', html, re.S)
    assert len(charts) == 4
    texts = [t for svg in charts for t in assert_all_text_inside(svg)]
    # the axis of the in-kind chart: the largest amount (290.000) in full, the euro sign before it
    assert "€ 290.000" in texts and "€ 145.000" in texts and "€ 0" in texts
    assert not any(t.endswith("€") for t in texts)
    assert "Energie en duurzaamheid" in texts or {"Energie en", "duurzaamheid"} <= set(texts)
    assert "Entree (% van projecten)" in texts
