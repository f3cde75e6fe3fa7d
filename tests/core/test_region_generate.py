"""`regio regions generate`: region files from the shared data, every school in every region it serves.

The data are the real shared files cut down to the three fixture regions (Twente MC12, Utrecht MC19,
Rijnmond MC29). SVO vakopleiding food (17WH) has locations in all three.
"""
from __future__ import annotations

import csv
import shutil
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.cli import main
from core.config import PROJECT_ROOT
from core.regions.loader import display_path
from core.testing import login, make_user
from tests.conftest import FIXTURE_REGIONS
from tests.region_files import edit

SHARED = PROJECT_ROOT.parent / "shared" / "data"
REGIONS = ("MC12", "MC19", "MC29")
FILES = {"rmc_regions.csv": "rmc_code", "gemeente_rmc.csv": "rmc_code", "mbo_institutions.csv": None,
         "mbo_locations.csv": "rmc_code", "vo_locations.csv": "rmc_code"}


@pytest.fixture(scope="module")
def shared_data(tmp_path_factory) -> Path:
    """The shared data files, rows of the three fixture regions only."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not here")
    target = tmp_path_factory.mktemp("data")
    for name, column in FILES.items():
        with open(SHARED / name, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            rows = [r for r in reader if column is None or r[column] in REGIONS]
        with open(target / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, reader.fieldnames)
            writer.writeheader()
            writer.writerows(rows)
    return target


@pytest.fixture
def data_dir(shared_data, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(shared_data, target)
    return target


@pytest.fixture
def regions_dir(tmp_path) -> Path:
    """The fixture region files; rmc-19 has an employer and a care provider of the deployer's own."""
    target = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, target)
    return target


def generate(app, data_dir, regions_dir, *extra):
    return app.test_cli_runner().invoke(main, ["regions", "generate", "--data", str(data_dir), str(regions_dir), *extra])


def texts(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.toml"))}


def members(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))["members"]


def ids(items) -> set[str]:
    return {i if isinstance(i, str) else i["id"] for i in items}


def test_dry_run_shows_the_changes_and_writes_nothing_then_write_keeps_the_deployers_own(app, data_dir, regions_dir):
    before = texts(regions_dir)
    dry = generate(app, data_dir, regions_dir)
    assert dry.exit_code == 0, dry.output
    lines = dry.stdout.splitlines()
    assert {"+ MC12: mbo 17WH", "+ MC19: mbo 17WH", "+ MC29: mbo 17WH"} <= set(lines)
    assert lines[-1] == "Proefdraai: niets geschreven (schrijf met --write)."
    assert texts(regions_dir) == before

    done = generate(app, data_dir, regions_dir, "--write")
    assert done.exit_code == 0, done.output
    for name in ("rmc-12.toml", "rmc-19.toml", "rmc-29.toml"):
        mbo = {m["id"]: m for m in members(regions_dir / name)["mbo"]}
        assert mbo["17WH"]["locations"], name  # in every region where it has a location, naming them
    utrecht = members(regions_dir / "rmc-19.toml")
    assert {"vo", "pro"} <= set(utrecht)
    assert utrecht["werkgever"] == [{"id": "90000011", "name": "Bouwbedrijf Domstad (fictieve demowerkgever)"}]
    assert utrecht["zorg"] == [{"id": "90000012", "name": "Zorggroep Vecht en Rijn (fictieve demowerkgever)"}]
    # everything after [members] (the instruments' settings) is kept byte for byte
    for name, text in before.items():
        tail = text[text.index("[instruments."):]
        assert texts(regions_dir)[name].endswith(tail)
    again = generate(app, data_dir, regions_dir)
    # three region files and places.csv
    assert again.stdout.splitlines()[-1] == "0 toegevoegd, 0 verplaatst, 0 vervallen; 0 van 4 bestanden wijzigen."


