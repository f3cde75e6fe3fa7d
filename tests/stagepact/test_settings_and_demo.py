"""Region settings of stagepact (regions/*.toml) and its demo data."""
from __future__ import annotations

import shutil

from tests.conftest import FIXTURE_REGIONS

from .conftest import BASE, regio, reports, table


def test_region_settings_are_validated_with_file_key_and_reason(app, tmp_path):
    regions = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, regions)
    path = regions / "rmc-29.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "[instruments.stagepact]\nenabled = true\n",
        '[instruments.stagepact]\nenabled = true\nmeasure_kinds = ["Training", "training", "a; b"]\n'
        'minimum_reports = "twee"\n'), encoding="utf-8")
    result = regio(app, "regions", "check", regions)
    assert result.exit_code != 0
    assert "rmc-29.toml: instruments.stagepact.minimum_reports: 'twee' is geen geheel getal" in result.output
    path.write_text(path.read_text(encoding="utf-8").replace('minimum_reports = "twee"', "minimum_reports = 0"),
                    encoding="utf-8")
    result = regio(app, "regions", "check", regions)
    assert "instruments.stagepact.measure_kinds: soort 2 ('training') staat er twee keer in" in result.output
    assert "soort 3 ('a; b') bevat een puntkomma" in result.output
    assert "instruments.stagepact.minimum_reports: moet minstens 1 zijn" in result.output


def test_default_measure_kinds_where_the_region_sets_none(app, users, client_of):
    page = client_of("zadkine").get("/regio/rmc-29/stagepact/rapportage/nieuw").get_data(as_text=True)
    assert "Training van docenten en stagebegeleiders" in page  # a default kind (rmc-29 sets none)
    assert "Training van stagebegeleiders" not in page  # rmc-19's own list


def test_demo_data_for_real_institutions_is_idempotent_and_marked(app, client_of):
    first = regio(app, "demo", "--load-only")
    assert first.exit_code == 0, first.output
    stored = reports(app)
    assert {r["org"] for r in stored} == {"01OE", "02PK", "23KG", "25LH", "30RN"}  # rmc-19's mbo institutions
    assert all(r["is_demo"] for r in stored)
    assert all(r["reports_handled"] <= r["reports_received"] and r["reports_forwarded"] <= r["reports_received"]
               and r["teams_matching"] <= r["teams_total"] for r in stored)
    assert regio(app, "demo", "--load-only").exit_code == 0
    assert reports(app) == stored
    page = client_of("gemeente").get(f"{BASE}/").get_data(as_text=True)
    assert "Demogegevens" in page
    assert [r[0] for r in table(page, "stagepact-meldingen")[1:]] == ["2022-2023", "2023-2024", "2024-2025"]
