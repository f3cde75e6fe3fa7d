"""Region settings of the kwaliteitsagenda (periods and priorities in regions/*.toml), the real region files,
the demo data and the unqualified-outflow agreement template."""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURE_REGIONS

from .conftest import BASE, regio, stored, table

REPO_REGIONS = Path(__file__).resolve().parents[2] / "regions"


def test_broken_periods_are_named_with_file_key_and_reason(app, tmp_path):
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, regions)
    path = regions / "rmc-29.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[instruments.kwaliteitsagenda]")
    path.write_text(text[:start] + '[instruments.kwaliteitsagenda]\nenabled = true\nopen_periods = ["2030-2033"]\n'
                    'periods = { "2027-2024" = ["A"], "2019-2022" = [], "2015-2018" = ["Bpv", "bpv"] }\n',
                    encoding="utf-8")
    result = regio(app, "regions", "check", regions)
    assert result.exit_code != 0
    for reason in ("rmc-29.toml: instruments.kwaliteitsagenda.periods: '2027-2024': het eerste jaar moet voor het "
                   "laatste liggen", "2019-2022: geef een lijst met ten minste één prioriteit",
                   "2015-2018: een prioriteit staat er twee keer in",
                   "instruments.kwaliteitsagenda.open_periods: '2030-2033' staat niet onder periods"):
        assert reason in result.output, result.output


def test_the_real_region_files_enable_it_in_utrecht_and_rijnmond_with_their_periods(app):
    import tomllib

    for slug in ("rmc-19", "rmc-29"):
        table_ = tomllib.loads((REPO_REGIONS / f"{slug}.toml").read_text(encoding="utf-8"))["instruments"][
            "kwaliteitsagenda"]
        assert table_["enabled"] is True
        assert table_["periods"]["2024-2027"] == ["Kansengelijkheid", "Aansluiting onderwijs-arbeidsmarkt",
                                                  "Kwaliteit, onderzoek en innovatie"]
    result = regio(app, "regions", "check", REPO_REGIONS)
    assert result.exit_code == 0, result.output


def test_demo_agendas_of_real_institutions_in_two_regions_are_marked_and_idempotent(app, client_of):
    first = regio(app, "demo", "--load-only")
    assert first.exit_code == 0, first.output
    agendas = stored(app, "Agenda")
    assert len(agendas) >= 4 and all(a["is_demo"] for a in agendas)
    assert len({a["region_id"] for a in agendas}) == 2
    assert all(r["is_demo"] for r in stored(app, "Realisation"))
    assert regio(app, "demo", "--load-only").exit_code == 0
    assert stored(app, "Agenda") == agendas
    page = client_of("coordinator").get(f"{BASE}/").get_data(as_text=True)
    assert "Demogegevens" in page
    assert "ROC Midden Nederland" in [r[0] for r in table(page, "kwaliteitsagenda-regio")]


def test_the_unqualified_outflow_agreement_is_offered_with_structured_terms(app, client_of):
    page = client_of("coordinator").get("/regio/rmc-19/afspraken/kwaliteitsagenda/nieuw?sjabloon="
                                        "ongediplomeerde-uitstroom")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Aanmelding bij het Doorstroompunt binnen (dagen)" in text
    assert "Streefwaarde aandeel uitstromers met een diploma of certificaat" in text
    index = client_of("coordinator").get(f"{BASE}/").get_data(as_text=True)
    assert "Regionale afspraken ongediplomeerde uitstroom naar werk opstellen" in index