def test_an_institution_in_three_regions_is_in_all_three_and_its_figures_land_in_the_right_one(
        app_factory, data_dir, regions_dir):
    from core.regions.models import Region, RegionMember
    from tests.plugins.hello.models import Greeting

    assert generate(app_factory(), data_dir, regions_dir, "--write").exit_code == 0
    app = app_factory(reuse_db=True, REGIONS_DIR=str(regions_dir))
    synced = app.test_cli_runner().invoke(main, ["regions", "sync"])
    assert synced.exit_code == 0, synced.output
    make_user(app, "invoer@svo.example", org="17WH", role="editor")
    client = app.test_client()
    login(client, "invoer@svo.example")
    for slug in ("rmc-12", "rmc-19", "rmc-29"):
        assert client.get(f"/regio/{slug}/").status_code == 200, slug
    from core.db import db_session

    with app.app_context():
        session = db_session()
        svo = session.scalar(select(RegionMember.organisation_id).join(Region)
                             .where(Region.slug == "rmc-12", RegionMember.organisation.has(identifier="17WH")))
        assert session.scalar(select(func.count()).select_from(RegionMember)
                              .where(RegionMember.organisation_id == svo)) == 3
    for slug, text in (("rmc-29", "Groeten uit Rotterdam"), ("rmc-19", "Groeten uit Utrecht")):
        posted = client.post(f"/regio/{slug}/hello/nieuw", data={"organisation": svo, "text": text})
        assert posted.status_code == 302, posted.get_data(as_text=True)
    with app.app_context():
        landed = db_session().execute(select(Region.slug, Greeting.text).join(Region, Greeting.region_id == Region.id)
                                      .where(Greeting.organisation_id == svo)).all()
    assert sorted(landed) == [("rmc-19", "Groeten uit Utrecht"), ("rmc-29", "Groeten uit Rotterdam")]
    # and in the national figures (the maintained sums) each greeting counts for the region it concerns
    from core.aggregates.read import aggregate_table

    with app.app_context():
        sums = aggregate_table("hello", "greetings", db_session())
        per_region = {r.slug: sums.value(r.id, "all", "greetings") for r in sums.regions}
    assert per_region["rmc-19"] == 1 and per_region["rmc-29"] == 1 and per_region.get("rmc-12") is None


def test_a_vo_and_a_pro_school_can_be_consortium_members(app_factory, data_dir, regions_dir):
    from core.consortia.models import ConsortiumMember
    from core.db import db_session
    from core.orgs.models import Organisation

    assert generate(app_factory(), data_dir, regions_dir, "--write").exit_code == 0
    utrecht = members(regions_dir / "rmc-19.toml")
    vo, pro = utrecht["vo"][0]["id"], utrecht["pro"][0]["id"]
    app = app_factory(reuse_db=True, REGIONS_DIR=str(regions_dir))
    assert app.test_cli_runner().invoke(main, ["regions", "sync"]).exit_code == 0
    make_user(app, "coordinator@example.nl", org="MC19", role="admin")
    client = app.test_client()
    login(client, "coordinator@example.nl")
    with app.app_context():
        org = {o.identifier: o.id for o in db_session().scalars(
            select(Organisation).where(Organisation.identifier.in_([vo, pro])))}
    for ident in (vo, pro):
        seat = client.post("/regio/rmc-19/consortium/hello",
                           data={"instrument": "hello", "organisation": org[ident], "role": "deelnemer"})
        assert seat.status_code == 302, seat.get_data(as_text=True)
    with app.app_context():
        seated = set(db_session().scalars(select(Organisation.kind).join(
            ConsortiumMember, ConsortiumMember.organisation_id == Organisation.id)))
    assert seated == {"vo", "pro"}


