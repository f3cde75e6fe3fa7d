"""Region files: validation with one-line errors, the CLI check, and the sync into the database.

Broken files are real `.toml` files written to a temporary `regions/`
directory; the tests run from its parent so error lines read exactly as a
deployer sees them: `regions/rmc-19.toml: <key>: <reason>`.
"""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import discovery
from core.cli import main
from core.config import PROJECT_ROOT
from core.plugins import build_registry
from core.regions.loader import RegionFileError, load_regions
from core.testing import login, make_user
from tests.conftest import FIXTURE_REGIONS  # the fixture files plus what each instrument's tests add
from tests.core.instruments import other_instrument
from tests.plugins.hello import hooks as hello_hooks
from tests.region_files import edit, sync_edited_copies

REFERENCE_DATA = PROJECT_ROOT / "core" / "reference" / "data"
# Every installed instrument and the test plugin, as the loader lists them (the core's tests name none).
INSTALLED = ", ".join(sorted({ep.name for ep in discovery.installed_entry_points()} | {"hello"}))
BROKEN_DATE = 'greeting = "Goedemorgen"\ndeadline = \'morgen\''  # in rmc-19's [instruments.hello]


# --- helpers --------------------------------------------------------------

@pytest.fixture(scope="module")
def schemas():
    registry = build_registry([hello_hooks], True)
    return {key: entry.settings_schema for key, entry in registry.entries.items()}


