"""One migration environment with a branch per plugin (ARCHITECTURE.md §6 and §8).

* every line ("core" and each plugin key with a migration_location) has exactly
  one head, and together those are all the heads of the script directory;
* the migrated schema equals the models (autogenerate finds nothing to do);
* a plugin's line can be taken down to base and up again without touching
  the core's rows (the path for uninstalling a plugin);
* `regio db upgrade` is the supported entry point and is idempotent.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from core import migrate
from core.cli import main as regio
from core.db import Base, database, db_session
from core.testing import make_user
from tests.plugins.hello import hooks as hello_hooks
from tests.plugins.hello.models import Greeting

HELLO_DIR = Path(hello_hooks.__file__).parent / "migrations"


def lines(app) -> dict[str, Path]:
    """Label -> version directory: the core's plus every plugin's migration_location."""
    out = {"core": migrate.CORE_VERSIONS}
    out.update({e.key: Path(e.migrations) for e in app.extensions["regioplatform"].ordered() if e.migrations})
    return out


def db_versions(app) -> set[str]:
    with database().engine.connect() as conn:
        return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def schema_diff(app) -> list:
    with database().engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def tables(app) -> set[str]:
    return set(inspect(database().engine).get_table_names())


def counts(app, *models) -> dict[str, int]:
    session = db_session()
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in models}


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def test_every_line_has_exactly_one_head_and_they_are_all_the_heads(ctx):
    script = migrate.script_directory(ctx)
    labels = lines(ctx)
    assert {"core", "hello"} <= set(labels)  # plus every built-in instrument with tables
    line_heads = {}
    for label in labels:
        heads = script.get_revisions(f"{label}@head")
        assert len(heads) == 1, f"line '{label}' has {len(heads)} heads: merge them"
        line_heads[label] = heads[0].revision
    assert set(line_heads.values()) == set(script.get_heads())


def test_every_revision_lives_in_the_directory_of_its_line(ctx):
    script = migrate.script_directory(ctx)
    labels = lines(ctx)
    core_revisions = {r.revision for r in script.walk_revisions("base", "core@head")}
    for label, directory in labels.items():
        revisions = list(script.walk_revisions("base", f"{label}@head"))
        own = [r for r in revisions if Path(r.path).parent == directory]
        base = [r for r in own if r.down_revision is None]
        assert len(base) == 1 and base[0].branch_labels == {label}, f"line '{label}' needs one base labelled '{label}'"
        foreign = {r.revision for r in revisions} - {r.revision for r in own}
        if label == "core":
            assert not foreign, f"core revisions outside {directory}: {sorted(foreign)}"
        else:
            # Plugin lines hang off core revisions through depends_on, by revision id.
            assert foreign <= core_revisions, f"line '{label}' has revisions outside {directory}: {sorted(foreign)}"
            depends = base[0].dependencies
            depends = (depends,) if isinstance(depends, str) else tuple(depends or ())
            assert depends and set(depends) <= core_revisions, f"line '{label}' must depend_on a core revision id"
    files = {p.resolve() for d in labels.values() for p in d.glob("*.py")}
    known = {Path(r.path).resolve() for r in script.walk_revisions()}
    assert files == known, "a revision file is not reachable from any head"


def test_the_database_is_at_the_effective_heads(ctx):
    # A core head that a plugin only depends on gets no row of its own (alembic's effective head).
    script = migrate.script_directory(ctx)
    assert db_versions(ctx) == set(script.get_heads(consider_depends_on=True))


def test_migrated_schema_equals_the_models(ctx):
    assert {"hello_greeting", "region", "organisation", "audit_entry"} <= tables(ctx)
    assert schema_diff(ctx) == []


def test_the_schema_check_notices_a_model_the_migrations_lack(ctx):
    # Control for the test above: compare_metadata does report drift.
    from sqlalchemy import Column, Integer, MetaData, Table

    extra = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(extra)
    Table("hello_extra", extra, Column("id", Integer, primary_key=True))
    with database().engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), extra)
    assert [d[0] for d in diff] == ["add_table"] and diff[0][1].name == "hello_extra"


def test_plugin_line_down_to_base_and_up_keeps_core_rows(ctx):
    from core.identity.models import User
    from core.orgs.models import Organisation
    from core.regions.models import Region, RegionMember

    make_user(ctx, "lezer@utrecht.example", org="GM0344", role="viewer")
    before = counts(ctx, Region, Organisation, RegionMember, User)
    assert before["region"] == 3 and before["user_account"] == 1
    session = db_session()
    region = session.scalar(select(Region).where(Region.slug == "rmc-19"))
    session.add(Greeting(region_id=region.id, organisation_id=region.members[0].organisation_id, text="Hoi"))
    session.commit()
    session.close()

    runner = ctx.test_cli_runner()
    try:
        result = runner.invoke(regio, ["db", "downgrade", "hello@base"])
        assert result.exit_code == 0, result.output
        assert "hello_greeting" not in tables(ctx)
        assert "4e11000000a1" not in db_versions(ctx)
        # the core line and the other plugins' lines stay where they were
        assert migrate.script_directory(ctx).get_revision("core@head").revision in db_versions(ctx)
        assert not db_versions(ctx) & {"4e11000000a1", "4e11000000a2"}
        assert counts(ctx, Region, Organisation, RegionMember, User) == before
    finally:
        result = runner.invoke(regio, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "hello_greeting" in tables(ctx)
    assert counts(ctx, Region, Organisation, RegionMember, User, Greeting) == {**before, "hello_greeting": 0}
    assert schema_diff(ctx) == []


def test_regio_db_upgrade_is_idempotent(ctx):
    runner = ctx.test_cli_runner()
    versions, schema = db_versions(ctx), tables(ctx)
    audit_rows = db_session().scalar(text("SELECT count(*) FROM audit_entry"))
    for _ in range(2):
        result = runner.invoke(regio, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "Database bijgewerkt (heads)." in result.output
        assert db_versions(ctx) == versions
        assert tables(ctx) == schema
    assert db_session().scalar(text("SELECT count(*) FROM audit_entry")) == audit_rows


def test_regio_db_builds_the_whole_schema_from_nothing(ctx):
    runner = ctx.test_cli_runner()
    try:
        result = runner.invoke(regio, ["db", "downgrade", "base"])
        assert result.exit_code == 0, result.output
        assert tables(ctx) <= {"alembic_version"}
        assert db_versions(ctx) == set()
    finally:
        result = runner.invoke(regio, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert set(Base.metadata.tables) <= tables(ctx)
    assert db_versions(ctx) == set(migrate.script_directory(ctx).get_heads(consider_depends_on=True))
    assert schema_diff(ctx) == []
