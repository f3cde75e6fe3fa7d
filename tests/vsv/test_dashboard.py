"""The region dashboard against a hand-computed example; settings, template, demo, enable/disable."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from html import unescape
from pathlib import Path

from sqlalchemy import func, select

from tests.chart_geometry import assert_all_text_inside

from .conftest import (BASE, COORD, DEBILT, UTRECHT, VIEWER, complete_year, figures, org_id, regio, report,
                       sign_agreement, signed_in, text_of)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "regions"


def _fill(app):
    utrecht, debilt = signed_in(app, UTRECHT), signed_in(app, DEBILT)
    report(utrecht, "2024-2025", org_id(app, "GM0344"), "4000", "100")  # 2,50%
    report(debilt, "2024-2025", org_id(app, "GM0310"), "1000", "30")  # 3,00%
    report(utrecht, "2025-2026", org_id(app, "GM0344"), "4000", "80")  # 2,00%  (-0,50)
    report(debilt, "2025-2026", org_id(app, "GM0310"), "1000", "35")  # 3,50%  (+0,50)


def test_a_partial_year_says_how_complete_it_is_and_is_never_judged(users, clock, tmp_path):
    app = users
    _fill(app)  # 2 of rmc-19's 16 municipalities report
    sign_agreement(app, {"max_new_early_school_leavers": {"2024-2025": 140, "2025-2026": 200}})
    text = text_of(signed_in(app, VIEWER).get(f"{BASE}/").get_data(as_text=True))
    # 130 <= 140 and 115 <= 200, but the sums are 2 municipalities' figures, not the region's: no verdict
    assert "2024-2025 2 van de 16 gemeenten 5.000 130 2,60% 140 nog niet compleet" in text
    assert "2025-2026 2 van de 16 gemeenten 5.000 115 2,30% 200 nog niet compleet" in text
    assert "gehaald" not in text
    # who is missing, by name
    assert ("2024-2025: nog niet compleet (2 van de 16 gemeenten). Ontbreekt: Gemeente Bunnik, "
            "Gemeente De Ronde Venen, Gemeente Houten,") in text
    assert "Gemeente Zeist." in text and "Ontbreekt: Gemeente De Bilt" not in text
    # the dashboard card says it too
    overview = text_of(signed_in(app, VIEWER).get("/regio/rmc-19/").get_data(as_text=True))
    assert "2 van de 16 gemeenten: nog niet compleet." in overview
    # once every municipality reported 2024-2025, that year is judged; 2025-2026 stays partial
    complete_year(app, tmp_path, "2024-2025")
    text = text_of(signed_in(app, VIEWER).get(f"{BASE}/").get_data(as_text=True))
    assert "2024-2025 16 van de 16 gemeenten 5.000 130 2,60% 140 gehaald" in text
    assert "2025-2026 2 van de 16 gemeenten 5.000 115 2,30% 200 nog niet compleet" in text
    assert "2024-2025: nog niet compleet" not in text


def test_dashboard_numbers_equal_a_hand_computed_example(users, clock, tmp_path):
    app = users
    _fill(app)
    complete_year(app, tmp_path, "2024-2025")  # the other 14 municipalities: 0 participants, 0 new vsv'ers
    complete_year(app, tmp_path, "2025-2026")
    sign_agreement(app, {"max_new_early_school_leavers": {"2024-2025": 140, "2025-2026": 110, "2026-2027": 100},
                         "max_percentage": {"2024-2025": "2.50"}})
    page = signed_in(app, VIEWER).get(f"{BASE}/")  # everyone in the region sees the dashboard
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = text_of(html)
    # region: 2024-2025: 5000 participants, 130 new (2,60%), max 140 -> met; 2025-2026: 5000, 115 (2,30%), max 110 -> not
    assert "2024-2025 16 van de 16 gemeenten 5.000 130 2,60% 140 gehaald" in text
    assert "2025-2026 16 van de 16 gemeenten 5.000 115 2,30% 110 niet gehaald" in text
    assert "2026-2027 0 van de 16 gemeenten – – – 100 –" in text  # a target year without figures yet
    assert '<svg' in html and 'role="img"' in html  # the chart beside the table
    chart = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart".*?</svg>', html, re.S).group(0)
    labels = assert_all_text_inside(chart)  # every label and legend entry inside the chart's box
    assert "Afgesproken maximum (streepjeslijn)" in labels and "Nieuwe vsv'ers" in labels
    assert "Nieuwe vsv'ers, 2024-2025: 130<" in chart.replace("&#39;", "'")
    # per municipality, latest year, change in percentage points against the year before
    assert "Gemeente De Bilt GM0310 3,50% 3,00% +0,50" in text
    assert "Gemeente Utrecht GM0344 2,00% 2,50% -0,50" in text
    assert "Gemeente Bunnik GM0312 geen cijfers" in text  # 0 participants: no percentage
    # national context with its real figures
    assert "minder dan 18.000 nieuwe vsv'ers" in text and "minder dan 20.000" in text
    assert "2022-2023 alle sectoren 30.246" in text
    assert "1,72%" in text  # Utrecht's published 2016-2017 percentage (partial source)
    # another school year through the selector
    text_2024 = text_of(signed_in(app, VIEWER).get(f"{BASE}/?schooljaar=2024-2025").get_data(as_text=True))
    assert "Gemeente Utrecht GM0344 2,50% – –" in text_2024


def test_dashboard_in_percentage_kind_compares_the_percentage(users, clock, tmp_path, app_factory):
    app = users
    _fill(app)
    complete_year(app, tmp_path, "2024-2025")
    complete_year(app, tmp_path, "2025-2026")
    sign_agreement(app, {"max_new_early_school_leavers": {"2024-2025": 140},
                         "max_percentage": {"2024-2025": "2.50", "2025-2026": "2.40"}})
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURES, regions)
    path = regions / "rmc-19.toml"
    path.write_text(path.read_text().replace('target_kind = "absolute"', 'target_kind = "percentage"'))
    app2 = app_factory(reuse_db=True, REGIONS_DIR=str(regions))
    assert regio(app2, "regions", "sync").exit_code == 0
    text = text_of(signed_in(app2, COORD).get(f"{BASE}/").get_data(as_text=True))
    assert "2024-2025 16 van de 16 gemeenten 5.000 130 2,60% 2,50% niet gehaald" in text
    assert "2025-2026 16 van de 16 gemeenten 5.000 115 2,30% 2,40% gehaald" in text


def test_settings_are_validated_by_the_region_loader(app, tmp_path):
    from plugins.vsv.settings import VsvSettings

    settings, errors = VsvSettings.from_toml({"deadlines": {"2024": dt.date(2025, 1, 1), "2025-2026": "morgen"},
                                              "target_kind": "relatief", "institution_reporting": "ja"})
    assert settings is None
    assert dict(errors) == {
        "deadlines.2024": "is geen schooljaar (zoals 2024-2025)",
        "deadlines.2025-2026": "'morgen' is geen datum (JJJJ-MM-DD)",
        "target_kind": "'relatief' is geen toegestane waarde (kies uit absolute, percentage)",
        "institution_reporting": "'ja' is geen ja/nee-waarde (true of false)",
    }
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURES, regions)
    path = regions / "rmc-19.toml"
    path.write_text(path.read_text().replace('target_kind = "absolute"', 'target_kind = "relatief"'))
    result = regio(app, "regions", "check", regions)
    assert result.exit_code != 0
    assert "rmc-19.toml: instruments.vsv.target_kind: 'relatief' is geen toegestane waarde" in result.output
    # and the fixture's own values arrive as typed settings
    good, problems = VsvSettings.from_toml({"deadline": dt.date(2026, 10, 1),
                                            "deadlines": {"2024-2025": dt.date(2026, 11, 1)}})
    assert not problems and good.deadline_for("2024-2025") == dt.date(2026, 11, 1)
    assert good.deadline_for("2025-2026") == dt.date(2026, 10, 1)
    assert VsvSettings.from_json(good.to_json()) == good


def test_agreement_template_wants_a_number_or_a_percentage(app):
    import pytest
    from plugins.vsv import hooks

    template = hooks.agreement_templates()[0]
    with pytest.raises(Exception) as exc:
        template.validate_terms({})
    assert "minstens één schooljaar" in str(exc.value)
    terms = template.validate_terms({"max_percentage": {"2025-2026": "2,5"}})
    assert terms["max_percentage"]["2025-2026"] == "2.50"
    with pytest.raises(Exception):
        template.validate_terms({"max_percentage": {"2025-2026": "120"}})


def test_disabling_vsv_hides_it_and_enabling_shows_the_same_figures(users, clock, tmp_path, app_factory):
    app = users
    _fill(app)
    before = figures(app)
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURES, regions)
    path = regions / "rmc-19.toml"
    path.write_text(path.read_text().replace("[instruments.vsv]\nenabled = true", "[instruments.vsv]\nenabled = false"))
    app2 = app_factory(reuse_db=True, REGIONS_DIR=str(regions))
    assert regio(app2, "regions", "sync").exit_code == 0
    client = signed_in(app2, COORD)
    for url in (f"{BASE}/", f"{BASE}/cijfers", f"{BASE}/cijfers/invoeren", f"{BASE}/excel/vsv-cijfers/"):
        assert client.get(url).status_code == 404, url
    assert "/vsv/" not in client.get("/regio/rmc-19/").get_data(as_text=True)
    out = tmp_path / "x.xlsx"
    assert regio(app2, "export", "vsv", "vsv-cijfers", "--region", "rmc-19", "--as", COORD, "-o", out).exit_code != 0
    assert figures(app2) == before

    app3 = app_factory(reuse_db=True)
    assert regio(app3, "regions", "sync").exit_code == 0
    page = signed_in(app3, COORD).get(f"{BASE}/cijfers")
    assert page.status_code == 200
    assert "4.000" in page.get_data(as_text=True)
    assert figures(app3) == before


def test_demo_data_is_idempotent_and_marked(users):
    app = users
    from core.db import db_session
    from core.regions.models import Region
    from plugins.vsv import hooks
    from plugins.vsv.models import VsvFigure

    with app.app_context():
        session = db_session()
        regions = [r for r in session.scalars(select(Region)) if r.has_instrument("vsv")]
        hooks.demo_data(session=session, regions=regions)
        session.commit()
        first = session.scalar(select(func.count(VsvFigure.id)))
        hooks.demo_data(session=session, regions=regions)
        session.commit()
        assert session.scalar(select(func.count(VsvFigure.id))) == first > 0
        assert session.scalar(select(func.count(VsvFigure.id)).where(VsvFigure.new_leavers > VsvFigure.participants)) == 0
    text = text_of(signed_in(app, COORD).get(f"{BASE}/").get_data(as_text=True))
    assert "Demogegevens:" in text and "geen echte cijfers" in text
    overview = text_of(signed_in(app, COORD).get("/regio/rmc-19/").get_data(as_text=True))
    assert "nieuwe vsv'ers" in overview


def test_institutions_realisation_against_their_signed_targets_hand_computed(users, clock, tmp_path):
    app = users
    _fill(app)
    complete_year(app, tmp_path, "2024-2025")
    complete_year(app, tmp_path, "2025-2026")
    utrecht, debilt = signed_in(app, UTRECHT), signed_in(app, DEBILT)
    gm0344, gm0310 = org_id(app, "GM0344"), org_id(app, "GM0310")
    report(utrecht, "2024-2025", gm0344, "600", "30", brin="25LH")
    report(debilt, "2024-2025", gm0310, "400", "10", brin="25LH")  # 25LH: 1.000 participants, 40 new: 4,00%
    report(utrecht, "2024-2025", gm0344, "200", "4", brin="01OE")  # 01OE: 200, 4: 2,00%
    report(utrecht, "2025-2026", gm0344, "500", "30", brin="25LH")  # 25LH 2025-2026: 6,00%
    unsigned = text_of(signed_in(app, VIEWER).get(f"{BASE}/").get_data(as_text=True))
    assert "2025-2026 ROC Midden Nederland (25LH) 1 van de 16 gemeenten 500 30 6,00% – – –" in unsigned  # no target
    assert "2024-2025 ROC Midden Nederland (25LH)" not in unsigned
    sign_agreement(app, {
        "max_new_early_school_leavers": {"2024-2025": 140, "2025-2026": 110},
        "institution_targets": {"2024-2025": "25LH 45 4,5%\n01OE 5 1,5%",  # 40 <= 45 and 4,00 <= 4,50: met;
                                # 01OE: 4 <= 5, but 2,00% > 1,50%: not met
                                "2025-2026": "25LH 5%\n23KG 12"},  # 6,00% > 5%: not met; 23KG: no figures yet
    })
    text = text_of(signed_in(app, VIEWER).get(f"{BASE}/").get_data(as_text=True))
    # the region's and the municipalities' numbers leave the institution rows out (no double counting)
    assert "2024-2025 16 van de 16 gemeenten 5.000 130 2,60% 140 gehaald" in text
    assert "2025-2026 16 van de 16 gemeenten 5.000 115 2,30% 110 niet gehaald" in text
    assert "Gemeente Utrecht GM0344 2,00% 2,50% -0,50" in text
    # per institution: sums over the municipalities against the institution's own maximum, judged only when every
    # municipality reported its figures at the institution
    assert ("2024-2025 ROC Midden Nederland (25LH) 2 van de 16 gemeenten 1.000 40 4,00% 45 4,50% nog niet compleet "
            "(Ontbreekt: Gemeente Bunnik,") in text
    complete_year(app, tmp_path, "2024-2025", brin="25LH")
    complete_year(app, tmp_path, "2024-2025", reported=("GM0344",), brin="01OE")
    complete_year(app, tmp_path, "2025-2026", reported=("GM0344",), brin="25LH")
    text = text_of(signed_in(app, VIEWER).get(f"{BASE}/").get_data(as_text=True))
    assert "2024-2025 ROC Midden Nederland (25LH) 16 van de 16 gemeenten 1.000 40 4,00% 45 4,50% gehaald" in text
    assert "2024-2025 Yuverta (01OE) 16 van de 16 gemeenten 200 4 2,00% 5 1,50% niet gehaald" in text
    assert "2025-2026 ROC Midden Nederland (25LH) 16 van de 16 gemeenten 500 30 6,00% – 5,00% niet gehaald" in text
    assert "2025-2026 Grafisch Lyceum Utrecht (23KG) 0 van de 16 gemeenten – – – 12 – –" in text


def test_institution_targets_are_checked_in_the_agreement_form(users):
    app = users
    from core.consortia.models import ConsortiumMember
    from core.db import db_session
    from core.regions.models import Region

    with app.app_context():
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        party = next(m.organisation_id for m in region.members if m.organisation.identifier == "MC19")
        session.add(ConsortiumMember(region_id=region.id, instrument_key="vsv", organisation_id=party,
                                     role="coordinator"))
        session.commit()
    client = signed_in(app, COORD)
    form = unescape(client.get("/regio/rmc-19/afspraken/vsv/nieuw").get_data(as_text=True))
    assert "Ten hoogste per mbo-instelling (2024-2025)" in form and "25LH 150 2,5%" in form  # label and hint
    data = {"title": "Vsv-afspraak", "text": "Tekst", "parties": [party], "term_0_0": "140",
            "term_2_0": "25LH 45 4,5%\n25LP 10\n25lh 3\n01OE\n02PK 12 13\n30RN 2,555%\n23KG veel",
            "term_2_1": "25L 5\n25LH " + "1" + "0" * 30 + "%"}
    response = client.post("/regio/rmc-19/afspraken/vsv/nieuw", data=data)
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    for message in ("Regel 2: 25LP is geen mbo-instelling van regio Utrecht",
                    "regel 3: 25LH staat al op regel 1; één regel per instelling",
                    "regel 4: zet na 01OE een maximum aantal nieuwe vsv'ers (zoals 40) en/of een maximum "
                    "percentage (zoals 2,5%)",
                    "regel 5: geef één maximum aantal en/of één maximum percentage, niet twee",
                    "regel 6: gebruik hoogstens 2 decimalen in het percentage ('2,555%')",
                    "regel 7: 'veel' is geen aantal (zoals 40) of percentage (zoals 2,5%)",
                    "Regel 1: '25L' is geen BRIN-code van een mbo-instelling (zoals 25LH)",
                    "regel 2: het percentage 1" + "0" * 30 + "% is meer dan 100%"):  # 31 digits: no crash
        assert message in html, message
    from core.agreements.models import Agreement
    with app.app_context():
        assert db_session().scalar(select(func.count(Agreement.id))) == 0  # nothing stored
    data.update(term_2_0="25LH 45 4,5%\n01oe 3%", term_2_1="")
    assert client.post("/regio/rmc-19/afspraken/vsv/nieuw", data=data).status_code == 302
    with app.app_context():
        stored = db_session().scalar(select(Agreement)).latest.terms
    assert stored["institution_targets"] == {"2024-2025": "25LH 45 4,5%\n01oe 3%", "2025-2026": None,
                                             "2026-2027": None, "2027-2028": None}


def test_an_agreement_without_any_target_is_refused_on_the_field_the_user_sees(users):
    """The "and/or" rule names no internal key and sits on the first target field, with its Dutch label."""
    app = users
    from core.consortia.models import ConsortiumMember
    from core.db import db_session
    from core.regions.models import Region

    with app.app_context():
        session = db_session()
        region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
        party = next(m.organisation_id for m in region.members if m.organisation.identifier == "MC19")
        session.add(ConsortiumMember(region_id=region.id, instrument_key="vsv", organisation_id=party,
                                     role="coordinator"))
        session.commit()
    client = signed_in(app, COORD)
    response = client.post("/regio/rmc-19/afspraken/vsv/nieuw",
                           data={"title": "Vsv-afspraak", "text": "Tekst", "parties": [party]})
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "max_new_early_school_leavers" not in html and "max_percentage" not in html
    message = ("Vul voor minstens één schooljaar een maximum aantal of een maximum percentage nieuwe vsv'ers in.")
    # the summary links the message to the field of the first school year, under that field's label
    assert re.search(r'href="#term_0_0"[^>]*>[^<]*Ten hoogste nieuwe vsv\'ers \(2024-2025\)[^<]*', html), html
    assert f'id="term_0_0-error"><span class="visually-hidden">Fout:</span> {message}' in html
    assert "Titel: " not in html


def test_the_demo_has_a_signed_agreement_shown_against_the_realisation(app):
    from core.agreements.models import Agreement
    from core.db import db_session
    from tests.core.test_demo import accounts, load_demo, signed_in as demo_signed_in

    printed = accounts(load_demo(app))
    load_demo(app)  # idempotent: still one agreement per region
    with app.app_context():
        rows = db_session().execute(select(Agreement.region_id, func.count()).where(Agreement.instrument_key == "vsv")
                                    .group_by(Agreement.region_id)).all()
    assert len(rows) == 2 and all(n == 1 for _region, n in rows)  # Utrecht and Rijnmond
    email = "lezer.gemeente-utrecht@demo.regioplatform.nl"
    text = text_of(demo_signed_in(app, email, printed[email][0]).get(f"{BASE}/").get_data(as_text=True))
    assert "Afspraak in werking: Regionale afspraak voortijdig schoolverlaten Utrecht (demo) (versie 1)" in text
    assert "Er is in deze regio nog geen ondertekende vsv-afspraak" not in text
    # realisation against target: the demo reports for every municipality, so the year is judged
    assert re.search(r"2024-2025 16 van de 16 gemeenten [\d.]+ [\d.]+ \d+,\d\d% [\d.]+ (gehaald|niet gehaald)", text)
    assert re.search(r"2024-2025 ROC Midden Nederland \(25LH\) \d+ van de 16 gemeenten [\d.]+ [\d.]+ \d+,\d\d% [\d.]+ "
                     r"\d+,\d\d% (gehaald|niet gehaald|nog niet compleet)",
                     text)