def test_a_bad_data_row_writes_nothing_and_names_file_row_and_column(app, data_dir, regions_dir):
    edit(data_dir / "mbo_locations.csv", ",GM0153,Enschede,MC12,", ",GM0153,Enschede,MC99,")
    before = texts(regions_dir)
    done = generate(app, data_dir, regions_dir, "--write")
    assert done.exit_code == 1
    [error, summary] = done.stderr.splitlines()
    assert error.startswith(f"{display_path(data_dir / 'mbo_locations.csv')}: regel ")
    assert error.endswith("rmc_code: 'MC99' klopt niet met gemeente GM0153 (volgens gemeente_rmc.csv MC12)")
    assert summary == "1 fout(en) gevonden; er is niets geschreven."
    assert texts(regions_dir) == before


def test_a_file_the_loader_would_refuse_writes_nothing_and_names_the_real_file(app, data_dir, regions_dir):
    edit(regions_dir / "rmc-12.toml", 'coordinators = ["MC12"]', 'coordinators = ["MC12", "90000002"]')
    before = texts(regions_dir)
    done = generate(app, data_dir, regions_dir, "--write")
    assert done.exit_code == 1
    assert done.stderr.splitlines() == [
        f"{display_path(regions_dir / 'rmc-12.toml')}: coordinators[1]: '90000002' staat niet onder members",
        "1 fout(en) gevonden; er is niets geschreven."]
    assert texts(regions_dir) == before


def test_the_consortium_picker_is_a_search_without_javascript(app_factory, data_dir, regions_dir):
    assert generate(app_factory(), data_dir, regions_dir, "--write").exit_code == 0
    app = app_factory(reuse_db=True, REGIONS_DIR=str(regions_dir))
    assert app.test_cli_runner().invoke(main, ["regions", "sync"]).exit_code == 0
    make_user(app, "coordinator@example.nl", org="MC19", role="admin")
    client = app.test_client()
    login(client, "coordinator@example.nl")
    page = client.get("/regio/rmc-19/consortium/hello").get_data(as_text=True)
    assert "50 van " in page and "verfijn de zoekopdracht" in page  # hundreds of schools: the first 50 shown
    found = client.get("/regio/rmc-19/consortium/hello?q=kranenburg&kind=pro").get_data(as_text=True)
    assert "1 van " in found
    assert "Kranenburg Praktijkonderwijs (01EK, praktijkonderwijs)" in found
    by_code = client.get("/regio/rmc-19/consortium/hello?q=25lh").get_data(as_text=True)
    assert "ROC Midden Nederland (25LH, mbo-instelling)" in by_code and "Kranenburg" not in by_code


def test_the_picker_finds_schools_by_the_place_of_their_locations(app_factory, data_dir, regions_dir):
    """generate writes places.csv beside the region files; the picker's one search box matches a place too."""
    assert generate(app_factory(), data_dir, regions_dir, "--write").exit_code == 0
    with open(regions_dir / "places.csv", newline="", encoding="utf-8") as fh:
        places = {row["identifier"]: row["places"] for row in csv.DictReader(fh)}
    assert set(places["25LH"].split("; ")) == {"Nieuwegein", "Utrecht"}  # ROC Midden Nederland's locations here
    app = app_factory(reuse_db=True, REGIONS_DIR=str(regions_dir))
    assert app.test_cli_runner().invoke(main, ["regions", "sync"]).exit_code == 0
    make_user(app, "coordinator@example.nl", org="MC19", role="admin")
    client = app.test_client()
    login(client, "coordinator@example.nl")
    nieuwegein = client.get("/regio/rmc-19/consortium/hello?q=nieuwegein&kind=mbo").get_data(as_text=True)
    assert "ROC Midden Nederland (25LH, mbo-instelling)" in nieuwegein  # not in its name: by place
    assert "Kranenburg" not in nieuwegein
    nowhere = client.get("/regio/rmc-19/consortium/hello?q=groningen&kind=mbo").get_data(as_text=True)
    assert "ROC Midden Nederland" not in nowhere
    # a second run changes nothing: the places file is part of what generate owns
    again = generate(app_factory(), data_dir, regions_dir)
    assert "0 van " in again.output