@pytest.fixture
def regions_dir(tmp_path, monkeypatch):
    """A writable copy of the fixture regions at ./regions (the cwd is tmp_path)."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "regions"
    shutil.copytree(FIXTURE_REGIONS, target)
    return target


def copy_regions(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURE_REGIONS, target)
    return target


def errors_of(directory: Path, schemas: dict) -> list[str]:
    with pytest.raises(RegionFileError) as info:
        load_regions(directory, schemas)
    return info.value.errors


def cli(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


def scalar(app, stmt):
    from core.db import db_session

    with app.app_context():
        return db_session().scalar(stmt)


def audit_count(app) -> int:
    from core.audit.models import AuditEntry

    return scalar(app, select(func.count()).select_from(AuditEntry))


def table_counts(app) -> dict[str, int]:
    from core.db import Base, db_session

    with app.app_context():
        session = db_session()
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def org_id(app, identifier: str) -> int:
    from core.orgs.models import Organisation

    return scalar(app, select(Organisation.id).where(Organisation.identifier == identifier))


# --- one test per broken-file case ----------------------------------------

def test_unknown_instrument(regions_dir, schemas):
    edit(regions_dir / "rmc-19.toml", "[instruments.hello]", "[instruments.helo]")
    assert errors_of(regions_dir, schemas) == [
        f"regions/rmc-19.toml: instruments.helo: onbekend instrument (geïnstalleerd: {INSTALLED})"
    ]


def test_locations_of_a_member_must_be_its_own(regions_dir, schemas):
    edit(regions_dir / "rmc-19.toml", '"25LH",', '{ id = "25LH", locations = ["25LH00", "25LP01", "25LH00"] },')
    edit(regions_dir / "rmc-19.toml", '"GM0344",  # Utrecht', '{ id = "GM0344", locations = ["GM034401"] },')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-19.toml: members.gemeente[5].locations: alleen scholen (BRIN) hebben vestigingen",
        "regions/rmc-19.toml: members.mbo[3].locations[1]: '25LP01' is geen vestigingscode van 25LH "
        "(25LH en twee cijfers, bv. 25LH00)",
        "regions/rmc-19.toml: members.mbo[3].locations[2]: vestiging 25LH00 staat dubbel",
    ]


def test_setting_with_wrong_type_date(regions_dir, schemas):
    edit(regions_dir / "rmc-19.toml", 'greeting = "Goedemorgen"', BROKEN_DATE)
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-19.toml: instruments.hello.deadline: 'morgen' is geen datum (JJJJ-MM-DD)"
    ]


def test_setting_with_wrong_type_integer(regions_dir, schemas):
    edit(regions_dir / "rmc-19.toml", 'greeting = "Goedemorgen"', 'greeting = "Goedemorgen"\nmax_greetings = "tien"')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-19.toml: instruments.hello.max_greetings: 'tien' is geen geheel getal"
    ]


def test_unknown_setting_key(regions_dir, schemas):
    edit(regions_dir / "rmc-19.toml", 'greeting = "Goedemorgen"', 'groeting = "Goedemorgen"')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-19.toml: instruments.hello.groeting: onbekende instelling (bekend: deadline, greeting, max_greetings, retention_days, retention_months)"
    ]


def test_unknown_municipality_code(regions_dir, schemas):
    edit(regions_dir / "rmc-19.toml", '"GM0344",  # Utrecht', '"GM9999",')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-19.toml: members.gemeente[5]: gemeente GM9999 bestaat niet (CBS-code zoals GM0363)"
    ]


def test_bad_brin(regions_dir, schemas):
    edit(regions_dir / "rmc-19.toml", 'mbo = ["01OE",', 'mbo = ["1OE",')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-19.toml: members.mbo[0]: '1OE' is geen BRIN (twee cijfers en twee hoofdletters, bv. 25LP)"
    ]


def test_bad_kvk_number(regions_dir, schemas):
    edit(regions_dir / "rmc-29.toml", '{ id = "90000022"', '{ id = "9000002"')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-29.toml: members.werkgever[1]: '9000002' is geen KvK-nummer (8 cijfers)"
    ]


def test_duplicate_organisation_within_a_file(regions_dir, schemas):
    edit(regions_dir / "rmc-19.toml", '"GM1961",  # Vijfheerenlanden', '"GM1961",\n    "GM0344",')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-19.toml: members.gemeente[16]: organisatie GM0344 staat dubbel in dit bestand "
        "(ook members.gemeente[5])"
    ]


def test_unknown_top_level_key(regions_dir, schemas):
    edit(regions_dir / "rmc-19.toml", 'name = "Utrecht"', 'name = "Utrecht"\nprovincie = "Utrecht"')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-19.toml: provincie: onbekende sleutel (bekend: coordinators, instruments, members, name, reminders, "
        "rmc_code)"
    ]


def test_coordinator_not_among_members(regions_dir, schemas):
    edit(regions_dir / "rmc-19.toml", 'coordinators = ["MC19"]', 'coordinators = ["MC19", "GM0599"]')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-19.toml: coordinators[1]: 'GM0599' staat niet onder members"
    ]


def test_invalid_toml_syntax(regions_dir, schemas):
    edit(regions_dir / "rmc-12.toml", 'name = "Twente"', 'name = "Twente')
    errors = errors_of(regions_dir, schemas)
    assert len(errors) == 1
    assert re.fullmatch(r"regions/rmc-12\.toml: toml: geen geldige TOML: .*\(at line 5, column \d+\)", errors[0])
    assert "\n" not in errors[0]


def test_same_rmc_code_in_two_files(regions_dir, schemas):
    shutil.copy(regions_dir / "rmc-19.toml", regions_dir / "rmc-19-kopie.toml")
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-19.toml: rmc_code: MC19 wordt al beschreven in regions/rmc-19-kopie.toml"
    ]


def test_same_identifier_with_two_names_across_files(regions_dir, schemas):
    edit(regions_dir / "rmc-29.toml", 'werkgever = [',
         'werkgever = [\n    { id = "90000011", name = "Bouwbedrijf Maasstad" },')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-29.toml: members.werkgever: 90000011 heet hier 'Bouwbedrijf Maasstad' (werkgever) "
        "maar in regions/rmc-19.toml 'Bouwbedrijf Domstad (fictieve demowerkgever)' (werkgever)"
    ]


def test_several_broken_files_give_every_error(regions_dir, schemas):
    edit(regions_dir / "rmc-12.toml", 'name = "Twente"', 'name = "Twente"\nregio = 12')
    edit(regions_dir / "rmc-12.toml", 'mbo = ["27YU"]', 'mbo = ["27yu"]')
    edit(regions_dir / "rmc-19.toml", 'greeting = "Goedemorgen"', BROKEN_DATE)
    edit(regions_dir / "rmc-19.toml", "[instruments.hello]", "[instruments.riff]\nenabled = true\n\n[instruments.hello]")
    edit(regions_dir / "rmc-29.toml", '"GM0599",  # Rotterdam', '"GM0000",')
    assert errors_of(regions_dir, schemas) == [
        "regions/rmc-12.toml: regio: onbekende sleutel (bekend: coordinators, instruments, members, name, reminders, "
        "rmc_code)",
        "regions/rmc-12.toml: members.mbo[0]: '27yu' is geen BRIN (twee cijfers en twee hoofdletters, bv. 25LP)",
        f"regions/rmc-19.toml: instruments.riff: onbekend instrument (geïnstalleerd: {INSTALLED})",
        "regions/rmc-19.toml: instruments.hello.deadline: 'morgen' is geen datum (JJJJ-MM-DD)",
        "regions/rmc-29.toml: members.gemeente[5]: gemeente GM0000 bestaat niet (CBS-code zoals GM0363)",
    ]


# --- the check command and refusing to start --------------------------------

def test_regions_check_prints_every_error_and_fails(app, regions_dir):
    edit(regions_dir / "rmc-19.toml", 'greeting = "Goedemorgen"', BROKEN_DATE)
    edit(regions_dir / "rmc-29.toml", '"GM0599",  # Rotterdam', '"GM0000",')
    result = cli(app, "regions", "check", "regions")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "regions/rmc-19.toml: instruments.hello.deadline: 'morgen' is geen datum (JJJJ-MM-DD)",
        "regions/rmc-29.toml: members.gemeente[5]: gemeente GM0000 bestaat niet (CBS-code zoals GM0363)",
        "2 fout(en) gevonden.",
    ]
    assert "in orde" not in result.output


def test_regions_check_passes_the_real_region_files(app):
    result = cli(app, "regions", "check", str(PROJECT_ROOT / "regions"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "40 regiobestanden in orde."


def test_app_refuses_to_start_with_a_broken_region_file(app_factory, regions_dir):
    edit(regions_dir / "rmc-19.toml", "[instruments.hello]", "[instruments.helo]")
    with pytest.raises(RegionFileError) as info:
        app_factory(REGIONS_DIR=str(regions_dir))
    assert info.value.errors == [
        f"regions/rmc-19.toml: instruments.helo: onbekend instrument (geïnstalleerd: {INSTALLED})"
    ]


def test_regio_command_exits_with_code_2_and_the_errors(tmp_path):
    done = sync_edited_copies(tmp_path, [("rmc-19.toml", 'name = "Utrecht"', 'name = "Utrecht"\nregio = 19'),
                                         ("rmc-29.toml", '"GM0599",  # Rotterdam', '"GM0000",')])
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "De regiobestanden bevatten fouten; het platform start niet:",
        "  regions/rmc-19.toml: regio: onbekende sleutel (bekend: coordinators, instruments, members, name, reminders, "
        "rmc_code)",
        "  regions/rmc-29.toml: members.gemeente[5]: gemeente GM0000 bestaat niet (CBS-code zoals GM0363)",
    ]
    assert not (tmp_path / "regio.db").exists() or (tmp_path / "regio.db").stat().st_size == 0


# --- the real region files --------------------------------------------------

def test_every_real_region_file_is_valid_and_complete(schemas):
    decls = load_regions(PROJECT_ROOT / "regions", schemas)
    with open(REFERENCE_DATA / "rmc_regions.csv", newline="", encoding="utf-8") as fh:
        rmc_rows = {row["rmc_code"]: row for row in csv.DictReader(fh)}
    with open(REFERENCE_DATA / "gemeente_rmc.csv", newline="", encoding="utf-8") as fh:
        gemeente_rows = list(csv.DictReader(fh))

    by_code: dict[str, list] = {}
    for decl in decls:
        by_code.setdefault(decl.rmc_code, []).append(decl)
    assert sorted(by_code) == sorted(rmc_rows)
    assert {code: len(files) for code, files in by_code.items() if len(files) != 1} == {}

    for code, (decl,) in by_code.items():
        expected = {row["cbs_code"] for row in gemeente_rows if row["rmc_code"] == code}
        listed = {m.identifier for m in decl.members if m.kind == "gemeente"}
        assert listed == expected, f"{decl.path.name}: gemeenten wijken af van gemeente_rmc.csv"
        assert len(listed) == int(rmc_rows[code]["gemeente_count"]), decl.path.name
        assert code in decl.coordinators, f"{decl.path.name}: the region's own RMC coordinates"


# --- sync ---------------------------------------------------------------------

def test_sync_is_idempotent(app_factory, tmp_path):
    from core.orgs.models import Organisation
    from core.regions.models import Region

    app_factory()
    edited = copy_regions(tmp_path, "edited")
    edit(edited / "rmc-12.toml", 'name = "Twente"', 'name = "Twente en Salland"')
    edit(edited / "rmc-12.toml", 'mbo = ["27YU"]',
         'mbo = ["27YU"]\nwerkgever = [{ id = "90000031", name = "Textiel Twente BV" }]')
    app = app_factory(reuse_db=True, REGIONS_DIR=str(edited))
    audit_before = audit_count(app)

    first = cli(app, "regions", "sync")
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == "3 regio's gelezen, 3 wijzigingen"  # name, new organisation, its membership
    assert scalar(app, select(Region.name).where(Region.rmc_code == "MC12")) == "Twente en Salland"
    assert scalar(app, select(Organisation.name).where(Organisation.identifier == "90000031")) == "Textiel Twente BV"
    assert audit_count(app) == audit_before + 3

    counts = table_counts(app)
    second = cli(app, "regions", "sync")
    assert second.exit_code == 0, second.output
    assert second.stdout.strip() == "3 regio's gelezen, 0 wijzigingen"
    assert table_counts(app) == counts
    assert audit_count(app) == audit_before + 3


def _post_greeting(app, client, org: str, text: str) -> None:
    page = client.post("/regio/rmc-19/hello/nieuw", data={"organisation": org_id(app, org), "text": text})
    assert page.status_code == 302, page.get_data(as_text=True)


def test_organisation_removed_from_file_loses_membership_not_data(app_factory, tmp_path):
    from core.consortia.models import ConsortiumMember
    from core.identity.models import Membership
    from core.orgs.models import Organisation
    from core.regions.models import RegionMember
    from tests.plugins.hello.models import Greeting

    app = app_factory()
    make_user(app, "nieuwegein@example.nl", org="GM0356", role="editor")
    make_user(app, "coordinator@example.nl", org="MC19", role="admin")
    client = app.test_client()
    login(client, "nieuwegein@example.nl")
    _post_greeting(app, client, "GM0356", "Groeten uit Nieuwegein")
    coordinator = app.test_client()
    login(coordinator, "coordinator@example.nl")
    seat = coordinator.post("/regio/rmc-19/consortium/hello",
                            data={"instrument": "hello", "organisation": org_id(app, "GM0356"), "role": "deelnemer"})
    assert seat.status_code == 302
    nieuwegein = org_id(app, "GM0356")

    without = copy_regions(tmp_path, "without-nieuwegein")
    edit(without / "rmc-19.toml", '    "GM0356",  # Nieuwegein\n', "")
    app2 = app_factory(reuse_db=True, REGIONS_DIR=str(without))
    result = cli(app2, "regions", "sync")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "3 regio's gelezen, 1 wijzigingen"

    assert scalar(app2, select(func.count()).select_from(RegionMember)
                  .where(RegionMember.organisation_id == nieuwegein)) == 0
    assert scalar(app2, select(func.count()).select_from(ConsortiumMember)
                  .where(ConsortiumMember.organisation_id == nieuwegein)) == 0
    assert scalar(app2, select(Organisation.name).where(Organisation.id == nieuwegein)) == "Gemeente Nieuwegein"
    assert scalar(app2, select(Greeting.text).where(Greeting.organisation_id == nieuwegein)) == "Groeten uit Nieuwegein"
    assert scalar(app2, select(func.count()).select_from(Membership)
                  .where(Membership.organisation_id == nieuwegein)) == 1

    client2 = app2.test_client()
    assert login(client2, "nieuwegein@example.nl").status_code == 302
    assert client2.get("/regio/rmc-19/").status_code == 404
    assert "/regio/rmc-19/" not in client2.get("/").get_data(as_text=True)

    app3 = app_factory(reuse_db=True)  # the original files: Nieuwegein is back
    assert cli(app3, "regions", "sync").stdout.strip() == "3 regio's gelezen, 1 wijzigingen"
    client3 = app3.test_client()
    login(client3, "nieuwegein@example.nl")
    assert "Groeten uit Nieuwegein" in client3.get("/regio/rmc-19/hello/").get_data(as_text=True)


@pytest.mark.parametrize("how", ["enabled-false", "table-removed"])
def test_disabling_an_instrument_hides_it_and_keeps_its_rows(app_factory, tmp_path, how):
    from tests.plugins.hello.models import Greeting

    app = app_factory()
    make_user(app, "utrecht@example.nl", org="GM0344", role="editor")
    client = app.test_client()
    login(client, "utrecht@example.nl")
    _post_greeting(app, client, "GM0344", "Hallo vanuit de Domstad")
    assert 'href="/regio/rmc-19/hello/"' in client.get("/regio/rmc-19/").get_data(as_text=True)

    disabled = copy_regions(tmp_path, "disabled")
    hello_table = '[instruments.hello]\nenabled = true\ngreeting = "Goedemorgen"\n'
    if how == "enabled-false":
        edit(disabled / "rmc-19.toml", hello_table, hello_table.replace("true", "false"))
    else:
        edit(disabled / "rmc-19.toml", hello_table, "")
    app2 = app_factory(reuse_db=True, REGIONS_DIR=str(disabled))
    assert cli(app2, "regions", "sync").stdout.strip() == "3 regio's gelezen, 1 wijzigingen"
    client2 = app2.test_client()
    login(client2, "utrecht@example.nl")
    assert client2.get("/regio/rmc-19/hello/").status_code == 404
    assert client2.get("/regio/rmc-19/hello/nieuw").status_code == 404
    overview = client2.get("/regio/rmc-19/")
    assert overview.status_code == 200
    html = overview.get_data(as_text=True)
    assert "/regio/rmc-19/hello/" not in html
    assert f"/regio/rmc-19/{other_instrument(app2)}/" in html  # the other instruments stay
    assert scalar(app2, select(func.count()).select_from(Greeting)) == 1

    app3 = app_factory(reuse_db=True)  # enabled again, as in the fixture files
    assert cli(app3, "regions", "sync").stdout.strip() == "3 regio's gelezen, 1 wijzigingen"
    client3 = app3.test_client()
    login(client3, "utrecht@example.nl")
    page = client3.get("/regio/rmc-19/hello/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Hallo vanuit de Domstad" in html
    assert "Goedemorgen Utrecht" in html  # the region's settings came back too
    assert 'href="/regio/rmc-19/hello/"' in client3.get("/regio/rmc-19/").get_data(as_text=True)


def test_sync_that_fails_midway_leaves_the_database_unchanged(app_factory, tmp_path, monkeypatch):
    from core.regions import sync as sync_module
    from core.regions.models import Region

    app_factory()
    edited = copy_regions(tmp_path, "edited")
    edit(edited / "rmc-12.toml", 'name = "Twente"', 'name = "Twente en Salland"')
    edit(edited / "rmc-19.toml", '    "GM0356",  # Nieuwegein\n', "")
    edit(edited / "rmc-29.toml", 'werkgever = [',
         'werkgever = [\n    { id = "90000029", name = "Rotterdamse Haven BV" },')
    app = app_factory(reuse_db=True, REGIONS_DIR=str(edited))
    before = table_counts(app)

    real = sync_module._sync_region

    def fails_on_rijnmond(session, decl, orgs, report):
        real(session, decl, orgs, report)
        if decl.slug == "rmc-29":
            session.flush()  # the earlier regions' changes are in the database by now
            raise RuntimeError("verbinding met de database verbroken")

    monkeypatch.setattr(sync_module, "_sync_region", fails_on_rijnmond)
    result = cli(app, "regions", "sync")
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    assert table_counts(app) == before
    assert scalar(app, select(Region.name).where(Region.rmc_code == "MC12")) == "Twente"

    monkeypatch.setattr(sync_module, "_sync_region", real)
    result = cli(app, "regions", "sync")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "3 regio's gelezen, 4 wijzigingen"
    assert scalar(app, select(Region.name).where(Region.rmc_code == "MC12")) == "Twente en Salland"
